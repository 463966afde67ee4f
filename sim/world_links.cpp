// World links: which hosts can reach each other now (partitions) and each host's access
// latency. How messages travel is the Paths backend's business (sim/paths.hpp).
#include "sim/world.hpp"

namespace connsim::sim {

const LatencyModel& World::access_latency(HostId host) const {
  static const LatencyModel none = LatencyModel::fixed(Duration::zero());
  if (host < wallets_.size()) return config_.wallets[host].access_latency;
  if (host < wallets_.size() + relays_.size()) return relays_[host - wallets_.size()].config.access_latency;
  return none;
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
