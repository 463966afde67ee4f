#include "sim/message_paths.hpp"

#include <algorithm>

#include "sim/hole_punch.hpp"
#include "sim/world.hpp"

namespace connsim::sim {

namespace {

/// A journey whose every delay was drawn at departure.
class DrawnJourney final : public Journey {
 public:
  explicit DrawnJourney(std::optional<Duration> total) : total_(total) {}
  bool lost() const override { return !total_; }
  Duration total() const { return *total_; }

 private:
  std::optional<Duration> total_;
};

}  // namespace

MessagePaths::MessagePaths(World& world) : world_(world), kernel_(world.kernel()) {
  const std::size_t hosts = world.hosts().world_host_count();
  streams_.reserve(hosts);
  for (std::size_t h = 0; h < hosts; ++h) streams_.emplace_back(stream_seed(world.config().seed, "host", h));
}

Duration MessagePaths::one_way(HostId from, HostId to) {
  Stream& rng = streams_[from.value];
  Duration delay = world_.config().link.latency.sample(rng);
  auto access = [&](HostId host) { return world_.hosts().access_latency(host).sample(rng); };
  return delay + access(from) + access(to);
}

std::optional<Duration> MessagePaths::trip(HostId from, HostId to) {
  Duration total = Duration::zero();
  const LinkConfig& link = world_.config().link;
  for (int transmission = 1; transmission <= std::max(1, link.max_transmissions); ++transmission) {
    if (!streams_[from.value].chance(link.loss)) return total + one_way(from, to);
    total += link.retransmit_timeout;
  }
  return std::nullopt;
}

std::optional<Duration> MessagePaths::travel(const Leg& leg) {
  Duration total = Duration::zero();
  for (int i = 0; i < leg.trips; ++i) {
    auto one = i % 2 == 0 ? trip(leg.from, leg.to) : trip(leg.to, leg.from);
    if (!one) return std::nullopt;
    total += *one;
  }
  return total;
}

std::optional<Duration> MessagePaths::draw(std::span<const Leg> legs) {
  std::optional<Duration> total = Duration::zero();
  for (const Leg& leg : legs) {
    auto stretch = travel(leg);
    if (!stretch) {
      total.reset();
    } else if (total) {
      *total += *stretch;
    }
  }
  return total;
}

JourneyPtr MessagePaths::depart(std::vector<Leg> legs) { return std::make_shared<DrawnJourney>(draw(legs)); }

store::Task<Arrival> MessagePaths::arrive(JourneyPtr journey, Duration deadline) {
  const auto& drawn = static_cast<const DrawnJourney&>(*journey);
  if (drawn.lost()) co_return Arrival::lost;
  co_return co_await world_.wait_within(drawn.total(), deadline) ? Arrival::arrived : Arrival::late;
}

void MessagePaths::post(std::vector<Leg> legs, std::function<void()> on_arrival,
                        std::function<void()> on_lost) {
  post_inline(legs, std::move(on_arrival), [&on_lost] {
    if (on_lost) on_lost();
  });
}

store::Task<Punch> MessagePaths::punch(WalletIndex dialer, WalletIndex listener, Duration deadline) {
  const HostId a = world_.hosts().host(dialer);
  const HostId b = world_.hosts().host(listener);
  // ICE's checks travel the direct path: across a partition none gets through, as between two
  // NATs that cannot be punched.
  const HolePunchResult result =
      world_.reachable(a, b) ? punch_hole(world_, dialer, listener, one_way(a, b))
                             : HolePunchResult{false, world_.config().ice.failed_timeout, "partitioned"};
  const bool in_time = co_await world_.wait_within(result.elapsed, deadline);
  co_return Punch{result.connected, in_time, result.detail};
}

}  // namespace connsim::sim
