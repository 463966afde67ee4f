// World partitions: which hosts can reach each other now. How messages travel is the Paths
// backend's business (sim/paths.hpp).
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
