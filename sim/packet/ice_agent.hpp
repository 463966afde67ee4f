// ICE over real packets: the packet backend's WebRTC hole punch. Two agents on their hosts'
// nodes gather a server-reflexive candidate with a real STUN binding request (RFC 5389 wire
// format, XOR-MAPPED-ADDRESS) to a STUN server node, then send connectivity checks as STUN
// binding requests through the NAT nodes, by exactly the rules of the message-level model
// (sim/ice.hpp): check_interval pacing, max_checks_per_pair periodic checks per pair,
// triggered checks to peer-reflexive sources, symmetric responses only, connected when each
// side has a succeeded pair, failed at failed_timeout after the start. Wireshark decodes the
// packets as STUN.
//
// Differences from run_ice, by construction: gathering takes one STUN round trip before the
// first check (run_ice gathers at no cost); each attempt binds fresh ephemeral sockets (a
// browser's RTCPeerConnection does too; run_ice reuses one socket per host). Candidate
// exchange is instantaneous (the caller times the signalling, as in the message model).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <ns3/node.h>
#include <ns3/ptr.h>
#include <ns3/socket.h>

#include "sim/ice.hpp"
#include "sim/nat.hpp"

namespace connsim::sim::packet {

/// Answers STUN binding requests on `port` of `node` with the request's source in an
/// XOR-MAPPED-ADDRESS. Lives as long as the node (the socket is the node's).
void install_stun_server(ns3::Ptr<ns3::Node> node, std::uint16_t port);

/// One side of an attempt.
struct PacketIceSide {
  ns3::Ptr<ns3::Node> node;
  std::uint32_t local_ip = 0;     // the address the agent's socket binds to (private behind a NAT)
  Endpoint stun_server;           // a public STUN server reachable from this host
  Duration start_delay = Duration::zero();  // checks start this long after the attempt's start
};

struct PacketIceResult {
  IceOutcome outcome;  // as run_ice's; elapsed counts from the attempt's start
  /// On success, each side's socket, left open for the connection's data and keepalives
  /// (its receive callback is cleared: the caller installs its own); null on failure (closed).
  ns3::Ptr<ns3::Socket> a_socket;
  ns3::Ptr<ns3::Socket> b_socket;
  Endpoint a_local;  // each socket's own (local, pre-NAT) endpoint
  Endpoint b_local;
};

/// Starts one attempt at the current simulation time. `done` is called exactly once, from an
/// ns-3 event at the moment the attempt connected or failed. Throws std::invalid_argument on
/// bad preconditions (as run_ice). Bad or foreign packets arriving on an agent's socket are
/// ignored.
void start_packet_ice(const PacketIceSide& a, const PacketIceSide& b, const IceConfig& config,
                      std::function<void(PacketIceResult)> done);

}  // namespace connsim::sim::packet
