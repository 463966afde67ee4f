#include "sim/hole_punch.hpp"

#include "sim/ice.hpp"
#include "sim/wallet_node.hpp"
#include "sim/world.hpp"

namespace connsim::sim {

namespace {

constexpr std::uint16_t kWebrtcPort = 50000;
// @libp2p/webrtc's default STUN servers are public hosts that are none of the peers.
constexpr std::uint32_t kStunIp = ipv4(74, 125, 250, 129);
constexpr std::uint16_t kStunPort = 19302;

IceHost ice_host(WalletNode& node) {
  IceHost host;
  host.nat = &node.nat();
  host.local = Endpoint{node.private_ip(), kWebrtcPort};
  host.stun_server = Endpoint{kStunIp, kStunPort};
  return host;
}

}  // namespace

HolePunchResult punch_hole(World& world, std::size_t dialer, std::size_t listener, Duration one_way) {
  WalletNode& a = world.wallet(dialer);
  WalletNode& b = world.wallet(listener);
  const IceOutcome outcome =
      run_ice(ice_host(a), ice_host(b), one_way, world.kernel().now(), world.config().ice);
  return HolePunchResult{outcome.connected, outcome.elapsed, outcome.detail};
}

}  // namespace connsim::sim
