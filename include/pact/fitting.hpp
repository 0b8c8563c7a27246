// pact: logistic regression by Newton's method (IRLS) with optional frequency weights, offset and
// L2 penalty; standard errors from the observed information; clear errors for separation,
// rank-deficient designs and non-convergence; and the person-period expansion that turns a
// discrete-time hazard model into a logistic regression (Allison 1982).
#ifndef PACT_FITTING_HPP
#define PACT_FITTING_HPP

#include "pact/detail/parallel.hpp"
#include "pact/error.hpp"
#include "pact/matrix.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace pact {

/// Why a fit failed. `problem()` says which failure it is; `columns()` names the design columns
/// involved (separating or linearly dependent columns) when they are known.
class FitError : public Error {
 public:
  /// Which failure a FitError reports.
  enum class Problem {
    invalid_input,   ///< sizes that do not match, bad options, y not 0/1, NaN or inf in the data
    separation,      ///< perfect or quasi-complete separation: the maximum-likelihood estimate does not exist
    rank_deficient,  ///< linearly dependent or all-zero columns
    not_converged,   ///< max_iterations reached; iterations() and gradient_norm() say how far it got
    singular,        ///< the information matrix became numerically singular during the iterations
  };

  /// A fit failure: `problem`, the error `kind` (invalid_argument or validation), where and why,
  /// the design columns involved, and how far Newton's method got.
  FitError(Problem problem, ErrorKind kind, std::string where, std::string reason,
           std::vector<std::string> columns = {}, int iterations = 0,
           double gradient_norm = std::numeric_limits<double>::quiet_NaN())
      : Error(kind, std::move(where), std::move(reason)),
        problem_(problem),
        columns_(std::move(columns)),
        iterations_(iterations),
        gradient_norm_(gradient_norm) {}

  /// Which failure this is.
  Problem problem() const noexcept { return problem_; }
  /// The names of the design columns involved (separating or dependent columns); may be empty.
  const std::vector<std::string>& columns() const noexcept { return columns_; }
  /// Newton steps taken before the failure.
  int iterations() const noexcept { return iterations_; }
  /// The largest component of the penalised log-likelihood's gradient when it failed; NaN when
  /// no iteration ran.
  double gradient_norm() const noexcept { return gradient_norm_; }

 private:
  Problem problem_;
  std::vector<std::string> columns_;
  int iterations_;
  double gradient_norm_;
};

/// How to fit. Spans are views of caller memory and must outlive the call.
struct FitOptions {
  /// Frequency weights (statsmodels GLM `freq_weights`): row i counts as weights[i] observations.
  /// Empty means 1 for every row; each must be finite and >= 0.
  std::span<const double> weights;
  /// Known part of the linear predictor, added to X b. Empty means 0.
  std::span<const double> offset;
  /// L2 penalty: the fit maximises llf - l2/2 * sum_j b_j^2 over the penalised columns.
  double l2 = 0.0;
  /// Columns left out of the penalty (the intercept, the baseline bands of a hazard model).
  std::vector<Eigen::Index> unpenalized;
  /// Names used in error messages and copied to the result; empty means "column 0", "column 1"...
  std::vector<std::string> column_names;
  /// Starting values; empty means all zero (as statsmodels' Logit).
  std::span<const double> start;
  int max_iterations = 100;  ///< Newton steps before giving up (>= 0)
  /// Converged when every coefficient moved by at most tolerance * (1 + |b_j|) in the last step.
  double tolerance = 1e-8;
  /// Worker threads (0 = all hardware threads). The result does not depend on it.
  unsigned threads = 0;
  /// When false, reaching max_iterations returns the last iterate with converged = false instead
  /// of throwing (separation is still an error).
  bool throw_if_not_converged = true;
};

/// The fitted model.
struct LogisticFit {
  Eigen::VectorXd params;  ///< the estimated coefficients, one per design column
  /// sqrt of the diagonal of `covariance`.
  Eigen::VectorXd bse;
  /// Inverse of the observed information of the penalised likelihood, X'WX + l2 * P, at params.
  Eigen::MatrixXd covariance;
  double llf = 0.0;            ///< log-likelihood (without the penalty)
  double penalized_llf = 0.0;  ///< llf - l2/2 * sum of squared penalised coefficients
  int iterations = 0;          ///< Newton steps taken
  double gradient_max_norm = 0.0;  ///< max |d penalized_llf / d b_j| at params
  bool converged = false;  ///< the last step met the tolerance
  std::size_t rows = 0;     ///< rows with a positive weight
  double weight_sum = 0.0;  ///< sum of the weights (the number of observations with frequency weights)
  std::vector<std::string> column_names;  ///< the design columns' names (FitOptions::column_names or "column j")
};

// ---------------------------------------------------------------------------------------------
// Person-period expansion (discrete-time hazard models)

/// One row per month at risk of each case, as a discrete-time hazard model is fitted (Allison
/// 1982): rows of case i are [first_row[i], first_row[i + 1]).
struct PersonPeriods {
  std::vector<std::uint32_t> case_index;  ///< per row: the case it belongs to
  std::vector<std::int32_t> month;        ///< per row: duration month t (months in care, from 1)
  std::vector<std::int32_t> band;         ///< per row: index of the duration band holding t
  std::vector<double> event;              ///< per row: 1 in the month the case left care, else 0
  std::vector<std::size_t> first_row;     ///< per case, and one past the last
  std::vector<std::int32_t> band_starts;  ///< first month of each band (the first is 1)

