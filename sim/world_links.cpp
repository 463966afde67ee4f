// World network primitives: one-way delays, loss with retransmission, partitions.
#include <algorithm>

#include "sim/wallet_node.hpp"
#include "sim/world.hpp"

namespace connsim::sim {

Stream& World::stream_for(HostId host) { return streams_[host]; }

Duration World::one_way(HostId from, HostId to) {
  Stream& rng = stream_for(from);
  Duration delay = config_.link.latency.sample(rng);
  auto access = [&](HostId host) {
    if (host < wallets_.size()) return config_.wallets[host].access_latency.sample(rng);
    if (host < wallets_.size() + relays_.size()) {
      return relays_[host - wallets_.size()].config.access_latency.sample(rng);
    }
    return Duration::zero();
  };
  return delay + access(from) + access(to);
}

std::optional<Duration> World::trip(HostId from, HostId to) {
  Duration total = Duration::zero();
  const auto& link = config_.link;
  for (int transmission = 1; transmission <= std::max(1, link.max_transmissions); ++transmission) {
    if (!stream_for(from).chance(link.loss)) return total + one_way(from, to);
    total += link.retransmit_timeout;
  }
  return std::nullopt;
}

std::optional<Duration> World::round_trips(HostId a, HostId b, int count) {
  Duration total = Duration::zero();
  for (int i = 0; i < count; ++i) {
    auto there = trip(a, b);
    if (!there) return std::nullopt;
    auto back = trip(b, a);
    if (!back) return std::nullopt;
    total += *there + *back;
  }
  return total;
}

bool World::reachable(HostId a, HostId b) const {
  for (const auto& p : partitions_) {
    if ((p.side_a.count(a) && p.side_b.count(b)) || (p.side_a.count(b) && p.side_b.count(a))) {
      return false;
    }
  }
  return true;
}

}  // namespace connsim::sim
