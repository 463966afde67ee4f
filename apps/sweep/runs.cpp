#include "apps/sweep/runs.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "apps/sweep/worker_pool.hpp"
#include "scenarios/runner.hpp"

namespace connsim::sweep {
namespace {

/// The progress line on stderr, at most every 200 ms and once at the end; silent unless stderr
/// is a terminal.
class ProgressLine {
 public:
  ProgressLine() : shown_(isatty(STDERR_FILENO) != 0) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine() {
    if (shown_) std::fprintf(stderr, "\n");
  }

  void update(std::size_t finished, std::size_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (!shown_ || (now - last_print_ <= std::chrono::milliseconds(200) && finished != total)) {
      return;
    }
    last_print_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(finished) / elapsed : 0;
    std::fprintf(stderr, "\rsweep: %zu/%zu runs  %.1f runs/s  ETA %s   ", finished, total, rate,
                 format_eta(rate > 0 ? static_cast<double>(total - finished) / rate : -1).c_str());
    std::fflush(stderr);
  }

 private:
  bool shown_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_print_ = start_;
};

}  // namespace

std::string format_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long>(seconds);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  }
  return buffer;
}

std::vector<RunResult> run_grid(const scenarios::Scenario& base, const Grid& grid, int jobs,
                                std::vector<std::string>& failures) {
  const auto run = [&](std::size_t index) {
    scenarios::RunOptions options;
    options.seed = grid.seed_of_run(index);
    options.keep_history = false;
    const auto scenario = apply_grid_point(base, grid.point_of_run(index), grid.deadline);
    return encode_result(result_of(scenarios::run_scenario(scenario, options)));
  };
  std::vector<RunResult> results(grid.runs());
  WorkerPoolResults pool;
  {
    ProgressLine progress;
    pool = run_in_worker_processes(
        grid.runs(), jobs, run,
        [&](std::size_t finished, std::size_t total) { progress.update(finished, total); });
  }
  for (std::size_t i = 0; i < pool.lines.size(); ++i) {
    if (!pool.lines[i]) continue;
    if (auto result = decode_result(*pool.lines[i])) {
      results[i] = std::move(*result);
    } else {
      pool.failures.push_back("a worker sent a bad line: " + std::to_string(i) + " " +
                              *pool.lines[i]);
    }
  }
  failures.insert(failures.end(), pool.failures.begin(), pool.failures.end());
  return results;
}

}  // namespace connsim::sweep
