// The worker process pool: results land by index whatever the number of workers; a worker
// that dies loses only its own task and is reported; nothing hangs.
#define BOOST_TEST_MODULE sweep_worker_pool
#include "apps/sweep/worker_pool.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>

using namespace connsim::sweep;

namespace {

std::string square(std::size_t index) {
  return "square " + std::to_string(index * index);
}

bool has_failure(const WorkerPoolResults& results, const std::string& part) {
  return std::any_of(results.failures.begin(), results.failures.end(),
                     [&](const std::string& f) { return f.find(part) != std::string::npos; });
}

void check_all_squares(const WorkerPoolResults& results, std::size_t count) {
  BOOST_TEST(results.failures.empty());
  BOOST_REQUIRE(results.lines.size() == count);
  for (std::size_t i = 0; i < count; ++i) {
    BOOST_TEST_CONTEXT("task " << i) {
      BOOST_REQUIRE(results.lines[i].has_value());
      BOOST_TEST(*results.lines[i] == square(i));
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_tasks_start_no_workers) {
  bool told = false;
  const auto results = run_in_worker_processes(
      0, 4, [](std::size_t) -> std::string { _exit(9); },
      [&](std::size_t, std::size_t) { told = true; });
  BOOST_TEST(results.lines.empty());
  BOOST_TEST(results.failures.empty());
  BOOST_TEST(!told);
}

BOOST_AUTO_TEST_CASE(every_result_lands_at_its_index) {
  check_all_squares(run_in_worker_processes(40, 3, square), 40);
}

BOOST_AUTO_TEST_CASE(one_worker_and_more_workers_than_tasks_give_the_same) {
  check_all_squares(run_in_worker_processes(5, 1, square), 5);
  check_all_squares(run_in_worker_processes(2, 16, square), 2);
}

BOOST_AUTO_TEST_CASE(zero_or_negative_jobs_mean_one_worker) {
  check_all_squares(run_in_worker_processes(3, 0, square), 3);
  check_all_squares(run_in_worker_processes(3, -2, square), 3);
}

BOOST_AUTO_TEST_CASE(an_empty_result_is_a_result) {
  const auto results = run_in_worker_processes(2, 2, [](std::size_t) { return std::string(); });
  BOOST_TEST(results.failures.empty());
  BOOST_TEST((results.lines[0] && results.lines[0]->empty()));
  BOOST_TEST((results.lines[1] && results.lines[1]->empty()));
}

BOOST_AUTO_TEST_CASE(progress_ends_with_every_task_finished) {
  std::size_t last_finished = 0, last_total = 0;
  run_in_worker_processes(7, 2, square, [&](std::size_t finished, std::size_t total) {
    BOOST_TEST(finished >= last_finished);
    last_finished = finished;
    last_total = total;
  });
  BOOST_TEST(last_finished == 7u);
  BOOST_TEST(last_total == 7u);
}

BOOST_AUTO_TEST_CASE(a_worker_that_exits_loses_only_its_task) {
  const auto results = run_in_worker_processes(10, 2, [](std::size_t index) {
    if (index == 3) _exit(7);
    return square(index);
  });
  BOOST_REQUIRE(results.lines.size() == 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    BOOST_TEST_CONTEXT("task " << i) {
      BOOST_TEST(results.lines[i].has_value() == (i != 3));
    }
  }
  BOOST_TEST(has_failure(results, "run 3: its worker died"));
  BOOST_TEST(has_failure(results, "ended abnormally (status " + std::to_string(7 << 8) + ")"));
  BOOST_TEST(results.failures.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_worker_killed_by_a_signal_is_reported) {
  const auto results = run_in_worker_processes(4, 2, [](std::size_t index) {
    if (index == 0) raise(SIGKILL);
    return square(index);
  });
  BOOST_TEST(!results.lines[0].has_value());
  for (std::size_t i = 1; i < 4; ++i) BOOST_TEST(results.lines[i].has_value());
  BOOST_TEST(has_failure(results, "run 0: its worker died"));
  BOOST_TEST(has_failure(results, "ended abnormally (status " + std::to_string(SIGKILL) + ")"));
}

BOOST_AUTO_TEST_CASE(when_the_only_worker_dies_the_rest_is_not_run_and_nothing_hangs) {
  const auto results = run_in_worker_processes(6, 1, [](std::size_t index) {
    if (index == 2) _exit(1);
    return square(index);
  });
  BOOST_TEST(results.lines[0].has_value());
  BOOST_TEST(results.lines[1].has_value());
  for (std::size_t i = 2; i < 6; ++i) BOOST_TEST(!results.lines[i].has_value());
  BOOST_TEST(has_failure(results, "run 2: its worker died"));
}

BOOST_AUTO_TEST_CASE(every_worker_dying_leaves_no_results) {
  const auto results = run_in_worker_processes(5, 3, [](std::size_t) -> std::string { _exit(2); });
  for (const auto& line : results.lines) BOOST_TEST(!line.has_value());
  BOOST_TEST(results.failures.size() == 6u);  // three tasks lost, three workers abnormal
}

BOOST_AUTO_TEST_CASE(a_result_with_a_newline_ends_its_worker) {
  const auto results = run_in_worker_processes(3, 3, [](std::size_t index) {
    return index == 1 ? std::string("two\nlines") : square(index);
  });
  BOOST_TEST(results.lines[0].has_value());
  BOOST_TEST(!results.lines[1].has_value());
  BOOST_TEST(results.lines[2].has_value());
  BOOST_TEST(has_failure(results, "run 1: its worker died"));
}

BOOST_AUTO_TEST_CASE(large_results_arrive_whole) {
  const auto big = [](std::size_t index) { return std::string(100000 + index, 'a' + index % 26); };
  const auto results = run_in_worker_processes(6, 2, big);
  BOOST_TEST(results.failures.empty());
  for (std::size_t i = 0; i < 6; ++i) BOOST_TEST((results.lines[i] && *results.lines[i] == big(i)));
}
