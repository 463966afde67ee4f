// The scenario loader: every value form, every default, count expansion, relay implementations,
// and every error kind with its exact pointer, line and column.
#define BOOST_TEST_MODULE scenarios_loader
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scenarios/limits.hpp"
#include "scenarios/loader.hpp"

using namespace connsim::scenarios;
using namespace std::chrono_literals;
namespace store = connsim::store;
namespace fs = std::filesystem;

namespace {

/// The first line of every test file; what a test adds starts on line 2.
const std::string kHead = R"({"format": "connsim/1", "name": "t",)";

std::string file(const std::string& body) { return kHead + "\n" + body + "}"; }

Scenario load_ok(const std::string& text) {
  LoadResult result = load_scenario_text(text, "x.json");
  if (!result.ok()) BOOST_FAIL("unexpected error: " + result.errors().front().to_string());
  return std::move(result.scenario());
}

std::vector<std::string> errors_of(const std::string& text) {
  const LoadResult result = load_scenario_text(text, "x.json");
  BOOST_REQUIRE(!result.ok());
  std::vector<std::string> out;
  for (const auto& error : result.errors()) out.push_back(error.to_string());
  return out;
}

/// The only error of `text`.
std::string error_of(const std::string& text) {
  const auto errors = errors_of(text);
  BOOST_TEST_REQUIRE(errors.size() == 1u, "expected one error, got " << errors.size() << ": "
                                                                      << errors.front());
  return errors.front();
}

const std::string kTwoWallets = R"("wallets": [{"id": "alice"}, {"id": "bob"}],)";

template <class T, class V>
const T& as(const V& variant) {
  BOOST_REQUIRE(std::holds_alternative<T>(variant));
  return std::get<T>(variant);
}

}  // namespace

// --- top level and defaults -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(minimal_scenario_has_every_default) {
  const Scenario s = load_ok(R"({"format": "connsim/1", "name": "minimal"})");
  BOOST_TEST(s.source_file == "x.json");
  BOOST_TEST(s.format == "connsim/1");
  BOOST_TEST(s.name == "minimal");
  BOOST_TEST(s.name_source.line == 1u);
  BOOST_TEST(s.name_source.column == 33u);
  BOOST_TEST(s.description == "");
  BOOST_TEST(s.seed == 1u);
  BOOST_TEST((s.until == 10min));
  const NetworkSpec& n = s.network;
  BOOST_TEST((n.link.latency == LatencyModel::fixed(40ms)));
  BOOST_TEST(n.link.loss == 0.0);
  BOOST_TEST(n.relays.empty());
  BOOST_TEST((n.bootstrap.peer_exchange_interval == 10s));
  BOOST_TEST((n.bootstrap.first_peer_exchange == 2s));
  BOOST_TEST((n.ice.check_interval == 200ms));
  BOOST_TEST((n.ice.failed_timeout == 30s));
  BOOST_TEST((n.transport.dial_timeout == 10s));
  BOOST_TEST((n.transport.address_dial_timeout == 6s));
  BOOST_TEST((n.transport.close_detection == 1s));
  BOOST_TEST((n.bootstrap.presence_ttl == 1h));
  BOOST_TEST((n.bootstrap.readvertise_interval == 0s));
  BOOST_TEST(s.wallets.empty());
  BOOST_TEST(s.shared_wallets.empty());
  BOOST_TEST(s.timeline.empty());
  BOOST_TEST(s.expectations.empty());
}

BOOST_AUTO_TEST_CASE(top_level_keys) {
  const Scenario s = load_ok(file(R"("description": "d", "seed": 18446744073709551615, "until": "1h"
, "network": {"latency": {"median": "30ms", "p99": "300ms"}, "loss": 0.25,
  "bootstrap": {"peer_exchange_interval": "5s", "first_peer_exchange": 0},
  "ice": {"check_interval": "50ms", "failed_timeout": "10s"}, "dial_timeout": "3s",
  "address_dial_timeout": 2000, "close_detection": "30ms", "presence_ttl": "2h",
  "readvertise_interval": "5m"})"));
  BOOST_TEST(s.description == "d");
  BOOST_TEST(s.seed == 18446744073709551615u);
  BOOST_TEST((s.until == 1h));
  BOOST_TEST((s.network.link.latency == LatencyModel::lognormal(30ms, 300ms)));
  BOOST_TEST(s.network.link.loss == 0.25);
  BOOST_TEST((s.network.bootstrap.peer_exchange_interval == 5s));
  BOOST_TEST((s.network.bootstrap.first_peer_exchange == 0s));
  BOOST_TEST((s.network.ice.check_interval == 50ms));
  BOOST_TEST((s.network.ice.failed_timeout == 10s));
  BOOST_TEST((s.network.transport.dial_timeout == 3s));
  BOOST_TEST((s.network.transport.address_dial_timeout == 2s));
  BOOST_TEST((s.network.transport.close_detection == 30ms));
  BOOST_TEST((s.network.bootstrap.presence_ttl == 2h));
  BOOST_TEST((s.network.bootstrap.readvertise_interval == 5min));
}

BOOST_AUTO_TEST_CASE(format_is_checked_first_and_alone) {
  BOOST_TEST(error_of(R"({"name": "t", "bogus": 1})") ==
             "x.json:1:1: missing required key \"format\" (\"connsim/1\")");
  BOOST_TEST(error_of(R"({"format": "connsim/2", "bogus": 1})") ==
             "x.json:1:12: /format: unsupported format \"connsim/2\"; expected \"connsim/1\"");
  BOOST_TEST(error_of(R"({"format": 1})") ==
             "x.json:1:12: /format: unsupported format 1; expected \"connsim/1\"");
  BOOST_TEST(error_of("[1]") ==
             "x.json:1:1: expected a scenario (an object with \"format\": \"connsim/1\"), got an "
             "array");
}

BOOST_AUTO_TEST_CASE(missing_and_unknown_keys) {
  BOOST_TEST(error_of(R"({"format": "connsim/1"})") == "x.json:1:1: missing required key \"name\"");
  BOOST_TEST(error_of(file(R"("expectations": []
)")) == "x.json:2:1: /expectations: unknown key \"expectations\"; expected one of: format, name, "
        "description, seed, until, network, wallets, shared_wallets, timeline, expect");
  BOOST_TEST(error_of(file(R"("network": {"latency": "1ms",
  "lose": 0.1})")) == "x.json:3:3: /network/lose: unknown key \"lose\"; expected one of: latency, "
                      "loss, relays, bootstrap, ice, dial_timeout, address_dial_timeout, "
                      "close_detection, presence_ttl, readvertise_interval, backend, bandwidth_mbps");
}

// "$schema" (for editors, `connsim schema`) is accepted and ignored; it must be a string, and the
// list of expected keys in other messages stays as it was.
BOOST_AUTO_TEST_CASE(schema_key_is_accepted_and_ignored) {
  const Scenario s = load_ok(file(R"("$schema": "./connsim-1.schema.json", "seed": 7)"));
  BOOST_TEST(s.seed == 7u);
  BOOST_TEST(error_of(file(R"("$schema": 1)")) ==
             "x.json:2:12: /$schema: expected a string, got 1");
  BOOST_TEST(error_of(file(R"("$schema": "s", "bogus": 1)")) ==
             "x.json:2:17: /bogus: unknown key \"bogus\"; expected one of: format, name, "
             "description, seed, until, network, wallets, shared_wallets, timeline, expect");
}

BOOST_AUTO_TEST_CASE(duplicate_keys_and_syntax_errors) {
  BOOST_TEST(error_of(file(R"("seed": 1,
  "seed": 2)")) == "x.json:3:3: /seed: duplicate key \"seed\"");
  const auto syntax = error_of("{\"format\": \"connsim/1\",\n  \"name\": }");
  BOOST_TEST(syntax.rfind("x.json:2:11: invalid JSON: syntax error while parsing value", 0) == 0u);
  BOOST_TEST(error_of(std::string(300, '[')) ==
             "x.json:1:257: arrays and objects nested deeper than 256 levels");
}

BOOST_AUTO_TEST_CASE(wrong_types) {
  BOOST_TEST(error_of(file(R"("until": true)")) ==
             "x.json:2:10: /until: expected a time like \"250ms\" or a number of milliseconds, got "
             "true");
  BOOST_TEST(error_of(file(R"("until": "5 min")")) ==
             "x.json:2:10: /until: expected a time like \"250ms\" or a number of milliseconds, got "
             "\"5 min\"");
  BOOST_TEST(error_of(file(R"("seed": "7")")) == "x.json:2:9: /seed: expected an integer, got \"7\"");
  BOOST_TEST(error_of(file(R"("seed": 1.5)")) == "x.json:2:9: /seed: expected an integer, got 1.5");
  BOOST_TEST(error_of(file(R"("seed": -1)")) == "x.json:2:9: /seed: must be at least 0, got -1");
  BOOST_TEST(error_of(file(R"("description": 5)")) ==
             "x.json:2:16: /description: expected a string, got 5");
  BOOST_TEST(error_of(file(R"("wallets": {})")) ==
             "x.json:2:12: /wallets: expected an array, got an object");
  BOOST_TEST(error_of(file(R"("network": [])")) ==
             "x.json:2:12: /network: expected an object, got an array");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "a", "webrtc": "yes"}])")) ==
             "x.json:2:35: /wallets/0/webrtc: expected true or false, got \"yes\"");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "a", "nickname": null}])")) ==
             "x.json:2:37: /wallets/0/nickname: expected a string, got null");
  const std::string long_text(100, 'x');
  BOOST_TEST(error_of(file(R"("description": ")" + long_text + R"(", "seed": ")" + long_text +
                           "\"")) == "x.json:2:128: /seed: expected an integer, got \"" +
                                         std::string(37, 'x') + "...\"");
}

BOOST_AUTO_TEST_CASE(name_must_not_be_empty) {
  BOOST_TEST(error_of(R"({"format": "connsim/1", "name": ""})") ==
             "x.json:1:33: /name: a scenario name must not be empty");
}

