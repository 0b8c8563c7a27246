// What every fuzz target checks besides the sanitizers: the contract pact keeps whatever it is
// fed (docs/reliability.md). Input is refused only with a pact::Error that has a reason; any
// other exception escapes the target and libFuzzer reports it as a crash, with the input. What
// is accepted must be usable: it scores, the batch kernels agree with the single-case ones bit
// for bit, and it survives a round trip through its canonical or bundled form.
#ifndef PACT_TESTS_FUZZ_SUPPORT_HPP
#define PACT_TESTS_FUZZ_SUPPORT_HPP

#include "pact/error.hpp"
#include "pact/instrument.hpp"
#include "pact/matrix.hpp"
#include "pact/risk_model.hpp"
#include "pact/scoring.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace pact_fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// A broken promise: says which and aborts, which libFuzzer reports as a crash with the input.
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "pact fuzz: broken promise: %s\n", what);
  std::abort();
}

inline void require(bool ok, const char* what) {
  if (!ok) broken(what);
}

/// A refusal must say why.
inline void check_refusal(const pact::Error& e) { require(!e.reason().empty(), "an error without a reason"); }

/// Equal as bits, NaN included (scores must not depend on the path that computed them).
inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// The small instrument of the test data (items a1..c1), which the CSV and JSON Lines fixtures use.
inline const pact::Instrument& small_instrument() {
  static const pact::Instrument instrument = pact::Instrument::load(PACT_FUZZ_DATA_DIR "/instruments/small.json");
  return instrument;
}

/// Rows that exercise an instrument accepted by a loader: nothing answered, every item at its
/// lowest valid answer, every item at its highest, and a mix.
inline std::vector<std::vector<double>> probe_rows(const pact::Instrument& instrument) {
  const std::size_t items = instrument.item_count();
  std::vector<std::vector<double>> rows(4, std::vector<double>(items, pact::missing));
  for (std::size_t j = 0; j < items; ++j) {
    const pact::Item& item = instrument.items()[j];
    double low = 0.0, high = 1.0;
    if (item.type == pact::ResponseType::ordinal) {
      low = item.options.front().value;
      high = item.options.back().value;
    } else if (item.type != pact::ResponseType::yes_no) {
      low = item.min_value;
      high = std::isfinite(item.max_value) ? item.max_value : item.min_value + 1e6;
      if (item.type == pact::ResponseType::count) high = std::floor(high);
    }
    rows[1][j] = low;
    rows[2][j] = high;
    rows[3][j] = j % 2 ? low : high;
  }
  return rows;
}

/// Scores the probe rows one by one and as a batch; the two must agree bit for bit.
inline void score_probe_rows(const pact::Instrument& instrument) {
  const auto rows = probe_rows(instrument);
  const std::size_t items = instrument.item_count();
  std::vector<double> matrix;
  for (const auto& row : rows) matrix.insert(matrix.end(), row.begin(), row.end());
  std::vector<double> composite(rows.size());
  std::vector<std::int32_t> status(rows.size());
  pact::BatchOutputs out;
  out.composite = composite.data();
  out.status = status.data();
  pact::score_batch(instrument,
                    pact::view_rows(matrix.data(), static_cast<std::ptrdiff_t>(rows.size()),
                                    static_cast<std::ptrdiff_t>(items), static_cast<std::ptrdiff_t>(items)),
                    out);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (status[i] != 0) continue;  // a required item left unanswered in the first row
    const pact::CaseScores one = pact::score(instrument, rows[i]);
    require(same_bits(one.composite, composite[i]), "score and score_batch disagree on a composite");
  }
}

/// Scores the probe rows with a model one by one and as a batch; the two must agree bit for bit.
inline void risk_probe_rows(const pact::RiskModel& model) {
  const pact::Instrument& instrument = model.instrument();
  const auto rows = probe_rows(instrument);
  const std::size_t items = instrument.item_count();
  std::vector<double> matrix;
  for (const auto& row : rows) matrix.insert(matrix.end(), row.begin(), row.end());
  std::vector<double> probability(rows.size());
  std::vector<std::int32_t> risk_status(rows.size());
  pact::RiskBatchOutputs out;
  out.probability = probability.data();
  out.risk_status = risk_status.data();
  pact::score_risk_batch(model,
                         pact::view_rows(matrix.data(), static_cast<std::ptrdiff_t>(rows.size()),
                                         static_cast<std::ptrdiff_t>(items), static_cast<std::ptrdiff_t>(items)),
                         out);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (risk_status[i] != 0) continue;
    const pact::RiskResult one = pact::score_risk(model, std::span<const double>(rows[i]));
    require(same_bits(one.probability, probability[i]), "score_risk and score_risk_batch disagree on a probability");
  }
}

}  // namespace pact_fuzz

#endif  // PACT_TESTS_FUZZ_SUPPORT_HPP
