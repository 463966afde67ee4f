#define BOOST_TEST_MODULE sim.nat_routing
#include "sim/packet/nat_routing.hpp"

#include <optional>
#include <utility>

#include <ns3/boolean.h>
#include <ns3/global-value.h>

#include "tests/sim/packet_net_prelude.hpp"

namespace {

constexpr std::uint32_t kPublicIp = ipv4(203, 0, 113, 1);
constexpr Endpoint kHost{ipv4(192, 168, 1, 2), 5000};
constexpr Endpoint kS1{ipv4(198, 51, 100, 7), 4000};
constexpr Endpoint kS2{ipv4(192, 0, 2, 9), 4000};
constexpr std::uint16_t kTcpPort = 4001;



/// One NATed host and two public servers. Member order: the boxes outlive the topology and
/// the kernel; the sockets go first.
struct Net {
  explicit Net(NatConfig nat, NatConfig tcp_nat = NatConfig::port_restricted_cone())
      : udp(nat, kPublicIp, 7), tcp(tcp_nat, kPublicIp, 99) {
    host = topology.add_natted_host("h", kHost.ip, kPublicIp, &udp, &tcp, kTcpPort,
                                    CoreLinkSpec{.delay = 10ms});
    s1 = topology.add_public_host("s1", kS1.ip, CoreLinkSpec{.delay = 10ms});
    s2 = topology.add_public_host("s2", kS2.ip, CoreLinkSpec{.delay = 10ms});
    kernel.run_until(1ms);  // nodes initialized
  }
  std::unique_ptr<UdpEnd> open(Topology::HostIndex h, std::uint16_t port) {
    return std::make_unique<UdpEnd>(kernel, topology.node(h), Endpoint{topology.local_ip(h), port});
  }
  /// The ends most tests use: the host's at kHost and s1's at kS1, in that order.
  std::pair<std::unique_ptr<UdpEnd>, std::unique_ptr<UdpEnd>> open_host_and_s1() {
    return {open(host, kHost.port), open(s1, kS1.port)};
  }
  void run(Duration d) { kernel.run_until(kernel.now() + d); }
  /// The host's end `h` sends one datagram to kS1 and the network runs 100 ms: s1's end `s1_end`
  /// must have it. Returns where it came from: the host's mapping towards s1.
  Endpoint map_to_s1(UdpEnd& h, const UdpEnd& s1_end) {
    h.send(kS1);
    run(100ms);
    BOOST_REQUIRE_EQUAL(s1_end.got.size(), 1u);
    return s1_end.got[0].from;
  }
  connsim::sim::packet::NatRouting& nat() { return *topology.nat(host); }

  NatBox udp;
  NatBox tcp;
  Kernel kernel;
  Topology topology;
  Topology::HostIndex host = 0, s1 = 0, s2 = 0;
};

}  // namespace

BOOST_AUTO_TEST_CASE(outbound_gets_the_mapped_source_and_the_reply_comes_back) {
  Net net(NatConfig::port_restricted_cone());
  auto [h, s1] = net.open_host_and_s1();
  const Endpoint from = net.map_to_s1(*h, *s1);
  const std::optional<Endpoint> mapped = net.udp.peek_mapping(kHost, kS1, net.kernel.now());
  BOOST_REQUIRE(mapped.has_value());
  BOOST_TEST(mapped->ip == kPublicIp);
  BOOST_TEST((from == *mapped));
  BOOST_TEST((s1->got[0].at - 1ms).count() == (20ms + std::chrono::nanoseconds(20800)).count());  // 2 x 130 B at 100 Mb/s

  s1->send(*mapped);
  net.run(100ms);
  BOOST_REQUIRE_EQUAL(h->got.size(), 1u);
  BOOST_TEST((h->got[0].from == kS1));
  BOOST_TEST(net.nat().translated_outbound() == 1u);
  BOOST_TEST(net.nat().translated_inbound() == 1u);
  BOOST_TEST(net.nat().dropped_inbound() == 0u);
}

BOOST_AUTO_TEST_CASE(unsolicited_inbound_is_dropped_under_apdf_and_admitted_under_eif) {
  for (const bool eif : {false, true}) {
    Net net(eif ? NatConfig::full_cone() : NatConfig::port_restricted_cone());
    auto [h, s1] = net.open_host_and_s1();
    auto s2 = net.open(net.s2, kS2.port);
    const Endpoint mapped = net.map_to_s1(*h, *s1);
    s2->send(mapped);  // a stranger, to the mapped endpoint
    net.run(100ms);
    BOOST_TEST(h->got.size() == (eif ? 1u : 0u), "eif=" << eif);
    BOOST_TEST(net.nat().dropped_inbound() == (eif ? 0u : 1u), "eif=" << eif);
    BOOST_TEST(net.nat().translated_inbound() == (eif ? 1u : 0u), "eif=" << eif);
    // Nothing was mapped: a packet to an unmapped port is dropped under any filtering.
    s2->send(Endpoint{kPublicIp, static_cast<std::uint16_t>(mapped.port ^ 1)});
    net.run(100ms);
    BOOST_TEST(net.nat().dropped_inbound() == (eif ? 1u : 2u), "eif=" << eif);
  }
}

