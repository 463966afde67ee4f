#include "sim/config.hpp"

namespace connsim::sim {

void set_implementation(RelayConfig& relay, RelayImplementation implementation) {
  const RelayConfig go;  // the defaults are go-libp2p's
  const bool js = implementation == RelayImplementation::js;
  relay.implementation = implementation;
  relay.max_reservations = js ? 15 : go.max_reservations;  // js-libp2p: 15 slots (field notes)
  relay.reservation_ttl = js ? 2h : go.reservation_ttl;     // js-libp2p: 2 h (field notes)
  relay.reservation_ends_on_disconnect = !js && go.reservation_ends_on_disconnect;
  relay.circuit_byte_counting = js ? CircuitByteCounting::both_directions : go.circuit_byte_counting;
}

RelayConfig relay_defaults(std::string id, RelayImplementation implementation) {
  RelayConfig relay;
  relay.id = std::move(id);
  set_implementation(relay, implementation);
  return relay;
}

}  // namespace connsim::sim
