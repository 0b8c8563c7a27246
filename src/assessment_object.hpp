// pact internal (compiled parts only): reading one parsed assessment object, shared by the JSON
// reader and the JSON Lines reader so that both apply exactly the same rules.
#ifndef PACT_SRC_ASSESSMENT_OBJECT_HPP
#define PACT_SRC_ASSESSMENT_OBJECT_HPP

#include "pact/assessment.hpp"
#include "pact/instrument.hpp"

#include "json_support.hpp"

#include <string_view>

namespace pact::detail {

/// The limits one assessment's JSON text is parsed under.
JsonLimits assessment_json_limits();

/// Reads a parsed assessment into `out`, reusing its buffers. `out.case_id` is set as soon as
/// a valid case id has been read, so that a caller can name the case in an error. Throws
/// ValidationError at the JSON Pointer of the offending value.
void read_assessment_into(const Instrument& instrument, const json& root, Assessment& out);

/// Reads one assessment's JSON text by the validating path: the whole document parsed (with
/// its limits and repeated-key checks) and then read_assessment_into. Every error of
/// read_assessment_json comes from here.
Assessment read_assessment_validating(const Instrument& instrument, std::string_view json_text);

/// The fast path of read_assessment_json: true when it read `json_text` into `out`, which is then
/// exactly what read_assessment_validating gives; false when it cannot vouch for the text
/// (anything unusual, and every error), and the caller must use read_assessment_validating.
/// Throws nothing but std::bad_alloc.
bool read_assessment_fast(const Instrument& instrument, std::string_view json_text, Assessment& out);

}  // namespace pact::detail

#endif  // PACT_SRC_ASSESSMENT_OBJECT_HPP
