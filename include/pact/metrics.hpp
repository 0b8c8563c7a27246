// pact: validation statistics for predicted probabilities of a binary outcome, as an evaluator
// reports them: discrimination (ROC AUC), calibration (Brier score, calibration intercept and
// slope, expected calibration error, calibration curve), overall and by subgroup. Agrees with
// scikit-learn's roc_auc_score, brier_score_loss and calibration_curve and with statsmodels'
// logistic regressions for the calibration intercept and slope.
#ifndef PACT_METRICS_HPP
#define PACT_METRICS_HPP

#include "pact/counting.hpp"
#include "pact/error.hpp"
#include "pact/fitting.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pact {

/// How calibration bins are cut (as scikit-learn's calibration_curve `strategy`).
enum class BinStrategy {
  uniform,   ///< n_bins equal-width bins over [0, 1]
  quantile,  ///< edges at the 0, 1/n_bins, ..., 1 quantiles of the predictions (numpy's linear method)
};

/// Observed against predicted frequency per bin; bins without predictions are dropped, as
/// scikit-learn does, so the vectors hold one entry per non-empty bin, in bin order.
struct CalibrationCurve {
  std::vector<double> prob_true;    ///< share of outcomes equal to 1
  std::vector<double> prob_pred;    ///< mean predicted probability
  std::vector<std::size_t> counts;  ///< rows in the bin
  std::vector<std::size_t> bins;    ///< index of the bin among all n_bins
  std::vector<double> bin_edges;    ///< all n_bins + 1 edges, before dropping empty bins
};

/// Logistic recalibration of predictions p: calibration-in-the-large a in
/// logit P(y = 1) = a + logit(p) (ideal 0), and the calibration slope b in
/// logit P(y = 1) = a' + b logit(p) (ideal 1; below 1 means predictions too extreme).
struct CalibrationRegression {
  double intercept = 0.0;  ///< a (calibration-in-the-large)
  double intercept_se = 0.0;  ///< standard error of a
  double slope = 0.0;  ///< b
  double slope_se = 0.0;  ///< standard error of b
  double slope_intercept = 0.0;  ///< a', the intercept fitted with the slope
  double slope_intercept_se = 0.0;  ///< standard error of a'
};

namespace detail {

inline void check_same_size(std::size_t n, std::span<const double> other, const char* name) {
  if (other.size() != n)
    throw InvalidArgument(name, "expected one value per outcome (" + std::to_string(n) + "), got " +
                                    std::to_string(other.size()));
}

inline void check_outcomes(std::span<const double> y) {
  for (std::size_t i = 0; i < y.size(); ++i)
    if (!(y[i] == 0.0 || y[i] == 1.0))
      throw InvalidArgument("y[" + std::to_string(i) + "]", "expected an outcome of 0 or 1");
}

inline void check_probabilities(std::span<const double> p) {
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!(p[i] >= 0.0 && p[i] <= 1.0))
      throw InvalidArgument("p[" + std::to_string(i) + "]",
                            std::isnan(p[i]) ? "expected a probability, got NaN" : "expected a probability in [0, 1]");
}

inline void check_sample_weights(std::span<const double> w, std::size_t n) {
  if (w.empty()) return;
  check_same_size(n, w, "sample_weight");
  double sum = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (!std::isfinite(w[i]) || w[i] < 0.0)
      throw InvalidArgument("sample_weight[" + std::to_string(i) + "]", "expected a finite weight >= 0");
    sum += w[i];
  }
  if (!(sum > 0.0)) throw InvalidArgument("sample_weight", "expected at least one positive weight");
}

inline void check_inputs(std::span<const double> y, std::span<const double> p, std::span<const double> w) {
  check_same_size(y.size(), p, "p");
  if (y.empty()) throw InvalidArgument("y", "expected at least one outcome");
  check_outcomes(y);
  check_probabilities(p);
  check_sample_weights(w, y.size());
}

/// numpy.linspace(0, 1, n_bins + 1)[k]: k * (1 / n_bins), the last exactly 1.
inline double linspace_unit(std::size_t k, std::size_t n_bins) {
  if (k == n_bins) return 1.0;
  return static_cast<double>(k) * (1.0 / static_cast<double>(n_bins));
}

