// The batch form of the scoring kernel (see detail::score_block in pact/scoring.hpp).
//
// A block's rows are scored item by item, a vector of rows at a time, with the same operations in
// every lane: a response that is missing or invalid is masked out with a select, not skipped
// with a branch. Which rows miss an answer is random, and score_row's branches on it are what
// made it slow; here nothing depends on the data but the values. The item loop is written twice:
// four rows to a vector in GCC's vector extensions (GCC and clang), compiled for the baseline
// instruction set (two SSE2 halves per vector) and for AVX2; and eight rows to a vector in
// AVX-512 intrinsics. The processor picks the widest it runs; the rest of the block (setup,
// dimension scores, composite) is shared.
//
// Bit-identity with score_row rests on three facts. Each lane adds its terms in instrument order
// with the same operations as score_row; a masked-out term is +0.0, which leaves a sum of
// non-negative terms unchanged to the bit; and nothing is fused or reassociated (the file is
// compiled with -ffp-contract=off, see src/CMakeLists.txt, and every multiply and add is its own
// instruction). Every item has a vector form: an item whose valid responses are a short run of
// whole numbers (ordinal and yes/no items, short counts) is looked up in a table that
// compile_instrument fills with its rule's own results; the others are evaluated on their curve,
// with the segment that SeverityCurve::at would find. Rows found invalid, and blocks of fewer
// than eight rows, go through score_row itself.
#include "pact/detail/instrument_data.hpp"
#include "pact/scoring.hpp"
#include "vector_lanes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#include <limits>

