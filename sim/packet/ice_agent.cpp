#include "sim/packet/ice_agent.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-address.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/udp-socket-factory.h>

#include "sim/ice_candidates.hpp"
#include "sim/packet/stun.hpp"

// Ownership (no cycles, nothing outlives Simulator::Destroy):
// - Only scheduled ns-3 events own an Attempt (shared_ptr in their lambdas); the failure
//   timeout is always pending while it runs. The attempt keeps no EventId (an EventId owns its
//   event, which would own the attempt): stale events see `finished_` and do nothing.
// - Socket receive callbacks hold a weak_ptr. So a simulator destroyed mid-attempt frees the
//   pending events, hence the attempt, hence its last references to the sockets; the
//   attempt's destructor only drops references (no Close, no simulator call).
// - After `done`, the attempt is a shell (no sockets, no `done`) kept by its stale events,
//   at the latest until t0 + failed_timeout.
// - Never replace a socket's receive callback from inside that callback (ns-3 does not keep
//   the running callback alive): success found while receiving is delivered by a
//   ScheduleNow event, which clears the callbacks and calls `done`.

namespace connsim::sim::packet {
namespace {

using stun::Message;
using stun::MessageType;
using stun::TransactionId;

using ice::CandidateType;
using ice::format_ms;
using ice::mix;

using Remote = ice::RemoteCandidate;

struct Agent {
  char name = 'A';
  PacketIceSide side;
  ns3::Ptr<ns3::Socket> socket;
  Endpoint local;
  stun::TransactionIds ids{0};
  TransactionId gather_id{};
  int gather_requests = 0;
  bool gather_scheduled = false;  // a retransmission of the gathering request is pending
  std::optional<Endpoint> srflx;
  std::vector<Remote> remotes;
  std::optional<std::size_t> selected;
  std::vector<std::pair<TransactionId, Endpoint>> checks;  // every check sent: id -> target

  Remote* find(Endpoint address) { return ice::find_candidate(remotes, address); }
  void add(Endpoint address, CandidateType type) { ice::add_candidate(remotes, address, type); }
};

Duration since(ns3::Time from) {
  return Duration((ns3::Simulator::Now() - from).GetNanoSeconds());
}

ns3::Time to_time(Duration d) { return ns3::NanoSeconds(d.count()); }

ns3::InetSocketAddress to_ns3(Endpoint endpoint) {
  return ns3::InetSocketAddress(ns3::Ipv4Address(endpoint.ip), endpoint.port);
}



}  // namespace

class IceAttempt : public std::enable_shared_from_this<IceAttempt> {
 public:
  IceAttempt(const PacketIceSide& a, const PacketIceSide& b, const IceConfig& config)
      : config_(config), start_(ns3::Simulator::Now()), prepared_(start_) {
    agents_[0].name = 'A';
    agents_[0].side = a;
    agents_[1].name = 'B';
    agents_[1].side = b;
  }

  /// Binds both sockets and sends the first gathering requests (may throw: nothing is
  /// scheduled before the sockets are bound). The attempt's clock (t0) starts at begin().
  void prepare() {
    try {
      for (int side = 0; side < 2; ++side) bind(side);
    } catch (...) {
      for (Agent& agent : agents_) {
        if (agent.socket) agent.socket->Close();
      }
      throw;
    }
    const std::uint64_t seed = mix(static_cast<std::uint64_t>(start_.GetNanoSeconds())) ^
                               mix(std::uint64_t{agents_[0].side.node->GetId()} << 32 |
                                   agents_[1].side.node->GetId()) ^
                               mix(std::uint64_t{agents_[0].local.port} << 16 | agents_[1].local.port);
    auto self = shared_from_this();
    for (int side = 0; side < 2; ++side) {
      Agent& agent = agents_[side];
      agent.ids = stun::TransactionIds(mix(seed + static_cast<std::uint64_t>(side)));
      agent.gather_id = agent.ids.next();
      std::weak_ptr<IceAttempt> weak = self;
      agent.socket->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>(
          [weak, side](ns3::Ptr<ns3::Socket>) {
            if (auto attempt = weak.lock()) attempt->receive(side);
          }));
      gather(side);
    }
    // Never begun: give the sockets back failed_timeout after prepare.
    ns3::Simulator::Schedule(to_time(config_.failed_timeout), [self] {
      if (!self->begun_) self->abandon();
    });
  }

