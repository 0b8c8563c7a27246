// pact: population measures by the Alkire-Foster counting method (Alkire & Foster 2011,
// "Counting and multidimensional poverty measurement", J. Public Economics 95(7-8)): headcount
// ratio H, intensity A, adjusted headcount M0 and, with cardinal data, M1 and M2; censored
// headcounts and dimension contributions; decomposition by subgroup.
#ifndef PACT_COUNTING_HPP
#define PACT_COUNTING_HPP

#include "pact/error.hpp"
#include "pact/instrument.hpp"
#include "pact/matrix.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace pact {

/// The dual cut-off and the measure's power.
struct CountingOptions {
  double k = 1.0 / 3.0;  ///< cross-dimensional cut-off, a share of the total weight in (0, 1]
  int alpha = 0;         ///< 0: M0 (ordinal data), 1: M1 (gap), 2: M2 (squared gap)
};

/// The measures for one population (the whole sample or one subgroup).
struct CountingMeasures {
  std::size_t n = 0;  ///< people
  std::size_t q = 0;  ///< people identified as multidimensionally excluded (c_i >= k)
  double H = 0.0;     ///< headcount ratio q / n
  double A = 0.0;     ///< intensity: mean deprivation score among the excluded (0 when q = 0)
  double M0 = 0.0;    ///< adjusted headcount ratio H * A
  double M = 0.0;     ///< M_alpha for the requested alpha (equals M0 when alpha = 0)
  std::vector<double> uncensored_headcount;  ///< per dimension: share of people deprived in it
  std::vector<double> censored_headcount;    ///< per dimension: share excluded and deprived in it
  /// Per dimension: its share of M, w_d * (sum_i g_id^alpha(k) / n) / M; sums to 1 (all 0 when M = 0).
  std::vector<double> contribution;
};

/// One subgroup's measures and its part in the whole.
struct GroupMeasures {
  std::string group;  ///< the subgroup's name
  double population_share = 0.0;  ///< n_g / n
  double contribution = 0.0;      ///< (n_g / n) M_g / M; the groups' contributions sum to 1
  CountingMeasures measures;  ///< the measures computed within the subgroup alone
};

/// The result of a counting-method evaluation.
struct CountingResult {
  double k = 0.0;  ///< the cross-dimensional cut-off used
  int alpha = 0;   ///< the power used: 0 (M0), 1 (M1) or 2 (M2)
  std::vector<double> weights;  ///< normalised to sum 1
  CountingMeasures total;  ///< the whole population
  std::vector<GroupMeasures> groups;  ///< empty unless groups were given; sorted by name
  std::size_t incomplete = 0;  ///< rows left out because a dimension was not scored (from scores only)
};

/// A subgroup label per row, as codes into a list of names.
struct Groups {
  std::vector<std::int32_t> codes;  ///< per row, in [0, names.size())
  std::vector<std::string> names;  ///< the group names, sorted (from_labels) or as given

  /// Codes the labels by their sorted distinct values.
  static Groups from_labels(std::span<const std::string> labels) {
    Groups g;
    g.names.assign(labels.begin(), labels.end());
    std::sort(g.names.begin(), g.names.end());
    g.names.erase(std::unique(g.names.begin(), g.names.end()), g.names.end());
    g.codes.reserve(labels.size());
    for (const auto& label : labels)
      g.codes.push_back(static_cast<std::int32_t>(std::lower_bound(g.names.begin(), g.names.end(), label) -
                                                  g.names.begin()));
    return g;
  }
};

/// Streams people into the sums the measures need. Mergeable, so that threads or files can
/// accumulate separately.
class CountingAccumulator {
 public:
  /// `weights` must be positive and sum to 1.
  CountingAccumulator(std::vector<double> weights, double k, int alpha)
      : weights_(std::move(weights)),
        k_(k),
        alpha_(alpha),
        deprived_(weights_.size(), 0),
        censored_(weights_.size(), 0),
        censored_gap_(weights_.size(), 0.0) {}

  /// Adds one person: deprived[d] says whether they are deprived in d, gap[d] their normalised
  /// gap in [0, 1] (read only when alpha > 0 and deprived).
  void add(const bool* deprived, const double* gap) {
    double c = 0.0;
    for (std::size_t d = 0; d < weights_.size(); ++d) {
      if (!deprived[d]) continue;
      c += weights_[d];
      ++deprived_[d];
    }
    ++n_;
    // c is a sum of weights; the slack keeps, say, three thirds at or above k = 1.
    if (c + identification_slack < k_) return;
    ++q_;
    censored_score_ += c;
    for (std::size_t d = 0; d < weights_.size(); ++d) {
      if (!deprived[d]) continue;
      ++censored_[d];
      censored_gap_[d] += alpha_ == 0 ? 1.0 : std::pow(gap[d], alpha_);
    }
  }