namespace pact::detail {
namespace {

constexpr std::size_t lanes = block_rows;

#if defined(__GNUC__) || defined(__clang__)

constexpr std::size_t width = 4;               // doubles per vector
constexpr std::size_t groups = lanes / width;  // vectors per block
static_assert(lanes % width == 0);

using vd = double __attribute__((vector_size(32)));
using vi = std::int64_t __attribute__((vector_size(32)));

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
/// 2^52: adding and subtracting it rounds a double in [0, 2^52) to a whole number.
constexpr double two_52 = 4503599627370496.0;

[[gnu::always_inline]] inline vd splat(double x) noexcept { return vd{x, x, x, x}; }
[[gnu::always_inline]] inline vi splat(std::int64_t x) noexcept { return vi{x, x, x, x}; }
[[gnu::always_inline]] inline vd load(const double* p) noexcept {
  vd v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void store(double* p, vd v) noexcept { std::memcpy(p, &v, sizeof v); }
/// Lane by lane, `a` where `mask` is set (all ones, as comparisons give) and `b` where it is clear:
/// one blend instruction where the processor has one.
[[gnu::always_inline]] inline vd select(vi mask, vd a, vd b) noexcept { return mask ? a : b; }
[[gnu::always_inline]] inline vd abs(vd v) noexcept {
  return reinterpret_cast<vd>(reinterpret_cast<vi>(v) & splat(std::numeric_limits<std::int64_t>::max()));
}

/// score_block's prefetches (PrefetchRanges), a line at a time of each kind, so that they spread
/// over the scoring of the current block (see MatrixRows in pact/scoring.hpp): the block's
/// outputs, for writing (OutputLines), and the rows ahead, for reading. The rows go into the
/// second-level cache, not the first: on a million rows with every risk output, 3% faster
/// (81.3-82.2 ms against 83.7-85.0 ms). One line with each item, never several at once: eight
/// lines with every eighth item took 89-91 ms, the prefetches waiting for the line fill buffers
/// that the lines before them held.
class LinePrefetcher {
 public:
  /// Both outlive the prefetcher.
  LinePrefetcher(const PrefetchRanges& ranges, const OutputLines& writes) noexcept : ranges_(&ranges), writes_(&writes) {
    next_write();
    next_range();
  }
  /// The next line, if any is left.
  [[gnu::always_inline]] void one() noexcept {
    if (next_write_ < write_end_) {
      __builtin_prefetch(reinterpret_cast<const void*>(next_write_), 1, 3);
      next_write_ += line;
      if (next_write_ >= write_end_) next_write();
    }
    if (next_ < end_) {
      __builtin_prefetch(reinterpret_cast<const void*>(next_), 0, locality);
      next_ += line;
      if (next_ >= end_) next_range();
    }
  }
  void rest() noexcept {
    while (next_write_ < write_end_ || next_ < end_) one();
  }

 private:
  static constexpr std::uintptr_t line = 64;
  static constexpr int locality = 2;  // __builtin_prefetch's: PREFETCHT1 on x86, into the second-level cache

  /// Moves on to the next range that is not null, if any: its lines, from the one it starts in.
  [[gnu::always_inline]] void next_range() noexcept {
    next_ = end_ = 0;
    while (range_ < ranges_->count && ranges_->length != 0) {
      const double* const start = ranges_->starts[range_++];
      if (!start) continue;
      // As integers: the lines are for the processor to fetch, not for the program to read.
      const auto first = reinterpret_cast<std::uintptr_t>(start) + ranges_->offset * sizeof(double);
      next_ = first & ~(line - 1);
      end_ = first + ranges_->length * sizeof(double);
      return;
    }
  }
  /// The same for the outputs.
  [[gnu::always_inline]] void next_write() noexcept {
    next_write_ = write_end_ = 0;
    if (write_ == writes_->count) return;
    const auto first = reinterpret_cast<std::uintptr_t>(writes_->start[write_]);
    next_write_ = first & ~(line - 1);
    write_end_ = first + writes_->bytes[write_++];
  }

  const PrefetchRanges* ranges_;
  const OutputLines* writes_;
  std::size_t range_ = 0;
  std::size_t write_ = 0;
  std::uintptr_t next_ = 0;
  std::uintptr_t end_ = 0;
  std::uintptr_t next_write_ = 0;
  std::uintptr_t write_end_ = 0;
};

/// Item `j`'s response in each lane of `v`, by its rule: whether it counts (a valid response;
/// never when missing or not finite) and its severity where it does (+0.0 elsewhere).
struct LaneRule {
  vi counted;
  vd severity;
};

/// An item with a lookup table (CompiledItem::lookup_size): the response must lie within the
/// table's range, be whole, and have a severity in the table. score_row's test for ordinal items;
/// for yes/no items and counts it accepts exactly what their rules accept, and the table holds
/// what those rules give.
[[gnu::always_inline]] inline LaneRule lookup_rule(const InstrumentData& data, const CompiledItem& item,
                                                   vd v) noexcept {
  const vd zero = splat(0.0), big = splat(two_52);
  // Out of range, missing and infinite responses all fail in_range (a NaN compares false).
  const vi in_range = (v >= splat(item.min_value)) & (v <= splat(item.max_value));
  const vd offset = select(in_range, v - splat(item.min_value), zero);
  const vd rounded = offset + big;  // exact for a whole offset below 2^52, which a table's are
  // An ordinal code must lie a whole number of steps from the minimum, as score_row computes the
  // offset (5 + 1e-300 is 5); a count must itself be whole (1e-300 is not), and then its offset
  // from a whole minimum is exact.
  const vd tested = item.whole_number ? abs(select(in_range, v, zero)) : offset;
  const vi whole = ((tested + big) - big) == tested;
  // The offset's bits in the low bits of `rounded`: a whole offset is its index in the table.
  const vi index = reinterpret_cast<vi>(rounded) - reinterpret_cast<vi>(big);
  const double* const table = data.severity_table.data() + item.table_offset;
  const vd looked_up = vd{table[index[0]], table[index[1]], table[index[2]], table[index[3]]};
  const vi counted = in_range & whole & (looked_up == looked_up);  // the table's NaN: no option there
  return {counted, select(counted, looked_up, zero)};
}

/// SeverityCurve::at for every lane of `v` whose value lies within the curve's range, to the bit:
/// each lane's segment is found as `at` finds it (the first point not below the value), its ends
/// selected into place, and the one division made for the segment found.
[[gnu::always_inline]] inline vd curve_at(const SeverityCurve& curve, vd v) noexcept {
  const std::size_t points = curve.x.size();
  vd x_lo = splat(curve.x[0]), x_hi = splat(curve.x[1]);
  vd s_lo = splat(curve.severity[0]), s_hi = splat(curve.severity[1]);
  for (std::size_t i = 1; i + 1 < points; ++i) {
    const vi past = splat(curve.x[i]) < v;
    x_lo = select(past, splat(curve.x[i]), x_lo);
    x_hi = select(past, splat(curve.x[i + 1]), x_hi);
    s_lo = select(past, splat(curve.severity[i]), s_lo);
    s_hi = select(past, splat(curve.severity[i + 1]), s_hi);
  }
  vd severity = curve.interpolation == SeverityCurve::Interpolation::step
                    ? s_lo
                    : s_lo + ((v - x_lo) / (x_hi - x_lo)) * (s_hi - s_lo);
  severity = select(x_hi == v, s_hi, severity);
  severity = select(v >= splat(curve.x[points - 1]), splat(curve.severity[points - 1]), severity);
  return select(v <= splat(curve.x[0]), splat(curve.severity[0]), severity);
}

/// An item without a lookup table (months, amounts, long counts): score_row's test, in the same
/// order (below the minimum, above the maximum, then a fraction where the item must be whole),
/// and the curve where the response passes.
[[gnu::always_inline]] inline LaneRule curve_rule(const InstrumentData& data, std::size_t j,
                                                  const CompiledItem& item, vd v) noexcept {
  const vd zero = splat(0.0), big = splat(two_52);
  const vd magnitude = abs(v);
  vi counted = (v >= splat(item.min_value)) & (v <= splat(item.max_value)) & (magnitude < splat(infinity));
  // A magnitude of 2^52 or more is always whole.
  if (item.whole_number) counted &= (magnitude >= big) | (((magnitude + big) - big) == magnitude);
  // Lanes that do not count are evaluated at 0, so that every severity is finite.
  const vd severity = curve_at(data.items[j].curve, select(counted, v, zero));
  return {counted, select(counted, severity, zero)};
}

/// The item loop of a block of `lanes` rows at `rows` (`stride` apart), four rows to a vector:
/// clears each dimension's sums (`lanes` doubles per dimension in `weighted` and `weight`) and
/// adds each row's terms into them, writes the item severities of the first `count` rows when
/// `item_severity` is not null, and flags in `invalid` the rows that met an invalid response.
/// Invalid rows are rare, and what score_row says of them (which item, and why) is left to
/// score_row, at the end. Prefetches a line of the rows ahead with each item of each vector of
/// rows.
[[gnu::always_inline]] inline void add_items(const InstrumentData& data, const double* rows, std::size_t stride,
                                             std::size_t count, double* weighted, double* weight,
                                             double* item_severity, bool* invalid, LinePrefetcher& ahead) noexcept {
  const std::size_t items = data.compiled.size();
  std::fill_n(weighted, data.dimensions.size() * lanes, 0.0);
  std::fill_n(weight, data.dimensions.size() * lanes, 0.0);
  // The block is scored a vector of rows at a time (a group), item by item: few values are live
  // at once, so they stay in registers, and each item's constants come from the first-level cache.
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t r0 = g * width;
    const double* const group_rows = rows + r0 * stride;
    vi invalid_lanes = splat(std::int64_t{0});

    // One item, its value in each of the group's rows, into the sums; returns the lanes it makes
    // invalid.
    const auto score_item = [&](std::size_t j, vd v) __attribute__((always_inline)) {
      ahead.one();
      const CompiledItem& item = data.compiled[j];
      const LaneRule rule = item.lookup_size != 0 ? lookup_rule(data, item, v) : curve_rule(data, j, item, v);
      const vi absent = v != v;
      const vd item_weight = splat(item.weight);
      double* const dim_weighted = weighted + item.dimension * lanes + r0;
      double* const dim_weight = weight + item.dimension * lanes + r0;
      store(dim_weighted, load(dim_weighted) + item_weight * rule.severity);
      store(dim_weight, load(dim_weight) + select(rule.counted, item_weight, splat(0.0)));
      if (item_severity) {
        const vd written = select(absent, splat(nan), rule.severity);
        for (std::size_t k = 0; k < width && r0 + k < count; ++k) item_severity[(r0 + k) * items + j] = written[k];
      }
      // A lane goes wrong on a present value that does not count, or a missing required one.
      return item.required ? ~rule.counted : ~(rule.counted | absent);
    };

    // Items four at a time: the group's four rows are read four items at a time, one vector per
    // row, and transposed in registers into one vector per item. The last items, fewer than
    // four, are gathered value by value.
    std::size_t j = 0;
    for (; j + width <= items; j += width) {
      const double* const p = group_rows + j;
      const vd a0 = load(p), a1 = load(p + stride), a2 = load(p + 2 * stride), a3 = load(p + 3 * stride);
      const vd t0 = __builtin_shufflevector(a0, a1, 0, 4, 2, 6), t1 = __builtin_shufflevector(a0, a1, 1, 5, 3, 7);
      const vd t2 = __builtin_shufflevector(a2, a3, 0, 4, 2, 6), t3 = __builtin_shufflevector(a2, a3, 1, 5, 3, 7);
      invalid_lanes |= score_item(j, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));
      invalid_lanes |= score_item(j + 1, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));
      invalid_lanes |= score_item(j + 2, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));
      invalid_lanes |= score_item(j + 3, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));
    }
    for (; j < items; ++j) {
      const double* const p = group_rows + j;
      invalid_lanes |= score_item(j, vd{p[0], p[stride], p[2 * stride], p[3 * stride]});
    }
    for (std::size_t k = 0; k < width; ++k) invalid[r0 + k] = invalid_lanes[k] != 0;
  }
}

