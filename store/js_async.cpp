#include "store/js_async.hpp"

#include <stdexcept>
#include <string>

namespace connsim::store::js {

namespace {
thread_local std::shared_ptr<CancelScope> current_scope;
}  // namespace

Microtasks& Microtasks::current() {
  thread_local Microtasks queue;
  return queue;
}

void Microtasks::checkpoint() {
  if (draining_) return;
  draining_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{draining_};
  for (;;) {
    while (!jobs_.empty()) {
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      ++microtasks_run_;
      job();
    }
    if (macrotasks_.empty()) break;
    Job macrotask = std::move(macrotasks_.front());
    macrotasks_.pop_front();
    macrotask();
  }
}

void Microtasks::run_macrotask(Job macrotask) {
  if (draining_) {
    macrotasks_.push_back(std::move(macrotask));
    return;
  }
  macrotask();
  checkpoint();
}

void Microtasks::discard() {
  jobs_.clear();
  macrotasks_.clear();
}

const std::shared_ptr<CancelScope>& CancelScope::current() { return current_scope; }

CancelScope::Enter::Enter(std::shared_ptr<CancelScope> scope) : previous_(std::move(current_scope)) {
  current_scope = std::move(scope);
}

CancelScope::Enter::~Enter() { current_scope = std::move(previous_); }

std::shared_ptr<boost::asio::cancellation_signal> CancelScope::add_wait(std::function<void(std::exception_ptr)> reject) {
  Wait& wait = waits_.emplace_back();
  wait.reject = std::move(reject);
  wait.signal = std::make_shared<boost::asio::cancellation_signal>();
  return wait.signal;
}

void CancelScope::cancel() {
  if (cancelled_) return;
  cancelled_ = true;
  // First every listener (the promises reject, queueing their reactions in start order), then
  // the operations: a cancelled Asio operation completes later, as a macrotask of its own.
  for (auto& wait : waits_) wait.reject(abort_error());
  for (auto& wait : waits_) wait.signal->emit(boost::asio::cancellation_type::terminal);
}

std::exception_ptr abort_error() { return std::make_exception_ptr(std::runtime_error(std::string(kAbortedMessage))); }

bool aborted() {
  const auto& scope = CancelScope::current();
  return scope != nullptr && scope->cancelled();
}

void throw_if_aborted() {
  if (aborted()) std::rethrow_exception(abort_error());
}

void set_timeout(const Executor& executor, Task<void> sleep, std::function<void()> callback) {
  boost::asio::co_spawn(executor, std::move(sleep), [callback = std::move(callback)](std::exception_ptr error) {
    if (error) return;  // cancelled
    Microtasks::current().run_macrotask(Job(callback));
  });
}

}  // namespace connsim::store::js
