// World links: which hosts can reach each other now (partitions). Each host's access latency
// is the layout's (sim/host_layout.hpp); how messages travel, the Paths backend's (sim/paths.hpp).
#include "sim/world.hpp"

namespace connsim::sim {

bool World::reachable(HostId a, HostId b) const {
  for (const auto& p : partitions_) {
    if ((p.side_a.count(a) && p.side_b.count(b)) || (p.side_a.count(b) && p.side_b.count(a))) {
      return false;
    }
  }
  return true;
}

}  // namespace connsim::sim