/// What finish_row gives each row of a block beyond its dimension scores and coverages.
struct RowTotals {
  double scored_weight[lanes];
  double composite[lanes];
  double deprivation_score[lanes];
  std::int64_t level[lanes];
  std::int64_t deprived_count[lanes];
};

/// finish_row across the lanes, four rows to a vector: each dimension's scores in place of its
/// weighted sums (NaN where not scored) and, when `coverage`, its coverages in place of its
/// answered weights; then each row's composite and its level (a level for each of the levels'
/// minimums the composite reaches, as they increase; none without a composite, a NaN reaching
/// none), scored weight and deprivation.
[[gnu::always_inline]] inline void finish(const InstrumentData& data, double* weighted, double* weight, bool coverage,
                                          RowTotals& totals) noexcept {
  vd scored_weight[groups], composite_sum[groups], deprivation_score[groups];
  vi deprived_count[groups];
  for (std::size_t g = 0; g < groups; ++g) {
    scored_weight[g] = composite_sum[g] = deprivation_score[g] = splat(0.0);
    deprived_count[g] = splat(std::int64_t{0});
  }
  for (std::size_t d = 0; d < data.dimensions.size(); ++d) {
    const Dimension& dim = data.dimensions[d];
    const vd weight_sum = splat(data.dimension_weight_sum[d]);
    const vd least_covering_weight = splat(data.least_covering_weight[d]);
    const vd normalized_weight = splat(dim.normalized_weight);
    double* const dim_weighted = weighted + d * lanes;
    double* const dim_weight = weight + d * lanes;
    for (std::size_t g = 0; g < groups; ++g) {
      const std::size_t r0 = g * width;
      const vd w = load(dim_weight + r0);
      const vi answered = w > splat(0.0);
      // finish_row's coverage test, without the division (see least_covering_weight).
      const vi scored = answered & (w >= least_covering_weight);
      const vd score = load(dim_weighted + r0) / select(answered, w, splat(1.0));
      const vi deprived = scored & (score >= splat(dim.deprivation_cutoff));
      scored_weight[g] += select(scored, normalized_weight, splat(0.0));
      composite_sum[g] += select(scored, normalized_weight * score, splat(0.0));
      deprivation_score[g] += select(deprived, normalized_weight, splat(0.0));
      deprived_count[g] -= deprived;  // a set mask is -1
      store(dim_weighted + r0, select(scored, score, splat(nan)));
      if (coverage) store(dim_weight + r0, w / weight_sum);
    }
  }
  for (std::size_t g = 0; g < groups; ++g) {
    const vi has_composite =
        (scored_weight[g] > splat(0.0)) & (scored_weight[g] + splat(coverage_slack) >= splat(data.composite_min_coverage));
    const vd composite = select(
        has_composite, composite_sum[g] / select(has_composite, scored_weight[g], splat(1.0)), splat(missing));
    vi level = splat(std::int64_t{-1});
    for (const Level& l : data.levels) level -= composite >= splat(l.min_score);
    for (std::size_t k = 0; k < width; ++k) {
      const std::size_t r = g * width + k;
      totals.scored_weight[r] = scored_weight[g][k];
      totals.composite[r] = composite[k];
      totals.deprivation_score[r] = deprivation_score[g][k];
      totals.level[r] = level[k];
      totals.deprived_count[r] = deprived_count[g][k];
    }
  }
}

/// Dimension-major values (dimension d's row r at from[d * lanes + r]) into rows (row r's
/// dimension d at to[r * dimensions + d]), the first `count` rows.
void copy_to_rows(const double* from, std::size_t dimensions, std::size_t count, double* to) noexcept {
  for (std::size_t r = 0; r < count; ++r)
    for (std::size_t d = 0; d < dimensions; ++d) to[r * dimensions + d] = from[d * lanes + r];
}

/// score_block, with `AddItems` as the item loop (see add_items), `Finish` as finish and
/// `CopyToRows` as copy_to_rows.
template <auto AddItems, auto Finish = finish, auto CopyToRows = copy_to_rows>
[[gnu::always_inline]] inline void score_block_impl(const InstrumentData& data, const double* rows, std::size_t stride,
                                                    std::size_t count, double* dimension_score,
                                                    double* dimension_coverage, double* item_severity,
                                                    RowResult* results, double* scratch,
                                                    const PrefetchRanges& rows_ahead) noexcept {
  const std::size_t dimensions = data.dimensions.size();
  const std::size_t items = data.compiled.size();
  // The block's own outputs, then what the caller writes after it (see OutputLines).
  OutputLines writes;
  writes.add(dimension_score, 0, count, dimensions);
  writes.add(dimension_coverage, 0, count, dimensions);
  writes.add(item_severity, 0, count, items);
  writes.add(rows_ahead.writes);
  LinePrefetcher ahead(rows_ahead, writes);
  // Per dimension, `lanes` doubles each: the weighted sum of severities, and the answered weight.
  double* const weighted = scratch;
  double* const weight = scratch + dimensions * lanes;
  // Where score_row writes the coverages no one asked for: the room of the padded rows below,
  // unused whenever score_row runs.
  double* const spare_coverage = weight + dimensions * lanes;
  const auto coverage_of_row = [&](std::size_t r) {
    return dimension_coverage ? dimension_coverage + r * dimensions : spare_coverage;
  };
  // A block costs the same however few of its rows are real: under half a block (a host's single
  // case, the end of a batch), score_row row by row is faster, and gives the same bits.
  if (count < lanes / 2) {
    ahead.rest();
    for (std::size_t r = 0; r < count; ++r)
      results[r] = score_row(data, rows + r * stride, dimension_score + r * dimensions, coverage_of_row(r),
                             item_severity ? item_severity + r * items : nullptr, weighted, weight);
    return;
  }
  // A short block is copied into a full one whose lanes past `count` repeat the first row (their
  // results are never written), so that the loop below always reads `lanes` rows.
  const double* const first_row = rows;
  const std::size_t row_stride = stride;
  if (count < lanes) {
    double* const padded = weight + dimensions * lanes;
    for (std::size_t r = 0; r < lanes; ++r) std::copy_n(rows + (r < count ? r : 0) * stride, items, padded + r * items);
    rows = padded;
    stride = items;
  }

  bool invalid[lanes];
  AddItems(data, rows, stride, count, weighted, weight, item_severity, invalid, ahead);
  ahead.rest();  // the lines left over when the rows ahead have more lines than the block has items

  RowTotals totals;
  Finish(data, weighted, weight, dimension_coverage != nullptr, totals);
  CopyToRows(weighted, dimensions, count, dimension_score);
  if (dimension_coverage) CopyToRows(weight, dimensions, count, dimension_coverage);

  for (std::size_t r = 0; r < count; ++r) {
    RowResult& result = results[r];
    if (invalid[r]) {
      // The sums are no longer needed: score_row may use them as its scratch.
      result = score_row(data, first_row + r * row_stride, dimension_score + r * dimensions, coverage_of_row(r),
                         item_severity ? item_severity + r * items : nullptr, weighted, weight);
      continue;
    }
    result.status = ResponseStatus::ok;
    result.error_item = -1;
    result.composite = totals.composite[r];
    result.composite_coverage = totals.scored_weight[r];
    result.level = static_cast<std::int32_t>(totals.level[r]);
    result.deprivation_score = totals.deprivation_score[r];
    result.deprived_count = static_cast<std::int32_t>(totals.deprived_count[r]);
  }
}

