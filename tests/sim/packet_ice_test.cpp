#define BOOST_TEST_MODULE sim.packet_ice
#include "sim/packet/ice_agent.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <ns3/inet-socket-address.h>
#include <ns3/simulator.h>
#include <ns3/udp-socket-factory.h>

#include "sim/ice.hpp"
#include "sim/kernel.hpp"
#include "sim/packet/stun.hpp"
#include "sim/packet/topology.hpp"

using namespace std::chrono_literals;
using namespace connsim::sim;
using namespace connsim::sim::packet;
namespace stun = connsim::sim::packet::stun;

namespace {

// The addresses of simulate_ice, so the two worlds differ only in being packets.
constexpr std::uint32_t kStunIp = ipv4(192, 0, 2, 1);
constexpr std::uint16_t kStunPort = 3478;
constexpr std::uint32_t kAPublic = ipv4(203, 0, 113, 1);
constexpr std::uint32_t kBPublic = ipv4(198, 51, 100, 2);
constexpr std::uint32_t kAPrivate = ipv4(192, 168, 1, 2);
constexpr std::uint32_t kBPrivate = ipv4(10, 0, 0, 2);
// Host <-> core 25 ms each way: host to host 50 ms one way, as simulate_ice's default. The STUN
// server is 10 ms from the core: a STUN round trip is 2 x (25 + 10) = 70 ms.
constexpr Duration kHostDelay = 25ms;
constexpr Duration kStunDelay = 10ms;
constexpr Duration kStunRoundTrip = 2 * (kHostDelay + kStunDelay);
constexpr Duration kStart = 1s;  // the attempt starts here, not at zero

long long us(Duration d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count(); }

/// One packet world: A and B (each public or behind its own NAT node), a STUN server, a
/// kernel. The boxes outlive the topology and the kernel (member order).
class World {
 public:
  explicit World(const NatConfig& a_nat, const NatConfig& b_nat, std::uint16_t stun_port = kStunPort,
                 bool install_stun = true) {
    a_ = add('a', a_nat, kAPrivate, kAPublic, a_udp_, a_tcp_);
    b_ = add('b', b_nat, kBPrivate, kBPublic, b_udp_, b_tcp_);
    stun_ = topology_.add_public_host("stun", kStunIp, CoreLinkSpec{.delay = kStunDelay});
    if (install_stun) connsim::sim::packet::install_stun_server(topology_.node(stun_), stun_port);
  }

  PacketIceSide a(Duration start_delay = Duration::zero()) const { return side(a_, start_delay); }
  PacketIceSide b(Duration start_delay = Duration::zero()) const { return side(b_, start_delay); }
  ns3::Ptr<ns3::Node> stun_node() const { return topology_.node(stun_); }
  Kernel& kernel() { return kernel_; }
  ns3::Ptr<ns3::Node> a_node() const { return topology_.node(a_); }

  struct Run {
    std::optional<PacketIceResult> result;
    Duration done_at{};
    int calls = 0;
  };

  /// Starts an attempt at kStart and runs until `done` (which stops the simulator).
  std::shared_ptr<Run> run(const PacketIceSide& a, const PacketIceSide& b, const IceConfig& config = {}) {
    auto run = std::make_shared<Run>();
    kernel_.schedule(kStart, [=, this] {
      connsim::sim::packet::start_packet_ice(a, b, config, [run, this](PacketIceResult result) {
        run->result = std::move(result);
        run->done_at = kernel_.now();
        ++run->calls;
        ns3::Simulator::Stop();
      });
      BOOST_TEST(run->calls == 0);  // never synchronous
    });
    kernel_.run_until(kStart + config.failed_timeout + 1s);
    return run;
  }

  /// Prepares an attempt at kStart and begins it `gap` later (in the same event when zero);
  /// runs until `done` (which stops the simulator). done_at counts from time zero.
  std::shared_ptr<Run> run_prepared(const PacketIceSide& a, const PacketIceSide& b, Duration gap,
                                    const IceConfig& config = {}) {
    auto run = std::make_shared<Run>();
    auto handle = std::make_shared<std::unique_ptr<PreparedIce>>();
    auto begin = [run, handle, this] {
      (*handle)->begin([run, this](PacketIceResult result) {
        run->result = std::move(result);
        run->done_at = kernel_.now();
        ++run->calls;
        ns3::Simulator::Stop();
      });
      BOOST_TEST(run->calls == 0);  // never synchronous
    };
    kernel_.schedule(kStart, [=] {
      *handle = connsim::sim::packet::prepare_packet_ice(a, b, config);
      if (gap == Duration::zero()) begin();
    });
    if (gap > Duration::zero()) kernel_.schedule(kStart + gap, begin);
    kernel_.run_until(kStart + gap + config.failed_timeout + 1s);
    return run;
  }

