// pact: scoring assessments against an instrument: item severities, dimension scores with
// coverage, the composite index and its level, the counting-method deprivations, and the
// critical factors. A single case goes through score_row; a batch through score_block, its
// vectorised form, which tests hold to score_row bit for bit, so both agree exactly.
#ifndef PACT_SCORING_HPP
#define PACT_SCORING_HPP

#include "pact/assessment.hpp"
#include "pact/detail/parallel.hpp"
#include "pact/instrument.hpp"
#include "pact/matrix.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
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

/// Rows per block of score_block: enough to fill the widest vectors several times over, few
/// enough that a block's rows and sums stay in the first-level cache.
inline constexpr std::size_t block_rows = 16;

/// Doubles of scratch score_block needs for an instrument with `dimensions` dimensions and
/// `items` items.
constexpr std::size_t block_scratch_size(std::size_t dimensions, std::size_t items) noexcept {
  return (2 * dimensions + items) * block_rows;
}

/// Memory the caller writes once score_block has returned (the block's outputs that score_block
/// does not write itself), for score_block to fetch for writing while it works: up to `max` spans
/// of bytes. Written a few rows to an array, the outputs of a million rows cost a tenth of the
/// batch's time in line fills the stores waited for, in one burst per block.
struct OutputLines {
  static constexpr std::size_t max = 16;
  const void* start[max];
  std::size_t bytes[max];
  std::size_t count = 0;

  /// Only `count` set: the spans past it are never read, and a batch makes one of these a block.
  OutputLines() noexcept {}  // not = default, which would zero the spans in a PrefetchRanges{...}

  /// Rows [first, first + rows) of `array`, `per_row` elements a row, when `array` is not null
  /// (and while there is room: past `max`, outputs are simply not fetched ahead).
  template <class T>
  void add(const T* array, std::size_t first, std::size_t rows, std::size_t per_row = 1) noexcept {
    if (!array || rows == 0 || count == max) return;
    start[count] = array + first * per_row;
    bytes[count++] = rows * per_row * sizeof(T);
  }
  /// Every span of `other`, while there is room.
  void add(const OutputLines& other) noexcept {
    for (std::size_t k = 0; k < other.count && count < max; ++k, ++count) {
      start[count] = other.start[k];
      bytes[count] = other.bytes[k];
    }
  }
};

/// Memory for score_block to prefetch: for reading, `count` ranges of `length` doubles, each
/// `offset` doubles past one of `starts` (the null ones are skipped): the rows of a later block
/// of a row-major matrix are one range; the same rows of contiguous columns, one range per column.
/// For writing, `writes`.
struct PrefetchRanges {
  const double* const* starts = nullptr;
  std::size_t count = 0;
  std::size_t offset = 0;
  std::size_t length = 0;
  OutputLines writes;
};

/// The batch form of the scoring kernel (src/block_kernel.cpp). score_row reads one case item by
/// item and branches on every response; score_block scores a block of rows item by item across
/// the block, with selects instead of branches, so that every row does the same work and a
/// block fits in vector registers. Each row's sums are formed in the same order and by the same
/// operations as score_row's, so the two give the same bits (tests/cpp/block_kernel_test.cpp).
///
/// Scores `count` (1 .. block_rows) rows, the first at `rows` and the next ones `stride` doubles
/// apart. Writes each row's dimension scores (one row of dimensions per case), its coverages
/// (likewise) when `dimension_coverage` is not null, its item severities (one row of items per
/// case) when `item_severity` is not null, and its RowResult. A row with an invalid response gets
/// the status and item score_row reports (the first invalid item in instrument order) and a
/// RowResult with nothing scored; its other outputs are unspecified, for the caller to
/// overwrite. `scratch` holds block_scratch_size(dimensions, items) doubles. `ahead` is memory
/// the caller will read soon (the rows of a later block) and write next (its `writes`), which
/// score_block prefetches while it works, with the outputs it writes itself: a cache line of each
/// kind with each item of each vector of rows. Uses the widest vector instructions the processor
/// offers, chosen once; the results do not depend on the choice.
void score_block(const InstrumentData& data, const double* rows, std::size_t stride, std::size_t count,
                 double* dimension_score, double* dimension_coverage, double* item_severity, RowResult* results,
                 double* scratch, const PrefetchRanges& ahead) noexcept;

