// A progress line for long work: "<label>: done/total <unit>  rate <unit>/s  ETA 1m05s" on stderr,
// redrawn in place at most every 200 ms and once at the end. Shown only when stderr is a
// terminal and CI is not set to "true", so logs and CI stay quiet.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace connsim::sweep {

class ProgressLine {
 public:
  /// `label`: "sweep"; `unit`: "runs", "scenarios".
  ProgressLine(std::string label, std::string unit);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  /// Ends the line (a newline) when it was shown.
  ~ProgressLine();

  void update(std::size_t finished, std::size_t total);
  bool shown() const { return shown_; }

 private:
  std::string label_;
  std::string unit_;
  bool shown_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_print_ = start_;
};

/// Whether progress may be drawn: stderr is a terminal and the environment's CI is not "true".
bool progress_wanted();

/// "12m05s", "1h02m"; "?" for a negative or infinite time.
std::string format_eta(double seconds);

}  // namespace connsim::sweep
