// pact::detail::vmath (exp, softplus and log1p), the scalar forms and every array variant this processor
// runs: accuracy in ulps against long double references (expl, log1pl) over millions of inputs
// spread over the whole range and lists of edge cases; the array forms against the scalar forms
// to the bit, at every length from 0 to 40 and at unaligned offsets; and the special values.
#include "pact/detail/vector_math.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

namespace vmath = pact::detail::vmath;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double denorm_min = std::numeric_limits<double>::denorm_min();
constexpr double dbl_max = std::numeric_limits<double>::max();
/// The largest x whose e^x is finite in doubles (ln of the largest double is 709.78271289338400)
/// and the largest x whose e^x rounds to 0 (ln 2^-1075 is -745.13321910194120762).
constexpr double exp_last_finite = 709.782712893384;
constexpr double exp_last_zero = -745.1332191019412;

long double exp_reference(double x) { return std::exp(static_cast<long double>(x)); }

long double softplus_reference(double z) {
  const long double zl = z;
  return z > 0 ? zl + std::log1p(std::exp(-zl)) : std::log1p(std::exp(zl));
}

long double log1p_reference(double x) { return std::log1p(static_cast<long double>(x)); }

/// |got - exact| in ulps of the exact value (2^(e - 52) for an exact value in [2^e, 2^(e+1)),
/// and 2^-1074 below 2^-1022). An overflow to infinity where the exact value rounds to infinity
/// counts as exact; any other disagreement on infinity or NaN is an infinite error.
double ulp_error(double got, long double exact) {
  if (std::isnan(exact) || std::isnan(got)) return std::isnan(exact) && std::isnan(got) ? 0.0 : inf;
  const double rounded = static_cast<double>(exact);
  if (std::isinf(got) || std::isinf(rounded)) return got == rounded ? 0.0 : inf;
  const int exponent = exact == 0 ? -1074 : std::max(std::ilogb(exact) - 52, -1074);
  return static_cast<double>(std::fabs(static_cast<long double>(got) - exact) / std::ldexp(1.0L, exponent));
}

bool same_bits(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

std::vector<double> with_neighbours(std::vector<double> centres, int steps) {
  std::vector<double> out;
  for (double c : centres) {
    double below = c, above = c;
    out.push_back(c);
    for (int s = 0; s < steps; ++s) {
      below = std::nextafter(below, -inf);
      above = std::nextafter(above, inf);
      out.push_back(below);
      out.push_back(above);
    }
  }
  return out;
}

/// Doubles spread uniformly over the bit patterns of [-magnitude_max, -magnitude_min] and
/// [magnitude_min, magnitude_max], so that every binade gets its share.
void add_bit_uniform(std::vector<double>& out, std::mt19937_64& rng, std::size_t count, double magnitude_min,
                     double magnitude_max) {
  std::uniform_int_distribution<std::uint64_t> bits(std::bit_cast<std::uint64_t>(magnitude_min),
                                                    std::bit_cast<std::uint64_t>(magnitude_max));
  for (std::size_t i = 0; i < count; ++i) {
    const double magnitude = std::bit_cast<double>(bits(rng));
    out.push_back(rng() & 1 ? -magnitude : magnitude);
  }
}

void add_uniform(std::vector<double>& out, std::mt19937_64& rng, std::size_t count, double lo, double hi) {
  std::uniform_real_distribution<double> x(lo, hi);
  for (std::size_t i = 0; i < count; ++i) out.push_back(x(rng));
}

/// Any 64-bit pattern: NaNs with every payload, infinities, subnormals, huge and tiny values.
void add_any_bits(std::vector<double>& out, std::mt19937_64& rng, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) out.push_back(std::bit_cast<double>(rng()));
}

std::vector<double> special_inputs() {
  return {0.0, -0.0, inf, -inf, nan, -nan, std::bit_cast<double>(std::uint64_t{0x7ff0000000000001}),
          std::bit_cast<double>(std::uint64_t{0xfff8dead00000000}), denorm_min, -denorm_min, DBL_MIN, -DBL_MIN,
          dbl_max, -dbl_max, 1e-300, -1e-300, 1e300, -1e300};
}

