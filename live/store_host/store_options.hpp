// The options a live wallet's C++ stores run with: the wallet's scenario `store` object as
// written (the plan carries it, as for the JavaScript store), decoded by the scenario loader,
// the format's one decoder, so both stores read the same keys with the same defaults.
#pragma once

#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "sim/config.hpp"

namespace connsim::live {

/// The decoded options, or the loader's errors as one line.
std::variant<sim::WalletStoreOptions, std::string> decode_store_options(const nlohmann::json& as_written);

}  // namespace connsim::live
