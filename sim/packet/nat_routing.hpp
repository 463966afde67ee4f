// NatRouting: the routing protocol of a NAT node in the packet backend. ns-3 has no NAT, so
// this wraps the node's Ipv4StaticRouting and rewrites UDP packets crossing between the LAN
// interface (one private host) and the WAN interface (the NAT's public address), using the
// same sim::NatBox tables as the message-level model: the same RFC 4787 mapping, filtering and
// mapping timeouts, the same knobs, the same port allocator.
//
// Contract:
// - Outbound (arrives on the LAN interface, UDP, destination not on the LAN): the box for the
//   flow's class maps (private src ip:port, dst ip:port) with NatBox::outbound at the current
//   simulation time; the packet leaves the WAN interface with the mapped source. A public-host
//   box (NatConfig::public_host) is a plain router.
// - Inbound (arrives on the WAN interface, UDP, addressed to the NAT's public address):
//   NatBox::inbound decides; admitted packets go to the private endpoint out of the LAN
//   interface, the rest are dropped and counted (dropped_inbound()).
// - Flow classes: a packet whose private-side port (source port outbound, the private
//   endpoint's port inbound is unknown, so the *remote* port decides inbound) equals
//   `tcp_port` stands for libp2p's TCP connections and uses the `tcp` box (whose mapping
//   timeout is the long TCP one); every other UDP packet uses the `udp` box (WebRTC/ICE/STUN).
//   Inbound: a packet from remote port `tcp_port` goes to the tcp box, else to the udp box;
//   one that box drops is offered to the other (a real NAT keeps TCP and UDP port spaces
//   apart; both are UDP here, so a UDP peer on port `tcp_port` must not be shut out).
// - Hairpin (UDP from the LAN to the NAT's own public address) is dropped and counted
//   (dropped_hairpin(); not modelled, as in NatBox). UDP fragments crossing the NAT are
//   dropped (no UDP header to translate; inbound ones count as dropped_inbound()).
// - Anything else (non-UDP, packets for the NAT node itself, multicast/broadcast, LAN-local
//   traffic) is handed to the wrapped static routing unchanged, which delivers locally
//   addressed packets through the local-delivery callback.
// - Checksums: the rewritten UDP header keeps ns-3's default (checksums off unless the global
//   "ChecksumEnabled" is set; then the checksum is recomputed for the new addresses).
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>

#include <ns3/ipv4-routing-protocol.h>
#include <ns3/ipv4-static-routing.h>

#include "sim/nat.hpp"

namespace connsim::sim::packet {

/// An Ipv4RoutingProtocol around the node's Ipv4StaticRouting: everything but RouteInput is
/// the static routing's (output routes, interface and address notifications, printing).
class StaticRoutingWrapper : public ns3::Ipv4RoutingProtocol {
 public:
  static ns3::TypeId GetTypeId();
  StaticRoutingWrapper();
  ~StaticRoutingWrapper() override;

  /// The wrapped static routing, for adding the node's routes.
  ns3::Ptr<ns3::Ipv4StaticRouting> static_routing() const { return static_; }

  ns3::Ptr<ns3::Ipv4Route> RouteOutput(ns3::Ptr<ns3::Packet> p, const ns3::Ipv4Header& header,
                                       ns3::Ptr<ns3::NetDevice> oif,
                                       ns3::Socket::SocketErrno& sockerr) override;
  void NotifyInterfaceUp(std::uint32_t interface) override;
  void NotifyInterfaceDown(std::uint32_t interface) override;
  void NotifyAddAddress(std::uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
  void NotifyRemoveAddress(std::uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
  void SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) override;
  void PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                         ns3::Time::Unit unit = ns3::Time::S) const override;

 protected:
  void DoDispose() override;

  ns3::Ptr<ns3::Ipv4StaticRouting> static_;
  ns3::Ptr<ns3::Ipv4> ipv4_;
};

class NatRouting : public StaticRoutingWrapper {
 public:
  static ns3::TypeId GetTypeId();
  NatRouting();
  ~NatRouting() override;

  /// Must be called before the first packet. `udp` and `tcp` outlive this object (they are
  /// owned by the world); `tcp_port` is the libp2p port (4001).
  void configure(std::uint32_t lan_interface, std::uint32_t wan_interface, NatBox* udp, NatBox* tcp,
                 std::uint16_t tcp_port);


  std::uint64_t translated_outbound() const { return translated_outbound_; }
  std::uint64_t translated_inbound() const { return translated_inbound_; }
  std::uint64_t dropped_inbound() const { return dropped_inbound_; }
  std::uint64_t dropped_hairpin() const { return dropped_hairpin_; }

  // ns3::Ipv4RoutingProtocol
  bool RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                  ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                  MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                  ErrorCallback ecb) override;

 protected:
  void DoDispose() override;

 private:
  /// A NAT that translates (configured, and not a public-host box).
  bool is_nat() const;
  /// The box for a flow whose deciding port (see Flow classes) is `port`.
  NatBox& box_for(std::uint16_t port) const;
  bool is_public_address(std::uint32_t ip) const;
  bool on_lan(std::uint32_t ip) const;
  /// Routes `packet` out of `interface` by the static routes and hands it to `ucb`; false
  /// when there is no route.
  bool forward(std::uint32_t interface, ns3::Ptr<ns3::Packet> packet, const ns3::Ipv4Header& header,
               const UnicastForwardCallback& ucb);

  std::uint32_t lan_ = 0;
  std::uint32_t wan_ = 0;
  NatBox* udp_ = nullptr;
  NatBox* tcp_ = nullptr;
  std::uint16_t tcp_port_ = 0;
  std::uint64_t translated_outbound_ = 0;
  std::uint64_t translated_inbound_ = 0;
  std::uint64_t dropped_inbound_ = 0;
  std::uint64_t dropped_hairpin_ = 0;
};

/// The core router's routing: static routes plus a drop filter consulted for every forwarded
/// packet (the world's partitions). `blocked(src_ip, dst_ip)` returns true to drop; drops
/// are counted. Packets addressed to the core itself are never filtered.
class FilteringRouting : public StaticRoutingWrapper {
 public:
  static ns3::TypeId GetTypeId();
  FilteringRouting();
  ~FilteringRouting() override;

  void set_filter(std::function<bool(std::uint32_t src_ip, std::uint32_t dst_ip)> blocked);
  /// Delay variation: every packet the core forwards (after the filter) is held `hold(src_ip,
  /// dst_ip)` before it is routed on, as netem would. Every host-to-host packet crosses the
  /// core exactly once, so this is one draw per one-way trip. Packets may be reordered.
  void set_hold(std::function<store::Duration(std::uint32_t src_ip, std::uint32_t dst_ip)> hold);
  std::uint64_t held() const { return held_; }
  /// A host route (`ip`/32 out of `interface`) in the static routing and in a hash index that
  /// forwarding uses first: the core has one interface per host, and the static routing's
  /// lookup (and its local-address check) walks every interface for every packet.
  void add_host_route(std::uint32_t ip, std::uint32_t interface);
  std::uint64_t dropped() const { return dropped_; }

  bool RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                  ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                  MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                  ErrorCallback ecb) override;

 protected:
  void DoDispose() override;

 private:
  std::function<bool(std::uint32_t, std::uint32_t)> blocked_;
  std::function<store::Duration(std::uint32_t, std::uint32_t)> hold_;
  std::unordered_map<std::uint32_t, ns3::Ptr<ns3::Ipv4Route>> host_routes_;
  std::uint64_t held_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace connsim::sim::packet
