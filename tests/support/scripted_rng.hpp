// Rng test doubles: a scripted sequence (exact values) and a seeded SplitMix64 (reproducible).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "store/rng.hpp"
#include "store/splitmix64.hpp"

namespace connsim::testing {

/// Returns the given values in order, then repeats the last one. Counts the draws.
class ScriptedRng final : public store::Rng {
 public:
  explicit ScriptedRng(std::vector<std::uint64_t> values) : values_(std::move(values)) {}
  std::uint64_t next_u64() override {
    ++draws_;
    if (values_.empty()) return 0;
    const std::size_t index = next_ < values_.size() ? next_++ : values_.size() - 1;
    return values_[index];
  }
  std::size_t draws() const { return draws_; }

  /// The u64 whose next_unit() is exactly `unit` (for a dyadic `unit` in [0, 1)).
  static std::uint64_t for_unit(double unit) {
    return static_cast<std::uint64_t>(unit * 0x1.0p53) << 11;
  }

 private:
  std::vector<std::uint64_t> values_;
  std::size_t next_ = 0;
  std::size_t draws_ = 0;
};

/// SplitMix64 (store/splitmix64.hpp): a small, seedable, well-mixed generator.
using SeededRng = store::SplitMix64Rng;

}  // namespace connsim::testing
