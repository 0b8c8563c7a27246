// Scoring against the small fixture, with every expected value computed by hand in the
// comments; then batch scoring against single-case scoring on the default instrument.
#include "pact/scoring.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}

// Items in order: a1 (ordinal 1..4 -> 0, .25, .75, 1; weight 2, required), a2 (yes/no),
// a3 (months, linear 0->0, 12->.5, 24->1), b1 (count, step 0->0, 1->.5, 3->1),
// b2 (amount, linear 0->1, 100->0; weight 3), c1 (ordinal 0, 5, 10 -> 0, .5, 1).
// Dimension weights 2, 1, 1 normalise to .5, .25, .25.

TEST(Scoring, FullyAnsweredCase) {
  const std::vector<double> r = {3, 0, 18, 2, 40, 10};
  const auto s = pact::score(small(), r);
  // Severities: a1 .75; a2 0; a3 halfway from 12 to 24 = .75; b1 step holds .5 at 2; b2 1 - .4 = .6; c1 1.
  const std::vector<double> sev = {0.75, 0.0, 0.75, 0.5, 0.6, 1.0};
  for (std::size_t j = 0; j < sev.size(); ++j) EXPECT_DOUBLE_EQ(s.item_severity[j], sev[j]) << j;
  // A = (2*.75 + 0 + .75) / 4 = .5625; B = (.5 + 3*.6) / 4 = .575; C = 1.
  EXPECT_DOUBLE_EQ(s.dimensions[0].score, 0.5625);
  EXPECT_DOUBLE_EQ(s.dimensions[1].score, 0.575);
  EXPECT_DOUBLE_EQ(s.dimensions[2].score, 1.0);
  for (const auto& d : s.dimensions) {
    EXPECT_TRUE(d.scored);
    EXPECT_DOUBLE_EQ(d.coverage, 1.0);
  }
  // Composite .5*.5625 + .25*.575 + .25*1 = .675 -> "high" (min .6).
  EXPECT_DOUBLE_EQ(s.composite, 0.675);
  EXPECT_DOUBLE_EQ(s.composite_coverage, 1.0);
  EXPECT_EQ(small().levels()[static_cast<std::size_t>(s.level)].id, "high");
  // Deprived: A (.5625 >= .5), B (.575 >= .4), C (1 >= .5): c = 1.
  EXPECT_TRUE(s.dimensions[0].deprived && s.dimensions[1].deprived && s.dimensions[2].deprived);
  EXPECT_DOUBLE_EQ(s.deprivation_score, 1.0);
  EXPECT_EQ(s.deprived_count, 3);
  // Critical: only a1 (.75 >= .75); A .5625 < .75, a3 .75 < 1. Importance .5 * (2/4) * .75.
  ASSERT_EQ(s.critical_factors.size(), 1u);
  EXPECT_EQ(s.critical_factors[0].kind, pact::CriticalFactor::Kind::item);
  EXPECT_EQ(s.critical_factors[0].index, 0u);
  EXPECT_DOUBLE_EQ(s.critical_factors[0].importance, 0.1875);
}

TEST(Scoring, MissingAnswersLowerCoverage) {
  const std::vector<double> r = {1, NA, NA, NA, 100, NA};
  const auto s = pact::score(small(), r);
  // A: 2 of 4 weight answered = .5 coverage, meets .5: score 0. B: 3 of 4 = .75: score 0.
  // C: nothing answered: not scored.
  EXPECT_DOUBLE_EQ(s.dimensions[0].coverage, 0.5);
  EXPECT_TRUE(s.dimensions[0].scored);
  EXPECT_DOUBLE_EQ(s.dimensions[0].score, 0.0);
  EXPECT_DOUBLE_EQ(s.dimensions[1].coverage, 0.75);
  EXPECT_DOUBLE_EQ(s.dimensions[1].score, 0.0);
  EXPECT_FALSE(s.dimensions[2].scored);
  EXPECT_TRUE(std::isnan(s.dimensions[2].score));
  EXPECT_DOUBLE_EQ(s.dimensions[2].coverage, 0.0);
  EXPECT_TRUE(std::isnan(s.item_severity[1]));
  // Composite coverage .5 + .25 = .75 >= .6: composite (0 + 0) / .75 = 0 -> "low".
  EXPECT_DOUBLE_EQ(s.composite_coverage, 0.75);
  EXPECT_DOUBLE_EQ(s.composite, 0.0);
  EXPECT_EQ(s.level, 0);
  EXPECT_DOUBLE_EQ(s.deprivation_score, 0.0);
  EXPECT_TRUE(s.critical_factors.empty());
}

