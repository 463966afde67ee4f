#include "sim/wallet_node.hpp"

#include <nlohmann/json.hpp>

#include "sim/address.hpp"
#include "sim/external_stores.hpp"
#include "sim/world.hpp"

namespace connsim::sim {

namespace {
const char* kProcessExited = "Process exited";

/// Dials by `dial` unless `process` has exited by the time the dial starts, and records the dial
/// in `node`'s records (start, end, target, whether through a relay, outcome).
template <class Dial>
store::Task<store::DialOutcome> recorded_dial(const NodeProcess& process, WalletNode& node,
                                              std::string target, bool via_relay, Dial dial) {
  const Duration started = node.world().kernel().now();
  store::DialOutcome outcome = store::DialOutcome::failure(kProcessExited);
  if (process.alive()) outcome = co_await dial();
  node.records().dials.push_back(
      {started, node.world().kernel().now(), std::move(target), via_relay, outcome.ok, outcome.error});
  co_return outcome;
}
}  // namespace

// --- NodeProcess --------------------------------------------------------------------------------

const store::PeerId& NodeProcess::self_peer_id() const { return node_.config().peer_id; }

std::optional<store::ConnectionType> NodeProcess::existing_connection(
    const store::PeerId& peer) const {
  if (!alive_) return std::nullopt;
  return node_.world().existing_connection(node_.index(), peer);
}

store::Task<store::DialOutcome> NodeProcess::dial(const store::Multiaddr& address) {
  return recorded_dial(*this, node_, address, false,
                       [this, &address] { return node_.world().dial(node_.index(), address); });
}

store::Task<store::DialOutcome> NodeProcess::dial_via_relay(const store::PeerId& peer) {
  return recorded_dial(*this, node_, peer, true,
                       [this, &peer] { return node_.world().dial_via_relay(node_.index(), peer); });
}

store::Task<store::DialOutcome> NodeProcess::send(const store::PeerId& peer,
                                                  std::string_view protocol, std::string payload) {
  if (!alive_) co_return store::DialOutcome::failure(kProcessExited);
  co_return co_await node_.world().send(node_.index(), peer, std::string(protocol),
                                        std::move(payload));
}

// --- WalletStores -------------------------------------------------------------------------------

WalletStores::WalletStores(WalletNode& node, store::Executor executor, store::Clock& clock,
                           store::Rng& rng, const WalletConfig& config)
    : network(node),
      contacts(clock),
      service(executor, network, clock, &rng, config.store.connection),
      p2p(executor, network, clock, service, contacts, config.store.p2p),
      musig2(std::move(executor), network, clock, p2p, config.store.musig2) {}

// --- WalletNode ---------------------------------------------------------------------------------

namespace {

NatConfig effective_nat(const NatConfig& nat) { return nat; }

}  // namespace

WalletNode::WalletNode(World& world, std::size_t index, const WalletConfig& config,
                       SimClock& clock, std::uint64_t seed)
    : world_(world),
      index_(index),
      config_(config),
      clock_(clock),
      rng_(stream_seed(seed, "wallet", index)),
      store_rng_(stream_seed(seed, "wallet-store", index)),
      nat_(effective_nat(config.nat), world.hosts().public_ip(world.wallet_host(index)),
           stream_seed(seed, "nat", index)),
      public_ip_(world.hosts().public_ip(world.wallet_host(index))),
      private_ip_(world.hosts().private_ip(WalletIndex{index})) {
  for (std::size_t relay : config_.relays) relay_links_[relay] = RelayLink{};
  make_stores();
}

WalletNode::~WalletNode() = default;

void WalletNode::make_stores() {
  stores_ = std::make_unique<WalletStores>(*this, world_.kernel().executor(), clock_, store_rng_,
                                           config_);
  stores_->p2p.set_observer(this);
  stores_->musig2.set_observer(this);
  stores_->service.set_attempt_observer(
      [this](const store::PeerId& peer, int attempt, Duration started, const store::ConnectResult& result) {
        on_attempt(peer, attempt, started, result);
      });
  for (const auto& shared : world_.config().shared_wallets) {
    bool member = false;
    store::SharedWallet wallet;
    wallet.id = shared.id;
    for (std::size_t participant : shared.participants) {
      if (participant == index_) member = true;
      const auto& peer = world_.wallet_config(participant).peer_id;
      wallet.participants.push_back({peer, "pubkey-" + peer});
    }
    if (member) stores_->musig2.add_shared_wallet(std::move(wallet));
  }
}

void WalletNode::on_attempt(const store::PeerId& peer, int attempt, Duration started,
                            const store::ConnectResult& result) {
  records_.attempts.push_back({started, clock_.now(), peer, attempt, result});
  auto it = open_connects_.find(peer);
  if (it != open_connects_.end() && !it->second.empty()) it->second.back().second = attempt;
  world_.history().record(clock_.now(), AttemptFinished{config_.id, peer, attempt, result});
}

void WalletNode::use_external_stores(std::unique_ptr<ExternalStores> stores) { external_ = std::move(stores); }

void WalletNode::restart_process() {
  if (external_) external_->restart();
  stores_->network.exit();
  stores_->p2p.set_observer(nullptr);
  stores_->musig2.set_observer(nullptr);
  stores_->service.set_attempt_observer(nullptr);
  retired_.push_back(std::move(stores_));
  open_connects_.clear();
  make_stores();
}

void WalletNode::set_online(bool online) {
  if (online_ == online) return;
  online_ = online;
  ++generation_;
}

store::Multiaddr WalletNode::listen_address() const {
  return format_address({.kind = AddressKind::direct, .ip = private_ip_, .peer = config_.peer_id});
}

// --- event delivery -----------------------------------------------------------------------------

void WalletNode::deliver_presence(const store::PresencePtr& presence) {
  if (records_.status_peers.count(presence->peer_id) > 0) {
    records_.presence_after_status[presence->peer_id] = clock_.now();
  }
  if (external_) return external_->deliver_presence(presence);
  stores_->network.deliver_presence(presence);
}

void WalletNode::deliver_peer_connected(const store::PeerId& peer, store::ConnectionType type) {
  if (external_) return external_->deliver_peer_connected(peer, type);
  stores_->network.deliver_peer_connected(peer, type);
}

void WalletNode::deliver_peer_disconnected(const store::PeerId& peer) {
  if (external_) return external_->deliver_peer_disconnected(peer);
  stores_->network.deliver_peer_disconnected(peer);
}

void WalletNode::deliver_pubsub(std::string_view topic,
                                const std::shared_ptr<const nlohmann::json>& message) {
  if (external_) return external_->deliver_pubsub(topic, message);
  stores_->network.deliver_pubsub(topic, message);
}

void WalletNode::deliver_message(const store::PeerId& from, std::string_view protocol,
                                 std::string_view payload) {
  if (external_) return external_->deliver_message(from, protocol, payload);
  stores_->network.deliver_message(from, protocol, payload);
}

// --- observers ----------------------------------------------------------------------------------

void WalletNode::on_status_written(const store::PeerId& peer,
                                   const store::PeerConnectionStatus& status) {
  records_.statuses.push_back({clock_.now(), peer, status});
  records_.status_peers.insert(peer);
  world_.history().record(clock_.now(), StatusWritten{config_.id, peer, status});
}

void WalletNode::on_activity_event(const store::ActivityEvent& event) {
  records_.events.push_back({clock_.now(), event});
  world_.history().record(clock_.now(), EventAdded{config_.id, event.type, event.message});
}

void WalletNode::on_connect_started(const store::PeerId& peer) {
  open_connects_[peer].push_back({clock_.now(), 0});
}

void WalletNode::on_connect_finished(const store::PeerId& peer, const store::ConnectResult& result) {
  Duration started = clock_.now();
  int attempts = 0;
  auto it = open_connects_.find(peer);
  if (it != open_connects_.end() && !it->second.empty()) {
    started = it->second.front().first;
    attempts = it->second.front().second;
    it->second.erase(it->second.begin());
  }
  records_.connects.push_back({peer, started, clock_.now(), attempts, result});
  world_.history().record(clock_.now(), ConnectFinished{config_.id, peer, result});
}

void WalletNode::on_session_state(const store::SigningSession& session) {
  const bool coordinator = session.coordinator == config_.peer_id;
  records_.sessions.push_back(
      {clock_.now(), session.id, session.state, session.failure, coordinator, session.generation});
  world_.history().record(clock_.now(), SessionChanged{config_.id, session.id, session.state, session.failure});
}

}  // namespace connsim::sim
