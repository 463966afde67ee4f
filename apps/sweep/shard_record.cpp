#include "apps/sweep/shard_record.hpp"

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace connsim::sweep {
namespace {

nlohmann::json spec_json(const GridSpec& spec) {
  return {{"policies", spec.policies},       {"max_attempts", spec.max_attempts},
          {"base_delays", spec.base_delays}, {"concurrency", spec.concurrency},
          {"seeds", spec.seeds},             {"first_seed", spec.first_seed},
          {"deadline", spec.deadline}};
}

GridSpec spec_of(const nlohmann::json& json) {
  GridSpec spec;
  spec.policies = json.at("policies").get<std::vector<std::string>>();
  spec.max_attempts = json.at("max_attempts").get<std::vector<int>>();
  spec.base_delays = json.at("base_delays").get<std::vector<std::string>>();
  spec.concurrency = json.at("concurrency").get<std::vector<std::string>>();
  spec.seeds = json.at("seeds").get<int>();
  spec.first_seed = json.at("first_seed").get<std::uint64_t>();
  spec.deadline = json.at("deadline").get<std::string>();
  return spec;
}

/// Whether two records were made by the same sweep (everything but the shard index and results).
bool same_sweep(const SweepShardRecord& a, const SweepShardRecord& b) {
  const auto& sa = a.settings;
  const auto& sb = b.settings;
  return a.shard.count == b.shard.count && a.scenario_digest == b.scenario_digest &&
         a.backend == b.backend && a.runs == b.runs && sa.scenario_name == sb.scenario_name &&
         spec_json(sa.spec) == spec_json(sb.spec) && sa.no_plots == sb.no_plots &&
         sa.plot.base_delay == sb.plot.base_delay && sa.plot.max_attempts == sb.plot.max_attempts &&
         sa.plot.concurrency == sb.plot.concurrency;
}

/// What merge_sweep_records refuses, in its words (shards_by_index).
struct SweepRefusals {
  std::string none() const { return "no shard records"; }
  std::optional<std::string> foreign(const SweepShardRecord& first,
                                     const SweepShardRecord& record) const {
    if (same_sweep(first, record)) return std::nullopt;
    return "shard " + record.shard.text() + " is not of the same sweep as shard " +
           first.shard.text() +
           " (scenario, its file, backend, grid, plot options or shard count differ)";
  }
  std::optional<std::string> repeated(const SweepShardRecord& record, int /*copies*/) const {
    return "shard " + record.shard.text() + " given twice";
  }
  std::optional<std::string> wrong_share(const SweepShardRecord& record) const {
    if (record.results.size() == record.shard.share_of(record.runs)) return std::nullopt;
    return "shard " + record.shard.text() + " holds " + std::to_string(record.results.size()) +
           " runs; its share is " + std::to_string(record.shard.share_of(record.runs));
  }
  std::optional<std::string> missing(const Shard& shard,
                                     const std::vector<std::string>& /*errors*/) const {
    return "missing shard " + shard.text() + " (" + shard.file_stem() + ".json)";
  }
};

}  // namespace

std::string shard_digest(const std::string& bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

nlohmann::json to_json(const SweepShardRecord& record) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& line : record.results) results.push_back(line ? nlohmann::json(*line) : nlohmann::json());
  const auto& s = record.settings;
  return {{"format", kShardRecordFormat},
          {"shard", record.shard.text()},
          {"scenario", {{"name", s.scenario_name}, {"digest", record.scenario_digest}}},
          {"backend", record.backend},
          {"grid", spec_json(s.spec)},
          {"plots",
           {{"enabled", !s.no_plots},
            {"base_delay", s.plot.base_delay},
            {"max_attempts", s.plot.max_attempts},
            {"concurrency", s.plot.concurrency}}},
          {"runs", record.runs},
          {"results", std::move(results)},
          {"failures", record.failures}};
}

std::optional<SweepShardRecord> record_from_json(const nlohmann::json& json, std::string& error) {
  try {
    if (!json.is_object() || json.value("format", "") != kShardRecordFormat) {
      error = std::string("not a sweep shard record (\"format\" is not \"") + kShardRecordFormat + "\")";
      return std::nullopt;
    }
    SweepShardRecord record;
    std::string shard_error;
    const auto shard = parse_shard(json.at("shard").get<std::string>(), shard_error);
    if (!shard) {
      error = "shard: " + shard_error;
      return std::nullopt;
    }
    record.shard = *shard;
    record.settings.scenario_name = json.at("scenario").at("name").get<std::string>();
    record.scenario_digest = json.at("scenario").at("digest").get<std::string>();
    record.backend = json.at("backend").get<std::string>();
    record.settings.spec = spec_of(json.at("grid"));
    const auto& plots = json.at("plots");
    record.settings.no_plots = !plots.at("enabled").get<bool>();
    record.settings.plot.base_delay = plots.at("base_delay").get<std::string>();
    record.settings.plot.max_attempts = plots.at("max_attempts").get<int>();
    record.settings.plot.concurrency = plots.at("concurrency").get<std::string>();
    record.runs = json.at("runs").get<std::size_t>();
    for (const auto& line : json.at("results")) {
      if (line.is_null()) {
        record.results.emplace_back();
      } else {
        record.results.emplace_back(line.get<std::string>());
      }
    }
    record.failures = json.at("failures").get<std::vector<std::string>>();
    return record;
  } catch (const nlohmann::json::exception& e) {  // a missing key or a value of the wrong type
    error = std::string("malformed shard record: ") + e.what();
    return std::nullopt;
  }
}

std::optional<MergedSweep> merge_sweep_records(const std::vector<SweepShardRecord>& records,
                                               std::vector<std::string>& errors) {
  const std::size_t errors_before = errors.size();
  const auto by_index = shards_by_index(records, SweepRefusals{}, errors);
  if (!by_index) return std::nullopt;
  const SweepShardRecord& first = records.front();
  const std::size_t count = first.shard.count;

  MergedSweep merged;
  merged.settings = first.settings;
  auto grid = build_grid(first.settings.spec, errors);
  if (!grid) return std::nullopt;
  if (grid->runs() != first.runs) {
    errors.push_back("the records say " + std::to_string(first.runs) + " runs; their grid has " +
                     std::to_string(grid->runs()));
    return std::nullopt;
  }
  merged.grid = std::move(*grid);
  merged.results.resize(first.runs);
  for (std::size_t i = 1; i <= count; ++i) {
    const SweepShardRecord& record = *(*by_index)[i];
    for (std::size_t k = 0; k < record.results.size(); ++k) {
      if (!record.results[k]) continue;
      const std::size_t run = record.shard.item_at(k);
      if (auto result = decode_result(*record.results[k])) {
        merged.results[run] = std::move(*result);
      } else {
        errors.push_back("shard " + record.shard.text() + ": run " + std::to_string(run) +
                         ": not a result line: " + *record.results[k]);
      }
    }
    merged.failures.insert(merged.failures.end(), record.failures.begin(), record.failures.end());
  }
  if (errors.size() != errors_before) return std::nullopt;
  return merged;
}

}  // namespace connsim::sweep
