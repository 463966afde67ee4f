#include "sim/latency.hpp"

#include <algorithm>
#include <cmath>

namespace connsim::sim {

namespace {
constexpr double kZ99 = 2.3263478740408408;  // the standard normal's 99th percentile
}

Duration LatencyModel::sample(Stream& rng) const {
  switch (kind) {
    case Kind::fixed:
      return std::max(a, Duration::zero());
    case Kind::uniform: {
      const auto lo = std::min(a, b).count();
      const auto hi = std::max(a, b).count();
      return Duration(lo + static_cast<Duration::rep>(rng.next_unit() * static_cast<double>(hi - lo)));
    }
    case Kind::lognormal: {
      const double median = std::max<double>(1.0, static_cast<double>(a.count()));
      const double p99 = std::max(median, static_cast<double>(b.count()));
      const double sigma = std::log(p99 / median) / kZ99;
      const double value = median * std::exp(sigma * rng.normal());
      return Duration(static_cast<Duration::rep>(std::min(value, 3.6e12)));  // capped at 1 h
    }
  }
  return a;
}

Duration LatencyModel::floor() const {
  switch (kind) {
    case Kind::fixed:
      return std::max(a, Duration::zero());
    case Kind::uniform:
      return std::max(std::min(a, b), Duration::zero());
    case Kind::lognormal:
      return Duration::zero();
  }
  return Duration::zero();
}

std::string LatencyModel::describe() const {
  auto ms = [](Duration d) { return std::to_string(static_cast<double>(d.count()) / 1e6) + "ms"; };
  switch (kind) {
    case Kind::fixed: return ms(a);
    case Kind::lognormal: return "lognormal(median " + ms(a) + ", p99 " + ms(b) + ")";
    case Kind::uniform: return "uniform(" + ms(a) + ".." + ms(b) + ")";
  }
  return "?";
}

}  // namespace connsim::sim