void score_block_baseline(const InstrumentData& data, const double* rows, std::size_t stride, std::size_t count,
                          double* dimension_score, double* dimension_coverage, double* item_severity,
                          RowResult* results, double* scratch, const PrefetchRanges& rows_ahead) noexcept {
  score_block_impl<add_items>(data, rows, stride, count, dimension_score, dimension_coverage, item_severity, results,
                              scratch, rows_ahead);
}

#if defined(__x86_64__) || defined(__i386__)
#define PACT_BLOCK_KERNEL_X86 1

[[gnu::target("avx2")]] void score_block_avx2(const InstrumentData& data, const double* rows, std::size_t stride,
                                              std::size_t count, double* dimension_score, double* dimension_coverage,
                                              double* item_severity, RowResult* results, double* scratch,
                                              const PrefetchRanges& rows_ahead) noexcept {
  score_block_impl<add_items>(data, rows, stride, count, dimension_score, dimension_coverage, item_severity, results,
                              scratch, rows_ahead);
}

// The item loop for AVX-512: eight rows to a vector, in intrinsics, because GCC's vector
// extensions turn 512-bit comparisons and selects into scalar code (measured 3.7 times slower
// than AVX2). Each sum gets the same terms as in add_items, in instrument order, but they are
// found in fewer operations: a short table is looked up with its entries already multiplied by
// the item's weight, a short curve by its segments (CurveSegments), a missing response adds +0.0
// without a mask, and a response that is not valid is not tested item by item but leaves a NaN
// in its row's weighted sum (see terms), which the loop tests once, after the last item. A
// fraction where a whole number is due is the one invalid response that can look valid (a table
// looks up its floor); the loop collects those apart.
namespace avx512 {

constexpr std::size_t width = 8;  // doubles per vector
static_assert(lanes % width == 0);

#define PACT_AVX512 [[gnu::target("avx512f,avx512dq"), gnu::always_inline]] inline

PACT_AVX512 __m512d broadcast(double x) noexcept { return _mm512_set1_pd(x); }

/// Item j's rule in each of the eight lanes of `v`: the lanes that count, and their severity
/// there (finite elsewhere, and never added).
struct Rule {
  __mmask8 counted;
  __m512d severity;
};

/// A table of the form `form` (see BlockRule; NaN-padded, see CompiledItem::lookup_size) at
/// `index` in each lane.
template <BlockRule form>
PACT_AVX512 __m512d look_up(const double* table, __m512i index) noexcept {
  if constexpr (form == BlockRule::table8) return _mm512_permutexvar_pd(index, _mm512_loadu_pd(table));
  if constexpr (form == BlockRule::table16)
    return _mm512_permutex2var_pd(_mm512_loadu_pd(table), index, _mm512_loadu_pd(table + 8));
  return _mm512_i64gather_pd(index, table, sizeof(double));
}

/// lookup_rule (of the four-row loop) operation for operation, for a table whose minimum is
/// negative: a response above it may lie inexactly far from it (1e-300 from -5 rounds to 5).
PACT_AVX512 Rule checked_lookup_rule(const double* table, const CompiledItem& item, __m512d v) noexcept {
  const __m512d big = broadcast(two_52);
  const __mmask8 in_range = _mm512_mask_cmp_pd_mask(_mm512_cmp_pd_mask(v, broadcast(item.min_value), _CMP_GE_OQ), v,
                                                    broadcast(item.max_value), _CMP_LE_OQ);
  const __m512d offset = _mm512_maskz_sub_pd(in_range, v, broadcast(item.min_value));
  const __m512d rounded = _mm512_add_pd(offset, big);
  const __m512d tested = item.whole_number ? _mm512_abs_pd(_mm512_maskz_mov_pd(in_range, v)) : offset;
  const __mmask8 whole = _mm512_cmp_pd_mask(_mm512_sub_pd(_mm512_add_pd(tested, big), big), tested, _CMP_EQ_OQ);
  const __m512i index = _mm512_sub_epi64(_mm512_castpd_si512(rounded), _mm512_castpd_si512(big));
  const __m512d looked_up = item.lookup_size < 8    ? look_up<BlockRule::table8>(table, index)
                            : item.lookup_size < 16 ? look_up<BlockRule::table16>(table, index)
                                                    : look_up<BlockRule::gathered_table>(table, index);
  const __mmask8 counted = in_range & whole & _mm512_cmp_pd_mask(looked_up, looked_up, _CMP_ORD_Q);
  return {counted, _mm512_maskz_mov_pd(counted, looked_up)};
}

PACT_AVX512 __m512d curve_at(const SeverityCurve& curve, __m512d v) noexcept {
  const std::size_t points = curve.x.size();
  __m512d x_lo = broadcast(curve.x[0]), x_hi = broadcast(curve.x[1]);
  __m512d s_lo = broadcast(curve.severity[0]), s_hi = broadcast(curve.severity[1]);
  for (std::size_t i = 1; i + 1 < points; ++i) {
    const __mmask8 past = _mm512_cmp_pd_mask(broadcast(curve.x[i]), v, _CMP_LT_OQ);
    x_lo = _mm512_mask_mov_pd(x_lo, past, broadcast(curve.x[i]));
    x_hi = _mm512_mask_mov_pd(x_hi, past, broadcast(curve.x[i + 1]));
    s_lo = _mm512_mask_mov_pd(s_lo, past, broadcast(curve.severity[i]));
    s_hi = _mm512_mask_mov_pd(s_hi, past, broadcast(curve.severity[i + 1]));
  }
  __m512d severity =
      curve.interpolation == SeverityCurve::Interpolation::step
          ? s_lo
          : _mm512_add_pd(s_lo, _mm512_mul_pd(_mm512_div_pd(_mm512_sub_pd(v, x_lo), _mm512_sub_pd(x_hi, x_lo)),
                                              _mm512_sub_pd(s_hi, s_lo)));
  severity = _mm512_mask_mov_pd(severity, _mm512_cmp_pd_mask(x_hi, v, _CMP_EQ_OQ), s_hi);
  severity = _mm512_mask_mov_pd(severity, _mm512_cmp_pd_mask(v, broadcast(curve.x[points - 1]), _CMP_GE_OQ),
                                broadcast(curve.severity[points - 1]));
  return _mm512_mask_mov_pd(severity, _mm512_cmp_pd_mask(v, broadcast(curve.x[0]), _CMP_LE_OQ),
                            broadcast(curve.severity[0]));
}

/// The lanes of `v` that count for an item on a curve: score_row's test (within the minimum and
/// the maximum, and whole where the item must be).
PACT_AVX512 __mmask8 curve_counted(const CompiledItem& item, __m512d v) noexcept {
  const __m512d big = broadcast(two_52);
  const __m512d magnitude = _mm512_abs_pd(v);
  __mmask8 counted = _mm512_mask_cmp_pd_mask(_mm512_cmp_pd_mask(v, broadcast(item.min_value), _CMP_GE_OQ), v,
                                             broadcast(item.max_value), _CMP_LE_OQ);
  // A finite minimum and maximum rule out the infinities by themselves.
  if (!(std::isfinite(item.min_value) && std::isfinite(item.max_value)))
    counted = _mm512_mask_cmp_pd_mask(counted, magnitude, broadcast(infinity), _CMP_LT_OQ);
  if (item.whole_number)
    counted &= static_cast<__mmask8>(
        _mm512_cmp_pd_mask(magnitude, big, _CMP_GE_OQ) |
        _mm512_cmp_pd_mask(_mm512_sub_pd(_mm512_add_pd(magnitude, big), big), magnitude, _CMP_EQ_OQ));
  return counted;
}

/// SeverityCurve::at for every lane of `v` (each finite), by the curve's CurveSegments: the value
/// clamped to the curve's points, its segment counted as the points at or below it, and the
/// segment's ends permuted into place.
PACT_AVX512 __m512d short_curve_at(const CurveSegments& curve, bool linear, __m512d v) noexcept {
  const std::size_t points = curve.points;
  const __m512d clamped = _mm512_min_pd(_mm512_max_pd(v, broadcast(curve.x[0])), broadcast(curve.x[points - 1]));
  __m512i segment = _mm512_setzero_si512();
  for (std::size_t i = 1; i < points; ++i)
    segment = _mm512_mask_sub_epi64(segment, _mm512_cmp_pd_mask(broadcast(curve.x[i]), clamped, _CMP_LE_OQ), segment,
                                    _mm512_set1_epi64(-1));
  const __m512d severity_low = _mm512_permutexvar_pd(segment, _mm512_loadu_pd(curve.severity_low));
  if (!linear) return severity_low;
  const __m512d x_low = _mm512_permutexvar_pd(segment, _mm512_loadu_pd(curve.x_low));
  const __m512d x_span = _mm512_permutexvar_pd(segment, _mm512_loadu_pd(curve.x_span));
  const __m512d severity_span = _mm512_permutexvar_pd(segment, _mm512_loadu_pd(curve.severity_span));
  return _mm512_add_pd(severity_low, _mm512_mul_pd(_mm512_div_pd(_mm512_sub_pd(clamped, x_low), x_span), severity_span));
}

/// One dimension's sums for the group's eight rows, kept in registers while the items of that
/// dimension follow one another: a sum read from memory and written back for every item made a
/// chain of store-to-load forwards, slower than the additions themselves.
struct Sums {
  std::uint32_t dimension;
  __m512d weighted;
  __m512d weight;
  /// The weighted sums of the dimensions written back so far, added up: NaN in the lanes of the
  /// invalid rows (see terms), and the only test of them the item loop makes.
  __m512d written_back;
};

/// What the item loop reads, and where one group of eight rows adds its terms: its first lane in
/// each dimension's sums, its first row's item severities (when written), the offsets of its
/// rows' severities, and which of its lanes are real rows. A local, so that it stays in
/// registers: intrinsic stores may alias anything, and after each of them the compiler would read
/// a structure in memory again.
struct Group {
  const CompiledItem* compiled;
  const Item* items;
  const double* severity_table;
  const double* weighted_severity_table;
  const CurveSegments* curve_segments;
  double* weighted;
  double* weight;
  double* item_severity;
  __m512i severity_index;
  __mmask8 written_lanes;
};

/// The sums of item `item`'s dimension for the group, and back: +0.0 where the item is the
/// dimension's first (so that the sums need no clearing before the loop), the sums written back
/// before otherwise.
PACT_AVX512 void load_sums(const Group& group, Sums& sums, const CompiledItem& item) noexcept {
  sums.dimension = item.dimension;
  if (item.first_in_dimension) {
    sums.weighted = sums.weight = _mm512_setzero_pd();
    return;
  }
  sums.weighted = _mm512_loadu_pd(group.weighted + item.dimension * lanes);
  sums.weight = _mm512_loadu_pd(group.weight + item.dimension * lanes);
}
PACT_AVX512 void store_sums(const Group& group, Sums& sums) noexcept {
  _mm512_storeu_pd(group.weighted + sums.dimension * lanes, sums.weighted);
  _mm512_storeu_pd(group.weight + sums.dimension * lanes, sums.weight);
  sums.written_back = _mm512_add_pd(sums.written_back, sums.weighted);
}
/// `sums` made those of item `item`'s dimension, those of the dimension before written back first.
PACT_AVX512 void move_sums(const Group& group, Sums& sums, const CompiledItem& item) noexcept {
  if (item.dimension == sums.dimension) return;
  store_sums(group, sums);
  load_sums(group, sums, item);
}

/// What item j adds to its dimension's two sums in each of the group's rows.
struct Terms {
  __m512d weighted;
  __m512d weight;
};

/// Item j's terms, from `term`: the item's weight times its severity where the response counts,
/// and NaN elsewhere. A missing response to an optional item adds +0.0 to both sums instead,
/// which leaves them as they are (they start at +0.0 and never hold -0.0), as score_row leaves
/// them; any other response that does not count (present and not valid, or missing and required)
/// makes the row's weighted sum NaN, which is how the item loop learns that a row is invalid. No
/// mask is needed: VFIXUPIMMPD replaces the term by +0.0 where the response is a NaN.
PACT_AVX512 Terms terms(const CompiledItem& item, __m512d term, __m512d v) noexcept {
  Terms t{term, broadcast(item.weight)};
  if (!item.required) {
    const __m512i nan_to_zero = _mm512_set1_epi64(0x88);  // the quiet and signalling NaN tokens: +0.0; others: kept
    t.weighted = _mm512_fixupimm_pd(t.weighted, v, nan_to_zero, 0);
    t.weight = _mm512_fixupimm_pd(t.weight, v, nan_to_zero, 0);
  }
  return t;
}

PACT_AVX512 void add(Sums& sums, const Terms& t) noexcept {
  sums.weighted = _mm512_add_pd(sums.weighted, t.weighted);
  sums.weight = _mm512_add_pd(sums.weight, t.weight);
}

/// `rule`, item j's in each of the group's rows, as terms (and the severities, when
/// `write_severities`). A lane that does not count writes NaN as its severity: in a row that stays
/// valid it is a missing response.
template <bool write_severities>
PACT_AVX512 Terms rule_terms(const Rule& rule, const CompiledItem& item, std::size_t j, __m512d v,
                             const Group& group) noexcept {
  const __m512d nan_vector = broadcast(nan);
  if constexpr (write_severities)
    _mm512_mask_i64scatter_pd(group.item_severity + j, group.written_lanes, group.severity_index,
                              _mm512_mask_mov_pd(nan_vector, rule.counted, rule.severity), sizeof(double));
  return terms(item, _mm512_mask_mov_pd(nan_vector, rule.counted, _mm512_mul_pd(broadcast(item.weight), rule.severity)),
               v);
}

/// The terms of an item with a table of exact offsets (table8, table16, gathered_table; see
/// lookup_rule of the four-row loop). A response at or above the minimum lies exactly `offset`
/// above it, and counts when that offset is whole and indexes an entry that is not NaN. The
/// offset is converted to a whole number twice, rounded down and up: rounded down, brought down
/// to lookup_size (a NaN entry) where it lies past the table, it is the index; NaN, infinite and
/// negative offsets convert to 2^64 - 1, past every table. The two conversions differ only for a
/// fraction, which is not valid and is collected in `fractions`, for the row to be scored by
/// score_row (what the fraction's floor added to the sums is never read). Without the severities,
/// the table looked up is the weighted one, whose entries are the terms themselves.
template <BlockRule form, bool write_severities>
PACT_AVX512 Terms table_terms(const CompiledItem& item, std::size_t j, __m512d v, const Group& group,
                              __m512i& fractions) noexcept {
  const __m512d offset = _mm512_sub_pd(v, broadcast(item.min_value));
  const __m512i down = _mm512_cvt_roundpd_epu64(offset, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  const __m512i up = _mm512_cvt_roundpd_epu64(offset, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC);
  fractions = _mm512_ternarylogic_epi64(fractions, down, up, 0xf6);  // fractions | (down ^ up)
  const __m512i index = _mm512_min_epu64(down, _mm512_set1_epi64(static_cast<long long>(item.lookup_size)));
  if constexpr (write_severities) {
    // NaN where the response is missing or not valid, as rule_terms writes it.
    const __m512d severity = look_up<form>(group.severity_table + item.table_offset, index);
    _mm512_mask_i64scatter_pd(group.item_severity + j, group.written_lanes, group.severity_index, severity,
                              sizeof(double));
    return terms(item, _mm512_mul_pd(broadcast(item.weight), severity), v);
  }
  return terms(item, look_up<form>(group.weighted_severity_table + item.table_offset, index), v);
}

/// The terms of item j, whose value in each of the group's rows is `v`. Each form's path runs to
/// the end on its own, so that no mask has to be kept across the paths' meeting point (GCC keeps
/// such a mask in memory). The short tables, most items of an instrument, are tested for first: a
/// predictable branch, and their path stays in the loop instead of behind the switch's indirect
/// jump (10% of the instrument's time on ordinal items).
template <bool write_severities>
PACT_AVX512 Terms item_terms(std::size_t j, __m512d v, const Group& group, __m512i& fractions) noexcept {
  const CompiledItem& item = group.compiled[j];
  if (item.block_rule == BlockRule::table8) [[likely]]
    return table_terms<BlockRule::table8, write_severities>(item, j, v, group, fractions);
  switch (item.block_rule) {
    case BlockRule::table8:
    case BlockRule::table16:
      return table_terms<BlockRule::table16, write_severities>(item, j, v, group, fractions);
    case BlockRule::gathered_table:
      return table_terms<BlockRule::gathered_table, write_severities>(item, j, v, group, fractions);
    case BlockRule::checked_table:
      return rule_terms<write_severities>(checked_lookup_rule(group.severity_table + item.table_offset, item, v), item,
                                          j, v, group);
    case BlockRule::short_curve: {
      const __mmask8 counted = curve_counted(item, v);
      const __m512d severity =
          short_curve_at(group.curve_segments[item.segments_offset],
                         group.items[j].curve.interpolation == SeverityCurve::Interpolation::linear,
                         _mm512_maskz_mov_pd(counted, v));
      return rule_terms<write_severities>({counted, severity}, item, j, v, group);
    }
    case BlockRule::curve:
      break;
  }
  const __mmask8 counted = curve_counted(item, v);
  return rule_terms<write_severities>({counted, curve_at(group.items[j].curve, _mm512_maskz_mov_pd(counted, v))}, item,
                                      j, v, group);
}

/// The 8 x 8 doubles of `a` (a vector per row) transposed into `item` (a vector per column).
PACT_AVX512 void transpose(const __m512d* a, __m512d* item) noexcept {
  __m512d b[8], c[8];
  for (std::size_t r = 0; r < 8; r += 2) {  // rows in pairs: even items, odd items
    b[r] = _mm512_unpacklo_pd(a[r], a[r + 1]);
    b[r + 1] = _mm512_unpackhi_pd(a[r], a[r + 1]);
  }
  const __m512i low = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13), high = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
  for (std::size_t r = 0; r < 8; r += 4) {  // rows in fours: items (0, 4), (1, 5), (2, 6), (3, 7)
    c[r] = _mm512_permutex2var_pd(b[r], low, b[r + 2]);
    c[r + 1] = _mm512_permutex2var_pd(b[r + 1], low, b[r + 3]);
    c[r + 2] = _mm512_permutex2var_pd(b[r], high, b[r + 2]);
    c[r + 3] = _mm512_permutex2var_pd(b[r + 1], high, b[r + 3]);
  }
  for (std::size_t k = 0; k < 4; ++k) {  // all eight rows
    item[k] = _mm512_shuffle_f64x2(c[k], c[k + 4], 0x44);
    item[k + 4] = _mm512_shuffle_f64x2(c[k], c[k + 4], 0xee);
  }
}

}  // namespace avx512

