// Fuzzes the assessment JSON reader (read_assessment_json) against the default instrument and the
// small test instrument: any text is refused with a pact error or gives an assessment that scores
// and that write_assessment_json writes back to text read back to the same assessment, bit for
// bit.
#include "fuzz_support.hpp"

#include "pact/formats/assessment_json.hpp"

#include <algorithm>

namespace {

void fuzz_against(std::string_view text, const pact::Instrument& instrument) {
  using namespace pact_fuzz;
  pact::Assessment assessment;
  try {
    assessment = pact::read_assessment_json(instrument, text);
  } catch (const pact::Error& e) {
    check_refusal(e);
    return;
  }
  require(assessment.responses.size() == instrument.item_count(), "an assessment without one response per item");
  const pact::CaseScores scores = pact::score(instrument, assessment);
  require(scores.dimensions.size() == instrument.dimension_count(), "scores without one result per dimension");

  const pact::Assessment again = pact::read_assessment_json(instrument, pact::write_assessment_json(instrument, assessment));
  require(again.case_id == assessment.case_id && again.date == assessment.date, "the case id or date changed on a round trip");
  // JSON objects have no order: the reader gives attributes sorted by name, whatever the writer's order.
  auto sorted = [](std::vector<std::pair<std::string, std::string>> a) {
    std::sort(a.begin(), a.end());
    return a;
  };
  require(sorted(again.attributes) == sorted(assessment.attributes), "the attributes changed on a round trip");
  for (std::size_t j = 0; j < assessment.responses.size(); ++j)
    require(same_bits(again.responses[j], assessment.responses[j]), "a response changed on a round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = pact_fuzz::as_text(data, size);
  fuzz_against(text, pact::Instrument::bundled());
  fuzz_against(text, pact_fuzz::small_instrument());
  return 0;
}
