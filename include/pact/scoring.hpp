// pact: scoring assessments against an instrument: item severities, dimension scores with
// coverage, the composite index and its level, the counting-method deprivations, and the
// critical factors. One kernel serves a single case and a batch, so both agree exactly.
#ifndef PACT_SCORING_HPP
#define PACT_SCORING_HPP

#include "pact/assessment.hpp"
#include "pact/detail/parallel.hpp"
#include "pact/instrument.hpp"
#include "pact/matrix.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace pact {

/// A dimension's result for one case. Scores are in [0, 1] (0 = no difficulty).
struct DimensionResult {
  double score = missing;  ///< NaN when not scored
  double coverage = 0.0;   ///< share of the dimension's item weight that was answered
  bool scored = false;     ///< coverage reached the dimension's min_coverage
  bool deprived = false;   ///< scored and score >= deprivation_cutoff
  bool critical = false;   ///< scored and score >= critical_cutoff
};

/// A factor the professional should act on: a dimension or an item past its critical cut-off.
struct CriticalFactor {
  /// Whether the factor is a dimension or an item.
  enum class Kind : std::uint8_t { dimension, item };
  Kind kind = Kind::item;  ///< a dimension or an item
  std::size_t index = 0;    ///< into Instrument::dimensions() or Instrument::items()
  double severity = 0.0;    ///< the dimension score or item severity
  double importance = 0.0;  ///< the factor's share of the composite (docs/instrument-format.md)
};

/// Everything the instrument says about one case.
struct CaseScores {
  std::vector<double> item_severity;        ///< per item; NaN when missing
  std::vector<DimensionResult> dimensions;  ///< per dimension
  double composite = missing;               ///< NaN when too few dimensions are scored
  double composite_coverage = 0.0;          ///< share of dimension weight that is scored
  int level = -1;                           ///< index into Instrument::levels(); -1 when no composite
  double deprivation_score = 0.0;           ///< weighted deprivation count c_i over scored dimensions
  int deprived_count = 0;                   ///< number of deprived dimensions
  std::vector<CriticalFactor> critical_factors;  ///< most important first

  /// True when the composite was computed (enough dimensions scored).
  bool composite_scored() const noexcept { return !std::isnan(composite); }
};

namespace detail {

/// What the kernel reports for a row besides the per-dimension arrays.
struct RowResult {
  ResponseStatus status = ResponseStatus::ok;
  std::int32_t error_item = -1;
  double composite = missing;
  double composite_coverage = 0.0;
  std::int32_t level = -1;
  double deprivation_score = 0.0;
  std::int32_t deprived_count = 0;
};

/// Coverage is a ratio of sums of weights: compare with a little slack so that, say, 3 of 6
/// equal weights meets a minimum of 0.5 however the sums round.
inline constexpr double coverage_slack = 1e-12;

/// The second half of the scoring kernel: from each dimension's weighted sum of severities and
/// answered weight, the dimension scores (NaN = not scored) and coverages, the composite and its
/// level, and the deprivation count. score_row ends with it; the counterfactual search calls it
/// on sums where only one dimension changed.
inline RowResult finish_row(const InstrumentData& data, const double* weighted, const double* weight,
                            double* dimension_score, double* dimension_coverage) noexcept {
  RowResult result;
  const std::size_t dimensions = data.dimensions.size();
  double scored_weight = 0.0;
  double composite_sum = 0.0;
  for (std::size_t d = 0; d < dimensions; ++d) {
    const Dimension& dim = data.dimensions[d];
    const double coverage = weight[d] / data.dimension_weight_sum[d];
    dimension_coverage[d] = coverage;
    if (weight[d] > 0.0 && coverage + coverage_slack >= dim.min_coverage) {
      const double score = weighted[d] / weight[d];
      dimension_score[d] = score;
      scored_weight += dim.normalized_weight;
      composite_sum += dim.normalized_weight * score;
      if (score >= dim.deprivation_cutoff) {
        result.deprivation_score += dim.normalized_weight;
        ++result.deprived_count;
      }
    } else {
      dimension_score[d] = missing;
    }
  }
  result.composite_coverage = scored_weight;
  if (scored_weight > 0.0 && scored_weight + coverage_slack >= data.composite_min_coverage) {
    result.composite = composite_sum / scored_weight;
    std::int32_t level = 0;
    for (std::size_t l = 1; l < data.levels.size(); ++l)
      if (result.composite >= data.levels[l].min_score) level = static_cast<std::int32_t>(l);
    result.level = level;
  }
  return result;
}

/// The scoring kernel. Reads one row of responses (one per item, NaN = missing) and writes the
/// dimension scores (NaN = not scored) and coverages, and the item severities when `item_severity`
/// is not null. `weighted` and `weight` are caller scratch of one double per dimension, left
/// holding each dimension's weighted sum of severities and answered weight. On an invalid
/// response it stops, reports the item, and leaves the outputs to the caller.
inline RowResult score_row(const InstrumentData& data, const double* row, double* dimension_score,
                           double* dimension_coverage, double* item_severity, double* weighted,
                           double* weight) noexcept {
  const std::size_t dimensions = data.dimensions.size();
  const std::size_t items = data.compiled.size();
  std::fill(weighted, weighted + dimensions, 0.0);
  std::fill(weight, weight + dimensions, 0.0);
  for (std::size_t j = 0; j < items; ++j) {
    const CompiledItem& item = data.compiled[j];
    const double value = row[j];
    if (std::isnan(value)) {
      if (item.required) {
        RowResult result;
        result.status = ResponseStatus::missing_required;
        result.error_item = static_cast<std::int32_t>(j);
        return result;
      }
      if (item_severity) item_severity[j] = missing;
      continue;
    }
    double severity = 0.0;
    const ResponseStatus status = response_severity(data, j, value, severity);
    if (status != ResponseStatus::ok) {
      RowResult result;
      result.status = status;
      result.error_item = static_cast<std::int32_t>(j);
      return result;
    }
    if (item_severity) item_severity[j] = severity;
    weighted[item.dimension] += item.weight * severity;
    weight[item.dimension] += item.weight;
  }
  return finish_row(data, weighted, weight, dimension_score, dimension_coverage);
}

}  // namespace detail

