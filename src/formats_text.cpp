#include "formats_text.hpp"

#include "pact/assessment.hpp"
#include "pact/formats/batch.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace pact::detail {

bool is_ascii(std::string_view text) noexcept {
  const char* p = text.data();
  const char* end = p + text.size();
  std::uint64_t high = 0;
  for (; end - p >= 8; p += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, p, 8);
    high |= chunk;
  }
  for (; p < end; ++p) high |= static_cast<unsigned char>(*p);
  return (high & 0x8080808080808080ull) == 0;
}

bool is_valid_utf8(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    // Most fields are ASCII: skip eight bytes at a time while no byte has its high bit set.
    while (end - p >= 8) {
      std::uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      if (chunk & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p == end) break;
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t length;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) < length) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t k = 2; k < length; ++k)
      if (p[k] < 0x80 || p[k] > 0xBF) return false;
    p += length;
  }
  return true;
}

bool is_iso_date(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  auto digits = [&](std::size_t at, std::size_t n, int& value) {
    value = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      value = value * 10 + (text[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0;
  if (!digits(0, 4, year) || !digits(5, 2, month) || !digits(8, 2, day)) return false;
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int last = month == 2 && leap ? 29 : days_in_month[month - 1];
  return day <= last;
}

namespace {
bool has_control_character(std::string_view text) noexcept {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}
}  // namespace

const char* case_id_problem(std::string_view text) noexcept {
  if (text.empty()) return "the case id is empty";
  if (text.size() > max_case_id_length) return "the case id is longer than 128 bytes";
  if (has_control_character(text)) return "the case id contains a control character";
  return nullptr;
}

const char* attribute_name_problem(std::string_view text) noexcept {
  if (text.empty()) return "the attribute name is empty";
  if (text.size() > max_attribute_name_length) return "the attribute name is longer than 64 bytes";
  if (has_control_character(text)) return "the attribute name contains a control character";
  return nullptr;
}

const char* attribute_value_problem(std::string_view text) noexcept {
  if (text.empty()) return "the attribute value is empty";
  if (text.size() > max_attribute_value_length) return "the attribute value is longer than 1024 bytes";
  if (has_control_character(text)) return "the attribute value contains a control character";
  return nullptr;
}

void append_json_double(std::string& out, double value) {
  if (value == 0.0 && std::signbit(value))
    out += "-0.0";
  else
    append_number(out, value);
}

void append_number(std::string& out, double value) {
  char buffer[32];
  // Whole numbers of up to five digits (responses, counts) print as integers: the shortest form
  // std::to_chars(double) gives them too (its scientific form is never shorter below 1e5), at a
  // fraction of the cost. Negative zero keeps its sign through to_chars.
  if (value > -1e5 && value < 1e5) {
    const auto whole = static_cast<std::int32_t>(value);
    if (static_cast<double>(whole) == value && (whole != 0 || !std::signbit(value))) {
      const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, whole);
      out.append(buffer, end);
      return;
    }
  }
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  // 32 bytes hold the longest shortest form of any double ("-2.2250738585072014e-308" is 24).
  out.append(buffer, ec == std::errc() ? end : buffer);
}

namespace {
// Whether one of the eight bytes of `chunk` needs escaping in a JSON string: a control character
// (below 0x20), '"' or '\\'. Exact as a yes/no answer (the classic "has a byte less than n" and
// "has a zero byte" tests), which is all the caller asks.
bool needs_escape(std::uint64_t chunk) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & high; };
  const std::uint64_t below_space = (chunk - ones * 0x20) & ~chunk & high;
  return (below_space | has_zero(chunk ^ (ones * '"')) | has_zero(chunk ^ (ones * '\\'))) != 0;
}
}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  const char* p = text.data();
  const char* const end = p + text.size();
  const char* run = p;  // start of the pending run of bytes that need no escaping
  while (p < end) {
    // Ids and labels rarely need escaping: skip eight clean bytes at a time.
    if (end - p >= 8) {
      std::uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      if (!needs_escape(chunk)) {
        p += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++p;
      continue;
    }
    out.append(run, static_cast<std::size_t>(p - run));
    run = ++p;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xF];
    }
  }
  out.append(run, static_cast<std::size_t>(end - run));
  out += '"';
}

void append_csv_field(std::string& out, std::string_view text, char delimiter) {
  bool quote = !text.empty() && (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' || text.back() == '\t');
  for (char c : text) quote = quote || c == delimiter || c == '"' || c == '\n' || c == '\r';
  if (!quote) {
    out.append(text);
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::optional<double> parse_number(std::string_view text, bool& out_of_range) noexcept {
  out_of_range = false;
  // Most cells are small whole numbers (codes, months, counts): read them directly. Below 10^15
  // they are exact in a double, so the result has the same bits as from_chars gives.
  if (!text.empty() && text.size() <= 15) {
    std::size_t i = text[0] == '-' ? 1 : 0;
    if (i < text.size()) {
      std::int64_t whole = 0;
      for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) whole = whole * 10 + (text[i] - '0');
      if (i == text.size()) return text[0] == '-' ? -static_cast<double>(whole) : static_cast<double>(whole);
    }
  }
  const char* first = text.data();
  const char* last = first + text.size();
  if (first != last && *first == '+' && last - first > 1 && (first[1] == '.' || (first[1] >= '0' && first[1] <= '9')))
    ++first;
  if (first == last) return std::nullopt;
  double value = 0.0;
  const auto [end, ec] = std::from_chars(first, last, value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range && end == last) {
    out_of_range = true;
    return std::nullopt;
  }
  if (ec != std::errc() || end != last || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string_view trim_blanks(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace pact::detail