  /// t0 is now: the timeout is armed, and the checks start once both sides have gathered.
  void begin(std::function<void(PacketIceResult)> done) {
    done_ = std::move(done);
    begun_ = true;
    start_ = ns3::Simulator::Now();
    // Abandoned already (begun later than failed_timeout after prepare): no sockets, no checks;
    // it fails at its timeout like an attempt whose gathering never completed.
    finished_ = false;
    auto self = shared_from_this();
    ns3::Simulator::Schedule(to_time(config_.failed_timeout), [self] { self->time_out(); });
    if (abandoned_) return;
    // Gathering retransmits until t0 + failed_timeout: a side whose retransmissions stopped at
    // prepare + failed_timeout (a begin that came late) starts again now.
    for (int side = 0; side < 2; ++side) {
      if (!agents_[side].srflx && !agents_[side].gather_scheduled) gather(side);
    }
    if (agents_[0].srflx && agents_[1].srflx) exchange();
  }

  /// Prepared, never begun: close the sockets and stop (no `done` to call).
  void abandon() {
    if (begun_ || finished_) return;
    finished_ = true;
    abandoned_ = true;
    for (Agent& agent : agents_) {
      if (!agent.socket) continue;
      agent.socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
      agent.socket->Close();
      agent.socket = nullptr;
    }
  }

 private:
  void bind(int side) {
    Agent& agent = agents_[side];
    agent.socket = ns3::Socket::CreateSocket(agent.side.node, ns3::UdpSocketFactory::GetTypeId());
    if (agent.socket->Bind(to_ns3(Endpoint{agent.side.local_ip, 0})) != 0) {
      throw std::invalid_argument("start_packet_ice: cannot bind a UDP socket on the local_ip");
    }
    ns3::Address name;
    agent.socket->GetSockName(name);
    agent.local = Endpoint{agent.side.local_ip, ns3::InetSocketAddress::ConvertFrom(name).GetPort()};
  }

  bool due(Duration at) const { return at < config_.failed_timeout; }
  /// Gathering goes on until t0 + failed_timeout; before begin, until prepare + failed_timeout.
  bool gathering_due() const {
    return begun_ ? due(since(start_) + config_.check_interval) : due(since(prepared_) + config_.check_interval);
  }

  /// Sends (or retransmits, same transaction id) the gathering request; again every
  /// check_interval until answered or failed_timeout.
  void gather(int side) {
    Agent& agent = agents_[side];
    agent.gather_scheduled = false;
    if (finished_ || abandoned_ || agent.srflx) return;
    ++agent.gather_requests;
    agent.socket->SendTo(stun::to_packet(Message{MessageType::binding_request, agent.gather_id, {}}), 0,
                         to_ns3(agent.side.stun_server));
    if (gathering_due()) {
      agent.gather_scheduled = true;
      ns3::Simulator::Schedule(to_time(config_.check_interval),
                               [self = shared_from_this(), side] { self->gather(side); });
    }
  }

  /// Both sides have their srflx: the candidate lists cross (instantaneously) and each side
  /// ticks from max(its start_delay, now).
  void exchange() {
    for (int side = 0; side < 2; ++side) {
      const Agent& peer = agents_[1 - side];
      agents_[side].add(peer.local, CandidateType::host);
      agents_[side].add(*peer.srflx, CandidateType::srflx);
    }
    exchanged_ = true;
    for (int side = 0; side < 2; ++side) {
      const Duration first = std::max(agents_[side].side.start_delay, since(start_));
      if (!due(first)) continue;
      ns3::Simulator::Schedule(to_time(first - since(start_)),
                               [self = shared_from_this(), side] { self->tick(side); });
    }
  }

  bool checking(int side) const {
    return begun_ && exchanged_ && since(start_) >= agents_[side].side.start_delay;
  }

  void tick(int side) {
    if (finished_) return;
    Agent& agent = agents_[side];
    const int cap = config_.max_checks_per_pair;
    for (std::size_t i = 0; i < agent.remotes.size(); ++i) {
      Remote& remote = agent.remotes[i];
      if (!take_check_turn(remote, cap)) continue;
      const TransactionId id = agent.ids.next();
      agent.checks.emplace_back(id, remote.address);
      ++checks_sent_;
      agent.socket->SendTo(stun::to_packet(Message{MessageType::binding_request, id, {}}), 0,
                           to_ns3(remote.address));
    }
    if (due(since(start_) + config_.check_interval)) {
      ns3::Simulator::Schedule(to_time(config_.check_interval),
                               [self = shared_from_this(), side] { self->tick(side); });
    }
  }

