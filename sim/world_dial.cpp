// World connections: dials (direct, relayed, WebRTC through a relay's signalling), circuit
// limits, the inbound rate limit, message delivery, and closes seen from each end.
#include <algorithm>
#include <array>

#include "sim/address.hpp"
#include "sim/wallet_node.hpp"
#include "sim/world.hpp"

namespace connsim::sim {

namespace {

const char* kTimeout = "Connection timeout";
const char* kNoReservation = "failed to connect via relay with status NO_RESERVATION";
const char* kRelayRefused = "failed to connect via relay with status CONNECTION_FAILED";
const char* kWebrtcFailed = "WebRTC negotiation failed";
const char* kReset = "Connection reset";
const char* kRefused = "Connection refused";

bool is_relayed(const Connection& c) { return c.type == store::ConnectionType::relay; }

}  // namespace

store::Task<Arrival> World::travel(std::vector<Leg> legs, Duration deadline) {
  co_return co_await paths_->arrive(paths_->depart(std::move(legs)), deadline);
}

store::Task<bool> World::wait_within(Duration delay, Duration deadline) {
  const Duration now = kernel_.now();
  if (now + delay > deadline) {
    if (deadline > now) co_await kernel_.sleep(deadline - now);
    co_return false;
  }
  co_await kernel_.sleep(delay);
  co_return true;
}

// --- lookups --------------------------------------------------------------------------------------

std::optional<std::uint64_t> World::best_connection(std::size_t a, std::size_t b) const {
  std::optional<std::uint64_t> relayed;
  for (std::uint64_t id : wallets_[a]->connection_ids()) {
    const Connection& c = connections_.at(id);
    if (c.dialer != b && c.listener != b) continue;
    if (!is_relayed(c)) return id;
    if (!relayed) relayed = id;
  }
  return relayed;
}

std::optional<store::ConnectionType> World::existing_connection(std::size_t from,
                                                                const store::PeerId& peer) const {
  auto target = wallet_by_peer(peer);
  if (!target || !wallets_[from]->online()) return std::nullopt;
  auto id = best_connection(from, *target);
  if (!id) return std::nullopt;
  return connections_.at(*id).type;
}

// --- dialing --------------------------------------------------------------------------------------

store::Task<store::DialOutcome> World::dial(std::size_t from, store::Multiaddr address) {
  ++counters_.dials;
  const Duration budget = std::min(config_.transport.address_dial_timeout, config_.transport.dial_timeout);
  auto parsed = parse_address(address);
  if (!parsed) co_return store::DialOutcome::failure("Invalid multiaddr: " + address);
  if (parsed->peer == config_.wallets[from].peer_id) co_return store::DialOutcome::failure("Can not dial self");
  if (!wallets_[from]->online()) co_return store::DialOutcome::failure("Node is offline");
  auto target = wallet_by_peer(parsed->peer);
  if (target) {
    // libp2p returns a live connection to the peer instead of dialing again; a relayed
    // (limited) connection is reused only by a relayed dial.
    for (std::uint64_t id : wallets_[from]->connection_ids()) {
      const Connection& c = connections_.at(id);
      if (c.dialer != *target && c.listener != *target) continue;
      if (!is_relayed(c) || parsed->kind == AddressKind::circuit) co_return store::DialOutcome::success();
    }
  }

  if (parsed->kind == AddressKind::direct) {
    // Only a wallet without a NAT answers at its public address.
    const auto host = hosts_.host_at(parsed->ip);
    const auto wallet_there = host && !hosts_.behind_nat(*host) ? hosts_.wallet(*host) : std::nullopt;
    if (!target || wallet_there != WalletIndex{*target}) {  // a private or foreign address: nothing answers
      co_await kernel_.sleep(budget);
      co_return store::DialOutcome::failure(kTimeout);
    }
    co_return co_await dial_direct(from, *target, budget);
  }
  std::optional<std::size_t> relay;
  for (std::size_t r = 0; r < relays_.size(); ++r) {
    if (relays_[r].config.id == parsed->relay) relay = r;
  }
  if (!relay) {  // an unknown relay peer: nothing to dial
    co_await kernel_.sleep(budget);
    co_return store::DialOutcome::failure(kTimeout);
  }
  if (!target) {
    co_await kernel_.sleep(paths_->notice_delay(wallet_host(from), relay_host(*relay)) * 2);
    co_return store::DialOutcome::failure(kNoReservation);
  }
  co_return co_await dial_circuit(from, *relay, *target, parsed->kind == AddressKind::webrtc, budget);
}

store::Task<store::DialOutcome> World::dial_via_relay(std::size_t from, store::PeerId peer) {
  ++counters_.dials;
  auto target = wallet_by_peer(peer);
  std::optional<std::size_t> chosen;
  for (const auto& [relay, link] : wallets_[from]->relay_links()) {
    if (!link.connected) continue;
    if (!chosen) chosen = relay;
    if (target && reservation_alive(*target, relay)) {
      chosen = relay;
      break;
    }
  }
  if (!chosen) co_return store::DialOutcome::failure("No relay addresses available");
  if (!target) {
    co_await kernel_.sleep(paths_->notice_delay(wallet_host(from), relay_host(*chosen)) * 2);
    co_return store::DialOutcome::failure(kNoReservation);
  }
  co_return co_await dial_circuit(from, *chosen, *target, false, config_.transport.dial_timeout);
}

bool World::admit_inbound(std::size_t target, HostId remote) {
  WalletNode& node = *wallets_[target];
  auto& log = node.inbound_log()[remote];
  const Duration now = kernel_.now();
  while (!log.empty() && now - log.front() >= config_.transport.inbound_limit_window) log.pop_front();
  if (static_cast<int>(log.size()) >= node.config().inbound_limit) return false;
  log.push_back(now);
  return true;
}

store::Task<store::DialOutcome> World::dial_direct(std::size_t from, std::size_t target, Duration budget) {
  const Duration deadline = kernel_.now() + budget;
  const HostId a = wallet_host(from);
  const HostId b = wallet_host(target);
  const std::uint64_t gen_from = wallets_[from]->generation();
  if (!wallets_[target]->online() || !reachable(a, b)) {
    co_await kernel_.sleep(budget);
    co_return store::DialOutcome::failure(kTimeout);
  }
  if (co_await travel({Leg{a, b}}, deadline) != Arrival::arrived) {
    co_return store::DialOutcome::failure(kTimeout);
  }
  if (!wallets_[target]->online()) {
    co_await wait_within(budget, deadline);
    co_return store::DialOutcome::failure(kTimeout);
  }
  if (!admit_inbound(target, a)) {
    co_await travel({Leg{b, a}}, deadline);
    co_return store::DialOutcome::failure(kRefused);
  }
  // The rest of TCP + Noise + Yamux: the SYN was the first of 2 * setup_round_trips trips.
  const Arrival rest =
      co_await travel({Leg{b, a, 2 * config_.transport.setup_round_trips - 1}}, deadline);
  if (rest == Arrival::lost) co_await wait_within(budget, deadline);
  if (rest != Arrival::arrived) co_return store::DialOutcome::failure(kTimeout);
  if (wallets_[from]->generation() != gen_from || !wallets_[target]->online() || !reachable(a, b)) {
    co_return store::DialOutcome::failure(kReset);
  }
  open_connection(from, target, store::ConnectionType::direct, std::nullopt);
  co_return store::DialOutcome::success();
}

store::Task<store::DialOutcome> World::dial_circuit(std::size_t from, std::size_t r, std::size_t target,
                                                    bool webrtc, Duration budget) {
  const Duration deadline = kernel_.now() + budget;
  const HostId a = wallet_host(from);
  const HostId b = wallet_host(target);
  const HostId relay_id = relay_host(r);
  RelayState& relay = relays_[r];
  WalletNode& dialer = *wallets_[from];
  const std::uint64_t gen_from = dialer.generation();
  auto fail_by_deadline = [&](const char* message) -> store::Task<store::DialOutcome> {
    co_await wait_within(deadline - kernel_.now(), deadline);
    co_return store::DialOutcome::failure(message);
  };

  // A relayed connection already open serves as the signalling channel for WebRTC.
  std::optional<std::uint64_t> circuit;
  for (std::uint64_t id : dialer.connection_ids()) {
    const Connection& c = connections_.at(id);
    if (c.alive && is_relayed(c) && (c.dialer == target || c.listener == target)) circuit = id;
  }
  if (!circuit || !webrtc) {
    // 1. A connection to the relay.
    auto& link = dialer.relay_links()[r];
    if (link.broken) co_return co_await fail_by_deadline(kTimeout);  // our own dead relay connection
    if (!link.connected || link.relay_epoch != relay.epoch) {
      if (!reachable(a, relay_id)) co_return co_await fail_by_deadline(kTimeout);
      if (!relay.up) {
        co_await wait_within(paths_->notice_delay(a, relay_id) + paths_->notice_delay(relay_id, a), deadline);
        co_return store::DialOutcome::failure(kRefused);
      }
      const Arrival setup = co_await travel({Leg{a, relay_id, 2 * config_.transport.setup_round_trips}}, deadline);
      if (setup != Arrival::arrived) co_return store::DialOutcome::failure(kTimeout);
      if (dialer.generation() != gen_from || !relay.up) co_return store::DialOutcome::failure(kReset);
      auto& fresh = dialer.relay_links()[r];
      fresh.connected = true;
      fresh.relay_epoch = relay.epoch;
    }
    // 2. HOP CONNECT reaches the relay.
    auto hop = paths_->depart({Leg{a, relay_id}});
    if (hop->lost() || !reachable(a, relay_id)) co_return co_await fail_by_deadline(kTimeout);
    switch (co_await paths_->arrive(hop, deadline)) {
      case Arrival::arrived: break;
      case Arrival::lost: co_return co_await fail_by_deadline(kTimeout);
      case Arrival::late: co_return store::DialOutcome::failure(kTimeout);
    }
    if (!relay.up) co_return store::DialOutcome::failure(kReset);
    const auto target_link = wallets_[target]->relay_links().find(r);
    if (target_link != wallets_[target]->relay_links().end() && target_link->second.broken &&
        reservation_alive(target, r)) {
      co_return co_await fail_by_deadline(kTimeout);  // STOP into a dead connection
    }
    if (!reservation_alive(target, r) || !reachable(relay_id, b)) {
      ++relay.circuits_refused;
      co_await wait_within(paths_->notice_delay(relay_id, a), deadline);
      co_return store::DialOutcome::failure(kNoReservation);
    }
    // 3. STOP reaches the target, whose inbound limit counts the relay as the remote host.
    if (co_await travel({Leg{relay_id, b}}, deadline) != Arrival::arrived) {
      co_return store::DialOutcome::failure(kTimeout);
    }
    if (!wallets_[target]->online() || !relay.up) co_return co_await fail_by_deadline(kTimeout);
    if (!admit_inbound(target, relay_id)) {
      ++relay.circuits_refused;
      co_await wait_within(paths_->notice_delay(b, relay_id) + paths_->notice_delay(relay_id, a), deadline);
      co_return store::DialOutcome::failure(kRelayRefused);
    }
    // 4. The answers travel back, then Noise and Yamux run end to end over the circuit.
    const int upgrade_trips = 2 * config_.transport.circuit_upgrade_round_trips;
    auto answers = paths_->depart({Leg{b, relay_id}, Leg{relay_id, a}, Leg{a, relay_id, upgrade_trips},
                                   Leg{relay_id, b, upgrade_trips}});
    if (answers->lost()) co_return co_await fail_by_deadline(kTimeout);
    switch (co_await paths_->arrive(answers, deadline)) {
      case Arrival::arrived: break;
      case Arrival::lost: co_return co_await fail_by_deadline(kTimeout);
      case Arrival::late: co_return store::DialOutcome::failure(kTimeout);
    }
    if (dialer.generation() != gen_from || !wallets_[target]->online() || !relay.up ||
        !reachable(a, relay_id) || !reachable(relay_id, b)) {
      co_return store::DialOutcome::failure(kReset);
    }
    ++relay.circuits_opened;
    circuit = open_connection(from, target, store::ConnectionType::relay, r);
    Connection& opened = connections_.at(*circuit);
    if (!charge_circuit(opened, config_.transport.circuit_setup_bytes, true)) {
      co_return store::DialOutcome::failure(kReset);
    }
    if (!webrtc) co_return store::DialOutcome::success();
  }

  // WebRTC: SDP offer and answer over the circuit, then ICE through both NATs.
  const Connection& signalling = connections_.at(*circuit);
  const std::size_t relay_of_circuit = signalling.relay.value_or(r);
  const HostId via = relay_host(relay_of_circuit);
  paths_->offer_created(WalletIndex{from}, WalletIndex{target});
  auto sdp = paths_->depart({Leg{a, via, 1, signalling.id}, Leg{via, b, 1, signalling.id},
                             Leg{b, via, 1, signalling.id}, Leg{via, a, 1, signalling.id}});
  if (sdp->lost()) co_return co_await fail_by_deadline(kWebrtcFailed);
  switch (co_await paths_->arrive(sdp, deadline)) {
    case Arrival::arrived: break;
    case Arrival::lost: co_return co_await fail_by_deadline(kWebrtcFailed);
    case Arrival::late: co_return store::DialOutcome::failure(kWebrtcFailed);
  }
  if (!wallets_[target]->online() || dialer.generation() != gen_from) {
    co_return store::DialOutcome::failure(kWebrtcFailed);
  }
  if (!wallets_[target]->config().webrtc) co_return co_await fail_by_deadline(kWebrtcFailed);
  const Punch punch = co_await paths_->punch(WalletIndex{from}, WalletIndex{target}, deadline);
  if (!punch.connected || !punch.in_time) co_return store::DialOutcome::failure(kWebrtcFailed);
  if (!wallets_[target]->online() || dialer.generation() != gen_from || !reachable(a, b)) {
    co_return store::DialOutcome::failure(kWebrtcFailed);
  }
  admit_inbound(target, a);  // the direct path counts as one more inbound connection
  open_connection(from, target, store::ConnectionType::webrtc, std::nullopt);
  co_return store::DialOutcome::success();
}

// --- connections ----------------------------------------------------------------------------------

std::uint64_t World::open_connection(std::size_t dialer, std::size_t listener, store::ConnectionType type,
                                     std::optional<std::size_t> relay) {
  const std::uint64_t id = next_connection_id_++;
  Connection c;
  c.id = id;
  c.dialer = dialer;
  c.listener = listener;
  c.type = type;
  c.relay = relay;
  c.opened_at = kernel_.now();
  c.last_activity = c.opened_at;
  const bool dialer_had = best_connection(dialer, listener).has_value();
  const bool listener_had = best_connection(listener, dialer).has_value();
  const Connection& opened = connections_.emplace(id, c).first->second;
  paths_->connection_opened(opened);
  wallets_[dialer]->connection_ids().push_back(id);
  wallets_[listener]->connection_ids().push_back(id);
  ++counters_.connections_opened;
  history_.record(kernel_.now(),
                  ConnectionOpened{config_.wallets[dialer].id, id, type, config_.wallets[listener].id,
                                   relay ? std::optional<std::string>(relays_[*relay].config.id) : std::nullopt});
  if (!dialer_had) wallets_[dialer]->deliver_peer_connected(config_.wallets[listener].peer_id, type);
  if (!listener_had) wallets_[listener]->deliver_peer_connected(config_.wallets[dialer].peer_id, type);
  if (relay && relays_[*relay].config.circuit_duration > Duration::zero()) {  // 0: no limit
    const std::size_t r = *relay;
    kernel_.schedule(relays_[r].config.circuit_duration, [this, id, r] {
      auto it = connections_.find(id);
      if (it == connections_.end() || !it->second.alive) return;
      const Duration to_dialer = paths_->notice_delay(relay_host(r), wallet_host(it->second.dialer));
      const Duration to_listener = paths_->notice_delay(relay_host(r), wallet_host(it->second.listener));
      close_connection(id, "circuit duration limit", to_dialer, to_listener);
    });
  }
  if (type == store::ConnectionType::webrtc) watch_nat_expiry(id);
  return id;
}

bool World::charge_circuit(Connection& c, std::uint64_t bytes, bool forward) {
  if (!c.relay) return true;
  (forward ? c.bytes_forward : c.bytes_backward) += bytes;
  const RelayConfig& relay = relays_[*c.relay].config;
  const std::uint64_t counted = relay.circuit_byte_counting == CircuitByteCounting::both_directions
                                    ? c.bytes_forward + c.bytes_backward
                                    : std::max(c.bytes_forward, c.bytes_backward);
  if (relay.circuit_bytes == 0 || counted <= relay.circuit_bytes) {  // 0: no limit
    (forward ? c.carried_forward : c.carried_backward) += bytes;
    c.last_carried = kernel_.now();
    return true;
  }
  const std::size_t r = *c.relay;
  close_connection(c.id, "circuit byte limit", paths_->notice_delay(relay_host(r), wallet_host(c.dialer)),
                   paths_->notice_delay(relay_host(r), wallet_host(c.listener)));
  return false;
}

void World::watch_nat_expiry(std::uint64_t id) {
  const Connection& c = connections_.at(id);
  Duration timeout = Duration::max();
  for (std::size_t end : {c.dialer, c.listener}) {
    const NatConfig& nat = config_.wallets[end].nat;
    if (!nat.public_host) timeout = std::min(timeout, nat.mapping_timeout);
  }
  if (timeout == Duration::max() || config_.transport.keepalive_interval <= timeout) return;
  const Duration activity = c.last_activity;
  kernel_.schedule(activity + timeout - kernel_.now(), [this, id, activity] {
    auto it = connections_.find(id);
    if (it == connections_.end() || !it->second.alive || it->second.last_activity != activity) return;
    const Duration silent = config_.transport.silent_close_detection;
    close_connection(id, "NAT mapping expired", silent, silent);
  });
}

void World::close_connection(std::uint64_t id, std::string_view cause, Duration detect_dialer,
                             Duration detect_listener) {
  auto it = connections_.find(id);
  if (it == connections_.end() || !it->second.alive) return;
  Connection& c = it->second;
  c.alive = false;
  c.closed_at = kernel_.now();
  paths_->connection_closed(c);
  ++counters_.connections_closed;
  history_.record(kernel_.now(), ConnectionClosed{config_.wallets[c.dialer].id, id, c.type,
                                                  config_.wallets[c.listener].id, std::string(cause)});
  detach_end(id, c.dialer, detect_dialer);
  detach_end(id, c.listener, detect_listener);
}

void World::detach_end(std::uint64_t id, std::size_t at, Duration delay) {
  auto detach = [this, id, at] {
    auto& ids = wallets_[at]->connection_ids();
    auto pos = std::find(ids.begin(), ids.end(), id);
    if (pos == ids.end()) return;
    ids.erase(pos);
    const Connection& c = connections_.at(id);
    const std::size_t other = c.dialer == at ? c.listener : c.dialer;
    if (!best_connection(at, other)) {
      wallets_[at]->deliver_peer_disconnected(config_.wallets[other].peer_id);
    }
  };
  if (delay <= Duration::zero()) {
    detach();
  } else {
    kernel_.schedule(delay, detach);
  }
}

// --- messages -------------------------------------------------------------------------------------

store::Task<store::DialOutcome> World::send(std::size_t from, store::PeerId peer, std::string protocol,
                                            std::string payload) {
  auto target = wallet_by_peer(peer);
  if (!target) co_return store::DialOutcome::failure("Peer not found");
  if (!wallets_[from]->online()) co_return store::DialOutcome::failure("Node is offline");
  auto id = best_connection(from, *target);
  if (!id) co_return store::DialOutcome::failure("Peer not connected");
  Connection& c = connections_.at(*id);
  if (is_relayed(c) && wallets_[from]->config().sdk.broadcast_skips_relay) {
    ++counters_.messages_dropped;
    history_.record(kernel_.now(), MessageSkipped{config_.wallets[from].id, config_.wallets[*target].id});
    co_return store::DialOutcome::success();  // the SDK reported nothing
  }
  if (!c.alive) {
    ++counters_.messages_dropped;
    co_return store::DialOutcome::success();  // written into a connection that is already dead
  }
  const std::uint64_t bytes = payload.size() + config_.transport.message_overhead_bytes;
  if (!charge_circuit(c, bytes, c.dialer == from)) {
    ++counters_.messages_dropped;
    co_return store::DialOutcome::success();
  }
  c.last_activity = kernel_.now();
  if (c.type == store::ConnectionType::webrtc) watch_nat_expiry(c.id);
  const auto size = static_cast<std::uint32_t>(std::min<std::uint64_t>(bytes, UINT32_MAX));
  std::array<Leg, 2> route{Leg{wallet_host(from), wallet_host(*target), 1, c.id, size}, Leg{}};
  if (c.relay) {
    route = {Leg{wallet_host(from), relay_host(*c.relay), 1, c.id, size},
             Leg{relay_host(*c.relay), wallet_host(*target), 1, c.id, size}};
  }
  const std::span<const Leg> legs(route.data(), c.relay ? 2 : 1);
  const std::uint64_t connection_id = c.id;
  const store::PeerId sender = config_.wallets[from].peer_id;
  const std::size_t to = *target;
  auto dropped = [this] { ++counters_.messages_dropped; };
  const std::size_t from_wallet = from;
  post(legs, [this, connection_id, sender, from_wallet, to, protocol = std::move(protocol),
              payload = std::move(payload)] {
    const Connection& conn = connections_.at(connection_id);
    // A partition drops what crosses it (as the packet backend's core does), even over a
    // connection neither end has yet found dead.
    const bool cut = conn.relay ? !reachable(wallet_host(from_wallet), relay_host(*conn.relay)) ||
                                      !reachable(relay_host(*conn.relay), wallet_host(to))
                                : !reachable(wallet_host(from_wallet), wallet_host(to));
    if (!conn.alive || !wallets_[to]->online() || cut) {
      ++counters_.messages_dropped;
      return;
    }
    ++counters_.messages_delivered;
    wallets_[to]->deliver_message(sender, protocol, payload);
  }, dropped);
  co_return store::DialOutcome::success();
}

}  // namespace connsim::sim
