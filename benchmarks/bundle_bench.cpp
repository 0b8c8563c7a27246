// Loading the default instrument and risk model (models/pact-instrument.json and
// models/pact-chronicity.json) from their JSON against loading them from a compiled bundle, in
// memory and from files. The bundle should load at least five times faster (docs/formats.md,
// "Compiled bundles").
#include <pact/bundle.hpp>
#include <pact/risk_model.hpp>

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::filesystem::path models = std::filesystem::path(PACT_SOURCE_DIR) / "models";

// Everything the JSON path does: parse, validate and hash the instrument, then the model.
void BM_LoadJson(benchmark::State& state) {
  const std::string instrument_json = read_text(models / "pact-instrument.json");
  const std::string model_json = read_text(models / "pact-chronicity.json");
  for (auto _ : state) {
    const auto instrument = pact::Instrument::parse(instrument_json);
    const auto model = pact::RiskModel::parse(model_json, instrument);
    benchmark::DoNotOptimize(model.hash().data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(instrument_json.size() + model_json.size()));
}
BENCHMARK(BM_LoadJson)->Unit(benchmark::kMicrosecond);

// Everything the bundle path does: check the header and checksum, read, check and compile.
void BM_LoadBundle(benchmark::State& state) {
  const std::string bytes = pact::bundle_bytes(pact::RiskModel::bundled());
  for (auto _ : state) {
    const auto model = pact::parse_bundle(bytes);
    benchmark::DoNotOptimize(model.hash().data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_LoadBundle)->Unit(benchmark::kMicrosecond);

// The part of BM_LoadBundle spent on the header and the SHA-256 of the payload.
void BM_BundleChecksumOnly(benchmark::State& state) {
  const std::string bytes = pact::bundle_bytes(pact::RiskModel::bundled());
  for (auto _ : state) benchmark::DoNotOptimize(pact::read_bundle_header(bytes).payload_bytes);
}
BENCHMARK(BM_BundleChecksumOnly)->Unit(benchmark::kMicrosecond);

// From files, as a program starts: the two JSON files, or one bundle file.
void BM_LoadJsonFiles(benchmark::State& state) {
  for (auto _ : state) {
    const auto instrument = pact::Instrument::load(models / "pact-instrument.json");
    const auto model = pact::RiskModel::load(models / "pact-chronicity.json", instrument);
    benchmark::DoNotOptimize(model.hash().data());
  }
}
BENCHMARK(BM_LoadJsonFiles)->Unit(benchmark::kMicrosecond);

void BM_LoadBundleFile(benchmark::State& state) {
  const auto file = std::filesystem::temp_directory_path() / "pact_bench_default.bundle";
  pact::write_bundle(file, pact::RiskModel::bundled());
  for (auto _ : state) {
    const auto model = pact::read_bundle(file);
    benchmark::DoNotOptimize(model.hash().data());
  }
  std::filesystem::remove(file);
}
BENCHMARK(BM_LoadBundleFile)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
