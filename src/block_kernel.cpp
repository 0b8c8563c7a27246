// The batch form of the scoring kernel (see detail::score_block in pact/scoring.hpp).
//
// A block's rows are scored item by item, four rows to a vector, with the same operations in
// every lane: a response that is missing or invalid is masked out with a select, not skipped
// with a branch. Which rows miss an answer is random, and score_row's branches on it are what
// made it slow; here nothing depends on the data but the values. The vectors are GCC's vector
// extensions (GCC and clang), so the code says exactly what runs; it is compiled twice, for the
// baseline instruction set (two SSE2 halves per vector) and for AVX2, and the processor picks.
//
// Bit-identity with score_row rests on three facts. Each lane adds its terms in instrument order
// with the same operations as score_row; a masked-out term is +0.0, which leaves a sum of
// non-negative terms unchanged to the bit; and nothing is fused or reassociated (the file is
// compiled with -ffp-contract=off, see src/CMakeLists.txt, and AVX2 alone has no fused
// multiply-add). Every item has a vector form: an item whose valid responses are a short run of
// whole numbers (ordinal and yes/no items, short counts) is looked up in a table that
// compile_instrument fills with its rule's own results; the others are evaluated on their curve,
// with the segment that SeverityCurve::at would find. Rows found invalid, and blocks of fewer
// than eight rows, go through score_row itself.
#include "pact/detail/instrument_data.hpp"
#include "pact/scoring.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
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

[[gnu::always_inline]] inline void score_block_impl(const InstrumentData& data, const double* rows, std::size_t stride,
                                                    std::size_t count, double* dimension_score,
                                                    double* dimension_coverage, double* item_severity,
                                                    RowResult* results, double* scratch) noexcept {
  const std::size_t dimensions = data.dimensions.size();
  const std::size_t items = data.compiled.size();
  // Per dimension, `lanes` doubles each: the weighted sum of severities, and the answered weight.
  double* const weighted = scratch;
  double* const weight = scratch + dimensions * lanes;
  // A block costs the same however few of its rows are real: under half a block (a host's single
  // case, the end of a batch), score_row row by row is faster, and gives the same bits.
  if (count < lanes / 2) {
    for (std::size_t r = 0; r < count; ++r)
      results[r] = score_row(data, rows + r * stride, dimension_score + r * dimensions,
                             dimension_coverage + r * dimensions, item_severity ? item_severity + r * items : nullptr,
                             weighted, weight);
    return;
  }
  std::fill(scratch, scratch + 2 * dimensions * lanes, 0.0);
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

  // Which lanes have met an invalid response. Invalid rows are rare, and what score_row says of
  // them (which item, and why) is left to score_row, at the end.
  vi invalid_row[groups];

  // The block is scored a vector of rows at a time (a group), item by item: few values are live
  // at once, so they stay in registers, and each item's constants come from the first-level cache.
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t r0 = g * width;
    const double* const group_rows = rows + r0 * stride;
    vi invalid = splat(std::int64_t{0});

    // One item, its value in each of the group's rows, into the sums.
    const auto score_item = [&](std::size_t j, vd v) __attribute__((always_inline)) {
      const CompiledItem& item = data.compiled[j];
      const LaneRule rule = item.lookup_size != 0 ? lookup_rule(data, item, v) : curve_rule(data, j, item, v);
      // A lane goes wrong on a present value that does not count, or a missing required one.
      const vi absent = v != v;
      invalid |= item.required ? ~rule.counted : ~(rule.counted | absent);
      const vd item_weight = splat(item.weight);
      double* const dim_weighted = weighted + item.dimension * lanes + r0;
      double* const dim_weight = weight + item.dimension * lanes + r0;
      store(dim_weighted, load(dim_weighted) + item_weight * rule.severity);
      store(dim_weight, load(dim_weight) + select(rule.counted, item_weight, splat(0.0)));
      if (item_severity) {
        const vd written = select(absent, splat(nan), rule.severity);
        for (std::size_t k = 0; k < width && r0 + k < count; ++k) item_severity[(r0 + k) * items + j] = written[k];
      }
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
      score_item(j, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));
      score_item(j + 1, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));
      score_item(j + 2, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));
      score_item(j + 3, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));
    }
    for (; j < items; ++j) {
      const double* const p = group_rows + j;
      score_item(j, vd{p[0], p[stride], p[2 * stride], p[3 * stride]});
    }
    invalid_row[g] = invalid;
  }

  // finish_row across the lanes: dimension scores (in place of the sums) and coverages, the
  // composite's sums, and the deprivation count.
  vd scored_weight[groups], composite_sum[groups], deprivation_score[groups];
  vi deprived_count[groups];
  for (std::size_t g = 0; g < groups; ++g) {
    scored_weight[g] = composite_sum[g] = deprivation_score[g] = splat(0.0);
    deprived_count[g] = splat(std::int64_t{0});
  }
  for (std::size_t d = 0; d < dimensions; ++d) {
    const Dimension& dim = data.dimensions[d];
    const vd weight_sum = splat(data.dimension_weight_sum[d]);
    const vd normalized_weight = splat(dim.normalized_weight);
    double* const dim_weighted = weighted + d * lanes;
    double* const dim_weight = weight + d * lanes;
    for (std::size_t g = 0; g < groups; ++g) {
      const std::size_t r0 = g * width;
      const vd w = load(dim_weight + r0);
      const vd coverage = w / weight_sum;
      const vi answered = w > splat(0.0);
      const vi scored = answered & (coverage + splat(coverage_slack) >= splat(dim.min_coverage));
      const vd score = load(dim_weighted + r0) / select(answered, w, splat(1.0));
      const vi deprived = scored & (score >= splat(dim.deprivation_cutoff));
      scored_weight[g] += select(scored, normalized_weight, splat(0.0));
      composite_sum[g] += select(scored, normalized_weight * score, splat(0.0));
      deprivation_score[g] += select(deprived, normalized_weight, splat(0.0));
      deprived_count[g] -= deprived;  // a set mask is -1
      store(dim_weighted + r0, select(scored, score, splat(nan)));
      store(dim_weight + r0, coverage);
    }
  }
  for (std::size_t r = 0; r < count; ++r)
    for (std::size_t d = 0; d < dimensions; ++d) {
      dimension_score[r * dimensions + d] = weighted[d * lanes + r];
      dimension_coverage[r * dimensions + d] = weight[d * lanes + r];
    }

  for (std::size_t r = 0; r < count; ++r) {
    const std::size_t g = r / width, k = r % width;
    RowResult& result = results[r];
    if (invalid_row[g][k]) {
      // The sums are no longer needed: score_row may use them as its scratch.
      result = score_row(data, first_row + r * row_stride, dimension_score + r * dimensions,
                         dimension_coverage + r * dimensions, item_severity ? item_severity + r * items : nullptr,
                         weighted, weight);
      continue;
    }
    result = RowResult{};
    result.deprivation_score = deprivation_score[g][k];
    result.deprived_count = static_cast<std::int32_t>(deprived_count[g][k]);
    result.composite_coverage = scored_weight[g][k];
    if (scored_weight[g][k] > 0.0 && scored_weight[g][k] + coverage_slack >= data.composite_min_coverage) {
      result.composite = composite_sum[g][k] / scored_weight[g][k];
      std::int32_t level = 0;
      for (std::size_t l = 1; l < data.levels.size(); ++l)
        if (result.composite >= data.levels[l].min_score) level = static_cast<std::int32_t>(l);
      result.level = level;
    }
  }
}