/// Orders the critical factors of scored results: most important first, ties in instrument
/// order with dimensions before items.
inline std::vector<CriticalFactor> critical_factors(const Instrument& instrument,
                                                    std::span<const DimensionResult> dimensions,
                                                    std::span<const double> item_severity) {
  std::vector<CriticalFactor> factors;
  const auto& dims = instrument.dimensions();
  for (std::size_t d = 0; d < dims.size(); ++d)
    if (dimensions[d].critical)
      factors.push_back({CriticalFactor::Kind::dimension, d, dimensions[d].score,
                         dims[d].normalized_weight * dimensions[d].score});
  const auto& items = instrument.items();
  for (std::size_t j = 0; j < items.size(); ++j) {
    const double s = item_severity[j];
    if (!items[j].critical_cutoff || std::isnan(s) || s < *items[j].critical_cutoff) continue;
    const Dimension& dim = dims[items[j].dimension];
    factors.push_back({CriticalFactor::Kind::item, j, s, dim.normalized_weight * items[j].weight_in_dimension * s});
  }
  std::stable_sort(factors.begin(), factors.end(),
                   [](const CriticalFactor& a, const CriticalFactor& b) { return a.importance > b.importance; });
  return factors;
}

/// Scores one case into `out`, reusing its buffers (no allocation once they have grown).
/// `responses` holds one value per item in instrument order (NaN = missing). Throws
/// ValidationError at `/responses/<item id>` for a response that cannot be scored.
inline void score_into(const Instrument& instrument, std::span<const double> responses, CaseScores& out) {
  const auto& data = instrument.data();
  const std::size_t dims = instrument.dimension_count();
  if (responses.size() != instrument.item_count())
    throw InvalidArgument("/responses", "expected " + std::to_string(instrument.item_count()) +
                                            " responses (one per item of " + instrument.id() + "), got " +
                                            std::to_string(responses.size()));
  out.item_severity.resize(instrument.item_count());
  out.dimensions.resize(dims);
  // Kernel scratch: scores, coverages and two running sums per dimension.
  double stack_buffer[4 * 32];
  std::vector<double> heap_buffer;
  double* scratch = stack_buffer;
  if (dims > 32) {
    heap_buffer.resize(4 * dims);
    scratch = heap_buffer.data();
  }
  const detail::RowResult row = detail::score_row(data, responses.data(), scratch, scratch + dims,
                                                  out.item_severity.data(), scratch + 2 * dims, scratch + 3 * dims);
  if (row.status != ResponseStatus::ok) {
    const auto j = static_cast<std::size_t>(row.error_item);
    throw ValidationError("/responses/" + instrument.items()[j].id,
                          describe_response_problem(instrument, j, row.status, responses[j]));
  }
  for (std::size_t d = 0; d < dims; ++d) {
    DimensionResult& r = out.dimensions[d];
    const Dimension& dim = instrument.dimensions()[d];
    r.score = scratch[d];
    r.coverage = scratch[dims + d];
    r.scored = !std::isnan(r.score);
    r.deprived = r.scored && r.score >= dim.deprivation_cutoff;
    r.critical = r.scored && dim.critical_cutoff && r.score >= *dim.critical_cutoff;
  }
  out.composite = row.composite;
  out.composite_coverage = row.composite_coverage;
  out.level = row.level;
  out.deprivation_score = row.deprivation_score;
  out.deprived_count = row.deprived_count;
  out.critical_factors = critical_factors(instrument, out.dimensions, out.item_severity);
}

