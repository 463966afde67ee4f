// Shards: one of N slices of a command's independent runs, so N machines (a Slurm job array, a
// Kubernetes Indexed Job, a CI job matrix) can each do exactly their share and `connsim merge`
// can join the shares into what one unsharded command writes.
//
// The split rule (the same for `run`, `sweep` and any later command over a numbered list):
// the command numbers its items 0, 1, 2, ... in the order an unsharded run handles them (`run`:
// the scenario files in the order the inputs expand to; `sweep`: the run index, grid point x
// seed). Item k belongs to shard (k mod N) + 1. Shards are numbered from 1 (`--shard 1/4` ...
// `--shard 4/4`); round robin spreads neighbouring, similarly expensive items over all shards.
// The rule depends on nothing but k and N, so any machine computes the same split.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace connsim::sweep {

/// The most shards a command may be split into.
inline constexpr std::size_t kMaxShards = 100000;

struct Shard {
  std::size_t index = 1;  // I, from 1 to count
  std::size_t count = 1;  // N

  /// Whether item `item` (numbered from 0) belongs to this shard.
  bool owns(std::size_t item) const { return item % count == index - 1; }
  /// How many of `total` items belong to this shard.
  std::size_t share_of(std::size_t total) const {
    return total / count + (total % count >= index ? 1 : 0);
  }
  /// The item of the shard's `k`-th own item (k < share_of(total)).
  std::size_t item_at(std::size_t k) const { return index - 1 + k * count; }
  /// "I/N".
  std::string text() const;
  /// "shard-I-of-N": the stem of the files a shard writes.
  std::string file_stem() const;

  friend bool operator==(const Shard&, const Shard&) = default;
};

/// "I/N" with 1 <= I <= N <= kMaxShards (decimal digits only), or nothing with the reason in
/// `error` ("expected I/N with 1 <= I <= N, e.g. 2/4; got \"0/4\"").
std::optional<Shard> parse_shard(const std::string& text, std::string& error);

}  // namespace connsim::sweep
