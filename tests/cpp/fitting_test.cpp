// Logistic fitting against closed forms worked out in the comments (2x2 tables, intercept-only
// models, a penalised one-parameter model, band hazards), results identical whatever the thread
// count, the errors for bad data, separation, rank deficiency and non-convergence, and the
// person-period expansion of discrete-time hazard models. Agreement with statsmodels on random
// data is in tests/python/test_fit_agreement.py.
#include "pact/fitting.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace {

using pact::FitError;
using Problem = pact::FitError::Problem;

// Runs `fn` and returns the FitError it throws (failing the test if it throws none).
template <class Fn>
FitError fit_error(Fn&& fn) {
  try {
    fn();
  } catch (const FitError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a FitError";
  return FitError(Problem::invalid_input, pact::ErrorKind::internal, "", "none thrown");
}

double sigmoid(double t) { return 1.0 / (1.0 + std::exp(-t)); }

// A 2x2 table as four rows with frequency weights: x = 0 has 30 events among 100, x = 1 has 60
// among 80.
struct Table {
  pact::RowMatrix X{4, 2};
  std::vector<double> y{1, 0, 1, 0};
  std::vector<double> w{30, 70, 60, 20};
  Table() { X << 1, 0, 1, 0, 1, 1, 1, 1; }
};

TEST(FitLogistic, TwoByTwoTableIsTheLogOddsRatio) {
  // The model is saturated, so the fitted probabilities are the observed shares .3 and .75:
  // intercept = logit(.3) = log(30/70); slope = log odds ratio = log((60/20) / (30/70)) = log 7.
  // Woolf's standard errors: se(slope) = sqrt(1/30 + 1/70 + 1/60 + 1/20), se(intercept) =
  // sqrt(1/30 + 1/70). llf = 30 log .3 + 70 log .7 + 60 log .75 + 20 log .25.
  const Table t;
  pact::FitOptions o;
  o.weights = t.w;
  const auto fit = pact::fit_logistic(t.X, t.y, o);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.params(0), std::log(30.0 / 70.0), 1e-12);
  EXPECT_NEAR(fit.params(1), std::log(7.0), 1e-12);
  EXPECT_NEAR(fit.bse(0), std::sqrt(1.0 / 30 + 1.0 / 70), 1e-12);
  EXPECT_NEAR(fit.bse(1), std::sqrt(1.0 / 30 + 1.0 / 70 + 1.0 / 60 + 1.0 / 20), 1e-12);
  // cov(intercept, slope) = -var(intercept): the slope is the difference of two independent logits.
  EXPECT_NEAR(fit.covariance(0, 1), -(1.0 / 30 + 1.0 / 70), 1e-12);
  EXPECT_NEAR(fit.llf, 30 * std::log(.3) + 70 * std::log(.7) + 60 * std::log(.75) + 20 * std::log(.25), 1e-9);
  EXPECT_DOUBLE_EQ(fit.penalized_llf, fit.llf);
  EXPECT_EQ(fit.rows, 4u);
  EXPECT_DOUBLE_EQ(fit.weight_sum, 180.0);
  EXPECT_LT(fit.gradient_max_norm, 1e-9);
}

TEST(FitLogistic, FrequencyWeightsEqualRepeatedRows) {
  // The same table written out as 180 rows gives the same fit.
  const Table t;
  pact::RowMatrix X(180, 2);
  std::vector<double> y;
  Eigen::Index r = 0;
  for (std::size_t k = 0; k < 4; ++k)
    for (int c = 0; c < static_cast<int>(t.w[k]); ++c, ++r) {
      X.row(r) = t.X.row(static_cast<Eigen::Index>(k));
      y.push_back(t.y[k]);
    }
  pact::FitOptions o;
  o.weights = t.w;
  const auto weighted = pact::fit_logistic(t.X, t.y, o);
  const auto repeated = pact::fit_logistic(X, y);
  EXPECT_NEAR((weighted.params - repeated.params).cwiseAbs().maxCoeff(), 0.0, 1e-12);
  EXPECT_NEAR((weighted.bse - repeated.bse).cwiseAbs().maxCoeff(), 0.0, 1e-12);
  EXPECT_NEAR(weighted.llf, repeated.llf, 1e-9);
}

