// connsim-live-store: one live wallet's C++ stores, as a process of its own. The wallet's Node
// process (js/live/cpp_store.js) starts it and talks to it over its stdin and stdout, one JSON
// object per line (live/store_host/store_host.hpp); stderr is free text (the wallet's log). It
// runs until its input ends: when the Node process goes, by a stop, a reload or a crash, so
// does its store.
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "live/store_host/run_clock.hpp"
#include "live/store_host/store_host.hpp"

namespace {

namespace asio = boost::asio;

/// Writes one line to stdout, whole (a line is never interleaved with another).
void write_line(const std::string& text) {
  std::string line = text + "\n";
  const char* data = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDOUT_FILENO, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::_Exit(1);  // the node process is gone
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

/// Reads stdin as lines and hands each to the host; stops the io_context at the end of input.
class LineReader {
 public:
  LineReader(asio::io_context& io, connsim::live::LiveStoreHost& host)
      : io_(io), input_(io, ::dup(STDIN_FILENO)), host_(host) {}

  void start() {
    input_.async_read_some(asio::buffer(chunk_), [this](const boost::system::error_code& error, std::size_t n) {
      if (error) {
        io_.stop();
        return;
      }
      buffered_.append(chunk_.data(), n);
      std::size_t newline;
      while ((newline = buffered_.find('\n')) != std::string::npos) {
        const std::string line = buffered_.substr(0, newline);
        buffered_.erase(0, newline + 1);
        if (!line.empty()) host_.handle_line(line);
      }
      start();
    });
  }

 private:
  asio::io_context& io_;
  asio::posix::stream_descriptor input_;
  connsim::live::LiveStoreHost& host_;
  std::array<char, 65536> chunk_{};
  std::string buffered_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    std::cerr << "usage: " << argv[0] << " (no arguments; JSON lines on stdin, live/store_host/store_host.hpp)\n";
    return 2;
  }
  asio::io_context io;
  connsim::live::RunClock clock;
  connsim::live::LiveStoreHost host(io.get_executor(), clock, [](const nlohmann::json& line) { write_line(line.dump()); },
                                    [&clock](double start_epoch_ms) { clock.start_at(start_epoch_ms); });
  LineReader reader(io, host);
  reader.start();
  io.run();
  // Input ended: the wallet's node is gone. Coroutines still suspended on its calls are dropped
  // with the process.
  std::_Exit(0);
}
