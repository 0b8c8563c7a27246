// pact internal: exp, softplus and log1p for the risk kernels and the features, one value at a
// time or a whole array at a time, with the same bits either way. libm's exp and log1p cost the
// batch most of its time per row and give no vector form; these do, with the widest vector
// instructions the processor has, chosen at run time. The single-case path calls the scalar forms
// and the batch path the array forms, so a case scored alone and the same case scored in a batch
// agree to the bit, on every processor. Not part of the public API.
#ifndef PACT_DETAIL_VECTOR_MATH_HPP
#define PACT_DETAIL_VECTOR_MATH_HPP

#include <cstddef>
#include <vector>

namespace pact::detail::vmath {

/// e^x, within one ulp of the exact value over the whole range of doubles: +inf above
/// 709.782712893384 (ln of the largest double), subnormal results rounded once, 0 below
/// -745.1332191019412, 1 at ±0, 0 at -inf, +inf at +inf, NaN at NaN. Bit for bit what the array
/// form gives for the same x, in every variant.
double exp(double x) noexcept;

/// out[i] = exp(x[i]) for i < n, with the first of variants(). `out` may be `x` itself (but may
/// not overlap it otherwise).
void exp(const double* x, double* out, std::size_t n) noexcept;

/// softplus(z) = ln(1 + e^z), within two ulps of the exact value for every double: e^z (rounded
/// as exp rounds it, subnormal or 0) far below zero, z itself far above, ln 2 at ±0, 0 at -inf,
/// +inf at +inf, NaN at NaN. Bit for bit what the array form gives for the same z, in every
/// variant.
double softplus(double z) noexcept;

/// out[i] = softplus(z[i]) for i < n, with the first of variants(). `out` may be `z` itself (but
/// may not overlap it otherwise).
void softplus(const double* z, double* out, std::size_t n) noexcept;

/// ln(1 + x), within one ulp of the exact value for every double: -inf at -1, NaN below -1
/// (-inf included) and at NaN, +inf at +inf, x itself where |x| < 2^-54 (±0 with its sign, and
/// the subnormals). Bit for bit what the array form gives for the same x, in every variant.
double log1p(double x) noexcept;

/// out[i] = log1p(x[i]) for i < n, with the first of variants(). `out` may be `x` itself (but may
/// not overlap it otherwise).
void log1p(const double* x, double* out, std::size_t n) noexcept;

/// The array forms built for one instruction set. Every variant gives the scalar forms' bits.
struct Variant {
  const char* name;                                                   ///< "avx512", "avx2", "baseline"
  void (*exp)(const double* x, double* out, std::size_t n) noexcept;  ///< the array exp
  void (*softplus)(const double* z, double* out, std::size_t n) noexcept;  ///< the array softplus
  void (*log1p)(const double* x, double* out, std::size_t n) noexcept;     ///< the array log1p
};

/// The variants this processor runs, widest first; the array forms use the first (the tests hold
/// each of them to the scalar forms).
std::vector<Variant> variants();

}  // namespace pact::detail::vmath

#endif  // PACT_DETAIL_VECTOR_MATH_HPP
