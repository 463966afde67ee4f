#include "apps/live_run.hpp"

#include <iostream>
#include <utility>

#include "apps/command.hpp"
#include "live/live_runner.hpp"

namespace connsim::apps {

std::variant<scenarios::RunReport, int> run_live_or_exit_status(const scenarios::Scenario& scenario,
                                                                const scenarios::RunOptions& options) {
  live::LiveResult result = live::run_live(scenario, options);
  if (result.cannot_run) {
    std::cerr << "connsim: " << scenario.name << ": cannot run live: " << *result.cannot_run << "\n";
    return int{kExitInvalid};
  }
  if (result.interrupted_by != 0) {
    std::cerr << "connsim: interrupted; the live run's namespaces and processes were removed\n";
    return 128 + result.interrupted_by;
  }
  return std::move(result.report);
}

}  // namespace connsim::apps