BOOST_AUTO_TEST_CASE(eim_reuses_the_external_port_apdm_does_not) {
  for (const bool symmetric : {false, true}) {
    Net net(symmetric ? NatConfig::symmetric() : NatConfig::full_cone());
    auto [h, s1] = net.open_host_and_s1();
    auto s2 = net.open(net.s2, kS2.port);
    h->send(kS1);
    h->send(kS2);
    net.run(100ms);
    BOOST_REQUIRE_EQUAL(s1->got.size(), 1u);
    BOOST_REQUIRE_EQUAL(s2->got.size(), 1u);
    BOOST_TEST(s1->got[0].from.ip == kPublicIp);
    BOOST_TEST(s2->got[0].from.ip == kPublicIp);
    BOOST_TEST((s1->got[0].from.port != s2->got[0].from.port) == symmetric, "symmetric=" << symmetric);
  }
}

BOOST_AUTO_TEST_CASE(a_mapping_expires_after_mapping_timeout_of_silence) {
  NatConfig config = NatConfig::port_restricted_cone();
  config.mapping_timeout = 30s;
  Net net(config);
  auto [h, s1] = net.open_host_and_s1();
  const Endpoint mapped = net.map_to_s1(*h, *s1);
  net.run(20s);
  s1->send(mapped);  // inbound does not refresh
  net.run(100ms);
  BOOST_TEST(h->got.size() == 1u);
  net.run(11s);  // 31 s after the host last sent
  s1->send(mapped);
  net.run(100ms);
  BOOST_TEST(h->got.size() == 1u);
  BOOST_TEST(net.nat().dropped_inbound() == 1u);
}

BOOST_AUTO_TEST_CASE(the_tcp_port_class_uses_the_tcp_box) {
  Net net(NatConfig::port_restricted_cone());
  auto h = net.open(net.host, kTcpPort);
  auto s1 = net.open(net.s1, kTcpPort);
  const Endpoint internal{kHost.ip, kTcpPort};
  const Endpoint remote{kS1.ip, kTcpPort};
  h->send(remote);
  net.run(100ms);
  BOOST_REQUIRE_EQUAL(s1->got.size(), 1u);
  BOOST_TEST(net.tcp.live_mapping_count(net.kernel.now()) == 1u);
  BOOST_TEST(net.udp.live_mapping_count(net.kernel.now()) == 0u);
  const auto mapped = net.tcp.peek_mapping(internal, remote, net.kernel.now());
  BOOST_REQUIRE(mapped.has_value());
  BOOST_TEST((s1->got[0].from == *mapped));
  s1->send(*mapped);  // from remote port 4001: the tcp box admits it
  net.run(100ms);
  BOOST_TEST(h->got.size() == 1u);
}

// A UDP peer that happens to send from the libp2p port still reaches its UDP mapping: the
// tcp box has nothing on that external port, so the packet is offered to the udp box.
BOOST_AUTO_TEST_CASE(a_udp_peer_on_the_libp2p_port_reaches_its_udp_mapping) {
  Net net(NatConfig::port_restricted_cone());
  auto h = net.open(net.host, kHost.port);
  auto s1 = net.open(net.s1, kTcpPort);
  const Endpoint remote{kS1.ip, kTcpPort};
  h->send(remote);  // from a UDP (non-libp2p) socket: the udp box maps it
  net.run(100ms);
  BOOST_REQUIRE_EQUAL(s1->got.size(), 1u);
  BOOST_TEST(net.udp.live_mapping_count(net.kernel.now()) == 1u);
  s1->send(s1->got[0].from);  // the answer comes from remote port 4001
  net.run(100ms);
  BOOST_TEST(h->got.size() == 1u);
  BOOST_TEST(net.nat().dropped_inbound() == 0u);
}

BOOST_AUTO_TEST_CASE(hairpin_is_dropped) {
  Net net(NatConfig::full_cone());
  auto [h, s1] = net.open_host_and_s1();
  h->send(net.map_to_s1(*h, *s1));  // to its own mapping, through its own NAT
  net.run(100ms);
  BOOST_TEST(h->got.empty());
  BOOST_TEST(net.nat().dropped_hairpin() == 1u);
  BOOST_TEST(net.nat().translated_outbound() == 1u);
}

BOOST_AUTO_TEST_CASE(the_core_filter_drops_and_counts) {
  Net net(NatConfig::full_cone());
  auto [h, s1] = net.open_host_and_s1();
  auto s2 = net.open(net.s2, kS2.port);
  net.topology.set_filter([](std::uint32_t src, std::uint32_t dst) { return src == kPublicIp && dst == kS1.ip; });
  h->send(kS1);
  h->send(kS2);
  net.run(100ms);
  BOOST_TEST(s1->got.empty());
  BOOST_TEST(s2->got.size() == 1u);
  BOOST_TEST(net.topology.core()->dropped() == 1u);
  net.topology.set_filter(nullptr);
  h->send(kS1);
  net.run(100ms);
  BOOST_TEST(s1->got.size() == 1u);
}

BOOST_AUTO_TEST_CASE(rewritten_packets_carry_valid_checksums_when_checksums_are_on) {
  ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(true));
  struct Reset {
    ~Reset() { ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(false)); }
  } reset;
  Net net(NatConfig::port_restricted_cone());
  auto [h, s1] = net.open_host_and_s1();
  s1->send(net.map_to_s1(*h, *s1));  // it arrived: UdpL4Protocol drops a bad checksum
  net.run(100ms);
  BOOST_TEST(h->got.size() == 1u);
}
