// pact: reading CSV (RFC 4180) as a stream in bounded memory: a record reader, and an
// assessment reader on top of it that matches columns to items by header name and delivers
// rows in batches for score_batch (docs/formats.md).
#ifndef PACT_FORMATS_CSV_HPP
#define PACT_FORMATS_CSV_HPP

#include "pact/error.hpp"
#include "pact/formats/batch.hpp"
#include "pact/instrument.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pact {

/// The CSV dialect and the limits that bound a reader's memory whatever the input.
struct CsvOptions {
  char delimiter = ',';  ///< ';' for files from spreadsheets set to a decimal-comma locale
  std::size_t buffer_bytes = std::size_t{1} << 20;     ///< bytes read from the input at a time
  std::size_t max_field_bytes = std::size_t{1} << 20;  ///< longest field; a longer one rejects its row
  std::size_t max_row_bytes = std::size_t{4} << 20;    ///< longest row (all its fields); same
  std::size_t max_fields = 4096;                       ///< most fields in a row; same
};

/// One record (row) of a CSV input.
struct CsvRecord {
  /// Why the record is malformed: its first problem.
  struct Problem {
    std::size_t field = 0;  ///< 0-based field index
    ErrorKind kind = ErrorKind::parse;  ///< parse (malformed quoting) or limit (a field or row too long)
    std::string reason;                 ///< what was expected
  };

  std::uint64_t line = 0;  ///< the line the record starts on (a quoted line break makes it span more)
  /// The fields, unquoted; valid until the next read. When `problem` is set, fields from
  /// `problem->field` on may be incomplete.
  std::vector<std::string_view> fields;
  std::size_t field_count = 0;  ///< fields in the record (fields.size() unless past max_fields)
  std::optional<Problem> problem;  ///< set when the record is malformed
};

/// Reads CSV records one at a time through a fixed-size buffer. RFC 4180: fields separated by
/// the delimiter, records by CRLF or LF; a field in double quotes may hold delimiters, line
/// breaks and quotes written twice. A UTF-8 byte order mark at the start is skipped; a UTF-16
/// one is a ParseError. Blank lines are skipped. A malformed record (a quote inside an unquoted
/// field, text after a closing quote, a carriage return without a line feed, a quote left open at
/// the end of the input, a field or row past its limit) is returned with its problem, and
/// reading goes on at the next record. Not thread-safe; one reader per stream.
class CsvRecordReader {
 public:
  /// Reads from `in`, which must outlive the reader.
  explicit CsvRecordReader(std::istream& in, CsvOptions options = {});
  ~CsvRecordReader();
  CsvRecordReader(CsvRecordReader&&) noexcept;             ///< Moves the reader and its position.
  CsvRecordReader& operator=(CsvRecordReader&&) noexcept;  ///< Moves the reader and its position.

  /// Reads the next record into `record`; false at the end of the input. Throws IoError when the
  /// stream fails and ParseError for a UTF-16 input.
  bool next(CsvRecord& record);
  /// The line the reader has reached (1-based).
  std::uint64_t line() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// What the assessment readers do with a column that is neither `case_id`, `date` nor an item.
enum class ExtraColumns : std::uint8_t {
  pass_through,  ///< keep it as a subgroup attribute of each row (an empty field: none)
  ignore,        ///< drop it
  reject,        ///< the header is an error (catches a misspelt item column)
};

/// How CsvAssessmentReader reads.
struct CsvReadOptions {
  CsvOptions csv;  ///< the CSV dialect and limits
  ExtraColumns extra_columns = ExtraColumns::pass_through;  ///< what to do with columns that are not items
  std::size_t batch_rows = 4096;  ///< rows read (accepted + rejected) per batch at most
};

/// Reads assessments from CSV: a header row, then one assessment per row.
///
/// Columns are matched by header name: `case_id` (required), `date` (optional, YYYY-MM-DD), one
/// column per item named by its id (a required item's column must be present; an optional item
/// without a column is missing in every row), and any other column per `extra_columns`. The
/// header is checked before any row is read: an empty input, a malformed header, a repeated
/// name, a missing required column are errors thrown by the constructor.
///
/// Each row is checked whole: an empty field is a missing answer; numbers are read with
/// std::from_chars (a '.' decimal point whatever the locale; blanks around them ignored);
/// a yes/no item takes 0/1, true/false, yes/no or sí/si/no (any case); every response is
/// checked with check_response. A bad row becomes a RowError in its batch (line, column,
/// reason) and reading goes on: read = accepted + rejected, always. Memory is bounded by the
/// options, whatever the input's size. Not thread-safe; one reader per stream.
class CsvAssessmentReader {
 public:
  /// Reads from `in`, which must outlive the reader. Reads and checks the header.
  CsvAssessmentReader(const Instrument& instrument, std::istream& in, CsvReadOptions options = {});
  /// Reads a file (IoError when it cannot be opened).
  CsvAssessmentReader(const Instrument& instrument, const std::filesystem::path& file, CsvReadOptions options = {});
  ~CsvAssessmentReader();
  CsvAssessmentReader(CsvAssessmentReader&&) noexcept;             ///< Moves the reader and its position.
  CsvAssessmentReader& operator=(CsvAssessmentReader&&) noexcept;  ///< Moves the reader and its position.

  /// Fills `batch` with the next rows (up to batch_rows rows read, accepted or rejected) and
  /// finishes it; false when the input had no more rows.
  bool next(AssessmentBatch& batch);

  /// The header as read.
  const std::vector<std::string>& columns() const noexcept;
  /// The columns kept as attributes, in header order (empty unless pass_through).
  const std::vector<std::string>& attribute_columns() const noexcept;
  /// Rows read so far.
  ReadCounts counts() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pact

#endif  // PACT_FORMATS_CSV_HPP