/// The calibration bin of every prediction and the bin edges, as scikit-learn cuts them.
/// Written out operation by operation as numpy evaluates them, so that edges and the bins of
/// predictions lying on an edge match exactly (compile without -ffast-math; FMA contraction
/// under -march flags may change the last bit of quantile edges).
inline std::vector<double> calibration_bin_edges(std::span<const double> p, std::size_t n_bins, BinStrategy strategy) {
  std::vector<double> edges(n_bins + 1);
  if (strategy == BinStrategy::uniform) {
    for (std::size_t k = 0; k <= n_bins; ++k) edges[k] = linspace_unit(k, n_bins);
    return edges;
  }
  // np.percentile(p, linspace(0, 1, n_bins + 1) * 100), method "linear".
  std::vector<double> sorted(p.begin(), p.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  for (std::size_t k = 0; k <= n_bins; ++k) {
    const double percent = linspace_unit(k, n_bins) * 100.0;
    const double q = percent / 100.0;
    const double virtual_index = static_cast<double>(n - 1) * q;
    if (virtual_index >= static_cast<double>(n - 1)) {
      edges[k] = sorted[n - 1];
      continue;
    }
    const double previous = std::floor(virtual_index);
    const auto below = static_cast<std::size_t>(previous);
    const double gamma = virtual_index - previous;
    const double a = sorted[below];
    const double b = sorted[below + 1];
    const double diff = b - a;
    edges[k] = gamma >= 0.5 ? b - diff * (1.0 - gamma) : a + diff * gamma;
  }
  return edges;
}

}  // namespace detail

/// Area under the ROC curve: the probability that a random positive scores above a random
/// negative, ties counting one half (the Mann-Whitney statistic), with optional sample weights
/// (as scikit-learn's roc_auc_score). Scores may be any finite numbers (probabilities or linear
/// predictors). Throws InvalidArgument unless y holds both outcomes (with positive weight).
inline double roc_auc(std::span<const double> y, std::span<const double> score,
                      std::span<const double> sample_weight = {}) {
  detail::check_same_size(y.size(), score, "score");
  detail::check_outcomes(y);
  for (std::size_t i = 0; i < score.size(); ++i)
    if (!std::isfinite(score[i])) throw InvalidArgument("score[" + std::to_string(i) + "]", "expected a finite score");
  detail::check_sample_weights(sample_weight, y.size());
  const bool weighted = !sample_weight.empty();
  std::vector<std::size_t> order(y.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  // Over groups of tied scores in increasing order: each positive beats the negatives below its
  // group and ties with half of those in it.
  double negatives_below = 0.0, wins = 0.0, positives = 0.0;
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    double pos = 0.0, neg = 0.0;
    for (; end < order.size() && score[order[end]] == score[order[start]]; ++end) {
      const std::size_t i = order[end];
      const double w = weighted ? sample_weight[i] : 1.0;
      (y[i] == 1.0 ? pos : neg) += w;
    }
    wins += pos * (negatives_below + 0.5 * neg);
    negatives_below += neg;
    positives += pos;
    start = end;
  }
  if (!(positives > 0.0) || !(negatives_below > 0.0))
    throw InvalidArgument("y", std::string("ROC AUC needs both outcomes, but y has no ") +
                                   (positives > 0.0 ? "0s" : "1s") + (weighted ? " with a positive weight" : ""));
  return wins / (positives * negatives_below);
}

/// Mean squared difference between predicted probability and outcome, with optional sample
/// weights (scikit-learn's brier_score_loss).
inline double brier_score(std::span<const double> y, std::span<const double> p,
                          std::span<const double> sample_weight = {}) {
  detail::check_inputs(y, p, sample_weight);
  double sum = 0.0, weight = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double w = sample_weight.empty() ? 1.0 : sample_weight[i];
    sum += w * (y[i] - p[i]) * (y[i] - p[i]);
    weight += w;
  }
  return sum / weight;
}

