#include "apps/sweep/runs.hpp"

#include "apps/sweep/worker_pool.hpp"
#include "scenarios/runner.hpp"

namespace connsim::sweep {

std::vector<RunResult> run_grid(const scenarios::Scenario& base, const Grid& grid, int jobs,
                                std::vector<std::string>& failures, const Shard& shard) {
  // Task k of the pool is the shard's k-th run.
  const auto run = [&](std::size_t task) {
    const std::size_t index = shard.item_at(task);
    scenarios::RunOptions options;
    options.seed = grid.seed_of_run(index);
    options.keep_history = false;
    const auto scenario = apply_grid_point(base, grid.point_of_run(index), grid.deadline);
    return encode_result(result_of(scenarios::run_scenario(scenario, options)));
  };
  std::vector<RunResult> results(grid.runs());
  WorkerPoolResults pool;
  {
    ProgressLine progress("sweep", "runs");
    pool = run_in_worker_processes(
        shard.share_of(grid.runs()), jobs, run,
        [&](std::size_t finished, std::size_t total) { progress.update(finished, total); });
  }
  for (std::size_t task = 0; task < pool.lines.size(); ++task) {
    if (!pool.lines[task]) continue;
    const std::size_t index = shard.item_at(task);
    if (auto result = decode_result(*pool.lines[task])) {
      results[index] = std::move(*result);
    } else {
      pool.failures.push_back("a worker sent a bad line: " + std::to_string(index) + " " +
                              *pool.lines[task]);
    }
  }
  failures.insert(failures.end(), pool.failures.begin(), pool.failures.end());
  return results;
}

}  // namespace connsim::sweep