TEST(FitLogistic, InterceptWithOffset) {
  // 10 events in 40 rows with offset .5 on every row: logit(mean) = b + .5, so
  // b = log(1/3) - .5, and se = 1 / sqrt(n p (1 - p)) = 1 / sqrt(40 * .25 * .75).
  pact::RowMatrix X = pact::RowMatrix::Ones(40, 1);
  std::vector<double> y(40, 0.0), offset(40, 0.5);
  for (int i = 0; i < 10; ++i) y[static_cast<std::size_t>(i) * 4] = 1.0;
  pact::FitOptions o;
  o.offset = offset;
  const auto fit = pact::fit_logistic(X, y, o);
  EXPECT_NEAR(fit.params(0), std::log(1.0 / 3.0) - 0.5, 1e-12);
  EXPECT_NEAR(fit.bse(0), 1.0 / std::sqrt(40 * .25 * .75), 1e-12);
  EXPECT_NEAR(fit.llf, 10 * std::log(.25) + 30 * std::log(.75), 1e-10);
}

TEST(FitLogistic, PenalisedOptimumAndInformation) {
  // One penalised column of ones, 20 events in 50 rows, l2 = 10: the optimum solves
  // 20 - 50 sigmoid(b) - 10 b = 0, and the penalised information is 50 s (1 - s) + 10.
  pact::RowMatrix X = pact::RowMatrix::Ones(50, 1);
  std::vector<double> y(50, 0.0);
  for (int i = 0; i < 20; ++i) y[static_cast<std::size_t>(i)] = 1.0;
  pact::FitOptions o;
  o.l2 = 10.0;
  const auto fit = pact::fit_logistic(X, y, o);
  const double b = fit.params(0);
  const double s = sigmoid(b);
  EXPECT_NEAR(20 - 50 * s - 10 * b, 0.0, 1e-10);
  EXPECT_GT(b, std::log(20.0 / 30.0)) << "shrunk towards 0 from the MLE logit(.4)";
  EXPECT_LT(b, 0.0);
  EXPECT_NEAR(fit.bse(0), 1.0 / std::sqrt(50 * s * (1 - s) + 10), 1e-12);
  EXPECT_NEAR(fit.llf, 20 * b - 50 * std::log1p(std::exp(b)), 1e-10);
  EXPECT_NEAR(fit.penalized_llf, fit.llf - 5 * b * b, 1e-10);
  // Leaving the column out of the penalty gives back the MLE logit(.4).
  o.unpenalized = {0};
  EXPECT_NEAR(pact::fit_logistic(X, y, o).params(0), std::log(20.0 / 30.0), 1e-12);
}

// Random data large enough to span several row chunks.
struct Random {
  pact::RowMatrix X;
  std::vector<double> y, w;
  Random(Eigen::Index n, Eigen::Index p, unsigned seed) : X(n, p), y(static_cast<std::size_t>(n)), w(y.size()) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> uniform;
    for (Eigen::Index i = 0; i < n; ++i) {
      X(i, 0) = 1.0;
      double eta = -0.3;
      for (Eigen::Index j = 1; j < p; ++j) {
        X(i, j) = normal(rng);
        eta += 0.4 * X(i, j) / static_cast<double>(j);
      }
      y[static_cast<std::size_t>(i)] = uniform(rng) < sigmoid(eta) ? 1.0 : 0.0;
      w[static_cast<std::size_t>(i)] = std::floor(uniform(rng) * 3.0);
    }
  }
};

TEST(FitLogistic, IdenticalWhateverTheThreadCount) {
  const Random data(60000, 6, 11);
  pact::FitOptions o;
  o.weights = data.w;
  o.threads = 1;
  const auto one = pact::fit_logistic(data.X, data.y, o);
  for (unsigned threads : {2u, 3u, 7u}) {
    o.threads = threads;
    const auto many = pact::fit_logistic(data.X, data.y, o);
    EXPECT_TRUE(many.params == one.params) << threads << " threads";
    EXPECT_TRUE(many.covariance == one.covariance) << threads << " threads";
    EXPECT_EQ(many.llf, one.llf) << threads << " threads";
    EXPECT_EQ(many.iterations, one.iterations);
  }
}

