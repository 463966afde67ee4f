#include "apps/sweep/dashboard.hpp"

#include <cmath>
#include <fstream>
#include <iterator>
#include <ostream>

#include <nlohmann/json.hpp>

#include "apps/sweep/tables.hpp"
#include "scenarios/html/assets.hpp"
#include "scenarios/report_html.hpp"

namespace connsim::sweep {
namespace {

using nlohmann::json;

json number_or_null(double value) { return std::isnan(value) ? json(nullptr) : json(value); }

json mean_ci_json(const MeanCi& s) { return json::array({number_or_null(s.mean), number_or_null(s.ci95), s.n}); }

/// The plots plots.gp writes (apps/sweep/plot_sweep.gp), in its order.
constexpr const char* kPlotNames[] = {"success_rate", "connect_time", "relay_load", "success_by_base_delay"};

}  // namespace

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = bytes.size() - i;
    std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
    if (left > 1) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (left > 2) group |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
    out += left > 1 ? kAlphabet[(group >> 6) & 63] : '=';
    out += left > 2 ? kAlphabet[group & 63] : '=';
  }
  return out;
}

std::vector<EmbeddedPlot> embedded_plots(const std::filesystem::path& dir) {
  std::vector<EmbeddedPlot> plots;
  for (const char* name : kPlotNames) {
    for (const auto& [extension, type] : {std::pair{".svg", "image/svg+xml"}, std::pair{".png", "image/png"}}) {
      const auto path = dir / (std::string(name) + extension);
      std::ifstream in(path, std::ios::binary);
      if (!in) continue;
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (bytes.empty()) continue;
      plots.push_back({path.filename().string(), std::string("data:") + type + ";base64," + base64(bytes)});
      break;
    }
  }
  return plots;
}

json dashboard_model(const std::string& scenario_name, const Grid& grid, const Summary& summary,
                     std::optional<std::size_t> reference, const std::vector<EmbeddedPlot>& plots) {
  json columns = json::array();
  for (const auto& column : summary.columns) columns.push_back(column.name);
  json paired = json::array();
  if (summary.paired) {
    for (const char* name : kPairedColumns) {
      // A higher success rate is better; a higher connect time is worse.
      paired.push_back({{"name", paired_name(name)}, {"of", name},
                        {"better", std::string(name).find("time") == std::string::npos ? "higher" : "lower"}});
    }
  }
  json rows = json::array();
  for (std::size_t p = 0; p < grid.points.size(); ++p) {
    const GridPoint& g = grid.points[p];
    json values = json::array();
    for (const auto& s : summary.rows[p]) values.push_back(mean_ci_json(s));
    rows.push_back({{"policy", std::string(store::to_string(g.policy))},
                    {"max_attempts", g.max_attempts},
                    {"base_delay_ms", milliseconds(g.base_delay)},
                    {"base_delay", g.base_delay_text},
                    {"concurrency", g.concurrency_text},
                    {"runs", summary.runs(p)},
                    {"reference", reference && *reference == p},
                    {"values", std::move(values)}});  // columns, then paired
  }
  json images = json::array();
  for (const auto& plot : plots) images.push_back({{"name", plot.name}, {"src", plot.data_uri}});
  return {{"format", "connsim-sweep-html/1"},
          {"scenario", scenario_name},
          {"points", grid.points.size()},
          {"seeds", grid.seeds.size()},
          {"first_seed", grid.seeds.empty() ? 0 : grid.seeds.front()},
          {"last_seed", grid.seeds.empty() ? 0 : grid.seeds.back()},
          {"columns", std::move(columns)},
          {"paired", std::move(paired)},
          {"rows", std::move(rows)},
          {"plots", std::move(images)}};
}

void write_dashboard(std::ostream& out, const std::string& scenario_name, const Grid& grid, const Summary& summary,
                     std::optional<std::size_t> reference, const std::vector<EmbeddedPlot>& plots) {
  const std::string title = "connsim sweep: " + scenario_name;
  scenarios::fill_page_template(out, scenarios::html::kSweepPage, scenarios::html::kReportStyle,
                                scenarios::html::kSweepScript,
                                scenarios::json_for_script(dashboard_model(scenario_name, grid, summary, reference, plots)),
                                scenarios::html_escape(title));
}

}  // namespace connsim::sweep
