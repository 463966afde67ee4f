#include "sim/packet/packet_paths.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-address.h>
#include <ns3/packet.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/udp-socket-factory.h>

#include "sim/packet/ice_agent.hpp"
#include "sim/packet/nat_routing.hpp"
#include "sim/packet/topology.hpp"
#include "sim/wallet_node.hpp"
#include "sim/world.hpp"

namespace connsim::sim::packet {

namespace asio = boost::asio;

namespace {

/// RFC 5382 §5: an established TCP connection's NAT binding lasts at least 2 h 4 min.
constexpr Duration kTcpMappingTimeout = std::chrono::minutes(124);
/// A control datagram's payload (UDP/IP headers come on top); a message's datagram carries the
/// message's bytes, up to kMaxDatagramBytes (one unfragmented datagram: NAT nodes drop
/// fragments, as NatBox has no fragment reassembly).
constexpr std::uint32_t kDatagramBytes = 96;
constexpr std::uint32_t kMaxDatagramBytes = 1400;

// The wire header of connsim's datagrams (network byte order), then zero padding.
constexpr std::uint32_t kMagic = 0x4353494d;  // "CSIM"
enum class Kind : std::uint8_t { trip = 1, hello = 2, keepalive = 3 };
struct Header {
  Kind kind = Kind::trip;
  std::uint8_t transmission = 0;
  std::uint32_t sender = 0;     // the sending host
  std::uint64_t journey = 0;
  std::uint64_t position = 0;   // trips of the journey delivered before this one
};
constexpr std::size_t kHeaderBytes = 4 + 1 + 1 + 4 + 8 + 8;

ns3::Ptr<ns3::Packet> encode(const Header& h, std::uint32_t payload = kDatagramBytes) {
  std::vector<std::uint8_t> bytes(std::clamp(payload, kDatagramBytes, kMaxDatagramBytes));
  std::size_t at = 0;
  auto put = [&](std::uint64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) bytes[at++] = static_cast<std::uint8_t>(value >> (8 * i));
  };
  put(kMagic, 4);
  put(static_cast<std::uint8_t>(h.kind), 1);
  put(h.transmission, 1);
  put(h.sender, 4);
  put(h.journey, 8);
  put(h.position, 8);
  return ns3::Create<ns3::Packet>(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
}

std::optional<Header> decode(const ns3::Packet& packet) {
  if (packet.GetSize() < kHeaderBytes) return std::nullopt;
  std::array<std::uint8_t, kHeaderBytes> bytes{};
  packet.CopyData(bytes.data(), kHeaderBytes);
  std::size_t at = 0;
  auto get = [&](int width) {
    std::uint64_t value = 0;
    for (int i = 0; i < width; ++i) value = (value << 8) | bytes[at++];
    return value;
  };
  if (get(4) != kMagic) return std::nullopt;
  Header h;
  const auto kind = get(1);
  if (kind < 1 || kind > 3) return std::nullopt;
  h.kind = static_cast<Kind>(kind);
  h.transmission = static_cast<std::uint8_t>(get(1));
  h.sender = static_cast<std::uint32_t>(get(4));
  h.journey = get(8);
  h.position = get(8);
  return h;
}

ns3::InetSocketAddress to_ns3(Endpoint e) { return {ns3::Ipv4Address(e.ip), e.port}; }

}  // namespace

// --- waiting --------------------------------------------------------------------------------------

/// The handler of a coroutine waiting for a journey or an ICE attempt. Owned by the deadline
/// event only; what completes early (the journey, the ICE attempt, a cancellation of the
/// awaiting coroutine) holds a weak reference: no cycle through the coroutine's frame.
struct PacketPaths::Waiter {
  std::optional<asio::any_completion_handler<void(boost::system::error_code)>> handler;
};

namespace {

void wake(Kernel& kernel, const std::weak_ptr<PacketPaths::Waiter>& slot, boost::system::error_code error = {}) {
  auto waiter = slot.lock();
  if (!waiter || !waiter->handler) return;
  auto handler = std::move(*waiter->handler);
  waiter->handler.reset();
  asio::post(kernel.io(), [handler = std::move(handler), error]() mutable { std::move(handler)(error); });
}

}  // namespace

store::Task<void> PacketPaths::wait(std::weak_ptr<Waiter>& slot, Duration deadline) {
  // As Kernel::sleep: a cancellation emitted on the awaiting coroutine's slot ends the wait at
  // once with operation_aborted (thrown into the coroutine), as it would end a virtual sleep.
  co_await asio::async_initiate<decltype(asio::use_awaitable), void(boost::system::error_code)>(
      [this, &slot, deadline](auto handler) {
        auto waiter = std::make_shared<Waiter>();
        auto cancellation = asio::get_associated_cancellation_slot(handler);
        waiter->handler.emplace(std::move(handler));
        slot = waiter;
        if (cancellation.is_connected()) {
          cancellation.assign([this, weak = std::weak_ptr<Waiter>(waiter)](asio::cancellation_type) {
            wake(kernel_, weak, asio::error::operation_aborted);
          });
        }
        kernel_.schedule(deadline - kernel_.now(), [this, waiter] { wake(kernel_, waiter); });
      },
      asio::use_awaitable);
}

// --- journeys -------------------------------------------------------------------------------------

struct PacketPaths::JourneyState final : Journey {
  std::uint64_t id = 0;
  std::vector<Leg> legs;
  std::size_t leg = 0;
  int trip = 0;                 // within legs[leg]
  std::uint64_t position = 0;   // trips delivered so far
  int transmission = 0;         // of the current trip
  std::optional<Arrival> result;
  std::function<void()> on_arrival;
  std::function<void()> on_lost;
  std::weak_ptr<Waiter> waiter;

