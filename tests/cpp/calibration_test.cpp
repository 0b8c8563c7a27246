// Calibration of a risk model on local data: the observed outcome at the horizon, the feature
// matrix against single-case risk scoring, recovery of a logistic fixture's coefficients from a
// simulated caseload, the written model (it loads, keeps the template, scores as its
// coefficients say), the evaluation set, weights, penalty, threads, sample-median references,
// and every error naming its row, option or columns.
#include "pact/calibration.hpp"
#include "pact/simulation.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

using nlohmann::json;

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}
const pact::RiskModel& hazard() {
  static const auto model = pact::RiskModel::load(pact_test::data_path("models/hazard.json"), small());
  return model;
}
const pact::RiskModel& logistic() {
  static const auto model = pact::RiskModel::load(pact_test::data_path("models/logistic.json"), small());
  return model;
}

pact::SimulatedCaseload simulate(const pact::RiskModel& model, std::size_t cases, std::uint64_t seed,
                                 double missing_rate = 0.1, double dropout = 0.0) {
  pact::SimulationOptions o = pact::SimulationOptions::generic();
  o.cases = cases;
  o.seed = seed;
  o.missing_rate = missing_rate;
  o.monthly_dropout = dropout;
  return pact::simulate_caseload(model, o);
}

pact::CalibrationOptions options(unsigned threads = 2) {
  pact::CalibrationOptions o;
  o.version = "2.0.0";
  o.fitted_on = "synthetic caseload for the tests";
  o.fitted_at = "2026-03-01";
  o.threads = threads;
  return o;
}

pact::CalibrationOutcomes hazard_outcomes(const pact::SimulatedCaseload& sim) {
  pact::CalibrationOutcomes out;
  out.followup_months = sim.followup_months;
  out.left_care = sim.left_care;
  return out;
}

pact::CalibrationOutcomes logistic_outcomes(const std::vector<double>& chronic) {
  pact::CalibrationOutcomes out;
  out.chronic = chronic;
  return out;
}

template <class Fn>
void expect_error(Fn&& fn, pact::ErrorKind kind, const std::string& where) {
  try {
    fn();
    ADD_FAILURE() << "no error at " << where;
  } catch (const pact::Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_EQ(e.where(), where) << e.what();
  }
}

TEST(Calibration, ObservedChronicityAtTheHorizon) {
  // Horizon 24: leaving in month 24 or before is 0; seen in care through month 24 is 1 (leaving
  // later counts as in care at 24); follow-up ending in care before month 24 is unknown.
  EXPECT_EQ(pact::observed_chronicity(3, 1, 24), 0.0);
  EXPECT_EQ(pact::observed_chronicity(24, 1, 24), 0.0);
  EXPECT_EQ(pact::observed_chronicity(25, 1, 24), 1.0);
  EXPECT_EQ(pact::observed_chronicity(24, 0, 24), 1.0);
  EXPECT_EQ(pact::observed_chronicity(36, 0, 24), 1.0);
  EXPECT_TRUE(std::isnan(pact::observed_chronicity(23, 0, 24)));
  EXPECT_TRUE(std::isnan(pact::observed_chronicity(0, 0, 24)));
}

TEST(Calibration, FeaturesAreThoseRiskScoringComputes) {
  for (const pact::RiskModel* model : {&logistic(), &hazard()}) {
    const auto sim = simulate(*model, 3000, 3, 0.25);
    const auto features = pact::case_features(*model, pact::view_rows(sim.responses), 2);
    const std::size_t k = model->features().size();
    ASSERT_EQ(features.values.rows(), 3000);
    std::size_t imputed = 0;
    for (Eigen::Index i = 0; i < 3000; ++i) {
      const std::vector<double> row(sim.responses.row(i).data(), sim.responses.row(i).data() + sim.responses.cols());
      const auto risk = pact::score_risk(*model, row);
      for (std::size_t f = 0; f < k; ++f) {
        EXPECT_EQ(features.values(i, static_cast<Eigen::Index>(f)), risk.contributions[f].value);
        EXPECT_EQ(features.imputed[static_cast<std::size_t>(i) * k + f] == 1, risk.contributions[f].imputed);
        imputed += risk.contributions[f].imputed ? 1 : 0;
      }
      if (model->form() == pact::RiskForm::discrete_hazard) {
        EXPECT_EQ(features.months_in_care[static_cast<std::size_t>(i)], risk.months_in_care);
      }
    }
    EXPECT_GT(imputed, 500u);  // the missing answers did reach the imputation
    if (model->form() == pact::RiskForm::logistic) {
      EXPECT_TRUE(features.months_in_care.empty());
    }
  }
}

