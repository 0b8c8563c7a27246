// CSV reading: pact's own reader against libcsv (Debian's libcsv-dev) on the same file of
// 1,000,000 assessments of the default instrument (PACT_BENCH_CSV_ROWS overrides the count),
// both fed 1 MiB at a time:
//   Tokenize   records and fields only;
//   Convert    plus every item field parsed with std::from_chars into a dense row;
//   Assessments  pact's CsvAssessmentReader: the above plus UTF-8, case id, date and response
//              checks, attributes and batches (what pact ships).
// Both tokenizers must report the same numbers of records and fields, or the run fails. Rates
// are per second of CPU time (each reader runs on one thread; the file is in the page cache), so
// that other work on a shared machine disturbs them less than wall-clock time.
#include <pact/formats.hpp>

#include <benchmark/benchmark.h>

#ifdef PACT_BENCH_HAVE_LIBCSV
#include <csv.h>
#endif

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr std::size_t chunk_bytes = std::size_t{1} << 20;

struct BenchFile {
  std::filesystem::path path;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::uint64_t fields = 0;  // per row

  BenchFile() {
    const auto& instrument = pact::Instrument::bundled();
    const char* env = std::getenv("PACT_BENCH_CSV_ROWS");
    rows = env ? std::strtoull(env, nullptr, 10) : 1000000;
    path = std::filesystem::temp_directory_path() / ("pact-csv-bench-" + std::to_string(::getpid()) + ".csv");
    std::ofstream out(path, std::ios::binary);
    std::string line = "case_id,date,territory,sex";
    for (const auto& item : instrument.items()) line.append(",").append(item.id);
    line += "\r\n";
    out << line;
    fields = 4 + instrument.item_count();
    static const char* territories[] = {"leon", "salamanca", "valladolid", "\"Castilla y Le\xc3\xb3n, norte\""};
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (std::uint64_t i = 0; i < rows; ++i) {
      line.clear();
      line.append("case-").append(std::to_string(i)).append(",2024-0").append(std::to_string(1 + i % 9));
      line.append("-1").append(std::to_string(i % 10)).append(",").append(territories[i % 4]);
      line.append(i % 2 ? ",f" : ",m");
      for (const auto& item : instrument.items()) {
        line += ',';
        if (!item.required && u(rng) < 0.1) continue;  // missing
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
        line += std::to_string(static_cast<long long>(v));
      }
      line += "\r\n";
      out << line;
    }
    out.close();
    bytes = std::filesystem::file_size(path);
  }
  ~BenchFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

const BenchFile& bench_file() {
  static const BenchFile file;
  return file;
}

void report(benchmark::State& state, const BenchFile& file) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * file.bytes));
  state.counters["rows_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(file.rows + 1),
                         benchmark::Counter::kIsRate);
  state.counters["file_MB"] = static_cast<double>(file.bytes) / 1e6;
}

void check_counts(benchmark::State& state, const BenchFile& file, std::uint64_t records, std::uint64_t fields) {
  if (records != file.rows + 1 || fields != records * file.fields)
    state.SkipWithError("the reader did not see every record and field");
}

double parse_field(const char* begin, const char* end) {
  double v = pact::missing;
  if (begin != end) std::from_chars(begin, end, v);
  return v;
}

