// The fast path of read_assessment_json: one pass over the text straight into the assessment,
// with no document, no per-object key sets and no JSON Pointer strings. It accepts only what it
// can prove the validating reader accepts, and says "not sure" (false) for everything else:
// any syntax error, escape nlohmann would reject, repeated or unknown key, unexpected type,
// invalid value or limit, and a few valid but unusual texts (a byte order mark, integers of
// more than 19 digits, numbers beyond the range of a double). The caller then runs the
// validating reader, which gives the exact error (or, where the fast path was merely cautious,
// the same assessment). So errors, their order and their messages are the validating reader's
// by construction; only accepted input takes this path.
#include "assessment_object.hpp"

#include "pact/assessment.hpp"
#include "pact/formats/assessment_json.hpp"
#include "pact/formats/batch.hpp"

#include "formats_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace pact::detail {

namespace {

class FastAssessmentReader {
 public:
  FastAssessmentReader(const Instrument& instrument, std::string_view text)
      : instrument_(instrument), p_(text.data()), end_(text.data() + text.size()) {}

  bool read(Assessment& out);

 private:
  // The root's fields, one bit each, to catch a repeated key.
  enum Field : unsigned {
    format_field = 1u << 0,
    format_version_field = 1u << 1,
    case_id_field = 1u << 2,
    date_field = 1u << 3,
    attributes_field = 1u << 4,
    instrument_field = 1u << 5,
    responses_field = 1u << 6,
  };

