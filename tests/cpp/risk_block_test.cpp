// The risk's block loop (block_features, every instruction set this processor runs) against the
// single-case functions linear_predictor and top_factors, to the bit: every kind of feature, in
// both forms, on inputs drawn from a few levels so that effects tie often, with missing values,
// infinities, signed zeros and subnormals among them; and blocks shorter than a full one.
#include "pact/risk_model.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

constexpr double NA = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr std::size_t rows = pact::detail::block_rows;

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}

pact::RiskFeature feature(pact::FeatureKind kind, std::size_t source, double coefficient, double reference) {
  pact::RiskFeature f;
  f.kind = kind;
  f.source = source;
  f.coefficient = coefficient;
  f.reference = reference;
  return f;
}

// Every kind of feature, several of them with equal coefficients and references so that their
// effects tie whenever their inputs do.
pact::detail::RiskModelData every_kind(pact::RiskForm form) {
  using K = pact::FeatureKind;
  pact::detail::RiskModelData m(small());
  m.form = form;
  m.intercept.coefficient = form == pact::RiskForm::logistic ? -0.75 : 0.0;
  m.features.push_back(feature(K::dimension_score, 0, -0.5, 0.5));
  m.features.push_back(feature(K::dimension_score, 1, -0.5, 0.5));
  m.features.push_back(feature(K::dimension_score, 2, 0.5, 0.5));
  m.features.push_back(feature(K::item_severity, 3, -0.5, 0.5));
  m.features.push_back(feature(K::item_value, 4, 0.25, 1.0));
  m.features.push_back(feature(K::log_item_value, 5, -0.08, 2.5));
  pact::RiskFeature hinge = feature(K::hinge_item_value, 4, -0.5, 1.0);
  hinge.knot = 1.0;
  m.features.push_back(hinge);
  m.features.push_back(feature(K::composite, 0, -0.5, 0.5));
  pact::RiskFeature indicator = feature(K::indicator, 0, -0.5, 0.0);
  indicator.of = {0, 0};
  indicator.at_least = 0.75;
  m.features.push_back(indicator);
  pact::RiskFeature interaction = feature(K::interaction, 0, -0.4, 0.15);
  interaction.of = {0, 3};
  m.features.push_back(interaction);
  m.features.push_back(feature(K::item_value, 1, 0.0, 0.0));  // a zero coefficient: never a top factor
  pact::detail::derive_model_data(m);
  return m;
}

// One block's inputs, drawn from a few levels each (NaN, infinities, signed zeros and a
// subnormal among them), row r's responses `stride` doubles apart.
struct Block {
  static constexpr std::size_t dims = 3, items = 6, stride = 9;
  std::vector<double> responses = std::vector<double>(rows * stride, -7.0);
  std::vector<double> dimension_score = std::vector<double>(rows * dims);
  std::vector<double> item_severity = std::vector<double>(rows * items);
  std::vector<double> log1p_values;
  pact::detail::RowResult results[rows];

  Block(const pact::detail::RiskModelData& m, std::mt19937_64& rng)
      : log1p_values(m.features.size() * rows, -7.0) {
    const double scores[] = {0, 0.25, 0.5, 0.75, 1, NA, 0.5, -0.0};
    const double values[] = {0, 1, 2, 3, 0.5, NA, -0.0, inf, -inf, 1e-310, 1e300, 1};
    const double logs[] = {0, 0.5, 2.5, NA, inf, -0.0, 1e-310};
    const auto pick = [&rng](const auto& levels) { return levels[rng() % std::size(levels)]; };
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t d = 0; d < dims; ++d) dimension_score[r * dims + d] = pick(scores);
      for (std::size_t j = 0; j < items; ++j) {
        item_severity[r * items + j] = pick(scores);
        responses[r * stride + j] = pick(values);
      }
      results[r].composite = pick(scores);
      for (std::size_t k : m.log_features) log1p_values[k * rows + r] = pick(logs);
    }
  }

  pact::detail::BlockFeatureInputs inputs(std::size_t count) const {
    return {count,          responses.data(), stride, dimension_score.data(), dims, item_severity.data(), items,
            results,        log1p_values.data()};
  }
};

// What block_features must give for row r of a block: linear_predictor and top_factors on the
// row's inputs.
void expect_row_equals_single(const pact::detail::RiskModelData& m, const pact::detail::FeatureInputs& row,
                              const pact::detail::BlockFeatures& out, std::size_t r, const char* variant) {
  const std::size_t features = m.features.size();
  std::vector<double> values(features);
  std::vector<std::uint8_t> imputed(features);
  std::int32_t imputed_count = 0;
  const double eta = pact::detail::linear_predictor(m, row, values.data(), imputed.data(), imputed_count);
  ASSERT_TRUE(same(out.eta[r], eta)) << variant << " row " << r << ": " << out.eta[r] << " against " << eta;
  ASSERT_EQ(out.imputed_count[r], imputed_count) << variant << " row " << r;
  for (std::size_t k = 0; k < features; ++k)
    ASSERT_TRUE(same(out.values[k * rows + r], values[k])) << variant << " row " << r << " feature " << k;
  std::int32_t top[pact::max_top_factors];
  const std::size_t picked = pact::detail::top_factors(m, values.data(), top);
  for (std::size_t p = 0; p < pact::max_top_factors; ++p)
    ASSERT_EQ(out.top[p * rows + r], p < picked ? top[p] : -1) << variant << " row " << r << " pick " << p;
}

