// pact internal: split a range of rows into contiguous chunks and run them on threads.
#ifndef PACT_DETAIL_PARALLEL_HPP
#define PACT_DETAIL_PARALLEL_HPP

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace pact::detail {

/// The number of workers to use for `threads` (0 = all hardware threads) and `rows` rows, with
/// at least `min_rows_per_worker` rows each so that small batches stay on the calling thread.
inline unsigned worker_count(unsigned threads, std::size_t rows, std::size_t min_rows_per_worker) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t useful = std::max<std::size_t>(1, rows / std::max<std::size_t>(1, min_rows_per_worker));
  return static_cast<unsigned>(std::min<std::size_t>(threads, useful));
}

/// Calls fn(begin, end, worker) on `workers` contiguous chunks of [0, rows), worker 0 on the
/// calling thread. Chunk boundaries depend only on rows and workers, so results written by row
/// are identical whatever the thread count. The first exception thrown by a chunk is rethrown.
template <class Fn>
void parallel_chunks(std::size_t rows, unsigned workers, Fn&& fn) {
  if (workers <= 1 || rows == 0) {
    fn(std::size_t{0}, rows, 0u);
    return;
  }
  std::vector<std::exception_ptr> errors(workers);
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  auto run = [&](unsigned w) {
    const std::size_t begin = rows * w / workers;
    const std::size_t end = rows * (w + 1) / workers;
    try {
      fn(begin, end, w);
    } catch (...) {
      errors[w] = std::current_exception();
    }
  };
  for (unsigned w = 1; w < workers; ++w) pool.emplace_back(run, w);
  run(0);
  for (auto& t : pool) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace pact::detail

#endif  // PACT_DETAIL_PARALLEL_HPP