// --- times --------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(time_grammar) {
  BOOST_TEST((parse_time("250ms") == 250ms));
  BOOST_TEST((parse_time("1.5s") == 1500ms));
  BOOST_TEST((parse_time("2m") == 2min));
  BOOST_TEST((parse_time("1h") == 1h));
  BOOST_TEST((parse_time("10us") == 10us));
  BOOST_TEST((parse_time("5ns") == 5ns));
  BOOST_TEST((parse_time("0.1s") == 100ms));
  BOOST_TEST((parse_time("0s") == 0s));
  BOOST_TEST((parse_time("0.0000000015s") == 2ns));  // rounded to the nearest nanosecond
  BOOST_TEST((parse_time("007ms") == 7ms));
  for (const char* bad : {"", "1.5", "5 s", "-1s", "1e3ms", ".5s", "1.s", "s", "1sec", "1S",
                          "+1s", "1d", " 1s", "1s "}) {
    BOOST_TEST(!parse_time(bad).has_value(), bad);
  }
  BOOST_TEST(!parse_time("8761h").has_value());  // above limits::kMaxTime
  BOOST_TEST(parse_time("8760h").has_value());
}

BOOST_AUTO_TEST_CASE(format_time_spellings) {
  BOOST_TEST(format_time(0s) == "0s");
  BOOST_TEST(format_time(10min) == "10m");
  BOOST_TEST(format_time(1500ms) == "1500ms");
  BOOST_TEST(format_time(2h) == "2h");
  BOOST_TEST(format_time(90s) == "90s");
  BOOST_TEST(format_time(3us) == "3us");
  BOOST_TEST(format_time(7ns) == "7ns");
  BOOST_TEST(format_time(-5s) == "-5s");
}

BOOST_AUTO_TEST_CASE(time_values_in_the_file) {
  const auto until = [](const std::string& value) {
    return load_ok(file(R"("until": )" + value)).until;
  };
  BOOST_TEST((until("\"250ms\"") == 250ms));
  BOOST_TEST((until("\"1.5s\"") == 1500ms));
  BOOST_TEST((until("\"2m\"") == 2min));
  BOOST_TEST((until("\"1h\"") == 1h));
  BOOST_TEST((until("1500") == 1500ms));
  BOOST_TEST((until("2.5") == 2500us));
  BOOST_TEST((until("1e3") == 1s));
  BOOST_TEST((until("\"720h\"") == 720h));
}

BOOST_AUTO_TEST_CASE(time_errors) {
  BOOST_TEST(error_of(file(R"("until": "-5s")")) ==
             "x.json:2:10: /until: a time must not be negative, got \"-5s\"");
  BOOST_TEST(error_of(file(R"("until": -5)")) ==
             "x.json:2:10: /until: a time must not be negative, got -5");
  BOOST_TEST(error_of(file(R"("until": -0.5)")) ==
             "x.json:2:10: /until: a time must not be negative, got -0.5");
  BOOST_TEST(error_of(file(R"("until": "0s")")) ==
             "x.json:2:10: /until: must be greater than 0, got \"0s\"");
  BOOST_TEST(error_of(file(R"("until": "721h")")) ==
             "x.json:2:10: /until: until must be at most 720h (the limit), got \"721h\"");
  BOOST_TEST(error_of(file(R"("until": "9000h")")) ==
             "x.json:2:10: /until: a time must be at most 8760h, got \"9000h\"");
  BOOST_TEST(error_of(file(R"("until": 1e300)")) ==
             "x.json:2:10: /until: a time must be at most 8760h, got 1e+300");
  BOOST_TEST(error_of(file(R"("until": 99999999999999999999999)")) ==
             "x.json:2:10: /until: a time must be at most 8760h, got 9.999999999999999e+22");
  BOOST_TEST(error_of(file(R"("network": {"dial_timeout": 0})")) ==
             "x.json:2:29: /network/dial_timeout: must be greater than 0, got 0");
  BOOST_TEST(error_of(file(R"("network": {"bootstrap": {"peer_exchange_interval": "0ms"}})")) ==
             "x.json:2:53: /network/bootstrap/peer_exchange_interval: must be greater than 0, got "
             "\"0ms\"");
}

// --- network values ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(latency_forms) {
  const auto latency = [](const std::string& value) {
    return load_ok(file(R"("network": {"latency": )" + value + "}")).network.link.latency;
  };
  BOOST_TEST((latency("\"25ms\"") == LatencyModel::fixed(25ms)));
  BOOST_TEST((latency("7") == LatencyModel::fixed(7ms)));
  BOOST_TEST((latency("0") == LatencyModel::fixed(0ms)));
  BOOST_TEST((latency(R"({"median": "20ms", "p99": 200})") == LatencyModel::lognormal(20ms, 200ms)));
  BOOST_TEST((latency(R"({"median": "20ms", "p99": "20ms"})") == LatencyModel::lognormal(20ms, 20ms)));
  BOOST_TEST((latency(R"({"min": "10ms", "max": "30ms"})") == LatencyModel::uniform(10ms, 30ms)));
}

BOOST_AUTO_TEST_CASE(latency_errors) {
  BOOST_TEST(error_of(file(R"("network": {"latency": {"median": "20ms", "p99": "10ms"}})")) ==
             "x.json:2:50: /network/latency/p99: p99 must not be less than median (20ms)");
  BOOST_TEST(error_of(file(R"("network": {"latency": {"min": "20ms", "max": "10ms"}})")) ==
             "x.json:2:47: /network/latency/max: max must not be less than min (20ms)");
  BOOST_TEST(error_of(file(R"("network": {"latency": {"median": "20ms"}})")) ==
             "x.json:2:24: /network/latency: missing required key \"p99\"");
  BOOST_TEST(error_of(file(R"("network": {"latency": {"median": 0, "p99": 5}})")) ==
             "x.json:2:35: /network/latency/median: must be greater than 0, got 0");
  BOOST_TEST(error_of(file(R"("network": {"latency": {"median": 1, "p99": 5, "max": 9}})")) ==
             "x.json:2:48: /network/latency/max: unknown key \"max\"; expected one of: median, p99");
  BOOST_TEST(error_of(file(R"("network": {"latency": {"mean": 1}})")) ==
             "x.json:2:24: /network/latency: expected a latency: a time, {\"median\", \"p99\"} or "
             "{\"min\", \"max\"}, got an object without those keys");
  BOOST_TEST(error_of(file(R"("network": {"latency": [1]})")) ==
             "x.json:2:24: /network/latency: expected a latency: a time, {\"median\", \"p99\"} or "
             "{\"min\", \"max\"}, got an array");
}

BOOST_AUTO_TEST_CASE(loss_bounds) {
  BOOST_TEST(load_ok(file(R"("network": {"loss": 1})")).network.link.loss == 1.0);
  BOOST_TEST(load_ok(file(R"("network": {"loss": 0})")).network.link.loss == 0.0);
  BOOST_TEST(error_of(file(R"("network": {"loss": 1.5})")) ==
             "x.json:2:21: /network/loss: must be between 0 and 1, got 1.5");
  BOOST_TEST(error_of(file(R"("network": {"loss": -0.1})")) ==
             "x.json:2:21: /network/loss: must be between 0 and 1, got -0.1");
  BOOST_TEST(error_of(file(R"("network": {"loss": "10%"})")) ==
             "x.json:2:21: /network/loss: expected a number, got \"10%\"");
}

BOOST_AUTO_TEST_CASE(relay_implementations_and_overrides) {
  const Scenario s = load_ok(file(R"("network": {"relays": [
  {"id": "g"},
  {"id": "j", "implementation": "js"},
  {"id": "jo", "implementation": "js", "max_reservations": 40, "reservation_ttl": "30m",
   "circuit_duration": "10m", "circuit_bytes": 0, "latency": "15ms"},
  {"id": "go", "implementation": "go", "max_reservations": 2, "circuit_bytes": 65536}
]})"));
  BOOST_TEST_REQUIRE(s.network.relays.size() == 4u);
  const Relay& g = s.network.relays[0];
  BOOST_TEST((g.implementation == RelayImplementation::go));
  BOOST_TEST(g.max_reservations == 128);
  BOOST_TEST((g.reservation_ttl == 1h));
  BOOST_TEST(g.reservation_ends_on_disconnect);
  BOOST_TEST((g.circuit_byte_counting == CircuitByteCounting::per_direction));
  BOOST_TEST((g.circuit_duration == 2min));
  BOOST_TEST(g.circuit_bytes == 131072u);
  BOOST_TEST((g.access_latency == LatencyModel::fixed(0s)));
  BOOST_TEST(g.source.pointer == "/network/relays/0");
  BOOST_TEST(g.source.line == 3u);
  BOOST_TEST(g.source.column == 3u);

  const Relay& j = s.network.relays[1];
  BOOST_TEST((j.implementation == RelayImplementation::js));
  BOOST_TEST(j.max_reservations == 15);
  BOOST_TEST((j.reservation_ttl == 2h));
  BOOST_TEST(!j.reservation_ends_on_disconnect);
  BOOST_TEST((j.circuit_byte_counting == CircuitByteCounting::both_directions));
  BOOST_TEST((j.circuit_duration == 2min));
  BOOST_TEST(j.circuit_bytes == 131072u);

  const Relay& jo = s.network.relays[2];
  BOOST_TEST(jo.max_reservations == 40);
  BOOST_TEST((jo.reservation_ttl == 30min));
  BOOST_TEST(!jo.reservation_ends_on_disconnect);
  BOOST_TEST((jo.circuit_duration == 10min));
  BOOST_TEST(jo.circuit_bytes == 0u);
  BOOST_TEST((jo.access_latency == LatencyModel::fixed(15ms)));

  const Relay& go = s.network.relays[3];
  BOOST_TEST(go.max_reservations == 2);
  BOOST_TEST((go.reservation_ttl == 1h));
  BOOST_TEST(go.circuit_bytes == 65536u);

  BOOST_TEST(s.find_relay("j") == &s.network.relays[1]);
  BOOST_TEST(s.find_relay("nope") == nullptr);
}