/// A build of score_block for one instruction set.
using BlockKernel = void (*)(const InstrumentData&, const double*, std::size_t, std::size_t, double*, double*,
                             double*, RowResult*, double*, const PrefetchRanges&) noexcept;

/// One of the instruction sets score_block is compiled for.
struct BlockKernelVariant {
  const char* name;    ///< "avx512", "avx2", "baseline"
  BlockKernel kernel;  ///< the build for it
};

/// The builds of score_block this processor can run, the one score_block uses first (the tests
/// hold each of them to score_row).
std::vector<BlockKernelVariant> block_kernel_variants();

/// Copies block_rows rows of `items` columns into a row-major block, `items` doubles a row:
/// `columns[j]` points at column j's first row of the block, and its rows are contiguous. With the
/// widest vectors the processor offers (eight columns of eight rows transposed in registers with
/// AVX-512); the copy is exact whichever is used.
void gather_block(const double* const* columns, std::size_t items, double* block) noexcept;

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

namespace detail {

/// Where score_block put one block's results: the rows [first, first + count), each row's
/// dimension scores, coverages and item severities (null when not kept) `dims` or `items`
/// doubles apart.
struct BlockView {
  std::size_t first = 0;
  std::size_t count = 0;
  double* dimension_score = nullptr;
  double* dimension_coverage = nullptr;  ///< null unless the outputs ask for the coverages
  double* item_severity = nullptr;
  const RowResult* results = nullptr;
};

/// How many blocks ahead MatrixRows and ColumnRows have score_block prefetch the rows: measured
/// on a million rows, when the rows went into the first-level cache, one block ahead was 4%
/// slower than two, and four 7% slower; into the second (as now), one to four took the same.
inline constexpr std::size_t prefetch_distance = 2;

/// A batch's rows as the block loops read them, a block at a time. MatrixRows reads a row-major
/// matrix in place; ColumnRows copies each block out of columns (a DataFrame's, a column-major
/// array's) into a row-major block, so that the kernels downstream see one layout. Each worker
/// makes its own: `block(first, count, end)` returns the first of the rows [first, first +
/// count), the next ones stride() doubles apart, valid until the next call; `end` is where the
/// worker's rows end. `ahead(first, end)` is what score_block should prefetch while it scores
/// that block (none when empty).
///
/// Rows come from memory much more slowly than the kernel reads them from the cache, and the
/// kernel reads a block item by item across its rows, more streams than the processor's
/// prefetchers follow. So score_block prefetches the rows of the block prefetch_distance blocks
/// ahead, a cache line with each item it scores, and the memory works while the kernel does. A
/// million rows of the default instrument took about 97 ms on one thread when each 256 rows were
/// first read into the cache in a tight loop (how strided columns are still read), and 72 ms with
/// the prefetches spread over the scoring. Prefetched in a burst, a block at a time, the rows had
/// come no faster: a burst waits on the few cache misses a core keeps in flight.
class MatrixRows {
 public:
  explicit MatrixRows(ConstRowMatrixView responses) noexcept
      : data_(responses.data()),
        stride_(static_cast<std::size_t>(responses.outerStride())),
        items_(static_cast<std::size_t>(responses.cols())) {}

  const double* block(std::size_t first, std::size_t /*count*/, std::size_t /*end*/) const noexcept {
    return data_ + first * stride_;
  }
  PrefetchRanges ahead(std::size_t first, std::size_t end) const noexcept {
    const std::size_t later = first + prefetch_distance * block_rows;
    if (later + block_rows > end || items_ == 0) return {};
    return {&data_, 1, later * stride_, (block_rows - 1) * stride_ + items_, {}};
  }
  std::size_t stride() const noexcept { return stride_; }

