#include "live/store_host/store_options.hpp"

#include "scenarios/loader.hpp"

namespace connsim::live {

std::variant<sim::WalletStoreOptions, std::string> decode_store_options(const nlohmann::json& as_written) {
  if (as_written.is_null()) return sim::WalletStoreOptions{};
  // A one-wallet scenario around the object: the loader checks and decodes it as it would in a file.
  const nlohmann::json document{{"format", "connsim/1"},
                                {"name", "live-store-options"},
                                {"wallets", nlohmann::json::array({{{"id", "wallet"}, {"store", as_written}}})}};
  scenarios::LoadResult loaded = scenarios::load_scenario_text(document.dump(), "store options");
  if (!loaded.ok()) {
    std::string errors;
    for (const auto& error : loaded.errors()) errors += (errors.empty() ? "" : "; ") + error.pointer + ": " + error.message;
    return errors;
  }
  return loaded.scenario().wallets.front().store;
}

}  // namespace connsim::live
