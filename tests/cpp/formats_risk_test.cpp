// Results with a chronicity-risk model: the "risk" section of the JSON result (values computed
// by hand for the two fixture models, as in risk_model_test.cpp, and equal to the RiskResult's
// to the bit when read back), the risk columns of the CSV results, the batch path (ScoredBatch
// with a model) against single-case score_risk, and JSON Lines results with risk.
#include "pact/formats.hpp"

#include "formats_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using nlohmann::json;

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();
const double LN2 = std::log(2.0);

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
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

pact::Assessment small_case(const std::string& id, std::vector<double> responses) {
  pact::Assessment a;
  a.case_id = id;
  a.date = "2024-03-01";
  a.attributes = {{"territory", "leon"}};
  a.responses = std::move(responses);
  return a;
}

json risk_json(const pact::RiskModel& model, const pact::Assessment& a, const pact::RiskResult& risk,
               const std::string& language) {
  pact::ResultOptions options;
  options.language = language;
  const json result = json::parse(pact::write_result_json(model, a, pact::score(model.instrument(), a), risk, options));
  return result.at("risk");
}

double number(const json& v) { return v.is_null() ? NA : v.get<double>(); }
bool same(double x, double y) { return std::isnan(x) ? std::isnan(y) : pact_test::same_bits(x, y); }

// Every number of a written risk section is the RiskResult's, bit for bit.
void expect_section_equals_result(const json& r, const pact::RiskResult& risk, const std::string& where) {
  EXPECT_TRUE(same(number(r["probability"]), risk.probability)) << where;
  EXPECT_TRUE(same(number(r["linear_predictor"]), risk.linear_predictor)) << where;
  EXPECT_EQ(r["imputed_count"], risk.imputed_count) << where;
  ASSERT_EQ(r["contributions"].size(), risk.contributions.size()) << where;
  for (std::size_t k = 0; k < risk.contributions.size(); ++k) {
    const json& c = r["contributions"][k];
    EXPECT_TRUE(same(number(c["value"]), risk.contributions[k].value)) << where << " " << k;
    EXPECT_TRUE(same(number(c["reference"]), risk.contributions[k].reference)) << where << " " << k;
    EXPECT_TRUE(same(number(c["contribution"]), risk.contributions[k].contribution)) << where << " " << k;
    EXPECT_TRUE(same(number(c["risk_effect"]), risk.contributions[k].risk_effect)) << where << " " << k;
    EXPECT_EQ(c["imputed"], risk.contributions[k].imputed) << where;
  }
  ASSERT_EQ(r["top_factors"].size(), risk.top_factors.size()) << where;
  if (risk.form == pact::RiskForm::discrete_hazard) {
    EXPECT_EQ(r["duration_months"], risk.months_in_care) << where;
    ASSERT_EQ(r["survival"].size(), risk.survival.size()) << where;
    for (std::size_t m = 0; m < risk.survival.size(); ++m) {
      EXPECT_EQ(r["survival"][m]["month"], m + 1) << where;
      EXPECT_TRUE(same(number(r["survival"][m]["probability"]), risk.survival[m])) << where << " month " << m + 1;
    }
    ASSERT_EQ(r["horizons"].size(), risk.horizons.size()) << where;
    for (std::size_t h = 0; h < risk.horizons.size(); ++h) {
      EXPECT_EQ(r["horizons"][h]["months"], risk.horizons[h].months) << where;
      EXPECT_TRUE(same(number(r["horizons"][h]["probability"]), risk.horizons[h].probability)) << where;
    }
  } else {
    EXPECT_FALSE(r.contains("survival")) << where;
    EXPECT_FALSE(r.contains("horizons")) << where;
    EXPECT_FALSE(r.contains("duration_months")) << where;
  }
  if (!risk.counterfactual_searched) {
    EXPECT_FALSE(r.contains("counterfactual")) << where;
  } else if (!risk.counterfactual) {
    EXPECT_TRUE(r.at("counterfactual").is_null()) << where;
  } else {
    const json& cf = r.at("counterfactual");
    EXPECT_TRUE(same(number(cf["from"]), risk.counterfactual->from_value)) << where;
    EXPECT_TRUE(same(number(cf["to"]), risk.counterfactual->to_value)) << where;
    EXPECT_TRUE(same(number(cf["from_severity"]), risk.counterfactual->from_severity)) << where;
    EXPECT_TRUE(same(number(cf["to_severity"]), risk.counterfactual->to_severity)) << where;
    EXPECT_TRUE(same(number(cf["probability"]), risk.counterfactual->probability)) << where;
  }
}