  void receive(int side) {
    Agent& agent = agents_[side];
    ns3::Address from;
    while (!finished_) {
      const ns3::Ptr<ns3::Packet> packet = agent.socket->RecvFrom(from);
      if (!packet) return;
      const std::optional<Message> message = stun::from_packet(*packet);
      if (!message || !ns3::InetSocketAddress::IsMatchingType(from)) {
        ++ignored_;
        continue;
      }
      const auto address = ns3::InetSocketAddress::ConvertFrom(from);
      handle(side, *message, Endpoint{address.GetIpv4().Get(), address.GetPort()});
    }
  }

  void handle(int side, const Message& message, Endpoint source) {
    Agent& agent = agents_[side];
    if (message.type == MessageType::binding_request) {
      if (!checking(side)) {
        ++not_started_;
        return;
      }
      ++delivered_checks_;
      agent.add(source, CandidateType::prflx);
      Remote* from = agent.find(source);
      if (!from->succeeded) from->triggered = true;
      agent.socket->SendTo(stun::to_packet(Message{MessageType::binding_success, message.transaction, source}),
                           0, to_ns3(source));
      return;
    }
    if (!message.mapped) {
      ++ignored_;
      return;
    }
    if (!agent.srflx && message.transaction == agent.gather_id) {
      agent.srflx = message.mapped;
      if (agents_[1 - side].srflx && begun_) exchange();
      return;
    }
    const Endpoint* target = nullptr;
    for (const auto& [id, to] : agent.checks) {
      if (id == message.transaction) target = &to;
    }
    if (target == nullptr) {
      ++ignored_;  // a late gathering response, or foreign
      return;
    }
    if (source != *target) {
      ++non_symmetric_;
      return;
    }
    ++delivered_responses_;
    Remote* checked = agent.find(*target);
    checked->succeeded = true;
    if (!agent.selected) agent.selected = static_cast<std::size_t>(checked - agent.remotes.data());
    if (agents_[0].selected && agents_[1].selected) {
      finish(true);
      // Inside a receive callback: hand over from a fresh event (see the top of this file).
      ns3::Simulator::ScheduleNow([self = shared_from_this()] { self->deliver(); });
    }
  }

  void time_out() {
    if (finished_) return;
    finish(false);
    deliver();
  }

  void finish(bool connected) {
    finished_ = true;
    IceOutcome& outcome = result_.outcome;
    outcome.connected = connected;
    outcome.elapsed = connected ? since(start_) : config_.failed_timeout;
    outcome.checks_sent = checks_sent_;
    if (connected) {
      outcome.a_remote = agents_[0].remotes[*agents_[0].selected].address;
      outcome.b_remote = agents_[1].remotes[*agents_[1].selected].address;
    }
    outcome.detail = detail(outcome);
    result_.a_local = agents_[0].local;
    result_.b_local = agents_[1].local;
  }

  /// Clears the callbacks, drops queued datagrams, closes the sockets on failure, and calls
  /// `done` with everything released first.
  void deliver() {
    for (Agent& agent : agents_) {
      if (!agent.socket) continue;  // abandoned
      agent.socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
      while (agent.socket->Recv()) {
      }
      if (!result_.outcome.connected) agent.socket->Close();
    }
    if (result_.outcome.connected) {
      result_.a_socket = agents_[0].socket;
      result_.b_socket = agents_[1].socket;
    }
    for (Agent& agent : agents_) {
      agent.socket = nullptr;
      agent.side.node = nullptr;
    }
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::move(result_));
  }

  std::string detail(const IceOutcome& outcome) const {
    std::string text;
    if (outcome.connected) {
      text = ice::connected_text(outcome.elapsed, agents_);
    } else {
      text = "failed after " + format_ms(outcome.elapsed) + ": ";
      if (!exchanged_) {
        text += "gathering did not complete (";
        for (const Agent& agent : agents_) {
          text += std::string(1, agent.name) + ": " +
                  (agent.srflx ? "srflx " + to_string(*agent.srflx)
                               : std::to_string(agent.gather_requests) + " STUN requests unanswered") +
                  (agent.name == 'A' ? ", " : ");");
        }
      } else {
        text += ice::unconnected_text(agents_);
      }
    }
    text += " " + std::to_string(checks_sent_) + " checks sent, " + std::to_string(delivered_checks_) +
            " delivered, " + std::to_string(delivered_responses_) + " symmetric responses; ignored: " +
            std::to_string(non_symmetric_) + " non-symmetric responses, " + std::to_string(not_started_) +
            " checks before start, " + std::to_string(ignored_) + " malformed, late or foreign datagrams";
    return text;
  }

  std::array<Agent, 2> agents_;
  IceConfig config_;
  ns3::Time start_;     // t0: begin()
  ns3::Time prepared_;  // prepare()
  bool begun_ = false;
  bool abandoned_ = false;
  std::function<void(PacketIceResult)> done_;
  PacketIceResult result_;
  bool exchanged_ = false;
  bool finished_ = false;
  int checks_sent_ = 0;
  int delivered_checks_ = 0;
  int delivered_responses_ = 0;
  int non_symmetric_ = 0;
  int not_started_ = 0;
  int ignored_ = 0;
};