#else  // a compiler without vector extensions: score_row, row by row

inline void score_block_impl(const InstrumentData& data, const double* rows, std::size_t stride, std::size_t count,
                             double* dimension_score, double* dimension_coverage, double* item_severity,
                             RowResult* results, double* scratch) noexcept {
  const std::size_t dimensions = data.dimensions.size();
  const std::size_t items = data.compiled.size();
  for (std::size_t r = 0; r < count; ++r)
    results[r] = score_row(data, rows + r * stride, dimension_score + r * dimensions,
                           dimension_coverage + r * dimensions, item_severity ? item_severity + r * items : nullptr,
                           scratch, scratch + dimensions);
}

#endif

void score_block_baseline(const InstrumentData& data, const double* rows, std::size_t stride, std::size_t count,
                          double* dimension_score, double* dimension_coverage, double* item_severity,
                          RowResult* results, double* scratch) noexcept {
  score_block_impl(data, rows, stride, count, dimension_score, dimension_coverage, item_severity, results, scratch);
}

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define PACT_BLOCK_KERNEL_AVX2 1
[[gnu::target("avx2")]] void score_block_avx2(const InstrumentData& data, const double* rows, std::size_t stride,
                                              std::size_t count, double* dimension_score, double* dimension_coverage,
                                              double* item_severity, RowResult* results, double* scratch) noexcept {
  score_block_impl(data, rows, stride, count, dimension_score, dimension_coverage, item_severity, results, scratch);
}
#endif

}  // namespace

std::vector<BlockKernelVariant> block_kernel_variants() {
  std::vector<BlockKernelVariant> variants;
#ifdef PACT_BLOCK_KERNEL_AVX2
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) variants.push_back({"avx2", score_block_avx2});
#endif
  variants.push_back({"baseline", score_block_baseline});
  return variants;
}

void score_block(const InstrumentData& data, const double* rows, std::size_t stride, std::size_t count,
                 double* dimension_score, double* dimension_coverage, double* item_severity, RowResult* results,
                 double* scratch) noexcept {
  static const BlockKernel kernel = block_kernel_variants().front().kernel;
  kernel(data, rows, stride, count, dimension_score, dimension_coverage, item_severity, results, scratch);
}

}  // namespace pact::detail
