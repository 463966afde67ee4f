// How well a run reproduces a field log: the log's observations (its status, activity, connect
// and session entries; libp2p entries are context, never scored, as the simulator does not
// record them) are aligned in order with the same wallet's observations in the run.
//
// Two observations are the same when their kind and fields are equal (a status's peer, status,
// connection type and error; an activity's type and message; a connect's peer, success,
// connection type and error; a session's state and failure: session ids carry a millisecond
// clock, so they are not compared) and their times lie within the tolerance of each other. The
// alignment is the longest in-order one (a longest common subsequence under that relation), and
// among those the one with the least total time error.
//
// The score orders runs: more observations matched first, then fewer observations the run had
// that the log has not ("extra"), then the smaller mean time error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/field_log/field_log.hpp"

namespace connsim::scenarios::field_log {

struct MatchTolerance {
  std::int64_t time_ms = 1000;  // |t_run - t_log| <= this
};

struct MatchScore {
  std::size_t observations = 0;  // the log's scored entries
  std::size_t matched = 0;       // of them, matched in order
  std::size_t extra = 0;         // the run's scored entries left unmatched
  std::int64_t time_error_ms = 0;  // summed |t_run - t_log| over the matched pairs
  /// The matched pairs, in order: (index into the log's entries, index into the run's entries).
  std::vector<std::pair<std::size_t, std::size_t>> pairs;

  bool complete() const { return matched == observations; }
  double fraction() const { return observations == 0 ? 1.0 : static_cast<double>(matched) / observations; }
  double mean_time_error_ms() const { return matched == 0 ? 0.0 : static_cast<double>(time_error_ms) / matched; }
  /// Strictly better by the order above.
  bool better_than(const MatchScore& other) const;
  /// "27/27 observations in order (100.0%), 0 extra, mean |dt| 3.2 ms"
  std::string summary() const;
};

/// Whether the entry takes part in scoring.
bool is_scored(const LogEntry& entry);

/// Whether two entries are the same observation (times aside).
bool same_observation(const LogEntry& a, const LogEntry& b);

/// Scores `run` (the same wallet's log made from a run) against `field`.
MatchScore score_match(const FieldLog& field, const FieldLog& run, const MatchTolerance& tolerance);

}  // namespace connsim::scenarios::field_log
