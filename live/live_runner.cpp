#include "live/live_runner.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "live/conductor_process.hpp"
#include "live/plan.hpp"
#include "live/recorder.hpp"
#include "scenarios/checks.hpp"
#include "sim/history.hpp"

namespace connsim::live {
namespace {

using nlohmann::json;

/// A temporary file holding the plan, removed when this goes.
class PlanFile {
 public:
  explicit PlanFile(const json& plan) {
    std::string name = (std::filesystem::temp_directory_path() / "connsim-live-plan-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the live plan");
    ::close(fd);
    path_ = name;
    std::ofstream(path_) << plan.dump() << "\n";
  }
  ~PlanFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  PlanFile(const PlanFile&) = delete;
  PlanFile& operator=(const PlanFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// One line of --log for a conductor report: "[12.345678s] status alice bob connected webrtc".
std::string log_line(const json& line) {
  std::string out = "[" + sim::format_time(store::Duration(static_cast<std::int64_t>(line.value("t", 0.0)))) + "] live " +
                    line.value("ev", std::string("?"));
  for (const auto& [key, value] : line.items()) {
    if (key == "t" || key == "ev") continue;
    out += " " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return out;
}

std::string store_dir_of(const scenarios::RunOptions& options, const LivePaths& paths) {
  if (!options.store_path.empty()) return std::filesystem::absolute(options.store_path).string();
  return paths.js_dir + "/store";
}

}  // namespace

bool wants_live(const scenarios::Scenario& scenario, const scenarios::RunOptions& options) {
  return options.backend.value_or(scenario.network.backend) == scenarios::Backend::live;
}

std::optional<std::string> live_problem(const scenarios::RunOptions& /*options*/) {
  return live_environment_problem(LivePaths::find());
}

LiveResult run_live(const scenarios::Scenario& scenario, const scenarios::RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  LiveResult result;
  scenarios::RunReport& report = result.report;
  report.name = scenario.name;
  report.file = scenario.source_file;
  report.seed = options.seed.value_or(scenario.seed);
  report.stats.backend = scenarios::Backend::live;
  if (auto why = unsupported_in_live(scenario)) {
    result.cannot_run = *why;
    return result;
  }
  const LivePaths paths = LivePaths::find();
  PlanOptions plan_options;
  plan_options.store_dir = store_dir_of(options, paths);
  plan_options.link_binary = paths.link_binary;
  plan_options.store_binary = paths.store_binary;
  plan_options.store = options.store;
  const PlanFile plan(make_plan(scenario, report.seed, plan_options));
  LiveRecorder recorder(scenario);
  // The conductor stops itself at `until`; this limit only guards against a conductor that hangs.
  const double limit = std::chrono::duration<double>(scenario.until).count() + 300;
  const ConductorExit exit = run_conductor(paths, {"run", plan.path()}, [&](const std::string& text) {
    const json line = json::parse(text, nullptr, false);
    if (line.is_discarded()) return;
    if (options.log != nullptr) *options.log << log_line(line) << "\n" << std::flush;
    recorder.consume(line);
  }, limit);
  result.interrupted_by = exit.interrupted_by;
  if (recorder.fatal() && exit.status == 2) {
    result.cannot_run = *recorder.fatal();
    return result;
  }
  for (std::size_t w = 0; w < scenario.wallets.size(); ++w) {
    report.wallet_ids.push_back(scenario.wallets[w].id);
    report.wallet_peer_ids.push_back(scenario.wallets[w].peer_id);
  }
  report.records = std::move(recorder.records());
  report.steps = std::move(recorder.steps());
  const store::Duration end = recorder.end() > store::Duration::zero() ? recorder.end() : scenario.until;
  report.metrics = scenarios::compute_metrics(scenario, report.records, report.steps, end);
  if (recorder.fatal() || recorder.aborted() || !recorder.finished() || exit.timed_out) {
    std::string why = recorder.fatal()     ? *recorder.fatal()
                      : recorder.aborted() ? *recorder.aborted()
                      : exit.interrupted_by != 0 ? "interrupted by signal " + std::to_string(exit.interrupted_by)
                      : exit.timed_out ? "the live run did not finish within its wall-clock limit"
                                       : "the live conductor exited with status " + std::to_string(exit.status);
    report.failures.push_back(scenarios::Failure{0, "", "live run failed: " + why, ""});
  } else {
    const sim::History no_history;
    scenarios::CheckContext context{scenario, report, recorder.getters(), no_history};
    report.failures = scenarios::check_expectations(context);
    if (recorder.store_error()) report.failures.insert(report.failures.begin(), scenarios::Failure{0, "", *recorder.store_error(), ""});
  }
  std::string notices;
  for (const auto& notice : recorder.notices()) notices += "    " + notice + "\n";
  for (auto& failure : report.failures) {
    if (failure.detail.empty() && !notices.empty()) failure.detail = "  live notices:\n" + notices;
  }
  for (const auto& records : report.records) {
    report.stats.connect_attempts += records.attempts.size();
    report.stats.connects += records.connects.size();
  }
  report.passed = report.failures.empty();
  report.stats.sim_seconds = std::chrono::duration<double>(end).count();
  report.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  report.stats.fingerprint = "live";
  return result;
}

int live_cleanup(std::ostream& out, std::ostream& err) {
  if (::geteuid() != 0) {
    err << "connsim live-cleanup: needs root (it deletes network namespaces)\n";
    return 2;
  }
  const LivePaths paths = LivePaths::find();
  if (!std::filesystem::exists(paths.node)) {
    err << "connsim live-cleanup: " << paths.node << " is missing; run scripts/install-deps.sh\n";
    return 2;
  }
  std::size_t removed = 0;
  const ConductorExit exit = run_conductor(paths, {"cleanup"}, [&](const std::string& text) {
    const json line = json::parse(text, nullptr, false);
    if (line.is_discarded() || !line.contains("namespaces")) return;
    for (const auto& ns : line["namespaces"]) {
      out << "removed " << ns.get<std::string>() << "\n";
      ++removed;
    }
  }, 120);
  out << removed << " namespaces of stale live runs removed\n";
  return exit.status == 0 ? 0 : 2;
}

}  // namespace connsim::live
