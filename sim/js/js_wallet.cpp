#include "sim/js/js_wallet.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/post.hpp>

#include "sim/js/store_reports.hpp"
#include "sim/wallet_node.hpp"
#include "sim/world.hpp"

namespace connsim::sim::js {

namespace {

using nlohmann::json;

json presence_json(const store::PresenceAdvertisement& p) {
  json record{{"id", p.id},
              {"peerId", p.peer_id},
              {"multiaddrs", p.multiaddrs},
              {"relayAddrs", p.relay_addrs},
              {"webrtcAddr", p.webrtc_addr ? json(*p.webrtc_addr) : json(nullptr)},
              {"walletAddress", p.wallet_address},
              {"createdAt", p.created_at},
              {"expiresAt", p.expires_at}};
  if (p.nickname) record["nickname"] = *p.nickname;
  if (p.avatar) record["avatar"] = *p.avatar;
  return record;
}

/// Resumes the awaiting coroutine on its own executor (never inside the host's read loop).
template <typename Handler>
class PendingHandler final : public JsWallet::Pending {
 public:
  explicit PendingHandler(Handler handler) : handler_(std::move(handler)) {}
  void settle(std::exception_ptr error, json value) override {
    auto executor = boost::asio::get_associated_executor(handler_);
    boost::asio::post(executor, [handler = std::move(handler_), error, value = std::move(value)]() mutable {
      std::move(handler)(error, std::move(value));
    });
  }