/// The calibration curve of scikit-learn's calibration_curve(y, p, n_bins, strategy): the same
/// bin edges, the same bin for a prediction on an edge (the lower one), the same dropping of
/// empty bins; plus the count per bin.
inline CalibrationCurve calibration_curve(std::span<const double> y, std::span<const double> p, int n_bins = 5,
                                          BinStrategy strategy = BinStrategy::uniform) {
  detail::check_inputs(y, p, {});
  if (n_bins < 1) throw InvalidArgument("n_bins", "expected at least one bin");
  const auto bins = static_cast<std::size_t>(n_bins);
  CalibrationCurve curve;
  curve.bin_edges = detail::calibration_bin_edges(p, bins, strategy);
  std::vector<double> sum_pred(bins, 0.0), sum_true(bins, 0.0);
  std::vector<std::size_t> total(bins, 0);
  const auto inner_begin = curve.bin_edges.begin() + 1;
  const auto inner_end = curve.bin_edges.end() - 1;
  for (std::size_t i = 0; i < y.size(); ++i) {
    // np.searchsorted(edges[1:-1], p) with side "left": the number of inner edges below p.
    const auto bin = static_cast<std::size_t>(std::lower_bound(inner_begin, inner_end, p[i]) - inner_begin);
    sum_pred[bin] += p[i];
    sum_true[bin] += y[i];
    ++total[bin];
  }
  for (std::size_t b = 0; b < bins; ++b) {
    if (total[b] == 0) continue;
    const auto count = static_cast<double>(total[b]);
    curve.prob_true.push_back(sum_true[b] / count);
    curve.prob_pred.push_back(sum_pred[b] / count);
    curve.counts.push_back(total[b]);
    curve.bins.push_back(b);
  }
  return curve;
}

/// Expected calibration error: sum over the calibration curve's bins of
/// (rows in bin / rows) * |observed share - mean prediction|.
inline double expected_calibration_error(const CalibrationCurve& curve) {
  std::size_t n = 0;
  for (std::size_t c : curve.counts) n += c;
  double ece = 0.0;
  for (std::size_t b = 0; b < curve.counts.size(); ++b)
    ece += static_cast<double>(curve.counts[b]) / static_cast<double>(n) *
           std::abs(curve.prob_true[b] - curve.prob_pred[b]);
  return ece;
}

/// The expected calibration error of predictions `p` for outcomes `y` over the bins of
/// calibration_curve(y, p, n_bins, strategy). Throws InvalidArgument as calibration_curve does.
inline double expected_calibration_error(std::span<const double> y, std::span<const double> p, int n_bins = 10,
                                         BinStrategy strategy = BinStrategy::uniform) {
  return expected_calibration_error(calibration_curve(y, p, n_bins, strategy));
}

/// Calibration intercept and slope by two logistic regressions of y on logit(p) (with
/// statsmodels: GLM(y, ones, offset=logit(p)) and Logit(y, [1, logit(p)])), optionally with
/// frequency weights. Throws InvalidArgument when y has a single outcome or some p is exactly 0
/// or 1 (its logit is infinite); FitError if a regression cannot be fitted.
inline CalibrationRegression calibration_regression(std::span<const double> y, std::span<const double> p,
                                                    std::span<const double> sample_weight = {},
                                                    unsigned threads = 0) {
  detail::check_inputs(y, p, sample_weight);
  bool has0 = false, has1 = false;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (!sample_weight.empty() && !(sample_weight[i] > 0.0)) continue;
    (y[i] == 1.0 ? has1 : has0) = true;
  }
  if (!has0 || !has1)
    throw InvalidArgument("y", std::string("a calibration regression needs both outcomes, but y has no ") +
                                   (has1 ? "0s" : "1s"));
  const std::size_t n = y.size();
  RowMatrix design(static_cast<Eigen::Index>(n), 2);
  std::vector<double> logit(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] == 0.0 || p[i] == 1.0)
      throw InvalidArgument("p[" + std::to_string(i) + "]",
                            "a prediction of exactly 0 or 1 has an infinite logit; calibration regressions need p in (0, 1)");
    logit[i] = std::log(p[i] / (1.0 - p[i]));
    design(static_cast<Eigen::Index>(i), 0) = 1.0;
    design(static_cast<Eigen::Index>(i), 1) = logit[i];
  }
  FitOptions options;
  options.weights = sample_weight;
  options.threads = threads;
  options.column_names = {"intercept", "logit(p)"};
  CalibrationRegression r;
  const auto slope = fit_logistic(design, y, options);
  r.slope_intercept = slope.params(0);
  r.slope_intercept_se = slope.bse(0);
  r.slope = slope.params(1);
  r.slope_se = slope.bse(1);
  options.offset = logit;
  options.column_names = {"intercept"};
  const auto in_the_large = fit_logistic(view_rows(design.data(), design.rows(), 1, 2), y, options);
  r.intercept = in_the_large.params(0);
  r.intercept_se = in_the_large.bse(0);
  return r;
}

