#include "apps/sweep/plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <ostream>
#include <sstream>

#include "apps/sweep/tables.hpp"

namespace connsim::sweep {
namespace {

/// The columns of the slice data, in order (each as _mean and _ci95).
constexpr const char* kPlottedColumns[] = {"connect_success_rate",       "connect_time_p50",
                                           "connect_time_p99",           "relay_circuits_opened",
                                           "first_attempt_success_rate", "attempts_per_connect"};

/// "pngcairo" or "png" when gnuplot has that and an svg terminal; "" otherwise.
std::string gnuplot_terminal() {
  FILE* pipe = popen("gnuplot -e 'set terminal' 2>&1", "r");
  if (pipe == nullptr) return "";
  std::string text;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
  const int status = pclose(pipe);
  if (status != 0 || text.find("svg") == std::string::npos) return "";
  if (text.find("pngcairo") != std::string::npos) return "pngcairo";
  if (text.find("png") != std::string::npos) return "png";
  return "";
}

}  // namespace

PlotSelection select_slices(const GridSpec& spec, const PlotSlices& wanted, const Grid& grid) {
  const auto pick_text = [](const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end() ? value : list.front();
  };
  PlotSelection selection;
  selection.base_delay_text = pick_text(spec.base_delays, wanted.base_delay);
  selection.concurrency_text = pick_text(spec.concurrency, wanted.concurrency);
  const auto& attempts = spec.max_attempts;
  selection.max_attempts =
      std::find(attempts.begin(), attempts.end(), wanted.max_attempts) != attempts.end()
          ? wanted.max_attempts
          : attempts.front();
  for (const auto& point : grid.points) {
    const std::string name(store::to_string(point.policy));
    auto& policies = selection.policies;
    if (std::find(policies.begin(), policies.end(), name) == policies.end()) {
      policies.push_back(name);
    }
  }
  return selection;
}

void write_slice_data(std::ostream& out, const Grid& grid, const Summary& summary,
                      const PlotSelection& selection, SliceAxis axis) {
  const bool by_attempts = axis == SliceAxis::max_attempts;
  for (const auto& policy : selection.policies) {
    out << "# " << policy << "\nx";
    for (const char* column : kPlottedColumns)
      out << " " << column << "_mean " << column << "_ci95";
    out << "\n";
    for (std::size_t p = 0; p < grid.points.size(); ++p) {
      const GridPoint& g = grid.points[p];
      if (store::to_string(g.policy) != policy ||
          g.concurrency_text != selection.concurrency_text) {
        continue;
      }
      if (by_attempts ? g.base_delay_text != selection.base_delay_text
                      : g.max_attempts != selection.max_attempts) {
        continue;
      }
      out << (by_attempts ? format_number(g.max_attempts)
                          : format_number(milliseconds(g.base_delay)));
      for (const char* column : kPlottedColumns) {
        const MeanCi& s = summary.at(p, column);
        out << " " << (std::isnan(s.mean) ? "NaN" : format_number(s.mean)) << " "
            << (std::isnan(s.ci95) ? "0" : format_number(s.ci95));
      }
      out << "\n";
    }
    out << "\n\n";
  }
}

std::string plot_script(const std::string& scenario_name, const Grid& grid,
                        const PlotSelection& selection) {
  std::ostringstream out;
  out << "# gnuplot script written by `connsim sweep`; run `gnuplot plots.gp` in this directory.\n"
      << "policies = \"";
  for (std::size_t i = 0; i < selection.policies.size(); ++i) {
    out << (i ? " " : "") << selection.policies[i];
  }
  out << "\"\n"
      << "sliceA = \"at base delay " << selection.base_delay_text << ", concurrency "
      << selection.concurrency_text << "\"\n"
      << "sliceB = \"at max attempts " << selection.max_attempts << ", concurrency "
      << selection.concurrency_text << "\"\n"
      << "title0 = \"" << scenario_name << " (" << grid.seeds.size()
      << " seeds, mean and 95% CI)\"\n\n"
      << kPlotSweepScript;
  return out.str();
}

bool write_plots(const std::filesystem::path& dir, const std::string& scenario_name,
                 const Grid& grid, const Summary& summary, const PlotSelection& selection) {
  {
    std::ofstream out(dir / "slice_attempts.dat");
    write_slice_data(out, grid, summary, selection, SliceAxis::max_attempts);
  }
  {
    std::ofstream out(dir / "slice_base_delay.dat");
    write_slice_data(out, grid, summary, selection, SliceAxis::base_delay);
  }
  {
    std::ofstream out(dir / "plots.gp");
    out << plot_script(scenario_name, grid, selection);
  }
  const std::string terminal = gnuplot_terminal();
  if (terminal.empty()) {
    std::cerr << "connsim sweep: gnuplot with png and svg terminals not found; wrote "
              << (dir / "plots.gp").string() << " to plot later\n";
    return false;
  }
  const std::string command = "cd '" + dir.string() + "' && gnuplot -e \"png_terminal='" +
                              terminal + "'\" plots.gp 2> plots.log";
  if (std::system(command.c_str()) != 0) {
    std::cerr << "connsim sweep: gnuplot failed; see " << (dir / "plots.log").string() << "\n";
    return false;
  }
  return true;
}

}  // namespace connsim::sweep