#undef PACT_AVX512

/// copy_to_rows for AVX-512: a full block's rows eight dimensions at a time, each eight rows by
/// eight dimensions transposed in registers; the last dimensions, fewer than eight, value by value.
[[gnu::target("avx512f,avx512dq")]] void copy_to_rows_avx512(const double* from, std::size_t dimensions,
                                                             std::size_t count, double* to) noexcept {
  using avx512::width;
  if (count != lanes) {
    copy_to_rows(from, dimensions, count, to);
    return;
  }
  std::size_t d = 0;
  for (; d + width <= dimensions; d += width)
    for (std::size_t r0 = 0; r0 < lanes; r0 += width) {
      __m512d column[width], row[width];
      for (std::size_t c = 0; c < width; ++c) column[c] = _mm512_loadu_pd(from + (d + c) * lanes + r0);
      avx512::transpose(column, row);
      for (std::size_t r = 0; r < width; ++r) _mm512_storeu_pd(to + (r0 + r) * dimensions + d, row[r]);
    }
  for (; d < dimensions; ++d)
    for (std::size_t r = 0; r < lanes; ++r) to[r * dimensions + d] = from[d * lanes + r];
}

/// finish for AVX-512 (see there), eight rows to a vector, the same operations in the same order.
[[gnu::target("avx512f,avx512dq")]] void finish_avx512(const InstrumentData& data, double* weighted, double* weight,
                                                       bool coverage, RowTotals& totals) noexcept {
  using avx512::broadcast;
  using avx512::width;
  constexpr std::size_t vectors = lanes / width;
  const __m512d zero = _mm512_setzero_pd(), one = broadcast(1.0);
  __m512d scored_weight[vectors], composite_sum[vectors], deprivation_score[vectors];
  __m512i deprived_count[vectors];
  for (std::size_t g = 0; g < vectors; ++g) {
    scored_weight[g] = composite_sum[g] = deprivation_score[g] = zero;
    deprived_count[g] = _mm512_setzero_si512();
  }
  for (std::size_t d = 0; d < data.dimensions.size(); ++d) {
    const Dimension& dim = data.dimensions[d];
    const __m512d weight_sum = broadcast(data.dimension_weight_sum[d]);
    const __m512d least_covering_weight = broadcast(data.least_covering_weight[d]);
    const __m512d normalized_weight = broadcast(dim.normalized_weight);
    const __m512d cutoff = broadcast(dim.deprivation_cutoff);
    double* const dim_weighted = weighted + d * lanes;
    double* const dim_weight = weight + d * lanes;
    for (std::size_t g = 0; g < vectors; ++g) {
      const std::size_t r0 = g * width;
      const __m512d w = _mm512_loadu_pd(dim_weight + r0);
      const __mmask8 answered = _mm512_cmp_pd_mask(w, zero, _CMP_GT_OQ);
      const __mmask8 scored = _mm512_mask_cmp_pd_mask(answered, w, least_covering_weight, _CMP_GE_OQ);
      const __m512d score = _mm512_div_pd(_mm512_loadu_pd(dim_weighted + r0), _mm512_mask_blend_pd(answered, one, w));
      const __mmask8 deprived = _mm512_mask_cmp_pd_mask(scored, score, cutoff, _CMP_GE_OQ);
      scored_weight[g] = _mm512_add_pd(scored_weight[g], _mm512_maskz_mov_pd(scored, normalized_weight));
      composite_sum[g] =
          _mm512_add_pd(composite_sum[g], _mm512_maskz_mov_pd(scored, _mm512_mul_pd(normalized_weight, score)));
      deprivation_score[g] = _mm512_add_pd(deprivation_score[g], _mm512_maskz_mov_pd(deprived, normalized_weight));
      deprived_count[g] = _mm512_mask_add_epi64(deprived_count[g], deprived, deprived_count[g], _mm512_set1_epi64(1));
      _mm512_storeu_pd(dim_weighted + r0, _mm512_mask_blend_pd(scored, broadcast(nan), score));
      if (coverage) _mm512_storeu_pd(dim_weight + r0, _mm512_div_pd(w, weight_sum));
    }
  }
  for (std::size_t g = 0; g < vectors; ++g) {
    const std::size_t r0 = g * width;
    const __mmask8 has_composite =
        _mm512_mask_cmp_pd_mask(_mm512_cmp_pd_mask(scored_weight[g], zero, _CMP_GT_OQ),
                                _mm512_add_pd(scored_weight[g], broadcast(coverage_slack)),
                                broadcast(data.composite_min_coverage), _CMP_GE_OQ);
    const __m512d composite =
        _mm512_mask_blend_pd(has_composite, broadcast(missing),
                             _mm512_div_pd(composite_sum[g], _mm512_mask_blend_pd(has_composite, one, scored_weight[g])));
    __m512i level = _mm512_set1_epi64(-1);
    for (const Level& l : data.levels)
      level = _mm512_mask_add_epi64(level, _mm512_cmp_pd_mask(composite, broadcast(l.min_score), _CMP_GE_OQ), level,
                                    _mm512_set1_epi64(1));
    _mm512_storeu_pd(totals.scored_weight + r0, scored_weight[g]);
    _mm512_storeu_pd(totals.composite + r0, composite);
    _mm512_storeu_pd(totals.deprivation_score + r0, deprivation_score[g]);
    _mm512_storeu_si512(totals.level + r0, level);
    _mm512_storeu_si512(totals.deprived_count + r0, deprived_count[g]);
  }
}