  bool lost() const override { return result == Arrival::lost; }
  HostId sender() const { return legs[leg].trips > 0 && trip % 2 == 1 ? legs[leg].to : legs[leg].from; }
  HostId receiver() const { return trip % 2 == 1 ? legs[leg].from : legs[leg].to; }
  /// Skips legs with no trips; false when the journey is over.
  bool settle() {
    while (leg < legs.size() && trip >= legs[leg].trips) {
      ++leg;
      trip = 0;
    }
    return leg < legs.size();
  }
};

struct PacketPaths::WebrtcSockets {
  ns3::Ptr<ns3::Socket> dialer_socket;
  ns3::Ptr<ns3::Socket> listener_socket;
  Endpoint dialer_remote;    // where the dialer sends (ICE's selected pair)
  Endpoint listener_remote;
  HostId dialer;
  HostId listener;

  void close() {
    for (auto* socket : {&dialer_socket, &listener_socket}) {
      if (*socket) {
        (*socket)->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
        (*socket)->Close();
        *socket = nullptr;
      }
    }
  }
};

PacketPaths::PacketPaths(World& world, PacketOptions options)
    : world_(world), kernel_(world.kernel()), options_(std::move(options)) {
  build_topology();
}

PacketPaths::~PacketPaths() {
  for (auto& [id, sockets] : webrtc_) sockets->close();
  for (auto& [pair, sockets] : punched_) sockets->close();
  for (auto& socket : libp2p_) {
    if (socket) socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  }
}

std::function<std::unique_ptr<Paths>(World&)> packet_paths_factory(PacketOptions options) {
  return [options](World& world) -> std::unique_ptr<Paths> {
    return std::make_unique<PacketPaths>(world, options);
  };
}

// --- the network --------------------------------------------------------------------------------

/// A host's share of the deterministic one-way delay: half the network's floor plus its own
/// access floor (the STUN server: half the network's).
static Duration core_share(const World& world, HostId host) {
  return world.config().link.latency.floor() / 2 + world.hosts().access_latency(host).floor();
}

void PacketPaths::build_topology() {
  const WorldConfig& config = world_.config();
  const HostLayout& layout = world_.hosts();
  const std::size_t wallets = layout.wallet_count();
  const std::size_t hosts = layout.host_count();  // the world's and the STUN server, last
  ns3::RngSeedManager::SetSeed(20261125);
  ns3::RngSeedManager::SetRun(config.seed);
  topology_ = std::make_unique<Topology>();
  tcp_nats_.resize(wallets);
  auto spec = [&](HostId host) {
    CoreLinkSpec link;
    link.delay = core_share(world_, host);
    link.loss = config.link.loss;
    link.bits_per_second = options_.bits_per_second;
    return link;
  };
  // Topology host indices are host ids: the hosts are added in id order.
  for (WalletIndex w{0}; w.value < wallets; ++w.value) {
    WalletNode& node = world_.wallet(w.value);
    const HostId host = layout.host(w);
    if (!layout.behind_nat(host)) {
      topology_->add_public_host(layout.node_name(host), layout.public_ip(host), spec(host));
      continue;
    }
    NatConfig tcp = config.wallets[w.value].nat;
    tcp.mapping_timeout = kTcpMappingTimeout;
    tcp_nats_[w.value] = std::make_unique<NatBox>(tcp, layout.public_ip(host), stream_seed(config.seed, "nat-tcp", w.value));
    topology_->add_natted_host(layout.node_name(host), layout.lan_ip(w), layout.public_ip(host), &node.nat(),
                               tcp_nats_[w.value].get(), kLibp2pPort, spec(host));
  }
  for (HostId host = layout.host(RelayIndex{0}); host.value < hosts; ++host.value) {
    const auto index = topology_->add_public_host(layout.node_name(host), layout.public_ip(host), spec(host));
    if (host == layout.stun()) install_stun_server(topology_->node(index), kStunPort);
  }

  // The core drops what a partition separates; addresses the world does not know pass.
  topology_->set_filter([this](std::uint32_t src, std::uint32_t dst) {
    const HostLayout& layout = world_.hosts();
    auto a = layout.host_at(src);
    auto b = layout.host_at(dst);
    return a && b && layout.in_world(*a) && layout.in_world(*b) && !world_.reachable(*a, *b);
  });
  // The random part of each one-way delay, drawn per packet at the core (ICE's checks and
  // STUN included), from the sending host's stream.
  topology_->set_hold([this](std::uint32_t src, std::uint32_t dst) {
    auto a = world_.hosts().host_at(src);
    auto b = world_.hosts().host_at(dst);
    if (!a || !b) return Duration::zero();
    return jitter(*a, *b);
  });

  streams_.reserve(hosts);
  for (std::size_t h = 0; h < hosts; ++h) streams_.emplace_back(stream_seed(config.seed, "packet-host", h));
  learned_.resize(layout.world_host_count());
  for (HostId host{0}; layout.in_world(host); ++host.value) {
    auto socket = ns3::Socket::CreateSocket(topology_->node(host.value), ns3::UdpSocketFactory::GetTypeId());
    if (socket->Bind(to_ns3(Endpoint{topology_->local_ip(host.value), kLibp2pPort})) != 0) {
      throw std::runtime_error("packet backend: cannot bind the libp2p socket of " + layout.name(host));
    }
    socket->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>(
        [this, host](ns3::Ptr<ns3::Socket> s) { receive(host, s, true); }));
    libp2p_.push_back(socket);
  }
  if (!options_.pcap_directory.empty()) topology_->enable_pcap(options_.pcap_directory);
}

