// Running one drawn (or shrunk) scenario document and naming what broke: each failure becomes a
// Finding with its property and a signature, so that the same bug found by many runs is reported
// once and a shrunk scenario can be checked to fail "the same way".
//
// Properties: "invariant <name>" (a built-in invariant, scenarios/invariants.hpp), "liveness
// connect-when-path" / "liveness reachable-after-relay-return" (a probe's expectation, draw.hpp),
// "expect <expectation as JSON>" (the space's own expectations), "run <pointer>" (the run itself
// failed: a store exception, a runaway guard), "draw invalid" (the draw made a file the loader
// refuses: a bug of explore itself), "oracle js" (with --oracle js: the C++ and the JavaScript
// store did not do the same, `connsim conform` reproduces it).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connsim::scenarios::explore {

struct Finding {
  std::string property;
  std::string signature;  // the failure's message with ids, numbers and times made generic
  std::string message;    // the first such failure's message, as the run said it

  std::string key() const { return property + " | " + signature; }
};

struct RunVerdict {
  std::uint64_t seed = 0;
  bool ran = false;  // false: the worker died or the draw was invalid
  std::vector<Finding> findings;
  double wall_seconds = 0;
  std::uint64_t events = 0;

  nlohmann::json to_json() const;
  static RunVerdict from_json(const nlohmann::json& value);
};

struct EvaluateOptions {
  std::uint64_t max_events = 20'000'000;  // a runaway guard; deterministic
  /// --oracle js: also run every wallet on the JavaScript store and compare the two stores'
  /// acts (scenarios/conformance.hpp); a divergence is the finding "oracle js".
  bool oracle_js = false;
  std::string store_path;  // the JavaScript store's sources (empty: the project's)
};

/// The property of a conformance divergence, and of a JavaScript store that cannot run here.
inline constexpr std::string_view kOracleProperty = "oracle js";
inline constexpr std::string_view kOracleUnavailable = "oracle js unavailable";

/// Loads `scenario` with the scenario loader and runs it; one Finding per distinct property and
/// signature among its failures, in the order the run reported them.
RunVerdict evaluate_scenario(const nlohmann::json& scenario, const EvaluateOptions& options = {});

/// The generic form of a failure message: digit runs become '#' and quoted values '"..."' (or
/// '\'...\''), so "w3 ... 12.5s wrote 'failed'" and "w1 ... 7.25s wrote 'connected'" read the same.
std::string signature_of(std::string_view message);

/// The property a failure at `pointer` breaks, given the scenario document it ran.
std::string property_of(const std::string& pointer, const nlohmann::json& scenario);

}  // namespace connsim::scenarios::explore
