#include "sim/packet/nat_routing.hpp"

#include <ns3/ipv4.h>
#include <ns3/node.h>
#include <ns3/simulator.h>
#include <ns3/udp-header.h>
#include <ns3/udp-l4-protocol.h>

namespace connsim::sim::packet {

namespace {

Duration sim_now() { return Duration(ns3::Simulator::Now().GetNanoSeconds()); }

std::uint32_t host_order(ns3::Ipv4Address a) { return a.Get(); }

/// A copy of `p` (which starts with a UDP header) with new ports and, for the checksum, the new
/// addresses. A fresh UdpHeader is built: re-serializing a deserialized one would write back
/// the stale checksum and a length field off by 8 (ns-3's UdpHeader keeps the payload size).
ns3::Ptr<ns3::Packet> rewrite_udp(ns3::Ptr<const ns3::Packet> p, Endpoint src, Endpoint dst) {
  ns3::Ptr<ns3::Packet> copy = p->Copy();
  ns3::UdpHeader old;
  copy->RemoveHeader(old);
  ns3::UdpHeader fresh;
  fresh.SetSourcePort(src.port);
  fresh.SetDestinationPort(dst.port);
  if (ns3::Node::ChecksumEnabled()) {
    fresh.EnableChecksums();
    fresh.InitializeChecksum(ns3::Ipv4Address(src.ip), ns3::Ipv4Address(dst.ip),
                             ns3::UdpL4Protocol::PROT_NUMBER);
  }
  copy->AddHeader(fresh);
  return copy;
}

/// Source and destination UDP endpoints of a packet that starts with a UDP header.
std::pair<Endpoint, Endpoint> udp_endpoints(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& h) {
  ns3::UdpHeader udp;
  p->PeekHeader(udp);
  return {Endpoint{host_order(h.GetSource()), udp.GetSourcePort()},
          Endpoint{host_order(h.GetDestination()), udp.GetDestinationPort()}};
}

/// The TypeId of `Routing`, a StaticRoutingWrapper that ns-3 can create, registered under `name`
/// on the first call.
template <class Routing>
ns3::TypeId wrapper_type_id(const char* name) {
  static const ns3::TypeId tid = ns3::TypeId(name)
                                     .SetParent<StaticRoutingWrapper>()
                                     .SetGroupName("Internet")
                                     .AddConstructor<Routing>();
  return tid;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// StaticRoutingWrapper

ns3::TypeId StaticRoutingWrapper::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("connsim::packet::StaticRoutingWrapper")
                               .SetParent<ns3::Ipv4RoutingProtocol>()
                               .SetGroupName("Internet");
  return tid;
}

StaticRoutingWrapper::StaticRoutingWrapper() : static_(ns3::CreateObject<ns3::Ipv4StaticRouting>()) {}
StaticRoutingWrapper::~StaticRoutingWrapper() = default;

ns3::Ptr<ns3::Ipv4Route> StaticRoutingWrapper::RouteOutput(ns3::Ptr<ns3::Packet> p, const ns3::Ipv4Header& header,
                                                           ns3::Ptr<ns3::NetDevice> oif,
                                                           ns3::Socket::SocketErrno& sockerr) {
  return static_->RouteOutput(p, header, oif, sockerr);
}

void StaticRoutingWrapper::NotifyInterfaceUp(std::uint32_t i) { static_->NotifyInterfaceUp(i); }
void StaticRoutingWrapper::NotifyInterfaceDown(std::uint32_t i) { static_->NotifyInterfaceDown(i); }
void StaticRoutingWrapper::NotifyAddAddress(std::uint32_t i, ns3::Ipv4InterfaceAddress a) {
  static_->NotifyAddAddress(i, a);
}
void StaticRoutingWrapper::NotifyRemoveAddress(std::uint32_t i, ns3::Ipv4InterfaceAddress a) {
  static_->NotifyRemoveAddress(i, a);
}
void StaticRoutingWrapper::SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) {
  ipv4_ = ipv4;
  static_->SetIpv4(ipv4);
}
void StaticRoutingWrapper::PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                                             ns3::Time::Unit unit) const {
  static_->PrintRoutingTable(stream, unit);
}

