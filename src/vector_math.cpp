// exp, softplus and log1p, one algorithm each (see pact/detail/vector_math.hpp), written once over the
// lane type: double for the scalar forms; GCC's vector extensions (GCC and clang) for the vector
// forms, four doubles for the baseline instruction set (two SSE2 halves per vector) and for AVX2,
// eight for AVX-512. The processor picks the widest it runs.
//
// The scalar and array forms agree to the bit because every lane type runs the same IEEE-754
// operations in the same order: no fused multiply-adds (the file is compiled with
// -ffp-contract=off, see src/CMakeLists.txt), nothing reassociated, no branch on the data (a
// select instead, which only chooses between values every lane computed), and the array tails
// that fill no whole vector go through one more vector, padded with zeros (one or two values,
// through the scalar form).
//
// exp: x = k ln2 + r with |r| <= ln2/2 (Cody and Waite: ln2 split so that k ln2_hi is exact, and
// r carried with its rounding error), e^r = 1 + r + r^2 P(r) with P the Taylor series of
// (e^r - 1 - r) / r^2 to r^12, the last additions compensated so that e^r is rounded once, then
// scaled by 2^k in two exact steps, so that a subnormal result is rounded once too. The
// polynomials here (P, and the atanh series below) are evaluated in Estrin's scheme, not by
// Horner's rule: a chain of 4 dependent multiply-adds instead of 12 or 9, for the single-case
// path, which waits on each call.
//
// softplus: ln(1 + e^z) = max(z, 0) + log1p(u) with u = e^-|z| in (0, 1], u from the exp above
// with its rounding error. log1p(u) = ln(w) + (1 + u - w) / w for w = 1 + u rounded, and
// ln(w) = e ln2 + ln(1 + f) with 1 + f = w / 2^e in [sqrt(2)/2, sqrt(2)] (e is 0 or 1, since w
// lies in [1, 2]): ln(1 + f) = 2 atanh(s) for s = f / (2 + f), arranged so that f, which is
// exact, is added last and every error lands in terms of order f^2.
//
// log1p: the same ln core over the whole range. w = 1 + x rounded, with what rounding lost kept
// as (x - (w - 1)) / w; w = 2^k m with m in [sqrt(2)/2, sqrt(2)), k and m from w's bit pattern
// (k in [-53, 1024]); ln(1 + x) = k ln2 + ln(1 + f) for f = m - 1, the atanh series as above,
// with ln 2 split as exp splits it so that k ln2_hi is exact, and k ln2_hi + f carried with its
// rounding error. The values outside (-1, +inf) and the tiny ones are put in by selects.
#include "pact/detail/vector_math.hpp"

#include "vector_lanes.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>

