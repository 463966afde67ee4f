// Sharding `connsim explore` (`--shard I/N`, the split rule of apps/sweep/shard.hpp): run k of
// the unsharded exploration (its run seed is run_seed(seed, k)) is shard (k mod N) + 1's. A shard
// explores its runs, groups and shrinks its findings as one process would, and writes only
// DIR/shard-I-of-N.json, its record (format `connsim-explore-shard/1`). `connsim merge` joins
// the N records: a finding several shards saw is kept once, from the shard that saw it first in
// run order, its runs summed; the findings are numbered in that order and written as the
// unsharded command writes them, byte for byte (the shrinker is deterministic and starts from
// the same drawn scenario).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/sweep/shard.hpp"
#include "scenarios/explore/explore.hpp"

namespace connsim::scenarios::explore {

inline constexpr std::string_view kExploreShardFormat = "connsim-explore-shard/1";

struct ExploreShardRecord {
  sweep::Shard shard;
  std::string space;             // the space's name
  std::uint64_t seed = 1;        // --seed
  std::uint64_t runs = 0;        // --runs of the unsharded exploration (0: --time)
  std::uint64_t runs_done = 0;   // the shard's own runs
  std::vector<FindingGroup> groups;  // first_run: the unsharded run number
};

nlohmann::json record_to_json(const ExploreShardRecord& record);

/// A record read back; nullopt with the reason in `error` when `value` is not one.
std::optional<ExploreShardRecord> explore_record_from_json(const nlohmann::json& value, std::string& error);

struct MergedExploration {
  std::string space;
  std::uint64_t seed = 1;
  std::uint64_t runs = 0;            // all shards' runs
  std::vector<FindingGroup> groups;  // in order of first run, as one process groups them
};

/// Joins shards 1..N of one exploration (same space, seed, runs, N; each once); nullopt with one
/// error per problem otherwise.
std::optional<MergedExploration> merge_explore_records(const std::vector<ExploreShardRecord>& records,
                                                       std::vector<std::string>& errors);

}  // namespace connsim::scenarios::explore
