#include "store/p2p_store.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/post.hpp>

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
  NetworkEvents events;
  events.on_presence = [this](const PresencePtr& presence) { handle_presence_discovered(presence); };
  events.on_peer_connected = [this](const PeerId& peer, ConnectionType type) {
    on_peer_connected(peer, type);
  };
  events.on_peer_disconnected = [this](const PeerId& peer) { on_peer_disconnected(peer); };
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

Task<ConnectResult> P2PStore::connect_to_online_peer(PeerId peer) {
  const OnlinePeer* online = find_online_peer(peer);
  if (online == nullptr) {
    co_return ConnectResult{false, ConnectionType::none, std::string(kPeerNotFound)};
  }
  co_return co_await connect_to_presence(online->presence);
}

Task<ConnectResult> P2PStore::connect_to_presence(PresencePtr presence) {
  if (!options_.dedupe_concurrent_connects) {
    co_return co_await connect_to_presence_once(std::move(presence));
  }
  const PeerId peer = presence->peer_id;
  auto running = in_flight_.find(peer);
  if (running != in_flight_.end()) {
    // Wait for the connect already under way and share its result.
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(ConnectResult)>(
        [&](auto handler) { running->second.emplace_back(std::move(handler)); },
        asio::use_awaitable);
  }
  in_flight_[peer];
  ConnectResult result = co_await connect_to_presence_once(std::move(presence));
  auto waiters = std::move(in_flight_[peer]);
  in_flight_.erase(peer);
  for (auto& waiter : waiters) {
    asio::post(executor_, [waiter = std::move(waiter), result]() mutable {
      std::move(waiter)(result);
    });
  }
  co_return result;
}

Task<ConnectResult> P2PStore::connect_to_presence_once(PresencePtr presence) {
  const PeerId peer = presence->peer_id;
  update_peer_connection_status(peer, ConnectionStatus::connecting);
  emit_connection_event(ConnectionStatus::connecting, peer, *presence);
  if (observer_ != nullptr) observer_->on_connect_started(peer);

  ConnectResult result;
  std::exception_ptr thrown;
  try {
    result = co_await service_.connect_with_policy(presence, options_.retry);
  } catch (...) {
    thrown = std::current_exception();
  }

  if (thrown) {
    const std::string message = error_message(thrown);
    update_peer_connection_status(peer, ConnectionStatus::failed, std::nullopt, message);
    emit_connection_event(ConnectionStatus::failed, peer, *presence, std::nullopt, message);
    result = ConnectResult{false, ConnectionType::none, message};
  } else if (result.success) {
    update_peer_connection_status(peer, ConnectionStatus::connected, result.connection_type);
    emit_connection_event(ConnectionStatus::connected, peer, *presence, result.connection_type);
    contacts_.update_last_seen(peer);
  } else {
    update_peer_connection_status(peer, ConnectionStatus::failed, std::nullopt, result.error);
    emit_connection_event(ConnectionStatus::failed, peer, *presence, std::nullopt, result.error);
  }
  if (observer_ != nullptr) observer_->on_connect_finished(peer, result);
  co_return result;
}

Task<ResultMap<ConnectResult>> P2PStore::connect_to_multiple_peers(std::vector<PeerId> peers) {
  if (options_.concurrency.mode == ConcurrencyMode::window) {
    co_return co_await connect_in_window(peers);
  }
  co_return co_await connect_in_batches(peers);
}

Task<ResultMap<ConnectResult>> P2PStore::connect_in_batches(const std::vector<PeerId>& peers) {
  ResultMap<ConnectResult> results;
  const std::size_t limit = static_cast<std::size_t>(std::max(1, options_.concurrency.limit));
  for (std::size_t i = 0; i < peers.size(); i += limit) {
    const std::size_t end = std::min(peers.size(), i + limit);
    using Op = decltype(asio::co_spawn(executor_, connect_to_online_peer(PeerId{}), asio::deferred));
    std::vector<Op> batch;
    for (std::size_t j = i; j < end; ++j) {
      batch.push_back(asio::co_spawn(executor_, connect_to_online_peer(peers[j]), asio::deferred));
    }
    // Promise.all: the batch is awaited whole before the next one starts.
    auto [order, errors, batch_results] =
        co_await asio::experimental::make_parallel_group(std::move(batch))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    (void)order;
    for (std::size_t j = i; j < end; ++j) {
      if (errors[j - i]) std::rethrow_exception(errors[j - i]);
      results.set(peers[j], batch_results[j - i]);
    }
  }
  co_return results;
}

Task<ResultMap<ConnectResult>> P2PStore::connect_in_window(const std::vector<PeerId>& peers) {
  std::vector<ConnectResult> outcomes(peers.size());
  std::size_t next = 0;
  auto worker = [&]() -> Task<void> {
    while (next < peers.size()) {
      const std::size_t index = next++;
      outcomes[index] = co_await connect_to_online_peer(peers[index]);
    }
  };
  const std::size_t workers =
      std::min(peers.size(), static_cast<std::size_t>(std::max(1, options_.concurrency.limit)));
  using Op = decltype(asio::co_spawn(executor_, worker(), asio::deferred));
  std::vector<Op> pool;
  for (std::size_t w = 0; w < workers; ++w) {
    pool.push_back(asio::co_spawn(executor_, worker(), asio::deferred));
  }
  if (!pool.empty()) {
    auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(pool))
                               .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    (void)order;
    for (const auto& error : errors) {
      if (error) std::rethrow_exception(error);
    }
  }
  ResultMap<ConnectResult> results;
  for (std::size_t i = 0; i < peers.size(); ++i) results.set(peers[i], outcomes[i]);
  co_return results;
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