TEST(RiskJson, TheLogisticCaseCarriesItsHandComputedRiskSection) {
  // risk_model_test.cpp, LogisticCaseByHand: a1 = 4, a2 = 0, a3 = 0, b1 = 2, b2 = 50, c1 = 5.
  // eta = ln 2, p = 2/3 (high); contributions in ln 2 units .5, 1, -1, 0, .5, 0, 1; top factors
  // sev_c1 and a_x_c1 (1 each, model order), then dim_a (.5); counterfactual c1 5 -> 0 ("Regular"
  // -> "Bien"), eta -1.25 ln 2: low.
  const auto a = small_case("c-logistic", {4, 0, 0, 2, 50, 5});
  const auto risk = pact::score_risk(logistic(), a);
  const json r = risk_json(logistic(), a, risk, "es");

  EXPECT_EQ(r["status"], "ok");
  EXPECT_EQ(r["model"], json({{"id", "test-logistic"},
                              {"version", "0.3.0"},
                              {"hash", logistic().hash()},
                              {"status", "calibrated"},
                              {"instrument", {{"id", "test-small"}, {"version", "1.2.3"}, {"hash", small().hash()}}}}));
  EXPECT_EQ(r["language"], "es");
  EXPECT_EQ(r["form"], "logistic");
  EXPECT_EQ(r["horizon_months"], 12);
  EXPECT_NEAR(r["probability"].get<double>(), 2.0 / 3.0, 1e-12);
  EXPECT_EQ(r["band"], json({{"id", "high"}, {"label", "Alto"}}));
  EXPECT_NEAR(r["linear_predictor"].get<double>(), LN2, 1e-12);
  EXPECT_EQ(r["imputed_count"], 0);

  const char* ids[] = {"dim_a", "sev_c1", "log_a3", "hinge_b1", "composite", "high_a", "a_x_c1"};
  const char* kinds[] = {"dimension_score", "item_severity", "log_item_value", "hinge_item_value",
                         "composite",       "indicator",     "interaction"};
  const double in_ln2[] = {0.5, 1, -1, 0, 0.5, 0, 1};
  const char* directions[] = {"raises", "raises", "lowers", "none", "raises", "none", "raises"};
  ASSERT_EQ(r["contributions"].size(), 7u);
  for (std::size_t k = 0; k < 7; ++k) {
    const json& c = r["contributions"][k];
    EXPECT_EQ(c["feature"], ids[k]);
    EXPECT_EQ(c["kind"], kinds[k]);
    EXPECT_NEAR(c["contribution"].get<double>(), in_ln2[k] * LN2, 1e-12) << k;
    EXPECT_NEAR(c["risk_effect"].get<double>(), in_ln2[k] * LN2, 1e-12) << "logistic: the same sign " << k;
    EXPECT_EQ(c["direction"], directions[k]) << k;
    EXPECT_EQ(c["imputed"], false);
  }
  // Labels in Spanish: borrowed from the instrument (dimension a, item c1) or the model's own.
  EXPECT_EQ(r["contributions"][0]["label"], "Dimensión A");
  EXPECT_EQ(r["contributions"][1]["label"], "Ítem c1");
  EXPECT_EQ(r["contributions"][4]["label"], "Índice compuesto");
  EXPECT_DOUBLE_EQ(r["contributions"][6]["value"].get<double>(), 0.25);  // A x sev_c1 = .5 x .5
  EXPECT_DOUBLE_EQ(r["contributions"][2]["reference"].get<double>(), LN2);

  ASSERT_EQ(r["top_factors"].size(), 3u);
  EXPECT_EQ(r["top_factors"][0]["feature"], "sev_c1");
  EXPECT_EQ(r["top_factors"][0]["label"], "Ítem c1");
  EXPECT_EQ(r["top_factors"][1]["feature"], "a_x_c1");
  EXPECT_EQ(r["top_factors"][2]["feature"], "dim_a");
  EXPECT_NEAR(r["top_factors"][2]["risk_effect"].get<double>(), 0.5 * LN2, 1e-12);

  const json& cf = r["counterfactual"];
  EXPECT_EQ(cf["item"], "c1");
  EXPECT_EQ(cf["label"], "Ítem c1");
  EXPECT_EQ(cf["from"], 5);
  EXPECT_EQ(cf["to"], 0);
  EXPECT_EQ(cf["from_label"], "Regular");
  EXPECT_EQ(cf["to_label"], "Bien");
  EXPECT_EQ(cf["from_severity"], 0.5);
  EXPECT_EQ(cf["to_severity"], 0);
  EXPECT_NEAR(cf["probability"].get<double>(), p_of_log2_odds(-1.25), 1e-12);
  EXPECT_EQ(cf["band"], json({{"id", "low"}, {"label", "Bajo"}}));

  expect_section_equals_result(r, risk, "logistic");
}

