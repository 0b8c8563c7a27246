// The chronicity-risk model: loading and validation (every rule fails at its JSON Pointer with a
// reason), scoring of the two fixture models with every expected value computed by hand in the
// comments, batch scoring against single-case scoring to the bit, and the default model.
#include "pact/risk_model.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <set>
#include <string>

using nlohmann::json;

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();
const double LN2 = std::log(2.0);

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}

json model_json(const std::string& name) {
  return json::parse(pact_test::read_text(pact_test::data_path("models/" + name + ".json")));
}

const pact::RiskModel& logistic() {
  static const auto model = pact::RiskModel::load(pact_test::data_path("models/logistic.json"), small());
  return model;
}

const pact::RiskModel& hazard() {
  static const auto model = pact::RiskModel::load(pact_test::data_path("models/hazard.json"), small());
  return model;
}

// p = 1 / (1 + 2^-n) for a linear predictor of n ln 2.
double p_of_log2_odds(double n) { return 1.0 / (1.0 + std::pow(2.0, -n)); }

// The small instrument (tests/data/instruments/small.json), as scoring_test.cpp describes it:
// items a1 (ordinal 1..4 -> 0, .25, .75, 1; weight 2, required), a2 (yes/no), a3 (months 0..600,
// linear 0->0, 12->.5, 24->1), b1 (count 0..20, step 0->0, 1->.5, 3->1), b2 (amount, linear
// 0->1, 100->0; weight 3), c1 (ordinal 0, 5, 10 -> 0, .5, 1). Dimensions a {a1, a2, a3}, b {b1,
// b2}, c {c1} weigh .5, .25, .25; the composite needs .6 of that weight scored.

TEST(RiskModel, LoadsTheLogisticFixture) {
  const auto& m = logistic();
  EXPECT_EQ(m.id(), "test-logistic");
  EXPECT_EQ(m.version(), "0.3.0");
  EXPECT_EQ(m.form(), pact::RiskForm::logistic);
  EXPECT_EQ(m.horizon_months(), 12);
  EXPECT_DOUBLE_EQ(m.intercept().coefficient, -3 * LN2);
  EXPECT_DOUBLE_EQ(m.intercept().se, 0.5);
  EXPECT_FALSE(m.duration_item().has_value());
  EXPECT_TRUE(m.baseline().empty());
  EXPECT_EQ(m.instrument().id(), "test-small");
  EXPECT_EQ(m.instrument().hash(), small().hash());
  EXPECT_EQ(m.instrument_min_version(), "1.0.0");
  EXPECT_EQ(m.instrument_max_version(), "2.0.0");
  EXPECT_EQ(m.languages(), (std::vector<std::string>{"en", "es"}));
  EXPECT_EQ(m.name().in("es"), "Modelo logístico de prueba");
  EXPECT_EQ(m.outcome_definition().in("en"), "Still in care 12 months later");

  ASSERT_EQ(m.features().size(), 7u);
  const std::vector<pact::FeatureKind> kinds = {
      pact::FeatureKind::dimension_score, pact::FeatureKind::item_severity, pact::FeatureKind::log_item_value,
      pact::FeatureKind::hinge_item_value, pact::FeatureKind::composite,   pact::FeatureKind::indicator,
      pact::FeatureKind::interaction};
  for (std::size_t k = 0; k < kinds.size(); ++k) EXPECT_EQ(m.features()[k].kind, kinds[k]) << k;
  // Labels: borrowed from the instrument when the model gives none, in the model's languages.
  EXPECT_EQ(m.features()[0].label.in("en"), "Dimension A");
  EXPECT_EQ(m.features()[0].label.in("es"), "Dimensión A");
  EXPECT_TRUE(m.features()[0].label_from_instrument);
  EXPECT_EQ(m.features()[1].label.in("es"), "Ítem c1");
  EXPECT_EQ(m.features()[4].label.in("es"), "Índice compuesto");
  EXPECT_FALSE(m.features()[4].label_from_instrument);
  EXPECT_EQ(m.features()[0].source, 0u);  // dimension a
  EXPECT_EQ(m.features()[1].source, 5u);  // item c1
  EXPECT_DOUBLE_EQ(m.features()[3].knot, 2.0);
  EXPECT_EQ(m.features()[5].of[0], 0u);
  EXPECT_DOUBLE_EQ(m.features()[5].at_least, 0.75);
  EXPECT_EQ(m.features()[6].of, (std::array<std::size_t, 2>{0, 1}));
  EXPECT_EQ(m.find_feature("a_x_c1"), 6u);
  EXPECT_FALSE(m.find_feature("zz").has_value());

  // Listed as c1, a1, a2, b1; kept in instrument order.
  EXPECT_EQ(m.actionable_items(), (std::vector<std::size_t>{0, 1, 3, 5}));
  EXPECT_TRUE(m.is_actionable(5));
  EXPECT_FALSE(m.is_actionable(2));

  ASSERT_EQ(m.bands().size(), 4u);
  EXPECT_EQ(m.bands()[3].id, "very_high");
  EXPECT_DOUBLE_EQ(m.bands()[2].min_probability, 0.55);
  EXPECT_EQ(m.bands()[1].label.in("es"), "Medio");

  const auto& p = m.provenance();
  EXPECT_EQ(p.status, pact::ProvenanceStatus::calibrated);
  EXPECT_EQ(p.fitted_at, "2024-02-29");
  EXPECT_EQ(p.n_cases, 100);
  EXPECT_FALSE(p.n_rows.has_value());
  EXPECT_DOUBLE_EQ(*p.metrics.auc, 0.75);
  EXPECT_DOUBLE_EQ(*p.metrics.calibration_slope, 1.1);
  EXPECT_DOUBLE_EQ(*p.metrics.ece, 0.03);
}

TEST(RiskModel, LoadsTheHazardFixture) {
  const auto& m = hazard();
  EXPECT_EQ(m.form(), pact::RiskForm::discrete_hazard);
  EXPECT_EQ(m.duration_item(), 2u);  // a3
  ASSERT_EQ(m.baseline().size(), 3u);
  EXPECT_EQ(m.baseline()[1].from_month, 4);
  EXPECT_DOUBLE_EQ(m.baseline()[2].se, 0.3);
  EXPECT_DOUBLE_EQ(m.intercept().coefficient, 0.0);
  EXPECT_EQ(m.provenance().status, pact::ProvenanceStatus::illustrative);
  EXPECT_EQ(m.provenance().n_rows, 0);
  EXPECT_EQ(m.description().in("en"), "Round numbers for hand computation");
  const auto stamp = m.stamp();
  EXPECT_EQ(stamp.model_id, "test-hazard");
  EXPECT_EQ(stamp.model_hash, m.hash());
  EXPECT_EQ(stamp.instrument_id, "test-small");
  EXPECT_EQ(stamp.instrument_version, "1.2.3");
  EXPECT_EQ(stamp.instrument_hash, small().hash());
}

TEST(RiskModel, CopiesShareTheirData) {
  const pact::RiskModel copy = logistic();
  EXPECT_EQ(&copy.data(), &logistic().data());
}

TEST(RiskModel, HashIsSha256OfTheCanonicalJson) {
  const auto& m = logistic();
  EXPECT_EQ(m.hash().rfind("sha256:", 0), 0u);
  EXPECT_EQ(m.hash().size(), 7u + 64u);
  json doc = model_json("logistic");
  EXPECT_EQ(pact::RiskModel::parse(doc.dump(2), small()).hash(), m.hash()) << "reformatting keeps the hash";
  const auto again = pact::RiskModel::parse(m.canonical_json(), small());
  EXPECT_EQ(again.canonical_json(), m.canonical_json());
  doc["features"][0]["coefficient"] = 1.5;
  EXPECT_NE(pact::RiskModel::parse(doc.dump(), small()).hash(), m.hash());
  // An implementation pact does not use: coreutils' sha256sum over the canonical text.
  const std::string tmp = ::testing::TempDir() + "/risk_canonical.json";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << m.canonical_json();
  }
  ASSERT_EQ(std::system(("sha256sum " + tmp + " > " + tmp + ".sum").c_str()), 0);
  EXPECT_EQ(m.hash(), "sha256:" + pact_test::read_text(tmp + ".sum").substr(0, 64));
}

// ---------------------------------------------------------------------------------------------
// The logistic fixture (tests/data/models/logistic.json), in units of ln 2 where that is round:
//   b0 = -3;  dim_a: 2 x (A),        ref .25     sev_c1: 2 x (sev c1),   ref 0
//   log_a3: 1 nat x ln(1 + a3),      ref ln 2     hinge_b1: -1 x max(0, b1 - 2), ref 0
//   composite: 2 x (composite),      ref .25     high_a: 1 x [A >= .75], ref 0
//   a_x_c1: 4 x (A sev_c1),          ref 0
// Bands: low < .3 <= medium < .55 <= high < .85 <= very_high. Actionable: a1, a2, b1, c1.
// With a linear predictor of n ln 2, p = 1 / (1 + 2^-n).
// ---------------------------------------------------------------------------------------------

