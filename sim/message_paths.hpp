// MessagePaths: the fast backend. Nothing travels: a trip's fate is drawn when it departs.
// - One-way delay = the network's latency model + the access latency of each end, one draw
//   each from the sender's random stream (one stream per host, seeded from the world seed).
// - Each transmission is lost with the network's loss rate (a draw from the same stream); a
//   lost one is resent after retransmit_timeout, up to max_transmissions, then the trip is lost.
// - A journey draws every leg at departure (all legs, even after a lost one; within a leg the
//   draws stop at the first lost trip), so lost() is known at once and arrive() returns at
//   once for a lost journey.
// - ICE is sim/ice.hpp's run_ice through the two wallets' NatBoxes, one one-way delay drawn
//   per attempt; across a partition it fails after failed_timeout.
#pragma once

#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "sim/kernel.hpp"
#include "sim/paths.hpp"
#include "sim/random.hpp"

namespace connsim::sim {

class World;

class MessagePaths final : public Paths {
 public:
  explicit MessagePaths(World& world);

  JourneyPtr depart(std::vector<Leg> legs) override;
  store::Task<Arrival> arrive(JourneyPtr journey, Duration deadline) override;
  void post(std::vector<Leg> legs, std::function<void()> on_arrival,
            std::function<void()> on_lost) override;
  Duration notice_delay(HostId from, HostId to) override { return one_way(from, to); }
  store::Task<Punch> punch(WalletIndex dialer, WalletIndex listener, Duration deadline) override;

  /// post() without type erasure, for the world's hot paths (gossip, messages): the same
  /// draws in the same order, the callable stored in its kernel event (one allocation).
  template <class Arrive, class Lost>
  void post_inline(std::span<const Leg> legs, Arrive&& on_arrival, Lost&& on_lost) {
    if (auto total = draw(legs)) {
      kernel_.schedule(*total, std::forward<Arrive>(on_arrival));
    } else {
      on_lost();
    }
  }

 private:
  /// Every leg drawn (all of them, even after a lost one); nullopt when one was lost.
  std::optional<Duration> draw(std::span<const Leg> legs);
  Duration one_way(HostId from, HostId to);
  /// One trip with loss and retransmission; nullopt when every transmission was lost.
  std::optional<Duration> trip(HostId from, HostId to);
  /// The leg's trips in turn; nullopt at the first lost one.
  std::optional<Duration> travel(const Leg& leg);

  World& world_;
  Kernel& kernel_;
  std::vector<Stream> streams_;  // one per host
};

}  // namespace connsim::sim
