// The sweep's plots: which slices they show, the data blocks with their header lines, and a
// script that names only columns the data has.
#define BOOST_TEST_MODULE sweep_plots
#include "apps/sweep/plots.hpp"

#include <boost/test/unit_test.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "sweep_fixtures.hpp"

using namespace connsim::sweep;
using namespace connsim::sweep::testing;

namespace {

GridSpec three_by_two() {
  return spec_of({"exponential", "fixed"}, {1, 3, 5}, {"500ms", "1s"}, {"batch:3", "window:3"}, 1);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_wanted_slices_are_kept_or_fall_back_to_the_grids_first_value) {
  const GridSpec spec = three_by_two();
  const Grid grid = grid_of(spec);
  const PlotSelection kept = select_slices(spec, PlotSlices{"500ms", 5, "window:3"}, grid);
  BOOST_TEST(kept.base_delay_text == "500ms");
  BOOST_TEST(kept.max_attempts == 5);
  BOOST_TEST(kept.concurrency_text == "window:3");
  BOOST_TEST(kept.policies == (std::vector<std::string>{"exponential", "fixed"}),
             boost::test_tools::per_element());
  // Not in the grid: 4s, 2 attempts, window:6.
  const PlotSelection fallen_back = select_slices(spec, PlotSlices{"4s", 2, "window:6"}, grid);
  BOOST_TEST(fallen_back.base_delay_text == "500ms");
  BOOST_TEST(fallen_back.max_attempts == 1);
  BOOST_TEST(fallen_back.concurrency_text == "batch:3");
}

BOOST_AUTO_TEST_CASE(each_policy_is_a_block_with_a_header_line) {
  const GridSpec spec = three_by_two();
  const Grid grid = grid_of(spec);
  std::vector<RunResult> results;
  for (std::size_t i = 0; i < grid.runs(); ++i) results.push_back(finished_run(0.01 * i, 5, 1, 2));
  results[0] = RunResult{};  // exponential,1,500ms,batch:3: no run, so no mean
  const Summary summary = summarise(grid, results, seed_default_point(grid));
  const PlotSelection selection = select_slices(spec, PlotSlices{"500ms", 3, "batch:3"}, grid);
  std::ostringstream by_attempts, by_delay;
  write_slice_data(by_attempts, grid, summary, selection, SliceAxis::max_attempts);
  write_slice_data(by_delay, grid, summary, selection, SliceAxis::base_delay);

  const std::string header =
      "x connect_success_rate_mean connect_success_rate_ci95 connect_time_p50_mean "
      "connect_time_p50_ci95 connect_time_p99_mean connect_time_p99_ci95 "
      "relay_circuits_opened_mean relay_circuits_opened_ci95 first_attempt_success_rate_mean "
      "first_attempt_success_rate_ci95 attempts_per_connect_mean attempts_per_connect_ci95";
  const auto a = lines_of(by_attempts.str());
  BOOST_REQUIRE(a.size() == 2u * (2 + 3 + 2));
  BOOST_TEST(a[0] == "# exponential");
  BOOST_TEST(a[1] == header);
  BOOST_TEST(a[2] == "1 NaN 0 NaN 0 NaN 0 NaN 0 NaN 0 NaN 0");  // no run: NaN mean, 0 width
  BOOST_TEST(a[3] == "3 0.04 0 NaN 0 5 0 0 0 NaN 0 2 0");       // point 4 (3, 500ms, batch:3)
  BOOST_TEST(a[5] == "");
  BOOST_TEST(a[6] == "");
  BOOST_TEST(a[7] == "# fixed");
  BOOST_TEST(a[8] == header);
  BOOST_TEST(a[9].rfind("1 0.12 0 ", 0) == 0u);  // point 12: fixed, 1, 500ms, batch:3

  const auto d = lines_of(by_delay.str());
  BOOST_REQUIRE(d.size() == 2u * (2 + 2 + 2));
  BOOST_TEST(d[1] == header);
  BOOST_TEST(d[2].rfind("500 0.04 ", 0) == 0u);
  BOOST_TEST(d[3].rfind("1000 0.06 ", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(the_script_sets_its_parameters_then_is_the_script_file) {
  const GridSpec spec = three_by_two();
  const Grid grid = grid_of(spec);
  const PlotSelection selection = select_slices(spec, PlotSlices{}, grid);
  const std::string script = plot_script("demo", grid, selection);
  const auto lines = lines_of(script);
  BOOST_REQUIRE(lines.size() > 6u);
  BOOST_TEST(lines[1] == "policies = \"exponential fixed\"");
  BOOST_TEST(lines[2] == "sliceA = \"at base delay 1s, concurrency batch:3\"");
  BOOST_TEST(lines[3] == "sliceB = \"at max attempts 3, concurrency batch:3\"");
  BOOST_TEST(lines[4] == "title0 = \"demo (1 seeds, mean and 95% CI)\"");
  BOOST_TEST(script.substr(script.size() - std::string(kPlotSweepScript).size()) ==
             kPlotSweepScript);
}

BOOST_AUTO_TEST_CASE(the_script_names_only_columns_of_the_data_and_no_column_numbers) {
  const std::string script = kPlotSweepScript;
  BOOST_TEST(!std::regex_search(script, std::regex(R"(using\s+[0-9])")));
  const Grid grid = grid_of(three_by_two());
  std::ostringstream data;
  write_slice_data(data, grid, summarise(grid, std::vector<RunResult>(grid.runs()), std::nullopt),
                   select_slices(three_by_two(), PlotSlices{}, grid), SliceAxis::max_attempts);
  std::set<std::string> header;
  std::istringstream words(lines_of(data.str()).at(1));
  for (std::string word; words >> word;) header.insert(word);

  const std::regex quoted_using(R"re(using\s+("[^"]+"(?::"[^"]+")*))re");
  const std::regex name(R"re("([^"]+)")re");
  std::size_t plots = 0;
  for (auto it = std::sregex_iterator(script.begin(), script.end(), quoted_using);
       it != std::sregex_iterator(); ++it, ++plots) {
    const std::string spec = (*it)[1];
    for (auto n = std::sregex_iterator(spec.begin(), spec.end(), name); n != std::sregex_iterator();
         ++n) {
      BOOST_TEST_CONTEXT("column " << (*n)[1]) {
        BOOST_TEST(header.count((*n)[1]) == 1u);
      }
    }
  }
  BOOST_TEST(plots == 6u);
}
