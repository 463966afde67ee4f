// JavaScript's order of execution for the store: the seed is a Pinia store running on V8, and
// where it awaits, other work runs first, in the order V8 runs it. This header models that
// order for the C++ port; nothing in it knows a simulator.
//
// The model (docs/DESIGN.md, "The store runs in V8's order"):
//   - A macrotask is one entry into the store from outside: an action started, a network event
//     delivered, an asynchronous operation of the node (dial, send, sleep) completed. After each
//     one the microtask queue is drained (a microtask checkpoint), before the next macrotask.
//   - js::Promise<T> is both a promise and the return type of an async function: a coroutine
//     returning it starts at once and runs synchronously to its first co_await, like a call to
//     an async function. Its co_return resolves the promise (queueing its reactions).
//   - `co_await p` always suspends and resumes as a microtask queued when p settles (at once
//     when it already has): one tick, as V8 awaits a native promise or a value.
//   - js::all is Promise.all: members already started; each settled member's element is stored
//     one tick after it settles; the result settles with the last one (a rejection at once).
//   - js::race is Promise.race: settles one tick after the first member settles.
//   - js::pinia_action is what Pinia's option-store wrapper adds to an async action:
//     `ret.then(after).catch(onError)`, so the action's caller sees it settle two ticks after
//     its body returned (a rejection four), and `after` runs one tick after the body returned.
//   - js::from_task starts an Asio operation (the node's Task) and gives its promise: the
//     operation's completion is a macrotask that settles the promise. js::set_timeout is
//     setTimeout on the store's Clock. js::to_task awaits a promise from Asio code.
//   - js::CancelScope is an AbortController whose signal the work started inside it carries
//     (musig2's cancel_on_timeout; JavaScript threads the signal through AsyncLocalStorage, the
//     port through the scope an async function captures when it starts). cancel() is abort():
//     every wait of the work in flight (an operation started by from_task) rejects at once, in
//     the order the waits started, with js::abort_error() ("This operation was aborted", the
//     AbortError of AbortSignal's default reason), and its Asio operation is cancelled; a wait
//     started later rejects at once. Nothing else throws: code checks js::aborted() where the
//     JavaScript checks signal.aborted.
// The queue is per thread, as V8's is per agent: every store on one thread shares it.
#pragma once

#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "store/async.hpp"

namespace connsim::store::js {

/// One queued piece of work: move-only, run once.
class Job {
 public:
  Job() = default;
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Job>>>
  explicit Job(F function) : impl_(std::make_unique<Impl<std::decay_t<F>>>(std::move(function))) {}
  void operator()() { impl_->run(); }
  explicit operator bool() const { return impl_ != nullptr; }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void run() = 0;
  };
  template <typename F>
  struct Impl final : Base {
    explicit Impl(F f) : function(std::move(f)) {}
    void run() override { function(); }
    F function;
  };
  std::unique_ptr<Base> impl_;
};

/// The microtask queue of this thread, and the macrotasks that arrived while it drained.
class Microtasks {
 public:
  /// This thread's queue.
  static Microtasks& current();

  /// Queues a microtask (a promise reaction): it runs in this or the next checkpoint, after
  /// every microtask queued before it.
  void enqueue(Job job) { jobs_.push_back(std::move(job)); }
  /// A microtask checkpoint: runs every queued microtask, those they queue included, in FIFO
  /// order; then each macrotask deferred meanwhile, each followed by its own drain. Does
  /// nothing when called from inside a checkpoint (that one finishes the work).
  void checkpoint();
  /// Runs `macrotask` now and then a checkpoint; while a checkpoint runs, defers it until the
  /// queue is empty (a macrotask never runs between two microtasks).
  void run_macrotask(Job macrotask);

  bool draining() const { return draining_; }
  std::size_t queued() const { return jobs_.size(); }
  /// Microtasks run on this thread so far (for tests and benchmarks).
  std::uint64_t microtasks_run() const { return microtasks_run_; }
  /// Drops everything queued without running it (a test's teardown).
  void discard();

 private:
  std::deque<Job> jobs_;
  std::deque<Job> macrotasks_;
  bool draining_ = false;
  std::uint64_t microtasks_run_ = 0;
};

/// The AbortController (and its signal) of JavaScript-ordered work (see the header comment).
/// An async function captures the current scope when it starts and reinstates it whenever it
/// resumes, as AsyncLocalStorage carries a store across awaits.
class CancelScope {
 public:
  /// The scope of the async function running now, or null.
  static const std::shared_ptr<CancelScope>& current();
  /// Makes `scope` (null: none) current for this object's lifetime.
  class Enter {
   public:
    explicit Enter(std::shared_ptr<CancelScope> scope);
    ~Enter();
    Enter(const Enter&) = delete;
    Enter& operator=(const Enter&) = delete;

