#include "sim/packet/topology.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include <ns3/error-model.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-routing-helper.h>
#include <ns3/ipv4.h>
#include <ns3/nstime.h>
#include <ns3/point-to-point-channel.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/queue-size.h>

#include "sim/packet/nat_routing.hpp"

namespace connsim::sim::packet {

namespace {

/// The core's own address on its link to host k: 169.254.0.0/16 (link-local, never a host's
/// address), /32 on each core interface.
constexpr std::uint32_t kCoreLinkBase = 0xA9FE0000u;  // 169.254.0.0
/// LAN links are instantaneous: no delay, and serialization rounds to 0 ns (1 Pb/s).
constexpr std::uint64_t kLanBitsPerSecond = 1'000'000'000'000'000;
/// Device queues large enough that only the modelled loss drops packets.
constexpr const char* kQueueSize = "100000p";

/// Installs a routing protocol made by a function (so each node gets its own, preconfigured).
class RoutingFactory : public ns3::Ipv4RoutingHelper {
 public:
  explicit RoutingFactory(std::function<ns3::Ptr<ns3::Ipv4RoutingProtocol>()> make) : make_(std::move(make)) {}
  RoutingFactory* Copy() const override { return new RoutingFactory(*this); }
  ns3::Ptr<ns3::Ipv4RoutingProtocol> Create(ns3::Ptr<ns3::Node>) const override { return make_(); }

 private:
  std::function<ns3::Ptr<ns3::Ipv4RoutingProtocol>()> make_;
};

void install_stack(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::Ipv4RoutingProtocol> routing) {
  ns3::InternetStackHelper stack;
  stack.SetIpv6StackInstall(false);
  stack.SetRoutingHelper(RoutingFactory([routing] { return routing; }));
  stack.Install(node);
}

/// Adds `device` as an up IPv4 interface with `ip`/`prefix`; returns the interface index.
std::uint32_t add_interface(ns3::Ptr<ns3::NetDevice> device, std::uint32_t ip, const char* mask) {
  ns3::Ptr<ns3::Ipv4> ipv4 = device->GetNode()->GetObject<ns3::Ipv4>();
  const std::uint32_t interface = static_cast<std::uint32_t>(ipv4->AddInterface(device));
  ipv4->AddAddress(interface, ns3::Ipv4InterfaceAddress(ns3::Ipv4Address(ip), ns3::Ipv4Mask(mask)));
  ipv4->SetUp(interface);
  return interface;
}

ns3::Ptr<ns3::Ipv4StaticRouting> plain_static() { return ns3::CreateObject<ns3::Ipv4StaticRouting>(); }

ns3::Time to_time(Duration d) { return ns3::NanoSeconds(d.count()); }

void check_link(const CoreLinkSpec& link) {
  if (link.delay < Duration::zero()) throw std::invalid_argument("Topology: negative core delay");
  if (!(link.loss >= 0.0 && link.loss <= 1.0)) throw std::invalid_argument("Topology: loss outside [0, 1]");
  if (link.bits_per_second == 0) throw std::invalid_argument("Topology: zero core data rate");
}

}  // namespace

struct Topology::Host {
  std::string name;
  ns3::Ptr<ns3::Node> node;      // where the host's sockets live
  ns3::Ptr<ns3::Node> nat_node;  // null for a public host
  ns3::Ptr<NatRouting> nat;
  std::uint32_t local_ip = 0;
  ns3::Ptr<ns3::PointToPointChannel> core_channel;
  ns3::Ptr<ns3::RateErrorModel> loss;  // on the core's device of the core link
};

struct Topology::Impl {
  std::int64_t next_stream;
  ns3::Ptr<ns3::Node> core;
  ns3::Ptr<FilteringRouting> core_routing;
  std::vector<Host> hosts;
  std::set<std::uint32_t> public_ips;
  /// Shared with the trace sinks, which live as long as the devices (possibly past *this).
  std::shared_ptr<std::uint64_t> delivered = std::make_shared<std::uint64_t>(0);