TEST(RiskJson, TheHazardCaseCarriesItsSurvivalCurveAndExtraHorizons) {
  // risk_model_test.cpp, HazardCaseByHand: a1 = 2 (.25), a3 = 2 months in care, b1 = 0, the rest
  // missing. eta = -ln 2; S(1..10) = 1/2, 3/8, 9/32, 27/128, 27/160, 27/200 (the horizon, medium),
  // then x 4/5 a month. count_b1 contributes ln 2 (0 - 1) = -ln 2 to the exit hazard: it raises
  // the risk by ln 2. sev_c1 is imputed. Counterfactual a1 2 -> 1 ("Mild" -> "None"): S(6) = .032.
  pact::RiskOptions options;
  options.horizons = {3, 10};
  const auto a = small_case("c-hazard", {2, NA, 2, 0, NA, NA});
  const auto risk = pact::score_risk(hazard(), a, options);
  const json r = risk_json(hazard(), a, risk, "en");

  EXPECT_EQ(r["status"], "ok");
  EXPECT_EQ(r["model"]["id"], "test-hazard");
  EXPECT_EQ(r["model"]["status"], "illustrative");
  EXPECT_EQ(r["form"], "discrete_hazard");
  EXPECT_EQ(r["horizon_months"], 6);
  EXPECT_EQ(r["duration_months"], 2);
  EXPECT_NEAR(r["probability"].get<double>(), 27.0 / 200.0, 1e-12);
  EXPECT_EQ(r["band"], json({{"id", "medium"}, {"label", "Medium"}}));
  EXPECT_NEAR(r["linear_predictor"].get<double>(), -LN2, 1e-12);
  EXPECT_EQ(r["imputed_count"], 1);
  const double expected[] = {1.0 / 2, 3.0 / 8, 9.0 / 32, 27.0 / 128, 27.0 / 160, 27.0 / 200,
                             27.0 / 250, 27.0 / 312.5, 0.0691200, 0.055296};
  ASSERT_EQ(r["survival"].size(), 10u);
  for (std::size_t m = 0; m < 10; ++m) {
    EXPECT_EQ(r["survival"][m]["month"], m + 1);
    EXPECT_NEAR(r["survival"][m]["probability"].get<double>(), expected[m], 1e-12) << m + 1;
  }
  ASSERT_EQ(r["horizons"].size(), 2u);
  EXPECT_EQ(r["horizons"][0]["months"], 3);
  EXPECT_NEAR(r["horizons"][0]["probability"].get<double>(), 9.0 / 32.0, 1e-12);
  EXPECT_EQ(r["horizons"][1]["months"], 10);
  EXPECT_NEAR(r["horizons"][1]["probability"].get<double>(), 0.055296, 1e-12);

  const json& b1 = r["contributions"][1];
  EXPECT_EQ(b1["feature"], "count_b1");
  EXPECT_EQ(b1["kind"], "item_value");
  EXPECT_EQ(b1["label"], "Item b1");
  EXPECT_NEAR(b1["contribution"].get<double>(), -LN2, 1e-12);
  EXPECT_NEAR(b1["risk_effect"].get<double>(), LN2, 1e-12);
  EXPECT_EQ(b1["direction"], "raises");
  EXPECT_EQ(r["contributions"][0]["direction"], "none");  // a1 at its reference severity
  EXPECT_EQ(r["contributions"][2]["imputed"], true);
  EXPECT_EQ(r["contributions"][2]["label"], "Severity of c1");
  ASSERT_EQ(r["top_factors"].size(), 1u);
  EXPECT_EQ(r["top_factors"][0]["feature"], "count_b1");

  const json& cf = r["counterfactual"];
  EXPECT_EQ(cf["item"], "a1");
  EXPECT_EQ(cf["from"], 2);
  EXPECT_EQ(cf["to"], 1);
  EXPECT_EQ(cf["from_label"], "Mild");
  EXPECT_EQ(cf["to_label"], "None");
  EXPECT_NEAR(cf["probability"].get<double>(), 0.032, 1e-12);
  EXPECT_EQ(cf["band"], json({{"id", "low"}, {"label", "Low"}}));

  expect_section_equals_result(r, risk, "hazard");
}