   private:
    std::shared_ptr<CancelScope> previous_;
  };

  /// abort(): rejects every wait still pending with abort_error(), synchronously and in the
  /// order the waits started (abort listeners run in registration order), then cancels their
  /// Asio operations (terminal cancellation; their completions come later and change nothing).
  void cancel();
  bool cancelled() const { return cancelled_; }

  /// Registers one more wait of the scope: `reject` rejects its promise (it must hold the
  /// promise weakly, so the scope never keeps a frame alive); returns the signal whose slot
  /// its operation is started with. The operation's completion handler must keep that signal
  /// alive: an aborted wait's frames (and with them the scope) may be gone before the
  /// cancelled operation completes.
  std::shared_ptr<boost::asio::cancellation_signal> add_wait(std::function<void(std::exception_ptr)> reject);

 private:
  struct Wait {
    std::function<void(std::exception_ptr)> reject;
    std::shared_ptr<boost::asio::cancellation_signal> signal;
  };
  bool cancelled_ = false;
  std::list<Wait> waits_;  // in start order
};

/// The message of the error an aborted wait rejects with: JavaScript's AbortError, the reason
/// `controller.abort()` gives the signal when called without one (Node and browsers alike).
inline constexpr std::string_view kAbortedMessage = "This operation was aborted";
/// That error (a std::runtime_error whose what() is kAbortedMessage).
std::exception_ptr abort_error();
/// `signal.aborted` for the async function running now: its scope was cancelled.
bool aborted();
/// `signal.throwIfAborted()`: throws abort_error() when aborted().
void throw_if_aborted();

/// `undefined`: the value of a promise that carries none.
struct Undefined {
  friend bool operator==(Undefined, Undefined) { return true; }
};

template <typename T>
class Promise;

namespace detail {

template <typename T>
struct PromiseState {
  enum class Status { pending, fulfilled, rejected };
  Status status = Status::pending;
  std::optional<T> value;
  std::exception_ptr error;
  std::vector<Job> reactions;  // queued as microtasks when the promise settles
  std::size_t settlers = 0;    // live Settler handles: who can still settle it

  /// The last settler is gone and the promise is pending: it can never settle, so what awaits
  /// it is released (JavaScript's collector would free it): a suspended awaiter's frame is
  /// destroyed, which may release further promises in turn.
  void abandon() {
    if (status != Status::pending) return;
    std::vector<Job> released = std::move(reactions);
    reactions.clear();
  }

  void resolve(T v) {
    if (status != Status::pending) return;
    value.emplace(std::move(v));
    status = Status::fulfilled;
    flush();
  }
  void reject(std::exception_ptr e) {
    if (status != Status::pending) return;
    error = std::move(e);
    status = Status::rejected;
    flush();
  }
  /// Queues `reaction` when the promise settles (now, if it has).
  void react(Job reaction) {
    if (status == Status::pending) {
      reactions.push_back(std::move(reaction));
    } else {
      Microtasks::current().enqueue(std::move(reaction));
    }
  }
  void flush() {
    auto& queue = Microtasks::current();
    for (auto& reaction : reactions) queue.enqueue(std::move(reaction));
    reactions.clear();
  }
};

/// Resumes a suspended async function once; destroys its frame if it never runs (a promise
/// that never settles releases what awaits it).
class Resume {
 public:
  Resume(std::coroutine_handle<> frame, std::shared_ptr<CancelScope> scope)
      : frame_(frame), scope_(std::move(scope)) {}
  Resume(Resume&& other) noexcept
      : frame_(std::exchange(other.frame_, {})), scope_(std::move(other.scope_)) {}
  Resume& operator=(Resume&&) = delete;
  ~Resume() {
    if (frame_) frame_.destroy();
  }
  void operator()() {
    CancelScope::Enter enter(scope_);
    std::exchange(frame_, {}).resume();
  }

 private:
  std::coroutine_handle<> frame_;
  std::shared_ptr<CancelScope> scope_;
};

}  // namespace detail

template <typename T>
class Settler;

/// A JavaScript promise of a T, and the return type of an async function (see the header).
/// A Promise only observes; a Settler (`new Promise`'s resolve/reject) settles it.
template <typename T>
class Promise {
 public:
  using State = detail::PromiseState<T>;
  using value_type = T;

  /// A promise nobody can settle (a placeholder to assign to).
  Promise() : state_(std::make_shared<State>()) {}
  static Promise resolved(T value) {
    Promise p;
    p.state_->resolve(std::move(value));
    return p;
  }
  static Promise rejected(std::exception_ptr error) {
    Promise p;
    p.state_->reject(std::move(error));
    return p;
  }

