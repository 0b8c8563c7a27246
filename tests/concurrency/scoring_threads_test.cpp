// Eight host threads share one instrument and one risk model, without locks, and score 1,000,000
// simulated cases between them, half through the batch kernel and half one case at a time; every
// output must equal, bit for bit, one sequential batch over the same cases. Built on its own so
// that the ThreadSanitizer build (.ci/sanitizers) runs it with nothing else; there the case count
// is the same unless PACT_CONCURRENCY_CASES says otherwise (docs/reliability.md).
#include "pact/risk_model.hpp"
#include "pact/scoring.hpp"
#include "pact/simulation.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr unsigned host_threads = 8;
constexpr std::size_t chunk_rows = 2000;     // rows per unit of work; chunks alternate between the two paths
constexpr std::size_t counterfactual_every = 64;  // one single-case row in 64 also searches a counterfactual

std::size_t case_count() {
  if (const char* text = std::getenv("PACT_CONCURRENCY_CASES")) return std::strtoull(text, nullptr, 10);
  return 1000000;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// Everything the scoring of one case gives, for rows x dims and rows x top factors.
struct Outputs {
  Outputs(std::size_t rows, std::size_t dimensions)
      : dims(dimensions),
        dimension_scores(rows * dimensions),
        composite(rows),
        deprivation(rows),
        level(rows),
        deprived_count(rows),
        status(rows),
        linear_predictor(rows),
        probability(rows),
        band(rows),
        risk_status(rows),
        imputed(rows),
        top(rows * pact::max_top_factors) {}

  /// The batch outputs of rows [begin, end).
  pact::RiskBatchOutputs batch_outputs(std::size_t begin) {
    pact::RiskBatchOutputs out;
    out.instrument.dimension_scores = dimension_scores.data() + begin * dims;
    out.instrument.composite = composite.data() + begin;
    out.instrument.deprivation_score = deprivation.data() + begin;
    out.instrument.level = level.data() + begin;
    out.instrument.deprived_count = deprived_count.data() + begin;
    out.instrument.status = status.data() + begin;
    out.linear_predictor = linear_predictor.data() + begin;
    out.probability = probability.data() + begin;
    out.band = band.data() + begin;
    out.risk_status = risk_status.data() + begin;
    out.imputed_features = imputed.data() + begin;
    out.top_factors = top.data() + begin * pact::max_top_factors;
    return out;
  }

  std::size_t dims;
  std::vector<double> dimension_scores, composite, deprivation;
  std::vector<std::int32_t> level, deprived_count, status;
  std::vector<double> linear_predictor, probability;
  std::vector<std::int32_t> band, risk_status, imputed, top;
};

pact::ConstRowMatrixView rows_of(const pact::RowMatrix& responses, std::size_t begin, std::size_t end) {
  const auto items = static_cast<std::ptrdiff_t>(responses.cols());
  return pact::view_rows(responses.data() + begin * static_cast<std::size_t>(items),
                         static_cast<std::ptrdiff_t>(end - begin), items, items);
}

/// One case scored alone (score, then score_risk), written into the batch layout.
void score_alone(const pact::RiskModel& model, std::span<const double> row, std::size_t i, bool counterfactual,
                 Outputs& out, std::vector<pact::Counterfactual>& found) {
  const pact::CaseScores scores = pact::score(model.instrument(), row);
  for (std::size_t d = 0; d < out.dims; ++d) out.dimension_scores[i * out.dims + d] = scores.dimensions[d].score;
  out.composite[i] = scores.composite;
  out.deprivation[i] = scores.deprivation_score;
  out.level[i] = scores.level;
  out.deprived_count[i] = scores.deprived_count;
  out.status[i] = 0;
  pact::RiskOptions options;
  options.counterfactual = counterfactual;
  const pact::RiskResult risk = pact::score_risk(model, row, scores, options);
  out.linear_predictor[i] = risk.linear_predictor;
  out.probability[i] = risk.probability;
  out.band[i] = risk.band;
  out.risk_status[i] = 0;
  out.imputed[i] = static_cast<std::int32_t>(risk.imputed_count);
  for (std::size_t k = 0; k < pact::max_top_factors; ++k)
    out.top[i * pact::max_top_factors + k] = k < risk.top_factors.size() ? static_cast<std::int32_t>(risk.top_factors[k]) : -1;
  if (counterfactual && risk.counterfactual) found.push_back(*risk.counterfactual);
}

// Counts the rows where two outputs differ, naming the first.
template <class T, class Equal>
std::size_t differences(const std::vector<T>& a, const std::vector<T>& b, Equal equal, const char* what) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (equal(a[i], b[i])) continue;
    if (count++ == 0) ADD_FAILURE() << what << " differs first at element " << i;
  }
  return count;
}

std::size_t differences(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  return differences(a, b, same_bits, what);
}
std::size_t differences(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b, const char* what) {
  return differences(a, b, [](std::int32_t x, std::int32_t y) { return x == y; }, what);
}