  /// Adds another accumulator's people (same weights, k and alpha): the measures are those of
  /// both populations together, whatever order they were added in.
  void merge(const CountingAccumulator& other) {
    n_ += other.n_;
    q_ += other.q_;
    censored_score_ += other.censored_score_;
    for (std::size_t d = 0; d < weights_.size(); ++d) {
      deprived_[d] += other.deprived_[d];
      censored_[d] += other.censored_[d];
      censored_gap_[d] += other.censored_gap_[d];
    }
  }

  /// The measures of the people added so far (all zero for none).
  CountingMeasures measures() const {
    CountingMeasures m;
    const std::size_t dims = weights_.size();
    m.n = n_;
    m.q = q_;
    m.uncensored_headcount.assign(dims, 0.0);
    m.censored_headcount.assign(dims, 0.0);
    m.contribution.assign(dims, 0.0);
    if (n_ == 0) return m;
    const double n = static_cast<double>(n_);
    m.H = static_cast<double>(q_) / n;
    m.A = q_ ? censored_score_ / static_cast<double>(q_) : 0.0;
    m.M0 = censored_score_ / n;
    double M = 0.0;
    for (std::size_t d = 0; d < dims; ++d) {
      m.uncensored_headcount[d] = static_cast<double>(deprived_[d]) / n;
      m.censored_headcount[d] = static_cast<double>(censored_[d]) / n;
      M += weights_[d] * censored_gap_[d] / n;
    }
    m.M = alpha_ == 0 ? m.M0 : M;
    if (m.M > 0.0)
      for (std::size_t d = 0; d < dims; ++d) m.contribution[d] = weights_[d] * (censored_gap_[d] / n) / m.M;
    return m;
  }

  /// Slack in the identification step c_i >= k: c_i is a sum of weights, and rounding must not
  /// move a person across k (three thirds reach k = 1).
  static constexpr double identification_slack = 1e-12;

 private:
  std::vector<double> weights_;
  double k_;
  int alpha_;
  std::size_t n_ = 0;
  std::size_t q_ = 0;
  double censored_score_ = 0.0;
  std::vector<std::size_t> deprived_;
  std::vector<std::size_t> censored_;
  std::vector<double> censored_gap_;
};

namespace detail {

inline void check_counting_options(const CountingOptions& options) {
  if (!(options.k > 0.0 && options.k <= 1.0))
    throw InvalidArgument("k", "expected a cut-off in (0, 1], got " + std::to_string(options.k));
  if (options.alpha < 0 || options.alpha > 2)
    throw InvalidArgument("alpha", "expected 0, 1 or 2, got " + std::to_string(options.alpha));
}

inline void check_groups(const Groups* groups, std::size_t rows) {
  if (!groups) return;
  if (groups->codes.size() != rows)
    throw InvalidArgument("groups", "expected one group per row (" + std::to_string(rows) + "), got " +
                                        std::to_string(groups->codes.size()));
  for (std::size_t i = 0; i < rows; ++i)
    if (groups->codes[i] < 0 || static_cast<std::size_t>(groups->codes[i]) >= groups->names.size())
      throw InvalidArgument("groups[" + std::to_string(i) + "]",
                            "group code " + std::to_string(groups->codes[i]) + " has no name");
}

/// Runs the accumulators over rows: `person(i, deprived, gap)` fills one person's deprivations
/// and returns false to leave the row out.
template <class Person>
CountingResult run_counting(std::vector<double> weights, std::size_t rows, const CountingOptions& options,
                            const Groups* groups, Person&& person) {
  const std::size_t dims = weights.size();
  CountingResult result;
  result.k = options.k;
  result.alpha = options.alpha;
  result.weights = weights;
  const std::size_t group_count = groups ? groups->names.size() : 0;
  std::vector<CountingAccumulator> by_group(group_count, CountingAccumulator(weights, options.k, options.alpha));
  CountingAccumulator total(weights, options.k, options.alpha);
  std::unique_ptr<bool[]> deprived(new bool[dims]);
  std::vector<double> gap(dims, 0.0);
  for (std::size_t i = 0; i < rows; ++i) {
    if (!person(i, deprived.get(), gap.data())) {
      ++result.incomplete;
      continue;
    }
    total.add(deprived.get(), gap.data());
    if (groups) by_group[static_cast<std::size_t>(groups->codes[i])].add(deprived.get(), gap.data());
  }
  result.total = total.measures();
  for (std::size_t g = 0; g < group_count; ++g) {
    GroupMeasures gm;
    gm.group = groups->names[g];
    gm.measures = by_group[g].measures();
    if (result.total.n > 0) gm.population_share = static_cast<double>(gm.measures.n) / static_cast<double>(result.total.n);
    if (result.total.M > 0.0) gm.contribution = gm.population_share * gm.measures.M / result.total.M;
    result.groups.push_back(std::move(gm));
  }
  return result;
}

}  // namespace detail

