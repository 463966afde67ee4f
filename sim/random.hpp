// Deterministic randomness: one 64-bit run seed, split into independent named streams (one per
// wallet, relay, link, NAT box...) so that adding an entity never perturbs another's draws.
// Never std::random_device, never the wall clock.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

#include "store/rng.hpp"

namespace connsim::sim {

/// SplitMix64 finaliser: a good 64-bit mix, used to derive stream seeds.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// FNV-1a of a label, so streams can be named ("wallet", "relay", ...).
constexpr std::uint64_t hash_label(std::string_view label) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : label) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

/// The seed of stream (`label`, `index`) under run seed `seed`.
constexpr std::uint64_t stream_seed(std::uint64_t seed, std::string_view label,
                                    std::uint64_t index = 0) {
  return mix64(mix64(seed ^ hash_label(label)) + mix64(index + 0x632be59bd9b4e019ULL));
}

/// xoshiro256** seeded through SplitMix64: fast, small, and good enough for a simulator.
class Stream final : public store::Rng {
 public:
  explicit Stream(std::uint64_t seed = 1) { reseed(seed); }
  void reseed(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& word : s_) {
      x += 0x9e3779b97f4a7c15ULL;
      word = mix64(x);
    }
  }
  std::uint64_t next_u64() override {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform integer in [0, n), n > 0.
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next_u64() % n; }
  bool chance(double p) { return p > 0 && next_unit() < p; }
  /// Standard normal (Box-Muller; one value per call, deterministic).
  double normal() {
    double u1 = next_unit();
    if (u1 < 1e-300) u1 = 1e-300;
    const double u2 = next_unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

}  // namespace connsim::sim
