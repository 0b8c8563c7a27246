// A C++ host of an installed pact: the same assessment as consumer.c, scored with the C++ API
// (instrument and chronicity risk), its composite printed for run_consumer.cmake to compare.
// Usage: consumer_cxx <installed models dir> <assessment.json>
#include <pact/formats/assessment_json.hpp>
#include <pact/instrument.hpp>
#include <pact/risk_model.hpp>
#include <pact/scoring.hpp>
#include <pact/version.hpp>

#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  try {
    const std::string models = argv[1];
    const pact::Instrument instrument = pact::Instrument::load(models + "/pact-instrument.json");
    const pact::RiskModel model = pact::RiskModel::load(models + "/pact-chronicity.json", instrument);
    const pact::Assessment assessment = pact::read_assessment_file(instrument, argv[2]);
    const pact::CaseScores scores = pact::score(instrument, assessment);
    const pact::RiskResult risk = pact::score_risk(model, assessment);
    std::printf("composite=%.17g\n", scores.composite);
    std::printf("consumer (C++): pact %s, P(chronic at %d months) = %.3f, band %s\n", pact::version_string,
                risk.horizon_months, risk.probability, model.bands()[static_cast<std::size_t>(risk.band)].id.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "consumer (C++): %s\n", e.what());
    return 1;
  }
}
