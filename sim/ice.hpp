// ICE connectivity checks between two hosts through their NAT boxes, from the mechanics only:
// which NAT combinations punch through is never looked up, it follows from NatBox mapping
// and filtering.
//
// The model (one UDP socket per host, no TURN, no nomination round, no consent freshness):
// - Gathering, at the attempt's start: a host candidate (the host's own socket; a private
//   address is unroutable from the other host) and a server-reflexive candidate, the mapping
//   the host's NAT makes toward its STUN server (a public host distinct from the peer).
//   Both lists reach the peer by signalling, which is not modelled (no delay, no loss).
// - Every check_interval from its start, each host sends a check (STUN binding request) to
//   every remote candidate whose pair has not succeeded, through its own NAT (outbound), so
//   its NAT maps and permits the destination. A pair stops being checked periodically after
//   max_checks_per_pair checks.
// - A packet addressed to the peer's public IP arrives one_way_latency later at the peer's
//   NAT and is delivered only if that NAT's inbound admits it; anything else is lost.
// - A delivered check is answered at once, to the check's source, through the receiver's NAT.
//   Its source address becomes a peer-reflexive candidate of the receiver if new, and the
//   receiver's pair toward that source gets a triggered check at the receiver's next tick
//   (even past max_checks_per_pair).
// - A response counts only when it is delivered and symmetric (RFC 8445 §7.2.5.2.1: its
//   source equals the address the check was sent to); then that pair has succeeded.
// - The attempt is connected when each host has a succeeded pair; it fails when that has not
//   happened failed_timeout after its start.
// Deterministic: no randomness beyond the NAT port allocators' seeds, and the outcome's
// connected/elapsed/checks_sent do not depend on those seeds.
//
// What emerges (asserted cell by cell in tests/sim/ice_test.cpp; Y = connects, both sides
// starting together, default IceConfig):
//             EIM+EIF EIM+ADF EIM+APDF ADM+EIF ADM+ADF ADM+APDF APDM+EIF APDM+ADF APDM+APDF
//   EIM+EIF      Y       Y       Y        Y       Y       Y        Y        Y        Y
//   EIM+ADF      Y       Y       Y        Y       Y       Y        Y        Y        Y
//   EIM+APDF     Y       Y       Y        .       .       .        .        .        .
//   ADM+EIF      Y       Y       .        Y       Y       .        Y        Y        .
//   ADM+ADF      Y       Y       .        Y       .       .        Y        .        .
//   ADM+APDF     Y       Y       .        .       .       .        .        .        .
//   APDM+EIF     Y       Y       .        Y       Y       .        .        .        .
//   APDM+ADF     Y       Y       .        Y       .       .        .        .        .
//   APDM+APDF    Y       Y       .        .       .       .        .        .        .
// A public host connects with all nine. So full and restricted cones punch through to
// everything, port-restricted cones only to EIM peers, and two non-EIM mappings only when one
// side filters endpoint-independently, the other at most address-dependently, and not both
// map APDM (an APDM answer always leaves from a fresh port). The classic 5x5 matrix follows:
// all pairs but port-restricted<->symmetric and symmetric<->symmetric.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "sim/nat.hpp"
#include "store/clock.hpp"

namespace connsim::sim {

struct IceConfig {
  /// Pacing of connectivity checks (pion checkInterval, field notes §2).
  Duration check_interval = std::chrono::milliseconds(200);
  /// Time from the attempt's start until it is declared failed: pion's 5 s to
  /// `disconnected` plus 25 s more to `failed` (field notes §2).
  Duration failed_timeout = std::chrono::seconds(30);
  /// Periodic checks on one pair before it is given up (pion maxBindingRequests = 7); 0 = no
  /// limit. Triggered checks are sent regardless.
  int max_checks_per_pair = 7;
};

/// One side of an attempt, for run_ice.
struct IceHost {
  /// The host's NAT; a public host has a box with public_host set. Must be distinct from the
  /// peer's box, with a different public IP (hairpinning is not modelled).
  NatBox* nat = nullptr;
  /// The host's socket: a private address behind a NAT; for a public host an address on
  /// nat->public_ip().
  Endpoint local;
  /// The STUN server the server-reflexive candidate is gathered from: a public host whose IP
  /// is neither side's public IP.
  Endpoint stun_server;
  /// When this host starts sending checks, after the attempt's start.
  Duration start_delay = Duration::zero();
};

struct IceOutcome {
  bool connected = false;
  /// Virtual time from the attempt's start to success, or failed_timeout on failure.
  Duration elapsed = Duration::zero();
  /// Checks (binding requests) sent by both hosts, periodic and triggered; responses excluded.
  int checks_sent = 0;
  /// Human-readable account: the selected pairs, or why nothing got through.
  std::string detail;
  /// The address each host sends to on its first succeeded pair (zero unless connected).
  Endpoint a_remote;
  Endpoint b_remote;

  bool operator==(const IceOutcome&) const = default;
};

/// Runs one ICE attempt starting at virtual time `start` (NatBox times are absolute: the
/// boxes keep the mappings the attempt made). Throws std::invalid_argument when the
/// preconditions on IceHost are broken or check_interval / one_way_latency is negative or
/// check_interval is zero.
IceOutcome run_ice(const IceHost& a, const IceHost& b, Duration one_way_latency, Duration start,
                   const IceConfig& config = {});

/// A self-contained attempt: fresh NAT boxes, fixed addresses (each host behind its own NAT
/// with a private address, or public), one STUN server.
struct IceSetup {
  NatConfig a_nat;
  NatConfig b_nat;
  Duration one_way_latency = std::chrono::milliseconds(50);
  Duration a_start_delay = Duration::zero();
  Duration b_start_delay = Duration::zero();
  /// Seeds the two NAT port allocators.
  std::uint64_t seed = 0;
};

IceOutcome simulate_ice(const IceSetup& setup, const IceConfig& config = {});

}  // namespace connsim::sim
