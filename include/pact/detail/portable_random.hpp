// pact internal: random numbers that are the same on every platform and compiler (built without
// fused multiply-add contraction; docs/simulation.md, "Reproducibility"). The raw bits
// come from std::mt19937_64, whose output sequence the C++ standard fixes; everything built on
// them (uniforms, normals, the normal distribution function, exp and log) is written here with
// IEEE-754 arithmetic only, because std::normal_distribution and friends are implementation-
// defined and libm's exp and log may differ in the last bit between platforms.
// Not part of the public API; docs/simulation.md states the conversions exactly.
#ifndef PACT_DETAIL_PORTABLE_RANDOM_HPP
#define PACT_DETAIL_PORTABLE_RANDOM_HPP

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace pact::detail {

/// The SplitMix64 finaliser (Steele, Lea and Flood 2014): a bijection of 64-bit words that turns
/// nearby inputs (a seed and a block number) into unrelated outputs.
inline constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// The seed of block `block` of a stream seeded with `seed`: the SplitMix64 output for counter
/// block + 1 after `seed`.
inline constexpr std::uint64_t block_seed(std::uint64_t seed, std::uint64_t block) noexcept {
  return mix64(seed + (block + 1) * 0x9e3779b97f4a7c15ULL);
}

/// A uniform number in the open interval (0, 1) from 64 random bits: the top 52 bits k give
/// (k + 1/2) / 2^52, exactly representable, never 0 or 1.
inline constexpr double uniform_open(std::uint64_t bits) noexcept {
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52;
}

/// 2^k for k in [-1022, 1023], built from its bits.
inline double power_of_two(int k) noexcept {
  return std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
}

/// x 2^k, exactly (for a normal result), without a call into libm.
inline double scale_by_power_of_two(double x, int k) noexcept {
  if (k > 1023) return x * power_of_two(1023) * power_of_two(k - 1023);
  if (k < -1022) return x * power_of_two(-1022) * power_of_two(std::max(k + 1022, -1022));
  return x * power_of_two(k);
}

// ln 2 split so that k * ln2_hi is exact for the k that occur (Cody and Waite's reduction, with
// fdlibm's constants).
inline constexpr double ln2_hi = 6.93147180369123816490e-01;
inline constexpr double ln2_lo = 1.90821492927058770002e-10;

/// e^x to about one unit in the last place: x = k ln 2 + r with |r| <= ln(2)/2, e^r by its
/// Taylor polynomial of degree 13 (remainder below 1e-17), scaled by 2^k (exact).
inline double portable_exp(double x) noexcept {
  if (std::isnan(x)) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  const double k = std::floor(x * 1.44269504088896338700 + 0.5);
  const double r = (x - k * ln2_hi) - k * ln2_lo;
  // 1/n! for n = 13 .. 2, by Horner's rule.
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  return scale_by_power_of_two(p, static_cast<int>(k));
}

/// ln x for x > 0 to about one unit in the last place: x = m 2^e with m in [sqrt(1/2), sqrt(2)),
/// ln m = 2 atanh(f) with f = (m - 1) / (m + 1), |f| < 0.172, by its series to f^23.
inline double portable_log(double x) noexcept {
  if (!(x > 0.0)) return x == 0.0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(x)) return x;
  int e = 0;
  if (x < 0x1.0p-1022) {  // subnormal: make it normal first
    x *= 0x1.0p54;
    e = -54;
  }
  // x = m 2^e with m in [0.5, 1), read from the bits.
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  e += static_cast<int>((bits >> 52) & 0x7ff) - 1022;
  double m = std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3fe0000000000000ULL);
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    --e;
  }
  const double f = (m - 1.0) / (m + 1.0);
  const double f2 = f * f;
  double s = 1.0 / 23.0;
  s = s * f2 + 1.0 / 21.0;
  s = s * f2 + 1.0 / 19.0;
  s = s * f2 + 1.0 / 17.0;
  s = s * f2 + 1.0 / 15.0;
  s = s * f2 + 1.0 / 13.0;
  s = s * f2 + 1.0 / 11.0;
  s = s * f2 + 1.0 / 9.0;
  s = s * f2 + 1.0 / 7.0;
  s = s * f2 + 1.0 / 5.0;
  s = s * f2 + 1.0 / 3.0;
  s = s * f2 + 1.0;
  const double de = static_cast<double>(e);
  return de * ln2_hi + (2.0 * f * s + de * ln2_lo);
}

