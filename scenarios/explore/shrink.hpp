// Shrinking a failing scenario document: greedy delta debugging over its parts. Each round
// lists candidates, each the current document with one part dropped or simplified, biggest cuts
// first (halves, quarters, ... of the timeline; a wallet with everything that names it; a relay;
// an expectation; then simpler values: NAT "none", default store and relay knobs, no loss, lower
// latency, no nickname, fewer repeats, fewer connect_many peers, an earlier `until`). The first
// candidate, in that order, that still fails the same way replaces the document, and the next
// round starts. It ends when no candidate does, or when the test budget is spent.
//
// Candidates the scenario loader refuses are dropped before testing. The tester sees candidates
// in order, in batches, and says for each whether it fails the same way; the result is the same
// whatever the batch size (the first success in list order is taken).
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

namespace connsim::scenarios::explore {

/// For each candidate, in order: whether it still fails the same way.
using CandidateTester = std::function<std::vector<bool>(const std::vector<nlohmann::json>& candidates)>;

struct ShrinkResult {
  nlohmann::json scenario;
  std::size_t tests = 0;     // candidates run
  std::size_t accepted = 0;  // candidates that replaced the document
};

/// Every one-step simplification of `scenario`, biggest first, valid or not.
std::vector<nlohmann::json> shrink_candidates(const nlohmann::json& scenario);

/// Shrinks `failing` (which must fail the way `test` looks for) within `max_tests` runs,
/// `batch` candidates at a time.
ShrinkResult shrink_scenario(const nlohmann::json& failing, const CandidateTester& test, std::size_t batch,
                             std::size_t max_tests);

/// A size measure for reports: wallets + relays + timeline steps + expectations.
std::size_t scenario_size(const nlohmann::json& scenario);

}  // namespace connsim::scenarios::explore