  /// Person-month rows.
  std::size_t rows() const noexcept { return case_index.size(); }
  /// Cases expanded.
  std::size_t case_count() const noexcept { return first_row.empty() ? 0 : first_row.size() - 1; }
  /// Duration bands.
  std::size_t band_count() const noexcept { return band_starts.size(); }
};

/// Readable names of duration bands given their start months: {1, 7, 13, 49} gives
/// "months 1-6", "months 7-12", "months 13-48", "months 49+".
inline std::vector<std::string> duration_band_names(std::span<const std::int32_t> band_starts) {
  std::vector<std::string> names;
  names.reserve(band_starts.size());
  for (std::size_t b = 0; b < band_starts.size(); ++b) {
    const std::string from = std::to_string(band_starts[b]);
    if (b + 1 == band_starts.size())
      names.push_back("months " + from + "+");
    else if (band_starts[b + 1] - 1 == band_starts[b])
      names.push_back("month " + from);
    else
      names.push_back("months " + from + "-" + std::to_string(band_starts[b + 1] - 1));
  }
  return names;
}

/// Expands cases into person-months. Case i entered observation having spent
/// `months_in_care[i]` months in care (t0 >= 0); it was then followed for `followup_months[i]`
/// months (m >= 0), and `left_care[i]` is 1 when it left care in the last of them (0: censored,
/// still in care when follow-up ended). Its rows are months t = t0 + 1 .. t0 + m, with event 1
/// only in month t0 + m when it left care. `band_starts` are the first months of the duration
/// bands, strictly increasing from 1 (e.g. {1, 7, 13, 25, 49}).
inline PersonPeriods expand_person_periods(std::span<const std::int32_t> months_in_care,
                                           std::span<const std::int32_t> followup_months,
                                           std::span<const std::uint8_t> left_care,
                                           std::span<const std::int32_t> band_starts) {
  const std::size_t cases = months_in_care.size();
  if (followup_months.size() != cases)
    throw FitError(FitError::Problem::invalid_input, ErrorKind::invalid_argument, "followup_months",
                   "expected one value per case (" + std::to_string(cases) + "), got " +
                       std::to_string(followup_months.size()));
  if (left_care.size() != cases)
    throw FitError(FitError::Problem::invalid_input, ErrorKind::invalid_argument, "left_care",
                   "expected one value per case (" + std::to_string(cases) + "), got " +
                       std::to_string(left_care.size()));
  if (band_starts.empty() || band_starts[0] != 1)
    throw FitError(FitError::Problem::invalid_input, ErrorKind::invalid_argument, "band_starts",
                   "expected band start months beginning with month 1");
  for (std::size_t b = 1; b < band_starts.size(); ++b)
    if (band_starts[b] <= band_starts[b - 1])
      throw FitError(FitError::Problem::invalid_input, ErrorKind::invalid_argument,
                     "band_starts[" + std::to_string(b) + "]", "expected strictly increasing start months");
  if (cases > std::numeric_limits<std::uint32_t>::max())
    throw LimitError("months_in_care", "at most 4294967295 cases can be expanded at once");

  std::size_t rows = 0;
  for (std::size_t i = 0; i < cases; ++i) {
    // The path is built only for the error: a string per valid case would cost an allocation
    // each (and GCC 12 warns, falsely, about the inlined concatenation under -Wrestrict).
    auto invalid = [i](const char* field, const char* reason) {
      std::string where(field);
      where += '[';
      where += std::to_string(i);
      where += ']';
      return FitError(FitError::Problem::invalid_input, ErrorKind::validation, std::move(where), reason);
    };
    if (months_in_care[i] < 0) throw invalid("months_in_care", "expected months already in care >= 0");
    if (followup_months[i] < 0) throw invalid("followup_months", "expected months of follow-up >= 0");
    if (left_care[i] > 1)
      throw invalid("left_care", "expected 0 (censored) or 1 (left care in the last month followed)");
    if (left_care[i] == 1 && followup_months[i] == 0)
      throw invalid("left_care", "a case that left care must have been followed for at least one month");
    if (static_cast<std::int64_t>(months_in_care[i]) + followup_months[i] > std::numeric_limits<std::int32_t>::max())
      throw invalid("followup_months", "months in care plus follow-up do not fit in a 32-bit month count");
    rows += static_cast<std::size_t>(followup_months[i]);
  }

  PersonPeriods out;
  out.band_starts.assign(band_starts.begin(), band_starts.end());
  out.case_index.resize(rows);
  out.month.resize(rows);
  out.band.resize(rows);
  out.event.assign(rows, 0.0);
  out.first_row.resize(cases + 1);
  std::size_t r = 0;
  const auto band_count = static_cast<std::int32_t>(band_starts.size());
  for (std::size_t i = 0; i < cases; ++i) {
    out.first_row[i] = r;
    const std::int32_t first_month = months_in_care[i] + 1;
    // The band of the first month by search, then walk forward as the months increase.
    auto band = static_cast<std::int32_t>(std::upper_bound(band_starts.begin(), band_starts.end(), first_month) -
                                          band_starts.begin()) - 1;
    for (std::int32_t k = 0; k < followup_months[i]; ++k, ++r) {
      const std::int32_t t = first_month + k;
      while (band + 1 < band_count && band_starts[static_cast<std::size_t>(band + 1)] <= t) ++band;
      out.case_index[r] = static_cast<std::uint32_t>(i);
      out.month[r] = t;
      out.band[r] = band;
    }
    if (left_care[i] == 1) out.event[r - 1] = 1.0;
  }
  out.first_row[cases] = r;
  return out;
}

