// The JSON Schema of single values (value_schema) and the definitions the schema shares ($defs).
#include <cstdint>
#include <limits>
#include <string>

#include "scenarios/decode/fields.hpp"
#include "scenarios/decode/values.hpp"
#include "scenarios/limits.hpp"

namespace connsim::scenarios::decode {

namespace {

/// The time grammar as a pattern; `positive` also needs a digit other than 0.
std::string time_pattern(bool positive) {
  return std::string(positive ? "^(?=[0-9.]*[1-9])" : "^") + "[0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h)$";
}

json time_schema(bool positive) {
  const double max_ms = static_cast<double>(limits::kMaxTime.count()) / 1e6;
  json number = {{"type", "number"}, {"maximum", max_ms}};
  number[positive ? "exclusiveMinimum" : "minimum"] = 0;
  return {{"anyOf", {{{"type", "string"}, {"pattern", time_pattern(positive)}}, number}}};
}

}  // namespace

json value_schema(const ValueCheck& check, std::string_view help) {
  json schema = json::object();
  switch (check.kind) {
    case ValueKind::any:
    case ValueKind::object:
      if (check.schema != nullptr) schema = check.schema();
      break;
    case ValueKind::string:
    case ValueKind::reference:
      schema = {{"type", "string"}};
      break;
    case ValueKind::id:
      schema = {{"type", "string"},
                {"minLength", 1},
                {"maxLength", limits::kMaxIdLength},
                {"pattern", "^[^\\u0000-\\u001f\\u007f]*$"}};
      break;
    case ValueKind::boolean:
      schema = {{"type", "boolean"}};
      break;
    case ValueKind::integer:
      schema = {{"type", "integer"}, {"minimum", check.int_min}, {"maximum", check.int_max}};
      break;
    case ValueKind::unsigned_integer:
      schema = {{"type", "integer"},
                {"minimum", 0},
                {"maximum", std::numeric_limits<std::uint64_t>::max()}};
      break;
    case ValueKind::number:
      schema = {{"type", "number"}, {"minimum", check.number_min}};
      if (check.has_max) schema["maximum"] = check.number_max;
      break;
    case ValueKind::time:
    case ValueKind::moment:
      schema = {{"$ref", "#/$defs/time"}};
      break;
    case ValueKind::positive_time:
      schema = {{"$ref", "#/$defs/positive_time"}};
      break;
    case ValueKind::enumeration:
      schema = {{"enum", check.names()}};
      break;
  }
  if (!help.empty()) schema["description"] = std::string(help);
  return schema;
}

json shared_definitions() {
  return {{"time", time_schema(false)},
          {"positive_time", time_schema(true)},
          {"latency", latency_schema()},
          {"nat", nat_schema()}};
}

}  // namespace connsim::scenarios::decode
