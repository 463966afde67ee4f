// A pool of forked worker processes that runs numbered tasks and collects one line of text per
// task. Processes, not threads: each task may own process-global state (ns-3's simulator), and
// a task that crashes takes down only its worker, which is then reported, not the caller.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace connsim::sweep {

/// Runs task `index` inside a worker process and returns its result as one line, without '\n'
/// (a result with one ends its worker: "its worker died"). It sees the parent's memory as it
/// was when the pool started (the workers are forked then).
using WorkerTask = std::function<std::string(std::size_t index)>;

/// Told after every wait for results (at least once a second): tasks finished, of how many.
using WorkerProgress = std::function<void(std::size_t finished, std::size_t total)>;

struct WorkerPoolResults {
  /// By task index: the task's line, or nothing when it did not finish (its worker died, or the
  /// pool could not start).
  std::vector<std::optional<std::string>> lines;
  /// What went wrong, in the order seen ("run 3: its worker died", "worker 123 ended
  /// abnormally (status 256)", "fork: ..."); empty when every task finished and every worker
  /// exited with status 0.
  std::vector<std::string> failures;
};

/// Runs tasks 0..count-1 on max(1, min(jobs, count)) forked workers: each worker is handed the
/// next index as soon as it answers, so the order of completion varies but each result lands
/// at its index. A worker that dies loses only the task it held; the others carry on. Returns
/// when every worker has exited. No workers when count is 0. SIGPIPE is ignored meanwhile.
WorkerPoolResults run_in_worker_processes(std::size_t count, int jobs, const WorkerTask& task,
                                          const WorkerProgress& progress = {});

}  // namespace connsim::sweep