BOOST_AUTO_TEST_CASE(relay_errors) {
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"id": "r", "implementation": "rust"}]})")) ==
             "x.json:2:54: /network/relays/0/implementation: expected \"go\" or \"js\", got \"rust\"");
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"implementation": "go"}]})")) ==
             "x.json:2:24: /network/relays/0: missing required key \"id\"");
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"id": "r"},
  {"id": "r"}]})")) ==
             "x.json:3:10: /network/relays/1/id: duplicate id \"r\"; already used by the relay at "
             "/network/relays/0");
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"id": ""}]})")) ==
             "x.json:2:31: /network/relays/0/id: an id must not be empty");
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"id": "r", "max_reservations": -1}]})")) ==
             "x.json:2:56: /network/relays/0/max_reservations: must be at least 0, got -1");
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"id": "r", "reservation_ttl": "0s"}]})")) ==
             "x.json:2:55: /network/relays/0/reservation_ttl: must be greater than 0, got \"0s\"");
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"id": "a\tb"}]})")) ==
             "x.json:2:31: /network/relays/0/id: an id must not contain control characters");
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"id": ")" + std::string(129, 'r') +
                           R"("}]})")) ==
             "x.json:2:31: /network/relays/0/id: an id must be at most 128 characters long");
}

// --- wallets ------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(wallet_defaults) {
  const Scenario s = load_ok(file(R"("network": {"relays": [{"id": "r1"}, {"id": "r2"}]},
"wallets": [{"id": "alice"}])"));
  BOOST_TEST_REQUIRE(s.wallets.size() == 1u);
  const Wallet& w = s.wallets[0];
  BOOST_TEST(w.id == "alice");
  BOOST_TEST(w.peer_id == "alice");
  BOOST_TEST(!w.nickname.has_value());
  BOOST_TEST((as<NatConfig>(w.nat) == NatConfig::none()));
  BOOST_TEST((w.relays == std::vector<std::string>{"r1", "r2"}));
  BOOST_TEST(w.webrtc);
  BOOST_TEST((w.online_at == 0s));
  BOOST_TEST((w.access_latency == LatencyModel::fixed(0s)));
  BOOST_TEST((w.relay_reconnect.mode == RelayReconnect::Mode::none));
  BOOST_TEST(w.inbound_limit == 5);
  BOOST_TEST(w.sdk.broadcast_skips_relay);
  BOOST_TEST(w.group == "");
  BOOST_TEST(w.group_index == 0);
  BOOST_TEST(w.source.pointer == "/wallets/0");
  BOOST_TEST(w.source.line == 3u);
  BOOST_TEST(w.source.column == 13u);
  // The store options are the seed's production values.
  const auto& p2p = w.store.p2p;
  BOOST_TEST((p2p.retry.kind == store::RetryKind::exponential));
  BOOST_TEST(p2p.retry.max_attempts == 3);
  BOOST_TEST((p2p.retry.base_delay == 1s));
  BOOST_TEST((p2p.retry.max_delay == 0s));
  BOOST_TEST((p2p.concurrency.mode == store::ConcurrencyMode::batch));
  BOOST_TEST(p2p.concurrency.limit == 3);
  BOOST_TEST((p2p.presence_update == store::PresenceUpdate::replace));
  BOOST_TEST(!p2p.mark_disconnected_on_close);
  BOOST_TEST(!p2p.dedupe_concurrent_connects);
  BOOST_TEST((w.store.connection.direct_step_filter == store::DirectStepFilter::shipped_inverted));
  BOOST_TEST((w.store.connection.peer_exchange_reader ==
              store::PeerExchangeReader::shipped_mismatched));
  const auto& m = w.store.musig2;
  BOOST_TEST((m.connectivity_timeout == 0s));
  BOOST_TEST(!m.cancel_on_timeout);
  BOOST_TEST(!m.allow_partial_connectivity);
  BOOST_TEST(m.min_connected_participants == 0);
  BOOST_TEST(!m.unique_session_ids);
  BOOST_TEST((m.nonce_timeout == 60s));
  BOOST_TEST((m.partial_sig_timeout == 60s));
  BOOST_TEST((m.session_timeout == 5min));
  BOOST_TEST(s.find_wallet("alice") == &s.wallets[0]);
}

BOOST_AUTO_TEST_CASE(wallet_keys) {
  const Scenario s = load_ok(file(R"("network": {"relays": [{"id": "r1"}, {"id": "r2"}]},
"wallets": [{"id": "alice", "peer_id": "12D3KooWalice", "nickname": "Alice",
  "nat": "symmetric", "relays": ["r2"], "webrtc": false, "online_at": "3s",
  "access_latency": {"min": "1ms", "max": "9ms"}, "relay_reconnect": "keep-alive",
  "inbound_limit": 0, "sdk": {"broadcast_skips_relay": false}},
  {"id": "bob", "relays": [], "relay_reconnect": "5s"},
  {"id": "carol", "relay_reconnect": 2500}, {"id": "dave", "relay_reconnect": "none"}])"));
  const Wallet& a = s.wallets[0];
  BOOST_TEST(a.peer_id == "12D3KooWalice");
  BOOST_TEST(a.nickname.value() == "Alice");
  BOOST_TEST((as<NatConfig>(a.nat) == NatConfig::symmetric()));
  BOOST_TEST((a.relays == std::vector<std::string>{"r2"}));
  BOOST_TEST(!a.webrtc);
  BOOST_TEST((a.online_at == 3s));
  BOOST_TEST((a.access_latency == LatencyModel::uniform(1ms, 9ms)));
  BOOST_TEST((a.relay_reconnect.mode == RelayReconnect::Mode::keep_alive));
  BOOST_TEST(a.inbound_limit == 0);
  BOOST_TEST(!a.sdk.broadcast_skips_relay);
  const Wallet& b = s.wallets[1];
  BOOST_TEST(b.relays.empty());
  BOOST_TEST((b.relay_reconnect.mode == RelayReconnect::Mode::interval));
  BOOST_TEST((b.relay_reconnect.interval == 5s));
  BOOST_TEST((s.wallets[2].relay_reconnect.interval == 2500ms));
  BOOST_TEST((s.wallets[3].relay_reconnect.mode == RelayReconnect::Mode::none));
}

BOOST_AUTO_TEST_CASE(nat_forms) {
  const auto nat = [](const std::string& value) {
    return load_ok(file(R"("wallets": [{"id": "w", "nat": )" + value + "}]")).wallets[0].nat;
  };
  struct Named {
    const char* name;
    NatBehaviour mapping;
    NatBehaviour filtering;
  };
  for (const Named& named :
       {Named{"full-cone", NatBehaviour::endpoint_independent, NatBehaviour::endpoint_independent},
        Named{"restricted-cone", NatBehaviour::endpoint_independent, NatBehaviour::address_dependent},
        Named{"port-restricted-cone", NatBehaviour::endpoint_independent,
              NatBehaviour::address_and_port_dependent},
        Named{"symmetric", NatBehaviour::address_and_port_dependent,
              NatBehaviour::address_and_port_dependent}}) {
    const auto n = as<NatConfig>(nat(std::string("\"") + named.name + "\""));
    BOOST_TEST(!n.public_host);
    BOOST_TEST((n.mapping == named.mapping));
    BOOST_TEST((n.filtering == named.filtering));
    BOOST_TEST((n.mapping_timeout == 2min));
    BOOST_TEST(describe(n) == named.name);
  }
  BOOST_TEST((as<NatConfig>(nat("\"none\"")) == NatConfig::none()));

  const auto custom = as<NatConfig>(nat(
      R"({"mapping": "address-dependent", "filtering": "endpoint-independent", "mapping_timeout": "30s"})"));
  BOOST_TEST(!custom.public_host);
  BOOST_TEST((custom.mapping == NatBehaviour::address_dependent));
  BOOST_TEST((custom.filtering == NatBehaviour::endpoint_independent));
  BOOST_TEST((custom.mapping_timeout == 30s));
  BOOST_TEST(describe(custom) == "ADM+EIF");
  const auto no_timeout = as<NatConfig>(
      nat(R"({"mapping": "endpoint-independent", "filtering": "address-and-port-dependent"})"));
  BOOST_TEST((no_timeout.mapping_timeout == 2min));

  const auto mix = as<NatMix>(nat(R"({"mix": {"symmetric": 1, "none": 2.5, "full-cone": 0}})"));
  BOOST_TEST_REQUIRE(mix.entries.size() == 2u);  // weight 0 dropped, sorted by name
  BOOST_TEST((mix.entries[0].nat == NatConfig::none()));
  BOOST_TEST(mix.entries[0].weight == 2.5);
  BOOST_TEST((mix.entries[1].nat == NatConfig::symmetric()));
  BOOST_TEST(mix.entries[1].weight == 1.0);
}

BOOST_AUTO_TEST_CASE(nat_errors) {
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "nat": "cone"}])")) ==
             "x.json:2:32: /wallets/0/nat: expected a NAT: \"none\", \"full-cone\", "
             "\"restricted-cone\", \"port-restricted-cone\", \"symmetric\", {\"mapping\", "
             "\"filtering\", \"mapping_timeout\"?} or {\"mix\": {...}}, got \"cone\"");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "nat": {"mapping": "endpoint-independent"}}])")) ==
             "x.json:2:32: /wallets/0/nat: missing required key \"filtering\"");
  BOOST_TEST(error_of(file(
                 R"("wallets": [{"id": "w", "nat": {"mapping": "eim", "filtering": "endpoint-independent"}}])")) ==
             "x.json:2:44: /wallets/0/nat/mapping: expected \"endpoint-independent\", "
             "\"address-dependent\", or \"address-and-port-dependent\", got \"eim\"");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "nat": {"mix": {"none": 1,
  "cgnat": 1}}}])")) == "x.json:3:3: /wallets/0/nat/mix/cgnat: unknown NAT \"cgnat\"; expected "
                        "\"none\", \"full-cone\", \"restricted-cone\", \"port-restricted-cone\", "
                        "or \"symmetric\"");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "nat": {"mix": {"none": 0}}}])")) ==
             "x.json:2:40: /wallets/0/nat/mix: a mix needs a weight greater than 0");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "nat": {"mix": {}}}])")) ==
             "x.json:2:40: /wallets/0/nat/mix: a mix needs at least one NAT");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "nat": {"mix": {"none": -1}}}])")) ==
             "x.json:2:49: /wallets/0/nat/mix/none: must be at least 0, got -1");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "nat": {"mix": {"none": 1}, "x": 1}}])")) ==
             "x.json:2:53: /wallets/0/nat/x: unknown key \"x\"; expected one of: mix");
}

