// HostProcess: a child process spoken to in lines over pipes (its stdin and stdout), with a
// wall-clock limit on every read. The JavaScript store host (js/host/main.js) runs in one; the
// bridge's tests run scripted stand-ins. Never blocks past its timeout; never kills anything but
// its own child.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <vector>

namespace connsim::sim::js {

/// The program could not be started at all (not found, not executable).
class SpawnError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class HostProcess {
 public:
  /// Starts argv[0] (looked up on PATH when it has no '/') in `working_directory` (empty: ours).
  /// stderr is captured: its last few KiB are kept for messages (stderr_tail()).
  HostProcess(const std::vector<std::string>& argv, const std::string& working_directory);
  ~HostProcess();  // closes stdin, waits briefly for the exit, then kills
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  enum class ReadStatus { line, ended, timed_out };
  struct Read {
    ReadStatus status;
    std::string line;  // without its '\n'; for `ended`, any unterminated rest
  };
  /// The next line of stdout, or `ended` (stdout closed: the process exited or closed it), or
  /// `timed_out` when no full line came within `timeout` of wall time.
  Read read_line(std::chrono::milliseconds timeout);
  /// Writes `line` and a '\n'. False when the process no longer reads (its stdin is closed).
  bool write_line(const std::string& line);

  /// Closes our end of its stdin (the host then exits at end of input).
  void close_input();
  /// Kills the process (SIGKILL) if it still runs, and reaps it.
  void kill();
  /// Waits up to `timeout` for the exit; the exit status (128 + signal when killed by one), or
  /// nullopt if it still runs.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  const std::string& stderr_tail() const { return stderr_tail_; }

 private:
  void drain_stderr();
  void keep_stderr(const char* data, std::size_t size);

  pid_t pid_ = -1;
  int in_ = -1;   // the child's stdin (we write)
  int out_ = -1;  // the child's stdout (we read)
  int err_ = -1;  // the child's stderr (we read)
  std::optional<int> exit_status_;
  std::string buffer_;
  std::string stderr_tail_;
};

}  // namespace connsim::sim::js
