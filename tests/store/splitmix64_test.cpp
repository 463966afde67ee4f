// splitmix64: the published reference sequence from seed 0 (Vigna's splitmix64.c), the state
// advancing by the golden-ratio increment, and SplitMix64Rng drawing that same sequence.
#define BOOST_TEST_MODULE store_splitmix64
#include "store/splitmix64.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdint>

using connsim::store::splitmix64;
using connsim::store::SplitMix64Rng;

namespace {

// The first outputs of splitmix64 seeded with 0, as every reference implementation prints them.
constexpr std::uint64_t kFromZero[] = {0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL, 0x06c45d188009454fULL};

}  // namespace

BOOST_AUTO_TEST_CASE(seed_zero_gives_the_reference_sequence) {
  std::uint64_t state = 0;
  for (const std::uint64_t expected : kFromZero) BOOST_TEST(splitmix64(state) == expected);
}

BOOST_AUTO_TEST_CASE(each_step_advances_the_state_by_the_golden_ratio_increment) {
  std::uint64_t state = 41;
  splitmix64(state);
  BOOST_TEST(state == 41 + 0x9e3779b97f4a7c15ULL);
  splitmix64(state);
  BOOST_TEST(state == 41 + 2 * 0x9e3779b97f4a7c15ULL);  // wraps modulo 2^64, as unsigned does
}

BOOST_AUTO_TEST_CASE(a_step_is_usable_at_compile_time) {
  constexpr std::uint64_t first = [] {
    std::uint64_t state = 0;
    return splitmix64(state);
  }();
  static_assert(first == 0xe220a8397b1dcdafULL);
  BOOST_TEST(first == kFromZero[0]);
}

BOOST_AUTO_TEST_CASE(the_rng_draws_the_same_sequence_and_seeds_apart_differ) {
  SplitMix64Rng from_zero(0);
  for (const std::uint64_t expected : kFromZero) BOOST_TEST(from_zero.next_u64() == expected);
  SplitMix64Rng a(7);
  SplitMix64Rng b(7);
  SplitMix64Rng c(8);
  const std::uint64_t first_a = a.next_u64();
  BOOST_TEST(first_a == b.next_u64());
  BOOST_TEST(first_a != c.next_u64());
}
