// Cross-checking the two network backends: one scenario run on the fast message model and on
// the packet backend, the outcomes compared (they must be equal) and the timings measured
// (they may differ; the report says by how much).
//
// "Outcome" is what a wallet engineer asserts on: each expectation's pass or fail; per wallet,
// the sequence of connects (peer, success, connection type) and of session states (state,
// failure reason); and each wallet's last status per peer. Timing is the duration of every
// connect matched one to one (same wallet, same peer, same position among its connects to that
// peer: concurrent connects may finish in another order).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenarios/model.hpp"
#include "scenarios/runner.hpp"

namespace connsim::scenarios {

struct TimingDelta {
  std::size_t matched = 0;       // connects compared
  double mean_ms = 0;            // mean of (packet - message) connect duration
  double mean_abs_ms = 0;
  double max_abs_ms = 0;
  double message_mean_ms = 0;    // the fast model's mean connect duration, for scale
};

struct CrossCheck {
  std::string name;
  bool message_passed = false;
  bool packet_passed = false;
  /// Where the outcomes differ, one line each (empty: equal).
  std::vector<std::string> differences;
  TimingDelta timing;
  RunStats message_stats;
  RunStats packet_stats;

  bool equal() const { return differences.empty(); }
};

/// Runs `scenario` on both backends with `options` (its backend field is overridden).
CrossCheck cross_check(const Scenario& scenario, RunOptions options = {});

/// Compares two finished runs of one scenario (exposed for tests).
CrossCheck compare_runs(const RunReport& message, const RunReport& packet);

/// One line: "SAME <name>: ..." or "DIFF <name>: <first difference>", with the timing.
std::string cross_check_line(const CrossCheck& check);

/// The same scenario over many seeds on both backends: on random networks the two backends
/// draw different realizations, so they are compared in distribution.
struct SeedSweep {
  std::string name;
  std::size_t seeds = 0;
  std::size_t equal = 0;                 // runs whose outcomes were equal
  std::size_t message_passed = 0;
  std::size_t packet_passed = 0;
  struct Side {
    std::size_t connects = 0;
    std::size_t succeeded = 0;
    std::size_t webrtc = 0;
    std::vector<double> connect_ms;      // every connect's duration, sorted
    double percentile(double p) const;   // nearest rank; 0 when empty
  };
  Side message;
  Side packet;
};

SeedSweep cross_check_seeds(const Scenario& scenario, std::uint64_t first_seed, std::size_t seeds,
                            RunOptions options = {});
/// "<name>: N seeds, outcomes equal in K; passed M / P; success ..; webrtc ..; p50/p90/p99 .."
std::string seed_sweep_line(const SeedSweep& sweep);

}  // namespace connsim::scenarios
