#include "sim/ice.hpp"

#include "sim/ice_candidates.hpp"

#include <array>
#include <optional>
#include <queue>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <vector>

namespace connsim::sim {
namespace {

using ice::CandidateType;
using ice::format_ms;
using ice::mix;

using Candidate = ice::RemoteCandidate;

struct Agent {
  char name;
  NatBox* nat;
  Endpoint local;
  Duration start_delay;
  std::vector<Candidate> remotes;
  std::optional<std::size_t> selected;  // index into remotes of the first succeeded pair

  Candidate* find(Endpoint address) { return ice::find_candidate(remotes, address); }
  void add(Endpoint address, CandidateType type) { ice::add_candidate(remotes, address, type); }
};

struct Packet {
  Endpoint src;  // after the sender's NAT
  Endpoint dst;
  bool response = false;
  Endpoint check_target;  // for a response: where the answered check was sent
};

struct Event {
  Duration at;  // since the attempt's start
  std::uint64_t seq;
  int side;  // the agent that ticks or receives
  bool tick;
  Packet packet;
};

struct LaterFirst {
  bool operator()(const Event& x, const Event& y) const {
    return std::tie(x.at, x.seq) > std::tie(y.at, y.seq);
  }
};



class Attempt {
 public:
  Attempt(const IceHost& a, const IceHost& b, Duration latency, Duration start,
          const IceConfig& config)
      : agents_{Agent{'A', a.nat, a.local, a.start_delay, {}, {}},
                Agent{'B', b.nat, b.local, b.start_delay, {}, {}}},
        latency_(latency),
        start_(start),
        config_(config) {
    // Gathering: each side's host and srflx candidates, handed to the peer by signalling.
    const Endpoint a_srflx = a.nat->outbound(a.local, a.stun_server, start);
    const Endpoint b_srflx = b.nat->outbound(b.local, b.stun_server, start);
    agents_[0].add(b.local, CandidateType::host);
    agents_[0].add(b_srflx, CandidateType::srflx);
    agents_[1].add(a.local, CandidateType::host);
    agents_[1].add(a_srflx, CandidateType::srflx);
  }

  IceOutcome run() {
    for (int side = 0; side < 2; ++side) {
      if (agents_[side].start_delay < config_.failed_timeout) {
        push(Event{agents_[side].start_delay, 0, side, true, {}});
      }
    }
    IceOutcome outcome;
    while (!events_.empty()) {
      const Event event = events_.top();
      events_.pop();
      if (event.at >= config_.failed_timeout) break;
      if (event.tick) {
        tick(event.side, event.at);
      } else {
        arrive(event.side, event.packet, event.at);
      }
      if (agents_[0].selected && agents_[1].selected) {
        outcome.connected = true;
        outcome.elapsed = event.at;
        break;
      }
    }
    if (!outcome.connected) outcome.elapsed = config_.failed_timeout;
    outcome.checks_sent = checks_sent_;
    outcome.detail = detail(outcome);
    if (outcome.connected) {
      outcome.a_remote = agents_[0].remotes[*agents_[0].selected].address;
      outcome.b_remote = agents_[1].remotes[*agents_[1].selected].address;
    }
    return outcome;
  }

 private:
  void push(Event event) {
    event.seq = next_seq_++;
    events_.push(event);
  }

  void tick(int side, Duration at) {
    Agent& agent = agents_[side];
    const int cap = config_.max_checks_per_pair;
    // Index loop: sending never adds candidates to the sender, but keep it robust.
    for (std::size_t i = 0; i < agent.remotes.size(); ++i) {
      if (!take_check_turn(agent.remotes[i], cap)) continue;
      ++checks_sent_;
      send(side, agent.remotes[i].address, Packet{}, at);
    }
    const Duration next = at + config_.check_interval;
    if (next < config_.failed_timeout) push(Event{next, 0, side, true, {}});
  }

  /// Sends `packet` (src/dst filled in here) from `side`'s socket to `dst` at `at`.
  void send(int side, Endpoint dst, Packet packet, Duration at) {
    Agent& agent = agents_[side];
    const int peer = 1 - side;
    packet.src = agent.nat->outbound(agent.local, dst, start_ + at);
    packet.dst = dst;
    if (dst.ip != agents_[peer].nat->public_ip()) {
      ++unroutable_;  // a private address (or anything but the peer's public IP)
      return;
    }
    push(Event{at + latency_, 0, peer, false, packet});
  }

