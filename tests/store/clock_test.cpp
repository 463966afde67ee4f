// Clock: the store's only time source, and the ManualClock the other store tests rely on.
#define BOOST_TEST_MODULE store_clock
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/test/unit_test.hpp>

#include "store/steady_clock.hpp"
#include "tests/support/store_harness.hpp"

using namespace connsim::store;
using namespace connsim::testing;
using std::chrono::milliseconds;
using Millis = std::vector<long long>;

namespace {

Task<void> sleeper(Clock& clock, Duration delay, int tag,
                   std::vector<std::pair<int, long long>>& log) {
  co_await clock.sleep(delay);
  log.emplace_back(tag, to_ms(clock.now()));
}

}  // namespace

BOOST_AUTO_TEST_CASE(now_ms_is_date_now_whole_milliseconds) {
  boost::asio::io_context io;
  ManualClock clock(io, std::chrono::nanoseconds(2'999'999));
  BOOST_TEST(clock.now_ms() == 2);
  clock.advance(std::chrono::nanoseconds(1));
  BOOST_TEST(clock.now_ms() == 3);
}

BOOST_AUTO_TEST_CASE(sleepers_wake_in_due_order_fifo_among_equal_times_at_their_due_time) {
  boost::asio::io_context io;
  ManualClock clock(io);
  std::vector<std::pair<int, long long>> log;
  for (auto [tag, delay] :
       std::vector<std::pair<int, int>>{{1, 300}, {2, 100}, {3, 300}, {4, 200}, {5, 100}}) {
    boost::asio::co_spawn(io, sleeper(clock, milliseconds(delay), tag, log), boost::asio::detached);
  }
  clock.run_until_idle();
  BOOST_TEST(clock.pending_sleepers() == 5u);
  clock.advance(milliseconds(250));
  BOOST_TEST(log.size() == 3u);
  BOOST_TEST(to_ms(clock.now()) == 250);
  clock.advance(milliseconds(1000));
  const std::vector<std::pair<int, long long>> expected{
      {2, 100}, {5, 100}, {4, 200}, {1, 300}, {3, 300}};
  BOOST_TEST((log == expected));
  BOOST_TEST(to_ms(clock.now()) == 1250);
  BOOST_TEST(clock.fired() == 5u);
}

BOOST_AUTO_TEST_CASE(a_zero_or_negative_sleep_completes_without_moving_time) {
  boost::asio::io_context io;
  ManualClock clock(io, milliseconds(40));
  std::vector<std::pair<int, long long>> log;
  boost::asio::co_spawn(io, sleeper(clock, Duration::zero(), 1, log), boost::asio::detached);
  boost::asio::co_spawn(io, sleeper(clock, milliseconds(-5), 2, log), boost::asio::detached);
  clock.run_until_idle();
  BOOST_TEST((log == std::vector<std::pair<int, long long>>{{1, 40}, {2, 40}}));
  BOOST_TEST(clock.pending_sleepers() == 0u);
}

BOOST_AUTO_TEST_CASE(a_cancelled_sleep_ends_with_operation_aborted_and_never_fires) {
  boost::asio::io_context io;
  ManualClock clock(io);
  boost::asio::cancellation_signal signal;
  std::exception_ptr error;
  bool finished = false;
  boost::asio::co_spawn(
      io, clock.sleep(std::chrono::seconds(10)),
      boost::asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e) {
        finished = true;
        error = e;
      }));
  clock.advance(std::chrono::seconds(3));
  BOOST_TEST(!finished);
  signal.emit(boost::asio::cancellation_type::terminal);
  clock.run_until_idle();
  BOOST_TEST(finished);
  BOOST_TEST(clock.pending_sleepers() == 0u);
  BOOST_CHECK_EXCEPTION(std::rethrow_exception(error), boost::system::system_error,
                        [](const boost::system::system_error& e) {
                          return e.code() == boost::asio::error::operation_aborted;
                        });
  clock.advance(std::chrono::seconds(20));
  BOOST_TEST(clock.fired() == 0u);
}

BOOST_AUTO_TEST_CASE(run_until_stops_when_done_or_at_the_limit) {
  boost::asio::io_context io;
  ManualClock clock(io);
  std::vector<std::pair<int, long long>> log;
  boost::asio::co_spawn(io, sleeper(clock, milliseconds(500), 1, log), boost::asio::detached);
  boost::asio::co_spawn(io, sleeper(clock, milliseconds(5000), 2, log), boost::asio::detached);
  BOOST_TEST(clock.run_until([&] { return !log.empty(); }));
  BOOST_TEST(to_ms(clock.now()) == 500);
  BOOST_TEST(!clock.run_until([&] { return log.size() == 2; }, milliseconds(1000)));
  BOOST_TEST(to_ms(clock.now()) == 500);  // the next sleeper is past the limit: time stays
  BOOST_TEST(clock.run_until([&] { return log.size() == 2; }));
  BOOST_TEST(to_ms(clock.now()) == 5000);
}

BOOST_AUTO_TEST_CASE(the_steady_clock_never_goes_back_and_a_zero_sleep_completes) {
  boost::asio::io_context io;
  SteadyClock clock;
  const Duration first = clock.now();
  bool done = false;
  boost::asio::co_spawn(io, clock.sleep(Duration::zero()),
                        [&](std::exception_ptr) { done = true; });
  io.run();
  BOOST_TEST(done);
  BOOST_TEST((clock.now() >= first));
}
