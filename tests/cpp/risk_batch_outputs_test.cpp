// The batch outputs that explain each row (feature values, top factors, survival curves) against
// single-case scoring, which risk_model_test.cpp checks by hand: the same bits for every row and
// thread count. Also the argument checks of the survival output.
#include "pact/risk_model.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

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

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Valid random responses (optional items missing at `missing_rate`; the months in care of a
// hazard model missing on every fifth row), and every 53rd row rejected by the instrument.
std::vector<double> random_rows(const pact::RiskModel& model, std::size_t n, unsigned seed) {
  const auto& instrument = model.instrument();
  const std::size_t items = instrument.item_count();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> data(n * items, NA);
  for (std::size_t i = 0; i < n; ++i) {
    double* r = data.data() + i * items;
    for (std::size_t j = 0; j < items; ++j) {
      const auto& item = instrument.items()[j];
      if (!item.required && u(rng) < (i % 3 == 0 ? 0.5 : 0.1)) continue;
      switch (item.type) {
        case pact::ResponseType::ordinal:
          r[j] = item.options[static_cast<std::size_t>(u(rng) * static_cast<double>(item.options.size()))].value;
          break;
        case pact::ResponseType::yes_no: r[j] = u(rng) < 0.5 ? 0 : 1; break;
        default: {
          const double hi = std::isfinite(item.max_value) ? std::min(item.max_value, item.min_value + 90)
                                                          : item.min_value + 90;
          r[j] = std::floor(item.min_value + u(rng) * (hi - item.min_value));
        }
      }
    }
    if (model.duration_item()) {
      const std::size_t d = *model.duration_item();
      r[d] = i % 5 == 4 ? NA : std::floor(u(rng) * 80.0);
    }
    if (i % 53 == 11) r[0] = 1e9;
  }
  return data;
}

void expect_explanations_equal_single(const pact::RiskModel& model, std::size_t n, unsigned seed) {
  const auto& instrument = model.instrument();
  const std::size_t items = instrument.item_count();
  const std::size_t features = model.features().size();
  const bool hazard_form = model.form() == pact::RiskForm::discrete_hazard;
  const int months = hazard_form ? 40 : 0;  // longer than the horizon: the extra months come from the same curve
  const auto data = random_rows(model, n, seed);
  const auto view = pact::view_rows(data.data(), static_cast<std::ptrdiff_t>(n), static_cast<std::ptrdiff_t>(items),
                                    static_cast<std::ptrdiff_t>(items));
  pact::RiskOptions options;
  options.counterfactual = false;
  if (hazard_form) options.horizons = {months};
  for (unsigned threads : {1u, 2u, 5u}) {
    std::vector<double> values(n * features, -7.0), survival(n * static_cast<std::size_t>(months), -7.0);
    std::vector<std::int32_t> top(n * pact::max_top_factors, -7), risk_status(n);
    pact::RiskBatchOutputs out;
    out.feature_values = values.data();
    out.top_factors = top.data();
    out.risk_status = risk_status.data();
    if (hazard_form) {
      out.survival = survival.data();
      out.survival_months = months;
    }
    pact::score_risk_batch(model, view, out, threads);
    std::size_t with_risk = 0, with_three = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::span<const double> row(data.data() + i * items, items);
      if (risk_status[i] != 0) {
        for (std::size_t k = 0; k < features; ++k) ASSERT_TRUE(std::isnan(values[i * features + k]));
        for (std::size_t k = 0; k < pact::max_top_factors; ++k) ASSERT_EQ(top[i * pact::max_top_factors + k], -1);
        for (int m = 0; m < months; ++m) ASSERT_TRUE(std::isnan(survival[i * static_cast<std::size_t>(months) + m]));
        continue;
      }
      ++with_risk;
      const auto single = pact::score_risk(model, row, options);
      for (std::size_t k = 0; k < features; ++k)
        ASSERT_TRUE(same(values[i * features + k], single.contributions[k].value)) << i << " " << k;
      for (std::size_t k = 0; k < pact::max_top_factors; ++k) {
        const std::int32_t expected =
            k < single.top_factors.size() ? static_cast<std::int32_t>(single.top_factors[k]) : -1;
        ASSERT_EQ(top[i * pact::max_top_factors + k], expected) << i << " " << k;
      }
      with_three += single.top_factors.size() == pact::max_top_factors ? 1u : 0u;
      if (hazard_form) {
        ASSERT_EQ(single.survival.size(), static_cast<std::size_t>(months));
        for (int m = 0; m < months; ++m)
          ASSERT_TRUE(same(survival[i * static_cast<std::size_t>(months) + m], single.survival[m])) << i << " " << m;
      }
    }
    EXPECT_GT(with_risk, n / 2);
    EXPECT_GT(with_three, 0u) << "some rows name three factors";
  }
}