BOOST_AUTO_TEST_CASE(count_expands_wallets) {
  const Scenario s = load_ok(file(R"("wallets": [{"id": "solo"},
  {"id": "user", "count": 3, "nickname": "U", "nat": {"mix": {"none": 1, "symmetric": 1}}},
  {"id": "p", "peer_id": "peer", "count": 2}, {"id": "one", "count": 1}])"));
  std::vector<std::string> ids;
  std::vector<std::string> peer_ids;
  for (const auto& w : s.wallets) {
    ids.push_back(w.id);
    peer_ids.push_back(w.peer_id);
  }
  BOOST_TEST((ids == std::vector<std::string>{"solo", "user-1", "user-2", "user-3", "p-1", "p-2",
                                              "one-1"}));
  BOOST_TEST((peer_ids == std::vector<std::string>{"solo", "user-1", "user-2", "user-3", "peer-1",
                                                   "peer-2", "one-1"}));
  const Wallet& u2 = s.wallets[2];
  BOOST_TEST(u2.group == "user");
  BOOST_TEST(u2.group_index == 2);
  BOOST_TEST(u2.nickname.value() == "U");
  BOOST_TEST(as<NatMix>(u2.nat).entries.size() == 2u);  // drawn by the runner, not here
  BOOST_TEST(u2.source.pointer == "/wallets/1");
  BOOST_TEST(u2.source.line == 3u);
  BOOST_TEST((s.wallet_groups.at("user") == std::vector<std::size_t>{1, 2, 3}));
  BOOST_TEST((s.wallet_groups.at("one") == std::vector<std::size_t>{6}));
  BOOST_TEST(s.wallet_groups.count("solo") == 0u);
  BOOST_TEST(s.wallet_index.at("p-2") == 5u);
  BOOST_TEST(s.find_wallet("user") == nullptr);
}

BOOST_AUTO_TEST_CASE(count_and_wallet_limits) {
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "count": 0}])")) ==
             "x.json:2:34: /wallets/0/count: must be at least 1, got 0");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "count": 100001}])")) ==
             "x.json:2:34: /wallets/0/count: must be at most 100000, got 100001");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "count": 2.5}])")) ==
             "x.json:2:34: /wallets/0/count: expected an integer, got 2.5");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "a", "count": 60000},
  {"id": "b", "count": 40001}])")) ==
             "x.json:3:24: /wallets/1/count: more than 100000 wallets in one scenario (the limit)");
  // The largest scenario: 2,000 groups of 50 coming online a second apart (at most 50 x 100,000
  // presence deliveries in flight, limits::kMaxPresenceInFlight).
  std::string groups;
  for (int g = 0; g < 2000; ++g) {
    groups += (g ? "," : "") + std::string(R"({"id": "g)") + std::to_string(g) +
              R"(", "count": 50, "online_at": ")" + std::to_string(g) + "s\"}";
  }
  const Scenario big = load_ok(file(R"("until": "1h", "wallets": [)" + groups + "]"));
  BOOST_TEST(big.wallets.size() == 100000u);
}

BOOST_AUTO_TEST_CASE(wallet_id_errors) {
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "alice"},
  {"id": "alice"}])")) ==
             "x.json:3:10: /wallets/1/id: duplicate id \"alice\"; already used by the wallet at "
             "/wallets/0");
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"id": "r1"}]},
"wallets": [{"id": "r1"}])")) ==
             "x.json:3:20: /wallets/0/id: duplicate id \"r1\"; already used by the relay at "
             "/network/relays/0");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "u-2"},
  {"id": "u", "count": 3}])")) ==
             "x.json:3:24: /wallets/1/count: duplicate id \"u-2\"; already used by the wallet at "
             "/wallets/0");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "u", "count": 2},
  {"id": "u"}])")) == "x.json:3:10: /wallets/1/id: duplicate id \"u\"; already used by the "
                      "wallets of /wallets/0");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "a"},
  {"id": "b", "peer_id": "a"}])")) ==
             "x.json:3:26: /wallets/1/peer_id: duplicate peer_id \"a\"; already the peer_id of "
             "wallet \"a\"");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": 7}])")) ==
             "x.json:2:20: /wallets/0/id: expected a string, got 7");
  BOOST_TEST(error_of(file(R"("wallets": [{"nickname": "x"}])")) ==
             "x.json:2:13: /wallets/0: missing required key \"id\"");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "colour": "red"}])")) ==
             "x.json:2:25: /wallets/0/colour: unknown key \"colour\"; expected one of: id, peer_id, "
             "nickname, nat, relays, webrtc, online_at, access_latency, count, relay_reconnect, "
             "inbound_limit, store, sdk");
}

BOOST_AUTO_TEST_CASE(wallet_relay_errors) {
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"id": "r1"}, {"id": "r2"}]},
"wallets": [{"id": "w", "relays": ["r1", "r3"]}])")) ==
             "x.json:3:42: /wallets/0/relays/1: unknown relay \"r3\"; known: r1, r2");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "relays": ["r3"]}])")) ==
             "x.json:2:36: /wallets/0/relays/0: unknown relay \"r3\"; no relays defined");
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"id": "r1"}]},
"wallets": [{"id": "w", "relays": ["r1", "r1"]}])")) ==
             "x.json:3:42: /wallets/0/relays/1: relay \"r1\" is listed twice");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "relays": "r1"}])")) ==
             "x.json:2:35: /wallets/0/relays: expected an array, got \"r1\"");
}

BOOST_AUTO_TEST_CASE(relay_reconnect_errors) {
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "relay_reconnect": "sometimes"}])")) ==
             "x.json:2:44: /wallets/0/relay_reconnect: expected \"none\", \"keep-alive\" or a time "
             "like \"5s\", got \"sometimes\"");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "relay_reconnect": "0s"}])")) ==
             "x.json:2:44: /wallets/0/relay_reconnect: a redial interval must be greater than 0, "
             "got \"0s\"");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "relay_reconnect": -3}])")) ==
             "x.json:2:44: /wallets/0/relay_reconnect: a time must not be negative, got -3");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "inbound_limit": -1}])")) ==
             "x.json:2:42: /wallets/0/inbound_limit: must be at least 0, got -1");
}

BOOST_AUTO_TEST_CASE(store_options) {
  const Scenario s = load_ok(file(R"("wallets": [{"id": "w", "store": {
  "retry": {"policy": "deadline-bounded", "max_attempts": 5, "base_delay": "250ms",
            "max_delay": "4s", "deadline": "20s"},
  "concurrency": {"mode": "window", "limit": 8},
  "presence_update": "merge-keep", "mark_disconnected_on_close": true,
  "dedupe_concurrent_connects": true, "direct_filter": "fixed", "peer_exchange_reader": "fixed",
  "musig2": {"connectivity_timeout": "30s", "cancel_on_timeout": true,
             "allow_partial_connectivity": true, "min_connected_participants": 2,
             "unique_session_ids": true, "nonce_timeout": "10s", "partial_sig_timeout": "11s",
             "session_timeout": "2m"}}},
  {"id": "v", "store": {"retry": {"policy": "fixed"}, "presence_update": "merge-reset"}},
  {"id": "x", "store": {"retry": {"policy": "exponential-jitter", "base_delay": 100},
                        "concurrency": {"limit": 1}}}])"));
  const auto& w = s.wallets[0].store;
  BOOST_TEST((w.p2p.retry.kind == store::RetryKind::deadline_bounded));
  BOOST_TEST(w.p2p.retry.max_attempts == 5);
  BOOST_TEST((w.p2p.retry.base_delay == 250ms));
  BOOST_TEST((w.p2p.retry.max_delay == 4s));
  BOOST_TEST((w.p2p.retry.deadline == 20s));
  BOOST_TEST((w.p2p.concurrency.mode == store::ConcurrencyMode::window));
  BOOST_TEST(w.p2p.concurrency.limit == 8);
  BOOST_TEST((w.p2p.presence_update == store::PresenceUpdate::merge_keep));
  BOOST_TEST(w.p2p.mark_disconnected_on_close);
  BOOST_TEST(w.p2p.dedupe_concurrent_connects);
  BOOST_TEST((w.connection.direct_step_filter == store::DirectStepFilter::fixed));
  BOOST_TEST((w.connection.peer_exchange_reader == store::PeerExchangeReader::fixed));
  BOOST_TEST((w.musig2.connectivity_timeout == 30s));
  BOOST_TEST(w.musig2.cancel_on_timeout);
  BOOST_TEST(w.musig2.allow_partial_connectivity);
  BOOST_TEST(w.musig2.min_connected_participants == 2);
  BOOST_TEST(w.musig2.unique_session_ids);
  BOOST_TEST((w.musig2.nonce_timeout == 10s));
  BOOST_TEST((w.musig2.partial_sig_timeout == 11s));
  BOOST_TEST((w.musig2.session_timeout == 2min));
  const auto& v = s.wallets[1].store;
  BOOST_TEST((v.p2p.retry.kind == store::RetryKind::fixed));
  BOOST_TEST(v.p2p.retry.max_attempts == 3);
  BOOST_TEST((v.p2p.retry.base_delay == 1s));
  BOOST_TEST((v.p2p.presence_update == store::PresenceUpdate::merge_reset));
  BOOST_TEST((v.p2p.concurrency.mode == store::ConcurrencyMode::batch));
  const auto& x = s.wallets[2].store;
  BOOST_TEST((x.p2p.retry.kind == store::RetryKind::exponential_jitter));
  BOOST_TEST((x.p2p.retry.base_delay == 100ms));
  BOOST_TEST(x.p2p.concurrency.limit == 1);
  BOOST_TEST((x.p2p.concurrency.mode == store::ConcurrencyMode::batch));
}