/// The Alkire-Foster measures of a matrix of achievements (rows = people, columns = dimensions),
/// as in the paper: person i is deprived in d when y_id < z_d, with normalised gap
/// (z_d - y_id) / z_d. `weights` (empty = equal) are normalised to sum 1; `groups` (optional)
/// decomposes by subgroup. Throws InvalidArgument for NaN achievements, non-positive weights,
/// non-positive cut-offs when alpha > 0, or mismatched sizes.
inline CountingResult alkire_foster(ConstRowMatrixView achievements, std::span<const double> cutoffs,
                                    std::span<const double> weights, const CountingOptions& options,
                                    const Groups* groups = nullptr) {
  detail::check_counting_options(options);
  const auto rows = static_cast<std::size_t>(achievements.rows());
  const auto dims = static_cast<std::size_t>(achievements.cols());
  if (dims == 0) throw InvalidArgument("achievements", "expected at least one dimension");
  if (cutoffs.size() != dims)
    throw InvalidArgument("cutoffs", "expected " + std::to_string(dims) + " cut-offs, got " + std::to_string(cutoffs.size()));
  for (std::size_t d = 0; d < dims; ++d) {
    if (!std::isfinite(cutoffs[d]))
      throw InvalidArgument("cutoffs[" + std::to_string(d) + "]", "expected a finite number");
    if (options.alpha > 0 && !(cutoffs[d] > 0.0))
      throw InvalidArgument("cutoffs[" + std::to_string(d) + "]",
                            "normalised gaps (alpha > 0) need a positive cut-off, got " + std::to_string(cutoffs[d]));
  }
  std::vector<double> w(dims, 1.0 / static_cast<double>(dims));
  if (!weights.empty()) {
    if (weights.size() != dims)
      throw InvalidArgument("weights", "expected " + std::to_string(dims) + " weights, got " + std::to_string(weights.size()));
    double sum = 0.0;
    for (std::size_t d = 0; d < dims; ++d) {
      if (!(weights[d] > 0.0) || !std::isfinite(weights[d]))
        throw InvalidArgument("weights[" + std::to_string(d) + "]", "expected a positive finite weight");
      sum += weights[d];
    }
    for (std::size_t d = 0; d < dims; ++d) w[d] = weights[d] / sum;
  }
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t d = 0; d < dims; ++d)
      if (std::isnan(achievements(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(d))))
        throw InvalidArgument("achievements[" + std::to_string(i) + ", " + std::to_string(d) + "]",
                              "missing value (NaN): the counting method needs every achievement");
  detail::check_groups(groups, rows);
  return detail::run_counting(std::move(w), rows, options, groups, [&](std::size_t i, bool* deprived, double* gap) {
    for (std::size_t d = 0; d < dims; ++d) {
      const double y = achievements(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(d));
      deprived[d] = y < cutoffs[d];
      gap[d] = deprived[d] && options.alpha > 0 ? (cutoffs[d] - y) / cutoffs[d] : 0.0;
    }
    return true;
  });
}

/// One person's deprivations from their dimension scores (as written by score_batch): deprived
/// in d when the score is at or above the dimension's deprivation cut-off z_d, with normalised
/// gap (score - z_d) / (1 - z_d) (1 when z_d = 1). Returns false, leaving the person out, when a
/// dimension is not scored (NaN). `deprived` and `gap` have one element per dimension.
inline bool deprivations_from_scores(const Instrument& instrument, const double* scores, bool* deprived, double* gap) {
  const auto& dims = instrument.dimensions();
  for (std::size_t d = 0; d < dims.size(); ++d) {
    const double s = scores[d];
    if (std::isnan(s)) return false;
    const double z = dims[d].deprivation_cutoff;
    deprived[d] = s >= z;
    gap[d] = !deprived[d] ? 0.0 : (z < 1.0 ? (s - z) / (1.0 - z) : 1.0);
  }
  return true;
}

