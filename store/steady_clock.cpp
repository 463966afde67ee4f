#include "store/steady_clock.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

namespace connsim::store {

Duration SteadyClock::now() const {
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch());
}

Task<void> SteadyClock::sleep(Duration delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(delay);
  co_await timer.async_wait(asio::use_awaitable);
}

}  // namespace connsim::store
