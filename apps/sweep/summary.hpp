// A sweep's summary: per grid point, the mean and 95 % confidence interval of every column over
// the seeds, and the paired differences from the seed-default point.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "apps/sweep/grid.hpp"
#include "apps/sweep/run_result.hpp"
#include "apps/sweep/statistics.hpp"

namespace connsim::sweep {

/// A summarised column: a value of each run (nothing: the run has no such value).
struct Column {
  std::string name;
  std::function<std::optional<double>(const RunResult&)> of;
};

/// The metrics (kSweepMetrics), the counters (kSweepCounterNames), then attempts_per_connect.
std::vector<Column> summary_columns();

/// The index of the column called `name`; 0 when there is none.
std::size_t column_index(const std::vector<Column>& columns, const std::string& name);

/// The columns also compared seed by seed with the reference point.
inline constexpr const char* kPairedColumns[] = {"connect_success_rate", "connect_time_p99"};

/// "delta_<column>_vs_seed_default".
std::string paired_name(const char* column);

struct Summary {
  std::vector<Column> columns;
  /// rows[point]: one MeanCi per column, then, when `paired`, one per kPairedColumns: the
  /// differences from the reference point, seed by seed (runs done at both).
  std::vector<std::vector<MeanCi>> rows;
  bool paired = false;

  const MeanCi& at(std::size_t point, const std::string& column) const {
    return rows[point][column_index(columns, column)];
  }
  /// The paired difference of kPairedColumns[k]; nothing when not `paired`.
  const MeanCi* paired_at(std::size_t point, std::size_t k) const {
    return paired ? &rows[point][columns.size() + k] : nullptr;
  }
  /// The most runs any column of the point summarised.
  std::size_t runs(std::size_t point) const;
};

/// `results` by run index (Grid::point_of_run); a run not done counts nowhere. `reference`:
/// the point the paired differences are taken from (none: no paired columns).
Summary summarise(const Grid& grid, const std::vector<RunResult>& results,
                  std::optional<std::size_t> reference);

}  // namespace connsim::sweep
