// A batch block's risk after its features (see detail::RiskBlockScorer in pact/risk_model.hpp):
// each row's risk status and completed months, its risk outputs, then the block's probabilities
// and bands.
//
// This step used to be header code, compiled in the caller's translation unit for the baseline
// instruction set, and ran row by row: a fifth of a batch's time once the kernels before it were
// vectorised. Here it is compiled twice: row by row for the baseline (the code it was), and eight
// rows to a vector in AVX-512 intrinsics, where the statuses are masks, the top factors are
// interleaved in registers and the hazard's per-case sums read their terms with gathers. The
// processor picks the widest it runs.
//
// Bit-identity with the single case rests on the facts block_features rests on (see
// src/risk_block.cpp): each case's cumulative hazard adds its terms in hazard_survival's order with
// the same operations, nothing is fused (the file is compiled with -ffp-contract=off, see
// src/CMakeLists.txt), and softplus and exp are vmath's, whose array forms give their scalar forms'
// bits. tests/cpp/risk_model_test.cpp holds every build to chronicity_probability and to
// score_risk, and the builds to one another.
#include "pact/risk_model.hpp"
#include "vector_lanes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>

namespace pact::detail {
namespace {

constexpr std::size_t rows = block_rows;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
/// The most doubles in a vector of any build of vmath's array forms: the hazard's arguments are
/// padded to whole vectors, so that the array form needs no scalar calls for a remainder.
constexpr std::size_t vector_doubles = 8;

/// The logistic form's probabilities: logistic(eta), with the exponentials of all the cases in one
/// call.
[[gnu::always_inline]] inline void logistic_probabilities(std::size_t count, const double* eta, double* p) noexcept {
  for (std::size_t i = 0; i < count; ++i) p[i] = -std::abs(eta[i]);
  vmath::exp(p, p, count);
  for (std::size_t i = 0; i < count; ++i) p[i] = eta[i] >= 0.0 ? 1.0 / (1.0 + p[i]) : p[i] / (1.0 + p[i]);
}

/// The probabilities of the hazard form, case by case: hazard_survival at the model's horizon,
/// every case's softplus
/// arguments a + eta, then every softplus at once, then each case's cumulative hazard summed in
/// hazard_survival's order, then every exponential at once. The loops over a case's segments run
/// `widest` times whatever the case's count (which varies from case to case and would mispredict
/// as a branch): a case writes arguments past its own, which the next case overwrites, and adds
/// +0.0 for segments not its own, which changes no sum (a cumulative hazard is never -0.0).
void hazard_baseline(const RiskModelData& m, std::size_t count, const double* eta, const int* t0, double* p,
                     double* rate) noexcept {
  const HazardSegments& segments = m.hazard_segments;
  const std::size_t widest = segments.widest;
  const std::size_t listed = segments.first.size() - 1;  // the t0 with segments of their own
  std::size_t case_begin[rows], case_count[rows], case_rate[rows];
  std::size_t n = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto t = static_cast<std::size_t>(t0[i]);
    const bool own = t < listed;
    const std::size_t begin = own ? segments.first[t] : segments.last_band;
    const std::size_t end = own ? segments.first[t + 1] : segments.last_band + 1;
    case_begin[i] = begin;
    case_count[i] = end - begin;
    case_rate[i] = n;
    for (std::size_t s = 0; s < widest; ++s) rate[n + s] = segments.coefficient[begin + s] + eta[i];
    n += end - begin;
  }
  const std::size_t padded = (n + vector_doubles - 1) / vector_doubles * vector_doubles;
  std::fill(rate + n, rate + padded, 0.0);
  vmath::softplus(rate, rate, padded);
  for (std::size_t i = 0; i < count; ++i) {
    const double* const case_rates = rate + case_rate[i];
    const double* const months = segments.months.data() + case_begin[i];
    double cumulative = 0.0;
    for (std::size_t s = 0; s < widest; ++s) {
      const double term = months[s] * case_rates[s];
      cumulative = cumulative + (s < case_count[i] ? term : 0.0);
    }
    p[i] = -cumulative;
  }
  vmath::exp(p, p, count);
}

/// Row k's risk status, and its completed months (hazard form; 0 otherwise).
[[gnu::always_inline]] inline RiskStatus row_status(const RiskModelData& m, const RiskRowsInputs& in, std::size_t k,
                                                    int& t0) noexcept {
  t0 = 0;
  if (in.block->results[k].status != ResponseStatus::ok) return RiskStatus::rejected_by_instrument;
  if (m.form == RiskForm::discrete_hazard) {
    const double months = in.rows[k * in.stride + *m.duration_item];
    if (std::isnan(months)) return RiskStatus::missing_duration;
    t0 = completed_months(months);
  }
  return std::isnan(in.features->eta[k]) ? RiskStatus::not_finite : RiskStatus::ok;
}

/// The outputs of row i (the block's row k) that are neither vectorised nor asked by most callers:
/// the feature values and the survival curve.
[[gnu::always_inline]] inline void write_row_extras(const RiskModelData& m, const BlockFeatures& features,
                                                    std::size_t k, std::size_t i, bool scored, double eta, int t0,
                                                    const RiskBatchOutputs& out) noexcept {
  const std::size_t n = m.features.size();
  const auto curve_months = static_cast<std::size_t>(out.survival ? out.survival_months : 0);
  if (out.feature_values) {
    if (scored)
      for (std::size_t f = 0; f < n; ++f) out.feature_values[i * n + f] = features.values[f * rows + k];
    else
      std::fill_n(out.feature_values + i * n, n, nan);
  }
  if (out.survival) {
    if (scored)
      hazard_survival(m, eta, t0, out.survival_months, out.survival + i * curve_months);
    else
      std::fill_n(out.survival + i * curve_months, curve_months, nan);
  }
}

/// ProbabilitiesKernel with `Hazard` (hazard_baseline or avx512::hazard) for the hazard form.
template <auto Hazard>
void probabilities(const RiskModelData& m, std::size_t count, const double* eta, const int* t0, double* p,
                   double* scratch) noexcept {
  if (m.form == RiskForm::logistic)
    logistic_probabilities(count, eta, p);
  else
    Hazard(m, count, eta, t0, p, scratch);
}

/// RiskRowsKernel, row by row, for any number of rows.
std::size_t rows_baseline(const RiskModelData& m, const RiskRowsInputs& in, double* scratch,
                          const RiskBatchOutputs& out) noexcept {
  const BlockView& block = *in.block;
  const BlockFeatures& features = *in.features;
  double eta[rows], probability[rows];
  int t0[rows];
  std::int32_t band[rows];
  std::size_t bad = 0;
  for (std::size_t k = 0; k < block.count; ++k) {
    const std::size_t i = block.first + k;
    const RiskStatus status = row_status(m, in, k, t0[k]);
    const bool scored = status == RiskStatus::ok;
    eta[k] = scored ? features.eta[k] : nan;
    if (!scored) ++bad;
    if (out.linear_predictor) out.linear_predictor[i] = eta[k];
    if (out.imputed_features) out.imputed_features[i] = scored ? features.imputed_count[k] : -1;
    if (out.top_factors)
      for (std::size_t p = 0; p < max_top_factors; ++p)
        out.top_factors[i * max_top_factors + p] = scored ? features.top[p * rows + k] : -1;
    if (out.risk_status) out.risk_status[i] = static_cast<std::int32_t>(status);
    write_row_extras(m, features, k, i, scored, eta[k], t0[k], out);
  }
  if (!out.probability && !out.band) return bad;
  probabilities<hazard_baseline>(m, block.count, eta, t0, probability, scratch);
  if (out.band) bands_of(m, block.count, probability, band);
  for (std::size_t k = 0; k < block.count; ++k) {
    const bool scored = !std::isnan(eta[k]);
    if (out.probability) out.probability[block.first + k] = scored ? probability[k] : nan;
    if (out.band) out.band[block.first + k] = scored ? band[k] : -1;
  }
  return bad;
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define PACT_RISK_ROWS_X86 1

PACT_AVX512_BEGIN
namespace avx512 {

constexpr std::size_t width = 8;
constexpr std::size_t groups = rows / width;
static_assert(rows % width == 0);

/// The first `n` of eight lanes (all eight from 8 up).
inline __mmask8 first_lanes(std::size_t n) noexcept {
  return static_cast<__mmask8>(n >= width ? 0xffu : (1u << n) - 1u);
}

/// Eight int32 from `p` into the low half of a vector (the rest zero), and back.
inline __m512i load8_epi32(const std::int32_t* p) noexcept { return _mm512_maskz_loadu_epi32(0xff, p); }
inline void store8_epi32(std::int32_t* p, __m512i v) noexcept { _mm512_mask_storeu_epi32(p, 0xff, v); }

/// hazard_baseline, eight cases a vector: the same arguments, softplus and exponentials, with each
/// case's segments found and its cumulative hazard summed in the lanes.
void hazard(const RiskModelData& m, std::size_t count, const double* eta, const int* t0, double* p,
            double* rate) noexcept {
  const HazardSegments& segments = m.hazard_segments;
  const std::size_t widest = segments.widest;
  const auto listed = static_cast<long long>(segments.first.size() - 1);
  const std::size_t* const first = segments.first.data();  // gathered as 64-bit lanes
  const __m512i last_band = _mm512_set1_epi64(static_cast<long long>(segments.last_band));
  const __m512i one = _mm512_set1_epi64(1);
  // Per case: its first segment and its count of segments (lanes past `count`: the last band's
  // one segment, never read), then its first argument in `rate`.
  alignas(64) long long case_begin[rows], case_count[rows], case_rate[rows];
  // The cases' t0, zeros past `count`, read a half vector at a time (GCC 12's 512-to-256-bit casts
  // start from an undefined vector, which its uninitialized check reports).
  alignas(32) int completed[rows] = {};
  std::copy_n(t0, count, completed);
  for (std::size_t g = 0; g * width < count; ++g) {
    const std::size_t r0 = g * width;
    const __mmask8 live = first_lanes(count - r0);
    const __m512i t =
        _mm512_maskz_cvtepi32_epi64(live, _mm256_load_si256(reinterpret_cast<const __m256i*>(completed + r0)));
    // A negative t0 is past `listed` as an unsigned number, as in hazard_baseline.
    const __mmask8 own = _mm512_mask_cmplt_epu64_mask(live, t, _mm512_set1_epi64(listed));
    const __m512i begin = _mm512_mask_i64gather_epi64(last_band, own, t, first, sizeof(std::size_t));
    const __m512i end = _mm512_mask_i64gather_epi64(_mm512_add_epi64(last_band, one), own, _mm512_add_epi64(t, one),
                                                    first, sizeof(std::size_t));
    _mm512_store_si512(case_begin + r0, begin);
    _mm512_store_si512(case_count + r0, _mm512_sub_epi64(end, begin));
  }
  std::fill(case_rate + count, case_rate + rows, 0);  // lanes past `count`, loaded and never used
  long long n = 0;
  for (std::size_t i = 0; i < count; ++i) {
    case_rate[i] = n;
    const double* const coefficient = segments.coefficient.data() + case_begin[i];
    const __m512d e = _mm512_set1_pd(eta[i]);
    for (std::size_t s = 0; s < widest; s += width) {
      const __mmask8 segment_lanes = first_lanes(widest - s);
      _mm512_mask_storeu_pd(rate + n + s, segment_lanes,
                            _mm512_add_pd(_mm512_maskz_loadu_pd(segment_lanes, coefficient + s), e));
    }
    n += case_count[i];
  }
  const auto used = static_cast<std::size_t>(n);
  const std::size_t padded = (used + vector_doubles - 1) / vector_doubles * vector_doubles;
  std::fill(rate + used, rate + padded, 0.0);
  vmath::softplus(rate, rate, padded);
  const __m512i sign = _mm512_set1_epi64(std::numeric_limits<long long>::min());
  for (std::size_t g = 0; g * width < count; ++g) {
    const std::size_t r0 = g * width;
    const __mmask8 live = first_lanes(count - r0);
    const __m512i begin = _mm512_load_si512(case_begin + r0);
    const __m512i segment_count = _mm512_load_si512(case_count + r0);
    const __m512i first_rate = _mm512_load_si512(case_rate + r0);
    __m512d cumulative = _mm512_setzero_pd();
    for (std::size_t s = 0; s < widest; ++s) {
      const __m512i step = _mm512_set1_epi64(static_cast<long long>(s));
      // Segment s counts in the lanes where the case has more than s segments; elsewhere the sum
      // is left as it is, as hazard_baseline's +0.0 leaves it.
      const __mmask8 counted = _mm512_mask_cmpgt_epi64_mask(live, segment_count, step);
      const __m512d months = _mm512_mask_i64gather_pd(_mm512_setzero_pd(), counted, _mm512_add_epi64(begin, step),
                                                      segments.months.data(), sizeof(double));
      const __m512d case_rates = _mm512_mask_i64gather_pd(_mm512_setzero_pd(), counted,
                                                          _mm512_add_epi64(first_rate, step), rate, sizeof(double));
      cumulative = _mm512_mask_add_pd(cumulative, counted, cumulative, _mm512_mul_pd(months, case_rates));
    }
    // -cumulative: the sign flipped, as the scalar negation does (0 - x would give +0.0 for 0).
    _mm512_mask_storeu_pd(p + r0, live, _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(cumulative), sign)));
  }
  vmath::exp(p, p, count);
}

/// RiskRowsKernel for a full block, eight rows a vector (a shorter block goes row by row).
std::size_t rows_full(const RiskModelData& m, const RiskRowsInputs& in, double* scratch,
                      const RiskBatchOutputs& out) noexcept {
  const BlockView& block = *in.block;
  if (block.count != rows) return rows_baseline(m, in, scratch, out);
  const BlockFeatures& features = *in.features;
  const bool hazard_form = m.form == RiskForm::discrete_hazard;
  alignas(64) double eta[rows];
  alignas(64) double probability[rows];
  alignas(64) int t0[rows];
  __mmask8 scored_lanes[groups];
  std::size_t bad = 0;
  const __m512i minus_one = _mm512_set1_epi32(-1);
  // Picks p of eight rows (a, b, c for p = 0, 1, 2) interleaved row by row, a0 b0 c0 a1 b1 c1
  // ...: the first 16 from [a, b] and c, the last 8 likewise.
  const __m512i interleave_low = _mm512_setr_epi32(0, 8, 16, 1, 9, 17, 2, 10, 18, 3, 11, 19, 4, 12, 20, 5);
  const __m512i interleave_high = _mm512_setr_epi32(13, 21, 6, 14, 22, 7, 15, 23, 0, 0, 0, 0, 0, 0, 0, 0);
  static_assert(max_top_factors == 3, "the interleave is written out for three picks");
  const __m512i row_offsets = Avx512Lanes::strided(in.stride);
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t r0 = g * width, i0 = block.first + r0;
    unsigned instrument_ok = 0;
    for (std::size_t j = 0; j < width; ++j)
      instrument_ok |= static_cast<unsigned>(block.results[r0 + j].status == ResponseStatus::ok) << j;
    auto scored = static_cast<__mmask8>(instrument_ok);
    __m512i status = _mm512_mask_mov_epi32(
        _mm512_set1_epi32(static_cast<int>(RiskStatus::rejected_by_instrument)), scored, _mm512_setzero_si512());
    __m512i completed = _mm512_setzero_si512();
    if (hazard_form) {
      const __m512d months =
          _mm512_i64gather_pd(row_offsets, in.rows + r0 * in.stride + *m.duration_item, sizeof(double));
      const __mmask8 missing = _mm512_mask_cmp_pd_mask(scored, months, months, _CMP_UNORD_Q);
      status = _mm512_mask_mov_epi32(status, missing, _mm512_set1_epi32(static_cast<int>(RiskStatus::missing_duration)));
      scored = static_cast<__mmask8>(scored & ~missing);
      // completed_months: the whole months, capped.
      const __m512d whole = _mm512_roundscale_pd(months, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
      const __mmask8 capped = _mm512_cmp_pd_mask(months, _mm512_set1_pd(max_completed_months), _CMP_GE_OQ);
      completed = _mm512_castsi256_si512(_mm512_cvttpd_epi32(whole));
      completed = _mm512_mask_mov_epi32(completed, capped, _mm512_set1_epi32(max_completed_months));
      completed = _mm512_maskz_mov_epi32(scored, completed);
    }
    const __m512d row_eta = _mm512_loadu_pd(features.eta + r0);
    const __mmask8 not_finite = _mm512_mask_cmp_pd_mask(scored, row_eta, row_eta, _CMP_UNORD_Q);
    status = _mm512_mask_mov_epi32(status, not_finite, _mm512_set1_epi32(static_cast<int>(RiskStatus::not_finite)));
    scored = static_cast<__mmask8>(scored & ~not_finite);
    scored_lanes[g] = scored;
    bad += width - static_cast<std::size_t>(__builtin_popcount(scored));

    const __m512d kept_eta = _mm512_mask_mov_pd(_mm512_set1_pd(nan), scored, row_eta);
    _mm512_store_pd(eta + r0, kept_eta);
    store8_epi32(t0 + r0, completed);
    if (out.linear_predictor) _mm512_storeu_pd(out.linear_predictor + i0, kept_eta);
    if (out.risk_status) store8_epi32(out.risk_status + i0, status);
    if (out.imputed_features)
      store8_epi32(out.imputed_features + i0, _mm512_mask_mov_epi32(minus_one, scored, load8_epi32(features.imputed_count + r0)));
    if (out.top_factors) {
      const __m512i picks01 = _mm512_mask_mov_epi32(
          minus_one, static_cast<__mmask16>(scored | (scored << 8)),
          _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(features.top + r0))),
                             _mm256_loadu_si256(reinterpret_cast<const __m256i*>(features.top + rows + r0)), 1));
      const __m512i picks2 = _mm512_mask_mov_epi32(minus_one, scored, load8_epi32(features.top + 2 * rows + r0));
      std::int32_t* const to = out.top_factors + i0 * max_top_factors;
      _mm512_storeu_si512(to, _mm512_permutex2var_epi32(picks01, interleave_low, picks2));
      store8_epi32(to + 16, _mm512_permutex2var_epi32(picks01, interleave_high, picks2));
    }
    if (out.feature_values || out.survival)
      for (std::size_t j = 0; j < width; ++j)
        write_row_extras(m, features, r0 + j, i0 + j, (scored >> j) & 1u, eta[r0 + j], t0[r0 + j], out);
  }
  if (!out.probability && !out.band) return bad;
  probabilities<avx512::hazard>(m, rows, eta, t0, probability, scratch);
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t r0 = g * width, i0 = block.first + r0;
    const __m512d p = _mm512_load_pd(probability + r0);
    if (out.probability) _mm512_storeu_pd(out.probability + i0, _mm512_mask_mov_pd(_mm512_set1_pd(nan), scored_lanes[g], p));
    if (!out.band) continue;
    // bands_of: the last band whose floor p reaches, -1 for NaN (and for a row without a risk).
    __m512i band = _mm512_mask_mov_epi32(minus_one, _mm512_cmp_pd_mask(p, p, _CMP_ORD_Q), _mm512_setzero_si512());
    for (std::size_t b = 1; b < m.bands.size(); ++b)
      band = _mm512_mask_mov_epi32(band, _mm512_cmp_pd_mask(p, _mm512_set1_pd(m.bands[b].min_probability), _CMP_GE_OQ),
                                   _mm512_set1_epi32(static_cast<int>(b)));
    store8_epi32(out.band + i0, _mm512_mask_mov_epi32(minus_one, scored_lanes[g], band));
  }
  return bad;
}

}  // namespace avx512
PACT_AVX512_END
#endif

}  // namespace

