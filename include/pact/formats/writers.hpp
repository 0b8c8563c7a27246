// pact: writing results as CSV (one row per case, flat columns in a stable, documented order)
// and as JSON Lines (one full result object per line), with or without a chronicity-risk model,
// and the rejected rows as a CSV errors file (docs/formats.md). Numbers are written in their shortest form that reads back as the
// same double, so a result read back is bit-identical to the one written.
#ifndef PACT_FORMATS_WRITERS_HPP
#define PACT_FORMATS_WRITERS_HPP

#include "pact/formats/batch.hpp"
#include "pact/formats/result.hpp"
#include "pact/instrument.hpp"
#include "pact/risk_model.hpp"
#include "pact/scoring.hpp"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pact {

/// The columns, delimiter and language of result CSV.
struct ResultCsvOptions {
  char delimiter = ',';  ///< the field separator
  /// The language of the level label; "" or a language the instrument lacks gives its default.
  std::string language;
  /// Attribute columns written after `date`, in this order (a row without one: empty). Use the
  /// CSV reader's attribute_columns() to pass a CSV input's extra columns through.
  std::vector<std::string> attributes;
  /// Add a severity_<item> column per item.
  bool item_severities = false;
  /// Add the instrument_id, instrument_version, instrument_hash and pact_version columns.
  bool provenance = true;
};

/// The result CSV's columns, in order:
///   case_id, date, <attributes...>,
///   composite, composite_coverage, level, level_label, deprivation_score, deprived_count,
///   critical_factors,
///   score_<dimension>... , coverage_<dimension>... , deprived_<dimension>... (instrument order),
///   [severity_<item>... (instrument order)],
///   [instrument_id, instrument_version, instrument_hash, pact_version].
/// Throws InvalidArgument when an attribute's name is one of the other columns.
std::vector<std::string> result_csv_columns(const Instrument& instrument, const ResultCsvOptions& options = {});

/// The result CSV's columns with a risk model: those of the model's instrument, then
///   risk_status, risk_probability, risk_band, risk_band_label, risk_linear_predictor,
///   risk_horizon_months, risk_imputed_count, risk_top_factors,
///   [risk_model_id, risk_model_version, risk_model_hash, risk_model_status] (with provenance).
std::vector<std::string> result_csv_columns(const RiskModel& model, const ResultCsvOptions& options = {});

/// Writes results as CSV: the header on construction, then one row per scored case. Missing
/// numbers (a dimension or composite not scored) are empty fields; flags are 1 or 0;
/// critical_factors lists `dimension:<id>` and `item:<id>` by importance, separated by ';'.
///
/// A writer created with a risk model adds its columns (see result_csv_columns): risk_status is
/// `ok`, `missing_duration` or `not_finite`, and a row without a risk has the other risk value
/// columns empty; risk_band_label is in the result's language when the model has it, else in
/// the model's default; risk_top_factors lists feature ids, largest risk effect first,
/// separated by ';'. Such a writer needs every row's risk: a batch scored with the model
/// (ScoredBatch::score(model, ...)) or a RiskResult per case.
class CsvResultWriter {
 public:
  /// Writes to `out`, which must outlive the writer. Throws IoError when writing fails.
  CsvResultWriter(const Instrument& instrument, std::ostream& out, ResultCsvOptions options = {});
  /// Writes the results of the model's instrument and the model's risk columns.
  CsvResultWriter(const RiskModel& model, std::ostream& out, ResultCsvOptions options = {});

  /// Writes every scored row of a batch (rows score_batch rejected are skipped). With a risk
  /// model, `scored` must have been scored with the same model (no allocation per row then).
  void write(const AssessmentBatch& batch, const ScoredBatch& scored);
  /// One case without a risk; throws InvalidArgument on a writer created with a risk model.
  void write(const CaseView& case_view, const CaseScores& scores);
  /// One assessment without a risk; throws InvalidArgument on a writer created with a risk model.
  void write(const Assessment& assessment, const CaseScores& scores);
  /// One case with its risk (a writer created with the model that computed `risk`).
  void write(const CaseView& case_view, const CaseScores& scores, const RiskResult& risk);
  /// One assessment with its risk (a writer created with the model that computed `risk`).
  void write(const Assessment& assessment, const CaseScores& scores, const RiskResult& risk);