TEST(Calibration, FeatureErrorsNameTheRowAndItem) {
  pact::RowMatrix x(3, 6);
  x << 1, 0, 5, 0, 10, 0,  //
      1, 0, 5, 0, 10, 0,   //
      1, 0, NA, 0, 10, 0;
  expect_error([&] { pact::case_features(hazard(), pact::view_rows(x)); }, pact::ErrorKind::validation, "responses[2, a3]");
  x(1, 5) = 7;  // c1 has options 0, 5, 10
  expect_error([&] { pact::case_features(hazard(), pact::view_rows(x)); }, pact::ErrorKind::validation, "responses[1, c1]");
  expect_error([&] { pact::case_features(hazard(), pact::view_rows(x.data(), 3, 5, 6)); },
               pact::ErrorKind::invalid_argument, "responses");
  // In full blocks of the batch kernel, the first failing row is reported, whatever the threads.
  pact::RowMatrix many(40, 6);
  for (Eigen::Index i = 0; i < many.rows(); ++i) many.row(i) = x.row(0);
  many(33, 5) = 7;
  many(21, 2) = NA;
  for (unsigned threads : {1u, 2u})
    expect_error([&] { pact::case_features(hazard(), pact::view_rows(many), threads); }, pact::ErrorKind::validation,
                 "responses[21, a3]");
}

// The logistic fixture's coefficients are recovered from cases simulated with it.
TEST(Calibration, RecoversALogisticFixtureModel) {
  const auto& model = logistic();
  const auto sim = simulate(model, 60000, 21);
  for (double c : sim.chronic) ASSERT_FALSE(std::isnan(c));  // 36-month window, no dropout
  const auto result =
      pact::calibrate(model, pact::view_rows(sim.responses), logistic_outcomes(sim.chronic), options());
  EXPECT_EQ(result.form, pact::RiskForm::logistic);
  EXPECT_EQ(result.n_cases, 60000u);
  EXPECT_EQ(result.n_rows, 60000u);
  EXPECT_EQ(result.n_evaluated, 60000u);
  EXPECT_TRUE(result.fit.converged);
  EXPECT_EQ(result.fit.column_names,
            (std::vector<std::string>{"intercept", "dim_a", "sev_c1", "log_a3", "hinge_b1", "composite", "high_a", "a_x_c1"}));
  double worst = std::abs(result.intercept.coefficient - model.intercept().coefficient) / result.intercept.se;
  for (std::size_t k = 0; k < model.features().size(); ++k) {
    const double z = (result.features[k].coefficient - model.features()[k].coefficient) / result.features[k].se;
    EXPECT_LT(std::abs(z), 4.0) << model.features()[k].id;
    worst = std::max(worst, std::abs(z));
    EXPECT_EQ(result.features[k].se, result.fit.bse(static_cast<Eigen::Index>(k + 1)));
  }
  EXPECT_LT(worst, 4.0);
  RecordProperty("max_abs_z", std::to_string(worst));
}

