// The three numberings of a run's participants, as distinct types so that one cannot stand in
// for another: a wallet's index (into WorldConfig::wallets), a relay's index (into
// WorldConfig::relays) and a host's id (what messages travel between: sim/host_layout.hpp says
// which host is which). Each is made explicitly (`WalletIndex{3}`, `HostId{7}`) and read back
// through `.value`; there is no conversion between them or from a plain number.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>

namespace connsim::sim {

/// A number of one kind: compares (and orders, for std::set and std::map) only with numbers of
/// the same kind. Costs nothing over the bare number.
template <class Kind, class Number>
struct TypedIndex {
  Number value{};
  friend constexpr auto operator<=>(const TypedIndex&, const TypedIndex&) = default;
};

using WalletIndex = TypedIndex<struct WalletIndexKind, std::size_t>;
using RelayIndex = TypedIndex<struct RelayIndexKind, std::size_t>;
using HostId = TypedIndex<struct HostIdKind, std::uint32_t>;

}  // namespace connsim::sim
