// World: the simulated network of one run, at message level, in virtual time: wallets (each
// running the unchanged production stores), NAT boxes, relays with reservations and circuit
// limits, the bootstrap node (gossip of presence, peer exchange), connections, partitions and
// faults. Deterministic from WorldConfig::seed.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/config.hpp"
#include "sim/history.hpp"
#include "sim/host_layout.hpp"
#include "sim/kernel.hpp"
#include "sim/message_paths.hpp"
#include "sim/paths.hpp"
#include "sim/random.hpp"
#include "sim/records.hpp"
#include "sim/sim_clock.hpp"
#include "store/network.hpp"

namespace connsim::sim {

class WalletNode;
class World;

/// Makes the world's Paths backend once the wallets exist; empty: the fast MessagePaths.
using PathsFactory = std::function<std::unique_ptr<Paths>(World&)>;

/// A live or closed connection between two wallets.
struct Connection {
  std::uint64_t id = 0;
  std::size_t dialer = 0;
  std::size_t listener = 0;
  store::ConnectionType type = store::ConnectionType::none;
  std::optional<std::size_t> relay;   // for relayed connections
  Duration opened_at;
  Duration last_activity;
  std::uint64_t bytes_forward = 0;    // dialer -> listener, circuit accounting
  std::uint64_t bytes_backward = 0;
  bool alive = true;
  // What a relay let through, for the circuit-limit invariant (scenarios/invariants.hpp): bytes
  // accepted per direction, the last accepted message, and when the connection closed.
  std::uint64_t carried_forward = 0;
  std::uint64_t carried_backward = 0;
  std::optional<Duration> last_carried;
  std::optional<Duration> closed_at;
};

/// A reservation slot on a relay.
struct ReservationSlot {
  Duration expires_at;
  bool holder_connected = true;
};

struct RelayState {
  RelayConfig config;
  bool up = true;
  std::uint64_t epoch = 0;  // bumped on every restart
  std::map<std::size_t, ReservationSlot> slots{};  // by wallet index
  std::uint64_t circuits_opened = 0;
  std::uint64_t circuits_refused = 0;
  std::uint64_t reservations_refused = 0;
};

struct Partition {
  std::set<HostId> side_a;
  std::set<HostId> side_b;
  std::uint64_t id = 0;
};

/// Counters for --stats.
struct WorldCounters {
  std::uint64_t dials = 0;
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_closed = 0;
  std::uint64_t presence_deliveries = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t messages_dropped = 0;
};

class World {
 public:
  World(Kernel& kernel, WorldConfig config, bool keep_history = true, PathsFactory paths = {});
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  /// Schedules every wallet's first join and the bootstrap's peer exchange.
  void start();

  // --- faults and actions (the timeline's verbs); `cause` tags the history -------------------
  void go_offline(std::size_t wallet, std::string_view cause);
  void go_online(std::size_t wallet, std::string_view cause);
  void reload(std::size_t wallet, std::string_view cause);
  void relay_down(std::size_t relay, std::string_view cause);
  void relay_up(std::size_t relay, std::string_view cause);
  std::uint64_t partition(std::set<HostId> side_a, std::set<HostId> side_b, std::string_view cause);
  void heal_partition(std::uint64_t id, std::string_view cause);
  void heal_all(std::string_view cause);
  void drop_connection(std::size_t wallet, std::size_t peer, std::string_view cause);
  void nat_rebind(std::size_t wallet, std::string_view cause);
  void set_link(std::optional<LatencyModel> latency, std::optional<double> loss,
                std::string_view cause);

  // --- lookups -------------------------------------------------------------------------------
  const WorldConfig& config() const { return config_; }
  Kernel& kernel() { return kernel_; }
  History& history() { return history_; }
  const History& history() const { return history_; }
  const WalletConfig& wallet_config(std::size_t index) const { return config_.wallets[index]; }
  WalletNode& wallet(std::size_t index) { return *wallets_[index]; }
  const WalletNode& wallet(std::size_t index) const { return *wallets_[index]; }
  std::size_t wallet_count() const { return wallets_.size(); }
  std::optional<std::size_t> wallet_by_peer(const store::PeerId& peer) const;
  const RelayState& relay(std::size_t index) const { return relays_[index]; }
  std::size_t relay_count() const { return relays_.size(); }
  /// Which host is which: ids, names, addresses, access latencies (sim/host_layout.hpp).
  const HostLayout& hosts() const { return hosts_; }
  // The world numbers wallets and relays by their vectors' indices; these name their hosts.
  HostId wallet_host(std::size_t wallet) const { return hosts_.host(WalletIndex{wallet}); }
  HostId relay_host(std::size_t relay) const { return hosts_.host(RelayIndex{relay}); }
  HostId bootstrap_host() const { return hosts_.bootstrap(); }
  const std::string& host_name(HostId host) const { return hosts_.name(host); }
  const WorldCounters& counters() const { return counters_; }
  const Connection* connection(std::uint64_t id) const;
  /// Every connection of the run, live or closed (unordered: sort by id).
  const std::unordered_map<std::uint64_t, Connection>& connections() const { return connections_; }
  /// The bootstrap's peer-exchange message as it would be sent now (public for the benchmarks).
  std::shared_ptr<const nlohmann::json> build_peer_exchange() const;
  /// How messages travel (the backend).
  Paths& paths() { return *paths_; }
  const Paths& paths() const { return *paths_; }
  /// Whether no partition separates the two hosts now.
  bool reachable(HostId a, HostId b) const;
  /// Sleeps `delay` and returns true, or sleeps until `deadline` (not at all if it passed) and
  /// returns false when now + delay is later than the deadline.
  store::Task<bool> wait_within(Duration delay, Duration deadline);