void expect_row_equals_single(const pact::detail::RiskModelData& m, const Block& block,
                              const pact::detail::BlockFeatures& out, std::size_t r, const char* variant) {
  const pact::detail::FeatureInputs row{block.responses.data() + r * Block::stride,
                                        block.item_severity.data() + r * Block::items,
                                        block.dimension_score.data() + r * Block::dims, block.results[r].composite,
                                        block.log1p_values.data() + r, rows};
  expect_row_equals_single(m, row, out, r, variant);
}

TEST(RiskBlock, EveryVariantEqualsTheSingleCaseFunctions) {
  const auto variants = pact::detail::block_features_variants();
  ASSERT_FALSE(variants.empty());
  for (const auto form : {pact::RiskForm::logistic, pact::RiskForm::discrete_hazard}) {
    const auto m = every_kind(form);
    pact::detail::BlockFeatures out(m.features.size());
    std::mt19937_64 rng(form == pact::RiskForm::logistic ? 31 : 32);
    std::size_t three_picks = 0, ties = 0, imputed_rows = 0;
    for (int round = 0; round < 3000; ++round) {
      const Block block(m, rng);
      for (const auto& variant : variants) {
        variant.kernel(m, block.inputs(rows), out);
        for (std::size_t r = 0; r < rows; ++r) {
          expect_row_equals_single(m, block, out, r, variant.name);
          if (HasFatalFailure()) return;
        }
      }
      for (std::size_t r = 0; r < rows; ++r) {
        three_picks += out.top[2 * rows + r] >= 0 ? 1u : 0u;
        imputed_rows += out.imputed_count[r] > 0 ? 1u : 0u;
        const auto effect = [&](std::size_t p) {
          const auto k = static_cast<std::size_t>(out.top[p * rows + r]);
          return pact::detail::risk_effect(m, k, out.values[k * rows + r]);
        };
        ties += out.top[1 * rows + r] >= 0 && effect(0) == effect(1) ? 1u : 0u;
      }
    }
    // The draws reach what the test is for.
    EXPECT_GT(three_picks, 1000u);
    EXPECT_GT(ties, 1000u);
    EXPECT_GT(imputed_rows, 1000u);
  }
}

TEST(RiskBlock, ShortBlocksEqualTheSingleCaseFunctions) {
  const auto m = every_kind(pact::RiskForm::discrete_hazard);
  pact::detail::BlockFeatures out(m.features.size());
  std::mt19937_64 rng(33);
  for (std::size_t count = 1; count <= rows; ++count) {
    for (int round = 0; round < 50; ++round) {
      const Block block(m, rng);
      pact::detail::block_features(m, block.inputs(count), out);
      for (std::size_t r = 0; r < count; ++r) {
        expect_row_equals_single(m, block, out, r, "block_features");
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(RiskBlock, TheDefaultModelOnEveryVariant) {
  // The bundled model's own features (dimension scores, a log, a hinge, an item value, an
  // indicator and an interaction), on its own instrument's shapes.
  const auto& model = pact::RiskModel::bundled();
  const auto& m = model.data();
  const std::size_t dims = model.instrument().dimension_count(), items = model.instrument().item_count();
  pact::detail::BlockFeatures out(m.features.size());
  std::mt19937_64 rng(34);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> responses(rows * items), scores(rows * dims), log1p_values(m.features.size() * rows);
  pact::detail::RowResult results[rows];
  for (int round = 0; round < 500; ++round) {
    for (double& v : responses) v = u(rng) < 0.1 ? NA : std::floor(u(rng) * 6.0);
    for (double& s : scores) s = u(rng) < 0.1 ? NA : std::round(u(rng) * 8.0) / 8.0;
    for (auto& result : results) result.composite = u(rng);
    for (std::size_t k : m.log_features)
      for (std::size_t r = 0; r < rows; ++r)
        log1p_values[k * rows + r] = pact::detail::vmath::log1p(responses[r * items + m.features[k].source]);
    const pact::detail::BlockFeatureInputs in{rows,  responses.data(), items, scores.data(), dims, nullptr, items,
                                              results, log1p_values.data()};
    for (const auto& variant : pact::detail::block_features_variants()) {
      variant.kernel(m, in, out);
      for (std::size_t r = 0; r < rows; ++r) {
        // The single case computes its log1p itself (vmath's scalar form).
        const pact::detail::FeatureInputs row{responses.data() + r * items, nullptr, scores.data() + r * dims,
                                              results[r].composite, nullptr, 0};
        expect_row_equals_single(m, row, out, r, variant.name);
        if (HasFatalFailure()) return;
      }
    }
  }
}

}  // namespace
