// The caseload simulator with the default model and profile: cases per second, in blocks of
// 100,000 cases written into a reused caseload (as a benchmark or a file writer would stream
// them), with 1 and 2 threads; and 10,000,000 cases in one pass of such blocks.
#include <pact/simulation.hpp>

#include <benchmark/benchmark.h>

namespace {

void run(benchmark::State& state, std::size_t total) {
  pact::SimulationOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  options.monthly_dropout = 0.01;
  const pact::CaseloadSimulator simulator(pact::RiskModel::bundled(), options);
  constexpr std::size_t block = 100000;
  pact::SimulatedCaseload caseload;
  std::size_t first = 0;
  for (auto _ : state) {
    for (std::size_t done = 0; done < total; done += block) {
      simulator.generate(first, std::min(block, total - done), caseload);
      first += block;
      benchmark::DoNotOptimize(caseload.responses.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * total));
}

void BM_Simulate100k(benchmark::State& state) { run(state, 100000); }
void BM_Simulate10M(benchmark::State& state) { run(state, 10000000); }

BENCHMARK(BM_Simulate100k)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Simulate10M)->Arg(1)->Arg(2)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
