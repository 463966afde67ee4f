// The sweep's tables: runs.csv, summary.csv and summary.md, exactly; a value without data is an
// empty cell or "–", never "nan".
#define BOOST_TEST_MODULE sweep_tables
#include "apps/sweep/tables.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <sstream>
#include <string>

#include "sweep_fixtures.hpp"

using namespace connsim::sweep;
using namespace connsim::sweep::testing;

namespace {

std::string line(const std::string& text, std::size_t n) {
  std::istringstream in(text);
  std::string out;
  for (std::size_t i = 0; i <= n; ++i) std::getline(in, out);
  return out;
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

bool has_nan(const std::string& text) {
  std::string lower = text;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("nan") != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(runs_csv_has_one_row_per_finished_run) {
  const Grid grid = two_policy_grid(2);
  std::vector<RunResult> results(grid.runs());
  results[1] = finished_run(0.75, std::nullopt, 4, 5);
  results[1].wall_seconds = 0.25;
  std::ostringstream out;
  write_runs_csv(out, grid, results);
  BOOST_TEST(line(out.str(), 0) ==
             "policy,max_attempts,base_delay_ms,concurrency_mode,concurrency_limit,seed,passed,"
             "connect_success_rate,first_attempt_success_rate,connect_time_p50,connect_time_p90,"
             "connect_time_p99,share_webrtc,share_relay,share_direct,spend_success_rate,"
             "connections_per_sim_second,connects,connect_attempts,connections,"
             "relay_circuits_opened,relay_circuits_refused,relay_reservations_refused,events,"
             "wall_seconds,fingerprint");
  BOOST_TEST(line(out.str(), 1) ==
             "fixed,2,1000,batch,3,2,1,0.75,,,,,,,,,,4,5,0,0,0,0,0,0.25,f00d");
  BOOST_TEST(line_count(out.str()) == 2u);
}

BOOST_AUTO_TEST_CASE(runs_csv_of_no_finished_run_is_its_header) {
  const Grid grid = two_policy_grid(1);
  std::ostringstream out;
  write_runs_csv(out, grid, std::vector<RunResult>(grid.runs()));
  BOOST_TEST(line_count(out.str()) == 1u);
}

BOOST_AUTO_TEST_CASE(summary_csv_has_paired_columns_only_with_a_reference) {
  const Grid grid = two_policy_grid(2);
  std::vector<RunResult> results(grid.runs(), finished_run(0.5, 100, 2, 3));
  std::ostringstream plain, paired;
  write_summary_csv(plain, grid, summarise(grid, results, std::nullopt));
  write_summary_csv(paired, grid, summarise(grid, results, seed_default_point(grid)));
  const std::string head = line(plain.str(), 0);
  BOOST_TEST(head.rfind("policy,max_attempts,base_delay_ms,concurrency_mode,concurrency_limit,runs,"
                        "connect_success_rate_mean,connect_success_rate_ci95,",
                        0) == 0u);
  BOOST_TEST(head.find("delta_") == std::string::npos);
  BOOST_TEST(line(paired.str(), 0) == head +
                                          ",delta_connect_success_rate_vs_seed_default_mean,"
                                          "delta_connect_success_rate_vs_seed_default_ci95,"
                                          "delta_connect_time_p99_vs_seed_default_mean,"
                                          "delta_connect_time_p99_vs_seed_default_ci95");
  BOOST_TEST(line_count(paired.str()) == 1u + grid.points.size());
  // exponential,3,1000: two runs of 0.5 and 100 ms; the deltas are 0 with a zero-width interval.
  const std::string row = line(paired.str(), 4);
  BOOST_TEST(row.rfind("exponential,3,1000,batch,3,2,0.5,0,", 0) == 0u);
  BOOST_TEST(row.substr(row.size() - 8) == ",0,0,0,0");
}

BOOST_AUTO_TEST_CASE(summaries_of_empty_and_single_samples_hold_no_nan) {
  const Grid grid = two_policy_grid(1);
  std::vector<RunResult> results(grid.runs());  // points 1..3 without runs
  results[0] = finished_run(0.5, std::nullopt, 0, 0);
  const Summary summary = summarise(grid, results, seed_default_point(grid));
  std::ostringstream csv, md;
  write_summary_csv(csv, grid, summary);
  write_summary_md(md, "x", grid, summary);
  BOOST_TEST(!has_nan(csv.str()));
  BOOST_TEST(!has_nan(md.str()));
  // One run: a mean, an empty half-width; no p99 and no attempts per connect: empty cells.
  BOOST_TEST(line(csv.str(), 1).rfind("fixed,2,1000,batch,3,1,0.5,,", 0) == 0u);
  BOOST_TEST(line(csv.str(), 2) == "fixed,3,1000,batch,3,0" + std::string(2 * 20, ','));
}

BOOST_AUTO_TEST_CASE(summary_md_shows_mean_plus_minus_half_width) {
  const Grid grid = two_policy_grid(2);
  std::vector<RunResult> results(grid.runs());
  results[6] = finished_run(0.5, 1000, 4, 6);  // exponential,3 seed 1
  results[7] = finished_run(0.7, 1200, 4, 6);  // seed 2
  results[0] = finished_run(0.9, 900, 4, 4);   // fixed,2 seed 1 only
  std::ostringstream md;
  write_summary_md(md, "demo", grid, summarise(grid, results, seed_default_point(grid)));
  const std::string text = md.str();
  BOOST_TEST(line(text, 0) == "# Sweep of `demo`: 4 grid points x 2 seeds (1..2)");
  BOOST_TEST(line(text, 6) ==
             "| policy | attempts | base delay | concurrency | success rate | Δ success | "
             "1st-attempt | p50 ms | p99 ms | Δ p99 ms | attempts/connect | relay circuits | "
             "share relay |");
  // t(1) = 12.706; sd of {0.5, 0.7} = 0.1414; half-width 12.706 * 0.1 = 1.271.
  BOOST_TEST(line(text, 11) ==
             "| exponential | 3 | 1s | batch:3 | 0.600 ± 1.271 | 0.000 ± 0.000 | – | – | "
             "1100 ± 1271 | 0 ± 0 | 1.50 ± 0.00 | 0.0 ± 0.0 | – |");
  BOOST_TEST(line(text, 8) ==
             "| fixed | 2 | 1s | batch:3 | 0.900 | 0.400 | – | – | 900 | -100 | 1.00 | 0.0 | – |");
  BOOST_TEST(line(text, 9) == "| fixed | 3 | 1s | batch:3 | – | – | – | – | – | – | – | – | – |");
}

BOOST_AUTO_TEST_CASE(summary_md_without_a_reference_has_no_deltas) {
  const Grid grid = grid_of(spec_of({"fixed"}, {1}, {"250ms"}, {"window:2"}, 1));
  std::ostringstream md;
  write_summary_md(md, "n", grid, summarise(grid, {finished_run(1, 5, 1, 1)}, std::nullopt));
  BOOST_TEST(line(md.str(), 8) ==
             "| fixed | 1 | 250ms | window:2 | 1.000 | – | – | – | 5 | – | 1.00 | 0.0 | – |");
}
