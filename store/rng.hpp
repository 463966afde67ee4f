// Rng: randomness the store may use (jittered retry only). Supplied from outside so that a
// simulated run is reproducible from its seed.
#pragma once

#include <cstdint>

namespace connsim::store {

class Rng {
 public:
  virtual ~Rng() = default;
  /// A uniformly distributed 64-bit value.
  virtual std::uint64_t next_u64() = 0;
  /// Uniform in [0, 1).
  double next_unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
};

}  // namespace connsim::store
