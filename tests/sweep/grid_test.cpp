// The sweep grid: the command line's lists into grid points in order, every mistake reported,
// and a grid point applied to every wallet of a scenario.
#define BOOST_TEST_MODULE sweep_grid
#include "apps/sweep/grid.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "scenarios/loader.hpp"
#include "sweep_fixtures.hpp"

using namespace connsim::sweep;
using namespace std::chrono_literals;
namespace store = connsim::store;

namespace {

std::vector<std::string> errors_of(const GridSpec& spec) {
  std::vector<std::string> errors;
  BOOST_TEST(!build_grid(spec, errors).has_value());
  return errors;
}

Grid grid_of(const GridSpec& spec) {
  std::vector<std::string> errors;
  auto grid = build_grid(spec, errors);
  BOOST_REQUIRE_MESSAGE(grid.has_value(), (errors.empty() ? "" : errors.front()));
  BOOST_TEST(errors.empty());
  return *grid;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_default_grid_is_the_full_cross_product_in_command_line_order) {
  const Grid grid = grid_of(GridSpec{});
  BOOST_TEST(grid.points.size() == 4u * 5u * 5u * 3u);
  BOOST_TEST(grid.seeds.size() == 30u);
  BOOST_TEST(grid.seeds.front() == 1u);
  BOOST_TEST(grid.seeds.back() == 30u);
  BOOST_TEST(grid.runs() == 300u * 30u);
  BOOST_TEST(!grid.deadline.has_value());
  const GridPoint& first = grid.points.front();
  BOOST_TEST((first.policy == store::RetryKind::fixed));
  BOOST_TEST(first.max_attempts == 1);
  BOOST_TEST((first.base_delay == 250ms));
  BOOST_TEST(first.base_delay_text == "250ms");
  BOOST_TEST((first.mode == store::ConcurrencyMode::batch));
  BOOST_TEST(first.limit == 3);
  BOOST_TEST(first.concurrency_text == "batch:3");
  const GridPoint& second = grid.points[1];  // concurrency varies fastest
  BOOST_TEST(second.concurrency_text == "window:3");
  const GridPoint& last = grid.points.back();
  BOOST_TEST((last.policy == store::RetryKind::deadline_bounded));
  BOOST_TEST(last.max_attempts == 5);
  BOOST_TEST((last.base_delay == 4s));
  BOOST_TEST((last.mode == store::ConcurrencyMode::window));
  BOOST_TEST(last.limit == 6);
}

BOOST_AUTO_TEST_CASE(a_run_index_is_point_major_seed_minor) {
  GridSpec spec = testing::spec_of({"fixed", "exponential"}, {2}, {"1s"}, {"window:2"}, 3);
  spec.first_seed = 41;
  const Grid grid = grid_of(spec);
  BOOST_TEST(grid.runs() == 6u);
  BOOST_TEST(grid.seed_of_run(0) == 41u);
  BOOST_TEST(grid.seed_of_run(2) == 43u);
  BOOST_TEST(grid.seed_of_run(3) == 41u);
  BOOST_TEST((grid.point_of_run(2).policy == store::RetryKind::fixed));
  BOOST_TEST((grid.point_of_run(3).policy == store::RetryKind::exponential));
}

BOOST_AUTO_TEST_CASE(one_value_each_and_one_seed_make_one_run) {
  GridSpec spec = testing::spec_of({"exponential-jitter"}, {1}, {"1.5s"}, {"batch:1"}, 1);
  spec.deadline = "10s";
  const Grid grid = grid_of(spec);
  BOOST_TEST(grid.runs() == 1u);
  BOOST_TEST((grid.points[0].base_delay == 1500ms));
  BOOST_TEST((grid.deadline == store::Duration(10s)));
}

BOOST_AUTO_TEST_CASE(parse_concurrency_takes_a_mode_and_a_positive_limit) {
  BOOST_TEST((parse_concurrency("batch:3") == std::make_pair(store::ConcurrencyMode::batch, 3)));
  BOOST_TEST(
      (parse_concurrency("window:12") == std::make_pair(store::ConcurrencyMode::window, 12)));
  for (const char* bad : {"", "batch", "batch:", ":3", "batch:0", "batch:-1", "batch:3x",
                          "batch: 3x", "stream:3", "window:99999999999", "window:3:4"}) {
    BOOST_TEST_CONTEXT("\"" << bad << "\"") {
      BOOST_TEST(!parse_concurrency(bad).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(every_mistake_is_reported_at_once_with_its_option) {
  GridSpec spec;
  spec.policies = {"fixed", "bogus"};
  spec.max_attempts = {0, 3};
  spec.base_delays = {"x", "1s"};
  spec.concurrency = {"y:1"};
  spec.deadline = "q";
  spec.seeds = 0;
  const std::vector<std::string> expected{
      "--policies: unknown policy \"bogus\"; expected fixed, exponential, exponential-jitter or "
      "deadline-bounded",
      "--max-attempts: must be at least 1, got 0",
      "--base-delays: not a time: \"x\" (e.g. 250ms, 1s)",
      "--concurrency: expected batch:N or window:N, got \"y:1\"",
      "--deadline: not a time: \"q\"",
      "--seeds: must be at least 1"};
  BOOST_TEST(errors_of(spec) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_empty_list_is_an_error) {
  for (int which = 0; which < 4; ++which) {
    GridSpec spec;
    if (which == 0) spec.policies.clear();
    if (which == 1) spec.max_attempts.clear();
    if (which == 2) spec.base_delays.clear();
    if (which == 3) spec.concurrency.clear();
    BOOST_TEST_CONTEXT("list " << which) {
      const auto errors = errors_of(spec);
      BOOST_TEST(errors == std::vector<std::string>{"every grid list needs at least one value"},
                 boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_negative_seed_count_is_an_error) {
  GridSpec spec;
  spec.seeds = -5;
  BOOST_TEST(errors_of(spec) == std::vector<std::string>{"--seeds: must be at least 1"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_seed_default_point_is_found_only_when_the_grid_holds_it) {
  const Grid full = grid_of(GridSpec{});
  const auto at = seed_default_point(full);
  BOOST_REQUIRE(at.has_value());
  const GridPoint& point = full.points[*at];
  BOOST_TEST((point.policy == store::RetryKind::exponential));
  BOOST_TEST(point.max_attempts == 3);
  BOOST_TEST((point.base_delay == 1s));
  BOOST_TEST(point.concurrency_text == "batch:3");

  GridSpec without;
  without.concurrency = {"window:3"};
  BOOST_TEST(!seed_default_point(grid_of(without)).has_value());
  GridSpec spelled_otherwise;  // 1000ms is 1 s: still the default
  spelled_otherwise.base_delays = {"1000ms"};
  BOOST_TEST(seed_default_point(grid_of(spelled_otherwise)).has_value());
}

BOOST_AUTO_TEST_CASE(a_grid_point_sets_every_wallets_retry_and_concurrency_only) {
  const auto loaded = connsim::scenarios::load_scenario_text(
      R"({"format": "connsim/1", "name": "g", "until": "20s",
          "wallets": [{"id": "alice"}, {"id": "bob"}]})",
      "g.json");
  BOOST_REQUIRE(loaded.ok());
  const auto& base = loaded.scenario();
  const Grid grid =
      grid_of(testing::spec_of({"deadline-bounded"}, {5}, {"250ms"}, {"window:6"}, 1));
  const auto unchanged_deadline = base.wallets[0].store.p2p.retry.deadline;

  const auto applied = apply_grid_point(base, grid.points[0], std::nullopt);
  BOOST_REQUIRE(applied.wallets.size() == 2u);
  for (const auto& wallet : applied.wallets) {
    const auto& retry = wallet.store.p2p.retry;
    BOOST_TEST((retry.kind == store::RetryKind::deadline_bounded));
    BOOST_TEST(retry.max_attempts == 5);
    BOOST_TEST((retry.base_delay == 250ms));
    BOOST_TEST((retry.deadline == unchanged_deadline));
    BOOST_TEST((wallet.store.p2p.concurrency.mode == store::ConcurrencyMode::window));
    BOOST_TEST(wallet.store.p2p.concurrency.limit == 6);
  }
  BOOST_TEST(applied.name == base.name);
  BOOST_TEST((applied.until == base.until));

  const auto with_deadline = apply_grid_point(base, grid.points[0], store::Duration(7s));
  BOOST_TEST((with_deadline.wallets[1].store.p2p.retry.deadline == 7s));
}
