// Running a sweep's grid: every run (grid point x seed) of a shard in forked worker processes,
// with a progress line on a terminal.
#pragma once

#include <string>
#include <vector>

#include "apps/sweep/grid.hpp"
#include "apps/sweep/progress.hpp"
#include "apps/sweep/run_result.hpp"
#include "apps/sweep/shard.hpp"
#include "scenarios/model.hpp"

namespace connsim::sweep {

/// Runs run i as scenarios::run_scenario(apply_grid_point(base, point i, deadline), seed i)
/// without history, on `jobs` workers, for every run i that `shard` owns (the whole grid by
/// default): the same file, options and seed give the same fingerprint whichever worker or
/// shard ran it. Results by run index over the whole grid (done false where a run is another
/// shard's or did not come back); what went wrong is appended to `failures`. Prints
/// "sweep: N/M runs  R runs/s  ETA ..." to stderr while it runs (progress.hpp).
std::vector<RunResult> run_grid(const scenarios::Scenario& base, const Grid& grid, int jobs,
                                std::vector<std::string>& failures, const Shard& shard = Shard{});

}  // namespace connsim::sweep
