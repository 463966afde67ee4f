// The record a sweep shard writes (`connsim sweep --shard I/N` writes DIR/shard-I-of-N.json and
// nothing else), and joining the N records of one sweep back into its whole result vector.
//
// A record carries what the merge needs to write the unsharded outputs: the scenario's name and
// a digest of its file, the backend override, the grid and plot options as the command line
// spelled them, the sweep's run count, and the shard's own runs (in the order Shard::item_at
// numbers them) as the lines the worker pipe carries (run_result.hpp: numbers as "%.10g", which
// is all an unsharded sweep keeps too). Records that do not belong to one sweep are refused.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "apps/sweep/grid.hpp"
#include "apps/sweep/outputs.hpp"
#include "apps/sweep/run_result.hpp"
#include "apps/sweep/shard.hpp"

namespace connsim::sweep {

/// The "format" of a record file.
inline constexpr const char* kShardRecordFormat = "connsim-sweep-shard/1";

struct SweepShardRecord {
  Shard shard;
  OutputSettings settings;      // scenario name, grid spec, plot options
  std::string scenario_digest;  // shard_digest() of the scenario file's bytes
  std::string backend;          // --backend, empty when not given
  std::size_t runs = 0;         // the whole sweep's run count
  /// The shard's runs, k-th for run shard.item_at(k): the encoded result, or nothing when the
  /// run did not come back.
  std::vector<std::optional<std::string>> results;
  std::vector<std::string> failures;  // what went wrong in the shard, as the sweep reported it
};

/// FNV-1a (64 bit) of `bytes`, as 16 hex digits.
std::string shard_digest(const std::string& bytes);

nlohmann::json to_json(const SweepShardRecord& record);

/// The record in `json`, or nothing with what is wrong in `error`.
std::optional<SweepShardRecord> record_from_json(const nlohmann::json& json, std::string& error);

/// A whole sweep joined from its shards.
struct MergedSweep {
  OutputSettings settings;
  Grid grid;
  std::vector<RunResult> results;     // by run index
  std::vector<std::string> failures;  // the shards' failures, shard by shard
};

/// Joins the records of one sweep: exactly one record for each shard 1..N, all of the same
/// scenario (name and digest), backend, grid, plot options and run count, each holding exactly
/// its share. Otherwise nothing, with one message per problem in `errors` ("missing shard 3/4").
std::optional<MergedSweep> merge_sweep_records(const std::vector<SweepShardRecord>& records,
                                               std::vector<std::string>& errors);

}  // namespace connsim::sweep
