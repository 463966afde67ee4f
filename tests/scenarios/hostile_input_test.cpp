// Hostile input to the scenario loader: whatever bytes a file holds, loading it ends quickly with
// either a scenario or located, printable errors; never a crash, a hang, a stack overflow or an
// exhausted machine. Heavy cases run in a forked child under a small stack, a time limit and a
// measured memory bound, so a regression fails this test instead of taking the runner down.
#define BOOST_TEST_MODULE scenarios_hostile_input
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "scenarios/limits.hpp"
#include "scenarios/loader.hpp"
#include "tests/support/printable_utf8.hpp"

using namespace connsim::scenarios;
namespace fs = std::filesystem;

namespace {

// --- what every failed load must look like ---------------------------------------------------

/// Every error names the file and a position, says something short and printable.
void check_errors_well_formed(const LoadResult& result, const std::string& file) {
  BOOST_REQUIRE(!result.ok());
  BOOST_REQUIRE(!result.errors().empty());
  BOOST_TEST(result.errors().size() <= limits::kMaxReportedErrors + 1);
  for (const auto& error : result.errors()) {
    BOOST_TEST(error.file == file);
    BOOST_TEST(error.line >= 1u);
    BOOST_TEST(error.column >= 1u);
    BOOST_TEST(!error.message.empty());
    BOOST_TEST(error.message.size() <= 2000u, "message of " << error.message.size() << " bytes");
    BOOST_TEST(connsim::testing::is_printable_utf8(error.message), "not printable: " << error.message.substr(0, 200));
    const std::string line = error.to_string();
    BOOST_TEST(line.size() <= 3000u, "line of " << line.size() << " bytes");
    BOOST_TEST(connsim::testing::is_printable_utf8(line), "not printable: " << line.substr(0, 200));
  }
}

/// Loads `text`, which must be invalid; returns every error line joined by '\n'.
std::string invalid(const std::string& text) {
  const LoadResult result = load_scenario_text(text, "h.json");
  if (result.ok()) {
    BOOST_ERROR("loaded, expected errors: " << text.substr(0, 200));
    return "";
  }
  check_errors_well_formed(result, "h.json");
  std::string all;
  for (const auto& error : result.errors()) all += error.to_string() + "\n";
  return all;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

#define CHECK_INVALID(text, needle)                                       \
  do {                                                                    \
    const std::string errors_ = invalid(text);                            \
    BOOST_TEST(contains(errors_, needle), "expected \"" << (needle)       \
                                                       << "\" in:\n" << errors_); \
  } while (false)

const std::string kHead = R"({"format": "connsim/1", "name": "h")";
std::string scenario(const std::string& rest) { return kHead + (rest.empty() ? "" : ", " + rest) + "}"; }

// --- isolation: a child process with bounded stack, time and memory -------------------------

long current_rss_kb() {
  long pages = 0;
  long resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

bool under_sanitizer() {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
  return true;
#endif
  return false;
}

struct Isolated {
  bool exited = false;
  int status = 0;
  int signal = 0;
  long rss_growth_kb = 0;
  double seconds = 0;
};

/// Runs `work` in a forked child with a 1 MiB stack limit (the loader must not recurse on the
/// input's nesting) and `seconds` of wall time, and measures the child's peak memory above what
/// it inherited.
Isolated run_isolated(const std::function<void()>& work, unsigned seconds) {
  std::fflush(nullptr);
  const long base_kb = current_rss_kb();
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    rlimit stack{};
    getrlimit(RLIMIT_STACK, &stack);
    stack.rlim_cur = (under_sanitizer() ? 4u : 1u) * 1024 * 1024;
    setrlimit(RLIMIT_STACK, &stack);
    alarm(seconds);
    work();
    _exit(0);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  Isolated out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.exited = WIFEXITED(status);
  out.status = out.exited ? WEXITSTATUS(status) : 0;
  out.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  out.rss_growth_kb = usage.ru_maxrss - base_kb;
  return out;
}

/// The child's memory bound: the fixed inputs below take at most a few hundred MB; ASan's
/// shadow and quarantine roughly double that.
long memory_bound_kb() { return (under_sanitizer() ? 2048L : 1024L) * 1024; }

/// Loads `text` in isolation; it must be invalid and mention `needle`.
void check_isolated(const std::string& what, const std::function<std::string()>& make,
                    const std::string& needle) {
  const Isolated run = run_isolated(
      [&] {
        const std::string text = make();
        const LoadResult result = load_scenario_text(text, "h.json");
        if (result.ok()) _exit(3);
        for (const auto& error : result.errors()) {
          if (error.message.size() > 2000 || !connsim::testing::is_printable_utf8(error.message)) _exit(4);
          if (error.to_string().size() > 3000 || !connsim::testing::is_printable_utf8(error.to_string())) _exit(4);
        }
        for (const auto& error : result.errors()) {
          if (contains(error.to_string(), needle)) _exit(0);
        }
        std::fprintf(stderr, "%s: no error mentions \"%s\"; first: %s\n", what.c_str(),
                     needle.c_str(), result.errors().front().to_string().substr(0, 300).c_str());
        _exit(5);
      },
      under_sanitizer() ? 240 : 60);
  BOOST_TEST_MESSAGE(what << ": " << run.seconds << " s, +" << run.rss_growth_kb / 1024 << " MB");
  BOOST_TEST(run.signal == 0, "killed by signal " << run.signal << " (SIGALRM=" << SIGALRM << ")");
  BOOST_TEST(run.exited);
  BOOST_TEST(run.status == 0, "child status " << run.status
                                  << " (3: loaded, 4: bad message, 5: wrong message)");
  BOOST_TEST(run.rss_growth_kb < memory_bound_kb(), "peak memory grew by "
                                                         << run.rss_growth_kb / 1024 << " MB");
}

std::string repeat(const std::string& unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

std::string join_ids(const std::string& prefix, std::size_t n, const std::string& item_format) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += ",";
    std::string item = item_format;
    item.replace(item.find("%"), 1, prefix + std::to_string(i));
    out += item;
  }
  return out;
}

}  // namespace

// --- empty, whitespace, byte-order marks, NUL, binary ----------------------------------------

BOOST_AUTO_TEST_CASE(empty_and_blank_files) {
  CHECK_INVALID("", "h.json:1:1: invalid JSON");
  CHECK_INVALID("   \n\t\r\n  ", "h.json:3:3: invalid JSON");
  CHECK_INVALID("\xEF\xBB\xBF", "h.json:1:1: invalid JSON");
  CHECK_INVALID("null", "expected a scenario");
  CHECK_INVALID("[]", "expected a scenario");
  CHECK_INVALID("\"connsim/1\"", "expected a scenario");
  CHECK_INVALID("{}", "missing required key \"format\"");
}

BOOST_AUTO_TEST_CASE(byte_order_marks) {
  const LoadResult with_bom = load_scenario_text("\xEF\xBB\xBF" + scenario(""), "h.json");
  BOOST_REQUIRE(with_bom.ok());
  BOOST_TEST(with_bom.scenario().name == "h");
  // Two BOMs, a BOM after whitespace, UTF-16 and UTF-32 BOMs: not JSON text.
  CHECK_INVALID("\xEF\xBB\xBF\xEF\xBB\xBF" + scenario(""), "invalid JSON");
  CHECK_INVALID(" \xEF\xBB\xBF" + scenario(""), "invalid JSON");
  CHECK_INVALID("\xFF\xFE{\0\"\0" + std::string(10, 'x'), "invalid JSON");
  CHECK_INVALID(std::string("\xFE\xFF\0{", 4), "invalid JSON");
  CHECK_INVALID(std::string("\0\0\xFE\xFF", 4), "NUL byte");
}

BOOST_AUTO_TEST_CASE(nul_bytes_are_named) {
  CHECK_INVALID(std::string("{\"format\": \"connsim/1\",\0\"name\": \"x\"}", 35),
                "h.json:1:24: invalid JSON: a NUL byte");
  CHECK_INVALID(std::string("{\"format\": \"connsim/1\", \"name\": \"a\0b\"}", 38), "NUL byte");
  CHECK_INVALID(scenario("") + std::string(1, '\0'), "NUL byte");
}

BOOST_AUTO_TEST_CASE(binary_garbage_never_loads_and_never_throws) {
  std::mt19937_64 rng(20261125);
  for (int round = 0; round < 3000; ++round) {
    std::string text(rng() % 2048, '\0');
    for (char& c : text) c = static_cast<char>(rng());
    if (round % 3 == 1) text = "{" + text;                  // past the first byte
    if (round % 3 == 2) text = kHead + "," + text + "}";    // inside a scenario
    LoadResult result = load_scenario_text(text, "h.json");
    if (!result.ok()) check_errors_well_formed(result, "h.json");
  }
}

BOOST_AUTO_TEST_CASE(mutations_of_a_valid_scenario_never_throw) {
  const std::string valid = R"({"format": "connsim/1", "name": "m", "until": "30s",
 "network": {"latency": {"median": "40ms", "p99": "200ms"}, "loss": 0.01, "relays": [{"id": "r", "implementation": "js"}]},
 "wallets": [{"id": "a", "nat": {"mix": {"symmetric": 1, "full-cone": 2}}, "count": 3},
             {"id": "b", "relays": ["r"], "store": {"retry": {"max_attempts": 2}}}],
 "shared_wallets": [{"id": "s", "participants": ["a", "b"]}],
 "timeline": [{"at": "1s", "id": "c", "do": "connect_many", "wallet": "b", "peers": ["a"]},
              {"at": "2s", "do": "partition", "between": [["a-1"], ["r"]], "for": "1s"},
              {"at": "3s", "id": "p", "do": "propose_spend", "wallet": "b", "shared_wallet": "s"}],
 "expect": [{"result": "c", "peer": "a-1", "success": true},
            {"status": {"wallet": "b", "peer": "a-2"}, "sequence": ["connecting", "connected"]},
            {"metric": "connect_time_p50", "at_most": "2s"}]})";
  BOOST_REQUIRE(load_scenario_text(valid, "h.json").ok());
  const std::string alphabet = "{}[]\",:0123456789-.eE \\u\xC3\xA9\xFFtrue";
  std::mt19937_64 rng(7);
  for (int round = 0; round < 4000; ++round) {
    std::string text = valid;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.erase(at, 1 + rng() % 8); break;
        default: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
    }
    LoadResult result = load_scenario_text(text, "h.json");
    if (!result.ok()) check_errors_well_formed(result, "h.json");
  }
}

