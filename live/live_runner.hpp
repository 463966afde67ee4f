// Runs a scenario live (docs/LIVE.md): the plan (live/plan.hpp) goes to the conductor, which
// builds the namespaces and runs real js-libp2p nodes; its reports become a RunReport that the
// same checkers judge. No history fingerprint (a live run is not deterministic); failure details
// carry the run's notices instead of a history slice.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "scenarios/model.hpp"
#include "scenarios/runner.hpp"

namespace connsim::live {

struct LiveResult {
  scenarios::RunReport report;
  /// Set when the run could not happen on this machine or for this scenario (exit 2): why.
  std::optional<std::string> cannot_run;
  /// The signal (SIGINT, SIGTERM) that stopped the run; everything was torn down.
  int interrupted_by = 0;
};

/// Whether `options` and the scenario ask for a live run (--network live, network.backend).
bool wants_live(const scenarios::Scenario& scenario, const scenarios::RunOptions& options);

/// Why live runs cannot happen here or with these options (checked once, before any run).
std::optional<std::string> live_problem(const scenarios::RunOptions& options);

/// One scenario, live. `options.log` gets the conductor's reports as they come.
LiveResult run_live(const scenarios::Scenario& scenario, const scenarios::RunOptions& options);

/// `connsim live-cleanup`: removes the namespaces (and their processes) of live runs whose
/// conductor is gone; prints what it removed. Exit status as the command's.
int live_cleanup(std::ostream& out, std::ostream& err);

}  // namespace connsim::live