 private:
  Topology::HostIndex add(char name, const NatConfig& nat, std::uint32_t private_ip, std::uint32_t public_ip,
                          std::optional<NatBox>& udp, std::optional<NatBox>& tcp) {
    const CoreLinkSpec link{.delay = kHostDelay};
    if (nat.public_host) return topology_.add_public_host(std::string(1, name), public_ip, link);
    udp.emplace(nat, public_ip, static_cast<std::uint64_t>(name));
    tcp.emplace(nat, public_ip, static_cast<std::uint64_t>(name) + 100);
    return topology_.add_natted_host(std::string(1, name), private_ip, public_ip, &*udp, &*tcp, 4001, link);
  }

  PacketIceSide side(Topology::HostIndex host, Duration start_delay) const {
    return PacketIceSide{topology_.node(host), topology_.local_ip(host), Endpoint{kStunIp, kStunPort},
                         start_delay};
  }

  std::optional<NatBox> a_udp_, a_tcp_, b_udp_, b_tcp_;
  Kernel kernel_;
  Topology topology_;
  Topology::HostIndex a_ = 0, b_ = 0, stun_ = 0;
};

IceOutcome model(const NatConfig& a, const NatConfig& b, const IceConfig& config = {},
                 Duration a_delay = Duration::zero(), Duration b_delay = Duration::zero()) {
  return connsim::sim::simulate_ice(
      IceSetup{.a_nat = a, .b_nat = b, .one_way_latency = 50ms, .a_start_delay = a_delay, .b_start_delay = b_delay},
      config);
}

PacketIceResult punch_on_packets(const NatConfig& a, const NatConfig& b, const IceConfig& config = {},
                       Duration a_delay = Duration::zero(), Duration b_delay = Duration::zero()) {
  World world(a, b);
  auto run = world.run(world.a(a_delay), world.b(b_delay), config);
  BOOST_TEST_REQUIRE(run->calls == 1);
  BOOST_TEST(us(run->done_at - kStart) == us(run->result->outcome.elapsed));
  return *run->result;
}

/// Public host first, then the nine mapping x filtering combinations, mapping-major.
std::vector<NatConfig> all_nats() {
  std::vector<NatConfig> out{NatConfig::none()};
  for (NatBehaviour m : connsim::sim::all_nat_behaviours) {
    for (NatBehaviour f : connsim::sim::all_nat_behaviours) out.push_back(NatConfig::of(m, f));
  }
  return out;
}

}  // namespace

// The cross-check: for every pair of (public, 9 RFC 4787 combinations), the packet world
// connects exactly when the message model does, and on success takes the model's time plus the
// gathering round trip (plus microseconds of serialization).
BOOST_AUTO_TEST_CASE(matrix_matches_the_message_model) {
  const auto nats = all_nats();
  Duration min_extra = Duration::max();
  Duration max_extra = Duration::min();
  int connected = 0;
  for (const NatConfig& a : nats) {
    for (const NatConfig& b : nats) {
      BOOST_TEST_CONTEXT(describe(a) << " <-> " << describe(b)) {
        const IceOutcome expected = model(a, b);
        const PacketIceResult got = punch_on_packets(a, b);
        BOOST_TEST(got.outcome.connected == expected.connected, got.outcome.detail << " | model: " << expected.detail);
        if (got.outcome.connected && expected.connected) {
          ++connected;
          const Duration extra = got.outcome.elapsed - expected.elapsed;
          min_extra = std::min(min_extra, extra);
          max_extra = std::max(max_extra, extra);
          BOOST_TEST(extra >= kStunRoundTrip, got.outcome.detail << " | model: " << expected.detail);
          BOOST_TEST(extra <= kStunRoundTrip + 1ms, got.outcome.detail << " | model: " << expected.detail);
        } else if (!got.outcome.connected) {
          BOOST_TEST(got.outcome.elapsed == IceConfig{}.failed_timeout);
          BOOST_TEST(!got.a_socket);
          BOOST_TEST(!got.b_socket);
        }
      }
    }
  }
  BOOST_TEST_MESSAGE("connected cells: " << connected << "; packet elapsed - model elapsed in ["
                                          << us(min_extra) << ", " << us(max_extra) << "] us");
}

