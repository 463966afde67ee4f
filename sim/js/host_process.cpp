#include "sim/js/host_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace connsim::sim::js {

namespace {

constexpr std::size_t kStderrKept = 4096;

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

/// A write to a reader that has gone must fail with EPIPE, not end connsim: SIGPIPE is ignored
/// once a host is started (only when its disposition is still the default).
void ignore_sigpipe() {
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, nullptr);
  }
}

int status_of(int raw) {
  if (WIFEXITED(raw)) return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
  return -1;
}

}  // namespace

HostProcess::HostProcess(const std::vector<std::string>& argv, const std::string& working_directory) {
  if (argv.empty()) throw SpawnError("no program to start");
  ignore_sigpipe();
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw SpawnError(std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]);
    throw SpawnError(std::string("pipe: ") + std::strerror(errno));
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
    throw SpawnError(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  if (!working_directory.empty()) posix_spawn_file_actions_addchdir_np(&actions, working_directory.c_str());
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int spawned = ::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]), ::close(out[1]), ::close(err[1]);
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  if (spawned != 0) {
    pid_ = -1;
    close_fd(in_), close_fd(out_), close_fd(err_);
    throw SpawnError(argv[0] + ": " + std::strerror(spawned));
  }
  ::fcntl(out_, F_SETFL, ::fcntl(out_, F_GETFL) | O_NONBLOCK);
  ::fcntl(err_, F_SETFL, ::fcntl(err_, F_GETFL) | O_NONBLOCK);
}

HostProcess::~HostProcess() {
  close_input();
  if (pid_ > 0 && !wait(std::chrono::milliseconds(2000))) kill();
  close_fd(out_), close_fd(err_);
}

void HostProcess::keep_stderr(const char* data, std::size_t size) {
  stderr_tail_.append(data, size);
  if (stderr_tail_.size() > kStderrKept) stderr_tail_.erase(0, stderr_tail_.size() - kStderrKept);
}

void HostProcess::drain_stderr() {
  char chunk[4096];
  while (err_ >= 0) {
    const ssize_t n = ::read(err_, chunk, sizeof chunk);
    if (n > 0) {
      keep_stderr(chunk, static_cast<std::size_t>(n));
    } else if (n == 0) {
      close_fd(err_);
    } else {
      if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) close_fd(err_);
      if (errno != EINTR) break;
    }
  }
}

HostProcess::Read HostProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto newline = buffer_.find('\n'); newline != std::string::npos) {
      Read read{ReadStatus::line, buffer_.substr(0, newline)};
      buffer_.erase(0, newline + 1);
      return read;
    }
    if (out_ < 0) {
      drain_stderr();
      Read read{ReadStatus::ended, std::move(buffer_)};
      buffer_.clear();
      return read;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Read{ReadStatus::timed_out, {}};
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    const int ready = ::poll(fds, err_ >= 0 ? 2 : 1, static_cast<int>(std::min<long long>(left.count() + 1, 60000)));
    if (ready < 0 && errno != EINTR) return Read{ReadStatus::timed_out, {}};
    if (ready <= 0) continue;
    if (err_ >= 0 && fds[1].revents != 0) drain_stderr();
    if (fds[0].revents != 0) {
      char chunk[65536];
      const ssize_t n = ::read(out_, chunk, sizeof chunk);
      if (n > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
        close_fd(out_);
      }
    }
  }
}

bool HostProcess::write_line(const std::string& line) {
  if (in_ < 0) return false;
  std::string data = line;
  data.push_back('\n');
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(in_, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      close_fd(in_);
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  return true;
}

void HostProcess::close_input() { close_fd(in_); }

std::optional<int> HostProcess::wait(std::chrono::milliseconds timeout) {
  if (exit_status_ || pid_ <= 0) return exit_status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int raw = 0;
    const pid_t done = ::waitpid(pid_, &raw, WNOHANG);
    if (done == pid_) {
      exit_status_ = status_of(raw);
      pid_ = -1;
      return exit_status_;
    }
    if (done < 0 && errno != EINTR) {
      pid_ = -1;
      exit_status_ = -1;
      return exit_status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void HostProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int raw = 0;
  while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
  }
  exit_status_ = status_of(raw);
  pid_ = -1;
}

}  // namespace connsim::sim::js
