// JsHost: the C++ driver of the JavaScript store host (js/host/main.js, protocol js/PROTOCOL.md
// `connsim-js/1`). One per run, shared by every JavaScript wallet of the run. Lockstep: one
// message, then every line up to `idle`, answering synchronous calls at once; asynchronous calls
// and reports go to the wallet's HostClient; `idle.next_timer` becomes an `advance` event on the
// run's virtual clock (HostScheduler).
//
// Failure contract: a store error, a line that is not the protocol, the host's exit, or no line
// within the read timeout (wall time, 30 s by default) records failure(); on anything but a store
// error the host is killed and every later message is dropped, so a run never hangs on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/js/host_process.hpp"
#include "store/clock.hpp"
#include "store/network.hpp"

namespace connsim::sim::js {

using store::Duration;

/// The host cannot run here (Node or js/node_modules missing, a bad argument): connsim exits 2
/// with this message, which says how to install what is missing.
class EnvironmentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One wallet's side of the host's lines.
class HostClient {
 public:
  virtual ~HostClient() = default;
  /// A synchronous call (`existing_connection`, `random`): its reply value, at once.
  virtual nlohmann::json answer(const nlohmann::json& call) = 0;
  /// An asynchronous call (`dial`, `dial_via_relay`, `send`): settle it later with
  /// JsHost::resolve, at a virtual time not before now.
  virtual void start_call(const nlohmann::json& call) = 0;
  /// `abort`: the store gave up on asynchronous call `id` (an AbortSignal): cancel its operation
  /// in the world if it is still under way. The call is still settled with JsHost::resolve.
  virtual void abort_call(const nlohmann::json& call) = 0;
  /// Every other line naming this wallet (status, activity, connect_*, attempt, session, and
  /// the `result`/`error` of its actions), in the order the host wrote them.
  virtual void report(const nlohmann::json& line) = 0;
};

/// The run's virtual clock and event queue.
class HostScheduler {
 public:
  virtual ~HostScheduler() = default;
  virtual Duration now() const = 0;
  /// Runs `action` at virtual time `at` (not before now).
  virtual void at(Duration at, std::function<void()> action) = 0;
};

struct HostOptions {
  std::vector<std::string> command;  // the host's argv
  std::string working_directory;
  std::chrono::milliseconds read_timeout{30000};  // wall time allowed for each line
};

class JsHost {
 public:
  /// `node <js dir>/host/main.js [--store DIR]`; the node program is $CONNSIM_NODE or `node`,
  /// the js directory $CONNSIM_JS_DIR or the source tree's js/.
  static HostOptions node_options(const std::string& store_directory);

  /// Starts the host and reads its `ready` line. Throws EnvironmentError when Node cannot be
  /// started or the host reports a missing environment; a store that cannot be built is a
  /// failure() instead (the scenario fails).
  JsHost(HostOptions options, HostScheduler& scheduler);
  ~JsHost();  // `shutdown`, then the process is reaped (killed if it lingers)
  JsHost(const JsHost&) = delete;
  JsHost& operator=(const JsHost&) = delete;

  /// Routes `wallet`'s lines to `client` (null: forget the wallet).
  void add_client(const std::string& wallet, HostClient* client) {
    if (client != nullptr) clients_[wallet] = client;
    else clients_.erase(wallet);
  }
  /// Sends `message` and handles every line up to `idle`. Called back from inside an exchange
  /// (a call settled at once, an event the world delivers meanwhile) it is queued and sent
  /// right after the current exchange, in order.
  void send(nlohmann::json message);
  /// A `getter` action answered at once: its `result` value; nullopt when the host failed.
  std::optional<nlohmann::json> query(const std::string& wallet, nlohmann::json fields);
  /// Settles asynchronous call `id` with the world's outcome.
  void resolve(std::uint64_t id, const store::DialOutcome& outcome);
  /// A fresh action id.
  std::uint64_t next_request_id() { return next_request_++; }

  /// The first thing that went wrong, as one line; nullopt while all is well.
  const std::optional<std::string>& failure() const { return failure_; }
  /// The host can no longer be spoken to (it died, timed out or broke the protocol).
  bool dead() const { return dead_; }

 private:
  void exchange(const nlohmann::json& message);
  /// Handles one line; true at `idle` (or `bye`).
  bool dispatch(const std::string& line);
  void arm_advance(Duration due);
  void fail(std::string message, bool fatal);
  std::int64_t now_ns() const { return scheduler_.now().count(); }

  HostOptions options_;
  HostScheduler& scheduler_;
  std::unique_ptr<HostProcess> process_;
  std::map<std::string, HostClient*> clients_;
  bool busy_ = false;
  bool dead_ = false;
  std::vector<nlohmann::json> queued_;
  std::optional<Duration> next_timer_;
  std::set<Duration> armed_;  // times an advance event is scheduled for
  std::uint64_t next_request_ = 1;
  std::optional<std::uint64_t> query_id_;
  std::optional<nlohmann::json> query_value_;
  std::optional<std::string> failure_;
};

}  // namespace connsim::sim::js