// --- invalid UTF-8 -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(invalid_utf8_is_rejected_and_quoted_printably) {
  CHECK_INVALID(scenario(R"("description": "a)" "\xFF\xFE" R"(b")"), "ill-formed UTF-8");
  CHECK_INVALID(scenario(R"("description": "a)" "\xFF" R"(b")"), "\\xFF");
  CHECK_INVALID(scenario("\"\xC3\x28\": 1"), "ill-formed UTF-8");                  // in a key
  CHECK_INVALID(scenario(R"("description": ")" "\xC0\xAF" R"(")"), "UTF-8");       // overlong '/'
  CHECK_INVALID(scenario(R"("description": ")" "\xED\xA0\x80" R"(")"), "UTF-8");   // a surrogate
  CHECK_INVALID(scenario(R"("description": ")" "\xF8\x88\x80\x80\x80" R"(")"), "UTF-8");
  CHECK_INVALID(scenario(R"("description": ")" "\xF4\x90\x80\x80" R"(")"), "UTF-8");  // > U+10FFFF
  CHECK_INVALID(kHead + R"(, "description": ")" + "\xE2\x82", "invalid JSON");     // cut off
  CHECK_INVALID(scenario(R"("description": "\uD800")"), "surrogate");
  CHECK_INVALID(scenario(R"("description": "\uDC00x")"), "surrogate");
  // DEL is a control character JSON leaves unescaped: messages quote it as \u007f.
  CHECK_INVALID(scenario("\"timeline\": [{\"at\": 0, \"do\": \"he\x7f" "al\"}]"), "got \"he\\u007fal\"");
  CHECK_INVALID(scenario("\"k\x7f\": 1"), "unknown key \"k\\u007f\"");
  CHECK_INVALID(scenario("\"k\x7f\": 1, \"k\x7f\": 2"), "duplicate key \"k\\u007f\"");
  // A control character in a key, written as an escape: the printed pointer escapes it too.
  CHECK_INVALID(scenario(R"("k\u0001": 1)"), "h.json:1:38: /k\\u0001: unknown key \"k\\u0001\"");
  // Found by the fuzzer: a long string holding nlohmann's own "'; expected" before a bad byte.
  CHECK_INVALID(kHead + ", \"description\": \"" + std::string(3000, 'x') + "'; expected " +
                    std::string(3000, 'y') + "\xFF\"}",
                "last read: '...yyy");
  // Outside strings: a stray continuation byte.
  CHECK_INVALID(kHead + " \x80}", "\\x80");
  // Valid UTF-8 everywhere is fine, columns count characters.
  const LoadResult ok = load_scenario_text(scenario(R"("description": "Zoë — 🚀")"), "h.json");
  BOOST_TEST(ok.ok());
}

