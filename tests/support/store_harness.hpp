// StoreHarness: the store wired to test doubles (ManualClock, ScriptedNetwork, a seeded Rng),
// plus helpers to build presence records and to run store coroutines on virtual time.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "store/connection_service.hpp"
#include "store/contacts_store.hpp"
#include "store/musig2_store.hpp"
#include "store/p2p_store.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/scripted_network.hpp"
#include "tests/support/scripted_rng.hpp"

namespace connsim::store {

// Boost.Test printing for the store's value types (found by ADL).
inline std::ostream& boost_test_print_type(std::ostream& out, ConnectionStatus status) {
  return out << to_string(status);
}
inline std::ostream& boost_test_print_type(std::ostream& out, ConnectionType type) {
  return out << to_string(type);
}
inline std::ostream& boost_test_print_type(std::ostream& out, ConcurrencyMode mode) {
  return out << to_string(mode);
}
inline std::ostream& boost_test_print_type(std::ostream& out, PresenceUpdate update) {
  return out << to_string(update);
}
inline std::ostream& boost_test_print_type(std::ostream& out, RetryKind kind) {
  return out << to_string(kind);
}
inline std::ostream& boost_test_print_type(std::ostream& out, DirectStepFilter filter) {
  return out << (filter == DirectStepFilter::fixed ? "fixed" : "shipped-inverted");
}
inline std::ostream& boost_test_print_type(std::ostream& out, PeerExchangeReader reader) {
  return out << (reader == PeerExchangeReader::fixed ? "fixed" : "shipped-mismatched");
}
inline std::ostream& boost_test_print_type(std::ostream& out, SessionState state) {
  return out << to_string(state);
}
inline std::ostream& boost_test_print_type(std::ostream& out, const ConnectResult& result) {
  return out << "{success=" << result.success << ", type=" << to_string(result.connection_type)
             << ", error=" << result.error.value_or("<none>") << "}";
}
inline std::ostream& boost_test_print_type(std::ostream& out, const PeerConnectionStatus& s) {
  out << "{status=" << to_string(s.status)
      << ", type=" << (s.connection_type ? to_string(*s.connection_type) : "<none>")
      << ", lastAttempt=";
  if (s.last_attempt) {
    out << *s.last_attempt;
  } else {
    out << "<none>";
  }
  return out << ", error=" << s.error.value_or("<none>") << "}";
}
inline std::ostream& boost_test_print_type(std::ostream& out, const ParticipantResult& result) {
  return out << "{success=" << result.success << ", error=" << result.error.value_or("<none>")
             << "}";
}

}  // namespace connsim::store

namespace connsim::testing {

using namespace std::chrono_literals;

/// Whole milliseconds of each duration (Boost.Test prints these).
inline std::vector<long long> to_ms(const std::vector<Duration>& durations) {
  std::vector<long long> out;
  for (auto d : durations) {
    out.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  }
  return out;
}
inline long long to_ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

/// Peer ids shaped like libp2p's (longer than 12 characters, so slice(0, 12) shows).
inline const PeerId kSelf = "12D3KooWSelfWalletXXXXXXXXXXXXXXXXXXXXXXXXXX";
inline const PeerId kAlice = "12D3KooWAliceAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
inline const PeerId kBob = "12D3KooWBobBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
inline const PeerId kCarol = "12D3KooWCarolCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
inline const PeerId kDave = "12D3KooWDaveDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD";
inline const PeerId kRelay = "12D3KooWRelayRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR";

/// The circuit address of `peer` through relay number `relay`.
inline Multiaddr relay_addr(const PeerId& peer, int relay = 1) {
  return "/ip4/10.0.0." + std::to_string(relay) + "/tcp/4001/p2p/" + kRelay +
         std::to_string(relay) + "/p2p-circuit/p2p/" + peer;
}
inline Multiaddr webrtc_addr(const PeerId& peer) {
  return relay_addr(peer) + "/webrtc";
}
inline Multiaddr plain_addr(const PeerId& peer) {
  return "/ip4/192.168.1.7/tcp/4001/p2p/" + peer;
}

/// A presence record of `peer` with one relay address, no WebRTC address, no multiaddrs.
inline std::shared_ptr<store::PresenceAdvertisement> presence_of(
    const PeerId& peer, std::optional<std::string> nickname = std::nullopt) {
  auto presence = std::make_shared<store::PresenceAdvertisement>();
  presence->id = "presence-" + peer;
  presence->peer_id = peer;
  presence->relay_addrs = {relay_addr(peer)};
  presence->wallet_address = "lotus_16PSJ" + store::js_slice12(peer);
  presence->nickname = std::move(nickname);
  presence->created_at = 0;
  presence->expires_at = 3'600'000;
  return presence;
}

/// A coroutine started on the io_context; done() once it returned or threw.
template <typename T>
class Spawned {
 public:
  struct State {
    bool done = false;
    std::optional<T> value;
    std::exception_ptr error;
  };