void StaticRoutingWrapper::DoDispose() {
  static_->Dispose();
  ipv4_ = nullptr;
  ns3::Ipv4RoutingProtocol::DoDispose();
}

// ---------------------------------------------------------------------------------------------
// NatRouting

ns3::TypeId NatRouting::GetTypeId() {
  return wrapper_type_id<NatRouting>("connsim::packet::NatRouting");
}

NatRouting::NatRouting() = default;
NatRouting::~NatRouting() = default;

void NatRouting::configure(std::uint32_t lan_interface, std::uint32_t wan_interface, NatBox* udp,
                           NatBox* tcp, std::uint16_t tcp_port) {
  lan_ = lan_interface;
  wan_ = wan_interface;
  udp_ = udp;
  tcp_ = tcp;
  tcp_port_ = tcp_port;
}

bool NatRouting::is_nat() const { return udp_ != nullptr && !udp_->config().public_host; }

NatBox& NatRouting::box_for(std::uint16_t port) const {
  return port == tcp_port_ && tcp_ != nullptr ? *tcp_ : *udp_;
}

bool NatRouting::is_public_address(std::uint32_t ip) const {
  if (ip == udp_->public_ip() || (tcp_ != nullptr && ip == tcp_->public_ip())) return true;
  for (std::uint32_t i = 0; i < ipv4_->GetNAddresses(wan_); ++i) {
    if (ipv4_->GetAddress(wan_, i).GetLocal().Get() == ip) return true;
  }
  return false;
}

bool NatRouting::on_lan(std::uint32_t ip) const {
  for (std::uint32_t i = 0; i < ipv4_->GetNAddresses(lan_); ++i) {
    const ns3::Ipv4InterfaceAddress a = ipv4_->GetAddress(lan_, i);
    if (a.GetLocal().CombineMask(a.GetMask()) == ns3::Ipv4Address(ip).CombineMask(a.GetMask())) return true;
  }
  return false;
}

bool NatRouting::forward(std::uint32_t interface, ns3::Ptr<ns3::Packet> packet,
                         const ns3::Ipv4Header& header, const UnicastForwardCallback& ucb) {
  ns3::Socket::SocketErrno error = ns3::Socket::ERROR_NOTERROR;
  ns3::Ptr<ns3::Ipv4Route> route =
      static_->RouteOutput(packet, header, ipv4_->GetNetDevice(interface), error);
  if (!route) return false;  // Ipv4L3Protocol counts it as DROP_NO_ROUTE
  ucb(route, packet, header);
  return true;
}

bool NatRouting::RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                            ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                            MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                            ErrorCallback ecb) {
  const std::int32_t iif = ipv4_->GetInterfaceForDevice(idev);
  const bool udp = header.GetProtocol() == ns3::UdpL4Protocol::PROT_NUMBER;
  const bool fragment = header.IsLastFragment() == false || header.GetFragmentOffset() != 0;
  if (!is_nat() || !udp || iif < 0 || header.GetDestination().IsMulticast() ||
      header.GetDestination().IsBroadcast()) {
    return static_->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
  }
  const std::uint32_t dst_ip = header.GetDestination().Get();
  if (static_cast<std::uint32_t>(iif) == lan_ && !on_lan(dst_ip)) {
    if (fragment) return true;  // no UDP header to translate: dropped (fragments are not modelled)
    if (is_public_address(dst_ip)) {
      ++dropped_hairpin_;  // hairpinning is not modelled (as in NatBox)
      return true;
    }
    const auto [internal, remote] = udp_endpoints(p, header);
    const Endpoint mapped = box_for(internal.port).outbound(internal, remote, sim_now());
    ns3::Ipv4Header out = header;
    out.SetSource(ns3::Ipv4Address(mapped.ip));
    if (!forward(wan_, rewrite_udp(p, mapped, remote), out, ucb)) return false;
    ++translated_outbound_;
    return true;
  }
  if (static_cast<std::uint32_t>(iif) == wan_ && is_public_address(dst_ip)) {
    if (fragment) {
      ++dropped_inbound_;
      return true;
    }
    const auto [remote, external] = udp_endpoints(p, header);
    NatBox& first = box_for(remote.port);
    std::optional<Endpoint> internal = first.inbound(remote, external, sim_now());
    if (!internal && tcp_ != nullptr) {
      // The tables stand for TCP and UDP, whose port spaces a real NAT keeps apart; here both
      // are UDP, so a UDP peer whose port happens to be the libp2p port must still get in.
      internal = (&first == tcp_ ? *udp_ : *tcp_).inbound(remote, external, sim_now());
    }
    if (!internal) {
      ++dropped_inbound_;
      return true;
    }
    ns3::Ipv4Header in = header;
    in.SetDestination(ns3::Ipv4Address(internal->ip));
    if (!forward(lan_, rewrite_udp(p, remote, *internal), in, ucb)) return false;
    ++translated_inbound_;
    return true;
  }
  return static_->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
}

