// ScriptedNetwork: a store::Network whose every answer a test scripts in advance.
//
// Dials (and the SDK's relay helper) take their outcome from a per-address script: succeed,
// fail with a message, throw a std::exception or a non-std exception, each after an optional
// delay on the test's Clock (a ManualClock: no wall time). Outcomes are consumed in order and
// the last one repeats; an unscripted address gets the default outcome (a failure). Every dial
// is logged in order with the time it started and finished. Network events (presence, libp2p
// peer:connect/disconnect, pubsub, protocol messages) are fired by the test to every subscriber.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/clock.hpp"
#include "store/network.hpp"
#include "store/types.hpp"

namespace connsim::testing {

using store::ConnectionType;
using store::DialOutcome;
using store::Duration;
using store::Multiaddr;
using store::PeerId;

/// One scripted behaviour of a dial, the relay helper or a send.
struct Scripted {
  enum class Kind { succeed, fail, throw_std, throw_non_std };
  Kind kind = Kind::fail;
  std::string message;  // the failure's or the std::runtime_error's message
  Duration delay = Duration::zero();

  static Scripted ok(Duration delay = Duration::zero()) { return {Kind::succeed, {}, delay}; }
  static Scripted fail(std::string message, Duration delay = Duration::zero()) {
    return {Kind::fail, std::move(message), delay};
  }
  /// Throws std::runtime_error(message).
  static Scripted throws(std::string message, Duration delay = Duration::zero()) {
    return {Kind::throw_std, std::move(message), delay};
  }
  /// Throws something that is no std::exception (an int), as a JS `throw 'x'` would.
  static Scripted throws_non_std(Duration delay = Duration::zero()) {
    return {Kind::throw_non_std, {}, delay};
  }
};

inline constexpr std::string_view kDefaultDialError = "Connection refused";
inline constexpr std::string_view kDefaultRelayHelperError = "No relay connection";

class ScriptedNetwork final : public store::Network {
 public:
  enum class DialKind { dial, relay_helper };
  struct DialRecord {
    DialKind kind = DialKind::dial;
    std::string target;  // the multiaddr, or the peer id for the relay helper
    Duration started = Duration::zero();
    std::optional<Duration> finished;  // empty while in flight
    std::string outcome;  // "ok", "fail: <msg>", "throw: <msg>", "throw: non-std", "cancelled"
  };
  struct SendRecord {
    PeerId peer;
    std::string protocol;
    std::string payload;
    Duration at = Duration::zero();
  };

  ScriptedNetwork(store::Clock& clock, PeerId self);

  // --- scripting ---------------------------------------------------------------------------
  /// Outcomes of successive dials of `address`; the last one repeats.
  void script_dial(const Multiaddr& address, std::vector<Scripted> outcomes);
  void script_dial(const Multiaddr& address, Scripted outcome) {
    script_dial(address, std::vector<Scripted>{std::move(outcome)});
  }
  /// Outcome of dialling an unscripted address (initially: fail "Connection refused").
  void set_default_dial(Scripted outcome) { default_dial_ = std::move(outcome); }
  /// Outcomes of successive dial_via_relay(peer) calls; the last one repeats.
  void script_dial_via_relay(const PeerId& peer, std::vector<Scripted> outcomes);
  void script_dial_via_relay(const PeerId& peer, Scripted outcome) {
    script_dial_via_relay(peer, std::vector<Scripted>{std::move(outcome)});
  }
  /// Initially: fail "No relay connection".
  void set_default_dial_via_relay(Scripted outcome) { default_relay_ = std::move(outcome); }
  /// What existing_connection(peer) answers (nullopt: no live connection).
  void set_existing_connection(const PeerId& peer, std::optional<ConnectionType> type);
  /// Makes existing_connection(peer) call `thrower` (which should throw).
  void script_existing_connection_throws(const PeerId& peer, std::function<void()> thrower);
  /// Outcomes of successive sends to `peer` (initially every send succeeds).
  void script_send(const PeerId& peer, std::vector<Scripted> outcomes);

  // --- logs --------------------------------------------------------------------------------
  const std::vector<DialRecord>& dials() const { return dials_; }
  /// Targets of every dial and relay-helper call in order; relay-helper calls read
  /// "relay-helper:<peer>".
  std::vector<std::string> dial_targets() const;
  /// Start times of the dials of `target` (a multiaddr, or "relay-helper:<peer>").
  std::vector<Duration> dial_start_times(const std::string& target) const;
  /// Dials (of any kind) whose target mentions `peer`, in order.
  std::vector<DialRecord> dials_mentioning(const PeerId& peer) const;
  std::size_t dials_in_flight() const;
  const std::vector<SendRecord>& sends() const { return sends_; }
  std::size_t existing_connection_queries() const { return existing_queries_; }
  void clear_logs();

  // --- events ------------------------------------------------------------------------------
  std::size_t subscriber_count() const { return subscribers_.size(); }
  void fire_presence(const store::PresencePtr& presence);
  void fire_peer_connected(const PeerId& peer, ConnectionType type);
  void fire_peer_disconnected(const PeerId& peer);
  void fire_pubsub(std::string_view topic, nlohmann::json message);
  void fire_message(const PeerId& from, std::string_view protocol, std::string_view payload);

  // --- store::Network ------------------------------------------------------------------------
  const PeerId& self_peer_id() const override { return self_; }
  std::optional<ConnectionType> existing_connection(const PeerId& peer) const override;
  store::Task<DialOutcome> dial(const Multiaddr& address) override;
  store::Task<DialOutcome> dial_via_relay(const PeerId& peer) override;
  store::Task<DialOutcome> send(const PeerId& peer, std::string_view protocol,
                                std::string payload) override;
  void subscribe(store::NetworkEvents events) override;

 private:
  struct Script {
    std::vector<Scripted> outcomes;
    std::size_t used = 0;
  };
  static Scripted next(std::map<std::string, Script>& scripts, const std::string& key,
                       const Scripted& fallback);
  store::Task<DialOutcome> perform(Scripted outcome, std::size_t record);

  store::Clock& clock_;
  PeerId self_;
  Scripted default_dial_ = Scripted::fail(std::string(kDefaultDialError));
  Scripted default_relay_ = Scripted::fail(std::string(kDefaultRelayHelperError));
  std::map<std::string, Script> dial_scripts_;
  std::map<std::string, Script> relay_scripts_;
  std::map<std::string, Script> send_scripts_;
  std::map<PeerId, ConnectionType> existing_;
  std::map<PeerId, std::function<void()>> existing_throwers_;
  mutable std::size_t existing_queries_ = 0;
  std::vector<DialRecord> dials_;
  std::vector<SendRecord> sends_;
  std::vector<store::NetworkEvents> subscribers_;
};

}  // namespace connsim::testing