TEST(FitLogistic, ScoreIsZeroAtTheEstimate) {
  // The score X'(f (y - mu)), computed here row by row, vanishes at the estimate.
  const Random data(5000, 4, 5);
  pact::FitOptions o;
  o.weights = data.w;
  const auto fit = pact::fit_logistic(data.X, data.y, o);
  Eigen::VectorXd score = Eigen::VectorXd::Zero(4);
  for (Eigen::Index i = 0; i < data.X.rows(); ++i) {
    const auto k = static_cast<std::size_t>(i);
    score += data.w[k] * (data.y[k] - sigmoid(data.X.row(i).dot(fit.params))) * data.X.row(i).transpose();
  }
  EXPECT_LT(score.cwiseAbs().maxCoeff(), 1e-8);
}

TEST(FitLogistic, ViewWithRowStride) {
  // A view skipping a trailing column of each row fits the same as the compact matrix.
  const Random data(3000, 3, 9);
  pact::RowMatrix wide(3000, 4);
  wide.leftCols(3) = data.X;
  wide.col(3).setConstant(std::numeric_limits<double>::quiet_NaN());
  const auto strided = pact::fit_logistic(pact::view_rows(wide.data(), 3000, 3, 4), data.y);
  const auto compact = pact::fit_logistic(data.X, data.y);
  EXPECT_TRUE(strided.params == compact.params);
}

TEST(FitLogistic, StartValues) {
  // Starting at the 2x2 table's estimate, the first Newton step is (numerically) zero.
  const Table t;
  const std::vector<double> start = {std::log(30.0 / 70.0), std::log(7.0)};
  pact::FitOptions o;
  o.weights = t.w;
  o.start = start;
  const auto fit = pact::fit_logistic(t.X, t.y, o);
  EXPECT_EQ(fit.iterations, 1);
  EXPECT_NEAR(fit.params(1), std::log(7.0), 1e-12);
}

TEST(FitErrors, BadInput) {
  const Table t;
  auto e = fit_error([&] { pact::fit_logistic(t.X, std::vector<double>{1, 0, 1}); });
  EXPECT_EQ(e.problem(), Problem::invalid_input);
  EXPECT_EQ(e.kind(), pact::ErrorKind::invalid_argument);
  EXPECT_EQ(e.where(), "y");

  e = fit_error([&] { pact::fit_logistic(t.X, std::vector<double>{1, 0, 2, 0}); });
  EXPECT_EQ(e.kind(), pact::ErrorKind::validation);
  EXPECT_EQ(e.where(), "y[2]");

  pact::RowMatrix X = t.X;
  X(3, 1) = std::numeric_limits<double>::infinity();
  pact::FitOptions named;
  named.column_names = {"const", "x"};
  e = fit_error([&] { pact::fit_logistic(X, t.y, named); });
  EXPECT_EQ(e.where(), "X[3, x]");
  EXPECT_NE(std::string(e.what()).find("finite"), std::string::npos);

  std::vector<double> w = {1, -1, 1, 1};
  pact::FitOptions o;
  o.weights = w;
  EXPECT_EQ(fit_error([&] { pact::fit_logistic(t.X, t.y, o); }).where(), "weights[1]");
  std::vector<double> nan_offset = {0, 0, std::nan(""), 0};
  o = {};
  o.offset = nan_offset;
  EXPECT_EQ(fit_error([&] { pact::fit_logistic(t.X, t.y, o); }).where(), "offset[2]");
  o = {};
  o.l2 = -1;
  EXPECT_EQ(fit_error([&] { pact::fit_logistic(t.X, t.y, o); }).where(), "l2");
  o = {};
  o.unpenalized = {2};
  EXPECT_EQ(fit_error([&] { pact::fit_logistic(t.X, t.y, o); }).where(), "unpenalized[0]");
}

TEST(FitErrors, PerfectSeparation) {
  // y = 1 exactly when x > 0: the line x = 0 separates the outcomes with a gap.
  pact::RowMatrix X(8, 2);
  X << 1, -4, 1, -3, 1, -2, 1, -1, 1, 1, 1, 2, 1, 3, 1, 5;
  const std::vector<double> y = {0, 0, 0, 0, 1, 1, 1, 1};
  pact::FitOptions o;
  o.column_names = {"const", "x"};
  const auto e = fit_error([&] { pact::fit_logistic(X, y, o); });
  EXPECT_EQ(e.problem(), Problem::separation);
  EXPECT_NE(std::string(e.what()).find("perfect separation"), std::string::npos) << e.what();
  EXPECT_NE(std::find(e.columns().begin(), e.columns().end(), "x"), e.columns().end()) << e.what();
}

