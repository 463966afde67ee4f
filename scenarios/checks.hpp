// The checkers: each expectation of a scenario against what a run recorded, and the metrics.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "scenarios/model.hpp"
#include "scenarios/runner.hpp"
#include "sim/history.hpp"

namespace connsim::scenarios {

/// A getter's value read from a store at a time.
struct GetterValue {
  Duration at{};
  std::variant<std::uint64_t, bool, store::PeerConnectionStatus> value;
};

struct CheckContext {
  const Scenario& scenario;
  const RunReport& report;  // records, steps and metrics filled in
  const std::vector<std::optional<GetterValue>>& getters;  // by expectation index
  const sim::History& history;
};

/// One Failure per expectation that does not hold, in expectation order.
std::vector<Failure> check_expectations(const CheckContext& context);

/// "[connecting@1.2s, connected@1.5s relay]" and friends, for messages.
std::string describe_status_writes(const std::vector<sim::StatusWrite>& writes);

}  // namespace connsim::scenarios