void PacketPaths::link_changed() {
  for (std::size_t h = 0; h < topology_->host_count(); ++h) {
    topology_->set_core_delay(h, core_share(world_, HostId{static_cast<std::uint32_t>(h)}));
    topology_->set_core_loss(h, world_.config().link.loss);
  }
}

std::uint64_t PacketPaths::packets() const { return topology_->packets_delivered(); }

std::vector<std::pair<std::string, std::uint64_t>> PacketPaths::named_counters() const {
  return {{"datagrams_sent", counters_.datagrams_sent},   {"retransmissions", counters_.retransmissions},
          {"hellos", counters_.hellos},                   {"journeys_lost", counters_.journeys_lost},
          {"ice_attempts", counters_.ice_attempts},       {"keepalives", counters_.keepalives},
          {"core_dropped", topology_->core()->dropped()}, {"core_held", topology_->core()->held()}};
}

Duration PacketPaths::jitter(HostId from, HostId to) {
  Stream& rng = streams_[from.value];
  auto rest = [&](const LatencyModel& model) {
    return model.kind == LatencyModel::Kind::fixed ? Duration::zero() : model.sample(rng) - model.floor();
  };
  const HostLayout& layout = world_.hosts();
  return rest(world_.config().link.latency) + rest(layout.access_latency(from)) + rest(layout.access_latency(to));
}

