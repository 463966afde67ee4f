// `connsim conform FILE|DIR... [--seed N] [--backend message|packet] [--store-path DIR]`
// Runs each scenario twice, every wallet on the C++ store, then every wallet on the JavaScript
// store (same seed, same world), and compares in order what the stores did (status writes,
// activity events, connect results, session outcomes: scenarios/conformance.hpp).
// Prints one PASS/FAIL line per scenario and "N passed, N failed"; for a scenario that
// diverges, its first divergence side by side and the history around it on stderr.
// Exit 0 every scenario conforms, 1 one diverges, 2 invalid input or the JavaScript store
// cannot run here (Node or its packages missing: the message says how to install them).
#include <filesystem>
#include <iostream>
#include <memory>

#include "apps/command.hpp"
#include "apps/memory_check.hpp"
#include "scenarios/conformance.hpp"

namespace connsim::apps {
namespace {

struct ConformOptions {
  std::vector<std::string> inputs;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> backend;
  std::string store_path;
};

int run_conform(const ConformOptions& o) {
  using namespace scenarios;
  const auto loaded = load_inputs(o.inputs);
  if (!loaded || !scenarios_fit_memory(*loaded)) return kExitInvalid;
  if (!o.store_path.empty() && !std::filesystem::is_directory(o.store_path)) {
    std::cerr << "connsim: --store-path: " << o.store_path << " is not a directory\n";
    return kExitInvalid;
  }
  RunOptions options;
  options.seed = o.seed;
  if (o.backend) options.backend = *o.backend == "packet" ? Backend::packet : Backend::message;
  options.store_path = o.store_path;

  std::size_t same = 0;
  for (const auto& scenario : *loaded) {
    Conformance result;
    try {
      result = conform(scenario, options);
    } catch (const std::exception& e) {  // the environment, not the scenario (Node, its packages)
      std::cerr << "connsim: " << scenario.name << ": " << e.what() << "\n";
      return kExitInvalid;
    }
    std::cout << conformance_line(result) << "\n" << std::flush;
    if (result.conforms()) {
      ++same;
    } else {
      std::cerr << result.name << ": first divergence: " << result.divergence->summary << "\n"
                << result.divergence->detail << std::flush;
    }
  }
  std::cout << same << " passed, " << loaded->size() - same << " failed\n";
  return same == loaded->size() ? kExitPass : kExitFail;
}

/// The description and the options of `connsim conform`.
void describe_conform(CLI::App& conform, ConformOptions& o) {
  conform.description(
      "Run scenarios with the C++ store and with the JavaScript store; fail at the first "
      "difference in what they did");
  add_inputs_option(conform, o.inputs,
                    "Scenario files, or directories (every *.json in them, sorted)");
  conform.add_option("--seed", o.seed, "Override every scenario's seed")->check(uint64_text());
  conform
      .add_option(
          "--backend", o.backend,
          "Network model for both runs: message (the default) or packet; overrides network.backend")
      ->check(CLI::IsMember({"message", "packet"}));
  conform.add_option("--store-path", o.store_path,
                     "JavaScript store sources for the JS runs (default: the project's js/store)");
}

}  // namespace

Command add_conform_command(CLI::App& app) {
  return add_command<ConformOptions>(app, "conform", describe_conform, run_conform);
}

}  // namespace connsim::apps
