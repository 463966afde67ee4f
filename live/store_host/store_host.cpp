#include "live/store_host/store_host.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "live/store_host/store_options.hpp"
#include "live/store_host/wire.hpp"
#include "store/connection_service.hpp"
#include "store/contacts_store.hpp"
#include "store/splitmix64.hpp"

namespace connsim::live {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

/// The seed of a wallet's retry jitter: the run's seed with the wallet's name folded in (FNV-1a
/// steps), drawn with splitmix64.
std::uint64_t wallet_rng_seed(std::uint64_t seed, std::string_view wallet) {
  for (char c : wallet) seed = (seed ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return seed;
}

std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string what_of(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

struct LiveStoreHost::Stores {
  store::SplitMix64Rng rng;
  PipeNetwork network;
  store::ContactsStore contacts;
  store::ConnectionService service;
  store::P2PStore p2p;
  store::Musig2Store musig2;

  Stores(store::Executor executor, store::Clock& clock, std::uint64_t seed, const std::string& wallet,
         const store::PeerId& peer_id, PipeNetwork::Writer writer, const sim::WalletStoreOptions& options)
      : rng(wallet_rng_seed(seed, wallet)),
        network(executor, peer_id, std::move(writer)),
        contacts(clock),
        service(executor, network, clock, &rng, options.connection),
        p2p(executor, network, clock, service, contacts, options.p2p),
        musig2(executor, network, clock, p2p, options.musig2) {}
};

LiveStoreHost::LiveStoreHost(store::Executor executor, store::Clock& clock, Output output, StartHandler on_start)
    : executor_(std::move(executor)), clock_(clock), output_(std::move(output)), on_start_(std::move(on_start)) {}

LiveStoreHost::~LiveStoreHost() {
  if (stores_) {
    stores_->p2p.set_observer(nullptr);
    stores_->musig2.set_observer(nullptr);
    stores_->service.set_attempt_observer(nullptr);
  }
}

PipeNetwork* LiveStoreHost::network() { return stores_ ? &stores_->network : nullptr; }

void LiveStoreHost::handle_line(std::string_view line) {
  const json message = json::parse(line, nullptr, false);
  if (message.is_discarded() || !message.is_object()) {
    return protocol_error("not a JSON object: " + std::string(line.substr(0, 200)));
  }
  const std::string op = text(message, "op");
  if (op == "create") return create(message);
  if (!stores_ && op != "start") return protocol_error("\"" + op + "\" before \"create\"");
  if (op == "start") {
    const auto it = message.find("start_epoch_ms");
    if (it == message.end() || !it->is_number()) return protocol_error("start: \"start_epoch_ms\" must be a number");
    if (on_start_) on_start_(it->get<double>());
    return;
  }
  if (op == "event") return event(message);
  if (op == "action") return action(message);
  if (op == "resolve") return resolve(message);
  if (op == "connections") return connections(message);
  protocol_error("unknown op \"" + op + "\"");
}

void LiveStoreHost::create(const json& message) {
  if (stores_) return protocol_error("a second \"create\"");
  wallet_ = text(message, "wallet");
  const std::string peer_id = text(message, "peer_id");
  if (wallet_.empty() || peer_id.empty()) return protocol_error("create: \"wallet\" and \"peer_id\" are required");
  auto options = decode_store_options(message.contains("options") ? message["options"] : json());
  if (auto* error = std::get_if<std::string>(&options)) {
    return report_store_error("create", "bad store options: " + *error, std::nullopt);
  }
  const std::uint64_t seed = message.value("seed", std::uint64_t{1});
  stores_ = std::make_unique<Stores>(executor_, clock_, seed, wallet_, peer_id,
                                     [this](const json& call) { output_(call); },
                                     std::get<sim::WalletStoreOptions>(options));
  stores_->p2p.set_observer(this);
  stores_->musig2.set_observer(this);
  stores_->service.set_attempt_observer(
      [this](const store::PeerId& peer, int attempt, store::Duration started, const store::ConnectResult& result) {
        report({{"ev", "attempt"}, {"peer", peer}, {"attempt", attempt}, {"started", started.count()},
                {"result", wire::connect_result(result)}});
      });
  for (const auto& shared : message.value("shared_wallets", json::array())) {
    store::SharedWallet wallet;
    wallet.id = text(shared, "id");
    for (const auto& participant : shared.value("participants", json::array())) {
      const std::string peer = text(participant, "peer_id");
      const std::string key = text(participant, "public_key");
      wallet.participants.push_back({peer, key.empty() ? "pubkey-" + peer : key});
    }
    stores_->musig2.add_shared_wallet(std::move(wallet));
  }
  report({{"ev", "created"}});
}

void LiveStoreHost::event(const json& message) {
  const std::string kind = text(message, "kind");
  PipeNetwork& network = stores_->network;
  try {
    if (kind == "presence") {
      std::string error;
      auto presence = wire::presence_from_json(message.value("presence", json()), error);
      if (!presence) return protocol_error(error);
      network.deliver_presence(std::make_shared<const store::PresenceAdvertisement>(std::move(*presence)));
    } else if (kind == "peer_connect") {
      const auto type = store::parse_connection_type(text(message, "connection_type"));
      if (!type) return protocol_error("peer_connect: bad connection_type");
      network.deliver_peer_connected(text(message, "peer"), *type);
    } else if (kind == "peer_disconnect") {
      network.deliver_peer_disconnected(text(message, "peer"));
    } else if (kind == "pubsub") {
      network.deliver_pubsub(text(message, "topic"), std::make_shared<const json>(message.value("message", json())));
    } else if (kind == "message") {
      network.deliver_message(text(message, "from"), text(message, "protocol"), text(message, "payload"));
    } else {
      protocol_error("unknown event kind \"" + kind + "\"");
    }
  } catch (const std::exception& e) {
    report_store_error("event " + kind, e.what(), std::nullopt);
  }
}

void LiveStoreHost::action(const json& message) {
  const auto id_field = message.find("id");
  if (id_field == message.end() || !id_field->is_number_unsigned()) return protocol_error("action: \"id\" must be a number");
  const std::uint64_t id = id_field->get<std::uint64_t>();
  const std::string name = text(message, "name");
  if (name == "connect") {
    start_action(id, "connect", wire::connect_result,
                 [this, peer = text(message, "peer")]() mutable {
                   return stores_->p2p.connect_to_online_peer(std::move(peer));
                 });
  } else if (name == "connect_many") {
    std::vector<store::PeerId> peers;
    for (const auto& peer : message.value("peers", json::array())) {
      if (peer.is_string()) peers.push_back(peer.get<std::string>());
    }
    start_action(id, "connect_many", wire::connect_many_result,
                 [this, peers = std::move(peers)]() mutable {
                   return stores_->p2p.connect_to_multiple_peers(std::move(peers));
                 });
  } else if (name == "propose_spend") {
    store::SpendProposalParams params{text(message, "shared_wallet"), message.value("recipient", std::string("recipient")),
                                      message.value("amount_sats", std::int64_t{10000})};
    start_action(id, "propose_spend", wire::propose_spend_result,
                 [this, params = std::move(params)]() mutable {
                   return stores_->musig2.propose_spend(std::move(params));
                 });
  } else if (name == "getter") {
    try {
      report_result(id, getter(message));
    } catch (const std::exception& e) {
      report_store_error("action getter", e.what(), id);
    }
  } else {
    report_store_error("action " + name, "unknown action \"" + name + "\"", id);
  }
}

json LiveStoreHost::getter(const json& message) const {
  const std::string name = text(message, "getter");
  const store::P2PStore& p2p = stores_->p2p;
  if (name == "connected_online_peer_count") return p2p.connected_online_peer_count();
  if (name == "is_peer_connected") return p2p.is_peer_connected(text(message, "peer"));
  if (name == "peer_status") return wire::peer_status(p2p.get_peer_connection_status(text(message, "peer")));
  throw std::runtime_error("unknown getter \"" + name + "\"");
}

template <class Encode, class Start>
void LiveStoreHost::start_action(std::uint64_t id, std::string_view name, Encode encode,
                                 Start start) {
  asio::co_spawn(executor_, run_action(id, name, std::move(encode), std::move(start)),
                 asio::detached);
}

template <class Encode, class Start>
store::Task<void> LiveStoreHost::run_action(std::uint64_t id, std::string_view name, Encode encode,
                                            Start start) {
  std::exception_ptr error;
  try {
    report_result(id, encode(co_await start()));
  } catch (...) {
    error = std::current_exception();
  }
  if (error) report_store_error("action " + std::string(name), what_of(error), id);
}

void LiveStoreHost::resolve(const json& message) {
  const auto id_field = message.find("id");
  if (id_field == message.end() || !id_field->is_number_unsigned()) return protocol_error("resolve: \"id\" must be a number");
  const auto ok = message.find("ok");
  if (ok == message.end() || !ok->is_boolean()) return protocol_error("resolve: \"ok\" must be a boolean");
  const store::DialOutcome outcome =
      ok->get<bool>() ? store::DialOutcome::success() : store::DialOutcome::failure(text(message, "error"));
  if (!stores_->network.resolve(id_field->get<std::uint64_t>(), outcome)) {
    protocol_error("resolve of no pending call " + id_field->dump());
  }
}

void LiveStoreHost::connections(const json& message) {
  const auto types = message.find("types");
  if (types == message.end() || !types->is_object()) return protocol_error("connections: \"types\" must be an object");
  for (const auto& [peer, type] : types->items()) {
    if (type.is_null()) {
      stores_->network.set_connection(peer, std::nullopt);
    } else if (auto parsed = type.is_string() ? store::parse_connection_type(type.get<std::string>()) : std::nullopt) {
      stores_->network.set_connection(peer, parsed);
    } else {
      protocol_error("connections: bad type for " + peer + ": " + type.dump());
    }
  }
}

// --- reports --------------------------------------------------------------------------------------

void LiveStoreHost::report(json line) {
  line["wallet"] = wallet_;
  line["t"] = clock_.now().count();
  output_(line);
}

void LiveStoreHost::report_result(std::uint64_t id, json value) {
  report({{"ev", "result"}, {"id", id}, {"value", std::move(value)}});
}

void LiveStoreHost::report_store_error(std::string where, std::string message, std::optional<std::uint64_t> id) {
  json line{{"ev", "error"}, {"kind", "store"}, {"store", "cpp"}, {"where", std::move(where)}, {"message", std::move(message)}};
  if (id) line["id"] = *id;
  report(std::move(line));
}

void LiveStoreHost::protocol_error(std::string message) {
  report({{"ev", "error"}, {"kind", "protocol"}, {"store", "cpp"}, {"where", "protocol"}, {"message", std::move(message)}});
}

void LiveStoreHost::on_status_written(const store::PeerId& peer, const store::PeerConnectionStatus& status) {
  json line = wire::peer_status(status);
  line["ev"] = "status";
  line["peer"] = peer;
  report(std::move(line));
}

void LiveStoreHost::on_activity_event(const store::ActivityEvent& event) {
  report({{"ev", "activity"}, {"type", event.type}, {"peer", event.peer_id}, {"message", event.message}});
}

void LiveStoreHost::on_connect_started(const store::PeerId& peer) { report({{"ev", "connect_started"}, {"peer", peer}}); }

void LiveStoreHost::on_connect_finished(const store::PeerId& peer, const store::ConnectResult& result) {
  report({{"ev", "connect_finished"}, {"peer", peer}, {"result", wire::connect_result(result)}});
}

void LiveStoreHost::on_session_state(const store::SigningSession& session) {
  report({{"ev", "session"},
          {"session_id", session.id},
          {"state", std::string(store::to_string(session.state))},
          {"failure", session.failure ? json(*session.failure) : json(nullptr)},
          {"coordinator", session.coordinator == stores_->network.self_peer_id()},
          {"generation", session.generation}});
}

}  // namespace connsim::live
