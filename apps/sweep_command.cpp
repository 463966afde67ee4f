// `connsim sweep FILE [--policies fixed,exponential,exponential-jitter,deadline-bounded]
//                     [--max-attempts 1,2,3,4,5] [--base-delays 250ms,500ms,1s,2s,4s]
//                     [--concurrency batch:3,window:3,window:6] [--seeds 30] [--first-seed 1]
//                     [--deadline 30s] [--backend message|packet] [--jobs N] [--out DIR]
//                     [--no-plots] [--plot-base-delay 1s] [--plot-attempts 3]
//                     [--plot-concurrency batch:3] [--shard I/N]`
// Runs one scenario over a grid of store options x seeds in parallel worker processes (one ns-3
// kernel per process) and writes runs.csv, summary.csv, summary.md (mean and 95 % confidence
// interval per grid point, paired differences from the seed's defaults) and gnuplot plots (PNG
// and SVG) into DIR, and index.html, the plots and the summary in one page (apps/sweep/
// dashboard.hpp). The pieces are the connsim_sweep library (apps/sweep/).
// With --shard I/N it runs only that shard's runs (apps/sweep/shard.hpp) and writes only
// DIR/shard-I-of-N.json (apps/sweep/shard_record.hpp); `connsim merge DIR` writes the outputs.
// Exit status: 0 done, 1 a worker failed, 2 invalid input.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "apps/command.hpp"
#include "apps/memory_check.hpp"
#include "apps/sweep/grid.hpp"
#include "apps/sweep/outputs.hpp"
#include "apps/sweep/plots.hpp"
#include "apps/sweep/runs.hpp"
#include "apps/sweep/shard_record.hpp"
#include "scenarios/loader.hpp"

namespace connsim::apps {
namespace {

struct SweepOptions {
  std::string scenario;
  sweep::GridSpec grid;
  std::optional<scenarios::Backend> backend;  // none: the scenario's network.backend
  int jobs = 0;         // 0: one per core
  std::string out;      // empty: sweep-<scenario name>
  bool no_plots = false;
  sweep::PlotSlices plot;
  std::optional<sweep::Shard> shard;  // --shard I/N: only that share, written as a shard record
};

/// The scenario file's bytes (for the shard record's digest); empty when unreadable, which the
/// loader has reported already.
std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Writes the shard's record DIR/shard-I-of-N.json (shard_record.hpp); false, said, when it
/// cannot.
bool write_shard_record(const std::filesystem::path& dir, const SweepOptions& o,
                        const sweep::SweepShardRecord& record) {
  const auto path = dir / (o.shard->file_stem() + ".json");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << sweep::to_json(record).dump(1) << "\n";
  if (!out) {
    std::cerr << "connsim sweep: cannot write " << path.string() << "\n";
    return false;
  }
  return true;
}

int run_sweep(const SweepOptions& o) {
  auto loaded = scenarios::load_scenario_file(o.scenario);
  if (!loaded.ok()) {
    for (const auto& error : loaded.errors()) std::cerr << error.to_string() << "\n";
    return kExitInvalid;
  }
  scenarios::Scenario& scenario = loaded.scenario();
  if (o.backend) scenario.network.backend = *o.backend;
  std::vector<std::string> errors;
  const auto grid = sweep::build_grid(o.grid, errors);
  if (!grid) {
    for (const auto& error : errors) std::cerr << "connsim sweep: " << error << "\n";
    return kExitInvalid;
  }
  int jobs = o.jobs;
  if (jobs <= 0) jobs = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  const sweep::Shard shard = o.shard.value_or(sweep::Shard{});
  const std::size_t share = shard.share_of(grid->runs());
  // Up to `jobs` runs at once, each in its own process.
  const auto at_once = static_cast<unsigned>(
      std::min<std::size_t>(static_cast<std::size_t>(jobs), std::max<std::size_t>(1, share)));
  if (!scenarios_fit_memory({scenario}, at_once)) return kExitInvalid;
  const std::filesystem::path dir = o.out.empty() ? "sweep-" + scenario.name : o.out;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "connsim sweep: cannot create " << dir.string() << ": " << ec.message() << "\n";
    return kExitInvalid;
  }
  std::cout << "sweep " << scenario.name << ": " << grid->points.size() << " grid points x "
            << grid->seeds.size() << " seeds = " << grid->runs() << " runs";
  if (o.shard) std::cout << "; shard " << shard.text() << " runs " << share << " of them";
  std::cout << " on " << jobs << " worker process" << (jobs == 1 ? "" : "es") << "\n";

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> failures;
  const auto results = sweep::run_grid(scenario, *grid, jobs, failures, shard);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::size_t done = 0;
  for (const auto& r : results) done += r.done ? 1 : 0;

