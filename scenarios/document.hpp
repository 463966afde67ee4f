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

#include "scenarios/decode/decode_context.hpp"
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

/// `text` decoded as a document of `kind` into a `Value` that knows its `source_file` (a space, a
/// field log: the documents whose loaders keep every error): `decode(ctx, root, value)` reads
/// the opened document's keys, reporting through `ctx`. `Result` (a variant `value` of Value
/// or the errors) holds the value, or every error sorted by position.
template <class Result, class Value, class Decode>
Result load_document_text(std::string_view text, const std::string& source_name, DocumentKind kind,
                          Decode decode) {
  auto opened = open_document(text, source_name, kind);
  if (auto* errors = std::get_if<std::vector<LoadError>>(&opened))
    return Result{std::move(*errors)};
  const PositionedJson& doc = std::get<PositionedJson>(opened);
  decode::DecodeContext ctx(source_name, doc);
  Value value;
  value.source_file = source_name;
  decode(ctx, doc.value, value);
  if (ctx.error_count() > 0) return Result{sorted_by_position(std::move(ctx.errors))};
  return Result{std::move(value)};
}

/// The document in the file at `path`, as `load_text(text, path)` loads it; when the file
/// cannot be read, read_document_file's refusal is the one error.
template <class Result>
Result load_document_file(const std::filesystem::path& path,
                          Result (*load_text)(std::string_view text, std::string source_name)) {
  auto text = read_document_file(path);
  if (auto* error = std::get_if<LoadError>(&text))
    return Result{std::vector<LoadError>{std::move(*error)}};
  return load_text(std::get<std::string>(text), path.string());
}

}  // namespace connsim::scenarios
