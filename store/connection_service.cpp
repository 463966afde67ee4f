#include "store/connection_service.hpp"

#include <exception>

#include <nlohmann/json.hpp>

namespace connsim::store {

bool is_circuit_address(std::string_view address) {
  return address.find("/p2p-circuit") != std::string_view::npos;
}

bool is_webrtc_address(std::string_view address) {
  return address.find("/webrtc") != std::string_view::npos;
}

namespace {

/// Reads the bootstrap's peer list under the given reader; empty when the shape doesn't match.
const nlohmann::json* peer_list(const nlohmann::json& message, PeerExchangeReader reader) {
  if (!message.is_object()) return nullptr;
  const char* expected_type = reader == PeerExchangeReader::fixed ? "peer-exchange" : "peers";
  auto type = message.find("type");
  if (type == message.end() || !type->is_string() || *type != expected_type) return nullptr;
  auto peers = message.find("peers");
  if (peers == message.end() || !peers->is_array()) return nullptr;
  return &*peers;
}

}  // namespace

ConnectionService::ConnectionService(Executor executor, Network& network, Clock& clock, Rng* rng,
                                     ConnectionServiceOptions options)
    : executor_(std::move(executor)), network_(network), clock_(clock), rng_(rng), options_(options) {
  NetworkEvents events;
  events.on_pubsub = [this](std::string_view topic,
                            const std::shared_ptr<const nlohmann::json>& message) {
    on_pubsub(topic, message);
  };
  network_.subscribe(std::move(events));
}

void ConnectionService::on_pubsub(std::string_view topic,
                                  const std::shared_ptr<const nlohmann::json>& message) {
  if (topic != kPeerExchangeTopic || !message) return;
  if (peer_list(*message, options_.peer_exchange_reader) == nullptr) return;
  cache_.push_back({clock_.now(), message});
  ++accepted_messages_;
  prune_cache();
}

void ConnectionService::prune_cache() const {
  const Duration now = clock_.now();
  while (!cache_.empty() && now - cache_.front().received_at > options_.peer_exchange_cache_ttl) {
    cache_.pop_front();
  }
}

std::vector<Multiaddr> ConnectionService::cached_relay_addresses(const PeerId& peer) const {
  prune_cache();
  const bool fixed = options_.peer_exchange_reader == PeerExchangeReader::fixed;
  const char* id_key = fixed ? "peerId" : "id";
  const char* addrs_key = fixed ? "multiaddrs" : "addrs";
  std::vector<Multiaddr> found;
  for (auto it = cache_.rbegin(); it != cache_.rend(); ++it) {
    const nlohmann::json* peers = peer_list(*it->message, options_.peer_exchange_reader);
    if (peers == nullptr) continue;
    for (const auto& entry : *peers) {
      if (!entry.is_object()) continue;
      auto id = entry.find(id_key);
      if (id == entry.end() || !id->is_string() || id->get_ref<const std::string&>() != peer) {
        continue;
      }
      auto addrs = entry.find(addrs_key);
      if (addrs == entry.end() || !addrs->is_array()) continue;
      for (const auto& addr : *addrs) {
        if (addr.is_string() && is_circuit_address(addr.get_ref<const std::string&>())) {
          found.push_back(addr.get<std::string>());
        }
      }
    }
    if (!found.empty()) break;  // the newest message that knows the peer wins
  }
  return found;
}

js::Promise<bool> ConnectionService::try_dial(Multiaddr address, std::string* last_error) {
  std::exception_ptr thrown;
  try {
    DialOutcome outcome = co_await js::from_task(executor_, network_.dial(address));
    if (outcome.ok) co_return true;
    *last_error = outcome.error;
  } catch (...) {
    thrown = std::current_exception();
  }
  if (thrown) {
    // Aborted work (cancel_on_timeout's signal) is not a failed dial: the abort goes on up.
    if (js::aborted()) std::rethrow_exception(thrown);
    *last_error = error_message(thrown);
  }
  co_return false;
}

js::Promise<ConnectResult> ConnectionService::start_connect_to_discovered_peer(PresencePtr presence) {
  ++attempts_started_;
  const PeerId peer = presence->peer_id;
  std::string last_error;

  // 1. Already connected.
  if (auto existing = network_.existing_connection(peer)) {
    co_return ConnectResult{true, *existing, std::nullopt};
  }
  // 2. WebRTC.
  if (presence->webrtc_addr) {
    if (co_await try_dial(*presence->webrtc_addr, &last_error)) {
      co_return ConnectResult{true, ConnectionType::webrtc, std::nullopt};
    }
  }
  // 3. Each advertised relay address, in order.
  for (const auto& address : presence->relay_addrs) {
    if (co_await try_dial(address, &last_error)) {
      co_return ConnectResult{true, ConnectionType::relay, std::nullopt};
    }
  }
  // 4. Relay addresses learned from peer exchange.
  for (const auto& address : cached_relay_addresses(peer)) {
    if (co_await try_dial(address, &last_error)) {
      co_return ConnectResult{true, ConnectionType::relay, std::nullopt};
    }
  }
  // 5. The SDK's relay dial helper.
  {
    bool connected = false;
    std::exception_ptr thrown;
    try {
      DialOutcome outcome = co_await js::from_task(executor_, network_.dial_via_relay(peer));
      connected = outcome.ok;
    } catch (...) {
      thrown = std::current_exception();  // the ladder goes on whatever the helper threw ...
    }
    if (thrown && js::aborted()) std::rethrow_exception(thrown);  // ... unless the work was aborted
    if (connected) co_return ConnectResult{true, ConnectionType::relay, std::nullopt};
  }
  // 6. "Direct".
  const bool inverted = options_.direct_step_filter == DirectStepFilter::shipped_inverted;
  for (const auto& address : presence->multiaddrs) {
    const bool relayed = is_circuit_address(address) || is_webrtc_address(address);
    if (relayed != inverted) continue;
    if (co_await try_dial(address, &last_error)) {
      co_return ConnectResult{true, ConnectionType::direct, std::nullopt};
    }
  }
  // 7. Nothing worked.
  co_return ConnectResult{false, ConnectionType::none, std::string(kAllMethodsFailed)};
}

js::Promise<ConnectResult> ConnectionService::start_connect_with_retry(PresencePtr presence,
                                                                      RetryPolicy policy) {
  co_return co_await start_connect_with_policy(std::move(presence), std::move(policy));
}

js::Promise<ConnectResult> ConnectionService::start_connect_with_policy(PresencePtr presence,
                                                                       RetryPolicy policy) {
  std::optional<std::string> last_error;
  const Duration started = clock_.now();
  int failed = 0;
  while (failed < policy.max_attempts) {
    const Duration attempt_started = clock_.now();
    ConnectResult result = co_await start_connect_to_discovered_peer(presence);
    if (attempt_observer_) attempt_observer_(presence->peer_id, failed + 1, attempt_started, result);
    if (result.success) co_return result;
    last_error = result.error;  // `lastError = result.error`, even when undefined
    ++failed;
    const Duration delay = policy.delay_after_failure(failed, rng_);
    if (!policy.may_retry(failed, clock_.now() - started, delay)) break;
    co_await js::from_task(executor_, clock_.sleep(delay));
  }
  co_return ConnectResult{false, ConnectionType::none,
                          last_error ? *last_error : std::string(kMaxRetriesExceeded)};
}

Task<ConnectResult> ConnectionService::connect_to_discovered_peer(PresencePtr presence) {
  return js::run_from_asio([this, presence] { return start_connect_to_discovered_peer(presence); });
}

Task<ConnectResult> ConnectionService::connect_to_discovered_peer_with_retry(PresencePtr presence,
                                                                             int max_retries,
                                                                             Duration base_delay) {
  return js::run_from_asio([this, presence, policy = RetryPolicy::seed_default(max_retries, base_delay)] {
    return start_connect_with_retry(presence, policy);
  });
}

Task<ConnectResult> ConnectionService::connect_with_policy(PresencePtr presence,
                                                           const RetryPolicy& policy) {
  return js::run_from_asio([this, presence, policy] { return start_connect_with_policy(presence, policy); });
}

}  // namespace connsim::store