  // --- used by WalletNode (the libp2p node's view) -----------------------------------------
  std::optional<store::ConnectionType> existing_connection(std::size_t from,
                                                           const store::PeerId& peer) const;
  store::Task<store::DialOutcome> dial(std::size_t from, store::Multiaddr address);
  store::Task<store::DialOutcome> dial_via_relay(std::size_t from, store::PeerId peer);
  store::Task<store::DialOutcome> send(std::size_t from, store::PeerId peer, std::string protocol,
                                       std::string payload);

 private:
  friend class WalletNode;

  // lifecycle (world.cpp)
  void join(std::size_t wallet);
  void leave(std::size_t wallet, std::string_view cause, bool silent);
  store::Task<void> reserve_all(std::size_t wallet, std::uint64_t generation);
  store::Task<bool> reserve(std::size_t wallet, std::size_t relay, std::uint64_t generation);
  void lose_reservation(std::size_t wallet, std::size_t relay, std::string_view cause);
  store::Task<void> redial_relay(std::size_t wallet, std::size_t relay, std::uint64_t generation);
  void advertise(std::size_t wallet);
  /// Sends `presence` from the bootstrap to wallet `to`; delivered if `to` is still the same
  /// incarnation when it arrives.
  void deliver_presence(std::size_t to, const store::PresencePtr& presence);
  void peer_exchange_tick();
  bool reservation_alive(std::size_t wallet, std::size_t relay) const;
  int live_slot_count(const RelayState& relay) const;

  bool online(std::size_t wallet) const;
  /// Departs `legs` now and waits for them until `deadline` (Paths::depart then arrive).
  store::Task<Arrival> travel(std::vector<Leg> legs, Duration deadline);
  /// paths_->post, without type erasure when the backend is the fast one (the hot path of
  /// gossip and messages: see MessagePaths::post_inline).
  template <class Arrive, class Lost>
  void post(std::span<const Leg> legs, Arrive&& on_arrival, Lost&& on_lost);
  template <class Arrive>
  void post(const Leg& leg, Arrive&& on_arrival) {
    post(std::span<const Leg>(&leg, 1), std::forward<Arrive>(on_arrival), [] {});
  }

  // connections (world_dial.cpp)
  store::Task<store::DialOutcome> dial_direct(std::size_t from, std::size_t target, Duration budget);
  store::Task<store::DialOutcome> dial_circuit(std::size_t from, std::size_t relay,
                                               std::size_t target, bool webrtc, Duration budget);
  bool admit_inbound(std::size_t target, HostId remote);
  std::uint64_t open_connection(std::size_t dialer, std::size_t listener, store::ConnectionType type,
                                std::optional<std::size_t> relay);
  void close_connection(std::uint64_t id, std::string_view cause, Duration detect_dialer,
                        Duration detect_listener);
  void watch_nat_expiry(std::uint64_t id);
  bool charge_circuit(Connection& connection, std::uint64_t bytes, bool forward);
  std::optional<std::uint64_t> best_connection(std::size_t a, std::size_t b) const;
  void detach_end(std::uint64_t id, std::size_t at, Duration delay);
  void check_partition_casualties(std::uint64_t partition_id);

  Kernel& kernel_;
  WorldConfig config_;
  HostLayout hosts_;
  std::unique_ptr<SimClock> clock_;
  History history_;
  WorldCounters counters_;
  std::vector<std::unique_ptr<WalletNode>> wallets_;
  std::vector<RelayState> relays_;
  std::unordered_map<store::PeerId, std::size_t> wallet_by_peer_;
  std::unordered_map<std::uint64_t, Connection> connections_;
  std::uint64_t next_connection_id_ = 1;
  std::vector<Partition> partitions_;
  std::uint64_t next_partition_id_ = 1;
  std::map<store::PeerId, store::PresencePtr> bootstrap_presence_;  // latest record per peer
  std::uint64_t presence_counter_ = 0;
  bool started_ = false;
  /// The wallets online now, by index: the loops that reach every online wallet (presence
  /// gossip, peer exchange) visit these in index order instead of scanning every wallet.
  std::set<std::size_t> online_wallets_;
  std::unique_ptr<Paths> paths_;  // last: it may refer to everything above
  MessagePaths* fast_paths_ = nullptr;  // paths_ when it is the fast backend
};

template <class Arrive, class Lost>
void World::post(std::span<const Leg> legs, Arrive&& on_arrival, Lost&& on_lost) {
  if (fast_paths_ != nullptr) {
    fast_paths_->post_inline(legs, std::forward<Arrive>(on_arrival), std::forward<Lost>(on_lost));
  } else {
    paths_->post(std::vector<Leg>(legs.begin(), legs.end()), std::function<void()>(std::forward<Arrive>(on_arrival)),
                 std::function<void()>(std::forward<Lost>(on_lost)));
  }
}

}  // namespace connsim::sim
