// The JavaScript store bridge's driver (sim/js/js_host.*) against scripted stand-ins for the
// host (/bin/sh scripts): lockstep with a synchronous call, timers handed to the scheduler,
// store errors, and the failures that must never hang a run: a line that is not the protocol,
// a host that dies, a host that goes silent, an environment without Node or its packages.
#define BOOST_TEST_MODULE sim_js_host
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "sim/js/js_host.hpp"

using namespace connsim::sim::js;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

class FakeScheduler final : public HostScheduler {
 public:
  Duration now() const override { return now_; }
  void at(Duration at, std::function<void()> action) override { scheduled.push_back({at, std::move(action)}); }
  Duration now_{0};
  std::vector<std::pair<Duration, std::function<void()>>> scheduled;
};

class RecordingClient final : public HostClient {
 public:
  json answer(const json& call) override {
    answered.push_back(call);
    return 0.25;
  }
  void start_call(const json& call) override { started.push_back(call); }
  void abort_call(const json& call) override { aborted.push_back(call); }
  void report(const json& line) override { reports.push_back(line); }
  std::vector<json> answered, started, aborted, reports;
};

const std::string kReady = R"(echo '{"ev":"ready","protocol":"connsim-js/1","t":0}'; )";

HostOptions script(const std::string& body, std::chrono::milliseconds timeout = 5000ms) {
  HostOptions options;
  options.command = {"/bin/sh", "-c", kReady + body};
  options.read_timeout = timeout;
  return options;
}

json create() { return json{{"op", "create"}, {"wallet", "w"}, {"peer_id", "w"}, {"t", 0}}; }

/// Starts a host running `body`, sends it a message, and returns the failure that killed it; a
/// dead host drops the next message at once.
std::string failure_that_kills(const std::string& body) {
  FakeScheduler scheduler;
  JsHost host(script(body), scheduler);
  host.send(create());
  BOOST_TEST_REQUIRE(host.failure().has_value());
  BOOST_TEST(host.dead());
  host.send(create());
  return *host.failure();
}

/// Starts a host running `body` with `client` as wallet w, sends it one message, which must not
/// fail the run, and shuts the host down.
void send_one_and_shut_down(const std::string& body, HostScheduler& scheduler, HostClient& client) {
  JsHost host(script(body), scheduler);
  host.add_client("w", &client);
  host.send(create());
  BOOST_TEST(!host.failure().has_value());
}

}  // namespace

BOOST_AUTO_TEST_CASE(lockstep_answers_a_synchronous_call_and_arms_the_next_timer) {
  FakeScheduler scheduler;
  RecordingClient client;
  send_one_and_shut_down(
      R"(read l; echo '{"call":"random","id":1,"wallet":"w","t":0}'; read r;)"
      R"( echo "{\"ev\":\"status\",\"wallet\":\"w\",\"echo\":$r,\"t\":0}";)"
      R"( echo '{"call":"dial","id":2,"wallet":"w","addr":"/x","t":0}';)"
      R"( echo '{"ev":"idle","next_timer":5000,"t":0}'; read l; echo '{"ev":"bye"}')",
      scheduler, client);
  BOOST_REQUIRE_EQUAL(client.answered.size(), 1u);
  BOOST_REQUIRE_EQUAL(client.reports.size(), 1u);
  // The reply the host read came back in its report: the answer, under the call's id.
  BOOST_TEST(client.reports[0]["echo"] == (json{{"op", "reply"}, {"id", 1}, {"value", 0.25}}));
  BOOST_REQUIRE_EQUAL(client.started.size(), 1u);
  BOOST_TEST(client.started[0]["call"] == "dial");
  BOOST_REQUIRE_EQUAL(scheduler.scheduled.size(), 1u);
  BOOST_TEST(scheduler.scheduled[0].first.count() == 5000);
}

