// Joining the JUnit files of a sharded `connsim run DIR --shard I/N --junit FILE` into the JUnit
// the unsharded run writes. A shard's file is connsim's own JUnit (scenarios/reporters.hpp) with
// the properties connsim.shard "I/N" and connsim.scenarios (the unsharded run's count); its
// testcases are the shard's scenarios in order, so scenario k of the unsharded order is
// shard (k mod N)+1's (k div N)-th testcase (shard.hpp).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "apps/sweep/shard.hpp"

namespace connsim::sweep {

/// One <testcase> element as written, from its opening line through "</testcase>\n".
struct JunitCase {
  std::string text;
  double seconds = 0;  // its time attribute
  bool failed = false;  // it holds a <failure>
};

struct JunitShard {
  Shard shard;
  std::size_t scenarios = 0;  // of the unsharded run
  std::vector<JunitCase> cases;
};

/// The shard in a JUnit file connsim wrote with a shard note, or nothing with the reason in
/// `error` (not connsim's JUnit, no shard properties, a malformed testcase).
std::optional<JunitShard> parse_junit_shard(const std::string& xml, std::string& error);

struct MergedJunit {
  std::vector<JunitCase> cases;  // in the unsharded order
  std::size_t failures = 0;
  double seconds = 0;
};

/// The testcases of shards 1..N (each exactly once, all of one N and scenario count, each with
/// exactly its share) in the unsharded order; otherwise nothing, one message per problem.
std::optional<MergedJunit> merge_junit_shards(const std::vector<JunitShard>& shards,
                                              std::vector<std::string>& errors);

/// The JUnit of the unsharded run: write_junit's layout with the merged testcases (its times
/// are wall-clock seconds, the only part that differs from run to run).
void write_merged_junit(std::ostream& out, const MergedJunit& merged);

}  // namespace connsim::sweep
