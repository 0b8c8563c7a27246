// pact: one assessment as JSON, the exchange format between a host system and pact
// (docs/formats.md; JSON Schema in docs/schemas/assessment.schema.json):
//
//   {"case_id": "c-0042", "date": "2024-03-01",
//    "attributes": {"territory": "leon", "sex": "f"},
//    "instrument": {"id": "pact-instrument", "version": "1.0.0"},
//    "responses": {"emp_work_status": 3, "emp_job_search": true, "eco_debts": null}}
#ifndef PACT_FORMATS_ASSESSMENT_JSON_HPP
#define PACT_FORMATS_ASSESSMENT_JSON_HPP

#include "pact/assessment.hpp"
#include "pact/instrument.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace pact {

/// The largest assessment JSON text pact reads, in bytes (a full assessment of the default
/// instrument is about 2 KB).
inline constexpr std::size_t max_assessment_json_bytes = std::size_t{1} << 20;
/// The deepest nesting an assessment may have (it needs 2).
inline constexpr std::size_t max_assessment_json_depth = 8;

/// Reads and validates one assessment against `instrument`. `case_id` and `responses` are
/// required; `date` (YYYY-MM-DD), `attributes` (string values), `instrument` (must match
/// when given), `format` ("pact.assessment") and `format_version` (1) are optional; any other
/// field is an error. A response is a number, `true`/`false` for a yes/no item, or null
/// (missing, as is an absent item). Every response must be valid for its item and every
/// required item answered. Throws ParseError (line and column), LimitError, or ValidationError
/// at the JSON Pointer of the value, e.g. `/responses/emp_work_status: 7 is not one of the
/// options 1, 2, 3, 4`.
Assessment read_assessment_json(const Instrument& instrument, std::string_view json_text);

/// Reads a file holding one assessment; as read_assessment_json, plus IoError.
Assessment read_assessment_file(const Instrument& instrument, const std::filesystem::path& file);

/// Writes an assessment as JSON that read_assessment_json reads back to the same assessment
/// (numbers in their shortest round-trip form, yes/no answers as true/false, missing responses
/// left out). Throws InvalidArgument when the responses do not match the instrument's items.
std::string write_assessment_json(const Instrument& instrument, const Assessment& assessment);

}  // namespace pact

#endif  // PACT_FORMATS_ASSESSMENT_JSON_HPP
