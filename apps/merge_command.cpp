// `connsim merge SHARD... [-o DIR] [--junit FILE]`
// Joins the outputs of the N shards of one command (`--shard I/N`, apps/sweep/shard.hpp) into
// what the unsharded command writes:
//   - sweep: each SHARD is a shard record (shard-I-of-N.json) or a directory holding them; the
//     merge writes runs.csv, summary.csv, summary.md, the plots and index.html into DIR
//     (default: the directory of the first record), through the very function `connsim sweep`
//     writes them with (apps/sweep/outputs.hpp).
//   - run: each SHARD is the JUnit file of a `connsim run --shard I/N --junit FILE`; the merge
//     writes the unsharded run's JUnit to --junit FILE (apps/sweep/junit_shards.hpp).
//   - explore: each SHARD is an explore shard record (shard-I-of-N.json, format
//     connsim-explore-shard/1) or a directory holding them; the merge writes each distinct
//     finding's shrunk scenario into DIR (default: the first record's directory) and prints its
//     FOUND line, as the unsharded `connsim explore` does (scenarios/explore/shard_record.hpp).
// Records name their format; the first record's decides.
// Exit status: 0 merged and every run done and passed, 1 a run is missing or failed, 2 invalid
// input (a shard missing, twice, of another sweep, unreadable), and then nothing is written.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "apps/command.hpp"
#include "apps/sweep/junit_shards.hpp"
#include "apps/sweep/outputs.hpp"
#include "apps/sweep/shard_record.hpp"
#include "scenarios/explore/shard_record.hpp"

namespace connsim::apps {
namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string out;    // sweep: the output directory
  std::string junit;  // run: the merged JUnit file
};

bool is_record_name(const std::string& name) {
  return name.rfind("shard-", 0) == 0 && name.size() > 5 &&
         name.compare(name.size() - 5, 5, ".json") == 0 && name.find("-of-") != std::string::npos;
}

/// The shard files the inputs name: a directory gives its shard-*-of-*.json files, sorted.
std::vector<std::filesystem::path> shard_files(const std::vector<std::string>& inputs,
                                               std::vector<std::string>& errors) {
  std::vector<std::filesystem::path> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) {
      std::vector<std::filesystem::path> found;
      for (const auto& entry : std::filesystem::directory_iterator(input, ec)) {
        if (entry.is_regular_file() && is_record_name(entry.path().filename().string())) {
          found.push_back(entry.path());
        }
      }
      if (found.empty()) errors.push_back(input + ": no shard records (shard-I-of-N.json) in it");
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::is_regular_file(input, ec)) {
      files.emplace_back(input);
    } else {
      errors.push_back(input + ": no such file or directory");
    }
  }
  return files;
}

std::string text_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int report_invalid(const std::vector<std::string>& errors) {
  for (const auto& error : errors) std::cerr << "connsim merge: " << error << "\n";
  std::cerr << "connsim merge: nothing was written\n";
  return kExitInvalid;
}

int merge_sweep(const MergeOptions& o, const std::vector<std::filesystem::path>& files) {
  std::vector<std::string> errors;
  std::vector<sweep::SweepShardRecord> records;
  for (const auto& file : files) {
    std::string error;
    const auto json = nlohmann::json::parse(text_of(file), nullptr, false);
    if (auto record = sweep::record_from_json(json, error)) {
      records.push_back(std::move(*record));
    } else {
      errors.push_back(file.string() + ": " + (json.is_discarded() ? "not JSON" : error));
    }
  }
  if (!errors.empty()) return report_invalid(errors);
  const auto merged = sweep::merge_sweep_records(records, errors);
  if (!merged) return report_invalid(errors);
  std::filesystem::path dir = o.out.empty() ? files.front().parent_path() : std::filesystem::path(o.out);
  if (dir.empty()) dir = ".";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return report_invalid({"cannot create " + dir.string() + ": " + ec.message()});
  const bool plotted =
      sweep::write_sweep_outputs(dir, merged->settings, merged->grid, merged->results);
  std::size_t done = 0;
  for (const auto& r : merged->results) done += r.done ? 1 : 0;
  std::cout << "merged " << records.size() << " shard" << (records.size() == 1 ? "" : "s")
            << " of sweep " << merged->settings.scenario_name << ": " << done << "/"
            << merged->grid.runs() << " runs; wrote "
            << sweep::outputs_written(dir, plotted) << "\n";
  for (const auto& failure : merged->failures) std::cerr << "connsim merge: " << failure << "\n";
  return merged->failures.empty() && done == merged->grid.runs() ? kExitPass : kExitFail;
}

