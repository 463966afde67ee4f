// store/js_async.hpp: the microtask queue and the promise model follow V8's order. Each test
// writes down what V8 does for the equivalent JavaScript (in the comment) and checks the C++
// model does the same, tick for tick.
#define BOOST_TEST_MODULE store_js_async
#include <boost/test/unit_test.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "store/js_async.hpp"
#include "store/types.hpp"
#include "tests/support/manual_clock.hpp"

namespace js = connsim::store::js;
using connsim::store::Task;
using Log = std::vector<std::string>;

namespace {

/// Queues `n` microtasks that each log "tick k" and queue the next: a clock of ticks to
/// compare other work against (tick k runs in the k-th round of the queue).
void tick_clock(Log& log, int n, int k = 1) {
  if (k > n) return;
  js::Microtasks::current().enqueue(js::Job([&log, n, k] {
    log.push_back("tick " + std::to_string(k));
    tick_clock(log, n, k + 1);
  }));
}

/// An async function that awaits `p` holding `keep`: its frame, and so `keep`, live until it ends.
js::Promise<int> await_holding(std::shared_ptr<int> keep, js::Promise<int> p) {
  co_await p;
  co_return *keep;
}

/// An async function that awaits `p` and logs around it.
js::Promise<int> await_and_log(Log& log, std::string name, js::Promise<int> p) {
  log.push_back(name + " start");
  const int value = co_await p;
  log.push_back(name + " got " + std::to_string(value));
  co_return value + 1;
}

js::Promise<int> throws_after_await(js::Promise<int> p) {
  co_await p;
  throw std::runtime_error("boom");
}

/// Drops whatever a failed test left queued, so the next one starts clean.
struct CleanQueue {
  ~CleanQueue() { js::Microtasks::current().discard(); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(js_async, CleanQueue)

BOOST_AUTO_TEST_CASE(checkpoint_runs_microtasks_in_fifo_order_including_those_queued_meanwhile) {
  Log log;
  auto& queue = js::Microtasks::current();
  queue.enqueue(js::Job([&] {
    log.push_back("a");
    queue.enqueue(js::Job([&] { log.push_back("c"); }));
  }));
  queue.enqueue(js::Job([&] { log.push_back("b"); }));
  BOOST_TEST(log.empty());  // nothing runs before a checkpoint
  queue.checkpoint();
  BOOST_TEST(log == (Log{"a", "b", "c"}));
  BOOST_TEST(queue.queued() == 0u);
}

BOOST_AUTO_TEST_CASE(a_macrotask_arriving_during_a_checkpoint_waits_for_the_queue_to_empty) {
  Log log;
  auto& queue = js::Microtasks::current();
  queue.enqueue(js::Job([&] {
    log.push_back("micro 1");
    queue.run_macrotask(js::Job([&] {
      log.push_back("macro");
      queue.enqueue(js::Job([&] { log.push_back("macro's micro"); }));
    }));
    queue.enqueue(js::Job([&] { log.push_back("micro 2"); }));
    queue.checkpoint();  // nested: does nothing
    log.push_back("micro 1 end");
  }));
  queue.checkpoint();
  BOOST_TEST(log == (Log{"micro 1", "micro 1 end", "micro 2", "macro", "macro's micro"}));
}

BOOST_AUTO_TEST_CASE(an_async_function_runs_synchronously_to_its_first_await) {
  // async function f(p) { log('f start'); const v = await p; log('f got ' + v); return v + 1 }
  Log log;
  js::Settler<int> pending;
  auto result = await_and_log(log, "f", pending.promise());
  BOOST_TEST(log == (Log{"f start"}));
  BOOST_TEST(!result.settled());
  pending.resolve(41);
  BOOST_TEST(log == (Log{"f start"}));  // the continuation is a microtask
  js::Microtasks::current().checkpoint();
  BOOST_TEST(log == (Log{"f start", "f got 41"}));
  BOOST_TEST(result.fulfilled());
  BOOST_TEST(result.get() == 42);
}

BOOST_AUTO_TEST_CASE(awaiting_a_settled_promise_still_yields_one_tick) {
  // tick clock queued first; then `await Promise.resolve(1)` resumes after tick 1, before tick 2.
  Log log;
  tick_clock(log, 3);
  auto result = await_and_log(log, "f", js::Promise<int>::resolved(1));
  js::Microtasks::current().checkpoint();
  BOOST_TEST(log == (Log{"f start", "tick 1", "f got 1", "tick 2", "tick 3"}));
}

BOOST_AUTO_TEST_CASE(awaiting_an_async_function_takes_one_tick_after_it_returns) {
  // async g() { return await f(resolved) }: f resumes at tick 1 and returns; g resumes at tick 2.
  Log log;
  tick_clock(log, 4);
  auto outer = [](Log& log) -> js::Promise<int> {
    const int v = co_await await_and_log(log, "f", js::Promise<int>::resolved(1));
    log.push_back("g got " + std::to_string(v));
    co_return v;
  }(log);
  js::Microtasks::current().checkpoint();
  BOOST_TEST(log == (Log{"f start", "tick 1", "f got 1", "tick 2", "g got 2", "tick 3", "tick 4"}));
  BOOST_TEST(outer.get() == 2);
}

BOOST_AUTO_TEST_CASE(a_throw_rejects_the_promise_and_the_awaiter_sees_the_error) {
  Log log;
  auto failing = throws_after_await(js::Promise<int>::resolved(0));
  auto catcher = [](Log& log, js::Promise<int> failing) -> js::Promise<int> {
    try {
      co_await failing;
    } catch (const std::runtime_error& e) {
      log.push_back(std::string("caught ") + e.what());
    }
    co_return 0;
  }(log, failing);
  js::Microtasks::current().checkpoint();
  BOOST_TEST(log == (Log{"caught boom"}));
  BOOST_TEST(failing.settled());
  BOOST_CHECK_THROW(failing.get(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(promise_all_starts_every_member_before_any_continues) {
  // await Promise.all([f(a), f(b)]) with a and b settled: both start, both continue at tick 1,
  // their elements are stored at tick 2, the awaiter resumes at tick 3.
  Log log;
  tick_clock(log, 4);
  std::vector<js::Promise<int>> members;
  members.push_back(await_and_log(log, "a", js::Promise<int>::resolved(1)));
  members.push_back(await_and_log(log, "b", js::Promise<int>::resolved(2)));
  auto joined = [](Log& log, std::vector<js::Promise<int>> members) -> js::Promise<int> {
    const std::vector<int> values = co_await js::all(std::move(members));
    log.push_back("all " + std::to_string(values[0]) + "," + std::to_string(values[1]));
    co_return 0;
  }(log, std::move(members));
  js::Microtasks::current().checkpoint();
  BOOST_TEST(log == (Log{"a start", "b start", "tick 1", "a got 1", "b got 2", "tick 2", "tick 3", "all 2,3", "tick 4"}));
}

BOOST_AUTO_TEST_CASE(promise_all_of_nothing_is_settled_at_once_and_a_rejection_wins_early) {
  BOOST_TEST(js::all(std::vector<js::Promise<int>>{}).fulfilled());
  js::Settler<int> never;
  js::Settler<int> fails;
  auto joined = js::all(std::vector<js::Promise<int>>{never.promise(), fails.promise()});
  fails.reject(std::make_exception_ptr(std::runtime_error("no")));
  js::Microtasks::current().checkpoint();
  BOOST_TEST(joined.settled());
  BOOST_CHECK_THROW(joined.get(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(promise_race_settles_with_the_first_member_one_tick_later) {
  Log log;
  js::Settler<int> slow;
  js::Settler<int> fast;
  auto raced = js::race(std::vector<js::Promise<int>>{slow.promise(), fast.promise()});
  fast.resolve(7);
  BOOST_TEST(!raced.settled());
  js::Microtasks::current().checkpoint();
  BOOST_TEST(raced.get() == 7);
  slow.resolve(1);
  js::Microtasks::current().checkpoint();
  BOOST_TEST(raced.get() == 7);
}

BOOST_AUTO_TEST_CASE(a_pinia_action_settles_two_ticks_after_its_body_and_calls_after_at_the_first) {
  // q = body.then(v => { after(v); return v }).catch(...): after() runs in round 1, q settles
  // in round 2 and `await q` resumes in round 3.
  Log log;
  tick_clock(log, 4);
  auto q = js::pinia_action(js::Promise<int>::resolved(5), [&](const int& v) { log.push_back("after " + std::to_string(v)); });
  auto awaiter = [](Log& log, js::Promise<int> q) -> js::Promise<int> {
    const int v = co_await q;
    log.push_back("awaiter got " + std::to_string(v));
    co_return v;
  }(log, q);
  js::Microtasks::current().checkpoint();
  BOOST_TEST(log == (Log{"tick 1", "after 5", "tick 2", "tick 3", "awaiter got 5", "tick 4"}));
}

BOOST_AUTO_TEST_CASE(a_pinia_action_that_rejects_reaches_its_awaiter_four_ticks_later) {
  // body rejected: then passes it on (1), catch calls onError (2), Promise.reject(e) resolves q
  // through a thenable job (3) and its reaction (4); the awaiter resumes at the 5th round.
  Log log;
  tick_clock(log, 6);
  auto body = js::Promise<int>::rejected(std::make_exception_ptr(std::runtime_error("bad")));
  auto q = js::pinia_action(body, {}, [&](std::exception_ptr) { log.push_back("onError"); });
  auto awaiter = [](Log& log, js::Promise<int> q) -> js::Promise<int> {
    try {
      co_await q;
    } catch (const std::runtime_error&) {
      log.push_back("awaiter caught");
    }
    co_return 0;
  }(log, q);
  js::Microtasks::current().checkpoint();
  BOOST_TEST(log == (Log{"tick 1", "tick 2", "onError", "tick 3", "tick 4", "tick 5", "awaiter caught", "tick 6"}));
}

BOOST_AUTO_TEST_CASE(from_task_settles_as_a_macrotask_and_to_task_resumes_asio_code) {
  boost::asio::io_context io;
  connsim::testing::ManualClock clock(io);
  Log log;
  auto slept = js::from_task(io.get_executor(), clock.sleep(std::chrono::seconds(1)));
  auto waiter = [](Log& log, js::Promise<js::Undefined> slept, connsim::testing::ManualClock& clock) -> js::Promise<int> {
    co_await slept;
    log.push_back("woke at " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(clock.now()).count()));
    co_return 3;
  }(log, slept, clock);
  clock.run_until_idle();
  BOOST_TEST(log.empty());
  clock.advance(std::chrono::seconds(1));
  BOOST_TEST(log == (Log{"woke at 1000"}));
  int from_asio = 0;
  boost::asio::co_spawn(io, js::to_task(waiter), [&](std::exception_ptr, int v) { from_asio = v; });
  clock.run_until_idle();
  BOOST_TEST(from_asio == 3);
}

BOOST_AUTO_TEST_CASE(abort_rejects_the_waits_in_flight_at_once_in_start_order_and_later_ones_at_once) {
  boost::asio::io_context io;
  connsim::testing::ManualClock clock(io);
  auto scope = std::make_shared<js::CancelScope>();
  js::Promise<js::Undefined> first;
  js::Promise<js::Undefined> second;
  {
    js::CancelScope::Enter enter(scope);
    first = js::from_task(io.get_executor(), clock.sleep(std::chrono::seconds(10)));
    second = js::from_task(io.get_executor(), clock.sleep(std::chrono::seconds(5)));
  }
  clock.run_until_idle();
  BOOST_TEST(clock.pending_sleepers() == 2u);
  Log log;
  const auto record = [&log](const char* name) {
    return [&log, name](std::exception_ptr error) { log.push_back(std::string(name) + ": " + connsim::store::error_message(error)); };
  };
  second.then([](const js::Undefined&) {}, record("second"));
  first.then([](const js::Undefined&) {}, record("first"));
  scope->cancel();
  // Synchronously, as abort listeners run: both rejected before any I/O ran, in start order.
  BOOST_TEST(first.settled());
  BOOST_TEST(second.settled());
  BOOST_TEST(js::Microtasks::current().queued() == 2u);
  js::Microtasks::current().checkpoint();
  BOOST_TEST(log == (Log{"first: This operation was aborted", "second: This operation was aborted"}));  // start order
  // Their operations were cancelled too; their completions change nothing.
  clock.run_until_idle();
  BOOST_TEST(clock.pending_sleepers() == 0u);
  BOOST_CHECK_EXCEPTION(first.get(), std::runtime_error,
                        [](const std::runtime_error& e) { return std::string_view(e.what()) == js::kAbortedMessage; });
  // A wait started in the aborted scope rejects at once and starts nothing.
  js::CancelScope::Enter enter(scope);
  BOOST_TEST(js::aborted());
  BOOST_CHECK_THROW(js::throw_if_aborted(), std::runtime_error);
  auto later = js::from_task(io.get_executor(), clock.sleep(std::chrono::seconds(1)));
  BOOST_TEST(later.settled());
  clock.run_until_idle();
  BOOST_TEST(clock.pending_sleepers() == 0u);
}

BOOST_AUTO_TEST_CASE(outside_an_aborted_scope_nothing_is_aborted) {
  BOOST_TEST(!js::aborted());
  BOOST_CHECK_NO_THROW(js::throw_if_aborted());
  auto scope = std::make_shared<js::CancelScope>();
  js::CancelScope::Enter enter(scope);
  BOOST_TEST(!js::aborted());
  scope->cancel();
  scope->cancel();  // once only
  BOOST_TEST(js::aborted());
}

BOOST_AUTO_TEST_CASE(the_scope_holds_its_waits_weakly) {
  // A wait whose operation is gone (a run that ended with it in flight) still releases what
  // awaits it: the scope's listener does not keep the promise settleable.
  auto witness = std::make_shared<int>(0);
  std::weak_ptr<int> alive = witness;
  auto scope = std::make_shared<js::CancelScope>();
  {
    js::Settler<int> operation;  // stands for the operation's completion handler
    scope->add_wait([weak = std::weak_ptr<js::Settler<int>::State>(operation.state())](std::exception_ptr error) {
      if (auto state = weak.lock()) state->reject(std::move(error));
    });
    auto awaiting = await_holding(std::move(witness), operation.promise());
    BOOST_TEST(!alive.expired());
  }
  BOOST_TEST(alive.expired());
  scope->cancel();  // nothing left to reject
  BOOST_TEST(js::Microtasks::current().queued() == 0u);
}

BOOST_AUTO_TEST_CASE(an_async_function_keeps_the_scope_it_started_in) {
  auto scope = std::make_shared<js::CancelScope>();
  js::Settler<int> gate;
  std::shared_ptr<js::CancelScope> seen;
  js::Promise<int> f;
  {
    js::CancelScope::Enter enter(scope);
    f = [](js::Promise<int> gated, std::shared_ptr<js::CancelScope>& out) -> js::Promise<int> {
      co_await gated;
      out = js::CancelScope::current();
      co_return 0;
    }(gate.promise(), seen);
  }
  BOOST_TEST(js::CancelScope::current() == nullptr);
  gate.resolve(1);
  js::Microtasks::current().checkpoint();
  BOOST_TEST(seen == scope);
  BOOST_TEST(js::CancelScope::current() == nullptr);
}

BOOST_AUTO_TEST_CASE(a_promise_that_never_settles_releases_its_awaiter) {
  // The awaiting frame is owned by the promise's reaction: dropping the promise destroys it.
  auto witness = std::make_shared<int>(0);
  std::weak_ptr<int> alive = witness;
  {
    js::Settler<int> never;
    auto awaiting = await_holding(std::move(witness), never.promise());
    BOOST_TEST(!alive.expired());
  }
  BOOST_TEST(alive.expired());
}

BOOST_AUTO_TEST_SUITE_END()
