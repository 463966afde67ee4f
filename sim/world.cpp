// World lifecycle: joining, leaving, reloads, relays and their reservations, presence gossip,
// the bootstrap's peer exchange, partitions and the other faults.
#include "sim/world.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "sim/address.hpp"
#include "sim/message_paths.hpp"
#include "sim/wallet_node.hpp"

namespace connsim::sim {

namespace {

std::string circuit_address(const std::string& relay, const std::string& peer) {
  return format_address({.kind = AddressKind::circuit, .relay = relay, .peer = peer});
}

}  // namespace

World::World(Kernel& kernel, WorldConfig config, bool keep_history, PathsFactory paths)
    : kernel_(kernel),
      config_(std::move(config)),
      hosts_(HostLayout::of(config_)),
      clock_(std::make_unique<SimClock>(kernel)),
      history_(keep_history) {
  for (const auto& relay : config_.relays) relays_.push_back(RelayState{relay});
  wallets_.reserve(config_.wallets.size());
  for (std::size_t i = 0; i < config_.wallets.size(); ++i) {
    wallet_by_peer_.emplace(config_.wallets[i].peer_id, i);
  }
  for (std::size_t i = 0; i < config_.wallets.size(); ++i) {
    wallets_.push_back(std::make_unique<WalletNode>(*this, i, config_.wallets[i], *clock_, config_.seed));
  }
  if (paths) {
    paths_ = paths(*this);
  } else {
    auto fast = std::make_unique<MessagePaths>(*this);
    fast_paths_ = fast.get();
    paths_ = std::move(fast);
  }
}

World::~World() = default;

std::optional<std::size_t> World::wallet_by_peer(const store::PeerId& peer) const {
  auto it = wallet_by_peer_.find(peer);
  if (it == wallet_by_peer_.end()) return std::nullopt;
  return it->second;
}

const Connection* World::connection(std::uint64_t id) const {
  auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : &it->second;
}

bool World::online(std::size_t wallet) const { return wallets_[wallet]->online(); }

void World::start() {
  if (started_) return;
  started_ = true;
  for (std::size_t i = 0; i < wallets_.size(); ++i) {
    kernel_.schedule(config_.wallets[i].online_at - kernel_.now(), [this, i] { join(i); });
  }
  kernel_.schedule(config_.bootstrap.first_peer_exchange, [this] { peer_exchange_tick(); });
}

// --- joining and leaving ------------------------------------------------------------------------

void World::join(std::size_t w) {
  WalletNode& node = *wallets_[w];
  if (node.online()) return;
  node.set_online(true);
  online_wallets_.insert(w);
  history_.record(kernel_.now(), LifecycleChanged{node.config().id, LifecycleChange::online, {}});
  const std::uint64_t generation = node.generation();
  asio::co_spawn(kernel_.executor(), reserve_all(w, generation), asio::detached);

  // Catch-up: the bootstrap hands a joining wallet the live presence records it holds.
  const HostId boot = bootstrap_host();
  if (reachable(boot, wallet_host(w))) {
    const store::EpochMs now_ms = clock_->now_ms();
    for (auto it = bootstrap_presence_.begin(); it != bootstrap_presence_.end();) {
      const store::PresencePtr& presence = it->second;
      if (presence->expires_at <= now_ms) {  // expired for good (time only moves forward)
        it = bootstrap_presence_.erase(it);
        continue;
      }
      if (presence->peer_id != node.config().peer_id) {
        deliver_presence(w, presence);
      }
      ++it;
    }
  }
  if (config_.bootstrap.readvertise_interval > Duration::zero()) {
    asio::co_spawn(
        kernel_.executor(),
        [this, w, generation]() -> store::Task<void> {
          while (true) {
            co_await kernel_.sleep(config_.bootstrap.readvertise_interval);
            if (wallets_[w]->generation() != generation) co_return;
            advertise(w);
          }
        },
        asio::detached);
  }
}

void World::leave(std::size_t w, std::string_view cause, bool silent) {
  WalletNode& node = *wallets_[w];
  if (!node.online()) return;
  node.set_online(false);
  online_wallets_.erase(w);
  history_.record(kernel_.now(), LifecycleChanged{node.config().id, LifecycleChange::offline, std::string(cause)});
  const auto& transport = config_.transport;
  // Every connection closes; the far ends notice after a trip (or silently, much later).
  std::vector<std::uint64_t> ids = node.connection_ids();
  for (std::uint64_t id : ids) {
    auto it = connections_.find(id);
    if (it == connections_.end() || !it->second.alive) continue;
    const std::size_t other = it->second.dialer == w ? it->second.listener : it->second.dialer;
    const Duration far = silent ? transport.silent_close_detection
                                : paths_->notice_delay(wallet_host(w), wallet_host(other)) + transport.close_detection;
    const bool w_is_dialer = it->second.dialer == w;
    close_connection(id, cause, w_is_dialer ? Duration::zero() : far, w_is_dialer ? far : Duration::zero());
  }
  for (auto& [relay, link] : node.relay_links()) {
    if (link.connected || link.reserved) lose_reservation(w, relay, cause);
  }
  node.inbound_log().clear();
}

void World::go_offline(std::size_t w, std::string_view cause) { leave(w, cause, false); }

void World::go_online(std::size_t w, std::string_view cause) {
  (void)cause;
  join(w);
}

void World::reload(std::size_t w, std::string_view cause) {
  leave(w, cause, false);
  wallets_[w]->restart_process();
  history_.record(kernel_.now(), LifecycleChanged{config_.wallets[w].id, LifecycleChange::reload, std::string(cause)});
  kernel_.schedule(config_.reload_time, [this, w] { join(w); });
}

// --- relays and reservations ---------------------------------------------------------------------

int World::live_slot_count(const RelayState& relay) const {
  int count = 0;
  for (const auto& [wallet, slot] : relay.slots) {
    if (slot.holder_connected || slot.expires_at > kernel_.now()) ++count;
  }
  return count;
}

bool World::reservation_alive(std::size_t wallet, std::size_t relay) const {
  const RelayState& state = relays_[relay];
  if (!state.up) return false;
  auto it = state.slots.find(wallet);
  if (it == state.slots.end() || !it->second.holder_connected) return false;
  auto link = wallets_[wallet]->relay_links().find(relay);
  return link != wallets_[wallet]->relay_links().end() && link->second.reserved;
}

store::Task<void> World::reserve_all(std::size_t w, std::uint64_t generation) {
  const std::vector<std::size_t> relays = config_.wallets[w].relays;
  for (std::size_t relay : relays) {
    co_await reserve(w, relay, generation);
    if (wallets_[w]->generation() != generation) co_return;
  }
  advertise(w);
}

store::Task<bool> World::reserve(std::size_t w, std::size_t r, std::uint64_t generation) {
  WalletNode& node = *wallets_[w];
  RelayState& relay = relays_[r];
  const auto& transport = config_.transport;
  const HostId host = wallet_host(w);
  const HostId relay_host_id = relay_host(r);
  const auto record = [&](ReservationOutcome outcome, int slots = 0) {
    history_.record(kernel_.now(), ReservationChanged{node.config().id, relay.config.id, outcome, slots, {}});
  };

  if (!reachable(host, relay_host_id)) {
    co_await kernel_.sleep(transport.address_dial_timeout);
    record(ReservationOutcome::timed_out);
    co_return false;
  }
  if (!relay.up) {  // the host is up, the port closed: refused after one round trip
    co_await kernel_.sleep(paths_->notice_delay(host, relay_host_id) + paths_->notice_delay(relay_host_id, host));
    record(ReservationOutcome::connection_refused);
    co_return false;
  }
  // Connection setup plus the RESERVE exchange, within the per-address dial timeout.
  const Duration deadline = kernel_.now() + transport.address_dial_timeout;
  const std::uint64_t epoch = relay.epoch;
  const Arrival setup =
      co_await travel({Leg{host, relay_host_id, 2 * (transport.setup_round_trips + 1)}}, deadline);
  if (setup != Arrival::arrived) {
    if (kernel_.now() < deadline) co_await kernel_.sleep(deadline - kernel_.now());
    record(ReservationOutcome::timed_out);
    co_return false;
  }
  if (node.generation() != generation) co_return false;
  if (!relay.up || relay.epoch != epoch || !reachable(host, relay_host_id)) {
    record(ReservationOutcome::connection_reset);
    co_return false;
  }
  auto& link = node.relay_links()[r];
  link.connected = true;
  link.broken = false;
  link.relay_epoch = relay.epoch;
  auto slot = relay.slots.find(w);
  if (slot == relay.slots.end() && live_slot_count(relay) >= relay.config.max_reservations) {
    ++relay.reservations_refused;
    link.reserved = false;
    record(ReservationOutcome::slots_full, relay.config.max_reservations);
    co_return false;
  }
  relay.slots[w] = ReservationSlot{kernel_.now() + relay.config.reservation_ttl, true};
  link.reserved = true;
  record(ReservationOutcome::reserved);
  co_return true;
}

void World::lose_reservation(std::size_t w, std::size_t r, std::string_view cause) {
  WalletNode& node = *wallets_[w];
  auto& link = node.relay_links()[r];
  const bool had = link.reserved;
  link.connected = false;
  link.reserved = false;
  link.broken = false;
  RelayState& relay = relays_[r];
  auto slot = relay.slots.find(w);
  if (slot != relay.slots.end()) {
    if (!relay.config.reservation_ends_on_disconnect && relay.up) {
      slot->second.holder_connected = false;
      slot->second.expires_at = kernel_.now() + relay.config.reservation_ttl;
    } else {
      relay.slots.erase(slot);
    }
  }
  if (had) {
    history_.record(kernel_.now(), ReservationChanged{node.config().id, relay.config.id, ReservationOutcome::lost, 0,
                                                      std::string(cause)});
  }
  if (!node.online()) return;
  const auto& reconnect = node.config().relay_reconnect;
  if (reconnect.mode != RelayReconnect::Mode::none && !link.redialing &&
      std::find(node.config().relays.begin(), node.config().relays.end(), r) != node.config().relays.end()) {
    link.redialing = true;
    asio::co_spawn(kernel_.executor(), redial_relay(w, r, node.generation()), asio::detached);
  }
}

store::Task<void> World::redial_relay(std::size_t w, std::size_t r, std::uint64_t generation) {
  WalletNode& node = *wallets_[w];
  const auto& reconnect = node.config().relay_reconnect;
  const Duration lost_at = kernel_.now();
  bool reserved = false;
  if (reconnect.mode == RelayReconnect::Mode::keep_alive) {
    for (Duration at : keep_alive_redials()) {
      const Duration wait = lost_at + at - kernel_.now();
      if (wait > Duration::zero()) co_await kernel_.sleep(wait);
      if (node.generation() != generation) co_return;
      if ((reserved = co_await reserve(w, r, generation))) break;
    }
  } else {
    while (!reserved) {
      co_await kernel_.sleep(reconnect.interval);
      if (node.generation() != generation) co_return;
      reserved = co_await reserve(w, r, generation);
    }
  }
  if (node.generation() != generation) co_return;
  node.relay_links()[r].redialing = false;
  if (reserved) advertise(w);
}

void World::relay_down(std::size_t r, std::string_view cause) {
  RelayState& relay = relays_[r];
  if (!relay.up) return;
  relay.up = false;
  ++relay.epoch;
  history_.record(kernel_.now(), RelaySwitched{relay.config.id, false, std::string(cause)});
  const Duration detect = config_.transport.relay_close_detection;
  std::vector<std::uint64_t> circuits;
  for (const auto& [id, connection] : connections_) {
    if (connection.alive && connection.relay == r) circuits.push_back(id);
  }
  std::sort(circuits.begin(), circuits.end());
  for (std::uint64_t id : circuits) close_connection(id, "relay down", detect, detect);
  relay.slots.clear();  // a restarted relay remembers nothing
  for (std::size_t w = 0; w < wallets_.size(); ++w) {
    auto link = wallets_[w]->relay_links().find(r);
    if (link == wallets_[w]->relay_links().end()) continue;
    if (!link->second.connected && !link->second.reserved) continue;
    kernel_.schedule(detect, [this, w, r] { lose_reservation(w, r, "relay connection closed"); });
  }
}

void World::relay_up(std::size_t r, std::string_view cause) {
  RelayState& relay = relays_[r];
  if (relay.up) return;
  relay.up = true;
  history_.record(kernel_.now(), RelaySwitched{relay.config.id, true, std::string(cause)});
}

// --- presence and peer exchange ------------------------------------------------------------------

void World::advertise(std::size_t w) {
  WalletNode& node = *wallets_[w];
  if (!node.online()) return;
  const auto& cfg = node.config();
  auto presence = std::make_shared<store::PresenceAdvertisement>();
  presence->id = "presence-" + cfg.peer_id + "-" + std::to_string(++node.advertised_count);
  presence->peer_id = cfg.peer_id;
  presence->multiaddrs.push_back(node.listen_address());
  const std::string* first_relay = nullptr;  // WebRTC is signalled over the first circuit
  for (const auto& [relay, link] : node.relay_links()) {
    if (!link.reserved) continue;
    if (!first_relay) first_relay = &relays_[relay].config.id;
    presence->relay_addrs.push_back(circuit_address(relays_[relay].config.id, cfg.peer_id));
  }
  if (cfg.webrtc && first_relay) {
    // (A relay id with "/p2p-circuit" in it is cut there, as it always was.)
    const std::string relay = first_relay->substr(0, first_relay->find("/p2p-circuit"));
    presence->webrtc_addr = format_address({.kind = AddressKind::webrtc, .relay = relay, .peer = cfg.peer_id});
  }
  for (const auto& address : presence->relay_addrs) presence->multiaddrs.push_back(address);
  if (presence->webrtc_addr) presence->multiaddrs.push_back(*presence->webrtc_addr);
  presence->wallet_address = "lotus_" + cfg.peer_id;
  presence->nickname = cfg.nickname;
  presence->created_at = clock_->now_ms();
  presence->expires_at = presence->created_at +
                         std::chrono::duration_cast<std::chrono::milliseconds>(config_.bootstrap.presence_ttl).count();
  history_.record(kernel_.now(), PresenceAdvertised{cfg.id, presence->relay_addrs.size(), presence->webrtc_addr.has_value()});

  const HostId boot = bootstrap_host();
  if (!reachable(wallet_host(w), boot)) return;  // never published
  store::PresencePtr shared = presence;
  post(Leg{wallet_host(w), boot}, [this, shared, w] {
    bootstrap_presence_[shared->peer_id] = shared;
    for (std::size_t v : online_wallets_) {
      if (v == w || !reachable(bootstrap_host(), wallet_host(v))) continue;
      deliver_presence(v, shared);
    }
  });
}

void World::deliver_presence(std::size_t to, const store::PresencePtr& presence) {
  const std::uint64_t generation = wallets_[to]->generation();
  post(Leg{bootstrap_host(), wallet_host(to)}, [this, to, presence, generation] {
    WalletNode& node = *wallets_[to];
    if (!node.online() || node.generation() != generation) return;
    ++counters_.presence_deliveries;
    node.deliver_presence(presence);
  });
}

std::shared_ptr<const nlohmann::json> World::build_peer_exchange() const {
  nlohmann::json peers = nlohmann::json::array();
  for (std::size_t w : online_wallets_) {
    const WalletNode& node = *wallets_[w];
    nlohmann::json addrs = nlohmann::json::array();
    for (const auto& [relay, link] : node.relay_links()) {
      if (reservation_alive(w, relay)) {
        addrs.push_back(circuit_address(relays_[relay].config.id, node.config().peer_id));
      }
    }
    if (addrs.empty()) continue;
    peers.push_back({{"peerId", node.config().peer_id}, {"multiaddrs", std::move(addrs)}});
  }
  return std::make_shared<const nlohmann::json>(nlohmann::json{
      {"type", "peer-exchange"},
      {"bootstrapPeerId", "bootstrap"},
      {"peers", std::move(peers)},
      {"timestamp", clock_->now_ms()}});
}

void World::peer_exchange_tick() {
  auto message = build_peer_exchange();
  const HostId boot = bootstrap_host();
  for (std::size_t w : online_wallets_) {
    if (!reachable(boot, wallet_host(w))) continue;
    const std::uint64_t generation = wallets_[w]->generation();
    post(Leg{boot, wallet_host(w)}, [this, w, message, generation] {
      if (!wallets_[w]->online() || wallets_[w]->generation() != generation) return;
      wallets_[w]->deliver_pubsub(store::kPeerExchangeTopic, message);
    });
  }
  kernel_.schedule(config_.bootstrap.peer_exchange_interval, [this] { peer_exchange_tick(); });
}

// --- partitions and other faults -----------------------------------------------------------------

std::uint64_t World::partition(std::set<HostId> side_a, std::set<HostId> side_b, std::string_view cause) {
  const std::uint64_t id = next_partition_id_++;
  PartitionStarted started{id, {}, {}, std::string(cause)};
  for (HostId h : side_a) started.side_a.push_back(host_name(h));
  for (HostId h : side_b) started.side_b.push_back(host_name(h));
  history_.record(kernel_.now(), std::move(started));
  partitions_.push_back(Partition{std::move(side_a), std::move(side_b), id});
  kernel_.schedule(config_.transport.silent_close_detection, [this, id] { check_partition_casualties(id); });
  return id;
}

void World::check_partition_casualties(std::uint64_t partition_id) {
  const bool still = std::any_of(partitions_.begin(), partitions_.end(),
                                 [&](const Partition& p) { return p.id == partition_id; });
  if (!still) return;
  std::vector<std::uint64_t> dead;
  for (const auto& [id, c] : connections_) {
    if (!c.alive) continue;
    const HostId a = wallet_host(c.dialer);
    const HostId b = wallet_host(c.listener);
    const bool cut = c.relay ? (!reachable(a, relay_host(*c.relay)) || !reachable(relay_host(*c.relay), b))
                             : !reachable(a, b);
    if (cut) dead.push_back(id);
  }
  std::sort(dead.begin(), dead.end());
  for (std::uint64_t id : dead) close_connection(id, "partition", Duration::zero(), Duration::zero());
  for (std::size_t w = 0; w < wallets_.size(); ++w) {
    for (auto& [relay, link] : wallets_[w]->relay_links()) {
      if ((link.connected || link.reserved) && !reachable(wallet_host(w), relay_host(relay))) {
        lose_reservation(w, relay, "partition");
      }
    }
  }
}

void World::heal_partition(std::uint64_t id, std::string_view cause) {
  auto before = partitions_.size();
  std::erase_if(partitions_, [&](const Partition& p) { return p.id == id; });
  if (partitions_.size() != before) {
    history_.record(kernel_.now(), PartitionHealed{id, std::string(cause)});
  }
}

void World::heal_all(std::string_view cause) {
  if (partitions_.empty()) return;
  partitions_.clear();
  history_.record(kernel_.now(), PartitionHealed{std::nullopt, std::string(cause)});
}

void World::drop_connection(std::size_t w, std::size_t peer, std::string_view cause) {
  std::vector<std::uint64_t> ids;
  for (std::uint64_t id : wallets_[w]->connection_ids()) {
    auto it = connections_.find(id);
    if (it == connections_.end() || !it->second.alive) continue;
    if (it->second.dialer == peer || it->second.listener == peer) ids.push_back(id);
  }
  history_.record(kernel_.now(), ConnectionDropped{config_.wallets[w].id, config_.wallets[peer].id, std::string(cause)});
  for (std::uint64_t id : ids) {
    const Connection& c = connections_.at(id);
    const Duration far = paths_->notice_delay(wallet_host(w), wallet_host(peer)) + config_.transport.close_detection;
    const bool w_dialer = c.dialer == w;
    close_connection(id, cause, w_dialer ? Duration::zero() : far, w_dialer ? far : Duration::zero());
  }
}

void World::nat_rebind(std::size_t w, std::string_view cause) {
  WalletNode& node = *wallets_[w];
  history_.record(kernel_.now(), NatRebound{node.config().id, std::string(cause)});
  if (node.config().nat.public_host) return;
  node.nat().rebind();
  paths_->nat_rebound(WalletIndex{w});
  const Duration silent = config_.transport.silent_close_detection;
  std::vector<std::uint64_t> ids = node.connection_ids();
  for (std::uint64_t id : ids) {
    auto it = connections_.find(id);
    if (it == connections_.end() || !it->second.alive) continue;
    close_connection(id, "NAT rebind", silent, silent);
  }
  for (auto& [relay, link] : node.relay_links()) {
    if (!link.connected && !link.reserved) continue;
    link.broken = true;  // nothing the relay sends through the old mapping arrives any more
    const std::size_t r = relay;
    kernel_.schedule(silent, [this, w, r, generation = node.generation()] {
      if (wallets_[w]->generation() == generation) lose_reservation(w, r, "NAT rebind");
    });
  }
}

void World::set_link(std::optional<LatencyModel> latency, std::optional<double> loss,
                     std::string_view cause) {
  if (latency) config_.link.latency = *latency;
  if (loss) config_.link.loss = *loss;
  paths_->link_changed();
  history_.record(kernel_.now(), NetworkChanged{config_.link.latency, config_.link.loss, std::string(cause)});
}

}  // namespace connsim::sim