// --- nesting -------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(deep_nesting_never_recurses) {
  constexpr std::size_t kLevels = 300'000;
  check_isolated("arrays", [] { return repeat("[", kLevels) + repeat("]", kLevels); },
                 "nested deeper than 256 levels");
  check_isolated("unclosed arrays", [] { return repeat("[", kLevels); }, "nested deeper than 256");
  check_isolated("objects",
                 [] { return repeat("{\"a\":", kLevels) + "1" + repeat("}", kLevels); },
                 "nested deeper than 256");
  check_isolated("inside a scenario",
                 [] { return kHead + ", \"description\": " + repeat("[{\"k\":", kLevels) + "0"; },
                 "nested deeper than 256");
  check_isolated("closers only", [] { return repeat("]", kLevels); }, "invalid JSON");
  // Brackets inside a string are text, not nesting.
  const LoadResult in_string =
      load_scenario_text(scenario("\"description\": \"" + repeat("[", kLevels) + "\""), "h.json");
  BOOST_TEST(in_string.ok());
  // The limit itself: 256 levels parse (and fail on type), 257 do not.
  CHECK_INVALID(scenario("\"description\": " + repeat("[", 255) + repeat("]", 255)),
                "/description: expected a string, got an array");
  CHECK_INVALID(scenario("\"description\": " + repeat("[", 256) + repeat("]", 256)),
                "nested deeper than 256");
}

