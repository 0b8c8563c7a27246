// The C API against the C++ API it wraps, on the default instrument and model: batch outputs
// bit for bit (instrument and model, one thread and several), each batch row's risk against the
// same case scored alone, the JSON result against the C++ writer, the counting method, and the
// instrument's description.
#include "pact.h"

#include "pact/counting.hpp"
#include "pact/formats/assessment_json.hpp"
#include "pact/formats/result.hpp"
#include "pact/risk_model.hpp"
#include "pact/scoring.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

struct ModelDeleter {
  void operator()(pact_model* m) const { pact_model_free(m); }
};
using ModelHandle = std::unique_ptr<pact_model, ModelDeleter>;

ModelHandle default_model() {
  pact_model* m = nullptr;
  EXPECT_EQ(pact_model_default(&m), PACT_OK) << pact_last_error();
  return ModelHandle(m);
}

// Random answers for every item, some missing, one row in 50 with an invalid code.
std::vector<double> random_rows(const pact::Instrument& instrument, std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t items = instrument.item_count();
  std::vector<double> data(rows * items, NA);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < items; ++j) {
      const pact::Item& item = instrument.items()[j];
      if (!item.required && u(rng) < 0.15) continue;
      double& v = data[i * items + j];
      switch (item.type) {
        case pact::ResponseType::ordinal:
          v = item.options[static_cast<std::size_t>(u(rng) * static_cast<double>(item.options.size()))].value;
          break;
        case pact::ResponseType::yes_no: v = u(rng) < 0.5 ? 0 : 1; break;
        default: {
          const double hi = std::isfinite(item.max_value) ? item.max_value : item.min_value + 100;
          v = item.min_value + u(rng) * (hi - item.min_value);
          if (item.type == pact::ResponseType::count) v = std::floor(v);
        }
      }
    }
    if (i % 50 == 7) data[i * items] = 77;
  }
  return data;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

struct Outputs {
  Outputs(std::size_t rows, std::size_t dims, std::size_t items)
      : scores(rows * dims), coverage(rows * dims), severities(rows * items), composite(rows),
        composite_coverage(rows), deprivation(rows), eta(rows), risk(rows), level(rows), deprived(rows), status(rows),
        error_item(rows), band(rows), risk_status(rows), imputed(rows) {}

  pact_batch_output c(bool with_risk) {
    pact_batch_output o{};
    o.struct_size = sizeof o;
    o.dimension_scores = scores.data();
    o.dimension_coverage = coverage.data();
    o.item_severities = severities.data();
    o.composite = composite.data();
    o.composite_coverage = composite_coverage.data();
    o.level = level.data();
    o.deprivation_score = deprivation.data();
    o.deprived_count = deprived.data();
    o.status = status.data();
    o.error_item = error_item.data();
    if (with_risk) {
      o.linear_predictor = eta.data();
      o.risk = risk.data();
      o.band = band.data();
      o.risk_status = risk_status.data();
      o.imputed_features = imputed.data();
    }
    return o;
  }

  pact::BatchOutputs instrument() {
    pact::BatchOutputs o;
    o.dimension_scores = scores.data();
    o.dimension_coverage = coverage.data();
    o.item_severities = severities.data();
    o.composite = composite.data();
    o.composite_coverage = composite_coverage.data();
    o.level = level.data();
    o.deprivation_score = deprivation.data();
    o.deprived_count = deprived.data();
    o.status = status.data();
    o.error_item = error_item.data();
    return o;
  }

  pact::RiskBatchOutputs model() {
    pact::RiskBatchOutputs o;
    o.instrument = instrument();
    o.linear_predictor = eta.data();
    o.probability = risk.data();
    o.band = band.data();
    o.risk_status = risk_status.data();
    o.imputed_features = imputed.data();
    return o;
  }

  void expect_same_as(const Outputs& other, bool with_risk) const {
    EXPECT_TRUE(same_bits(scores, other.scores));
    EXPECT_TRUE(same_bits(coverage, other.coverage));
    EXPECT_TRUE(same_bits(severities, other.severities));
    EXPECT_TRUE(same_bits(composite, other.composite));
    EXPECT_TRUE(same_bits(composite_coverage, other.composite_coverage));
    EXPECT_TRUE(same_bits(deprivation, other.deprivation));
    EXPECT_TRUE(same_bits(level, other.level));
    EXPECT_TRUE(same_bits(deprived, other.deprived));
    EXPECT_TRUE(same_bits(status, other.status));
    EXPECT_TRUE(same_bits(error_item, other.error_item));
    if (!with_risk) return;
    EXPECT_TRUE(same_bits(eta, other.eta));
    EXPECT_TRUE(same_bits(risk, other.risk));
    EXPECT_TRUE(same_bits(band, other.band));
    EXPECT_TRUE(same_bits(risk_status, other.risk_status));
    EXPECT_TRUE(same_bits(imputed, other.imputed));
  }

