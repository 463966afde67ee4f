#include "apps/sweep/outputs.hpp"

#include <fstream>

#include "apps/sweep/dashboard.hpp"
#include "apps/sweep/summary.hpp"
#include "apps/sweep/tables.hpp"

namespace connsim::sweep {
namespace {

template <typename Write>
void write_to(const std::filesystem::path& path, Write write) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  write(out);
}

}  // namespace

bool write_sweep_outputs(const std::filesystem::path& dir, const OutputSettings& settings,
                         const Grid& grid, const std::vector<RunResult>& results) {
  const auto reference = seed_default_point(grid);
  const auto summary = summarise(grid, results, reference);
  const std::string& name = settings.scenario_name;
  write_to(dir / "runs.csv", [&](std::ostream& out) { write_runs_csv(out, grid, results); });
  write_to(dir / "summary.csv",
           [&](std::ostream& out) { write_summary_csv(out, grid, summary); });
  write_to(dir / "summary.md",
           [&](std::ostream& out) { write_summary_md(out, name, grid, summary); });
  bool plotted = false;
  if (!settings.no_plots) {
    plotted = write_plots(dir, name, grid, summary, select_slices(settings.spec, settings.plot, grid));
  }
  write_to(dir / "index.html", [&](std::ostream& out) {
    write_dashboard(out, name, grid, summary, reference,
                    plotted ? embedded_plots(dir) : std::vector<EmbeddedPlot>{});
  });
  return plotted;
}

std::string outputs_written(const std::filesystem::path& dir, bool plotted) {
  return (dir / "runs.csv").string() + ", summary.csv, summary.md" +
         (plotted ? ", plots (png, svg)" : "") + ", index.html";
}

}  // namespace connsim::sweep
