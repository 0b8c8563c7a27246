// Fuzzes the instrument loader (Instrument::parse, Instrument::problems): any text is refused with
// a pact error or gives an instrument that scores, whose canonical JSON loads back to the same
// hash, and that compiles to a bundle that loads back to the same hash.
#include "fuzz_support.hpp"

#include "pact/bundle.hpp"

#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pact_fuzz;
  const std::string_view text = as_text(data, size);
  std::optional<pact::Instrument> instrument;
  try {
    instrument = pact::Instrument::parse(text);
  } catch (const pact::Error& e) {
    check_refusal(e);
  }
  const std::vector<pact::Error> problems = pact::Instrument::problems(text);
  for (const pact::Error& e : problems) check_refusal(e);
  require(problems.empty() == instrument.has_value(), "Instrument::parse and Instrument::problems disagree");
  if (!instrument) return 0;

  const pact::Instrument canonical = pact::Instrument::parse(instrument->canonical_json());
  require(canonical.hash() == instrument->hash(), "the canonical JSON loads to another hash");
  const pact::Instrument bundled = pact::parse_instrument_bundle(pact::bundle_bytes(*instrument));
  require(bundled.hash() == instrument->hash(), "the bundle loads to another hash");
  score_probe_rows(*instrument);
  score_probe_rows(bundled);
  return 0;
}
