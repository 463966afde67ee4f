// LatencyModel: a one-way delay distribution (fixed, log-normal by median and p99, uniform).
#pragma once

#include <string>

#include "sim/random.hpp"
#include "store/clock.hpp"

namespace connsim::sim {

using store::Duration;

struct LatencyModel {
  enum class Kind { fixed, lognormal, uniform };
  Kind kind = Kind::fixed;
  Duration a = std::chrono::milliseconds(40);  // fixed: the delay; lognormal: median; uniform: min
  Duration b = Duration::zero();               // lognormal: p99; uniform: max

  static LatencyModel fixed(Duration d) { return {Kind::fixed, d, Duration::zero()}; }
  static LatencyModel lognormal(Duration median, Duration p99) {
    return {Kind::lognormal, median, p99};
  }
  static LatencyModel uniform(Duration min, Duration max) { return {Kind::uniform, min, max}; }

  /// One draw. Never negative.
  Duration sample(Stream& rng) const;
  /// The least any draw can be: the fixed delay, the uniform minimum, zero for log-normal.
  /// (The packet backend puts this part into its links and the rest into per-packet holds.)
  Duration floor() const;
  std::string describe() const;

  bool operator==(const LatencyModel&) const = default;
};

}  // namespace connsim::sim
