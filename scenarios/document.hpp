// Opening one of connsim's JSON documents (a scenario, an explore space, a field log): what
// every such file must be before its own keys are read. Each loader then decodes the document's
// keys itself (scenarios/loader.cpp, scenarios/explore/space.cpp, scenarios/field_log/).
//
// Contract: every refusal is a LoadError with file, line, column and JSON pointer, as the
// loaders report theirs; the text is never trusted (any bytes, any size, any nesting).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scenarios/json_positions.hpp"
#include "scenarios/loader.hpp"

namespace connsim::scenarios {

/// Which document a file must hold: how errors name it ("a scenario") and the value its
/// "format" key must have ("connsim/1").
struct DocumentKind {
  std::string_view noun;
  std::string_view format;
};

/// The text of the file at `path`; or, at 1:1 of that file, why it cannot be read: it is a
/// directory, opening or reading failed (the system's reason), or it is larger than
/// limits::kMaxFileBytes (reading stops there).
std::variant<std::string, LoadError> read_document_file(const std::filesystem::path& path);

/// `text` parsed as a document of `kind`: no larger than limits::kMaxFileBytes, JSON, an object,
/// whose "format" is kind.format. Otherwise the errors, sorted by position: every JSON syntax
/// error found, or the one thing wrong with the size, the root or "format".
std::variant<PositionedJson, std::vector<LoadError>> open_document(std::string_view text, const std::string& source_name,
                                                                   DocumentKind kind);

/// `errors` in the order of their positions in the file (stable for one position).
std::vector<LoadError> sorted_by_position(std::vector<LoadError> errors);

}  // namespace connsim::scenarios
