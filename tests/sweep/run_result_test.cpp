// One sweep run's result: taken from a RunReport, and across the worker pipe and back.
#define BOOST_TEST_MODULE sweep_run_result
#include "apps/sweep/run_result.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

using namespace connsim::sweep;
using connsim::scenarios::Metric;

namespace {

RunResult sample() {
  RunResult r;
  r.done = true;
  r.passed = true;
  r.fingerprint = "067f796f867df40e";
  r.wall_seconds = 0.068695916;
  for (std::size_t m = 0; m < kSweepMetricCount; ++m) r.metrics[m] = 0.125 * double(m);
  r.metrics[3] = std::nullopt;
  for (std::size_t c = 0; c < kSweepCounterCount; ++c) r.counters[c] = double(10 + c);
  return r;
}

void check_equal(const RunResult& a, const RunResult& b) {
  BOOST_TEST(a.done == b.done);
  BOOST_TEST(a.passed == b.passed);
  BOOST_TEST(a.fingerprint == b.fingerprint);
  BOOST_TEST(a.wall_seconds == b.wall_seconds);
  for (std::size_t m = 0; m < kSweepMetricCount; ++m) BOOST_TEST((a.metrics[m] == b.metrics[m]));
  for (std::size_t c = 0; c < kSweepCounterCount; ++c) BOOST_TEST(a.counters[c] == b.counters[c]);
}

}  // namespace

BOOST_AUTO_TEST_CASE(numbers_have_ten_significant_digits) {
  BOOST_TEST(format_number(0.1 + 0.2) == "0.3");
  BOOST_TEST(format_number(1820.895254123) == "1820.895254");
  BOOST_TEST(format_number(6000) == "6000");
  BOOST_TEST(format_number(123456789012.0) == "1.23456789e+11");
  BOOST_TEST(format_number(0) == "0");
  BOOST_TEST(format_number(-0.5) == "-0.5");
}

BOOST_AUTO_TEST_CASE(a_result_crosses_the_pipe_unchanged) {
  const RunResult r = sample();
  const std::string line = encode_result(r);
  BOOST_TEST(line ==
             "1 067f796f867df40e 0.068695916 0 0.125 0.25 - 0.5 0.625 0.75 0.875 1 1.125 "
             "10 11 12 13 14 15 16");
  const auto back = decode_result(line);
  BOOST_REQUIRE(back.has_value());
  check_equal(*back, r);
}

BOOST_AUTO_TEST_CASE(a_failed_run_without_any_metric_crosses_too) {
  RunResult r;
  r.done = true;
  r.fingerprint = "0000000000000000";
  const auto back = decode_result(encode_result(r));
  BOOST_REQUIRE(back.has_value());
  check_equal(*back, r);
  BOOST_TEST(!back->passed);
}

BOOST_AUTO_TEST_CASE(decoding_refuses_anything_else) {
  const std::string good = encode_result(sample());
  for (const std::string& bad :
       {std::string(), std::string("1"), std::string("1 fp"), std::string("2 fp 0.1"),
        good.substr(0, good.rfind(' ')),                            // a counter short
        good + " 17",                                               // one too many
        std::string("1 fp 0.1 a b c d e f g h i j 1 2 3 4 5 6 7"),  // metrics not numbers
        std::string("1 fp zero - - - - - - - - - - 1 2 3 4 5 6 7"),
        std::string("1 fp 0.1 - - - - - - - - - - 1 2 3 x 5 6 7")}) {
    BOOST_TEST_CONTEXT("\"" << bad << "\"") {
      BOOST_TEST(!decode_result(bad).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_report_gives_its_metrics_and_counters_in_csv_order) {
  connsim::scenarios::RunReport report;
  report.passed = true;
  report.stats.fingerprint = "abc";
  report.stats.wall_seconds = 1.5;
  report.stats.connects = 90;
  report.stats.connect_attempts = 110;
  report.stats.connections = 96;
  report.stats.relay_circuits_opened = 79;
  report.stats.relay_circuits_refused = 51;
  report.stats.relay_reservations_refused = 2;
  report.stats.events = 5405;
  report.metrics[Metric::connect_success_rate] = 0.85;
  report.metrics[Metric::connect_time_p99] = std::nullopt;  // present, without data
  const RunResult r = result_of(report);
  BOOST_TEST(r.done);
  BOOST_TEST(r.passed);
  BOOST_TEST(r.fingerprint == "abc");
  BOOST_TEST(r.wall_seconds == 1.5);
  BOOST_TEST((r.metrics[0] == 0.85));  // connect_success_rate comes first
  for (std::size_t m = 1; m < kSweepMetricCount; ++m) BOOST_TEST(!r.metrics[m].has_value());
  const std::array<double, kSweepCounterCount> counters{90, 110, 96, 79, 51, 2, 5405};
  BOOST_TEST(r.counters == counters, boost::test_tools::per_element());
}
