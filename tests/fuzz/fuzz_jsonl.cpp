// Fuzzes the JSON Lines reader (JsonlAssessmentReader) against the small test instrument and the
// default one. Each input is read three times: with a buffer that holds the whole input; with a
// read buffer of 16 to 63 bytes, so that lines fall across buffer boundaries, which must not
// change anything that is read; and with a line limit of 32 to 287 bytes. Every reading keeps
// rows read = accepted + rejected and scores every row it accepts.
#include "batch_reading.hpp"

#include "pact/formats/jsonl.hpp"

#include <sstream>

namespace {

pact_fuzz::Reading read_jsonl(std::string_view text, const pact::Instrument& instrument,
                              const pact::JsonlReadOptions& options) {
  pact_fuzz::Reading reading;
  std::istringstream in{std::string(text)};
  try {
    pact::JsonlAssessmentReader reader(instrument, in, options);
    pact_fuzz::read_all(reader, instrument, options.batch_rows, reading);
  } catch (const pact::Error& e) {
    pact_fuzz::check_refusal(e);
    reading.refused = e.what();
  }
  return reading;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pact_fuzz;
  const std::string_view text = as_text(data, size);
  for (const pact::Instrument* instrument : {&small_instrument(), &pact::Instrument::bundled()}) {
    // Inputs are at most a few kilobytes: the first reading holds the whole input in its buffer.
    pact::JsonlReadOptions options;
    options.buffer_bytes = std::size_t{1} << 16;
    options.batch_rows = 64;
    const Reading plain = read_jsonl(text, *instrument, options);
    options.buffer_bytes = 16 + size % 48;
    options.batch_rows = 1 + size % 5;
    require(read_jsonl(text, *instrument, options) == plain, "the read buffer or batch size changed what was read");
    options.max_line_bytes = 32 + size % 256;
    read_jsonl(text, *instrument, options);
  }
  return 0;
}