TEST(Calibration, WritesAModelThatLoadsKeepsTheTemplateAndScoresAsFitted) {
  const auto& model = logistic();
  const auto sim = simulate(model, 8000, 5);
  auto o = options();
  o.notes = "test run";
  const auto result = pact::calibrate(model, pact::view_rows(sim.responses), logistic_outcomes(sim.chronic), o);

  const pact::RiskModel loaded = pact::RiskModel::parse(result.model_json, small());
  EXPECT_EQ(loaded.hash(), result.model.hash());
  EXPECT_EQ(loaded.id(), "test-logistic");
  EXPECT_EQ(loaded.version(), "2.0.0");
  const auto& p = loaded.provenance();
  EXPECT_EQ(p.status, pact::ProvenanceStatus::calibrated);
  EXPECT_EQ(p.fitted_on, "synthetic caseload for the tests");
  EXPECT_EQ(p.fitted_at, "2026-03-01");
  EXPECT_EQ(p.method, "pact fit logistic Newton/IRLS, l2 = 0");
  EXPECT_EQ(p.notes, "test run");
  EXPECT_EQ(p.n_cases, 8000);
  EXPECT_FALSE(p.n_rows.has_value());
  EXPECT_EQ(p.metrics.auc, result.evaluation.auc);
  EXPECT_EQ(p.metrics.brier, result.evaluation.brier);
  EXPECT_EQ(p.metrics.ece, result.evaluation.ece);
  EXPECT_EQ(p.metrics.calibration_intercept, result.evaluation.calibration->intercept);
  EXPECT_EQ(p.metrics.calibration_slope, result.evaluation.calibration->slope);
  // The coefficients survive the text exactly.
  EXPECT_EQ(loaded.intercept().coefficient, result.intercept.coefficient);
  EXPECT_EQ(loaded.intercept().se, result.intercept.se);
  for (std::size_t k = 0; k < loaded.features().size(); ++k) {
    EXPECT_EQ(loaded.features()[k].coefficient, result.features[k].coefficient);
    EXPECT_EQ(loaded.features()[k].se, result.features[k].se);
    EXPECT_EQ(loaded.features()[k].reference, model.features()[k].reference);
  }
  // Everything else is the template's: the documents agree once the fitted parts are removed.
  json written = json::parse(result.model_json), original = json::parse(model.canonical_json());
  for (json* doc : {&written, &original}) {
    doc->erase("version");
    doc->erase("intercept");
    doc->erase("provenance");
    for (auto& feature : (*doc)["features"]) {
      feature.erase("coefficient");
      feature.erase("se");
    }
  }
  EXPECT_EQ(written, original);
  // Written in the documented key order, readable.
  EXPECT_EQ(result.model_json.rfind("{\n  \"format\": \"pact.risk_model\",\n  \"format_version\": 1,\n  \"id\"", 0), 0u);

  // The loaded model scores a case as b0 + sum_k b_k x_k says.
  const auto features = pact::case_features(loaded, pact::view_rows(sim.responses));
  for (Eigen::Index i = 0; i < 5; ++i) {
    double eta = result.intercept.coefficient;
    for (std::size_t k = 0; k < result.features.size(); ++k)
      eta += result.features[k].coefficient * features.values(i, static_cast<Eigen::Index>(k));
    const std::vector<double> row(sim.responses.row(i).data(), sim.responses.row(i).data() + sim.responses.cols());
    EXPECT_NEAR(pact::score_risk(loaded, row).probability, 1 / (1 + std::exp(-eta)), 1e-14);
  }

  // New labels when the caller gives them.
  o.name = pact::Label(std::vector<std::pair<std::string, std::string>>{{"en", "Calibrated test model"}, {"es", "Modelo de prueba calibrado"}});
  const auto renamed = pact::calibrate(model, pact::view_rows(sim.responses), logistic_outcomes(sim.chronic), o);
  EXPECT_EQ(renamed.model.name().in("es"), "Modelo de prueba calibrado");
}