  void arrive(int side, const Packet& packet, Duration at) {
    Agent& agent = agents_[side];
    const auto internal = agent.nat->inbound(packet.src, packet.dst, start_ + at);
    if (!internal || *internal != agent.local) {
      ++filtered_[side];
      return;
    }
    if (at < agent.start_delay) {
      ++not_started_;
      return;
    }
    if (!packet.response) {
      ++delivered_checks_;
      agent.add(packet.src, CandidateType::prflx);
      Candidate* from = agent.find(packet.src);
      if (!from->succeeded) from->triggered = true;
      send(side, packet.src, Packet{{}, {}, true, packet.dst}, at);
      return;
    }
    if (packet.src != packet.check_target) {
      ++non_symmetric_;
      return;
    }
    ++delivered_responses_;
    Candidate* checked = agent.find(packet.check_target);
    if (checked == nullptr) return;  // cannot happen: checks go only to known candidates
    checked->succeeded = true;
    if (!agent.selected) agent.selected = static_cast<std::size_t>(checked - agent.remotes.data());
  }

  std::string nat_name(int side) const { return describe(agents_[side].nat->config()); }

  std::string detail(const IceOutcome& outcome) const {
    std::string text = outcome.connected ? ice::connected_text(outcome.elapsed, agents_)
                                         : "failed after " + format_ms(outcome.elapsed) + ": " +
                                               ice::unconnected_text(agents_);
    text += " " + std::to_string(checks_sent_) + " checks sent, " +
            std::to_string(delivered_checks_) + " delivered, " +
            std::to_string(delivered_responses_) +
            " symmetric responses; dropped: " + std::to_string(unroutable_) + " unroutable, " +
            std::to_string(filtered_[0]) + " filtered by A's NAT (" + nat_name(0) + "), " +
            std::to_string(filtered_[1]) + " filtered by B's NAT (" + nat_name(1) + "), " +
            std::to_string(non_symmetric_) + " non-symmetric responses, " +
            std::to_string(not_started_) + " before start";
    return text;
  }

  std::array<Agent, 2> agents_;
  Duration latency_;
  Duration start_;
  IceConfig config_;
  std::priority_queue<Event, std::vector<Event>, LaterFirst> events_;
  std::uint64_t next_seq_ = 0;
  int checks_sent_ = 0;
  int delivered_checks_ = 0;
  int delivered_responses_ = 0;
  std::array<int, 2> filtered_{};
  int unroutable_ = 0;
  int non_symmetric_ = 0;
  int not_started_ = 0;
};

void require(bool condition, const char* what) {
  if (!condition) throw std::invalid_argument(std::string("run_ice: ") + what);
}

}  // namespace

IceOutcome run_ice(const IceHost& a, const IceHost& b, Duration one_way_latency, Duration start,
                   const IceConfig& config) {
  require(a.nat != nullptr && b.nat != nullptr, "both hosts need a NAT box");
  require(a.nat != b.nat && a.nat->public_ip() != b.nat->public_ip(),
          "the hosts must be behind different public IPs");
  for (const IceHost* host : {&a, &b}) {
    require(!host->nat->config().public_host || host->local.ip == host->nat->public_ip(),
            "a public host's socket must be on its public IP");
    require(
        host->stun_server.ip != a.nat->public_ip() && host->stun_server.ip != b.nat->public_ip(),
        "the STUN server must be neither host");
    require(host->start_delay >= Duration::zero(), "start_delay must not be negative");
  }
  require(config.check_interval > Duration::zero(), "check_interval must be positive");
  require(one_way_latency >= Duration::zero(), "one_way_latency must not be negative");
  return Attempt(a, b, one_way_latency, start, config).run();
}

IceOutcome simulate_ice(const IceSetup& setup, const IceConfig& config) {
  const Endpoint stun{ipv4(192, 0, 2, 1), 3478};
  const std::uint32_t a_public = ipv4(203, 0, 113, 1);
  const std::uint32_t b_public = ipv4(198, 51, 100, 2);
  NatBox a_nat(setup.a_nat, a_public, mix(setup.seed ^ 0xa));
  NatBox b_nat(setup.b_nat, b_public, mix(setup.seed ^ 0xb));
  const Endpoint a_local =
      setup.a_nat.public_host ? Endpoint{a_public, 5000} : Endpoint{ipv4(192, 168, 1, 2), 5000};
  const Endpoint b_local =
      setup.b_nat.public_host ? Endpoint{b_public, 5000} : Endpoint{ipv4(10, 0, 0, 2), 5000};
  return run_ice(IceHost{&a_nat, a_local, stun, setup.a_start_delay},
                 IceHost{&b_nat, b_local, stun, setup.b_start_delay}, setup.one_way_latency,
                 Duration::zero(), config);
}

}  // namespace connsim::sim
