// `connsim crosscheck FILE|DIR... [--seed N] [--seeds N]`: runs each scenario on both backends.
// Without --seeds: one SAME/DIFF line per scenario; exit 0 all the same, 1 an outcome differs.
// With --seeds N: compares N consecutive seeds in distribution, one summary line per scenario;
// exit 0. Invalid input: exit 2, nothing runs.
#include <iostream>
#include <memory>

#include "apps/command.hpp"
#include "scenarios/crosscheck.hpp"

namespace connsim::apps {
namespace {

struct CrosscheckOptions {
  std::vector<std::string> inputs;
  std::optional<std::uint64_t> seed;
  std::size_t seeds = 0;  // 0: one run per backend, outcomes compared exactly
};

int run_crosscheck(const CrosscheckOptions& o) {
  using namespace scenarios;
  const auto loaded = load_inputs(o.inputs);
  if (!loaded) return kExitInvalid;
  RunOptions options;
  options.seed = o.seed;
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

}  // namespace

Command add_crosscheck_command(CLI::App& app) {
  auto o = std::make_shared<CrosscheckOptions>();
  CLI::App* cross = app.add_subcommand(
      "crosscheck",
      "Run scenarios on both backends; fail when their outcomes differ, report timing differences");
  add_inputs_option(*cross, o->inputs);
  cross->add_option("--seed", o->seed, "Override every scenario's seed (with --seeds: the first)")
      ->check(uint64_text());
  cross
      ->add_option("--seeds", o->seeds,
                   "Compare in distribution over N consecutive seeds instead (random networks): "
                   "one summary line per scenario, exit 0 unless the input is invalid")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000}));
  return Command{cross, [o] { return run_crosscheck(*o); }};
}

}  // namespace connsim::apps
