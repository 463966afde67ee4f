// Sweep shard records: a record survives JSON, the records of a sweep's shards merge into its
// results by run index, and records that are missing, doubled, of another sweep, short of their
// share or carrying a bad line are refused with a message each.
#define BOOST_TEST_MODULE sweep_shard_record
#include "apps/sweep/shard_record.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sweep_fixtures.hpp"

using namespace connsim::sweep;
using namespace connsim::sweep::testing;

namespace {

GridSpec small_spec() { return spec_of({"fixed", "exponential"}, {2, 3}, {"1s"}, {"batch:3"}, 3); }

/// A distinct finished result for each run: its success rate encodes the run index.
RunResult result_for(std::size_t run) {
  return finished_run(static_cast<double>(run) / 100.0, run % 2 ? std::optional<double>(1000.0 + run) : std::nullopt,
                      3, 4 + static_cast<double>(run));
}

/// The record shard `shard` of the small sweep writes, with run `missing` not come back.
SweepShardRecord record_of(const Shard& shard, std::optional<std::size_t> missing = std::nullopt) {
  const Grid grid = grid_of(small_spec());
  SweepShardRecord record;
  record.shard = shard;
  record.settings = OutputSettings{"sweep-test", small_spec(), PlotSlices{}, true};
  record.scenario_digest = shard_digest("{\"format\": \"connsim/1\"}");
  record.runs = grid.runs();
  for (std::size_t k = 0; k < shard.share_of(grid.runs()); ++k) {
    const std::size_t run = shard.item_at(k);
    record.results.push_back(missing == run ? std::nullopt
                                            : std::optional(encode_result(result_for(run))));
  }
  return record;
}

std::vector<SweepShardRecord> records_of(std::size_t count) {
  std::vector<SweepShardRecord> records;
  for (std::size_t i = 1; i <= count; ++i) records.push_back(record_of(Shard{i, count}));
  return records;
}

std::vector<std::string> refusal_of(const std::vector<SweepShardRecord>& records) {
  std::vector<std::string> errors;
  BOOST_TEST(!merge_sweep_records(records, errors).has_value());
  BOOST_TEST(!errors.empty());
  return errors;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_digest_is_fnv1a_64) {
  BOOST_TEST(shard_digest("") == "cbf29ce484222325");
  BOOST_TEST(shard_digest("a") == "af63dc4c8601ec8c");
}

BOOST_AUTO_TEST_CASE(a_record_survives_json) {
  SweepShardRecord record = record_of(Shard{2, 5}, std::size_t{6});
  record.backend = "packet";
  record.failures = {"run 6: its worker died"};
  record.settings.spec.deadline = "20s";
  std::string error;
  const auto back = record_from_json(nlohmann::json::parse(to_json(record).dump()), error);
  BOOST_REQUIRE_MESSAGE(back.has_value(), error);
  BOOST_TEST(to_json(*back) == to_json(record));
  BOOST_TEST(back->shard.text() == record.shard.text());
  BOOST_TEST(back->results.size() == record.results.size());
  BOOST_TEST(!back->results[1].has_value());  // run 6 is shard 2/5's second
}

BOOST_AUTO_TEST_CASE(malformed_records_are_refused) {
  std::string error;
  BOOST_TEST(!record_from_json(nlohmann::json::parse("[1]"), error).has_value());
  BOOST_TEST(error.find("not a sweep shard record") != std::string::npos);
  auto json = to_json(record_of(Shard{1, 2}));
  json["shard"] = "3/2";
  BOOST_TEST(!record_from_json(json, error).has_value());
  BOOST_TEST(error.find("shard: expected I/N") != std::string::npos);
  json = to_json(record_of(Shard{1, 2}));
  json.erase("grid");
  BOOST_TEST(!record_from_json(json, error).has_value());
  BOOST_TEST(error.find("malformed shard record") != std::string::npos);
  json = to_json(record_of(Shard{1, 2}));
  json["results"][0] = 7;
  BOOST_TEST(!record_from_json(json, error).has_value());
}

BOOST_AUTO_TEST_CASE(the_shards_merge_into_the_results_by_run_index) {
  for (std::size_t count : {1u, 3u, 5u, 20u}) {  // 20 shards: some hold no run
    BOOST_TEST_CONTEXT(count << " shards") {
      std::vector<std::string> errors;
      auto records = records_of(count);
      std::reverse(records.begin(), records.end());  // the order given does not matter
      const auto merged = merge_sweep_records(records, errors);
      BOOST_REQUIRE(merged.has_value());
      BOOST_TEST(errors.empty());
      BOOST_TEST(merged->settings.scenario_name == "sweep-test");
      BOOST_REQUIRE(merged->results.size() == 12u);
      for (std::size_t run = 0; run < 12; ++run) {
        BOOST_TEST(merged->results[run].done);
        BOOST_TEST(encode_result(merged->results[run]) == encode_result(result_for(run)));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_run_that_did_not_come_back_stays_not_done_and_failures_are_kept) {
  auto records = records_of(3);
  records[1] = record_of(Shard{2, 3}, std::size_t{4});
  records[1].failures = {"run 4: its worker died"};
  std::vector<std::string> errors;
  const auto merged = merge_sweep_records(records, errors);
  BOOST_REQUIRE(merged.has_value());
  BOOST_TEST(!merged->results[4].done);
  BOOST_TEST(merged->results[5].done);
  BOOST_TEST(merged->failures == std::vector<std::string>{"run 4: its worker died"});
}

BOOST_AUTO_TEST_CASE(missing_doubled_and_foreign_shards_are_refused) {
  auto records = records_of(3);
  records.erase(records.begin() + 1);
  BOOST_TEST(refusal_of(records) == std::vector<std::string>{"missing shard 2/3 (shard-2-of-3.json)"});

  records = records_of(3);
  records.push_back(record_of(Shard{3, 3}));
  BOOST_TEST(refusal_of(records) == std::vector<std::string>{"shard 3/3 given twice"});

  BOOST_TEST(refusal_of({}) == std::vector<std::string>{"no shard records"});

  for (int change = 0; change < 6; ++change) {
    BOOST_TEST_CONTEXT("change " << change) {
      records = records_of(3);
      auto& other = records[2];
      if (change == 0) other.scenario_digest = shard_digest("another file");
      if (change == 1) other.settings.scenario_name = "another";
      if (change == 2) other.backend = "packet";
      if (change == 3) other.settings.spec.seeds = 4;
      if (change == 4) other.settings.plot.concurrency = "window:3";
      if (change == 5) other.settings.no_plots = false;
      const auto errors = refusal_of(records);
      BOOST_TEST(errors.front().find("shard 3/3 is not of the same sweep as shard 1/3") == 0u);
    }
  }
  records = records_of(3);
  for (auto& record : records) record.shard.count = 4;  // 3 of 4, and the wrong shares
  const auto errors = refusal_of(records);
  BOOST_TEST(errors.back() == "missing shard 4/4 (shard-4-of-4.json)");
}

BOOST_AUTO_TEST_CASE(a_share_of_the_wrong_size_or_a_bad_line_is_refused) {
  auto records = records_of(3);
  records[0].results.pop_back();
  BOOST_TEST(refusal_of(records) == std::vector<std::string>{"shard 1/3 holds 3 runs; its share is 4"});
  records = records_of(3);
  records[0].results[1] = "1 f00d";
  BOOST_TEST(refusal_of(records) == std::vector<std::string>{"shard 1/3: run 3: not a result line: 1 f00d"});
  records = records_of(3);
  for (auto& record : records) record.runs = 13;
  const auto errors = refusal_of(records);
  BOOST_TEST(errors.front().find("holds 4 runs; its share is 5") != std::string::npos);
}