TEST(Calibration, HazardFormCountsPersonMonthsAndEvaluatesObservedOutcomes) {
  const auto& model = hazard();  // horizon 6 months
  const auto sim = simulate(model, 20000, 8, 0.1, 0.08);
  const auto result = pact::calibrate(model, pact::view_rows(sim.responses), hazard_outcomes(sim), options());
  std::size_t rows = 0, evaluated = 0, events = 0;
  for (std::size_t i = 0; i < sim.size(); ++i) {
    rows += static_cast<std::size_t>(sim.followup_months[i]);
    events += sim.left_care[i];
    if (!std::isnan(pact::observed_chronicity(sim.followup_months[i], sim.left_care[i], 6))) ++evaluated;
  }
  EXPECT_EQ(result.n_rows, rows);
  EXPECT_EQ(result.fit.rows, rows);
  EXPECT_EQ(result.n_evaluated, evaluated);
  EXPECT_LT(evaluated, sim.size());  // dropout made some outcomes unknown
  EXPECT_EQ(result.evaluation.n, evaluated);
  EXPECT_EQ(result.fit.column_names,
            (std::vector<std::string>{"months 1-3", "months 4-6", "months 7+", "sev_a1", "count_b1", "sev_c1"}));
  EXPECT_EQ(result.model.provenance().n_rows, static_cast<std::int64_t>(rows));
  EXPECT_EQ(result.model.provenance().method, "pact fit discrete_hazard Newton/IRLS, l2 = 0");
  ASSERT_EQ(result.model.baseline().size(), 3u);
  EXPECT_EQ(result.model.baseline()[1].from_month, 4);
  EXPECT_EQ(result.model.baseline()[1].coefficient, result.fit.params(1));
  EXPECT_EQ(result.model.baseline()[1].se, result.fit.bse(1));
  // The events are the exits: their count is the expected count at the estimate (the score
  // equations of the band columns sum to it).
  EXPECT_GT(events, 1000u);
  // The evaluation is the loaded model's P(chronic at 6 months) against the observed outcome.
  std::vector<double> y, p;
  for (std::size_t i = 0; i < sim.size(); ++i) {
    const double observed = pact::observed_chronicity(sim.followup_months[i], sim.left_care[i], 6);
    if (std::isnan(observed)) continue;
    y.push_back(observed);
    const auto row = sim.responses.row(static_cast<Eigen::Index>(i));
    p.push_back(pact::score_risk(result.model, std::vector<double>(row.data(), row.data() + row.size())).probability);
  }
  EXPECT_DOUBLE_EQ(*result.evaluation.auc, pact::roc_auc(y, p));
  EXPECT_DOUBLE_EQ(*result.evaluation.brier, pact::brier_score(y, p));
  EXPECT_DOUBLE_EQ(*result.evaluation.ece, pact::expected_calibration_error(y, p, 10));
  // Leaving out the cases censored before the horizon keeps every early leaver but only the
  // stayers that escaped censoring: fewer chronic cases than the model predicts, a negative
  // calibration intercept (docs/calibration.md, "Evaluation"), and a note that says so.
  EXPECT_LT(result.evaluation.calibration->intercept, -4 * result.evaluation.calibration->intercept_se);
  ASSERT_FALSE(result.evaluation.notes.empty());
  EXPECT_NE(result.evaluation.notes.back().find(std::to_string(sim.size() - evaluated) + " cases"), std::string::npos)
      << result.evaluation.notes.back();
  // Without censoring before the horizon, the fitted model (the generating one's specification)
  // is calibrated on its data: intercept near 0, slope near 1.
  const auto complete = simulate(model, 20000, 8, 0.1, 0.0);
  const auto uncensored = pact::calibrate(model, pact::view_rows(complete.responses), hazard_outcomes(complete), options());
  EXPECT_EQ(uncensored.n_evaluated, complete.size());
  EXPECT_TRUE(uncensored.evaluation.notes.empty());
  EXPECT_NEAR(uncensored.evaluation.calibration->intercept, 0.0, 4 * uncensored.evaluation.calibration->intercept_se);
  EXPECT_NEAR(uncensored.evaluation.calibration->slope, 1.0, 4 * uncensored.evaluation.calibration->slope_se);
}

