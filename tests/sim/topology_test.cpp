#define BOOST_TEST_MODULE sim.topology
#include "sim/packet/topology.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include <ns3/inet-socket-address.h>
#include <ns3/packet.h>
#include <ns3/socket.h>
#include <ns3/udp-socket-factory.h>

#include "sim/kernel.hpp"
#include "sim/packet/nat_routing.hpp"

using namespace std::chrono_literals;
using connsim::sim::Duration;
using connsim::sim::Endpoint;
using connsim::sim::ipv4;
using connsim::sim::Kernel;
using connsim::sim::NatBox;
using connsim::sim::NatConfig;
using connsim::sim::packet::CoreLinkSpec;
using connsim::sim::packet::Topology;

namespace {

constexpr Endpoint kA{ipv4(198, 51, 100, 1), 5000};
constexpr Endpoint kB{ipv4(198, 51, 100, 2), 5000};
constexpr std::uint32_t kNatIp = ipv4(203, 0, 113, 1);
constexpr std::uint32_t kPrivateIp = ipv4(10, 0, 0, 2);
/// One 100-byte datagram on a core link: 130 B (PPP 2 + IP 20 + UDP 8) at 100 Mb/s.
constexpr Duration kSerialization = std::chrono::nanoseconds(10400);

/// A UDP socket that records arrival times.
class UdpEnd {
 public:
  UdpEnd(Kernel& kernel, ns3::Ptr<ns3::Node> node, Endpoint bind) : kernel_(kernel) {
    socket_ = ns3::Socket::CreateSocket(node, ns3::UdpSocketFactory::GetTypeId());
    BOOST_REQUIRE(socket_->Bind(ns3::InetSocketAddress(ns3::Ipv4Address(bind.ip), bind.port)) == 0);
    socket_->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>([this](ns3::Ptr<ns3::Socket> s) {
      while (s->Recv()) arrivals.push_back(kernel_.now());
    }));
  }
  ~UdpEnd() { socket_->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>()); }
  UdpEnd(const UdpEnd&) = delete;
  UdpEnd& operator=(const UdpEnd&) = delete;
  void send(Endpoint to) {
    socket_->SendTo(ns3::Create<ns3::Packet>(100), 0, ns3::InetSocketAddress(ns3::Ipv4Address(to.ip), to.port));
  }
  std::vector<Duration> arrivals;

 private:
  Kernel& kernel_;
  ns3::Ptr<ns3::Socket> socket_;
};

/// Two public hosts a and b; `count` datagrams a -> b, 1 ms apart, with loss on a's link.
/// Returns how many arrived.
std::size_t send_with_loss(double loss, int count, std::int64_t first_stream = 1000) {
  Kernel kernel;
  Topology topology(first_stream);
  const auto a = topology.add_public_host("a", kA.ip, CoreLinkSpec{.delay = 5ms, .loss = loss});
  const auto b = topology.add_public_host("b", kB.ip, CoreLinkSpec{.delay = 5ms});
  UdpEnd sender(kernel, topology.node(a), kA);
  UdpEnd receiver(kernel, topology.node(b), kB);
  for (int i = 0; i < count; ++i) kernel.schedule(Duration(i * 1ms), [&] { sender.send(kB); });
  kernel.run_until(Duration(count * 1ms) + 1s);
  BOOST_TEST(topology.packets_delivered() == 2 * receiver.arrivals.size());  // core + b
  return receiver.arrivals.size();
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
  Kernel kernel;
  Topology topology;
  const auto a = topology.add_public_host("a", kA.ip, CoreLinkSpec{});
  const auto b = topology.add_public_host("b", kB.ip, CoreLinkSpec{});
  UdpEnd sender(kernel, topology.node(a), kA);
  UdpEnd receiver(kernel, topology.node(b), kB);
  kernel.run_until(1ms);
  sender.send(kB);
  kernel.run_until(10ms);
  topology.set_core_loss(a, 1.0);
  sender.send(kB);
  kernel.run_until(20ms);
  topology.set_core_loss(a, 0.0);
  sender.send(kB);
  kernel.run_until(30ms);
  BOOST_TEST(receiver.arrivals.size() == 2u);
  BOOST_CHECK_THROW(topology.set_core_loss(a, 1.5), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(set_core_delay_changes_the_one_way_delay_exactly) {
  Kernel kernel;
  Topology topology;
  const auto a = topology.add_public_host("a", kA.ip, CoreLinkSpec{.delay = 10ms});
  const auto b = topology.add_public_host("b", kB.ip, CoreLinkSpec{.delay = 5ms});
  UdpEnd sender(kernel, topology.node(a), kA);
  UdpEnd receiver(kernel, topology.node(b), kB);
  kernel.run_until(1ms);
  sender.send(kB);
  kernel.run_until(100ms);
  topology.set_core_delay(a, 20ms);
  sender.send(kB);
  kernel.run_until(200ms);
  BOOST_REQUIRE_EQUAL(receiver.arrivals.size(), 2u);
  const auto near = [](Duration got, Duration want) {
    return got > want - 2us && got < want + 2us;
  };
  BOOST_TEST(near(receiver.arrivals[0] - 1ms, 15ms + 2 * kSerialization));
  BOOST_TEST(near(receiver.arrivals[1] - 100ms, 25ms + 2 * kSerialization));
  BOOST_CHECK_THROW(topology.set_core_delay(a, -1ms), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_natted_host_crosses_three_links) {
  NatBox udp(NatConfig::full_cone(), kNatIp, 1), tcp(NatConfig::full_cone(), kNatIp, 2);
  Kernel kernel;
  Topology topology;
  const auto h = topology.add_natted_host("h", kPrivateIp, kNatIp, &udp, &tcp, 4001, CoreLinkSpec{.delay = 3ms});
  const auto b = topology.add_public_host("b", kB.ip, CoreLinkSpec{.delay = 4ms});
  BOOST_TEST(topology.local_ip(h) == kPrivateIp);
  BOOST_TEST(topology.local_ip(b) == kB.ip);
  BOOST_TEST(topology.nat(h));
  BOOST_TEST(!topology.nat(b));
  BOOST_TEST(topology.host_count() == 2u);
  UdpEnd sender(kernel, topology.node(h), Endpoint{kPrivateIp, 5000});
  UdpEnd receiver(kernel, topology.node(b), kB);
  kernel.run_until(1ms);
  sender.send(kB);
  kernel.run_until(100ms);
  BOOST_REQUIRE_EQUAL(receiver.arrivals.size(), 1u);
  BOOST_TEST((receiver.arrivals[0] - 1ms).count() == (7ms + 2 * kSerialization).count());  // the LAN is free
  BOOST_TEST(topology.packets_delivered() == 3u);  // NAT, core, b
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
    NatBox udp(NatConfig::full_cone(), kNatIp, 1), tcp(NatConfig::full_cone(), kNatIp, 2);
    Kernel kernel;
    Topology topology;
    const auto h = topology.add_natted_host("h", kPrivateIp, kNatIp, &udp, &tcp, 4001, CoreLinkSpec{.delay = 3ms});
    const auto b = topology.add_public_host("b", kB.ip, CoreLinkSpec{.delay = 4ms});
    topology.enable_pcap(dir.string());
    UdpEnd sender(kernel, topology.node(h), Endpoint{kPrivateIp, 5000});
    UdpEnd receiver(kernel, topology.node(b), kB);
    kernel.run_until(1ms);
    sender.send(kB);
    kernel.run_until(100ms);
    BOOST_TEST(receiver.arrivals.size() == 1u);
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
      BOOST_TEST(receiver.arrivals.size() == 1u, "run " << run);
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