/// The instrument's dimension weights, normalised to sum 1, for the counting method.
inline std::vector<double> counting_weights(const Instrument& instrument) {
  std::vector<double> w;
  for (const auto& d : instrument.dimensions()) w.push_back(d.normalized_weight);
  return w;
}

/// The Alkire-Foster measures of scored cases: rows of dimension scores in [0, 1] (as written by
/// score_batch), deprived as deprivations_from_scores says, weights the instrument's normalised
/// dimension weights. Rows with a dimension not scored (NaN) are left out and counted in
/// `incomplete`, as survey practice drops people with missing indicators.
inline CountingResult alkire_foster_from_scores(const Instrument& instrument, ConstRowMatrixView dimension_scores,
                                                const CountingOptions& options, const Groups* groups = nullptr) {
  detail::check_counting_options(options);
  const auto rows = static_cast<std::size_t>(dimension_scores.rows());
  const std::size_t dims = instrument.dimension_count();
  if (static_cast<std::size_t>(dimension_scores.cols()) != dims)
    throw InvalidArgument("dimension_scores", "expected " + std::to_string(dims) + " columns (one per dimension of " +
                                                  instrument.id() + "), got " + std::to_string(dimension_scores.cols()));
  detail::check_groups(groups, rows);
  std::vector<double> row(dims);
  return detail::run_counting(counting_weights(instrument), rows, options, groups,
                              [&](std::size_t i, bool* deprived, double* gap) {
                                for (std::size_t d = 0; d < dims; ++d)
                                  row[d] = dimension_scores(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(d));
                                return deprivations_from_scores(instrument, row.data(), deprived, gap);
                              });
}

/// Counting-method measures accumulated row by row (a caseload streamed from a file), by
/// subgroup label, in bounded memory: one accumulator per group.
class CountingByGroup {
 public:
  /// Counts against the instrument's deprivation cut-offs and normalised dimension weights.
  /// Throws InvalidArgument for k outside (0, 1] or alpha outside {0, 1, 2}.
  CountingByGroup(const Instrument& instrument, const CountingOptions& options)
      : instrument_(instrument),
        options_(options),
        weights_(counting_weights(instrument)),
        total_(weights_, options.k, options.alpha),
        deprived_(new bool[weights_.size()]),
        gap_(weights_.size(), 0.0) {
    detail::check_counting_options(options);
  }

  /// Adds one person's dimension scores, in subgroup `group` ("" for none).
  void add(const double* scores, const std::string& group = {}) {
    if (!deprivations_from_scores(instrument_, scores, deprived_.get(), gap_.data())) {
      ++incomplete_;
      return;
    }
    total_.add(deprived_.get(), gap_.data());
    if (group.empty()) return;
    auto it = groups_.find(group);
    if (it == groups_.end()) it = groups_.emplace(group, CountingAccumulator(weights_, options_.k, options_.alpha)).first;
    it->second.add(deprived_.get(), gap_.data());
  }

  /// The measures of everyone added, and of each named group (sorted by name).
  CountingResult result() const {
    CountingResult r;
    r.k = options_.k;
    r.alpha = options_.alpha;
    r.weights = weights_;
    r.total = total_.measures();
    r.incomplete = incomplete_;
    for (const auto& [name, accumulator] : groups_) {
      GroupMeasures g;
      g.group = name;
      g.measures = accumulator.measures();
      if (r.total.n > 0) g.population_share = static_cast<double>(g.measures.n) / static_cast<double>(r.total.n);
      if (r.total.M > 0.0) g.contribution = g.population_share * g.measures.M / r.total.M;
      r.groups.push_back(std::move(g));
    }
    return r;
  }

 private:
  Instrument instrument_;
  CountingOptions options_;
  std::vector<double> weights_;
  CountingAccumulator total_;
  std::map<std::string, CountingAccumulator> groups_;
  std::unique_ptr<bool[]> deprived_;
  std::vector<double> gap_;
  std::size_t incomplete_ = 0;
};

}  // namespace pact

#endif  // PACT_COUNTING_HPP