TEST(RiskScoring, LogisticCaseByHand) {
  // a1 = 4 (1), a2 = 0 (0), a3 = 0 (0), b1 = 2 (step: .5), b2 = 50 (.5), c1 = 5 (.5).
  // A = (2*1 + 0 + 0) / 4 = .5; B = (.5 + 3*.5) / 4 = .5; C = .5; composite .5.
  // x: dim_a .5, sev_c1 .5, log_a3 ln 1 = 0, hinge_b1 0, composite .5, high_a 0, a_x_c1 .25.
  // eta = -3 + 2*.5 + 2*.5 + 0 - 0 + 2*.5 + 0 + 4*.25 = 1 (ln 2): p = 2/3, band high.
  const std::vector<double> r = {4, 0, 0, 2, 50, 5};
  const auto result = pact::score_risk(logistic(), r);
  EXPECT_NEAR(result.linear_predictor, LN2, 1e-12);
  EXPECT_NEAR(result.probability, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(result.band, 2);
  EXPECT_EQ(result.horizon_months, 12);
  EXPECT_EQ(result.months_in_care, -1);
  EXPECT_TRUE(result.survival.empty());
  EXPECT_TRUE(result.horizons.empty());
  EXPECT_EQ(result.stamp.model_id, "test-logistic");
  EXPECT_EQ(result.stamp.status, pact::ProvenanceStatus::calibrated);

  // Contributions b (x - ref), in ln 2 units unless said: dim_a 2(.5 - .25) = .5; sev_c1 2(.5) = 1;
  // log_a3 1 nat x (0 - ln 2) = -ln 2; hinge 0; composite 2(.5 - .25) = .5; high_a 0; a_x_c1 4(.25) = 1.
  const double expected[] = {0.5, 1, -1, 0, 0.5, 0, 1};
  ASSERT_EQ(result.contributions.size(), 7u);
  for (std::size_t k = 0; k < 7; ++k) {
    EXPECT_NEAR(result.contributions[k].contribution, expected[k] * LN2, 1e-12) << k;
    EXPECT_NEAR(result.contributions[k].risk_effect, expected[k] * LN2, 1e-12) << "logistic: same sign";
    EXPECT_FALSE(result.contributions[k].imputed);
  }
  EXPECT_DOUBLE_EQ(result.contributions[6].value, 0.25);
  EXPECT_DOUBLE_EQ(result.contributions[6].reference, 0.0);
  EXPECT_DOUBLE_EQ(result.contributions[2].reference, LN2);
  // Top factors: sev_c1 and a_x_c1 (1 each; model order), then dim_a and composite tie at .5 and
  // only dim_a fits in the three.
  EXPECT_EQ(result.top_factors, (std::vector<std::size_t>{1, 6, 0}));

  // Counterfactual, rescoring with each lower-severity response of a1, a2, b1, c1:
  //  a1 = 3 (drop .25): A = 1.5/4 = .375, composite .5*.375 + .125 + .125 = .4375;
  //    eta = -3 + .75 + 1 + .875 + 4*.1875 = .375 -> p = .565: still high.
  //  a1 = 2 (drop .75): A = .125, composite .3125; eta = -3 + .25 + 1 + .625 + .25 = -.875: medium.
  //  a1 = 1 (drop 1): A = 0, composite .25; eta = -3 + 1 + .5 = -1.5: low.
  //  a2 = 1 has severity 1, not lower: not tried.
  //  b1 = 0 (drop .5; b1 = 1 keeps .5): B = 1.5/4 = .375, composite .46875;
  //    eta = -3 + 1 + 1 + .9375 + 1 = .9375: high.
  //  c1 = 0 (drop .5): C = 0, composite .375; eta = -3 + 1 + 0 + .75 + 0 = -1.25 -> p = .293: low.
  // The smallest drop that lowers the band is c1 5 -> 0.
  ASSERT_TRUE(result.counterfactual.has_value());
  const auto& cf = *result.counterfactual;
  EXPECT_EQ(cf.item, 5u);
  EXPECT_EQ(cf.from_value, 5);
  EXPECT_EQ(cf.to_value, 0);
  EXPECT_DOUBLE_EQ(cf.from_severity, 0.5);
  EXPECT_DOUBLE_EQ(cf.to_severity, 0.0);
  EXPECT_NEAR(cf.probability, p_of_log2_odds(-1.25), 1e-12);
  EXPECT_EQ(cf.band, 0);

  // The same case scored from its CaseScores gives the same bits.
  const auto scores = pact::score(small(), r);
  const auto again = pact::score_risk(logistic(), r, scores);
  EXPECT_EQ(again.probability, result.probability);
  EXPECT_EQ(again.linear_predictor, result.linear_predictor);
}

TEST(RiskScoring, LogisticImputesMissingInputsAtTheirReference) {
  // a1 = 3 (.75), a2 = 1 (1), a3 missing, b1 = 4, b2 missing, c1 missing.
  // A = (1.5 + 1) / 3 = 5/6 (coverage 3/4); B: coverage 1/4 < .5, not scored; C not scored;
  // composite coverage .5 < .6: not scored.
  // x: dim_a 5/6; sev_c1 imputed 0; log_a3 imputed ln 2; hinge_b1 max(0, 4 - 2) = 2; composite
  // imputed .25; high_a 1 (5/6 >= .75); a_x_c1 imputed (its input sev_c1 was) at 0.
  // eta (ln 2 units) = -3 + 2(5/6) + 0 + 1 (ln 2 nats = 1 unit) - 2 + 2(.25) + 1 + 0 = -5/6.
  const std::vector<double> r = {3, 1, NA, 4, NA, NA};
  const auto result = pact::score_risk(logistic(), r);
  EXPECT_NEAR(result.linear_predictor, -5.0 / 6.0 * LN2, 1e-12);
  EXPECT_NEAR(result.probability, p_of_log2_odds(-5.0 / 6.0), 1e-12);  // .36: medium
  EXPECT_EQ(result.band, 1);
  EXPECT_EQ(result.imputed_count, 4u);
  const bool imputed[] = {false, true, true, false, true, false, true};
  for (std::size_t k = 0; k < 7; ++k) {
    EXPECT_EQ(result.contributions[k].imputed, imputed[k]) << k;
    if (imputed[k]) {
      EXPECT_EQ(result.contributions[k].value, result.contributions[k].reference) << k;
      EXPECT_EQ(result.contributions[k].contribution, 0.0) << k;
    }
  }
  // Raising the risk: dim_a 2(5/6 - .25) = 7/6, high_a 1; hinge_b1 -2 lowers it.
  EXPECT_EQ(result.top_factors, (std::vector<std::size_t>{0, 5}));
  EXPECT_NEAR(result.contributions[3].risk_effect, -2 * LN2, 1e-12);
  // Counterfactual (medium -> low needs p < .3, eta < -1.22 ln 2):
  //  a1 = 2 (drop .5): A = (.5 + 1)/3 = .5; high_a 0; eta = -3 + 1 + 1 - 2 + .5 = -2.5: low.
  //  a2 = 0 (drop 1): A = 1.5/3 = .5; eta = -2.5: low, but a larger drop.
  //  b1 = 3 (drop 0: same severity 1) is not lower; b1 = 1 (drop .5): hinge 0, B still not
  //    scored; eta = -3 + 5/3 + 1 + .5 + 1 = 7/6: higher, not lower.
  //  b1 = 0 (drop 1): the same eta 7/6. c1 is not answered: never changed.
  ASSERT_TRUE(result.counterfactual.has_value());
  EXPECT_EQ(result.counterfactual->item, 0u);
  EXPECT_EQ(result.counterfactual->to_value, 2);
  EXPECT_NEAR(result.counterfactual->probability, p_of_log2_odds(-2.5), 1e-12);
  EXPECT_EQ(result.counterfactual->band, 0);
}

TEST(RiskScoring, NoCounterfactualInTheLowestBandOrWhenNoSingleChangeSuffices) {
  // a1 = 1, a2 = 0, a3 = 1, b1 = 0, b2 = 100, c1 = 0: A = (0 + 0 + 1/24)/4 = 1/96, B = 0, C = 0;
  // composite .5/96 = 1/192. eta = -3 + 2/96 + 0 + 1 nat ln 2 (= 1 unit, at reference) + 2/192
  // = -2 + 1/32 -> p = .2 < .3: low, nothing to lower.
  const auto low = pact::score_risk(logistic(), std::vector<double>{1, 0, 1, 0, 100, 0});
  EXPECT_NEAR(low.probability, p_of_log2_odds(-2.0 + 1.0 / 32.0), 1e-12);
  EXPECT_EQ(low.band, 0);
  EXPECT_FALSE(low.counterfactual.has_value());
  // a1 = 4, a2 = 1, a3 = 24 (1), b1 = 4, b2 = 0 (1), c1 = 10: every severity is 1, so every
  // score is 1. eta = -3 + 2 + 2 + log2(25) - 2 + 2 + 1 + 4 = 6 + log2(25) -> p = .9994:
  // very_high. Dropping one item lowers eta by at most: c1 (to 0) -> sev_c1 and a_x_c1 vanish and
  // the composite falls to .75: eta = 6 + log2 25 - 2 - 4 - .5 = log2(25) - .5 = 4.14 -> p = .946;
  // still very high. a1 -> 1 gives 6.14, a2 -> 0 8.89, and b1 -> 0 raises eta (the hinge term
  // goes): no single change reaches high.
  const auto high = pact::score_risk(logistic(), std::vector<double>{4, 1, 24, 4, 0, 10});
  EXPECT_NEAR(high.linear_predictor, (6.0 + std::log2(25.0)) * LN2, 1e-12);
  EXPECT_EQ(high.band, 3);
  EXPECT_FALSE(high.counterfactual.has_value());
  // Asking for no counterfactual skips the search.
  pact::RiskOptions options;
  options.counterfactual = false;
  EXPECT_FALSE(pact::score_risk(logistic(), std::vector<double>{4, 0, 0, 2, 50, 5}, options).counterfactual);
}

// A logistic model on items a2 (yes/no) and c1 only, to see how counterfactual ties break.
pact::RiskModel tie_model(double coefficient_a2, double coefficient_c1) {
  json doc = model_json("logistic");
  doc["intercept"]["coefficient"] = 0.0;
  doc["features"] = json::array({
      {{"id", "sev_a2"}, {"kind", "item_severity"}, {"item", "a2"}, {"coefficient", coefficient_a2}, {"se", 0}, {"reference", 0}},
      {{"id", "sev_c1"}, {"kind", "item_severity"}, {"item", "c1"}, {"coefficient", coefficient_c1}, {"se", 0}, {"reference", 0}},
  });
  return pact::RiskModel::parse(doc.dump(), small());
}

TEST(RiskScoring, CounterfactualTiesGoToTheLargerFallThenToInstrumentOrder) {
  // a2 = 1 (severity 1) and c1 = 10 (severity 1): the candidate changes are a2 -> 0 (drop 1),
  // c1 -> 5 (drop .5) and c1 -> 0 (drop 1).
  const std::vector<double> r = {1, 1, NA, NA, NA, 10};
  {
    // Coefficients 1 and 1: eta = 2, p = .881 (very high). c1 -> 5: eta 1.5, p = .818 (high):
    // the smallest drop that lowers the band wins, though a2 -> 0 would fall further.
    const auto result = pact::score_risk(tie_model(1.0, 1.0), r);
    EXPECT_EQ(result.band, 3);
    ASSERT_TRUE(result.counterfactual);
    EXPECT_EQ(result.counterfactual->item, 5u);
    EXPECT_EQ(result.counterfactual->to_value, 5);
    EXPECT_NEAR(result.counterfactual->probability, 1.0 / (1.0 + std::exp(-1.5)), 1e-12);
  }
  {
    // Coefficients 2 and 1.5: eta 3.5 (p .971, very high). c1 -> 5: eta 2.75, p .940: still very
    // high. a2 -> 0: eta 1.5, p .818 (high); c1 -> 0: eta 2, p .881 (very high): a2 wins.
    const auto result = pact::score_risk(tie_model(2.0, 1.5), r);
    ASSERT_TRUE(result.counterfactual);
    EXPECT_EQ(result.counterfactual->item, 1u);
    EXPECT_NEAR(result.counterfactual->probability, 1.0 / (1.0 + std::exp(-1.5)), 1e-12);
  }
  {
    // Coefficients 1.2 and 1.6: eta 2.8 (p .943). c1 -> 5: eta 2, p .881: very high.
    // a2 -> 0: eta 1.6, p .832; c1 -> 0: eta 1.2, p .769. Both drop 1 and reach high: the larger
    // fall in probability (c1) wins, though a2 comes first in the instrument.
    const auto result = pact::score_risk(tie_model(1.2, 1.6), r);
    ASSERT_TRUE(result.counterfactual);
    EXPECT_EQ(result.counterfactual->item, 5u);
    EXPECT_EQ(result.counterfactual->to_value, 0);
    EXPECT_NEAR(result.counterfactual->probability, 1.0 / (1.0 + std::exp(-1.2)), 1e-12);
  }
  {
    // Coefficients 1.5 and 1.5: eta 3 (p .953). c1 -> 5: eta 2.25, p .905: very high. a2 -> 0
    // and c1 -> 0 both give eta 1.5, p .818 (high), drop 1: a full tie goes to instrument order.
    const auto result = pact::score_risk(tie_model(1.5, 1.5), r);
    ASSERT_TRUE(result.counterfactual);
    EXPECT_EQ(result.counterfactual->item, 1u);
    EXPECT_EQ(result.counterfactual->from_value, 1);
    EXPECT_EQ(result.counterfactual->to_value, 0);
  }
}

// ---------------------------------------------------------------------------------------------
// The hazard fixture (tests/data/models/hazard.json): duration item a3; baseline a = ln 2 for
// months 1-3, ln(2/3) for 4-6, -ln 2 from 7; features sev_a1 (-4 ln 2, ref .25), count_b1 (the
// value of b1; ln 2, ref 1), sev_c1 (-ln 2, ref 0). Horizon 6 months. Bands: low < .1 <= medium
// < .3 <= high < .6 <= very_high. Actionable: a1, b1.
// ---------------------------------------------------------------------------------------------

TEST(RiskScoring, HazardCaseByHand) {
  // a1 = 2 (.25), a3 = 2 months in care, b1 = 0, c1 missing.
  // eta = -4 ln 2 (.25) + ln 2 (0) + (sev_c1 imputed at 0) = -ln 2.
  // Months 3 .. 8 after first contact: a + eta = 0 (month 3), -ln 3 (months 4-6), -ln 4 (7-8);
  // h = 1/2, 1/4, 1/5; S(1..6) = 1/2, 3/8, 9/32, 27/128, 27/160, 27/200.
  pact::RiskOptions options;
  options.horizons = {3, 10};
  const std::vector<double> r = {2, NA, 2, 0, NA, NA};
  const auto result = pact::score_risk(hazard(), r, options);
  EXPECT_NEAR(result.linear_predictor, -LN2, 1e-12);
  EXPECT_EQ(result.months_in_care, 2);
  EXPECT_NEAR(result.probability, 27.0 / 200.0, 1e-12);
  EXPECT_EQ(result.band, 1);
  // The curve runs to the longest horizon asked for, 10: months 9-12 keep h = 1/5, so
  // S(10) = 27/128 (4/5)^6 = 0.055296.
  const double expected[] = {1.0 / 2, 3.0 / 8, 9.0 / 32, 27.0 / 128, 27.0 / 160, 27.0 / 200,
                             27.0 / 250, 27.0 / 312.5, 0.0691200, 0.055296};
  ASSERT_EQ(result.survival.size(), 10u);
  for (std::size_t m = 0; m < 10; ++m) EXPECT_NEAR(result.survival[m], expected[m], 1e-12) << m + 1;
  EXPECT_EQ(result.survival[5], result.probability) << "the curve at the horizon is the probability, to the bit";
  ASSERT_EQ(result.horizons.size(), 2u);
  EXPECT_EQ(result.horizons[0].months, 3);
  EXPECT_NEAR(result.horizons[0].probability, 9.0 / 32.0, 1e-12);
  EXPECT_EQ(result.horizons[1].months, 10);
  EXPECT_NEAR(result.horizons[1].probability, 0.055296, 1e-12);

  // Contributions on the exit hazard: sev_a1 0 (at reference), count_b1 ln 2 (0 - 1) = -ln 2,
  // which lowers the exit hazard and so raises the chronicity risk by ln 2; sev_c1 imputed.
  EXPECT_NEAR(result.contributions[0].contribution, 0.0, 1e-15);
  EXPECT_NEAR(result.contributions[1].contribution, -LN2, 1e-12);
  EXPECT_NEAR(result.contributions[1].risk_effect, LN2, 1e-12);
  EXPECT_TRUE(result.contributions[2].imputed);
  EXPECT_EQ(result.imputed_count, 1u);
  EXPECT_EQ(result.top_factors, (std::vector<std::size_t>{1}));
  EXPECT_EQ(hazard().features()[1].label.in("es"), "Ítem b1");

  // Counterfactual: a1 -> 1 (drop .25): eta = 0; a + eta = ln 2, ln(2/3), -ln 2; 1 - h = 1/3,
  // 3/5, 2/3; S(6) = (1/3)(3/5)^3(2/3)^2 = 0.032: low. b1 = 0 is already its lowest severity.
  ASSERT_TRUE(result.counterfactual);
  EXPECT_EQ(result.counterfactual->item, 0u);
  EXPECT_EQ(result.counterfactual->from_value, 2);
  EXPECT_EQ(result.counterfactual->to_value, 1);
  EXPECT_NEAR(result.counterfactual->probability, 0.032, 1e-12);
  EXPECT_EQ(result.counterfactual->band, 0);
}

TEST(RiskScoring, HazardDependsOnTheDurationAtAssessment) {
  // The same case assessed at other durations (eta = -ln 2 throughout):
  //  t0 = 0: months 1-3 at h = 1/2, 4-6 at 1/4: S(6) = (1/8)(27/64) = 27/512.
  //  t0 = 30: months 31-36 all at h = 1/5: S(6) = (4/5)^6 = .262144.
  //  t0 = 2.5 completes 2 months: as t0 = 2, 27/200.
  EXPECT_NEAR(pact::score_risk(hazard(), std::vector<double>{2, NA, 0, 0, NA, NA}).probability, 27.0 / 512.0, 1e-12);
  EXPECT_NEAR(pact::score_risk(hazard(), std::vector<double>{2, NA, 30, 0, NA, NA}).probability, 0.262144, 1e-12);
  const auto fractional = pact::score_risk(hazard(), std::vector<double>{2, NA, 2.5, 0, NA, NA});
  EXPECT_EQ(fractional.months_in_care, 2);
  EXPECT_NEAR(fractional.probability, 27.0 / 200.0, 1e-12);
}

TEST(RiskScoring, HazardSurvivalAgreesWithTheMonthByMonthProduct) {
  // The kernel takes (1 - h)^k per band; the definition multiplies month by month.
  const auto& data = hazard().data();
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> eta_dist(-4.0, 3.0);
  for (int trial = 0; trial < 200; ++trial) {
    const double eta = eta_dist(rng);
    const int t0 = trial % 15;
    const int horizon = 1 + trial % 40;
    std::vector<double> curve(static_cast<std::size_t>(horizon));
    const double p = pact::detail::hazard_survival(data, eta, t0, horizon, curve.data());
    double s = 1.0;
    for (int t = t0 + 1; t <= t0 + horizon; ++t) {
      const double a = t >= 7 ? -LN2 : t >= 4 ? std::log(2.0 / 3.0) : LN2;
      s *= 1.0 - 1.0 / (1.0 + std::exp(-(a + eta)));
      EXPECT_NEAR(curve[static_cast<std::size_t>(t - t0 - 1)], s, 1e-13 * (1 + t)) << trial << " " << t;
    }
    EXPECT_NEAR(p, s, 1e-13 * (1 + t0 + horizon));
    EXPECT_EQ(p, curve.back());
  }
}

TEST(RiskScoring, HazardRejectsACaseWithoutTheMonthsInCare) {
  try {
    pact::score_risk(hazard(), std::vector<double>{2, NA, NA, 0, NA, NA});
    FAIL();
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/responses/a3");
    EXPECT_NE(e.reason().find("months in care"), std::string::npos);
  }
}

TEST(RiskScoring, MonthsInCareBeyondAnyBandAreCapped) {
  // With no maximum on a3, any number of months is a valid answer. Past the last band (month 7)
  // every month has h = 1/5 (HazardCaseByHand), so S(6) = (4/5)^6 however long the case has
  // been in care.
  json instrument = json::parse(pact_test::read_text(pact_test::data_path("instruments/small.json")));
  instrument["items"][2]["response"].erase("max");
  const auto unbounded = pact::Instrument::parse(instrument.dump());
  const auto model = pact::RiskModel::parse(model_json("hazard").dump(), unbounded);
  const std::vector<double> r = {2, NA, 1e300, 0, NA, NA};
  const auto result = pact::score_risk(model, r);
  EXPECT_EQ(result.months_in_care, 1000000000);
  EXPECT_NEAR(result.probability, 0.262144, 1e-12);
  double p = 0;
  pact::RiskBatchOutputs out;
  out.probability = &p;
  EXPECT_EQ(pact::score_risk_batch(model, pact::view_rows(r.data(), 1, 6, 6), out).scored, 1u);
  EXPECT_EQ(p, result.probability);
}

TEST(RiskScoring, AnOverflowingLinearPredictorIsAnErrorNotALowRisk) {
  // b2 (an amount with no maximum) enters twice with opposite signs: at b2 = 1e308 the terms are
  // +inf and -inf and their sum is NaN, which must not read as the lowest band.
  json doc = model_json("logistic");
  doc["features"] = json::array({
      {{"id", "up"}, {"kind", "item_value"}, {"item", "b2"}, {"coefficient", 10}, {"se", 0}, {"reference", 0}},
      {{"id", "down"}, {"kind", "item_value"}, {"item", "b2"}, {"coefficient", -10}, {"se", 0}, {"reference", 0}},
  });
  const auto model = pact::RiskModel::parse(doc.dump(), small());
  const std::vector<double> r = {1, NA, NA, NA, 1e308, NA};
  EXPECT_THROW(pact::score_risk(model, r), pact::ValidationError);
  double p = 0;
  std::int32_t band = 0, status = 0;
  pact::RiskBatchOutputs out;
  out.probability = &p;
  out.band = &band;
  out.risk_status = &status;
  EXPECT_EQ(pact::score_risk_batch(model, pact::view_rows(r.data(), 1, 6, 6), out).rejected, 1u);
  EXPECT_TRUE(std::isnan(p));
  EXPECT_EQ(band, -1);
  EXPECT_EQ(status, static_cast<int>(pact::RiskStatus::not_finite));
}

TEST(RiskScoring, BadArgumentsAreInvalidArguments) {
  const std::vector<double> r = {4, 0, 0, 2, 50, 5};
  pact::RiskOptions horizons;
  horizons.horizons = {6};
  EXPECT_THROW(pact::score_risk(logistic(), r, horizons), pact::InvalidArgument) << "logistic answers at 12 only";
  const std::vector<double> h = {2, NA, 2, 0, NA, NA};
  horizons.horizons = {0};
  EXPECT_THROW(pact::score_risk(hazard(), h, horizons), pact::InvalidArgument);
  horizons.horizons = {pact::max_horizon_months + 1};
  EXPECT_THROW(pact::score_risk(hazard(), h, horizons), pact::InvalidArgument);
  EXPECT_THROW(pact::score_risk(logistic(), std::vector<double>{1, 2}), pact::InvalidArgument);
  const auto other = pact::score(pact::Instrument::bundled(), std::vector<double>(pact::Instrument::bundled().item_count(), 1));
  EXPECT_THROW(pact::score_risk(logistic(), r, other), pact::InvalidArgument) << "scores of another instrument";
  // An invalid response is the instrument's ValidationError.
  EXPECT_THROW(pact::score_risk(logistic(), std::vector<double>{7, 0, 0, 2, 50, 5}), pact::ValidationError);
}

// ---------------------------------------------------------------------------------------------
// Batch scoring
// ---------------------------------------------------------------------------------------------

std::vector<double> random_responses(const pact::Instrument& instrument, std::mt19937_64& rng, double missing_rate) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> r(instrument.item_count(), NA);
  for (std::size_t j = 0; j < r.size(); ++j) {
    const auto& item = instrument.items()[j];
    if (!item.required && u(rng) < missing_rate) continue;
    switch (item.type) {
      case pact::ResponseType::ordinal:
        r[j] = item.options[static_cast<std::size_t>(u(rng) * static_cast<double>(item.options.size()))].value;
        break;
      case pact::ResponseType::yes_no: r[j] = u(rng) < 0.5 ? 0 : 1; break;
      case pact::ResponseType::count: {
        const double hi = std::isfinite(item.max_value) ? std::min(item.max_value, item.min_value + 60) : item.min_value + 60;
        r[j] = std::floor(item.min_value + u(rng) * (hi - item.min_value));
        break;
      }
      default: {
        const double hi = std::isfinite(item.max_value) ? std::min(item.max_value, item.min_value + 200) : item.min_value + 200;
        r[j] = item.min_value + u(rng) * (hi - item.min_value);
      }
    }
  }
  return r;
}

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// score_risk's options for a survival curve of `months` months, without the counterfactual.
pact::RiskOptions curve_options(std::size_t months) {
  pact::RiskOptions options;
  options.counterfactual = false;
  options.horizons = {static_cast<int>(months)};
  return options;
}

