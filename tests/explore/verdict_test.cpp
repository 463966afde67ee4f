// scenarios/explore/verdict.hpp and the grouping of explore.hpp: failures become findings with a
// property and a generic signature; findings group by both, the first run representing each.
#define BOOST_TEST_MODULE explore_verdict
#include <boost/test/unit_test.hpp>

#include "scenarios/explore/explore.hpp"
#include "scenarios/explore/verdict.hpp"

using namespace connsim::scenarios::explore;
using json = nlohmann::json;

BOOST_AUTO_TEST_CASE(signatures_forget_numbers_ids_and_times) {
  BOOST_TEST(signature_of("w3: 12.500000s wrote 'connected' for w10") == "w#: #s wrote '...' for w#");
  BOOST_TEST(signature_of("event is peer_joined \"Connected with W2... via relay\", not") ==
             "event is peer_joined \"...\", not");
  BOOST_TEST(signature_of("w1: 7s wrote 'connected' for w2") == signature_of("w4: 0.25s wrote 'connected' for w1"));
  BOOST_TEST(signature_of("no digits. at all.") == "no digits. at all.");
}

BOOST_AUTO_TEST_CASE(properties_by_pointer) {
  const json doc = {{"expect", json::array({{{"result", "live-connect-1"}, {"success", true}},
                                            {{"result", "live-reach-2"}, {"success", true}},
                                            {{"metric", "connect_success_rate"}, {"at_least", 0.5}}})}};
  BOOST_TEST(property_of("/invariants/status-machine", doc) == "invariant status-machine");
  BOOST_TEST(property_of("/expect/0", doc) == "liveness connect-when-path");
  BOOST_TEST(property_of("/expect/1", doc) == "liveness reachable-after-relay-return");
  BOOST_TEST(property_of("/expect/2", doc) == "expect {\"at_least\":0.5,\"metric\":\"connect_success_rate\"}");
  BOOST_TEST(property_of("/timeline/3", doc) == "run /timeline/3");
}

namespace {

json two_wallets() {
  return {{"format", "connsim/1"}, {"name", "v"}, {"until", "1m"}, {"seed", 9},
          {"network", {{"relays", json::array({{{"id", "r1"}}})}}},
          {"wallets", json::array({{{"id", "a"}}, {{"id", "b"}}})},
          {"timeline", json::array({{{"at", "5s"}, {"do", "connect"}, {"wallet", "a"}, {"peer", "b"}, {"id", "c"}}})}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_passing_run_has_no_findings) {
  const RunVerdict verdict = evaluate_scenario(two_wallets());
  BOOST_TEST(verdict.ran);
  BOOST_TEST(verdict.seed == 9u);
  BOOST_TEST(verdict.findings.empty());
  BOOST_TEST(verdict.events > 0u);
}

BOOST_AUTO_TEST_CASE(a_broken_expectation_is_a_finding) {
  json doc = two_wallets();
  doc["expect"] = json::array({{{"result", "c"}, {"success", false}}});
  const RunVerdict verdict = evaluate_scenario(doc);
  BOOST_REQUIRE(verdict.findings.size() == 1u);
  BOOST_TEST(verdict.findings[0].property == "expect {\"result\":\"c\",\"success\":false}");
  BOOST_TEST(verdict.findings[0].message.rfind("expect[0] result c: ", 0) == 0);
  BOOST_TEST(verdict.findings[0].signature.rfind("result c: ", 0) == 0);  // no index
  // Through the worker's line and back.
  const RunVerdict copy = RunVerdict::from_json(json::parse(verdict.to_json().dump()));
  BOOST_TEST(copy.findings[0].key() == verdict.findings[0].key());
  BOOST_TEST(copy.ran);
}

BOOST_AUTO_TEST_CASE(an_invalid_document_is_a_draw_finding) {
  json doc = two_wallets();
  doc["timeline"][0]["peer"] = "nobody";
  const RunVerdict verdict = evaluate_scenario(doc);
  BOOST_TEST(!verdict.ran);
  BOOST_REQUIRE(verdict.findings.size() == 1u);
  BOOST_TEST(verdict.findings[0].property == "draw invalid");
}

BOOST_AUTO_TEST_CASE(findings_group_by_property_and_signature) {
  const Finding a1{"invariant x", "w#: broke", "w1: broke"};
  const Finding a2{"invariant x", "w#: broke", "w2: broke"};
  const Finding b{"invariant y", "w#: other", "w3: other"};
  std::vector<RunVerdict> runs(4);
  runs[0].seed = 10;
  runs[1].seed = 11;
  runs[1].findings = {a2};
  runs[2].seed = 12;
  runs[2].findings = {b, a1};
  runs[3].seed = 13;
  runs[3].findings = {a1};
  const auto groups = group_findings(runs);
  BOOST_REQUIRE(groups.size() == 2u);
  BOOST_TEST(groups[0].finding.message == "w2: broke");  // the first run's
  BOOST_TEST(groups[0].first_run == 1u);
  BOOST_TEST(groups[0].seed == 11u);
  BOOST_TEST(groups[0].runs == 3u);
  BOOST_TEST(groups[1].finding.property == "invariant y");
  BOOST_TEST(groups[1].runs == 1u);
}

BOOST_AUTO_TEST_CASE(finding_files_are_named_by_number_and_property) {
  BOOST_TEST(finding_file_name(1, "invariant status-machine") == "1-invariant-status-machine.json");
  BOOST_TEST(finding_file_name(12, "expect {\"metric\":\"x\"}") == "12-expect-metric-x.json");
}
