// `connsim run FILE|DIR... [--seed N] [--junit FILE] [--trace FILE] [--html FILE] [--log] [--stats]
//               [--determinism] [--backend message|packet] [--network live] [--pcap DIR]
//               [--max-events N] [--max-wall-seconds S] [--store cpp|js] [--store-path DIR]
//               [--shard I/N] [--export-log WALLET -o LOG.json]`
// Runs each scenario and checks its expectations: one PASS/FAIL line per scenario, then
// "N passed, N failed". Exit 0 all passed, 1 any failed, 2 invalid input (nothing runs) or an
// output that could not be written. With --shard I/N only that shard's scenarios run (every
// input is still loaded and checked); its JUnit names the shard for `connsim merge`. With
// --export-log, the one scenario's wallet WALLET's field log (`connsim-log/1`) is written to -o.
#include <filesystem>
#include <iostream>
#include <memory>

#include "apps/command.hpp"
#include "apps/live_run.hpp"
#include "apps/memory_check.hpp"
#include "apps/sweep/run_result.hpp"
#include "scenarios/field_log/export_log.hpp"
#include "live/live_runner.hpp"
#include "scenarios/report_html.hpp"
#include "scenarios/reporters.hpp"
#include "scenarios/runner.hpp"

namespace connsim::apps {
namespace {

struct RunCommandOptions {
  std::vector<std::string> inputs;
  std::optional<std::uint64_t> seed;
  std::string junit_path;
  std::string trace_path;
  std::string html_path;
  bool log = false;
  bool stats = false;
  std::optional<std::string> backend;
  std::string pcap_directory;
  std::optional<std::uint64_t> max_events;
  std::optional<double> max_wall_seconds;
  std::optional<sim::StoreImplementation> store;
  std::string store_path;
  bool determinism = false;
  std::optional<sweep::Shard> shard;  // --shard I/N: only scenario k with k mod N == I-1
  std::string export_log_wallet;      // --export-log WALLET
  std::string export_log_path;        // -o LOG.json
};

/// With --export-log: whether it names one wallet of the one scenario; says why not on stderr.
bool export_log_usable(const RunCommandOptions& o, const std::vector<scenarios::Scenario>& loaded) {
  if (o.export_log_wallet.empty()) return true;
  if (loaded.size() != 1 || o.shard) {
    std::cerr << "connsim: --export-log needs exactly one scenario (got " << loaded.size() << ")"
              << (o.shard ? " and no --shard" : "") << "\n";
    return false;
  }
  if (loaded.front().find_wallet(o.export_log_wallet) == nullptr) {
    std::string known;
    for (const auto& w : loaded.front().wallets) known += (known.empty() ? "" : ", ") + w.id;
    std::cerr << "connsim: --export-log: unknown wallet \"" << o.export_log_wallet << "\"; known: " << known << "\n";
    return false;
  }
  return true;
}

/// Writes the field log of --export-log's wallet: its JavaScript store's exporter's, checked by
/// the strict decoder, or else made from the run's history (scenarios/field_log/export_log.hpp).
bool write_exported_log(const RunCommandOptions& o, const scenarios::Scenario& scenario,
                        const scenarios::RunReport& report) {
  using namespace scenarios::field_log;
  FieldLog log;
  if (report.exported_log) {
    const auto decoded = load_field_log_text(*report.exported_log, o.export_log_wallet + "'s field-log exporter");
    if (!decoded.ok()) {
      for (const auto& error : decoded.errors()) std::cerr << "connsim: --export-log: " << error.to_string() << "\n";
      return false;
    }
    log = decoded.log();
  } else {
    log = export_from_history(scenario, report, o.export_log_wallet);
  }
  return write_file(o.export_log_path, [&](std::ostream& out) { out << to_json(log).dump(2) << "\n"; });
}

/// The options of this command line, other than the seed, that decide what a run does: the
/// network, the store, the store sources and the runaway guards, as a failure's reproduce
/// hint must repeat them.
std::string reproduce_options(const RunCommandOptions& o) {
  std::string options;
  if (o.backend) options += (*o.backend == "live" ? " --network " : " --backend ") + *o.backend;
  if (o.store) options += " --store " + std::string(spelling_of(*o.store));
  if (!o.store_path.empty()) options += " --store-path " + o.store_path;
  if (o.max_events) options += " --max-events " + std::to_string(*o.max_events);
  if (o.max_wall_seconds) options += " --max-wall-seconds " + sweep::format_number(*o.max_wall_seconds);
  return options;
}

/// Whether --pcap can be honoured: it needs a packet run and a directory it can create. Says
/// why not on stderr.
bool pcap_directory_usable(const scenarios::RunOptions& options,
                           const std::vector<scenarios::Scenario>& loaded) {
  if (options.pcap_directory.empty()) return true;
  if (options.backend != scenarios::Backend::packet) {
    // Packets are written only for packet runs; say so rather than write nothing.
    bool any_packet = false;
    for (const auto& scenario : loaded) {
      any_packet |= !options.backend && scenario.network.backend == scenarios::Backend::packet;
    }
    if (!any_packet) {
      std::cerr << "connsim: --pcap needs the packet backend (--backend packet, or "
                   "network.backend in the scenario)\n";
      return false;
    }
  }
  std::error_code error;
  std::filesystem::create_directories(options.pcap_directory, error);
  if (error || !std::filesystem::is_directory(options.pcap_directory)) {
    std::cerr << "connsim: --pcap: cannot create directory " << options.pcap_directory << ": "
              << (error ? error.message() : "not a directory") << "\n";
    return false;
  }
  return true;
}

/// The runner's options as the command line sets them.
scenarios::RunOptions run_options_of(const RunCommandOptions& o) {
  scenarios::RunOptions options;
  options.seed = o.seed;
  options.log = o.log ? &std::cout : nullptr;
  options.keep_history = true;
  if (o.backend) options.backend = parse_spelling<scenarios::Backend>(*o.backend);
  options.pcap_directory = o.pcap_directory;
  options.max_events = o.max_events;
  options.max_wall_seconds = o.max_wall_seconds;
  options.store = o.store;
  options.store_path = o.store_path;
  options.export_log_wallet = o.export_log_wallet;
  return options;
}

int run_scenarios(const RunCommandOptions& o) {
  using namespace scenarios;
  const auto loaded = load_inputs(o.inputs);
  if (!loaded || !scenarios_fit_memory(*loaded)) return kExitInvalid;
  const RunOptions options = run_options_of(o);
  if (!pcap_directory_usable(options, *loaded)) return kExitInvalid;
  if (!export_log_usable(o, *loaded)) return kExitInvalid;
  if (!options.store_path.empty() && !std::filesystem::is_directory(options.store_path)) {
    std::cerr << "connsim: --store-path: " << options.store_path << " is not a directory\n";
    return kExitInvalid;
  }

  bool any_live = false;
  for (const auto& scenario : *loaded) any_live |= live::wants_live(scenario, options);
  if (any_live) {
    if (auto why = live::live_problem(options)) {
      std::cerr << "connsim: cannot run live: " << *why << "\n";
      return kExitInvalid;
    }
  }

  std::vector<RunReport> reports;
  const sweep::Shard shard = o.shard.value_or(sweep::Shard{});
  for (std::size_t k = 0; k < loaded->size(); ++k) {
    if (!shard.owns(k)) continue;
    const Scenario& scenario = (*loaded)[k];
    RunReport report;
    try {
      if (live::wants_live(scenario, options)) {
        auto live_run = run_live_or_exit_status(scenario, options);
        if (const int* status = std::get_if<int>(&live_run)) return *status;
        report = std::move(std::get<RunReport>(live_run));
      } else {
        report = run_scenario(scenario, options);
      }
    } catch (const std::exception& e) {  // the environment, not the scenario (a pcap file, Node)
      std::cerr << "connsim: " << scenario.name << ": " << e.what() << "\n";
      return kExitInvalid;
    }
    if (o.determinism && !live::wants_live(scenario, options)) {  // a live run is not repeatable
      RunOptions quiet = options;
      quiet.log = nullptr;
      const RunReport again = run_scenario(scenario, quiet);
      if (auto divergence = first_divergence(report, again)) {
        report.passed = false;
        report.failures.push_back(Failure{0, "", "nondeterministic: " + *divergence, ""});
      }
    }
    std::cout << console_line(report) << "\n";
    if (o.stats) std::cout << stats_line(report) << "\n";
    std::cout.flush();
    if (!report.passed) std::cerr << failure_details(report, reproduce_options(o)) << std::flush;
    if (!o.export_log_wallet.empty() && !write_exported_log(o, scenario, report)) return kExitInvalid;
    reports.push_back(std::move(report));
  }
  std::cout << summary_line(reports) << "\n";
  bool written = true;
  if (!o.junit_path.empty()) {
    const JunitShardNote note{shard.text(), loaded->size()};
    written &= write_file(o.junit_path, [&](std::ostream& out) {
      write_junit(out, reports, o.shard ? &note : nullptr);
    });
  }
  if (!o.trace_path.empty()) {
    written &= write_file(o.trace_path, [&](std::ostream& out) { write_trace(out, reports); });
  }
  if (!o.html_path.empty()) {
    written &= write_file(o.html_path, [&](std::ostream& out) { write_html_report(out, reports); });
  }
  for (const auto& report : reports) {
    if (!report.passed) return kExitFail;
  }
  return written ? kExitPass : kExitInvalid;
}

/// The description and the options of `connsim run`.
void describe_run(CLI::App& run, RunCommandOptions& o) {
  run.description("Run scenarios and check their expectations");
  add_inputs_option(run, o.inputs, "Scenario files, or directories (every *.json in them, sorted)");
  run.add_option("--seed", o.seed, "Override every scenario's seed")->check(uint64_text());
  run.add_option("--junit", o.junit_path, "Write JUnit XML to FILE");
  run.add_option("--trace", o.trace_path, "Write Chrome trace-event JSON (Perfetto) to FILE");
  run.add_option(
      "--html", o.html_path,
      "Write a self-contained HTML report (a summary and a timeline per scenario) to FILE");
  run.add_flag("--log", o.log, "Print the timeline as it runs");
  run.add_flag("--stats", o.stats, "Print one JSON line of run statistics per scenario");
  run.add_option("--backend", o.backend,
                 "Network model for every scenario: message (fast, the default) or packet (UDP "
                 "through ns-3 nodes and NAT nodes); overrides network.backend")
      ->check(CLI::IsMember({"message", "packet"}));
  run.add_option("--network", o.backend,
                 "live: run every scenario on real js-libp2p nodes in Linux network namespaces "
                 "(root, docs/LIVE.md); message|packet: as --backend")
      ->check(CLI::IsMember({"message", "packet", "live"}));
  run.add_option("--pcap", o.pcap_directory,
                 "Packet backend: write one pcap per node interface under DIR/<scenario name>/");
  run.add_option("--max-events", o.max_events,
                 "Stop a scenario that runs more than N simulator events and fail it (a runaway "
                 "guard)")
      ->check(uint64_text());
  run.add_option("--max-wall-seconds", o.max_wall_seconds,
                 "Stop a scenario that takes more than S seconds of real time and fail it")
      ->check(CLI::PositiveNumber);
  add_spelled_option(run, "--store", o.store,
                     "Store implementation for every wallet: cpp (the C++ port, the default) or js "
                     "(the wallet's JavaScript on Node, one host per run); overrides "
                     "store.implementation");
  run.add_option("--store-path", o.store_path,
                 "JavaScript store sources for the js wallets (default: the project's js/store)");
  run.add_flag("--determinism", o.determinism,
               "Run each scenario twice and fail when the two histories differ (names the first "
               "diverging entry)");
  add_shard_option(run, o.shard);
  auto* export_log =
      run.add_option("--export-log", o.export_log_wallet,
                     "Write this wallet's field log (connsim-log/1) of the one scenario to -o");
  run.add_option("-o,--log-out", o.export_log_path, "Where --export-log writes the log")
      ->needs(export_log);
  export_log->needs(run.get_option("-o"));
}

}  // namespace

Command add_run_command(CLI::App& app) {
  return add_command<RunCommandOptions>(app, "run", describe_run, run_scenarios);
}

}  // namespace connsim::apps
