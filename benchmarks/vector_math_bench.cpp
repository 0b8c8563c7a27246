// pact's exp, softplus and log1p (pact/detail/vector_math.hpp) against libm, ns per value over
// 4096 values: the array forms (the widest variant this processor runs), the scalar forms in a
// loop, and a loop of std::exp, of softplus built on std::log1p and std::exp, and of std::log1p.
// Run with --benchmark_repetitions=5: the comparison is only fair side by side in one run.
#include "pact/detail/vector_math.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

namespace {

namespace vmath = pact::detail::vmath;

constexpr std::size_t values = 4096;

/// Arguments like the risk kernels' (linear predictors and cumulative hazards of a few units, in
/// [-10, 10]) or the features' (months of minimum income and the like, in [0, 500]).
std::vector<double> inputs(double lo, double hi) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> x(lo, hi);
  std::vector<double> v(values);
  for (double& d : v) d = x(rng);
  return v;
}

double libm_softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

template <class Fill>
void run(benchmark::State& state, Fill fill, double lo = -10.0, double hi = 10.0) {
  const std::vector<double> in = inputs(lo, hi);
  std::vector<double> out(values);
  for (auto _ : state) {
    fill(in.data(), out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * values));
  // ns per value, as the report's rate column would give it inverted.
  state.counters["ns_per_value"] =
      benchmark::Counter(static_cast<double>(values), benchmark::Counter::kIsIterationInvariantRate |
                                                          benchmark::Counter::kInvert);
}

void BM_ExpArray(benchmark::State& state) {
  run(state, [](const double* x, double* out) { vmath::exp(x, out, values); });
}
void BM_ExpScalarLoop(benchmark::State& state) {
  run(state, [](const double* x, double* out) {
    for (std::size_t i = 0; i < values; ++i) out[i] = vmath::exp(x[i]);
  });
}
void BM_ExpLibm(benchmark::State& state) {
  run(state, [](const double* x, double* out) {
    for (std::size_t i = 0; i < values; ++i) out[i] = std::exp(x[i]);
  });
}
void BM_SoftplusArray(benchmark::State& state) {
  run(state, [](const double* z, double* out) { vmath::softplus(z, out, values); });
}
void BM_SoftplusScalarLoop(benchmark::State& state) {
  run(state, [](const double* z, double* out) {
    for (std::size_t i = 0; i < values; ++i) out[i] = vmath::softplus(z[i]);
  });
}
void BM_SoftplusLibm(benchmark::State& state) {
  run(state, [](const double* z, double* out) {
    for (std::size_t i = 0; i < values; ++i) out[i] = libm_softplus(z[i]);
  });
}

void BM_Log1pArray(benchmark::State& state) {
  run(state, [](const double* x, double* out) { vmath::log1p(x, out, values); }, 0.0, 500.0);
}
void BM_Log1pScalarLoop(benchmark::State& state) {
  run(
      state,
      [](const double* x, double* out) {
        for (std::size_t i = 0; i < values; ++i) out[i] = vmath::log1p(x[i]);
      },
      0.0, 500.0);
}
void BM_Log1pLibm(benchmark::State& state) {
  run(
      state,
      [](const double* x, double* out) {
        for (std::size_t i = 0; i < values; ++i) out[i] = std::log1p(x[i]);
      },
      0.0, 500.0);
}

BENCHMARK(BM_ExpArray);
BENCHMARK(BM_ExpScalarLoop);
BENCHMARK(BM_ExpLibm);
BENCHMARK(BM_SoftplusArray);
BENCHMARK(BM_SoftplusScalarLoop);
BENCHMARK(BM_SoftplusLibm);
BENCHMARK(BM_Log1pArray);
BENCHMARK(BM_Log1pScalarLoop);
BENCHMARK(BM_Log1pLibm);

}  // namespace

BENCHMARK_MAIN();
