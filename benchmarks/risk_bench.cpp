// Batch and single-case chronicity-risk scoring with the default model (discrete hazard, 24-month
// horizon) on synthetic valid responses: instrument and risk in one pass.
#include "bench_support.hpp"

#include <pact/risk_model.hpp>

#include <benchmark/benchmark.h>

#include <vector>

namespace {

// Every row answers the months in care, so that every row gets a risk.
std::vector<double> make_responses(const pact::RiskModel& model, std::size_t rows, unsigned seed) {
  return pact_bench::make_responses(model.instrument(), rows, seed,
                                    model.duration_item().value_or(std::numeric_limits<std::size_t>::max()));
}

// With explained = 1, each row's imputed count and top three factors as well, as `pact score` and
// benchmarks/compare.py ask. With columns = 1, the same responses column by column (one contiguous
// array per item, as a DataFrame read from a file holds them), through ConstColumnsView.
void BM_RiskBatch(benchmark::State& state) {
  const auto& model = pact::RiskModel::bundled();
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  const bool explained = state.range(2) != 0;
  const bool by_columns = state.range(3) != 0;
  const std::size_t items = model.instrument().item_count(), dims = model.instrument().dimension_count();
  const auto data = make_responses(model, rows, 7);
  std::vector<double> scores(rows * dims), composite(rows), eta(rows), probability(rows);
  std::vector<std::int32_t> level(rows), status(rows), band(rows), risk_status(rows);
  std::vector<std::int32_t> imputed(explained ? rows : 0), top(explained ? rows * pact::max_top_factors : 0);
  pact::RiskBatchOutputs out;
  out.instrument.dimension_scores = scores.data();
  out.instrument.composite = composite.data();
  out.instrument.level = level.data();
  out.instrument.status = status.data();
  out.linear_predictor = eta.data();
  out.probability = probability.data();
  out.band = band.data();
  out.risk_status = risk_status.data();
  if (explained) {
    out.imputed_features = imputed.data();
    out.top_factors = top.data();
  }
  const auto view = pact::view_rows(data.data(), static_cast<std::ptrdiff_t>(rows), static_cast<std::ptrdiff_t>(items),
                                    static_cast<std::ptrdiff_t>(items));
  std::vector<double> column_data(by_columns ? rows * items : 0);
  std::vector<const double*> columns(items);
  for (std::size_t j = 0; j < items && by_columns; ++j) {
    for (std::size_t i = 0; i < rows; ++i) column_data[j * rows + i] = data[i * items + j];
    columns[j] = column_data.data() + j * rows;
  }
  for (auto _ : state) {
    auto summary = by_columns ? pact::score_risk_batch(model, pact::ConstColumnsView{columns, rows}, out, threads)
                              : pact::score_risk_batch(model, view, out, threads);
    benchmark::DoNotOptimize(summary);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.counters["rows_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations() * rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RiskBatch)
    ->Args({pact_bench::batch_rows(), 1, 0, 0})
    ->Args({pact_bench::batch_rows(), 2, 0, 0})
    ->Args({pact_bench::batch_rows(), 1, 1, 0})
    ->Args({pact_bench::batch_rows(), 1, 1, 1})
    ->ArgNames({"rows", "threads", "explained", "columns"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

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
BENCHMARK(BM_InstrumentOnlyBatch)->Arg(pact_bench::batch_rows())->ArgName("rows")->Unit(benchmark::kMillisecond)->UseRealTime();

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
