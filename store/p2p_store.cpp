#include "store/p2p_store.hpp"

#include <algorithm>
#include <exception>
#include <utility>


namespace connsim::store {

std::string_view to_string(PresenceUpdate update) {
  return spelling_of(update);
}

std::optional<PresenceUpdate> parse_presence_update(std::string_view text) {
  return parse_spelling<PresenceUpdate>(text);
}

std::string_view to_string(ConcurrencyMode mode) {
  return spelling_of(mode);
}

std::optional<ConcurrencyMode> parse_concurrency_mode(std::string_view text) {
  return parse_spelling<ConcurrencyMode>(text);
}

P2PStore::P2PStore(Executor executor, Network& network, Clock& clock, ConnectionService& service,
                   ContactsStore& contacts, P2PStoreOptions options)
    : executor_(std::move(executor)),
      network_(network),
      clock_(clock),
      service_(service),
      contacts_(contacts),
      options_(std::move(options)),
      peer_id_(network.self_peer_id()) {
  // Each event is a macrotask (a microtask checkpoint follows it).
  NetworkEvents events;
  events.on_presence = [this](const PresencePtr& presence) {
    js::Microtasks::current().run_macrotask(js::Job([this, presence] { handle_presence_discovered(presence); }));
  };
  events.on_peer_connected = [this](const PeerId& peer, ConnectionType type) {
    js::Microtasks::current().run_macrotask(js::Job([this, peer, type] { on_peer_connected(peer, type); }));
  };
  events.on_peer_disconnected = [this](const PeerId& peer) {
    js::Microtasks::current().run_macrotask(js::Job([this, peer] { on_peer_disconnected(peer); }));
  };
  network_.subscribe(std::move(events));
}

// --- presence ------------------------------------------------------------------------------

namespace {

PresencePtr merge_relay_addresses(const PresencePtr& old_record, const PresencePtr& new_record) {
  auto merged = std::make_shared<PresenceAdvertisement>(*new_record);
  for (const auto& address : old_record->relay_addrs) {
    if (std::find(merged->relay_addrs.begin(), merged->relay_addrs.end(), address) ==
        merged->relay_addrs.end()) {
      merged->relay_addrs.push_back(address);
    }
  }
  return merged;
}

}  // namespace

void P2PStore::handle_presence_discovered(const PresencePtr& presence) {
  if (!presence || presence->peer_id == peer_id_) return;
  OnlinePeer* existing = find_online_peer_mutable(presence->peer_id);
  if (existing == nullptr) {
    online_index_.insert(presence->peer_id, online_peers_.size());
    online_peers_.push_back(OnlinePeer{presence, std::nullopt, std::nullopt, std::nullopt});
    return;
  }
  switch (options_.presence_update) {
    case PresenceUpdate::replace:
      *existing = OnlinePeer{presence, std::nullopt, std::nullopt, std::nullopt};
      break;
    case PresenceUpdate::merge_reset:
      existing->presence = merge_relay_addresses(existing->presence, presence);
      if (get_peer_connection_status(presence->peer_id).status != ConnectionStatus::connected) {
        update_peer_connection_status(presence->peer_id, ConnectionStatus::disconnected);
      }
      break;
    case PresenceUpdate::merge_keep:
      existing->presence = merge_relay_addresses(existing->presence, presence);
      break;
  }
}

const OnlinePeer* P2PStore::find_online_peer(const PeerId& peer) const {
  const auto position = online_index_.find(
      peer, [this](std::size_t i) -> const PeerId& { return online_peers_[i].peer_id(); });
  return position ? &online_peers_[*position] : nullptr;
}

OnlinePeer* P2PStore::find_online_peer_mutable(const PeerId& peer) {
  return const_cast<OnlinePeer*>(std::as_const(*this).find_online_peer(peer));
}

// --- libp2p connection events (the store's existing actions) -------------------------------

void P2PStore::on_peer_connected(const PeerId& peer, ConnectionType type) {
  auto it = std::find_if(connected_peers_.begin(), connected_peers_.end(),
                         [&](const PeerInfo& info) { return info.peer_id == peer; });
  if (it == connected_peers_.end()) {
    connected_peers_.push_back(PeerInfo{peer, type, clock_.now_ms()});
  }
}

void P2PStore::on_peer_disconnected(const PeerId& peer) {
  std::erase_if(connected_peers_, [&](const PeerInfo& info) { return info.peer_id == peer; });
  if (!options_.mark_disconnected_on_close) return;  // the seed: nothing writes 'disconnected'
  auto it = peer_connection_status_.find(peer);
  if (it != peer_connection_status_.end() && it->second.status == ConnectionStatus::connected) {
    update_peer_connection_status(peer, ConnectionStatus::disconnected);
  }
}

// --- connecting ----------------------------------------------------------------------------

js::Promise<ConnectResult> P2PStore::start_connect_to_online_peer(PeerId peer) {
  return js::pinia_action(connect_to_online_peer_body(std::move(peer)));
}

js::Promise<ConnectResult> P2PStore::connect_to_online_peer_body(PeerId peer) {
  const OnlinePeer* online = find_online_peer(peer);
  if (online == nullptr) {
    co_return ConnectResult{false, ConnectionType::none, std::string(kPeerNotFound)};
  }
  PresencePtr presence = online->presence;
  if (!options_.dedupe_concurrent_connects) {
    co_return co_await start_connect_to_presence(std::move(presence));
  }
  // The fix for field bug 5: a connect to a peer being connected to shares that one's result.
  if (auto running = in_flight_.find(peer); running != in_flight_.end()) {
    const js::Promise<ConnectResult> shared = running->second;
    co_return co_await shared;
  }
  const js::Promise<ConnectResult> attempt = start_connect_to_presence(std::move(presence));
  in_flight_.insert_or_assign(peer, attempt);
  std::exception_ptr thrown;
  ConnectResult result;
  try {
    result = co_await attempt;
  } catch (...) {
    thrown = std::current_exception();
  }
  // `finally`: forget the connect unless a later one replaced it.
  if (auto it = in_flight_.find(peer); it != in_flight_.end() && it->second.same_as(attempt)) {
    in_flight_.erase(it);
  }
  if (thrown) std::rethrow_exception(thrown);
  co_return result;
}

js::Promise<ConnectResult> P2PStore::start_connect_to_presence(PresencePtr presence) {
  const PeerId peer = presence->peer_id;
  if (observer_ != nullptr) observer_->on_connect_started(peer);  // $onAction, before the body
  return js::pinia_action(
      connect_to_presence_body(std::move(presence)),
      [this, peer](const ConnectResult& result) {
        if (observer_ != nullptr) observer_->on_connect_finished(peer, result);
      },
      [this, peer](std::exception_ptr error) {
        if (observer_ != nullptr) {
          observer_->on_connect_finished(peer, ConnectResult{false, ConnectionType::none, error_message(error)});
        }
      });
}

js::Promise<ConnectResult> P2PStore::connect_to_presence_body(PresencePtr presence) {
  const PeerId peer = presence->peer_id;
  update_peer_connection_status(peer, ConnectionStatus::connecting);
  emit_connection_event(ConnectionStatus::connecting, peer, *presence);

  // The seed's try covers the await and everything after it up to the return.
  std::exception_ptr thrown;
  try {
    ConnectResult result = co_await service_.start_connect_with_retry(presence, options_.retry);
    if (result.success) {
      update_peer_connection_status(peer, ConnectionStatus::connected, result.connection_type);
      emit_connection_event(ConnectionStatus::connected, peer, *presence, result.connection_type);
      contacts_.update_last_seen(peer);
    } else {
      update_peer_connection_status(peer, ConnectionStatus::failed, std::nullopt, result.error);
      emit_connection_event(ConnectionStatus::failed, peer, *presence, std::nullopt, result.error);
    }
    co_return result;
  } catch (...) {
    thrown = std::current_exception();
  }
  const std::string message = error_message(thrown);
  update_peer_connection_status(peer, ConnectionStatus::failed, std::nullopt, message);
  emit_connection_event(ConnectionStatus::failed, peer, *presence, std::nullopt, message);
  co_return ConnectResult{false, ConnectionType::none, message};
}

js::Promise<ResultMap<ConnectResult>> P2PStore::start_connect_to_multiple_peers(std::vector<PeerId> peers) {
  return js::pinia_action(connect_to_multiple_peers_body(std::move(peers)));
}

/// The sliding window's shared state: its workers take the next peer as each connect ends.
struct P2PStore::Window {
  std::vector<PeerId> peers;
  std::vector<ConnectResult> outcomes;
  std::size_t next = 0;
};

js::Promise<js::Undefined> P2PStore::window_worker(std::shared_ptr<Window> window) {
  while (window->next < window->peers.size()) {
    js::throw_if_aborted();  // aborted work (cancel_on_timeout) starts no further connect
    const std::size_t index = window->next++;
    window->outcomes[index] = co_await start_connect_to_online_peer(window->peers[index]);
  }
  co_return js::Undefined{};
}

js::Promise<ResultMap<ConnectResult>> P2PStore::connect_to_multiple_peers_body(std::vector<PeerId> peers) {
  const std::size_t limit = static_cast<std::size_t>(std::max(1, options_.concurrency.limit));
  ResultMap<ConnectResult> results;
  if (options_.concurrency.mode == ConcurrencyMode::window) {
    auto window = std::make_shared<Window>(Window{peers, std::vector<ConnectResult>(peers.size()), 0});
    std::vector<js::Promise<js::Undefined>> workers;
    for (std::size_t w = 0; w < std::min(peers.size(), limit); ++w) workers.push_back(window_worker(window));
    co_await js::all(std::move(workers));
    for (std::size_t i = 0; i < peers.size(); ++i) results.set(peers[i], window->outcomes[i]);
    co_return results;
  }
  for (std::size_t i = 0; i < peers.size(); i += limit) {
    const std::size_t end = std::min(peers.size(), i + limit);
    js::throw_if_aborted();  // aborted work (cancel_on_timeout) starts no further batch
    // Promise.all: every member starts (to its first await) before any continues.
    std::vector<js::Promise<ConnectResult>> batch;
    for (std::size_t j = i; j < end; ++j) batch.push_back(start_connect_to_online_peer(peers[j]));
    const std::vector<ConnectResult> batch_results = co_await js::all(std::move(batch));
    for (std::size_t j = i; j < end; ++j) results.set(peers[j], batch_results[j - i]);
  }
  co_return results;
}

Task<ConnectResult> P2PStore::connect_to_online_peer(PeerId peer) {
  return js::run_from_asio([this, peer] { return start_connect_to_online_peer(peer); });
}

Task<ConnectResult> P2PStore::connect_to_presence(PresencePtr presence) {
  return js::run_from_asio([this, presence] { return start_connect_to_presence(presence); });
}

Task<ResultMap<ConnectResult>> P2PStore::connect_to_multiple_peers(std::vector<PeerId> peers) {
  return js::run_from_asio([this, peers = std::move(peers)] { return start_connect_to_multiple_peers(peers); });
}

// --- status ---------------------------------------------------------------------------------

void P2PStore::update_peer_connection_status(const PeerId& peer, ConnectionStatus status,
                                             std::optional<ConnectionType> type,
                                             std::optional<std::string> error) {
  const EpochMs now = clock_.now_ms();
  PeerConnectionStatus record{status, type, now, std::move(error)};
  if (observer_ != nullptr) observer_->on_status_written(peer, record);
  peer_connection_status_[peer] = std::move(record);
  if (OnlinePeer* online = find_online_peer_mutable(peer)) {
    online->connection_status = status;
    online->connection_type = type;
    online->last_connection_attempt = now;
  }
}

PeerConnectionStatus P2PStore::get_peer_connection_status(const PeerId& peer) const {
  auto it = peer_connection_status_.find(peer);
  if (it != peer_connection_status_.end()) return it->second;
  const bool live = std::any_of(connected_peers_.begin(), connected_peers_.end(),
                                [&](const PeerInfo& info) { return info.peer_id == peer; });
  if (live) return PeerConnectionStatus{ConnectionStatus::connected, {}, {}, {}};
  return PeerConnectionStatus{ConnectionStatus::disconnected, {}, {}, {}};
}

bool P2PStore::is_peer_connected(const PeerId& peer) const {
  return get_peer_connection_status(peer).status == ConnectionStatus::connected;
}

std::vector<const OnlinePeer*> P2PStore::connected_online_peers() const {
  std::vector<const OnlinePeer*> found;
  for (const auto& online : online_peers_) {
    const bool live = std::any_of(connected_peers_.begin(), connected_peers_.end(),
                                  [&](const PeerInfo& info) { return info.peer_id == online.peer_id(); });
    if (online.connection_status == ConnectionStatus::connected || live) found.push_back(&online);
  }
  return found;
}

std::size_t P2PStore::connected_online_peer_count() const { return connected_online_peers().size(); }

// --- activity feed ---------------------------------------------------------------------------

void P2PStore::emit_connection_event(ConnectionStatus event, const PeerId& peer,
                                     const PresenceAdvertisement& presence,
                                     std::optional<ConnectionType> type,
                                     std::optional<std::string> error) {
  const std::string name = display_name(presence);
  switch (event) {
    case ConnectionStatus::connecting:
      add_activity_event("info", peer, "Connecting to " + name + "...");
      break;
    case ConnectionStatus::connected:
      add_activity_event("peer_joined", peer,
                         "Connected to " + name + "... via " +
                             std::string(type ? to_string(*type) : "undefined"));
      break;
    case ConnectionStatus::failed:
      add_activity_event("error", peer,
                         "Failed to connect to " + name + "...: " + error.value_or("undefined"));
      break;
    case ConnectionStatus::disconnected:
      break;  // the seed emits nothing for it
  }
}

void P2PStore::add_activity_event(std::string type, const PeerId& peer, std::string message) {
  ActivityEvent event{next_event_id_++, std::move(type), peer, std::move(message), clock_.now_ms()};
  if (observer_ != nullptr) observer_->on_activity_event(event);
  activity_events_.push_front(std::move(event));
  while (activity_events_.size() > options_.activity_feed_limit) activity_events_.pop_back();
}

}  // namespace connsim::store
