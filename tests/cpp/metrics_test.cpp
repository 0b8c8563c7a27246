// Validation statistics on small sets computed by hand in the comments: AUC by counting pairs,
// Brier score, calibration curves with values on bin edges, ECE, calibration regressions of a
// two-valued prediction (a saturated model), the report by subgroup, and the errors.
// Agreement with scikit-learn and statsmodels on random data is in
// tests/python/test_fit_agreement.py.
#include "pact/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

double sigmoid(double t) { return 1.0 / (1.0 + std::exp(-t)); }

template <class Fn>
std::string invalid_where(Fn&& fn) {
  try {
    fn();
  } catch (const pact::InvalidArgument& e) {
    return e.where();
  }
  ADD_FAILURE() << "expected InvalidArgument";
  return {};
}

// Positives score .35, .8, .35; negatives .1, .4, .35.
const std::vector<double> auc_y = {0, 0, 1, 1, 0, 1};
const std::vector<double> auc_score = {0.1, 0.4, 0.35, 0.8, 0.35, 0.35};

TEST(RocAuc, CountsPairsWithTiesAsHalf) {
  // Each positive .35 beats .1, loses to .4, ties .35: 1.5 each; .8 beats all three: 3.
  // AUC = (1.5 + 3 + 1.5) / (3 * 3) = 2/3.
  EXPECT_DOUBLE_EQ(pact::roc_auc(auc_y, auc_score), 2.0 / 3.0);
}

TEST(RocAuc, SampleWeightsWeighEachPair) {
  // Weights 1, 2, 1, 1, 1, 3. Pair weight = w_pos * w_neg:
  //   pos .35 (w 1): beats .1 (1) = 1, loses .4, ties .35 (1) = .5      -> 1.5
  //   pos .8  (w 1): beats 1 + 2 + 1                                     -> 4
  //   pos .35 (w 3): beats .1 = 3, loses .4, ties .35 = 3 * .5          -> 4.5
  // Total 10 over W+ W- = 5 * 4 = 20: .5.
  const std::vector<double> w = {1, 2, 1, 1, 1, 3};
  EXPECT_DOUBLE_EQ(pact::roc_auc(auc_y, auc_score, w), 0.5);
}

TEST(RocAuc, Errors) {
  const std::vector<double> ones = {1, 1, 1};
  const std::vector<double> s = {0.1, 0.2, 0.3};
  EXPECT_EQ(invalid_where([&] { pact::roc_auc(ones, s); }), "y");
  EXPECT_EQ(invalid_where([&] { pact::roc_auc(auc_y, s); }), "score");
  const std::vector<double> nan_score = {0.1, std::nan(""), 0.3};
  const std::vector<double> mixed = {0, 1, 0};
  EXPECT_EQ(invalid_where([&] { pact::roc_auc(mixed, nan_score); }), "score[1]");
  // The only positive has weight 0.
  EXPECT_EQ(invalid_where([&] { pact::roc_auc(mixed, s, std::vector<double>{1, 0, 1}); }), "y");
}

TEST(Brier, ByHand) {
  // (.1^2 + .2^2 + .7^2) / 3 = (.01 + .04 + .49) / 3 = .18; weights 1, 1, 2: 1.03 / 4.
  const std::vector<double> y = {0, 1, 1};
  const std::vector<double> p = {0.1, 0.8, 0.3};
  EXPECT_NEAR(pact::brier_score(y, p), 0.18, 1e-15);
  EXPECT_NEAR(pact::brier_score(y, p, std::vector<double>{1, 1, 2}), 0.2575, 1e-15);
  EXPECT_EQ(invalid_where([&] { pact::brier_score(y, std::vector<double>{0.1, 1.5, 0.3}); }), "p[1]");
  EXPECT_EQ(invalid_where([&] { pact::brier_score(std::vector<double>{0, 2, 1}, p); }), "y[1]");
  EXPECT_EQ(invalid_where([&] { pact::brier_score(y, std::vector<double>{0.1, 0.3}); }), "p");
  EXPECT_EQ(invalid_where([&] { pact::brier_score(y, p, std::vector<double>{1, -1, 1}); }), "sample_weight[1]");
}

