// PipeNetwork: the store's Network on a real js-libp2p node in another process: the live
// wallet's Node process (js/live/cpp_store.js), which gives the C++ store the same
// '@connsim/node' object the JavaScript store gets (js/live/wallet_process.js, storeNode).
//
// Calls go out as lines (the writer adds nothing; one JSON object per line):
//   {"call":"dial","id":N,"addr":A}            libp2p dial with the node's own timeouts
//   {"call":"dial_via_relay","id":N,"peer":P}  the SDK's relay dial helper
//   {"call":"send","id":N,"peer":P,"protocol":X,"payload":Y}
// and are settled by resolve(N, outcome), at most once each. existing_connection() answers
// from a mirror of libp2p getConnections that the node keeps current with set_connection()
// before every message it sends here (so at every message the store handles, the mirror is
// what libp2p said when the message was written). Events reach the subscribers through
// deliver_* (store/subscribable_network.hpp), on the caller's thread (the store's executor).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/any_completion_handler.hpp>
#include <nlohmann/json.hpp>

#include "store/subscribable_network.hpp"

namespace connsim::live {

class PipeNetwork final : public store::SubscribableNetwork {
 public:
  using Writer = std::function<void(const nlohmann::json& line)>;

  /// `executor` resumes the store's coroutines when a call settles; `writer` sends a call line.
  PipeNetwork(store::Executor executor, store::PeerId self, Writer writer);
  ~PipeNetwork() override;
  PipeNetwork(const PipeNetwork&) = delete;
  PipeNetwork& operator=(const PipeNetwork&) = delete;

  const store::PeerId& self_peer_id() const override { return self_; }
  std::optional<store::ConnectionType> existing_connection(const store::PeerId& peer) const override;
  store::Task<store::DialOutcome> dial(const store::Multiaddr& address) override;
  store::Task<store::DialOutcome> dial_via_relay(const store::PeerId& peer) override;
  store::Task<store::DialOutcome> send(const store::PeerId& peer, std::string_view protocol,
                                       std::string payload) override;

  // --- the node's side ----------------------------------------------------------------------
  /// libp2p's best open connection to `peer` is now `type` (nullopt: none).
  void set_connection(const store::PeerId& peer, std::optional<store::ConnectionType> type);
  /// Settles call `id`; false when no such call is pending (unknown or settled already).
  bool resolve(std::uint64_t id, store::DialOutcome outcome);
  std::size_t pending_calls() const { return pending_.size(); }

 private:
  store::Task<store::DialOutcome> call(nlohmann::json line);

  store::Executor executor_;
  store::PeerId self_;
  Writer writer_;
  std::uint64_t next_call_id_ = 1;
  std::map<std::uint64_t, boost::asio::any_completion_handler<void(store::DialOutcome)>> pending_;
  std::map<store::PeerId, store::ConnectionType> connections_;
};

}  // namespace connsim::live
