// Conformance of the two store implementations (`connsim conform`): one scenario run once with
// every wallet on the C++ store and once with every wallet on the JavaScript store (same seed,
// same world), and what the stores did compared in order.
//
// Compared ("store acts"): the history's status writes, activity events (type and message),
// connect results (connectToPresence's outcome) and session changes (state and failure), each
// with its virtual time and wallet, in the order the history recorded them. Everything else in
// the history (connections, reservations, attempts, faults) follows from these and the world,
// and is shown around a divergence but not compared. Beyond the acts, a run whose JavaScript
// store failed (threw, died, went silent) diverges, and so does a scenario whose expectations
// pass on one store and fail on the other.
//
// Output contract: the same two runs give the same text, byte for byte (no wall times).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/model.hpp"
#include "scenarios/runner.hpp"
#include "sim/history.hpp"

namespace connsim::scenarios {

/// Whether conformance compares this kind of history entry.
bool is_store_act(const sim::HistoryEntry& entry);

/// The compared entries of a history, in its order (pointers into `history`).
std::vector<const sim::HistoryEntry*> store_acts(const std::vector<sim::HistoryEntry>& history);

/// Two acts are the same when their time, kind, wallet and typed fields are: a status write's
/// peer, status, connection type and error; an event's type and message; a connect's peer and
/// result (success, connection type, error); a session's id, state and failure.
bool same_act(const sim::HistoryEntry& a, const sim::HistoryEntry& b);

/// What kind of difference stopped the comparison.
enum class DivergenceKind {
  act,           // both stores did something at this position, and not the same thing
  cpp_longer,    // the JavaScript store's acts ended first
  js_longer,     // the C++ store's acts ended first
  store_failed,  // the JavaScript store threw, died or stopped answering (the acts were equal)
  expectations,  // the acts were equal, the expectations' outcomes were not
};

struct Divergence {
  DivergenceKind kind = DivergenceKind::act;
  std::size_t index = 0;  // position among the compared acts (kinds act, *_longer)
  std::optional<sim::HistoryEntry> cpp;  // the C++ store's act there (nullopt: none)
  std::optional<sim::HistoryEntry> js;
  /// One line: where and what each store did ("5.000000s alice: C++ store: ...; JS store: ...").
  std::string summary;
  /// The compared acts around it side by side, then each run's full history around it; one
  /// entry per line, indented; ends with the commands that reproduce each run.
  std::string detail;
};

struct Conformance {
  std::string name;
  std::string file;
  std::uint64_t seed = 1;
  std::size_t cpp_acts = 0;
  std::size_t js_acts = 0;
  std::size_t same_acts = 0;  // acts equal before the divergence (all of them when none)
  bool cpp_passed = false;
  bool js_passed = false;
  std::optional<Divergence> divergence;

  bool conforms() const { return !divergence.has_value(); }
};

/// Compares a run on the C++ store with a run of the same scenario and seed on the JavaScript
/// store. Both reports must have kept their history. `js_store_path` (empty: the project's
/// store) only goes into the reproduce commands of a divergence's detail.
Conformance compare_stores(const RunReport& cpp, const RunReport& js, const std::string& js_store_path = {});

/// Runs `scenario` on both stores with `options` (its `store` is overridden for each run; the
/// history is kept) and compares them. Throws what run_scenario throws when the JavaScript
/// store cannot run here (sim::js::EnvironmentError).
Conformance conform(const Scenario& scenario, RunOptions options);

/// One line per scenario, like `connsim run`'s:
///   "PASS <name>: <n> store acts the same (C++ PASS, JS PASS)"
///   "FAIL <name>: <divergence summary> (C++ PASS, JS FAIL)"
std::string conformance_line(const Conformance& result);

}  // namespace connsim::scenarios
