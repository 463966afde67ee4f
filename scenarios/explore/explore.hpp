// `connsim explore`: runs the scenarios a space draws, one per run seed, in forked worker
// processes; checks every property on each (verdict.hpp); groups failures by property and
// signature so one bug is reported once (its first run, in run order, represents it); shrinks
// each group's first failing scenario (shrink.hpp, candidates run in the workers too) and writes
// it to the output directory as a scenario file that `connsim run` reproduces.
//
// Deterministic: the same space, seed and number of runs give the same findings and the same
// shrunk files, with any number of workers (results are taken in run order, and the shrinker
// takes the first passing candidate in list order). A --time budget ends at a batch boundary,
// so how many runs it covers depends on the machine.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "apps/sweep/shard.hpp"
#include "scenarios/explore/space.hpp"
#include "scenarios/explore/verdict.hpp"

namespace connsim::scenarios::explore {

struct ExploreOptions {
  std::uint64_t seed = 1;
  std::uint64_t runs = 100;             // with time_seconds unset
  std::optional<double> time_seconds;   // --time: run batches until this much wall time passed
  int jobs = 1;
  std::string out_dir = "explore-out";
  std::size_t shrink_budget = 300;      // candidate runs per finding
  bool progress = false;                // a status line on stderr, rewritten in place (a TTY)
  std::string command = "connsim";      // how the reproduce line names the command
  EvaluateOptions evaluate;             // --oracle js and the store path
  /// --shard I/N: only the runs k with k mod N == I-1 (shard_record.hpp); the findings go into
  /// out_dir/shard-I-of-N.json, for `connsim merge`, instead of scenario files.
  std::optional<sweep::Shard> shard;
};

struct FindingGroup {
  Finding finding;
  std::uint64_t first_run = 0;
  std::uint64_t seed = 0;
  std::size_t runs = 0;  // runs that found it
  nlohmann::json drawn;
  nlohmann::json shrunk;
  std::size_t shrink_tests = 0;
  double shrink_seconds = 0;
  std::string file;  // where the shrunk scenario was written ("" if it could not be)
};

struct ExploreReport {
  std::uint64_t runs = 0;
  double run_wall_seconds = 0;  // exploring, shrinking excluded
  double run_cpu_seconds = 0;   // the runs' own wall time, summed over the workers
  std::vector<FindingGroup> groups;
  std::vector<std::string> worker_failures;
};

/// Explores `space`; prints one line per finding (and its reproduce command) to `out`.
ExploreReport explore_space(const Space& space, const ExploreOptions& options, std::ostream& out,
                            std::ostream& progress);

/// Groups run verdicts (in run order) by Finding::key(); the first run that found each
/// represents it.
std::vector<FindingGroup> group_findings(const std::vector<RunVerdict>& verdicts);

/// The file name of a finding: "<n>-<property as a slug>.json".
std::string finding_file_name(std::size_t number, const std::string& property);

/// Writes `group.shrunk` to `out_dir` as finding_file_name(number, property) (sets group.file)
/// and prints its FOUND line ("... of `total_runs` runs ...") and reproduce command to `out`.
void write_finding(FindingGroup& group, std::size_t number, std::uint64_t total_runs, const std::string& out_dir,
                   const std::string& command, std::ostream& out);

/// The shrunk document as written: named, described, with the property it breaks.
nlohmann::json finalize_shrunk(nlohmann::json shrunk, const Space& space, const FindingGroup& group);

}  // namespace connsim::scenarios::explore
