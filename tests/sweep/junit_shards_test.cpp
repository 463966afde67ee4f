// A sharded run's JUnit files merge into the unsharded run's JUnit: the same testcases in the
// same order and the same totals (times aside, which are wall-clock seconds); files that are not
// connsim's shards, and sets of shards that are incomplete or mixed, are refused.
#define BOOST_TEST_MODULE sweep_junit_shards
#include "apps/sweep/junit_shards.hpp"

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/reporters.hpp"

using namespace connsim::sweep;
namespace scenarios = connsim::scenarios;

namespace {

/// Seven reports, the third and sixth failing (one with a failure whose text spans lines and
/// holds markup).
std::vector<scenarios::RunReport> reports() {
  std::vector<scenarios::RunReport> out;
  for (int i = 0; i < 7; ++i) {
    scenarios::RunReport report;
    report.name = "scenario-" + std::to_string(i);
    report.file = "lib/" + report.name + ".json";
    report.seed = 10 + static_cast<std::uint64_t>(i);
    report.passed = i != 2 && i != 5;
    report.stats.wall_seconds = 0.25 * (i + 1);
    report.stats.fingerprint = "fp" + std::to_string(i);
    if (!report.passed) {
      report.failures.emplace_back(0, "/expect/0", "expected <connected> & got failed",
                                   "  history:\n    </testcase>\n    line 2");
    }
    out.push_back(std::move(report));
  }
  return out;
}

std::string junit_of(const std::vector<scenarios::RunReport>& all, const Shard* shard) {
  std::vector<scenarios::RunReport> mine;
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (shard == nullptr || shard->owns(k)) mine.push_back(all[k]);
  }
  std::ostringstream out;
  const scenarios::JunitShardNote note{shard ? shard->text() : "", all.size()};
  scenarios::write_junit(out, mine, shard ? &note : nullptr);
  return out.str();
}

JunitShard parsed(const std::string& xml) {
  std::string error;
  auto shard = parse_junit_shard(xml, error);
  BOOST_REQUIRE_MESSAGE(shard.has_value(), error);
  return *shard;
}

std::vector<JunitShard> shards_of(std::size_t count) {
  std::vector<JunitShard> shards;
  const auto all = reports();
  for (std::size_t i = 1; i <= count; ++i) {
    const Shard shard{i, count};
    shards.push_back(parsed(junit_of(all, &shard)));
  }
  return shards;
}

std::string without_times(const std::string& xml) {
  return std::regex_replace(xml, std::regex(" time=\"[0-9.]+\""), "");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_shard_file_names_its_shard_and_the_whole_count) {
  const Shard shard{2, 3};
  const std::string xml = junit_of(reports(), &shard);
  BOOST_TEST(xml.find("<property name=\"connsim.shard\" value=\"2/3\"/>") != std::string::npos);
  BOOST_TEST(xml.find("<property name=\"connsim.scenarios\" value=\"7\"/>") != std::string::npos);
  const JunitShard parsed_shard = parsed(xml);
  BOOST_TEST(parsed_shard.shard.text() == shard.text());
  BOOST_TEST(parsed_shard.scenarios == 7u);
  BOOST_REQUIRE(parsed_shard.cases.size() == 2u);  // scenarios 1 and 4
  BOOST_TEST(parsed_shard.cases[0].text.find("name=\"scenario-1\"") != std::string::npos);
  BOOST_TEST(parsed_shard.cases[1].text.find("name=\"scenario-4\"") != std::string::npos);
  BOOST_TEST(parsed_shard.cases[1].seconds == 1.25);
  // The unsharded file has no shard properties.
  BOOST_TEST(junit_of(reports(), nullptr).find("<properties>") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(merged_shards_are_the_unsharded_junit) {
  const std::string whole = junit_of(reports(), nullptr);
  for (std::size_t count : {1u, 2u, 3u, 7u, 9u}) {
    BOOST_TEST_CONTEXT(count << " shards") {
      auto shards = shards_of(count);
      std::reverse(shards.begin(), shards.end());
      std::vector<std::string> errors;
      const auto merged = merge_junit_shards(shards, errors);
      BOOST_REQUIRE(merged.has_value());
      BOOST_TEST(merged->failures == 2u);
      BOOST_TEST(merged->cases.size() == 7u);
      std::ostringstream out;
      write_merged_junit(out, *merged);
      BOOST_TEST(without_times(out.str()) == without_times(whole));
      BOOST_TEST(out.str().find("time=\"7.000000\"") != std::string::npos);  // 0.25 * (1+...+7)
    }
  }
}

BOOST_AUTO_TEST_CASE(files_that_are_not_connsim_shards_are_refused) {
  std::string error;
  BOOST_TEST(!parse_junit_shard("<testsuites/>", error).has_value());
  BOOST_TEST(error == "not a JUnit file written by connsim run");
  BOOST_TEST(!parse_junit_shard(junit_of(reports(), nullptr), error).has_value());
  BOOST_TEST(error.find("no shard properties") == 0u);
  const Shard shard{1, 2};
  std::string xml = junit_of(reports(), &shard);
  BOOST_TEST(!parse_junit_shard(std::regex_replace(xml, std::regex("value=\"1/2\""), "value=\"3/2\""), error)
                  .has_value());
  BOOST_TEST(error.find("bad shard properties") == 0u);
  BOOST_TEST(!parse_junit_shard(xml.substr(0, xml.find("  </testsuite>")), error).has_value());
  BOOST_TEST(error == "the testsuite is not closed");
  const auto first_close = xml.find("    </testcase>\n");
  BOOST_TEST(!parse_junit_shard(xml.erase(first_close, 16), error).has_value());
}

BOOST_AUTO_TEST_CASE(incomplete_doubled_and_mixed_shards_are_refused) {
  std::vector<std::string> errors;
  auto shards = shards_of(3);
  shards.erase(shards.begin());
  BOOST_TEST(!merge_junit_shards(shards, errors).has_value());
  BOOST_TEST(errors == std::vector<std::string>{"missing shard 1/3"});

  errors.clear();
  shards = shards_of(3);
  shards.push_back(shards[1]);
  BOOST_TEST(!merge_junit_shards(shards, errors).has_value());
  BOOST_TEST(errors == std::vector<std::string>{"shard 2/3 given twice"});

  errors.clear();
  shards = shards_of(3);
  shards[2] = shards_of(2)[1];
  BOOST_TEST(!merge_junit_shards(shards, errors).has_value());
  BOOST_TEST(errors.front() == "shard 2/2 of 7 scenarios is not of the same run as shard 1/3 of 7");

  errors.clear();
  shards = shards_of(3);
  shards[0].cases.pop_back();
  BOOST_TEST(!merge_junit_shards(shards, errors).has_value());
  BOOST_TEST(errors == std::vector<std::string>{"shard 1/3 holds 2 testcases; its share of 7 is 3"});

  errors.clear();
  BOOST_TEST(!merge_junit_shards({}, errors).has_value());
  BOOST_TEST(errors == std::vector<std::string>{"no JUnit shards"});
}
