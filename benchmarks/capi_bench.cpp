// The latency of scoring one assessment through the C API (libpact.so, as a host calls it) with
// the default instrument and chronicity model, on tests/data/assessments/pact-example.json:
//  - from a dense row: pact_model_score_batch with rows = 1 (target: median under 2 us);
//  - from JSON text: pact_model_score_json, result JSON written and freed (target: under 30 us).
// The same without the model, and the C++ call under the dense-row path, show where time goes.
// Report medians:
//   pact_bench_capi --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
#include "pact.h"

#include <pact/formats/assessment_json.hpp>
#include <pact/risk_model.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

std::string example_json() {
  std::string text;
  if (std::FILE* f = std::fopen(PACT_SOURCE_DIR "/tests/data/assessments/pact-example.json", "rb")) {
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) text.append(buffer, n);
    std::fclose(f);
  }
  if (text.empty()) std::abort();
  return text;
}

// The example as a dense row, in instrument order.
std::vector<double> example_row() {
  return pact::read_assessment_json(pact::Instrument::bundled(), example_json()).responses;
}

pact_model* default_model() {
  pact_model* model = nullptr;
  if (pact_model_default(&model) != PACT_OK) std::abort();
  return model;
}

// The outputs the issue names: dimension scores, composite, level, deprivation count, risk, band.
struct RowOutputs {
  std::vector<double> scores = std::vector<double>(16);
  double composite = 0, deprivation = 0, risk = 0;
  std::int32_t level = 0, deprived = 0, band = 0, status = 0;

  pact_batch_output c(bool with_risk) {
    pact_batch_output out{};
    out.struct_size = sizeof out;
    out.dimension_scores = scores.data();
    out.composite = &composite;
    out.level = &level;
    out.deprivation_score = &deprivation;
    out.deprived_count = &deprived;
    out.status = &status;
    if (with_risk) {
      out.risk = &risk;
      out.band = &band;
    }
    return out;
  }
};

void BM_CApiDenseRow(benchmark::State& state) {
  pact_model* model = default_model();
  const std::vector<double> row = example_row();
  RowOutputs o;
  const pact_batch_output out = o.c(true);
  for (auto _ : state) {
    if (pact_model_score_batch(model, row.data(), 1, row.size(), 1, &out, nullptr) != PACT_OK) std::abort();
    benchmark::DoNotOptimize(o.risk);
  }
  pact_model_free(model);
}
BENCHMARK(BM_CApiDenseRow);

void BM_CApiJson(benchmark::State& state) {
  pact_model* model = default_model();
  const std::string text = example_json();
  for (auto _ : state) {
    char* result = nullptr;
    if (pact_model_score_json(model, text.data(), text.size(), "es", &result) != PACT_OK) std::abort();
    benchmark::DoNotOptimize(result);
    pact_string_free(result);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  pact_model_free(model);
}
BENCHMARK(BM_CApiJson);

void BM_CApiDenseRowInstrumentOnly(benchmark::State& state) {
  pact_model* model = default_model();
  const std::vector<double> row = example_row();
  RowOutputs o;
  const pact_batch_output out = o.c(false);
  for (auto _ : state) {
    if (pact_instrument_score_batch(pact_model_instrument(model), row.data(), 1, row.size(), 1, &out, nullptr) !=
        PACT_OK)
      std::abort();
    benchmark::DoNotOptimize(o.composite);
  }
  pact_model_free(model);
}
BENCHMARK(BM_CApiDenseRowInstrumentOnly);

void BM_CApiJsonInstrumentOnly(benchmark::State& state) {
  pact_model* model = default_model();
  const std::string text = example_json();
  for (auto _ : state) {
    char* result = nullptr;
    if (pact_instrument_score_json(pact_model_instrument(model), text.data(), text.size(), "es", &result) != PACT_OK)
      std::abort();
    benchmark::DoNotOptimize(result);
    pact_string_free(result);
  }
  pact_model_free(model);
}
BENCHMARK(BM_CApiJsonInstrumentOnly);

// The C++ call that pact_model_score_batch makes, without the C boundary.
void BM_CppDenseRow(benchmark::State& state) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const std::vector<double> row = example_row();
  RowOutputs o;
  pact::RiskBatchOutputs out;
  out.instrument.dimension_scores = o.scores.data();
  out.instrument.composite = &o.composite;
  out.instrument.level = &o.level;
  out.instrument.deprivation_score = &o.deprivation;
  out.instrument.deprived_count = &o.deprived;
  out.instrument.status = &o.status;
  out.probability = &o.risk;
  out.band = &o.band;
  const auto view = pact::view_rows(row.data(), 1, static_cast<std::ptrdiff_t>(row.size()),
                                    static_cast<std::ptrdiff_t>(row.size()));
  for (auto _ : state) {
    pact::score_risk_batch(model, view, out, 1);
    benchmark::DoNotOptimize(o.risk);
  }
}
BENCHMARK(BM_CppDenseRow);

}  // namespace

BENCHMARK_MAIN();