TEST(Calibration, FrequencyWeightsCountAsRepeatedCases) {
  // Weights 1, 2, 3 on three thirds of the cases fit as the cases repeated that many times.
  const auto sim = simulate(hazard(), 3000, 13);
  std::vector<double> weights(sim.size());
  std::vector<Eigen::Index> repeated;
  for (std::size_t i = 0; i < sim.size(); ++i) {
    weights[i] = static_cast<double>(1 + i % 3);
    for (int r = 0; r < 1 + static_cast<int>(i % 3); ++r) repeated.push_back(static_cast<Eigen::Index>(i));
  }
  pact::RowMatrix x(static_cast<Eigen::Index>(repeated.size()), sim.responses.cols());
  std::vector<std::int32_t> followup;
  std::vector<std::uint8_t> left;
  for (std::size_t r = 0; r < repeated.size(); ++r) {
    x.row(static_cast<Eigen::Index>(r)) = sim.responses.row(repeated[r]);
    followup.push_back(sim.followup_months[static_cast<std::size_t>(repeated[r])]);
    left.push_back(sim.left_care[static_cast<std::size_t>(repeated[r])]);
  }
  auto o = options();
  o.weights = weights;
  const auto weighted = pact::calibrate(hazard(), pact::view_rows(sim.responses), hazard_outcomes(sim), o);
  pact::CalibrationOutcomes expanded;
  expanded.followup_months = followup;
  expanded.left_care = left;
  const auto plain = pact::calibrate(hazard(), pact::view_rows(x), expanded, options());
  for (Eigen::Index c = 0; c < plain.fit.params.size(); ++c) {
    EXPECT_NEAR(weighted.fit.params(c), plain.fit.params(c), 1e-9 * std::abs(plain.fit.params(c)));
    EXPECT_NEAR(weighted.fit.bse(c), plain.fit.bse(c), 1e-9 * plain.fit.bse(c));
  }
  EXPECT_NEAR(weighted.fit.llf, plain.fit.llf, 1e-9 * std::abs(plain.fit.llf));
  EXPECT_NEAR(*weighted.evaluation.brier, *plain.evaluation.brier, 1e-12);
  EXPECT_EQ(weighted.model.provenance().method, "pact fit discrete_hazard Newton/IRLS, l2 = 0, frequency weights");
  EXPECT_EQ(weighted.n_cases, 3000u);
}

TEST(Calibration, PenaltyShrinksFeaturesButNotTheBaseline) {
  const auto sim = simulate(hazard(), 3000, 17);
  auto o = options();
  o.l2 = 1e7;
  const auto result = pact::calibrate(hazard(), pact::view_rows(sim.responses), hazard_outcomes(sim), o);
  EXPECT_EQ(result.model.provenance().method, "pact fit discrete_hazard Newton/IRLS, l2 = 1e+07");
  for (const auto& f : result.features) EXPECT_LT(std::abs(f.coefficient), 1e-3);
  // With the features shrunk to ~0, each band's coefficient is the logit of its exit rate.
  const pact::RiskModel& m = hazard();
  const auto features = pact::case_features(m, pact::view_rows(sim.responses));
  std::vector<std::int32_t> starts{1, 4, 7};
  const auto periods = pact::expand_person_periods(features.months_in_care, sim.followup_months, sim.left_care, starts);
  for (std::size_t b = 0; b < 3; ++b) {
    double exits = 0, months = 0;
    for (std::size_t r = 0; r < periods.rows(); ++r)
      if (periods.band[r] == static_cast<std::int32_t>(b)) {
        months += 1;
        exits += periods.event[r];
      }
    EXPECT_NEAR(result.baseline[b].coefficient, std::log(exits / (months - exits)), 2e-3) << b;
  }
}

TEST(Calibration, ResultsDoNotDependOnTheThreadCount) {
  const auto sim = simulate(hazard(), 20000, 19);
  const auto one = pact::calibrate(hazard(), pact::view_rows(sim.responses), hazard_outcomes(sim), options(1));
  const auto two = pact::calibrate(hazard(), pact::view_rows(sim.responses), hazard_outcomes(sim), options(2));
  EXPECT_EQ(one.model_json, two.model_json);
  EXPECT_EQ(one.fit.params, two.fit.params);
}

