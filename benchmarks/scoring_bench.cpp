// Batch and single-case scoring of the default instrument on synthetic valid responses, and the
// plain read of the same response matrix that bounds any batch scoring from above.
#include "bench_support.hpp"

#include <pact/scoring.hpp>

#include <benchmark/benchmark.h>

#include <vector>

namespace {

void BM_ScoreBatch(benchmark::State& state) {
  const auto& instrument = pact::Instrument::bundled();
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
  const auto data = pact_bench::make_responses(instrument, rows, 7);
  std::vector<double> scores(rows * dims), composite(rows), depr(rows);
  std::vector<std::int32_t> level(rows), status(rows), error_item(rows);
  pact::BatchOutputs out;
  out.dimension_scores = scores.data();
  out.composite = composite.data();
  out.level = level.data();
  out.deprivation_score = depr.data();
  out.status = status.data();
  out.error_item = error_item.data();
  const auto view = pact::view_rows(data.data(), static_cast<std::ptrdiff_t>(rows), static_cast<std::ptrdiff_t>(items),
                                    static_cast<std::ptrdiff_t>(items));
  for (auto _ : state) {
    auto summary = pact::score_batch(instrument, view, out, threads);
    benchmark::DoNotOptimize(summary);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * rows * items * sizeof(double)));
  state.counters["assessments_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations() * rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScoreBatch)
    ->Args({pact_bench::batch_rows(), 1})
    ->Args({pact_bench::batch_rows(), 2})
    ->ArgNames({"rows", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One thread reading the same matrix and nothing else: BM_ScoreBatch's bytes_per_second over
// this one's is the share of the memory bandwidth that scoring reaches.
void BM_ReadMatrix(benchmark::State& state) {
  const auto& instrument = pact::Instrument::bundled();
  const auto rows = static_cast<std::size_t>(state.range(0));
  const std::size_t items = instrument.item_count();
  const auto data = pact_bench::make_responses(instrument, rows, 7);
  for (auto _ : state) benchmark::DoNotOptimize(pact_bench::read_all(data.data(), data.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * rows * items * sizeof(double)));
}
BENCHMARK(BM_ReadMatrix)->Arg(pact_bench::batch_rows())->ArgName("rows")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ScoreOne(benchmark::State& state) {
  const auto& instrument = pact::Instrument::bundled();
  const auto data = pact_bench::make_responses(instrument, 1024, 11);
  const std::size_t items = instrument.item_count();
  pact::CaseScores out;
  std::size_t i = 0;
  for (auto _ : state) {
    pact::score_into(instrument, std::span<const double>(data.data() + (i++ % 1024) * items, items), out);
    benchmark::DoNotOptimize(out.composite);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ScoreOne);

}  // namespace

BENCHMARK_MAIN();
