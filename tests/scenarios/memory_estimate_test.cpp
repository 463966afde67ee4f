// The memory model: the counts taken from a file (all online, sessions, reloads, bursts of joins),
// the estimate, byte sizes as users write them, MemAvailable, and the refusal line.
#define BOOST_TEST_MODULE scenarios_memory_estimate
#include <boost/test/unit_test.hpp>

#include <string>

#include "scenarios/loader.hpp"
#include "scenarios/memory_estimate.hpp"

using namespace connsim::scenarios;

namespace {

Scenario load_ok(const std::string& text) {
  LoadResult result = load_scenario_text(text, "m.json");
  if (!result.ok()) BOOST_FAIL("unexpected error: " + result.errors().front().to_string());
  return std::move(result.scenario());
}

/// `wallets` (a JSON array body) and `timeline`, with `until` and `network` extras.
std::string scenario(const std::string& wallets, const std::string& timeline = "",
                     const std::string& until = "10m", const std::string& network = "") {
  return R"({"format": "connsim/1", "name": "m", "until": ")" + until + R"(", "network": {)" +
         network + R"(}, "wallets": [)" + wallets + R"(], "timeline": [)" + timeline + "]}";
}

}  // namespace

BOOST_AUTO_TEST_CASE(all_online_every_store_holds_every_other_wallet) {
  const MemoryShape shape =
      memory_shape(load_ok(scenario(R"({"id": "a", "count": 30}, {"id": "b", "count": 20, "online_at": "5s"})")));
  BOOST_TEST(shape.wallets == 50.0);
  BOOST_TEST(shape.presence_entries == 50.0 * 49.0);
  // The busiest second: 20 join while 50 are online (30 joining with 30 online is less).
  BOOST_TEST(shape.presence_in_flight == 20.0 * 2 * 50);
  BOOST_TEST(shape.timeline_runs == 0.0);
}

BOOST_AUTO_TEST_CASE(sessions_hear_only_of_peers_online_with_them_or_still_advertised) {
  // a: 0-60 s, b: 100-160 s, c: 130 s to the end; presence lives 50 s.
  const std::string wallets =
      R"({"id": "a"}, {"id": "b", "online_at": "100s"}, {"id": "c", "online_at": "130s"})";
  const std::string timeline = R"({"at": "60s", "do": "go_offline", "wallet": "a"},
      {"at": "160s", "do": "go_offline", "wallet": "b"})";
  const MemoryShape shape =
      memory_shape(load_ok(scenario(wallets, timeline, "10m", R"("presence_ttl": "50s")")));
  // a hears of nobody (b joins after a left); b hears of c (joins while b is online); c is handed
  // b's record (advertised at 100 s, live until 150 s). a's record expired at 50 s.
  BOOST_TEST(shape.presence_entries == 2.0);
  BOOST_TEST(shape.timeline_runs == 2.0);
}

BOOST_AUTO_TEST_CASE(a_wallet_that_comes_back_stays_counted_and_a_reload_starts_a_store_afresh) {
  const std::string wallets = R"({"id": "a"}, {"id": "b", "online_at": "100s"}, {"id": "c"})";
  const std::string timeline = R"({"at": "60s", "do": "go_offline", "wallet": "a"},
      {"at": "90s", "do": "go_online", "wallet": "a"},
      {"at": "200s", "do": "reload", "wallet": "c", "repeat": {"every": "100s", "times": 3}})";
  const MemoryShape shape =
      memory_shape(load_ok(scenario(wallets, timeline, "10m", R"("presence_ttl": "10s")")));
  // Everyone is online together (a came back), 3 x 2 entries; each of c's 3 reloads adds 2.
  BOOST_TEST(shape.presence_entries == 6.0 + 3 * 2.0);
}

BOOST_AUTO_TEST_CASE(wallets_joining_after_until_cost_no_presence) {
  const MemoryShape shape =
      memory_shape(load_ok(scenario(R"({"id": "a", "count": 4}, {"id": "late", "count": 6, "online_at": "20m"})")));
  BOOST_TEST(shape.wallets == 10.0);
  BOOST_TEST(shape.presence_entries == 4.0 * 3.0);
}

