#include "sim/hole_punch.hpp"

#include "sim/ice.hpp"
#include "sim/wallet_node.hpp"
#include "sim/world.hpp"

namespace connsim::sim {

namespace {

// @libp2p/webrtc's default STUN servers are public hosts that are none of the peers: the
// layout's STUN server, which has no host in the message model but its address.
IceHost ice_host(const HostLayout& hosts, WalletNode& node) {
  IceHost host;
  host.nat = &node.nat();
  host.local = Endpoint{node.private_ip(), kWebrtcPort};
  host.stun_server = Endpoint{hosts.public_ip(hosts.stun()), kStunPort};
  return host;
}

}  // namespace

HolePunchResult punch_hole(World& world, WalletIndex dialer, WalletIndex listener, Duration one_way) {
  WalletNode& a = world.wallet(dialer.value);
  WalletNode& b = world.wallet(listener.value);
  const IceOutcome outcome =
      run_ice(ice_host(world.hosts(), a), ice_host(world.hosts(), b), one_way, world.kernel().now(), world.config().ice);
  return HolePunchResult{outcome.connected, outcome.elapsed, outcome.detail};
}

}  // namespace connsim::sim
