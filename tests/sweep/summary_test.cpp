// The sweep summary: the columns, mean and interval per grid point over finished runs only,
// and the paired differences from the seed-default point.
#define BOOST_TEST_MODULE sweep_summary
#include "apps/sweep/summary.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

#include "sweep_fixtures.hpp"

using namespace connsim::sweep;
using namespace connsim::sweep::testing;

BOOST_AUTO_TEST_CASE(the_columns_are_the_metrics_the_counters_then_attempts_per_connect) {
  const auto columns = summary_columns();
  BOOST_REQUIRE(columns.size() == kSweepMetricCount + kSweepCounterCount + 1);
  BOOST_TEST(columns.front().name == "connect_success_rate");
  BOOST_TEST(columns[kSweepMetricCount].name == "connects");
  BOOST_TEST(columns.back().name == "attempts_per_connect");
  BOOST_TEST(column_index(columns, "connect_time_p99") == 4u);
  BOOST_TEST(column_index(columns, "events") == kSweepMetricCount + kSweepCounterCount - 1);
  BOOST_TEST(column_index(columns, "no_such_column") == 0u);
}

BOOST_AUTO_TEST_CASE(attempts_per_connect_needs_a_connect) {
  const auto columns = summary_columns();
  const auto& ratio = columns.back();
  BOOST_TEST((ratio.of(finished_run(1, 10, 4, 6)) == 1.5));
  BOOST_TEST(!ratio.of(finished_run(1, 10, 0, 6)).has_value());
}

BOOST_AUTO_TEST_CASE(paired_names_say_what_they_compare) {
  BOOST_TEST(paired_name("connect_time_p99") == "delta_connect_time_p99_vs_seed_default");
}

BOOST_AUTO_TEST_CASE(each_point_summarises_its_own_seeds) {
  const Grid grid = two_policy_grid(2);
  std::vector<RunResult> results;
  for (double base : {0.1, 0.2, 0.3, 0.4}) {
    results.push_back(finished_run(base, 1000 * base, 10, 10));
    results.push_back(finished_run(base + 0.1, 1000 * base + 100, 10, 20));
  }
  const Summary summary = summarise(grid, results, std::nullopt);
  BOOST_TEST(!summary.paired);
  BOOST_REQUIRE(summary.rows.size() == 4u);
  for (std::size_t p = 0; p < 4; ++p) {
    BOOST_TEST(summary.rows[p].size() == summary.columns.size());
    BOOST_TEST(summary.paired_at(p, 0) == nullptr);
    BOOST_TEST(summary.runs(p) == 2u);
  }
  BOOST_TEST(summary.at(2, "connect_success_rate").mean == 0.35,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(summary.at(2, "connect_time_p99").mean == 350.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(summary.at(0, "attempts_per_connect").mean == 1.5);
  BOOST_TEST(summary.at(0, "connects").ci95 == 0.0);
}

BOOST_AUTO_TEST_CASE(runs_not_done_and_values_without_data_count_nowhere) {
  const Grid grid = two_policy_grid(3);
  std::vector<RunResult> results(grid.runs());  // nothing done
  results[0] = finished_run(0.5, std::nullopt, 4, 4);
  results[1] = finished_run(0.7, 200, 4, 4);
  const Summary summary = summarise(grid, results, std::nullopt);
  BOOST_TEST(summary.at(0, "connect_success_rate").n == 2u);
  BOOST_TEST(summary.at(0, "connect_time_p99").n == 1u);
  BOOST_TEST(summary.at(0, "connect_time_p99").mean == 200.0);
  BOOST_TEST(std::isnan(summary.at(0, "connect_time_p99").ci95));
  BOOST_TEST(summary.runs(0) == 2u);
  for (std::size_t p = 1; p < 4; ++p) {  // empty samples
    BOOST_TEST(summary.runs(p) == 0u);
    BOOST_TEST(std::isnan(summary.at(p, "connect_success_rate").mean));
  }
}

BOOST_AUTO_TEST_CASE(paired_differences_are_taken_seed_by_seed_from_the_reference) {
  const Grid grid = two_policy_grid(3);
  const auto reference = seed_default_point(grid);
  BOOST_REQUIRE(reference == std::optional<std::size_t>(3));
  std::vector<RunResult> results(grid.runs());
  // point 0: seeds 1..3; the reference (point 3) lacks seed 2, point 0 lacks a p99 at seed 3.
  results[0] = finished_run(0.6, 900, 1, 1);
  results[1] = finished_run(0.7, 800, 1, 1);
  results[2] = finished_run(0.8, std::nullopt, 1, 1);
  results[9] = finished_run(0.5, 1000, 1, 1);
  results[11] = finished_run(0.6, 1100, 1, 1);
  const Summary summary = summarise(grid, results, reference);
  BOOST_TEST(summary.paired);
  BOOST_REQUIRE(summary.rows[0].size() == summary.columns.size() + 2);
  const MeanCi* success = summary.paired_at(0, 0);
  BOOST_REQUIRE(success != nullptr);
  BOOST_TEST(success->n == 2u);  // seeds 1 and 3
  BOOST_TEST(success->mean == 0.15, boost::test_tools::tolerance(1e-12));
  const MeanCi* p99 = summary.paired_at(0, 1);
  BOOST_TEST(p99->n == 1u);  // seed 1 only
  BOOST_TEST(p99->mean == -100.0);
  BOOST_TEST(std::isnan(p99->ci95));
  BOOST_TEST(summary.paired_at(3, 0)->mean == 0.0);  // the reference against itself
  BOOST_TEST(summary.paired_at(1, 0)->n == 0u);      // no runs: an empty sample
  BOOST_TEST(std::isnan(summary.paired_at(1, 0)->mean));
}
