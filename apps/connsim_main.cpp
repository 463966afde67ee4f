// The `connsim` command: run and check scenario files (contract: scenario-format.md).
//   connsim run FILE|DIR... [--seed N] [--junit FILE] [--trace FILE] [--log] [--stats]
//               [--determinism] [--backend message|packet] [--pcap DIR]
//               [--max-events N] [--max-wall-seconds S]
//   connsim check FILE|DIR...
//   connsim crosscheck FILE|DIR... [--seed N] [--seeds N]   (both backends; outcomes must be
//                                                         equal; --seeds: in distribution)
// Exit status: 0 all passed / valid, 1 an expectation failed, 2 invalid input (nothing runs).
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/sweep_command.hpp"
#include "scenarios/crosscheck.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/reporters.hpp"
#include "scenarios/runner.hpp"

namespace {

using namespace connsim::scenarios;

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitInvalid = 2;

/// Loads every input; prints every error to stderr. Empty optional when anything is invalid.
std::optional<std::vector<Scenario>> load_all(const std::vector<std::string>& inputs) {
  std::vector<LoadError> errors;
  std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  const auto files = expand_inputs(paths, errors);
  std::vector<Scenario> scenarios;
  for (const auto& file : files) {
    LoadResult result = load_scenario_file(file);
    if (result.ok()) {
      scenarios.push_back(std::move(result.scenario()));
    } else {
      for (const auto& error : result.errors()) errors.push_back(error);
    }
  }
  std::vector<const Scenario*> loaded;
  for (const auto& scenario : scenarios) loaded.push_back(&scenario);
  for (auto& error : check_unique_names(loaded)) errors.push_back(std::move(error));
  if (!errors.empty()) {
    for (const auto& error : errors) std::cerr << error.to_string() << "\n";
    std::cerr << errors.size() << " invalid input" << (errors.size() == 1 ? "" : "s") << "; nothing was run\n";
    return std::nullopt;
  }
  return scenarios;
}

bool write_file(const std::string& path, const std::function<void(std::ostream&)>& write) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << "connsim: cannot write " << path << "\n";
    return false;
  }
  write(out);
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"connsim: a deterministic simulator for the Lotus wallet's P2P connection layer"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "connsim 0.1.0");

  std::vector<std::string> run_inputs;
  std::optional<std::uint64_t> seed;
  std::string junit_path;
  std::string trace_path;
  bool log = false;
  bool stats = false;
  CLI::App* run = app.add_subcommand("run", "Run scenarios and check their expectations");
  run->add_option("inputs", run_inputs, "Scenario files, or directories (every *.json in them, sorted)")
      ->required();
  // CLI11 alone wraps "-1" to 2^64-1 and saturates 10^30: accept only a decimal uint64.
  const CLI::Validator uint64_text(
      [](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [at, error] = std::from_chars(text.data(), end, value);
        if (text.empty() || error != std::errc() || at != end) {
          return "expected an integer from 0 to 18446744073709551615, got \"" + text + "\"";
        }
        return "";
      },
      "UINT64");
  run->add_option("--seed", seed, "Override every scenario's seed")->check(uint64_text);
  run->add_option("--junit", junit_path, "Write JUnit XML to FILE");
  run->add_option("--trace", trace_path, "Write Chrome trace-event JSON (Perfetto) to FILE");
  run->add_flag("--log", log, "Print the timeline as it runs");
  run->add_flag("--stats", stats, "Print one JSON line of run statistics per scenario");
  std::optional<std::string> backend;
  run->add_option("--backend", backend,
                  "Network model for every scenario: message (fast, the default) or packet (UDP "
                  "through ns-3 nodes and NAT nodes); overrides network.backend")
      ->check(CLI::IsMember({"message", "packet"}));
  std::string pcap_directory;
  run->add_option("--pcap", pcap_directory,
                  "Packet backend: write one pcap per node interface under DIR/<scenario name>/");
  std::optional<std::uint64_t> max_events;
  run->add_option("--max-events", max_events,
                  "Stop a scenario that runs more than N simulator events and fail it (a runaway guard)")
      ->check(uint64_text);
  std::optional<double> max_wall_seconds;
  run->add_option("--max-wall-seconds", max_wall_seconds,
                  "Stop a scenario that takes more than S seconds of real time and fail it")
      ->check(CLI::PositiveNumber);
  bool determinism = false;
  run->add_flag("--determinism", determinism,
                "Run each scenario twice and fail when the two histories differ (names the first "
                "diverging entry)");

  std::vector<std::string> check_inputs;
  CLI::App* check = app.add_subcommand("check", "Validate scenarios without running them");
  check->add_option("inputs", check_inputs, "Scenario files or directories")->required();

  std::vector<std::string> cross_inputs;
  std::optional<std::uint64_t> cross_seed;
  CLI::App* cross = app.add_subcommand(
      "crosscheck", "Run scenarios on both backends; fail when their outcomes differ, report timing differences");
  cross->add_option("inputs", cross_inputs, "Scenario files or directories")->required();
  cross->add_option("--seed", cross_seed, "Override every scenario's seed (with --seeds: the first)")->check(uint64_text);
  std::size_t cross_seeds = 0;
  cross->add_option("--seeds", cross_seeds,
                    "Compare in distribution over N consecutive seeds instead (random networks): one "
                    "summary line per scenario, exit 0 unless the input is invalid")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000}));

  connsim::apps::SweepCommand sweep(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitInvalid;
  }

  if (sweep.parsed()) return sweep.run();

  if (check->parsed()) {
    auto scenarios = load_all(check_inputs);
    if (!scenarios) return kExitInvalid;
    for (const auto& scenario : *scenarios) std::cout << "OK " << scenario.name << " (" << scenario.source_file << ")\n";
    std::cout << scenarios->size() << " valid\n";
    return kExitPass;
  }

  if (cross->parsed()) {
    auto scenarios = load_all(cross_inputs);
    if (!scenarios) return kExitInvalid;
    RunOptions options;
    options.seed = cross_seed;
    if (cross_seeds > 0) {
      options.keep_history = false;
      for (const auto& scenario : *scenarios) {
        const SeedSweep sweep = cross_check_seeds(scenario, cross_seed.value_or(1), cross_seeds, options);
        std::cout << seed_sweep_line(sweep) << "\n" << std::flush;
      }
      return kExitPass;
    }
    std::size_t same = 0;
    for (const auto& scenario : *scenarios) {
      const CrossCheck check = cross_check(scenario, options);
      std::cout << cross_check_line(check) << "\n" << std::flush;
      for (std::size_t i = 1; i < check.differences.size(); ++i) std::cerr << "  " << check.differences[i] << "\n";
      if (check.equal()) ++same;
    }
    std::cout << same << " same, " << scenarios->size() - same << " different\n";
    return same == scenarios->size() ? kExitPass : kExitFail;
  }

  auto scenarios = load_all(run_inputs);
  if (!scenarios) return kExitInvalid;
  RunOptions options;
  options.seed = seed;
  options.log = log ? &std::cout : nullptr;
  options.keep_history = true;
  if (backend) options.backend = *backend == "packet" ? Backend::packet : Backend::message;
  options.pcap_directory = pcap_directory;
  options.max_events = max_events;
  options.max_wall_seconds = max_wall_seconds;
  if (!pcap_directory.empty() && options.backend != Backend::packet) {
    // Packets are written only for packet runs; say so rather than write nothing.
    bool any_packet = false;
    for (const auto& scenario : *scenarios) {
      any_packet |= !options.backend && scenario.network.backend == Backend::packet;
    }
    if (!any_packet) {
      std::cerr << "connsim: --pcap needs the packet backend (--backend packet, or network.backend in the scenario)\n";
      return kExitInvalid;
    }
  }
  if (!pcap_directory.empty()) {
    std::error_code error;
    std::filesystem::create_directories(pcap_directory, error);
    if (error || !std::filesystem::is_directory(pcap_directory)) {
      std::cerr << "connsim: --pcap: cannot create directory " << pcap_directory << ": "
                << (error ? error.message() : "not a directory") << "\n";
      return kExitInvalid;
    }
  }

  std::vector<RunReport> reports;
  for (const auto& scenario : *scenarios) {
    RunReport report;
    try {
      report = run_scenario(scenario, options);
    } catch (const std::exception& e) {  // the environment, not the scenario (e.g. a pcap file)
      std::cerr << "connsim: " << scenario.name << ": " << e.what() << "\n";
      return kExitInvalid;
    }
    if (determinism) {
      RunOptions quiet = options;
      quiet.log = nullptr;
      const RunReport again = run_scenario(scenario, quiet);
      if (auto divergence = first_divergence(report, again)) {
        report.passed = false;
        report.failures.push_back(Failure{0, "", "nondeterministic: " + *divergence, ""});
      }
    }
    std::cout << console_line(report) << "\n";
    if (stats) std::cout << stats_line(report) << "\n";
    std::cout.flush();
    if (!report.passed) std::cerr << failure_details(report) << std::flush;
    reports.push_back(std::move(report));
  }
  std::cout << summary_line(reports) << "\n";
  bool written = true;
  if (!junit_path.empty()) written &= write_file(junit_path, [&](std::ostream& out) { write_junit(out, reports); });
  if (!trace_path.empty()) written &= write_file(trace_path, [&](std::ostream& out) { write_trace(out, reports); });
  for (const auto& report : reports) {
    if (!report.passed) return kExitFail;
  }
  return written ? kExitPass : kExitInvalid;
}
