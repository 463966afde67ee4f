// The sweep dashboard (index.html): base64 for the inline plots, the page's data from a summary
// (the seed-default row marked, no-data cells null), and a page that fetches nothing.
#define BOOST_TEST_MODULE sweep_dashboard
#include "apps/sweep/dashboard.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sweep_fixtures.hpp"

using namespace connsim::sweep;
using namespace connsim::sweep::testing;

namespace {

Summary summary_of(const Grid& grid, std::optional<std::size_t> reference) {
  std::vector<RunResult> results;
  for (std::size_t run = 0; run < grid.runs(); ++run) {
    results.push_back(finished_run(0.5 + 0.1 * static_cast<double>(run / grid.seeds.size()), std::nullopt, 10, 12));
  }
  return summarise(grid, results, reference);
}

}  // namespace

BOOST_AUTO_TEST_CASE(base64_is_rfc_4648) {
  BOOST_TEST(base64("") == "");
  BOOST_TEST(base64("f") == "Zg==");
  BOOST_TEST(base64("fo") == "Zm8=");
  BOOST_TEST(base64("foo") == "Zm9v");
  BOOST_TEST(base64("foobar") == "Zm9vYmFy");
  BOOST_TEST(base64(std::string("\xff\x00\x80", 3)) == "/wCA");
}

BOOST_AUTO_TEST_CASE(the_model_marks_the_reference_and_leaves_no_data_null) {
  const Grid grid = two_policy_grid(3);
  const auto reference = seed_default_point(grid);
  BOOST_REQUIRE(reference.has_value());
  const auto model = dashboard_model("s", grid, summary_of(grid, reference), reference, {});
  BOOST_REQUIRE(model["rows"].size() == 4u);
  BOOST_TEST(model["rows"][*reference]["reference"].get<bool>());
  BOOST_TEST(!model["rows"][0]["reference"].get<bool>());
  BOOST_TEST(model["rows"][0]["policy"].get<std::string>() == "fixed");
  BOOST_TEST(model["rows"][0]["runs"].get<std::size_t>() == 3u);
  const auto& values = model["rows"][0]["values"];
  BOOST_TEST(values.size() == model["columns"].size() + model["paired"].size());
  BOOST_TEST(values[0][0].get<double>() == 0.5);  // connect_success_rate's mean
  BOOST_TEST(values[4][0].is_null());             // connect_time_p99: no data
  BOOST_TEST(model["paired"][0]["better"].get<std::string>() == "higher");
  BOOST_TEST(model["paired"][1]["better"].get<std::string>() == "lower");
}

BOOST_AUTO_TEST_CASE(the_page_is_self_contained_and_embeds_plots_found_on_disk) {
  const auto dir = std::filesystem::temp_directory_path() / "connsim_dashboard_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "success_rate.svg") << "<svg xmlns='http://www.w3.org/2000/svg'></svg>";
  const auto plots = embedded_plots(dir);
  std::filesystem::remove_all(dir);
  BOOST_REQUIRE(plots.size() == 1u);
  BOOST_TEST(plots[0].name == "success_rate.svg");
  BOOST_TEST(plots[0].data_uri.rfind("data:image/svg+xml;base64,", 0) == 0);
  const Grid grid = two_policy_grid(2);
  std::ostringstream page;
  write_dashboard(page, "</script><b>x", grid, summary_of(grid, std::nullopt), std::nullopt, plots);
  const std::string html = page.str();
  BOOST_TEST(html.find("default-src 'none'") != std::string::npos);
  BOOST_TEST(html.find("</script><b>") == std::string::npos);  // the name stays data
  BOOST_TEST(html.find("@CONNSIM_") == std::string::npos);
  BOOST_TEST(html.find("data:image/svg+xml;base64,") != std::string::npos);
}