/// add_items for AVX-512 (see there), writing the item severities when `write_severities`
/// (add_items_avx512 chooses).
template <bool write_severities>
[[gnu::target("avx512f,avx512dq")]] void item_loop_avx512(const InstrumentData& data, const double* rows,
                                                          std::size_t stride, std::size_t count, double* weighted,
                                                          double* weight, double* item_severity, bool* invalid,
                                                          LinePrefetcher& ahead) noexcept {
  const std::size_t items = data.compiled.size();
  using avx512::width;
  const __m512i severity_index =
      _mm512_mullo_epi64(_mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7), _mm512_set1_epi64(static_cast<long long>(items)));
  LinePrefetcher prefetcher = ahead;  // a local, kept in registers (see Group)
  if (items == 0) {  // no dimension either (every dimension has an item)
    std::fill_n(invalid, lanes, false);
    return;
  }
  for (std::size_t r0 = 0; r0 < lanes; r0 += width) {
    const double* const group_rows = rows + r0 * stride;
    const avx512::Group group{
        data.compiled.data(),
        data.items.data(),
        data.severity_table.data(),
        data.weighted_severity_table.data(),
        data.curve_segments.data(),
        weighted + r0,
        weight + r0,
        write_severities ? item_severity + r0 * items : nullptr,
        severity_index,
        static_cast<__mmask8>(count >= r0 + width ? 0xff : count > r0 ? (1u << (count - r0)) - 1 : 0)};

    avx512::Sums sums;
    sums.written_back = _mm512_setzero_pd();
    avx512::load_sums(group, sums, group.compiled[0]);
    __m512i fractions = _mm512_setzero_si512();
    // Eight items at a time, transposed from the eight rows; the last ones, fewer than eight,
    // with the loads masked to them.
    for (std::size_t j = 0; j < items; j += width) {
      const std::size_t chunk = std::min(width, items - j);
      const auto loaded = static_cast<__mmask8>((1u << chunk) - 1);
      __m512d row[width], item[width];
      for (std::size_t r = 0; r < width; ++r) row[r] = _mm512_maskz_loadu_pd(loaded, group_rows + r * stride + j);
      avx512::transpose(row, item);
      for (std::size_t c = 0; c < chunk; ++c) {
        prefetcher.one();
        avx512::move_sums(group, sums, group.compiled[j + c]);
        avx512::add(sums, avx512::item_terms<write_severities>(j + c, item[c], group, fractions));
      }
    }
    avx512::store_sums(group, sums);
    const unsigned invalid_lanes = _mm512_cmp_pd_mask(sums.written_back, sums.written_back, _CMP_UNORD_Q) |
                                   _mm512_test_epi64_mask(fractions, fractions);
    for (std::size_t k = 0; k < width; ++k) invalid[r0 + k] = (invalid_lanes >> k) & 1u;
  }
  ahead = prefetcher;
}

