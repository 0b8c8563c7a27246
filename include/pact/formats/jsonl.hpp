// pact: reading assessments from JSON Lines (one assessment object per line) as a stream in
// bounded memory, in batches for score_batch (docs/formats.md).
#ifndef PACT_FORMATS_JSONL_HPP
#define PACT_FORMATS_JSONL_HPP

#include "pact/formats/assessment_json.hpp"
#include "pact/formats/batch.hpp"
#include "pact/instrument.hpp"

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <memory>

namespace pact {

/// How JsonlAssessmentReader reads.
struct JsonlReadOptions {
  std::size_t buffer_bytes = std::size_t{1} << 20;              ///< bytes read from the input at a time
  std::size_t max_line_bytes = max_assessment_json_bytes;        ///< longest line; a longer one is rejected
  std::size_t batch_rows = 4096;                                 ///< rows read (accepted + rejected) per batch at most
};

/// Reads assessments from JSON Lines: each line one assessment object, read with exactly the
/// rules of read_assessment_json. Lines end with LF or CRLF; a UTF-8 byte order mark at the
/// start is skipped (a UTF-16 one is a ParseError); blank lines are skipped; an empty input
/// holds no rows. A bad line (malformed JSON, a wrong field, an invalid response, a line past
/// max_line_bytes) becomes a RowError with its line, the JSON Pointer of the value (or the byte
/// column of a syntax error) and the reason, and reading goes on: read = accepted + rejected,
/// always. Not thread-safe; one reader per stream.
class JsonlAssessmentReader {
 public:
  /// Reads from `in`, which must outlive the reader.
  JsonlAssessmentReader(const Instrument& instrument, std::istream& in, JsonlReadOptions options = {});
  /// Reads a file (IoError when it cannot be opened).
  JsonlAssessmentReader(const Instrument& instrument, const std::filesystem::path& file, JsonlReadOptions options = {});
  ~JsonlAssessmentReader();
  JsonlAssessmentReader(JsonlAssessmentReader&&) noexcept;             ///< Moves the reader and its position.
  JsonlAssessmentReader& operator=(JsonlAssessmentReader&&) noexcept;  ///< Moves the reader and its position.

  /// Fills `batch` with the next rows (up to batch_rows lines read, accepted or rejected) and
  /// finishes it; false when the input had no more rows.
  bool next(AssessmentBatch& batch);
  /// Rows read so far.
  ReadCounts counts() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pact

#endif  // PACT_FORMATS_JSONL_HPP
