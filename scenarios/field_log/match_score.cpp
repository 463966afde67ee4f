#include "scenarios/field_log/match_score.hpp"

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <sstream>
#include <tuple>

namespace connsim::scenarios::field_log {
namespace {

/// Alignment tables beyond this many cells (12 bytes each) are not built; a greedy in-order
/// alignment is used instead (logs of a few thousand entries on both sides).
constexpr std::size_t kMaxCells = 4'000'000;

struct Cell {
  std::uint32_t count = 0;
  std::int64_t error = 0;
};

bool better(const Cell& a, const Cell& b) { return a.count != b.count ? a.count > b.count : a.error < b.error; }

std::vector<std::size_t> scored_indices(const FieldLog& log) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < log.entries.size(); ++i) {
    if (is_scored(log.entries[i])) out.push_back(i);
  }
  return out;
}

}  // namespace

bool is_scored(const LogEntry& entry) { return entry.kind != EntryKind::libp2p; }

bool same_observation(const LogEntry& a, const LogEntry& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case EntryKind::status:
      return a.peer == b.peer && a.status == b.status && a.connection_type == b.connection_type && a.error == b.error;
    case EntryKind::activity:
      return a.type == b.type && a.message == b.message;
    case EntryKind::connect:
      return a.peer == b.peer && a.success == b.success && a.connection_type == b.connection_type && a.error == b.error;
    case EntryKind::session:
      return a.state == b.state && a.failure == b.failure;
    case EntryKind::libp2p:
      return a.event == b.event && a.peer == b.peer && a.connection_type == b.connection_type;
  }
  return false;
}

bool MatchScore::better_than(const MatchScore& other) const {
  // Mean errors compared without dividing: e / m < e' / m'  <=>  e * m' < e' * m.
  const auto m = static_cast<std::int64_t>(matched);
  const auto other_m = static_cast<std::int64_t>(other.matched);
  return std::make_tuple(other.matched, extra, time_error_ms * other_m) <
         std::make_tuple(matched, other.extra, other.time_error_ms * m);
}

std::string MatchScore::summary() const {
  std::ostringstream out;
  out << matched << "/" << observations << " observations in order (" << std::fixed << std::setprecision(1)
      << 100.0 * fraction() << "%), " << extra << " extra, mean |dt| " << mean_time_error_ms() << " ms";
  return out.str();
}

MatchScore score_match(const FieldLog& field, const FieldLog& run, const MatchTolerance& tolerance) {
  const std::vector<std::size_t> a = scored_indices(field);
  const std::vector<std::size_t> b = scored_indices(run);
  MatchScore score;
  score.observations = a.size();
  const auto matches = [&](std::size_t i, std::size_t j) {
    const LogEntry& x = field.entries[a[i]];
    const LogEntry& y = run.entries[b[j]];
    return std::llabs(x.t_ms - y.t_ms) <= tolerance.time_ms && same_observation(x, y);
  };
  const auto dt = [&](std::size_t i, std::size_t j) { return std::llabs(field.entries[a[i]].t_ms - run.entries[b[j]].t_ms); };
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  if ((n + 1) * (m + 1) <= kMaxCells) {
    // Longest in-order alignment, least total time error among the longest.
    std::vector<Cell> table((n + 1) * (m + 1));
    const auto at = [&](std::size_t i, std::size_t j) -> Cell& { return table[i * (m + 1) + j]; };
    for (std::size_t i = 1; i <= n; ++i) {
      for (std::size_t j = 1; j <= m; ++j) {
        Cell best = better(at(i - 1, j), at(i, j - 1)) ? at(i - 1, j) : at(i, j - 1);
        if (matches(i - 1, j - 1)) {
          const Cell diagonal{at(i - 1, j - 1).count + 1, at(i - 1, j - 1).error + dt(i - 1, j - 1)};
          if (better(diagonal, best)) best = diagonal;
        }
        at(i, j) = best;
      }
    }
    for (std::size_t i = n, j = m; i > 0 && j > 0;) {
      const Cell here = at(i, j);
      if (matches(i - 1, j - 1) && here.count == at(i - 1, j - 1).count + 1 &&
          here.error == at(i - 1, j - 1).error + dt(i - 1, j - 1)) {
        score.pairs.emplace_back(a[i - 1], b[j - 1]);
        --i;
        --j;
      } else if (here.count == at(i - 1, j).count && here.error == at(i - 1, j).error) {
        --i;
      } else {
        --j;
      }
    }
    std::reverse(score.pairs.begin(), score.pairs.end());
  } else {
    // Greedy: each log observation takes the next run observation that matches it.
    std::size_t j = 0;
    for (std::size_t i = 0; i < n && j < m; ++i) {
      for (std::size_t k = j; k < m; ++k) {
        if (!matches(i, k)) continue;
        score.pairs.emplace_back(a[i], b[k]);
        j = k + 1;
        break;
      }
    }
  }
  score.matched = score.pairs.size();
  score.extra = m - score.matched;
  for (const auto& [i, j] : score.pairs) score.time_error_ms += std::llabs(field.entries[i].t_ms - run.entries[j].t_ms);
  return score;
}

}  // namespace connsim::scenarios::field_log