Duration PacketPaths::notice_delay(HostId from, HostId to) {
  return core_share(world_, from) + core_share(world_, to) + jitter(from, to);
}

// --- journeys -------------------------------------------------------------------------------------

std::shared_ptr<PacketPaths::JourneyState> PacketPaths::start(std::vector<Leg> legs, std::function<void()> on_arrival,
                                                               std::function<void()> on_lost) {
  auto journey = std::make_shared<JourneyState>();
  journey->id = next_journey_++;
  journey->legs = std::move(legs);
  journey->on_arrival = std::move(on_arrival);
  journey->on_lost = std::move(on_lost);
  if (!journey->settle()) {  // nothing to carry: arrived now
    journey->result = Arrival::arrived;
    if (journey->on_arrival) kernel_.schedule(Duration::zero(), std::move(journey->on_arrival));
    return journey;
  }
  in_flight_.emplace(journey->id, journey);
  transmit(journey);
  return journey;
}

JourneyPtr PacketPaths::depart(std::vector<Leg> legs) { return start(std::move(legs), {}, {}); }

void PacketPaths::post(std::vector<Leg> legs, std::function<void()> on_arrival, std::function<void()> on_lost) {
  start(std::move(legs), std::move(on_arrival), std::move(on_lost));
}

store::Task<Arrival> PacketPaths::arrive(JourneyPtr base, Duration deadline) {
  auto journey = std::static_pointer_cast<JourneyState>(base);
  if (!journey->result && deadline > kernel_.now()) co_await wait(journey->waiter, deadline);
  co_return journey->result.value_or(Arrival::late);
}

void PacketPaths::transmit(const std::shared_ptr<JourneyState>& journey) {
  const LinkConfig& link = world_.config().link;
  if (++journey->transmission > std::max(1, link.max_transmissions)) {
    finish(journey, Arrival::lost);
    return;
  }
  if (journey->transmission > 1) ++counters_.retransmissions;
  const std::uint64_t id = journey->id;
  const std::uint64_t position = journey->position;
  const int transmission = journey->transmission;
  send_datagram(journey, transmission);
  kernel_.schedule(link.retransmit_timeout, [this, id, position, transmission] {
    auto it = in_flight_.find(id);
    if (it == in_flight_.end()) return;
    auto journey = it->second;
    if (journey->position != position || journey->transmission != transmission) return;
    transmit(journey);
  });
}

void PacketPaths::send_datagram(const std::shared_ptr<JourneyState>& journey, int transmission) {
  const HostId from = journey->sender();
  const HostId to = journey->receiver();
  Header header;
  header.kind = Kind::trip;
  header.transmission = static_cast<std::uint8_t>(std::min(transmission, 255));
  header.sender = from.value;
  header.journey = journey->id;
  header.position = journey->position;
  // On a WebRTC connection between these two wallets: ICE's selected pair.
  const Leg& leg = journey->legs[journey->leg];
  if (auto it = webrtc_.find(leg.connection); it != webrtc_.end()) {
    const WebrtcSockets& sockets = *it->second;
    if ((from == sockets.dialer && to == sockets.listener) || (from == sockets.listener && to == sockets.dialer)) {
      const bool dialer = from == sockets.dialer;
      ++counters_.datagrams_sent;
      (dialer ? sockets.dialer_socket : sockets.listener_socket)
          ->SendTo(encode(header, leg.bytes), 0, to_ns3(dialer ? sockets.dialer_remote : sockets.listener_remote));
      return;
    }
  }
  // Over the libp2p sockets: a NATed receiver must have opened the flow first.
  std::optional<Endpoint> destination;
  const HostLayout& layout = world_.hosts();
  if (!layout.behind_nat(to)) {
    destination = Endpoint{layout.public_ip(to), kLibp2pPort};
  } else if (auto seen = learned_[from.value].find(to); seen != learned_[from.value].end()) {
    destination = seen->second;
  }
  if (!destination) {
    header.kind = Kind::hello;
    header.sender = to.value;
    ++counters_.hellos;
    ++counters_.datagrams_sent;
    libp2p_[to.value]->SendTo(encode(header), 0, to_ns3(Endpoint{layout.public_ip(from), kLibp2pPort}));
    return;
  }
  ++counters_.datagrams_sent;
  libp2p_[from.value]->SendTo(encode(header, leg.bytes), 0, to_ns3(*destination));
}

