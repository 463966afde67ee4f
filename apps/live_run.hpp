// One live run as a command sees it (`run` and `crosscheck --network live`): a report, or the
// exit status the command ends with because the run could not give one.
#pragma once

#include <variant>

#include "scenarios/model.hpp"
#include "scenarios/runner.hpp"

namespace connsim::apps {

/// Runs `scenario` live (live/live_runner.hpp). Returns its report; or, after saying why on
/// stderr, the exit status to end the command with: kExitInvalid when the run cannot start
/// (no privileges, Node or its packages missing, a setting live mode refuses), 128 + the
/// signal when a signal interrupted it (its namespaces and processes are gone by then).
std::variant<scenarios::RunReport, int> run_live_or_exit_status(const scenarios::Scenario& scenario,
                                                                const scenarios::RunOptions& options);

}  // namespace connsim::apps
