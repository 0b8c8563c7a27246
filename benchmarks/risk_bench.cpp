// Batch and single-case chronicity-risk scoring with the default model (discrete hazard, 24-month
// horizon) on synthetic valid responses: instrument and risk in one pass.
#include <pact/risk_model.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

// A matrix of valid responses to every item (10% of optional items missing, the months in care
// always answered so that every row gets a risk).
std::vector<double> make_responses(const pact::RiskModel& model, std::size_t rows, unsigned seed) {
  const auto& instrument = model.instrument();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t items = instrument.item_count();
  std::vector<double> data(rows * items, pact::missing);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < items; ++j) {
      const auto& item = instrument.items()[j];
      if (!item.required && j != model.duration_item() && u(rng) < 0.1) continue;
      double v = 0;
      switch (item.type) {
        case pact::ResponseType::ordinal:
          v = item.options[static_cast<std::size_t>(u(rng) * static_cast<double>(item.options.size()))].value;
          break;
        case pact::ResponseType::yes_no: v = u(rng) < 0.5 ? 0 : 1; break;
        default: {
          const double hi = std::isfinite(item.max_value) ? std::min(item.max_value, item.min_value + 120)
                                                          : item.min_value + 120;
          v = std::floor(item.min_value + u(rng) * (hi - item.min_value));
        }
      }
      data[i * items + j] = v;
    }
  }
  return data;
}

void BM_RiskBatch(benchmark::State& state) {
  const auto& model = pact::RiskModel::bundled();
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  const std::size_t items = model.instrument().item_count(), dims = model.instrument().dimension_count();
  const auto data = make_responses(model, rows, 7);
  std::vector<double> scores(rows * dims), composite(rows), eta(rows), probability(rows);
  std::vector<std::int32_t> level(rows), status(rows), band(rows), risk_status(rows);
  pact::RiskBatchOutputs out;
  out.instrument.dimension_scores = scores.data();
  out.instrument.composite = composite.data();
  out.instrument.level = level.data();
  out.instrument.status = status.data();
  out.linear_predictor = eta.data();
  out.probability = probability.data();
  out.band = band.data();
  out.risk_status = risk_status.data();
  const auto view = pact::view_rows(data.data(), static_cast<std::ptrdiff_t>(rows), static_cast<std::ptrdiff_t>(items),
                                    static_cast<std::ptrdiff_t>(items));
  for (auto _ : state) {
    auto summary = pact::score_risk_batch(model, view, out, threads);
    benchmark::DoNotOptimize(summary);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.counters["rows_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations() * rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RiskBatch)->Args({1000000, 1})->Args({1000000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

// The instrument alone on the same rows and outputs: what the risk adds is the difference.
void BM_InstrumentOnlyBatch(benchmark::State& state) {
  const auto& model = pact::RiskModel::bundled();
  const auto rows = static_cast<std::size_t>(state.range(0));
  const std::size_t items = model.instrument().item_count(), dims = model.instrument().dimension_count();
  const auto data = make_responses(model, rows, 7);
  std::vector<double> scores(rows * dims), composite(rows);
  std::vector<std::int32_t> level(rows), status(rows);
  pact::BatchOutputs out;
  out.dimension_scores = scores.data();
  out.composite = composite.data();
  out.level = level.data();
  out.status = status.data();
  const auto view = pact::view_rows(data.data(), static_cast<std::ptrdiff_t>(rows), static_cast<std::ptrdiff_t>(items),
                                    static_cast<std::ptrdiff_t>(items));
  for (auto _ : state) {
    auto summary = pact::score_batch(model.instrument(), view, out, 1);
    benchmark::DoNotOptimize(summary);
    benchmark::ClobberMemory();
  }
  state.counters["rows_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations() * rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InstrumentOnlyBatch)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

// One case with its explanation: contributions, survival curve, and the counterfactual search.
void BM_RiskOne(benchmark::State& state) {
  const auto& model = pact::RiskModel::bundled();
  const auto data = make_responses(model, 1024, 11);
  const std::size_t items = model.instrument().item_count();
  pact::RiskOptions options;
  options.counterfactual = state.range(0) != 0;
  std::size_t i = 0;
  for (auto _ : state) {
    auto result = pact::score_risk(model, std::span<const double>(data.data() + (i++ % 1024) * items, items), options);
    benchmark::DoNotOptimize(result.probability);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RiskOne)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
