// pact: the result of scoring one case as a JSON object, the record a host system stores
// (docs/formats.md; JSON Schema in docs/schemas/result.schema.json). It carries the case id,
// date and attributes, the instrument's id, version and content hash and the library version
// (EU AI Act Art. 12 logging), and everything scoring produced: dimension scores with their
// coverage, the composite and its level, the counting-method deprivation, the critical factors
// and, optionally, each item's response and severity. When a chronicity-risk model scored the
// case, a "risk" section carries its result and explanation with the model's stamp; a result
// without a risk model has no "risk" key.
#ifndef PACT_FORMATS_RESULT_HPP
#define PACT_FORMATS_RESULT_HPP

#include "pact/assessment.hpp"
#include "pact/formats/batch.hpp"
#include "pact/instrument.hpp"
#include "pact/risk_model.hpp"
#include "pact/scoring.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pact {

/// The case a result is about, viewed without copying (from an Assessment or a batch row).
struct CaseView {
  std::string_view case_id;  ///< the pseudonymous case id
  std::string_view date;  ///< YYYY-MM-DD or ""
  std::span<const AttributeView> attributes;  ///< subgroup attributes, in input order
  std::span<const double> responses;  ///< one per item, NaN = missing
};

/// The case in row `row` of a batch.
inline CaseView case_view(const AssessmentBatch& batch, std::size_t row) {
  return {batch.case_id(row), batch.date(row), batch.attributes(row), batch.responses(row)};
}

/// What a result record holds and in which language (append_result_json, JsonlResultWriter).
struct ResultOptions {
  /// The language of the labels; "" or a language the instrument lacks gives its default.
  std::string language;
  /// Include each item's response and severity ("items").
  bool items = true;
};

/// The language labels are written in for `requested`: itself when the instrument has it,
/// else the instrument's default.
inline const std::string& result_language(const Instrument& instrument, const std::string& requested) {
  for (const auto& language : instrument.languages())
    if (language == requested) return language;
  return instrument.default_language();
}

/// Appends one result object to `out` (no line break). Numbers are written in their shortest
/// form that reads back as the same double; a missing value is null. Throws InvalidArgument
/// when `scores` or the responses do not match the instrument.
void append_result_json(std::string& out, const Instrument& instrument, const CaseView& case_view,
                        const CaseScores& scores, const ResultOptions& options = {});

/// One result object as JSON text.
std::string write_result_json(const Instrument& instrument, const Assessment& assessment, const CaseScores& scores,
                              const ResultOptions& options = {});

/// The language the risk section's model labels (features, bands) are written in: the result's
/// language when the model has it, else the model's default. Item and option labels are the
/// instrument's, in the result's language.
inline const std::string& risk_language(const RiskModel& model, const std::string& result_language) {
  for (const auto& language : model.languages())
    if (language == result_language) return language;
  return model.default_language();
}

/// Appends one result object with its "risk" section (docs/formats.md, "The risk section"):
/// status "ok", the model's stamp, form, horizon, probability, band, linear predictor, imputed
/// count, extra horizons and survival curve (hazard form), contributions, top factors and the
/// counterfactual (left out when the search did not run, RiskOptions::counterfactual; null when
/// no single change lowers the band). `scores` and `risk` must come from the model's instrument
/// and the model (InvalidArgument otherwise).
void append_result_json(std::string& out, const RiskModel& model, const CaseView& case_view, const CaseScores& scores,
                        const RiskResult& risk, const ResultOptions& options = {});

/// Appends one result object whose "risk" section says why the model gave no risk (status
/// missing_duration or not_finite) and carries only the model's stamp besides.
void append_result_json(std::string& out, const RiskModel& model, const CaseView& case_view, const CaseScores& scores,
                        RiskStatus status, const ResultOptions& options = {});

/// One result object with its risk section as JSON text (see append_result_json).
std::string write_result_json(const RiskModel& model, const Assessment& assessment, const CaseScores& scores,
                              const RiskResult& risk, const ResultOptions& options = {});

/// Scores one assessment with the instrument and writes its result object: the one way the C
/// API, the Python package and the command line turn an assessment into a result.
std::string scored_result_json(const Instrument& instrument, const Assessment& assessment,
                               const ResultOptions& options = {});

/// Scores one assessment with the instrument and the model and writes its result with the risk
/// section; a case the model cannot give a risk (no months in care) gets a risk section that
/// says why. `risk_options` asks for extra horizons and the counterfactual (on by default).
std::string scored_result_json(const RiskModel& model, const Assessment& assessment, const ResultOptions& options = {},
                               const RiskOptions& risk_options = {});

}  // namespace pact

#endif  // PACT_FORMATS_RESULT_HPP
