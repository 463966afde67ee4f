#include "apps/sweep/worker_pool.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <iostream>

namespace connsim::sweep {
namespace {

/// The parent's end of one worker: it writes task indices (8 bytes each) to `tasks` and reads
/// "<index> <line>\n" from `results`.
struct Worker {
  pid_t pid = -1;
  int tasks = -1;
  int results = -1;
  std::string buffer;  // a partly received line
  std::optional<std::size_t> running;
  bool open = true;  // `results` not yet at EOF
};

/// Moves all `size` bytes with `io` (::read or ::write), retrying after a signal and a short
/// count. False at end of file or on an error.
template <typename Io, typename Byte>
bool transfer_all(Io io, int fd, Byte* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = io(fd, data, size);
    if (n == 0) return false;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool write_all(int fd, const void* data, std::size_t size) {
  return transfer_all(::write, fd, static_cast<const char*>(data), size);
}

bool read_all(int fd, void* data, std::size_t size) {
  return transfer_all(::read, fd, static_cast<char*>(data), size);
}

/// The worker process: runs each index it is sent and answers with one line; exits at EOF.
[[noreturn]] void worker_main(int tasks, int results, const WorkerTask& task) {
  std::uint64_t index = 0;
  while (read_all(tasks, &index, sizeof index)) {
    const std::string result = task(static_cast<std::size_t>(index));
    if (result.find('\n') != std::string::npos) _exit(4);  // would break the line protocol
    const std::string line = std::to_string(index) + " " + result + "\n";
    if (!write_all(results, line.data(), line.size())) _exit(3);
  }
  _exit(0);
}

/// The index that starts a worker's line "<index> <result>", when it is one below `total`.
std::optional<std::size_t> line_index(const std::string& line, std::size_t total) {
  std::size_t index = 0;
  const char* end = line.data() + line.size();
  const auto [at, error] = std::from_chars(line.data(), end, index);
  if (error != std::errc() || at == end || *at != ' ' || index >= total) return std::nullopt;
  return index;
}

/// Ignores SIGPIPE while it lives: a worker that dies closes its task pipe, and writing to it
/// must fail with EPIPE (reported as that task's failure) rather than kill the caller.
class IgnoreSigpipe {
 public:
  IgnoreSigpipe() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &saved_);
  }
  ~IgnoreSigpipe() { sigaction(SIGPIPE, &saved_, nullptr); }
  IgnoreSigpipe(const IgnoreSigpipe&) = delete;
  IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;

 private:
  struct sigaction saved_ {};
};

/// Closes the task pipes of the workers started so far (they exit at EOF) and reaps them.
void abandon(std::vector<Worker>& workers) {
  for (auto& worker : workers) {
    if (worker.pid <= 0) continue;
    ::close(worker.tasks);
    ::close(worker.results);
    waitpid(worker.pid, nullptr, 0);
  }
}

}  // namespace

WorkerPoolResults run_in_worker_processes(std::size_t count, int jobs, const WorkerTask& task,
                                          const WorkerProgress& progress) {
  WorkerPoolResults out;
  out.lines.resize(count);
  if (count == 0) return out;
  auto& failures = out.failures;
  std::cout.flush();  // what is buffered now must not be written again by every worker
  std::cerr.flush();
  const IgnoreSigpipe ignore_sigpipe;
  const int worker_count = std::max(1, std::min<int>(jobs, static_cast<int>(count)));
  std::vector<Worker> workers(static_cast<std::size_t>(worker_count));
  for (auto& worker : workers) {
    int to_worker[2], from_worker[2];
    if (pipe(to_worker) != 0 || pipe(from_worker) != 0) {
      failures.push_back(std::string("pipe: ") + std::strerror(errno));
      abandon(workers);
      return out;
    }
    const pid_t pid = fork();
    if (pid < 0) {
      failures.push_back(std::string("fork: ") + std::strerror(errno));
      abandon(workers);
      return out;
    }
    if (pid == 0) {
      ::close(to_worker[1]);
      ::close(from_worker[0]);
      for (auto& earlier : workers) {  // the pipes of workers forked before this one
        if (earlier.pid > 0) {
          ::close(earlier.tasks);
          ::close(earlier.results);
        }
      }
      worker_main(to_worker[0], from_worker[1], task);
    }
    ::close(to_worker[0]);
    ::close(from_worker[1]);
    worker.pid = pid;
    worker.tasks = to_worker[1];
    worker.results = from_worker[0];
  }

  std::size_t next = 0;
  std::size_t finished = 0;
  // Hands `worker` the next index, or closes its task pipe (EOF: it exits) when none is left.
  auto assign = [&](Worker& worker) {
    if (next >= count) {
      if (worker.tasks >= 0) {
        ::close(worker.tasks);
        worker.tasks = -1;
      }
      return;
    }
    const std::uint64_t index = next++;
    if (!write_all(worker.tasks, &index, sizeof index)) {
      failures.push_back("run " + std::to_string(index) + ": could not reach its worker");
      return;
    }
    worker.running = index;
  };
  for (auto& worker : workers) assign(worker);

  while (true) {
    std::vector<pollfd> fds;
    std::vector<Worker*> owners;
    for (auto& worker : workers) {
      if (!worker.open) continue;
      fds.push_back(pollfd{worker.results, POLLIN, 0});
      owners.push_back(&worker);
    }
    if (fds.empty()) break;
    if (poll(fds.data(), fds.size(), 1000) < 0) {
      if (errno == EINTR) continue;
      failures.push_back(std::string("poll: ") + std::strerror(errno));
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      Worker& worker = *owners[i];
      char chunk[4096];
      const ssize_t n = ::read(worker.results, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // the worker exited
        worker.open = false;
        ::close(worker.results);
        if (worker.running) {
          failures.push_back("run " + std::to_string(*worker.running) + ": its worker died");
          worker.running.reset();
        }
        if (worker.tasks >= 0) {
          ::close(worker.tasks);
          worker.tasks = -1;
        }
        continue;
      }
      worker.buffer.append(chunk, static_cast<std::size_t>(n));
      std::size_t end;
      while ((end = worker.buffer.find('\n')) != std::string::npos) {
        const std::string line = worker.buffer.substr(0, end);
        worker.buffer.erase(0, end + 1);
        if (const auto index = line_index(line, count)) {
          out.lines[*index] = line.substr(line.find(' ') + 1);
        } else {
          failures.push_back("a worker sent a bad line: " + line);
        }
        ++finished;
        worker.running.reset();
        assign(worker);
      }
    }
    if (progress) progress(finished, count);
  }
  for (auto& worker : workers) {
    int status = 0;
    waitpid(worker.pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      failures.push_back("worker " + std::to_string(worker.pid) + " ended abnormally (status " +
                         std::to_string(status) + ")");
    }
  }
  return out;
}

}  // namespace connsim::sweep