// --- size ----------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(multi_megabyte_files) {
  const std::size_t limit = limits::kMaxFileBytes;
  // A big but valid file loads.
  check_isolated(
      "15 MiB description, then a bad key",
      [] { return scenario("\"description\": \"" + std::string(15u << 20, 'x') + "\", \"bad\": 1"); },
      "unknown key \"bad\"");
  check_isolated("one byte over the limit",
                 [&] { return scenario("\"description\": \"" + std::string(limit, 'x') + "\""); },
                 "larger than 67108864 bytes");
  check_isolated("four and a half million small values",
                 [] { return "[" + repeat("1,", 4'500'000) + "1]"; }, "more than 4000000 JSON values");
  check_isolated("450k empty objects",
                 [] { return scenario("\"description\": [" + repeat("{},", 450'000) + "{}]"); },
                 "/description: expected a string, got an array");
  check_isolated("long keys nested deep",
                 [] {
                   const std::string key(60'000, 'k');
                   return repeat("{\"" + key + "\":", 250) + "1" + repeat("}", 250);
                 },
                 "the JSON pointers of this document exceed 134217728 bytes");
  check_isolated("100k errors",
                 [] { return scenario(join_ids("k", 100'000, "\"%\": 1")); }, "more errors not shown");
  check_isolated("a 10 MB key and a 10 MB id",
                 [] {
                   return scenario("\"" + std::string(10u << 20, 'k') + "\": 1, \"wallets\": [{\"id\": \"" +
                                   std::string(4u << 20, 'w') + "\"}]");
                 },
                 "unknown key \"kkkk");
  check_isolated("a 10 MB string with a control character at its end",
                 [] { return kHead + ", \"description\": \"" + std::string(10u << 20, 'x') + "\x01\"}"; },
                 "invalid JSON");
}

BOOST_AUTO_TEST_CASE(files_that_never_end) {
  // Reading stops one byte past the limit: an endless device is "too large", not a hang.
  for (const char* device : {"/dev/zero", "/dev/urandom"}) {
    if (!fs::exists(device)) continue;
    check_isolated(device,
                   [&] {
                     const LoadResult r = load_scenario_file(device);
                     if (r.ok()) _exit(3);
                     if (contains(r.errors().front().message, "larger than")) _exit(0);
                     _exit(5);
                     return std::string();
                   },
                   "");
  }
  // A sparse 1 GiB file.
  const fs::path big = fs::temp_directory_path() / ("connsim_hostile_" + std::to_string(getpid()) + ".json");
  { std::ofstream(big) << "{"; }
  fs::resize_file(big, 1ull << 30);
  const LoadResult r = load_scenario_file(big);
  fs::remove(big);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(contains(r.errors().front().message, "larger than 67108864 bytes"));
  // A directory and a missing file.
  BOOST_TEST(contains(load_scenario_file(fs::temp_directory_path()).errors().front().message,
                      "it is a directory"));
  BOOST_TEST(contains(load_scenario_file("/nonexistent/h.json").errors().front().message,
                      "cannot read the file"));
}

// --- numbers: NaN, infinities, negatives, overflow ------------------------------------------------

BOOST_AUTO_TEST_CASE(nan_infinity_and_overflow) {
  for (const char* literal : {"NaN", "nan", "Infinity", "-Infinity", "inf", "+1", ".5", "01", "1.",
                              "0x10", "1e", "--1", "1_000"}) {
    CHECK_INVALID(scenario(std::string("\"network\": {\"loss\": ") + literal + "}"), "invalid JSON");
  }
  CHECK_INVALID(scenario(R"("network": {"loss": 1e400})"),
                "h.json:1:58: invalid JSON: number overflow parsing '1e400'");
  CHECK_INVALID(scenario(R"("until": -1e400)"), "invalid JSON");
  CHECK_INVALID(scenario(R"("seed": 18446744073709551616)"), "/seed: expected an integer");
  CHECK_INVALID(scenario(R"("seed": 1e3)"), "/seed: expected an integer");
  CHECK_INVALID(scenario(R"("network": {"loss": 1e-400}, "seed": -1)"), "/seed: must be at least 0");
  CHECK_INVALID(scenario(R"("network": {"loss": "0.5"})"), "/network/loss: expected a number");
}

BOOST_AUTO_TEST_CASE(negative_numbers_and_times) {
  const std::string two = R"("wallets": [{"id": "a"}, {"id": "b"}])";
  CHECK_INVALID(scenario(R"("until": -5)"), "/until: a time must not be negative");
  CHECK_INVALID(scenario(R"("until": "-5s")"), "/until: a time must not be negative");
  CHECK_INVALID(scenario(R"("until": -0.0)"), "/until: must be greater than 0");
  CHECK_INVALID(scenario(R"("network": {"loss": -0.1})"), "/network/loss: must be between 0 and 1");
  CHECK_INVALID(scenario(R"("network": {"loss": 1.0000001})"), "/network/loss: must be between 0 and 1");
  CHECK_INVALID(scenario(R"("network": {"latency": "-40ms"})"), "a time must not be negative");
  CHECK_INVALID(scenario(R"("network": {"latency": {"median": "-1ms", "p99": "1ms"}})"),
                "a time must not be negative");
  CHECK_INVALID(scenario(R"("network": {"latency": {"min": "2ms", "max": "1ms"}})"),
                "max must not be less than min");
  CHECK_INVALID(scenario(R"("network": {"relays": [{"id": "r", "circuit_bytes": -1}]})"),
                "/network/relays/0/circuit_bytes: must be at least 0");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a", "count": -1}])"), "/wallets/0/count: must be at least 1");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a", "count": -0}])"), "/wallets/0/count: must be at least 1");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a", "inbound_limit": -1}])"), "must be at least 0");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a", "store": {"retry": {"max_attempts": -3}}}])"),
                "must be at least 1");
  CHECK_INVALID(scenario(two + R"(, "timeline": [{"at": -1, "do": "heal"}])"), "a time must not be negative");
  CHECK_INVALID(scenario(two + R"(, "timeline": [{"at": "1s", "do": "connect", "wallet": "a", "peer": "b", "repeat": {"every": "-1s"}}])"),
                "a time must not be negative");
  CHECK_INVALID(scenario(R"("expect": [{"metric": "connect_success_rate", "at_least": -0.5}])"),
                "must be between 0 and 1");
}

