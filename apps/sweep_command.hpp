// `connsim sweep`: runs one scenario over a grid of store options x seeds, in parallel worker
// processes (one ns-3 kernel per process), and writes per-run CSV, a per-grid-point summary (mean
// and 95 % confidence interval, CSV and Markdown) and gnuplot plots (PNG and SVG).
//
//   connsim sweep FILE [--policies fixed,exponential,exponential-jitter,deadline-bounded]
//                      [--max-attempts 1,2,3,4,5] [--base-delays 250ms,500ms,1s,2s,4s]
//                      [--concurrency batch:3,window:3,window:6] [--seeds 30] [--first-seed 1]
//                      [--deadline 30s] [--jobs N] [--out DIR] [--no-plots]
//
// Every grid point's options replace the retry policy (kind, max_attempts, base_delay and, for
// deadline-bounded, deadline) and the concurrency (mode, limit) of every wallet's store; the rest
// of the scenario is unchanged. A run is scenarios::run_scenario(scenario, RunOptions{seed}): the
// same file, options and seed give the same fingerprint whichever worker ran it.
// Exit status: 0 done, 1 a worker failed, 2 invalid input.
#pragma once

#include <memory>

namespace CLI {
class App;
}

namespace connsim::apps {

class SweepCommand {
 public:
  /// Registers the `sweep` subcommand on `app`.
  explicit SweepCommand(CLI::App& app);
  ~SweepCommand();
  SweepCommand(const SweepCommand&) = delete;
  SweepCommand& operator=(const SweepCommand&) = delete;

  /// Whether the command line chose `sweep`.
  bool parsed() const;
  /// Runs the sweep; returns the exit status.
  int run();

  struct Options;

 private:
  std::unique_ptr<Options> options_;
};

}  // namespace connsim::apps
