// pact: proactive casework as JSON, for host systems that exchange JSON text (the C API, and
// any C++ host that prefers text to the structures of pact/casework.hpp): the change between
// two assessments of a case with its alerts, the proactive-contact order of a caseload, a
// professional's override added to a result, and the report of an audit verification
// (docs/casework.md, "Casework as JSON"). Numbers are written as results write them: the
// shortest text that reads back as the same double; a missing value is null.
#ifndef PACT_FORMATS_CASEWORK_HPP
#define PACT_FORMATS_CASEWORK_HPP

#include "pact/assessment.hpp"
#include "pact/audit.hpp"
#include "pact/casework.hpp"
#include "pact/instrument.hpp"
#include "pact/risk_model.hpp"

#include <string>
#include <string_view>

namespace pact {

/// What the change writer needs besides the two assessments.
struct ChangeJsonOptions {
  /// The language of labels and alert reasons; "" or a language the instrument lacks gives its
  /// default (alert reasons are in Spanish, Catalan or English; other languages read English).
  std::string language;
  /// YYYY-MM-DD: also raise reassessment_overdue when the later assessment is older than the
  /// instrument's rule on this day; "" = not judged.
  std::string as_of;
};

/// The change between two assessments of one case, `before` earlier than `after`, as a JSON
/// object (format "pact.change"): the dates and the days between them, the composite, level and
/// every dimension before and after with the change, with a model the probability and band
/// before and after (null on a side the model cannot give a risk), whether the case worsened,
/// and the alerts of the instrument's and model's rules, each with its values and reason.
/// `model` may be null (no risk, no model alerts); when given it must read `instrument`.
/// Throws ValidationError at /after/case_id when the case ids differ and at /after/date when
/// `after` is dated before `before`; InvalidArgument for a bad as_of or a model of another
/// instrument; the scoring errors of each assessment.
std::string change_json(const Instrument& instrument, const RiskModel* model, const Assessment& before,
                        const Assessment& after, const ChangeJsonOptions& options = {});

/// As above from the two assessments' JSON text (read as read_assessment_json reads them). An
/// error in the earlier one is reported under /before (e.g. /before/responses/eco_debts; a
/// syntax error as "before: line 1, column 9"), in the later one under /after.
std::string change_json(const Instrument& instrument, const RiskModel* model, std::string_view before_json,
                        std::string_view after_json, const ChangeJsonOptions& options = {});

/// What the caseload order needs besides the caseload.
struct PrioritiesJsonOptions {
  std::string language;  ///< as ChangeJsonOptions::language
  std::string as_of;     ///< YYYY-MM-DD: judge overdue reassessments on this day; "" = not judged
  /// The attribute naming each case's team or territory (read from its latest assessment), for
  /// per-group capacities and ranks; "" = one group. A case without it is in missing_group.
  std::string group_by;
  PriorityOptions capacity;  ///< overall and per-group capacities (casework.hpp)
};

/// The largest caseload text priorities_json reads (JSON Lines lines are limited one by one,
/// as JsonlAssessmentReader limits them; a JSON array is one document and limited as a whole).
inline constexpr std::size_t max_caseload_json_bytes = std::size_t{256} << 20;

/// Orders a caseload for proactive contact (prioritise) and returns the order as a JSON object
/// (format "pact.priorities"). `caseload` holds assessments, one or several per case (a case's
/// history, ordered by date), as JSON Lines or as one JSON array. An assessment that cannot be
/// read or scored, or has no valid date (needed to order a history), is left out and listed
/// under "rejected" with its line (JSON Lines) or index (array), the JSON Pointer of the
/// offending value and the reason; the others are ranked. A JSON array is one document: a
/// syntax error or a repeated key anywhere in it throws ParseError or ValidationError (with its
/// position), while an element that is not a valid assessment is rejected like a bad line. Text
/// whose first character is neither '[' nor '{' is a ParseError. Throws InvalidArgument for a bad as_of, per-group capacities without group_by, or a model of
/// another instrument; LimitError past max_caseload_json_bytes.
std::string priorities_json(const Instrument& instrument, const RiskModel* model, std::string_view caseload,
                            const PrioritiesJsonOptions& options = {});

/// `result_json` (a result object as pact writes it, of `instrument` and, for a band override,
/// of `model`) with the professional's override added as its "override" member, the rest of the
/// text unchanged: pact's scores stay as they were and the override stands beside them. Throws
/// ValidationError at the override field at fault (/override/value, /override/reason, ...;
/// validate_override), at /override when the result already carries one, at /format or
/// /instrument/... for a result of another format or instrument, at /risk/... when a band
/// override meets a result without a risk band or of another model; ParseError for text that
/// is not JSON.
std::string apply_override_json(const Instrument& instrument, const RiskModel* model, std::string_view result_json,
                                const ProfessionalOverride& override_);

/// The report of verify_audit_log or verify_audit as a JSON object (format
/// "pact.audit_verification"): ok, the counts, and every problem with its source ("log" or
/// "results"), line, case id (null when the line names none) and description.
std::string audit_verification_json(const AuditVerification& report);

}  // namespace pact

#endif  // PACT_FORMATS_CASEWORK_HPP
