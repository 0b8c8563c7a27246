// pact internal (compiled parts only): the small text rules every reader and writer of
// assessments and results shares, so that JSON, CSV and JSON Lines agree on them.
#ifndef PACT_SRC_FORMATS_TEXT_HPP
#define PACT_SRC_FORMATS_TEXT_HPP

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pact::detail {

/// Whether every byte of `text` is ASCII (a fast first check before is_valid_utf8).
bool is_ascii(std::string_view text) noexcept;

/// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;
/// Where the first ill-formed UTF-8 sequence of `text` starts, or std::string_view::npos.
std::size_t invalid_utf8_offset(std::string_view text) noexcept;

/// Whether `text` is a calendar date written YYYY-MM-DD (year 0001-9999, leap years counted).
bool is_iso_date(std::string_view text) noexcept;

/// Why `text` cannot be a case id, or nullptr when it can (non-empty, at most
/// max_case_id_length bytes, no control characters).
const char* case_id_problem(std::string_view text) noexcept;
/// Why `text` cannot be an attribute name, or nullptr.
const char* attribute_name_problem(std::string_view text) noexcept;
/// Why `text` cannot be an attribute value, or nullptr.
const char* attribute_value_problem(std::string_view text) noexcept;

/// Appends the shortest decimal text that reads back as exactly `value` (std::to_chars);
/// the caller decides what a NaN becomes.
void append_number(std::string& out, double value);
/// Appends a finite number as JSON: as append_number, except that negative zero is written
/// "-0.0" (JSON parsers, nlohmann's and Python's among them, read "-0" as the integer 0 and lose
/// its sign).
void append_json_double(std::string& out, double value);
/// Appends `text` as a JSON string literal (quotes, backslashes and control characters escaped;
/// the text must already be valid UTF-8).
void append_json_string(std::string& out, std::string_view text);
/// Appends `text` as one CSV field, quoted (RFC 4180) when it holds the delimiter, a quote, a
/// line break or leading/trailing spaces.
void append_csv_field(std::string& out, std::string_view text, char delimiter);

/// Parses a whole field as a finite number with std::from_chars (locale-independent). Accepts a
/// leading '+'; rejects hexadecimal, "nan" and "inf". Returns nullopt when it is not one; sets
/// `out_of_range` when it is a number too large for a double.
std::optional<double> parse_number(std::string_view text, bool& out_of_range) noexcept;

/// `text` without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view text) noexcept;

}  // namespace pact::detail

#endif  // PACT_SRC_FORMATS_TEXT_HPP