BOOST_AUTO_TEST_CASE(failure_takes_failed_timeout) {
  IceConfig config;
  config.failed_timeout = 5s;
  const PacketIceResult got = punch_on_packets(NatConfig::symmetric(), NatConfig::symmetric(), config);
  BOOST_TEST(!got.outcome.connected);
  BOOST_TEST(us(got.outcome.elapsed) == us(5s));
  BOOST_TEST(got.outcome.detail.starts_with("failed after 5000 ms"), got.outcome.detail);
  // Same number of checks as the model: the rules are the same, only shifted in time.
  BOOST_TEST(got.outcome.checks_sent == model(NatConfig::symmetric(), NatConfig::symmetric(), config).checks_sent);
}

BOOST_AUTO_TEST_CASE(no_stun_answer_fails_at_failed_timeout) {
  IceConfig config;
  config.failed_timeout = 3s;
  World world(NatConfig::full_cone(), NatConfig::full_cone(), kStunPort, /*install_stun=*/false);
  auto run = world.run(world.a(), world.b(), config);
  BOOST_TEST_REQUIRE(run->calls == 1);
  BOOST_TEST(!run->result->outcome.connected);
  BOOST_TEST(us(run->done_at - kStart) == us(3s));
  BOOST_TEST(run->result->outcome.checks_sent == 0);
  // One request at the start and one per check_interval while the next is before 3 s.
  BOOST_TEST(run->result->outcome.detail.find("15 STUN requests unanswered") != std::string::npos,
             run->result->outcome.detail);
}

// start_delay counts from the attempt's start, and checks begin no earlier than gathering's
// end (tg, one STUN round trip in): with B delayed 1 s, A ticks from tg and B from 1 s, which
// is the model with A delayed by tg, to the microsecond; a delay shorter than tg changes
// nothing.
BOOST_AUTO_TEST_CASE(start_delay_counts_from_the_attempt_start) {
  for (const auto& [a, b] : {std::pair{NatConfig::full_cone(), NatConfig::port_restricted_cone()},
                             std::pair{NatConfig::restricted_cone(), NatConfig::symmetric()},
                             std::pair{NatConfig::port_restricted_cone(), NatConfig::symmetric()},
                             std::pair{NatConfig::symmetric(), NatConfig::none()}}) {
    BOOST_TEST_CONTEXT(describe(a) << " <-> " << describe(b)) {
      const PacketIceResult got = punch_on_packets(a, b, {}, Duration::zero(), 1s);
      BOOST_TEST(got.outcome.connected == model(a, b, {}, Duration::zero(), 1s).connected, got.outcome.detail);
      const IceOutcome aligned = model(a, b, {}, kStunRoundTrip, 1s);
      BOOST_TEST(got.outcome.connected == aligned.connected, got.outcome.detail << " | model: " << aligned.detail);
      BOOST_TEST(got.outcome.checks_sent == aligned.checks_sent);
      if (got.outcome.connected) {
        BOOST_TEST(got.outcome.elapsed >= 1s + 100ms);  // B's first check and its answer
        BOOST_TEST(got.outcome.elapsed - aligned.elapsed >= Duration::zero());
        BOOST_TEST(got.outcome.elapsed - aligned.elapsed <= 1ms);
      }
      const PacketIceResult short_delay = punch_on_packets(a, b, {}, Duration::zero(), 30ms);
      const PacketIceResult no_delay = punch_on_packets(a, b);
      BOOST_TEST((short_delay.outcome == no_delay.outcome), short_delay.outcome.detail);
    }
  }
  // A start delay past failed_timeout: that side never checks.
  IceConfig config;
  config.failed_timeout = 2s;
  const PacketIceResult late = punch_on_packets(NatConfig::full_cone(), NatConfig::full_cone(), config, 3s);
  BOOST_TEST(!late.outcome.connected);
  BOOST_TEST(late.outcome.checks_sent == model(NatConfig::full_cone(), NatConfig::full_cone(), config, 3s).checks_sent);
}

BOOST_AUTO_TEST_CASE(deterministic) {
  for (const auto& [a, b] : {std::pair{NatConfig::of(NatBehaviour::address_dependent, NatBehaviour::endpoint_independent),
                                       NatConfig::of(NatBehaviour::address_and_port_dependent,
                                                     NatBehaviour::address_dependent)},
                             std::pair{NatConfig::symmetric(), NatConfig::port_restricted_cone()}}) {
    const PacketIceResult first = punch_on_packets(a, b);
    const PacketIceResult second = punch_on_packets(a, b);
    BOOST_TEST((first.outcome == second.outcome), first.outcome.detail << " | " << second.outcome.detail);
    BOOST_TEST((first.a_local == second.a_local));
    BOOST_TEST((first.b_local == second.b_local));
  }
}