std::vector<double> exp_inputs() {
  std::vector<double> x = with_neighbours({exp_last_finite, exp_last_zero, -708.3964185322641 /* ln DBL_MIN */,
                                           -744.4400719213812 /* ln 2^-1074 */, 709.0, -709.0, 0.0, 1.0, -1.0,
                                           0.5, -0.5, 1e-8, -1e-8, 720.0, -760.0},
                                          8);
  for (double s : special_inputs()) x.push_back(s);
  for (int k = -800; k <= 800; ++k) x.push_back(k);
  // Where the reduction changes k: x = (k + 1/2) ln2, and x = k ln2, with their neighbours.
  const long double ln2 = std::log(2.0L);
  for (int k = -1080; k <= 1030; ++k) {
    for (double c : with_neighbours({static_cast<double>((k + 0.5L) * ln2), static_cast<double>(k * ln2)}, 2))
      x.push_back(c);
  }
  std::mt19937_64 rng(20240611);
  add_uniform(x, rng, 1'000'000, -750.0, 712.0);
  add_uniform(x, rng, 200'000, -745.2, -708.0);  // subnormal results
  add_uniform(x, rng, 200'000, -1.0, 1.0);
  add_bit_uniform(x, rng, 800'000, 0x1p-60, 750.0);
  add_any_bits(x, rng, 200'000);
  return x;
}

std::vector<double> softplus_inputs() {
  std::vector<double> z = with_neighbours({0.0, 37.0, -37.0, 36.0, 745.0, -745.0, exp_last_zero, -exp_last_zero,
                                           exp_last_finite, -exp_last_finite, -708.3964185322641, 1.0, -1.0,
                                           // where 1 + e^z crosses sqrt(2), the reduction's switch
                                           -0.8813735870195430, 1e-8, -1e-8},
                                          8);
  for (double s : special_inputs()) z.push_back(s);
  for (int k = -800; k <= 800; ++k) {
    z.push_back(k);
    z.push_back(k + 0.5);
  }
  std::mt19937_64 rng(20240612);
  add_uniform(z, rng, 800'000, -760.0, 760.0);
  add_uniform(z, rng, 500'000, -40.0, 40.0);
  add_uniform(z, rng, 200'000, -2.0, 2.0);
  add_bit_uniform(z, rng, 700'000, 0x1p-60, 800.0);
  add_any_bits(z, rng, 100'000);
  return z;
}

std::vector<double> log1p_inputs() {
  std::vector<double> x = with_neighbours({-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 2.0, 100.0, 500.0, 0x1p-54, -0x1p-54,
                                           0x1p-53, -0x1p-53, 1e-16, -1e-16, 1e-8, -1e-8, 0x1p53, 0x1p-1022,
                                           // where 1 + x crosses sqrt(2)/2 and sqrt(2), the reduction's switches
                                           -0.2928932188134524, 0.41421356237309515, -2.0, dbl_max},
                                          8);
  for (double s : special_inputs()) x.push_back(s);
  for (int k = 1; k <= 1074; ++k) {
    // Near -1 (-1 + 2^-k, exact for k <= 53) and near 0, at every power of two.
    const double power = std::ldexp(1.0, -k);
    for (double c : with_neighbours({-1.0 + std::ldexp(1.0, -std::min(k, 53)), power, -power}, 2)) x.push_back(c);
  }
  // Every power of two up to the largest, where the exponent of 1 + x changes, with neighbours.
  for (int k = 0; k <= 1023; ++k)
    for (double c : with_neighbours({std::ldexp(1.0, k), std::ldexp(1.0, k) - 1.0}, 2)) x.push_back(c);
  for (int k = 0; k <= 100'000; ++k) x.push_back(k);  // whole numbers, as feature values often are
  std::mt19937_64 rng(20240613);
  add_uniform(x, rng, 800'000, -1.0, 1e3);
  add_uniform(x, rng, 100'000, -0.5, 1.0);
  // Where the error peaks: 1 + x just inside the reduction's switches, sqrt(2)/2 and sqrt(2).
  add_uniform(x, rng, 200'000, -0.31, -0.28);
  add_uniform(x, rng, 200'000, 0.38, 0.42);
  // Every bit pattern of the positive doubles, subnormals to the largest.
  std::uniform_int_distribution<std::uint64_t> positive(1, std::bit_cast<std::uint64_t>(dbl_max));
  for (int i = 0; i < 500'000; ++i) x.push_back(std::bit_cast<double>(positive(rng)));
  // Near 0, both signs, every binade from 2^-60 to 1, and near -1 (-1 + 2^-k), likewise.
  add_bit_uniform(x, rng, 300'000, 0x1p-60, 1.0);
  std::uniform_int_distribution<std::uint64_t> above_minus_one(std::bit_cast<std::uint64_t>(0x1p-60),
                                                               std::bit_cast<std::uint64_t>(0.5));
  for (int i = 0; i < 200'000; ++i) x.push_back(-1.0 + std::bit_cast<double>(above_minus_one(rng)));
  add_any_bits(x, rng, 100'000);
  return x;
}

struct Function {
  const char* name;
  double (*scalar)(double) noexcept;
  void (*array)(const vmath::Variant&, const double*, double*, std::size_t);
  long double (*reference)(double);
  double max_ulps;  ///< the promise: exp and log1p below 1, softplus at most 2
  bool strict;      ///< whether the error must stay below max_ulps rather than at most
};

void exp_array(const vmath::Variant& v, const double* x, double* out, std::size_t n) { v.exp(x, out, n); }
void softplus_array(const vmath::Variant& v, const double* z, double* out, std::size_t n) { v.softplus(z, out, n); }
void log1p_array(const vmath::Variant& v, const double* x, double* out, std::size_t n) { v.log1p(x, out, n); }

const Function exp_function{"exp", vmath::exp, exp_array, exp_reference, 1.0, true};
const Function softplus_function{"softplus", vmath::softplus, softplus_array, softplus_reference, 2.0, false};
const Function log1p_function{"log1p", vmath::log1p, log1p_array, log1p_reference, 1.0, true};

struct Worst {
  double ulps = 0;
  double input = 0;
};

Worst worst_error(const std::vector<double>& inputs, const std::vector<double>& outputs,
                  const std::vector<long double>& exact) {
  Worst worst;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const double e = ulp_error(outputs[i], exact[i]);
    if (!(e <= worst.ulps)) worst = {e, inputs[i]};
  }
  return worst;
}

void check_accuracy(const Function& f, const std::vector<double>& inputs) {
  ASSERT_GE(inputs.size(), 2'000'000u);
  std::vector<long double> exact(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) exact[i] = f.reference(inputs[i]);

  const auto report = [&](const std::string& form, Worst worst) {
    std::printf("[  vmath   ] %-8s %-9s max error %.4f ulp at %.17g (%zu inputs)\n", f.name, form.c_str(), worst.ulps,
                worst.input, inputs.size());
    if (f.strict)
      EXPECT_LT(worst.ulps, f.max_ulps) << f.name << ' ' << form << " at " << worst.input;
    else
      EXPECT_LE(worst.ulps, f.max_ulps) << f.name << ' ' << form << " at " << worst.input;
  };

  std::vector<double> scalar(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) scalar[i] = f.scalar(inputs[i]);
  report("scalar", worst_error(inputs, scalar, exact));

  for (const vmath::Variant& variant : vmath::variants()) {
    std::vector<double> array(inputs.size());
    f.array(variant, inputs.data(), array.data(), inputs.size());
    report(variant.name, worst_error(inputs, array, exact));
    std::size_t differing = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (!same_bits(array[i], scalar[i]) && differing++ < 5)
        ADD_FAILURE() << f.name << ' ' << variant.name << " array form differs from the scalar form at "
                      << inputs[i] << ": " << array[i] << " against " << scalar[i];
    }
    EXPECT_EQ(differing, 0u) << f.name << ' ' << variant.name;
  }
}

TEST(VectorMath, ExpAccuracyAndIdentityOverTheWholeRange) { check_accuracy(exp_function, exp_inputs()); }

TEST(VectorMath, SoftplusAccuracyAndIdentityOverTheWholeRange) {
  check_accuracy(softplus_function, softplus_inputs());
}

TEST(VectorMath, Log1pAccuracyAndIdentityOverTheWholeRange) { check_accuracy(log1p_function, log1p_inputs()); }

/// Every length from 0 to 40 at offsets 0 to 7 from an aligned buffer, out of place (leaving the
/// rest of the output untouched) and in place, against the scalar form. The pool's ordinary
/// values are drawn from [pool_min, 800].
void check_lengths_and_offsets(const Function& f, double pool_min = -800.0) {
  std::vector<double> pool = special_inputs();
  std::mt19937_64 rng(7);
  add_uniform(pool, rng, 64, pool_min, 800.0);
  std::shuffle(pool.begin(), pool.end(), rng);
  constexpr double untouched = -12345.0;
  for (const vmath::Variant& variant : vmath::variants()) {
    for (std::size_t offset = 0; offset < 8; ++offset) {
      for (std::size_t n = 0; n <= 40; ++n) {
        alignas(64) double in[56], out[56];
        std::fill(std::begin(out), std::end(out), untouched);
        for (std::size_t i = 0; i < n; ++i) in[offset + i] = pool[(i + 3 * n + offset) % pool.size()];
        f.array(variant, in + offset, out + offset, n);
        for (std::size_t i = 0; i < 56; ++i) {
          if (i < offset || i >= offset + n) {
            ASSERT_EQ(out[i], untouched) << variant.name << " wrote outside its output, n " << n;
            continue;
          }
          const double expected = f.scalar(in[i]);
          ASSERT_TRUE(same_bits(out[i], expected))
              << f.name << ' ' << variant.name << " n " << n << " offset " << offset << " at " << in[i] << ": "
              << out[i] << " against " << expected;
        }
        f.array(variant, in + offset, in + offset, n);  // in place
        for (std::size_t i = 0; i < n; ++i)
          ASSERT_TRUE(same_bits(in[offset + i], out[offset + i])) << f.name << ' ' << variant.name << " in place";
      }
    }
  }
}

TEST(VectorMath, ExpArraysOfEveryLengthAndOffsetMatchTheScalarForm) { check_lengths_and_offsets(exp_function); }

TEST(VectorMath, SoftplusArraysOfEveryLengthAndOffsetMatchTheScalarForm) {
  check_lengths_and_offsets(softplus_function);
}

TEST(VectorMath, Log1pArraysOfEveryLengthAndOffsetMatchTheScalarForm) {
  check_lengths_and_offsets(log1p_function, -1.0);
}

/// `cases` through the scalar form and through every variant's array form, each case placed in a
/// vector's lanes (and in the scalar tail) by repetition.
void check_exact(const Function& f, const std::vector<std::pair<double, double>>& cases) {
  for (const auto& [input, expected] : cases) {
    const double scalar = f.scalar(input);
    EXPECT_TRUE(same_bits(scalar, expected)) << f.name << '(' << input << ") = " << scalar << ", not " << expected;
    std::vector<double> in(19, input), out(19);
    for (const vmath::Variant& variant : vmath::variants()) {
      f.array(variant, in.data(), out.data(), in.size());
      for (double got : out)
        EXPECT_TRUE(same_bits(got, expected))
            << f.name << ' ' << variant.name << '(' << input << ") = " << got << ", not " << expected;
    }
  }
}

TEST(VectorMath, ExpSpecialValues) {
  const double smallest_subnormal = denorm_min;
  check_exact(exp_function, {{0.0, 1.0},
                             {-0.0, 1.0},
                             {denorm_min, 1.0},
                             {-denorm_min, 1.0},
                             {1e-300, 1.0},
                             {inf, inf},
                             {-inf, 0.0},
                             {nan, nan},
                             {-nan, nan},
                             {1.0, 2.718281828459045},    // e, correctly rounded
                             {-1.0, 0.36787944117144233},  // 1/e, correctly rounded
                             {std::nextafter(exp_last_finite, inf), inf},
                             {710.0, inf},
                             {1e300, inf},
                             {dbl_max, inf},
                             {exp_last_zero, 0.0},
                             {std::nextafter(exp_last_zero, inf), smallest_subnormal},
                             {-746.0, 0.0},
                             {-1e300, 0.0},
                             {-dbl_max, 0.0}});
  EXPECT_TRUE(std::isfinite(vmath::exp(exp_last_finite)));
  EXPECT_GT(vmath::exp(exp_last_finite), 0.9999999999999 * dbl_max);
  EXPECT_FALSE(std::signbit(vmath::exp(-inf)));
}

TEST(VectorMath, SoftplusSpecialValues) {
  std::vector<std::pair<double, double>> cases = {
      {0.0, 0.6931471805599453},  // ln 2, correctly rounded
      {-0.0, 0.6931471805599453},
      {inf, inf},
      {-inf, 0.0},
      {nan, nan},
      {-nan, nan},
      {-746.0, 0.0},
      {-1e300, 0.0},
      {-dbl_max, 0.0},
      {exp_last_zero, 0.0},
  };
  // Far above zero, z + ln(1 + e^-z) rounds to z: e^-z is below half an ulp of z from z = 34 on.
  for (double z : {34.0, 37.0, 37.5, 100.0, 709.0, 745.0, 1e10, 1e300, dbl_max}) cases.push_back({z, z});
  // Far below zero, ln(1 + e^z) rounds to e^z (as exp rounds it, subnormal or not).
  for (double z : {-40.0, -100.0, -700.0, -740.0, -745.0}) cases.push_back({z, vmath::exp(z)});
  check_exact(softplus_function, cases);
  EXPECT_EQ(vmath::softplus(-745.0), denorm_min);  // e^-745 = 4.94e-324 to three figures
  EXPECT_FALSE(std::signbit(vmath::softplus(-inf)));
}

TEST(VectorMath, Log1pSpecialValues) {
  std::vector<std::pair<double, double>> cases = {
      {0.0, 0.0},
      {-0.0, -0.0},
      {-1.0, -inf},
      {std::nextafter(-1.0, -inf), nan},
      {-2.0, nan},
      {-1e300, nan},
      {-dbl_max, nan},
      {-inf, nan},
      {inf, inf},
      {nan, nan},
      {-nan, nan},
      {1.0, 0.6931471805599453},  // ln 2, correctly rounded
      {dbl_max, 709.782712893384},  // ln of the largest double, correctly rounded
      // 1 + x = 2^-53: -53 ln 2, correctly rounded
      {std::nextafter(-1.0, 0.0), static_cast<double>(-53 * std::log(2.0L))},
  };
  // x itself below 2^-54 in magnitude: the subnormals, the smallest normals, tiny values.
  for (double x : {denorm_min, -denorm_min, 0x1p-1074 * 12345, DBL_MIN, -DBL_MIN, 1e-300, -1e-300, 1e-20, -1e-20,
                   std::nextafter(0x1p-54, 0.0), -std::nextafter(0x1p-54, 0.0)})
    cases.push_back({x, x});
  check_exact(log1p_function, cases);
  EXPECT_TRUE(std::signbit(vmath::log1p(-0.0)));
  EXPECT_FALSE(std::signbit(vmath::log1p(0.0)));
}

TEST(VectorMath, VariantsAreListedWidestFirstAndEndWithTheBaseline) {
  const auto variants = vmath::variants();
  ASSERT_FALSE(variants.empty());
  EXPECT_EQ(std::string(variants.back().name), "baseline");
  std::string names;
  for (const auto& v : variants) names += std::string(names.empty() ? "" : ", ") + v.name;
  std::printf("[  vmath   ] variants on this processor: %s\n", names.c_str());
}

}  // namespace