BOOST_AUTO_TEST_CASE(store_errors) {
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "store": {"retry": {"deadline": "5s"}}}])")) ==
             "x.json:2:45: /wallets/0/store/retry/deadline: \"deadline\" applies only to the policy "
             "\"deadline-bounded\"");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "store": {"retry": {"policy": "linear"}}}])")) ==
             "x.json:2:55: /wallets/0/store/retry/policy: expected \"exponential\", \"fixed\", "
             "\"exponential-jitter\", or \"deadline-bounded\", got \"linear\"");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "store": {"retry": {"max_attempts": 0}}}])")) ==
             "x.json:2:61: /wallets/0/store/retry/max_attempts: must be at least 1, got 0");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "store": {"concurrency": {"limit": 0}}}])")) ==
             "x.json:2:60: /wallets/0/store/concurrency/limit: must be at least 1, got 0");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "store": {"direct_filter": "inverted"}}])")) ==
             "x.json:2:52: /wallets/0/store/direct_filter: expected \"shipped\" or \"fixed\", got "
             "\"inverted\"");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "store": {"musig2": {"timeout": 1}}}])")) ==
             "x.json:2:46: /wallets/0/store/musig2/timeout: unknown key \"timeout\"; expected one "
             "of: connectivity_timeout, cancel_on_timeout, allow_partial_connectivity, "
             "min_connected_participants, unique_session_ids, nonce_timeout, "
             "partial_sig_timeout, session_timeout");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "sdk": {"broadcast_skips_relay": 1}}])")) ==
             "x.json:2:58: /wallets/0/sdk/broadcast_skips_relay: expected true or false, got 1");
}

// --- shared wallets -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(shared_wallets) {
  const Scenario s = load_ok(file(kTwoWallets + R"(
"shared_wallets": [{"id": "sw", "participants": ["alice", "bob"]}])"));
  BOOST_TEST_REQUIRE(s.shared_wallets.size() == 1u);
  BOOST_TEST(s.shared_wallets[0].id == "sw");
  BOOST_TEST((s.shared_wallets[0].participants == std::vector<std::string>{"alice", "bob"}));
  BOOST_TEST(s.shared_wallets[0].source.line == 3u);
  BOOST_TEST(s.find_shared_wallet("sw") == &s.shared_wallets[0]);

  // A group id stands for its wallets.
  const Scenario g = load_ok(file(R"("wallets": [{"id": "boss"}, {"id": "s", "count": 2}],
"shared_wallets": [{"id": "sw", "participants": ["boss", "s"]}])"));
  BOOST_TEST((g.shared_wallets[0].participants == std::vector<std::string>{"boss", "s-1", "s-2"}));
}

BOOST_AUTO_TEST_CASE(shared_wallet_errors) {
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"shared_wallets": [{"id": "sw", "participants": ["alice", "carol"]}])")) ==
             "x.json:3:59: /shared_wallets/0/participants/1: unknown wallet \"carol\"; known: "
             "alice, bob");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"shared_wallets": [{"id": "sw", "participants": ["alice", "alice"]}])")) ==
             "x.json:3:59: /shared_wallets/0/participants/1: wallet \"alice\" is listed twice");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"shared_wallets": [{"id": "sw", "participants": []}])")) ==
             "x.json:3:49: /shared_wallets/0/participants: a shared wallet needs at least one "
             "participant");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"shared_wallets": [{"id": "sw", "participants": ["alice"]},
                   {"id": "sw", "participants": ["bob"]}])")) ==
             "x.json:4:27: /shared_wallets/1/id: duplicate shared wallet id \"sw\"; first defined "
             "at /shared_wallets/0");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"shared_wallets": [{"id": "sw"}])")) ==
             "x.json:3:20: /shared_wallets/0: missing required key \"participants\"");
}

// --- timeline ------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_action) {
  const Scenario s = load_ok(file(R"("network": {"relays": [{"id": "r1"}]},
"wallets": [{"id": "alice"}, {"id": "bob"}, {"id": "u", "count": 2}],
"shared_wallets": [{"id": "sw", "participants": ["alice", "bob"]}],
"timeline": [
  {"at": "1s", "do": "connect", "wallet": "alice", "peer": "bob", "id": "c1"},
  {"at": 1500, "do": "connect_many", "wallet": "alice", "peers": ["bob", "u", "bob"]},
  {"at": "2s", "do": "propose_spend", "wallet": "alice", "shared_wallet": "sw"},
  {"at": "2s", "do": "propose_spend", "wallet": "bob", "shared_wallet": "sw",
   "recipient": "lotus_16PSJ", "amount_sats": 5000},
  {"at": "3s", "do": "go_offline", "wallet": "bob"},
  {"at": "4s", "do": "go_online", "wallet": "bob"},
  {"at": "5s", "do": "reload", "wallet": "alice"},
  {"at": "6s", "do": "relay_down", "relay": "r1", "for": "10s"},
  {"at": "7s", "do": "relay_down", "relay": "r1"},
  {"at": "8s", "do": "relay_up", "relay": "r1"},
  {"at": "9s", "do": "partition", "between": [["alice", "r1"], ["u", "bob", "u-1"]], "for": "1m"},
  {"at": "10s", "do": "heal"},
  {"at": "11s", "do": "drop_connection", "wallet": "alice", "peer": "bob"},
  {"at": "12s", "do": "nat_rebind", "wallet": "bob"},
  {"at": "13s", "do": "set_network", "latency": {"median": "10ms", "p99": "90ms"}, "loss": 0.5},
  {"at": "14s", "do": "set_network", "loss": 0}
])"));
  const auto& t = s.timeline;
  BOOST_TEST_REQUIRE(t.size() == 16u);
  BOOST_TEST((t[0].kind() == ActionKind::connect));
  BOOST_TEST((t[0].at == 1s));
  BOOST_TEST(t[0].id.value() == "c1");
  BOOST_TEST(as<ConnectAction>(t[0].action).wallet == "alice");
  BOOST_TEST(as<ConnectAction>(t[0].action).peer == "bob");
  BOOST_TEST(t[0].index == 0u);
  BOOST_TEST(t[0].source.pointer == "/timeline/0");
  BOOST_TEST(t[0].source.line == 6u);
  BOOST_TEST(t[0].source.column == 3u);
  BOOST_TEST(s.find_step("c1") == &t[0]);

  BOOST_TEST((t[1].at == 1500ms));
  BOOST_TEST(!t[1].id.has_value());
  BOOST_TEST((as<ConnectManyAction>(t[1].action).peers ==
              std::vector<std::string>{"bob", "u-1", "u-2", "bob"}));

  const auto& spend = as<ProposeSpendAction>(t[2].action);
  BOOST_TEST(spend.wallet == "alice");
  BOOST_TEST(spend.shared_wallet == "sw");
  BOOST_TEST(spend.recipient == std::string(kDefaultRecipient));
  BOOST_TEST(spend.amount_sats == kDefaultAmountSats);
  const auto& spend2 = as<ProposeSpendAction>(t[3].action);
  BOOST_TEST(spend2.recipient == "lotus_16PSJ");
  BOOST_TEST(spend2.amount_sats == 5000);
  BOOST_TEST(t[3].source.line == 9u);

  BOOST_TEST(as<GoOfflineAction>(t[4].action).wallet == "bob");
  BOOST_TEST(as<GoOnlineAction>(t[5].action).wallet == "bob");
  BOOST_TEST(as<ReloadAction>(t[6].action).wallet == "alice");
  BOOST_TEST(as<RelayDownAction>(t[7].action).relay == "r1");
  BOOST_TEST((as<RelayDownAction>(t[7].action).for_duration.value() == 10s));
  BOOST_TEST(!as<RelayDownAction>(t[8].action).for_duration.has_value());
  BOOST_TEST(as<RelayUpAction>(t[9].action).relay == "r1");
  const auto& partition = as<PartitionAction>(t[10].action);
  BOOST_TEST((partition.between[0] == std::vector<std::string>{"alice", "r1"}));
  BOOST_TEST((partition.between[1] == std::vector<std::string>{"u-1", "u-2", "bob"}));
  BOOST_TEST((partition.for_duration.value() == 1min));
  BOOST_TEST((t[11].kind() == ActionKind::heal));
  BOOST_TEST(as<DropConnectionAction>(t[12].action).peer == "bob");
  BOOST_TEST(as<NatRebindAction>(t[13].action).wallet == "bob");
  const auto& net = as<SetNetworkAction>(t[14].action);
  BOOST_TEST((net.latency.value() == LatencyModel::lognormal(10ms, 90ms)));
  BOOST_TEST(net.loss.value() == 0.5);
  BOOST_TEST(!as<SetNetworkAction>(t[15].action).latency.has_value());
  BOOST_TEST(as<SetNetworkAction>(t[15].action).loss.value() == 0.0);
  BOOST_TEST(connsim::spelling_of(t[12].kind()) == "drop_connection");
}

BOOST_AUTO_TEST_CASE(repeat_extension) {
  const Scenario s = load_ok(file(kTwoWallets + R"(
"timeline": [
  {"at": "1s", "do": "connect", "wallet": "alice", "peer": "bob", "repeat": {"every": "30s", "times": 4}},
  {"at": "1s", "do": "nat_rebind", "wallet": "bob", "repeat": {"every": "1m"}}
])"));
  BOOST_TEST((s.timeline[0].repeat->every == 30s));
  BOOST_TEST(s.timeline[0].repeat->times.value() == 4u);
  BOOST_TEST((s.timeline[1].repeat->every == 1min));
  BOOST_TEST(!s.timeline[1].repeat->times.has_value());

  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": 0, "do": "heal", "repeat": {"every": 0}}])")) ==
             "x.json:3:58: /timeline/0/repeat/every: must be greater than 0, got 0");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": 0, "do": "heal", "repeat": {"every": "1s", "times": 0}}])")) ==
             "x.json:3:73: /timeline/0/repeat/times: must be at least 1, got 0");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": 0, "do": "heal", "repeat": {"times": 2}}])")) ==
             "x.json:3:48: /timeline/0/repeat: missing required key \"every\"");
  // Every nanosecond for ten minutes is beyond limits::kMaxTimelineRuns.
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": 0, "do": "heal", "repeat": {"every": "1ns"}}])")) ==
             "x.json:3:48: /timeline/0/repeat: the timeline runs more than 1000000 steps before "
             "`until` (the limit; a connect_many counts once per peer, a propose_spend once per "
             "participant, a reload, go_online or partition once per wallet, a relay_down once per "
             "wallet on the relay)");
  // ... but not when `times` bounds it.
  load_ok(file(kTwoWallets + R"(
"timeline": [{"at": 0, "do": "heal", "repeat": {"every": "1ns", "times": 1000}}])"));
}