TEST(FitErrors, QuasiCompleteSeparationNamesTheColumn) {
  // Every row with d = 1 has y = 1; rows with d = 0 have both outcomes. The coefficient of d
  // runs off to +inf while the others converge: d alone is the separating direction.
  const Random data(4000, 3, 3);
  pact::RowMatrix X(4000, 4);
  X.leftCols(3) = data.X;
  std::vector<double> y = data.y;
  for (Eigen::Index i = 0; i < 4000; ++i) {
    X(i, 3) = i % 10 == 0 ? 1.0 : 0.0;
    if (i % 10 == 0) y[static_cast<std::size_t>(i)] = 1.0;
  }
  pact::FitOptions o;
  o.column_names = {"const", "a", "b", "d"};
  const auto e = fit_error([&] { pact::fit_logistic(X, y, o); });
  EXPECT_EQ(e.problem(), Problem::separation);
  EXPECT_NE(std::string(e.what()).find("quasi-complete separation"), std::string::npos) << e.what();
  EXPECT_EQ(e.columns(), std::vector<std::string>{"d"}) << e.what();
  EXPECT_NE(std::string(e.what()).find("400 of 4000"), std::string::npos) << e.what();

  // A penalty on d makes the estimate exist; the intercept stays unpenalised.
  o.l2 = 1.0;
  o.unpenalized = {0};
  const auto fit = pact::fit_logistic(X, y, o);
  EXPECT_TRUE(fit.converged);
  EXPECT_GT(fit.params(3), 1.0);
  EXPECT_TRUE(fit.params.allFinite());
  // With only the intercept penalised d is free again: still separation.
  o.unpenalized = {3};
  EXPECT_EQ(fit_error([&] { pact::fit_logistic(X, y, o); }).problem(), Problem::separation);
}

TEST(FitErrors, RankDeficientDesignNamesTheColumns) {
  const Random data(500, 3, 4);
  pact::RowMatrix X(500, 6);
  X.leftCols(3) = data.X;
  X.col(3) = data.X.col(1) - 2.0 * data.X.col(2);  // a linear combination of a and b
  X.col(4).setConstant(7.0);                         // constant, duplicating the intercept
  X.col(5).setZero();
  pact::FitOptions o;
  o.column_names = {"const", "a", "b", "a_minus_2b", "seven", "zero"};
  const auto e = fit_error([&] { pact::fit_logistic(X, data.y, o); });
  EXPECT_EQ(e.problem(), Problem::rank_deficient);
  const std::string what = e.what();
  EXPECT_NE(what.find("'a_minus_2b' is a linear combination of 'a', 'b'"), std::string::npos) << what;
  EXPECT_NE(what.find("'seven' is constant, which duplicates 'const'"), std::string::npos) << what;
  EXPECT_NE(what.find("'zero' is zero on every row"), std::string::npos) << what;
  EXPECT_EQ(e.columns(), (std::vector<std::string>{"a_minus_2b", "a", "b", "seven", "const", "zero"}));

  // With a penalty on them the dependent columns are identifiable (ridge); only the
  // unpenalised intercept must be independent.
  o.l2 = 0.5;
  o.unpenalized = {0};
  EXPECT_TRUE(pact::fit_logistic(X, data.y, o).converged);
}

TEST(FitErrors, NotConvergedReportsIterationsAndGradient) {
  const Random data(2000, 3, 8);
  pact::FitOptions o;
  o.max_iterations = 1;
  const auto e = fit_error([&] { pact::fit_logistic(data.X, data.y, o); });
  EXPECT_EQ(e.problem(), Problem::not_converged);
  EXPECT_EQ(e.iterations(), 1);
  EXPECT_GT(e.gradient_norm(), 0.0);
  o.throw_if_not_converged = false;
  const auto fit = pact::fit_logistic(data.X, data.y, o);
  EXPECT_FALSE(fit.converged);
  EXPECT_EQ(fit.iterations, 1);
  EXPECT_DOUBLE_EQ(fit.gradient_max_norm, e.gradient_norm());
}

