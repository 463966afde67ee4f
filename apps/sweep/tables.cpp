#include "apps/sweep/tables.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace connsim::sweep {
namespace {

std::string cell(double value) {
  return std::isnan(value) ? "" : format_number(value);
}

/// "mean ± half-width" with `decimals`; "mean" alone without a half-width; "–" without a mean.
std::string plus_minus(const MeanCi& s, int decimals) {
  if (std::isnan(s.mean)) return "–";
  char buffer[64];
  if (std::isnan(s.ci95)) {
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, s.mean);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.*f ± %.*f", decimals, s.mean, decimals, s.ci95);
  }
  return buffer;
}

/// policy,max_attempts,base_delay_ms,concurrency_mode,concurrency_limit
void write_point_cells(std::ostream& out, const GridPoint& g) {
  out << store::to_string(g.policy) << "," << g.max_attempts << ","
      << format_number(milliseconds(g.base_delay)) << "," << store::to_string(g.mode) << ","
      << g.limit;
}

constexpr const char* kPointHeader =
    "policy,max_attempts,base_delay_ms,concurrency_mode,concurrency_limit";

}  // namespace

double milliseconds(store::Duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

void write_runs_csv(std::ostream& out, const Grid& grid, const std::vector<RunResult>& results) {
  out << kPointHeader << ",seed,passed";
  for (scenarios::Metric m : kSweepMetrics) out << "," << spelling_of(m);
  for (const char* name : kSweepCounterNames) out << "," << name;
  out << ",wall_seconds,fingerprint\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const RunResult& r = results[i];
    if (!r.done) continue;
    write_point_cells(out, grid.point_of_run(i));
    out << "," << grid.seed_of_run(i) << "," << (r.passed ? 1 : 0);
    for (const auto& m : r.metrics) out << "," << (m ? format_number(*m) : "");
    for (double c : r.counters) out << "," << format_number(c);
    out << "," << format_number(r.wall_seconds) << "," << r.fingerprint << "\n";
  }
}

void write_summary_csv(std::ostream& out, const Grid& grid, const Summary& summary) {
  out << kPointHeader << ",runs";
  for (const auto& c : summary.columns) out << "," << c.name << "_mean," << c.name << "_ci95";
  if (summary.paired) {
    for (const char* name : kPairedColumns) {
      out << "," << paired_name(name) << "_mean," << paired_name(name) << "_ci95";
    }
  }
  out << "\n";
  for (std::size_t p = 0; p < grid.points.size(); ++p) {
    write_point_cells(out, grid.points[p]);
    out << "," << summary.runs(p);
    for (const auto& s : summary.rows[p]) out << "," << cell(s.mean) << "," << cell(s.ci95);
    out << "\n";
  }
}

void write_summary_md(std::ostream& out, const std::string& scenario_name, const Grid& grid,
                      const Summary& summary) {
  out << "# Sweep of `" << scenario_name << "`: " << grid.points.size() << " grid points x "
      << grid.seeds.size() << " seeds (" << grid.seeds.front() << ".." << grid.seeds.back()
      << ")\n\n"
      << "Mean ± 95 % confidence half-width (Student's t) over the seeds.\n\n"
      << "Δ columns: the paired difference from the seed's defaults (exponential, 3 attempts, "
         "1s, batch:3) seed by seed; an interval that excludes 0 is a real difference.\n\n"
      << "| policy | attempts | base delay | concurrency | success rate | Δ success | "
         "1st-attempt | p50 ms | p99 ms | Δ p99 ms | attempts/connect | relay circuits | "
         "share relay |\n"
      << "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (std::size_t p = 0; p < grid.points.size(); ++p) {
    const GridPoint& g = grid.points[p];
    const auto column = [&](const char* name, int decimals) {
      return plus_minus(summary.at(p, name), decimals);
    };
    const auto delta = [&](std::size_t k, int decimals) {
      const MeanCi* s = summary.paired_at(p, k);
      return s ? plus_minus(*s, decimals) : std::string("–");
    };
    out << "| " << store::to_string(g.policy) << " | " << g.max_attempts << " | "
        << g.base_delay_text << " | " << g.concurrency_text << " | "
        << column("connect_success_rate", 3) << " | " << delta(0, 3) << " | "
        << column("first_attempt_success_rate", 3) << " | " << column("connect_time_p50", 0)
        << " | " << column("connect_time_p99", 0) << " | " << delta(1, 0) << " | "
        << column("attempts_per_connect", 2) << " | " << column("relay_circuits_opened", 1) << " | "
        << column("share_relay", 3) << " |\n";
  }
}

}  // namespace connsim::sweep