  const sweep::OutputSettings settings{scenario.name, o.grid, o.plot, o.no_plots};
  std::string wrote;
  if (o.shard) {
    sweep::SweepShardRecord record{shard, settings, sweep::shard_digest(file_bytes(o.scenario)),
                                   o.backend ? std::string(spelling_of(*o.backend)) : "",
                                   grid->runs(), {}, failures};
    for (std::size_t k = 0; k < share; ++k) {
      const auto& result = results[shard.item_at(k)];
      record.results.push_back(result.done ? std::optional(sweep::encode_result(result)) : std::nullopt);
    }
    if (!write_shard_record(dir, o, record)) return kExitInvalid;
    wrote = (dir / (shard.file_stem() + ".json")).string() + " (join the shards with connsim merge)";
  } else {
    wrote = sweep::outputs_written(dir, sweep::write_sweep_outputs(dir, settings, *grid, results));
  }
  std::cout << done << "/" << share << " runs in " << sweep::format_number(wall) << " s; wrote "
            << wrote << "\n";
  for (const auto& failure : failures) std::cerr << "connsim sweep: " << failure << "\n";
  return failures.empty() && done == share ? kExitPass : kExitFail;
}

/// The description and the options of `connsim sweep`.
void describe_sweep(CLI::App& c, SweepOptions& o) {
  c.description(
      "Run ONE scenario over a grid of store options (retry policy x max attempts x base delay x "
      "concurrency) x seeds, in parallel processes; write runs.csv, summary.csv, summary.md and "
      "plots");
  sweep::GridSpec& grid = o.grid;
  c.add_option("scenario", o.scenario, "The scenario file")->required();
  c.add_option("--policies", grid.policies,
               "Retry policies: fixed, exponential, exponential-jitter, deadline-bounded")
      ->delimiter(',')
      ->capture_default_str();
  c.add_option("--max-attempts", grid.max_attempts, "Max attempts per connect (a list)")
      ->delimiter(',')
      ->capture_default_str();
  c.add_option("--base-delays", grid.base_delays, "Base delays, times (a list)")
      ->delimiter(',')
      ->capture_default_str();
  c.add_option("--concurrency", grid.concurrency,
               "connect_many concurrency, MODE:LIMIT with MODE batch or window")
      ->delimiter(',')
      ->capture_default_str();
  c.add_option("--seeds", grid.seeds, "Seeds per grid point")->capture_default_str();
  c.add_option("--first-seed", grid.first_seed, "The first seed; seeds are consecutive")
      ->capture_default_str();
  c.add_option("--deadline", grid.deadline,
               "deadline-bounded: attempts start within this time of the first (default: the "
               "store's, 30s)");
  add_spelled_option(c, "--backend", o.backend,
                     "Network model of every run: message or packet (default: the scenario's)");
  c.add_option("-j,--jobs", o.jobs, "Worker processes (default: one per core)");
  c.add_option("-o,--out", o.out, "Output directory (default: sweep-<scenario name>)");
  c.add_flag("--no-plots", o.no_plots, "Skip gnuplot");
  c.add_option("--plot-base-delay", o.plot.base_delay, "Base delay of the by-attempts plots")
      ->capture_default_str();
  c.add_option("--plot-attempts", o.plot.max_attempts, "Max attempts of the by-base-delay plot")
      ->capture_default_str();
  c.add_option("--plot-concurrency", o.plot.concurrency, "Concurrency of the plots")
      ->capture_default_str();
  add_shard_option(c, o.shard);
}

}  // namespace

Command add_sweep_command(CLI::App& app) {
  return add_command<SweepOptions>(app, "sweep", describe_sweep, run_sweep);
}

}  // namespace connsim::apps
