// pact: reading an assessment from a document the host has already parsed with nlohmann/json
// (for example one assessment inside a larger message). Opt-in: a program that includes this
// header must itself find and link nlohmann_json (pact's public headers do not otherwise need
// it). nlohmann's versioned inline namespace makes a version mismatch a link error, not a crash.
#ifndef PACT_FORMATS_NLOHMANN_HPP
#define PACT_FORMATS_NLOHMANN_HPP

#include "pact/assessment.hpp"
#include "pact/instrument.hpp"

#include <nlohmann/json.hpp>

namespace pact {

/// As read_assessment_json(instrument, text), for an already parsed object (a different name:
/// a string converts to nlohmann::json too). Errors are ValidationError at the JSON Pointer of
/// the value inside `assessment`. A parsed nlohmann::json has already merged repeated keys,
/// which the text reader rejects.
Assessment read_assessment_object(const Instrument& instrument, const nlohmann::json& assessment);

}  // namespace pact

#endif  // PACT_FORMATS_NLOHMANN_HPP
