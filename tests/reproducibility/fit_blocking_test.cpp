// A fit gives the same bits whatever cache sizes the processor reports: Eigen sizes its product
// blocks from them, and the first fit of a program pins them (detail::pin_eigen_blocking). The
// recalibration tutorial's model hash once changed between an AMD EPYC and an Intel Xeon for that
// reason. This executable holds nothing else, so that its test's first fit is the program's first.
#include "pact/fitting.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace {

bool same_bits(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

bool same_fit(const pact::LogisticFit& a, const pact::LogisticFit& b) {
  return same_bits(a.params, b.params) && same_bits(a.bse, b.bse) &&
         std::memcmp(&a.llf, &b.llf, sizeof(double)) == 0;
}

// What a processor with small caches would report: Eigen then sums a product in blocks of a
// depth other than with the pinned sizes, whatever the build's vector width. (The Xeon's 48 KiB
// and the EPYC's 32 KiB differ for a build for the baseline x86-64 vectors; not for every build.)
void report_small_caches() { Eigen::setCpuCacheSizes(8 * 1024, 256 * 1024, 2 * 1024 * 1024); }

TEST(FitBlocking, TheFirstFitPinsEigensCacheSizesSoThatEveryProcessorGetsTheSameBits) {
  // 4,096 rows: each 512-row block of the fit is one product, deeper than Eigen's blocks for an
  // 8 KiB cache.
  const Eigen::Index n = 4096, p = 12;
  std::mt19937_64 rng(20261124);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  pact::RowMatrix X(n, p);
  std::vector<double> y(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    double eta = -0.3;
    X(i, 0) = 1.0;
    for (Eigen::Index j = 1; j < p; ++j) {
      X(i, j) = normal(rng);
      eta += 0.15 * static_cast<double>(j % 4) * X(i, j);
    }
    y[static_cast<std::size_t>(i)] = uniform(rng) < 1.0 / (1.0 + std::exp(-eta)) ? 1.0 : 0.0;
  }

  report_small_caches();
  const pact::LogisticFit first = pact::fit_logistic(X, y);  // pins the sizes, then fits
  EXPECT_EQ(Eigen::l1CacheSize(), 32 * 1024);
  EXPECT_EQ(Eigen::l2CacheSize(), 1024 * 1024);
  const pact::LogisticFit again = pact::fit_logistic(X, y);
  EXPECT_TRUE(same_fit(first, again)) << "the first fit ran on the sizes the processor reported";

  // The check above can fail: once pinned, pact leaves the sizes alone, and with the small ones
  // the same fit rounds otherwise.
  report_small_caches();
  const pact::LogisticFit small = pact::fit_logistic(X, y);
  EXPECT_FALSE(same_fit(first, small)) << "this design does not tell the two blockings apart";
  EXPECT_LT((small.params - first.params).cwiseAbs().maxCoeff(), 1e-12);
}

}  // namespace
