// RetryPolicy: how connectToDiscoveredPeerWithRetry spaces its attempts. The seed's call is
// connectToDiscoveredPeerWithRetry(presence, 3, 1000): three attempts, waiting 1 s then 2 s.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "store/clock.hpp"
#include "store/rng.hpp"
#include "store/spelling.hpp"

namespace connsim::store {

enum class RetryKind {
  fixed,               // every wait is base_delay
  exponential,         // base_delay * 2^(failed attempts - 1): the seed's
  exponential_jitter,  // the exponential wait times a uniform factor in [0.5, 1.5)
  deadline_bounded,    // exponential waits, but no attempt starts after `deadline`
};

/// In the order the scenario format lists them (the seed's first).
inline constexpr auto kRetryKindSpellings = std::to_array<Spelling<RetryKind>>(
    {{RetryKind::exponential, "exponential"},
     {RetryKind::fixed, "fixed"},
     {RetryKind::exponential_jitter, "exponential-jitter"},
     {RetryKind::deadline_bounded, "deadline-bounded"}});
SpellingTable<kRetryKindSpellings> spellings(RetryKind);

std::string_view to_string(RetryKind kind);
std::optional<RetryKind> parse_retry_kind(std::string_view text);

struct RetryPolicy {
  RetryKind kind = RetryKind::exponential;
  int max_attempts = 3;
  Duration base_delay = std::chrono::milliseconds(1000);
  /// Upper bound on one wait; zero means none.
  Duration max_delay = Duration::zero();
  /// For deadline_bounded: attempts must start within this time of the first; zero means none.
  Duration deadline = std::chrono::seconds(30);

  /// The seed's policy: exponential, `max_retries` attempts, `base_delay` first wait.
  static RetryPolicy seed_default(int max_retries = 3,
                                  Duration base_delay = std::chrono::milliseconds(1000)) {
    RetryPolicy policy;
    policy.max_attempts = max_retries;
    policy.base_delay = base_delay;
    return policy;
  }

  /// The wait after the `failed_attempts`-th failure (1-based) before the next attempt.
  /// `rng` is read only by exponential_jitter (and may be null otherwise).
  Duration delay_after_failure(int failed_attempts, Rng* rng) const;

  /// Whether another attempt may start, `elapsed` after the first began and after
  /// `failed_attempts` failures, given it would wait `next_delay` first.
  bool may_retry(int failed_attempts, Duration elapsed, Duration next_delay) const;
};

}  // namespace connsim::store