// --- huge counts and absurd untils -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(huge_counts) {
  for (const char* count : {"1e18", "1.5", "\"10\"", "true", "null"}) {
    CHECK_INVALID(scenario(std::string(R"("wallets": [{"id": "a", "count": )") + count + "}]"),
                  "/wallets/0/count: expected an integer");
  }
  for (const char* count : {"100001", "1000000", "9223372036854775807", "18446744073709551615"}) {
    CHECK_INVALID(scenario(std::string(R"("wallets": [{"id": "a", "count": )") + count + "}]"),
                  "/wallets/0/count: must be at most 100000");
  }
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a", "count": 60000}, {"id": "b", "count": 60000, "online_at": "1h"}])"),
                "/wallets/1/count: more than 100000 wallets in one scenario");
  // Presence gossip is quadratic: 10,000 wallets joining at once measured 14.6 GB before
  // std::bad_alloc. Joins within one second are bounded; staggered ones are fine.
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a", "count": 5000}, {"id": "b", "count": 5000, "online_at": "500ms"}])"),
                "/wallets/0: 10000 wallets come online within one second (from 0s) and each "
                "advertisement reaches all 10000 wallets: about 100000000 presence deliveries at once");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a", "count": 5000, "online_at": "3s"}])"),
                "/wallets/0/online_at: 5000 wallets come online within one second (from 3s)");
  BOOST_TEST(load_scenario_text(scenario(R"("wallets": [{"id": "a", "count": 4000}])"), "h.json").ok());
}

