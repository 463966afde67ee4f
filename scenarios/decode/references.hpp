// References to what the file defines (wallets, wallet groups, relays, shared wallets, steps),
// and the ids' shared namespace. An unknown reference is one error listing the known ids, unless
// the list it refers to could not be read completely (then the first error says enough).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/decode/decode_context.hpp"

namespace connsim::scenarios::decode {

/// Counts `n` more expanded ids against limits::kMaxExpandedIds. False (with one error for the
/// whole file, at `pointer`) once the limit is passed: the caller must not expand them.
bool charge_expansion(DecodeContext& ctx, std::uint64_t n, const JsonPointer& pointer);

/// One wallet id.
std::optional<std::string> wallet_ref(DecodeContext& ctx, const json& value,
                                      const JsonPointer& pointer);

/// A wallet id or a group id (a wallet written with `count`), as wallet ids.
std::optional<std::vector<std::string>> wallets_ref(DecodeContext& ctx, const json& value,
                                                    const JsonPointer& pointer);

std::optional<std::string> relay_ref(DecodeContext& ctx, const json& value,
                                     const JsonPointer& pointer);

std::optional<std::string> shared_wallet_ref(DecodeContext& ctx, const json& value,
                                             const JsonPointer& pointer);

/// A step id; nullptr (without an error) when the step exists but its `do` was invalid.
const StepInfo* step_ref(DecodeContext& ctx, const json& value, const JsonPointer& pointer);

/// Claims `id` in the shared wallet/group/relay namespace.
bool claim_id(DecodeContext& ctx, const std::string& id, const JsonPointer& pointer,
              std::string owner);

}  // namespace connsim::scenarios::decode
