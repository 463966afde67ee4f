#define BOOST_TEST_MODULE sim.ice
#include "sim/ice.hpp"
#include "sim/ice_candidates.hpp"

#include <array>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using namespace connsim::sim;

namespace {

IceOutcome punch(const NatConfig& a, const NatConfig& b, Duration one_way = 50ms,
               const IceConfig& config = {}) {
  return simulate_ice(IceSetup{.a_nat = a, .b_nat = b, .one_way_latency = one_way}, config);
}

NatConfig classic(std::string_view name) {
  return *connsim::sim::parse_nat_config(name);
}

/// The nine mapping x filtering combinations, mapping-major: EIM+EIF, EIM+ADF, EIM+APDF,
/// ADM+EIF, ..., APDM+APDF.
std::vector<NatConfig> all_combinations() {
  std::vector<NatConfig> out;
  for (NatBehaviour m : connsim::sim::all_nat_behaviours) {
    for (NatBehaviour f : connsim::sim::all_nat_behaviours) out.push_back(NatConfig::of(m, f));
  }
  return out;
}

long long ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

// The classic matrix (field notes §2), every cell: everything punches through except
// port-restricted <-> symmetric and symmetric <-> symmetric.
BOOST_AUTO_TEST_CASE(classic_hole_punch_matrix) {
  // Rows A, columns B, in kClassicNats order: none, full, restricted, port-restricted,
  // symmetric.
  constexpr std::array<std::array<bool, 5>, 5> connects = {{
      {true, true, true, true, true},
      {true, true, true, true, true},
      {true, true, true, true, true},
      {true, true, true, true, false},
      {true, true, true, false, false},
  }};
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = 0; j < 5; ++j) {
      const auto a = connsim::sim::kClassicNats[i].text;
      const auto b = connsim::sim::kClassicNats[j].text;
      BOOST_TEST_CONTEXT(a << " <-> " << b) {
        const IceOutcome outcome = punch(classic(a), classic(b));
        BOOST_TEST(outcome.connected == connects[i][j], outcome.detail);
        if (outcome.connected) {
          // Within one check interval plus one round trip.
          BOOST_TEST(ms(outcome.elapsed) <= 200 + 100);
          BOOST_TEST(outcome.detail.starts_with("connected"));
        } else {
          BOOST_TEST(ms(outcome.elapsed) == 30'000);
          BOOST_TEST(outcome.detail.starts_with("failed"));
        }
      }
    }
  }
}

