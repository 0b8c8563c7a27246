// Batch and single-case scoring of the default instrument on synthetic valid responses.
#include <pact/scoring.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

// A matrix of valid responses to every item (10% of optional items missing).
std::vector<double> make_responses(const pact::Instrument& instrument, std::size_t rows, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t items = instrument.item_count();
  std::vector<double> data(rows * items, pact::missing);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < items; ++j) {
      const auto& item = instrument.items()[j];
      if (!item.required && u(rng) < 0.1) continue;
      double v = 0;
      switch (item.type) {
        case pact::ResponseType::ordinal:
          v = item.options[static_cast<std::size_t>(u(rng) * static_cast<double>(item.options.size()))].value;
          break;
        case pact::ResponseType::yes_no: v = u(rng) < 0.5 ? 0 : 1; break;
        default: {
          const double hi = std::isfinite(item.max_value) ? item.max_value : item.min_value + 200;
          v = std::floor(item.min_value + u(rng) * (hi - item.min_value));
        }
      }
      data[i * items + j] = v;
    }
  }
  return data;
}

void BM_ScoreBatch(benchmark::State& state) {
  const auto& instrument = pact::Instrument::bundled();
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
  const auto data = make_responses(instrument, rows, 7);
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
BENCHMARK(BM_ScoreBatch)->Args({1000000, 1})->Args({1000000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ScoreOne(benchmark::State& state) {
  const auto& instrument = pact::Instrument::bundled();
  const auto data = make_responses(instrument, 1024, 11);
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
