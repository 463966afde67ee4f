// The state of decoding one scenario file: the errors found so far (each located by the JSON
// pointer of the value concerned), the Scenario being filled in, and what later sections look up
// (ids defined so far, in file order, and whether each list was read completely).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/json_positions.hpp"
#include "scenarios/limits.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/model.hpp"

namespace connsim::scenarios::decode {

using json = nlohmann::json;

/// An RFC 6901 JSON pointer into the document ("" is the whole document), as
/// PositionedJson and pointer_child spell it.
using JsonPointer = std::string;

struct StepInfo {
  std::optional<ActionKind> kind;  // nullopt when the step's `do` was invalid
  JsonPointer pointer;
  std::vector<std::string> peers;  // connect_many
  bool complete = false;           // the whole step decoded without error
};

class DecodeContext {
 public:
  DecodeContext(std::string file, const PositionedJson& doc) : file(std::move(file)), doc(doc) {}

  /// An error about the value at `pointer`.
  void error(const JsonPointer& pointer, std::string message) {
    add(doc.position_of(pointer), pointer, std::move(message));
  }
  /// An error about the key of the member at `pointer`.
  void key_error(const JsonPointer& pointer, std::string message) {
    add(doc.key_position_of(pointer), pointer, std::move(message));
  }
  /// Errors found so far, kept or dropped.
  std::size_t error_count() const { return errors.size() + dropped; }
  /// An error about the value at `pointer`, added as if it had been found when error_count() was
  /// `mark`: which errors are kept under limits::kMaxCollectedErrors (the first ones found) and
  /// the order of errors at one position then do not depend on when a later pass runs.
  void error_found_at(std::size_t mark, const JsonPointer& pointer, std::string message) {
    if (mark >= limits::kMaxCollectedErrors) {
      ++dropped;
      return;
    }
    // Found before the cap was reached: it displaces the error found last, if that one was kept.
    if (errors.size() >= limits::kMaxCollectedErrors) {
      errors.pop_back();
      ++dropped;
    }
    const TextPosition at = doc.position_of(pointer);
    errors.insert(errors.begin() + static_cast<std::ptrdiff_t>(std::min(mark, errors.size())),
                  LoadError{file, at.line, at.column, pointer, std::move(message)});
  }
  SourceRef source(const JsonPointer& pointer) const {
    const TextPosition at = doc.position_of(pointer);
    return SourceRef{pointer, at.line, at.column};
  }

  std::string file;
  const PositionedJson& doc;
  std::vector<LoadError> errors;
  std::size_t dropped = 0;

  Scenario sc;
  bool until_valid = true;
  /// Wallet, wallet group and relay ids share one namespace (`partition` mixes them):
  /// id -> what owns it, for "already used by ...".
  std::map<std::string, std::string, std::less<>> id_owner;
  std::vector<std::string> relay_ids;   // file order, for "known: ..."
  std::vector<std::string> wallet_ids;  // expanded, file order
  std::vector<std::string> shared_ids;
  std::vector<std::string> step_ids;
  std::map<std::string, std::string, std::less<>> shared_owner;  // id -> pointer
  std::map<std::string, StepInfo, std::less<>> steps;
  std::map<std::string, std::string, std::less<>> peer_id_owner;  // peer_id -> wallet id
  /// False once an element's id could not be read: references to it are then not reported, as
  /// "unknown" would only repeat the first error.
  bool relays_complete = true;
  bool wallets_complete = true;
  bool shared_complete = true;
  bool steps_complete = true;
  std::uint64_t total_wallets = 0;
  /// error_count() when each step of sc.timeline was decoded: where a later pass's error about
  /// that step stands among the errors found (see error_found_at).
  std::vector<std::size_t> step_marks;
  std::uint64_t total_expanded = 0;  // ids expanded, for limits::kMaxExpandedIds
  bool expansion_reported = false;

 private:
  void add(TextPosition at, const JsonPointer& pointer, std::string message) {
    if (errors.size() >= limits::kMaxCollectedErrors) {
      ++dropped;
      return;
    }
    errors.push_back(LoadError{file, at.line, at.column, pointer, std::move(message)});
  }
};
}  // namespace connsim::scenarios::decode