BOOST_AUTO_TEST_CASE(absurd_untils) {
  CHECK_INVALID(scenario(R"("until": "721h")"), "/until: until must be at most 720h");
  CHECK_INVALID(scenario(R"("until": "8761h")"), "a time must be at most 8760h");
  CHECK_INVALID(scenario(R"("until": "99999999999999999999999999h")"), "a time must be at most");
  CHECK_INVALID(scenario(R"("until": 1e300)"), "a time must be at most");
  CHECK_INVALID(scenario(R"("until": 18446744073709551615)"), "a time must be at most");
  CHECK_INVALID(scenario(R"("until": "0s")"), "/until: must be greater than 0");
  CHECK_INVALID(scenario(R"("until": "1e9h")"), "expected a time like");
  CHECK_INVALID(scenario(R"("until": "10 s")"), "expected a time like");
  CHECK_INVALID(scenario(R"("until": "1.5.5s")"), "expected a time like");
  CHECK_INVALID(scenario(R"("until": "")"), "expected a time like");
  CHECK_INVALID(scenario(R"("until": "5d")"), "expected a time like");
  BOOST_TEST(load_scenario_text(scenario(R"("until": "720h")"), "h.json").ok());
  BOOST_TEST(load_scenario_text(scenario(R"("until": "0.000000001s")"), "h.json").ok());
  // Nanoseconds beyond the 18 digits the grammar keeps are rounded, never overflow.
  BOOST_TEST(load_scenario_text(scenario(R"("until": "1.0000000000000000000000000000001s")"), "h.json").ok());
}

