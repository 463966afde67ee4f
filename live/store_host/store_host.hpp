// LiveStoreHost: one live wallet's C++ stores (store/: contacts, the connection service, P2P
// and MuSig2, unchanged) driving a real js-libp2p node through PipeNetwork. It is the C++
// counterpart of js/live/wallet_process.js's HostedWallet: it reads the wallet process's lines
// and writes the same reports the JavaScript store writes in a live run, so the conductor and
// the recorder (live/recorder.cpp) treat both stores alike.
//
// Lines in (one JSON object each; docs/LIVE.md, "The C++ store"):
//   {"op":"create","wallet":W,"peer_id":P,"seed":S,"options":O,"shared_wallets":[...]}  first
//   {"op":"start","start_epoch_ms":E}        the run's t = 0 (RunClock)
//   {"op":"connections","types":{P: T|null}} the node's getConnections mirror changed
//   {"op":"event","kind":K,...}              presence | peer_connect | peer_disconnect | pubsub | message
//   {"op":"action","id":R,"name":A,...}      connect | connect_many | propose_spend | getter
//   {"op":"resolve","id":N,"ok":B,"error"?:E} settles PipeNetwork's call N
// Lines out: PipeNetwork's calls, and reports {"ev":..., "wallet":W, "t":ns} (created, status,
// activity, connect_started, connect_finished, attempt, session, result, error). A bad line is
// an error report of kind protocol; the host keeps serving.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "live/store_host/pipe_network.hpp"
#include "store/clock.hpp"
#include "store/musig2_store.hpp"
#include "store/p2p_store.hpp"

namespace connsim::live {

class LiveStoreHost final : private store::P2PStoreObserver, private store::Musig2Observer {
 public:
  using Output = std::function<void(const nlohmann::json& line)>;
  using StartHandler = std::function<void(double start_epoch_ms)>;

  /// `clock`: the stores' clock (RunClock in connsim-live-store); `output` writes one line;
  /// `on_start` receives the run's start epoch (may be empty).
  LiveStoreHost(store::Executor executor, store::Clock& clock, Output output, StartHandler on_start = {});
  ~LiveStoreHost() override;
  LiveStoreHost(const LiveStoreHost&) = delete;
  LiveStoreHost& operator=(const LiveStoreHost&) = delete;

  /// Handles one line from the node. What it starts reports later through `output`.
  void handle_line(std::string_view line);

  bool created() const { return stores_ != nullptr; }
  /// The stores' network (null before `create`).
  PipeNetwork* network();

 private:
  struct Stores;

  void create(const nlohmann::json& message);
  void event(const nlohmann::json& message);
  void action(const nlohmann::json& message);
  void resolve(const nlohmann::json& message);
  void connections(const nlohmann::json& message);
  nlohmann::json getter(const nlohmann::json& message) const;

  /// Starts action `id` on the executor: awaits the store's `start()` and reports
  /// `encode(result)`, or the store's error as "action <name>".
  template <class Encode, class Start>
  void start_action(std::uint64_t id, std::string_view name, Encode encode, Start start);
  template <class Encode, class Start>
  store::Task<void> run_action(std::uint64_t id, std::string_view name, Encode encode, Start start);

  void report(nlohmann::json line);
  void report_result(std::uint64_t id, nlohmann::json value);
  void report_store_error(std::string where, std::string message, std::optional<std::uint64_t> id);
  void protocol_error(std::string message);

  // P2PStoreObserver / Musig2Observer
  void on_status_written(const store::PeerId& peer, const store::PeerConnectionStatus& status) override;
  void on_activity_event(const store::ActivityEvent& event) override;
  void on_connect_started(const store::PeerId& peer) override;
  void on_connect_finished(const store::PeerId& peer, const store::ConnectResult& result) override;
  void on_session_state(const store::SigningSession& session) override;

  store::Executor executor_;
  store::Clock& clock_;
  Output output_;
  StartHandler on_start_;
  std::string wallet_;
  std::unique_ptr<Stores> stores_;
};

}  // namespace connsim::live