void PacketPaths::receive(HostId at, ns3::Ptr<ns3::Socket> socket, bool libp2p) {
  ns3::Address from;
  while (ns3::Ptr<ns3::Packet> packet = socket->RecvFrom(from)) {
    const auto header = decode(*packet);
    if (!header || !ns3::InetSocketAddress::IsMatchingType(from)) continue;
    const auto source = ns3::InetSocketAddress::ConvertFrom(from);
    const HostId sender{header->sender};
    if (libp2p && sender.value < learned_.size() && world_.hosts().behind_nat(sender)) {
      learned_[at.value][sender] = Endpoint{source.GetIpv4().Get(), source.GetPort()};
    }
    if (header->kind == Kind::keepalive) continue;
    auto it = in_flight_.find(header->journey);
    if (it == in_flight_.end()) continue;  // a late duplicate
    auto journey = it->second;
    if (journey->position != header->position) continue;
    if (header->kind == Kind::hello) {
      // The flow is open: the trip itself follows at once.
      if (at == journey->sender()) send_datagram(journey, journey->transmission);
      continue;
    }
    if (at != journey->receiver()) continue;
    ++journey->position;
    ++journey->trip;
    journey->transmission = 0;
    if (!journey->settle()) {
      finish(journey, Arrival::arrived);
    } else {
      transmit(journey);
    }
  }
  kernel_.drain();
}

void PacketPaths::finish(const std::shared_ptr<JourneyState>& journey, Arrival result) {
  journey->result = result;
  in_flight_.erase(journey->id);
  if (result == Arrival::lost) ++counters_.journeys_lost;
  wake(kernel_, journey->waiter);
  if (result == Arrival::arrived && journey->on_arrival) {
    auto action = std::move(journey->on_arrival);
    action();
  } else if (result == Arrival::lost && journey->on_lost) {
    auto action = std::move(journey->on_lost);
    action();
  }
}

void PacketPaths::nat_rebound(WalletIndex wallet) {
  // The world rebound the UDP table (the one ICE shares with the fast model); the NAT forgets
  // its libp2p (TCP stand-in) mappings too, and every peer the wallet's old address.
  if (wallet.value < tcp_nats_.size() && tcp_nats_[wallet.value]) tcp_nats_[wallet.value]->rebind();
  for (auto& seen : learned_) seen.erase(world_.hosts().host(wallet));
}

// --- WebRTC -------------------------------------------------------------------------------------

namespace {

struct PunchState {
  std::optional<PacketIceResult> result;
  bool abandoned = false;  // the dial stopped waiting: close whatever it yields
  std::weak_ptr<PacketPaths::Waiter> waiter;
};

}  // namespace

void PacketPaths::offer_created(WalletIndex dialer, WalletIndex listener) {
  const HostLayout& layout = world_.hosts();
  const Endpoint stun{layout.public_ip(layout.stun()), kStunPort};
  const std::size_t a_node = layout.host(dialer).value;  // topology index = host id
  const std::size_t b_node = layout.host(listener).value;
  const PacketIceSide a{topology_->node(a_node), topology_->local_ip(a_node), stun, Duration::zero()};
  const PacketIceSide b{topology_->node(b_node), topology_->local_ip(b_node), stun, Duration::zero()};
  offers_[{dialer, listener}].emplace_back(kernel_.now(), prepare_packet_ice(a, b, world_.config().ice));
}

