// The store's async vocabulary: Boost.Asio C++20 coroutines on an executor the store is given.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace connsim::store {

namespace asio = boost::asio;
template <typename T>
using Task = asio::awaitable<T>;
using Executor = asio::any_io_executor;

}  // namespace connsim::store