/// The design of a discrete-time hazard model without materialising it: one dummy column per
/// duration band (together they play the intercept's part), then the case covariates, which each
/// person-month row reads from its case's row in place. It views `periods` and `case_covariates`
/// (one row per case), which must outlive it.
class HazardDesign {
 public:
  /// Views `periods` and one row of covariates per case. Throws FitError (invalid_input) when
  /// the number of covariate rows is not the number of cases.
  HazardDesign(const PersonPeriods& periods, ConstRowMatrixView case_covariates)
      : periods_(&periods), covariates_(case_covariates) {
    if (static_cast<std::size_t>(case_covariates.rows()) != periods.case_count())
      throw FitError(FitError::Problem::invalid_input, ErrorKind::invalid_argument, "case_covariates",
                     "expected one row per case (" + std::to_string(periods.case_count()) + "), got " +
                         std::to_string(case_covariates.rows()));
  }

  /// Person-month rows.
  Eigen::Index rows() const noexcept { return static_cast<Eigen::Index>(periods_->rows()); }
  /// Columns: the band dummies, then the covariates.
  Eigen::Index cols() const noexcept { return band_count() + covariates_.cols(); }
  /// Band dummy columns (the first columns of the design).
  Eigen::Index band_count() const noexcept { return static_cast<Eigen::Index>(periods_->band_count()); }

  /// The band columns, to leave out of an L2 penalty.
  std::vector<Eigen::Index> band_columns() const {
    std::vector<Eigen::Index> c(static_cast<std::size_t>(band_count()));
    for (Eigen::Index b = 0; b < band_count(); ++b) c[static_cast<std::size_t>(b)] = b;
    return c;
  }

  /// Band names followed by `covariate_names` (or "column j" when it is empty).
  std::vector<std::string> column_names(std::span<const std::string> covariate_names = {}) const {
    auto names = duration_band_names(periods_->band_starts);
    for (Eigen::Index j = 0; j < covariates_.cols(); ++j)
      names.push_back(covariate_names.empty() ? "column " + std::to_string(band_count() + j)
                                              : covariate_names[static_cast<std::size_t>(j)]);
    return names;
  }

  /// The design's entry at row r, column c.
  double operator()(Eigen::Index r, Eigen::Index c) const {
    const auto row = static_cast<std::size_t>(r);
    if (c < band_count()) return periods_->band[row] == c ? 1.0 : 0.0;
    return covariates_(static_cast<Eigen::Index>(periods_->case_index[row]), c - band_count());
  }

  /// Writes rows [begin, begin + count) as the columns of `out` (cols() x at least count).
  void load(Eigen::Index begin, Eigen::Index count, Eigen::MatrixXd& out) const {
    const Eigen::Index bands = band_count();
    const Eigen::Index q = covariates_.cols();
    for (Eigen::Index k = 0; k < count; ++k) {
      const auto row = static_cast<std::size_t>(begin + k);
      auto column = out.col(k);
      column.head(bands).setZero();
      column(periods_->band[row]) = 1.0;
      column.tail(q) = covariates_.row(static_cast<Eigen::Index>(periods_->case_index[row])).transpose();
    }
  }

  /// eta[k] = row (begin + k) . beta.
  void linear_predictor(Eigen::Index begin, Eigen::Index count, const Eigen::VectorXd& beta, double* eta) const {
    const Eigen::Index q = covariates_.cols();
    for (Eigen::Index k = 0; k < count; ++k) {
      const auto row = static_cast<std::size_t>(begin + k);
      eta[k] = beta(periods_->band[row]) +
               covariates_.row(static_cast<Eigen::Index>(periods_->case_index[row])).dot(beta.tail(q));
    }
  }

 private:
  const PersonPeriods* periods_;
  ConstRowMatrixView covariates_;
};

namespace detail {

/// A dense row-major design in caller memory, with the interface HazardDesign has.
class DenseDesign {
 public:
  explicit DenseDesign(ConstRowMatrixView x) : x_(x) {}
  Eigen::Index rows() const noexcept { return x_.rows(); }
  Eigen::Index cols() const noexcept { return x_.cols(); }
  double operator()(Eigen::Index r, Eigen::Index c) const { return x_(r, c); }
  void load(Eigen::Index begin, Eigen::Index count, Eigen::MatrixXd& out) const {
    out.leftCols(count).noalias() = x_.middleRows(begin, count).transpose();
  }
  void linear_predictor(Eigen::Index begin, Eigen::Index count, const Eigen::VectorXd& beta, double* eta) const {
    Eigen::Map<Eigen::VectorXd>(eta, count).noalias() = x_.middleRows(begin, count) * beta;
  }

