// LiveRecorder: turns the conductor's report lines (js/live/live_run.js) into what the checkers
// read: per wallet its status writes, activity events, attempts, connects and session states
// (sim::WalletRecords), each step's outcome, and each getter's value. Times are the conductor's
// wall-clock nanoseconds since the run's start.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/checks.hpp"
#include "scenarios/model.hpp"
#include "scenarios/runner.hpp"

namespace connsim::live {

class LiveRecorder {
 public:
  explicit LiveRecorder(const scenarios::Scenario& scenario);

  /// One report line (parsed). Unknown or malformed lines are ignored; notices are kept.
  void consume(const nlohmann::json& line);

  std::vector<sim::WalletRecords>& records() { return records_; }
  std::vector<scenarios::StepOutcome>& steps() { return steps_; }
  const std::vector<std::optional<scenarios::GetterValue>>& getters() const { return getters_; }
  /// Notices and store errors, in order, each "<time> <text>".
  const std::vector<std::string>& notices() const { return notices_; }
  /// A store threw outside an action (the scenario fails with it, as in a simulated run).
  const std::optional<std::string>& store_error() const { return store_error_; }
  store::Duration end() const { return end_; }
  bool finished() const { return finished_; }
  std::optional<std::string> fatal() const { return fatal_; }
  /// A process of the run died unexpectedly and the conductor ended the run early: why.
  const std::optional<std::string>& aborted() const { return aborted_; }

 private:
  std::optional<std::size_t> wallet_of(const nlohmann::json& line) const;
  void consume_wallet_report(std::size_t w, const std::string& ev, const nlohmann::json& line, store::Duration at);
  void consume_result(const nlohmann::json& line, store::Duration at);

  const scenarios::Scenario& scenario_;
  std::vector<sim::WalletRecords> records_;
  std::vector<std::map<std::string, std::vector<std::pair<store::Duration, int>>>> open_connects_;
  std::vector<std::uint64_t> next_event_id_;
  std::vector<scenarios::StepOutcome> steps_;
  std::vector<std::optional<scenarios::GetterValue>> getters_;
  std::vector<std::string> notices_;
  std::optional<std::string> store_error_;
  std::optional<std::string> fatal_;
  std::optional<std::string> aborted_;
  store::Duration end_{};
  bool finished_ = false;
};

}  // namespace connsim::live