// The sockets handed over on success carry data both ways through the NATs along the selected
// pair; STUN stragglers are the receiver's to ignore.
BOOST_AUTO_TEST_CASE(sockets_returned_on_success_carry_data) {
  for (const auto& [a, b] : {std::pair{NatConfig::symmetric(), NatConfig::full_cone()},
                             std::pair{NatConfig::port_restricted_cone(), NatConfig::port_restricted_cone()},
                             std::pair{NatConfig::none(), NatConfig::symmetric()}}) {
    BOOST_TEST_CONTEXT(describe(a) << " <-> " << describe(b)) {
      World world(a, b);
      auto run = world.run(world.a(), world.b());
      BOOST_TEST_REQUIRE(run->calls == 1);
      PacketIceResult& result = *run->result;
      BOOST_TEST_REQUIRE(result.outcome.connected, result.outcome.detail);
      BOOST_TEST_REQUIRE(result.a_socket);
      BOOST_TEST_REQUIRE(result.b_socket);
      auto received = std::make_shared<std::vector<std::string>>();
      auto listen = [received](const char* who) {
        return ns3::Callback<void, ns3::Ptr<ns3::Socket>>([received, who](ns3::Ptr<ns3::Socket> socket) {
          while (auto p = socket->Recv()) {
            std::string text(p->GetSize(), '\0');
            p->CopyData(reinterpret_cast<std::uint8_t*>(text.data()), p->GetSize());
            if (text.starts_with("data")) received->push_back(std::string(who) + ":" + text);
          }
        });
      };
      result.a_socket->SetRecvCallback(listen("a"));
      result.b_socket->SetRecvCallback(listen("b"));
      const auto send = [](ns3::Ptr<ns3::Socket> socket, Endpoint to, const std::string& text) {
        socket->SendTo(ns3::Create<ns3::Packet>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), 0,
                       ns3::InetSocketAddress(ns3::Ipv4Address(to.ip), to.port));
      };
      send(result.a_socket, result.outcome.a_remote, "data from a");
      send(result.b_socket, result.outcome.b_remote, "data from b");
      world.kernel().run_until(world.kernel().now() + 500ms);
      BOOST_TEST(received->size() == 2u);
      BOOST_TEST((std::find(received->begin(), received->end(), "b:data from a") != received->end()));
      BOOST_TEST((std::find(received->begin(), received->end(), "a:data from b") != received->end()));
      result.a_socket->Close();
      result.b_socket->Close();
    }
  }
}

// A STUN server that sends garbage and a foreign response to the requester before the real
// answer: the agent ignores each and still connects.
BOOST_AUTO_TEST_CASE(malformed_datagrams_are_ignored) {
  constexpr std::uint16_t kNoisyPort = 3479;
  World world(NatConfig::none(), NatConfig::full_cone(), kNoisyPort, /*install_stun=*/false);
  ns3::Ptr<ns3::Socket> server = ns3::Socket::CreateSocket(world.stun_node(), ns3::UdpSocketFactory::GetTypeId());
  BOOST_TEST_REQUIRE(server->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), kStunPort)) == 0);
  server->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>([](ns3::Ptr<ns3::Socket> s) {
    ns3::Address from;
    while (auto p = s->RecvFrom(from)) {
      const auto request = stun::from_packet(*p);
      if (!request) continue;
      const auto source = ns3::InetSocketAddress::ConvertFrom(from);
      stun::Message answer{stun::MessageType::binding_success, request->transaction,
                           Endpoint{source.GetIpv4().Get(), source.GetPort()}};
      std::vector<std::uint8_t> wrong_cookie = stun::encode(answer);
      wrong_cookie[5] ^= 0xff;
      std::vector<std::uint8_t> truncated = stun::encode(answer);
      truncated.resize(27);
      stun::Message foreign = answer;
      foreign.transaction[0] ^= 0xff;
      s->SendTo(ns3::Create<ns3::Packet>(), 0, from);
      s->SendTo(ns3::Create<ns3::Packet>(wrong_cookie.data(), wrong_cookie.size()), 0, from);
      s->SendTo(ns3::Create<ns3::Packet>(truncated.data(), truncated.size()), 0, from);
      s->SendTo(stun::to_packet(foreign), 0, from);
      s->SendTo(stun::to_packet(answer), 0, from);
    }
  }));
  auto run = world.run(world.a(), world.b());
  BOOST_TEST_REQUIRE(run->calls == 1);
  const IceOutcome& outcome = run->result->outcome;
  BOOST_TEST(outcome.connected, outcome.detail);
  // Four per side.
  BOOST_TEST(outcome.detail.find("8 malformed, late or foreign datagrams") != std::string::npos, outcome.detail);
  run->result->a_socket->Close();
  run->result->b_socket->Close();
}