  bool settled() const { return state_->status != State::Status::pending; }
  bool fulfilled() const { return state_->status == State::Status::fulfilled; }
  /// The value of a fulfilled promise (rethrows a rejection's error).
  const T& get() const {
    if (state_->error) std::rethrow_exception(state_->error);
    return *state_->value;
  }
  bool same_as(const Promise& other) const { return state_ == other.state_; }

  /// promise.then(on_fulfilled, on_rejected), for their side effects: each runs as a microtask
  /// queued when the promise settles.
  template <typename OnFulfilled, typename OnRejected>
  void then(OnFulfilled on_fulfilled, OnRejected on_rejected) const {
    state_->react(Job([state = state_, f = std::move(on_fulfilled), r = std::move(on_rejected)]() mutable {
      if (state->error) {
        r(state->error);
      } else {
        f(*state->value);
      }
    }));
  }
  /// The raw reaction: `job` runs as a microtask when the promise settles.
  void react(Job job) const { state_->react(std::move(job)); }

  // --- awaiting: one tick --------------------------------------------------------------------
  struct Awaiter {
    std::shared_ptr<State> state;
    bool await_ready() const noexcept { return false; }  // JavaScript always yields
    template <typename P>
    void await_suspend(std::coroutine_handle<P> frame) {
      state->react(Job(detail::Resume(frame, frame.promise().scope)));
    }
    /// The value, or the rejection.
    T await_resume() const {
      if (state->error) std::rethrow_exception(state->error);
      return *state->value;
    }
  };
  Awaiter operator co_await() const { return Awaiter{state_}; }

  // --- the coroutine: an async function ------------------------------------------------------
  struct promise_type {
    Settler<T> settler;  // a frame destroyed before it returns abandons its promise
    std::shared_ptr<CancelScope> scope = CancelScope::current();

    Promise get_return_object() { return settler.promise(); }
    std::suspend_never initial_suspend() noexcept { return {}; }  // runs at once, as JS does
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_value(T value) { settler.resolve(std::move(value)); }
    void unhandled_exception() { settler.reject(std::current_exception()); }
  };

