#include "json_support.hpp"

#include "formats_text.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace pact::detail {

namespace {

std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  const std::size_t end = byte < text.size() ? byte : text.size();
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// nlohmann's messages read "[json.exception.parse_error.101] parse error at line 1, column 5:
// syntax error while parsing value - invalid literal; last read: '...'". Keep the reason, drop
// the prefix and the echo of the input (it may hold personal data).
std::string parse_reason(const std::string& what) {
  std::string reason = what;
  const auto column = reason.find("column ");
  if (column != std::string::npos) {
    const auto colon = reason.find(": ", column);
    if (colon != std::string::npos) reason = reason.substr(colon + 2);
  }
  const auto echo = reason.find("; last read:");
  if (echo != std::string::npos) reason.erase(echo);
  return reason.empty() ? "malformed JSON" : reason;
}

// Tracks where the parser is, so that a repeated key or a too-deep value is reported at its path.
struct Frame {
  bool array = false;
  std::size_t count = 0;       // completed elements (arrays)
  std::string token;           // this container's token in its parent
  std::string last_key;        // the key whose value comes next (objects)
  std::unordered_set<std::string> keys;
};

std::string path_of(const std::vector<Frame>& stack, std::string_view last = {}) {
  std::string path;
  for (std::size_t i = 1; i < stack.size(); ++i) path += "/" + stack[i].token;
  if (!last.empty()) path += "/" + pointer_token(last);
  return path;
}

}  // namespace

std::string pointer_token(std::string_view key) {
  std::string token;
  token.reserve(key.size());
  for (char c : key) {
    if (c == '~')
      token += "~0";
    else if (c == '/')
      token += "~1";
    else
      token += c;
  }
  return token;
}

json parse_json(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes)
    throw LimitError("", "the JSON text has " + std::to_string(text.size()) + " bytes, more than the limit of " +
                             std::to_string(limits.max_bytes));
  std::vector<Frame> stack;
  stack.reserve(16);
  auto element_token = [&stack]() -> std::string {
    if (stack.empty()) return {};
    const Frame& parent = stack.back();
    return parent.array ? std::to_string(parent.count) : pointer_token(parent.last_key);
  };
  json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start: {
        Frame frame;
        frame.array = event == json::parse_event_t::array_start;
        frame.token = element_token();
        stack.push_back(std::move(frame));
        if (stack.size() > limits.max_depth)
          throw LimitError(path_of(stack), "the JSON nests deeper than the limit of " + std::to_string(limits.max_depth));
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        stack.pop_back();
        if (!stack.empty() && stack.back().array) ++stack.back().count;
        break;
      case json::parse_event_t::key: {
        Frame& frame = stack.back();
        std::string key = parsed.get<std::string>();
        if (!frame.keys.insert(key).second)
          throw ValidationError(path_of(stack, key), "the key \"" + key + "\" appears twice in the same object");
        frame.last_key = std::move(key);
        break;
      }
      case json::parse_event_t::value:
        if (!stack.empty() && stack.back().array) ++stack.back().count;
        break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), callback);
  } catch (const json::parse_error& e) {
    std::size_t byte = e.byte > 0 ? e.byte - 1 : 0;
    // nlohmann stops at the byte that shows a UTF-8 sequence to be ill-formed, which may be the
    // one after the sequence's start (Latin-1 "Le\xf3n" fails at the "n"): point at the start.
    if (std::string_view(e.what()).find("ill-formed UTF-8") != std::string_view::npos) {
      const std::size_t start = invalid_utf8_offset(text);
      if (start < byte) byte = start;
    }
    const auto [line, column] = line_and_column(text, byte);
    throw ParseError(line, column, parse_reason(e.what()));
  } catch (const json::out_of_range&) {
    // nlohmann reports a number beyond the range of a double (1e999) this way; the stack still
    // says which value it was.
    std::string path = path_of(stack);
    if (!stack.empty()) path += "/" + element_token();
    throw ValidationError(path, "expected a finite number; this one is too large to represent");
  }
}

std::string show_number(double value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

std::string type_name(const json& value) {
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_null()) return "null";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "a value";
}