BOOST_AUTO_TEST_CASE(done_is_never_synchronous) {
  IceConfig config;
  config.failed_timeout = Duration::zero();
  World world(NatConfig::full_cone(), NatConfig::full_cone());
  auto run = world.run(world.a(), world.b(), config);
  BOOST_TEST_REQUIRE(run->calls == 1);
  BOOST_TEST(!run->result->outcome.connected);
  BOOST_TEST(us(run->done_at) == us(kStart));
}

// The kernel (hence the simulator) ends mid-attempt: no crash, `done` never runs, and the
// attempt (which owns `done`) is freed.
BOOST_AUTO_TEST_CASE(simulator_destroyed_mid_attempt) {
  std::weak_ptr<int> token_alive;
  bool called = false;
  for (const Duration stop_at : {kStart, kStart + 30ms, kStart + 150ms}) {
    {
      World world(NatConfig::port_restricted_cone(), NatConfig::symmetric());
      auto token = std::make_shared<int>(0);
      token_alive = token;
      world.kernel().schedule(kStart, [&world, &called, token = std::move(token)]() mutable {
        connsim::sim::packet::start_packet_ice(world.a(), world.b(), {},
                                               [&called, token](PacketIceResult) { called = true; });
        token.reset();
      });
      world.kernel().run_until(stop_at);
      BOOST_TEST(!token_alive.expired());
    }
    BOOST_TEST(token_alive.expired());
    BOOST_TEST(!called);
  }
}

BOOST_AUTO_TEST_CASE(attempt_is_freed_after_done) {
  World world(NatConfig::full_cone(), NatConfig::restricted_cone());
  std::weak_ptr<int> token_alive;
  bool called = false;
  {
    auto token = std::make_shared<int>(0);
    token_alive = token;
    world.kernel().schedule(kStart, [&world, &called, token = std::move(token)]() mutable {
      connsim::sim::packet::start_packet_ice(world.a(), world.b(), {},
                                             [&called, token](PacketIceResult result) {
                                               called = true;
                                               result.a_socket->Close();
                                               result.b_socket->Close();
                                             });
      token.reset();
    });
  }
  world.kernel().run_until(kStart + 1s);
  BOOST_TEST(called);
  BOOST_TEST(token_alive.expired());  // `done` released as soon as it ran
}

BOOST_AUTO_TEST_CASE(preconditions) {
  World world(NatConfig::full_cone(), NatConfig::full_cone());
  const auto done = [](PacketIceResult) {};
  IceConfig zero_interval;
  zero_interval.check_interval = Duration::zero();
  BOOST_CHECK_THROW(connsim::sim::packet::start_packet_ice(world.a(), world.b(), zero_interval, done),
                    std::invalid_argument);
  PacketIceSide no_node = world.a();
  no_node.node = nullptr;
  BOOST_CHECK_THROW(connsim::sim::packet::start_packet_ice(no_node, world.b(), {}, done), std::invalid_argument);
  BOOST_CHECK_THROW(connsim::sim::packet::start_packet_ice(world.a(), world.a(), {}, done), std::invalid_argument);
  BOOST_CHECK_THROW(connsim::sim::packet::start_packet_ice(world.a(), world.b(-1ms), {}, done),
                    std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// prepare_packet_ice / PreparedIce::begin: gathering from prepare, t0 at begin.

namespace {

/// Stands in for the STUN server on kStunPort of the world's STUN node (build the World with
/// install_stun = false): records each binding request's source and arrival, and answers it as
/// install_stun_server does when `answer`.
struct StunLog {
  std::vector<Endpoint> sources;
  std::vector<Duration> times;
  int from(std::uint32_t ip) const {
    return static_cast<int>(std::count_if(sources.begin(), sources.end(), [ip](Endpoint e) { return e.ip == ip; }));
  }
};

std::shared_ptr<StunLog> recording_stun_server(World& world, bool answer) {
  auto log = std::make_shared<StunLog>();
  ns3::Ptr<ns3::Socket> server = ns3::Socket::CreateSocket(world.stun_node(), ns3::UdpSocketFactory::GetTypeId());
  BOOST_TEST_REQUIRE(server->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), kStunPort)) == 0);
  server->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>([log, answer, &world](ns3::Ptr<ns3::Socket> s) {
    ns3::Address from;
    while (auto p = s->RecvFrom(from)) {
      const auto request = stun::from_packet(*p);
      if (!request || request->type != stun::MessageType::binding_request) continue;
      const auto source = ns3::InetSocketAddress::ConvertFrom(from);
      const Endpoint mapped{source.GetIpv4().Get(), source.GetPort()};
      log->sources.push_back(mapped);
      log->times.push_back(world.kernel().now());
      if (answer) {
        s->SendTo(stun::to_packet(stun::Message{stun::MessageType::binding_success, request->transaction, mapped}),
                  0, from);
      }
    }
  }));
  return log;
}