TEST(Scoring, CompositeRenormalisesOverScoredDimensionsAndOrdersCriticalFactors) {
  const std::vector<double> r = {4, 1, 30, NA, NA, 5};
  const auto s = pact::score(small(), r);
  // A = 1 (all items at 1; a3 past 24 holds 1); B not scored; C = .5.
  EXPECT_DOUBLE_EQ(s.dimensions[0].score, 1.0);
  EXPECT_FALSE(s.dimensions[1].scored);
  EXPECT_DOUBLE_EQ(s.dimensions[2].score, 0.5);
  // Composite (.5*1 + .25*.5) / .75 = 5/6.
  EXPECT_NEAR(s.composite, 5.0 / 6.0, 1e-15);
  EXPECT_EQ(s.level, 2);
  // Deprived: A and C (.5 >= .5): .5 + .25.
  EXPECT_DOUBLE_EQ(s.deprivation_score, 0.75);
  EXPECT_EQ(s.deprived_count, 2);
  // Critical: dimension A (.5*1 = .5), item a1 (.5*.5*1 = .25), item a3 (.5*.25*1 = .125).
  ASSERT_EQ(s.critical_factors.size(), 3u);
  EXPECT_EQ(s.critical_factors[0].kind, pact::CriticalFactor::Kind::dimension);
  EXPECT_EQ(s.critical_factors[0].index, 0u);
  EXPECT_DOUBLE_EQ(s.critical_factors[0].importance, 0.5);
  EXPECT_EQ(s.critical_factors[1].index, 0u);
  EXPECT_DOUBLE_EQ(s.critical_factors[1].importance, 0.25);
  EXPECT_EQ(s.critical_factors[2].index, 2u);
  EXPECT_DOUBLE_EQ(s.critical_factors[2].importance, 0.125);
}

TEST(Scoring, TooLittleCoverageLeavesTheCompositeUnscored) {
  // Only A answered: composite coverage .5 < .6.
  const std::vector<double> r = {2, NA, NA, NA, NA, NA};
  const auto s = pact::score(small(), r);
  EXPECT_DOUBLE_EQ(s.dimensions[0].score, 0.25);  // (2*.25)/2
  EXPECT_FALSE(s.composite_scored());
  EXPECT_EQ(s.level, -1);
  EXPECT_DOUBLE_EQ(s.composite_coverage, 0.5);
}

TEST(Scoring, CurvesAtAndBetweenTheirPoints) {
  const auto& curve = small().items()[2].curve;  // linear 0->0, 12->.5, 24->1
  EXPECT_DOUBLE_EQ(curve.at(0), 0.0);
  EXPECT_DOUBLE_EQ(curve.at(6), 0.25);
  EXPECT_DOUBLE_EQ(curve.at(12), 0.5);
  EXPECT_DOUBLE_EQ(curve.at(24), 1.0);
  EXPECT_DOUBLE_EQ(curve.at(500), 1.0);
  const auto& step = small().items()[3].curve;  // step 0->0, 1->.5, 3->1
  EXPECT_DOUBLE_EQ(step.at(0), 0.0);
  EXPECT_DOUBLE_EQ(step.at(1), 0.5);
  EXPECT_DOUBLE_EQ(step.at(2), 0.5);
  EXPECT_DOUBLE_EQ(step.at(3), 1.0);
  EXPECT_DOUBLE_EQ(step.at(20), 1.0);
}

struct BadResponse {
  std::size_t item;
  double value;
  pact::ResponseStatus status;
  std::string message;
};

