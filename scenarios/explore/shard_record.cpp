#include "scenarios/explore/shard_record.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace connsim::scenarios::explore {

using json = nlohmann::json;

namespace {

/// What merge_explore_records refuses, in its words (sweep::shards_by_index): a shard given
/// again once, and one missing shard, only when nothing else is wrong.
struct ExploreRefusals {
  std::size_t errors_before = 0;  // the errors there were before the merge

  std::string none() const { return "no explore shard records"; }
  std::optional<std::string> foreign(const ExploreShardRecord& first,
                                     const ExploreShardRecord& r) const {
    if (r.space == first.space && r.seed == first.seed && r.runs == first.runs &&
        r.shard.count == first.shard.count) {
      return std::nullopt;
    }
    return "shard " + r.shard.text() + " is of another exploration (space " + r.space + ", seed " +
           std::to_string(r.seed) + ", runs " + std::to_string(r.runs) + "; shard " +
           first.shard.text() + ": space " + first.space + ", seed " + std::to_string(first.seed) +
           ", runs " + std::to_string(first.runs) + ")";
  }
  std::optional<std::string> repeated(const ExploreShardRecord& r, int copies) const {
    if (copies != 2) return std::nullopt;
    return "shard " + r.shard.text() + " is given twice";
  }
  std::optional<std::string> wrong_share(const ExploreShardRecord& /*r*/) const {
    return std::nullopt;
  }
  std::optional<std::string> missing(const sweep::Shard& shard,
                                     const std::vector<std::string>& errors) const {
    if (errors.size() != errors_before) return std::nullopt;
    return "missing shard " + shard.text();
  }
};

}  // namespace

json record_to_json(const ExploreShardRecord& record) {
  json groups = json::array();
  for (const FindingGroup& g : record.groups) {
    groups.push_back({{"property", g.finding.property},
                      {"signature", g.finding.signature},
                      {"message", g.finding.message},
                      {"first_run", g.first_run},
                      {"seed", g.seed},
                      {"runs", g.runs},
                      {"drawn", g.drawn},
                      {"shrunk", g.shrunk},
                      {"shrink_tests", g.shrink_tests},
                      {"shrink_seconds", g.shrink_seconds}});
  }
  return {{"format", std::string(kExploreShardFormat)},
          {"shard", record.shard.text()},
          {"space", record.space},
          {"seed", record.seed},
          {"runs", record.runs},
          {"runs_done", record.runs_done},
          {"groups", groups}};
}

std::optional<ExploreShardRecord> explore_record_from_json(const json& value, std::string& error) {
  if (!value.is_object() || value.value("format", std::string()) != kExploreShardFormat) {
    error = "not an explore shard record (format " + std::string(kExploreShardFormat) + ")";
    return std::nullopt;
  }
  try {
    ExploreShardRecord record;
    std::string shard_error;
    const auto shard = sweep::parse_shard(value.at("shard").get<std::string>(), shard_error);
    if (!shard) {
      error = "shard: " + shard_error;
      return std::nullopt;
    }
    record.shard = *shard;
    record.space = value.at("space").get<std::string>();
    record.seed = value.at("seed").get<std::uint64_t>();
    record.runs = value.at("runs").get<std::uint64_t>();
    record.runs_done = value.at("runs_done").get<std::uint64_t>();
    for (const json& g : value.at("groups")) {
      FindingGroup group;
      group.finding = {g.at("property").get<std::string>(), g.at("signature").get<std::string>(),
                       g.at("message").get<std::string>()};
      group.first_run = g.at("first_run").get<std::uint64_t>();
      group.seed = g.at("seed").get<std::uint64_t>();
      group.runs = g.at("runs").get<std::size_t>();
      group.drawn = g.at("drawn");
      group.shrunk = g.at("shrunk");
      group.shrink_tests = g.at("shrink_tests").get<std::size_t>();
      group.shrink_seconds = g.at("shrink_seconds").get<double>();
      record.groups.push_back(std::move(group));
    }
    return record;
  } catch (const json::exception& e) {
    error = std::string("a field is missing or of the wrong type: ") + e.what();
    return std::nullopt;
  }
}

std::optional<MergedExploration> merge_explore_records(const std::vector<ExploreShardRecord>& records,
                                                       std::vector<std::string>& errors) {
  if (!sweep::shards_by_index(records, ExploreRefusals{errors.size()}, errors)) return std::nullopt;
  const ExploreShardRecord& first = records.front();
  MergedExploration merged;
  merged.space = first.space;
  merged.seed = first.seed;
  // Each group with its place among its shard's groups: two findings of one run keep the order
  // that run reported them in.
  std::map<std::string, std::size_t> index;
  std::vector<std::pair<FindingGroup, std::size_t>> groups;
  for (const auto& r : records) {
    merged.runs += r.runs_done;
    for (std::size_t rank = 0; rank < r.groups.size(); ++rank) {
      const FindingGroup& g = r.groups[rank];
      const auto [it, fresh] = index.emplace(g.finding.key(), groups.size());
      if (fresh) {
        groups.emplace_back(g, rank);
        continue;
      }
      auto& kept = groups[it->second];
      const std::size_t runs = kept.first.runs + g.runs;
      if (g.first_run < kept.first.first_run) kept = {g, rank};
      kept.first.runs = runs;
    }
  }
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.first_run, a.second) < std::tie(b.first.first_run, b.second);
  });
  for (auto& [group, rank] : groups) merged.groups.push_back(std::move(group));
  return merged;
}

}  // namespace connsim::scenarios::explore