 private:
  const double* data_;
  std::size_t stride_;
  std::size_t items_;
};

/// See MatrixRows.
class ColumnRows {
 public:
  explicit ColumnRows(ConstColumnsView responses)
      : columns_(responses.columns),
        strides_(responses.strides),
        contiguous_(std::all_of(strides_.begin(), strides_.end(), [](std::size_t s) { return s == 1; })),
        sources_(new const double*[std::max<std::size_t>(columns_.size(), 1)]),
        block_(new double[block_rows * std::max<std::size_t>(columns_.size(), 1)]) {
    const std::size_t items = columns_.size();
    std::fill_n(missing_, block_rows, std::numeric_limits<double>::quiet_NaN());
    // A null column is NaN in every row: written once here, and again only by gather_block.
    for (std::size_t j = 0; j < items; ++j)
      if (!columns_[j])
        for (std::size_t r = 0; r < block_rows; ++r) block_[r * items + j] = missing_[r];
  }

  const double* block(std::size_t first, std::size_t count, std::size_t end) noexcept {
    if (!contiguous_ && (first < streamed_first_ || first >= streamed_last_)) stream_in(first, end);
    const std::size_t items = columns_.size();
    if (contiguous_ && count == block_rows) {
      for (std::size_t j = 0; j < items; ++j) sources_[j] = columns_[j] ? columns_[j] + first : missing_;
      gather_block(sources_.get(), items, block_.get());
      return block_.get();
    }
    for (std::size_t j = 0; j < items; ++j) {
      if (!columns_[j]) continue;
      double* const to = block_.get() + j;
      const std::size_t stride = strides_.empty() ? 1 : strides_[j];
      const double* const column = columns_[j] + first * stride;
      for (std::size_t r = 0; r < count; ++r) to[r * items] = column[r * stride];
    }
    return block_.get();
  }
  /// Contiguous columns only: strided ones are streamed in by block() (see stream_in).
  PrefetchRanges ahead(std::size_t first, std::size_t end) const noexcept {
    const std::size_t later = first + prefetch_distance * block_rows;
    if (!contiguous_ || later + block_rows > end) return {};
    return {columns_.data(), columns_.size(), later, block_rows, {}};
  }
  std::size_t stride() const noexcept { return columns_.size(); }

 private:
  /// Rows of strided columns brought into the cache at once: 256 rows of every column.
  static constexpr std::size_t stream_rows = 256;

  void stream_in(std::size_t first, std::size_t end) noexcept {
    constexpr std::size_t per_line = 64 / sizeof(double);
    const std::size_t last = std::min(end, first + stream_rows);
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      if (!columns_[j]) continue;
      const std::size_t stride = strides_.empty() ? 1 : strides_[j];
      const volatile double* cells = columns_[j];
      // One cell a cache line: every row's when its cells are a line or more apart.
      const std::size_t step = stride == 0 ? last - first : std::max<std::size_t>(1, per_line / stride);
      for (std::size_t r = first; r < last; r += step) static_cast<void>(cells[r * stride]);
      static_cast<void>(cells[(last - 1) * stride]);  // the last line, when the rows start mid-line
    }
    streamed_first_ = first;
    streamed_last_ = last;
  }

  std::span<const double* const> columns_;
  std::span<const std::size_t> strides_;
  bool contiguous_;                           ///< every column's cells adjacent (no strides, or all 1)
  std::unique_ptr<const double*[]> sources_;  ///< per column, its first row of the block, for gather_block
  std::unique_ptr<double[]> block_;           ///< block_rows x columns, row-major
  double missing_[block_rows];                ///< what gather_block reads for a null column
  std::size_t streamed_first_ = 0;  ///< the rows stream_in read last: [streamed_first_, streamed_last_)
  std::size_t streamed_last_ = 0;
};

/// A worker's buffers for score_block: the kernel's scratch, and room for one block's scores,
/// coverages and (when `keep_severities`) item severities for the outputs the caller does not
/// want but the rest of the computation reads.
class BlockBuffers {
 public:
  BlockBuffers(std::size_t dims, std::size_t items, bool keep_severities)
      : dims_(dims),
        items_(items),
        keep_severities_(keep_severities),
        // Left uninitialised: everything is written before it is read, and a host scoring one
        // case at a time should not pay for clearing a whole block's buffers.
        buffer_(new double[block_scratch_size(dims, items) + block_rows * (dims + (keep_severities ? items : 0))]) {}

