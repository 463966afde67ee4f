// Running a sweep's grid: every run (grid point x seed) in forked worker processes, with a
// progress line on a terminal.
#pragma once

#include <string>
#include <vector>

#include "apps/sweep/grid.hpp"
#include "apps/sweep/run_result.hpp"
#include "scenarios/model.hpp"

namespace connsim::sweep {

/// Runs run i as scenarios::run_scenario(apply_grid_point(base, point i, deadline), seed i)
/// without history, on `jobs` workers: the same file, options and seed give the same fingerprint
/// whichever worker ran it. Results by run index (done false where a run did not come back);
/// what went wrong is appended to `failures`. Prints "sweep: N/M runs  R runs/s  ETA ..." to
/// stderr while it runs, when stderr is a terminal.
std::vector<RunResult> run_grid(const scenarios::Scenario& base, const Grid& grid, int jobs,
                                std::vector<std::string>& failures);

/// "12m05s", "1h02m"; "?" for a negative or infinite time.
std::string format_eta(double seconds);

}  // namespace connsim::sweep