TEST(Calibration, SampleMedianReferences) {
  const auto& model = logistic();
  const auto sim = simulate(model, 5001, 23, 0.3);
  auto o = options();
  o.references = pact::ReferencePolicy::sample_median;
  const auto result = pact::calibrate(model, pact::view_rows(sim.responses), logistic_outcomes(sim.chronic), o);
  EXPECT_EQ(result.model.provenance().method, "pact fit logistic Newton/IRLS, l2 = 0, references = sample medians");
  // Each reference is the median of the feature over the cases where it is not imputed.
  const auto features = pact::case_features(model, pact::view_rows(sim.responses));
  const std::size_t k = model.features().size();
  for (std::size_t f = 0; f < k; ++f) {
    std::vector<double> present;
    for (std::size_t i = 0; i < sim.size(); ++i)
      if (!features.imputed[i * k + f]) present.push_back(features.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f)));
    std::sort(present.begin(), present.end());
    const std::size_t n = present.size();
    const double median = n % 2 ? present[n / 2] : (present[n / 2 - 1] + present[n / 2]) / 2;
    EXPECT_EQ(result.references[f], median) << model.features()[f].id;
    EXPECT_EQ(result.model.features()[f].reference, median);
  }
  // sev_c1 is imputed (c1 unanswered in about 30% of cases) at its new reference, the median
  // severity, which is not the template's 0: the fit saw the imputed value the model will use.
  const auto imputed = std::find_if(sim.responses.col(5).begin(), sim.responses.col(5).end(),
                                    [](double v) { return std::isnan(v); });
  ASSERT_NE(imputed, sim.responses.col(5).end());
  EXPECT_NE(result.references[1], 0.0);
  const auto i = static_cast<Eigen::Index>(imputed - sim.responses.col(5).begin());
  const std::vector<double> row(sim.responses.row(i).data(), sim.responses.row(i).data() + sim.responses.cols());
  const auto risk = pact::score_risk(result.model, row);
  EXPECT_TRUE(risk.contributions[1].imputed);
  EXPECT_EQ(risk.contributions[1].value, result.references[1]);
  // Refitting on a design with those values gives the same coefficients.
  pact::RowMatrix X(static_cast<Eigen::Index>(sim.size()), static_cast<Eigen::Index>(k + 1));
  X.col(0).setOnes();
  X.rightCols(static_cast<Eigen::Index>(k)) = features.values;
  for (std::size_t r = 0; r < sim.size(); ++r)
    for (std::size_t f = 0; f < k; ++f)
      if (features.imputed[r * k + f]) X(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(f + 1)) = result.references[f];
  const auto direct = pact::fit_logistic(X, sim.chronic);
  for (Eigen::Index c = 0; c < direct.params.size(); ++c)
    EXPECT_NEAR(result.fit.params(c), direct.params(c), 1e-9 * (1 + std::abs(direct.params(c))));
}

TEST(Calibration, OutcomeErrorsNameTheRow) {
  const auto sim = simulate(logistic(), 20, 1);
  const auto view = pact::view_rows(sim.responses);
  std::vector<double> chronic(sim.chronic);
  auto fit_logistic_model = [&] { pact::calibrate(logistic(), view, logistic_outcomes(chronic), options()); };
  chronic[3] = NA;
  expect_error(fit_logistic_model, pact::ErrorKind::invalid_argument, "outcomes.chronic[3]");
  chronic[3] = 2;
  expect_error(fit_logistic_model, pact::ErrorKind::invalid_argument, "outcomes.chronic[3]");
  chronic.pop_back();
  expect_error(fit_logistic_model, pact::ErrorKind::invalid_argument, "outcomes.chronic");
  expect_error([&] { pact::calibrate(logistic(), view, hazard_outcomes(sim), options()); },
               pact::ErrorKind::invalid_argument, "outcomes");

  const auto hsim = simulate(hazard(), 20, 1);
  const auto hview = pact::view_rows(hsim.responses);
  std::vector<std::int32_t> followup(hsim.followup_months);
  std::vector<std::uint8_t> left(hsim.left_care);
  pact::CalibrationOutcomes out;
  out.followup_months = followup;
  out.left_care = left;
  auto fit_hazard_model = [&] { pact::calibrate(hazard(), hview, out, options()); };
  left[5] = 2;
  expect_error(fit_hazard_model, pact::ErrorKind::invalid_argument, "outcomes.left_care[5]");
  left[5] = 1;
  followup[5] = 0;
  expect_error(fit_hazard_model, pact::ErrorKind::invalid_argument, "outcomes.left_care[5]");
  followup[5] = -1;
  left[5] = 0;
  expect_error(fit_hazard_model, pact::ErrorKind::invalid_argument, "outcomes.followup_months[5]");
  out.left_care = std::span<const std::uint8_t>(left).first(19);
  expect_error(fit_hazard_model, pact::ErrorKind::invalid_argument, "outcomes.left_care");
  expect_error([&] { pact::calibrate(hazard(), hview, logistic_outcomes(hsim.chronic), options()); },
               pact::ErrorKind::invalid_argument, "outcomes");

  std::vector<double> weights(20, 1.0);
  weights[4] = -1;
  auto o = options();
  o.weights = weights;
  expect_error([&] { pact::calibrate(hazard(), hview, hazard_outcomes(hsim), o); }, pact::ErrorKind::invalid_argument,
               "options.weights[4]");
}

