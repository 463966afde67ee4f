#include "store/musig2_store.hpp"

#include <algorithm>
#include <memory>

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
  NetworkEvents events;  // each message is a macrotask
  events.on_message = [this](const PeerId& from, std::string_view protocol, std::string_view payload) {
    js::Microtasks::current().run_macrotask(
        js::Job([this, from, protocol = std::string(protocol), payload = std::string(payload)] {
          on_message(from, protocol, payload);
        }));
  };
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

js::Promise<EnsureParticipantsResult> Musig2Store::start_ensure_participants_connected(
    std::vector<PeerId> participants) {
  return js::pinia_action(ensure_participants_connected_body(std::move(participants)));
}

js::Promise<EnsureParticipantsResult> Musig2Store::ensure_participants_connected_body(
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

  const ResultMap<ConnectResult> connection_results =
      co_await p2p_.start_connect_to_multiple_peers(need_connection);

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

js::Promise<EnsureParticipantsResult> Musig2Store::ensure_with_deadline_body(std::vector<PeerId> participants) {
  // Promise.race of a timer (created first, as `const timeout = new Promise(...)` is) and the
  // connection work. As shipped the losing work runs on (field bug 8); cancel_on_timeout runs
  // it under an AbortController (a CancelScope) that the timer aborts right after rejecting:
  // every wait of the work rejects at once with "This operation was aborted" (js_async.hpp).
  js::Settler<EnsureParticipantsResult> timeout;
  auto scope = options_.cancel_on_timeout ? std::make_shared<js::CancelScope>() : nullptr;
  auto work = std::make_shared<std::optional<js::Promise<EnsureParticipantsResult>>>();
  js::set_timeout(executor_, clock_.sleep(options_.connectivity_timeout), [timeout, scope, work] {
    const bool work_settled = *work && (*work)->settled();
    timeout.reject(std::make_exception_ptr(std::runtime_error(std::string(kConnectivityTimedOut))));
    if (scope && !work_settled) scope->cancel();
  });
  {
    js::CancelScope::Enter enter(scope ? scope : js::CancelScope::current());
    *work = start_ensure_participants_connected(std::move(participants));
  }
  co_return co_await js::race<EnsureParticipantsResult>({**work, timeout.promise()});
}

std::string Musig2Store::new_session_id() {
  std::string id = "pending-" + std::to_string(clock_.now_ms());
  ++session_counter_;
  if (options_.unique_session_ids) id += "-" + std::to_string(session_counter_);
  return id;
}

js::Promise<ProposeSpendResult> Musig2Store::start_propose_spend(SpendProposalParams params) {
  return js::pinia_action(propose_spend_body(std::move(params)));
}

Task<EnsureParticipantsResult> Musig2Store::ensure_participants_connected(std::vector<PeerId> participants) {
  return js::run_from_asio([this, participants = std::move(participants)] {
    return start_ensure_participants_connected(participants);
  });
}

Task<ProposeSpendResult> Musig2Store::propose_spend(SpendProposalParams params) {
  return js::run_from_asio([this, params = std::move(params)] { return start_propose_spend(params); });
}

js::Promise<ProposeSpendResult> Musig2Store::propose_spend_body(SpendProposalParams params) {
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

  // The seed awaits ensureParticipantsConnected itself; with a connectivity timeout the later
  // session API awaits the race (an action of its own).
  EnsureParticipantsResult ensured;
  bool timed_out = false;
  try {
    if (options_.connectivity_timeout <= Duration::zero()) {
      ensured = co_await start_ensure_participants_connected(participant_peer_ids);
    } else {
      ensured = co_await js::pinia_action(ensure_with_deadline_body(participant_peer_ids));
    }
  } catch (const std::runtime_error& e) {
    if (std::string_view(e.what()) != kConnectivityTimedOut) throw;
    timed_out = true;
  }
  if (timed_out) {
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
  // `node.send(...).then(ok, failed)`: the send starts at once. The operation's own frame
  // keeps its arguments (the Task may start after this call returns).
  auto send = [](Network& network, PeerId to, std::string body) -> Task<DialOutcome> {
    co_return co_await network.send(to, kMusig2Protocol, std::move(body));
  };
  js::from_task(executor_, send(network_, peer, std::move(payload)))
      .then([this](const DialOutcome& sent) { ++(sent.ok ? messages_sent_ : messages_failed_); },
            [this](std::exception_ptr) { ++messages_failed_; });
}

void Musig2Store::start_timeouts(const std::string& session_id, std::uint64_t generation) {
  fail_after(session_id, generation, options_.nonce_timeout, SessionState::collecting_nonces,
             "Nonce collection timed out");
  fail_after(session_id, generation, options_.session_timeout, std::nullopt, "Session timed out");
}

void Musig2Store::fail_after(std::string session_id, std::uint64_t generation, Duration delay,
                             std::optional<SessionState> while_in, std::string reason) {
  js::set_timeout(executor_, clock_.sleep(delay), [this, session_id, generation, while_in, reason] {
    auto it = sessions_.find(session_id);
    if (it == sessions_.end() || it->second.generation != generation) return;
    SigningSession& session = it->second;
    const bool active =
        session.state != SessionState::completed && session.state != SessionState::failed;
    if (active && (!while_in || session.state == *while_in)) {
      set_state(session, SessionState::failed, reason);
    }
  });
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
    fail_after(session.id, session.generation, options_.partial_sig_timeout, SessionState::signing,
               "Partial signature collection timed out");
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