BOOST_AUTO_TEST_CASE(the_estimate_is_linear_in_the_counts) {
  const MemoryModel model{.base_bytes = 1000,
                          .bytes_per_wallet = 10,
                          .bytes_per_presence_entry = 2,
                          .bytes_per_delivery_in_flight = 3,
                          .bytes_per_timeline_run = 5};
  const MemoryShape shape{.wallets = 4, .presence_entries = 12, .presence_in_flight = 32, .timeline_runs = 7};
  BOOST_TEST(estimate_peak_bytes(shape, model) == 1000.0 + 40 + 24 + 96 + 35);
  BOOST_TEST(estimate_peak_bytes(MemoryShape{}) == kMemoryModel.base_bytes);
}

BOOST_AUTO_TEST_CASE(byte_sizes_as_users_write_them) {
  BOOST_TEST(parse_byte_size("1000000").value() == 1000000u);
  BOOST_TEST(parse_byte_size("512M").value() == 512ull << 20);
  BOOST_TEST(parse_byte_size("512MiB").value() == 512ull << 20);
  BOOST_TEST(parse_byte_size("512mb").value() == 512ull << 20);
  BOOST_TEST(parse_byte_size("4G").value() == 4ull << 30);
  BOOST_TEST(parse_byte_size("1.5g").value() == 3ull << 29);
  BOOST_TEST(parse_byte_size("2T").value() == 2ull << 40);
  BOOST_TEST(parse_byte_size("64K").value() == 64ull << 10);
  BOOST_TEST(parse_byte_size("100B").value() == 100u);
  for (const char* bad : {"", "G", "-1G", "0", "0.1", "4X", "4 G", "4GG", "1e3", " 4G", "4G ",
                          "99999999999T", ".5G", "nan"}) {
    BOOST_TEST(!parse_byte_size(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(bytes_are_shown_in_binary_units_with_three_figures) {
  BOOST_TEST(format_bytes(512) == "512 bytes");
  BOOST_TEST(format_bytes(1536) == "1.50 KiB");
  BOOST_TEST(format_bytes(48.0 * 1024 * 1024) == "48.0 MiB");
  BOOST_TEST(format_bytes(312.4 * 1024 * 1024) == "312 MiB");
  BOOST_TEST(format_bytes(4.25 * 1024 * 1024 * 1024) == "4.25 GiB");
}

BOOST_AUTO_TEST_CASE(mem_available_is_read_from_meminfo) {
  BOOST_TEST(mem_available_from_meminfo("MemTotal:       24683792 kB\nMemFree:        21978236 kB\n"
                                        "MemAvailable:   24164336 kB\nBuffers: 1 kB\n")
                 .value() == 24164336ull * 1024);
  BOOST_TEST(!mem_available_from_meminfo("MemTotal: 1 kB\nMemFree: 1 kB\n").has_value());
  BOOST_TEST(!mem_available_from_meminfo("MemAvailable: lots\n").has_value());
  BOOST_TEST(!mem_available_from_meminfo("MemAvailable: 12 MB\n").has_value());
  BOOST_TEST(!mem_available_from_meminfo("").has_value());
}

BOOST_AUTO_TEST_CASE(a_run_over_the_limit_is_refused_in_one_line_with_the_estimate_and_the_limit) {
  const Scenario sc = load_ok(scenario(R"({"id": "a", "count": 100})"));
  const double estimate = estimate_peak_bytes(memory_shape(sc));
  const auto limit = static_cast<std::uint64_t>(estimate);  // just under the estimate
  BOOST_TEST(!memory_refusal(sc, limit + 1, "test").has_value());
  const auto line = memory_refusal(sc, limit - 1, "test");
  BOOST_REQUIRE(line.has_value());
  BOOST_TEST(line->find('\n') == std::string::npos);
  BOOST_TEST(line->rfind("m.json: estimated peak memory " + format_bytes(estimate) +
                             " exceeds the limit of " + format_bytes(static_cast<double>(limit - 1)) +
                             " (test): 100 wallets whose stores would hold 9.9e+03 presence entries",
                         0) == 0);
  // Two processes at once need twice as much.
  const auto twice = memory_refusal(sc, limit + 1, "test", 2);
  BOOST_REQUIRE(twice.has_value());
  BOOST_TEST(twice->find(format_bytes(2 * estimate) + " (2 processes of " + format_bytes(estimate) + ")") !=
             std::string::npos);
}
