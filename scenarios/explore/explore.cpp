#include "scenarios/explore/explore.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

#include "apps/sweep/worker_pool.hpp"
#include "scenarios/explore/draw.hpp"
#include "scenarios/explore/liveness.hpp"
#include "scenarios/explore/progress_line.hpp"
#include "scenarios/explore/shard_record.hpp"
#include "scenarios/explore/shrink.hpp"

namespace connsim::scenarios::explore {
namespace {

using json = nlohmann::json;

/// Runs `count` verdict tasks in the workers; a task whose worker died gives a verdict that did
/// not run.
std::vector<RunVerdict> run_verdicts(std::size_t count, int jobs, const std::function<RunVerdict(std::size_t)>& task,
                                     std::vector<std::string>& failures, const sweep::WorkerProgress& progress = {}) {
  const auto results = sweep::run_in_worker_processes(
      count, jobs, [&](std::size_t index) { return task(index).to_json().dump(); }, progress);
  failures.insert(failures.end(), results.failures.begin(), results.failures.end());
  std::vector<RunVerdict> verdicts(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!results.lines[i]) continue;
    verdicts[i] = RunVerdict::from_json(json::parse(*results.lines[i]));
  }
  return verdicts;
}

bool has_finding(const RunVerdict& verdict, const std::string& key) {
  return std::any_of(verdict.findings.begin(), verdict.findings.end(),
                     [&](const Finding& f) { return f.key() == key; });
}

/// Whether every probe the document expects to succeed is still guaranteed (liveness.hpp).
bool probes_still_guaranteed(const json& doc) {
  if (!doc.contains("expect")) return true;
  for (const json& e : doc["expect"]) {
    if (!e.contains("result") || !e["result"].is_string()) continue;
    const std::string id = e["result"];
    if (is_probe_id(id) && !probe_guaranteed(doc, id)) return false;
  }
  return true;
}

}  // namespace

std::vector<FindingGroup> group_findings(const std::vector<RunVerdict>& verdicts) {
  std::vector<FindingGroup> groups;
  std::map<std::string, std::size_t> index;
  for (std::size_t run = 0; run < verdicts.size(); ++run) {
    for (const Finding& finding : verdicts[run].findings) {
      const auto [it, fresh] = index.emplace(finding.key(), groups.size());
      if (fresh) {
        FindingGroup group;
        group.finding = finding;
        group.first_run = run;
        group.seed = verdicts[run].seed;
        groups.push_back(std::move(group));
      }
      ++groups[it->second].runs;
    }
  }
  return groups;
}

std::string finding_file_name(std::size_t number, const std::string& property) {
  std::string slug;
  for (char c : property) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
    if (slug.size() >= 48) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return std::to_string(number) + "-" + slug + ".json";
}

json finalize_shrunk(json shrunk, const Space& space, const FindingGroup& group) {
  shrunk["name"] = space.name + "-" + std::to_string(group.seed) + "-shrunk";
  shrunk["description"] = "Found by connsim explore (space " + space.name + ", run " + std::to_string(group.first_run) +
                          ", seed " + std::to_string(group.seed) + ") and shrunk. It breaks " + group.finding.property +
                          ": " + group.finding.signature;
  return shrunk;
}

void write_finding(FindingGroup& group, std::size_t number, std::uint64_t total_runs, const std::string& out_dir,
                   const std::string& command, std::ostream& out) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  const std::filesystem::path file = std::filesystem::path(out_dir) / finding_file_name(number, group.finding.property);
  std::ofstream stream(file);
  if (stream) {
    stream << group.shrunk.dump(2) << "\n";
    group.file = file.string();
  }
  out << "FOUND " << group.finding.property << ": " << group.finding.message << " (first in run " << group.first_run
      << ", seed " << group.seed << "; " << group.runs << " of " << total_runs << " runs; shrunk from "
      << scenario_size(group.drawn) << " to " << scenario_size(group.shrunk) << " parts in " << group.shrink_tests
      << " runs, " << fixed(group.shrink_seconds, 1) << " s)\n";
  if (!group.file.empty()) {
    const bool oracle = group.finding.property == kOracleProperty;
    out << "  reproduce: " << command << (oracle ? " conform " : " run ") << group.file << "\n";
  } else {
    out << "  (could not write " << file.string() << ")\n";
  }
  out << std::flush;
}