  /// The header's column names, in order (result_csv_columns).
  const std::vector<std::string>& columns() const noexcept { return columns_; }
  /// Rows written so far (not counting the header).
  std::uint64_t rows_written() const noexcept { return rows_; }

 private:
  CsvResultWriter(const Instrument& instrument, std::ostream& out, ResultCsvOptions options, const RiskModel* model);
  void append_row(const CaseView& case_view, const CaseScores& scores);
  void end_row();
  void flush();

  Instrument instrument_;
  std::optional<RiskModel> model_;
  std::ostream* out_;
  ResultCsvOptions options_;
  std::vector<std::string> columns_;
  std::string buffer_;
  std::string factors_;  ///< reused for the ';'-joined top factors
  CaseScores scratch_;
  std::uint64_t rows_ = 0;
};

/// Writes results as JSON Lines: one result object (see append_result_json) per line.
///
/// A writer created with a risk model writes each result with its "risk" section, computing the
/// full score_risk of every row (the explanation needs it) with `risk_options`. Counterfactuals
/// are off unless asked for (RiskOptions::counterfactual): the search rescores the case once per
/// candidate change (7.4 rather than 1.7 microseconds a case with the default model).
class JsonlResultWriter {
 public:
  /// Writes results without a risk section to `out`, which must outlive the writer.
  JsonlResultWriter(const Instrument& instrument, std::ostream& out, ResultOptions options = {});
  /// Writes results with the model's risk section. Throws InvalidArgument for extra horizons
  /// the model cannot answer.
  JsonlResultWriter(const RiskModel& model, std::ostream& out, ResultOptions options = {},
                    RiskOptions risk_options = RiskOptions{{}, false});

  /// Writes every scored row of a batch. With a risk model, `scored` must have been scored with
  /// the same model; a row without a risk gets a risk section that says why.
  void write(const AssessmentBatch& batch, const ScoredBatch& scored);
  /// One case without a risk; throws InvalidArgument on a writer created with a risk model.
  void write(const CaseView& case_view, const CaseScores& scores);
  /// One assessment without a risk; throws InvalidArgument on a writer created with a risk model.
  void write(const Assessment& assessment, const CaseScores& scores);
  /// One case with its risk (a writer created with the model that computed `risk`).
  void write(const CaseView& case_view, const CaseScores& scores, const RiskResult& risk);
  /// One assessment with its risk (a writer created with the model that computed `risk`).
  void write(const Assessment& assessment, const CaseScores& scores, const RiskResult& risk);

  /// Lines written so far.
  std::uint64_t rows_written() const noexcept { return rows_; }

 private:
  void flush();

  Instrument instrument_;
  std::optional<RiskModel> model_;
  RiskOptions risk_options_;
  std::ostream* out_;
  ResultOptions options_;
  std::string buffer_;
  CaseScores scratch_;
  std::uint64_t rows_ = 0;
};

/// The errors file's columns: line, position, column, case_id, kind, reason.
std::vector<std::string> error_csv_columns();

/// Writes rejected rows as CSV (see error_csv_columns), the header on construction.
class ErrorCsvWriter {
 public:
  /// Writes to `out`, which must outlive the writer, and writes the header.
  explicit ErrorCsvWriter(std::ostream& out, char delimiter = ',');

  /// One row per error, in order (for example AssessmentBatch::errors()).
  void write(std::span<const RowError> errors);
  /// One error.
  void write(const RowError& error) { write(std::span<const RowError>(&error, 1)); }

  /// Rows written so far (not counting the header).
  std::uint64_t rows_written() const noexcept { return rows_; }

 private:
  std::ostream* out_;
  char delimiter_;
  std::string buffer_;
  std::uint64_t rows_ = 0;
};

/// The name of an error kind as the errors file writes it ("parse", "validation", "limit", ...).
const char* to_string(ErrorKind kind) noexcept;

}  // namespace pact

#endif  // PACT_FORMATS_WRITERS_HPP