TEST(Scoring, InvalidResponsesNameTheItemAndTheReason) {
  const BadResponse cases[] = {
      {0, NA, pact::ResponseStatus::missing_required, "required and has no answer"},
      {0, 5, pact::ResponseStatus::not_an_option, "5 is not one of the options 1, 2, 3, 4"},
      {0, 2.5, pact::ResponseStatus::not_an_option, "2.5 is not one of the options"},
      {5, 3, pact::ResponseStatus::not_an_option, "3 is not one of the options 0, 5, 10"},
      {1, 2, pact::ResponseStatus::not_an_option, "2 is not 0 (no) or 1 (yes)"},
      {3, 2.5, pact::ResponseStatus::not_integer, "2.5 is not a whole number"},
      {2, -1, pact::ResponseStatus::below_minimum, "-1 is below the minimum 0"},
      {2, 601, pact::ResponseStatus::above_maximum, "601 is above the maximum 600"},
      {4, std::numeric_limits<double>::infinity(), pact::ResponseStatus::not_finite, "inf is not a finite number"},
  };
  for (const auto& c : cases) {
    std::vector<double> r = {1, 0, 0, 0, 0, 0};
    r[c.item] = c.value;
    EXPECT_EQ(pact::check_response(small(), c.item, c.value), c.status) << c.message;
    try {
      pact::score(small(), r);
      ADD_FAILURE() << "expected a ValidationError for " << c.message;
    } catch (const pact::ValidationError& e) {
      EXPECT_EQ(e.where(), "/responses/" + small().items()[c.item].id);
      EXPECT_NE(std::string(e.reason()).find(c.message), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(pact::score(small(), std::vector<double>{1, 0}), pact::InvalidArgument);
}

TEST(Assessment, MakeAssessmentMapsItemIdsAndRejectsUnknownOnes) {
  const std::vector<std::pair<std::string, double>> by_id = {{"c1", 10}, {"a1", 3}};
  const auto a = pact::make_assessment(small(), "case-001", by_id);
  EXPECT_EQ(a.case_id, "case-001");
  EXPECT_DOUBLE_EQ(a.responses[0], 3);
  EXPECT_DOUBLE_EQ(a.responses[5], 10);
  EXPECT_TRUE(std::isnan(a.responses[1]));
  const std::vector<std::pair<std::string, double>> unknown = {{"a1", 3}, {"zz", 1}};
  try {
    pact::make_assessment(small(), "case-001", unknown);
    FAIL();
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/responses/zz");
  }
  const std::vector<std::pair<std::string, double>> twice = {{"a1", 3}, {"a1", 2}};
  EXPECT_THROW(pact::make_assessment(small(), "case-001", twice), pact::ValidationError);
  EXPECT_THROW(pact::make_assessment(small(), "", by_id), pact::ValidationError);
  EXPECT_THROW(pact::make_assessment(small(), std::string(200, 'x'), by_id), pact::ValidationError);
  EXPECT_THROW(pact::make_assessment(small(), "bad\nid", by_id), pact::ValidationError);
}

// A valid random response for every item of an instrument, with some left missing.
std::vector<double> random_responses(const pact::Instrument& instrument, std::mt19937_64& rng, double missing_rate) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> r(instrument.item_count(), NA);
  for (std::size_t j = 0; j < r.size(); ++j) {
    const auto& item = instrument.items()[j];
    if (!item.required && u(rng) < missing_rate) continue;
    switch (item.type) {
      case pact::ResponseType::ordinal:
        r[j] = item.options[static_cast<std::size_t>(u(rng) * static_cast<double>(item.options.size()))].value;
        break;
      case pact::ResponseType::yes_no: r[j] = u(rng) < 0.5 ? 0 : 1; break;
      case pact::ResponseType::count: {
        const double hi = std::isfinite(item.max_value) ? item.max_value : item.min_value + 50;
        r[j] = std::floor(item.min_value + u(rng) * (hi - item.min_value));
        break;
      }
      default: {
        const double hi = std::isfinite(item.max_value) ? item.max_value : item.min_value + 1000;
        r[j] = item.min_value + u(rng) * (hi - item.min_value);
      }
    }
  }
  return r;
}

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(Scoring, BatchEqualsSingleCaseBitForBit) {
  const auto& instrument = pact::Instrument::bundled();
  const std::size_t n = 3000, items = instrument.item_count(), dims = instrument.dimension_count();
  const std::size_t stride = items + 3;  // the caller's rows may be wider than the items
  std::vector<double> data(n * stride, -7.0);
  std::mt19937_64 rng(20261123);
  for (std::size_t i = 0; i < n; ++i) {
    auto r = random_responses(instrument, rng, i % 3 == 0 ? 0.6 : 0.1);
    if (i % 97 == 5) r[i % items] = 1e9;  // some invalid rows
    std::copy(r.begin(), r.end(), data.begin() + static_cast<std::ptrdiff_t>(i * stride));
  }
  for (unsigned threads : {1u, 2u, 8u}) {
    std::vector<double> scores(n * dims), coverage(n * dims), severities(n * items), composite(n), depr(n);
    std::vector<std::int32_t> level(n), status(n), error_item(n), count(n);
    pact::BatchOutputs out;
    out.dimension_scores = scores.data();
    out.dimension_coverage = coverage.data();
    out.item_severities = severities.data();
    out.composite = composite.data();
    out.level = level.data();
    out.deprivation_score = depr.data();
    out.deprived_count = count.data();
    out.status = status.data();
    out.error_item = error_item.data();
    const auto summary = pact::score_batch(
        instrument, pact::view_rows(data.data(), static_cast<std::ptrdiff_t>(n), static_cast<std::ptrdiff_t>(items),
                                    static_cast<std::ptrdiff_t>(stride)),
        out, threads);
    EXPECT_EQ(summary.rows, n);
    EXPECT_EQ(summary.scored + summary.rejected, n);
    std::size_t rejected = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::span<const double> row(data.data() + i * stride, items);
      try {
        const auto s = pact::score(instrument, row);
        ASSERT_EQ(status[i], 0) << i;
        ASSERT_EQ(error_item[i], -1);
        for (std::size_t d = 0; d < dims; ++d) {
          ASSERT_TRUE(same(scores[i * dims + d], s.dimensions[d].score)) << i << " " << d;
          ASSERT_TRUE(same(coverage[i * dims + d], s.dimensions[d].coverage));
        }
        for (std::size_t j = 0; j < items; ++j) ASSERT_TRUE(same(severities[i * items + j], s.item_severity[j]));
        ASSERT_TRUE(same(composite[i], s.composite));
        ASSERT_EQ(level[i], s.level);
        ASSERT_TRUE(same(depr[i], s.deprivation_score));
        ASSERT_EQ(count[i], s.deprived_count);
      } catch (const pact::ValidationError& e) {
        ++rejected;
        ASSERT_NE(status[i], 0) << i;
        ASSERT_EQ("/responses/" + instrument.items()[static_cast<std::size_t>(error_item[i])].id, e.where());
        ASSERT_TRUE(std::isnan(composite[i]));
        ASSERT_EQ(level[i], -1);
      }
    }
    EXPECT_EQ(rejected, summary.rejected);
    EXPECT_GT(rejected, 0u);
  }
}

TEST(Scoring, BatchRejectsTheWrongWidth) {
  std::vector<double> data(10, 1.0);
  EXPECT_THROW(pact::score_batch(small(), pact::view_rows(data.data(), 2, 5, 5), {}), pact::InvalidArgument);
}

TEST(Scoring, BatchWithNoOutputsStillCountsRows) {
  std::vector<double> data = {1, 0, 0, 0, 0, 0, NA, 0, 0, 0, 0, 0};
  const auto summary = pact::score_batch(small(), pact::view_rows(data.data(), 2, 6, 6), {});
  EXPECT_EQ(summary.scored, 1u);
  EXPECT_EQ(summary.rejected, 1u);
}

}  // namespace