  // JSON whitespace: what nlohmann's lexer skips.
  void skip_space() noexcept {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool consume(char c) noexcept {
    skip_space();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  bool peek(char c) noexcept {
    skip_space();
    return p_ != end_ && *p_ == c;
  }

  // A string literal as nlohmann reads it: its bytes, which must be valid UTF-8 with no raw
  // control character, with escapes decoded (into `scratch`, which the view then points into).
  // An escape nlohmann rejects (an unknown letter, a lone surrogate) is left to the validating
  // reader.
  bool string(std::string_view& out, std::string& scratch) {
    skip_space();
    if (p_ == end_ || *p_ != '"') return false;
    const char* start = ++p_;
    unsigned char high = 0;  // the OR of every raw byte: any above 0x7f means UTF-8 to check
    for (;; ++p_) {
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c == '\\') return escaped_string(start, out, scratch);
      if (c < 0x20) return false;
      high |= c;
    }
    out = std::string_view(start, static_cast<std::size_t>(p_ - start));
    ++p_;
    return high < 0x80 || is_valid_utf8(out);
  }

  // The rest of a string from its first escape (at p_), its bytes since `start` raw.
  bool escaped_string(const char* start, std::string_view& out, std::string& scratch) {
    scratch.assign(start, p_);
    for (;;) {
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c < 0x20) return false;
      if (c != '\\') {
        scratch += static_cast<char>(c);
        ++p_;
        continue;
      }
      if (++p_ == end_) return false;
      switch (*p_++) {
        case '"': scratch += '"'; break;
        case '\\': scratch += '\\'; break;
        case '/': scratch += '/'; break;
        case 'b': scratch += '\b'; break;
        case 'f': scratch += '\f'; break;
        case 'n': scratch += '\n'; break;
        case 'r': scratch += '\r'; break;
        case 't': scratch += '\t'; break;
        case 'u': {
          std::uint32_t code = 0;
          if (!hex4(code)) return false;
          if (code >= 0xDC00 && code <= 0xDFFF) return false;  // a low surrogate first
          if (code >= 0xD800 && code <= 0xDBFF) {
            std::uint32_t low = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(scratch, code);
          break;
        }
        default: return false;
      }
    }
    ++p_;
    out = scratch;
    // Escapes decode to whole, valid code points, which cannot complete or break a raw
    // sequence: the decoded text is valid UTF-8 exactly when every raw run is.
    return is_valid_utf8(out);
  }

  bool hex4(std::uint32_t& code) noexcept {
    if (end_ - p_ < 4) return false;
    for (int k = 0; k < 4; ++k, ++p_) {
      const char h = *p_;
      std::uint32_t digit;
      if (h >= '0' && h <= '9')
        digit = static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        digit = static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        digit = static_cast<std::uint32_t>(h - 'A' + 10);
      else
        return false;
      code = code * 16 + digit;
    }
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t code) {
    const auto byte = [&out](std::uint32_t b) { out += static_cast<char>(static_cast<unsigned char>(b)); };
    if (code < 0x80) {
      byte(code);
    } else if (code < 0x800) {
      byte(0xC0 | (code >> 6));
      byte(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      byte(0xE0 | (code >> 12));
      byte(0x80 | ((code >> 6) & 0x3F));
      byte(0x80 | (code & 0x3F));
    } else {
      byte(0xF0 | (code >> 18));
      byte(0x80 | ((code >> 12) & 0x3F));
      byte(0x80 | ((code >> 6) & 0x3F));
      byte(0x80 | (code & 0x3F));
    }
  }

  // A number as the JSON grammar writes it, with the value nlohmann gives it: a token without a
  // fraction or exponent is an integer (so "-0" is 0), converted to double; others are read as
  // a double (correctly rounded, as strtod). Out-of-range values go to the validating reader.
  bool number(double& out) noexcept {
    skip_space();
    const char* start = p_;
    bool negative = false;
    if (p_ != end_ && *p_ == '-') {
      negative = true;
      ++p_;
    }
    if (p_ == end_) return false;
    const char* digits = p_;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    } else {
      return false;
    }
    const char* digits_end = p_;
    bool integer = true;
    if (p_ != end_ && *p_ == '.') {
      integer = false;
      ++p_;
      const char* fraction = p_;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == fraction) return false;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integer = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      const char* exponent = p_;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == exponent) return false;
    }
    if (integer) {
      // 19 digits always fit in 64 bits; longer integers are left to the validating reader.
      if (digits_end - digits > 19) return false;
      std::uint64_t magnitude = 0;
      for (const char* d = digits; d != digits_end; ++d) magnitude = magnitude * 10 + static_cast<std::uint64_t>(*d - '0');
      if (magnitude == 0) {
        out = 0.0;
        return true;
      }
      const auto value = static_cast<double>(magnitude);
      out = negative ? -value : value;
      return true;
    }
    double value = 0.0;
    const auto [stop, ec] = std::from_chars(start, p_, value);
    if (ec != std::errc() || stop != p_ || !std::isfinite(value)) return false;
    out = value;
    return true;
  }

