// What `connsim explore` and `explore --match` share to time their runs and show them on a
// terminal: the clock, a number with fixed decimals, and the head of the status line that is
// rewritten in place after every run.
#pragma once

#include <chrono>
#include <cstdint>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

namespace connsim::scenarios::explore {

using Clock = std::chrono::steady_clock;

/// Wall seconds from `start` to now.
inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// `value` with exactly `digits` decimals.
inline std::string fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

/// Clears the terminal line and writes "<what> <space>: <done>[/<total>] runs, <rate> runs/s, "
/// (no total when it is 0: the runs are timed, not counted; the rate is over the wall time since
/// `start`). The caller ends the line with its own tally.
inline void rewrite_progress_head(std::ostream& progress, std::string_view what, std::string_view space,
                                  std::uint64_t done, std::uint64_t total, Clock::time_point start) {
  const double elapsed = seconds_since(start);
  progress << "\r\033[K" << what << " " << space << ": " << done;
  if (total > 0) progress << "/" << total;
  progress << " runs, " << fixed(elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0, 1) << " runs/s, ";
}

}  // namespace connsim::scenarios::explore