[[gnu::target("avx512f,avx512dq")]] void add_items_avx512(const InstrumentData& data, const double* rows,
                                                          std::size_t stride, std::size_t count, double* weighted,
                                                          double* weight, double* item_severity, bool* invalid,
                                                          LinePrefetcher& ahead) noexcept {
  if (item_severity)
    item_loop_avx512<true>(data, rows, stride, count, weighted, weight, item_severity, invalid, ahead);
  else
    item_loop_avx512<false>(data, rows, stride, count, weighted, weight, item_severity, invalid, ahead);
}

[[gnu::target("avx512f,avx512dq")]] void score_block_avx512(const InstrumentData& data, const double* rows,
                                                            std::size_t stride, std::size_t count,
                                                            double* dimension_score, double* dimension_coverage,
                                                            double* item_severity, RowResult* results, double* scratch,
                                                            const PrefetchRanges& rows_ahead) noexcept {
  score_block_impl<add_items_avx512, finish_avx512, copy_to_rows_avx512>(
      data, rows, stride, count, dimension_score, dimension_coverage, item_severity, results, scratch, rows_ahead);
}
/// gather_block for AVX-512: eight columns at a time, each block of eight rows by eight columns
/// loaded a column to a vector and transposed in registers into rows; the last columns, fewer
/// than eight, value by value.
[[gnu::target("avx512f,avx512dq")]] void gather_block_avx512(const double* const* columns, std::size_t items,
                                                             double* block) noexcept {
  using avx512::width;
  std::size_t j = 0;
  for (; j + width <= items; j += width)
    for (std::size_t r0 = 0; r0 < lanes; r0 += width) {
      __m512d column[width], row[width];
      for (std::size_t c = 0; c < width; ++c) column[c] = _mm512_loadu_pd(columns[j + c] + r0);
      avx512::transpose(column, row);
      for (std::size_t r = 0; r < width; ++r) _mm512_storeu_pd(block + (r0 + r) * items + j, row[r]);
    }
  for (; j < items; ++j)
    for (std::size_t r = 0; r < lanes; ++r) block[r * items + j] = columns[j][r];
}
#endif

