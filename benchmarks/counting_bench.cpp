// Population measures by the Alkire-Foster counting method over the dimension scores of a
// scored caseload of 1,000,000 cases (PACT_BENCH_ROWS): M0 and M2, for the whole population and
// decomposed by 8 subgroups, from a scores matrix (alkire_foster_from_scores) and streamed row
// by row with string group labels (CountingByGroup, what `pact measure --by` does).
#include "bench_support.hpp"

#include <pact/counting.hpp>
#include <pact/scoring.hpp>

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

struct Caseload {
  std::size_t rows = 0;
  std::vector<double> scores;  // rows x dimensions, as score_batch writes them
  pact::Groups groups;
  std::vector<std::string> labels;
};

const Caseload& caseload() {
  static const Caseload c = [] {
    const auto& instrument = pact::Instrument::bundled();
    Caseload out;
    out.rows = static_cast<std::size_t>(pact_bench::batch_rows());
    const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
    const auto responses = pact_bench::make_responses(instrument, out.rows, 7);
    out.scores.resize(out.rows * dims);
    pact::BatchOutputs o;
    o.dimension_scores = out.scores.data();
    pact::score_batch(instrument,
                      pact::view_rows(responses.data(), static_cast<std::ptrdiff_t>(out.rows),
                                      static_cast<std::ptrdiff_t>(items), static_cast<std::ptrdiff_t>(items)),
                      o, 0);
    out.labels.reserve(out.rows);
    for (std::size_t i = 0; i < out.rows; ++i) out.labels.push_back("territory-" + std::to_string(i % 8));
    out.groups = pact::Groups::from_labels(out.labels);
    return out;
  }();
  return c;
}

pact::ConstRowMatrixView scores_view(const Caseload& c) {
  const auto dims = static_cast<std::ptrdiff_t>(pact::Instrument::bundled().dimension_count());
  return pact::view_rows(c.scores.data(), static_cast<std::ptrdiff_t>(c.rows), dims, dims);
}

// Args: alpha, whether to decompose by the 8 groups.
void BM_AlkireFosterFromScores(benchmark::State& state) {
  const auto& instrument = pact::Instrument::bundled();
  const Caseload& c = caseload();
  const pact::CountingOptions options{1.0 / 3.0, static_cast<int>(state.range(0))};
  const pact::Groups* groups = state.range(1) ? &c.groups : nullptr;
  for (auto _ : state) {
    const auto result = pact::alkire_foster_from_scores(instrument, scores_view(c), options, groups);
    benchmark::DoNotOptimize(result.total.M);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(c.rows));
}
BENCHMARK(BM_AlkireFosterFromScores)
    ->Args({0, 0})
    ->Args({0, 1})
    ->Args({2, 1})
    ->ArgNames({"alpha", "groups"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Row by row with the group named by a string per row, as a file is streamed.
void BM_CountingByGroupStreamed(benchmark::State& state) {
  const auto& instrument = pact::Instrument::bundled();
  const Caseload& c = caseload();
  const std::size_t dims = instrument.dimension_count();
  for (auto _ : state) {
    pact::CountingByGroup counting(instrument, {1.0 / 3.0, 0});
    for (std::size_t i = 0; i < c.rows; ++i) counting.add(c.scores.data() + i * dims, c.labels[i]);
    const auto result = counting.result();
    benchmark::DoNotOptimize(result.total.M);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(c.rows));
}
BENCHMARK(BM_CountingByGroupStreamed)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