TEST(ScoringThreads, EightHostThreadsShareOneModelBitForBit) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& instrument = model.instrument();
  const std::size_t rows = case_count();
  ASSERT_GT(rows, 0u);
  pact::SimulationOptions options;
  options.cases = rows;
  options.seed = 20240514;
  const pact::SimulatedCaseload caseload = pact::simulate_caseload(model, options);
  ASSERT_EQ(static_cast<std::size_t>(caseload.responses.rows()), rows);
  const std::size_t dims = instrument.dimension_count();

  // The reference: one sequential batch over every case, on this thread.
  Outputs sequential(rows, dims);
  const pact::BatchSummary summary =
      pact::score_risk_batch(model, rows_of(caseload.responses, 0, rows), sequential.batch_outputs(0), 1);
  ASSERT_EQ(summary.rows, rows);
  ASSERT_EQ(summary.scored + summary.rejected, rows);
  // The simulator answers every required item and the months in care: every case has a risk.
  ASSERT_EQ(summary.scored, rows);

  // Eight threads take chunks in turn (thread t: chunks t, t + 8, ...), so that they all work at
  // once on neighbouring rows; even chunks go through the batch kernel, odd ones case by case.
  Outputs threaded(rows, dims);
  const std::size_t chunks = (rows + chunk_rows - 1) / chunk_rows;
  std::vector<std::vector<std::size_t>> counterfactual_rows(host_threads);
  std::vector<std::vector<pact::Counterfactual>> counterfactuals(host_threads);
  std::vector<std::size_t> scored(host_threads, 0);
  {
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < host_threads; ++t) {
      workers.emplace_back([&, t] {
        for (std::size_t c = t; c < chunks; c += host_threads) {
          const std::size_t begin = c * chunk_rows, end = std::min(rows, begin + chunk_rows);
          if (c % 2 == 0) {
            scored[t] += pact::score_risk_batch(model, rows_of(caseload.responses, begin, end),
                                                threaded.batch_outputs(begin), 1)
                             .scored;
            continue;
          }
          for (std::size_t i = begin; i < end; ++i) {
            const std::span<const double> row(caseload.responses.data() + i * instrument.item_count(),
                                              instrument.item_count());
            const bool search = i % counterfactual_every == 0;
            const std::size_t before = counterfactuals[t].size();
            score_alone(model, row, i, search, threaded, counterfactuals[t]);
            if (counterfactuals[t].size() > before) counterfactual_rows[t].push_back(i);
            ++scored[t];
          }
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
  }

  std::size_t total = 0;
  for (std::size_t s : scored) total += s;
  EXPECT_EQ(total, rows) << "rows scored by the threads";
  EXPECT_EQ(differences(threaded.dimension_scores, sequential.dimension_scores, "a dimension score"), 0u);
  EXPECT_EQ(differences(threaded.composite, sequential.composite, "the composite"), 0u);
  EXPECT_EQ(differences(threaded.deprivation, sequential.deprivation, "the deprivation score"), 0u);
  EXPECT_EQ(differences(threaded.level, sequential.level, "the level"), 0u);
  EXPECT_EQ(differences(threaded.deprived_count, sequential.deprived_count, "the deprived count"), 0u);
  EXPECT_EQ(differences(threaded.status, sequential.status, "the status"), 0u);
  EXPECT_EQ(differences(threaded.linear_predictor, sequential.linear_predictor, "the linear predictor"), 0u);
  EXPECT_EQ(differences(threaded.probability, sequential.probability, "the probability"), 0u);
  EXPECT_EQ(differences(threaded.band, sequential.band, "the band"), 0u);
  EXPECT_EQ(differences(threaded.risk_status, sequential.risk_status, "the risk status"), 0u);
  EXPECT_EQ(differences(threaded.imputed, sequential.imputed, "the imputed count"), 0u);
  EXPECT_EQ(differences(threaded.top, sequential.top, "a top factor"), 0u);

  // The counterfactuals found on the threads, searched again here one after another.
  std::size_t searched = 0;
  for (unsigned t = 0; t < host_threads; ++t) {
    for (std::size_t k = 0; k < counterfactual_rows[t].size(); ++k, ++searched) {
      const std::size_t i = counterfactual_rows[t][k];
      const std::span<const double> row(caseload.responses.data() + i * instrument.item_count(), instrument.item_count());
      const pact::RiskResult again = pact::score_risk(model, row);
      ASSERT_TRUE(again.counterfactual) << "row " << i;
      const pact::Counterfactual& a = *again.counterfactual;
      const pact::Counterfactual& b = counterfactuals[t][k];
      EXPECT_TRUE(a.item == b.item && same_bits(a.to_value, b.to_value) && same_bits(a.probability, b.probability) &&
                  a.band == b.band)
          << "the counterfactual of row " << i;
    }
  }
  // Half the rows went case by case, one in 64 of those searched, and a case above the lowest
  // band with an actionable answer has one: there must be some to compare.
  EXPECT_GT(searched, 0u);
}

TEST(ScoringThreads, TheLibrarysOwnThreadsGiveTheSequentialBatch) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  pact::SimulationOptions options;
  options.cases = std::min<std::size_t>(case_count(), 100000);
  options.seed = 7;
  const pact::SimulatedCaseload caseload = pact::simulate_caseload(model, options);
  const std::size_t rows = caseload.size(), dims = model.instrument().dimension_count();
  Outputs one(rows, dims), eight(rows, dims);
  pact::score_risk_batch(model, rows_of(caseload.responses, 0, rows), one.batch_outputs(0), 1);
  pact::score_risk_batch(model, rows_of(caseload.responses, 0, rows), eight.batch_outputs(0), 8);
  EXPECT_EQ(differences(eight.dimension_scores, one.dimension_scores, "a dimension score"), 0u);
  EXPECT_EQ(differences(eight.composite, one.composite, "the composite"), 0u);
  EXPECT_EQ(differences(eight.probability, one.probability, "the probability"), 0u);
  EXPECT_EQ(differences(eight.top, one.top, "a top factor"), 0u);
}

}  // namespace