TEST(CalibrationCurve, UniformBinsAsScikitLearn) {
  // numpy.linspace(0, 1, 6) = 0, .2, .4, 3 * .2 = 0.6000000000000001, .8, 1. A prediction on an
  // inner edge falls in the bin below it (searchsorted, side "left"): .2 -> bin 0 and
  // 3 * .2 -> bin 2 (with an edge written as .6 it would go to bin 3). Bin 3 is empty and dropped.
  const double on_edge = 3 * 0.2;
  const std::vector<double> p = {0.1, 0.2, 0.25, 0.5, on_edge, 0.9, 0.95};
  const std::vector<double> y = {0, 1, 0, 1, 0, 1, 1};
  const auto c = pact::calibration_curve(y, p, 5, pact::BinStrategy::uniform);
  EXPECT_EQ(c.bin_edges, (std::vector<double>{0, 0.2, 0.4, on_edge, 0.8, 1.0}));
  EXPECT_EQ(c.bins, (std::vector<std::size_t>{0, 1, 2, 4}));
  EXPECT_EQ(c.counts, (std::vector<std::size_t>{2, 1, 2, 2}));
  EXPECT_EQ(c.prob_true, (std::vector<double>{0.5, 0.0, 0.5, 1.0}));
  EXPECT_DOUBLE_EQ(c.prob_pred[0], (0.1 + 0.2) / 2);
  EXPECT_DOUBLE_EQ(c.prob_pred[1], 0.25);
  EXPECT_DOUBLE_EQ(c.prob_pred[2], (0.5 + on_edge) / 2);
  EXPECT_DOUBLE_EQ(c.prob_pred[3], (0.9 + 0.95) / 2);
}

TEST(CalibrationCurve, QuantileBinsAsNumpyPercentile) {
  // Five predictions .1, .2, .3, .4, .9. Two bins: the median is sorted[(5 - 1) * .5] = .3, so
  // the edges are .1, .3, .9 and .3 falls in the lower bin: {.1, .2, .3} and {.4, .9}.
  const std::vector<double> p = {0.3, 0.1, 0.9, 0.2, 0.4};
  const std::vector<double> y = {1, 0, 1, 0, 1};
  auto c = pact::calibration_curve(y, p, 2, pact::BinStrategy::quantile);
  EXPECT_EQ(c.bin_edges, (std::vector<double>{0.1, 0.3, 0.9}));
  EXPECT_EQ(c.counts, (std::vector<std::size_t>{3, 2}));
  EXPECT_DOUBLE_EQ(c.prob_true[0], 1.0 / 3);
  EXPECT_DOUBLE_EQ(c.prob_true[1], 1.0);
  EXPECT_DOUBLE_EQ(c.prob_pred[0], (0.3 + 0.1 + 0.2) / 3);
  EXPECT_DOUBLE_EQ(c.prob_pred[1], (0.9 + 0.4) / 2);
  // Three bins: the 1/3 quantile is at index 4/3, a third of the way from .2 to .3.
  c = pact::calibration_curve(y, p, 3, pact::BinStrategy::quantile);
  EXPECT_NEAR(c.bin_edges[1], 0.2 + 0.1 / 3, 1e-15);
  EXPECT_NEAR(c.bin_edges[2], 0.3 + 0.1 * 2 / 3, 1e-15);
  // ECE of the two-bin curve: 3/5 |1/3 - .2| + 2/5 |1 - .65| = .08 + .14 = .22.
  EXPECT_NEAR(pact::expected_calibration_error(y, p, 2, pact::BinStrategy::quantile), 0.22, 1e-15);
}