TEST(RiskJson, TheCounterfactualIsAbsentWhenNotAskedForAndNullWhenNoneExists) {
  // A case in the lowest band (risk_model_test.cpp: p = .2 < .3) has nothing to lower.
  const auto low = small_case("c-low", {1, 0, 1, 0, 100, 0});
  const json searched = risk_json(logistic(), low, pact::score_risk(logistic(), low), "en");
  EXPECT_TRUE(searched.at("counterfactual").is_null());
  pact::RiskOptions options;
  options.counterfactual = false;
  const auto high = small_case("c-high", {4, 0, 0, 2, 50, 5});
  const json skipped = risk_json(logistic(), high, pact::score_risk(logistic(), high, options), "en");
  EXPECT_FALSE(skipped.contains("counterfactual"));
}

// The logistic fixture with English labels only (every label object loses its "es" text).
pact::RiskModel english_only_logistic() {
  std::function<void(json&)> strip = [&](json& node) {
    if (node.is_object()) {
      if (node.contains("en") && node.contains("es") && node.size() == 2) {
        node.erase("es");
        return;
      }
      for (auto& [key, value] : node.items()) strip(value);
    } else if (node.is_array()) {
      for (auto& value : node) strip(value);
    }
  };
  json doc = json::parse(pact_test::read_text(pact_test::data_path("models/logistic.json")));
  strip(doc);
  doc["languages"] = {"en"};
  return pact::RiskModel::parse(doc.dump(), small());
}

TEST(RiskJson, ModelLabelsFallBackToTheModelsDefaultLanguageAndSaySo) {
  // The result is in Spanish (the instrument has it); the model has only English: its labels
  // (bands, features) are English and the section says so, item and option labels stay Spanish.
  const auto model = english_only_logistic();
  const auto a = small_case("c-1", {4, 0, 0, 2, 50, 5});
  const json r = risk_json(model, a, pact::score_risk(model, a), "es");
  EXPECT_EQ(r["language"], "en");
  EXPECT_EQ(r["band"]["label"], "High");
  EXPECT_EQ(r["contributions"][0]["label"], "Dimension A");
  EXPECT_EQ(r["counterfactual"]["label"], "Ítem c1");
  EXPECT_EQ(r["counterfactual"]["from_label"], "Regular");
}