void NatRouting::DoDispose() {
  udp_ = nullptr;
  tcp_ = nullptr;
  StaticRoutingWrapper::DoDispose();
}

// ---------------------------------------------------------------------------------------------
// FilteringRouting

ns3::TypeId FilteringRouting::GetTypeId() {
  return wrapper_type_id<FilteringRouting>("connsim::packet::FilteringRouting");
}

FilteringRouting::FilteringRouting() = default;
FilteringRouting::~FilteringRouting() = default;

void FilteringRouting::add_host_route(std::uint32_t ip, std::uint32_t interface) {
  static_->AddHostRouteTo(ns3::Ipv4Address(ip), interface);
  auto route = ns3::Create<ns3::Ipv4Route>();
  route->SetDestination(ns3::Ipv4Address(ip));
  route->SetGateway(ns3::Ipv4Address::GetZero());
  route->SetOutputDevice(ipv4_->GetNetDevice(interface));
  route->SetSource(ipv4_->GetAddress(interface, 0).GetLocal());
  host_routes_[ip] = route;
}

void FilteringRouting::set_hold(std::function<store::Duration(std::uint32_t, std::uint32_t)> hold) {
  hold_ = std::move(hold);
}

void FilteringRouting::set_filter(std::function<bool(std::uint32_t, std::uint32_t)> blocked) {
  blocked_ = std::move(blocked);
}

bool FilteringRouting::RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                                  ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                                  MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                                  ErrorCallback ecb) {
  // Fast path: a host route (never one of the core's own addresses).
  if (auto route = host_routes_.find(header.GetDestination().Get()); route != host_routes_.end()) {
    if (blocked_ && blocked_(header.GetSource().Get(), header.GetDestination().Get())) {
      ++dropped_;
      return true;
    }
    const store::Duration hold = hold_ ? hold_(header.GetSource().Get(), header.GetDestination().Get())
                                       : store::Duration::zero();
    if (hold > store::Duration::zero()) {
      ++held_;
      ns3::Simulator::Schedule(ns3::NanoSeconds(hold.count()),
                               [ucb, r = route->second, p, header] { ucb(r, p, header); });
    } else {
      ucb(route->second, p, header);
    }
    return true;
  }
  const std::int32_t iif = ipv4_ ? ipv4_->GetInterfaceForDevice(idev) : -1;
  const bool local = iif >= 0 && ipv4_->IsDestinationAddress(header.GetDestination(), iif);
  if (!local && blocked_ && blocked_(header.GetSource().Get(), header.GetDestination().Get())) {
    ++dropped_;
    return true;
  }
  if (!local && hold_) {
    const store::Duration hold = hold_(header.GetSource().Get(), header.GetDestination().Get());
    if (hold > store::Duration::zero()) {
      ++held_;
      ns3::Ptr<FilteringRouting> self(this);
      ns3::Simulator::Schedule(ns3::NanoSeconds(hold.count()), [self, p, header, idev, ucb, mcb, lcb, ecb] {
        self->static_->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
      });
      return true;
    }
  }
  return static_->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
}

void FilteringRouting::DoDispose() {
  blocked_ = nullptr;
  hold_ = nullptr;
  host_routes_.clear();
  StaticRoutingWrapper::DoDispose();
}

}  // namespace connsim::sim::packet
