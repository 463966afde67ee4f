// libFuzzer target for the scenario loader: any bytes -> load_scenario_text must return, never
// crash (ASan, UBSan), and keep its contract:
// - on failure: 1 to kMaxReportedErrors + 1 errors, each at line >= 1 and column >= 1, with a
//   short, printable (UTF-8, no control character) message;
// - on success: every reference in the model resolves (the runner relies on it with .at()),
//   every step lies within [0, until], and until survives format_time -> parse_time.
// A broken property calls __builtin_trap(), which libFuzzer reports as a crash with its input.
//   build:  cmake --preset sanitize (CONNSIM_FUZZ=ON) && cmake --build --preset sanitize
//   run:    build-sanitize/bin/loader_fuzzer -dict=fuzz/scenario.dict CORPUS scenarios/library
// See docs/FUZZING.md.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "scenarios/limits.hpp"
#include "scenarios/loader.hpp"
#include "tests/support/printable_utf8.hpp"

namespace {

using namespace connsim::scenarios;

void require(bool holds) {
  if (!holds) __builtin_trap();
}

void check_errors(const LoadResult& result) {
  const auto& errors = result.errors();
  require(!errors.empty());
  require(errors.size() <= limits::kMaxReportedErrors + 1);
  for (const auto& error : errors) {
    require(error.file == "fuzz.json");
    require(error.line >= 1 && error.column >= 1);
    require(!error.message.empty() && error.message.size() <= 2000);
    require(connsim::testing::is_printable_utf8(error.message));
    const std::string line = error.to_string();
    require(line.size() <= 3000 && connsim::testing::is_printable_utf8(line));
  }
}

void wallet(const Scenario& s, const std::string& id) { require(s.wallet_index.count(id) == 1); }
void relay(const Scenario& s, const std::string& id) { require(s.relay_index.count(id) == 1); }
void step(const Scenario& s, const std::string& id) { require(s.step_index.count(id) == 1); }

void check_scenario(const Scenario& s) {
  require(!s.name.empty());
  require(s.until > Duration::zero() && s.until <= limits::kMaxUntil);
  require(parse_time(format_time(s.until)) == s.until);
  require(s.wallets.size() <= limits::kMaxWallets);
  for (std::size_t i = 0; i < s.wallets.size(); ++i) {
    require(s.wallet_index.at(s.wallets[i].id) == i);
    for (const auto& r : s.wallets[i].relays) relay(s, r);
  }
  for (std::size_t i = 0; i < s.network.relays.size(); ++i) require(s.relay_index.at(s.network.relays[i].id) == i);
  for (const auto& shared : s.shared_wallets) {
    require(!shared.participants.empty());
    for (const auto& p : shared.participants) wallet(s, p);
  }
  for (const auto& st : s.timeline) {
    require(st.at >= Duration::zero());
    std::visit(
        [&](const auto& a) {
          using A = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<A, ConnectAction> || std::is_same_v<A, DropConnectionAction>) {
            wallet(s, a.wallet);
            wallet(s, a.peer);
          } else if constexpr (std::is_same_v<A, ConnectManyAction>) {
            wallet(s, a.wallet);
            for (const auto& p : a.peers) wallet(s, p);
          } else if constexpr (std::is_same_v<A, ProposeSpendAction>) {
            wallet(s, a.wallet);
            require(s.shared_wallet_index.count(a.shared_wallet) == 1);
          } else if constexpr (std::is_same_v<A, GoOfflineAction> || std::is_same_v<A, GoOnlineAction> ||
                               std::is_same_v<A, ReloadAction> || std::is_same_v<A, NatRebindAction>) {
            wallet(s, a.wallet);
          } else if constexpr (std::is_same_v<A, RelayDownAction> || std::is_same_v<A, RelayUpAction>) {
            relay(s, a.relay);
          } else if constexpr (std::is_same_v<A, PartitionAction>) {
            for (const auto& side : a.between) {
              require(!side.empty());
              for (const auto& id : side) require(s.wallet_index.count(id) + s.relay_index.count(id) == 1);
            }
          }
        },
        st.action);
  }
  for (const auto& e : s.expectations) {
    std::visit(
        [&](const auto& x) {
          using X = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<X, StatusExpectation>) {
            wallet(s, x.wallet);
            wallet(s, x.peer);
          } else if constexpr (std::is_same_v<X, EventsExpectation>) {
            wallet(s, x.wallet);
            for (const auto* list : {&x.sequence, &x.absent}) {
              for (const auto& pattern : *list) {
                if (pattern.peer) wallet(s, *pattern.peer);
              }
            }
          } else if constexpr (std::is_same_v<X, ResultExpectation> ||
                               std::is_same_v<X, SessionExpectation>) {
            step(s, x.step);
          } else if constexpr (std::is_same_v<X, GetterExpectation>) {
            wallet(s, x.wallet);
            if (x.peer) wallet(s, *x.peer);
          }
        },
        e.body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const LoadResult result = load_scenario_text(text, "fuzz.json");
  if (result.ok()) {
    check_scenario(result.scenario());
  } else {
    check_errors(result);
  }
  return 0;
}