TEST(RiskBatchOutputs, LogisticFixtureExplanationsEqualSingleCase) {
  expect_explanations_equal_single(logistic(), 5000, 4);
}
TEST(RiskBatchOutputs, HazardFixtureExplanationsEqualSingleCase) {
  expect_explanations_equal_single(hazard(), 5000, 5);
}
TEST(RiskBatchOutputs, DefaultModelExplanationsEqualSingleCase) {
  expect_explanations_equal_single(pact::RiskModel::bundled(), 5000, 6);
}

TEST(RiskBatchOutputs, TopFactorsOrderByRiskEffectWithTiesInModelOrder) {
  // Hand-made model data: effects b (x - ref) with ref 0 are 1, 1, 1.5, -0.5, 2 in the logistic
  // form: the three largest are features 4 (2), 2 (1.5) and 0 (1; it ties with 1 and comes
  // first in model order). In the hazard form the risk effect is the opposite: only feature 3
  // (0.5) raises the risk.
  pact::detail::RiskModelData m(small());
  const double coefficients[] = {1, 1, 0.5, -1, 1};
  for (double b : coefficients) {
    pact::RiskFeature f;
    f.coefficient = b;
    m.features.push_back(f);
  }
  const double values[] = {1, 1, 3, 0.5, 2};
  std::array<std::int32_t, pact::max_top_factors> top{};
  m.form = pact::RiskForm::logistic;
  ASSERT_EQ(pact::detail::top_factors(m, values, top.data()), 3u);
  EXPECT_EQ(top[0], 4);
  EXPECT_EQ(top[1], 2);
  EXPECT_EQ(top[2], 0);
  m.form = pact::RiskForm::discrete_hazard;
  ASSERT_EQ(pact::detail::top_factors(m, values, top.data()), 1u);
  EXPECT_EQ(top[0], 3);
}

// top_factors against the definition, a stable sort of the positive effects, on random values
// drawn from a few levels so that effects tie often, with NaN, infinities and zeros among them.
TEST(RiskBatchOutputs, TopFactorsEqualAStableSortOfThePositiveEffects) {
  pact::detail::RiskModelData m(small());
  std::mt19937_64 rng(17);
  const double coefficients[] = {1, -1, 0.5, 2, 1, 0, -0.5, 1, 1, 0.25, -2};
  for (double b : coefficients) {
    pact::RiskFeature f;
    f.coefficient = b;
    f.reference = 0.5;
    m.features.push_back(f);
  }
  const double levels[] = {0, 0.5, 1, 1.5, 2, 3, -1, NA, std::numeric_limits<double>::infinity()};
  const std::size_t n = m.features.size();
  std::vector<double> values(n);
  for (const auto form : {pact::RiskForm::logistic, pact::RiskForm::discrete_hazard}) {
    m.form = form;
    for (int round = 0; round < 20000; ++round) {
      for (double& v : values) v = levels[rng() % std::size(levels)];
      std::vector<std::size_t> expected;
      for (std::size_t k = 0; k < n; ++k)
        if (pact::detail::risk_effect(m, k, values[k]) > 0.0) expected.push_back(k);
      std::stable_sort(expected.begin(), expected.end(), [&](std::size_t a, std::size_t b) {
        return pact::detail::risk_effect(m, a, values[a]) > pact::detail::risk_effect(m, b, values[b]);
      });
      if (expected.size() > pact::max_top_factors) expected.resize(pact::max_top_factors);
      std::array<std::int32_t, pact::max_top_factors> top{};
      const std::size_t count = pact::detail::top_factors(m, values.data(), top.data());
      ASSERT_EQ(count, expected.size()) << "round " << round;
      for (std::size_t t = 0; t < count; ++t)
        ASSERT_EQ(static_cast<std::size_t>(top[t]), expected[t]) << "round " << round;
    }
  }
}

TEST(RiskBatchOutputs, SurvivalNeedsAHazardModelAndALengthInRange) {
  std::vector<double> data(small().item_count(), NA), survival(1300);
  const auto view = pact::view_rows(data.data(), 1, static_cast<std::ptrdiff_t>(data.size()),
                                    static_cast<std::ptrdiff_t>(data.size()));
  pact::RiskBatchOutputs out;
  out.survival = survival.data();
  out.survival_months = 12;
  EXPECT_THROW(pact::score_risk_batch(logistic(), view, out), pact::InvalidArgument);
  out.survival_months = 0;
  EXPECT_THROW(pact::score_risk_batch(hazard(), view, out), pact::InvalidArgument);
  out.survival_months = pact::max_horizon_months + 1;
  EXPECT_THROW(pact::score_risk_batch(hazard(), view, out), pact::InvalidArgument);
  out.survival_months = pact::max_horizon_months;
  EXPECT_NO_THROW(pact::score_risk_batch(hazard(), view, out));
}

}  // namespace