// The full RFC 4787 table as it emerges from the mechanics (one-way latency 50 ms, both sides
// starting together): connect time in ms, or "-" for failure after failed_timeout.
// Rows are A, columns B, both in all_combinations() order. The pattern:
// - EIM with EIF or ADF (full and restricted cone) connects with everything: the peer's
//   check to its srflx is admitted once it has sent to the peer's IP, and its EIM response
//   comes from that same srflx, so it is symmetric.
// - EIM+APDF (port-restricted cone) connects only with EIM peers: a non-EIM peer checks
//   from a port the cone never sent to.
// - Between two non-EIM mappings the srflx (mapped toward the STUN server) is useless, so
//   the only way in is a peer-reflexive chase: it works when one side filters
//   endpoint-independently, the other at most address-dependently, and not both are APDM
//   (an APDM answer always leaves from a fresh port, so never both answers are symmetric).
// - Classic names in this order: 100 ms / 300 ms = one round trip / one check interval plus
//   one round trip; 500 and 700 ms are chases of one or two more intervals.
BOOST_AUTO_TEST_CASE(mapping_by_filtering_table) {
  constexpr std::array<std::array<const char*, 9>, 9> expected = {{
      //  EIM+EIF EIM+ADF EIM+APDF ADM+EIF ADM+ADF ADM+APDF APDM+EIF APDM+ADF APDM+APDF
      {{"100", "100", "100", "300", "300", "300", "300", "300", "300"}},  // EIM+EIF
      {{"100", "100", "100", "300", "300", "300", "300", "300", "300"}},  // EIM+ADF
      {{"100", "100", "100", "-", "-", "-", "-", "-", "-"}},              // EIM+APDF
      {{"300", "300", "-", "300", "500", "-", "500", "700", "-"}},        // ADM+EIF
      {{"300", "300", "-", "500", "-", "-", "500", "-", "-"}},            // ADM+ADF
      {{"300", "300", "-", "-", "-", "-", "-", "-", "-"}},                // ADM+APDF
      {{"300", "300", "-", "500", "500", "-", "-", "-", "-"}},            // APDM+EIF
      {{"300", "300", "-", "700", "-", "-", "-", "-", "-"}},              // APDM+ADF
      {{"300", "300", "-", "-", "-", "-", "-", "-", "-"}},                // APDM+APDF
  }};
  const auto configs = all_combinations();
  for (std::size_t i = 0; i < 9; ++i) {
    for (std::size_t j = 0; j < 9; ++j) {
      BOOST_TEST_CONTEXT(describe(configs[i]) << " <-> " << describe(configs[j])) {
        const IceOutcome outcome = punch(configs[i], configs[j]);
        const std::string got = outcome.connected ? std::to_string(ms(outcome.elapsed)) : "-";
        BOOST_TEST(got == expected[i][j], outcome.detail);
        if (!outcome.connected) BOOST_TEST(ms(outcome.elapsed) == 30'000);
        // Who is A and who is B does not matter.
        const IceOutcome mirrored = punch(configs[j], configs[i]);
        BOOST_TEST(mirrored.connected == outcome.connected);
        BOOST_TEST((mirrored.elapsed == outcome.elapsed));
        BOOST_TEST(mirrored.checks_sent == outcome.checks_sent);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_public_host_reaches_every_nat) {
  for (const NatConfig& nat : all_combinations()) {
    BOOST_TEST_CONTEXT(describe(nat)) {
      const IceOutcome outcome = punch(NatConfig::none(), nat);
      BOOST_TEST(outcome.connected, outcome.detail);
      // The NATed side's first check reaches the public host; its answer and the public
      // host's check to the new prflx candidate take at most one more interval.
      BOOST_TEST(ms(outcome.elapsed) <= 300);
    }
  }
}

BOOST_AUTO_TEST_CASE(timing_is_round_trips_and_check_intervals) {
  // Both sides punch in the first round: one round trip.
  BOOST_TEST(ms(punch(NatConfig::none(), NatConfig::none()).elapsed) == 100);
  BOOST_TEST(ms(punch(classic("port-restricted-cone"), classic("port-restricted-cone")).elapsed) ==
             100);
  BOOST_TEST(
      ms(punch(classic("port-restricted-cone"), classic("port-restricted-cone"), 120ms).elapsed) ==
      240);
  // The symmetric side is found as prflx and checked at the next tick: interval + round trip.
  BOOST_TEST(ms(punch(classic("symmetric"), classic("restricted-cone")).elapsed) == 300);
  BOOST_TEST(ms(punch(classic("symmetric"), classic("restricted-cone"), 120ms).elapsed) == 440);
  // Longer than an interval one way: the next tick after the first check lands, plus a round
  // trip (checks at 0 land at 300; the tick at 400 is answered at 1000).
  BOOST_TEST(ms(punch(classic("symmetric"), classic("restricted-cone"), 300ms).elapsed) == 1000);
  // Zero latency: punched at once, or at the first tick after the prflx is learned.
  BOOST_TEST(ms(punch(classic("full-cone"), classic("full-cone"), 0ms).elapsed) == 0);
  BOOST_TEST(ms(punch(classic("symmetric"), classic("full-cone"), 0ms).elapsed) == 200);
}

BOOST_AUTO_TEST_CASE(a_late_start_costs_a_check_interval) {
  // B (restricted cone) starts 100 ms late: A's (symmetric) first check at 0 reaches B's NAT
  // at 20 ms before B ever sent to A's IP and is filtered; A's check at 200 gets in (answered
  // at 240), B checks the new prflx at its tick 300, answered at 340.
  const IceOutcome outcome = simulate_ice(IceSetup{.a_nat = classic("symmetric"),
                                                   .b_nat = classic("restricted-cone"),
                                                   .one_way_latency = 20ms,
                                                   .b_start_delay = 100ms});
  BOOST_TEST(outcome.connected, outcome.detail);
  BOOST_TEST(ms(outcome.elapsed) == 340);
}

BOOST_AUTO_TEST_CASE(failure_takes_failed_timeout) {
  IceConfig config;
  config.failed_timeout = 5s;
  const IceOutcome outcome = punch(classic("symmetric"), classic("symmetric"), 50ms, config);
  BOOST_TEST(!outcome.connected);
  BOOST_TEST(ms(outcome.elapsed) == 5000);
  BOOST_TEST(outcome.detail.find("no pair succeeded") != std::string::npos);
  BOOST_TEST(ms(punch(classic("symmetric"), classic("port-restricted-cone")).elapsed) == 30'000);
}

BOOST_AUTO_TEST_CASE(checks_sent_follow_the_pacing_and_the_cap) {
  // Failure: 2 sides x 2 remote candidates (host, srflx) x max_checks_per_pair.
  BOOST_TEST(punch(classic("symmetric"), classic("symmetric")).checks_sent == 2 * 2 * 7);
  IceConfig unlimited;
  unlimited.max_checks_per_pair = 0;
  // No cap: every 200 ms for 30 s = 150 rounds.
  BOOST_TEST(punch(classic("symmetric"), classic("symmetric"), 50ms, unlimited).checks_sent ==
             2 * 2 * 150);
  // Success between cones: one round each.
  BOOST_TEST(punch(classic("full-cone"), classic("port-restricted-cone")).checks_sent == 4);
}

BOOST_AUTO_TEST_CASE(a_check_from_the_peer_revives_given_up_pairs) {
  // Cones: A gave up after 7 checks (1.2 s); B's check at 2 s gets in through the permission A
  // left, and A's triggered check at its next tick (2.2 s) is answered at 2.3 s.
  const IceOutcome cones = simulate_ice(IceSetup{.a_nat = classic("port-restricted-cone"),
                                                 .b_nat = classic("port-restricted-cone"),
                                                 .b_start_delay = 2s});
  BOOST_TEST(cones.connected, cones.detail);
  BOOST_TEST(ms(cones.elapsed) == 2300);
  // Symmetric A never hears from B (its NAT drops B's checks to the srflx), so once A has
  // given up, nothing reaches B's NAT from the port B would admit: failure. Without the cap
  // A keeps checking and it connects.
  const IceSetup late{
      .a_nat = classic("symmetric"), .b_nat = classic("restricted-cone"), .b_start_delay = 2s};
  BOOST_TEST(!simulate_ice(late).connected);
  IceConfig unlimited;
  unlimited.max_checks_per_pair = 0;
  const IceOutcome persistent = simulate_ice(late, unlimited);
  BOOST_TEST(persistent.connected, persistent.detail);
  BOOST_TEST(ms(persistent.elapsed) == 2300);
}

BOOST_AUTO_TEST_CASE(an_expired_srflx_mapping_defeats_the_punch) {
  // A's cone mapping idles from 1.2 s (its last check); with a 1 s mapping timeout it is gone
  // when B starts at 3 s, so B's checks to A's srflx find no mapping. With the default
  // 120 s it connects.
  NatConfig short_lived = classic("port-restricted-cone");
  short_lived.mapping_timeout = 1s;
  IceSetup setup{
      .a_nat = short_lived, .b_nat = classic("port-restricted-cone"), .b_start_delay = 3s};
  BOOST_TEST(!simulate_ice(setup).connected);
  setup.a_nat = classic("port-restricted-cone");
  const IceOutcome outcome = simulate_ice(setup);
  BOOST_TEST(outcome.connected, outcome.detail);
  BOOST_TEST(ms(outcome.elapsed) == 3300);
}

BOOST_AUTO_TEST_CASE(deterministic) {
  const auto configs = all_combinations();
  for (const NatConfig& a : configs) {
    for (const NatConfig& b : configs) {
      BOOST_TEST_CONTEXT(describe(a) << " <-> " << describe(b)) {
        const IceSetup setup{.a_nat = a, .b_nat = b, .seed = 42};
        const IceOutcome first = simulate_ice(setup);
        // Same seed: the same outcome to the last port in the detail.
        BOOST_TEST((simulate_ice(setup) == first));
        // Another seed changes the ports, never the result.
        IceSetup reseeded = setup;
        reseeded.seed = 43;
        const IceOutcome other = simulate_ice(reseeded);
        BOOST_TEST(other.connected == first.connected);
        BOOST_TEST((other.elapsed == first.elapsed));
        BOOST_TEST(other.checks_sent == first.checks_sent);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(run_ice_leaves_the_mappings_in_the_boxes) {
  const Endpoint stun{ipv4(192, 0, 2, 1), 3478};
  NatBox a_nat(classic("port-restricted-cone"), ipv4(203, 0, 113, 1), 1);
  NatBox b_nat(classic("symmetric"), ipv4(198, 51, 100, 2), 2);
  const Endpoint a_local{ipv4(192, 168, 1, 2), 5000};
  const Endpoint b_local{ipv4(10, 0, 0, 2), 5000};
  // Same result as simulate_ice's port-restricted <-> symmetric.
  const IceOutcome failed =
      run_ice(IceHost{&a_nat, a_local, stun}, IceHost{&b_nat, b_local, stun}, 50ms, 1000s);
  BOOST_TEST(!failed.connected);
  BOOST_TEST(ms(failed.elapsed) == 30'000);

  NatBox c_nat(classic("restricted-cone"), ipv4(203, 0, 113, 1), 3);
  NatBox d_nat(classic("symmetric"), ipv4(198, 51, 100, 2), 4);
  const Duration start = 1000s;
  const IceOutcome outcome =
      run_ice(IceHost{&c_nat, a_local, stun}, IceHost{&d_nat, b_local, stun}, 50ms, start);
  BOOST_TEST(outcome.connected, outcome.detail);
  // C reaches D's symmetric NAT on the port D's own checks opened (a prflx on D's side,
  // learned by C); D sends to C's srflx.
  const Endpoint c_srflx = *c_nat.peek_mapping(a_local, stun, start);
  BOOST_TEST(outcome.b_remote == c_srflx);
  BOOST_TEST((d_nat.peek_mapping(b_local, c_srflx, start + outcome.elapsed) == outcome.a_remote));
  // The selected path stays open in both boxes, in absolute time.
  const Duration after = start + outcome.elapsed;
  BOOST_TEST(c_nat.mapping_alive(a_local, outcome.a_remote, after));
  BOOST_TEST((d_nat.inbound(c_srflx, outcome.a_remote, after) == b_local));
  BOOST_TEST((c_nat.inbound(outcome.a_remote, c_srflx, after) == a_local));
}

BOOST_AUTO_TEST_CASE(run_ice_checks_its_preconditions) {
  const Endpoint stun{ipv4(192, 0, 2, 1), 3478};
  NatBox a_nat(classic("full-cone"), ipv4(203, 0, 113, 1), 1);
  NatBox same_ip(classic("full-cone"), ipv4(203, 0, 113, 1), 2);
  NatBox b_nat(classic("full-cone"), ipv4(198, 51, 100, 2), 3);
  const Endpoint local{ipv4(192, 168, 1, 2), 5000};
  BOOST_CHECK_THROW(run_ice(IceHost{&a_nat, local, stun}, IceHost{&same_ip, local, stun}, 50ms, 0s),
                    std::invalid_argument);
  const Endpoint peer_as_stun{ipv4(198, 51, 100, 2), 3478};
  BOOST_CHECK_THROW(
      run_ice(IceHost{&a_nat, local, peer_as_stun}, IceHost{&b_nat, local, stun}, 50ms, 0s),
      std::invalid_argument);
  IceConfig no_pacing;
  no_pacing.check_interval = 0s;
  BOOST_CHECK_THROW(
      run_ice(IceHost{&a_nat, local, stun}, IceHost{&b_nat, local, stun}, 50ms, 0s, no_pacing),
      std::invalid_argument);
  NatBox public_box(NatConfig::none(), ipv4(198, 51, 100, 9), 4);
  BOOST_CHECK_THROW(
      run_ice(IceHost{&a_nat, local, stun}, IceHost{&public_box, local, stun}, 50ms, 0s),
      std::invalid_argument);
}

// The pacing rule both ICE implementations share (sim/ice_candidates.hpp), pair by pair.
BOOST_AUTO_TEST_CASE(check_turns_trigger_then_pace_then_stop) {
  using connsim::sim::ice::CandidateType;
  using connsim::sim::ice::RemoteCandidate;
  using connsim::sim::ice::take_check_turn;
  RemoteCandidate remote{.address = Endpoint{ipv4(1, 2, 3, 4), 5000}, .type = CandidateType::srflx};
  BOOST_TEST(take_check_turn(remote, 2));
  BOOST_TEST(take_check_turn(remote, 2));
  BOOST_TEST(remote.periodic_checks == 2);
  BOOST_TEST(!take_check_turn(remote, 2));  // the cap: no third periodic check
  remote.triggered = true;                  // a check arrived from the pair
  BOOST_TEST(take_check_turn(remote, 2));
  BOOST_TEST(!remote.triggered);
  BOOST_TEST(remote.periodic_checks == 2);  // a triggered check does not count
  BOOST_TEST(!take_check_turn(remote, 2));

  RemoteCandidate uncapped{.address = Endpoint{ipv4(1, 2, 3, 5), 5000}, .type = CandidateType::host};
  for (int i = 0; i < 10; ++i) BOOST_TEST(take_check_turn(uncapped, 0));

  RemoteCandidate done{.address = Endpoint{ipv4(1, 2, 3, 6), 5000}, .type = CandidateType::host};
  done.succeeded = true;
  done.triggered = true;
  BOOST_TEST(!take_check_turn(done, 0));  // a succeeded pair is never checked again
  BOOST_TEST(done.periodic_checks == 0);
}