namespace pact::detail::vmath {
namespace {

#if defined(__GNUC__) || defined(__clang__)
#define PACT_VMATH_INLINE [[gnu::always_inline]] inline
#else
#define PACT_VMATH_INLINE inline
#endif

/// exp's argument is clamped to [min_argument, max_argument]: beyond it e^x is 0 or +inf in
/// doubles either way (the clamped value gives them), and within it k and both halves of the
/// scale factor 2^k stay in range.
constexpr double min_argument = -760.0;
constexpr double max_argument = 720.0;
constexpr double inv_ln2 = 1.4426950408889634;
/// ln 2 to 42 significant bits, so that k ln2_exp_hi is exact for every |k| < 2^11, and the rest.
constexpr double ln2_exp_hi = 0x1.62e42fefa3800p-1;
constexpr double ln2_exp_lo = 0x1.ef35793c76730p-45;
/// ln 2 rounded to a double, and the rest: log1p adds the first to a multiple of 2^-53 below 1,
/// which is exact.
constexpr double ln2_hi = 0x1.62e42fefa39efp-1;
constexpr double ln2_lo = 0x1.abc9e3b39803fp-56;
/// 1.5 * 2^52: adding it rounds a double of magnitude below 2^51 to a whole number, which then
/// lies in the low bits of the sum.
constexpr double round_shift = 0x1.8p52;
constexpr double sqrt2 = 1.4142135623730951;
constexpr std::int64_t magnitude_bits = std::numeric_limits<std::int64_t>::max();
/// The bit patterns of 1 and of sqrt(2)/2 (rounded), and a double's 52 mantissa bits: log1p's
/// reduction to [sqrt(2)/2, sqrt(2)).
constexpr std::int64_t one_bits = 0x3ff0000000000000;
constexpr std::int64_t half_sqrt2_bits = 0x3fe6a09e667f3bcd;
constexpr std::int64_t mantissa_bits = 0x000fffffffffffff;
/// Below 2^-54 in magnitude, ln(1 + x) = x (1 - x/2 + ...) rounds to x.
constexpr double log1p_tiny = 0x1p-54;

/// (e^r - 1 - r) / r^2 = sum of r^j / (j + 2)!, highest first. To r^12 the series leaves an
/// error below 10^-19 for |r| <= ln2/2.
constexpr double exp_series[] = {
    1.0 / 87178291200.0, 1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
    1.0 / 362880.0,      1.0 / 40320.0,      1.0 / 5040.0,      1.0 / 720.0,      1.0 / 120.0,
    1.0 / 24.0,          1.0 / 6.0,          1.0 / 2.0};

/// (2 atanh(s) - 2s) / s^3 = sum of 2 s^2j / (2j + 3), highest first. To s^18 the series leaves
/// an error below 10^-18 of the result for |s| <= (sqrt(2) - 1) / (sqrt(2) + 1).
constexpr double atanh_series[] = {2.0 / 21.0, 2.0 / 19.0, 2.0 / 17.0, 2.0 / 15.0, 2.0 / 13.0,
                                   2.0 / 11.0, 2.0 / 9.0,  2.0 / 7.0,  2.0 / 5.0,  2.0 / 3.0};

/// Lanes of one double: the scalar forms.
struct ScalarLanes {
  using V = double;
  using I = std::int64_t;
  using M = bool;
  PACT_VMATH_INLINE static V splat(double x) noexcept { return x; }
  PACT_VMATH_INLINE static I splat_bits(std::int64_t x) noexcept { return x; }
  PACT_VMATH_INLINE static M less(V a, V b) noexcept { return a < b; }
  PACT_VMATH_INLINE static M is_nan(V a) noexcept { return a != a; }
  PACT_VMATH_INLINE static V select(M mask, V a, V b) noexcept { return mask ? a : b; }
  PACT_VMATH_INLINE static I bits(V a) noexcept { return std::bit_cast<I>(a); }
  PACT_VMATH_INLINE static V from_bits(I a) noexcept { return std::bit_cast<V>(a); }
};

/// P(r) by Estrin's scheme, coefficients highest first: pairs c_2i + c_2i+1 r, then pairs of those
/// in r^2, then in r^4 and so on, so that the chain of dependent steps grows with log2 of the
/// degree rather than with the degree (the single-case path waits on every call). Spelled out
/// for the two lengths used, so that every term stays in a register; the same operations in the
/// same order in every lane type.
template <class L>
PACT_VMATH_INLINE typename L::V estrin(typename L::V r, const double (&c)[13]) noexcept {
  using V = typename L::V;
  const V r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const V p0 = L::splat(c[12]) + L::splat(c[11]) * r, p1 = L::splat(c[10]) + L::splat(c[9]) * r;
  const V p2 = L::splat(c[8]) + L::splat(c[7]) * r, p3 = L::splat(c[6]) + L::splat(c[5]) * r;
  const V p4 = L::splat(c[4]) + L::splat(c[3]) * r, p5 = L::splat(c[2]) + L::splat(c[1]) * r;
  const V q0 = p0 + p1 * r2, q1 = p2 + p3 * r2, q2 = p4 + p5 * r2;
  const V t0 = q0 + q1 * r4, t1 = q2 + L::splat(c[0]) * r4;
  return t0 + t1 * r8;
}

template <class L>
PACT_VMATH_INLINE typename L::V estrin(typename L::V r, const double (&c)[10]) noexcept {
  using V = typename L::V;
  const V r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const V p0 = L::splat(c[9]) + L::splat(c[8]) * r, p1 = L::splat(c[7]) + L::splat(c[6]) * r;
  const V p2 = L::splat(c[5]) + L::splat(c[4]) * r, p3 = L::splat(c[3]) + L::splat(c[2]) * r;
  const V p4 = L::splat(c[1]) + L::splat(c[0]) * r;
  const V q0 = p0 + p1 * r2, q1 = p2 + p3 * r2;
  const V t0 = q0 + q1 * r4;
  return t0 + p4 * r8;
}

/// e^x as hi + lo: hi is the result, within one ulp, and for a normal result lo is (nearly) what
/// rounding took from it.
template <class L>
struct ExpParts {
  typename L::V hi, lo;
};

template <class L>
PACT_VMATH_INLINE ExpParts<L> exp_parts(typename L::V x) noexcept {
  using V = typename L::V;
  using I = typename L::I;
  // A NaN is computed as 0 (the caller puts it back), so that k is a small whole number in every
  // lane.
  V clamped = L::select(L::less(x, L::splat(min_argument)), L::splat(min_argument), x);
  clamped = L::select(L::less(L::splat(max_argument), clamped), L::splat(max_argument), clamped);
  clamped = L::select(L::is_nan(x), L::splat(0.0), clamped);

  const V shifted = clamped * L::splat(inv_ln2) + L::splat(round_shift);
  const V k_real = shifted - L::splat(round_shift);
  const I k = L::bits(shifted) - L::bits(L::splat(round_shift));
  // x - k ln2_exp_hi is exact (Sterbenz); the rounding error of subtracting k ln2_exp_lo, up to
  // 2^-55, would cost a quarter of an ulp below 1, so it is kept in r_lo.
  const V r_hi = clamped - k_real * L::splat(ln2_exp_hi);
  const V k_ln2_lo = k_real * L::splat(ln2_exp_lo);
  const V r = r_hi - k_ln2_lo;
  const V r_lo = (r_hi - r) - k_ln2_lo;

  const V one = L::splat(1.0);
  const V quadratic = (r * r) * estrin<L>(r, exp_series);
  // e^(r + r_lo) = (1 + r) + (quadratic + r_lo e^r): 1 + r with its rounding error (Fast2Sum,
  // |r| < 1), the small terms added to that error, and the sum rounded once into hi.
  const V linear = one + r;
  const V linear_error = (one - linear) + r;
  const V tail = linear_error + (quadratic + r_lo * linear);
  const V hi = linear + tail;
  const V lo = (linear - hi) + tail;

  // 2^k in two factors, each a normal double for |k| <= 1100: the first product is exact, and
  // the second rounds a subnormal result once.
  const I k_half = k >> 1;
  const V scale_1 = L::from_bits((k_half + L::splat_bits(1023)) << 52);
  const V scale_2 = L::from_bits((k - k_half + L::splat_bits(1023)) << 52);
  return {(hi * scale_1) * scale_2, (lo * scale_1) * scale_2};
}

template <class L>
PACT_VMATH_INLINE typename L::V exp_lanes(typename L::V x) noexcept {
  return L::select(L::is_nan(x), x + x, exp_parts<L>(x).hi);
}

template <class L>
PACT_VMATH_INLINE typename L::V softplus_lanes(typename L::V z) noexcept {
  using V = typename L::V;
  const V one = L::splat(1.0), zero = L::splat(0.0);
  const V magnitude = L::from_bits(L::bits(z) & L::splat_bits(magnitude_bits));
  const ExpParts<L> u = exp_parts<L>(-magnitude);

  // log1p(u) = ln(w) + correction: w - 1 is exact for w in [1, 2], so u - (w - 1) is exactly
  // what rounding 1 + u lost; u.lo adds what rounding e^-|z| lost.
  const V w = one + u.hi;
  const V correction = ((u.hi - (w - one)) + u.lo) / w;
  const auto halved = L::less(L::splat(sqrt2), w);
  const V f = L::select(halved, w * L::splat(0.5), w) - one;  // exact (Sterbenz)
  const V s = f / (L::splat(2.0) + f);
  const V s2 = s * s;
  const V series = s2 * estrin<L>(s2, atanh_series);
  const V half_f2 = (L::splat(0.5) * f) * f;
  // ln(1 + f) = f - (f^2/2 - s (f^2/2 + series)), and e ln2_hi + f is exact: its one rounding is
  // the last.
  const V small_terms =
      half_f2 - (s * (half_f2 + series) + (L::select(halved, L::splat(ln2_lo), zero) + correction));
  const V log1p_u = (L::select(halved, L::splat(ln2_hi), zero) + f) - small_terms;

  const V result = L::select(L::less(zero, z), z + log1p_u, log1p_u);
  return L::select(L::is_nan(z), z + z, result);
}

template <class L>
PACT_VMATH_INLINE typename L::V log1p_lanes(typename L::V x) noexcept {
  using V = typename L::V;
  using I = typename L::I;
  const V one = L::splat(1.0), minus_one = L::splat(-1.0), zero = L::splat(0.0);
  // Every value outside (-1, +inf), NaN included, is computed as 0 (the selects at the end put
  // the right result back), so that w below is a positive normal double in every lane.
  V clamped = L::select(L::less(minus_one, x), x, zero);
  clamped = L::select(L::less(clamped, L::splat(std::numeric_limits<double>::infinity())), clamped, zero);

  // ln(1 + x) = ln(w) + correction for w = 1 + x rounded: w >= 2^-53, and correction is what
  // rounding lost, relative to w. For w up to 2^53, w - 1 is exact and so is x - (w - 1); above,
  // the correction is below 2^-52 against a result above 36, and only needs to stay that small.
  const V w = one + clamped;
  const V correction = (clamped - (w - one)) / w;

  // w = 2^k m with m in [sqrt(2)/2, sqrt(2)): adding the bits that carry sqrt(2)/2 up to 1 to
  // w's bit pattern makes its exponent field k + 1023, and the mantissa bits, put back on
  // sqrt(2)/2's exponent, are m's. k lies in [-53, 1024].
  const I shifted = L::bits(w) + L::splat_bits(one_bits - half_sqrt2_bits);
  const I k = (shifted >> 52) - L::splat_bits(1023);
  const V m = L::from_bits((shifted & L::splat_bits(mantissa_bits)) + L::splat_bits(half_sqrt2_bits));
  const V k_real = L::from_bits(k + L::bits(L::splat(round_shift))) - L::splat(round_shift);  // exact

  const V f = m - one;  // exact (Sterbenz)
  const V s = f / (L::splat(2.0) + f);
  const V s2 = s * s;
  const V series = s2 * estrin<L>(s2, atanh_series);
  const V half_f2 = (L::splat(0.5) * f) * f;
  // ln(w) + correction = k ln2_exp_hi + f - (f^2/2 - s (f^2/2 + series)) + k ln2_exp_lo +
  // correction. k ln2_exp_hi is exact, and its sum with f is carried with its rounding error
  // (Fast2Sum: |f| < ln2/2, and the sum is f itself when k is 0), so that the one rounding that
  // counts is the last.
  const V high = k_real * L::splat(ln2_exp_hi);
  const V sum = high + f;
  const V sum_error = (high - sum) + f;
  const V small_terms = half_f2 - (s * (half_f2 + series) + (k_real * L::splat(ln2_exp_lo) + correction));
  V result = sum + (sum_error - small_terms);

  // -inf at -1; NaN below -1 (-inf included) and at NaN; +inf at +inf; x itself where
  // ln(1 + x) = x - x^2/2 + ... rounds to x: below 2^-54 in magnitude, ±0 and subnormals included.
  result = L::select(L::less(minus_one, x), result, L::splat(-std::numeric_limits<double>::infinity()));
  result = L::select(L::less(x, minus_one), L::splat(std::numeric_limits<double>::quiet_NaN()), result);
  result = L::select(L::is_nan(x), x + x, result);
  result = L::select(L::less(L::splat(std::numeric_limits<double>::max()), x), x, result);
  const V magnitude = L::from_bits(L::bits(x) & L::splat_bits(magnitude_bits));
  return L::select(L::less(magnitude, L::splat(log1p_tiny)), x, result);
}

double exp_scalar(double x) noexcept { return exp_lanes<ScalarLanes>(x); }
double softplus_scalar(double z) noexcept { return softplus_lanes<ScalarLanes>(z); }
double log1p_scalar(double x) noexcept { return log1p_lanes<ScalarLanes>(x); }

/// out[i] = Kernel(in[i]), a vector of lanes at a time. The last few values go through one more
/// vector, padded with zeros: the risk batch calls this on a block's few dozen values, and taking
/// a tail of up to seven through the scalar form (a chain of dependent steps per value) cost as
/// much as the rest together. One or two values are faster through the scalar form: the padded
/// vector waits for its stores to reach the load (measured: one exp 47 ns as an array of one,
/// 19 ns as a scalar call), which is what a single case pays.
template <class L, auto VectorKernel, auto ScalarKernel>
PACT_VMATH_INLINE void apply(const double* in, double* out, std::size_t n) noexcept {
  std::size_t i = 0;
  for (; i + L::width <= n; i += L::width) L::store(out + i, VectorKernel(L::load(in + i)));
  if (n - i <= 2) {
    for (; i < n; ++i) out[i] = ScalarKernel(in[i]);
    return;
  }
  double tail[L::width] = {};
  std::copy(in + i, in + n, tail);
  L::store(tail, VectorKernel(L::load(tail)));
  std::copy(tail, tail + (n - i), out + i);
}

#if defined(__GNUC__) || defined(__clang__)

// The array forms, one instantiation per function and instruction set.
template <auto VectorKernel, auto ScalarKernel>
void baseline_form(const double* in, double* out, std::size_t n) noexcept {
  apply<Lanes4, VectorKernel, ScalarKernel>(in, out, n);
}
constexpr auto exp_baseline = baseline_form<exp_lanes<Lanes4>, exp_scalar>;
constexpr auto softplus_baseline = baseline_form<softplus_lanes<Lanes4>, softplus_scalar>;
constexpr auto log1p_baseline = baseline_form<log1p_lanes<Lanes4>, log1p_scalar>;

#if defined(__x86_64__) || defined(__i386__)
#define PACT_VMATH_X86 1

template <auto VectorKernel, auto ScalarKernel>
[[gnu::target("avx2")]] void avx2_form(const double* in, double* out, std::size_t n) noexcept {
  apply<Lanes4, VectorKernel, ScalarKernel>(in, out, n);
}

template <auto VectorKernel, auto ScalarKernel>
[[gnu::target("avx512f,avx512dq")]] void avx512_form(const double* in, double* out, std::size_t n) noexcept {
  apply<Lanes8, VectorKernel, ScalarKernel>(in, out, n);
}

constexpr auto exp_avx2 = avx2_form<exp_lanes<Lanes4>, exp_scalar>;
constexpr auto softplus_avx2 = avx2_form<softplus_lanes<Lanes4>, softplus_scalar>;
constexpr auto log1p_avx2 = avx2_form<log1p_lanes<Lanes4>, log1p_scalar>;
constexpr auto exp_avx512 = avx512_form<exp_lanes<Lanes8>, exp_scalar>;
constexpr auto softplus_avx512 = avx512_form<softplus_lanes<Lanes8>, softplus_scalar>;
constexpr auto log1p_avx512 = avx512_form<log1p_lanes<Lanes8>, log1p_scalar>;
#endif

#else  // a compiler without vector extensions: the scalar forms, value by value

void exp_baseline(const double* x, double* out, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) out[i] = exp_scalar(x[i]);
}
void softplus_baseline(const double* z, double* out, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) out[i] = softplus_scalar(z[i]);
}
void log1p_baseline(const double* x, double* out, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) out[i] = log1p_scalar(x[i]);
}

#endif

#undef PACT_VMATH_INLINE

}  // namespace

double exp(double x) noexcept { return exp_scalar(x); }

double softplus(double z) noexcept { return softplus_scalar(z); }

double log1p(double x) noexcept { return log1p_scalar(x); }

std::vector<Variant> variants() {
  std::vector<Variant> found;
#ifdef PACT_VMATH_X86
  if (runs_avx512()) found.push_back({"avx512", exp_avx512, softplus_avx512, log1p_avx512});
  if (runs_avx2()) found.push_back({"avx2", exp_avx2, softplus_avx2, log1p_avx2});
#endif
  found.push_back({"baseline", exp_baseline, softplus_baseline, log1p_baseline});
  return found;
}

void exp(const double* x, double* out, std::size_t n) noexcept {
  static const auto kernel = variants().front().exp;
  kernel(x, out, n);
}

void softplus(const double* z, double* out, std::size_t n) noexcept {
  static const auto kernel = variants().front().softplus;
  kernel(z, out, n);
}

void log1p(const double* x, double* out, std::size_t n) noexcept {
  static const auto kernel = variants().front().log1p;
  kernel(x, out, n);
}

}  // namespace pact::detail::vmath
