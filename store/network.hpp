// Network: what the libp2p node and the Lotus SDK give the store and its connection service.
// The store owns this interface; a real node, the simulator and test doubles implement it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "store/async.hpp"
#include "store/types.hpp"

namespace connsim::store {

/// Outcome of one dial. Dials report failure as a value (libp2p rejects the promise; the
/// ladder only reads the message), so that failure paths cost no exception.
struct DialOutcome {
  bool ok = false;
  std::string error;  // libp2p's message when !ok, e.g. "Connection timeout"

  static DialOutcome success() { return {true, {}}; }
  static DialOutcome failure(std::string message) { return {false, std::move(message)}; }
};

/// Callbacks the node invokes. Any member may be empty. Invoked on the store's executor.
struct NetworkEvents {
  /// A presence record arrived over gossip (the wallet's own included).
  std::function<void(const PresencePtr&)> on_presence;
  /// libp2p `peer:connect`: the first live connection to `peer` opened.
  std::function<void(const PeerId& peer, ConnectionType type)> on_peer_connected;
  /// libp2p `peer:disconnect`: the last live connection to `peer` closed.
  std::function<void(const PeerId& peer)> on_peer_disconnected;
  /// A pubsub message, e.g. the bootstrap node's peer exchange on topic `lotus/peers`, as the
  /// decoded JSON it was published as. One decoded message is shared by every receiver.
  std::function<void(std::string_view topic, const std::shared_ptr<const nlohmann::json>& message)>
      on_pubsub;
  /// A direct protocol message from a connected peer (MuSig2 signing rounds).
  std::function<void(const PeerId& from, std::string_view protocol, std::string_view payload)>
      on_message;
};

class Network {
 public:
  virtual ~Network() = default;

  /// This node's own peer id.
  virtual const PeerId& self_peer_id() const = 0;
  /// The type of a live connection to `peer`, if any (libp2p getConnections(peer)).
  virtual std::optional<ConnectionType> existing_connection(const PeerId& peer) const = 0;
  /// Dials one multiaddr (`/webrtc`, `/p2p-circuit` or a plain transport address). The node
  /// applies its own dial timeouts.
  virtual Task<DialOutcome> dial(const Multiaddr& address) = 0;
  /// The SDK's relay dial helper: dials `peer` through a relay this node holds a connection to.
  virtual Task<DialOutcome> dial_via_relay(const PeerId& peer) = 0;
  /// Sends one protocol message to a connected peer; fails when no usable connection exists.
  virtual Task<DialOutcome> send(const PeerId& peer, std::string_view protocol,
                                 std::string payload) = 0;
  /// Registers callbacks; may be called more than once, each registration gets every event.
  virtual void subscribe(NetworkEvents events) = 0;
};

/// Multiaddr helpers used by the ladder.
bool is_circuit_address(std::string_view address);  // contains "/p2p-circuit"
bool is_webrtc_address(std::string_view address);    // contains "/webrtc"

}  // namespace connsim::store
