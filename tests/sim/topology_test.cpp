#define BOOST_TEST_MODULE sim.topology
#include "sim/packet/topology.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <utility>

#include "tests/sim/packet_net_prelude.hpp"

namespace {

constexpr Endpoint kA{ipv4(198, 51, 100, 1), 5000};
constexpr Endpoint kB{ipv4(198, 51, 100, 2), 5000};
constexpr std::uint32_t kNatIp = ipv4(203, 0, 113, 1);
constexpr std::uint32_t kPrivateIp = ipv4(10, 0, 0, 2);
/// One 100-byte datagram on a core link: 130 B (PPP 2 + IP 20 + UDP 8) at 100 Mb/s.
constexpr Duration kSerialization = std::chrono::nanoseconds(10400);

/// Public hosts a (kA) and b (kB), `link_a` and `link_b` from the core.
struct PublicPair {
  PublicPair(CoreLinkSpec link_a, CoreLinkSpec link_b, std::int64_t first_stream = 1000)
      : topology(first_stream),
        a(topology.add_public_host("a", kA.ip, link_a)),
        b(topology.add_public_host("b", kB.ip, link_b)) {}
  UdpEnd end_at_a() { return UdpEnd(kernel, topology.node(a), kA); }
  UdpEnd end_at_b() { return UdpEnd(kernel, topology.node(b), kB); }

  Kernel kernel;  // outlives the topology
  Topology topology;
  Topology::HostIndex a, b;
};

/// A NATed host h (kPrivateIp behind kNatIp, full cone both ways, 3 ms from the core) and a
/// public host b (kB, 4 ms). Member order: the boxes outlive the topology and the kernel.
struct NattedAndPublic {
  UdpEnd end_at_h() { return UdpEnd(kernel, topology.node(h), Endpoint{kPrivateIp, 5000}); }
  UdpEnd end_at_b() { return UdpEnd(kernel, topology.node(b), kB); }

