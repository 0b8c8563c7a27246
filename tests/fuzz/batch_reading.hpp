// The batch readers' fuzz oracle: reads a whole input as a caller would, checks row accounting
// and the error records, scores every batch, and keeps what was read for comparing two readings.
#ifndef PACT_TESTS_FUZZ_BATCH_READING_HPP
#define PACT_TESTS_FUZZ_BATCH_READING_HPP

#include "fuzz_support.hpp"

#include "pact/formats/batch.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pact_fuzz {

/// Everything a reading gave: comparable between two readings of the same input.
struct Reading {
  std::optional<std::string> refused;  ///< the reader refused the input (header, encoding)
  std::uint64_t read = 0, accepted = 0, rejected = 0;
  std::vector<std::string> rows;  ///< per accepted row: line, case id, date, attributes, response bits
  std::vector<std::string> errors;

  bool operator==(const Reading&) const = default;
};

inline std::string describe_row(const pact::AssessmentBatch& batch, std::size_t row) {
  std::string text = std::to_string(batch.line(row)) + "|" + std::string(batch.case_id(row)) + "|" +
                     std::string(batch.date(row));
  for (const pact::AttributeView& a : batch.attributes(row)) text += "|" + std::string(a.name) + "=" + std::string(a.value);
  for (double v : batch.responses(row)) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    text += "|" + std::to_string(bits);
  }
  return text;
}

inline std::string describe_error(const pact::RowError& e) {
  return std::to_string(e.line) + "|" + e.column + "|" + std::to_string(e.position) + "|" + e.case_id + "|" +
         std::to_string(static_cast<int>(e.kind)) + "|" + e.reason;
}

/// Reads every batch of `reader` (a CsvAssessmentReader or JsonlAssessmentReader) and checks the
/// promises of docs/formats.md: rows read = accepted + rejected, in every batch and in total; an
/// accepted row has a case id and always scores; a rejected row has a line, a kind and a reason.
template <class Reader>
void read_all(Reader& reader, const pact::Instrument& instrument, std::size_t batch_rows, Reading& reading) {
  pact::AssessmentBatch batch;
  pact::ScoredBatch scored;
  std::uint64_t last_line = 0;
  while (reader.next(batch)) {
    require(batch.rows_read() == batch.size() + batch.errors().size(), "a batch's rows read != accepted + rejected");
    require(batch.rows_read() > 0 && batch.rows_read() <= batch_rows, "a batch holds more rows than asked, or none");
    const pact::BatchSummary summary = scored.score(instrument, batch);
    require(summary.rows == batch.size() && summary.rejected == 0, "a row the reader accepted does not score");
    for (std::size_t i = 0; i < batch.size(); ++i) {
      require(!batch.case_id(i).empty(), "an accepted row without a case id");
      require(batch.line(i) > last_line, "accepted rows out of input order");
      last_line = batch.line(i);
      reading.rows.push_back(describe_row(batch, i));
    }
    for (const pact::RowError& e : batch.errors()) {
      require(e.line >= 1, "a row error without a line");
      require(!e.reason.empty(), "a row error without a reason");
      require(e.kind == pact::ErrorKind::parse || e.kind == pact::ErrorKind::validation ||
                  e.kind == pact::ErrorKind::limit,
              "a row error of a kind other than parse, validation or limit");
      reading.errors.push_back(describe_error(e));
    }
    reading.accepted += batch.size();
    reading.rejected += batch.errors().size();
  }
  const pact::ReadCounts counts = reader.counts();
  reading.read = counts.read;
  require(counts.read == counts.accepted + counts.rejected, "rows read != rows accepted + rows rejected");
  require(counts.accepted == reading.accepted && counts.rejected == reading.rejected,
          "the reader's counts disagree with its batches");
}

}  // namespace pact_fuzz

#endif  // PACT_TESTS_FUZZ_BATCH_READING_HPP
