// `connsim explore SPACE --match LOG`: search the space for worlds that produce what one wallet
// recorded in the field (scenarios/field_log/field_log.hpp).
//
// Each run seed draws a scenario from the space (draw.hpp, without liveness probes or the
// space's expectations), and the log fixes what the wallet itself did and who it is: the drawn
// wallet w1 becomes the logged wallet (its name and peer id), w2, w3, ... become the peers the
// log names (their peer ids and nicknames), the drawn connects, connect_manys and spends of the
// logged wallet are replaced by one `connect` step per `connecting` status write of the log, at
// its time (`log-connect-N`), and `until` reaches at least a minute past the log's last entry.
// Everything else (NATs, relays, latency, loss, faults, the other wallets' actions and store
// options) is the space's to draw. Each run is scored against the log (match_score.hpp).
//
// The best `keep` runs (by score; ties: the earlier run) are shrunk with explore's shrinker,
// keeping a candidate when it matches at least as well, and written as scenario files whose
// `expect` pins the matched observations: the logged wallet's status sequence for each peer
// whose every write matched, its matched activity events (subsequence), and the result of each
// `log-connect-N` step whose connect matched. `connsim run` passes each file.
//
// Deterministic like explore: the same space, log, seed and runs give the same files with any -j.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/explore/explore.hpp"
#include "scenarios/explore/space.hpp"
#include "scenarios/field_log/field_log.hpp"
#include "scenarios/field_log/match_score.hpp"

namespace connsim::scenarios::explore {

/// The step id prefix of the logged wallet's connects.
inline constexpr std::string_view kLogConnectPrefix = "log-connect-";

struct MatchOptions {
  ExploreOptions explore;             // seed, runs/time, jobs, out_dir, shrink budget, progress
  field_log::MatchTolerance tolerance;
  std::size_t keep = 3;               // best worlds shrunk and written
};

struct MatchedWorld {
  std::uint64_t run = 0;
  std::uint64_t seed = 0;
  field_log::MatchScore score;         // the drawn world's
  field_log::MatchScore shrunk_score;  // the written file's
  nlohmann::json drawn;
  nlohmann::json shrunk;
  std::size_t shrink_tests = 0;
  double shrink_seconds = 0;
  std::string file;
};

struct MatchReport {
  std::uint64_t runs = 0;
  double run_wall_seconds = 0;
  std::vector<MatchedWorld> worlds;  // best first
  std::vector<std::string> worker_failures;
};

/// Why `log` cannot be searched in `space` (the space draws too few wallets for the log's
/// peers), or nullopt.
std::optional<std::string> match_problem(const Space& space, const field_log::FieldLog& log);

/// The world a drawn scenario makes for `log` (above). `drawn` must have at least 1 + the log's
/// peers wallets.
nlohmann::json world_for_log(const nlohmann::json& drawn, const field_log::FieldLog& log);

/// The logged wallet's id in worlds made for `log`.
std::string logged_wallet_id(const field_log::FieldLog& log);

/// Runs `world` and scores the logged wallet's log against `log`; nullopt when the world does
/// not load or the run stopped early.
std::optional<field_log::MatchScore> score_world(const nlohmann::json& world, const field_log::FieldLog& log,
                                                 const field_log::MatchTolerance& tolerance);

/// `world` with expectations that pin what it matched of `log` (above).
nlohmann::json pin_matched(nlohmann::json world, const field_log::FieldLog& log,
                           const field_log::MatchTolerance& tolerance);

/// Searches `space` for `log`; prints one MATCH line per kept world and its reproduce command.
MatchReport match_space(const Space& space, const field_log::FieldLog& log, const MatchOptions& options,
                        std::ostream& out, std::ostream& progress);

}  // namespace connsim::scenarios::explore
