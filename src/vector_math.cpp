// exp, softplus and log1p, one algorithm each (see pact/detail/vector_math.hpp), written once over the
// lane type (src/vector_math_kernel.inc): double for the scalar forms; GCC's vector extensions
// (GCC and clang) for the vector forms, four doubles for the baseline instruction set (two SSE2
// halves per vector) and for AVX2; and eight in intrinsics for AVX-512 (Avx512Lanes). The
// processor picks the widest it runs.
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

// The algorithms over a lane type: for the scalar forms and GCC's vector extensions here, and
// for Avx512Lanes in the AVX-512 region below.
namespace portable {
#include "vector_math_kernel.inc"
}  // namespace portable

double exp_scalar(double x) noexcept { return portable::exp_lanes<ScalarLanes>(x); }
double softplus_scalar(double z) noexcept { return portable::softplus_lanes<ScalarLanes>(z); }
double log1p_scalar(double x) noexcept { return portable::log1p_lanes<ScalarLanes>(x); }

#if defined(__GNUC__) || defined(__clang__)

// The array forms, one instantiation per function and instruction set.
template <auto VectorKernel, auto ScalarKernel>
void baseline_form(const double* in, double* out, std::size_t n) noexcept {
  portable::apply<Lanes4, VectorKernel, ScalarKernel>(in, out, n);
}
constexpr auto exp_baseline = baseline_form<portable::exp_lanes<Lanes4>, exp_scalar>;
constexpr auto softplus_baseline = baseline_form<portable::softplus_lanes<Lanes4>, softplus_scalar>;
constexpr auto log1p_baseline = baseline_form<portable::log1p_lanes<Lanes4>, log1p_scalar>;

#if defined(__x86_64__) || defined(__i386__)
#define PACT_VMATH_X86 1

template <auto VectorKernel, auto ScalarKernel>
[[gnu::target("avx2")]] void avx2_form(const double* in, double* out, std::size_t n) noexcept {
  portable::apply<Lanes4, VectorKernel, ScalarKernel>(in, out, n);
}
constexpr auto exp_avx2 = avx2_form<portable::exp_lanes<Lanes4>, exp_scalar>;
constexpr auto softplus_avx2 = avx2_form<portable::softplus_lanes<Lanes4>, softplus_scalar>;
constexpr auto log1p_avx2 = avx2_form<portable::log1p_lanes<Lanes4>, log1p_scalar>;

PACT_AVX512_BEGIN
namespace avx512 {
#include "vector_math_kernel.inc"
}  // namespace avx512

template <auto VectorKernel, auto ScalarKernel>
void avx512_form(const double* in, double* out, std::size_t n) noexcept {
  avx512::apply<Avx512Lanes, VectorKernel, ScalarKernel>(in, out, n);
}
constexpr auto exp_avx512 = avx512_form<avx512::exp_lanes<Avx512Lanes>, exp_scalar>;
constexpr auto softplus_avx512 = avx512_form<avx512::softplus_lanes<Avx512Lanes>, softplus_scalar>;
constexpr auto log1p_avx512 = avx512_form<avx512::log1p_lanes<Avx512Lanes>, log1p_scalar>;
PACT_AVX512_END
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