/// The standard normal distribution function Phi(x), by Hart's algorithm 5666 as given by West
/// (2005), "Better approximations to cumulative normal functions", Wilmott Magazine: absolute
/// error about 1e-16.
inline double normal_cdf(double x) noexcept {
  if (std::isnan(x)) return x;
  const double z = std::abs(x);
  double tail = 0.0;  // Phi(-|x|)
  if (z <= 37.0) {
    const double e = portable_exp(-0.5 * z * z);
    if (z < 7.07106781186547) {
      double n = 3.52624965998911e-02 * z + 0.700383064443688;
      n = n * z + 6.37396220353165;
      n = n * z + 33.912866078383;
      n = n * z + 112.079291497871;
      n = n * z + 221.213596169931;
      n = n * z + 220.206867912376;
      double d = 8.83883476483184e-02 * z + 1.75566716318264;
      d = d * z + 16.064177579207;
      d = d * z + 86.7807322029461;
      d = d * z + 296.564248779674;
      d = d * z + 637.333633378831;
      d = d * z + 793.826512519948;
      d = d * z + 440.413735824752;
      tail = e * n / d;
    } else {
      double c = z + 0.65;
      c = z + 4.0 / c;
      c = z + 3.0 / c;
      c = z + 2.0 / c;
      c = z + 1.0 / c;
      tail = e / c / 2.506628274631;
    }
  }
  return x > 0.0 ? 1.0 - tail : tail;
}

/// The standard normal quantile Phi^-1(p), by Wichura's algorithm AS 241 (PPND16, Applied
/// Statistics 37(3), 1988): relative error about 1e-16. -inf at 0, +inf at 1, NaN outside.
inline double normal_quantile(double p) noexcept {
  if (!(p >= 0.0 && p <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.0) return -std::numeric_limits<double>::infinity();
  if (p == 1.0) return std::numeric_limits<double>::infinity();
  const double q = p - 0.5;
  if (std::abs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    const double num =
        (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
             4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
          1.3314166789178437745e+2) * r + 3.3871328727963666080e0);
    const double den =
        (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
             2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
          4.2313330701600911252e+1) * r + 1.0);
    return q * num / den;
  }
  double r = q < 0.0 ? p : 1.0 - p;
  r = std::sqrt(-portable_log(r));
  double value = 0.0;
  if (r <= 5.0) {
    r -= 1.6;
    const double num =
        (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
             1.27045825245236838258e0) * r + 3.64784832476320460504e0) * r + 5.76949722146069140550e0) * r +
          4.63033784615654529590e0) * r + 1.42343711074968357734e0);
    const double den =
        (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
             1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e0) * r +
          2.05319162663775882187e0) * r + 1.0);
    value = num / den;
  } else {
    r -= 5.0;
    const double num =
        (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
             2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e0) * r +
          5.46378491116411436990e0) * r + 6.65790464350110377720e0);
    const double den =
        (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
             7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
          5.99832206555887937690e-1) * r + 1.0);
    value = num / den;
  }
  return q < 0.0 ? -value : value;
}

/// 1 / (1 + e^-z) with portable_exp.
inline double portable_logistic(double z) noexcept {
  if (z >= 0.0) return 1.0 / (1.0 + portable_exp(-z));
  const double e = portable_exp(z);
  return e / (1.0 + e);
}

}  // namespace pact::detail

#endif  // PACT_DETAIL_PORTABLE_RANDOM_HPP
