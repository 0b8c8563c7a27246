// fit_logistic on 1,000,000 rows (PACT_BENCH_ROWS) x 30 columns (an intercept and 29 standard
// normal covariates), with 1 and 2 threads. benchmarks/compare.py times the same fit against
// statsmodels.
#include "bench_support.hpp"

#include <pact/fitting.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

struct Data {
  pact::RowMatrix X;
  std::vector<double> y;
};

const Data& data() {
  static const Data d = [] {
    const Eigen::Index n = pact_bench::batch_rows();
    constexpr Eigen::Index p = 30;
    Data out{pact::RowMatrix(n, p), std::vector<double>(static_cast<std::size_t>(n))};
    std::mt19937_64 rng(2024);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> uniform;
    std::vector<double> beta(p);
    beta[0] = -1.0;
    for (Eigen::Index j = 1; j < p; ++j) beta[static_cast<std::size_t>(j)] = uniform(rng) * 0.6 - 0.3;
    for (Eigen::Index i = 0; i < n; ++i) {
      out.X(i, 0) = 1.0;
      double eta = beta[0];
      for (Eigen::Index j = 1; j < p; ++j) {
        out.X(i, j) = normal(rng);
        eta += beta[static_cast<std::size_t>(j)] * out.X(i, j);
      }
      out.y[static_cast<std::size_t>(i)] = uniform(rng) < 1.0 / (1.0 + std::exp(-eta)) ? 1.0 : 0.0;
    }
    return out;
  }();
  return d;
}

void BM_FitLogistic(benchmark::State& state) {
  const Data& d = data();
  pact::FitOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  int iterations = 0;
  for (auto _ : state) {
    const auto fit = pact::fit_logistic(d.X, d.y, options);
    iterations = fit.iterations;
    benchmark::DoNotOptimize(fit.params.data());
  }
  state.counters["newton_iterations"] = iterations;
  state.counters["rows_per_second"] =
      benchmark::Counter(static_cast<double>(d.X.rows()) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FitLogistic)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