TEST(RiskJson, ARiskResultOfAnotherModelOrScoresOfAnotherInstrumentAreRefused) {
  const auto a = small_case("c-1", {2, NA, 2, 0, NA, NA});
  const auto scores = pact::score(small(), a);
  const auto of_hazard = pact::score_risk(hazard(), a);
  EXPECT_THROW(pact::write_result_json(logistic(), a, scores, of_hazard), pact::InvalidArgument);
  const auto bundled_case = pact_test::random_assessments(pact::Instrument::bundled(), 1, 3)[0];
  EXPECT_THROW(pact::write_result_json(logistic(), a, pact::score(pact::Instrument::bundled(), bundled_case),
                                       pact::score_risk(logistic(), a)),
               pact::InvalidArgument);
  std::string out;
  const std::vector<pact::AttributeView> none;
  EXPECT_THROW(pact::append_result_json(out, hazard(), {"c-1", "", none, a.responses}, scores, pact::RiskStatus::ok),
               pact::InvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// The batch path
// ---------------------------------------------------------------------------------------------

void fill(pact::AssessmentBatch& batch, const std::vector<pact::Assessment>& cases) {
  batch.reset(cases.front().responses.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto row = batch.begin_row(i + 1);
    batch.set_case_id(cases[i].case_id);
    if (!cases[i].date.empty()) batch.set_date(cases[i].date);
    for (const auto& [name, value] : cases[i].attributes) batch.add_attribute(name, value);
    std::copy(cases[i].responses.begin(), cases[i].responses.end(), row.begin());
    batch.commit_row();
  }
  batch.finish();
}

TEST(RiskBatch, EveryRowEqualsSingleCaseScoringToTheBitWhateverTheThreads) {
  for (const pact::RiskModel* model : {&pact::RiskModel::bundled(), &hazard(), &logistic()}) {
    const auto cases = pact_test::random_assessments(model->instrument(), 3000, 51);
    pact::AssessmentBatch batch;
    fill(batch, cases);
    for (unsigned threads : {1u, 2u, 0u}) {
      pact::ScoredBatch scored;
      const auto summary = scored.score(*model, batch, threads);
      ASSERT_TRUE(scored.has_risk());
      std::size_t with_risk = 0, missing_duration = 0;
      pact::CaseScores from_batch;
      for (std::size_t i = 0; i < cases.size(); ++i) {
        const std::string where = model->id() + " row " + std::to_string(i);
        ASSERT_EQ(scored.status(i), pact::ResponseStatus::ok) << where;
        scored.case_scores(i, from_batch);
        pact_test::expect_same_scores(from_batch, pact::score(model->instrument(), cases[i]), where);
        const auto duration = model->duration_item();
        if (duration && std::isnan(cases[i].responses[*duration])) {
          // score_risk refuses such a case; the batch flags the row and goes on.
          EXPECT_THROW(pact::score_risk(*model, cases[i]), pact::ValidationError);
          EXPECT_EQ(scored.risk_status(i), pact::RiskStatus::missing_duration) << where;
          EXPECT_TRUE(std::isnan(scored.risk_probability(i))) << where;
          EXPECT_EQ(scored.risk_band(i), -1) << where;
          EXPECT_TRUE(scored.risk_top_factors(i).empty()) << where;
          ++missing_duration;
          continue;
        }
        const auto risk = pact::score_risk(*model, cases[i]);
        EXPECT_EQ(scored.risk_status(i), pact::RiskStatus::ok) << where;
        EXPECT_TRUE(pact_test::same_bits(scored.risk_probability(i), risk.probability)) << where;
        EXPECT_TRUE(pact_test::same_bits(scored.risk_linear_predictor(i), risk.linear_predictor)) << where;
        EXPECT_EQ(scored.risk_band(i), risk.band) << where;
        EXPECT_EQ(scored.risk_imputed_features(i), static_cast<std::int32_t>(risk.imputed_count)) << where;
        const auto top = scored.risk_top_factors(i);
        EXPECT_EQ(std::vector<std::size_t>(top.begin(), top.end()), risk.top_factors) << where;
        ++with_risk;
      }
      EXPECT_EQ(summary.scored, with_risk);
      EXPECT_EQ(summary.rejected, missing_duration);
      if (model->duration_item()) {
        EXPECT_GT(missing_duration, 0u) << "the random cases leave some durations missing";
      }
    }
  }
}

TEST(RiskBatch, TopFactorsKeepTheLargestThreeInModelOrderOnTies) {
  // The logistic case of risk_model_test.cpp has four features raising the risk: sev_c1 and
  // a_x_c1 (ln 2 each), dim_a and composite (.5 ln 2 each): the batch keeps sev_c1, a_x_c1, dim_a.
  pact::AssessmentBatch batch;
  fill(batch, {small_case("c-1", {4, 0, 0, 2, 50, 5})});
  pact::ScoredBatch scored;
  scored.score(logistic(), batch);
  const auto top = scored.risk_top_factors(0);
  EXPECT_EQ(std::vector<std::int32_t>(top.begin(), top.end()), (std::vector<std::int32_t>{1, 6, 0}));
  // Scored again without a model, the batch has no risk to give.
  scored.score(small(), batch);
  EXPECT_FALSE(scored.has_risk());
  EXPECT_THROW(scored.risk_probability(0), pact::InvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// CSV results with risk
// ---------------------------------------------------------------------------------------------

std::vector<std::vector<std::string>> read_records(const std::string& text) {
  std::istringstream in(text);
  pact::CsvRecordReader reader(in);
  pact::CsvRecord record;
  std::vector<std::vector<std::string>> out;
  while (reader.next(record)) {
    EXPECT_FALSE(record.problem.has_value());
    out.emplace_back(record.fields.begin(), record.fields.end());
  }
  return out;
}

TEST(RiskCsv, TheRiskColumnsFollowTheInstrumentsInTheDocumentedOrder) {
  const auto columns = pact::result_csv_columns(hazard());
  const auto instrument_columns = pact::result_csv_columns(small());
  ASSERT_EQ(columns.size(), instrument_columns.size() + 12);
  EXPECT_TRUE(std::equal(instrument_columns.begin(), instrument_columns.end(), columns.begin()));
  EXPECT_EQ(std::vector<std::string>(columns.begin() + static_cast<std::ptrdiff_t>(instrument_columns.size()), columns.end()),
            (std::vector<std::string>{"risk_status", "risk_probability", "risk_band", "risk_band_label",
                                      "risk_linear_predictor", "risk_horizon_months", "risk_imputed_count",
                                      "risk_top_factors", "risk_model_id", "risk_model_version", "risk_model_hash",
                                      "risk_model_status"}));
  pact::ResultCsvOptions options;
  options.provenance = false;
  EXPECT_EQ(pact::result_csv_columns(hazard(), options).back(), "risk_top_factors");
  options.attributes = {"risk_band"};
  EXPECT_THROW(pact::result_csv_columns(hazard(), options), pact::InvalidArgument);
}

TEST(RiskCsv, TheLogisticCaseIsWrittenAsComputedByHand) {
  const auto a = small_case("c-1", {4, 0, 0, 2, 50, 5});
  std::ostringstream out;
  pact::ResultCsvOptions options;
  options.language = "es";
  pact::CsvResultWriter writer(logistic(), out, options);
  writer.write(a, pact::score(small(), a), pact::score_risk(logistic(), a));
  const auto records = read_records(out.str());
  ASSERT_EQ(records.size(), 2u);
  const auto& header = records[0];
  const auto& row = records[1];
  auto at = [&](const std::string& name) {
    return row[static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin())];
  };
  EXPECT_EQ(at("risk_status"), "ok");
  EXPECT_NEAR(std::strtod(at("risk_probability").c_str(), nullptr), 2.0 / 3.0, 1e-12);
  EXPECT_EQ(at("risk_band"), "high");
  EXPECT_EQ(at("risk_band_label"), "Alto");
  EXPECT_NEAR(std::strtod(at("risk_linear_predictor").c_str(), nullptr), LN2, 1e-12);
  EXPECT_EQ(at("risk_horizon_months"), "12");
  EXPECT_EQ(at("risk_imputed_count"), "0");
  EXPECT_EQ(at("risk_top_factors"), "sev_c1;a_x_c1;dim_a");
  EXPECT_EQ(at("risk_model_id"), "test-logistic");
  EXPECT_EQ(at("risk_model_version"), "0.3.0");
  EXPECT_EQ(at("risk_model_hash"), logistic().hash());
  EXPECT_EQ(at("risk_model_status"), "calibrated");
  EXPECT_EQ(at("level"), "mid");  // the instrument's columns are still there: composite .5
}

TEST(RiskCsv, BatchRowsReadBackBitIdenticallyAndEqualTheSingleCaseRows) {
  const auto& model = pact::RiskModel::bundled();
  const auto& instrument = model.instrument();
  const auto cases = pact_test::random_assessments(instrument, 600, 53);
  std::istringstream in(pact_test::assessments_csv(instrument, cases));
  pact::CsvReadOptions read_options;
  read_options.batch_rows = 128;
  pact::CsvAssessmentReader reader(instrument, in, read_options);
  pact::ResultCsvOptions options;
  options.attributes = reader.attribute_columns();
  options.language = "ca";
  std::ostringstream batch_out, single_out;
  pact::CsvResultWriter batch_writer(model, batch_out, options), single_writer(model, single_out, options);
  pact::AssessmentBatch batch;
  pact::ScoredBatch scored;
  while (reader.next(batch)) {
    scored.score(model, batch, 2);
    batch_writer.write(batch, scored);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      pact::CaseScores s;
      scored.case_scores(i, s);
      if (scored.risk_status(i) == pact::RiskStatus::ok)
        single_writer.write(pact::case_view(batch, i), s, pact::score_risk(model, batch.responses(i)));
    }
  }
  EXPECT_EQ(batch_writer.rows_written(), cases.size());

  const auto records = read_records(batch_out.str());
  const auto single = read_records(single_out.str());
  ASSERT_EQ(records.size(), cases.size() + 1);
  EXPECT_EQ(records[0], batch_writer.columns());
  auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(records[0].begin(), records[0].end(), name) - records[0].begin());
  };
  auto value = [](const std::string& text) { return text.empty() ? NA : std::strtod(text.c_str(), nullptr); };
  std::size_t next_single = 1, without_risk = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& row = records[i + 1];
    const std::string where = cases[i].case_id;
    EXPECT_EQ(row[column("case_id")], cases[i].case_id);
    const auto duration = *model.duration_item();
    if (std::isnan(cases[i].responses[duration])) {
      EXPECT_EQ(row[column("risk_status")], "missing_duration") << where;
      for (const char* name : {"risk_probability", "risk_band", "risk_band_label", "risk_linear_predictor",
                               "risk_horizon_months", "risk_imputed_count", "risk_top_factors"})
        EXPECT_EQ(row[column(name)], "") << where << " " << name;
      EXPECT_EQ(row[column("risk_model_id")], model.id()) << "the stamp is there without a risk";
      ++without_risk;
      continue;
    }
    const auto risk = pact::score_risk(model, cases[i]);
    EXPECT_EQ(row[column("risk_status")], "ok") << where;
    EXPECT_TRUE(pact_test::same_bits(value(row[column("risk_probability")]), risk.probability)) << where;
    EXPECT_TRUE(pact_test::same_bits(value(row[column("risk_linear_predictor")]), risk.linear_predictor)) << where;
    EXPECT_EQ(row[column("risk_band")], model.bands()[static_cast<std::size_t>(risk.band)].id) << where;
    EXPECT_EQ(row[column("risk_band_label")], model.bands()[static_cast<std::size_t>(risk.band)].label.in("ca")) << where;
    EXPECT_EQ(row[column("risk_imputed_count")], std::to_string(risk.imputed_count)) << where;
    EXPECT_EQ(row[column("risk_horizon_months")], "24") << where;
    std::string top;
    for (std::size_t k : risk.top_factors) top.append(top.empty() ? "" : ";").append(model.features()[k].id);
    EXPECT_EQ(row[column("risk_top_factors")], top) << where;
    EXPECT_EQ(row[column("risk_model_hash")], model.hash());
    EXPECT_EQ(row[column("risk_model_status")], "illustrative");
    // The single-case path writes the same row, field for field.
    ASSERT_LT(next_single, single.size());
    EXPECT_EQ(single[next_single++], row) << where;
  }
  EXPECT_GT(without_risk, 0u);
  EXPECT_EQ(next_single, single.size());
}