// The run-cost pass runs after decoding, yet its error stands where the step's decoding found it:
// a step over the budget before more than limits::kMaxCollectedErrors errors is still reported.
BOOST_AUTO_TEST_CASE(timeline_budget_error_is_kept_among_many_errors) {
  std::string steps = R"({"at": 0, "do": "heal", "repeat": {"every": "1ns"}})";
  for (int i = 0; i < 1100; ++i) steps += R"(, {"at": 0, "do": "reload"})";
  const auto errors = errors_of(file(kTwoWallets + "\n\"timeline\": [" + steps + "]"));
  BOOST_TEST_REQUIRE(errors.size() == 51u);
  BOOST_TEST(errors.front().rfind("x.json:3:48: /timeline/0/repeat: the timeline runs more than "
                                  "1000000 steps before `until`",
                                  0) == 0u);
  BOOST_TEST(errors.back() == "x.json:3:1390: 1051 more errors not shown");
}

BOOST_AUTO_TEST_CASE(unknown_references_in_steps) {
  // The contract's example, exactly.
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "connect", "peer": "alice",
              "wallet": "bobb"}])")) ==
             "x.json:4:25: /timeline/0/wallet: unknown wallet \"bobb\"; known: alice, bob");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "connect", "wallet": "alice", "peer": "carol"}])")) ==
             "x.json:3:71: /timeline/0/peer: unknown wallet \"carol\"; known: alice, bob");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "count": 12}],
"timeline": [{"at": "1s", "do": "reload", "wallet": "x"}])")) ==
             "x.json:3:53: /timeline/0/wallet: unknown wallet \"x\"; known: w-1, w-2, w-3, w-4, "
             "w-5, w-6, w-7, w-8, w-9, w-10, ... (12 in all)");
  BOOST_TEST(error_of(file(R"("wallets": [{"id": "w", "count": 2}],
"timeline": [{"at": "1s", "do": "reload", "wallet": "w"}])")) ==
             "x.json:3:53: /timeline/0/wallet: unknown wallet \"w\"; known: w-1, w-2; it has a "
             "count: use \"w-1\" ... \"w-2\"");
  BOOST_TEST(error_of(file(R"("timeline": [{"at": "1s", "do": "reload", "wallet": "x"}])")) ==
             "x.json:2:53: /timeline/0/wallet: unknown wallet \"x\"; no wallets defined");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "relay_up", "relay": "r9"}])")) ==
             "x.json:3:54: /timeline/0/relay: unknown relay \"r9\"; no relays defined");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "propose_spend", "wallet": "alice", "shared_wallet": "sw"}])")) ==
             "x.json:3:86: /timeline/0/shared_wallet: unknown shared wallet \"sw\"; no shared "
             "wallets defined");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "connect_many", "wallet": "alice", "peers": ["bob", "eve"]}])")) ==
             "x.json:3:85: /timeline/0/peers/1: unknown wallet \"eve\"; known: alice, bob");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "partition", "between": [["alice"], ["zed"]]}])")) ==
             "x.json:3:70: /timeline/0/between/1/0: unknown wallet or relay \"zed\"; known: alice, "
             "bob");
}

BOOST_AUTO_TEST_CASE(step_errors) {
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "conect", "wallet": "alice"}])")) ==
             "x.json:3:33: /timeline/0/do: expected \"connect\", \"connect_many\", \"propose_spend\", "
             "\"go_offline\", \"go_online\", \"reload\", \"relay_down\", \"relay_up\", \"partition\", "
             "\"heal\", \"drop_connection\", \"nat_rebind\", or \"set_network\", got \"conect\"");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "wallet": "alice"}])")) ==
             "x.json:3:14: /timeline/0: missing required key \"do\"");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "connect", "wallet": "alice"}])")) ==
             "x.json:3:14: /timeline/0: missing required key \"peer\"");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"do": "heal"}])")) == "x.json:3:14: /timeline/0: missing required key \"at\"");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "go_offline", "wallet": "bob", "peer": "alice"}])")) ==
             "x.json:3:64: /timeline/0/peer: unknown key \"peer\"; expected one of: at, do, id, "
             "repeat, wallet");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "11m", "do": "heal"}])")) ==
             "x.json:3:21: /timeline/0/at: 11m is after the end of the run (until: 10m)");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "set_network"}])")) ==
             "x.json:3:14: /timeline/0: set_network needs \"latency\" or \"loss\"");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "heal", "id": "h"},
             {"at": "2s", "do": "heal", "id": "h"}])")) ==
             "x.json:4:47: /timeline/1/id: duplicate step id \"h\"; first defined at /timeline/0");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": ["heal"])")) == "x.json:3:14: /timeline/0: expected a step (an object), got \"heal\"");
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"shared_wallets": [{"id": "sw", "participants": ["alice", "bob"]}],
"timeline": [{"at": "1s", "do": "propose_spend", "wallet": "alice", "shared_wallet": "sw",
              "amount_sats": -5}])")) ==
             "x.json:5:30: /timeline/0/amount_sats: must be at least 0, got -5");
}

BOOST_AUTO_TEST_CASE(partition_errors) {
  const std::string head = file(std::string(R"("network": {"relays": [{"id": "r1"}]},)") + "\n" +
                                R"("wallets": [{"id": "a"}, {"id": "u", "count": 2}],)" + "\n" +
                                R"("timeline": [{"at": 0, "do": "partition", "between": )" +
                                "XX}]");
  const auto with = [&](const std::string& between) {
    std::string text = head;
    text.replace(text.find("XX"), 2, between);
    return text;
  };
  load_ok(with(R"([["a"], ["u"]])"));
  BOOST_TEST(error_of(with(R"([["a", "u"], ["r1", "u-2"]])")) ==
             "x.json:4:74: /timeline/0/between/1/1: \"u-2\" is on both sides of the partition");
  BOOST_TEST(error_of(with(R"([["a"], []])")) ==
             "x.json:4:62: /timeline/0/between/1: a side of a partition needs at least one wallet "
             "or relay");
  BOOST_TEST(error_of(with(R"([["a"]])")) ==
             "x.json:4:54: /timeline/0/between: expected two lists of wallet or relay ids, [[...], "
             "[...]], got an array of 1");
  BOOST_TEST(error_of(with(R"("a")")) ==
             "x.json:4:54: /timeline/0/between: expected two lists of wallet or relay ids, [[...], "
             "[...]], got \"a\"");
  BOOST_TEST(error_of(with(R"([["a"], "u"])")) ==
             "x.json:4:62: /timeline/0/between/1: expected an array of wallet or relay ids, got "
             "\"u\"");
}

// --- expectations --------------------------------------------------------------------------------

const std::string kWorld = R"("wallets": [{"id": "alice"}, {"id": "bob"}, {"id": "carol"}],
"shared_wallets": [{"id": "sw", "participants": ["alice", "bob"]}],
"timeline": [
  {"at": "1s", "do": "connect", "wallet": "alice", "peer": "bob", "id": "c"},
  {"at": "1s", "do": "connect_many", "wallet": "alice", "peers": ["bob", "carol"], "id": "m"},
  {"at": "2s", "do": "propose_spend", "wallet": "alice", "shared_wallet": "sw", "id": "p"},
  {"at": "3s", "do": "go_offline", "wallet": "bob", "id": "off"},
  {"at": "3s", "do": "conect", "wallet": "bob", "id": "broken"}
],)";
// kWorld spans lines 2 to 10: expectations begin on line 11, column 12 (line 10 without the
// broken step).

std::string expect(const std::string& expectations) {
  std::string text = file(kWorld + "\n\"expect\": [" + expectations + "]");
  return text;
}

Scenario load_world_ok(const std::string& expectations) {
  // kWorld has a broken step on purpose (for cascades); drop it for the passing cases.
  std::string text = expect(expectations);
  const auto broken = text.find(",\n  {\"at\": \"3s\", \"do\": \"conect\"");
  text.erase(broken, text.find("\n]", broken) - broken);
  return load_ok(text);
}

BOOST_AUTO_TEST_CASE(status_expectation) {
  const Scenario s = load_world_ok(
      R"({"status": {"wallet": "alice", "peer": "bob"}, "sequence": ["connecting", "connected", "disconnected", "failed"],
  "connection_type": "webrtc", "within": "5s", "at": "1m"},
  {"status": {"wallet": "bob", "peer": "alice"}, "sequence": [], "connection_type": "none"})");
  BOOST_TEST_REQUIRE(s.expectations.size() == 2u);
  const auto& e = as<StatusExpectation>(s.expectations[0].body);
  BOOST_TEST(e.wallet == "alice");
  BOOST_TEST(e.peer == "bob");
  BOOST_TEST((e.sequence == std::vector<store::ConnectionStatus>{
                                store::ConnectionStatus::connecting,
                                store::ConnectionStatus::connected,
                                store::ConnectionStatus::disconnected,
                                store::ConnectionStatus::failed}));
  BOOST_TEST((e.connection_type.value() == store::ConnectionType::webrtc));
  BOOST_TEST((e.within.value() == 5s));
  BOOST_TEST((e.at.value() == 1min));
  BOOST_TEST(s.expectations[0].index == 0u);
  BOOST_TEST(s.expectations[0].source.pointer == "/expect/0");
  BOOST_TEST(s.expectations[0].source.line == 10u);
  BOOST_TEST(s.expectations[0].source.column == 12u);
  const auto& f = as<StatusExpectation>(s.expectations[1].body);
  BOOST_TEST(f.sequence.empty());
  BOOST_TEST((f.connection_type.value() == store::ConnectionType::none));
  BOOST_TEST(!f.within.has_value());
  BOOST_TEST(!f.at.has_value());
  BOOST_TEST(s.expectations[1].source.line == 12u);
}

BOOST_AUTO_TEST_CASE(events_expectation) {
  const Scenario s = load_world_ok(
      R"({"events": {"wallet": "alice"}, "sequence": [{"type": "info", "message": "Connecting to bob..."},
  {"contains": "via relay", "peer": "bob"}, {}], "mode": "exact", "at": "30s"},
  {"events": {"wallet": "bob"}, "absent": [{"type": "error"}, {"type": "peer_joined"}]})");
  const auto& e = as<EventsExpectation>(s.expectations[0].body);
  BOOST_TEST(e.wallet == "alice");
  BOOST_TEST_REQUIRE(e.sequence.size() == 3u);
  BOOST_TEST(e.sequence[0].type.value() == "info");
  BOOST_TEST(e.sequence[0].message.value() == "Connecting to bob...");
  BOOST_TEST(e.sequence[1].contains.value() == "via relay");
  BOOST_TEST(e.sequence[1].peer.value() == "bob");
  BOOST_TEST(!e.sequence[2].type.has_value());
  BOOST_TEST((e.mode == EventsMode::exact));
  BOOST_TEST((e.at.value() == 30s));
  BOOST_TEST(e.absent.empty());
  const auto& f = as<EventsExpectation>(s.expectations[1].body);
  BOOST_TEST((f.mode == EventsMode::subsequence));
  BOOST_TEST(f.sequence.empty());
  BOOST_TEST_REQUIRE(f.absent.size() == 2u);
  BOOST_TEST(f.absent[1].type.value() == "peer_joined");
}

