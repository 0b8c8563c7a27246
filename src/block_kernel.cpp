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
// multiply-add). Long scales and long curves, which have no vector form here, go lane by lane
// through response_severity, score_row's own function; rows found invalid, and blocks of fewer
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

/// Scales with at most this many codes are looked up with one compare-and-select per code.
constexpr std::size_t short_scale = 16;

/// One item's rule for the four lanes of a vector: whether each value is a valid response by the
/// item's rule (a value that is missing or not finite may come out either way: the kernel decides
/// those itself), and its severity where it is (a finite value elsewhere, never used).
struct LaneRule {
  vd severity;
  vi valid;
};

/// Curves with at most this many points are evaluated with selects over their segments.
constexpr std::size_t short_curve = 16;

/// Whether item `j`'s rule has a vector form here (see rule_vector); the others go lane by lane.
bool has_vector_rule(const InstrumentData& data, std::size_t j) noexcept {
  const CompiledItem& item = data.compiled[j];
  switch (item.kind) {
    case RuleKind::yes_no: return true;
    case RuleKind::table: return item.max_value - item.min_value < static_cast<double>(short_scale);
    case RuleKind::curve: return data.items[j].curve.x.size() <= short_curve;
  }
  return false;
}

/// SeverityCurve::at for every lane of `v` (one vector per group) into `severity`, to the bit:
/// the same cases, each computed by the same expression, then the one that applies selected.
/// Each constant is read once for all groups: the compiler cannot keep it in a register across
/// the kernel's stores to the sums, which might, as far as it knows, overwrite it.
[[gnu::always_inline]] inline void curve_vector(const SeverityCurve& curve, const vd* v, vd* severity) noexcept {
  const std::size_t points = curve.x.size();
  for (std::size_t g = 0; g < groups; ++g) severity[g] = splat(0.0);
  for (std::size_t hi = 1; hi < points; ++hi) {
    const vd x_lo = splat(curve.x[hi - 1]), x_hi = splat(curve.x[hi]);
    const vd s_lo = splat(curve.severity[hi - 1]);
    const vd dx = splat(curve.x[hi] - curve.x[hi - 1]), ds = splat(curve.severity[hi] - curve.severity[hi - 1]);
    const bool linear = curve.interpolation == SeverityCurve::Interpolation::linear;
    for (std::size_t g = 0; g < groups; ++g) {
      const vd inside = linear ? s_lo + ((v[g] - x_lo) / dx) * ds : s_lo;
      severity[g] = select((v[g] > x_lo) & (v[g] < x_hi), inside, severity[g]);
    }
  }
  for (std::size_t i = 0; i < points; ++i) {
    const vd x = splat(curve.x[i]), s = splat(curve.severity[i]);
    for (std::size_t g = 0; g < groups; ++g) severity[g] = select(v[g] == x, s, severity[g]);
  }
  const vd x_first = splat(curve.x.front()), s_first = splat(curve.severity.front());
  const vd x_last = splat(curve.x.back()), s_last = splat(curve.severity.back());
  for (std::size_t g = 0; g < groups; ++g) {
    severity[g] = select(v[g] >= x_last, s_last, severity[g]);
    severity[g] = select(v[g] <= x_first, s_first, severity[g]);
  }
}