ExploreReport explore_space(const Space& space, const ExploreOptions& options, std::ostream& out,
                            std::ostream& progress) {
  ExploreReport report;
  const sweep::Shard shard = options.shard.value_or(sweep::Shard{});
  const int jobs = std::max(1, options.jobs);
  const auto start = Clock::now();
  std::vector<RunVerdict> verdicts;
  std::size_t findings_seen = 0;
  const auto show = [&](std::uint64_t done, std::uint64_t total) {
    if (!options.progress) return;
    rewrite_progress_head(progress, "explore", space.name, done, total, start);
    progress << findings_seen << " failing run" << (findings_seen == 1 ? "" : "s") << std::flush;
  };
  const std::uint64_t batch = options.time_seconds ? static_cast<std::uint64_t>(jobs) * 8 : 64;
  while (true) {
    // The k-th run of this shard is run shard.item_at(k) of the unsharded exploration.
    const std::uint64_t first = verdicts.size();
    const std::uint64_t own_runs = shard.share_of(options.runs);
    if (!options.time_seconds && first >= own_runs) break;
    if (options.time_seconds && first > 0 && seconds_since(start) >= *options.time_seconds) break;
    const std::uint64_t count = options.time_seconds ? batch : std::min(batch, own_runs - first);
    const std::uint64_t total = options.time_seconds ? 0 : own_runs;
    auto chunk = run_verdicts(
        count, jobs,
        [&](std::size_t i) {
          const std::uint64_t seed = run_seed(options.seed, shard.item_at(first + i));
          RunVerdict verdict = evaluate_scenario(draw_scenario(space, seed), options.evaluate);
          verdict.seed = seed;
          return verdict;
        },
        report.worker_failures, [&](std::size_t done, std::size_t) { show(first + done, total); });
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      if (!chunk[i].ran && chunk[i].findings.empty()) {
        chunk[i].seed = run_seed(options.seed, shard.item_at(first + i));
        chunk[i].findings.push_back({"run worker died", "its worker process died", "the worker running this run died"});
      }
      if (!chunk[i].findings.empty()) ++findings_seen;
      report.run_cpu_seconds += chunk[i].wall_seconds;
      verdicts.push_back(std::move(chunk[i]));
    }
    show(verdicts.size(), total);
  }
  report.runs = verdicts.size();
  report.run_wall_seconds = seconds_since(start);
  if (options.progress) progress << "\n";

  report.groups = group_findings(verdicts);
  for (FindingGroup& group : report.groups) group.first_run = shard.item_at(group.first_run);
  for (std::size_t g = 0; g < report.groups.size(); ++g) {
    FindingGroup& group = report.groups[g];
    group.drawn = draw_scenario(space, group.seed);
    const std::string key = group.finding.key();
    const auto shrink_start = Clock::now();
    const bool liveness = group.finding.property.rfind("liveness", 0) == 0;
    const CandidateTester tester = [&](const std::vector<json>& candidates) {
      // A liveness finding stays one only while its probes are still guaranteed to succeed.
      std::vector<std::size_t> runnable;
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (!liveness || probes_still_guaranteed(candidates[i])) runnable.push_back(i);
      }
      std::vector<std::string> ignored;
      const auto results = run_verdicts(
          runnable.size(), jobs, [&](std::size_t k) { return evaluate_scenario(candidates[runnable[k]], options.evaluate); },
          ignored);
      std::vector<bool> same(candidates.size(), false);
      for (std::size_t k = 0; k < runnable.size(); ++k) same[runnable[k]] = has_finding(results[k], key);
      return same;
    };
    // A run whose worker died cannot be told apart from a candidate that passes: not shrunk.
    const bool shrinkable = group.finding.property != "run worker died" && group.finding.property != kOracleUnavailable;
    const ShrinkResult shrunk = shrink_scenario(group.drawn, tester, static_cast<std::size_t>(jobs) * 2,
                                                shrinkable ? options.shrink_budget : 0);
    group.shrink_tests = shrunk.tests;
    group.shrink_seconds = seconds_since(shrink_start);
    group.shrunk = finalize_shrunk(shrunk.scenario, space, group);
    if (!options.shard) write_finding(group, g + 1, report.runs, options.out_dir, options.command, out);
  }
  if (options.shard) {
    const ExploreShardRecord record{shard, space.name, options.seed, options.time_seconds ? 0 : options.runs,
                                    report.runs, report.groups};
    std::error_code ec;
    std::filesystem::create_directories(options.out_dir, ec);
    const std::filesystem::path file = std::filesystem::path(options.out_dir) / (shard.file_stem() + ".json");
    std::ofstream stream(file);
    if (stream) stream << record_to_json(record).dump() << "\n";
    if (!stream) report.worker_failures.push_back("could not write " + file.string());
    out << "shard " << shard.text() << ": " << report.groups.size() << " finding" << (report.groups.size() == 1 ? "" : "s")
        << " in " << report.runs << " runs; wrote " << file.string() << " (connsim merge " << options.out_dir
        << " writes the scenario files)\n";
  }
  return report;
}

}  // namespace connsim::scenarios::explore
