// Bounded memory: files of more than 50 MB stream through the CSV and JSON Lines readers (1 MiB
// read buffer), the batch scorer and the result writers while the memory in use stays within a
// fixed budget many times smaller than the file. This executable replaces the global operator
// new and delete to track the peak of the bytes they hold, and samples glibc's mallinfo2 (which
// also sees Eigen's matrices, allocated with malloc) after every batch.
#include "pact/formats.hpp"

#include "formats_test_support.hpp"

#include <gtest/gtest.h>

#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <streambuf>
#include <string>

namespace {

std::atomic<std::int64_t> live_bytes{0};
std::atomic<std::int64_t> peak_bytes{0};
std::atomic<std::uint64_t> allocation_count{0};

void note_allocation(void* p) {
  if (!p) return;
  const auto now = live_bytes.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p))) +
                   static_cast<std::int64_t>(malloc_usable_size(p));
  std::int64_t peak = peak_bytes.load();
  while (now > peak && !peak_bytes.compare_exchange_weak(peak, now)) {
  }
  allocation_count.fetch_add(1);
}

void note_release(void* p) {
  if (p) live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)));
}

// The replacement operators below pair malloc with free by design; once GCC inlines them into
// a new-expression it sees free() on memory from operator new and warns.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* allocate(std::size_t n, std::size_t alignment = 0) {
  void* p = nullptr;
  if (alignment > alignof(std::max_align_t)) {
    if (posix_memalign(&p, alignment, n ? n : 1) != 0) p = nullptr;
  } else {
    p = std::malloc(n ? n : 1);
  }
  note_allocation(p);
  return p;
}

void release(void* p) {
  note_release(p);
  std::free(p);
}

}  // namespace

void* operator new(std::size_t n) {
  if (void* p = allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = allocate(n, static_cast<std::size_t>(a))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }

namespace {

constexpr std::uint64_t file_bytes_at_least = 50u << 20;
constexpr std::size_t read_buffer = 1u << 20;
// What the pipeline may hold at once: the 1 MiB read buffer, a batch of 1024 rows (responses,
// texts, scores: well under 1 MiB for the default instrument), a record or line, the writer's
// chunk. Twelve times smaller than the file.
constexpr std::int64_t budget = 4 << 20;

std::int64_t malloc_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<std::int64_t>(info.uordblks + info.hblkhd);
}

// An output stream that counts what it is given and keeps none of it.
class CountingBuffer : public std::streambuf {
 public:
  std::uint64_t bytes = 0;

 protected:
  int_type overflow(int_type c) override {
    ++bytes;
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += static_cast<std::uint64_t>(n);
    return n;
  }
};

struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& suffix)
      : path(std::filesystem::temp_directory_path() / ("pact-memory-" + std::to_string(::getpid()) + suffix)) {}
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

// Writes rows until the file passes file_bytes_at_least; returns the rows written.
template <class RowText>
std::uint64_t write_large_file(const std::filesystem::path& path, const std::string& header, RowText row_text) {
  std::ofstream out(path, std::ios::binary);
  out << header;
  std::uint64_t bytes = header.size(), rows = 0;
  while (bytes < file_bytes_at_least + (1u << 20)) {
    const std::string row = row_text(rows);
    out << row;
    bytes += row.size();
    ++rows;
  }
  out.close();
  EXPECT_GT(std::filesystem::file_size(path), file_bytes_at_least);
  return rows;
}

struct Measurement {
  std::uint64_t rows_read = 0, rows_written = 0;
  std::int64_t new_peak = 0;            // peak bytes held through operator new, above the start
  std::int64_t malloc_peak = 0;         // largest malloc in-use after a batch, above the start
  std::uint64_t reading_allocations = 0;  // allocations inside next() and score() after the first batch
  std::uint64_t batches = 0;
};

// Opens the reader and streams the whole file through it, the scorer and a writer; the reader's
// own buffers count against the budget.
template <class Reader, class Options>
Measurement stream_through(const pact::Instrument& instrument, const std::filesystem::path& path,
                           const Options& options, bool csv_results, pact::ReadCounts& counts) {
  Measurement m;
  CountingBuffer sink_buffer;
  std::ostream sink(&sink_buffer);
  const std::int64_t new_start = live_bytes.load();
  const std::int64_t malloc_start = malloc_in_use();
  peak_bytes.store(new_start);
  {
    Reader reader(instrument, path, options);
    pact::AssessmentBatch batch;
    pact::ScoredBatch scored;
    pact::CsvResultWriter csv_writer(instrument, sink);
    pact::JsonlResultWriter jsonl_writer(instrument, sink);
    pact::ErrorCsvWriter errors(sink);
    for (;;) {
      const std::uint64_t before = allocation_count.load();
      const bool more = reader.next(batch);
      if (more) scored.score(instrument, batch);
      if (m.batches > 0) m.reading_allocations += allocation_count.load() - before;
      if (!more) break;
      ++m.batches;
      m.rows_read += batch.rows_read();
      if (csv_results)
        csv_writer.write(batch, scored);
      else
        jsonl_writer.write(batch, scored);
      errors.write(batch.errors());
      m.malloc_peak = std::max(m.malloc_peak, malloc_in_use() - malloc_start);
    }
    m.rows_written = csv_results ? csv_writer.rows_written() : jsonl_writer.rows_written();
    counts = reader.counts();
  }
  m.new_peak = peak_bytes.load() - new_start;
  EXPECT_GT(sink_buffer.bytes, 0u);
  return m;
}

