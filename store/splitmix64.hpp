// SplitMix64 (Steele, Lea and Flood): the small, seedable, well-mixed generator that every
// seeded draw outside the simulator's streams steps (a live wallet's retry jitter, port and
// transaction-id draws, the explorer's scenario draws, test doubles). One definition, so a
// sequence drawn from a seed is the same wherever it is drawn.
#pragma once

#include <cstdint>

#include "store/rng.hpp"

namespace connsim::store {

/// One SplitMix64 step: advances `state` by the golden-ratio increment and returns the mixed
/// value of the new state.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// An Rng that draws splitmix64 from its seed.
class SplitMix64Rng final : public Rng {
 public:
  explicit SplitMix64Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next_u64() override { return splitmix64(state_); }

 private:
  std::uint64_t state_;
};

}  // namespace connsim::store
