// pact internal (compiled parts only): parsing JSON text under limits, and walking a parsed
// document with the JSON Pointer of every value at hand so that each validation error names it.
#ifndef PACT_SRC_JSON_SUPPORT_HPP
#define PACT_SRC_JSON_SUPPORT_HPP

#include "pact/error.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace pact::detail {

using json = nlohmann::json;

/// Limits that protect a host from hostile JSON (docs/reliability.md).
struct JsonLimits {
  std::size_t max_bytes = 64u << 20;  ///< largest accepted text
  std::size_t max_depth = 64;         ///< deepest nesting of objects and arrays
};

/// Parses JSON text. Throws ParseError (with line and column; never echoing the input, which may
/// hold personal data), LimitError past a limit, and ValidationError at the JSON Pointer of a
/// key that an object repeats.
json parse_json(std::string_view text, const JsonLimits& limits = {});

/// Escapes a key for use as a JSON Pointer token (RFC 6901: "~" -> "~0", "/" -> "~1").
std::string pointer_token(std::string_view key);

/// A value of a parsed document with its JSON Pointer path. Accessors check the type and the
/// range and throw ValidationError at the path, with an optional context such as
/// `item "emp_education"` appended so that a reader can find the value without counting.
class JsonNode {
 public:
  JsonNode(const json& value, std::string path, std::string context = {})
      : value_(&value), path_(std::move(path)), context_(std::move(context)) {}

  const json& value() const noexcept { return *value_; }
  const std::string& path() const noexcept { return path_; }
  JsonNode with_context(std::string context) const { return JsonNode(*value_, path_, std::move(context)); }

  [[noreturn]] void fail(const std::string& reason) const;

  /// Requires an object whose keys are all in `allowed` (a misspelt key is an error, not ignored).
  void expect_object(std::initializer_list<std::string_view> allowed) const;
  /// The value of a required key (error at this object's path when it is absent).
  JsonNode operator[](std::string_view key) const;
  /// The value of an optional key.
  std::optional<JsonNode> find(std::string_view key) const;

  /// Requires an array with at least `min_size` elements.
  void expect_array(std::size_t min_size = 0) const;
  /// Requires an array with `min_size` to `max_size` elements; more is a LimitError here.
  void expect_array(std::size_t min_size, std::size_t max_size) const;
  std::size_t size() const noexcept { return value_->size(); }
  JsonNode operator[](std::size_t index) const;

  std::string string() const;            ///< a non-empty string
  std::string identifier() const;        ///< [a-z0-9][a-z0-9_.-]{0,63}
  bool boolean() const;
  double number() const;                 ///< a finite number
  /// A number in [lo, hi] (or (lo, hi] etc. with the open flags).
  double number_in(double lo, double hi, bool lo_open = false, bool hi_open = false) const;
  std::int64_t integer() const;          ///< a whole number (written as 3 or 3.0)

 private:
  const json* value_;
  std::string path_;
  std::string context_;
};

/// A number in its shortest round-trip form ("0.5", "1", "1e+300") for messages.
std::string show_number(double value);

/// The JSON type name of a value for messages ("string", "number", "object", ...).
std::string type_name(const json& value);

}  // namespace pact::detail

#endif  // PACT_SRC_JSON_SUPPORT_HPP