TEST(FormatsMemory, ACsvFileOfMoreThan50MbStreamsWithinAFixedBudget) {
  const auto& instrument = pact::Instrument::bundled();
  const auto cases = pact_test::random_assessments(instrument, 1000, 53);
  const std::string sample = pact_test::assessments_csv(instrument, cases);
  const std::string header = sample.substr(0, sample.find("\r\n") + 2);
  std::vector<std::string> bodies;  // each row without its case id
  for (std::size_t start = header.size(); start < sample.size();) {
    const std::size_t end = sample.find("\r\n", start) + 2;
    const std::string row = sample.substr(start, end - start);
    bodies.push_back(row.substr(row.find(',')));
    start = end;
  }
  TempFile file(".csv");
  const std::uint64_t rows = write_large_file(file.path, header, [&](std::uint64_t i) {
    return "case-" + std::to_string(i) + bodies[i % bodies.size()];
  });

  pact::CsvReadOptions options;
  options.csv.buffer_bytes = read_buffer;
  options.batch_rows = 1024;
  pact::ReadCounts counts;
  const Measurement m = stream_through<pact::CsvAssessmentReader>(instrument, file.path, options, true, counts);
  EXPECT_EQ(m.rows_read, rows);
  EXPECT_EQ(m.rows_written, rows);
  EXPECT_EQ(counts.read, rows);
  EXPECT_EQ(counts.rejected, 0u);
  EXPECT_LT(m.new_peak, budget) << "peak bytes held through operator new";
  EXPECT_LT(m.malloc_peak, budget) << "malloc in use after a batch";
  // No allocation per row once the buffers have grown: a handful per batch (score_batch's
  // per-call scratch), not one per row.
  EXPECT_LT(m.reading_allocations, 8 * m.batches) << m.reading_allocations << " allocations for " << rows << " rows";
  std::printf("CSV: %llu bytes, %llu rows, %llu batches; peak operator new %lld bytes, malloc %lld bytes; "
              "%llu allocations while reading and scoring after the first batch\n",
              static_cast<unsigned long long>(std::filesystem::file_size(file.path)),
              static_cast<unsigned long long>(rows), static_cast<unsigned long long>(m.batches),
              static_cast<long long>(m.new_peak), static_cast<long long>(m.malloc_peak),
              static_cast<unsigned long long>(m.reading_allocations));
}

TEST(FormatsMemory, AJsonLinesFileOfMoreThan50MbStreamsWithinAFixedBudget) {
  const auto& instrument = pact::Instrument::bundled();
  const auto cases = pact_test::random_assessments(instrument, 1000, 59);
  std::vector<std::string> lines;
  for (auto a : cases) {
    a.case_id = "@";  // replaced per row below
    lines.push_back(pact::write_assessment_json(instrument, a) + "\n");
  }
  TempFile file(".jsonl");
  const std::uint64_t rows = write_large_file(file.path, "", [&](std::uint64_t i) {
    std::string line = lines[i % lines.size()];
    line.replace(line.find("\"@\""), 3, "\"case-" + std::to_string(i) + "\"");
    return line;
  });

  pact::JsonlReadOptions options;
  options.buffer_bytes = read_buffer;
  options.batch_rows = 1024;
  pact::ReadCounts counts;
  const Measurement m = stream_through<pact::JsonlAssessmentReader>(instrument, file.path, options, false, counts);
  EXPECT_EQ(m.rows_read, rows);
  EXPECT_EQ(counts.read, rows);
  EXPECT_EQ(counts.rejected, 0u);
  EXPECT_EQ(m.rows_written, rows);
  EXPECT_LT(m.new_peak, budget) << "peak bytes held through operator new";
  EXPECT_LT(m.malloc_peak, budget) << "malloc in use after a batch";
  std::printf("JSON Lines: %llu bytes, %llu rows; peak operator new %lld bytes, malloc %lld bytes\n",
              static_cast<unsigned long long>(std::filesystem::file_size(file.path)),
              static_cast<unsigned long long>(rows), static_cast<long long>(m.new_peak),
              static_cast<long long>(m.malloc_peak));
}

}  // namespace