void expect_batch_equals_single(const pact::RiskModel& model, std::size_t n, unsigned seed) {
  const auto& instrument = model.instrument();
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
  const std::size_t stride = items + 2;
  std::vector<double> data(n * stride, -5.0);
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < n; ++i) {
    auto r = random_responses(instrument, rng, i % 4 == 0 ? 0.6 : 0.1);
    if (i % 101 == 7) r[i % items] = 1e9;  // rejected by the instrument
    std::copy(r.begin(), r.end(), data.begin() + static_cast<std::ptrdiff_t>(i * stride));
  }
  const auto view = pact::view_rows(data.data(), static_cast<std::ptrdiff_t>(n), static_cast<std::ptrdiff_t>(items),
                                    static_cast<std::ptrdiff_t>(stride));
  // The instrument outputs as score_batch writes them.
  std::vector<double> ref_scores(n * dims), ref_composite(n);
  std::vector<std::int32_t> ref_level(n), ref_status(n);
  pact::BatchOutputs ref;
  ref.dimension_scores = ref_scores.data();
  ref.composite = ref_composite.data();
  ref.level = ref_level.data();
  ref.status = ref_status.data();
  pact::score_batch(instrument, view, ref);

  pact::RiskOptions no_counterfactual;
  no_counterfactual.counterfactual = false;
  for (unsigned threads : {1u, 2u, 8u}) {
    const std::size_t features = model.features().size();
    const bool hazard_form = model.form() == pact::RiskForm::discrete_hazard;
    const std::size_t curve = hazard_form ? 30 : 0;  // past the horizon, as score_risk's curve goes
    std::vector<double> scores(n * dims), composite(n), eta(n), probability(n), values(n * features), survival(n * curve);
    std::vector<std::int32_t> level(n), status(n), band(n), risk_status(n), imputed(n), top(n * pact::max_top_factors);
    pact::RiskBatchOutputs out;
    out.top_factors = top.data();
    out.feature_values = values.data();
    if (hazard_form) {
      out.survival = survival.data();
      out.survival_months = static_cast<int>(curve);
    }
    out.instrument.dimension_scores = scores.data();
    out.instrument.composite = composite.data();
    out.instrument.level = level.data();
    out.instrument.status = status.data();
    out.linear_predictor = eta.data();
    out.probability = probability.data();
    out.band = band.data();
    out.risk_status = risk_status.data();
    out.imputed_features = imputed.data();
    const auto summary = pact::score_risk_batch(model, view, out, threads);
    EXPECT_EQ(summary.rows, n);
    EXPECT_EQ(summary.scored + summary.rejected, n);
    std::size_t scored = 0, missing_duration = 0, rejected = 0;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t d = 0; d < dims; ++d) ASSERT_TRUE(same(scores[i * dims + d], ref_scores[i * dims + d]));
      ASSERT_TRUE(same(composite[i], ref_composite[i]));
      ASSERT_EQ(level[i], ref_level[i]);
      ASSERT_EQ(status[i], ref_status[i]);
      std::span<const double> row(data.data() + i * stride, items);
      if (ref_status[i] != 0) {
        ++rejected;
        ASSERT_EQ(risk_status[i], static_cast<int>(pact::RiskStatus::rejected_by_instrument));
        ASSERT_TRUE(std::isnan(probability[i]) && std::isnan(eta[i]));
        ASSERT_EQ(band[i], -1);
        ASSERT_EQ(imputed[i], -1);
        for (std::size_t p = 0; p < pact::max_top_factors; ++p) ASSERT_EQ(top[i * pact::max_top_factors + p], -1);
        for (std::size_t k = 0; k < features; ++k) ASSERT_TRUE(std::isnan(values[i * features + k]));
        for (std::size_t t = 0; t < curve; ++t) ASSERT_TRUE(std::isnan(survival[i * curve + t]));
        continue;
      }
      if (model.duration_item() && std::isnan(row[*model.duration_item()])) {
        ++missing_duration;
        ASSERT_EQ(risk_status[i], static_cast<int>(pact::RiskStatus::missing_duration));
        ASSERT_TRUE(std::isnan(probability[i]) && std::isnan(eta[i]));
        ASSERT_EQ(band[i], -1);
        ASSERT_EQ(imputed[i], -1);
        ASSERT_EQ(top[i * pact::max_top_factors], -1);
        EXPECT_THROW(pact::score_risk(model, row, no_counterfactual), pact::ValidationError);
        continue;
      }
      ++scored;
      const auto single = pact::score_risk(model, row, no_counterfactual);
      ASSERT_EQ(risk_status[i], 0) << i;
      ASSERT_TRUE(same(eta[i], single.linear_predictor)) << i;
      ASSERT_TRUE(same(probability[i], single.probability)) << i;
      ASSERT_EQ(band[i], single.band) << i;
      ASSERT_EQ(imputed[i], static_cast<std::int32_t>(single.imputed_count)) << i;
      for (std::size_t p = 0; p < pact::max_top_factors; ++p)
        ASSERT_EQ(top[i * pact::max_top_factors + p],
                  p < single.top_factors.size() ? static_cast<std::int32_t>(single.top_factors[p]) : -1)
            << i;
      for (std::size_t k = 0; k < features; ++k) ASSERT_TRUE(same(values[i * features + k], single.contributions[k].value)) << i;
      if (hazard_form) {
        const auto curve_of = pact::score_risk(model, row, curve_options(curve));
        for (std::size_t t = 0; t < curve; ++t) ASSERT_TRUE(same(survival[i * curve + t], curve_of.survival[t])) << i;
      }
    }
    EXPECT_EQ(summary.scored, scored);
    EXPECT_EQ(summary.rejected, rejected + missing_duration);
    EXPECT_GT(rejected, 0u);
    if (model.form() == pact::RiskForm::discrete_hazard) {
      EXPECT_GT(missing_duration, 0u);
    }
  }
}