 private:
  Handler handler_;
};

}  // namespace

JsWallet::JsWallet(JsHost& host, WalletNode& node, json options)
    : host_(host), node_(node), wallet_(node.config().id) {
  host_.add_client(wallet_, this);
  json create = message("create");
  create["peer_id"] = node_.config().peer_id;
  if (options.is_object()) {
    options.erase("implementation");
    create["options"] = std::move(options);
  }
  json shared = json::array();
  for (const auto& wallet : node_.world().config().shared_wallets) {
    bool member = false;
    json participants = json::array();
    for (std::size_t participant : wallet.participants) {
      member |= participant == node_.index();
      participants.push_back({{"peer_id", node_.world().wallet_config(participant).peer_id}});
    }
    if (member) shared.push_back({{"id", wallet.id}, {"participants", std::move(participants)}});
  }
  if (!shared.empty()) create["shared_wallets"] = std::move(shared);
  host_.send(std::move(create));
}

JsWallet::~JsWallet() { host_.add_client(wallet_, nullptr); }

json JsWallet::message(const char* op) const {
  return json{{"op", op}, {"wallet", wallet_}, {"t", node_.world().kernel().now().count()}};
}

void JsWallet::event(const char* kind, json fields) {
  json message = this->message("event");
  message["kind"] = kind;
  message.update(fields);
  host_.send(std::move(message));
}

// --- network events -------------------------------------------------------------------------------

void JsWallet::deliver_presence(const store::PresencePtr& presence) {
  event("presence", {{"presence", presence_json(*presence)}});
}

void JsWallet::deliver_peer_connected(const store::PeerId& peer, store::ConnectionType type) {
  event("peer_connect", {{"peer", peer}, {"connection_type", std::string(store::to_string(type))}});
}

void JsWallet::deliver_peer_disconnected(const store::PeerId& peer) { event("peer_disconnect", {{"peer", peer}}); }

void JsWallet::deliver_pubsub(std::string_view topic, const std::shared_ptr<const json>& message) {
  event("pubsub", {{"topic", topic}, {"message", message ? *message : json(nullptr)}});
}

void JsWallet::deliver_message(const store::PeerId& from, std::string_view protocol, std::string_view payload) {
  event("message", {{"from", from}, {"protocol", protocol}, {"payload", payload}});
}

void JsWallet::restart() {
  next_event_id_ = 1;
  host_.send(message("reload"));
}

// --- the host's calls -----------------------------------------------------------------------------

json JsWallet::answer(const json& call) {
  if (text(call, "call") == "random") return node_.store_rng().next_unit();
  const auto type = node_.world().existing_connection(node_.index(), text(call, "peer"));
  return type ? json(std::string(store::to_string(*type))) : json(nullptr);
}

void JsWallet::start_call(const json& call) {
  const std::uint64_t id = call["id"].get<std::uint64_t>();
  auto cancel = std::make_shared<boost::asio::cancellation_signal>();
  calls_in_flight_.insert_or_assign(id, cancel);
  const auto slot = cancel->slot();
  boost::asio::co_spawn(node_.world().kernel().executor(), run_call(id, text(call, "call"), call, cancel),
                        boost::asio::bind_cancellation_slot(slot, [cancel](std::exception_ptr) {}));
}

void JsWallet::abort_call(const json& call) {
  const auto id = call.find("id");
  if (id == call.end() || !id->is_number_unsigned()) return;
  auto it = calls_in_flight_.find(id->get<std::uint64_t>());
  if (it == calls_in_flight_.end()) return;  // it ended meanwhile (its resolve is on its way)
  const auto cancel = it->second;
  cancel->emit(boost::asio::cancellation_type::terminal);
}

store::Task<void> JsWallet::run_call(std::uint64_t id, std::string kind, json call,
                                     std::shared_ptr<boost::asio::cancellation_signal> cancel) {
  World& world = node_.world();
  store::DialOutcome outcome;
  try {
    if (kind == "dial") {
      outcome = co_await world.dial(node_.index(), text(call, "addr"));
    } else if (kind == "dial_via_relay") {
      outcome = co_await world.dial_via_relay(node_.index(), text(call, "peer"));
    } else {
      outcome = co_await world.send(node_.index(), text(call, "peer"), text(call, "protocol"), text(call, "payload"));
    }
  } catch (const std::exception& e) {
    outcome = store::DialOutcome::failure(e.what());
  }
  if (auto it = calls_in_flight_.find(id); it != calls_in_flight_.end() && it->second == cancel) {
    calls_in_flight_.erase(it);
  }
  host_.resolve(id, outcome);
}

// --- the host's reports ---------------------------------------------------------------------------

void JsWallet::report(const json& line) {
  const std::string ev = text(line, "ev");
  if (ev == "status") {
    node_.p2p_observer().on_status_written(text(line, "peer"), peer_status(line));
  } else if (ev == "activity") {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(node_.world().kernel().now()).count();
    node_.p2p_observer().on_activity_event(activity_event(line, next_event_id_++, now));
  } else if (ev == "connect_started") {
    node_.p2p_observer().on_connect_started(text(line, "peer"));
  } else if (ev == "connect_finished") {
    // A connectToPresence that threw is recorded as a failed connect carrying the exception's text.
    node_.p2p_observer().on_connect_finished(text(line, "peer"), finished_connect_result(line));
  } else if (ev == "attempt") {
    node_.on_attempt(text(line, "peer"), line.value("attempt", 0), Duration(line.value("started", std::int64_t{0})),
                     connect_result(line.value("result", json())));
  } else if (ev == "session") {
    store::SigningSession session;
    session.id = text(line, "session_id");
    session.state = session_state(line);
    session.failure = optional_text(line, "failure");
    session.coordinator = line.value("coordinator", false) ? node_.config().peer_id : std::string();
    session.generation = line.value("generation", std::uint64_t{0});
    node_.musig2_observer().on_session_state(session);
  } else if (ev == "result" || ev == "error") {
    if (!line.contains("id") || !line["id"].is_number_unsigned()) return;
    auto it = pending_.find(line["id"].get<std::uint64_t>());
    if (it == pending_.end()) return;
    std::unique_ptr<Pending> pending = std::move(it->second);
    pending_.erase(it);
    if (ev == "result") {
      pending->settle(nullptr, line.value("value", json()));
    } else {
      pending->settle(std::make_exception_ptr(std::runtime_error(text(line, "message"))), json());
    }
  }
}

// --- actions --------------------------------------------------------------------------------------

store::Task<json> JsWallet::action(const char* name, json fields) {
  const std::uint64_t id = host_.next_request_id();
  json message = this->message("action");
  message["id"] = id;
  message["name"] = name;
  message.update(fields);
  co_return co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(std::exception_ptr, json)>(
      [this, id, message = std::move(message)](auto handler) mutable {
        pending_.emplace(id, std::make_unique<PendingHandler<decltype(handler)>>(std::move(handler)));
        host_.send(std::move(message));
      },
      boost::asio::use_awaitable);
}

store::Task<store::ConnectResult> JsWallet::connect_to_online_peer(store::PeerId peer) {
  co_return connect_result(co_await action("connect", {{"peer", peer}}));
}

store::Task<store::ResultMap<store::ConnectResult>> JsWallet::connect_to_multiple_peers(std::vector<store::PeerId> peers) {
  const json value = co_await action("connect_many", {{"peers", peers}});
  store::ResultMap<store::ConnectResult> results;
  if (value.is_array()) {
    for (const auto& entry : value) {
      if (entry.is_array() && entry.size() == 2 && entry[0].is_string()) {
        results.set(entry[0].get<std::string>(), connect_result(entry[1]));
      }
    }
  }
  co_return results;
}

store::Task<store::ProposeSpendResult> JsWallet::propose_spend(store::SpendProposalParams params) {
  const json value = co_await action(
      "propose_spend", {{"shared_wallet", params.wallet_id}, {"recipient", params.recipient}, {"amount_sats", params.amount_sats}});
  store::ProposeSpendResult result;
  if (value.is_object()) {
    result.success = value.value("success", false);
    result.session_id = optional_text(value, "session_id");
    result.error = optional_text(value, "error");
  }
  co_return result;
}

// --- getters --------------------------------------------------------------------------------------

std::size_t JsWallet::connected_online_peer_count() {
  const auto value = host_.query(wallet_, {{"getter", "connected_online_peer_count"}});
  return value && value->is_number_unsigned() ? value->get<std::size_t>() : 0;
}

bool JsWallet::is_peer_connected(const store::PeerId& peer) {
  const auto value = host_.query(wallet_, {{"getter", "is_peer_connected"}, {"peer", peer}});
  return value && value->is_boolean() && value->get<bool>();
}

store::PeerConnectionStatus JsWallet::peer_connection_status(const store::PeerId& peer) {
  const auto value = host_.query(wallet_, {{"getter", "peer_status"}, {"peer", peer}});
  store::PeerConnectionStatus status;
  if (value && value->is_object()) {
    status.status = store::parse_connection_status(text(*value, "status")).value_or(store::ConnectionStatus::disconnected);
    status.connection_type = store::parse_connection_type(text(*value, "connection_type"));
    status.error = optional_text(*value, "error");
  }
  return status;
}

std::size_t JsWallet::activity_feed_size() {
  const auto value = host_.query(wallet_, {{"getter", "state"}});
  if (!value || !value->is_object()) return 0;
  const auto p2p = value->find("p2p");
  if (p2p == value->end() || !p2p->is_object()) return 0;
  const auto events = p2p->find("activityEvents");
  return events != p2p->end() && events->is_array() ? events->size() : 0;
}

std::optional<std::vector<store::ActivityEvent>> JsWallet::activity_feed() {
  const auto value = host_.query(wallet_, {{"getter", "state"}});
  if (!value || !value->is_object()) return std::nullopt;
  const auto p2p = value->find("p2p");
  if (p2p == value->end() || !p2p->is_object()) return std::nullopt;
  const auto events = p2p->find("activityEvents");
  if (events == p2p->end() || !events->is_array()) return std::nullopt;
  std::vector<store::ActivityEvent> feed;
  for (const auto& entry : *events) {
    if (!entry.is_object()) return std::nullopt;
    store::ActivityEvent event;
    event.type = text(entry, "type");
    event.peer_id = text(entry, "peerId");
    event.message = text(entry, "message");
    const auto stamp = entry.find("timestamp");
    if (stamp == entry.end() || !stamp->is_number()) return std::nullopt;
    event.timestamp = stamp->get<store::EpochMs>();
    feed.push_back(std::move(event));
  }
  return feed;
}

bool JsWallet::field_log(json& out) {
  const auto value = host_.query(wallet_, {{"getter", "field_log"}});
  if (!value || !value->is_object()) return false;
  out = *value;
  return true;
}

}  // namespace connsim::sim::js