store::Task<Punch> PacketPaths::punch(WalletIndex dialer, WalletIndex listener, Duration deadline) {
  ++counters_.ice_attempts;
  auto& queue = offers_[{dialer, listener}];
  while (!queue.empty() && queue.front().first + world_.config().ice.failed_timeout <= kernel_.now()) {
    queue.pop_front();  // its dial never got here; it has given its sockets back
  }
  if (queue.empty()) offer_created(dialer, listener);
  std::unique_ptr<PreparedIce> offer = std::move(queue.front().second);
  queue.pop_front();
  auto state = std::make_shared<PunchState>();
  offer->begin([this, state, dialer, listener](PacketIceResult result) {
    state->result = std::move(result);
    auto sockets = std::make_shared<WebrtcSockets>();
    sockets->dialer_socket = state->result->a_socket;
    sockets->listener_socket = state->result->b_socket;
    sockets->dialer_remote = state->result->outcome.a_remote;
    sockets->listener_remote = state->result->outcome.b_remote;
    sockets->dialer = world_.hosts().host(dialer);
    sockets->listener = world_.hosts().host(listener);
    state->result->a_socket = nullptr;
    state->result->b_socket = nullptr;
    if (state->abandoned || !state->result->outcome.connected) {
      sockets->close();
    } else {
      auto& slot = punched_[{dialer, listener}];
      if (slot) slot->close();
      slot = sockets;
    }
    wake(kernel_, state->waiter);
    kernel_.drain();
  });
  if (!state->result && deadline > kernel_.now()) co_await wait(state->waiter, deadline);
  if (!state->result) {
    state->abandoned = true;
    co_return Punch{false, false, "ICE still checking at the dial's deadline"};
  }
  co_return Punch{state->result->outcome.connected, true, state->result->outcome.detail};
}

void PacketPaths::connection_opened(const Connection& connection) {
  if (connection.type != store::ConnectionType::webrtc) return;
  auto it = punched_.find({WalletIndex{connection.dialer}, WalletIndex{connection.listener}});
  if (it == punched_.end()) return;
  auto sockets = it->second;
  punched_.erase(it);
  const HostId dialer = world_.wallet_host(connection.dialer);
  const HostId listener = world_.wallet_host(connection.listener);
  sockets->dialer_socket->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>(
      [this, dialer](ns3::Ptr<ns3::Socket> s) { receive(dialer, s, false); }));
  sockets->listener_socket->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>(
      [this, listener](ns3::Ptr<ns3::Socket> s) { receive(listener, s, false); }));
  webrtc_[connection.id] = sockets;
  const Duration interval = world_.config().transport.keepalive_interval;
  if (interval > Duration::zero()) {
    const std::uint64_t id = connection.id;
    kernel_.schedule(interval, [this, id] { keepalive(id, true); });
    kernel_.schedule(interval, [this, id] { keepalive(id, false); });
  }
}

void PacketPaths::connection_closed(const Connection& connection) {
  auto it = webrtc_.find(connection.id);
  if (it == webrtc_.end()) return;
  // Closed from a fresh event: the close may come from inside one of these sockets' own
  // receive callbacks (an arrival drains the stores), and ns-3 frees a callback replaced while
  // it runs.
  ns3::Simulator::ScheduleNow([sockets = it->second] { sockets->close(); });
  webrtc_.erase(it);
}

void PacketPaths::keepalive(std::uint64_t connection, bool from_dialer) {
  auto it = webrtc_.find(connection);
  if (it == webrtc_.end()) return;
  const WebrtcSockets& sockets = *it->second;
  Header header;
  header.kind = Kind::keepalive;
  header.sender = (from_dialer ? sockets.dialer : sockets.listener).value;
  ++counters_.keepalives;
  ++counters_.datagrams_sent;
  (from_dialer ? sockets.dialer_socket : sockets.listener_socket)
      ->SendTo(encode(header), 0, to_ns3(from_dialer ? sockets.dialer_remote : sockets.listener_remote));
  kernel_.schedule(world_.config().transport.keepalive_interval,
                   [this, connection, from_dialer] { keepalive(connection, from_dialer); });
}

}  // namespace connsim::sim::packet
