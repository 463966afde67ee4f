// The sweep's statistics: Student's t quantile, mean and confidence interval (empty and
// one-value samples included), and paired differences with missing values.
#define BOOST_TEST_MODULE sweep_statistics
#include "apps/sweep/statistics.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <optional>
#include <vector>

using namespace connsim::sweep;

BOOST_AUTO_TEST_CASE(t975_is_undefined_without_degrees_of_freedom) {
  BOOST_TEST(std::isnan(student_t975(0)));
}

BOOST_AUTO_TEST_CASE(t975_follows_the_table_then_approaches_the_normal_quantile) {
  BOOST_TEST(student_t975(1) == 12.706);
  BOOST_TEST(student_t975(2) == 4.303);
  BOOST_TEST(student_t975(30) == 2.042);
  BOOST_TEST(student_t975(31) == 2.0395, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(student_t975(1000000) == 1.96, boost::test_tools::tolerance(1e-3));
  for (std::size_t df = 1; df < 500; ++df) {
    BOOST_TEST_CONTEXT("df " << df) {
      BOOST_TEST(student_t975(df + 1) < student_t975(df));
      BOOST_TEST(student_t975(df) > 1.959963985);
    }
  }
}

BOOST_AUTO_TEST_CASE(an_empty_sample_has_no_mean_and_no_interval) {
  const MeanCi s = mean_ci({});
  BOOST_TEST(s.n == 0u);
  BOOST_TEST(std::isnan(s.mean));
  BOOST_TEST(std::isnan(s.ci95));
}

BOOST_AUTO_TEST_CASE(one_value_has_a_mean_but_no_interval) {
  const MeanCi s = mean_ci({0.25});
  BOOST_TEST(s.n == 1u);
  BOOST_TEST(s.mean == 0.25);
  BOOST_TEST(std::isnan(s.ci95));
}

BOOST_AUTO_TEST_CASE(two_values_use_t_with_one_degree_of_freedom) {
  // mean 2, sample sd sqrt(2), half-width t(1) * sqrt(2) / sqrt(2).
  const MeanCi s = mean_ci({1, 3});
  BOOST_TEST(s.n == 2u);
  BOOST_TEST(s.mean == 2.0);
  BOOST_TEST(s.ci95 == 12.706, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(equal_values_have_a_zero_width_interval) {
  const MeanCi s = mean_ci(std::vector<double>(10, 7.5));
  BOOST_TEST(s.mean == 7.5);
  BOOST_TEST(s.ci95 == 0.0);
}

BOOST_AUTO_TEST_CASE(a_larger_sample_matches_the_textbook_formula) {
  const std::vector<double> values{2, 4, 4, 4, 5, 5, 7, 9};  // mean 5, sample variance 32/7
  const MeanCi s = mean_ci(values);
  BOOST_TEST(s.mean == 5.0);
  BOOST_TEST(s.ci95 == 2.365 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0),
             boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(present_keeps_the_values_in_order) {
  BOOST_TEST(present({}).empty());
  BOOST_TEST(present({std::nullopt, std::nullopt}).empty());
  const std::vector<double> expected{1, 3};
  BOOST_TEST(present({1.0, std::nullopt, 3.0}) == expected);
}

BOOST_AUTO_TEST_CASE(paired_differences_skip_a_seed_missing_on_either_side) {
  const std::vector<std::optional<double>> values{5.0, std::nullopt, 2.0, 4.0};
  const std::vector<std::optional<double>> reference{1.0, 1.0, std::nullopt, 6.0};
  const std::vector<double> expected{4, -2};
  BOOST_TEST(paired_differences(values, reference) == expected);
}

BOOST_AUTO_TEST_CASE(paired_differences_stop_at_the_shorter_sample) {
  const std::vector<double> expected{1};
  BOOST_TEST(paired_differences({2.0, 3.0, 4.0}, {1.0}) == expected);
  BOOST_TEST(paired_differences({}, {1.0}).empty());
  BOOST_TEST(mean_ci(paired_differences({}, {})).n == 0u);
}