int merge_explore(const MergeOptions& o, const std::vector<std::filesystem::path>& files) {
  std::vector<std::string> errors;
  std::vector<scenarios::explore::ExploreShardRecord> records;
  for (const auto& file : files) {
    std::string error;
    const auto json = nlohmann::json::parse(text_of(file), nullptr, false);
    if (auto record = scenarios::explore::explore_record_from_json(json, error)) {
      records.push_back(std::move(*record));
    } else {
      errors.push_back(file.string() + ": " + (json.is_discarded() ? "not JSON" : error));
    }
  }
  if (!errors.empty()) return report_invalid(errors);
  auto merged = scenarios::explore::merge_explore_records(records, errors);
  if (!merged) return report_invalid(errors);
  std::filesystem::path dir = o.out.empty() ? files.front().parent_path() : std::filesystem::path(o.out);
  if (dir.empty()) dir = ".";
  for (std::size_t g = 0; g < merged->groups.size(); ++g) {
    scenarios::explore::write_finding(merged->groups[g], g + 1, merged->runs, dir.string(), "connsim", std::cout);
  }
  std::cout << "merged " << records.size() << " shard" << (records.size() == 1 ? "" : "s") << " of explore "
            << merged->space << " (seed " << merged->seed << "): " << merged->runs << " runs; "
            << merged->groups.size() << " finding" << (merged->groups.size() == 1 ? "" : "s") << "\n";
  return merged->groups.empty() ? kExitPass : kExitFail;
}

/// The format a record file names ("" when it is not a JSON object with one).
std::string record_format(const std::filesystem::path& file) {
  const auto json = nlohmann::json::parse(text_of(file), nullptr, false);
  return json.is_object() && json.contains("format") && json["format"].is_string() ? json["format"].get<std::string>() : "";
}

int merge_junit(const MergeOptions& o, const std::vector<std::filesystem::path>& files) {
  if (o.junit.empty()) {
    return report_invalid({"JUnit shards: say where the merged JUnit goes with --junit FILE"});
  }
  std::vector<std::string> errors;
  std::vector<sweep::JunitShard> shards;
  for (const auto& file : files) {
    std::string error;
    if (auto shard = sweep::parse_junit_shard(text_of(file), error)) {
      shards.push_back(std::move(*shard));
    } else {
      errors.push_back(file.string() + ": " + error);
    }
  }
  if (!errors.empty()) return report_invalid(errors);
  const auto merged = sweep::merge_junit_shards(shards, errors);
  if (!merged) return report_invalid(errors);
  if (!write_file(o.junit, [&](std::ostream& out) { sweep::write_merged_junit(out, *merged); })) {
    return kExitInvalid;
  }
  const std::size_t failed = merged->failures;
  std::cout << "merged " << shards.size() << " shard" << (shards.size() == 1 ? "" : "s") << ": "
            << merged->cases.size() - failed << " passed, " << failed << " failed; wrote "
            << o.junit << "\n";
  return failed == 0 ? kExitPass : kExitFail;
}

int run_merge(const MergeOptions& o) {
  std::vector<std::string> errors;
  const auto files = shard_files(o.inputs, errors);
  if (!errors.empty()) return report_invalid(errors);
  std::size_t xml = 0;
  for (const auto& file : files) xml += file.extension() == ".xml" ? 1 : 0;
  if (xml == files.size()) return merge_junit(o, files);
  if (xml == 0 && record_format(files.front()) == scenarios::explore::kExploreShardFormat) return merge_explore(o, files);
  if (xml == 0) return merge_sweep(o, files);
  return report_invalid({"give the shards of one command: sweep records (shard-I-of-N.json) or "
                         "run JUnit files (.xml), not both"});
}

/// The description and the options of `connsim merge`.
void describe_merge(CLI::App& merge, MergeOptions& o) {
  merge.description(
      "Join the outputs of the shards of one sweep or exploration (shard-I-of-N.json records) or "
      "run (JUnit files) into what the unsharded command writes");
  merge
      .add_option(
          "shards", o.inputs,
          "Sweep or explore shard records or directories holding them, or a run's JUnit shards")
      ->required();
  merge.add_option("-o,--out", o.out,
                   "Sweep, explore: the output directory (default: the first record's directory)");
  merge.add_option("--junit", o.junit, "Run: write the merged JUnit XML to FILE");
}

}  // namespace

Command add_merge_command(CLI::App& app) {
  return add_command<MergeOptions>(app, "merge", describe_merge, run_merge);
}

}  // namespace connsim::apps
