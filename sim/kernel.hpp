// Kernel: one simulated run's event loop and virtual time, on ns-3's Simulator with the
// PriorityQueueScheduler. It also owns the Asio io_context the wallets' stores run on: every
// kernel event is followed by draining that context, so a coroutine resumed by an event runs
// at that event's virtual time. Single-threaded; deterministic given the order of scheduling.
//
// ns-3 keeps global state: at most one Kernel may exist at a time (checked), and its
// destructor calls Simulator::Destroy so the next run starts clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <ns3/event-impl.h>
#include <ns3/ptr.h>

#include "store/async.hpp"
#include "store/clock.hpp"

namespace connsim::sim {

using store::Duration;
namespace asio = boost::asio;

class Kernel {
 public:
  Kernel();
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  /// Virtual time since the start of the run.
  Duration now() const;
  /// Runs `action` (any callable, move-only included) after `delay` (clamped at zero), then
  /// drains the store executor. Actions at the same time run in the order they were scheduled.
  /// One allocation per event: the action lives in the ns-3 event itself.
  template <typename F>
  void schedule(Duration delay, F&& action);
  /// Runs every event up to and including `until`, then stops with now() == until.
  void run_until(Duration until);
  /// Completes after `delay` of virtual time, resuming the awaiting coroutine on the store
  /// executor at that time.
  store::Task<void> sleep(Duration delay);
  /// Runs whatever is ready on the store executor, until nothing is.
  void drain();

  boost::asio::io_context& io() { return io_; }
  boost::asio::any_io_executor executor() { return io_.get_executor(); }
  /// Kernel events executed so far.
  std::uint64_t events_executed() const { return events_executed_; }

  /// A safety net for runaway runs: run_until stops early once the simulator has executed
  /// more than `max_events` events (all of ns-3's, packets included) or the run has taken
  /// more than `max_wall` of real time. Checked every kCheckEvery kernel events, so a run
  /// stops at most that many kernel events late. Unset: no limit.
  void set_limits(std::optional<std::uint64_t> max_events, std::optional<std::chrono::duration<double>> max_wall);
  /// Why the run stopped before its end ("more than N simulator events", "more than S s of
  /// wall time"), or nullopt.
  const std::optional<std::string>& stopped_early() const { return stopped_early_; }

 private:
  static constexpr std::uint32_t kCheckEvery = 1024;
  void check_limits();
  template <typename F>
  class Event;
  void schedule_event(Duration delay, ns3::Ptr<ns3::EventImpl> event);
  void after_event() {
    ++events_executed_;
    if (limited_ && --until_check_ == 0) check_limits();
  }

  // Single-threaded by construction: the unsafe hint drops the scheduler's locking.
  boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE};
  std::uint64_t events_executed_ = 0;
  bool limited_ = false;
  std::uint32_t until_check_ = kCheckEvery;
  std::optional<std::uint64_t> max_events_;
  std::optional<std::chrono::duration<double>> max_wall_;
  std::chrono::steady_clock::time_point started_;
  std::optional<std::string> stopped_early_;
};

/// An ns-3 event that owns its action: counts itself, runs the action, drains the executor.
template <typename F>
class Kernel::Event final : public ns3::EventImpl {
 public:
  Event(Kernel& kernel, F action) : kernel_(kernel), action_(std::move(action)) {}

 protected:
  void Notify() override {
    kernel_.after_event();
    action_();
    kernel_.drain();
  }

 private:
  Kernel& kernel_;
  F action_;
};

template <typename F>
void Kernel::schedule(Duration delay, F&& action) {
  using Action = std::decay_t<F>;
  schedule_event(delay, ns3::Ptr<ns3::EventImpl>(new Event<Action>(*this, Action(std::forward<F>(action))), false));
}

}  // namespace connsim::sim
