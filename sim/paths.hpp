// Paths: how the world's messages travel between hosts. The world decides what is sent, when,
// and what an arrival means (world.cpp, world_dial.cpp); a Paths backend decides when, and
// whether, each message arrives. Two backends:
// - MessagePaths (sim/message_paths.hpp), the fast model: a trip's delay is drawn from the
//   latency model, its loss and retransmissions from the sender's random stream;
// - PacketPaths (sim/packet/packet_paths.hpp): real UDP datagrams through ns-3 nodes, NAT
//   nodes and a core router.
// Contracts below hold for both; where they differ is documented in docs/DESIGN.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/host_ids.hpp"
#include "store/async.hpp"
#include "store/clock.hpp"

namespace connsim::sim {

using store::Duration;
struct Connection;

/// One stretch of a journey: `trips` one-way trips alternating in direction, the first from
/// `from` to `to` (2k trips are k round trips). Each trip is retransmitted after the link's
/// retransmit timeout until it arrives or max_transmissions were lost. `connection` names the
/// wallet-to-wallet connection the trips belong to (0: a control exchange on the libp2p port,
/// with a relay, the bootstrap, or a dial's handshake). `bytes`: what each trip carries, for
/// a backend with real links (0: a small control message); the fast model ignores it.
struct Leg {
  HostId from;
  HostId to;
  int trips = 1;
  std::uint64_t connection = 0;
  std::uint32_t bytes = 0;
};

/// A journey's end as seen by the one waiting for it.
enum class Arrival { arrived, lost, late };

/// A set of legs travelling one after the other.
class Journey {
 public:
  virtual ~Journey() = default;
  /// Already known to be lost (the fast model knows at departure; packets only later).
  virtual bool lost() const = 0;
};
using JourneyPtr = std::shared_ptr<Journey>;

/// The WebRTC step's result: whether ICE connected, and whether it finished by the deadline.
struct Punch {
  bool connected = false;
  bool in_time = false;
  std::string detail;
};

class Paths {
 public:
  virtual ~Paths() = default;

  /// Sets `legs` off now.
  virtual JourneyPtr depart(std::vector<Leg> legs) = 0;
  /// Waits for `journey` no later than `deadline`: arrived (now is its arrival), lost (a trip
  /// was lost max_transmissions times; returns at once when lost() already holds), or late
  /// (now is the deadline).
  virtual store::Task<Arrival> arrive(JourneyPtr journey, Duration deadline) = 0;
  /// A message nobody waits for: `on_arrival` runs at its arrival, `on_lost` (if set) when it
  /// is lost. Either may run before post returns only for on_lost.
  virtual void post(std::vector<Leg> legs, std::function<void()> on_arrival,
                    std::function<void()> on_lost = {}) = 0;
  /// The one-way delay of a notice sent once and never retransmitted (a FIN, an RST, a
  /// refusal), drawn now.
  virtual Duration notice_delay(HostId from, HostId to) = 0;
  /// The dialer creates its WebRTC offer now (before the SDP exchange departs): a backend that
  /// gathers candidates for real starts gathering here, overlapping the signalling, as a
  /// browser does. Optional: punch() without it gathers itself.
  virtual void offer_created(WalletIndex /*dialer*/, WalletIndex /*listener*/) {}
  /// WebRTC's ICE between two wallets, starting now; resumes when it connected or failed, or
  /// at `deadline` (in_time false), whichever is first.
  virtual store::Task<Punch> punch(WalletIndex dialer, WalletIndex listener, Duration deadline) = 0;

  // Notifications from the world, for backends that keep per-connection state.
  virtual void connection_opened(const Connection&) {}
  virtual void connection_closed(const Connection&) {}
  /// The wallet's NAT forgot its mappings.
  virtual void nat_rebound(WalletIndex /*wallet*/) {}
  /// The network's latency or loss changed (WorldConfig::link holds the new values).
  virtual void link_changed() {}
  /// Counters for --stats (backend-specific, e.g. packets).
  virtual std::uint64_t packets() const { return 0; }
  /// The backend's own counters by name, for --stats (none for the fast model).
  virtual std::vector<std::pair<std::string, std::uint64_t>> named_counters() const { return {}; }
};

}  // namespace connsim::sim
