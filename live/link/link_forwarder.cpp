// connsim-live-link: one host's access link in a live run, in userspace (this kernel has no
// sch_netem). It creates a TAP device in each of two network namespaces and copies every
// Ethernet frame from one to the other, after a delay drawn per frame and with a loss
// probability, each direction on its own (docs/LIVE.md, "Latency and loss").
//
//   connsim-live-link NS_A IF_A NS_B IF_B SEED
//
// stdin takes one command per line; the first must come before any frame is forwarded:
//   set fixed <ns>                      every frame waits <ns> nanoseconds
//   set uniform <min_ns> <max_ns>
//   set lognormal <median_ns> <sigma>   exp(ln(median) + sigma * N(0,1))
//   loss <p>                            each frame is dropped with probability p (0 <= p < 1)
// A frame never overtakes an earlier one in its direction (TCP would take reordering for loss).
// Prints "ready" once both devices exist (the caller then sets addresses and brings them up),
// exits when stdin ends or on SIGTERM; the devices go with it.
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "connsim-live-link: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

/// Opens a TAP device named `name` inside network namespace `ns` (/run/netns/<ns>).
int open_tap(const std::string& ns, const std::string& name) {
  const std::string path = "/run/netns/" + ns;
  const int ns_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (ns_fd < 0) die("open " + path);
  if (::setns(ns_fd, CLONE_NEWNET) != 0) die("setns " + ns);
  ::close(ns_fd);
  const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) die("open /dev/net/tun");
  ifreq request{};
  request.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::snprintf(request.ifr_name, IFNAMSIZ, "%s", name.c_str());
  if (::ioctl(fd, TUNSETIFF, &request) != 0) die("TUNSETIFF " + name + " in " + ns);
  return fd;
}

struct Shaping {
  enum class Kind { fixed, uniform, lognormal } kind = Kind::fixed;
  double a = 0;  // fixed: ns; uniform: min ns; lognormal: median ns
  double b = 0;  // uniform: max ns; lognormal: sigma
  double loss = 0;
  bool set = false;

  std::chrono::nanoseconds draw(std::mt19937_64& rng) const {
    double ns = a;
    if (kind == Kind::uniform) ns = std::uniform_real_distribution<double>(a, b)(rng);
    if (kind == Kind::lognormal) ns = std::exp(std::log(a) + b * std::normal_distribution<double>(0, 1)(rng));
    return std::chrono::nanoseconds(static_cast<long long>(std::max(0.0, ns)));
  }
};

/// Applies one command line; false if it is not one.
bool apply(Shaping& shaping, const std::string& line) {
  std::istringstream in(line);
  std::string word;
  in >> word;
  if (word == "loss") {
    double p = -1;
    in >> p;
    if (!in || p < 0 || p >= 1) return false;
    shaping.loss = p;
    return true;
  }
  if (word != "set") return false;
  std::string kind;
  in >> kind;
  Shaping next = shaping;
  if (kind == "fixed") {
    next.kind = Shaping::Kind::fixed;
    in >> next.a;
  } else if (kind == "uniform") {
    next.kind = Shaping::Kind::uniform;
    in >> next.a >> next.b;
    if (next.b < next.a) return false;
  } else if (kind == "lognormal") {
    next.kind = Shaping::Kind::lognormal;
    in >> next.a >> next.b;
    if (next.a <= 0) return false;
  } else {
    return false;
  }
  if (!in || next.a < 0) return false;
  next.set = true;
  shaping = next;
  return true;
}

struct Frame {
  Clock::time_point due;
  std::vector<unsigned char> bytes;
};

/// One direction: frames read from `from` wait in `queue` until due, then go to `to`.
struct Direction {
  int from = -1;
  int to = -1;
  std::deque<Frame> queue;
  Clock::time_point last_due{};
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: connsim-live-link NS_A IF_A NS_B IF_B SEED\n");
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  const int a = open_tap(argv[1], argv[2]);
  const int b = open_tap(argv[3], argv[4]);
  std::mt19937_64 rng(std::stoull(argv[5]));
  Shaping shaping;
  std::printf("ready\n");
  std::fflush(stdout);

  Direction directions[2];
  directions[0].from = a;
  directions[0].to = b;
  directions[1].from = b;
  directions[1].to = a;
  std::string pending;
  std::vector<unsigned char> buffer(65536);
  bool stdin_open = true;
  while (!g_stop && stdin_open) {
    const auto now = Clock::now();
    int timeout_ms = 1000;
    for (auto& d : directions) {
      if (d.queue.empty()) continue;
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(d.queue.front().due - now).count();
      timeout_ms = std::min<int>(timeout_ms, static_cast<int>(std::max<long long>(0, wait)));
    }
    pollfd fds[3] = {{STDIN_FILENO, POLLIN, 0}, {a, POLLIN, 0}, {b, POLLIN, 0}};
    const int ready = ::poll(fds, shaping.set ? 3 : 1, timeout_ms);
    if (ready < 0 && errno != EINTR) die("poll");
    if (ready > 0 && (fds[0].revents & (POLLIN | POLLHUP))) {
      char chunk[512];
      const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
      if (n <= 0) {
        stdin_open = false;
        break;
      }
      pending.append(chunk, static_cast<std::size_t>(n));
      std::size_t newline;
      while ((newline = pending.find('\n')) != std::string::npos) {
        const std::string line = pending.substr(0, newline);
        pending.erase(0, newline + 1);
        if (!apply(shaping, line)) std::fprintf(stderr, "connsim-live-link: ignored command: %s\n", line.c_str());
      }
    }
    for (int i = 0; i < 2 && shaping.set && ready > 0; ++i) {
      if (!(fds[1 + i].revents & POLLIN)) continue;
      Direction& d = directions[i];
      for (;;) {
        const ssize_t n = ::read(d.from, buffer.data(), buffer.size());
        if (n <= 0) break;
        if (shaping.loss > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < shaping.loss) continue;
        Clock::time_point due = Clock::now() + shaping.draw(rng);
        if (due < d.last_due) due = d.last_due;  // never overtake
        d.last_due = due;
        d.queue.push_back({due, std::vector<unsigned char>(buffer.begin(), buffer.begin() + n)});
      }
    }
    const auto after = Clock::now();
    for (auto& d : directions) {
      while (!d.queue.empty() && d.queue.front().due <= after) {
        const auto& frame = d.queue.front().bytes;
        (void)!::write(d.to, frame.data(), frame.size());  // a full device drops, as a link would
        d.queue.pop_front();
      }
    }
  }
  return 0;
}