TEST(Calibration, OptionErrorsNameTheOption) {
  const auto sim = simulate(hazard(), 200, 1);
  const auto view = pact::view_rows(sim.responses);
  auto o = options();
  o.version = "2.0";
  expect_error([&] { pact::calibrate(hazard(), view, hazard_outcomes(sim), o); }, pact::ErrorKind::invalid_argument,
               "options.version");
  o = options();
  o.fitted_at = "2026-02-30";
  expect_error([&] { pact::calibrate(hazard(), view, hazard_outcomes(sim), o); }, pact::ErrorKind::invalid_argument,
               "options.fitted_at");
  o = options();
  o.fitted_on = "";
  expect_error([&] { pact::calibrate(hazard(), view, hazard_outcomes(sim), o); }, pact::ErrorKind::invalid_argument,
               "options.fitted_on");
  o = options();
  o.l2 = -1;
  expect_error([&] { pact::calibrate(hazard(), view, hazard_outcomes(sim), o); }, pact::ErrorKind::invalid_argument,
               "options.l2");
  o = options();
  o.name = pact::Label(std::vector<std::pair<std::string, std::string>>{{"en", "English only"}});
  expect_error([&] { pact::calibrate(hazard(), view, hazard_outcomes(sim), o); }, pact::ErrorKind::invalid_argument,
               "options.name");
}

TEST(Calibration, FitErrorsNameFeaturesAndBands) {
  // Separation: still in care exactly when c1 is answered 5 or 10 (severity 0.5 or 1).
  const auto sim = simulate(logistic(), 2000, 29, 0.0);
  std::vector<double> chronic(sim.size());
  for (std::size_t i = 0; i < sim.size(); ++i) chronic[i] = sim.responses(static_cast<Eigen::Index>(i), 5) >= 5 ? 1 : 0;
  try {
    pact::calibrate(logistic(), pact::view_rows(sim.responses), logistic_outcomes(chronic), options());
    ADD_FAILURE() << "no separation error";
  } catch (const pact::FitError& e) {
    EXPECT_EQ(e.problem(), pact::FitError::Problem::separation) << e.what();
    EXPECT_NE(std::find(e.columns().begin(), e.columns().end(), "sev_c1"), e.columns().end()) << e.what();
    for (const auto& column : e.columns())
      EXPECT_TRUE(column == "intercept" || logistic().find_feature(column)) << column;
  }
  // A duration band no case reaches: followed 2 months from at most 1 month in care.
  auto hsim = simulate(hazard(), 400, 31);
  for (Eigen::Index i = 0; i < hsim.responses.rows(); ++i) hsim.responses(i, 2) = static_cast<double>(i % 2);
  std::vector<std::int32_t> followup(400, 2);
  std::vector<std::uint8_t> left(400, 0);
  for (std::size_t i = 0; i < 400; i += 3) left[i] = 1;
  pact::CalibrationOutcomes out;
  out.followup_months = followup;
  out.left_care = left;
  try {
    pact::calibrate(hazard(), pact::view_rows(hsim.responses), out, options());
    ADD_FAILURE() << "no rank error";
  } catch (const pact::FitError& e) {
    EXPECT_EQ(e.problem(), pact::FitError::Problem::rank_deficient) << e.what();
    EXPECT_NE(std::find(e.columns().begin(), e.columns().end(), "months 4-6"), e.columns().end()) << e.what();
    EXPECT_NE(e.reason().find("'months 7+' is zero on every row"), std::string::npos) << e.what();
  }
}

}  // namespace
