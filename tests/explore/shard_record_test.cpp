// scenarios/explore/shard_record.hpp: explore shard records round-trip, and merging keeps each
// finding once (from the earliest run), sums its runs, orders by run, and refuses shards that
// are missing, given twice or of another exploration.
#define BOOST_TEST_MODULE explore_shard_record
#include <boost/test/unit_test.hpp>

#include "scenarios/explore/shard_record.hpp"

using namespace connsim;
using namespace connsim::scenarios::explore;

namespace {

FindingGroup group(const std::string& property, std::uint64_t first_run, std::size_t runs) {
  FindingGroup g;
  g.finding = {property, property + " sig", property + " message"};
  g.first_run = first_run;
  g.seed = 1000 + first_run;
  g.runs = runs;
  g.drawn = {{"name", "drawn-" + std::to_string(first_run)}};
  g.shrunk = {{"name", "shrunk-" + std::to_string(first_run)}};
  return g;
}

ExploreShardRecord record(std::size_t index, std::vector<FindingGroup> groups) {
  return ExploreShardRecord{sweep::Shard{index, 2}, "default", 1, 10, 5, std::move(groups)};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_record_reads_back) {
  const ExploreShardRecord original = record(2, {group("invariant a", 3, 2)});
  std::string error;
  const auto again = explore_record_from_json(nlohmann::json::parse(record_to_json(original).dump()), error);
  BOOST_REQUIRE_MESSAGE(again.has_value(), error);
  BOOST_TEST(again->shard.text() == "2/2");
  BOOST_TEST(again->runs_done == 5u);
  BOOST_REQUIRE(again->groups.size() == 1u);
  BOOST_TEST(again->groups[0].first_run == 3u);
  BOOST_TEST(again->groups[0].shrunk == original.groups[0].shrunk);
  BOOST_TEST(!explore_record_from_json(nlohmann::json{{"format", "connsim-sweep-shard/1"}}, error).has_value());
  BOOST_TEST(error.find("not an explore shard record") == 0u);
  BOOST_TEST(!explore_record_from_json(nlohmann::json{{"format", "connsim-explore-shard/1"}}, error).has_value());
  BOOST_TEST(error.find("a field is missing") == 0u);
}

BOOST_AUTO_TEST_CASE(merging_keeps_the_earliest_and_orders_by_run) {
  // Shard 1 owns runs 0, 2, 4, ...; shard 2 runs 1, 3, 5, ...
  const std::vector<ExploreShardRecord> records{
      record(2, {group("invariant a", 1, 2), group("invariant b", 5, 1)}),
      record(1, {group("invariant c", 4, 1), group("invariant a", 6, 3)})};
  std::vector<std::string> errors;
  const auto merged = merge_explore_records(records, errors);
  BOOST_REQUIRE(merged.has_value());
  BOOST_TEST(merged->runs == 10u);
  BOOST_REQUIRE(merged->groups.size() == 3u);
  BOOST_TEST(merged->groups[0].finding.property == "invariant a");
  BOOST_TEST(merged->groups[0].first_run == 1u);
  BOOST_TEST(merged->groups[0].runs == 5u);
  BOOST_TEST(merged->groups[0].shrunk["name"] == "shrunk-1");
  BOOST_TEST(merged->groups[1].finding.property == "invariant c");
  BOOST_TEST(merged->groups[2].finding.property == "invariant b");
}

BOOST_AUTO_TEST_CASE(shards_missing_twice_or_foreign_are_refused) {
  std::vector<std::string> errors;
  BOOST_TEST(!merge_explore_records({record(1, {})}, errors).has_value());
  BOOST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0] == "missing shard 2/2");
  errors.clear();
  BOOST_TEST(!merge_explore_records({record(1, {}), record(1, {})}, errors).has_value());
  BOOST_TEST(errors.front() == "shard 1/2 is given twice");
  errors.clear();
  ExploreShardRecord other = record(2, {});
  other.seed = 7;
  BOOST_TEST(!merge_explore_records({record(1, {}), other}, errors).has_value());
  BOOST_TEST(errors.front().find("shard 2/2 is of another exploration") == 0u);
  errors.clear();
  BOOST_TEST(!merge_explore_records({}, errors).has_value());
  BOOST_TEST(errors.front() == "no explore shard records");
}