// --- ids: duplicates and unknown references ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(duplicate_ids) {
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a"}, {"id": "a"}])"), "/wallets/1/id: duplicate id \"a\"");
  CHECK_INVALID(scenario(R"("network": {"relays": [{"id": "a"}]}, "wallets": [{"id": "a"}])"),
                "/wallets/0/id: duplicate id \"a\"; already used by the relay at /network/relays/0");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "g", "count": 2}, {"id": "g-2"}])"), "duplicate id \"g-2\"");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "g-2"}, {"id": "g", "count": 2}])"), "duplicate id \"g-2\"");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a", "peer_id": "p"}, {"id": "b", "peer_id": "p"}])"),
                "duplicate peer_id \"p\"");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a"}, {"id": "b", "peer_id": "a"}])"), "duplicate peer_id \"a\"");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a"}], "shared_wallets": [{"id": "s", "participants": ["a"]}, {"id": "s", "participants": ["a"]}])"),
                "duplicate shared wallet id \"s\"");
  CHECK_INVALID(scenario(R"("timeline": [{"at": 0, "id": "x", "do": "heal"}, {"at": 0, "id": "x", "do": "heal"}])"),
                "duplicate step id \"x\"");
  CHECK_INVALID(scenario(R"("name": "again")"), "duplicate key \"name\"");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a", "i\u0064": "b"}])"), "duplicate key \"id\"");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a", "relays": [], "relays": []}])"), "duplicate key");
  // 10,000 wallets with one id: every duplicate reported, the list capped.
  check_isolated("10k duplicate wallets",
                 [] { return scenario("\"wallets\": [" + repeat("{\"id\": \"a\"},", 9'999) + "{\"id\": \"a\"}]"); },
                 "more errors not shown");
}

BOOST_AUTO_TEST_CASE(unknown_references) {
  const std::string base = R"("network": {"relays": [{"id": "r"}]}, "wallets": [{"id": "a"}, {"id": "b", "relays": ["r"]}, {"id": "g", "count": 2}], "shared_wallets": [{"id": "s", "participants": ["a", "b"]}])";
  const auto with = [&](const std::string& rest) { return scenario(base + ", " + rest); };
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a", "relays": ["nope"]}])"), "unknown relay \"nope\"; no relays defined");
  CHECK_INVALID(scenario(R"("wallets": [{"id": "a"}], "shared_wallets": [{"id": "s", "participants": ["a", "zed"]}])"),
                "unknown wallet \"zed\"");
  CHECK_INVALID(with(R"("timeline": [{"at": 0, "do": "connect", "wallet": "a", "peer": "zed"}])"),
                "/timeline/0/peer: unknown wallet \"zed\"; known: a, b, g-1, g-2");
  CHECK_INVALID(with(R"("timeline": [{"at": 0, "do": "connect", "wallet": "g", "peer": "a"}])"),
                "it has a count: use \"g-1\" ... \"g-2\"");
  CHECK_INVALID(with(R"("timeline": [{"at": 0, "do": "connect_many", "wallet": "a", "peers": ["b", "zed"]}])"),
                "/timeline/0/peers/1: unknown wallet \"zed\"");
  CHECK_INVALID(with(R"("timeline": [{"at": 0, "do": "propose_spend", "wallet": "a", "shared_wallet": "t"}])"),
                "unknown shared wallet \"t\"; known: s");
  CHECK_INVALID(with(R"("timeline": [{"at": 0, "do": "relay_down", "relay": "q"}])"), "unknown relay \"q\"; known: r");
  CHECK_INVALID(with(R"("timeline": [{"at": 0, "do": "partition", "between": [["a"], ["nowhere"]]}])"),
                "unknown wallet or relay \"nowhere\"");
  CHECK_INVALID(with(R"("expect": [{"result": "nope", "success": true}])"), "unknown step \"nope\"; no step ids defined");
  CHECK_INVALID(with(R"("expect": [{"status": {"wallet": "a", "peer": "zed"}, "sequence": []}])"), "unknown wallet \"zed\"");
  CHECK_INVALID(with(R"("expect": [{"events": {"wallet": "zed"}, "sequence": []}])"), "unknown wallet \"zed\"");
  CHECK_INVALID(with(R"("expect": [{"getter": "is_peer_connected", "wallet": "a", "peer": "zed", "equals": true}])"),
                "unknown wallet \"zed\"");
  // A reference as long as the file is quoted short.
  const std::string errors = invalid(with(R"("timeline": [{"at": 0, "do": "connect", "wallet": "a", "peer": ")" +
                                          std::string(1u << 20, 'z') + "\"}]"));
  BOOST_TEST(errors.size() < 2000u);
  BOOST_TEST(contains(errors, "zzz...\""));
}

// --- expansion bombs: small files that would expand to billions of ids ----------------------------