BOOST_AUTO_TEST_CASE(result_expectation) {
  const Scenario s = load_world_ok(
      R"({"result": "c", "success": true, "connection_type": "relay"},
  {"result": "m", "peer": "carol", "success": false, "error": "All connection methods failed"},
  {"result": "p", "success": false, "error_contains": "Cannot reach"})");
  const auto& c = as<ResultExpectation>(s.expectations[0].body);
  BOOST_TEST(c.step == "c");
  BOOST_TEST((c.step_kind == ActionKind::connect));
  BOOST_TEST(c.success.value());
  BOOST_TEST((c.connection_type.value() == store::ConnectionType::relay));
  BOOST_TEST(!c.peer.has_value());
  const auto& m = as<ResultExpectation>(s.expectations[1].body);
  BOOST_TEST((m.step_kind == ActionKind::connect_many));
  BOOST_TEST(m.peer.value() == "carol");
  BOOST_TEST(m.error.value() == "All connection methods failed");
  const auto& p = as<ResultExpectation>(s.expectations[2].body);
  BOOST_TEST((p.step_kind == ActionKind::propose_spend));
  BOOST_TEST(p.error_contains.value() == "Cannot reach");
}

BOOST_AUTO_TEST_CASE(getter_expectation) {
  const Scenario s = load_world_ok(
      R"({"getter": "connected_online_peer_count", "wallet": "alice", "equals": 2},
  {"getter": "is_peer_connected", "wallet": "alice", "peer": "bob", "equals": true, "at": "5s"},
  {"getter": "peer_status", "wallet": "alice", "peer": "bob", "equals": "connected"},
  {"getter": "peer_status", "wallet": "alice", "peer": "carol",
   "equals": {"status": "failed", "connection_type": "none", "error": "x"}})");
  const auto& count = as<GetterExpectation>(s.expectations[0].body);
  BOOST_TEST((count.getter == Getter::connected_online_peer_count));
  BOOST_TEST(as<std::uint64_t>(count.equals) == 2u);
  BOOST_TEST(!count.at.has_value());
  const auto& connected = as<GetterExpectation>(s.expectations[1].body);
  BOOST_TEST(as<bool>(connected.equals));
  BOOST_TEST(connected.peer.value() == "bob");
  BOOST_TEST((connected.at.value() == 5s));
  const auto& status = as<PeerStatusMatch>(as<GetterExpectation>(s.expectations[2].body).equals);
  BOOST_TEST((status.status == store::ConnectionStatus::connected));
  BOOST_TEST(!status.connection_type.has_value());
  const auto& full = as<PeerStatusMatch>(as<GetterExpectation>(s.expectations[3].body).equals);
  BOOST_TEST((full.status == store::ConnectionStatus::failed));
  BOOST_TEST((full.connection_type.value() == store::ConnectionType::none));
  BOOST_TEST(full.error.value() == "x");
}

BOOST_AUTO_TEST_CASE(metric_expectation) {
  const Scenario s = load_world_ok(
      R"({"metric": "connect_success_rate", "at_least": 0.9},
  {"metric": "connect_time_p90", "at_most": "2.5s", "at_least": 10},
  {"metric": "connections_per_sim_second", "at_least": 12.5},
  {"metric": "spend_success_rate", "at_least": 1, "at_most": 1})");
  const auto& rate = as<MetricExpectation>(s.expectations[0].body);
  BOOST_TEST((rate.metric == Metric::connect_success_rate));
  BOOST_TEST(rate.at_least.value() == 0.9);
  BOOST_TEST(!rate.at_most.has_value());
  const auto& time = as<MetricExpectation>(s.expectations[1].body);
  BOOST_TEST(is_time_metric(time.metric));
  BOOST_TEST(time.at_most.value() == 2500.0);  // milliseconds
  BOOST_TEST(time.at_least.value() == 10.0);
  BOOST_TEST(as<MetricExpectation>(s.expectations[2].body).at_least.value() == 12.5);
  BOOST_TEST((as<MetricExpectation>(s.expectations[3].body).metric == Metric::spend_success_rate));
  for (const char* name :
       {"connect_success_rate", "first_attempt_success_rate", "connect_time_p50",
        "connect_time_p90", "connect_time_p99", "share_webrtc", "share_relay", "share_direct",
        "spend_success_rate", "connections_per_sim_second"}) {
    const Scenario one =
        load_world_ok(std::string(R"({"metric": ")") + name + R"(", "at_least": 0})");
    BOOST_TEST(connsim::spelling_of(as<MetricExpectation>(one.expectations[0].body).metric) == name);
  }
}

BOOST_AUTO_TEST_CASE(session_expectation) {
  const Scenario s = load_world_ok(
      R"({"session": "p", "state": "completed", "within": "1m"}, {"session": "p", "state": "failed"})");
  const auto& e = as<SessionExpectation>(s.expectations[0].body);
  BOOST_TEST(e.step == "p");
  BOOST_TEST((e.state == store::SessionState::completed));
  BOOST_TEST((e.within.value() == 1min));
  BOOST_TEST((as<SessionExpectation>(s.expectations[1].body).state == store::SessionState::failed));
}

// Expectations start on line 11, column 12 (after `"expect": [`).
BOOST_AUTO_TEST_CASE(expectation_errors) {
  // A step whose own `do` is invalid does not also make "unknown step" errors.
  auto errors = errors_of(expect(R"({"result": "broken", "success": true})"));
  BOOST_TEST(errors.size() == 1u);
  BOOST_TEST(errors[0].find("/timeline/4/do") != std::string::npos);

  const auto only = [](const std::string& expectations) {
    const auto all = errors_of(expect(expectations));
    BOOST_TEST_REQUIRE(all.size() == 2u, all.back());
    BOOST_TEST(all[0].find("/timeline/4/do") != std::string::npos);
    return all[1];
  };
  BOOST_TEST(only(R"({"result": "nope"})") ==
             "x.json:11:23: /expect/0/result: unknown step \"nope\"; known: c, m, p, off");
  BOOST_TEST(only(R"({"result": "off"})") ==
             "x.json:11:23: /expect/0/result: step \"off\" is a go_offline step, which returns no "
             "result; \"result\" needs a connect, connect_many or propose_spend step");
  BOOST_TEST(only(R"({"result": "m", "success": true})") ==
             "x.json:11:12: /expect/0: the result of connect_many step \"m\" needs \"peer\": which "
             "of its peers");
  BOOST_TEST(only(R"({"result": "m", "peer": "alice"})") ==
             "x.json:11:36: /expect/0/peer: \"alice\" is not among the peers of step \"m\"");
  BOOST_TEST(only(R"({"result": "c", "peer": "bob"})") ==
             "x.json:11:28: /expect/0/peer: \"peer\" applies only to the result of a connect_many "
             "step");
  BOOST_TEST(only(R"({"result": "p", "connection_type": "relay"})") ==
             "x.json:11:28: /expect/0/connection_type: \"connection_type\" does not apply to the "
             "result of a propose_spend step");
  BOOST_TEST(only(R"({"result": "c", "success": "yes"})") ==
             "x.json:11:39: /expect/0/success: expected true or false, got \"yes\"");
  BOOST_TEST(only(R"({"session": "c", "state": "completed"})") ==
             "x.json:11:24: /expect/0/session: step \"c\" is a connect step; \"session\" needs a "
             "propose_spend step");
  BOOST_TEST(only(R"({"session": "p", "state": "signing"})") ==
             "x.json:11:38: /expect/0/state: expected \"completed\" or \"failed\", got \"signing\"");
  BOOST_TEST(only(R"({"getter": "peer_status", "wallet": "alice", "equals": "connected"})") ==
             "x.json:11:12: /expect/0: the getter \"peer_status\" needs \"peer\"");
  BOOST_TEST(only(R"({"getter": "connected_online_peer_count", "wallet": "alice", "peer": "bob", "equals": 1})") ==
             "x.json:11:73: /expect/0/peer: the getter \"connected_online_peer_count\" takes no "
             "\"peer\"");
  BOOST_TEST(only(R"({"getter": "connected_online_peer_count", "wallet": "alice", "equals": -1})") ==
             "x.json:11:83: /expect/0/equals: connected_online_peer_count is a count: expected an "
             "integer >= 0, got -1");
  BOOST_TEST(only(R"({"getter": "is_peer_connected", "wallet": "alice", "peer": "bob", "equals": "true"})") ==
             "x.json:11:88: /expect/0/equals: expected true or false, got \"true\"");
  BOOST_TEST(only(R"({"getter": "peer_status", "wallet": "alice", "peer": "bob", "equals": 1})") ==
             "x.json:11:82: /expect/0/equals: expected a status (\"connected\", ...) or {\"status\", "
             "\"connection_type\"?, \"error\"?}, got 1");
  BOOST_TEST(only(R"({"getter": "count", "wallet": "alice", "equals": 1})") ==
             "x.json:11:23: /expect/0/getter: expected \"connected_online_peer_count\", "
             "\"is_peer_connected\", or \"peer_status\", got \"count\"");
  BOOST_TEST(only(R"({"getter": "peer_status", "wallet": "alice", "peer": "bob", "equals": "up", "at": "1s"})") ==
             "x.json:11:82: /expect/0/equals: expected \"disconnected\", \"connecting\", "
             "\"connected\", or \"failed\", got \"up\"");
  BOOST_TEST(only(R"({"metric": "connect_success_rate"})") ==
             "x.json:11:12: /expect/0: a metric expectation needs \"at_least\" or \"at_most\"");
  BOOST_TEST(only(R"({"metric": "connect_success_rate", "at_least": 1.5})") ==
             "x.json:11:59: /expect/0/at_least: must be between 0 and 1, got 1.5");
  BOOST_TEST(only(R"({"metric": "share_relay", "at_least": 0.5, "at_most": 0.4})") ==
             "x.json:11:66: /expect/0/at_most: at_most must not be less than at_least");
  BOOST_TEST(only(R"({"metric": "connect_time_p50", "at_most": "fast"})") ==
             "x.json:11:54: /expect/0/at_most: expected a time like \"250ms\" or a number of "
             "milliseconds, got \"fast\"");
  BOOST_TEST(only(R"({"metric": "latency", "at_most": 1})") ==
             "x.json:11:23: /expect/0/metric: expected \"connect_success_rate\", "
             "\"first_attempt_success_rate\", \"connect_time_p50\", \"connect_time_p90\", "
             "\"connect_time_p99\", \"share_webrtc\", \"share_relay\", \"share_direct\", "
             "\"spend_success_rate\", or \"connections_per_sim_second\", got \"latency\"");
  BOOST_TEST(only(R"({"status": {"wallet": "alice", "peer": "bob"}, "sequence": ["up"]})") ==
             "x.json:11:72: /expect/0/sequence/0: expected \"disconnected\", \"connecting\", "
             "\"connected\", or \"failed\", got \"up\"");
  BOOST_TEST(only(R"({"status": {"wallet": "alice"}, "sequence": []})") ==
             "x.json:11:23: /expect/0/status: missing required key \"peer\"");
  BOOST_TEST(only(R"({"status": {"wallet": "alice", "peer": "dan"}, "sequence": []})") ==
             "x.json:11:51: /expect/0/status/peer: unknown wallet \"dan\"; known: alice, bob, "
             "carol");
  BOOST_TEST(only(R"({"status": {"wallet": "alice", "peer": "bob"}, "sequence": [], "at": "2h"})") ==
             "x.json:11:81: /expect/0/at: 2h is after the end of the run (until: 10m)");
  BOOST_TEST(only(R"({"events": {"wallet": "alice"}})") ==
             "x.json:11:12: /expect/0: an events expectation needs \"sequence\" or \"absent\"");
  BOOST_TEST(only(R"({"events": {"wallet": "alice"}, "absent": [{"type": "warning"}]})") ==
             "x.json:11:64: /expect/0/absent/0/type: expected \"info\", \"peer_joined\", or "
             "\"error\", got \"warning\"");
  BOOST_TEST(only(R"({"events": {"wallet": "alice"}, "sequence": [{"peer": "zoe"}]})") ==
             "x.json:11:66: /expect/0/sequence/0/peer: unknown wallet \"zoe\"; known: alice, bob, "
             "carol");
  BOOST_TEST(only(R"({"events": {"wallet": "alice"}, "sequence": [], "mode": "prefix"})") ==
             "x.json:11:68: /expect/0/mode: expected \"subsequence\" or \"exact\", got \"prefix\"");
  BOOST_TEST(only(R"({"status": {"wallet": "alice", "peer": "bob"}, "events": {"wallet": "bob"}})") ==
             "x.json:11:12: /expect/0: an expectation has exactly one of the keys \"status\", "
             "\"events\", \"result\", \"getter\", \"metric\", \"session\"; found \"status\" and "
             "\"events\"");
  BOOST_TEST(only(R"({"wallet": "alice"})") ==
             "x.json:11:12: /expect/0: an expectation has exactly one of the keys \"status\", "
             "\"events\", \"result\", \"getter\", \"metric\", \"session\"; found none");
  BOOST_TEST(only(R"({"result": "c", "sucess": true})") ==
             "x.json:11:28: /expect/0/sucess: unknown key \"sucess\"; expected one of: result, "
             "peer, success, connection_type, error, error_contains");
  BOOST_TEST(only("3") == "x.json:11:12: /expect/0: expected an expectation (an object), got 3");
}

// --- error collection ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(no_cascades_from_unreadable_ids) {
  // A wallet without a readable id: references to wallets are not reported as unknown.
  BOOST_TEST(error_of(file(R"("wallets": [{"id": 7}],
"timeline": [{"at": "1s", "do": "reload", "wallet": "alice"}])")) ==
             "x.json:2:20: /wallets/0/id: expected a string, got 7");
  // The same for relays.
  BOOST_TEST(error_of(file(R"("network": {"relays": [{"implementation": "js"}]},
"wallets": [{"id": "w", "relays": ["r1"]}])")) ==
             "x.json:2:24: /network/relays/0: missing required key \"id\"");
  // A connect_many step with a bad peer: its result expectation adds nothing.
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "connect_many", "wallet": "alice", "peers": ["eve"], "id": "m"}],
"expect": [{"result": "m", "peer": "bob"}])")) ==
             "x.json:3:78: /timeline/0/peers/0: unknown wallet \"eve\"; known: alice, bob");
  // A step id that is not a string: no "unknown step" for expectations.
  BOOST_TEST(error_of(file(kTwoWallets + R"(
"timeline": [{"at": "1s", "do": "bogus", "id": 5}],
"expect": [{"result": "x"}])")) ==
             "x.json:3:33: /timeline/0/do: expected \"connect\", \"connect_many\", \"propose_spend\", "
             "\"go_offline\", \"go_online\", \"reload\", \"relay_down\", \"relay_up\", \"partition\", "
             "\"heal\", \"drop_connection\", \"nat_rebind\", or \"set_network\", got \"bogus\"");
}

