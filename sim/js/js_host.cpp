#include "sim/js/js_host.hpp"

#include <cstdlib>
#include <filesystem>

#ifndef CONNSIM_JS_DIR
#define CONNSIM_JS_DIR "js"
#endif

namespace connsim::sim::js {

namespace {

constexpr const char* kInstallHint = "install Node >= 18 and run scripts/install-deps.sh";

std::string seconds_text(std::chrono::milliseconds timeout) {
  const auto ms = timeout.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

std::string text_of(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

/// The last non-empty line of the host's stderr, for messages.
std::string stderr_hint(const std::string& tail) {
  std::string text = tail;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return {};
  const auto newline = text.rfind('\n');
  return "; its stderr ends: " + (newline == std::string::npos ? text : text.substr(newline + 1));
}

}  // namespace

HostOptions JsHost::node_options(const std::string& store_directory) {
  HostOptions options;
  const char* node = std::getenv("CONNSIM_NODE");
  const char* js_dir = std::getenv("CONNSIM_JS_DIR");
  const std::string dir = js_dir != nullptr && *js_dir != '\0' ? js_dir : CONNSIM_JS_DIR;
  options.command = {node != nullptr && *node != '\0' ? node : "node", dir + "/host/main.js"};
  if (!store_directory.empty()) {
    options.command.push_back("--store");
    options.command.push_back(std::filesystem::absolute(store_directory).string());
  }
  options.working_directory = dir;
  return options;
}

JsHost::JsHost(HostOptions options, HostScheduler& scheduler)
    : options_(std::move(options)), scheduler_(scheduler) {
  if (options_.command.size() >= 2 && options_.command[1].ends_with("/host/main.js") &&
      !std::filesystem::exists(options_.command[1])) {
    throw EnvironmentError("the JavaScript store host " + options_.command[1] + " is missing (set CONNSIM_JS_DIR)");
  }
  try {
    process_ = std::make_unique<HostProcess>(options_.command, options_.working_directory);
  } catch (const SpawnError& e) {
    throw EnvironmentError(std::string("cannot start the JavaScript store host: ") + e.what() + "; " + kInstallHint);
  }
  const auto read = process_->read_line(options_.read_timeout);
  if (read.status == HostProcess::ReadStatus::line) {
    nlohmann::json ready = nlohmann::json::parse(read.line, nullptr, false);
    if (ready.is_object() && ready.value("ev", "") == "ready") return;
    if (ready.is_object() && ready.value("ev", "") == "fatal") {
      const std::string kind = text_of(ready, "kind");
      const std::string message = text_of(ready, "message");
      if (kind == "environment" || kind == "usage") {
        process_->wait(std::chrono::milliseconds(2000));
        throw EnvironmentError("JavaScript store host: " + message);
      }
      fail("JavaScript store cannot be built: " + message, true);
      return;
    }
    fail("JavaScript store host: expected the ready line, got: " + read.line.substr(0, 200), true);
  } else if (read.status == HostProcess::ReadStatus::ended) {
    const auto status = process_->wait(std::chrono::milliseconds(2000));
    if (status == 127 || status == 126) {
      throw EnvironmentError("cannot run " + options_.command[0] + stderr_hint(process_->stderr_tail()) + "; " + kInstallHint);
    }
    fail("JavaScript store host exited before it was ready" +
             (status ? " (status " + std::to_string(*status) + ")" : std::string()) + stderr_hint(process_->stderr_tail()),
         true);
  } else {
    fail("JavaScript store host did not start within " + seconds_text(options_.read_timeout) + " (wall time)", true);
  }
}

JsHost::~JsHost() {
  if (!process_) return;
  if (!dead_ && process_->write_line(R"({"op":"shutdown"})")) {
    for (;;) {
      const auto read = process_->read_line(std::chrono::milliseconds(2000));
      if (read.status != HostProcess::ReadStatus::line || read.line.find(R"("ev":"bye")") != std::string::npos) break;
    }
  }
  process_->close_input();
  if (!process_->wait(std::chrono::milliseconds(2000))) process_->kill();
}

void JsHost::fail(std::string message, bool fatal) {
  if (!failure_) failure_ = std::move(message);
  if (fatal && !dead_) {
    dead_ = true;
    queued_.clear();
    if (process_) process_->kill();
  }
}

void JsHost::send(nlohmann::json message) {
  if (dead_) return;
  if (busy_) {
    queued_.push_back(std::move(message));
    return;
  }
  exchange(message);
  while (!queued_.empty() && !dead_) {
    nlohmann::json next = std::move(queued_.front());
    queued_.erase(queued_.begin());
    exchange(next);
  }
}

void JsHost::exchange(const nlohmann::json& message) {
  busy_ = true;
  if (!process_->write_line(message.dump())) {
    busy_ = false;
    const auto status = process_->wait(std::chrono::milliseconds(2000));
    fail("JavaScript store host stopped reading its input" +
             (status ? " (it exited with status " + std::to_string(*status) + ")" : std::string()) +
             stderr_hint(process_->stderr_tail()),
         true);
    return;
  }
  for (;;) {
    const auto read = process_->read_line(options_.read_timeout);
    if (read.status == HostProcess::ReadStatus::timed_out) {
      busy_ = false;
      fail("JavaScript store host did not answer within " + seconds_text(options_.read_timeout) +
               " (wall time) after " + message.dump().substr(0, 200) + "; killed it",
           true);
      return;
    }
    if (read.status == HostProcess::ReadStatus::ended) {
      busy_ = false;
      const auto status = process_->wait(std::chrono::milliseconds(2000));
      fail("JavaScript store host exited" + (status ? " with status " + std::to_string(*status) : std::string()) +
               " while handling " + message.dump().substr(0, 200) + stderr_hint(process_->stderr_tail()),
           true);
      return;
    }
    if (dispatch(read.line)) break;
    if (dead_) {
      busy_ = false;
      return;
    }
  }
  busy_ = false;
}

bool JsHost::dispatch(const std::string& line) {
  nlohmann::json message = nlohmann::json::parse(line, nullptr, false);
  if (!message.is_object()) {
    fail("JavaScript store host wrote a line that is not a protocol message: " + line.substr(0, 200), true);
    return false;
  }
  if (auto call = message.find("call"); call != message.end()) {
    const std::string kind = call->is_string() ? call->get<std::string>() : std::string();
    auto client = clients_.find(text_of(message, "wallet"));
    if (client == clients_.end() || !message.contains("id")) {
      fail("JavaScript store host made a call for no known wallet: " + line.substr(0, 200), true);
      return false;
    }
    if (kind == "existing_connection" || kind == "random") {
      nlohmann::json reply{{"op", "reply"}, {"id", message["id"]}, {"value", client->second->answer(message)}};
      if (!process_->write_line(reply.dump())) fail("JavaScript store host stopped reading its input", true);
    } else if (kind == "dial" || kind == "dial_via_relay" || kind == "send") {
      client->second->start_call(message);
    } else if (kind == "abort") {
      client->second->abort_call(message);
    } else {
      fail("JavaScript store host made an unknown call: " + line.substr(0, 200), true);
    }
    return false;
  }
  const std::string ev = text_of(message, "ev");
  if (ev == "idle") {
    const auto& next = message["next_timer"];
    next_timer_.reset();
    if (next.is_number_integer()) next_timer_ = Duration(next.get<std::int64_t>());
    if (next_timer_) arm_advance(*next_timer_);
    return true;
  }
  if (ev == "bye") return true;
  if (ev == "fatal") {
    fail("JavaScript store host stopped: " + text_of(message, "message"), true);
    return false;
  }
  if (ev == "created") return false;
  const bool is_query = query_id_ && message.contains("id") && message["id"] == *query_id_;
  if (ev == "error") {
    const std::string kind = text_of(message, "kind");
    const std::string wallet = text_of(message, "wallet");
    if (kind == "protocol") {
      fail("the bridge broke the JavaScript store protocol: " + text_of(message, "message"), false);
    } else {
      fail("JavaScript store error" + (wallet.empty() ? std::string() : " in wallet " + wallet) + " (" +
               text_of(message, "where") + "): " + text_of(message, "message"),
           false);
    }
    if (is_query) return false;
  } else if (ev == "result" && is_query) {
    query_value_ = message.contains("value") ? message["value"] : nlohmann::json();
    return false;
  }
  if (auto client = clients_.find(text_of(message, "wallet")); client != clients_.end()) {
    client->second->report(message);
  }
  return false;
}

std::optional<nlohmann::json> JsHost::query(const std::string& wallet, nlohmann::json fields) {
  if (dead_ || busy_) return std::nullopt;
  const std::uint64_t id = next_request_id();
  fields["op"] = "action";
  fields["id"] = id;
  fields["wallet"] = wallet;
  fields["t"] = now_ns();
  fields["name"] = "getter";
  query_id_ = id;
  query_value_.reset();
  send(std::move(fields));
  query_id_.reset();
  auto value = std::move(query_value_);
  query_value_.reset();
  return value;
}

void JsHost::resolve(std::uint64_t id, const store::DialOutcome& outcome) {
  nlohmann::json message{{"op", "resolve"}, {"id", id}, {"t", now_ns()}, {"ok", outcome.ok}};
  if (!outcome.ok) message["error"] = outcome.error;
  send(std::move(message));
}

void JsHost::arm_advance(Duration due) {
  if (due < scheduler_.now()) due = scheduler_.now();
  if (!armed_.insert(due).second) return;
  scheduler_.at(due, [this, due] {
    armed_.erase(due);
    // Stale when the timer it was for has been cleared or has already fired.
    if (dead_ || !next_timer_ || *next_timer_ > due) return;
    send(nlohmann::json{{"op", "advance"}, {"t", due.count()}});
  });
}

}  // namespace connsim::sim::js
