// What the benchmark suites share: the batch size, synthetic valid responses, and the plain read
// of a response matrix that the batch scoring rates are compared with.
#ifndef PACT_BENCH_SUPPORT_HPP
#define PACT_BENCH_SUPPORT_HPP

#include <pact/assessment.hpp>
#include <pact/instrument.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <vector>

namespace pact_bench {

/// Rows per batch: 1,000,000 unless PACT_BENCH_ROWS says otherwise (the smoke tests run each
/// suite on a few thousand rows to prove that it works, not to time it).
inline std::int64_t batch_rows() {
  const char* env = std::getenv("PACT_BENCH_ROWS");
  const long long rows = env ? std::atoll(env) : 0;
  return rows > 0 ? rows : 1'000'000;
}

/// A row-major matrix of valid responses to every item. 10% of the optional items are missing,
/// except `always_answered` (the risk model's months in care, so that every row gets a risk).
inline std::vector<double> make_responses(const pact::Instrument& instrument, std::size_t rows, unsigned seed,
                                          std::size_t always_answered = std::numeric_limits<std::size_t>::max()) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t items = instrument.item_count();
  std::vector<double> data(rows * items, pact::missing);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < items; ++j) {
      const auto& item = instrument.items()[j];
      if (!item.required && j != always_answered && u(rng) < 0.1) continue;
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

/// Reads every byte of `count` doubles once and folds them into a checksum: the least work any
/// batch scoring of the same matrix must do, so its rate is what the memory system allows one
/// thread. The values are added as 64-bit integers (associative, unlike doubles) so that the
/// compiler may use its widest vector loads, in eight independent lanes.
inline std::uint64_t read_all(const double* data, std::size_t count) noexcept {
  std::uint64_t lane[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= count; i += 8)
    for (std::size_t k = 0; k < 8; ++k) lane[k] += std::bit_cast<std::uint64_t>(data[i + k]);
  for (; i < count; ++i) lane[0] += std::bit_cast<std::uint64_t>(data[i]);
  std::uint64_t sum = 0;
  for (std::uint64_t v : lane) sum += v;
  return sum;
}

}  // namespace pact_bench

#endif  // PACT_BENCH_SUPPORT_HPP
