// Running a sweep's grid in worker processes: every run comes back, and its fingerprint is the
// one scenarios::run_scenario gives in this process for the same options and seed, whatever the
// number of workers.
#define BOOST_TEST_MODULE sweep_runs
#include "apps/sweep/runs.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "scenarios/loader.hpp"
#include "scenarios/runner.hpp"
#include "sweep_fixtures.hpp"

using namespace connsim::sweep;
using namespace connsim::sweep::testing;
namespace scenarios = connsim::scenarios;

namespace {

scenarios::Scenario two_wallets_and_a_relay() {
  auto loaded = scenarios::load_scenario_text(
      R"({"format": "connsim/1", "name": "sweep-runs", "until": "20s",
          "network": {"relays": [{"id": "relay-1"}], "loss": 0.2},
          "wallets": [{"id": "alice"}, {"id": "bob"}],
          "timeline": [{"at": "5s", "id": "hello", "do": "connect", "wallet": "alice",
                        "peer": "bob"}]})",
      "sweep-runs.json");
  BOOST_REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.errors().front().to_string()));
  return std::move(loaded.scenario());
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_run_matches_the_same_run_in_process) {
  const scenarios::Scenario base = two_wallets_and_a_relay();
  const Grid grid = grid_of(spec_of({"fixed", "exponential"}, {1, 3}, {"500ms"}, {"batch:3"}, 2));
  std::vector<std::string> failures;
  const std::vector<RunResult> results = run_grid(base, grid, 3, failures);
  BOOST_TEST(failures.empty());
  BOOST_REQUIRE(results.size() == grid.runs());
  for (std::size_t i = 0; i < grid.runs(); ++i) {
    BOOST_TEST_CONTEXT("run " << i) {
      scenarios::RunOptions options;
      options.seed = grid.seed_of_run(i);
      options.keep_history = false;
      const auto report = scenarios::run_scenario(
          apply_grid_point(base, grid.point_of_run(i), grid.deadline), options);
      BOOST_TEST(results[i].done);
      BOOST_TEST(results[i].passed == report.passed);
      BOOST_TEST(results[i].fingerprint == report.stats.fingerprint);
      BOOST_TEST(results[i].counters[0] == double(report.stats.connects));
    }
  }
}

BOOST_AUTO_TEST_CASE(one_worker_gives_what_several_give) {
  const scenarios::Scenario base = two_wallets_and_a_relay();
  const Grid grid = grid_of(spec_of({"exponential-jitter"}, {2}, {"1s"}, {"window:2"}, 3));
  std::vector<std::string> failures;
  const auto one = run_grid(base, grid, 1, failures);
  const auto two = run_grid(base, grid, 2, failures);
  BOOST_TEST(failures.empty());
  for (std::size_t i = 0; i < grid.runs(); ++i) {
    BOOST_TEST_CONTEXT("run " << i) {  // all but the wall time
      BOOST_TEST((one[i].done && two[i].done));
      BOOST_TEST(one[i].passed == two[i].passed);
      BOOST_TEST(one[i].fingerprint == two[i].fingerprint);
      BOOST_TEST((one[i].metrics == two[i].metrics));
      BOOST_TEST((one[i].counters == two[i].counters));
    }
  }
}

BOOST_AUTO_TEST_CASE(the_eta_reads_as_minutes_and_seconds_or_hours_and_minutes) {
  BOOST_TEST(format_eta(0) == "0m00s");
  BOOST_TEST(format_eta(59.9) == "0m59s");
  BOOST_TEST(format_eta(725) == "12m05s");
  BOOST_TEST(format_eta(3600) == "1h00m");
  BOOST_TEST(format_eta(3720) == "1h02m");
  BOOST_TEST(format_eta(-1) == "?");
  BOOST_TEST(format_eta(std::numeric_limits<double>::infinity()) == "?");
  BOOST_TEST(format_eta(std::nan("")) == "?");
}

BOOST_AUTO_TEST_CASE(the_shards_together_run_every_run_once_with_the_unsharded_results) {
  const scenarios::Scenario base = two_wallets_and_a_relay();
  const Grid grid = grid_of(spec_of({"fixed", "exponential"}, {1, 3}, {"500ms"}, {"batch:3"}, 2));
  std::vector<std::string> failures;
  const auto whole = run_grid(base, grid, 2, failures);
  std::vector<int> done_by(grid.runs(), 0);
  for (std::size_t i = 1; i <= 3; ++i) {
    const Shard shard{i, 3};
    const auto part = run_grid(base, grid, 2, failures, shard);
    BOOST_REQUIRE(part.size() == grid.runs());
    for (std::size_t run = 0; run < grid.runs(); ++run) {
      BOOST_TEST_CONTEXT("shard " << shard.text() << " run " << run) {
        BOOST_TEST(part[run].done == shard.owns(run));  // its own runs, and no other
        if (!part[run].done) continue;
        ++done_by[run];
        BOOST_TEST(part[run].fingerprint == whole[run].fingerprint);
        BOOST_TEST((part[run].metrics == whole[run].metrics));
        BOOST_TEST((part[run].counters == whole[run].counters));
      }
    }
  }
  BOOST_TEST(failures.empty());
  for (std::size_t run = 0; run < grid.runs(); ++run) BOOST_TEST(done_by[run] == 1);
}