#else  // a compiler without vector extensions: score_row, row by row

void score_block_baseline(const InstrumentData& data, const double* rows, std::size_t stride, std::size_t count,
                          double* dimension_score, double* dimension_coverage, double* item_severity,
                          RowResult* results, double* scratch, const PrefetchRanges& /*rows_ahead*/) noexcept {
  const std::size_t dimensions = data.dimensions.size();
  const std::size_t items = data.compiled.size();
  for (std::size_t r = 0; r < count; ++r)
    results[r] = score_row(data, rows + r * stride, dimension_score + r * dimensions,
                           dimension_coverage ? dimension_coverage + r * dimensions : scratch + 2 * dimensions,
                           item_severity ? item_severity + r * items : nullptr, scratch, scratch + dimensions);
}

#endif

}  // namespace

std::vector<BlockKernelVariant> block_kernel_variants() {
  std::vector<BlockKernelVariant> variants;
#ifdef PACT_BLOCK_KERNEL_X86
  if (runs_avx512()) variants.push_back({"avx512", score_block_avx512});
  if (runs_avx2()) variants.push_back({"avx2", score_block_avx2});
#endif
  variants.push_back({"baseline", score_block_baseline});
  return variants;
}

void score_block(const InstrumentData& data, const double* rows, std::size_t stride, std::size_t count,
                 double* dimension_score, double* dimension_coverage, double* item_severity, RowResult* results,
                 double* scratch, const PrefetchRanges& rows_ahead) noexcept {
  static const BlockKernel kernel = block_kernel_variants().front().kernel;
  kernel(data, rows, stride, count, dimension_score, dimension_coverage, item_severity, results, scratch, rows_ahead);
}

void gather_block(const double* const* columns, std::size_t items, double* block) noexcept {
#ifdef PACT_BLOCK_KERNEL_X86
  static const bool wide = runs_avx512();
  if (wide) {
    gather_block_avx512(columns, items, block);
    return;
  }
#endif
  for (std::size_t j = 0; j < items; ++j)
    for (std::size_t r = 0; r < block_rows; ++r) block[r * items + j] = columns[j][r];
}

}  // namespace pact::detail