  std::vector<double> scores, coverage, severities, composite, composite_coverage, deprivation, eta, risk;
  std::vector<std::int32_t> level, deprived, status, error_item, band, risk_status, imputed;
};

constexpr std::size_t rows = 20000;

TEST(CApiAgreement, InstrumentBatchEqualsScoreBatch) {
  const pact::Instrument& instrument = pact::Instrument::bundled();
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
  const std::vector<double> data = random_rows(instrument, rows, 1);
  Outputs cpp(rows, dims, items), c(rows, dims, items);
  const pact::BatchSummary expected = pact::score_batch(instrument, pact::view_rows(data.data(), rows, items, items),
                                                        cpp.instrument());
  pact_instrument* handle = nullptr;
  ASSERT_EQ(pact_instrument_default(&handle), PACT_OK);
  for (unsigned threads : {1u, 3u}) {
    pact_batch_summary summary{};
    summary.struct_size = sizeof summary;
    const pact_batch_output out = c.c(false);
    ASSERT_EQ(pact_instrument_score_batch(handle, data.data(), rows, items, threads, &out, &summary), PACT_OK);
    EXPECT_EQ(summary.rows, expected.rows);
    EXPECT_EQ(summary.scored, expected.scored);
    EXPECT_EQ(summary.rejected, expected.rejected);
    EXPECT_GT(summary.rejected, 0u);
    c.expect_same_as(cpp, false);
  }
  pact_instrument_free(handle);
}

TEST(CApiAgreement, ModelBatchEqualsScoreRiskBatchAndEachCaseAlone) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& instrument = model.instrument();
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
  // A stride wider than a row: the C API must read through it as the C++ view does.
  const std::size_t stride = items + 3;
  std::vector<double> dense = random_rows(instrument, rows, 2);
  std::vector<double> data(rows * stride, 1e300);
  for (std::size_t i = 0; i < rows; ++i)
    std::copy(dense.begin() + static_cast<std::ptrdiff_t>(i * items),
              dense.begin() + static_cast<std::ptrdiff_t>((i + 1) * items), data.begin() + static_cast<std::ptrdiff_t>(i * stride));
  Outputs cpp(rows, dims, items), c(rows, dims, items);
  const pact::BatchSummary expected =
      pact::score_risk_batch(model, pact::view_rows(data.data(), rows, items, stride), cpp.model());
  const ModelHandle handle = default_model();
  for (unsigned threads : {1u, 4u}) {
    pact_batch_summary summary{};
    summary.struct_size = sizeof summary;
    const pact_batch_output out = c.c(true);
    ASSERT_EQ(pact_model_score_batch(handle.get(), data.data(), rows, stride, threads, &out, &summary), PACT_OK);
    EXPECT_EQ(summary.scored, expected.scored);
    EXPECT_EQ(summary.rejected, expected.rejected);
    c.expect_same_as(cpp, true);
  }
  // Each row's risk is the risk of the case scored alone by the C++ single-case path.
  std::size_t compared = 0;
  for (std::size_t i = 0; i < rows; i += 37) {
    if (c.risk_status[i] != PACT_RISK_OK) continue;
    const pact::RiskResult alone =
        pact::score_risk(model, std::span<const double>(dense.data() + i * items, items), pact::RiskOptions{{}, false});
    EXPECT_EQ(alone.probability, c.risk[i]) << i;
    EXPECT_EQ(alone.linear_predictor, c.eta[i]) << i;
    EXPECT_EQ(alone.band, c.band[i]) << i;
    ++compared;
  }
  EXPECT_GT(compared, 400u);
}

