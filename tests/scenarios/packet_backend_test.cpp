// The packet backend end to end: scenarios run on real UDP through ns-3 NAT nodes, pass the
// same expectations as on the fast model, are deterministic, write pcaps that show the ICE
// exchange through the NAT, and the cross-check tells equal outcomes from different ones.
#define BOOST_TEST_MODULE scenarios_packet_backend
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "scenarios/crosscheck.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/runner.hpp"
#include "tests/support/scenario_text.hpp"

using namespace connsim::scenarios;
namespace fs = std::filesystem;

namespace {

/// Two wallets behind `dialer_nat` and `listener_nat`, one relay; the dialer connects at 5 s.
std::string two_wallets(const std::string& dialer_nat, const std::string& listener_nat, const std::string& type,
                        const std::string& extra_network = "") {
  return R"({"format": "connsim/1", "name": "packet-)" + dialer_nat + "-" + listener_nat + R"(", "until": "20s",
    "network": {"latency": "40ms", "relays": [{"id": "relay-1"}])" + extra_network + R"(},
    "wallets": [{"id": "alice", "nat": ")" + dialer_nat + R"("}, {"id": "bob", "nat": ")" + listener_nat + R"("}],
    "timeline": [{"at": "5s", "id": "go", "do": "connect", "wallet": "alice", "peer": "bob"}],
    "expect": [{"result": "go", "success": true, "connection_type": ")" + type + R"("}]})";
}

using connsim::test_support::load_valid_scenario;

RunOptions packet_options() {
  RunOptions options;
  options.backend = Backend::packet;
  return options;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(punchable_pair_upgrades_to_webrtc_over_packets) {
  const RunReport report = run_scenario(load_valid_scenario(two_wallets("full-cone", "restricted-cone", "webrtc")), packet_options());
  BOOST_TEST(report.passed);
  BOOST_TEST((report.stats.backend == Backend::packet));
  BOOST_TEST(report.stats.packets > 0u);
}

BOOST_AUTO_TEST_CASE(symmetric_pair_falls_back_to_the_relay_over_packets) {
  const RunReport report = run_scenario(load_valid_scenario(two_wallets("symmetric", "symmetric", "relay")), packet_options());
  BOOST_TEST(report.passed);
}

BOOST_AUTO_TEST_CASE(the_scenario_can_ask_for_packets_itself) {
  const RunReport report =
      run_scenario(load_valid_scenario(two_wallets("full-cone", "full-cone", "webrtc", R"(, "backend": "packet")")));
  BOOST_TEST((report.stats.backend == Backend::packet));
  BOOST_TEST(report.passed);
  RunOptions message;
  message.backend = Backend::message;  // --backend overrides the file
  BOOST_TEST((run_scenario(load_valid_scenario(two_wallets("full-cone", "full-cone", "webrtc", R"(, "backend": "packet")")), message)
                 .stats.backend == Backend::message));
}

BOOST_AUTO_TEST_CASE(same_seed_same_packets_and_history) {
  const Scenario scenario = load_valid_scenario(two_wallets("port-restricted-cone", "full-cone", "webrtc"));
  const RunReport a = run_scenario(scenario, packet_options());
  const RunReport b = run_scenario(scenario, packet_options());
  BOOST_TEST(a.stats.fingerprint == b.stats.fingerprint);
  BOOST_TEST(a.stats.packets == b.stats.packets);
}

BOOST_AUTO_TEST_CASE(lossy_network_is_deterministic_and_seed_dependent) {
  const Scenario scenario = load_valid_scenario(two_wallets("full-cone", "full-cone", "webrtc", R"(, "loss": 0.2)"));
  RunOptions options = packet_options();
  const RunReport a = run_scenario(scenario, options);
  const RunReport b = run_scenario(scenario, options);
  BOOST_TEST(a.stats.fingerprint == b.stats.fingerprint);
  options.seed = 7;
  const RunReport c = run_scenario(scenario, options);
  BOOST_TEST(c.stats.packets != a.stats.packets);
}

BOOST_AUTO_TEST_CASE(pcaps_show_stun_through_the_nat) {
  const fs::path directory = fs::temp_directory_path() / "connsim-packet-backend-test";
  fs::remove_all(directory);
  RunOptions options = packet_options();
  options.pcap_directory = directory.string();
  const Scenario scenario = load_valid_scenario(two_wallets("symmetric", "full-cone", "webrtc"));
  BOOST_TEST(run_scenario(scenario, options).passed);
  const fs::path run = directory / scenario.name;
  BOOST_TEST_REQUIRE(fs::is_directory(run));
  // The wallet's own link: STUN binding requests (magic cookie 0x2112A442) from its private
  // address 10.0.0.2; the NAT's WAN side: the same STUN traffic from the public 11.0.0.0.
  const std::string cookie("\x21\x12\xA4\x42", 4);
  const std::string lan = read_all(run / "wallet-alice-1.pcap");
  const std::string wan = read_all(run / "wallet-alice-nat-2.pcap");
  BOOST_TEST(contains(lan, cookie));
  BOOST_TEST(contains(wan, cookie));
  BOOST_TEST(contains(lan, std::string("\x0a\x00\x00\x02", 4)));
  BOOST_TEST(contains(wan, std::string("\x0b\x00\x00\x00", 4)));
  BOOST_TEST(!contains(wan, std::string("\x0a\x00\x00\x02", 4)));  // nothing private leaks out
  fs::remove_all(directory);
}

BOOST_AUTO_TEST_CASE(cross_check_finds_equal_outcomes_and_measures_timing) {
  const CrossCheck check = cross_check(load_valid_scenario(two_wallets("restricted-cone", "port-restricted-cone", "webrtc")));
  BOOST_TEST(check.equal());
  BOOST_TEST(check.message_passed);
  BOOST_TEST(check.packet_passed);
  BOOST_TEST(check.timing.matched == 1u);
  BOOST_TEST(check.packet_stats.packets > 0u);
}

BOOST_AUTO_TEST_CASE(cross_check_reports_a_different_outcome) {
  RunOptions options;
  options.backend = Backend::message;
  const RunReport message = run_scenario(load_valid_scenario(two_wallets("full-cone", "full-cone", "webrtc")), options);
  RunReport doctored = message;
  doctored.records[0].connects.at(0).result.connection_type = connsim::store::ConnectionType::relay;
  const CrossCheck check = compare_runs(message, doctored);
  BOOST_TEST(!check.equal());
  BOOST_TEST(contains(check.differences.front(), "alice connect to bob #1"));
  BOOST_TEST(contains(cross_check_line(check), "DIFF"));
}

BOOST_AUTO_TEST_CASE(bad_backend_and_bandwidth_are_rejected_with_their_pointer) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"(, "backend": "tcp")", "/network/backend"},
      {R"(, "backend": 1)", "/network/backend"},
      {R"(, "bandwidth_mbps": 0)", "/network/bandwidth_mbps"},
      {R"(, "bandwidth_mbps": "fast")", "/network/bandwidth_mbps"}};
  for (const auto& [bad, pointer] : cases) {
    LoadResult loaded = load_scenario_text(two_wallets("full-cone", "full-cone", "webrtc", bad), "bad.json");
    BOOST_TEST_REQUIRE(!loaded.ok());
    BOOST_TEST(loaded.errors().front().pointer == pointer);
  }
}