TEST(CalibrationRegression, TwoValuedPredictionIsSaturated) {
  // 50 rows predicted .2 with 15 events (share .3) and 50 predicted .6 with 35 (share .7). The
  // slope model a' + b logit(p) is saturated: it fits logit(.3) at logit(.2) = log(1/4) and
  // logit(.7) at logit(.6) = log(3/2), so b = (log(7/3) - log(3/7)) / (log(3/2) - log(1/4))
  // = 2 log(7/3) / log 6 and a' = log(7/3) - b log(3/2). Each group's logit has variance
  // 1 / (50 * .3 * .7) = 1 / 10.5, so se(b) = sqrt(2 / 10.5) / log 6.
  std::vector<double> y(100, 0.0), p(100, 0.2);
  for (std::size_t i = 0; i < 15; ++i) y[i] = 1;
  for (std::size_t i = 50; i < 100; ++i) p[i] = 0.6;
  for (std::size_t i = 50; i < 85; ++i) y[i] = 1;
  const auto r = pact::calibration_regression(y, p);
  const double b = 2 * std::log(7.0 / 3) / std::log(6.0);
  EXPECT_NEAR(r.slope, b, 1e-12);
  EXPECT_NEAR(r.slope_intercept, std::log(7.0 / 3) - b * std::log(1.5), 1e-12);
  EXPECT_NEAR(r.slope_se, std::sqrt(2 / 10.5) / std::log(6.0), 1e-12);
  // Calibration-in-the-large solves sum (y - sigmoid(a + logit p)) = 0:
  // 50 = 50 sigmoid(a + log(1/4)) + 50 sigmoid(a + log(3/2)); its information is
  // sum mu (1 - mu).
  const double a = r.intercept;
  const double m1 = sigmoid(a + std::log(0.25)), m2 = sigmoid(a + std::log(1.5));
  EXPECT_NEAR(50 - 50 * m1 - 50 * m2, 0.0, 1e-10);
  EXPECT_NEAR(r.intercept_se, 1 / std::sqrt(50 * m1 * (1 - m1) + 50 * m2 * (1 - m2)), 1e-12);
}

TEST(CalibrationRegression, Errors) {
  const std::vector<double> y = {0, 1, 1};
  EXPECT_EQ(invalid_where([&] { pact::calibration_regression(y, std::vector<double>{0.2, 1.0, 0.5}); }), "p[1]");
  EXPECT_EQ(invalid_where([&] {
              pact::calibration_regression(std::vector<double>{1, 1, 1}, std::vector<double>{0.2, 0.3, 0.5});
            }),
            "y");
}

TEST(Validate, BySubgroup) {
  // Group "a" (rows 0-3): y 0, 1, 0, 1 with p .2, .7, .4, .6: n 4, 2 events, prevalence .5,
  // AUC 1 (both positives above both negatives), Brier (.04 + .09 + .16 + .16) / 4 = .1125.
  // Group "b" (rows 4-6): all y = 0: AUC undefined, noted; prevalence 0.
  const std::vector<double> y = {0, 1, 0, 1, 0, 0, 0};
  const std::vector<double> p = {0.2, 0.7, 0.4, 0.6, 0.1, 0.3, 0.2};
  const std::vector<std::string> labels = {"a", "a", "a", "a", "b", "b", "b"};
  const auto groups = pact::Groups::from_labels(labels);
  pact::ValidationOptions o;
  o.n_bins = 5;
  const auto report = pact::validate(y, p, o, &groups);
  EXPECT_EQ(report.total.n, 7u);
  EXPECT_EQ(report.total.events, 2u);
  // Overall: each positive (.7, .6) beats all five negatives: AUC 1.
  EXPECT_DOUBLE_EQ(*report.total.auc, 1.0);
  ASSERT_EQ(report.groups.size(), 2u);
  const auto& a = report.groups[0];
  EXPECT_EQ(a.group, "a");
  EXPECT_EQ(a.metrics.n, 4u);
  EXPECT_EQ(a.metrics.events, 2u);
  EXPECT_DOUBLE_EQ(*a.metrics.prevalence, 0.5);
  EXPECT_DOUBLE_EQ(*a.metrics.auc, 1.0);
  EXPECT_NEAR(*a.metrics.brier, 0.1125, 1e-15);
  const auto& b = report.groups[1];
  EXPECT_EQ(b.metrics.n, 3u);
  EXPECT_EQ(b.metrics.events, 0u);
  EXPECT_DOUBLE_EQ(*b.metrics.prevalence, 0.0);
  EXPECT_FALSE(b.metrics.auc.has_value());
  EXPECT_FALSE(b.metrics.calibration.has_value());
  ASSERT_FALSE(b.metrics.notes.empty());
  EXPECT_EQ(b.metrics.notes[0].rfind("auc:", 0), 0u) << b.metrics.notes[0];
  // Brier of group b: (.01 + .09 + .04) / 3.
  EXPECT_NEAR(*b.metrics.brier, 0.14 / 3, 1e-15);

  pact::Groups bad = groups;
  bad.codes[2] = 5;
  EXPECT_EQ(invalid_where([&] { pact::validate(y, p, o, &bad); }), "groups[2]");
}

}  // namespace