  /// Scores the `count` (1 .. block_rows) rows at `rows` (`stride` doubles apart), rows [first,
  /// first + count) of the batch, straight into the outputs `out` asks for, and into these
  /// buffers for the rest; `ahead` gets the outputs write_block_outputs writes next, for the
  /// kernel to prefetch with the rest.
  BlockView score(const InstrumentData& data, const double* rows, std::size_t stride, std::size_t first,
                  std::size_t count, PrefetchRanges&& ahead, const BatchOutputs& out) noexcept {
    // What write_block_outputs writes next (score_block writes the scores, coverages and
    // severities itself, and fetches them as it does these).
    for (const double* array : {out.composite, out.composite_coverage, out.deprivation_score})
      ahead.writes.add(array, first, count);
    for (const std::int32_t* array : {out.level, out.deprived_count, out.status, out.error_item})
      ahead.writes.add(array, first, count);
    double* const scores = buffer_.get() + block_scratch_size(dims_, items_);
    double* const severities = scores + block_rows * dims_;
    BlockView view;
    view.first = first;
    view.count = count;
    view.dimension_score = out.dimension_scores ? out.dimension_scores + first * dims_ : scores;
    view.dimension_coverage = out.dimension_coverage ? out.dimension_coverage + first * dims_ : nullptr;
    view.item_severity = out.item_severities ? out.item_severities + first * items_
                                             : (keep_severities_ ? severities : nullptr);
    view.results = results_;
    score_block(data, rows, stride, count, view.dimension_score, view.dimension_coverage, view.item_severity,
                results_, buffer_.get(), ahead);
    return view;
  }

 private:
  std::size_t dims_;
  std::size_t items_;
  bool keep_severities_;
  std::unique_ptr<double[]> buffer_;
  RowResult results_[block_rows];
};

/// Writes a scored block's per-row outputs into `out` (a rejected row's scores become NaN, as
/// documented at score_batch) and returns how many of its rows were rejected.
inline std::size_t write_block_outputs(const BatchOutputs& out, const BlockView& block, std::size_t dims,
                                       std::size_t items) noexcept {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  std::size_t bad = 0;
  for (std::size_t k = 0; k < block.count; ++k) {
    const std::size_t i = block.first + k;
    const RowResult& r = block.results[k];
    const bool ok = r.status == ResponseStatus::ok;
    if (!ok) {
      ++bad;
      if (out.dimension_scores) std::fill_n(block.dimension_score + k * dims, dims, nan);
      if (out.dimension_coverage) std::fill_n(block.dimension_coverage + k * dims, dims, nan);
      if (out.item_severities) std::fill_n(block.item_severity + k * items, items, nan);
    }
    if (out.composite) out.composite[i] = r.composite;
    if (out.composite_coverage) out.composite_coverage[i] = ok ? r.composite_coverage : missing;
    if (out.level) out.level[i] = r.level;
    if (out.deprivation_score) out.deprivation_score[i] = ok ? r.deprivation_score : missing;
    if (out.deprived_count) out.deprived_count[i] = ok ? r.deprived_count : -1;
    if (out.status) out.status[i] = static_cast<std::int32_t>(r.status);
    if (out.error_item) out.error_item[i] = r.error_item;
  }
  return bad;
}

}  // namespace detail