TEST(PersonPeriods, ExpandsMonthsBandsAndEvents) {
  // Bands [1-6], [7-12], [13-24], [25-48], [49+].
  const std::vector<std::int32_t> bands = {1, 7, 13, 25, 49};
  // Case 0: 5 months in care, followed 4 months, left: months 6, 7, 8, 9 (bands 0, 1, 1, 1),
  //         event in month 9.
  // Case 1: followed 0 months: no rows.
  // Case 2: 47 months in care, followed 3, censored: months 48, 49, 50 (bands 3, 4, 4).
  const std::vector<std::int32_t> t0 = {5, 3, 47};
  const std::vector<std::int32_t> m = {4, 0, 3};
  const std::vector<std::uint8_t> left = {1, 0, 0};
  const auto pp = pact::expand_person_periods(t0, m, left, bands);
  ASSERT_EQ(pp.rows(), 7u);
  EXPECT_EQ(pp.case_index, (std::vector<std::uint32_t>{0, 0, 0, 0, 2, 2, 2}));
  EXPECT_EQ(pp.month, (std::vector<std::int32_t>{6, 7, 8, 9, 48, 49, 50}));
  EXPECT_EQ(pp.band, (std::vector<std::int32_t>{0, 1, 1, 1, 3, 4, 4}));
  EXPECT_EQ(pp.event, (std::vector<double>{0, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(pp.first_row, (std::vector<std::size_t>{0, 4, 4, 7}));
  EXPECT_EQ(pact::duration_band_names(bands),
            (std::vector<std::string>{"months 1-6", "months 7-12", "months 13-24", "months 25-48", "months 49+"}));
}

TEST(PersonPeriods, RejectsBadInput) {
  const std::vector<std::int32_t> bands = {1, 7};
  const std::vector<std::int32_t> one = {1};
  const std::vector<std::int32_t> zero = {0};
  const std::vector<std::uint8_t> left = {1};
  EXPECT_EQ(fit_error([&] { pact::expand_person_periods(one, zero, left, bands); }).where(), "left_care[0]");
  const std::vector<std::int32_t> negative = {-1};
  EXPECT_EQ(fit_error([&] { pact::expand_person_periods(negative, one, left, bands); }).where(), "months_in_care[0]");
  const std::vector<std::int32_t> from2 = {2, 7};
  EXPECT_EQ(fit_error([&] { pact::expand_person_periods(one, one, left, from2); }).where(), "band_starts");
  const std::vector<std::int32_t> unordered = {1, 7, 7};
  EXPECT_EQ(fit_error([&] { pact::expand_person_periods(one, one, left, unordered); }).where(), "band_starts[2]");
  const std::vector<std::int32_t> two = {1, 1};
  EXPECT_EQ(fit_error([&] { pact::expand_person_periods(two, one, left, bands); }).where(), "followup_months");
}

TEST(HazardFit, BandHazardsAreTheEventShares) {
  // Bands [1-3] and [4+]. Cases (t0, m, left):
  //   A (0, 2, yes): months 1, 2           -> band 0 rows 2, event in band 0
  //   B (0, 5, no):  months 1..5           -> band 0 rows 3, band 1 rows 2
  //   C (2, 3, yes): months 3, 4, 5        -> band 0 rows 1, band 1 rows 2, event in band 1
  //   D (4, 1, yes): month 5               -> band 1 rows 1, event in band 1
  //   E (1, 3, no):  months 2, 3, 4        -> band 0 rows 2, band 1 rows 1
  // Band 0: 1 event in 8 rows; band 1: 2 events in 6 rows. With band dummies only, each band's
  // hazard is its event share: a0 = logit(1/8) = log(1/7), a1 = logit(1/3) = log(1/2), with
  // se = 1 / sqrt(n h (1 - h)).
  const std::vector<std::int32_t> bands = {1, 4};
  const auto pp = pact::expand_person_periods(std::vector<std::int32_t>{0, 0, 2, 4, 1},
                                              std::vector<std::int32_t>{2, 5, 3, 1, 3},
                                              std::vector<std::uint8_t>{1, 0, 1, 1, 0}, bands);
  const pact::RowMatrix none(5, 0);
  const pact::HazardDesign design(pp, pact::view_rows(none.data(), 5, 0, 0));
  const auto fit = pact::fit_logistic(design, pp.event);
  EXPECT_NEAR(fit.params(0), std::log(1.0 / 7.0), 1e-12);
  EXPECT_NEAR(fit.params(1), std::log(0.5), 1e-12);
  EXPECT_NEAR(fit.bse(0), 1.0 / std::sqrt(8 * (1.0 / 8) * (7.0 / 8)), 1e-12);
  EXPECT_NEAR(fit.bse(1), 1.0 / std::sqrt(6 * (1.0 / 3) * (2.0 / 3)), 1e-12);
}

TEST(HazardFit, BandWithoutExitsIsSeparation) {
  // Nobody leaves care in the band [4+] (case B is censored there): its hazard's MLE is 0, the
  // band coefficient runs off to -inf, and the error names that band.
  const std::vector<std::int32_t> bands = {1, 4};
  const auto pp = pact::expand_person_periods(std::vector<std::int32_t>{0, 0, 1},
                                              std::vector<std::int32_t>{2, 6, 1},
                                              std::vector<std::uint8_t>{1, 0, 1}, bands);
  const pact::RowMatrix none(3, 0);
  const pact::HazardDesign design(pp, pact::view_rows(none.data(), 3, 0, 0));
  pact::FitOptions o;
  o.column_names = design.column_names();
  const auto e = fit_error([&] { pact::fit_logistic(design, pp.event, o); });
  EXPECT_EQ(e.problem(), Problem::separation);
  EXPECT_EQ(e.columns(), std::vector<std::string>{"months 4+"}) << e.what();
}

TEST(HazardFit, SameAsTheMaterialisedDesign) {
  // The design built by hand (band dummies, then the case's covariates on each of its rows)
  // gives the same fit as the lazy HazardDesign.
  std::mt19937_64 rng(21);
  std::uniform_int_distribution<std::int32_t> entry(0, 30), followup(1, 24);
  std::uniform_real_distribution<double> u;
  const std::size_t cases = 3000;
  std::vector<std::int32_t> t0(cases), m(cases);
  std::vector<std::uint8_t> left(cases);
  pact::RowMatrix covariates(static_cast<Eigen::Index>(cases), 2);
  for (std::size_t i = 0; i < cases; ++i) {
    t0[i] = entry(rng);
    m[i] = followup(rng);
    left[i] = u(rng) < 0.6 ? 1 : 0;
    covariates(static_cast<Eigen::Index>(i), 0) = u(rng);
    covariates(static_cast<Eigen::Index>(i), 1) = u(rng) < 0.3 ? 1.0 : 0.0;
  }
  const std::vector<std::int32_t> bands = {1, 7, 13, 25, 49};
  const auto pp = pact::expand_person_periods(t0, m, left, bands);
  const pact::HazardDesign lazy(pp, pact::view_rows(covariates));
  pact::RowMatrix dense = pact::RowMatrix::Zero(static_cast<Eigen::Index>(pp.rows()), 7);
  for (std::size_t r = 0; r < pp.rows(); ++r) {
    const auto row = static_cast<Eigen::Index>(r);
    dense(row, pp.band[r]) = 1.0;
    dense.row(row).tail(2) = covariates.row(static_cast<Eigen::Index>(pp.case_index[r]));
    for (Eigen::Index c = 0; c < 7; ++c) ASSERT_EQ(lazy(row, c), dense(row, c));
  }
  const auto a = pact::fit_logistic(lazy, pp.event);
  const auto b = pact::fit_logistic(dense, pp.event);
  EXPECT_NEAR((a.params - b.params).cwiseAbs().maxCoeff(), 0.0, 1e-12);
  EXPECT_NEAR((a.bse - b.bse).cwiseAbs().maxCoeff(), 0.0, 1e-12);
  EXPECT_EQ(lazy.column_names(std::vector<std::string>{"score", "flag"}).back(), "flag");
  EXPECT_EQ(lazy.band_columns(), (std::vector<Eigen::Index>{0, 1, 2, 3, 4}));
}

}  // namespace
