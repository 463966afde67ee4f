#include "sim/kernel.hpp"

#include <atomic>
#include <optional>
#include <cstdio>
#include <stdexcept>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/post.hpp>
#include <ns3/nstime.h>
#include <ns3/object-factory.h>
#include <ns3/simulator.h>

namespace connsim::sim {

namespace {
std::atomic<bool> kernel_alive{false};
}  // namespace

Kernel::Kernel() {
  if (kernel_alive.exchange(true)) {
    throw std::logic_error("connsim: only one simulation kernel may exist at a time (ns-3 is global)");
  }
  ns3::ObjectFactory scheduler;
  scheduler.SetTypeId("ns3::PriorityQueueScheduler");
  ns3::Simulator::SetScheduler(scheduler);
}

Kernel::~Kernel() {
  ns3::Simulator::Destroy();
  kernel_alive = false;
}

Duration Kernel::now() const { return Duration(ns3::Simulator::Now().GetNanoSeconds()); }

void Kernel::schedule_event(Duration delay, ns3::Ptr<ns3::EventImpl> event) {
  if (delay < Duration::zero()) delay = Duration::zero();
  ns3::Simulator::Schedule(ns3::NanoSeconds(delay.count()), event);
}

void Kernel::set_limits(std::optional<std::uint64_t> max_events,
                        std::optional<std::chrono::duration<double>> max_wall) {
  max_events_ = max_events;
  max_wall_ = max_wall;
  limited_ = max_events || max_wall;
  started_ = std::chrono::steady_clock::now();
  until_check_ = kCheckEvery;
}

void Kernel::check_limits() {
  until_check_ = kCheckEvery;
  if (stopped_early_) return;
  if (max_events_ && ns3::Simulator::GetEventCount() > *max_events_) {
    stopped_early_ = "more than " + std::to_string(*max_events_) + " simulator events";
  } else if (max_wall_ && std::chrono::steady_clock::now() - started_ > *max_wall_) {
    char text[64];
    std::snprintf(text, sizeof text, "more than %g s of wall time", max_wall_->count());
    stopped_early_ = text;
  }
  if (stopped_early_) ns3::Simulator::Stop();
}

void Kernel::run_until(Duration until) {
  drain();
  ns3::Simulator::Stop(ns3::NanoSeconds((until - now()).count()));
  ns3::Simulator::Run();
  drain();
}

store::Task<void> Kernel::sleep(Duration delay) {
  namespace asio = boost::asio;
  using Handler = asio::any_completion_handler<void(boost::system::error_code)>;
  // Completed once: by the kernel event after `delay`, or earlier by a cancellation emitted on
  // the awaiting coroutine's slot (then the coroutine sees operation_aborted at once).
  // Ownership: only the kernel event owns the pending handler. The slot (which lives in the
  // coroutine's frame) holds a weak reference, so a run that ends with the sleep pending frees
  // the handler, and with it the frame, when ns-3 destroys the event: no cycle.
  struct Pending {
    std::optional<Handler> handler;
  };
  auto complete = [this](const std::shared_ptr<Pending>& pending, boost::system::error_code error) {
    if (!pending->handler) return;
    Handler done = std::move(*pending->handler);
    pending->handler.reset();
    asio::post(io_, [done = std::move(done), error]() mutable { std::move(done)(error); });
  };
  co_await asio::async_initiate<decltype(asio::use_awaitable), void(boost::system::error_code)>(
      [this, delay, complete](auto handler) {
        auto pending = std::make_shared<Pending>();
        auto slot = asio::get_associated_cancellation_slot(handler);
        pending->handler.emplace(std::move(handler));
        if (slot.is_connected()) {
          slot.assign([complete, weak = std::weak_ptr<Pending>(pending)](asio::cancellation_type) {
            if (auto alive = weak.lock()) complete(alive, asio::error::operation_aborted);
          });
        }
        schedule(delay, [complete, pending] { complete(pending, {}); });
      },
      asio::use_awaitable);
}

void Kernel::drain() {
  if (io_.stopped()) io_.restart();
  io_.poll();
  io_.restart();
}

}  // namespace connsim::sim
