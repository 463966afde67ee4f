// Small grids and hand-made run results for the sweep library's tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "apps/sweep/grid.hpp"
#include "apps/sweep/run_result.hpp"

namespace connsim::sweep::testing {

/// A grid spec of the given lists and seed count (seeds from 1).
inline GridSpec spec_of(std::vector<std::string> policies, std::vector<int> max_attempts,
                        std::vector<std::string> base_delays, std::vector<std::string> concurrency,
                        int seeds) {
  GridSpec spec;
  spec.policies = std::move(policies);
  spec.max_attempts = std::move(max_attempts);
  spec.base_delays = std::move(base_delays);
  spec.concurrency = std::move(concurrency);
  spec.seeds = seeds;
  return spec;
}

/// The grid of a valid spec.
inline Grid grid_of(const GridSpec& spec) {
  std::vector<std::string> errors;
  return build_grid(spec, errors).value();
}

/// fixed and exponential x max attempts {2, 3} x 1s x batch:3, with `seeds` seeds from 1: four
/// points, the last (exponential, 3, 1s, batch:3) the seed default.
inline Grid two_policy_grid(int seeds) {
  return grid_of(spec_of({"fixed", "exponential"}, {2, 3}, {"1s"}, {"batch:3"}, seeds));
}

/// A finished run with a success rate, a p99 (nothing: no data) and its connects and attempts;
/// every other metric without data, every other counter 0.
inline RunResult finished_run(double success_rate, std::optional<double> p99, double connects,
                              double attempts) {
  RunResult r;
  r.done = true;
  r.passed = true;
  r.fingerprint = "f00d";
  r.metrics[0] = success_rate;  // connect_success_rate
  r.metrics[4] = p99;           // connect_time_p99
  r.counters[0] = connects;
  r.counters[1] = attempts;
  return r;
}

}  // namespace connsim::sweep::testing