  void count_receptions(ns3::Ptr<ns3::NetDevice> device) {
    auto counter = delivered;
    device->TraceConnectWithoutContext(
        "MacRx", ns3::Callback<void, ns3::Ptr<const ns3::Packet>>(
                     [counter](ns3::Ptr<const ns3::Packet>) { ++*counter; }));
  }

  ns3::NetDeviceContainer link(ns3::Ptr<ns3::Node> a, ns3::Ptr<ns3::Node> b, std::uint64_t bps, Duration delay) {
    ns3::PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", ns3::DataRateValue(ns3::DataRate(bps)));
    p2p.SetChannelAttribute("Delay", ns3::TimeValue(to_time(delay)));
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", ns3::QueueSizeValue(ns3::QueueSize(kQueueSize)));
    ns3::NetDeviceContainer devices = p2p.Install(a, b);
    count_receptions(devices.Get(0));
    count_receptions(devices.Get(1));
    return devices;
  }

  /// Links `edge` (a host, or a NAT's WAN side) to the core with `public_ip` on the edge side:
  /// a host route on the core, a default route on the edge. Returns the edge's interface.
  std::uint32_t attach_to_core(Host& host, ns3::Ptr<ns3::Node> edge, std::uint32_t public_ip,
                               const CoreLinkSpec& link, ns3::Ptr<ns3::Ipv4StaticRouting> edge_routing) {
    ns3::NetDeviceContainer devices = this->link(edge, core, link.bits_per_second, link.delay);
    const std::uint32_t core_ip = kCoreLinkBase + static_cast<std::uint32_t>(hosts.size()) + 1;
    const std::uint32_t edge_if = add_interface(devices.Get(0), public_ip, "255.255.255.255");
    const std::uint32_t core_if = add_interface(devices.Get(1), core_ip, "255.255.255.255");
    core_routing->add_host_route(public_ip, core_if);
    edge_routing->SetDefaultRoute(ns3::Ipv4Address(core_ip), edge_if);

    host.core_channel = ns3::DynamicCast<ns3::PointToPointChannel>(devices.Get(0)->GetChannel());
    host.loss = ns3::CreateObject<ns3::RateErrorModel>();
    host.loss->SetUnit(ns3::RateErrorModel::ERROR_UNIT_PACKET);
    host.loss->SetRate(link.loss);
    host.loss->AssignStreams(next_stream++);
    ns3::DynamicCast<ns3::PointToPointNetDevice>(devices.Get(1))->SetReceiveErrorModel(host.loss);
    return edge_if;
  }

  void claim_public_ip(std::uint32_t ip) {
    if ((ip & 0xFFFF0000u) == kCoreLinkBase) throw std::invalid_argument("Topology: 169.254/16 is the core's");
    if (!public_ips.insert(ip).second) throw std::invalid_argument("Topology: public address used twice");
  }

