// The plots of a sweep: two slices of the summary as gnuplot data, the gnuplot script
// (apps/sweep/plot_sweep.gp, built into the binary) and running gnuplot for PNG and SVG.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "apps/sweep/grid.hpp"
#include "apps/sweep/summary.hpp"

namespace connsim::sweep {

/// apps/sweep/plot_sweep.gp, verbatim.
extern const char* const kPlotSweepScript;

/// The slices the plots show, as asked on the command line.
struct PlotSlices {
  std::string base_delay = "1s";        // of the by-max-attempts plots
  int max_attempts = 3;                 // of the by-base-delay plot
  std::string concurrency = "batch:3";  // of both
};

/// The slices resolved against the grid: a value the grid lacks falls back to the grid's first.
struct PlotSelection {
  std::string base_delay_text;
  int max_attempts = 3;
  std::string concurrency_text;
  std::vector<std::string> policies;  // the grid's, in grid order: one data block each
};

PlotSelection select_slices(const GridSpec& spec, const PlotSlices& wanted, const Grid& grid);

enum class SliceAxis { max_attempts, base_delay };

/// One block per policy ("# <policy>", a header line `x <column>_mean <column>_ci95 ...`, one
/// row per grid point of the slice, two blank lines). A missing mean is "NaN" (gnuplot skips
/// the point), a missing half-width 0.
void write_slice_data(std::ostream& out, const Grid& grid, const Summary& summary,
                      const PlotSelection& selection, SliceAxis axis);

/// plots.gp: the lines that set the script's parameters, then kPlotSweepScript.
std::string plot_script(const std::string& scenario_name, const Grid& grid,
                        const PlotSelection& selection);

/// Writes slice_attempts.dat, slice_base_delay.dat and plots.gp into `dir` and runs gnuplot
/// there (its errors in plots.log). False, said on stderr, when gnuplot with png and svg
/// terminals is missing or fails; the script stays, to run by hand.
bool write_plots(const std::filesystem::path& dir, const std::string& scenario_name,
                 const Grid& grid, const Summary& summary, const PlotSelection& selection);

}  // namespace connsim::sweep