BOOST_AUTO_TEST_CASE(several_errors_sorted_by_position) {
  const auto errors = errors_of(file(R"("seed": "x",
"until": "1h",
"wallets": [{"id": "a", "webrtc": 1}, {"id": "b", "nat": "cone"}],
"bogus": 1)"));
  BOOST_TEST_REQUIRE(errors.size() == 4u);
  BOOST_TEST(errors[0].rfind("x.json:2:9: /seed:", 0) == 0u);
  BOOST_TEST(errors[1].rfind("x.json:4:35: /wallets/0/webrtc:", 0) == 0u);
  BOOST_TEST(errors[2].rfind("x.json:4:58: /wallets/1/nat:", 0) == 0u);
  BOOST_TEST(errors[3].rfind("x.json:5:1: /bogus:", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(error_list_is_capped) {
  std::string wallets = R"("wallets": [)";
  for (int i = 0; i < 60; ++i) {
    if (i > 0) wallets += ",\n";
    wallets += R"({"id": "w)" + std::to_string(i) + R"(", "webrtc": 0})";
  }
  const auto errors = errors_of(file(wallets + "]"));
  BOOST_TEST_REQUIRE(errors.size() == limits::kMaxReportedErrors + 1);
  BOOST_TEST(errors.back() == "x.json:52:25: 10 more errors not shown");
}

// --- files ---------------------------------------------------------------------------------------

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("connsim_loader_test_" + std::to_string(std::chrono::steady_clock::now()
                                                         .time_since_epoch()
                                                         .count()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
  }
};

BOOST_AUTO_TEST_CASE(load_files) {
  TempDir dir;
  dir.write("ok.json", R"({"format": "connsim/1", "name": "from file"})");
  dir.write("bad.json", "{\"format\": \"connsim/1\",\n \"name\": 1}");
  const LoadResult ok = load_scenario_file(dir.path / "ok.json");
  BOOST_TEST_REQUIRE(ok.ok());
  BOOST_TEST(ok.scenario().name == "from file");
  BOOST_TEST(ok.scenario().source_file == (dir.path / "ok.json").string());
  BOOST_TEST(ok.errors().empty());

  const LoadResult bad = load_scenario_file(dir.path / "bad.json");
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.errors()[0].to_string() ==
             (dir.path / "bad.json").string() + ":2:10: /name: expected a string, got 1");

  const LoadResult missing = load_scenario_file(dir.path / "missing.json");
  BOOST_TEST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.errors()[0].to_string() ==
             (dir.path / "missing.json").string() +
                 ":1:1: cannot read the file: No such file or directory");
  BOOST_TEST(missing.errors()[0].pointer == "");

  const LoadResult directory = load_scenario_file(dir.path);
  BOOST_TEST_REQUIRE(!directory.ok());
  BOOST_TEST(directory.errors()[0].message == "cannot read the file: it is a directory");
}

BOOST_AUTO_TEST_CASE(file_size_limit) {
  std::string text = file(R"("description": ")" + std::string(limits::kMaxFileBytes, 'x') + "\"");
  BOOST_TEST(error_of(text) == "x.json:1:1: the file is larger than 67108864 bytes (64 MiB, the "
                               "limit)");
  TempDir dir;
  dir.write("big.json", text);
  const LoadResult big = load_scenario_file(dir.path / "big.json");
  BOOST_TEST_REQUIRE(!big.ok());
  BOOST_TEST(big.errors()[0].message == "the file is larger than 67108864 bytes (64 MiB, the limit)");
}

BOOST_AUTO_TEST_CASE(expand_inputs_lists_directories) {
  TempDir dir;
  dir.write("b.json", "{}");
  dir.write("a.json", "{}");
  dir.write("c.txt", "{}");
  dir.write("plain", "{}");
  fs::create_directories(dir.path / "sub.json");
  dir.write("sub.json/inner.json", "{}");
  TempDir empty;

  std::vector<LoadError> errors;
  const auto files = expand_inputs(
      {dir.path, dir.path / "plain", dir.path / "nope.json", empty.path}, errors);
  BOOST_TEST((files == std::vector<fs::path>{dir.path / "a.json", dir.path / "b.json",
                                             dir.path / "plain"}));
  BOOST_TEST_REQUIRE(errors.size() == 2u);
  BOOST_TEST(errors[0].to_string() ==
             (dir.path / "nope.json").string() + ":1:1: no such file or directory");
  BOOST_TEST(errors[1].to_string() == empty.path.string() + ":1:1: no *.json file in this directory");
}

BOOST_AUTO_TEST_CASE(suite_names_are_unique) {
  Scenario a = load_ok(R"({"format": "connsim/1", "name": "same"})");
  Scenario b = load_scenario_text("{\"format\": \"connsim/1\",\n  \"name\": \"same\"}", "b.json")
                   .scenario();
  Scenario c = load_ok(R"({"format": "connsim/1", "name": "other"})");
  const auto errors = check_unique_names({&a, &b, &c});
  BOOST_TEST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0].to_string() ==
             "b.json:2:11: /name: duplicate scenario name \"same\"; already the name of x.json");
}
