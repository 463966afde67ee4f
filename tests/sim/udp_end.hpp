// Test support for the packet backend's network tests: a UDP socket on an ns-3 node that
// records every datagram it receives (source as seen after any NAT, arrival time, size).
#pragma once

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <vector>

#include <ns3/inet-socket-address.h>
#include <ns3/node.h>
#include <ns3/packet.h>
#include <ns3/socket.h>
#include <ns3/udp-socket-factory.h>

#include "sim/kernel.hpp"
#include "sim/nat.hpp"

namespace connsim::sim::testing {

struct Rx {
  Endpoint from;
  Duration at;
  std::uint32_t size = 0;  // payload bytes
};

class UdpEnd {
 public:
  UdpEnd(Kernel& kernel, ns3::Ptr<ns3::Node> node, Endpoint bind) : kernel_(kernel) {
    socket_ = ns3::Socket::CreateSocket(node, ns3::UdpSocketFactory::GetTypeId());
    BOOST_REQUIRE(socket_->Bind(ns3::InetSocketAddress(ns3::Ipv4Address(bind.ip), bind.port)) == 0);
    socket_->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>([this](ns3::Ptr<ns3::Socket> s) {
      ns3::Address from;
      while (ns3::Ptr<ns3::Packet> p = s->RecvFrom(from)) {
        const auto source = ns3::InetSocketAddress::ConvertFrom(from);
        got.push_back(Rx{Endpoint{source.GetIpv4().Get(), source.GetPort()}, kernel_.now(), p->GetSize()});
      }
    }));
  }
  ~UdpEnd() { socket_->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>()); }
  UdpEnd(const UdpEnd&) = delete;
  UdpEnd& operator=(const UdpEnd&) = delete;

  void send(Endpoint to, std::uint32_t size = 100) {
    socket_->SendTo(ns3::Create<ns3::Packet>(size), 0, ns3::InetSocketAddress(ns3::Ipv4Address(to.ip), to.port));
  }

  std::vector<Rx> got;

 private:
  Kernel& kernel_;
  ns3::Ptr<ns3::Socket> socket_;
};

}  // namespace connsim::sim::testing
