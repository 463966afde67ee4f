// The run-cost model: what running a decoded Scenario would cost the simulator, estimated from the
// scenario alone, and checked against the budgets in scenarios/limits.hpp. A scenario over any
// budget is invalid input (exit 2) rather than a run that exhausts the machine.
//
// A pass over a decoded Scenario (the loader runs it once decoding is done); it never decodes and
// never runs anything. Each finding names the value to blame by JSON pointer and says why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/json_positions.hpp"
#include "scenarios/model.hpp"

namespace connsim::scenarios {

/// A budget passed: the value to blame and the message.
struct CostFinding {
  std::string pointer;
  std::string message;
};

/// The first step of the timeline at which the runs before `until` pass limits::kMaxTimelineRuns
/// or the connection attempts pass limits::kMaxTimelineAttempts (`step` indexes sc.timeline).
struct TimelineOverBudget {
  std::size_t step = 0;
  CostFinding finding;
};

/// The timeline budget, summed over sc.timeline in file order; nullopt when within it. A run of a
/// step weighs the connects it starts (each leaves records and history entries): connect_many one
/// per peer, propose_spend one per participant, reload/go_online/partition one per wallet (an
/// advertisement reaches every wallet; a partition checks every link), relay_down one per wallet on
/// the relay, any other step one; an attempt is such a connect times its wallet's
/// retry.max_attempts. Needs a valid sc.until.
std::optional<TimelineOverBudget> timeline_over_budget(const Scenario& sc);

/// The runs of sc.timeline before `until`, weighted as timeline_over_budget weighs them, summed
/// (in double: the sum is not capped). Needs a valid sc.until.
double weighted_timeline_runs(const Scenario& sc);

/// Periodic activities whose work before `until` the scenario sets (peer exchange,
/// re-advertisement, relay redials, presence gossip at joins, ICE checks per hole punch): one
/// finding for each over its budget, in that order. `doc` decides what to blame: the setting
/// when the file writes it, else what makes it costly (`until`, the wallet).
std::vector<CostFinding> periodic_over_budget(const Scenario& sc, const PositionedJson& doc);

}  // namespace connsim::scenarios