/// Whether a fresh UDP socket on `node` can bind `endpoint` (it cannot while another socket
/// has it); the probe socket is closed again.
bool can_bind(ns3::Ptr<ns3::Node> node, Endpoint endpoint) {
  ns3::Ptr<ns3::Socket> probe = ns3::Socket::CreateSocket(node, ns3::UdpSocketFactory::GetTypeId());
  const bool bound = probe->Bind(ns3::InetSocketAddress(ns3::Ipv4Address(endpoint.ip), endpoint.port)) == 0;
  probe->Close();
  return bound;
}

}  // namespace

// Gathering during the signalling is free: begun 300 ms after prepare (gathering took one STUN
// round trip, 70 ms), the attempt connects exactly when run_ice does, in run_ice's time plus
// microseconds of serialization (start_packet_ice pays the round trip on top), and fails at
// failed_timeout after begin with the model's number of checks.
BOOST_AUTO_TEST_CASE(prepared_gathering_during_the_signalling_costs_nothing) {
  int connected = 0;
  int failed = 0;
  for (const auto& [a, b] : {std::pair{NatConfig::full_cone(), NatConfig::port_restricted_cone()},
                             std::pair{NatConfig::none(), NatConfig::symmetric()},
                             std::pair{NatConfig::restricted_cone(), NatConfig::symmetric()},
                             std::pair{NatConfig::port_restricted_cone(), NatConfig::symmetric()},
                             std::pair{NatConfig::symmetric(), NatConfig::symmetric()}}) {
    BOOST_TEST_CONTEXT(describe(a) << " <-> " << describe(b)) {
      const IceOutcome expected = model(a, b);
      const PacketIceResult unprepared = punch_on_packets(a, b);  // one kernel at a time: before the world
      World world(a, b);
      auto run = world.run_prepared(world.a(), world.b(), 300ms);
      BOOST_TEST_REQUIRE(run->calls == 1);
      const IceOutcome& got = run->result->outcome;
      BOOST_TEST(got.connected == expected.connected, got.detail << " | model: " << expected.detail);
      BOOST_TEST(us(run->done_at - (kStart + 300ms)) == us(got.elapsed));
      if (got.connected && expected.connected) {
        ++connected;
        BOOST_TEST(got.elapsed >= expected.elapsed, got.detail << " | model: " << expected.detail);
        BOOST_TEST(us(got.elapsed - expected.elapsed) < 100, got.detail << " | model: " << expected.detail);
        // start_packet_ice gathers after its start: one STUN round trip (and its serialization) more.
        BOOST_TEST(unprepared.outcome.connected);
        BOOST_TEST(unprepared.outcome.elapsed - got.elapsed >= kStunRoundTrip);
        BOOST_TEST(us(unprepared.outcome.elapsed - got.elapsed) < us(kStunRoundTrip) + 100);
        run->result->a_socket->Close();
        run->result->b_socket->Close();
      } else if (!got.connected) {
        ++failed;
        BOOST_TEST(us(got.elapsed) == us(IceConfig{}.failed_timeout));
        BOOST_TEST(got.checks_sent == expected.checks_sent);
        BOOST_TEST(!run->result->a_socket);
        BOOST_TEST(!run->result->b_socket);
      }
    }
  }
  BOOST_TEST(connected >= 2);
  BOOST_TEST(failed >= 2);
}