TEST(RiskBatch, LogisticFixtureEqualsSingleCaseBitForBit) { expect_batch_equals_single(logistic(), 20000, 1); }
TEST(RiskBatch, HazardFixtureEqualsSingleCaseBitForBit) { expect_batch_equals_single(hazard(), 20000, 2); }
TEST(RiskBatch, DefaultModelEqualsSingleCaseBitForBit) {
  expect_batch_equals_single(pact::RiskModel::bundled(), 20000, 3);
}

// The batch's probabilities, a block at a time in every build, against chronicity_probability one
// case at a time (to the bit), and against libm's exp and log1p (the formula as published, to rounding).
void expect_probability_block_equals_single(const pact::RiskModel& model, unsigned seed) {
  const auto& m = model.data();
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> wide(0.0, 8.0);
  const std::vector<double> edges = {0.0,    -0.0,   1e-300, -1e-300, 1.0,   -1.0,    36.9,   -36.9,
                                     40.0,   -40.0,  700.0,  -700.0,  710.0, -710.0,  746.0,  -746.0,
                                     1e300,  -1e300, std::numeric_limits<double>::infinity(),
                                     -std::numeric_limits<double>::infinity()};
  const std::vector<int> months = {0, 1, 5, 6, 7, 11, 12, 13, 23, 24, 25, 47, 48, 49, 120, 1000,
                                   pact::detail::max_completed_months};
  const auto variants = pact::detail::risk_rows_variants();
  ASSERT_FALSE(variants.empty());
  std::vector<double> scratch(pact::detail::probability_scratch_size(m));
  double eta[pact::detail::block_rows], p[pact::detail::block_rows];
  int t0[pact::detail::block_rows];
  for (int round = 0; round < 4000; ++round) {
    const std::size_t count = 1 + static_cast<std::size_t>(round) % pact::detail::block_rows;
    for (std::size_t i = 0; i < count; ++i) {
      eta[i] = rng() % 4 == 0 ? edges[rng() % edges.size()] : wide(rng);
      t0[i] = rng() % 2 == 0 ? months[rng() % months.size()] : static_cast<int>(rng() % 100);
    }
    const auto& variant = variants[static_cast<std::size_t>(round) % variants.size()];
    SCOPED_TRACE(variant.name);
    variant.probabilities(m, count, eta, t0, p, scratch.data());
    for (std::size_t i = 0; i < count; ++i) {
      const double single = pact::detail::chronicity_probability(m, eta[i], t0[i]);
      ASSERT_TRUE(same(p[i], single)) << "eta " << eta[i] << ", t0 " << t0[i] << ": " << p[i] << " vs " << single;
      double reference = 0.0, cumulative = 0.0;
      if (model.form() == pact::RiskForm::logistic) {
        reference = 1.0 / (1.0 + std::exp(-eta[i]));
      } else {
        for (int month = t0[i] + 1; month <= t0[i] + model.horizon_months(); ++month) {
          const double z = m.baseline[pact::detail::baseline_band(m, month)].coefficient + eta[i];
          cumulative += z > 0.0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
        }
        reference = std::exp(-cumulative);
      }
      // exp(-c) carries c's relative error times c: allow for it, with a floor at the smallest
      // normal number below which the results are subnormal.
      const double tolerance = std::isinf(cumulative) ? 1e-300 : 1e-14 * std::max(1.0, cumulative) * reference + 1e-300;
      ASSERT_NEAR(p[i], reference, tolerance) << "eta " << eta[i] << ", t0 " << t0[i];
    }
  }
}

