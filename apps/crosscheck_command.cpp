// `connsim crosscheck FILE|DIR... [--seed N] [--seeds N] [--network live [--store cpp|js]]`: runs each scenario on both
// backends (with --network live: simulated on its own backend, and live; live/live_crosscheck.hpp).
// Without --seeds: one SAME/DIFF line per scenario; exit 0 all the same, 1 an outcome differs.
// With --seeds N: compares N consecutive seeds in distribution, one summary line per scenario;
// exit 0. Invalid input: exit 2, nothing runs.
#include <iostream>
#include <memory>

#include "apps/command.hpp"
#include "apps/live_run.hpp"
#include "apps/memory_check.hpp"
#include "live/live_crosscheck.hpp"
#include "live/live_runner.hpp"
#include "scenarios/crosscheck.hpp"

namespace connsim::apps {
namespace {

struct CrosscheckOptions {
  std::vector<std::string> inputs;
  std::optional<std::uint64_t> seed;
  std::size_t seeds = 0;  // 0: one run per backend, outcomes compared exactly
  std::optional<std::string> network;  // "live": simulated vs live
  std::optional<std::string> store;    // with --network live: the stores of both runs
};

/// Simulated (the scenario's own backend; message for a file that says live) against live.
int run_live_crosscheck(const std::vector<scenarios::Scenario>& loaded, const scenarios::RunOptions& options) {
  using namespace scenarios;
  if (auto why = live::live_problem(options)) {
    std::cerr << "connsim: cannot run live: " << *why << "\n";
    return kExitInvalid;
  }
  std::size_t same = 0;
  for (const auto& scenario : loaded) {
    RunOptions simulated_options = options;
    simulated_options.backend = scenario.network.backend == Backend::live ? Backend::message : scenario.network.backend;
    const RunReport simulated = run_scenario(scenario, simulated_options);
    RunOptions live_options = options;
    live_options.backend = Backend::live;
    auto live_run = run_live_or_exit_status(scenario, live_options);
    if (const int* status = std::get_if<int>(&live_run)) return *status;
    const live::LiveCrossCheck check = live::compare_with_live(simulated, std::get<RunReport>(live_run));
    live::write_live_crosscheck(std::cout, check);
    std::cout << std::flush;
    if (check.same()) ++same;
  }
  std::cout << same << " same, " << loaded.size() - same << " different\n";
  return same == loaded.size() ? kExitPass : kExitFail;
}

int run_crosscheck(const CrosscheckOptions& o) {
  using namespace scenarios;
  const auto loaded = load_inputs(o.inputs);
  if (!loaded || !scenarios_fit_memory(*loaded)) return kExitInvalid;
  RunOptions options;
  options.seed = o.seed;
  if (o.store && o.network != "live") {
    std::cerr << "connsim: crosscheck: --store goes with --network live\n";
    return kExitInvalid;
  }
  if (o.store) options.store = *o.store == "js" ? sim::StoreImplementation::js : sim::StoreImplementation::cpp;
  if (o.network == "live") {
    if (o.seeds > 0) {
      std::cerr << "connsim: crosscheck: --seeds and --network live do not go together\n";
      return kExitInvalid;
    }
    return run_live_crosscheck(*loaded, options);
  }
  if (o.seeds > 0) {
    options.keep_history = false;
    for (const auto& scenario : *loaded) {
      const SeedSweep sweep = cross_check_seeds(scenario, o.seed.value_or(1), o.seeds, options);
      std::cout << seed_sweep_line(sweep) << "\n" << std::flush;
    }
    return kExitPass;
  }
  std::size_t same = 0;
  for (const auto& scenario : *loaded) {
    const CrossCheck check = cross_check(scenario, options);
    std::cout << cross_check_line(check) << "\n" << std::flush;
    for (std::size_t i = 1; i < check.differences.size(); ++i) {
      std::cerr << "  " << check.differences[i] << "\n";
    }
    if (check.equal()) ++same;
  }
  std::cout << same << " same, " << loaded->size() - same << " different\n";
  return same == loaded->size() ? kExitPass : kExitFail;
}

/// The description and the options of `connsim crosscheck`.
void describe_crosscheck(CLI::App& cross, CrosscheckOptions& o) {
  cross.description(
      "Run scenarios on both backends; fail when their outcomes differ, report timing differences");
  add_inputs_option(cross, o.inputs);
  cross.add_option("--seed", o.seed, "Override every scenario's seed (with --seeds: the first)")
      ->check(uint64_text());
  cross
      .add_option("--seeds", o.seeds,
                  "Compare in distribution over N consecutive seeds instead (random networks): "
                  "one summary line per scenario, exit 0 unless the input is invalid")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000}));
  cross
      .add_option("--network", o.network,
                  "live: compare the simulation with a live run on real js-libp2p nodes in network "
                  "namespaces (root; docs/LIVE.md), connect by connect")
      ->check(CLI::IsMember({"live"}));
  cross
      .add_option(
          "--store", o.store,
          "with --network live: every wallet's stores in both runs, the C++ port (cpp) or the "
          "wallet's JavaScript (js); overrides store.implementation")
      ->check(CLI::IsMember({"cpp", "js"}));
}

}  // namespace

Command add_crosscheck_command(CLI::App& app) {
  return add_command<CrosscheckOptions>(app, "crosscheck", describe_crosscheck, run_crosscheck);
}

}  // namespace connsim::apps
