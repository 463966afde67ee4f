// JsWallet: one wallet's stores run by the JavaScript store host (js/PROTOCOL.md). It answers
// the host's libp2p calls through the same World the C++ stores' NodeProcess uses, turns the
// node's network events into `event` messages, the runner's steps into `action`s awaited as
// coroutines, and the host's reports into the node's observer calls, so the history records
// the same kinds of entries as for a C++ wallet.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/cancellation_signal.hpp>
#include <nlohmann/json.hpp>

#include "sim/external_stores.hpp"
#include "sim/js/js_host.hpp"

namespace connsim::sim {
class WalletNode;
}

namespace connsim::sim::js {

class JsWallet final : public ExternalStores, private HostClient {
 public:
  /// Registers with `host` and creates the wallet's stores there (`create`), with `options`
  /// (the scenario's `store` object as written, or null) and the shared wallets it is in.
  JsWallet(JsHost& host, WalletNode& node, nlohmann::json options);
  ~JsWallet() override;

  void deliver_presence(const store::PresencePtr& presence) override;
  void deliver_peer_connected(const store::PeerId& peer, store::ConnectionType type) override;
  void deliver_peer_disconnected(const store::PeerId& peer) override;
  void deliver_pubsub(std::string_view topic, const std::shared_ptr<const nlohmann::json>& message) override;
  void deliver_message(const store::PeerId& from, std::string_view protocol, std::string_view payload) override;
  void restart() override;

  store::Task<store::ConnectResult> connect_to_online_peer(store::PeerId peer) override;
  store::Task<store::ResultMap<store::ConnectResult>> connect_to_multiple_peers(std::vector<store::PeerId> peers) override;
  store::Task<store::ProposeSpendResult> propose_spend(store::SpendProposalParams params) override;

  std::size_t connected_online_peer_count() override;
  bool is_peer_connected(const store::PeerId& peer) override;
  store::PeerConnectionStatus peer_connection_status(const store::PeerId& peer) override;
  std::size_t activity_feed_size() override;
  std::optional<std::vector<store::ActivityEvent>> activity_feed() override;
  bool field_log(nlohmann::json& out) override;

  /// An action's outcome waiting to resume its coroutine.
  class Pending {
   public:
    virtual ~Pending() = default;
    virtual void settle(std::exception_ptr error, nlohmann::json value) = 0;
  };

 private:
  // HostClient
  nlohmann::json answer(const nlohmann::json& call) override;
  void start_call(const nlohmann::json& call) override;
  void abort_call(const nlohmann::json& call) override;
  void report(const nlohmann::json& line) override;

  nlohmann::json message(const char* op) const;
  void event(const char* kind, nlohmann::json fields);
  /// Starts action `name` with `fields` and completes with its `result` value (or the store's
  /// error as an exception).
  store::Task<nlohmann::json> action(const char* name, nlohmann::json fields);
  store::Task<void> run_call(std::uint64_t id, std::string kind, nlohmann::json call,
                             std::shared_ptr<boost::asio::cancellation_signal> cancel);

  JsHost& host_;
  WalletNode& node_;
  std::string wallet_;
  std::map<std::uint64_t, std::unique_ptr<Pending>> pending_;
  // The host's asynchronous calls under way, by id: `abort` cancels one. The call's coroutine
  // shares the signal, so it outlives the operation whatever ends first.
  std::map<std::uint64_t, std::shared_ptr<boost::asio::cancellation_signal>> calls_in_flight_;
  std::uint64_t next_event_id_ = 1;
};

}  // namespace connsim::sim::js
