// pact internal (compiled parts only): writing one assessment as JSON, shared by
// write_assessment_json and the JSON Lines assessment writer so that both write the same text.
#ifndef PACT_SRC_FORMATS_ASSESSMENT_TEXT_HPP
#define PACT_SRC_FORMATS_ASSESSMENT_TEXT_HPP

#include "pact/formats/result.hpp"
#include "pact/instrument.hpp"

#include <span>
#include <string>

namespace pact::detail {

/// Appends one assessment object (no line break): case id, date when there is one, the
/// attributes and then `extra_names[k]` = text of `extras[k]` for each extra that is not NaN,
/// the instrument's id and version, and the answered responses (yes/no as true/false). Throws
/// InvalidArgument when the responses do not match the instrument or a response is infinite.
void append_assessment_json(std::string& out, const Instrument& instrument, const CaseView& assessment,
                            std::span<const std::string> extra_names, std::span<const double> extras);

/// Throws ValidationError (at /case_id, /date, /attributes/<name> or /responses/<item>) for what
/// the assessment readers would reject, and InvalidArgument for responses of the wrong length.
void check_writable(const Instrument& instrument, const CaseView& assessment);

}  // namespace pact::detail

#endif  // PACT_SRC_FORMATS_ASSESSMENT_TEXT_HPP
