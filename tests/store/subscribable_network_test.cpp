// SubscribableNetwork: every registration gets every event in the order the registrations were
// made, a registration without a callback for an event is skipped, and after unsubscribe_all
// nothing is delivered.
#define BOOST_TEST_MODULE store_subscribable_network
#include "store/subscribable_network.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace connsim::store;

namespace {

/// The smallest Network built on SubscribableNetwork: it delivers, and nothing else.
class DeliveringNetwork final : public SubscribableNetwork {
 public:
  const PeerId& self_peer_id() const override { return self_; }
  std::optional<ConnectionType> existing_connection(const PeerId&) const override { return std::nullopt; }
  Task<DialOutcome> dial(const Multiaddr&) override { co_return DialOutcome::failure("not dialable"); }
  Task<DialOutcome> dial_via_relay(const PeerId&) override { co_return DialOutcome::failure("not dialable"); }
  Task<DialOutcome> send(const PeerId&, std::string_view, std::string) override {
    co_return DialOutcome::failure("not sendable");
  }
  using SubscribableNetwork::unsubscribe_all;

 private:
  PeerId self_ = "self";
};

/// Registration `name` records "<name>:<event>" for every event it has a callback for.
NetworkEvents recording(const std::string& name, std::vector<std::string>& log) {
  NetworkEvents events;
  events.on_presence = [&log, name](const PresencePtr& p) { log.push_back(name + ":presence " + p->peer_id); };
  events.on_peer_connected = [&log, name](const PeerId& peer, ConnectionType type) {
    log.push_back(name + ":connected " + peer + " " + std::string(to_string(type)));
  };
  events.on_peer_disconnected = [&log, name](const PeerId& peer) { log.push_back(name + ":disconnected " + peer); };
  events.on_pubsub = [&log, name](std::string_view topic, const std::shared_ptr<const nlohmann::json>& message) {
    log.push_back(name + ":pubsub " + std::string(topic) + " " + message->dump());
  };
  events.on_message = [&log, name](const PeerId& from, std::string_view protocol, std::string_view payload) {
    log.push_back(name + ":message " + from + " " + std::string(protocol) + " " + std::string(payload));
  };
  return events;
}

PresencePtr presence_of(const PeerId& peer) {
  auto record = std::make_shared<PresenceAdvertisement>();
  record->peer_id = peer;
  return record;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_registration_gets_every_event_in_registration_order) {
  DeliveringNetwork network;
  std::vector<std::string> log;
  network.subscribe(recording("first", log));
  network.subscribe(recording("second", log));
  network.deliver_presence(presence_of("bob"));
  network.deliver_peer_connected("bob", ConnectionType::relay);
  network.deliver_peer_disconnected("bob");
  network.deliver_pubsub("lotus/peers", std::make_shared<const nlohmann::json>(nlohmann::json{{"n", 1}}));
  network.deliver_message("bob", "/musig2", "nonce");
  const std::vector<std::string> expected{
      "first:presence bob",          "second:presence bob",
      "first:connected bob relay",   "second:connected bob relay",
      "first:disconnected bob",      "second:disconnected bob",
      "first:pubsub lotus/peers {\"n\":1}", "second:pubsub lotus/peers {\"n\":1}",
      "first:message bob /musig2 nonce",    "second:message bob /musig2 nonce"};
  BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_registration_without_a_callback_is_skipped_for_that_event) {
  DeliveringNetwork network;
  std::vector<std::string> log;
  NetworkEvents presence_only;
  presence_only.on_presence = [&log](const PresencePtr& p) { log.push_back("only:presence " + p->peer_id); };
  network.subscribe(std::move(presence_only));
  network.subscribe(recording("all", log));
  network.deliver_peer_connected("carol", ConnectionType::webrtc);
  network.deliver_presence(presence_of("carol"));
  const std::vector<std::string> expected{"all:connected carol webrtc", "only:presence carol", "all:presence carol"};
  BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(no_registration_no_delivery_and_unsubscribe_all_stops_delivery) {
  DeliveringNetwork network;
  std::vector<std::string> log;
  network.deliver_presence(presence_of("nobody-listens"));  // no registration: nothing happens
  network.subscribe(recording("gone", log));
  network.unsubscribe_all();
  network.deliver_presence(presence_of("bob"));
  network.deliver_message("bob", "/musig2", "late");
  BOOST_TEST(log.empty());
  network.subscribe(recording("again", log));
  network.deliver_peer_disconnected("bob");
  BOOST_TEST(log == std::vector<std::string>{"again:disconnected bob"}, boost::test_tools::per_element());
}