 private:
  ConstRowMatrixView x_;
};

/// Rows go through the fit in blocks this tall: each block of the design is copied (weighted by
/// sqrt(w)) into a cols x block scratch matrix and added to X'WX with one symmetric rank-k update.
inline constexpr Eigen::Index fit_block_rows = 512;

/// Fixed row chunks: every pass over the rows computes one partial sum per chunk and adds the
/// partials in chunk order. The boundaries depend on the rows and columns only, never on the
/// thread count, so a fit gives bit-identical results with any number of threads.
struct FitChunks {
  std::size_t rows = 0;
  std::size_t chunk_rows = 1;
  std::size_t count = 0;
  std::size_t begin(std::size_t c) const noexcept { return c * chunk_rows; }
  std::size_t end(std::size_t c) const noexcept { return std::min(rows, (c + 1) * chunk_rows); }
};

inline FitChunks fit_chunks(std::size_t rows, std::size_t cols) {
  constexpr std::size_t min_chunk_rows = 8192;
  constexpr std::size_t max_chunks = 64;
  // One cols x cols partial per chunk: keep them within about 128 MiB for wide designs.
  constexpr std::size_t partial_budget = std::size_t{1} << 24;
  const std::size_t per_chunk = cols * cols + cols + 4;
  const std::size_t chunk_limit = std::clamp<std::size_t>(partial_budget / per_chunk, 1, max_chunks);
  FitChunks c;
  c.rows = rows;
  c.chunk_rows = std::max(min_chunk_rows, (rows + chunk_limit - 1) / chunk_limit);
  c.count = (rows + c.chunk_rows - 1) / c.chunk_rows;
  return c;
}

/// Calls fn(chunk, worker) for every chunk, spread over the workers.
template <class Fn>
void for_each_chunk(const FitChunks& chunks, unsigned workers, Fn&& fn) {
  parallel_chunks(chunks.count, workers, [&](std::size_t first, std::size_t last, unsigned worker) {
    for (std::size_t c = first; c < last; ++c) fn(c, worker);
  });
}

inline std::string quoted_list(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", '" : "'") + names[i] + "'";
  return s;
}

/// Per-column facts gathered while checking the design for NaN and inf.
struct ColumnScan {
  Eigen::VectorXd max_abs;      ///< over rows with a positive weight
  std::vector<bool> constant;   ///< the same value on every row with a positive weight
};

/// Where in a Hessian the linear dependence lies: for each column that is (numerically) a linear
/// combination of the columns before it, that column and the ones it depends on.
struct Dependence {
  Eigen::Index column;
  std::vector<Eigen::Index> on;
};

/// Greedy Cholesky of the correlation form of the Gram-like matrix G restricted to `columns`:
/// a column whose share of variation not explained by the kept columns before it is below
/// `tolerance` is dependent. G's diagonal zero means the column is zero on every row.
inline std::vector<Dependence> dependent_columns(const Eigen::MatrixXd& G, const std::vector<Eigen::Index>& columns,
                                                 double tolerance = 1e-11) {
  std::vector<Dependence> found;
  std::vector<Eigen::Index> kept;
  const auto m = static_cast<Eigen::Index>(columns.size());
  Eigen::MatrixXd L = Eigen::MatrixXd::Zero(m, m);  // Cholesky factor over kept columns (scaled)
  for (Eigen::Index a = 0; a < m; ++a) {
    const Eigen::Index j = columns[static_cast<std::size_t>(a)];
    if (!(G(j, j) > 0.0)) {
      found.push_back({j, {}});
      continue;
    }
    const auto r = static_cast<Eigen::Index>(kept.size());
    Eigen::VectorXd v(r);
    for (Eigen::Index k = 0; k < r; ++k) {
      const Eigen::Index c = kept[static_cast<std::size_t>(k)];
      v(k) = G(c, j) / std::sqrt(G(c, c) * G(j, j));
    }
    Eigen::VectorXd z = L.topLeftCorner(r, r).triangularView<Eigen::Lower>().solve(v);
    const double residual = 1.0 - z.squaredNorm();
    if (residual < tolerance) {
      // Regression coefficients of column j on the kept columns (in the scaled metric).
      const Eigen::VectorXd coef = L.topLeftCorner(r, r).transpose().triangularView<Eigen::Upper>().solve(z);
      const double largest = coef.cwiseAbs().maxCoeff();
      Dependence d{j, {}};
      for (Eigen::Index k = 0; k < r; ++k)
        if (std::abs(coef(k)) > 1e-6 * largest) d.on.push_back(kept[static_cast<std::size_t>(k)]);
      found.push_back(std::move(d));
      continue;
    }
    L.row(r).head(r) = z.transpose();
    L(r, r) = std::sqrt(residual);
    kept.push_back(j);
  }
  return found;
}

/// Eigen sizes the blocks of its matrix products from the processor's cache sizes, which it reads
/// at run time, and a sum split into blocks of another depth rounds differently: the same fit gave
/// coefficients that differed in their last bits on an AMD EPYC and on an Intel Xeon (the
/// recalibration tutorial's model hash changed with the machine). Every fit therefore first pins
/// Eigen's cache sizes to fixed values, once, so that a fit gives the same bits on every
/// processor that runs the same build. The values are those Eigen read on the machine the
/// documentation's figures were computed on. Eigen keeps them in one setting per program (per
/// shared library, and pact's are built with hidden symbols): a C++ host that links pact
/// statically and multiplies large Eigen matrices itself gets the same blocking.
inline void pin_eigen_blocking() noexcept {
  static const bool pinned = [] {
    Eigen::setCpuCacheSizes(32 * 1024, 1024 * 1024, 32 * 1024 * 1024);
    return true;
  }();
  static_cast<void>(pinned);
}

