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
#include <vector>

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

/// The records a merge joins (anything with a `shard` member: a sweep's records, a run's JUnit
/// shards, an exploration's records) by shard index, when they are exactly shards 1..N of one
/// command, N the first record's count: [i] is shard i/N's record, [0] is unused. Otherwise
/// nothing, with one message per problem in `errors`, worded by `refusals` (a message it does not
/// give is no problem):
///   refusals.none()                    nothing to merge
///   refusals.foreign(first, record)    `record` is not of the first record's command
///   refusals.repeated(record, copies)  `record`'s shard came before (copies: 2 for the second)
///   refusals.wrong_share(record)       `record` does not hold its shard's share
///   refusals.missing(shard, errors)    no record of `shard` (after every record was read)
/// Each of the last four returns std::optional<std::string>. Records are read in the order given,
/// then the missing shards are named from 1 to N.
template <class Record, class Refusals>
std::optional<std::vector<const Record*>> shards_by_index(const std::vector<Record>& records,
                                                          const Refusals& refusals,
                                                          std::vector<std::string>& errors) {
  const std::size_t errors_before = errors.size();
  if (records.empty()) {
    errors.push_back(refusals.none());
    return std::nullopt;
  }
  const Record& first = records.front();
  const std::size_t count = first.shard.count;
  std::vector<const Record*> by_index(count + 1, nullptr);
  std::vector<int> copies(count + 1, 0);
  const auto refuse = [&errors](std::optional<std::string> message) {
    if (message) errors.push_back(std::move(*message));
    return message.has_value();
  };
  for (const Record& record : records) {
    if (refuse(refusals.foreign(first, record))) continue;
    const std::size_t index = record.shard.index;
    if (++copies[index] > 1) {
      refuse(refusals.repeated(record, copies[index]));
      continue;
    }
    by_index[index] = &record;
    refuse(refusals.wrong_share(record));
  }
  for (std::size_t i = 1; i <= count; ++i) {
    if (by_index[i] == nullptr) refuse(refusals.missing(Shard{i, count}, errors));
  }
  if (errors.size() != errors_before) return std::nullopt;
  return by_index;
}

}  // namespace connsim::sweep