 private:
  friend class Settler<T>;
  explicit Promise(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

/// The resolving side of a pending promise (`new Promise((resolve, reject) => ...)`). Copies
/// share the promise; when the last one goes while it is pending, the promise is abandoned.
template <typename T>
class Settler {
 public:
  using State = detail::PromiseState<T>;
  Settler() : state_(std::make_shared<State>()) { ++state_->settlers; }
  Settler(const Settler& other) : state_(other.state_) { ++state_->settlers; }
  Settler& operator=(const Settler&) = delete;
  ~Settler() {
    if (--state_->settlers == 0) state_->abandon();
  }
  Promise<T> promise() const { return Promise<T>(state_); }
  /// The shared state, for a weak reference that settles without keeping the promise settleable.
  const std::shared_ptr<State>& state() const { return state_; }
  void resolve(T value) const { state_->resolve(std::move(value)); }
  void reject(std::exception_ptr error) const { state_->reject(std::move(error)); }

 private:
  std::shared_ptr<State> state_;
};

/// Promise.all of promises already started, in order.
template <typename T>
Promise<std::vector<T>> all(std::vector<Promise<T>> members) {
  Settler<std::vector<T>> result;
  if (members.empty()) {
    result.resolve({});
    return result.promise();
  }
  struct Join {
    std::vector<std::optional<T>> values;
    std::size_t remaining;
  };
  auto join = std::make_shared<Join>(Join{std::vector<std::optional<T>>(members.size()), members.size()});
  for (std::size_t i = 0; i < members.size(); ++i) {
    members[i].then(
        [join, result, i](const T& value) {
          join->values[i] = value;
          if (--join->remaining != 0) return;
          std::vector<T> values;
          values.reserve(join->values.size());
          for (auto& v : join->values) values.push_back(std::move(*v));
          result.resolve(std::move(values));
        },
        [result](std::exception_ptr error) { result.reject(std::move(error)); });
  }
  return result.promise();
}

/// Promise.race of promises already started.
template <typename T>
Promise<T> race(std::vector<Promise<T>> members) {
  Settler<T> result;
  for (auto& member : members) {
    member.then([result](const T& value) { result.resolve(value); },
                [result](std::exception_ptr error) { result.reject(std::move(error)); });
  }
  return result.promise();
}

/// What Pinia's wrapper of an async action returns for the body's promise `ret`:
/// `ret.then(v => { after(v); return v }).catch(e => { on_error(e); return Promise.reject(e) })`.
template <typename T>
Promise<T> pinia_action(Promise<T> ret, std::function<void(const std::type_identity_t<T>&)> after = {},
                        std::function<void(std::exception_ptr)> on_error = {}) {
  Settler<T> then_result;
  ret.then(
      [then_result, after = std::move(after)](const T& value) {
        if (after) after(value);
        then_result.resolve(value);
      },
      [then_result](std::exception_ptr error) { then_result.reject(std::move(error)); });
  Settler<T> catch_result;
  then_result.promise().then([catch_result](const T& value) { catch_result.resolve(value); },
                   [catch_result, on_error = std::move(on_error)](std::exception_ptr error) {
                     if (on_error) on_error(error);
                     // Resolving with the rejected promise Promise.reject(e): a thenable job, then
                     // its reaction, and only then catch_result rejects.
                     Microtasks::current().enqueue(Job([catch_result, error] {
                       Microtasks::current().enqueue(Job([catch_result, error] { catch_result.reject(error); }));
                     }));
                   });
  return catch_result.promise();
}

/// The value an Asio Task<T> completes with in a promise (Undefined for Task<void>).
template <typename T>
using settled_type = std::conditional_t<std::is_void_v<T>, Undefined, T>;

/// Starts the node's asynchronous operation `task` on `executor` (as co_spawn starts it) and
/// returns its promise. Its completion is a macrotask. Inside a scope it is a wait of the scope
/// (an operation given the signal): aborted, it rejects at once; started in an aborted scope,
/// it rejects at once without starting the operation.
template <typename T>
Promise<settled_type<T>> from_task(const Executor& executor, Task<T> task) {
  Settler<settled_type<T>> promise;
  const auto& scope = CancelScope::current();
  if (scope && scope->cancelled()) {
    promise.reject(abort_error());
    return promise.promise();
  }
  auto settle = [promise](std::exception_ptr error, settled_type<T> value) {
    Microtasks::current().run_macrotask(Job([promise, error, value = std::move(value)]() mutable {
      if (error) {
        promise.reject(error);
      } else {
        promise.resolve(std::move(value));
      }
    }));
  };
  // `signal`: the scope's cancellation signal for this operation (null outside a scope), kept
  // alive by the completion handler for as long as the operation may use its slot.
  std::shared_ptr<boost::asio::cancellation_signal> signal;
  if (scope) {
    signal = scope->add_wait([weak = std::weak_ptr<typename Settler<settled_type<T>>::State>(promise.state())](
                                 std::exception_ptr error) {
      if (auto state = weak.lock()) state->reject(std::move(error));
    });
  }
  auto done = [&] {
    if constexpr (std::is_void_v<T>) {
      return [settle, signal](std::exception_ptr error) { settle(error, Undefined{}); };
    } else {
      return [settle, signal](std::exception_ptr error, T value) { settle(error, std::move(value)); };
    }
  }();
  if (signal) {
    const auto slot = signal->slot();
    boost::asio::co_spawn(executor, std::move(task), boost::asio::bind_cancellation_slot(slot, std::move(done)));
  } else {
    boost::asio::co_spawn(executor, std::move(task), std::move(done));
  }
  return promise.promise();
}

/// setTimeout(callback, delay) on `sleep` (the store's Clock::sleep): `callback` runs as a
/// macrotask once the sleep completes; a cancelled sleep never calls it.
void set_timeout(const Executor& executor, Task<void> sleep, std::function<void()> callback);

/// Awaits `promise` from Asio code: resumes the awaiting coroutine through its executor (a
/// post) one tick after the promise settles, as a host's `promise.then(report)` would.
template <typename T>
Task<T> to_task(Promise<T> promise) {
  co_return co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(std::exception_ptr, T)>(
      [promise](auto handler) {
        auto executor = boost::asio::get_associated_executor(handler);
        promise.react(Job([promise, handler = std::move(handler), executor]() mutable {
          std::exception_ptr error;
          T value{};
          try {
            value = promise.get();
          } catch (...) {
            error = std::current_exception();
          }
          boost::asio::post(executor, [handler = std::move(handler), error, value = std::move(value)]() mutable {
            std::move(handler)(error, std::move(value));
          });
        }));
        Microtasks::current().checkpoint();  // a settled promise queued the reaction just now
      },
      boost::asio::use_awaitable);
}

/// Runs `start` (which calls an async function or action: its synchronous part) as a macrotask
/// from Asio code, then awaits the promise it returned. The store's Task API is made of these.
template <typename Start>
auto run_from_asio(Start start) -> Task<typename decltype(start())::value_type> {
  auto promise = start();
  Microtasks::current().checkpoint();
  co_return co_await to_task(std::move(promise));
}

}  // namespace connsim::store::js
