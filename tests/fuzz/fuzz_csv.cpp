// Fuzzes the CSV readers (CsvRecordReader, CsvAssessmentReader) against the small test instrument
// and the default one. Each input is read three times: with a buffer that holds the whole input;
// with a read buffer of 16 to 63 bytes, so that every record, quote and line break also falls
// across buffer boundaries, which must not change anything that is read; and with tight limits,
// so that the field, row and field-count limits are reached. Every reading keeps rows read = accepted +
// rejected and scores every row it accepts.
#include "batch_reading.hpp"

#include "pact/formats/csv.hpp"

#include <sstream>

namespace {

pact_fuzz::Reading read_csv(std::string_view text, const pact::Instrument& instrument, const pact::CsvReadOptions& options) {
  pact_fuzz::Reading reading;
  std::istringstream in{std::string(text)};
  try {
    pact::CsvAssessmentReader reader(instrument, in, options);
    pact_fuzz::read_all(reader, instrument, options.batch_rows, reading);
  } catch (const pact::Error& e) {
    pact_fuzz::check_refusal(e);
    reading.refused = e.what();
  }
  return reading;
}

void read_records(std::string_view text, const pact::CsvOptions& options) {
  std::istringstream in{std::string(text)};
  try {
    pact::CsvRecordReader reader(in, options);
    pact::CsvRecord record;
    std::uint64_t last_line = 0;
    while (reader.next(record)) {
      pact_fuzz::require(record.line > last_line, "records out of input order");
      last_line = record.line;
      pact_fuzz::require(record.fields.size() <= record.field_count, "more fields stored than counted");
      pact_fuzz::require(record.field_count <= options.max_fields || record.problem, "too many fields without a problem");
    }
  } catch (const pact::Error& e) {
    pact_fuzz::check_refusal(e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pact_fuzz;
  const std::string_view text = as_text(data, size);
  for (const pact::Instrument* instrument : {&small_instrument(), &pact::Instrument::bundled()}) {
    // Inputs are at most a few kilobytes: the first reading holds the whole input in its buffer.
    pact::CsvReadOptions options;
    options.csv.buffer_bytes = std::size_t{1} << 16;
    options.batch_rows = 64;
    const Reading plain = read_csv(text, *instrument, options);
    options.csv.buffer_bytes = 16 + size % 48;
    options.batch_rows = 1 + size % 5;
    require(read_csv(text, *instrument, options) == plain, "the read buffer or batch size changed what was read");
    options.csv.max_field_bytes = 8 + size % 32;
    options.csv.max_row_bytes = 64 + size % 128;
    options.csv.max_fields = 4 + size % 16;
    options.extra_columns = size % 2 ? pact::ExtraColumns::ignore : pact::ExtraColumns::reject;
    read_csv(text, *instrument, options);
  }
  pact::CsvOptions tight;
  tight.buffer_bytes = 16;
  tight.max_field_bytes = 8;
  tight.max_row_bytes = 40;
  tight.max_fields = 5;
  tight.delimiter = ';';
  read_records(text, tight);
  return 0;
}
