// A sweep's dashboard, index.html next to its tables: one self-contained page (no fetches; the
// run report's style, scenarios/html/sweep.js, the data as JSON and the plots as data: URIs)
// with the plots and the summary table, sortable by any column, the seed-default row and the
// paired differences from it highlighted.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "apps/sweep/grid.hpp"
#include "apps/sweep/summary.hpp"

namespace connsim::sweep {

/// A plot to show: its file name and the image as a data: URI.
struct EmbeddedPlot {
  std::string name;
  std::string data_uri;
};

/// The plots gnuplot wrote into `dir` (SVG, else PNG, for each plot plots.gp makes), in the
/// order the script makes them; none when there are none.
std::vector<EmbeddedPlot> embedded_plots(const std::filesystem::path& dir);

/// The page's data: the grid, each point's options and runs, every column's mean and 95 %
/// half-width (null: no data) and the paired differences, and which point is the reference.
nlohmann::json dashboard_model(const std::string& scenario_name, const Grid& grid, const Summary& summary,
                               std::optional<std::size_t> reference, const std::vector<EmbeddedPlot>& plots);

void write_dashboard(std::ostream& out, const std::string& scenario_name, const Grid& grid, const Summary& summary,
                     std::optional<std::size_t> reference, const std::vector<EmbeddedPlot>& plots);

/// `bytes` in base64 (RFC 4648, padded).
std::string base64(const std::string& bytes);

}  // namespace connsim::sweep