  Spawned(boost::asio::io_context& io, store::Task<T> task) : state_(std::make_shared<State>()) {
    boost::asio::co_spawn(io, std::move(task), [state = state_](std::exception_ptr error, T value) {
      state->done = true;
      state->error = error;
      if (!error) state->value = std::move(value);
    });
  }

  bool done() const { return state_->done; }
  bool threw() const { return state_->done && state_->error != nullptr; }
  std::exception_ptr error() const { return state_->error; }
  /// The result; rethrows what the coroutine threw; throws std::logic_error while running.
  const T& get() const {
    if (!state_->done) throw std::logic_error("coroutine still running");
    if (state_->error) std::rethrow_exception(state_->error);
    return *state_->value;
  }

 private:
  std::shared_ptr<State> state_;
};

/// Records everything the P2P store reports, in order.
class RecordingObserver final : public store::P2PStoreObserver {
 public:
  struct StatusWrite {
    PeerId peer;
    store::PeerConnectionStatus status;
  };
  void on_status_written(const PeerId& peer, const store::PeerConnectionStatus& status) override {
    statuses.push_back({peer, status});
  }
  void on_activity_event(const store::ActivityEvent& event) override { events.push_back(event); }
  void on_connect_started(const PeerId& peer) override { started.push_back(peer); }
  void on_connect_finished(const PeerId& peer, const store::ConnectResult& result) override {
    finished.emplace_back(peer, result);
  }

  /// The status writes for `peer` as "status" or "status:type", in order.
  std::vector<std::string> status_sequence(const PeerId& peer) const {
    std::vector<std::string> out;
    for (const auto& write : statuses) {
      if (write.peer != peer) continue;
      std::string text(store::to_string(write.status.status));
      if (write.status.connection_type) {
        text += ":" + std::string(store::to_string(*write.status.connection_type));
      }
      out.push_back(std::move(text));
    }
    return out;
  }

  std::vector<StatusWrite> statuses;
  std::vector<store::ActivityEvent> events;  // oldest first
  std::vector<PeerId> started;
  std::vector<std::pair<PeerId, store::ConnectResult>> finished;
};

/// The store on test doubles. Members are declared so that the io_context outlives the clock
/// (whose suspended sleepers unwind through it) and the clock outlives everything else.
struct StoreHarness {
  explicit StoreHarness(store::P2PStoreOptions p2p_options = {},
                        store::ConnectionServiceOptions service_options = {}, PeerId self = kSelf)
      : net(clock, std::move(self)),
        service(io.get_executor(), net, clock, &rng, service_options),
        p2p(io.get_executor(), net, clock, service, contacts, std::move(p2p_options)) {
    p2p.set_observer(&observer);
  }

  store::Musig2Store& make_musig2(store::Musig2StoreOptions options = {}) {
    musig2 = std::make_unique<store::Musig2Store>(io.get_executor(), net, clock, p2p, options);
    return *musig2;
  }

  /// Gossips `presence` to the store (as the network would) and returns it.
  store::PresencePtr advertise(std::shared_ptr<store::PresenceAdvertisement> presence) {
    store::PresencePtr shared = std::move(presence);
    net.fire_presence(shared);
    return shared;
  }
  /// Advertises `peer` (one relay address) and scripts that address to succeed after `delay`.
  store::PresencePtr reachable_peer(const PeerId& peer, Duration delay = Duration::zero(),
                                    std::optional<std::string> nickname = std::nullopt) {
    net.script_dial(relay_addr(peer), Scripted::ok(delay));
    return advertise(presence_of(peer, std::move(nickname)));
  }

  template <typename T>
  Spawned<T> spawn(store::Task<T> task) {
    return Spawned<T>(io, std::move(task));
  }

  /// Runs `task` to completion on virtual time (at most `limit` of it) and returns its result.
  template <typename T>
  T run(store::Task<T> task, Duration limit = std::chrono::hours(1)) {
    Spawned<T> spawned(io, std::move(task));
    clock.run_until([&] { return spawned.done(); }, limit);
    return spawned.get();
  }

  boost::asio::io_context io;
  ManualClock clock{io};
  SeededRng rng{0x5EED};
  ScriptedNetwork net;
  store::ContactsStore contacts{clock};
  store::ConnectionService service;
  RecordingObserver observer;
  store::P2PStore p2p;
  std::unique_ptr<store::Musig2Store> musig2;
};

}  // namespace connsim::testing