namespace {

void require(bool condition, const char* what) {
  if (!condition) throw std::invalid_argument(std::string("start_packet_ice: ") + what);
}

}  // namespace

void install_stun_server(ns3::Ptr<ns3::Node> node, std::uint16_t port) {
  if (!node || node->GetObject<ns3::UdpSocketFactory>() == nullptr) {
    throw std::invalid_argument("install_stun_server: the node needs the internet stack");
  }
  ns3::Ptr<ns3::Socket> socket = ns3::Socket::CreateSocket(node, ns3::UdpSocketFactory::GetTypeId());
  if (socket->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port)) != 0) {
    throw std::invalid_argument("install_stun_server: cannot bind the port");
  }
  // The socket's own receive callback: it captures nothing, so no cycle with the socket.
  socket->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>([](ns3::Ptr<ns3::Socket> s) {
    ns3::Address from;
    while (const ns3::Ptr<ns3::Packet> packet = s->RecvFrom(from)) {
      const std::optional<Message> request = stun::from_packet(*packet);
      if (!request || request->type != MessageType::binding_request ||
          !ns3::InetSocketAddress::IsMatchingType(from)) {
        continue;
      }
      const auto source = ns3::InetSocketAddress::ConvertFrom(from);
      const Endpoint mapped{source.GetIpv4().Get(), source.GetPort()};
      s->SendTo(stun::to_packet(Message{MessageType::binding_success, request->transaction, mapped}), 0, from);
    }
  }));
}

PreparedIce::PreparedIce(std::shared_ptr<IceAttempt> attempt) : attempt_(std::move(attempt)) {}

PreparedIce::~PreparedIce() {
  if (!begun_) attempt_->abandon();
}

void PreparedIce::begin(std::function<void(PacketIceResult)> done) {
  if (begun_) throw std::logic_error("PreparedIce::begin: the attempt has begun already");
  require(static_cast<bool>(done), "done must be callable");
  begun_ = true;
  attempt_->begin(std::move(done));
}

std::unique_ptr<PreparedIce> prepare_packet_ice(const PacketIceSide& a, const PacketIceSide& b,
                                                const IceConfig& config) {
  for (const PacketIceSide* side : {&a, &b}) {
    require(side->node != nullptr, "both sides need a node");
    require(side->node->GetObject<ns3::UdpSocketFactory>() != nullptr, "the nodes need the internet stack");
    require(side->local_ip != 0, "local_ip must be set");
    require(side->stun_server.ip != 0 && side->stun_server.port != 0, "stun_server must be set");
    require(side->start_delay >= Duration::zero(), "start_delay must not be negative");
  }
  require(a.node != b.node, "the sides must be on different nodes");
  require(config.check_interval > Duration::zero(), "check_interval must be positive");
  require(config.failed_timeout >= Duration::zero(), "failed_timeout must not be negative");
  auto attempt = std::make_shared<IceAttempt>(a, b, config);
  attempt->prepare();
  return std::make_unique<PreparedIce>(std::move(attempt));
}

void start_packet_ice(const PacketIceSide& a, const PacketIceSide& b, const IceConfig& config,
                      std::function<void(PacketIceResult)> done) {
  require(static_cast<bool>(done), "done must be callable");
  prepare_packet_ice(a, b, config)->begin(std::move(done));
}

}  // namespace connsim::sim::packet
