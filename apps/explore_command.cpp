// `connsim explore SPACE.json [--runs N | --time T] [--seed S] [-j N] [-o DIR] [--shrink-budget N]
//                            [--oracle js [--store-path DIR]] [--draw SEED]
//                            [--match LOG [--tolerance T] [--keep K]]`
// Draws a scenario per run seed from a space file, runs each in worker processes, checks every
// property, and writes each distinct failure, shrunk, to DIR as a scenario file (the library is
// scenarios/explore/). Exit status: 0 nothing failed, 1 a finding, 2 invalid input.
// With --match LOG it searches for worlds that reproduce a wallet's field log instead
// (scenarios/explore/match_search.hpp): exit 0 when the best world matches every observation,
// 1 when none does, 2 invalid input.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "apps/command.hpp"
#include "apps/sweep/worker_pool.hpp"
#include "scenarios/explore/draw.hpp"
#include "scenarios/explore/explore.hpp"
#include "scenarios/explore/match_search.hpp"
#include "scenarios/field_log/field_log.hpp"
#include "scenarios/loader.hpp"

namespace connsim::apps {
namespace {

struct ExploreCommandOptions {
  std::string space;
  std::uint64_t runs = 0;
  std::string time;
  std::uint64_t seed = 1;
  int jobs = 0;
  std::string out = "explore-out";
  std::size_t shrink_budget = 300;
  std::optional<std::uint64_t> draw;  // --draw SEED: print that seed's scenario and stop
  std::string oracle;                 // "js": compare with the JavaScript store
  std::string store_path;
  std::string match;                  // --match LOG: reproduce a field log
  std::string tolerance = "1s";       // --tolerance: how far a matched observation may be off
  std::size_t keep = 3;               // --keep: best worlds written
  std::optional<sweep::Shard> shard;  // --shard I/N: only those runs; a record for connsim merge
};

void print_errors(const std::vector<scenarios::LoadError>& errors) {
  for (const auto& error : errors) std::cerr << error.to_string() << "\n";
  std::cerr << errors.size() << " invalid input" << (errors.size() == 1 ? "" : "s") << "; nothing was run\n";
}

/// `explore SPACE --match LOG`: the search for worlds that reproduce the log.
int run_match(const ExploreCommandOptions& o, const scenarios::explore::Space& space,
              scenarios::explore::ExploreOptions explore) {
  const auto log = scenarios::field_log::load_field_log_file(o.match);
  if (!log.ok()) {
    print_errors(log.errors());
    return kExitInvalid;
  }
  const auto tolerance = scenarios::parse_time(o.tolerance);
  if (!tolerance) {
    std::cerr << "connsim explore: --tolerance: expected a time such as 500ms or 2s, got \"" << o.tolerance << "\"\n";
    return kExitInvalid;
  }
  if (auto problem = scenarios::explore::match_problem(space, log.log())) {
    std::cerr << "connsim explore: --match: " << *problem << "\n";
    return kExitInvalid;
  }
  scenarios::explore::MatchOptions options;
  options.explore = std::move(explore);
  options.tolerance.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(*tolerance).count();
  options.keep = std::max<std::size_t>(1, o.keep);
  const auto report = scenarios::explore::match_space(space, log.log(), options, std::cout, std::cerr);
  const double rate = report.run_wall_seconds > 0 ? static_cast<double>(report.runs) / report.run_wall_seconds : 0;
  std::cout << "matched " << report.runs << " runs of " << space.name << " against " << o.match << " (seed " << o.seed
            << ") in " << static_cast<int>(report.run_wall_seconds * 10 + 0.5) / 10.0 << " s on " << options.explore.jobs
            << " worker" << (options.explore.jobs == 1 ? "" : "s") << ", " << static_cast<int>(rate * 10 + 0.5) / 10.0
            << " runs/s; best: "
            << (report.worlds.empty() ? std::string("none ran") : report.worlds.front().shrunk_score.summary()) << "\n";
  for (const auto& failure : report.worker_failures) std::cerr << "connsim explore: " << failure << "\n";
  const bool complete = !report.worlds.empty() && report.worlds.front().shrunk_score.complete();
  return complete ? kExitPass : kExitFail;
}

/// With --oracle js: whether the JavaScript store runs here (one tiny scenario, in a worker
/// process so that this process keeps no simulator state); prints why not.
bool oracle_available(const scenarios::explore::EvaluateOptions& evaluate) {
  const nlohmann::json probe = {{"format", "connsim/1"}, {"name", "oracle-check"}, {"until", "10s"},
                                {"wallets", nlohmann::json::array({{{"id", "a"}}})}};
  const auto results = sweep::run_in_worker_processes(1, 1, [&](std::size_t) {
    return scenarios::explore::evaluate_scenario(probe, evaluate).to_json().dump();
  });
  if (!results.lines[0]) {
    std::cerr << "connsim explore: --oracle js: the check run's worker died\n";
    return false;
  }
  for (const auto& finding : scenarios::explore::RunVerdict::from_json(nlohmann::json::parse(*results.lines[0])).findings) {
    if (finding.property != scenarios::explore::kOracleUnavailable) continue;
    std::cerr << "connsim explore: --oracle js: " << finding.message << "\n";
    return false;
  }
  return true;
}

int run_explore(const ExploreCommandOptions& o, const std::string& command) {
  const auto loaded = scenarios::explore::load_space_file(o.space);
  if (!loaded.ok()) {
    print_errors(loaded.errors());
    return kExitInvalid;
  }
  if (o.draw) {
    std::cout << scenarios::explore::draw_scenario(loaded.space(), *o.draw).dump(2) << "\n";
    return kExitPass;
  }
  scenarios::explore::ExploreOptions options;
  options.seed = o.seed;
  options.evaluate.oracle_js = o.oracle == "js";
  options.evaluate.store_path = o.store_path;
  if (!o.store_path.empty() && !std::filesystem::is_directory(o.store_path)) {
    std::cerr << "connsim explore: --store-path: " << o.store_path << " is not a directory\n";
    return kExitInvalid;
  }
  if (options.evaluate.oracle_js && !oracle_available(options.evaluate)) return kExitInvalid;
  if (!o.time.empty()) {
    const auto time = scenarios::parse_time(o.time);
    if (!time || *time <= scenarios::Duration::zero()) {
      std::cerr << "connsim explore: --time: expected a positive time such as 30s or 2m, got \"" << o.time << "\"\n";
      return kExitInvalid;
    }
    options.time_seconds = std::chrono::duration<double>(*time).count();
  }
  options.runs = o.runs > 0 ? o.runs : 100;
  options.jobs = o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  options.out_dir = o.out;
  options.shrink_budget = o.shrink_budget;
  options.progress = isatty(STDERR_FILENO) != 0;
  options.command = command;
  options.shard = o.shard;
  if (!o.match.empty()) return run_match(o, loaded.space(), options);
  const auto report = scenarios::explore::explore_space(loaded.space(), options, std::cout, std::cerr);
  const double rate = report.run_wall_seconds > 0 ? static_cast<double>(report.runs) / report.run_wall_seconds : 0;
  std::cout << "explored " << report.runs << " runs of " << loaded.space().name << " (seed " << o.seed << ") in "
            << static_cast<int>(report.run_wall_seconds * 10 + 0.5) / 10.0 << " s on " << options.jobs << " worker"
            << (options.jobs == 1 ? "" : "s") << ", " << static_cast<int>(rate * 10 + 0.5) / 10.0 << " runs/s; "
            << report.groups.size() << " finding" << (report.groups.size() == 1 ? "" : "s") << "\n";
  for (const auto& failure : report.worker_failures) std::cerr << "connsim explore: " << failure << "\n";
  return report.groups.empty() ? kExitPass : kExitFail;
}

/// The description and the options of `connsim explore`.
void describe_explore(CLI::App& c, ExploreCommandOptions& o) {
  c.description(
      "Draw random scenarios from a space file, run them in parallel, check every property, and "
      "write each distinct failure, shrunk, as a scenario file");
  c.add_option("space", o.space, "The space file (connsim-space/1)")->required();
  auto* runs = c.add_option("--runs", o.runs, "Runs to explore (default 100)");
  c.add_option("--time", o.time, "Explore for this long instead (a time: 30s, 2m)")->excludes(runs);
  c.add_option("--seed", o.seed, "The first seed; run i draws from a seed made of it and i")
      ->check(uint64_text())
      ->capture_default_str();
  c.add_option("-j,--jobs", o.jobs, "Worker processes (default: one per core)");
  c.add_option("-o,--out", o.out, "Directory for the shrunk scenario files")->capture_default_str();
  c.add_option("--shrink-budget", o.shrink_budget, "Candidate runs per finding when shrinking")
      ->capture_default_str();
  c.add_option(
       "--oracle", o.oracle,
       "js: also run every scenario on the JavaScript store and report where the two stores "
       "differ (connsim conform reproduces it)")
      ->check(CLI::IsMember({"js"}));
  c.add_option("--store-path", o.store_path,
               "With --oracle js: the JavaScript store sources (default js/store)");
  auto* match =
      c.add_option("--match", o.match,
                   "Search for worlds that reproduce this field log (connsim-log/1) instead of "
                   "checking properties; writes the best, shrunk, to -o");
  match->excludes(c.get_option("--oracle"));
  c.add_option(
       "--tolerance", o.tolerance,
       "With --match: how far in time a run's observation may be from the log's (default 1s)")
      ->needs(match);
  c.add_option("--keep", o.keep,
               "With --match: how many of the best worlds to shrink and write (default 3)")
      ->needs(match);
  add_shard_option(c, o.shard)->excludes(match);
  c.add_option("--draw", o.draw,
               "Print the scenario this run seed draws (as a scenario file) and stop");
}

}  // namespace

Command add_explore_command(CLI::App& app) {
  return add_command<ExploreCommandOptions>(
      app, "explore", describe_explore,
      [](const ExploreCommandOptions& o) { return run_explore(o, "connsim"); });
}

}  // namespace connsim::apps