// Begun in the same event as prepare, the attempt is start_packet_ice's: the same outcome (to
// the detail string), the same sockets, done at the same instant.
BOOST_AUTO_TEST_CASE(begin_at_once_is_start_packet_ice) {
  for (const auto& [a, b] : {std::pair{NatConfig::full_cone(), NatConfig::port_restricted_cone()},
                             std::pair{NatConfig::symmetric(), NatConfig::none()},
                             std::pair{NatConfig::symmetric(), NatConfig::port_restricted_cone()}}) {
    BOOST_TEST_CONTEXT(describe(a) << " <-> " << describe(b)) {
      std::shared_ptr<World::Run> prepared;
      std::shared_ptr<World::Run> started;
      {
        World world(a, b);
        prepared = world.run_prepared(world.a(), world.b(), Duration::zero());
        if (prepared->result && prepared->result->a_socket) prepared->result->a_socket->Close();
        if (prepared->result && prepared->result->b_socket) prepared->result->b_socket->Close();
      }
      {
        World world(a, b);
        started = world.run(world.a(), world.b());
        if (started->result && started->result->a_socket) started->result->a_socket->Close();
        if (started->result && started->result->b_socket) started->result->b_socket->Close();
      }
      BOOST_TEST_REQUIRE(prepared->calls == 1);
      BOOST_TEST_REQUIRE(started->calls == 1);
      BOOST_TEST((prepared->result->outcome == started->result->outcome),
                 prepared->result->outcome.detail << " | " << started->result->outcome.detail);
      BOOST_TEST(us(prepared->done_at) == us(started->done_at));
      BOOST_TEST((prepared->result->a_local == started->result->a_local));
      BOOST_TEST((prepared->result->b_local == started->result->b_local));
    }
  }
}

// A handle destroyed before begin gives its sockets back at once (their endpoints can be bound
// again) and stops gathering (no more retransmissions); the simulation runs on unharmed.
BOOST_AUTO_TEST_CASE(prepared_handle_destroyed_without_begin_closes_its_sockets) {
  IceConfig config;
  config.failed_timeout = 2s;
  World world(NatConfig::none(), NatConfig::none(), kStunPort, /*install_stun=*/false);
  auto log = recording_stun_server(world, /*answer=*/false);
  std::unique_ptr<PreparedIce> handle;
  world.kernel().schedule(kStart,
                          [&] { handle = connsim::sim::packet::prepare_packet_ice(world.a(), world.b(), config); });
  world.kernel().run_until(kStart + 300ms);
  BOOST_TEST_REQUIRE(handle);
  BOOST_TEST(log->from(kAPublic) == 2);  // at 0 and 200 ms
  BOOST_TEST(log->from(kBPublic) == 2);
  const Endpoint a_local = log->sources.front().ip == kAPublic ? log->sources.front() : log->sources.at(1);
  BOOST_TEST_REQUIRE(a_local.ip == kAPublic);
  BOOST_TEST(!can_bind(world.a_node(), a_local));  // the agent's socket has it
  handle.reset();
  BOOST_TEST(can_bind(world.a_node(), a_local));
  world.kernel().run_until(kStart + config.failed_timeout + 2s);
  BOOST_TEST(log->sources.size() == 4u);  // nothing sent after the handle went
}

// A prepared attempt never begun is abandoned failed_timeout after prepare: its sockets are
// closed then (not earlier), gathering retransmits until then, and nothing breaks as the
// simulation runs on or when the handle goes afterwards.
BOOST_AUTO_TEST_CASE(prepared_never_begun_is_abandoned_at_failed_timeout) {
  for (const bool answer : {false, true}) {
    BOOST_TEST_CONTEXT("STUN answers: " << answer) {
      IceConfig config;
      config.failed_timeout = 2s;
      World world(NatConfig::none(), NatConfig::none(), kStunPort, /*install_stun=*/false);
      auto log = recording_stun_server(world, answer);
      std::unique_ptr<PreparedIce> handle;
      world.kernel().schedule(kStart,
                              [&] { handle = connsim::sim::packet::prepare_packet_ice(world.a(), world.b(), config); });
      world.kernel().run_until(kStart + 1900ms);
      BOOST_TEST_REQUIRE(!log->sources.empty());
      const Endpoint a_local = log->sources.front().ip == kAPublic ? log->sources.front() : log->sources.at(1);
      BOOST_TEST_REQUIRE(a_local.ip == kAPublic);
      BOOST_TEST(!can_bind(world.a_node(), a_local));
      world.kernel().run_until(kStart + config.failed_timeout + 1ms);
      BOOST_TEST(can_bind(world.a_node(), a_local));
      world.kernel().run_until(kStart + 10s);
      // Unanswered: one request every check_interval while the next is before failed_timeout.
      BOOST_TEST(log->from(kAPublic) == (answer ? 1 : 10));
      BOOST_TEST(log->from(kBPublic) == (answer ? 1 : 10));
      BOOST_TEST(log->times.back() < kStart + config.failed_timeout);
      handle.reset();
      world.kernel().run_until(kStart + 11s);
    }
  }
}