void JsonNode::fail(const std::string& reason) const {
  throw ValidationError(path_, context_.empty() ? reason : reason + " (" + context_ + ")");
}

void JsonNode::expect_object(std::initializer_list<std::string_view> allowed) const {
  if (!value_->is_object()) fail("expected an object, got " + type_name(*value_));
  for (const auto& [key, child] : value_->items()) {
    bool known = false;
    for (auto name : allowed) known = known || name == key;
    if (known) continue;
    std::string expected;
    for (auto name : allowed) expected += (expected.empty() ? "" : ", ") + std::string(name);
    JsonNode(child, path_ + "/" + pointer_token(key), context_).fail("unknown field \"" + key + "\"; expected one of: " + expected);
  }
}

JsonNode JsonNode::operator[](std::string_view key) const {
  if (!value_->is_object()) fail("expected an object, got " + type_name(*value_));
  auto it = value_->find(key);
  if (it == value_->end()) fail("missing required field \"" + std::string(key) + "\"");
  return JsonNode(*it, path_ + "/" + pointer_token(key), context_);
}

std::optional<JsonNode> JsonNode::find(std::string_view key) const {
  if (!value_->is_object()) fail("expected an object, got " + type_name(*value_));
  auto it = value_->find(key);
  if (it == value_->end()) return std::nullopt;
  return JsonNode(*it, path_ + "/" + pointer_token(key), context_);
}

void JsonNode::expect_array(std::size_t min_size) const {
  if (!value_->is_array()) fail("expected an array, got " + type_name(*value_));
  if (value_->size() < min_size)
    fail("expected at least " + std::to_string(min_size) + " element" + (min_size == 1 ? "" : "s") + ", got " +
         std::to_string(value_->size()));
}

void JsonNode::expect_array(std::size_t min_size, std::size_t max_size) const {
  expect_array(min_size);
  if (value_->size() > max_size)
    throw LimitError(path_, "expected at most " + std::to_string(max_size) + " elements (a limit of pact), got " +
                                std::to_string(value_->size()));
}

JsonNode JsonNode::operator[](std::size_t index) const {
  return JsonNode((*value_)[index], path_ + "/" + std::to_string(index), context_);
}

std::string JsonNode::string() const {
  if (!value_->is_string()) fail("expected a string, got " + type_name(*value_));
  std::string s = value_->get<std::string>();
  if (s.empty()) fail("expected a non-empty string");
  return s;
}

std::string JsonNode::identifier() const {
  std::string s = string();
  auto first_ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok = s.size() <= 64 && first_ok(s.front());
  for (char c : s) ok = ok && (first_ok(c) || c == '_' || c == '-' || c == '.');
  if (!ok)
    fail("\"" + s + "\" is not an identifier (lower-case letters, digits, '_', '-', '.', starting with a letter or "
         "digit, at most 64 characters)");
  return s;
}

bool JsonNode::boolean() const {
  if (!value_->is_boolean()) fail("expected true or false, got " + type_name(*value_));
  return value_->get<bool>();
}

double JsonNode::number() const {
  if (!value_->is_number()) fail("expected a number, got " + type_name(*value_));
  const double v = value_->get<double>();
  if (!std::isfinite(v)) fail("expected a finite number");
  return v;
}

double JsonNode::number_in(double lo, double hi, bool lo_open, bool hi_open) const {
  const double v = number();
  const bool ok = (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  if (!ok) {
    if (hi == std::numeric_limits<double>::max())
      fail(std::string("expected a number ") + (lo_open ? "above " : "of at least ") + show_number(lo) + ", got " +
           show_number(v));
    fail("expected a number in " + std::string(lo_open ? "(" : "[") + show_number(lo) + ", " + show_number(hi) +
         (hi_open ? ")" : "]") + ", got " + show_number(v));
  }
  return v;
}

std::int64_t JsonNode::integer() const {
  const double v = number();
  if (v != std::floor(v) || std::fabs(v) > 9007199254740992.0)
    fail("expected a whole number, got " + value_->dump());
  return static_cast<std::int64_t>(v);
}

}  // namespace pact::detail