/// Scores one case. See score_into.
inline CaseScores score(const Instrument& instrument, std::span<const double> responses) {
  CaseScores out;
  score_into(instrument, responses, out);
  return out;
}

/// Scores one assessment. See score_into.
inline CaseScores score(const Instrument& instrument, const Assessment& assessment) {
  return score(instrument, std::span<const double>(assessment.responses));
}

/// Where score_batch writes. Every pointer is optional (null = not wanted) and points to caller
/// memory for `rows` rows; per-dimension and per-item outputs are row-major.
struct BatchOutputs {
  double* dimension_scores = nullptr;    ///< rows x dimensions; NaN = not scored
  double* dimension_coverage = nullptr;  ///< rows x dimensions
  double* item_severities = nullptr;     ///< rows x items; NaN = missing
  double* composite = nullptr;           ///< rows; NaN = not scored
  double* composite_coverage = nullptr;  ///< rows
  std::int32_t* level = nullptr;         ///< rows; index into Instrument::levels(), -1 = none
  double* deprivation_score = nullptr;   ///< rows; weighted deprivation count c_i
  std::int32_t* deprived_count = nullptr;  ///< rows
  std::int32_t* status = nullptr;        ///< rows; a ResponseStatus, 0 = scored
  std::int32_t* error_item = nullptr;    ///< rows; the item that made the row fail, -1 = none
};

/// Row accounting of a batch: rows = scored + rejected, always.
struct BatchSummary {
  std::size_t rows = 0;      ///< rows given
  std::size_t scored = 0;    ///< rows scored (score_risk_batch: rows with a risk)
  std::size_t rejected = 0;  ///< rows not scored (score_risk_batch: rows without a risk)
};

/// Scores a dense matrix of responses (rows = cases, columns = items in instrument order, NaN =
/// missing) without allocating per row. A row with an invalid response is not scored: its
/// outputs are NaN / -1 and its status and error item say why; the other rows go on. `threads`
/// = 0 uses every hardware thread; results do not depend on it. Throws InvalidArgument when the
/// matrix does not have one column per item.
inline BatchSummary score_batch(const Instrument& instrument, ConstRowMatrixView responses, const BatchOutputs& out,
                                unsigned threads = 1) {
  const auto& data = instrument.data();
  const std::size_t dims = instrument.dimension_count();
  const std::size_t items = instrument.item_count();
  if (static_cast<std::size_t>(responses.cols()) != items)
    throw InvalidArgument("responses", "expected " + std::to_string(items) + " columns (one per item of " +
                                           instrument.id() + "), got " + std::to_string(responses.cols()));
  const auto rows = static_cast<std::size_t>(responses.rows());
  const auto stride = static_cast<std::size_t>(responses.outerStride());
  const unsigned workers = detail::worker_count(threads, rows, 4096);
  std::vector<std::size_t> rejected(workers, 0);

  detail::parallel_chunks(rows, workers, [&](std::size_t begin, std::size_t end, unsigned worker) {
    std::vector<double> scratch(4 * dims);
    double* score_tmp = scratch.data();
    double* coverage_tmp = score_tmp + dims;
    double* weighted = coverage_tmp + dims;
    double* weight = weighted + dims;
    std::size_t bad = 0;
    for (std::size_t i = begin; i < end; ++i) {
      double* scores = out.dimension_scores ? out.dimension_scores + i * dims : score_tmp;
      double* coverage = out.dimension_coverage ? out.dimension_coverage + i * dims : coverage_tmp;
      double* severities = out.item_severities ? out.item_severities + i * items : nullptr;
      const detail::RowResult r =
          detail::score_row(data, responses.data() + i * stride, scores, coverage, severities, weighted, weight);
      if (r.status != ResponseStatus::ok) {
        ++bad;
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        if (out.dimension_scores) std::fill(scores, scores + dims, nan);
        if (out.dimension_coverage) std::fill(coverage, coverage + dims, nan);
        if (severities) std::fill(severities, severities + items, nan);
      }
      if (out.composite) out.composite[i] = r.composite;
      if (out.composite_coverage) out.composite_coverage[i] = r.status == ResponseStatus::ok ? r.composite_coverage : missing;
      if (out.level) out.level[i] = r.level;
      if (out.deprivation_score) out.deprivation_score[i] = r.status == ResponseStatus::ok ? r.deprivation_score : missing;
      if (out.deprived_count) out.deprived_count[i] = r.status == ResponseStatus::ok ? r.deprived_count : -1;
      if (out.status) out.status[i] = static_cast<std::int32_t>(r.status);
      if (out.error_item) out.error_item[i] = r.error_item;
    }
    rejected[worker] = bad;
  });

  BatchSummary summary;
  summary.rows = rows;
  for (std::size_t bad : rejected) summary.rejected += bad;
  summary.scored = rows - summary.rejected;
  return summary;
}

}  // namespace pact

#endif  // PACT_SCORING_HPP
