#include "tests/support/scripted_network.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>

namespace connsim::testing {

ScriptedNetwork::ScriptedNetwork(store::Clock& clock, PeerId self)
    : clock_(clock), self_(std::move(self)) {}

void ScriptedNetwork::script_dial(const Multiaddr& address, std::vector<Scripted> outcomes) {
  dial_scripts_[address] = Script{std::move(outcomes), 0};
}

void ScriptedNetwork::script_dial_via_relay(const PeerId& peer, std::vector<Scripted> outcomes) {
  relay_scripts_[peer] = Script{std::move(outcomes), 0};
}

void ScriptedNetwork::script_send(const PeerId& peer, std::vector<Scripted> outcomes) {
  send_scripts_[peer] = Script{std::move(outcomes), 0};
}

void ScriptedNetwork::set_existing_connection(const PeerId& peer,
                                              std::optional<ConnectionType> type) {
  if (type) {
    existing_[peer] = *type;
  } else {
    existing_.erase(peer);
  }
}

void ScriptedNetwork::script_existing_connection_throws(const PeerId& peer,
                                                        std::function<void()> thrower) {
  existing_throwers_[peer] = std::move(thrower);
}

Scripted ScriptedNetwork::next(std::map<std::string, Script>& scripts, const std::string& key,
                               const Scripted& fallback) {
  auto it = scripts.find(key);
  if (it == scripts.end() || it->second.outcomes.empty()) return fallback;
  Script& script = it->second;
  const std::size_t index = std::min(script.used, script.outcomes.size() - 1);
  ++script.used;
  return script.outcomes[index];
}

std::vector<std::string> ScriptedNetwork::dial_targets() const {
  std::vector<std::string> targets;
  for (const auto& record : dials_) {
    targets.push_back(record.kind == DialKind::dial ? record.target
                                                    : "relay-helper:" + record.target);
  }
  return targets;
}

std::vector<Duration> ScriptedNetwork::dial_start_times(const std::string& target) const {
  std::vector<Duration> times;
  for (const auto& record : dials_) {
    const std::string name =
        record.kind == DialKind::dial ? record.target : "relay-helper:" + record.target;
    if (name == target) times.push_back(record.started);
  }
  return times;
}

std::vector<ScriptedNetwork::DialRecord> ScriptedNetwork::dials_mentioning(
    const PeerId& peer) const {
  std::vector<DialRecord> found;
  for (const auto& record : dials_) {
    if (record.target.find(peer) != std::string::npos) found.push_back(record);
  }
  return found;
}

std::size_t ScriptedNetwork::dials_in_flight() const {
  std::size_t count = 0;
  for (const auto& record : dials_) {
    if (!record.finished) ++count;
  }
  return count;
}

void ScriptedNetwork::clear_logs() {
  dials_.clear();
  sends_.clear();
  existing_queries_ = 0;
}

std::optional<ConnectionType> ScriptedNetwork::existing_connection(const PeerId& peer) const {
  ++existing_queries_;
  if (auto thrower = existing_throwers_.find(peer); thrower != existing_throwers_.end()) {
    thrower->second();
  }
  auto it = existing_.find(peer);
  if (it == existing_.end()) return std::nullopt;
  return it->second;
}

store::Task<DialOutcome> ScriptedNetwork::perform(Scripted outcome, std::size_t record) {
  if (outcome.delay > Duration::zero()) {
    std::exception_ptr interrupted;
    try {
      co_await clock_.sleep(outcome.delay);
    } catch (...) {
      interrupted = std::current_exception();  // cancelled while in flight
    }
    if (interrupted) {
      dials_[record].finished = clock_.now();
      dials_[record].outcome = "cancelled";
      std::rethrow_exception(interrupted);
    }
  }
  DialRecord& entry = dials_[record];
  entry.finished = clock_.now();
  switch (outcome.kind) {
    case Scripted::Kind::succeed:
      entry.outcome = "ok";
      co_return DialOutcome::success();
    case Scripted::Kind::fail:
      entry.outcome = "fail: " + outcome.message;
      co_return DialOutcome::failure(outcome.message);
    case Scripted::Kind::throw_std:
      entry.outcome = "throw: " + outcome.message;
      throw std::runtime_error(outcome.message);
    case Scripted::Kind::throw_non_std:
      entry.outcome = "throw: non-std";
      throw 42;
  }
  co_return DialOutcome::failure("unreachable");
}

store::Task<DialOutcome> ScriptedNetwork::dial(const Multiaddr& address) {
  const Multiaddr target = address;  // NOLINT: a copy: `address` may not outlive a suspension
  const Scripted outcome = next(dial_scripts_, target, default_dial_);
  dials_.push_back(DialRecord{DialKind::dial, target, clock_.now(), std::nullopt, {}});
  co_return co_await perform(outcome, dials_.size() - 1);
}

store::Task<DialOutcome> ScriptedNetwork::dial_via_relay(const PeerId& peer) {
  const PeerId target = peer;  // NOLINT: a copy: `peer` may not outlive a suspension
  const Scripted outcome = next(relay_scripts_, target, default_relay_);
  dials_.push_back(DialRecord{DialKind::relay_helper, target, clock_.now(), std::nullopt, {}});
  co_return co_await perform(outcome, dials_.size() - 1);
}

store::Task<DialOutcome> ScriptedNetwork::send(const PeerId& peer, std::string_view protocol,
                                               std::string payload) {
  const PeerId target = peer;  // NOLINT: a copy: `peer` may not outlive a suspension
  sends_.push_back(SendRecord{target, std::string(protocol), std::move(payload), clock_.now()});
  const Scripted outcome = next(send_scripts_, target, Scripted::ok());
  if (outcome.delay > Duration::zero()) co_await clock_.sleep(outcome.delay);
  switch (outcome.kind) {
    case Scripted::Kind::succeed:
      co_return DialOutcome::success();
    case Scripted::Kind::fail:
      co_return DialOutcome::failure(outcome.message);
    case Scripted::Kind::throw_std:
      throw std::runtime_error(outcome.message);
    case Scripted::Kind::throw_non_std:
      throw 42;
  }
  co_return DialOutcome::failure("unreachable");
}

void ScriptedNetwork::subscribe(store::NetworkEvents events) {
  subscribers_.push_back(std::move(events));
}

void ScriptedNetwork::fire_presence(const store::PresencePtr& presence) {
  for (const auto& events : subscribers_) {
    if (events.on_presence) events.on_presence(presence);
  }
}

void ScriptedNetwork::fire_peer_connected(const PeerId& peer, ConnectionType type) {
  for (const auto& events : subscribers_) {
    if (events.on_peer_connected) events.on_peer_connected(peer, type);
  }
}

void ScriptedNetwork::fire_peer_disconnected(const PeerId& peer) {
  for (const auto& events : subscribers_) {
    if (events.on_peer_disconnected) events.on_peer_disconnected(peer);
  }
}

void ScriptedNetwork::fire_pubsub(std::string_view topic, nlohmann::json message) {
  auto shared = std::make_shared<const nlohmann::json>(std::move(message));
  for (const auto& events : subscribers_) {
    if (events.on_pubsub) events.on_pubsub(topic, shared);
  }
}

void ScriptedNetwork::fire_message(const PeerId& from, std::string_view protocol,
                                   std::string_view payload) {
  for (const auto& events : subscribers_) {
    if (events.on_message) events.on_message(from, protocol, payload);
  }
}

}  // namespace connsim::testing
