// pact internal (compiled parts only): reading one parsed assessment object, shared by the JSON
// reader and the JSON Lines reader so that both apply exactly the same rules.
#ifndef PACT_SRC_ASSESSMENT_OBJECT_HPP
#define PACT_SRC_ASSESSMENT_OBJECT_HPP

#include "pact/assessment.hpp"
#include "pact/instrument.hpp"

#include "json_support.hpp"

namespace pact::detail {

/// The limits one assessment's JSON text is parsed under.
JsonLimits assessment_json_limits();

/// Reads a parsed assessment into `out`, reusing its buffers. `out.case_id` is set as soon as
/// a valid case id has been read, so that a caller can name the case in an error. Throws
/// ValidationError at the JSON Pointer of the offending value.
void read_assessment_into(const Instrument& instrument, const json& root, Assessment& out);

}  // namespace pact::detail

#endif  // PACT_SRC_ASSESSMENT_OBJECT_HPP
