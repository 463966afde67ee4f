// RetryPolicy: the seed's 1 s / 2 s exponential waits and the pluggable alternatives.
#define BOOST_TEST_MODULE store_retry_policy
#include "store/retry_policy.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/support/scripted_rng.hpp"
#include "tests/support/store_harness.hpp"

using namespace connsim::store;
using namespace connsim::testing;
using std::chrono::milliseconds;
using std::chrono::seconds;

BOOST_AUTO_TEST_CASE(seed_default_is_three_attempts_exponential_from_one_second) {
  const RetryPolicy policy = RetryPolicy::seed_default();
  BOOST_TEST(policy.kind == RetryKind::exponential);
  BOOST_TEST(policy.max_attempts == 3);
  BOOST_TEST((policy.base_delay == milliseconds(1000)));
  BOOST_TEST((policy.max_delay == Duration::zero()));
  // connectToDiscoveredPeerWithRetry(presence, 3, 1000): wait 1 s, then 2 s.
  BOOST_TEST(to_ms(policy.delay_after_failure(1, nullptr)) == 1000);
  BOOST_TEST(to_ms(policy.delay_after_failure(2, nullptr)) == 2000);
  BOOST_TEST(policy.may_retry(1, seconds(0), seconds(1)));
  BOOST_TEST(policy.may_retry(2, seconds(1), seconds(2)));
  BOOST_TEST(!policy.may_retry(3, seconds(3), seconds(4)));
}

BOOST_AUTO_TEST_CASE(exponential_doubles_from_the_base_delay) {
  const RetryPolicy policy = RetryPolicy::seed_default(6, milliseconds(250));
  std::vector<long long> waits;
  for (int failed = 1; failed <= 5; ++failed)
    waits.push_back(to_ms(policy.delay_after_failure(failed, nullptr)));
  BOOST_TEST(waits == (std::vector<long long>{250, 500, 1000, 2000, 4000}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(fixed_waits_the_base_delay_every_time) {
  RetryPolicy policy;
  policy.kind = RetryKind::fixed;
  policy.base_delay = milliseconds(1500);
  for (int failed = 1; failed <= 4; ++failed) {
    BOOST_TEST(to_ms(policy.delay_after_failure(failed, nullptr)) == 1500);
  }
}

BOOST_AUTO_TEST_CASE(max_delay_caps_every_wait) {
  RetryPolicy policy = RetryPolicy::seed_default(10);
  policy.max_delay = milliseconds(3000);
  BOOST_TEST(to_ms(policy.delay_after_failure(2, nullptr)) == 2000);
  BOOST_TEST(to_ms(policy.delay_after_failure(3, nullptr)) == 3000);
  BOOST_TEST(to_ms(policy.delay_after_failure(9, nullptr)) == 3000);
}

BOOST_AUTO_TEST_CASE(exponential_saturates_instead_of_overflowing) {
  const RetryPolicy policy = RetryPolicy::seed_default(10'000);
  const Duration d100 = policy.delay_after_failure(100, nullptr);
  const Duration d5000 = policy.delay_after_failure(5000, nullptr);
  BOOST_TEST((d100.count() > 0));
  BOOST_TEST((d5000 == d100));
  BOOST_TEST((d100 >= policy.delay_after_failure(30, nullptr)));
}

BOOST_AUTO_TEST_CASE(jitter_scales_the_exponential_wait_by_half_plus_a_uniform_draw) {
  RetryPolicy policy = RetryPolicy::seed_default();
  policy.kind = RetryKind::exponential_jitter;
  ScriptedRng rng(
      {ScriptedRng::for_unit(0.0), ScriptedRng::for_unit(0.5), ScriptedRng::for_unit(0.75)});
  BOOST_TEST(to_ms(policy.delay_after_failure(1, &rng)) == 500);   // 1 s * 0.5
  BOOST_TEST(to_ms(policy.delay_after_failure(2, &rng)) == 2000);  // 2 s * 1.0
  BOOST_TEST(to_ms(policy.delay_after_failure(3, &rng)) == 5000);  // 4 s * 1.25
  BOOST_TEST(rng.draws() == 3u);
  // Without an Rng the jittered policy degrades to the plain exponential one.
  BOOST_TEST(to_ms(policy.delay_after_failure(2, nullptr)) == 2000);
}

BOOST_AUTO_TEST_CASE(jitter_stays_in_range_and_is_reproducible_from_the_seed) {
  RetryPolicy policy = RetryPolicy::seed_default();
  policy.kind = RetryKind::exponential_jitter;
  SeededRng first(2024);
  SeededRng second(2024);
  SeededRng other(2025);
  bool any_difference = false;
  for (int i = 0; i < 1000; ++i) {
    const Duration a = policy.delay_after_failure(1, &first);
    const Duration b = policy.delay_after_failure(1, &second);
    const Duration c = policy.delay_after_failure(1, &other);
    BOOST_TEST_REQUIRE((a == b));
    BOOST_TEST_REQUIRE((a >= milliseconds(500)));
    BOOST_TEST_REQUIRE((a < milliseconds(1500)));
    any_difference = any_difference || a != c;
  }
  BOOST_TEST(any_difference);
}

BOOST_AUTO_TEST_CASE(deadline_bounded_allows_a_retry_only_if_it_starts_within_the_deadline) {
  RetryPolicy policy = RetryPolicy::seed_default(10);
  policy.kind = RetryKind::deadline_bounded;
  policy.deadline = milliseconds(2500);
  BOOST_TEST(policy.may_retry(1, milliseconds(0), milliseconds(1000)));
  BOOST_TEST(policy.may_retry(1, milliseconds(1500), milliseconds(1000)));   // starts at 2.5 s
  BOOST_TEST(!policy.may_retry(1, milliseconds(1501), milliseconds(1000)));  // would start later
  BOOST_TEST(!policy.may_retry(10, milliseconds(0), milliseconds(1)));       // attempts still cap
  policy.deadline = Duration::zero();                                        // no deadline
  BOOST_TEST(policy.may_retry(5, std::chrono::hours(10), std::chrono::hours(10)));
  // Other kinds ignore the deadline entirely.
  RetryPolicy exponential = RetryPolicy::seed_default();
  exponential.deadline = milliseconds(1);
  BOOST_TEST(exponential.may_retry(1, seconds(100), seconds(1)));
}

BOOST_AUTO_TEST_CASE(retry_kinds_have_stable_names) {
  BOOST_TEST(to_string(RetryKind::fixed) == "fixed");
  BOOST_TEST(to_string(RetryKind::exponential) == "exponential");
  BOOST_TEST(to_string(RetryKind::exponential_jitter) == "exponential-jitter");
  BOOST_TEST(to_string(RetryKind::deadline_bounded) == "deadline-bounded");
  for (auto k : {RetryKind::fixed, RetryKind::exponential, RetryKind::exponential_jitter,
                 RetryKind::deadline_bounded}) {
    BOOST_TEST((parse_retry_kind(to_string(k)) == std::optional(k)));
  }
  BOOST_TEST(!parse_retry_kind("jitter").has_value());
}
