// PacketPaths: the packet backend. Every trip of a journey is a real UDP datagram between
// ns-3 nodes (sim/packet/topology.hpp): wallets (behind their NAT nodes), relays, the
// bootstrap node and a STUN server, joined by one core router.
//
// How the world's messages become packets:
// - Each host has a libp2p socket on port 4001 (standing for its TCP connections; NAT nodes
//   keep those mappings for the TCP timeout, RFC 5382's 2 h 4 min). Control exchanges, relay
//   circuits (wallet -> relay -> wallet, the relay forwarding), presence and peer exchange
//   travel there. A WebRTC connection's data and keepalives travel on the sockets its ICE
//   attempt selected, through the NATs' UDP tables (the same NatBox as the fast model's).
// - A host behind a NAT cannot be reached before it has sent: a trip toward a NATed wallet
//   whose address the sender has not learned from a packet of that wallet (or forgot after a
//   NAT rebind) is preceded by a hello from the wallet, as a connection opened from inside.
// - Each trip is retransmitted every retransmit_timeout until it arrives, at most
//   max_transmissions times; the next trip of the journey leaves from the receiver when the
//   trip arrives (the reply). A journey is lost when a trip was never delivered.
// - Delay: each core link carries its host's share of the floor of the latency models
//   (half the network's floor plus the host's access floor); the random rest of one draw per
//   packet is held at the core router (every packet crosses it once), from the sending host's
//   stream, as the fast model draws one delay per trip. Loss: at the core, per packet, from
//   pinned ns-3 random streams (RngSeedManager run = the world's seed). Partitions: the core
//   drops.
// - ICE: sim/packet/ice_agent.hpp, real STUN binding requests through the NAT nodes.
// Deterministic for a given world seed.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <ns3/ptr.h>
#include <ns3/socket.h>

#include "sim/nat.hpp"
#include "sim/paths.hpp"
#include "sim/random.hpp"

namespace ns3 {
class Address;
}

namespace connsim::sim {
class World;
class Kernel;
}  // namespace connsim::sim

namespace connsim::sim::packet {

class Topology;
class PreparedIce;

struct PacketOptions {
  /// Write one pcap per node interface here; empty: none.
  std::string pcap_directory;
  /// Link speed of every core link; the default is as good as unlimited (a datagram's
  /// serialization takes less than a nanosecond, ns-3's time step), so one-way delays are
  /// exactly the latency model's, as in the fast model.
  std::uint64_t bits_per_second = 1'000'000'000'000'000;  // 1 Pb/s
};

/// Counters of one packet run (for --stats and the cross-check report).
struct PacketCounters {
  std::uint64_t datagrams_sent = 0;
  std::uint64_t retransmissions = 0;
  std::uint64_t hellos = 0;
  std::uint64_t journeys_lost = 0;
  std::uint64_t ice_attempts = 0;
  std::uint64_t keepalives = 0;
};

class PacketPaths final : public Paths {
 public:
  PacketPaths(World& world, PacketOptions options);
  ~PacketPaths() override;

  JourneyPtr depart(std::vector<Leg> legs) override;
  store::Task<Arrival> arrive(JourneyPtr journey, Duration deadline) override;
  void post(std::vector<Leg> legs, std::function<void()> on_arrival,
            std::function<void()> on_lost) override;
  Duration notice_delay(HostId from, HostId to) override;
  void offer_created(WalletIndex dialer, WalletIndex listener) override;
  store::Task<Punch> punch(WalletIndex dialer, WalletIndex listener, Duration deadline) override;
  void connection_opened(const Connection& connection) override;
  void connection_closed(const Connection& connection) override;
  void nat_rebound(WalletIndex wallet) override;
  void link_changed() override;
  std::uint64_t packets() const override;
  std::vector<std::pair<std::string, std::uint64_t>> named_counters() const override;

  const PacketCounters& counters() const { return counters_; }
  const Topology& topology() const { return *topology_; }

  struct JourneyState;
  struct Waiter;
  struct WebrtcSockets;

 private:
  void build_topology();
  Duration jitter(HostId from, HostId to);
  /// Sets a journey off now; `on_arrival`/`on_lost` (optional) run when it ends.
  std::shared_ptr<JourneyState> start(std::vector<Leg> legs, std::function<void()> on_arrival,
                                      std::function<void()> on_lost);
  void transmit(const std::shared_ptr<JourneyState>& journey);
  /// Sends the journey's current trip (or the hello that must precede it) now.
  void send_datagram(const std::shared_ptr<JourneyState>& journey, int transmission);
  /// Everything waiting on `socket` of host `at` (libp2p: its port-4001 socket).
  void receive(HostId at, ns3::Ptr<ns3::Socket> socket, bool libp2p);
  void finish(const std::shared_ptr<JourneyState>& journey, Arrival result);
  void keepalive(std::uint64_t connection, bool from_dialer);
  /// Suspends until the deadline or until whoever holds `slot` wakes it first.
  store::Task<void> wait(std::weak_ptr<Waiter>& slot, Duration deadline);

  World& world_;
  Kernel& kernel_;
  PacketOptions options_;
  std::unique_ptr<Topology> topology_;
  std::vector<std::unique_ptr<NatBox>> tcp_nats_;   // per wallet (null for public hosts)
  std::vector<ns3::Ptr<ns3::Socket>> libp2p_;       // per host
  std::vector<Stream> streams_;                     // per host: the jitter draws
  std::unordered_map<std::uint64_t, std::shared_ptr<JourneyState>> in_flight_;
  std::uint64_t next_journey_ = 1;
  /// learned_[observer][peer]: where `observer` last saw `peer`'s libp2p packets come from.
  std::vector<std::map<HostId, Endpoint>> learned_;
  std::map<std::pair<WalletIndex, WalletIndex>, std::shared_ptr<WebrtcSockets>> punched_;
  /// Attempts gathering since their offer was created (at `first`), by (dialer, listener),
  /// oldest first: concurrent dials of one pair each get their own. An offer whose dial failed
  /// before its punch is skipped once it has abandoned itself (failed_timeout after it).
  std::map<std::pair<WalletIndex, WalletIndex>, std::deque<std::pair<Duration, std::unique_ptr<PreparedIce>>>> offers_;
  std::map<std::uint64_t, std::shared_ptr<WebrtcSockets>> webrtc_;  // by connection id
  PacketCounters counters_;
};

/// The factory World takes (sim/world.hpp) for a packet run.
std::function<std::unique_ptr<Paths>(World&)> packet_paths_factory(PacketOptions options);

}  // namespace connsim::sim::packet
