// scenarios/explore/space.hpp: space files decode into ranges and weights; bad ones are refused
// with file, line, column and JSON pointer, including the parts the scenario loader checks.
#define BOOST_TEST_MODULE explore_space
#include <boost/test/unit_test.hpp>

#include "scenarios/explore/space.hpp"

using namespace connsim::scenarios;
using namespace connsim::scenarios::explore;

namespace {

std::string first_error(const std::string& text) {
  const SpaceLoadResult result = load_space_text(text, "s.json");
  BOOST_REQUIRE(!result.ok());
  return result.errors().front().to_string();
}

}  // namespace

BOOST_AUTO_TEST_CASE(minimal_space_takes_the_defaults) {
  const SpaceLoadResult result = load_space_text(R"({"format": "connsim-space/1", "name": "tiny"})", "s.json");
  BOOST_REQUIRE(result.ok());
  const Space& space = result.space();
  BOOST_TEST(space.name == "tiny");
  BOOST_TEST(space.wallets.ranged);
  BOOST_TEST(space.wallets.min == 2);
  BOOST_TEST(space.wallets.max == 4);
  BOOST_TEST(space.liveness);
  BOOST_TEST(space.faults.mix.empty());
}

BOOST_AUTO_TEST_CASE(ranges_choices_and_weights_decode) {
  const SpaceLoadResult result = load_space_text(R"({
    "format": "connsim-space/1", "name": "s",
    "until": {"min": "1m", "max": "2m"},
    "wallets": {"one_of": [2, 5]},
    "nat": {"symmetric": 2, "none": 1, "full-cone": 0},
    "loss": 0.01,
    "relay_reconnect": {"keep-alive": 1, "10s": 1},
    "faults": {"count": 3, "mix": {"relay_down": 1}},
    "store": {"retry": {"max_attempts": {"one_of": [1, 2]}}}
  })", "s.json");
  BOOST_REQUIRE(result.ok());
  const Space& space = result.space();
  BOOST_TEST(space.until.ranged);
  BOOST_TEST((space.until.max == std::chrono::minutes(2)));
  BOOST_TEST(!space.wallets.ranged);
  BOOST_TEST(space.wallets.options.size() == 2u);
  BOOST_REQUIRE(space.nat.size() == 2u);  // weight 0 dropped, name order
  BOOST_TEST(space.nat[0].first == "none");
  BOOST_TEST(space.nat[1].first == "symmetric");
  BOOST_TEST(space.loss.options.front() == 0.01);
  BOOST_TEST(space.relay_reconnect.size() == 2u);
  BOOST_TEST(space.faults.count.options.front() == 3);
}

BOOST_AUTO_TEST_CASE(wrong_format_is_the_only_error) {
  BOOST_TEST(first_error(R"({"format": "connsim/1", "name": "x"})") ==
             "s.json:1:12: /format: unsupported format \"connsim/1\"; expected \"connsim-space/1\"");
  BOOST_TEST(first_error(R"({"name": "x"})") ==
             "s.json:1:1: missing required key \"format\" (\"connsim-space/1\")");
}

BOOST_AUTO_TEST_CASE(bad_values_are_located) {
  BOOST_TEST(first_error("{\"format\": \"connsim-space/1\", \"name\": \"x\",\n \"wallets\": {\"min\": 3, \"max\": 2}}") ==
             "s.json:2:31: /wallets/max: max must not be less than min");
  BOOST_TEST(first_error("{\"format\": \"connsim-space/1\", \"name\": \"x\",\n \"nat\": {\"cone\": 1}}") ==
             "s.json:2:10: /nat/cone: unknown name \"cone\"; expected one of: none, full-cone, restricted-cone, "
             "port-restricted-cone, symmetric");
  BOOST_TEST(first_error("{\"format\": \"connsim-space/1\", \"name\": \"x\",\n \"faults\": {\"mix\": {\"relay_down\": 0}}}") ==
             "s.json:2:20: /faults/mix: at least one weight must be greater than 0");
  BOOST_TEST(first_error("{\"format\": \"connsim-space/1\", \"name\": \"x\", \"colour\": 1}") ==
             "s.json:1:44: /colour: unknown key \"colour\"; expected one of: $schema, format, name, description, until, "
             "wallets, nat, latency, loss, relay_reconnect, nickname_probability, relays, actions, faults, store, "
             "liveness, expect");
  BOOST_TEST(first_error("{\"format\": \"connsim-space/1\", \"name\": \"x\",\n \"latency\": {\"one_of\": []}}") ==
             "s.json:2:24: /latency/one_of: one_of needs at least one value");
  BOOST_TEST(first_error("{\"format\": \"connsim-space/1\", \"name\": \"x\", \"relay_reconnect\": {\"0s\": 1}}") ==
             "s.json:1:64: /relay_reconnect/0s: unknown name \"0s\"; expected one of: none, keep-alive, or a positive time");
}

BOOST_AUTO_TEST_CASE(store_values_are_checked_by_the_scenario_loader_and_located_in_the_space) {
  // The second option of a one_of is wrong: the error points at it.
  const std::string text =
      "{\"format\": \"connsim-space/1\", \"name\": \"x\",\n"
      " \"store\": {\"retry\": {\"max_attempts\": {\"one_of\": [2, 0]}}}}";
  BOOST_TEST(first_error(text) == "s.json:2:53: /store/retry/max_attempts/one_of/1: must be at least 1, got 0");
  // An unknown store key, at its key.
  BOOST_TEST(first_error("{\"format\": \"connsim-space/1\", \"name\": \"x\",\n \"store\": {\"retrys\": {}}}") .rfind(
                 "s.json:2:12: /store/retrys: unknown key \"retrys\"", 0) == 0);
}

BOOST_AUTO_TEST_CASE(space_expectations_are_scenario_expectations) {
  BOOST_TEST(load_space_text(R"({"format": "connsim-space/1", "name": "x",
      "expect": [{"metric": "connect_success_rate", "at_least": 0.5}]})", "s.json").ok());
  const std::string error = first_error("{\"format\": \"connsim-space/1\", \"name\": \"x\",\n"
                                        " \"expect\": [{\"metric\": \"speed\", \"at_least\": 1}]}");
  BOOST_TEST(error.rfind("s.json:2:24: /expect/0/metric: ", 0) == 0, error);
}

BOOST_AUTO_TEST_CASE(syntax_errors_and_unreadable_files) {
  BOOST_TEST(first_error("{\"format\": ").rfind("s.json:1:", 0) == 0);
  const SpaceLoadResult missing = load_space_file("/nonexistent/space.json");
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.errors().front().to_string() == "/nonexistent/space.json:1:1: cannot read the file: No such file or directory");
}