/// What validate() computes and how.
struct ValidationOptions {
  int n_bins = 10;                                 ///< calibration curve and ECE bins
  BinStrategy strategy = BinStrategy::uniform;  ///< how the calibration bins are cut
  /// Sample weights for ROC AUC, Brier score and the calibration regressions; the calibration
  /// curve, ECE and the counts count rows, as scikit-learn's calibration_curve does.
  std::span<const double> sample_weight;
  unsigned threads = 0;  ///< for the calibration regressions
};

/// The statistics of one population. A statistic that is undefined there (AUC with one outcome,
/// a calibration regression that cannot be fitted) is empty, and `notes` says why.
struct ValidationMetrics {
  std::size_t n = 0;       ///< rows
  std::size_t events = 0;  ///< rows with y = 1
  std::optional<double> prevalence;  ///< events / n
  std::optional<double> auc;    ///< ROC AUC (roc_auc)
  std::optional<double> brier;  ///< Brier score (brier_score)
  std::optional<CalibrationRegression> calibration;  ///< calibration intercept and slope (calibration_regression)
  std::optional<double> ece;    ///< expected calibration error over the curve's bins
  CalibrationCurve curve;       ///< the calibration curve (calibration_curve)
  std::vector<std::string> notes;  ///< why a statistic is empty, one note each
};

/// One subgroup's statistics.
struct GroupValidation {
  std::string group;          ///< the subgroup's name
  ValidationMetrics metrics;  ///< its statistics, computed within the subgroup alone
};

/// Everything validate() computes: the whole sample and each subgroup.
struct ValidationReport {
  ValidationMetrics total;  ///< the whole sample
  std::vector<GroupValidation> groups;  ///< in the order of Groups::names
};

namespace detail {

inline ValidationMetrics validation_metrics(std::span<const double> y, std::span<const double> p,
                                            std::span<const double> w, const ValidationOptions& options) {
  ValidationMetrics m;
  m.n = y.size();
  for (double v : y) m.events += v == 1.0 ? 1u : 0u;
  if (m.n == 0) {
    m.notes.push_back("no rows");
    return m;
  }
  m.prevalence = static_cast<double>(m.events) / static_cast<double>(m.n);
  double weight = 0.0;
  for (double v : w) weight += v;
  if (!w.empty() && !(weight > 0.0)) {
    m.notes.push_back("auc, brier, calibration: every sample weight is zero");
  } else {
    try {
      m.auc = roc_auc(y, p, w);
    } catch (const InvalidArgument& e) {
      m.notes.push_back("auc: " + e.reason());
    }
    m.brier = brier_score(y, p, w);
    try {
      m.calibration = calibration_regression(y, p, w, options.threads);
    } catch (const Error& e) {
      m.notes.push_back("calibration: " + e.reason());
    }
  }
  m.curve = calibration_curve(y, p, options.n_bins, options.strategy);
  m.ece = expected_calibration_error(m.curve);
  return m;
}

}  // namespace detail

/// Every statistic for the whole sample and, given groups (codes per row into names, as for
/// the counting measures), for each subgroup with its n, events and prevalence. Throws
/// InvalidArgument for invalid input (sizes, y not 0/1, p outside [0, 1] or NaN, bad weights
/// or group codes); statistics undefined for a population are left empty with a note.
inline ValidationReport validate(std::span<const double> y, std::span<const double> p,
                                 const ValidationOptions& options = {}, const Groups* groups = nullptr) {
  detail::check_inputs(y, p, options.sample_weight);
  if (options.n_bins < 1) throw InvalidArgument("n_bins", "expected at least one bin");
  detail::check_groups(groups, y.size());
  ValidationReport report;
  report.total = detail::validation_metrics(y, p, options.sample_weight, options);
  if (!groups) return report;
  const bool weighted = !options.sample_weight.empty();
  for (std::size_t g = 0; g < groups->names.size(); ++g) {
    std::vector<double> gy, gp, gw;
    for (std::size_t i = 0; i < y.size(); ++i) {
      if (static_cast<std::size_t>(groups->codes[i]) != g) continue;
      gy.push_back(y[i]);
      gp.push_back(p[i]);
      if (weighted) gw.push_back(options.sample_weight[i]);
    }
    report.groups.push_back({groups->names[g], detail::validation_metrics(gy, gp, gw, options)});
  }
  return report;
}

}  // namespace pact

#endif  // PACT_METRICS_HPP
