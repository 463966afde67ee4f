#include "store/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace connsim::store {

std::string_view to_string(RetryKind kind) {
  return spelling_of(kind);
}

std::optional<RetryKind> parse_retry_kind(std::string_view text) {
  return parse_spelling<RetryKind>(text);
}

Duration RetryPolicy::delay_after_failure(int failed_attempts, Rng* rng) const {
  Duration delay = base_delay;
  if (kind != RetryKind::fixed) {
    // 2^(n-1), saturating well before overflow of nanosecond durations.
    const int doublings = std::clamp(failed_attempts - 1, 0, 40);
    const double factor = std::ldexp(1.0, doublings);
    const double scaled = static_cast<double>(base_delay.count()) * factor;
    const double cap = static_cast<double>(Duration::max().count()) / 4;
    delay = Duration(static_cast<Duration::rep>(std::min(scaled, cap)));
  }
  if (kind == RetryKind::exponential_jitter && rng != nullptr) {
    const double jitter = 0.5 + rng->next_unit();
    delay = Duration(static_cast<Duration::rep>(static_cast<double>(delay.count()) * jitter));
  }
  if (max_delay > Duration::zero()) delay = std::min(delay, max_delay);
  return delay;
}

bool RetryPolicy::may_retry(int failed_attempts, Duration elapsed, Duration next_delay) const {
  if (failed_attempts >= max_attempts) return false;
  if (kind == RetryKind::deadline_bounded && deadline > Duration::zero()) {
    return elapsed + next_delay <= deadline;
  }
  return true;
}

}  // namespace connsim::store