void BM_Tokenize_Pact(benchmark::State& state) {
  const auto& file = bench_file();
  for (auto _ : state) {
    std::ifstream in(file.path, std::ios::binary);
    pact::CsvOptions options;
    options.buffer_bytes = chunk_bytes;
    pact::CsvRecordReader reader(in, options);
    pact::CsvRecord record;
    std::uint64_t records = 0, fields = 0;
    while (reader.next(record)) {
      ++records;
      fields += record.field_count;
    }
    check_counts(state, file, records, fields);
  }
  report(state, file);
}
BENCHMARK(BM_Tokenize_Pact)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Convert_Pact(benchmark::State& state) {
  const auto& file = bench_file();
  std::vector<double> row(file.fields);
  for (auto _ : state) {
    std::ifstream in(file.path, std::ios::binary);
    pact::CsvOptions options;
    options.buffer_bytes = chunk_bytes;
    pact::CsvRecordReader reader(in, options);
    pact::CsvRecord record;
    std::uint64_t records = 0, fields = 0;
    double sum = 0;
    while (reader.next(record)) {
      ++records;
      fields += record.field_count;
      for (std::size_t k = 4; k < record.fields.size() && records > 1; ++k) {
        const auto f = record.fields[k];
        row[k] = parse_field(f.data(), f.data() + f.size());
      }
      sum += row[4];
    }
    benchmark::DoNotOptimize(sum);
    check_counts(state, file, records, fields);
  }
  report(state, file);
}
BENCHMARK(BM_Convert_Pact)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Assessments_Pact(benchmark::State& state) {
  const auto& file = bench_file();
  const auto& instrument = pact::Instrument::bundled();
  for (auto _ : state) {
    pact::CsvReadOptions options;
    options.csv.buffer_bytes = chunk_bytes;
    pact::CsvAssessmentReader reader(instrument, file.path, options);
    pact::AssessmentBatch batch;
    while (reader.next(batch)) benchmark::DoNotOptimize(batch.size());
    if (reader.counts().accepted != file.rows) state.SkipWithError("rows were rejected");
  }
  report(state, file);
}
BENCHMARK(BM_Assessments_Pact)->Unit(benchmark::kMillisecond)->Iterations(3);

#ifdef PACT_BENCH_HAVE_LIBCSV

struct LibcsvCounts {
  std::uint64_t records = 0, fields = 0, field_in_record = 0;
  std::vector<double>* row = nullptr;
  double sum = 0;
};

int no_space(unsigned char) { return 0; }  // RFC 4180: spaces belong to the field

template <bool convert>
void libcsv_field(void* data, std::size_t size, void* counts_ptr) {
  auto& counts = *static_cast<LibcsvCounts*>(counts_ptr);
  if (convert && counts.records > 0 && counts.field_in_record >= 4) {
    const char* begin = static_cast<const char*>(data);
    (*counts.row)[counts.field_in_record] = parse_field(begin, begin + size);
  }
  ++counts.fields;
  ++counts.field_in_record;
}

void libcsv_record(int, void* counts_ptr) {
  auto& counts = *static_cast<LibcsvCounts*>(counts_ptr);
  if (counts.row) counts.sum += (*counts.row)[4];
  ++counts.records;
  counts.field_in_record = 0;
}

template <bool convert>
void run_libcsv(benchmark::State& state) {
  const auto& file = bench_file();
  std::vector<char> buffer(chunk_bytes);
  std::vector<double> row(file.fields);
  for (auto _ : state) {
    csv_parser parser;
    csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_space_func(&parser, no_space);
    LibcsvCounts counts;
    if (convert) counts.row = &row;
    std::FILE* in = std::fopen(file.path.c_str(), "rb");
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), in)) > 0)
      if (csv_parse(&parser, buffer.data(), n, libcsv_field<convert>, libcsv_record, &counts) != n)
        state.SkipWithError(csv_strerror(csv_error(&parser)));
    csv_fini(&parser, libcsv_field<convert>, libcsv_record, &counts);
    csv_free(&parser);
    std::fclose(in);
    benchmark::DoNotOptimize(counts.sum);
    check_counts(state, file, counts.records, counts.fields);
  }
  report(state, file);
}

void BM_Tokenize_Libcsv(benchmark::State& state) { run_libcsv<false>(state); }
BENCHMARK(BM_Tokenize_Libcsv)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Convert_Libcsv(benchmark::State& state) { run_libcsv<true>(state); }
BENCHMARK(BM_Convert_Libcsv)->Unit(benchmark::kMillisecond)->Iterations(3);

#endif  // PACT_BENCH_HAVE_LIBCSV

}  // namespace

BENCHMARK_MAIN();