TEST(RiskCsv, AWriterWithAModelNeedsTheRiskOfThatModel) {
  const auto a = small_case("c-1", {2, NA, 2, 0, NA, NA});
  const auto scores = pact::score(small(), a);
  std::ostringstream out;
  pact::CsvResultWriter writer(hazard(), out);
  EXPECT_THROW(writer.write(a, scores), pact::InvalidArgument);
  EXPECT_THROW(writer.write(a, scores, pact::score_risk(logistic(), a)), pact::InvalidArgument);
  pact::AssessmentBatch batch;
  fill(batch, {a});
  pact::ScoredBatch scored;
  scored.score(small(), batch);
  EXPECT_THROW(writer.write(batch, scored), pact::InvalidArgument) << "scored without a model";
  scored.score(logistic(), batch);
  EXPECT_THROW(writer.write(batch, scored), pact::InvalidArgument) << "scored with another model";
  scored.score(hazard(), batch);
  writer.write(batch, scored);
  EXPECT_EQ(writer.rows_written(), 1u);
  pact::CsvResultWriter plain(small(), out);
  EXPECT_THROW(plain.write(a, scores, pact::score_risk(hazard(), a)), pact::InvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// JSON Lines results with risk
// ---------------------------------------------------------------------------------------------

TEST(RiskJsonl, EachLineCarriesTheFullRiskOfItsRowBitIdentically) {
  const auto& model = pact::RiskModel::bundled();
  const auto& instrument = model.instrument();
  const auto cases = pact_test::random_assessments(instrument, 400, 57);
  pact::AssessmentBatch batch;
  fill(batch, cases);
  pact::ScoredBatch scored;
  scored.score(model, batch);
  pact::RiskOptions risk_options;
  risk_options.horizons = {36, 6};
  risk_options.counterfactual = true;
  pact::ResultOptions options;
  options.language = "en";
  std::ostringstream out;
  pact::JsonlResultWriter writer(model, out, options, risk_options);
  writer.write(batch, scored);
  EXPECT_EQ(writer.rows_written(), cases.size());

  std::istringstream lines(out.str());
  std::string line;
  std::size_t k = 0, counterfactuals = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(k, cases.size());
    const auto& a = cases[k++];
    const json r = json::parse(line).at("risk");
    EXPECT_EQ(r["model"]["hash"], model.hash());
    if (std::isnan(a.responses[*model.duration_item()])) {
      EXPECT_EQ(r, json({{"status", "missing_duration"},
                         {"model",
                          {{"id", model.id()},
                           {"version", model.version()},
                           {"hash", model.hash()},
                           {"status", "illustrative"},
                           {"instrument", {{"id", instrument.id()}, {"version", instrument.version()}, {"hash", instrument.hash()}}}}}}));
      continue;
    }
    const auto risk = pact::score_risk(model, a, risk_options);
    EXPECT_EQ(r["status"], "ok");
    EXPECT_EQ(r["band"]["id"], model.bands()[static_cast<std::size_t>(risk.band)].id);
    EXPECT_EQ(r["survival"].size(), 36u) << "the curve runs to the longest horizon";
    expect_section_equals_result(r, risk, a.case_id);
    counterfactuals += risk.counterfactual ? 1 : 0;
  }
  EXPECT_EQ(k, cases.size());
  EXPECT_GT(counterfactuals, 0u);
}

TEST(RiskJsonl, CounterfactualsAreOffUnlessAskedForAndBadHorizonsAreRefusedUpFront) {
  const auto a = small_case("c-1", {4, 0, 0, 2, 50, 5});
  pact::AssessmentBatch batch;
  fill(batch, {a});
  pact::ScoredBatch scored;
  scored.score(logistic(), batch);
  std::ostringstream out;
  pact::JsonlResultWriter writer(logistic(), out);
  writer.write(batch, scored);
  EXPECT_FALSE(json::parse(out.str()).at("risk").contains("counterfactual"));

  pact::RiskOptions horizons;
  horizons.horizons = {6};
  EXPECT_THROW(pact::JsonlResultWriter(logistic(), out, {}, horizons), pact::InvalidArgument);
  horizons.horizons = {0};
  EXPECT_THROW(pact::JsonlResultWriter(hazard(), out, {}, horizons), pact::InvalidArgument);
  EXPECT_THROW(writer.write(a, pact::score(small(), a)), pact::InvalidArgument) << "a model writer needs the risk";
}

}  // namespace