namespace detail {

/// score_batch's body over `rows` rows, read through the `Rows` each worker gets from
/// `make_rows` (MatrixRows or ColumnRows).
template <class MakeRows>
BatchSummary score_batch_rows(const Instrument& instrument, std::size_t rows, const MakeRows& make_rows,
                              const BatchOutputs& out, unsigned threads) {
  const auto& data = instrument.data();
  const std::size_t dims = instrument.dimension_count();
  const std::size_t items = instrument.item_count();
  const unsigned workers = worker_count(threads, rows, 4096);
  std::vector<std::size_t> rejected(workers, 0);

  parallel_chunks(rows, workers, [&](std::size_t begin, std::size_t end, unsigned worker) {
    auto source = make_rows();
    BlockBuffers buffers(dims, items, false);
    std::size_t bad = 0;
    for (std::size_t first = begin; first < end; first += block_rows) {
      const std::size_t count = std::min(block_rows, end - first);
      const double* const block = source.block(first, count, end);
      bad += write_block_outputs(
          out, buffers.score(data, block, source.stride(), first, count, source.ahead(first, end), out), dims, items);
    }
    rejected[worker] = bad;
  });

  BatchSummary summary;
  summary.rows = rows;
  for (std::size_t bad : rejected) summary.rejected += bad;
  summary.scored = rows - summary.rejected;
  return summary;
}

/// Throws InvalidArgument unless a batch's responses have one column per item of `instrument`.
inline void check_response_columns(const Instrument& instrument, std::size_t columns) {
  if (columns != instrument.item_count())
    throw InvalidArgument("responses", "expected " + std::to_string(instrument.item_count()) +
                                           " columns (one per item of " + instrument.id() + "), got " +
                                           std::to_string(columns));
}

/// The columns as the row-major matrix they are part of, when they are: every column present
/// with the same stride, each one double after the one before (a DataFrame over a row-major
/// array, its item columns in instrument order). MatrixRows reads such a matrix in place, which is
/// faster than gathering the strided columns.
inline std::optional<ConstRowMatrixView> as_row_major(const ConstColumnsView& responses) {
  const std::size_t items = responses.columns.size();
  if (items == 0 || responses.strides.empty() || !responses.columns[0]) return std::nullopt;
  const std::size_t stride = responses.strides[0];
  if (stride < items) return std::nullopt;
  for (std::size_t j = 1; j < items; ++j)
    if (responses.strides[j] != stride || responses.columns[j] != responses.columns[0] + j) return std::nullopt;
  return view_rows(responses.columns[0], static_cast<std::ptrdiff_t>(responses.rows),
                   static_cast<std::ptrdiff_t>(items), static_cast<std::ptrdiff_t>(stride));
}

/// check_response_columns, and one stride per column when there are strides.
inline void check_response_columns(const Instrument& instrument, const ConstColumnsView& responses) {
  check_response_columns(instrument, responses.columns.size());
  if (!responses.strides.empty() && responses.strides.size() != responses.columns.size())
    throw InvalidArgument("responses", "expected a stride for each of the " + std::to_string(responses.columns.size()) +
                                           " columns, got " + std::to_string(responses.strides.size()));
}

}  // namespace detail

/// Scores a dense matrix of responses (rows = cases, columns = items in instrument order, NaN =
/// missing) without allocating per row. A row with an invalid response is not scored: its
/// outputs are NaN / -1 and its status and error item say why; the other rows go on. `threads`
/// = 0 uses every hardware thread; results do not depend on it. Throws InvalidArgument when the
/// matrix does not have one column per item.
inline BatchSummary score_batch(const Instrument& instrument, ConstRowMatrixView responses, const BatchOutputs& out,
                                unsigned threads = 1) {
  detail::check_response_columns(instrument, static_cast<std::size_t>(responses.cols()));
  return detail::score_batch_rows(instrument, static_cast<std::size_t>(responses.rows()),
                                  [&] { return detail::MatrixRows(responses); }, out, threads);
}

/// score_batch on responses held column by column (a DataFrame's columns, a column-major array),
/// read in place: one column per item in instrument order, a null column for an item no row
/// answers. The same results, to the bit, as the same responses in a row-major matrix; columns
/// that are the consecutive columns of one row-major matrix are read as that matrix.
inline BatchSummary score_batch(const Instrument& instrument, ConstColumnsView responses, const BatchOutputs& out,
                                unsigned threads = 1) {
  detail::check_response_columns(instrument, responses);
  if (const auto matrix = detail::as_row_major(responses)) return score_batch(instrument, *matrix, out, threads);
  return detail::score_batch_rows(instrument, responses.rows, [&] { return detail::ColumnRows(responses); }, out,
                                  threads);
}

}  // namespace pact

#endif  // PACT_SCORING_HPP