  // null, true or false.
  bool literal(std::string_view word) noexcept {
    skip_space();
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  // Walks the members of an object whose '{' comes next, calling member(key) with the text at
  // the member's value; member reads the value or returns false.
  template <class Member>
  bool object(Member&& member) {
    if (!consume('{')) return false;
    if (peek('}')) {
      ++p_;
      return true;
    }
    for (;;) {
      std::string_view key;
      if (!string(key, key_scratch_) || !consume(':') || !member(key)) return false;
      if (consume(',')) continue;
      return consume('}');
    }
  }

  bool read_attributes(Assessment& out);
  bool read_instrument_reference();
  bool read_responses(Assessment& out);

  const Instrument& instrument_;
  const char* p_;
  const char* end_;
  // Where escaped keys and string values are decoded: a key is used before its value is read.
  std::string key_scratch_, value_scratch_;
};

bool FastAssessmentReader::read_attributes(Assessment& out) {
  auto& attributes = out.attributes;
  const bool ok = object([&](std::string_view name) {
    std::string_view value;
    if (attribute_name_problem(name) || !string(value, value_scratch_) || attribute_value_problem(value))
      return false;
    attributes.emplace_back(name, value);
    return attributes.size() <= max_attributes;
  });
  if (!ok) return false;
  // The validating reader lists attributes by name (its document keeps keys in a std::map,
  // ordered as std::string orders them, which is how pairs of strings sort by their first).
  std::sort(attributes.begin(), attributes.end());
  for (std::size_t k = 1; k < attributes.size(); ++k)
    if (attributes[k].first == attributes[k - 1].first) return false;
  return true;
}

bool FastAssessmentReader::read_instrument_reference() {
  unsigned seen = 0;
  const bool ok = object([&](std::string_view key) {
    std::string_view value;
    if (!string(value, value_scratch_)) return false;
    unsigned bit = 0;
    if (key == "id") {
      bit = 1;
      if (value != instrument_.id()) return false;
    } else if (key == "version") {
      bit = 2;
      if (value != instrument_.version()) return false;
    } else if (key == "hash") {
      bit = 4;
      if (value != instrument_.hash()) return false;
    } else {
      return false;
    }
    if (seen & bit) return false;
    seen |= bit;
    return true;
  });
  return ok && (seen & 3u) == 3u;
}

bool FastAssessmentReader::read_responses(Assessment& out) {
  const auto& items = instrument_.items();
  std::vector<bool> answered(items.size(), false);
  std::size_t next = 0;  // hosts usually write items in instrument order: try that one first
  return object([&](std::string_view key) {
    std::size_t j = next;
    if (j >= items.size() || items[j].id != key) {
      const auto found = instrument_.find_item(key);
      if (!found) return false;
      j = *found;
    }
    if (answered[j]) return false;
    answered[j] = true;
    next = j + 1;
    skip_space();
    if (p_ == end_) return false;
    switch (*p_) {
      case 'n': return literal("null");  // missing, as the responses start
      case 't':
      case 'f':
        if (items[j].type != ResponseType::yes_no) return false;
        out.responses[j] = *p_ == 't' ? 1.0 : 0.0;
        return literal(*p_ == 't' ? "true" : "false");
      default: return number(out.responses[j]);
    }
  });
}

bool FastAssessmentReader::read(Assessment& out) {
  unsigned seen = 0;
  const bool ok = object([&](std::string_view key) {
    Field field;
    if (key == "responses")
      field = responses_field;
    else if (key == "case_id")
      field = case_id_field;
    else if (key == "date")
      field = date_field;
    else if (key == "attributes")
      field = attributes_field;
    else if (key == "instrument")
      field = instrument_field;
    else if (key == "format")
      field = format_field;
    else if (key == "format_version")
      field = format_version_field;
    else
      return false;
    if (seen & field) return false;
    seen |= field;
    std::string_view text;
    double value = 0.0;
    switch (field) {
      case format_field: return string(text, value_scratch_) && text == "pact.assessment";
      case format_version_field: return number(value) && value == 1.0;
      case case_id_field:
        if (!string(text, value_scratch_) || case_id_problem(text)) return false;
        out.case_id.assign(text);
        return true;
      case date_field:
        if (!string(text, value_scratch_) || !is_iso_date(text)) return false;
        out.date.assign(text);
        return true;
      case attributes_field: return read_attributes(out);
      case instrument_field: return read_instrument_reference();
      case responses_field: return read_responses(out);
    }
    return false;
  });
  skip_space();
  if (!ok || p_ != end_ || !(seen & case_id_field) || !(seen & responses_field)) return false;
  for (std::size_t j = 0; j < instrument_.item_count(); ++j)
    if (check_response(instrument_, j, out.responses[j]) != ResponseStatus::ok) return false;
  return true;
}

}  // namespace

bool read_assessment_fast(const Instrument& instrument, std::string_view json_text, Assessment& out) {
  out.case_id.clear();
  out.date.clear();
  out.attributes.clear();
  out.responses.assign(instrument.item_count(), missing);
  if (json_text.size() > max_assessment_json_bytes) return false;
  return FastAssessmentReader(instrument, json_text).read(out);
}

}  // namespace pact::detail