std::vector<RiskRowsVariant> risk_rows_variants() {
  std::vector<RiskRowsVariant> variants;
#ifdef PACT_RISK_ROWS_X86
  if (runs_avx512()) variants.push_back({"avx512", avx512::rows_full, probabilities<avx512::hazard>});
#endif
  variants.push_back({"baseline", rows_baseline, probabilities<hazard_baseline>});
  return variants;
}

std::size_t probability_scratch_size(const RiskModelData& m) noexcept {
  // Room for every case's widest run of arguments written from its place, and for rounding the
  // count up to whole vectors.
  return m.form == RiskForm::discrete_hazard ? (rows + 1) * m.hazard_segments.widest + vector_doubles : 0;
}

RiskBlockScorer::RiskBlockScorer(const RiskModelData& m, RiskRowsKernel kernel)
    : m_(m),
      features_(m.features.size()),
      // Left uninitialised: everything is written before it is read.
      log1p_values_(m.log_features.empty() ? nullptr : std::make_unique_for_overwrite<double[]>(m.features.size() * rows)),
      scratch_(std::make_unique_for_overwrite<double[]>(std::max<std::size_t>(probability_scratch_size(m), 1))),
      kernel_(kernel) {
  if (!kernel_) {
    static const RiskRowsKernel widest = risk_rows_variants().front().rows;
    kernel_ = widest;
  }
}

std::size_t RiskBlockScorer::score(const BlockView& block, const double* block_rows_start, std::size_t stride,
                                   const RiskBatchOutputs& out) noexcept {
  for (std::size_t k : m_.log_features) {
    double* const column = log1p_values_.get() + k * rows;
    const double* const source = block_rows_start + m_.features[k].source;
    for (std::size_t r = 0; r < block.count; ++r) column[r] = source[r * stride];
    vmath::log1p(column, column, block.count);
  }
  // Every row's features, linear predictor and top factors at once, then the rows' risk outputs
  // and the block's probabilities.
  block_features(m_,
                 {block.count, block_rows_start, stride, block.dimension_score, m_.instrument.dimension_count(),
                  block.item_severity, m_.instrument.item_count(), block.results, log1p_values_.get(),
                  out.top_factors != nullptr},
                 features_);
  return kernel_(m_, {&block, block_rows_start, stride, &features_}, scratch_.get(), out);
}

}  // namespace pact::detail