/// Item `j`'s rule for every lane of `v` (one vector per group), when has_vector_rule(data, j).
[[gnu::always_inline]] inline void rule_vector(const InstrumentData& data, std::size_t j, const vd* v,
                                               LaneRule* rule) noexcept {
  const CompiledItem& item = data.compiled[j];
  const vd zero = splat(0.0);
  switch (item.kind) {
    case RuleKind::curve: {
      // score_row's order: below the minimum, above the maximum, then a fraction where the item
      // counts (a magnitude of 2^52 or more is always whole).
      const vd min_value = splat(item.min_value), max_value = splat(item.max_value), big = splat(two_52);
      vd at[groups];
      for (std::size_t g = 0; g < groups; ++g) {
        const vd magnitude = abs(v[g]);
        vi valid = (v[g] >= min_value) & (v[g] <= max_value) & (magnitude < splat(infinity));
        if (item.whole_number) valid &= (magnitude >= big) | (((magnitude + big) - big) == magnitude);
        rule[g].valid = valid;
        // Lanes in error, missing or infinite are evaluated at 0, so that every severity is finite.
        at[g] = select(valid, v[g], zero);
      }
      vd severity[groups];
      curve_vector(data.items[j].curve, at, severity);
      for (std::size_t g = 0; g < groups; ++g) rule[g].severity = select(rule[g].valid, severity[g], zero);
      return;
    }
    case RuleKind::yes_no: {
      const vd no = splat(item.severity_no), yes = splat(item.severity_yes);
      for (std::size_t g = 0; g < groups; ++g) {
        const vi is_no = v[g] == zero, is_yes = v[g] == splat(1.0);
        rule[g].severity = select(is_no, no, yes);
        rule[g].valid = is_no | is_yes;
      }
      return;
    }
    case RuleKind::table: {
      // A short ordinal scale. score_row's test, in the same order: within [min, max], a whole
      // offset from min, and an option at that offset (the table holds NaN between sparse codes).
      const double* table = data.severity_table.data() + item.table_offset;
      const vd min_value = splat(item.min_value), max_value = splat(item.max_value), big = splat(two_52);
      vd offset[groups], severity[groups];
      vi fine[groups];
      for (std::size_t g = 0; g < groups; ++g) {
        const vi in_range = (v[g] >= min_value) & (v[g] <= max_value);
        offset[g] = select(in_range, v[g] - min_value, zero);
        fine[g] = in_range & (((offset[g] + big) - big) == offset[g]);
        severity[g] = splat(table[0]);
      }
      const auto size = static_cast<std::size_t>(item.max_value - item.min_value) + 1;
      for (std::size_t k = 1; k < size; ++k) {
        const vd at = splat(static_cast<double>(k)), option_severity = splat(table[k]);
        for (std::size_t g = 0; g < groups; ++g) severity[g] = select(offset[g] == at, option_severity, severity[g]);
      }
      for (std::size_t g = 0; g < groups; ++g) {
        const vi option = severity[g] == severity[g];  // not NaN
        rule[g].severity = select(option, severity[g], zero);
        rule[g].valid = fine[g] & option;
      }
      return;
    }
  }
  __builtin_unreachable();  // every RuleKind is handled above
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
  for (std::size_t g = 0; g < groups; ++g) invalid_row[g] = splat(std::int64_t{0});

  // One item, its value in every lane (one vector per group), into the sums.
  const auto score_item = [&](std::size_t j, const vd* v) __attribute__((always_inline)) {
    const CompiledItem& item = data.compiled[j];
    const vd item_weight = splat(item.weight);
    double* const dim_weighted = weighted + item.dimension * lanes;
    double* const dim_weight = weight + item.dimension * lanes;
    LaneRule rules[groups];
    if (has_vector_rule(data, j)) {
      rule_vector(data, j, v, rules);
    } else {
      for (std::size_t g = 0; g < groups; ++g)
        for (std::size_t k = 0; k < width; ++k) {
          double severity = 0.0;
          const double value = v[g][k];
          const bool valid = !std::isnan(value) && response_severity(data, j, value, severity) == ResponseStatus::ok;
          rules[g].valid[k] = valid ? -1 : 0;
          rules[g].severity[k] = valid ? severity : 0.0;
        }
    }
    for (std::size_t g = 0; g < groups; ++g) {
      const std::size_t r0 = g * width;
      // A response counts when it is a finite value the rule accepts (never when missing: NaN is
      // not finite); a lane goes wrong on any other present value, or a missing required one.
      const vi absent = v[g] != v[g];
      const vi counted = rules[g].valid & (abs(v[g]) < splat(infinity));
      invalid_row[g] |= item.required ? ~counted : ~counted & ~absent;
      const vd severity = select(counted, rules[g].severity, splat(0.0));
      store(dim_weighted + r0, load(dim_weighted + r0) + item_weight * severity);
      store(dim_weight + r0, load(dim_weight + r0) + select(counted, item_weight, splat(0.0)));
      if (item_severity) {
        const vd written = select(absent, splat(nan), severity);
        for (std::size_t k = 0; k < width && r0 + k < count; ++k) item_severity[(r0 + k) * items + j] = written[k];
      }
    }
  };

  // Items four at a time: each group's four rows are read four items at a time, one vector per
  // row, and transposed in registers into one vector per item. The last items, fewer than four,
  // are gathered value by value.
  std::size_t j = 0;
  for (; j + width <= items; j += width) {
    vd columns[width][groups];
    for (std::size_t g = 0; g < groups; ++g) {
      const double* const p = rows + g * width * stride + j;
      const vd a0 = load(p), a1 = load(p + stride), a2 = load(p + 2 * stride), a3 = load(p + 3 * stride);
      const vd t0 = __builtin_shufflevector(a0, a1, 0, 4, 2, 6), t1 = __builtin_shufflevector(a0, a1, 1, 5, 3, 7);
      const vd t2 = __builtin_shufflevector(a2, a3, 0, 4, 2, 6), t3 = __builtin_shufflevector(a2, a3, 1, 5, 3, 7);
      columns[0][g] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
      columns[1][g] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
      columns[2][g] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
      columns[3][g] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
    }
    for (std::size_t c = 0; c < width; ++c) score_item(j + c, columns[c]);
  }
  for (; j < items; ++j) {
    vd v[groups];
    for (std::size_t g = 0; g < groups; ++g) {
      const double* const p = rows + g * width * stride + j;
      v[g] = vd{p[0], p[stride], p[2 * stride], p[3 * stride]};
    }
    score_item(j, v);
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
