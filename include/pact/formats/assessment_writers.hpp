// pact: writing assessments in the input formats, CSV and JSON Lines, so that a caseload (a
// synthetic one from the simulator, or an export) can be written and read back by pact's readers
// bit-identically (docs/formats.md, "Writing assessments"). A caller may add numeric columns
// after the items, such as a simulated case's outcomes (followup_months, left_care, chronic):
// the readers pass them through as attributes.
#ifndef PACT_FORMATS_ASSESSMENT_WRITERS_HPP
#define PACT_FORMATS_ASSESSMENT_WRITERS_HPP

#include "pact/assessment.hpp"
#include "pact/formats/batch.hpp"
#include "pact/formats/result.hpp"
#include "pact/instrument.hpp"

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

namespace pact {

/// The columns and delimiter AssessmentCsvWriter writes.
struct AssessmentCsvOptions {
  char delimiter = ',';  ///< the field separator (not a quote or a line break)
  /// Attribute columns written after `date`, in this order. Every attribute of a case written
  /// must have its column (a row without one: an empty field).
  std::vector<std::string> attributes;
  /// Numeric columns written after the items, in this order (e.g. followup_months, left_care,
  /// chronic). Each row gives one value per column; NaN is an empty field.
  std::vector<std::string> extra_columns;
};

/// Writes assessments as CSV that CsvAssessmentReader reads back to the same assessments: the
/// header on construction (case_id, date, the attribute columns, every item id in instrument
/// order, the extra columns), then one row per case, CRLF-terminated. Numbers in their shortest
/// form that reads back as the same double, yes/no answers as 0/1, a missing answer as an empty
/// field, texts quoted (RFC 4180) when they hold the delimiter, a quote, a line break or
/// surrounding spaces. Only what the readers accept is written: an invalid case id, date,
/// attribute or response is refused (ValidationError at its JSON Pointer, as the readers would
/// report it) and nothing of that row is written. Not thread-safe; one writer per stream.
class AssessmentCsvWriter {
 public:
  /// Writes to `out`, which must outlive the writer. Throws InvalidArgument for a column name
  /// that is not a valid attribute name, is used twice, or is case_id, date or an item id, for
  /// more than max_attributes attribute and extra columns together, or for a delimiter that is a
  /// quote or a line break; IoError when writing fails.
  AssessmentCsvWriter(const Instrument& instrument, std::ostream& out, AssessmentCsvOptions options = {});

  /// One case. `extras` holds one value per extra column (empty when there are none).
  void write(const Assessment& assessment, std::span<const double> extras = {});
  /// One case given as a view (for example a row of an AssessmentBatch).
  void write(const CaseView& case_view, std::span<const double> extras = {});
  /// Every row of a batch; `extras` is row-major, batch.size() rows of one value per extra column.
  void write(const AssessmentBatch& batch, std::span<const double> extras = {});

  /// The header's column names, in order.
  const std::vector<std::string>& columns() const noexcept { return columns_; }
  /// Rows written so far (not counting the header).
  std::uint64_t rows_written() const noexcept { return rows_; }

 private:
  void append_row(const CaseView& case_view, std::span<const double> extras);
  void flush();

  Instrument instrument_;
  std::ostream* out_;
  AssessmentCsvOptions options_;
  std::vector<std::string> columns_;
  std::string buffer_;
  std::uint64_t rows_ = 0;
};

/// What AssessmentJsonlWriter writes besides each assessment.
struct AssessmentJsonlOptions {
  /// Numeric values written as attributes of each assessment (JSON assessments have no other
  /// place for them), named by these names, as the text of the number in its shortest form that
  /// reads back as the same double; NaN leaves the attribute out. They come after the case's own
  /// attributes, as the CSV reader passes CSV extra columns through after the attribute columns.
  std::vector<std::string> extra_columns;
};

/// Writes assessments as JSON Lines, one assessment object per line (LF), in the form of
/// write_assessment_json, that JsonlAssessmentReader reads back to the same assessments. Refuses
/// what the readers would reject, as AssessmentCsvWriter does. Not thread-safe.
class AssessmentJsonlWriter {
 public:
  /// Writes to `out`, which must outlive the writer. Throws InvalidArgument for an extra column
  /// name that is not a valid attribute name, is used twice, or is case_id, date or an item id,
  /// or for more than max_attributes extra columns.
  AssessmentJsonlWriter(const Instrument& instrument, std::ostream& out, AssessmentJsonlOptions options = {});

  /// One case. `extras` holds one value per extra column (empty when there are none).
  void write(const Assessment& assessment, std::span<const double> extras = {});
  /// One case given as a view (for example a row of an AssessmentBatch).
  void write(const CaseView& case_view, std::span<const double> extras = {});
  /// Every row of a batch; `extras` is row-major, batch.size() rows of one value per extra column.
  void write(const AssessmentBatch& batch, std::span<const double> extras = {});

  /// Lines written so far.
  std::uint64_t rows_written() const noexcept { return rows_; }

 private:
  void append_row(const CaseView& case_view, std::span<const double> extras);
  void flush();

  Instrument instrument_;
  std::ostream* out_;
  AssessmentJsonlOptions options_;
  std::string buffer_;
  std::uint64_t rows_ = 0;
};

}  // namespace pact

#endif  // PACT_FORMATS_ASSESSMENT_WRITERS_HPP
