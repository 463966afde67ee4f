#include "apps/sweep/summary.hpp"

#include <algorithm>

namespace connsim::sweep {
namespace {

/// The column's value of each seed's run at `point`, in seed order (nothing: not done, or no
/// value).
std::vector<std::optional<double>> values_at(const Grid& grid,
                                             const std::vector<RunResult>& results,
                                             std::size_t point, const Column& column) {
  std::vector<std::optional<double>> values;
  const std::size_t seeds = grid.seeds.size();
  for (std::size_t s = 0; s < seeds; ++s) {
    const RunResult& r = results[point * seeds + s];
    values.push_back(r.done ? column.of(r) : std::nullopt);
  }
  return values;
}

}  // namespace

std::vector<Column> summary_columns() {
  std::vector<Column> columns;
  for (std::size_t m = 0; m < kSweepMetricCount; ++m) {
    columns.push_back({std::string(spelling_of(kSweepMetrics[m])),
                       [m](const RunResult& r) { return r.metrics[m]; }});
  }
  for (std::size_t c = 0; c < kSweepCounterCount; ++c) {
    columns.push_back({kSweepCounterNames[c],
                       [c](const RunResult& r) { return std::optional<double>(r.counters[c]); }});
  }
  // counters[0] is connects, counters[1] connect_attempts (kSweepCounterNames).
  columns.push_back({"attempts_per_connect", [](const RunResult& r) -> std::optional<double> {
                       if (r.counters[0] <= 0) return std::nullopt;
                       return r.counters[1] / r.counters[0];
                     }});
  return columns;
}

std::size_t column_index(const std::vector<Column>& columns, const std::string& name) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return 0;
}

std::string paired_name(const char* column) {
  return std::string("delta_") + column + "_vs_seed_default";
}

std::size_t Summary::runs(std::size_t point) const {
  std::size_t most = 0;
  for (const auto& s : rows[point]) most = std::max(most, s.n);
  return most;
}

Summary summarise(const Grid& grid, const std::vector<RunResult>& results,
                  std::optional<std::size_t> reference) {
  Summary summary;
  summary.columns = summary_columns();
  summary.paired = reference.has_value();
  summary.rows.resize(grid.points.size());
  for (std::size_t p = 0; p < grid.points.size(); ++p) {
    for (const auto& column : summary.columns) {
      summary.rows[p].push_back(mean_ci(present(values_at(grid, results, p, column))));
    }
    if (!reference) continue;
    for (const char* name : kPairedColumns) {
      const Column& column = summary.columns[column_index(summary.columns, name)];
      summary.rows[p].push_back(mean_ci(paired_differences(
          values_at(grid, results, p, column), values_at(grid, results, *reference, column))));
    }
  }
  return summary;
}

}  // namespace connsim::sweep