BOOST_AUTO_TEST_CASE(an_abort_goes_to_the_wallet_that_made_the_call_and_is_not_answered) {
  FakeScheduler scheduler;
  RecordingClient client;
  send_one_and_shut_down(
      R"(read l; echo '{"call":"dial","id":4,"wallet":"w","addr":"/x","t":0}';)"
      R"( echo '{"call":"abort","id":4,"wallet":"w","t":0}';)"
      R"( echo '{"ev":"idle","next_timer":null,"t":0}'; read l; echo '{"ev":"bye"}')",
      scheduler, client);
  BOOST_REQUIRE_EQUAL(client.started.size(), 1u);
  BOOST_REQUIRE_EQUAL(client.aborted.size(), 1u);
  BOOST_TEST(client.aborted[0]["id"] == 4);
  BOOST_TEST(client.answered.empty());
  BOOST_TEST(client.reports.empty());
}

BOOST_AUTO_TEST_CASE(a_store_error_fails_the_run_and_the_host_goes_on) {
  FakeScheduler scheduler;
  RecordingClient client;
  JsHost host(script(R"(read l; echo '{"ev":"error","kind":"store","wallet":"w","where":"event presence","message":"boom","t":0}';)"
                     R"( echo '{"ev":"idle","next_timer":null,"t":0}'; read l; echo '{"ev":"idle","next_timer":null,"t":0}'; read l)"),
              scheduler);
  host.add_client("w", &client);
  host.send(create());
  BOOST_REQUIRE(host.failure().has_value());
  BOOST_TEST(*host.failure() == "JavaScript store error in wallet w (event presence): boom");
  BOOST_TEST(!host.dead());
  host.send(create());
  BOOST_TEST(!host.dead());
}

BOOST_AUTO_TEST_CASE(a_line_that_is_not_the_protocol_kills_the_host) {
  const std::string failure = failure_that_kills("read l; echo 'Welcome to Node.js'; exec sleep 30");
  BOOST_TEST(failure.find("not a protocol message: Welcome to Node.js") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_host_that_dies_fails_the_run_with_its_status_and_stderr) {
  const std::string failure = failure_that_kills("read l; echo 'out of memory' >&2; exit 7");
  BOOST_TEST(failure.find("exited with status 7") != std::string::npos);
  BOOST_TEST(failure.find("out of memory") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_silent_host_times_out_instead_of_hanging) {
  FakeScheduler scheduler;
  const auto started = std::chrono::steady_clock::now();
  {
    JsHost host(script("read l; exec sleep 60", 300ms), scheduler);
    host.send(create());
    BOOST_REQUIRE(host.failure().has_value());
    BOOST_TEST(host.failure()->find("did not answer within 300 ms") != std::string::npos);
    BOOST_TEST(host.dead());
  }
  BOOST_TEST((std::chrono::steady_clock::now() - started < 10s));
}

BOOST_AUTO_TEST_CASE(a_missing_environment_is_an_environment_error) {
  FakeScheduler scheduler;
  HostOptions missing_packages;
  missing_packages.command = {"/bin/sh", "-c",
                              R"(echo '{"ev":"fatal","kind":"environment","message":"js/node_modules is missing: run scripts/install-deps.sh"}'; exit 2)"};
  BOOST_CHECK_EXCEPTION(JsHost(missing_packages, scheduler), EnvironmentError, [](const EnvironmentError& e) {
    return std::string(e.what()).find("scripts/install-deps.sh") != std::string::npos;
  });
  HostOptions no_node;
  no_node.command = {"/nonexistent/node", "main.js"};
  BOOST_CHECK_EXCEPTION(JsHost(no_node, scheduler), EnvironmentError, [](const EnvironmentError& e) {
    return std::string(e.what()).find("scripts/install-deps.sh") != std::string::npos;
  });
}

BOOST_AUTO_TEST_CASE(a_store_that_cannot_be_built_is_a_failure_not_an_environment_error) {
  FakeScheduler scheduler;
  HostOptions options;
  options.command = {"/bin/sh", "-c", R"(echo '{"ev":"fatal","kind":"store","message":"stores/p2p.ts:3:1: syntax error"}'; exit 1)"};
  JsHost host(options, scheduler);
  BOOST_REQUIRE(host.failure().has_value());
  BOOST_TEST(host.failure()->find("stores/p2p.ts:3:1") != std::string::npos);
  BOOST_TEST(host.dead());
}
