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
//
// Timeline of an attempt started at t0:
// - t0: each side binds a UDP socket on local_ip, ephemeral port, and sends a STUN binding
//   request to its stun_server; it retransmits it (same transaction id) every check_interval
//   until answered, while the retransmission is before t0 + failed_timeout. The host candidate
//   is the socket's endpoint, the srflx the response's XOR-MAPPED-ADDRESS.
// - When both sides have gathered (tg), the lists cross, and each side ticks (sends checks)
//   from max(t0 + start_delay, tg), then every check_interval while before t0 + failed_timeout.
//   A side answers checks once it ticks (t0 + start_delay reached); earlier ones are dropped,
//   as in run_ice.
// - A check is answered at once from the receiving socket to the check's observed source, with
//   that source in XOR-MAPPED-ADDRESS; a response counts when its transaction id is one of the
//   side's checks and its source is that check's destination (symmetric).
// - Connected when both sides have a succeeded pair; failed at t0 + failed_timeout (an event
//   at that very instant is too late, as in run_ice).
// Transaction ids come from a generator seeded by t0, the node ids and the bound ports:
// deterministic for a given run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <ns3/node.h>
#include <ns3/ptr.h>
#include <ns3/socket.h>

#include "sim/ice.hpp"
#include "sim/nat.hpp"

namespace connsim::sim::packet {

/// Answers STUN binding requests on `port` of `node` with the request's source in an
/// XOR-MAPPED-ADDRESS, from the same socket; anything else is ignored. Lives as long as the
/// node (the socket is the node's). Throws std::invalid_argument when the node has no
/// internet stack or the port cannot be bound.
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
  /// (its receive callback is cleared and datagrams queued in it are dropped: the caller
  /// installs its own callback, which must ignore STUN stragglers, checks and responses still
  /// in flight at the hand-off); null on failure (closed).
  ns3::Ptr<ns3::Socket> a_socket;
  ns3::Ptr<ns3::Socket> b_socket;
  Endpoint a_local;  // each socket's own (local, pre-NAT) endpoint, success or failure
  Endpoint b_local;
};

/// Starts one attempt at the current simulation time. `done` is called exactly once, from an
/// ns-3 event at the moment the attempt connected or failed, never from within this call; it
/// is not called if the simulator is destroyed first (the attempt is then freed with the
/// simulator's pending events, `done` included). Throws std::invalid_argument on bad
/// preconditions, before anything is sent: a null node or one without the internet stack,
/// both sides on one node, a zero local_ip or stun_server, a negative start_delay or
/// failed_timeout, a non-positive check_interval, an empty `done`, or a socket that cannot be
/// bound. Bad or foreign packets arriving on an agent's socket are ignored.
void start_packet_ice(const PacketIceSide& a, const PacketIceSide& b, const IceConfig& config,
                      std::function<void(PacketIceResult)> done);

class IceAttempt;

/// An attempt in two steps, as a browser runs it: gathering starts when the offer is created
/// (prepare_packet_ice: both sides bind and send their STUN requests now), the checks when the
/// remote description is in (begin). t0 is the moment of begin: failed_timeout, elapsed and
/// start_delay count from there, so a gathering that finished during the signalling costs the
/// attempt nothing. Gathering retransmits until begin + failed_timeout. An attempt never begun
/// closes its sockets when its handle is destroyed, or failed_timeout after prepare.
class PreparedIce {
 public:
  explicit PreparedIce(std::shared_ptr<IceAttempt> attempt);
  ~PreparedIce();
  PreparedIce(const PreparedIce&) = delete;
  PreparedIce& operator=(const PreparedIce&) = delete;

  /// Starts the checks now; `done` as for start_packet_ice. At most once; throws
  /// std::logic_error on a second call, std::invalid_argument for an empty `done`.
  void begin(std::function<void(PacketIceResult)> done);

 private:
  std::shared_ptr<IceAttempt> attempt_;
  bool begun_ = false;
};

/// Validates as start_packet_ice (minus `done`), binds both sockets and starts gathering.
std::unique_ptr<PreparedIce> prepare_packet_ice(const PacketIceSide& a, const PacketIceSide& b,
                                                const IceConfig& config);

}  // namespace connsim::sim::packet
