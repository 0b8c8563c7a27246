// pact: an assessment (a pseudonymous case and its responses) and the rules a response must meet.
#ifndef PACT_ASSESSMENT_HPP
#define PACT_ASSESSMENT_HPP

#include "pact/error.hpp"
#include "pact/instrument.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pact {

/// The value that marks a missing response in a responses vector or a dense matrix.
inline constexpr double missing = std::numeric_limits<double>::quiet_NaN();

/// Whether one response can be scored, and if not why. Stable numbers: the C API and the
/// batch outputs report them.
enum class ResponseStatus : std::int32_t {
  ok = 0,
  missing_required = 1,  ///< no answer to an item the instrument requires
  not_finite = 2,        ///< an infinity (NaN itself means "missing")
  not_integer = 3,       ///< a fractional number where a whole number is needed
  not_an_option = 4,     ///< a code that is not one of the item's options (or not 0/1 for yes/no)
  below_minimum = 5,     ///< a number below the item's minimum
  above_maximum = 6,     ///< a number above the item's maximum
};

/// A short identifier for a status ("ok", "missing_required", "not_an_option", ...).
inline const char* to_string(ResponseStatus status) noexcept {
  switch (status) {
    case ResponseStatus::ok: return "ok";
    case ResponseStatus::missing_required: return "missing_required";
    case ResponseStatus::not_finite: return "not_finite";
    case ResponseStatus::not_integer: return "not_integer";
    case ResponseStatus::not_an_option: return "not_an_option";
    case ResponseStatus::below_minimum: return "below_minimum";
    case ResponseStatus::above_maximum: return "above_maximum";
  }
  return "unknown";
}

