// Fuzzes the risk-model loader (RiskModel::parse, RiskModel::problems) against the default
// instrument and the small test instrument: any text is refused with a pact error or gives a
// model that scores (single case and batch agreeing bit for bit), whose canonical JSON loads back
// to the same hash, and whose bundle loads back to the same hash.
#include "fuzz_support.hpp"

#include "pact/bundle.hpp"

#include <optional>

namespace {

void fuzz_against(std::string_view text, const pact::Instrument& instrument) {
  using namespace pact_fuzz;
  std::optional<pact::RiskModel> model;
  try {
    model = pact::RiskModel::parse(text, instrument);
  } catch (const pact::Error& e) {
    check_refusal(e);
  }
  const std::vector<pact::Error> problems = pact::RiskModel::problems(text, instrument);
  for (const pact::Error& e : problems) check_refusal(e);
  require(problems.empty() == model.has_value(), "RiskModel::parse and RiskModel::problems disagree");
  if (!model) return;

  const pact::RiskModel canonical = pact::RiskModel::parse(model->canonical_json(), instrument);
  require(canonical.hash() == model->hash(), "the canonical JSON loads to another hash");
  const pact::RiskModel bundled = pact::parse_bundle(pact::bundle_bytes(*model));
  require(bundled.hash() == model->hash(), "the bundle loads to another hash");
  risk_probe_rows(*model);
  risk_probe_rows(bundled);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = pact_fuzz::as_text(data, size);
  fuzz_against(text, pact::Instrument::bundled());
  fuzz_against(text, pact_fuzz::small_instrument());
  return 0;
}
