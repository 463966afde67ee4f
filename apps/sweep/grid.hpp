// The grid of a sweep: every combination of retry policy x max attempts x base delay x
// concurrency (the grid points), each run with every seed. Run i of the sweep is grid point
// i / seeds and seed i % seeds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/model.hpp"
#include "store/connect_concurrency.hpp"
#include "store/retry_policy.hpp"

namespace connsim::sweep {

/// The grid as the command line spells it; the defaults are `connsim sweep`'s.
struct GridSpec {
  std::vector<std::string> policies{"fixed", "exponential", "exponential-jitter",
                                    "deadline-bounded"};
  std::vector<int> max_attempts{1, 2, 3, 4, 5};
  std::vector<std::string> base_delays{"250ms", "500ms", "1s", "2s", "4s"};
  std::vector<std::string> concurrency{"batch:3", "window:3", "window:6"};
  int seeds = 30;  // consecutive, from first_seed
  std::uint64_t first_seed = 1;
  std::string deadline;  // deadline-bounded's; empty: the store's default
};

struct GridPoint {
  store::RetryKind policy = store::RetryKind::exponential;
  int max_attempts = 3;
  store::Duration base_delay{};
  std::string base_delay_text;  // as written on the command line
  store::ConcurrencyMode mode = store::ConcurrencyMode::batch;
  int limit = 3;
  std::string concurrency_text;  // as written: "batch:3"
};

struct Grid {
  /// Policies outermost, then max attempts, base delays, concurrency: the command line's order.
  std::vector<GridPoint> points;
  std::vector<std::uint64_t> seeds;
  std::optional<store::Duration> deadline;

  std::size_t runs() const { return points.size() * seeds.size(); }
  const GridPoint& point_of_run(std::size_t run) const { return points[run / seeds.size()]; }
  std::uint64_t seed_of_run(std::size_t run) const { return seeds[run % seeds.size()]; }
};

/// "batch:3" or "window:6" (a limit of at least 1); nothing for anything else.
std::optional<std::pair<store::ConcurrencyMode, int>> parse_concurrency(const std::string& text);

/// The grid, or nothing with one message per mistake in `errors` (each starts with the option
/// it concerns: "--base-delays: not a time: \"x\" (e.g. 250ms, 1s)").
std::optional<Grid> build_grid(const GridSpec& spec, std::vector<std::string>& errors);

/// `base` with the point's retry policy (kind, max attempts, base delay, and `deadline` when
/// set) and concurrency (mode, limit) on every wallet's store; nothing else changes.
scenarios::Scenario apply_grid_point(const scenarios::Scenario& base, const GridPoint& point,
                                     const std::optional<store::Duration>& deadline);

/// The grid point with the seed's defaults (exponential, 3 attempts, 1 s, batches of 3), the
/// reference of the paired differences, when the grid holds it.
std::optional<std::size_t> seed_default_point(const Grid& grid);

}  // namespace connsim::sweep