TEST(RiskBatch, EveryProbabilitiesVariantEqualsSingleCaseAndLibm) {
  expect_probability_block_equals_single(logistic(), 11);
  expect_probability_block_equals_single(hazard(), 12);
  expect_probability_block_equals_single(pact::RiskModel::bundled(), 13);
}

// Every build of the risk step (detail::risk_rows_variants) writes what score_risk_batch writes,
// output for output and bit for bit, and score_risk_batch each row's score_risk: rows the
// instrument rejects, rows without the months in care, months in care past every band and past
// the cap, and linear predictors that overflow, in full blocks and a short one.
void expect_risk_rows_variants_agree(const pact::RiskModel& model, unsigned seed) {
  const auto& m = model.data();
  const auto& instrument = model.instrument();
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
  const std::size_t features = model.features().size(), n = 5 * pact::detail::block_rows + 7;
  const bool hazard_form = model.form() == pact::RiskForm::discrete_hazard;
  const std::vector<double> long_months = {5.5, 47.0, 48.0, 600.0, 999999999.5, 1e9, 2e9, 1e300, -0.5};
  std::mt19937_64 rng(seed);
  std::vector<double> data;
  for (std::size_t i = 0; i < n; ++i) {
    auto r = random_responses(instrument, rng, 0.2);
    if (i % 13 == 5) r[0] = 1e9;  // rejected by the instrument
    if (hazard_form && i % 7 == 3) r[*m.duration_item] = NA;
    if (hazard_form && i % 5 == 1) r[*m.duration_item] = long_months[i % long_months.size()];
    if (i % 11 == 2 && instrument.find_item("b2")) r[*instrument.find_item("b2")] = 1e308;
    data.insert(data.end(), r.begin(), r.end());
  }
  const auto view = pact::view_rows(data.data(), static_cast<std::ptrdiff_t>(n), static_cast<std::ptrdiff_t>(items),
                                    static_cast<std::ptrdiff_t>(items));
  struct Outputs {
    std::vector<double> eta, probability, values, survival;
    std::vector<std::int32_t> band, status, imputed, top;
    pact::RiskBatchOutputs out;
  };
  const std::size_t curve = hazard_form ? 12 : 0;
  const auto make_outputs = [&] {
    auto o = std::make_unique<Outputs>();
    o->eta.assign(n, -7.0);
    o->probability.assign(n, -7.0);
    o->values.assign(n * features, -7.0);
    o->survival.assign(n * curve, -7.0);
    o->band.assign(n, -7);
    o->status.assign(n, -7);
    o->imputed.assign(n, -7);
    o->top.assign(n * pact::max_top_factors, -7);
    o->out.linear_predictor = o->eta.data();
    o->out.probability = o->probability.data();
    o->out.feature_values = o->values.data();
    o->out.band = o->band.data();
    o->out.risk_status = o->status.data();
    o->out.imputed_features = o->imputed.data();
    o->out.top_factors = o->top.data();
    if (hazard_form) {
      o->out.survival = o->survival.data();
      o->out.survival_months = static_cast<int>(curve);
    }
    return o;
  };
  const auto batch = make_outputs();
  const auto summary = pact::score_risk_batch(model, view, batch->out);
  std::size_t scored = 0;
  std::set<int> statuses;
  for (std::size_t i = 0; i < n; ++i) {
    statuses.insert(batch->status[i]);
    if (batch->status[i] != 0) continue;
    ++scored;
    pact::RiskOptions options;
    options.counterfactual = false;
    if (hazard_form) options = curve_options(curve);
    const auto single = pact::score_risk(model, std::span<const double>(data.data() + i * items, items), options);
    ASSERT_TRUE(same(batch->eta[i], single.linear_predictor)) << i;
    ASSERT_TRUE(same(batch->probability[i], single.probability)) << i;
    ASSERT_EQ(batch->band[i], single.band) << i;
    for (std::size_t t = 0; t < curve; ++t) ASSERT_TRUE(same(batch->survival[i * curve + t], single.survival[t])) << i;
  }
  EXPECT_EQ(summary.scored, scored);
  EXPECT_TRUE(statuses.count(static_cast<int>(pact::RiskStatus::rejected_by_instrument)));
  if (hazard_form) {
    EXPECT_TRUE(statuses.count(static_cast<int>(pact::RiskStatus::missing_duration)));
  }

  const auto same_doubles = [](const std::vector<double>& a, const std::vector<double>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), same);
  };
  for (const auto& variant : pact::detail::risk_rows_variants()) {
    SCOPED_TRACE(variant.name);
    const auto o = make_outputs();
    pact::detail::BlockBuffers buffers(dims, items, m.uses_item_severity);
    pact::detail::RiskBlockScorer risk(m, variant.rows);
    std::size_t bad = 0;
    for (std::size_t first = 0; first < n; first += pact::detail::block_rows) {
      const std::size_t count = std::min(pact::detail::block_rows, n - first);
      const double* const rows = data.data() + first * items;
      const auto block = buffers.score(instrument.data(), rows, items, first, count, {}, pact::BatchOutputs{});
      bad += risk.score(block, rows, items, o->out);
    }
    EXPECT_EQ(bad, summary.rejected);
    EXPECT_TRUE(same_doubles(o->eta, batch->eta));
    EXPECT_TRUE(same_doubles(o->probability, batch->probability));
    EXPECT_TRUE(same_doubles(o->values, batch->values));
    EXPECT_TRUE(same_doubles(o->survival, batch->survival));
    EXPECT_EQ(o->band, batch->band);
    EXPECT_EQ(o->status, batch->status);
    EXPECT_EQ(o->imputed, batch->imputed);
    EXPECT_EQ(o->top, batch->top);
  }
}

TEST(RiskBatch, EveryRiskRowsVariantWritesWhatTheBatchWrites) {
  expect_risk_rows_variants_agree(logistic(), 21);
  expect_risk_rows_variants_agree(hazard(), 22);
  expect_risk_rows_variants_agree(pact::RiskModel::bundled(), 23);
  // Months in care without a maximum (past every band and past the cap), and a linear predictor
  // that overflows to NaN (b2 enters twice, with opposite signs).
  json instrument = json::parse(pact_test::read_text(pact_test::data_path("instruments/small.json")));
  instrument["items"][2]["response"].erase("max");
  const auto unbounded = pact::Instrument::parse(instrument.dump());
  json hazard_doc = model_json("hazard");
  json logistic_doc = model_json("logistic");
  for (json* doc : {&hazard_doc, &logistic_doc}) {
    (*doc)["features"].push_back(
        {{"id", "b2_up"}, {"kind", "item_value"}, {"item", "b2"}, {"coefficient", 10}, {"se", 0}, {"reference", 0}});
    (*doc)["features"].push_back(
        {{"id", "b2_down"}, {"kind", "item_value"}, {"item", "b2"}, {"coefficient", -10}, {"se", 0}, {"reference", 0}});
  }
  expect_risk_rows_variants_agree(pact::RiskModel::parse(hazard_doc.dump(), unbounded), 24);
  expect_risk_rows_variants_agree(pact::RiskModel::parse(logistic_doc.dump(), unbounded), 25);
}