BOOST_AUTO_TEST_CASE(expansion_bombs_are_refused_quickly) {
  // A group of 9,999: its 201st mention passes the 2,000,000 ids.
  const std::string group = R"({"id": "g", "count": 9999}, {"id": "a"})";
  check_isolated("1000 relays x count 9999",
                 [] {
                   return scenario("\"network\": {\"relays\": [" + join_ids("r", 1000, "{\"id\": \"%\"}") +
                                   "]}, \"wallets\": [{\"id\": \"g\", \"count\": 9999}]");
                 },
                 "/wallets/0/count: the file expands to more than 2000000 wallet and relay ids");
  check_isolated("connect_many naming a group 5000 times",
                 [&] {
                   return scenario("\"wallets\": [" + group +
                                   "], \"timeline\": [{\"at\": 0, \"do\": \"connect_many\", \"wallet\": \"a\", "
                                   "\"peers\": [" + repeat("\"g\",", 4'999) + "\"g\"]}]");
                 },
                 "/timeline/0/peers/200: the file expands to more than 2000000");
  check_isolated("1000 shared wallets of a group",
                 [&] {
                   return scenario("\"wallets\": [" + group + "], \"shared_wallets\": [" +
                                   join_ids("s", 1000, "{\"id\": \"%\", \"participants\": [\"g\"]}") + "]");
                 },
                 "/shared_wallets/200/participants/0: the file expands to more than 2000000");
  check_isolated("a partition side naming a group 50000 times",
                 [&] {
                   return scenario("\"wallets\": [" + group +
                                   "], \"timeline\": [{\"at\": 0, \"do\": \"partition\", \"between\": [[\"a\"], [" +
                                   repeat("\"g\",", 49'999) + "\"g\"]]}]");
                 },
                 "/timeline/0/between/1/200: the file expands to more than 2000000");
  check_isolated("connect_many of a group repeated",
                 [&] {
                   return scenario("\"wallets\": [" + group +
                                   "], \"timeline\": [{\"at\": 0, \"do\": \"connect_many\", \"wallet\": \"a\", "
                                   "\"peers\": [\"g\"], \"repeat\": {\"every\": \"1s\", \"times\": 200}}]");
                 },
                 "/timeline/0/repeat: the timeline runs more than 1000000 steps");
}

// --- run budgets: valid-looking knobs that would make the run endless ------------------------------

BOOST_AUTO_TEST_CASE(periodic_work_is_bounded) {
  CHECK_INVALID(scenario(R"("until": "720h", "network": {"bootstrap": {"peer_exchange_interval": "1ns"}}, "wallets": [{"id": "a"}])"),
                "/network/bootstrap/peer_exchange_interval: peer exchange every 1ns to 1 wallet makes about 2.6e+15 deliveries");
  CHECK_INVALID(scenario(R"("until": "720h", "wallets": [{"id": "g", "count": 10000}])"),
                "/until: peer exchange every 10s to 10000 wallets");
  // Steps that touch every wallet count once per wallet: 2,000 wallets reloading every second.
  CHECK_INVALID(scenario(R"("until": "1h", "wallets": [{"id": "g", "count": 2000}],
                            "timeline": [{"at": "1s", "do": "reload", "wallet": "g-1", "repeat": {"every": "1s"}}])"),
                "/timeline/0/repeat: the timeline runs more than 1000000 steps");
  CHECK_INVALID(scenario(R"("until": "70h", "network": {"relays": [{"id": "r"}]}, "wallets": [{"id": "g", "count": 2000, "relay_reconnect": "keep-alive"}],
                            "timeline": [{"at": "1s", "do": "relay_down", "relay": "r", "for": "500ms", "repeat": {"every": "1s"}}])"),
                "/timeline/0/repeat: the timeline runs more than 1000000 steps");
  CHECK_INVALID(scenario(R"("until": "1h", "network": {"readvertise_interval": "1us"}, "wallets": [{"id": "a"}, {"id": "b"}])"),
                "/network/readvertise_interval: re-advertising every 1us among 2 wallets");
  CHECK_INVALID(scenario(R"("until": "720h", "network": {"relays": [{"id": "r"}]}, "wallets": [{"id": "a", "relay_reconnect": "1us"}])"),
                "/wallets/0/relay_reconnect: redialing lost relays every 1us");
  CHECK_INVALID(scenario(R"("network": {"ice": {"check_interval": "1ns", "failed_timeout": "1h"}})"),
                "/network/ice/check_interval: an ICE check every 1ns for 1h");
  CHECK_INVALID(scenario(R"("timeline": [{"at": 0, "do": "heal", "repeat": {"every": "100us"}}])"),
                "the timeline runs more than 1000000 steps");
  // 100,000 connects of 1,000 attempts each would keep ~10^8 attempt records.
  CHECK_INVALID(scenario(R"("until": "720h", "wallets": [{"id": "a", "store": {"retry": {"max_attempts": 1000, "policy": "fixed", "base_delay": 0}}}, {"id": "b"}],
                            "timeline": [{"at": 0, "do": "connect", "wallet": "a", "peer": "b", "repeat": {"every": "1s", "times": 100000}}])"),
                "/timeline/0/repeat: the timeline may make more than 4000000 connection attempts");
  BOOST_TEST(load_scenario_text(scenario(R"("until": "720h", "wallets": [{"id": "a", "store": {"retry": {"max_attempts": 1000}}}, {"id": "b"}],
                            "timeline": [{"at": 0, "do": "connect", "wallet": "a", "peer": "b", "repeat": {"every": "1s", "times": 1000}}])"),
                                "h.json").ok());
  // Ordinary values are far from every budget.
  BOOST_TEST(load_scenario_text(scenario(R"("until": "720h", "network": {"readvertise_interval": "1m", "relays": [{"id": "r"}]}, "wallets": [{"id": "g", "count": 40, "relay_reconnect": "5s"}])"),
                                "h.json").ok());
}
