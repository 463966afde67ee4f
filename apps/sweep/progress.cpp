#include "apps/sweep/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace connsim::sweep {

bool progress_wanted() {
  const char* ci = std::getenv("CI");
  return isatty(STDERR_FILENO) != 0 && (ci == nullptr || std::strcmp(ci, "true") != 0);
}

ProgressLine::ProgressLine(std::string label, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), shown_(progress_wanted()) {}

ProgressLine::~ProgressLine() {
  if (drawn_) std::fprintf(stderr, "\n");
}

void ProgressLine::update(std::size_t finished, std::size_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (!shown_ || (now - last_print_ <= std::chrono::milliseconds(200) && finished != total)) {
    return;
  }
  last_print_ = now;
  drawn_ = true;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(finished) / elapsed : 0;
  std::fprintf(stderr, "\r%s: %zu/%zu %s  %.1f %s/s  ETA %s   ", label_.c_str(), finished, total,
               unit_.c_str(), rate, unit_.c_str(),
               format_eta(rate > 0 ? static_cast<double>(total - finished) / rate : -1).c_str());
  std::fflush(stderr);
}

std::string format_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long>(seconds);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  }
  return buffer;
}

}  // namespace connsim::sweep
