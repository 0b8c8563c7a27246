// pact's exp, softplus and log1p (pact/detail/vector_math.hpp) against libm, ns per value over
// 4096 values: the array forms (the widest variant this processor runs), the scalar forms in a
// loop, and a loop of std::exp, of softplus built on std::log1p and std::exp, and of std::log1p.
// The *Latency benchmarks chain dependent calls instead, the scalar forms and the array forms on 1
// and 3 values, as the single-case path makes them.
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

/// Latency: a chain of dependent calls, x = f(x * tiny + c), so that each waits on the one before,
/// as the single-case path does. The argument stays near c (tiny keeps the previous result's
/// share small but nonzero, so the dependency is real). ns per call.
template <class F>
void latency(benchmark::State& state, F f, double c) {
  constexpr int chain = 256;
  double x = c;
  for (auto _ : state) {
    for (int i = 0; i < chain; ++i) x = f(x * 0x1p-40 + c);
    benchmark::DoNotOptimize(x);
  }
  state.counters["ns_per_call"] = benchmark::Counter(
      static_cast<double>(chain), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

/// The array forms on n values (1 or 3) at a time, chained the same way through the first value.
template <class F>
void latency_array(benchmark::State& state, F f, double c) {
  constexpr int chain = 256;
  const auto n = static_cast<std::size_t>(state.range(0));
  double in[3] = {c, c + 0.25, c + 0.5}, out[3] = {};
  for (auto _ : state) {
    for (int i = 0; i < chain; ++i) {
      f(in, out, n);
      in[0] = out[0] * 0x1p-40 + c;
    }
    benchmark::DoNotOptimize(out);
  }
  state.counters["ns_per_call"] = benchmark::Counter(
      static_cast<double>(chain), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_ExpLatency(benchmark::State& state) { latency(state, [](double x) { return vmath::exp(x); }, 1.3); }
void BM_ExpLatencyLibm(benchmark::State& state) { latency(state, [](double x) { return std::exp(x); }, 1.3); }
void BM_ExpLatencyArray(benchmark::State& state) {
  latency_array(state, [](const double* x, double* out, std::size_t n) { vmath::exp(x, out, n); }, 1.3);
}
void BM_SoftplusLatency(benchmark::State& state) {
  latency(state, [](double z) { return vmath::softplus(z); }, 1.3);
}
void BM_SoftplusLatencyLibm(benchmark::State& state) { latency(state, libm_softplus, 1.3); }
void BM_SoftplusLatencyArray(benchmark::State& state) {
  latency_array(state, [](const double* z, double* out, std::size_t n) { vmath::softplus(z, out, n); }, 1.3);
}
void BM_Log1pLatency(benchmark::State& state) { latency(state, [](double x) { return vmath::log1p(x); }, 1.3); }
void BM_Log1pLatencyLibm(benchmark::State& state) {
  latency(state, [](double x) { return std::log1p(x); }, 1.3);
}
void BM_Log1pLatencyArray(benchmark::State& state) {
  latency_array(state, [](const double* x, double* out, std::size_t n) { vmath::log1p(x, out, n); }, 1.3);
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
BENCHMARK(BM_ExpLatency);
BENCHMARK(BM_ExpLatencyLibm);
BENCHMARK(BM_ExpLatencyArray)->Arg(1)->Arg(3);
BENCHMARK(BM_SoftplusLatency);
BENCHMARK(BM_SoftplusLatencyLibm);
BENCHMARK(BM_SoftplusLatencyArray)->Arg(1)->Arg(3);
BENCHMARK(BM_Log1pLatency);
BENCHMARK(BM_Log1pLatencyLibm);
BENCHMARK(BM_Log1pLatencyArray)->Arg(1)->Arg(3);

}  // namespace

BENCHMARK_MAIN();
