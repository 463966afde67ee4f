// Everything a sweep writes into its output directory, from its grid and results: runs.csv,
// summary.csv, summary.md, the plots and index.html. `connsim sweep` and `connsim merge` both
// write through this one function, so a merged sharded sweep writes what an unsharded one does.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "apps/sweep/grid.hpp"
#include "apps/sweep/plots.hpp"
#include "apps/sweep/run_result.hpp"

namespace connsim::sweep {

/// How a sweep's outputs are made, beside its grid and results (as the command line set it).
struct OutputSettings {
  std::string scenario_name;
  GridSpec spec;
  PlotSlices plot;
  bool no_plots = false;
};

/// Writes the outputs into `dir` (which exists); `results` by run index. Returns whether gnuplot
/// made the plots.
bool write_sweep_outputs(const std::filesystem::path& dir, const OutputSettings& settings,
                         const Grid& grid, const std::vector<RunResult>& results);

/// What write_sweep_outputs wrote, for a closing line: "DIR/runs.csv, summary.csv, summary.md,
/// plots (png, svg), index.html" (the plots only when `plotted`).
std::string outputs_written(const std::filesystem::path& dir, bool plotted);

}  // namespace connsim::sweep