BOOST_AUTO_TEST_CASE(begin_twice_or_without_done_throws) {
  World world(NatConfig::full_cone(), NatConfig::full_cone());
  std::unique_ptr<PreparedIce> handle;
  int first = 0;
  int second = 0;
  std::optional<PacketIceResult> result;
  world.kernel().schedule(kStart, [&] {
    handle = connsim::sim::packet::prepare_packet_ice(world.a(), world.b(), {});
    BOOST_CHECK_THROW(handle->begin({}), std::invalid_argument);
    // The rejected call began nothing.
    handle->begin([&](PacketIceResult r) {
      ++first;
      result = std::move(r);
    });
    BOOST_CHECK_THROW(handle->begin([&](PacketIceResult) { ++second; }), std::logic_error);
  });
  world.kernel().run_until(kStart + 5s);
  BOOST_TEST(first == 1);
  BOOST_TEST(second == 0);
  BOOST_TEST_REQUIRE(result.has_value());
  BOOST_TEST(result->outcome.connected, result->outcome.detail);
  handle.reset();  // after begin: the handle no longer owns the sockets
  world.kernel().run_until(kStart + 6s);
  BOOST_TEST_REQUIRE(result->a_socket);
  BOOST_TEST_REQUIRE(result->b_socket);
  BOOST_TEST(!can_bind(world.a_node(), result->a_local));  // still open
  result->a_socket->Close();
  result->b_socket->Close();
}

// Begun after the prepared attempt was abandoned (later than failed_timeout after prepare),
// even on a punchable pair: `done` exactly once, not connected, failed_timeout after begin.
BOOST_AUTO_TEST_CASE(begin_after_abandon_fails_at_its_own_timeout) {
  IceConfig config;
  config.failed_timeout = 2s;
  World world(NatConfig::full_cone(), NatConfig::full_cone());
  std::unique_ptr<PreparedIce> handle;
  int calls = 0;
  Duration done_at{};
  std::optional<PacketIceResult> result;
  world.kernel().schedule(kStart,
                          [&] { handle = connsim::sim::packet::prepare_packet_ice(world.a(), world.b(), config); });
  world.kernel().schedule(kStart + 3s, [&] {
    handle->begin([&](PacketIceResult r) {
      ++calls;
      done_at = world.kernel().now();
      result = std::move(r);
    });
    BOOST_TEST(calls == 0);
  });
  world.kernel().run_until(kStart + 3s + config.failed_timeout + 3s);
  BOOST_TEST_REQUIRE(calls == 1);
  BOOST_TEST(us(done_at) == us(kStart + 3s + config.failed_timeout));
  BOOST_TEST(!result->outcome.connected, result->outcome.detail);
  BOOST_TEST(us(result->outcome.elapsed) == us(config.failed_timeout));
  BOOST_TEST(!result->a_socket);
  BOOST_TEST(!result->b_socket);
}

// Gathering retransmits until t0 + failed_timeout, t0 being begin: a begin late in the prepare
// window restarts retransmissions that stopped at prepare + failed_timeout, so a STUN server
// that answers only from then on still lets the attempt gather and connect.
BOOST_AUTO_TEST_CASE(gathering_goes_on_until_begin_plus_failed_timeout) {
  IceConfig config;
  config.failed_timeout = 2s;
  World world(NatConfig::full_cone(), NatConfig::full_cone(), kStunPort, /*install_stun=*/false);
  std::unique_ptr<PreparedIce> handle;
  std::shared_ptr<StunLog> log;
  std::optional<PacketIceResult> result;
  world.kernel().schedule(kStart,
                          [&] { handle = connsim::sim::packet::prepare_packet_ice(world.a(), world.b(), config); });
  world.kernel().schedule(kStart + 1850ms, [&] { log = recording_stun_server(world, true); });
  world.kernel().schedule(kStart + 1900ms, [&] {
    handle->begin([&](PacketIceResult r) { result = std::move(r); });
  });
  world.kernel().run_until(kStart + 1900ms + config.failed_timeout + 1s);
  BOOST_TEST_REQUIRE(result.has_value());
  BOOST_TEST(result->outcome.connected, result->outcome.detail);
  BOOST_TEST_REQUIRE(log);
  BOOST_TEST(log->from(kAPublic) >= 1);
  if (result->a_socket) result->a_socket->Close();
  if (result->b_socket) result->b_socket->Close();
}