/// The fit on any design with rows(), cols(), load() and linear_predictor().
template <class Design>
LogisticFit fit_logistic_design(const Design& X, std::span<const double> y, const FitOptions& options) {
  using Eigen::Index;
  pin_eigen_blocking();
  using Problem = FitError::Problem;
  const Index n = X.rows();
  const Index p = X.cols();
  const auto rows = static_cast<std::size_t>(n);
  const auto cols = static_cast<std::size_t>(p);
  auto bad_argument = [](std::string where, std::string reason) {
    return FitError(Problem::invalid_input, ErrorKind::invalid_argument, std::move(where), std::move(reason));
  };
  auto bad_value = [](std::string where, std::string reason) {
    return FitError(Problem::invalid_input, ErrorKind::validation, std::move(where), std::move(reason));
  };

  // --- arguments
  if (n == 0) throw bad_argument("X", "expected at least one row");
  if (p == 0) throw bad_argument("X", "expected at least one column");
  if (y.size() != rows)
    throw bad_argument("y", "expected one outcome per row of X (" + std::to_string(rows) + "), got " +
                                std::to_string(y.size()));
  if (!options.weights.empty() && options.weights.size() != rows)
    throw bad_argument("weights", "expected one weight per row of X (" + std::to_string(rows) + "), got " +
                                      std::to_string(options.weights.size()));
  if (!options.offset.empty() && options.offset.size() != rows)
    throw bad_argument("offset", "expected one offset per row of X (" + std::to_string(rows) + "), got " +
                                     std::to_string(options.offset.size()));
  if (!options.start.empty() && options.start.size() != cols)
    throw bad_argument("start", "expected one starting value per column of X (" + std::to_string(cols) + "), got " +
                                    std::to_string(options.start.size()));
  if (!options.column_names.empty() && options.column_names.size() != cols)
    throw bad_argument("column_names", "expected one name per column of X (" + std::to_string(cols) + "), got " +
                                           std::to_string(options.column_names.size()));
  if (!(options.l2 >= 0.0) || !std::isfinite(options.l2))
    throw bad_argument("l2", "expected a finite penalty >= 0");
  if (options.max_iterations < 0) throw bad_argument("max_iterations", "expected a count >= 0");
  if (!(options.tolerance > 0.0) || !std::isfinite(options.tolerance))
    throw bad_argument("tolerance", "expected a finite tolerance > 0");
  std::vector<bool> penalized(cols, options.l2 > 0.0);
  for (std::size_t k = 0; k < options.unpenalized.size(); ++k) {
    const Index j = options.unpenalized[k];
    if (j < 0 || j >= p)
      throw bad_argument("unpenalized[" + std::to_string(k) + "]",
                         "expected a column index in [0, " + std::to_string(p) + ")");
    penalized[static_cast<std::size_t>(j)] = false;
  }
  std::vector<std::string> names = options.column_names;
  if (names.empty())
    for (std::size_t j = 0; j < cols; ++j) names.push_back("column " + std::to_string(j));

  // --- values: cheap per-row checks first, then the design in parallel
  const bool weighted = !options.weights.empty();
  const bool has_offset = !options.offset.empty();
  double weight_sum = 0.0;
  std::size_t positive_rows = 0, positive_events = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    if (!(y[i] == 0.0 || y[i] == 1.0))
      throw bad_value("y[" + std::to_string(i) + "]", "expected an outcome of 0 or 1");
    const double f = weighted ? options.weights[i] : 1.0;
    if (!std::isfinite(f) || f < 0.0)
      throw bad_value("weights[" + std::to_string(i) + "]", "expected a finite frequency weight >= 0");
    if (has_offset && !std::isfinite(options.offset[i]))
      throw bad_value("offset[" + std::to_string(i) + "]", "expected a finite offset");
    weight_sum += f;
    if (f > 0.0) {
      ++positive_rows;
      if (y[i] == 1.0) ++positive_events;
    }
  }
  if (!(weight_sum > 0.0)) throw bad_value("weights", "expected at least one positive weight");
  for (std::size_t j = 0; j < options.start.size(); ++j)
    if (!std::isfinite(options.start[j]))
      throw bad_value("start[" + std::to_string(j) + "]", "expected a finite starting value");

  const FitChunks chunks = fit_chunks(rows, cols);
  const unsigned workers = worker_count(options.threads, chunks.count, 1);
  std::vector<Eigen::MatrixXd> scratch(workers, Eigen::MatrixXd(p, fit_block_rows));
  auto weight = [&](std::size_t i) { return weighted ? options.weights[i] : 1.0; };

  ColumnScan scan;
  {
    struct Part {
      std::size_t bad_row = std::numeric_limits<std::size_t>::max();
      Index bad_col = 0;
      Eigen::VectorXd lo, hi;
      bool any = false;
    };
    std::vector<Part> parts(chunks.count);
    for_each_chunk(chunks, workers, [&](std::size_t c, unsigned w) {
      Part& part = parts[c];
      part.lo = Eigen::VectorXd::Constant(p, std::numeric_limits<double>::infinity());
      part.hi = Eigen::VectorXd::Constant(p, -std::numeric_limits<double>::infinity());
      Eigen::MatrixXd& block = scratch[w];
      for (std::size_t b = chunks.begin(c); b < chunks.end(c); b += fit_block_rows) {
        const auto k = static_cast<Index>(std::min<std::size_t>(fit_block_rows, chunks.end(c) - b));
        X.load(static_cast<Index>(b), k, block);
        if (!block.leftCols(k).allFinite()) {
          for (Index r = 0; r < k; ++r)
            for (Index j = 0; j < p; ++j)
              if (!std::isfinite(block(j, r))) {
                part.bad_row = b + static_cast<std::size_t>(r);
                part.bad_col = j;
                return;
              }
        }
        for (Index r = 0; r < k; ++r) {
          if (!(weight(b + static_cast<std::size_t>(r)) > 0.0)) continue;
          part.any = true;
          part.lo = part.lo.cwiseMin(block.col(r));
          part.hi = part.hi.cwiseMax(block.col(r));
        }
      }
    });
    Eigen::VectorXd lo = Eigen::VectorXd::Constant(p, std::numeric_limits<double>::infinity());
    Eigen::VectorXd hi = -lo;
    for (const Part& part : parts) {
      if (part.bad_row != std::numeric_limits<std::size_t>::max())
        throw bad_value("X[" + std::to_string(part.bad_row) + ", " + names[static_cast<std::size_t>(part.bad_col)] + "]",
                        "expected a finite number (NaN and inf cannot be fitted)");
      if (!part.any) continue;
      lo = lo.cwiseMin(part.lo);
      hi = hi.cwiseMax(part.hi);
    }
    scan.max_abs = lo.cwiseAbs().cwiseMax(hi.cwiseAbs());
    scan.constant.resize(cols);
    for (std::size_t j = 0; j < cols; ++j) scan.constant[j] = lo(static_cast<Index>(j)) == hi(static_cast<Index>(j));
  }

  // --- the passes over the rows
  struct Evaluation {
    double llf = 0.0;
    std::size_t saturated = 0;  // rows whose fitted probability is numerically 0 or 1, on the side of y
  };
  std::vector<Evaluation> evaluation_parts(chunks.count);
  std::vector<Eigen::MatrixXd> information_parts(chunks.count);
  std::vector<Eigen::VectorXd> score_parts(chunks.count);
  std::vector<Eigen::VectorXd> eta_scratch(workers, Eigen::VectorXd(fit_block_rows));
  std::vector<Eigen::VectorXd> resid_scratch(workers, Eigen::VectorXd(fit_block_rows));
  std::vector<Eigen::VectorXd> root_w_scratch(workers, Eigen::VectorXd(fit_block_rows));

  // One pass at beta: the log-likelihood and, when `with_information`, the score X'(f (y - mu))
  // and the information X'WX. Each block of rows is loaded once: its linear predictor and score
  // use it as it is, then it is scaled by sqrt(w) in place for the rank-k update. Without the
  // information (step-halving retries) the linear predictor is read straight from the design.
  auto pass = [&](const Eigen::VectorXd& beta, bool with_information, Eigen::VectorXd& score, Eigen::MatrixXd& info) {
    for_each_chunk(chunks, workers, [&](std::size_t c, unsigned w) {
      Evaluation e;
      Eigen::MatrixXd& H = information_parts[c];
      Eigen::VectorXd& g = score_parts[c];
      if (with_information) {
        H.setZero(p, p);
        g.setZero(p);
      }
      Eigen::MatrixXd& block = scratch[w];
      double* eta = eta_scratch[w].data();
      Eigen::VectorXd& resid = resid_scratch[w];
      Eigen::VectorXd& root_w = root_w_scratch[w];
      for (std::size_t b = chunks.begin(c); b < chunks.end(c); b += fit_block_rows) {
        const auto k = static_cast<Index>(std::min<std::size_t>(fit_block_rows, chunks.end(c) - b));
        auto rows_k = block.leftCols(k);
        if (with_information) {
          X.load(static_cast<Index>(b), k, block);
          Eigen::Map<Eigen::VectorXd>(eta, k).noalias() = rows_k.transpose() * beta;
        } else {
          X.linear_predictor(static_cast<Index>(b), k, beta, eta);
        }
        for (Index r = 0; r < k; ++r) {
          const std::size_t i = b + static_cast<std::size_t>(r);
          if (has_offset) eta[r] += options.offset[i];
          const double f = weight(i);
          // mu, mu (1 - mu) and log(1 + exp(eta)) from exp(-|eta|), accurate far in the tails.
          const double t = std::exp(-std::abs(eta[r]));
          if (f != 0.0) {
            e.llf += f * (y[i] * eta[r] - (std::max(eta[r], 0.0) + std::log1p(t)));
            if (std::abs(eta[r]) > 15.0 && (eta[r] > 0.0) == (y[i] == 1.0)) ++e.saturated;
          }
          if (!with_information) continue;
          const double mu = eta[r] >= 0.0 ? 1.0 / (1.0 + t) : t / (1.0 + t);
          resid(r) = f * (y[i] - mu);
          root_w(r) = std::sqrt(f * t) / (1.0 + t);
        }
        if (!with_information) continue;
        g.noalias() += rows_k * resid.head(k);
        rows_k = rows_k * root_w.head(k).asDiagonal();
        H.template selfadjointView<Eigen::Lower>().rankUpdate(rows_k);
      }
      evaluation_parts[c] = e;
    });
    Evaluation total;
    for (const auto& e : evaluation_parts) {
      total.llf += e.llf;
      total.saturated += e.saturated;
    }
    if (!with_information) return total;
    score.setZero(p);
    info.setZero(p, p);
    for (std::size_t c = 0; c < chunks.count; ++c) {
      score += score_parts[c];
      info.template triangularView<Eigen::Lower>() += information_parts[c];
    }
    info.template triangularView<Eigen::StrictlyUpper>() = info.transpose();
    return total;
  };

  // A rank-deficient design is reported before any step is taken. With a penalty only the
  // unpenalised columns must be independent: the penalty makes the rest identifiable.
  auto check_rank = [&](const Eigen::MatrixXd& info) {
    std::vector<Index> checked;
    for (std::size_t j = 0; j < cols; ++j)
      if (!penalized[j]) checked.push_back(static_cast<Index>(j));
    const auto dependences = dependent_columns(info, checked);
    if (dependences.empty()) return;
    std::vector<std::string> involved;
    auto involve = [&](Index j) {
      const auto& name = names[static_cast<std::size_t>(j)];
      if (std::find(involved.begin(), involved.end(), name) == involved.end()) involved.push_back(name);
    };
    std::string what;
    for (const auto& d : dependences) {
      involve(d.column);
      std::vector<std::string> on;
      for (Index j : d.on) {
        involve(j);
        on.push_back(names[static_cast<std::size_t>(j)]);
      }
      if (!what.empty()) what += "; ";
      const std::string name = "'" + names[static_cast<std::size_t>(d.column)] + "'";
      if (on.empty())
        what += name + " is zero on every row" + std::string(weighted ? " with a positive weight" : "");
      else if (scan.constant[static_cast<std::size_t>(d.column)])
        what += name + " is constant, which duplicates " + quoted_list(on);
      else
        what += name + " is a linear combination of " + quoted_list(on);
    }
    throw FitError(Problem::rank_deficient, ErrorKind::validation, "X",
                   "the design is rank-deficient: " + what + " (drop or merge the dependent columns)",
                   std::move(involved));
  };

  Eigen::VectorXd mask(p);
  for (std::size_t j = 0; j < cols; ++j) mask(static_cast<Index>(j)) = penalized[j] ? 1.0 : 0.0;
  auto penalty = [&](const Eigen::VectorXd& beta) {
    return 0.5 * options.l2 * beta.cwiseProduct(mask).squaredNorm();
  };

  int iterations = 0;
  Eigen::VectorXd score(p);

  // Separation: the coefficients run off along a direction d with (2 y_i - 1) x_i'd >= 0 on
  // every row and > 0 on some, so the likelihood keeps rising along d and has no maximum. Once
  // fitted probabilities reach 0 or 1, the last Newton step is such a direction up to terms that
  // shrink like those probabilities' distance to 0 or 1: test it, to a tolerance relative to
  // the largest possible |x_i'd|.
  // The rows that d separates, (2 y_i - 1) x_i'd > tolerance; 0 when a row lies on the wrong
  // side by more than the tolerance (then d is not a separating direction).
  auto separated_by = [&](const Eigen::VectorXd& d) -> std::size_t {
    const double bound = d.cwiseAbs().cwiseProduct(scan.max_abs).sum();
    if (!(bound > 0.0) || !std::isfinite(bound)) return 0;
    const double tolerance = 1e-6 * bound;
    struct Part {
      bool violated = false;
      std::size_t separated = 0;
    };
    std::vector<Part> parts(chunks.count);
    for_each_chunk(chunks, workers, [&](std::size_t c, unsigned w) {
      Part& part = parts[c];
      double* xd = resid_scratch[w].data();
      for (std::size_t b = chunks.begin(c); b < chunks.end(c); b += fit_block_rows) {
        const auto k = static_cast<Index>(std::min<std::size_t>(fit_block_rows, chunks.end(c) - b));
        X.linear_predictor(static_cast<Index>(b), k, d, xd);
        for (Index r = 0; r < k; ++r) {
          const std::size_t i = b + static_cast<std::size_t>(r);
          if (!(weight(i) > 0.0)) continue;
          const double margin = y[i] == 1.0 ? xd[r] : -xd[r];
          if (margin < -tolerance) {
            part.violated = true;
            return;
          }
          if (margin > tolerance) ++part.separated;
        }
      }
    });
    std::size_t separated = 0;
    for (const auto& part : parts) {
      if (part.violated) return 0;
      separated += part.separated;
    }
    return separated;
  };

  auto check_separation = [&](const Eigen::VectorXd& direction) {
    if (direction.size() == 0) return;
    // With a penalty only the unpenalised coefficients can run off.
    Eigen::VectorXd d = options.l2 > 0.0 ? Eigen::VectorXd(direction.cwiseProduct((1.0 - mask.array()).matrix()))
                                          : direction;
    std::size_t separated = separated_by(d);
    if (separated == 0) return;
    // Any direction in the separating cone proves separation; name as few columns as possible
    // by dropping components, smallest first, while the rest separates as many rows: first all
    // the negligible ones at once, then one at a time (a bounded number of extra passes).
    const Eigen::VectorXd reach = d.cwiseAbs().cwiseProduct(scan.max_abs);
    const double largest = reach.maxCoeff();
    Eigen::VectorXd trial = d;
    for (Index j = 0; j < p; ++j)
      if (reach(j) < 1e-3 * largest) trial(j) = 0.0;
    if (trial != d && separated_by(trial) >= separated) d = trial;
    std::vector<Index> order;
    for (Index j = 0; j < p; ++j)
      if (d(j) != 0.0) order.push_back(j);
    std::sort(order.begin(), order.end(), [&](Index a, Index b) { return reach(a) < reach(b); });
    constexpr std::size_t max_pruning_passes = 16;
    for (std::size_t t = 0; t + 1 < order.size() && t < max_pruning_passes; ++t) {
      trial = d;
      trial(order[t]) = 0.0;
      if (separated_by(trial) >= separated) d = trial;
    }
    std::vector<std::string> involved;
    for (std::size_t j = 0; j < cols; ++j)
      if (d(static_cast<Index>(j)) != 0.0) involved.push_back(names[j]);
    std::string which = "a linear combination of " + quoted_list(involved);
    if (positive_events == 0 || positive_events == positive_rows)
      which = std::string("y is ") + (positive_events ? "1" : "0") + " on every row" +
              (weighted ? " with a positive weight" : "") + ", and " + which;
    const std::string advice = " (drop or merge these columns, or fit with an L2 penalty on them)";
    const double gradient = score.size() ? score.cwiseAbs().maxCoeff() : 0.0;
    if (separated == positive_rows)
      throw FitError(Problem::separation, ErrorKind::validation, "X",
                     "perfect separation: " + which +
                         " predicts every outcome exactly, so the maximum-likelihood estimate does not exist"
                         " (the coefficients diverge)" + advice,
                     std::move(involved), iterations, gradient);
    throw FitError(Problem::separation, ErrorKind::validation, "X",
                   "quasi-complete separation: " + which + " predicts the outcome exactly for " +
                       std::to_string(separated) + " of " + std::to_string(positive_rows) +
                       " rows, whose fitted probabilities reach 0 or 1 while the coefficients diverge" + advice,
                   std::move(involved), iterations, gradient);
  };

  // --- Newton's method with step-halving
  Eigen::VectorXd beta = options.start.empty()
                             ? Eigen::VectorXd::Zero(p)
                             : Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(options.start.data(), p));
  Eigen::MatrixXd info(p, p), next_info(p, p);
  Eigen::VectorXd step(p), last_step, next(p), next_score(p);
  Evaluation current = pass(beta, true, score, info);
  double current_objective = current.llf - penalty(beta);
  bool converged = false;
  for (;;) {
    if (iterations == 0) check_rank(info);
    score -= options.l2 * mask.cwiseProduct(beta);
    info.diagonal() += options.l2 * mask;
    if (converged || iterations >= options.max_iterations) break;

    const Eigen::LLT<Eigen::MatrixXd> llt(info);
    if (llt.info() != Eigen::Success || !(llt.rcond() > 1e-14)) {
      check_separation(last_step);
      throw FitError(Problem::singular, ErrorKind::validation, "X",
                     "the information matrix became numerically singular at iteration " +
                         std::to_string(iterations) + " (a nearly separating or nearly collinear design)",
                     {}, iterations, score.cwiseAbs().maxCoeff());
    }
    step = llt.solve(score);
    // Roundoff in a sum over many rows can make an exact ascent step look like a tiny descent.
    const double slack = 1e-12 * (1.0 + std::abs(current_objective));
    double scale = 1.0;
    Evaluation candidate;
    for (int halvings = 0;; ++halvings) {
      next = beta + scale * step;
      // The first try computes the information too, as it is almost always accepted.
      candidate = pass(next, halvings == 0, next_score, next_info);
      if (candidate.llf - penalty(next) >= current_objective - slack) {
        if (halvings > 0) candidate = pass(next, true, next_score, next_info);
        break;
      }
      if (halvings == 60)
        throw FitError(Problem::not_converged, ErrorKind::validation, "X",
                       "the penalised log-likelihood does not increase along the Newton direction at iteration " +
                           std::to_string(iterations) + ", even after 60 step halvings",
                       {}, iterations, score.cwiseAbs().maxCoeff());
      scale *= 0.5;
    }
    last_step = next - beta;
    beta.swap(next);
    score.swap(next_score);
    info.swap(next_info);
    current = candidate;
    current_objective = current.llf - penalty(beta);
    ++iterations;
    converged = (last_step.array().abs() <= options.tolerance * (1.0 + beta.array().abs())).all();
    if (!converged && current.saturated > 0) check_separation(last_step);
  }

  const double gradient = score.cwiseAbs().maxCoeff();
  if (!converged) {
    check_separation(last_step);
    if (options.throw_if_not_converged)
      throw FitError(Problem::not_converged, ErrorKind::validation, "X",
                     "no convergence in " + std::to_string(iterations) +
                         " iterations: the largest component of the gradient of the penalised log-likelihood is " +
                         std::to_string(gradient) + " (raise max_iterations, or look for near-separation)",
                     {}, iterations, gradient);
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(info);
  if (llt.info() != Eigen::Success || !(llt.rcond() > 1e-14)) {
    check_separation(last_step);
    throw FitError(Problem::singular, ErrorKind::validation, "X",
                   "the information matrix is numerically singular at the estimate, so it has no standard errors",
                   {}, iterations, gradient);
  }

  LogisticFit fit;
  fit.covariance = llt.solve(Eigen::MatrixXd::Identity(p, p));
  fit.covariance = 0.5 * (fit.covariance + fit.covariance.transpose()).eval();
  fit.bse = fit.covariance.diagonal().cwiseSqrt();
  fit.params = std::move(beta);
  fit.llf = current.llf;
  fit.penalized_llf = current_objective;
  fit.iterations = iterations;
  fit.gradient_max_norm = gradient;
  fit.converged = converged;
  fit.rows = positive_rows;
  fit.weight_sum = weight_sum;
  fit.column_names = std::move(names);
  return fit;
}

}  // namespace detail

/// Fits P(y = 1 | x) = 1 / (1 + exp(-(x'b + offset))) by maximising the (penalised)
/// log-likelihood with Newton's method. X is a row-major view of the caller's design (include an
/// intercept column yourself), y holds 0 or 1 per row. Throws FitError for bad input, separation,
/// a rank-deficient design and (unless told otherwise) non-convergence.
inline LogisticFit fit_logistic(ConstRowMatrixView X, std::span<const double> y, const FitOptions& options = {}) {
  return detail::fit_logistic_design(detail::DenseDesign(X), y, options);
}

/// As the overload above, on a whole row-major matrix.
inline LogisticFit fit_logistic(const RowMatrix& X, std::span<const double> y, const FitOptions& options = {}) {
  return fit_logistic(view_rows(X), y, options);
}

/// Fits a discrete-time hazard model on person-months: y is usually `periods.event`.
inline LogisticFit fit_logistic(const HazardDesign& X, std::span<const double> y, const FitOptions& options = {}) {
  return detail::fit_logistic_design(X, y, options);
}

}  // namespace pact

#endif  // PACT_FITTING_HPP