TEST(RiskBatch, WritesItemSeveritiesAndCountsRowsWithoutOutputs) {
  // Rows: a valid case; one without the months in care; one the instrument rejects (no a1).
  std::vector<double> data = {2, NA, 2, 0, NA, NA,  //
                              2, NA, NA, 0, NA, NA,  //
                              NA, NA, 2, 0, NA, NA};
  const auto view = pact::view_rows(data.data(), 3, 6, 6);
  const auto summary = pact::score_risk_batch(hazard(), view, {});
  EXPECT_EQ(summary.rows, 3u);
  EXPECT_EQ(summary.scored, 1u);
  EXPECT_EQ(summary.rejected, 2u);
  std::vector<double> severities(18), probability(3);
  std::vector<std::int32_t> risk_status(3), status(3);
  pact::RiskBatchOutputs out;
  out.instrument.item_severities = severities.data();
  out.instrument.status = status.data();
  out.probability = probability.data();
  out.risk_status = risk_status.data();
  pact::score_risk_batch(hazard(), view, out, 2);
  EXPECT_NEAR(probability[0], 27.0 / 200.0, 1e-12);  // HazardCaseByHand
  EXPECT_DOUBLE_EQ(severities[0], 0.25);
  EXPECT_EQ(risk_status[0], 0);
  EXPECT_EQ(status[1], 0) << "the instrument scores the row";
  EXPECT_EQ(risk_status[1], static_cast<int>(pact::RiskStatus::missing_duration));
  EXPECT_DOUBLE_EQ(severities[6], 0.25);
  EXPECT_EQ(status[2], static_cast<int>(pact::ResponseStatus::missing_required));
  EXPECT_EQ(risk_status[2], static_cast<int>(pact::RiskStatus::rejected_by_instrument));
  EXPECT_TRUE(std::isnan(severities[12]));
  EXPECT_STREQ(pact::to_string(pact::RiskStatus::missing_duration), "missing_duration");
  EXPECT_THROW(pact::score_risk_batch(hazard(), pact::view_rows(data.data(), 3, 5, 6), {}), pact::InvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// The default model
// ---------------------------------------------------------------------------------------------

std::vector<double> responses_by_id(const pact::Instrument& instrument, const std::vector<std::pair<std::string, double>>& by_id) {
  return pact::make_assessment(instrument, "example", by_id).responses;
}

// Three example cases on the default instrument; "typical" is the case the references describe.
const std::vector<std::pair<std::string, double>> mild_case = {
    {"emp_work_status", 2}, {"emp_months_since_job", 3}, {"emp_education", 1}, {"emp_work_experience", 1},
    {"emp_job_search", 1}, {"emp_basic_skills", 1}, {"eco_income_ratio", 90}, {"eco_income_source", 2},
    {"eco_debts", 2}, {"eco_material_deprivation", 1}, {"eco_food_insecurity", 1}, {"hou_tenure", 2},
    {"hou_homelessness", 1}, {"hou_overcrowding", 1}, {"hou_habitability", 1}, {"hou_cost_burden", 35},
    {"vit_health", 1}, {"vit_disability", 1}, {"vit_dependency", 1}, {"vit_addictions", 1},
    {"vit_life_events", 1}, {"vit_life_stage", 2}, {"coh_household", 2}, {"coh_family_conflict", 1},
    {"coh_gender_violence", 0}, {"coh_care_burden", 1}, {"coh_minors_risk", 1}, {"soc_isolation", 1},
    {"soc_support_people", 4}, {"soc_practical_help", 1}, {"soc_participation", 2}, {"soc_neighbours", 1},
    {"res_coping", 1}, {"res_motivation", 1}, {"res_plan_adherence", 1}, {"res_self_efficacy", 1},
    {"res_life_skills", 1}, {"tic_months_in_care", 2}, {"tic_care_episodes", 1}, {"tic_months_minimum_income", 0},
    {"tic_renewals", 0}, {"tic_parents_users", 0}, {"rig_documentation", 1}, {"rig_registration", 1},
    {"rig_health_access", 1}, {"rig_legal", 1}, {"rig_benefit_access", 1}};
const std::vector<std::pair<std::string, double>> typical_case = {
    {"emp_work_status", 4}, {"emp_months_since_job", 18}, {"emp_education", 2}, {"emp_work_experience", 2},
    {"emp_job_search", 1}, {"emp_basic_skills", 2}, {"eco_income_ratio", 60}, {"eco_income_source", 3},
    {"eco_debts", 3}, {"eco_material_deprivation", 4}, {"eco_food_insecurity", 2}, {"hou_tenure", 3},
    {"hou_homelessness", 2}, {"hou_overcrowding", 2}, {"hou_habitability", 2}, {"hou_cost_burden", 50},
    {"vit_health", 2}, {"vit_disability", 1}, {"vit_dependency", 1}, {"vit_addictions", 1},
    {"vit_life_events", 1}, {"vit_life_stage", 2}, {"coh_household", 3}, {"coh_family_conflict", 2},
    {"coh_gender_violence", 0}, {"coh_care_burden", 2}, {"coh_minors_risk", 2}, {"soc_isolation", 2},
    {"soc_support_people", 2}, {"soc_practical_help", 1}, {"soc_participation", 3}, {"soc_neighbours", 2},
    {"res_coping", 2}, {"res_motivation", 2}, {"res_plan_adherence", 2}, {"res_self_efficacy", 2},
    {"res_life_skills", 1}, {"tic_months_in_care", 12}, {"tic_care_episodes", 2}, {"tic_months_minimum_income", 10},
    {"tic_renewals", 1}, {"tic_parents_users", 0}, {"rig_documentation", 1}, {"rig_registration", 1},
    {"rig_health_access", 1}, {"rig_legal", 1}, {"rig_benefit_access", 2}};
const std::vector<std::pair<std::string, double>> severe_case = {
    {"emp_work_status", 5}, {"emp_months_since_job", 60}, {"emp_education", 4}, {"emp_work_experience", 4},
    {"emp_job_search", 0}, {"emp_basic_skills", 4}, {"eco_income_ratio", 20}, {"eco_income_source", 4},
    {"eco_debts", 4}, {"eco_material_deprivation", 9}, {"eco_food_insecurity", 4}, {"hou_tenure", 5},
    {"hou_homelessness", 4}, {"hou_overcrowding", 3}, {"hou_habitability", 3}, {"hou_cost_burden", 80},
    {"vit_health", 4}, {"vit_disability", 3}, {"vit_dependency", 2}, {"vit_addictions", 3},
    {"vit_life_events", 3}, {"vit_life_stage", 3}, {"coh_household", 4}, {"coh_family_conflict", 3},
    {"coh_gender_violence", 0}, {"coh_care_burden", 3}, {"coh_minors_risk", 3}, {"soc_isolation", 4},
    {"soc_support_people", 0}, {"soc_practical_help", 0}, {"soc_participation", 4}, {"soc_neighbours", 3},
    {"res_coping", 4}, {"res_motivation", 4}, {"res_plan_adherence", 4}, {"res_self_efficacy", 4},
    {"res_life_skills", 3}, {"tic_months_in_care", 36}, {"tic_care_episodes", 4}, {"tic_months_minimum_income", 36},
    {"tic_renewals", 3}, {"tic_parents_users", 1}, {"rig_documentation", 3}, {"rig_registration", 0},
    {"rig_health_access", 3}, {"rig_legal", 2}, {"rig_benefit_access", 3}};

TEST(DefaultRiskModel, LoadsBindsToTheBundledInstrumentAndMatchesTheFile) {
  const auto& model = pact::RiskModel::bundled();
  EXPECT_EQ(model.id(), "pact-chronicity");
  EXPECT_EQ(model.instrument().hash(), pact::Instrument::bundled().hash());
  const auto from_file =
      pact::RiskModel::load(pact_test::source_path("models/pact-chronicity.json"), pact::Instrument::bundled());
  EXPECT_EQ(from_file.hash(), model.hash());
  EXPECT_EQ(model.form(), pact::RiskForm::discrete_hazard);
  EXPECT_EQ(model.horizon_months(), 24);
  EXPECT_EQ(model.instrument().items()[*model.duration_item()].id, "tic_months_in_care");
  EXPECT_EQ(model.provenance().status, pact::ProvenanceStatus::illustrative);
  EXPECT_EQ(model.languages(), (std::vector<std::string>{"es", "ca", "en"}));
  // Duration dependence: the baseline exit hazard falls from band to band.
  ASSERT_GE(model.baseline().size(), 4u);
  for (std::size_t b = 1; b < model.baseline().size(); ++b)
    EXPECT_LT(model.baseline()[b].coefficient, model.baseline()[b - 1].coefficient);
  // 8 to 14 features, with a log or hinge term, an interaction and an indicator, covering the
  // PACT critical factors.
  EXPECT_GE(model.features().size(), 8u);
  EXPECT_LE(model.features().size(), 14u);
  std::set<pact::FeatureKind> kinds;
  std::set<std::string> dimensions;
  for (const auto& f : model.features()) {
    kinds.insert(f.kind);
    if (f.kind == pact::FeatureKind::dimension_score) dimensions.insert(model.instrument().dimensions()[f.source].id);
    if (f.kind == pact::FeatureKind::item_value || f.kind == pact::FeatureKind::log_item_value ||
        f.kind == pact::FeatureKind::hinge_item_value)
      dimensions.insert(model.instrument().dimensions()[model.instrument().items()[f.source].dimension].id);
    for (const auto& lang : model.languages()) EXPECT_FALSE(f.label.in(lang).empty()) << f.id << " " << lang;
  }
  EXPECT_TRUE(kinds.count(pact::FeatureKind::log_item_value) || kinds.count(pact::FeatureKind::hinge_item_value));
  EXPECT_TRUE(kinds.count(pact::FeatureKind::interaction));
  EXPECT_TRUE(kinds.count(pact::FeatureKind::indicator));
  for (const char* d : {"employability", "economic", "housing", "vital_states", "cohabitation", "social_network",
                        "resilience", "time_in_care", "rights_access"})
    EXPECT_TRUE(dimensions.count(d)) << d;
  // Bands at .25, .5, .75.
  EXPECT_DOUBLE_EQ(model.bands()[1].min_probability, 0.25);
  EXPECT_DOUBLE_EQ(model.bands()[2].min_probability, 0.5);
  EXPECT_DOUBLE_EQ(model.bands()[3].min_probability, 0.75);
  // Actionable: things to work on, never time in care, life stage or the parents' history.
  std::set<std::string> actionable;
  for (std::size_t j : model.actionable_items()) actionable.insert(model.instrument().items()[j].id);
  for (const char* id : {"emp_job_search", "emp_education", "eco_debts", "rig_health_access", "rig_documentation",
                         "rig_registration", "res_plan_adherence", "res_motivation", "soc_isolation"})
    EXPECT_TRUE(actionable.count(id)) << id;
  for (const auto& id : actionable) {
    EXPECT_NE(id.rfind("tic_", 0), 0u) << id;
    EXPECT_NE(id, "vit_life_stage");
  }
}

TEST(DefaultRiskModel, ExampleCasesFallWhereTheModelCardSays) {
  const auto& model = pact::RiskModel::bundled();
  const auto& instrument = model.instrument();
  const auto mild = pact::score_risk(model, responses_by_id(instrument, mild_case));
  const auto typical = pact::score_risk(model, responses_by_id(instrument, typical_case));
  const auto severe = pact::score_risk(model, responses_by_id(instrument, severe_case));
  EXPECT_LT(mild.probability, 0.2);
  EXPECT_EQ(model.bands()[static_cast<std::size_t>(mild.band)].id, "low");
  EXPECT_GE(typical.probability, 0.3);
  EXPECT_LE(typical.probability, 0.5);
  EXPECT_GE(severe.probability, 0.8);
  EXPECT_EQ(model.bands()[static_cast<std::size_t>(severe.band)].id, "very_high");
  // The typical case is near the references: a small linear predictor relative to the reference's.
  double shift = 0.0;
  for (const auto& c : typical.contributions) shift += c.contribution;
  EXPECT_LT(std::fabs(shift), 0.1);
  // The severe case's explanation points at features that raise its risk.
  EXPECT_EQ(severe.top_factors.size(), 3u);
  for (std::size_t k : severe.top_factors) EXPECT_GT(severe.contributions[k].risk_effect, 0.0);
  // The longer a case has already been in care, the likelier it stays (duration dependence).
  auto later = typical_case;
  for (auto& [id, value] : later)
    if (id == "tic_months_in_care") value = 36;
  EXPECT_GT(pact::score_risk(model, responses_by_id(instrument, later)).probability, typical.probability);
  // Printed for the model card (models/pact-chronicity.md).
  std::printf("default model: mild %.3f, typical %.3f, severe %.3f\n", mild.probability, typical.probability,
              severe.probability);
}

TEST(DefaultRiskModel, RefusesAnotherInstrument) {
  try {
    pact::RiskModel::load(pact_test::source_path("models/pact-chronicity.json"), small());
    FAIL();
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/instrument/id") << e.what();
  }
}

// The counterfactual search against a brute force written here from the definition: try every
// lower-severity response of every answered actionable item through the public API, keep those
// that lower the band, and take the smallest drop, then the lowest probability, then the first.
void expect_counterfactuals_match_brute_force(const pact::RiskModel& model, std::size_t n, unsigned seed) {
  const auto& instrument = model.instrument();
  std::mt19937_64 rng(seed);
  pact::RiskOptions plain;
  plain.counterfactual = false;
  std::size_t found = 0, none = 0;
  for (std::size_t i = 0; i < n; ++i) {
    auto r = random_responses(instrument, rng, 0.2);
    if (model.duration_item() && std::isnan(r[*model.duration_item()])) r[*model.duration_item()] = 3;
    const auto result = pact::score_risk(model, r);
    const auto scores = pact::score(instrument, r);
    std::optional<pact::Counterfactual> best;
    for (std::size_t j = 0; j < instrument.item_count(); ++j) {
      if (!model.is_actionable(j) || std::isnan(r[j])) continue;
      const auto& item = instrument.items()[j];
      std::vector<double> tries;
      if (item.type == pact::ResponseType::ordinal)
        for (const auto& o : item.options) tries.push_back(o.value);
      else if (item.type == pact::ResponseType::yes_no)
        tries = {0, 1};
      else
        tries = item.curve.x;
      for (double to : tries) {
        if (to == r[j] || pact::check_response(instrument, j, to) != pact::ResponseStatus::ok) continue;
        auto changed = r;
        changed[j] = to;
        const double to_severity = pact::score(instrument, changed).item_severity[j];
        if (!(to_severity < scores.item_severity[j])) continue;
        const auto moved = pact::score_risk(model, changed, plain);
        if (moved.band >= result.band) continue;
        const double drop = scores.item_severity[j] - to_severity;
        const bool better = !best || drop < best->from_severity - best->to_severity - 1e-9 ||
                            (drop <= best->from_severity - best->to_severity + 1e-9 && moved.probability < best->probability);
        if (better) best = pact::Counterfactual{j, r[j], to, scores.item_severity[j], to_severity, moved.probability, moved.band};
      }
    }
    ASSERT_EQ(result.counterfactual.has_value(), best.has_value()) << i;
    if (!best) {
      ++none;
      continue;
    }
    ++found;
    EXPECT_EQ(result.counterfactual->item, best->item) << i;
    EXPECT_EQ(result.counterfactual->to_value, best->to_value) << i;
    EXPECT_EQ(result.counterfactual->probability, best->probability) << i;
    EXPECT_EQ(result.counterfactual->band, best->band) << i;
  }
  EXPECT_GT(found, 0u);
  EXPECT_GT(none, 0u);
}

TEST(RiskScoring, CounterfactualsMatchABruteForceSearch) {
  expect_counterfactuals_match_brute_force(logistic(), 400, 5);
  expect_counterfactuals_match_brute_force(hazard(), 400, 6);
  expect_counterfactuals_match_brute_force(pact::RiskModel::bundled(), 400, 7);
}

// ---------------------------------------------------------------------------------------------
// Validation: every rule fails at the JSON Pointer of the offending value with a reason.
// ---------------------------------------------------------------------------------------------

struct BadCase {
  std::string name;
  std::string base;  // "logistic" or "hazard"
  std::function<void(json&)> mutate;
  std::string path;
  std::string reason;  // a substring of the message
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class InvalidRiskModel : public ::testing::TestWithParam<BadCase> {};

TEST_P(InvalidRiskModel, FailsAtThePathWithAReason) {
  json doc = model_json(GetParam().base);
  GetParam().mutate(doc);
  try {
    pact::RiskModel::parse(doc.dump(), small());
    FAIL() << "expected a ValidationError";
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), GetParam().path) << e.what();
    EXPECT_NE(std::string(e.reason()).find(GetParam().reason), std::string::npos) << e.what();
  }
}

const BadCase bad_cases[] = {
    // Top level
    {"unknown_top_level_key", "logistic", [](json& d) { d["wieght"] = 1; }, "/wieght", "unknown field \"wieght\""},
    {"wrong_format", "logistic", [](json& d) { d["format"] = "pact.instrument"; }, "/format", "expected \"pact.risk_model\""},
    {"newer_format_version", "logistic", [](json& d) { d["format_version"] = 2; }, "/format_version", "format version 1"},
    {"missing_id", "logistic", [](json& d) { d.erase("id"); }, "", "missing required field \"id\""},
    {"bad_id", "logistic", [](json& d) { d["id"] = "Test Logistic"; }, "/id", "is not an identifier"},
    {"bad_version", "logistic", [](json& d) { d["version"] = "0.3"; }, "/version", "semantic version"},
    {"language_not_in_instrument", "logistic", [](json& d) { d["languages"] = {"en", "es", "ca"}; }, "/languages/2",
     "not one of the instrument's languages"},
    {"duplicate_language", "logistic", [](json& d) { d["languages"] = {"en", "en"}; }, "/languages/1", "listed twice"},
    {"no_languages", "logistic", [](json& d) { d["languages"] = json::array(); }, "/languages", "at least 1"},
    {"default_language_not_listed", "logistic",
     [](json& d) {
       d["languages"] = {"es"};
       d["default_language"] = "en";
     },
     "/default_language", "not one of the model's languages"},
    {"label_missing_language", "logistic", [](json& d) { d["name"].erase("es"); }, "/name", "missing the \"es\" text"},
    {"label_extra_language", "logistic", [](json& d) { d["bands"][1]["label"]["fr"] = "Moyen"; }, "/bands/1/label/fr",
     "not one of the model's languages"},
    {"label_of_a_language_the_model_lacks", "logistic",
     [](json& d) {
       d["languages"] = {"en"};
       d["name"] = {{"en", "Model"}, {"es", "Modelo"}};
     },
     "/name/es", "not one of the model's languages"},
    {"feature_label_missing_language", "logistic", [](json& d) { d["features"][4]["label"].erase("es"); },
     "/features/4/label", "missing the \"es\" text"},
    {"definition_empty_text", "logistic", [](json& d) { d["outcome"]["definition"]["en"] = ""; },
     "/outcome/definition/en", "non-empty"},
    // The instrument it reads
    {"other_instrument", "logistic", [](json& d) { d["instrument"]["id"] = "pact-instrument"; }, "/instrument/id",
     "not \"test-small\""},
    {"instrument_older_than_min", "logistic", [](json& d) { d["instrument"]["min_version"] = "1.3.0"; },
     "/instrument/min_version", "test-small 1.2.3 is older than the model's minimum version 1.3.0"},
    {"semver_compares_numbers_not_text", "logistic", [](json& d) { d["instrument"]["min_version"] = "1.10.0"; },
     "/instrument/min_version", "older than"},
    {"instrument_at_max", "logistic", [](json& d) { d["instrument"]["max_version"] = "1.2.3"; },
     "/instrument/max_version", "is not below the model's maximum version 1.2.3"},
    {"min_not_below_max", "logistic",
     [](json& d) {
       d["instrument"]["min_version"] = "2.0.0";
       d["instrument"]["max_version"] = "2.0.0";
     },
     "/instrument/max_version", "must be above the minimum"},
    {"instrument_bad_version", "logistic", [](json& d) { d["instrument"]["min_version"] = "1.x.0"; },
     "/instrument/min_version", "semantic version"},
    {"instrument_unknown_key", "logistic", [](json& d) { d["instrument"]["revision"] = 2; }, "/instrument/revision",
     "unknown field"},
    {"instrument_missing_max", "logistic", [](json& d) { d["instrument"].erase("max_version"); }, "/instrument",
     "missing required field \"max_version\""},
    // Outcome
    {"horizon_zero", "logistic", [](json& d) { d["outcome"]["horizon_months"] = 0; }, "/outcome/horizon_months",
     "[1, 240]"},
    {"horizon_too_long", "logistic", [](json& d) { d["outcome"]["horizon_months"] = 241; }, "/outcome/horizon_months",
     "[1, 240]"},
    {"horizon_fractional", "logistic", [](json& d) { d["outcome"]["horizon_months"] = 12.5; },
     "/outcome/horizon_months", "whole number"},
    {"other_event", "logistic", [](json& d) { d["outcome"]["event"] = "left_care"; }, "/outcome/event",
     "expected \"still_in_care\""},
    {"outcome_unknown_key", "logistic", [](json& d) { d["outcome"]["horizon"] = 12; }, "/outcome/horizon",
     "unknown field"},
    // Form and its fields
    {"unknown_form", "logistic", [](json& d) { d["form"] = "cox"; }, "/form", "unknown form \"cox\""},
    {"logistic_without_intercept", "logistic", [](json& d) { d.erase("intercept"); }, "",
     "a logistic model needs an \"intercept\""},
    {"logistic_with_duration", "logistic", [](json& d) { d["duration"] = {{"item", "a3"}}; }, "/duration",
     "only a discrete_hazard model"},
    {"logistic_with_baseline", "logistic", [](json& d) { d["baseline"] = json::array(); }, "/baseline",
     "only a discrete_hazard model"},
    {"intercept_negative_se", "logistic", [](json& d) { d["intercept"]["se"] = -0.1; }, "/intercept/se",
     "cannot be negative"},
    {"intercept_unknown_key", "logistic", [](json& d) { d["intercept"]["estimate"] = 1; }, "/intercept/estimate",
     "unknown field"},
    {"intercept_not_a_number", "logistic", [](json& d) { d["intercept"]["coefficient"] = "-2"; },
     "/intercept/coefficient", "expected a number, got a string"},
    {"hazard_with_intercept", "hazard", [](json& d) { d["intercept"] = {{"coefficient", 0}, {"se", 0}}; }, "/intercept",
     "only a logistic model has an intercept"},
    {"hazard_without_duration", "hazard", [](json& d) { d.erase("duration"); }, "", "needs a \"duration\" item"},
    {"hazard_without_baseline", "hazard", [](json& d) { d.erase("baseline"); }, "", "needs a \"baseline\""},
    {"duration_unknown_item", "hazard", [](json& d) { d["duration"]["item"] = "zz"; }, "/duration/item",
     "no item \"zz\" in instrument test-small 1.2.3"},
    {"duration_ordinal", "hazard", [](json& d) { d["duration"]["item"] = "a1"; }, "/duration/item",
     "type months or count"},
    {"duration_amount", "hazard", [](json& d) { d["duration"]["item"] = "b2"; }, "/duration/item",
     "\"b2\" is of type amount"},
    {"baseline_empty", "hazard", [](json& d) { d["baseline"] = json::array(); }, "/baseline", "at least 1 element"},
    {"baseline_not_from_month_1", "hazard", [](json& d) { d["baseline"][0]["from_month"] = 2; },
     "/baseline/0/from_month", "must start at month 1"},
    {"baseline_not_increasing", "hazard", [](json& d) { d["baseline"][2]["from_month"] = 4; },
     "/baseline/2/from_month", "strictly increasing"},
    {"baseline_fractional_month", "hazard", [](json& d) { d["baseline"][1]["from_month"] = 4.5; },
     "/baseline/1/from_month", "whole number"},
    {"baseline_month_too_late", "hazard", [](json& d) { d["baseline"][2]["from_month"] = 5000; },
     "/baseline/2/from_month", "[1, 1200]"},
    {"baseline_negative_se", "hazard", [](json& d) { d["baseline"][1]["se"] = -1; }, "/baseline/1/se",
     "cannot be negative"},
    {"baseline_unknown_key", "hazard", [](json& d) { d["baseline"][1]["to_month"] = 6; }, "/baseline/1/to_month",
     "unknown field"},
    // Features
    {"no_features", "logistic", [](json& d) { d["features"] = json::array(); }, "/features", "at least 1 element"},
    {"feature_not_object", "logistic", [](json& d) { d["features"][0] = "dim_a"; }, "/features/0", "expected an object"},
    {"feature_without_kind", "logistic", [](json& d) { d["features"][0].erase("kind"); }, "/features/0",
     "missing required field \"kind\""},
    {"unknown_kind", "logistic", [](json& d) { d["features"][0]["kind"] = "spline"; }, "/features/0/kind",
     "unknown feature kind \"spline\""},
    {"duplicate_feature_id", "logistic", [](json& d) { d["features"][1]["id"] = "dim_a"; }, "/features/1/id",
     "used twice (first at /features/0)"},
    {"bad_feature_id", "logistic", [](json& d) { d["features"][1]["id"] = "Sev C1"; }, "/features/1/id",
     "not an identifier"},
    {"unknown_dimension", "logistic", [](json& d) { d["features"][0]["dimension"] = "z"; }, "/features/0/dimension",
     "no dimension \"z\""},
    {"feature_context_in_message", "logistic", [](json& d) { d["features"][0]["dimension"] = "z"; },
     "/features/0/dimension", "(feature \"dim_a\")"},
    {"unknown_item", "logistic", [](json& d) { d["features"][1]["item"] = "zz"; }, "/features/1/item",
     "no item \"zz\""},
    {"field_of_another_kind", "logistic", [](json& d) { d["features"][0]["item"] = "a1"; }, "/features/0/item",
     "unknown field \"item\""},
    {"knot_on_a_log_term", "logistic", [](json& d) { d["features"][2]["knot"] = 1; }, "/features/2/knot",
     "unknown field"},
    {"hinge_without_knot", "logistic", [](json& d) { d["features"][3].erase("knot"); }, "/features/3",
     "missing required field \"knot\""},
    {"indicator_without_threshold", "logistic", [](json& d) { d["features"][5].erase("at_least"); }, "/features/5",
     "missing required field \"at_least\""},
    {"missing_reference", "logistic", [](json& d) { d["features"][0].erase("reference"); }, "/features/0",
     "missing required field \"reference\""},
    {"indicator_of_a_later_feature", "logistic", [](json& d) { d["features"][5]["of"] = "a_x_c1"; }, "/features/5/of",
     "no feature \"a_x_c1\" before this one"},
    {"indicator_of_an_unknown_feature", "logistic", [](json& d) { d["features"][5]["of"] = "zz"; }, "/features/5/of",
     "no feature \"zz\" before this one"},
    {"indicator_of_a_list", "logistic", [](json& d) { d["features"][5]["of"] = {"dim_a"}; }, "/features/5/of",
     "expected a string"},
    {"interaction_of_an_unknown_feature", "logistic", [](json& d) { d["features"][6]["of"][1] = "resilence"; },
     "/features/6/of/1", "no feature \"resilence\" before this one"},
    {"interaction_of_itself", "logistic", [](json& d) { d["features"][6]["of"][0] = "a_x_c1"; }, "/features/6/of/0",
     "before this one"},
    {"interaction_of_one", "logistic", [](json& d) { d["features"][6]["of"] = {"dim_a"}; }, "/features/6/of",
     "at least 2 elements"},
    {"interaction_of_three", "logistic", [](json& d) { d["features"][6]["of"] = {"dim_a", "sev_c1", "log_a3"}; },
     "/features/6/of", "expected two feature ids"},
    {"feature_negative_se", "logistic", [](json& d) { d["features"][2]["se"] = -0.5; }, "/features/2/se",
     "cannot be negative"},
    {"log_of_an_ordinal_item", "logistic", [](json& d) { d["features"][2]["item"] = "a1"; }, "/features/2/item",
     "needs a count, months or amount item"},
    {"hinge_of_a_yes_no_item", "logistic", [](json& d) { d["features"][3]["item"] = "a2"; }, "/features/3/item",
     "needs a count, months or amount item"},
    {"value_of_an_ordinal_item", "hazard", [](json& d) { d["features"][1]["item"] = "c1"; }, "/features/1/item",
     "labels, not quantities"},
    {"reference_outside_the_unit_interval", "logistic", [](json& d) { d["features"][0]["reference"] = 30; },
     "/features/0/reference", "in [0, 1], got 30"},
    {"reference_below_a_log_term", "logistic", [](json& d) { d["features"][2]["reference"] = -1; },
     "/features/2/reference", "a value the feature can take"},
    {"reference_outside_an_item_range", "hazard", [](json& d) { d["features"][1]["reference"] = 21; },
     "/features/1/reference", "in [0, 20]"},
    {"reference_outside_an_interaction_range", "logistic", [](json& d) { d["features"][6]["reference"] = 1.5; },
     "/features/6/reference", "in [0, 1]"},
    {"composite_without_label", "logistic", [](json& d) { d["features"][4].erase("label"); }, "/features/4",
     "needs a \"label\""},
    {"interaction_without_label", "logistic", [](json& d) { d["features"][6].erase("label"); }, "/features/6",
     "needs a \"label\""},
    // Actionable items
    {"actionable_unknown_item", "logistic", [](json& d) { d["actionable_items"][1] = "a9"; }, "/actionable_items/1",
     "no item \"a9\""},
    {"actionable_twice", "logistic", [](json& d) { d["actionable_items"][2] = "c1"; }, "/actionable_items/2",
     "listed twice"},
    {"actionable_not_a_list", "logistic", [](json& d) { d["actionable_items"] = "a1"; }, "/actionable_items",
     "expected an array"},
    {"actionable_duration", "hazard", [](json& d) { d["actionable_items"].push_back("a3"); }, "/actionable_items/2",
     "months in care"},
    // Bands
    {"three_bands", "logistic", [](json& d) { d["bands"].erase(3); }, "/bands", "exactly 4 bands"},
    {"bands_out_of_order", "logistic", [](json& d) { std::swap(d["bands"][1], d["bands"][2]); }, "/bands/1/id",
     "expected \"medium\""},
    {"band_renamed", "logistic", [](json& d) { d["bands"][3]["id"] = "critical"; }, "/bands/3/id",
     "expected \"very_high\""},
    {"first_band_not_zero", "logistic", [](json& d) { d["bands"][0]["min_probability"] = 0.05; },
     "/bands/0/min_probability", "must start at 0"},
    {"bands_not_increasing", "logistic", [](json& d) { d["bands"][2]["min_probability"] = 0.3; },
     "/bands/2/min_probability", "increasing order"},
    {"band_at_one", "logistic", [](json& d) { d["bands"][3]["min_probability"] = 1; }, "/bands/3/min_probability",
     "[0, 1)"},
    {"band_unknown_key", "logistic", [](json& d) { d["bands"][0]["color"] = "green"; }, "/bands/0/color",
     "unknown field"},
    // Provenance
    {"unknown_status", "logistic", [](json& d) { d["provenance"]["status"] = "fitted"; }, "/provenance/status",
     "\"illustrative\" or \"calibrated\""},
    {"missing_fitted_on", "logistic", [](json& d) { d["provenance"].erase("fitted_on"); }, "/provenance",
     "missing required field \"fitted_on\""},
    {"impossible_date", "logistic", [](json& d) { d["provenance"]["fitted_at"] = "2023-02-29"; },
     "/provenance/fitted_at", "YYYY-MM-DD"},
    {"date_in_another_format", "logistic", [](json& d) { d["provenance"]["fitted_at"] = "29/02/2024"; },
     "/provenance/fitted_at", "YYYY-MM-DD"},
    {"negative_case_count", "logistic", [](json& d) { d["provenance"]["n_cases"] = -1; }, "/provenance/n_cases",
     "at least 0"},
    {"rows_in_a_logistic_model", "logistic", [](json& d) { d["provenance"]["n_rows"] = 100; }, "/provenance/n_rows",
     "discrete_hazard"},
    {"unknown_metric", "logistic", [](json& d) { d["provenance"]["metrics"]["accuracy"] = 0.9; },
     "/provenance/metrics/accuracy", "unknown field"},
    {"auc_above_one", "logistic", [](json& d) { d["provenance"]["metrics"]["auc"] = 1.5; }, "/provenance/metrics/auc",
     "[0, 1]"},
    {"empty_notes", "hazard", [](json& d) { d["provenance"]["notes"] = ""; }, "/provenance/notes", "non-empty"},
    {"provenance_unknown_key", "hazard", [](json& d) { d["provenance"]["author"] = "x"; }, "/provenance/author",
     "unknown field"},
};

INSTANTIATE_TEST_SUITE_P(Cases, InvalidRiskModel, ::testing::ValuesIn(bad_cases),
                         [](const auto& test) { return test.param.name; });

TEST(RiskModelValidation, LogOfAnItemThatCanReachMinusOne) {
  // ln(1 + value) is undefined at -1: the item's minimum must be above it.
  json instrument = json::parse(pact_test::read_text(pact_test::data_path("instruments/small.json")));
  instrument["items"][2]["response"]["min"] = -1;
  const auto shifted = pact::Instrument::parse(instrument.dump());
  try {
    pact::RiskModel::parse(model_json("logistic").dump(), shifted);
    FAIL();
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/features/2/item");
    EXPECT_NE(e.reason().find("above -1"), std::string::npos) << e.what();
  }
  instrument["items"][2]["response"]["min"] = -0.5;
  EXPECT_NO_THROW(pact::RiskModel::parse(model_json("logistic").dump(), pact::Instrument::parse(instrument.dump())));
}

TEST(RiskModelValidation, DurationItemThatAllowsNegativeMonths) {
  json instrument = json::parse(pact_test::read_text(pact_test::data_path("instruments/small.json")));
  instrument["items"][2]["response"]["min"] = -3;
  try {
    pact::RiskModel::parse(model_json("hazard").dump(), pact::Instrument::parse(instrument.dump()));
    FAIL();
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/duration/item");
    EXPECT_NE(e.reason().find("at least 0"), std::string::npos) << e.what();
  }
}

TEST(RiskModelValidation, VersionRangeComparesEachPartAsANumber) {
  // 1.2.3 lies in [1.2.0, 1.2.10) and in [0.9.9, 1.10.0), though "1.2.3" > "1.2.10" as text.
  json doc = model_json("logistic");
  doc["instrument"]["min_version"] = "1.2.0";
  doc["instrument"]["max_version"] = "1.2.10";
  EXPECT_NO_THROW(pact::RiskModel::parse(doc.dump(), small()));
  doc["instrument"]["min_version"] = "0.9.9";
  doc["instrument"]["max_version"] = "1.10.0";
  EXPECT_NO_THROW(pact::RiskModel::parse(doc.dump(), small()));
}

TEST(RiskModelValidation, NumbersTooLargeForADoubleFailAtTheirPath) {
  std::string text = model_json("logistic").dump();
  const std::string coefficient = "\"coefficient\":-2.0794415416798357";
  const auto at = text.find(coefficient);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, coefficient.size(), "\"coefficient\":-1e999");
  try {
    pact::RiskModel::parse(text, small());
    FAIL();
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/intercept/coefficient");
    EXPECT_NE(e.reason().find("finite"), std::string::npos);
  }
  std::string in_array = model_json("hazard").dump();
  const std::string months = "\"horizon_months\":6";
  in_array.replace(in_array.find(months), months.size(), "\"horizon_months\":6,\"x\":[1,2,1e400]");
  try {
    pact::RiskModel::parse(in_array, small());
    FAIL();
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/outcome/x/2");
  }
}

TEST(RiskModelValidation, MalformedTextAndMissingFiles) {
  EXPECT_THROW(pact::RiskModel::parse("{\"format\": ", small()), pact::ParseError);
  try {
    pact::RiskModel::load("/nonexistent/model.json", small());
    FAIL();
  } catch (const pact::IoError& e) {
    EXPECT_EQ(e.where(), "/nonexistent/model.json");
  }
}

}  // namespace