  const Host& at(HostIndex host) const {
    if (host >= hosts.size()) throw std::out_of_range("Topology: no such host");
    return hosts[host];
  }
};

Topology::Topology(std::int64_t first_stream) : impl_(std::make_unique<Impl>()) {
  impl_->next_stream = first_stream;
  impl_->core = ns3::CreateObject<ns3::Node>();
  impl_->core_routing = ns3::CreateObject<FilteringRouting>();
  install_stack(impl_->core, impl_->core_routing);
}

Topology::~Topology() = default;

Topology::HostIndex Topology::add_public_host(const std::string& name, std::uint32_t public_ip,
                                              const CoreLinkSpec& link) {
  check_link(link);
  impl_->claim_public_ip(public_ip);
  Host host{.name = name, .node = ns3::CreateObject<ns3::Node>(), .local_ip = public_ip};
  auto routing = plain_static();
  install_stack(host.node, routing);
  impl_->attach_to_core(host, host.node, public_ip, link, routing);
  impl_->hosts.push_back(std::move(host));
  return impl_->hosts.size() - 1;
}

Topology::HostIndex Topology::add_natted_host(const std::string& name, std::uint32_t private_ip,
                                              std::uint32_t public_ip, NatBox* udp, NatBox* tcp,
                                              std::uint16_t tcp_port, const CoreLinkSpec& link) {
  const std::uint32_t last = private_ip & 0xFFu;
  if (last == 0 || last == 1 || last == 255) {
    throw std::invalid_argument("Topology: a private address must not end in .0, .1 or .255");
  }
  if (udp == nullptr) throw std::invalid_argument("Topology: a NATed host needs its udp NatBox");
  check_link(link);
  impl_->claim_public_ip(public_ip);
  const std::uint32_t nat_lan_ip = (private_ip & 0xFFFFFF00u) | 1u;

  Host host{.name = name, .node = ns3::CreateObject<ns3::Node>(), .nat_node = ns3::CreateObject<ns3::Node>(),
            .nat = ns3::CreateObject<NatRouting>(), .local_ip = private_ip};
  auto host_routing = plain_static();
  install_stack(host.node, host_routing);
  install_stack(host.nat_node, host.nat);

  ns3::NetDeviceContainer lan = impl_->link(host.node, host.nat_node, kLanBitsPerSecond, Duration::zero());
  const std::uint32_t host_if = add_interface(lan.Get(0), private_ip, "255.255.255.0");
  const std::uint32_t lan_if = add_interface(lan.Get(1), nat_lan_ip, "255.255.255.0");
  host_routing->SetDefaultRoute(ns3::Ipv4Address(nat_lan_ip), host_if);

  const std::uint32_t wan_if = impl_->attach_to_core(host, host.nat_node, public_ip, link, host.nat->static_routing());
  host.nat->configure(lan_if, wan_if, udp, tcp, tcp_port);
  impl_->hosts.push_back(std::move(host));
  return impl_->hosts.size() - 1;
}

ns3::Ptr<ns3::Node> Topology::node(HostIndex host) const { return impl_->at(host).node; }
std::uint32_t Topology::local_ip(HostIndex host) const { return impl_->at(host).local_ip; }
ns3::Ptr<NatRouting> Topology::nat(HostIndex host) const { return impl_->at(host).nat; }
ns3::Ptr<FilteringRouting> Topology::core() const { return impl_->core_routing; }

void Topology::set_core_delay(HostIndex host, Duration delay) {
  if (delay < Duration::zero()) throw std::invalid_argument("Topology: negative core delay");
  impl_->at(host).core_channel->SetAttribute("Delay", ns3::TimeValue(to_time(delay)));
}

void Topology::set_core_loss(HostIndex host, double loss) {
  if (!(loss >= 0.0 && loss <= 1.0)) throw std::invalid_argument("Topology: loss outside [0, 1]");
  impl_->at(host).loss->SetRate(loss);
}

void Topology::set_hold(std::function<Duration(std::uint32_t, std::uint32_t)> hold) {
  impl_->core_routing->set_hold(std::move(hold));
}

void Topology::set_filter(std::function<bool(std::uint32_t, std::uint32_t)> blocked) {
  impl_->core_routing->set_filter(std::move(blocked));
}

void Topology::enable_pcap(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(directory, error);
  if (error || !fs::is_directory(directory)) {
    throw std::runtime_error("enable_pcap: cannot create directory " + directory);
  }
  ns3::PointToPointHelper p2p;
  // ns-3 aborts the process when it cannot open a pcap file: open each one here first.
  auto enable = [&](ns3::Ptr<ns3::Node> node, const std::string& stem) {
    for (std::uint32_t i = 0; i < node->GetNDevices(); ++i) {
      ns3::Ptr<ns3::NetDevice> device = node->GetDevice(i);
      if (!ns3::DynamicCast<ns3::PointToPointNetDevice>(device)) continue;  // the loopback
      const std::string path = (fs::path(directory) / (stem + "-" + std::to_string(i) + ".pcap")).string();
      if (!std::ofstream(path, std::ios::binary)) throw std::runtime_error("enable_pcap: cannot write " + path);
      p2p.EnablePcap(path, device, false, true);
    }
  };
  for (const Host& host : impl_->hosts) {
    enable(host.node, host.name);
    if (host.nat_node) enable(host.nat_node, host.name + "-nat");
  }
  enable(impl_->core, "core");
}

std::uint64_t Topology::packets_delivered() const { return *impl_->delivered; }
std::size_t Topology::host_count() const { return impl_->hosts.size(); }

}  // namespace connsim::sim::packet