namespace detail {

/// Maps one present (non-NaN) response of item `j` to its severity, or says why it cannot.
inline ResponseStatus response_severity(const InstrumentData& data, std::size_t j, double value,
                                    double& severity) noexcept {
  const CompiledItem& item = data.compiled[j];
  if (!std::isfinite(value)) return ResponseStatus::not_finite;
  switch (item.kind) {
    case RuleKind::table: {
      if (value < item.min_value || value > item.max_value) return ResponseStatus::not_an_option;
      const double offset = value - item.min_value;
      const auto index = static_cast<std::size_t>(offset);
      if (static_cast<double>(index) != offset) return ResponseStatus::not_an_option;
      severity = data.severity_table[item.table_offset + index];
      return std::isnan(severity) ? ResponseStatus::not_an_option : ResponseStatus::ok;
    }
    case RuleKind::yes_no:
      if (value == 0.0) {
        severity = item.severity_no;
        return ResponseStatus::ok;
      }
      if (value == 1.0) {
        severity = item.severity_yes;
        return ResponseStatus::ok;
      }
      return ResponseStatus::not_an_option;
    case RuleKind::curve:
      if (value < item.min_value) return ResponseStatus::below_minimum;
      if (value > item.max_value) return ResponseStatus::above_maximum;
      if (item.whole_number && value != std::floor(value)) return ResponseStatus::not_integer;
      severity = data.items[j].curve.at(value);
      return ResponseStatus::ok;
  }
  return ResponseStatus::not_an_option;
}

inline std::string format_number(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

}  // namespace detail

/// The human explanation of why `value` is not a valid response to item `item`, e.g.
/// `7 is not one of the options 1, 2, 3, 4, 5`. Names no item: callers add the path.
inline std::string describe_response_problem(const Instrument& instrument, std::size_t item,
                                             ResponseStatus status, double value) {
  const Item& it = instrument.items().at(item);
  const std::string shown = detail::format_number(value);
  switch (status) {
    case ResponseStatus::ok: return "valid";
    case ResponseStatus::missing_required: return "the item is required and has no answer";
    case ResponseStatus::not_finite: return shown + " is not a finite number";
    case ResponseStatus::not_integer: return shown + " is not a whole number (the item counts " +
                                             std::string(to_string(it.type)) + ")";
    case ResponseStatus::not_an_option: {
      if (it.type == ResponseType::yes_no) return shown + " is not 0 (no) or 1 (yes)";
      std::string options;
      for (const auto& option : it.options) options += (options.empty() ? "" : ", ") + std::to_string(option.value);
      return shown + " is not one of the options " + options;
    }
    case ResponseStatus::below_minimum: return shown + " is below the minimum " + detail::format_number(it.min_value);
    case ResponseStatus::above_maximum: return shown + " is above the maximum " + detail::format_number(it.max_value);
  }
  return "invalid";
}

/// Checks one response of item `item` (NaN = missing). Returns ResponseStatus::ok if it can be scored.
inline ResponseStatus check_response(const Instrument& instrument, std::size_t item, double value) noexcept {
  if (std::isnan(value))
    return instrument.data().compiled[item].required ? ResponseStatus::missing_required : ResponseStatus::ok;
  double severity = 0.0;
  return detail::response_severity(instrument.data(), item, value, severity);
}

/// Throws ValidationError at `/responses/<item id>` for the first response that cannot be scored.
/// `responses` holds one value per item in instrument order (NaN = missing).
inline void validate_responses(const Instrument& instrument, std::span<const double> responses) {
  if (responses.size() != instrument.item_count())
    throw InvalidArgument("/responses", "expected " + std::to_string(instrument.item_count()) +
                                            " responses (one per item of " + instrument.id() + "), got " +
                                            std::to_string(responses.size()));
  for (std::size_t j = 0; j < responses.size(); ++j) {
    const ResponseStatus status = check_response(instrument, j, responses[j]);
    if (status != ResponseStatus::ok)
      throw ValidationError("/responses/" + instrument.items()[j].id,
                            describe_response_problem(instrument, j, status, responses[j]));
  }
}

/// One assessment: a pseudonymous case id (never a name or national id), the date it was made,
/// optional subgroup attributes (territory, sex, age band, ... for evaluation by group), and one
/// response per item of the instrument in instrument order (NaN = missing).
struct Assessment {
  std::string case_id;  ///< pseudonymous, at most max_case_id_length characters, no control characters
  std::string date;  ///< ISO 8601 date (YYYY-MM-DD), or empty
  std::vector<std::pair<std::string, std::string>> attributes;  ///< (name, value) pairs, e.g. ("territory", "leon")
  std::vector<double> responses;  ///< one per item, instrument order; NaN = missing, yes/no as 1/0
};

/// The longest case id pact accepts (a pseudonymous key, not a document).
inline constexpr std::size_t max_case_id_length = 128;

/// Builds an assessment from responses given by item id. Throws ValidationError for an unknown
/// item id (`/responses/<id>`), a repeated one, or an invalid case id; responses are checked by
/// validate_responses, not here, so that a caller can choose to collect every problem first.
inline Assessment make_assessment(const Instrument& instrument, std::string case_id,
                                  std::span<const std::pair<std::string, double>> responses_by_item) {
  if (case_id.empty()) throw ValidationError("/case_id", "the case id is empty");
  if (case_id.size() > max_case_id_length)
    throw ValidationError("/case_id", "the case id is longer than " + std::to_string(max_case_id_length) +
                                          " characters");
  for (unsigned char c : case_id)
    if (c < 0x20 || c == 0x7f) throw ValidationError("/case_id", "the case id contains a control character");
  Assessment assessment;
  assessment.case_id = std::move(case_id);
  assessment.responses.assign(instrument.item_count(), missing);
  std::vector<bool> seen(instrument.item_count(), false);
  for (const auto& [item_id, value] : responses_by_item) {
    const auto index = instrument.find_item(item_id);
    if (!index)
      throw ValidationError("/responses/" + item_id, "no item \"" + item_id + "\" in instrument " +
                                                         instrument.id() + " " + instrument.version());
    if (seen[*index]) throw ValidationError("/responses/" + item_id, "the item is answered twice");
    seen[*index] = true;
    assessment.responses[*index] = value;
  }
  return assessment;
}

}  // namespace pact

#endif  // PACT_ASSESSMENT_HPP
