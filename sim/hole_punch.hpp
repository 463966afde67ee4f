// punch_hole: the WebRTC step of a dial between two simulated wallets: ICE through their two
// NAT boxes (sim/ice.hpp), from each wallet's real NAT state at this moment, with checks
// taking `one_way` between the two.
#pragma once

#include <cstddef>
#include <string>

#include "sim/host_ids.hpp"
#include "store/clock.hpp"

namespace connsim::sim {

class World;

struct HolePunchResult {
  bool connected = false;
  store::Duration elapsed{};
  std::string detail;
};

HolePunchResult punch_hole(World& world, WalletIndex dialer, WalletIndex listener, store::Duration one_way);

}  // namespace connsim::sim
