#include "store/musig2_store.hpp"

#include <algorithm>
#include <memory>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

namespace connsim::store {

std::string_view to_string(SessionState state) {
  return spelling_of(state);
}

Musig2Store::Musig2Store(Executor executor, Network& network, Clock& clock, P2PStore& p2p,
                         Musig2StoreOptions options)
    : executor_(std::move(executor)),
      network_(network),
      clock_(clock),
      p2p_(p2p),
      options_(options) {
  NetworkEvents events;
  events.on_message = [this](const PeerId& from, std::string_view protocol,
                             std::string_view payload) { on_message(from, protocol, payload); };
  network_.subscribe(std::move(events));
}

void Musig2Store::add_shared_wallet(SharedWallet wallet) {
  for (auto& existing : shared_wallets_) {
    if (existing.id == wallet.id) {
      existing = std::move(wallet);
      return;
    }
  }
  shared_wallets_.push_back(std::move(wallet));
}

const SharedWallet* Musig2Store::find_wallet(const std::string& id) const {
  for (const auto& wallet : shared_wallets_) {
    if (wallet.id == id) return &wallet;
  }
  return nullptr;
}

const SigningSession* Musig2Store::session(const std::string& id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

// --- Task 3.3 ---------------------------------------------------------------------------------

Task<EnsureParticipantsResult> Musig2Store::ensure_participants_connected(
    std::vector<PeerId> participant_peer_ids) {
  EnsureParticipantsResult out;
  std::vector<PeerId> others;
  for (const auto& id : participant_peer_ids) {
    if (id != p2p_.peer_id()) others.push_back(id);
  }
  std::vector<PeerId> need_connection;
  for (const auto& id : others) {
    if (!p2p_.is_peer_connected(id)) need_connection.push_back(id);
  }
  if (need_connection.empty()) {
    for (const auto& id : others) out.results.set(id, ParticipantResult{true, std::nullopt});
    out.all_connected = true;
    co_return out;
  }

  ResultMap<ConnectResult> connection_results =
      co_await p2p_.connect_to_multiple_peers(need_connection);

  out.all_connected = true;
  for (const auto& id : others) {
    if (p2p_.is_peer_connected(id)) {
      out.results.set(id, ParticipantResult{true, std::nullopt});
      continue;
    }
    const ConnectResult* result = connection_results.get(id);
    std::string error =
        result != nullptr && result->error && !result->error->empty() ? *result->error
                                                                      : std::string(kConnectionFailed);
    out.results.set(id, ParticipantResult{false, std::move(error)});
    out.all_connected = false;
  }
  co_return out;
}

namespace {

/// Shared between the connection work and the timer of one connectivity race.
struct ConnectivityRace {
  bool settled = false;
  std::optional<EnsureParticipantsResult> result;  // empty when the timer won
  std::optional<asio::any_completion_handler<void(std::optional<EnsureParticipantsResult>)>> waiter;
  asio::cancellation_signal cancel_work;

  void settle(std::optional<EnsureParticipantsResult> value, const Executor& executor) {
    if (settled) return;
    settled = true;
    if (waiter) {
      asio::post(executor, [w = std::move(*waiter), v = std::move(value)]() mutable {
        std::move(w)(std::move(v));
      });
      waiter.reset();
    } else {
      result = std::move(value);
    }
  }
};

}  // namespace

Task<EnsureParticipantsResult> Musig2Store::ensure_with_deadline(std::vector<PeerId> participants) {
  if (options_.connectivity_timeout <= Duration::zero()) {
    co_return co_await ensure_participants_connected(std::move(participants));
  }
  auto race = std::make_shared<ConnectivityRace>();
  // Promise.race: the connection work and a timer; the loser keeps running unless cancelled.
  asio::co_spawn(executor_, ensure_participants_connected(std::move(participants)),
                 asio::bind_cancellation_slot(
                     race->cancel_work.slot(),
                     [race, ex = executor_](std::exception_ptr error, EnsureParticipantsResult r) {
                       if (!error) race->settle(std::move(r), ex);
                     }));
  asio::co_spawn(
      executor_,
      [this, race]() -> Task<void> {
        co_await clock_.sleep(options_.connectivity_timeout);
        if (race->settled) co_return;
        race->settle(std::nullopt, executor_);
        if (options_.cancel_on_timeout) race->cancel_work.emit(asio::cancellation_type::terminal);
      },
      asio::detached);

  std::optional<EnsureParticipantsResult> outcome;
  if (race->settled && !race->waiter) {
    outcome = std::move(race->result);
  } else {
    outcome = co_await asio::async_initiate<decltype(asio::use_awaitable),
                                            void(std::optional<EnsureParticipantsResult>)>(
        [race](auto handler) { race->waiter.emplace(std::move(handler)); }, asio::use_awaitable);
  }
  if (!outcome) throw std::runtime_error(std::string(kConnectivityTimedOut));
  co_return std::move(*outcome);
}

std::string Musig2Store::new_session_id() {
  std::string id = "pending-" + std::to_string(clock_.now_ms());
  ++session_counter_;
  if (options_.unique_session_ids) id += "-" + std::to_string(session_counter_);
  return id;
}

Task<ProposeSpendResult> Musig2Store::propose_spend(SpendProposalParams params) {
  const SharedWallet* wallet = find_wallet(params.wallet_id);
  if (wallet == nullptr) {
    co_return ProposeSpendResult{false, std::nullopt, std::string(kSharedWalletNotFound)};
  }
  std::vector<PeerId> participant_peer_ids;
  for (const auto& participant : wallet->participants) {
    if (participant.peer_id && !participant.peer_id->empty()) {
      participant_peer_ids.push_back(*participant.peer_id);
    }
  }
  const std::string wallet_id = wallet->id;  // `wallet` may move while we await

  EnsureParticipantsResult ensured;
  try {
    ensured = co_await ensure_with_deadline(participant_peer_ids);
  } catch (const std::runtime_error& e) {
    if (std::string_view(e.what()) != kConnectivityTimedOut) throw;
    ensured.all_connected = false;
    ensured.results = {};
    co_return ProposeSpendResult{false, std::nullopt, std::string(kConnectivityTimedOut)};
  }

  if (!ensured.all_connected) {
    int connected = 0;
    int total = 0;
    std::string unreachable;
    for (const auto& [id, result] : ensured.results) {
      ++total;
      if (result.success) {
        ++connected;
        continue;
      }
      if (!unreachable.empty()) unreachable += ", ";
      unreachable += js_slice12(id) + "...";
    }
    const int required = options_.min_connected_participants > 0
                             ? options_.min_connected_participants
                             : total;
    if (!options_.allow_partial_connectivity) {
      co_return ProposeSpendResult{false, std::nullopt,
                                   "Cannot reach participants: " + unreachable};
    }
    if (connected < required) {
      co_return ProposeSpendResult{false, std::nullopt,
                                   "Only " + std::to_string(connected) + "/" +
                                       std::to_string(required) +
                                       " required participants connected"};
    }
    // A quorum is connected: sign with those that are.
    std::vector<PeerId> reachable{p2p_.peer_id()};
    for (const auto& [id, result] : ensured.results) {
      if (result.success) reachable.push_back(id);
    }
    participant_peer_ids = std::move(reachable);
  }

  // Session creation: the proposer coordinates the signing rounds.
  SigningSession session;
  session.id = new_session_id();
  session.wallet_id = wallet_id;
  session.coordinator = p2p_.peer_id();
  session.participants = participant_peer_ids;
  if (std::find(session.participants.begin(), session.participants.end(), p2p_.peer_id()) ==
      session.participants.end()) {
    session.participants.push_back(p2p_.peer_id());
  }
  session.created_at = clock_.now_ms();
  session.generation = session_counter_;
  session.nonces_from.push_back(p2p_.peer_id());
  const std::string id = session.id;
  sessions_[id] = session;  // a colliding `pending-<ms>` id replaces the earlier session
  SigningSession& stored = sessions_[id];
  set_state(stored, SessionState::collecting_nonces);
  start_timeouts(id, stored.generation);

  nlohmann::json proposal = {{"type", "session-proposal"},
                             {"sessionId", id},
                             {"walletId", wallet_id},
                             {"recipient", params.recipient},
                             {"amountSats", params.amount_sats},
                             {"participants", stored.participants}};
  const std::string payload = proposal.dump();
  for (const auto& peer : stored.participants) {
    if (peer != p2p_.peer_id()) send_to(peer, payload);
  }
  if (stored.participants.size() == 1) {  // a 1-of-1 wallet needs no rounds
    set_state(stored, SessionState::completed);
  }
  co_return ProposeSpendResult{true, id, std::nullopt};
}

// --- signing rounds -------------------------------------------------------------------------

void Musig2Store::set_state(SigningSession& session, SessionState state,
                            std::optional<std::string> failure) {
  session.state = state;
  if (failure) session.failure = std::move(failure);
  if (observer_ != nullptr) observer_->on_session_state(session);
}

void Musig2Store::send_to(const PeerId& peer, std::string payload) {
  asio::co_spawn(
      executor_,
      [this, peer, payload = std::move(payload)]() mutable -> Task<void> {
        DialOutcome sent =
            co_await network_.send(peer, std::string(kMusig2Protocol), std::move(payload));
        if (sent.ok) {
          ++messages_sent_;
        } else {
          ++messages_failed_;
        }
      },
      asio::detached);
}

void Musig2Store::start_timeouts(const std::string& session_id, std::uint64_t generation) {
  asio::co_spawn(executor_,
                 fail_after(session_id, generation, options_.nonce_timeout,
                            SessionState::collecting_nonces, "Nonce collection timed out"),
                 asio::detached);
  asio::co_spawn(executor_,
                 fail_after(session_id, generation, options_.session_timeout, std::nullopt,
                            "Session timed out"),
                 asio::detached);
}

Task<void> Musig2Store::fail_after(std::string session_id, std::uint64_t generation,
                                   Duration delay, std::optional<SessionState> while_in,
                                   std::string reason) {
  co_await clock_.sleep(delay);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end() || it->second.generation != generation) co_return;
  SigningSession& session = it->second;
  const bool active =
      session.state != SessionState::completed && session.state != SessionState::failed;
  if (active && (!while_in || session.state == *while_in)) {
    set_state(session, SessionState::failed, reason);
  }
}

namespace {

void add_unique(std::vector<PeerId>& list, const PeerId& peer) {
  if (std::find(list.begin(), list.end(), peer) == list.end()) list.push_back(peer);
}

}  // namespace

void Musig2Store::on_message(const PeerId& from, std::string_view protocol,
                             std::string_view payload) {
  if (protocol != kMusig2Protocol) return;
  nlohmann::json message = nlohmann::json::parse(payload, nullptr, false);
  if (message.is_discarded() || !message.is_object()) return;
  // A peer's message is untrusted: a field of the wrong type makes it malformed (ignored), never
  // an exception out of the network callback.
  const auto text = [&message](const char* key) {
    auto it = message.find(key);
    return it != message.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string type = text("type");
  const std::string session_id = text("sessionId");
  if (session_id.empty()) return;

  if (type == "session-proposal") {
    const std::string wallet_id = text("walletId");
    if (find_wallet(wallet_id) == nullptr) return;  // not a participant of that wallet
    std::vector<PeerId> participants;
    if (auto list = message.find("participants"); list != message.end()) {
      if (!list->is_array()) return;
      for (const auto& peer : *list) {
        if (!peer.is_string()) return;
        participants.push_back(peer.get<std::string>());
      }
    }
    SigningSession session;
    session.id = session_id;
    session.wallet_id = wallet_id;
    session.coordinator = from;
    session.participants = std::move(participants);
    session.created_at = clock_.now_ms();
    session.generation = ++session_counter_;
    sessions_[session_id] = session;
    set_state(sessions_[session_id], SessionState::collecting_nonces);
    send_to(from, nlohmann::json{{"type", "nonce"}, {"sessionId", session_id}}.dump());
    return;
  }

  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return;
  SigningSession& session = it->second;
  if (session.state == SessionState::completed || session.state == SessionState::failed) return;
  const bool coordinating = session.coordinator == p2p_.peer_id();
  // Only the session's own members speak in it: a round counts participants' messages only, and
  // a participant follows only its coordinator.
  const bool member = std::find(session.participants.begin(), session.participants.end(), from) !=
                      session.participants.end();
  if (coordinating ? !member : from != session.coordinator) return;

  if (type == "nonce" && coordinating && session.state == SessionState::collecting_nonces) {
    add_unique(session.nonces_from, from);
    if (session.nonces_from.size() < session.participants.size()) return;
    set_state(session, SessionState::signing);
    session.partial_sigs_from.push_back(p2p_.peer_id());
    asio::co_spawn(executor_,
                   fail_after(session.id, session.generation, options_.partial_sig_timeout,
                              SessionState::signing, "Partial signature collection timed out"),
                   asio::detached);
    const std::string done =
        nlohmann::json{{"type", "nonces-complete"}, {"sessionId", session.id}}.dump();
    for (const auto& peer : session.participants) {
      if (peer != p2p_.peer_id()) send_to(peer, done);
    }
  } else if (type == "nonces-complete" && !coordinating) {
    set_state(session, SessionState::signing);
    send_to(from, nlohmann::json{{"type", "partial-sig"}, {"sessionId", session.id}}.dump());
  } else if (type == "partial-sig" && coordinating && session.state == SessionState::signing) {
    add_unique(session.partial_sigs_from, from);
    if (session.partial_sigs_from.size() < session.participants.size()) return;
    set_state(session, SessionState::completed);
    const std::string done =
        nlohmann::json{{"type", "session-complete"}, {"sessionId", session.id}}.dump();
    for (const auto& peer : session.participants) {
      if (peer != p2p_.peer_id()) send_to(peer, done);
    }
  } else if (type == "session-complete" && !coordinating) {
    set_state(session, SessionState::completed);
  }
}

}  // namespace connsim::store
