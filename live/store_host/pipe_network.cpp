#include "live/store_host/pipe_network.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>

namespace connsim::live {

namespace asio = boost::asio;
using nlohmann::json;

PipeNetwork::PipeNetwork(store::Executor executor, store::PeerId self, Writer writer)
    : executor_(std::move(executor)), self_(std::move(self)), writer_(std::move(writer)) {}

PipeNetwork::~PipeNetwork() = default;

std::optional<store::ConnectionType> PipeNetwork::existing_connection(const store::PeerId& peer) const {
  auto it = connections_.find(peer);
  if (it == connections_.end()) return std::nullopt;
  return it->second;
}

store::Task<store::DialOutcome> PipeNetwork::dial(const store::Multiaddr& address) {
  return call(json{{"call", "dial"}, {"addr", address}});
}

store::Task<store::DialOutcome> PipeNetwork::dial_via_relay(const store::PeerId& peer) {
  return call(json{{"call", "dial_via_relay"}, {"peer", peer}});
}

store::Task<store::DialOutcome> PipeNetwork::send(const store::PeerId& peer, std::string_view protocol,
                                                  std::string payload) {
  return call(json{{"call", "send"}, {"peer", peer}, {"protocol", protocol}, {"payload", std::move(payload)}});
}

store::Task<store::DialOutcome> PipeNetwork::call(json line) {
  const std::uint64_t id = next_call_id_++;
  line["id"] = id;
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(store::DialOutcome)>(
      [this, id, line = std::move(line)](auto handler) {
        pending_.emplace(id, std::move(handler));
        writer_(line);
      },
      asio::use_awaitable);
}

bool PipeNetwork::resolve(std::uint64_t id, store::DialOutcome outcome) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return false;
  auto handler = std::move(it->second);
  pending_.erase(it);
  // Resumed on the store's executor, never inside the caller's read loop.
  asio::post(executor_, [handler = std::move(handler), outcome = std::move(outcome)]() mutable {
    std::move(handler)(std::move(outcome));
  });
  return true;
}

void PipeNetwork::set_connection(const store::PeerId& peer, std::optional<store::ConnectionType> type) {
  if (type && *type != store::ConnectionType::none) {
    connections_[peer] = *type;
  } else {
    connections_.erase(peer);
  }
}

}  // namespace connsim::live
