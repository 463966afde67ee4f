#include "scenarios/document.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <tuple>
#include <utility>

#include "scenarios/decode/text.hpp"
#include "scenarios/limits.hpp"

namespace connsim::scenarios {
namespace {

std::string too_large_message() {
  return "the file is larger than " + std::to_string(limits::kMaxFileBytes) + " bytes (64 MiB, the limit)";
}

LoadError at_start(std::string file, std::string message) {
  return LoadError{std::move(file), 1, 1, "", std::move(message)};
}

LoadError at(const std::string& file, const PositionedJson& doc, std::string pointer, std::string message) {
  const TextPosition position = doc.position_of(pointer);
  return LoadError{file, position.line, position.column, std::move(pointer), std::move(message)};
}

}  // namespace

std::vector<LoadError> sorted_by_position(std::vector<LoadError> errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const LoadError& a, const LoadError& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return errors;
}

std::variant<std::string, LoadError> read_document_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return at_start(name, "cannot read the file: it is a directory");
  std::FILE* file = std::fopen(name.c_str(), "rb");
  if (file == nullptr) return at_start(name, "cannot read the file: " + std::string(std::strerror(errno)));
  std::string text;
  char buffer[65536];
  bool too_large = false;
  for (;;) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file);
    text.append(buffer, got);
    if (text.size() > limits::kMaxFileBytes) {
      too_large = true;
      break;
    }
    if (got < sizeof buffer) break;
  }
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) return at_start(name, "cannot read the file: " + std::string(std::strerror(error)));
  if (too_large) return at_start(name, too_large_message());
  return text;
}

std::variant<PositionedJson, std::vector<LoadError>> open_document(std::string_view text, const std::string& source_name,
                                                                   DocumentKind kind) {
  using Errors = std::vector<LoadError>;
  if (text.size() > limits::kMaxFileBytes) return Errors{at_start(source_name, too_large_message())};
  JsonParseResult parsed = parse_json_with_positions(text);
  if (!parsed.ok()) {
    Errors errors;
    for (auto& error : parsed.errors) {
      errors.push_back(LoadError{source_name, error.position.line, error.position.column, std::move(error.pointer),
                                 std::move(error.message)});
    }
    return sorted_by_position(std::move(errors));
  }
  const PositionedJson& doc = *parsed.json;
  const std::string quoted_format = "\"" + std::string(kind.format) + "\"";
  if (!doc.value.is_object()) {
    return Errors{at(source_name, doc, "",
                     "expected " + std::string(kind.noun) + " (an object with \"format\": " + quoted_format + "), got " +
                         decode::describe(doc.value))};
  }
  const auto format = doc.value.find("format");
  if (format == doc.value.end()) {
    return Errors{at(source_name, doc, "", "missing required key \"format\" (" + quoted_format + ")")};
  }
  if (!format->is_string() || format->get_ref<const std::string&>() != kind.format) {
    return Errors{at(source_name, doc, "/format",
                     "unsupported format " + decode::describe(*format) + "; expected " + quoted_format)};
  }
  return std::move(*parsed.json);
}

}  // namespace connsim::scenarios