  NatBox udp{NatConfig::full_cone(), kNatIp, 1};
  NatBox tcp{NatConfig::full_cone(), kNatIp, 2};
  Kernel kernel;
  Topology topology;
  Topology::HostIndex h = topology.add_natted_host("h", kPrivateIp, kNatIp, &udp, &tcp, 4001,
                                                   CoreLinkSpec{.delay = 3ms});
  Topology::HostIndex b = topology.add_public_host("b", kB.ip, CoreLinkSpec{.delay = 4ms});
};

/// At 1 ms `from` sends one 100-byte datagram to `to`; then the kernel runs until `until`.
void send_at_1ms(Kernel& kernel, UdpEnd& from, Endpoint to, Duration until) {
  kernel.run_until(1ms);
  from.send(to);
  kernel.run_until(until);
}

/// Two public hosts a and b; `count` datagrams a -> b, 1 ms apart, with loss on a's link.
/// Returns how many arrived.
std::size_t send_with_loss(double loss, int count, std::int64_t first_stream = 1000) {
  PublicPair net(CoreLinkSpec{.delay = 5ms, .loss = loss}, CoreLinkSpec{.delay = 5ms},
                 first_stream);
  UdpEnd sender = net.end_at_a();
  UdpEnd receiver = net.end_at_b();
  for (int i = 0; i < count; ++i) net.kernel.schedule(Duration(i * 1ms), [&] { sender.send(kB); });
  net.kernel.run_until(Duration(count * 1ms) + 1s);
  BOOST_TEST(net.topology.packets_delivered() == 2 * receiver.got.size());  // core + b
  return receiver.got.size();
}

bool have(const char* tool) {
  return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(loss_one_drops_everything_loss_zero_nothing) {
  BOOST_TEST(send_with_loss(1.0, 50) == 0u);
  BOOST_TEST(send_with_loss(0.0, 50) == 50u);
}

BOOST_AUTO_TEST_CASE(loss_is_reproducible_from_the_pinned_streams) {
  const std::size_t first = send_with_loss(0.3, 400);
  BOOST_TEST(first == send_with_loss(0.3, 400));
  BOOST_TEST(first > 220u);  // about 280 of 400 arrive
  BOOST_TEST(first < 340u);
}

BOOST_AUTO_TEST_CASE(set_core_loss_applies_at_run_time) {
  PublicPair net(CoreLinkSpec{}, CoreLinkSpec{});
  UdpEnd sender = net.end_at_a();
  UdpEnd receiver = net.end_at_b();
  send_at_1ms(net.kernel, sender, kB, 10ms);
  net.topology.set_core_loss(net.a, 1.0);
  sender.send(kB);
  net.kernel.run_until(20ms);
  net.topology.set_core_loss(net.a, 0.0);
  sender.send(kB);
  net.kernel.run_until(30ms);
  BOOST_TEST(receiver.got.size() == 2u);
  BOOST_CHECK_THROW(net.topology.set_core_loss(net.a, 1.5), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(set_core_delay_changes_the_one_way_delay_exactly) {
  PublicPair net(CoreLinkSpec{.delay = 10ms}, CoreLinkSpec{.delay = 5ms});
  UdpEnd sender = net.end_at_a();
  UdpEnd receiver = net.end_at_b();
  send_at_1ms(net.kernel, sender, kB, 100ms);
  net.topology.set_core_delay(net.a, 20ms);
  sender.send(kB);
  net.kernel.run_until(200ms);
  BOOST_REQUIRE_EQUAL(receiver.got.size(), 2u);
  const auto near = [](Duration got, Duration want) {
    return got > want - 2us && got < want + 2us;
  };
  BOOST_TEST(near(receiver.got[0].at - 1ms, 15ms + 2 * kSerialization));
  BOOST_TEST(near(receiver.got[1].at - 100ms, 25ms + 2 * kSerialization));
  BOOST_CHECK_THROW(net.topology.set_core_delay(net.a, -1ms), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_natted_host_crosses_three_links) {
  NattedAndPublic net;
  BOOST_TEST(net.topology.local_ip(net.h) == kPrivateIp);
  BOOST_TEST(net.topology.local_ip(net.b) == kB.ip);
  BOOST_TEST(net.topology.nat(net.h));
  BOOST_TEST(!net.topology.nat(net.b));
  BOOST_TEST(net.topology.host_count() == 2u);
  UdpEnd sender = net.end_at_h();
  UdpEnd receiver = net.end_at_b();
  send_at_1ms(net.kernel, sender, kB, 100ms);
  BOOST_REQUIRE_EQUAL(receiver.got.size(), 1u);
  BOOST_TEST((receiver.got[0].at - 1ms).count() == (7ms + 2 * kSerialization).count());  // the LAN is free
  BOOST_TEST(net.topology.packets_delivered() == 3u);  // NAT, core, b
}

BOOST_AUTO_TEST_CASE(bad_private_addresses_are_rejected) {
  NatBox udp(NatConfig::full_cone(), kNatIp, 1);
  Kernel kernel;
  Topology topology;
  for (std::uint8_t last : {0, 1, 255}) {
    BOOST_CHECK_THROW(topology.add_natted_host("h", ipv4(10, 0, 0, last), kNatIp, &udp, nullptr, 4001, {}),
                      std::invalid_argument);
  }
  BOOST_CHECK_THROW(topology.add_natted_host("h", kPrivateIp, kNatIp, nullptr, nullptr, 4001, {}),
                    std::invalid_argument);
  topology.add_public_host("a", kA.ip, {});
  BOOST_CHECK_THROW(topology.add_public_host("again", kA.ip, {}), std::invalid_argument);
  BOOST_CHECK_THROW(topology.add_public_host("neg", kB.ip, CoreLinkSpec{.delay = -1ms}), std::invalid_argument);
  BOOST_TEST(topology.host_count() == 1u);
}

BOOST_AUTO_TEST_CASE(pcap_files_are_written_per_device) {
  const auto dir = std::filesystem::temp_directory_path() / "connsim-topology-pcap" / "nested";
  std::filesystem::remove_all(dir.parent_path());
  {
    NattedAndPublic net;
    net.topology.enable_pcap(dir.string());
    UdpEnd sender = net.end_at_h();
    UdpEnd receiver = net.end_at_b();
    send_at_1ms(net.kernel, sender, kB, 100ms);
    BOOST_TEST(receiver.got.size() == 1u);
  }  // ns-3 buffers pcap output: complete once the devices are gone
  for (const char* name : {"h-1.pcap", "h-nat-1.pcap", "h-nat-2.pcap", "b-1.pcap", "core-1.pcap", "core-2.pcap"}) {
    const auto path = dir / name;
    BOOST_TEST_INFO(path);
    BOOST_REQUIRE(std::filesystem::exists(path));
    BOOST_TEST(std::filesystem::file_size(path) > 24u);  // more than the pcap file header
  }
  const std::string file = (dir / "b-1.pcap").string();
  {  // the structure, without tools: native-order pcap, DLT_PPP, one 130-byte record
    std::ifstream in(file, std::ios::binary);
    std::uint32_t header[6] = {};
    std::uint32_t record[4] = {};
    in.read(reinterpret_cast<char*>(header), sizeof header);
    in.read(reinterpret_cast<char*>(record), sizeof record);
    BOOST_REQUIRE(in.good());
    BOOST_TEST(header[0] == 0xA1B2C3D4u);
    BOOST_TEST(header[5] == 9u);  // LINKTYPE_PPP
    BOOST_TEST(record[2] == 130u);
    BOOST_TEST(std::filesystem::file_size(file) == 24u + 16u + 130u);
  }
  if (have("tshark")) {
    BOOST_TEST(std::system(("tshark -r '" + file + "' >/dev/null 2>&1").c_str()) == 0);
  } else if (have("tcpdump")) {
    BOOST_TEST(std::system(("tcpdump -r '" + file + "' >/dev/null 2>&1").c_str()) == 0);
  } else {
    BOOST_TEST_MESSAGE("neither tshark nor tcpdump installed: pcap readability not checked");
  }
  std::filesystem::remove_all(dir.parent_path());
}

BOOST_AUTO_TEST_CASE(enable_pcap_into_an_impossible_path_throws) {
  Kernel kernel;
  Topology topology;
  topology.add_public_host("a", kA.ip, {});
  BOOST_CHECK_THROW(topology.enable_pcap("/dev/null/pcap"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(two_runs_in_one_process_both_work) {
  // The topology destroyed before its kernel, then one destroyed after its kernel.
  for (int run = 0; run < 2; ++run) {
    auto kernel = std::make_unique<Kernel>();
    auto topology = std::make_unique<Topology>();
    const auto a = topology->add_public_host("a", kA.ip, CoreLinkSpec{.delay = 1ms});
    const auto b = topology->add_public_host("b", kB.ip, CoreLinkSpec{.delay = 1ms});
    BOOST_TEST(topology->node(a)->GetId() == 1u, "run " << run);  // the core is node 0, every run
    {
      UdpEnd sender(*kernel, topology->node(a), kA);
      UdpEnd receiver(*kernel, topology->node(b), kB);
      kernel->run_until(1ms);
      sender.send(kB);
      kernel->run_until(50ms);
      BOOST_TEST(receiver.got.size() == 1u, "run " << run);
    }
    if (run == 0) {
      topology.reset();
      kernel.reset();
    } else {
      kernel.reset();
      topology.reset();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// set_hold: every packet the core forwards is held hold(src_ip, dst_ip) before it is routed on.

namespace {

/// The one-way delay a -> b (a 10 ms, b 5 ms from the core) of one 100-byte datagram sent at
/// 1 ms, with `hold` installed (none when empty); also the core's held() afterwards.
std::pair<Duration, std::uint64_t> one_way_with_hold(
    std::function<Duration(std::uint32_t, std::uint32_t)> hold) {
  PublicPair net(CoreLinkSpec{.delay = 10ms}, CoreLinkSpec{.delay = 5ms});
  if (hold) net.topology.set_hold(std::move(hold));
  UdpEnd sender = net.end_at_a();
  UdpEnd receiver = net.end_at_b();
  send_at_1ms(net.kernel, sender, kB, 200ms);
  BOOST_REQUIRE_EQUAL(receiver.got.size(), 1u);
  return {receiver.got[0].at - 1ms, net.topology.core()->held()};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_hold_adds_exactly_its_duration_to_the_one_way_delay) {
  const auto [plain, plain_held] = one_way_with_hold(nullptr);
  BOOST_TEST(plain.count() == (15ms + 2 * kSerialization).count());
  BOOST_TEST(plain_held == 0u);
  const auto [held, held_count] = one_way_with_hold([](std::uint32_t, std::uint32_t) -> Duration { return 7ms; });
  BOOST_TEST(held.count() == (15ms + 7ms + 2 * kSerialization).count());
  BOOST_TEST(held_count == 1u);
  // A zero hold is no hold: not delayed by a nanosecond, not counted.
  const auto [zero, zero_count] = one_way_with_hold([](std::uint32_t, std::uint32_t) { return Duration::zero(); });
  BOOST_TEST(zero.count() == plain.count());
  BOOST_TEST(zero_count == 0u);
}

// The hold sees the addresses on the wire at the core: the NAT's public address for the NATed
// host, both ways; the datagram still arrives from the NAT's mapping.
BOOST_AUTO_TEST_CASE(the_hold_sees_the_real_source_and_destination) {
  NattedAndPublic net;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> calls;
  net.topology.set_hold([&calls](std::uint32_t src, std::uint32_t dst) {
    calls.emplace_back(src, dst);
    return src == kNatIp ? 2ms : 5ms;
  });
  UdpEnd host = net.end_at_h();
  UdpEnd peer = net.end_at_b();
  send_at_1ms(net.kernel, host, kB, 100ms);
  BOOST_REQUIRE_EQUAL(peer.got.size(), 1u);
  BOOST_TEST(peer.got[0].from.ip == kNatIp);
  BOOST_TEST((peer.got[0].at - 1ms).count() == (7ms + 2ms + 2 * kSerialization).count());
  peer.send(peer.got[0].from);  // back to the mapping (full cone admits it)
  net.kernel.run_until(200ms);
  BOOST_REQUIRE_EQUAL(host.got.size(), 1u);
  BOOST_TEST((host.got[0].at - 100ms).count() == (7ms + 5ms + 2 * kSerialization).count());
  BOOST_REQUIRE_EQUAL(calls.size(), 2u);
  BOOST_TEST(calls[0].first == kNatIp);
  BOOST_TEST(calls[0].second == kB.ip);
  BOOST_TEST(calls[1].first == kB.ip);
  BOOST_TEST(calls[1].second == kNatIp);
  BOOST_TEST(net.topology.core()->held() == 2u);
}

// A hold drawn per packet reorders: the first datagram held 10 ms, the second (1 ms later) not
// at all, so the second arrives first, each at its exact time.
BOOST_AUTO_TEST_CASE(a_per_packet_hold_can_reorder) {
  PublicPair net(CoreLinkSpec{.delay = 2ms}, CoreLinkSpec{.delay = 3ms});
  int calls = 0;
  net.topology.set_hold(
      [&calls](std::uint32_t, std::uint32_t) { return calls++ == 0 ? 10ms : Duration::zero(); });
  UdpEnd sender = net.end_at_a();
  UdpEnd receiver = net.end_at_b();
  net.kernel.schedule(1ms, [&] { sender.send(kB, 100); });
  net.kernel.schedule(2ms, [&] { sender.send(kB, 200); });
  net.kernel.run_until(100ms);
  BOOST_REQUIRE_EQUAL(receiver.got.size(), 2u);
  BOOST_TEST(calls == 2);
  BOOST_TEST(receiver.got[0].size == 200u);  // the second, unheld
  BOOST_TEST(receiver.got[1].size == 100u);
  constexpr Duration kSerialization200 = std::chrono::nanoseconds(18400);  // 230 B at 100 Mb/s
  BOOST_TEST((receiver.got[0].at - 2ms).count() == (5ms + 2 * kSerialization200).count());
  BOOST_TEST((receiver.got[1].at - 1ms).count() == (5ms + 10ms + 2 * kSerialization).count());
  BOOST_TEST(net.topology.core()->held() == 1u);
}

BOOST_AUTO_TEST_CASE(held_counts_the_held_packets) {
  PublicPair net(CoreLinkSpec{.delay = 1ms}, CoreLinkSpec{.delay = 1ms});
  // Held a -> b only.
  net.topology.set_hold(
      [](std::uint32_t src, std::uint32_t) { return src == kA.ip ? 3ms : Duration::zero(); });
  UdpEnd end_a = net.end_at_a();
  UdpEnd end_b = net.end_at_b();
  for (int i = 0; i < 5; ++i) net.kernel.schedule(Duration(1ms * (i + 1)), [&] { end_a.send(kB); });
  for (int i = 0; i < 4; ++i) net.kernel.schedule(Duration(1ms * (i + 1)), [&] { end_b.send(kA); });
  net.kernel.run_until(100ms);
  BOOST_TEST(end_b.got.size() == 5u);
  BOOST_TEST(end_a.got.size() == 4u);
  BOOST_TEST(net.topology.core()->held() == 5u);
  BOOST_TEST(net.topology.core()->dropped() == 0u);
}

// A partitioned packet is dropped before the hold is consulted: the hold never sees it, holds
// nothing, and the packet never arrives (not even late); the other direction is held.
BOOST_AUTO_TEST_CASE(filtered_packets_are_dropped_before_any_hold) {
  PublicPair net(CoreLinkSpec{.delay = 1ms}, CoreLinkSpec{.delay = 1ms});
  net.topology.set_filter(
      [](std::uint32_t src, std::uint32_t dst) { return src == kA.ip && dst == kB.ip; });
  std::vector<std::pair<std::uint32_t, std::uint32_t>> calls;
  net.topology.set_hold([&calls](std::uint32_t src, std::uint32_t dst) {
    calls.emplace_back(src, dst);
    return 4ms;
  });
  UdpEnd end_a = net.end_at_a();
  UdpEnd end_b = net.end_at_b();
  net.kernel.run_until(1ms);
  end_a.send(kB);
  end_a.send(kB);
  end_b.send(kA);
  net.kernel.run_until(1s);
  BOOST_TEST(end_b.got.empty());
  BOOST_REQUIRE_EQUAL(end_a.got.size(), 1u);
  BOOST_TEST((end_a.got[0].at - 1ms).count() == (2ms + 4ms + 2 * kSerialization).count());
  BOOST_REQUIRE_EQUAL(calls.size(), 1u);
  BOOST_TEST(calls[0].first == kB.ip);
  BOOST_TEST(calls[0].second == kA.ip);
  BOOST_TEST(net.topology.core()->dropped() == 2u);
  BOOST_TEST(net.topology.core()->held() == 1u);
}
