// Topology: the ns-3 network of one packet-backend run. Every host (wallet, relay, bootstrap,
// STUN server) is an ns-3 node with the internet stack; a single core router joins them. A
// public host has one point-to-point link to the core and its public address on that link. A
// NATed host sits on its own LAN (a point-to-point link to its NAT node, the private address
// on the host side); the NAT node's WAN link goes to the core and carries the NAT's public
// address. Routing is static (host routes on the core, default routes everywhere else); the
// NAT node runs NatRouting, the core FilteringRouting (the world's partitions).
//
// Delays and loss: each core link has a propagation delay (the host's share of the one-way
// delay, set by the caller) and a loss rate applied at the core's receiving device, so a
// packet crossing the core (every host-to-host packet does, exactly once) is lost with that
// rate; LAN links have no delay, no loss and no serialization time. Loss draws come
// from ns-3 random streams assigned from `first_stream` upward, one per host in the order the
// hosts are added (pinned: equal inputs give equal losses). Device queues are large (100000
// packets), so the modelled loss is the only loss. The core's own interface addresses are in
// 169.254.0.0/16, which therefore is not a valid public address.
//
// Built per run, after the run's Kernel exists, and torn down with the ns-3 simulator
// (Simulator::Destroy disposes the nodes); the Topology may be destroyed before or after the
// Kernel. Neither the Ipv4 address generator nor global routing is used, so consecutive runs in
// one process are independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <ns3/data-rate.h>
#include <ns3/node.h>
#include <ns3/ptr.h>

#include "sim/nat.hpp"
#include "store/clock.hpp"

namespace connsim::sim::packet {

using store::Duration;

class NatRouting;
class FilteringRouting;

struct CoreLinkSpec {
  Duration delay = Duration::zero();          // propagation, one way, host <-> core
  double loss = 0.0;                          // per packet arriving at the core from this host
  std::uint64_t bits_per_second = 100'000'000;
};

class Topology {
 public:
  using HostIndex = std::size_t;

  /// `first_stream`: the first ns-3 random stream number for the loss models.
  explicit Topology(std::int64_t first_stream = 1000);
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  /// A host with a public address on its core link.
  HostIndex add_public_host(const std::string& name, std::uint32_t public_ip, const CoreLinkSpec& link);
  /// A host behind its own NAT node. `private_ip` is on a /24 LAN whose .1 is the NAT's LAN
  /// address (so private_ip must end in neither .0, .1 nor .255); `public_ip` is the NAT's WAN
  /// address. `udp` and `tcp` are the NAT's tables (see NatRouting) and must outlive the
  /// topology (`tcp` may be null: then every flow uses `udp`); `tcp_port` is the libp2p port.
  /// Throws std::invalid_argument for a bad private address, a null `udp`, a public address
  /// used twice or in 169.254/16, or a bad link spec (negative delay, loss outside [0, 1]).
  HostIndex add_natted_host(const std::string& name, std::uint32_t private_ip, std::uint32_t public_ip,
                            NatBox* udp, NatBox* tcp, std::uint16_t tcp_port, const CoreLinkSpec& link);

  /// The host's node (where its sockets live) and the address its sockets bind to (the
  /// private address behind a NAT, else the public one).
  ns3::Ptr<ns3::Node> node(HostIndex host) const;
  std::uint32_t local_ip(HostIndex host) const;
  /// The NAT node's routing, or null for a public host.
  ns3::Ptr<NatRouting> nat(HostIndex host) const;
  ns3::Ptr<FilteringRouting> core() const;

  /// Changes a host's core link at run time: the channel's delay (both directions; packets
  /// already on the wire keep theirs) and the loss at the core side. Throws
  /// std::invalid_argument for a negative delay or a loss outside [0, 1].
  void set_core_delay(HostIndex host, Duration delay);
  void set_core_loss(HostIndex host, double loss);
  /// Drops every packet the core forwards for which `blocked(src_ip, dst_ip)` is true.
  void set_filter(std::function<bool(std::uint32_t src_ip, std::uint32_t dst_ip)> blocked);
  /// Holds every packet the core forwards for `hold(src_ip, dst_ip)` (FilteringRouting::set_hold).
  void set_hold(std::function<Duration(std::uint32_t src_ip, std::uint32_t dst_ip)> hold);

  /// Writes one pcap (DLT_PPP) per point-to-point device into `directory` (created if
  /// missing), named "<host name>-<device index>.pcap" for hosts, "<host name>-nat-<i>.pcap"
  /// for NAT nodes and "core-<i>.pcap" for the core, where the index is the ns-3 device index
  /// on that node (0 is the loopback, so host links are 1; a NAT's LAN is 1, its WAN 2). Call
  /// after the hosts are added, before the run. ns-3 buffers the files: they are complete once
  /// both the Topology and the Kernel are gone. Throws std::runtime_error when the directory
  /// cannot be created or a file cannot be written.
  void enable_pcap(const std::string& directory);

  /// Packets received by every node's devices (for --stats: packets per wall-second): each
  /// link a packet crosses counts once; packets lost on a link do not count.
  std::uint64_t packets_delivered() const;
  std::size_t host_count() const;

 private:
  struct Host;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace connsim::sim::packet
