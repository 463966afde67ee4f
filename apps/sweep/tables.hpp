// The tables a sweep writes: runs.csv (one row per finished run), summary.csv and summary.md
// (one row per grid point). A value without data is an empty CSV cell and "–" in Markdown,
// never "nan".
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "apps/sweep/grid.hpp"
#include "apps/sweep/run_result.hpp"
#include "apps/sweep/summary.hpp"

namespace connsim::sweep {

/// The grid point's options, then seed, passed, every metric and counter, wall_seconds and the
/// fingerprint; runs not done are left out.
void write_runs_csv(std::ostream& out, const Grid& grid, const std::vector<RunResult>& results);

/// The grid point's options, runs, then <column>_mean and <column>_ci95 for every column and
/// paired difference.
void write_summary_csv(std::ostream& out, const Grid& grid, const Summary& summary);

/// A readable table of the main columns, "mean ± half-width" each.
void write_summary_md(std::ostream& out, const std::string& scenario_name, const Grid& grid,
                      const Summary& summary);

/// Milliseconds, as the tables and plot data write times.
double milliseconds(store::Duration duration);

}  // namespace connsim::sweep
