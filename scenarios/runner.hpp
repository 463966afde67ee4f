// The runner: builds the world a scenario describes, drives its timeline in virtual time,
// records what happened, then checks every expectation and computes the metrics.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "scenarios/model.hpp"
#include "sim/history.hpp"
#include "sim/records.hpp"
#include "store/musig2_store.hpp"
#include "store/result_map.hpp"

namespace connsim::scenarios {

struct RunOptions {
  std::optional<std::uint64_t> seed;  // --seed: overrides the scenario's
  std::ostream* log = nullptr;        // --log: the timeline as it runs
  bool keep_history = true;           // entries for traces and failure slices
  std::optional<Backend> backend;     // --backend: overrides the scenario's network.backend
  std::string pcap_directory;         // --pcap: packet backend only, one pcap per interface
  /// --max-events / --max-wall-seconds: a run past either stops early and fails (sim::Kernel::
  /// set_limits); unset: no limit.
  std::optional<std::uint64_t> max_events;
  std::optional<double> max_wall_seconds;
  /// --store: overrides every wallet's store.implementation.
  std::optional<sim::StoreImplementation> store;
  /// --store-path: the JavaScript store sources (empty: the project's js/store).
  std::string store_path;
  /// --export-log: when this wallet's stores are external (JavaScript), ask their field-log
  /// exporter for its log after the run (RunReport::exported_log).
  std::string export_log_wallet;
};

/// The signing session one run of a propose_spend step created.
struct SpendRun {
  std::string session_id;
  std::uint64_t generation = 0;
  Duration started{};
};

/// The value a step returned (its last run, for a repeated step).
struct StepOutcome {
  std::size_t runs = 0;
  bool finished = false;
  /// The wallet reloaded while the step ran: its promise was lost with the page.
  bool abandoned = false;
  std::vector<SpendRun> spends;  // propose_spend: every run that created a session
  Duration started{};
  Duration finished_at{};
  std::variant<std::monostate, store::ConnectResult, store::ResultMap<store::ConnectResult>,
               store::ProposeSpendResult>
      value;
  std::optional<std::string> exception;  // an exception escaped the store
};

/// One expectation that did not hold.
struct Failure {
  Failure() = default;
  Failure(std::size_t expectation_index, std::string pointer_text, std::string summary_text, std::string detail_text)
      : expectation(expectation_index),
        pointer(std::move(pointer_text)),
        summary(std::move(summary_text)),
        detail(std::move(detail_text)) {}

  std::size_t expectation = 0;
  std::string pointer;  // "/expect/<i>"
  std::string summary;  // one line: which expectation, expected, got
  std::string detail;   // the relevant slice of history, one entry per line
  // For reports that draw the run (the HTML report): the virtual time the failure is about
  // (nullopt: the run as a whole, e.g. a metric) and, when the summary reads
  // "<what>expected <expected>, got <got>", its two sides (else both empty).
  std::optional<Duration> at;
  std::string expected;
  std::string got;
};

struct RunStats {
  std::uint64_t events = 0;  // kernel events executed
  std::uint64_t connect_attempts = 0;
  std::uint64_t connects = 0;
  std::uint64_t connections = 0;
  double sim_seconds = 0;
  double wall_seconds = 0;
  long peak_rss_kb = 0;
  std::string fingerprint;
  std::uint64_t history_entries = 0;
  // Relay load, summed over the relays (the sweep's "relay circuits per run").
  std::uint64_t relay_circuits_opened = 0;
  std::uint64_t relay_circuits_refused = 0;
  std::uint64_t relay_reservations_refused = 0;
  std::uint64_t presence_deliveries = 0;  // presence records handed to a store (gossip fan-out)
  Backend backend = Backend::message;
  std::uint64_t packets = 0;              // packet backend: datagrams received by the nodes' devices
  std::vector<std::pair<std::string, std::uint64_t>> backend_counters;  // Paths::named_counters()
};

struct RunReport {
  std::string name;
  std::string file;
  std::uint64_t seed = 1;
  bool passed = false;
  std::vector<Failure> failures;
  std::map<Metric, std::optional<double>> metrics;  // nullopt: no data (e.g. no connects)
  RunStats stats;
  std::vector<std::string> wallet_ids;
  std::vector<std::string> wallet_peer_ids;  // per wallet: the peer id its store is known by
  std::vector<sim::WalletRecords> records;  // per wallet
  std::vector<sim::HistoryEntry> history;   // when kept
  std::vector<StepOutcome> steps;           // per timeline index
  /// The JavaScript stores failed the run (a store threw, the host died or went silent); the
  /// same text is also the first of `failures`.
  std::optional<std::string> store_failure;
  /// RunOptions::export_log_wallet's field log as its stores' own exporter wrote it (JSON text);
  /// nullopt for a C++ wallet (its log is made from the history: scenarios/field_log/).
  std::optional<std::string> exported_log;
};

/// Runs one scenario to its `until`. Never throws for anything the scenario can express.
RunReport run_scenario(const Scenario& scenario, const RunOptions& options = {});

/// Every metric of the contract over a run's records (time metrics in milliseconds).
std::map<Metric, std::optional<double>> compute_metrics(const Scenario& scenario,
                                                        const std::vector<sim::WalletRecords>& records,
                                                        const std::vector<StepOutcome>& steps,
                                                        Duration until);

}  // namespace connsim::scenarios