TEST(CApiAgreement, JsonResultEqualsTheCppWriter) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& instrument = model.instrument();
  const std::string text = [] {
    std::FILE* f = std::fopen(PACT_TEST_DATA_DIR "/assessments/pact-example.json", "rb");
    std::string s;
    char buffer[4096];
    for (std::size_t n; f && (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) s.append(buffer, n);
    if (f) std::fclose(f);
    return s;
  }();
  ASSERT_FALSE(text.empty());
  const pact::Assessment assessment = pact::read_assessment_json(instrument, text);
  const pact::CaseScores scores = pact::score(instrument, assessment);
  pact::ResultOptions options;
  options.language = "ca";
  const std::string expected = pact::write_result_json(instrument, assessment, scores, options);

  const ModelHandle handle = default_model();
  char* result = nullptr;
  ASSERT_EQ(pact_instrument_score_json(pact_model_instrument(handle.get()), text.data(), text.size(), "ca", &result),
            PACT_OK);
  EXPECT_EQ(std::string(result), expected);
  pact_string_free(result);
  // With the model, the C++ writer's result with its risk section.
  const std::string expected_with_risk =
      pact::write_result_json(model, assessment, scores, pact::score_risk(model, assessment.responses, scores), options);
  ASSERT_EQ(pact_model_score_json(handle.get(), text.data(), text.size(), "ca", &result), PACT_OK);
  EXPECT_EQ(std::string(result), expected_with_risk);
  EXPECT_NE(std::string(result).find("\"risk\":{\"status\":\"ok\""), std::string::npos);
  pact_string_free(result);
}

TEST(CApiAgreement, CountingFromScoresEqualsTheCppMeasures) {
  const pact::Instrument& instrument = pact::Instrument::bundled();
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
  const std::vector<double> data = random_rows(instrument, rows, 3);
  std::vector<double> scores(rows * dims);
  pact::BatchOutputs out;
  out.dimension_scores = scores.data();
  pact::score_batch(instrument, pact::view_rows(data.data(), rows, items, items), out);
  for (int alpha : {0, 1, 2}) {
    const pact::CountingResult expected =
        pact::alkire_foster_from_scores(instrument, pact::view_rows(scores.data(), rows, dims, dims), {1.0 / 3, alpha});
    std::vector<double> uncensored(dims), censored(dims), contribution(dims);
    pact_counting_result r{};
    r.struct_size = sizeof r;
    r.uncensored_headcount = uncensored.data();
    r.censored_headcount = censored.data();
    r.contribution = contribution.data();
    pact_instrument* handle = nullptr;
    ASSERT_EQ(pact_instrument_default(&handle), PACT_OK);
    ASSERT_EQ(pact_alkire_foster_scores(handle, scores.data(), rows, dims, 1.0 / 3, alpha, &r), PACT_OK);
    pact_instrument_free(handle);
    EXPECT_EQ(r.n, expected.total.n);
    EXPECT_EQ(r.q, expected.total.q);
    EXPECT_EQ(r.incomplete, expected.incomplete);
    EXPECT_EQ(r.H, expected.total.H);
    EXPECT_EQ(r.A, expected.total.A);
    EXPECT_EQ(r.M0, expected.total.M0);
    EXPECT_EQ(r.M, expected.total.M);
    EXPECT_EQ(uncensored, expected.total.uncensored_headcount);
    EXPECT_EQ(censored, expected.total.censored_headcount);
    EXPECT_EQ(contribution, expected.total.contribution);
  }
}

TEST(CApiAgreement, DescriptionEqualsTheInstrument) {
  const pact::Instrument& instrument = pact::Instrument::bundled();
  pact_instrument* handle = nullptr;
  ASSERT_EQ(pact_instrument_default(&handle), PACT_OK);
  ASSERT_EQ(pact_instrument_item_count(handle), instrument.item_count());
  for (std::size_t j = 0; j < instrument.item_count(); ++j) {
    const pact::Item& item = instrument.items()[j];
    pact_item_info info{};
    info.struct_size = sizeof info;
    ASSERT_EQ(pact_instrument_item(handle, j, "ca", &info), PACT_OK);
    EXPECT_EQ(info.id, item.id);
    EXPECT_EQ(info.label, item.label.in("ca"));
    EXPECT_EQ(info.question, item.question.in("ca"));
    EXPECT_EQ(static_cast<int>(info.type), static_cast<int>(item.type));
    EXPECT_EQ(info.option_count, item.options.size());
    for (std::size_t k = 0; k < item.options.size(); ++k) {
      pact_option_info option{};
      option.struct_size = sizeof option;
      ASSERT_EQ(pact_instrument_option(handle, j, k, "ca", &option), PACT_OK);
      EXPECT_EQ(option.value, item.options[k].value);
      EXPECT_EQ(option.anchor, item.options[k].anchor.in("ca"));
      EXPECT_EQ(option.severity, item.options[k].severity);
    }
  }
  pact_instrument_free(handle);
}

}  // namespace
