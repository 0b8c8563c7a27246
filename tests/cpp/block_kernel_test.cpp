// The batch kernel (score_block, every instruction set this processor runs) against score_row,
// the single-case kernel, to the bit: on valid cases, on cases with hostile values in every kind
// of item, on short blocks and padded strides, and on an instrument with long scales, long curves,
// and counts on each of the kernel's two paths (looked up in a table, or evaluated on the curve).
#include "pact/scoring.hpp"
#include "instrument_compile.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr double NA = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

// The small fixture plus items that test the kernel's whole-number arithmetic and its two paths:
// a long sparse scale with negative codes; a long curve over a count short enough to be looked up
// in a table, and one too wide for that; a step curve over negative counts; and a count whose
// minimum is not whole, which is never looked up. And curves of a few points, which the AVX-512
// kernel evaluates segment by segment (BlockRule::short_curve): a step curve over months whose
// first point lies above the minimum, an unbounded amount whose interpolation at a point is not
// that point's severity (0.3 + 1 * (0.9 - 0.3) is 0.9000000000000001), and a curve with a
// severity of -0, which keeps the scan of its points.
pact::Instrument edge_instrument() {
  std::string json = pact_test::read_text(pact_test::data_path("instruments/small.json"));
  std::string options;
  for (int k = 0; k < 30; ++k) {
    const int code = -10 + 2 * k;  // -10, -8, ..., 48: 59 codes in range, every other one an option
    options += std::string(k ? "," : "") + R"({"value": )" + std::to_string(code) +
               R"(, "label": {"en": "o", "es": "o"}, "anchor": {"en": "o", "es": "o"}, "severity": )" +
               std::to_string(k / 29.0) + "}";
  }
  std::string points;
  for (int k = 0; k < 20; ++k)
    points += std::string(k ? "," : "") + "[" + std::to_string(5 * k) + ", " + std::to_string((k % 7) / 6.0) + "]";
  const std::string extra =
      R"(,
    {"id": "l1", "dimension": "c", "label": {"en": "Long scale", "es": "Escala larga"}, "weight": 2, "required": false,
     "response": {"type": "ordinal", "options": [)" + options + R"(]}},
    {"id": "l2", "dimension": "b", "label": {"en": "Long curve", "es": "Curva larga"}, "weight": 1.5, "required": false,
     "response": {"type": "count", "min": -5, "max": 1000,
                  "severity": {"interpolation": "linear", "points": [)" + points + R"(]}}},
    {"id": "s1", "dimension": "a", "label": {"en": "Step", "es": "Escalón"}, "weight": 0.5, "required": true,
     "response": {"type": "count", "min": -3, "max": 50,
                  "severity": {"interpolation": "step", "points": [[-3, 0], [0, 0.2], [2, 0.6], [7, 1]]}}},
    {"id": "w1", "dimension": "c", "label": {"en": "Wide count", "es": "Recuento amplio"}, "weight": 1, "required": false,
     "response": {"type": "count", "min": -20, "max": 100000,
                  "severity": {"interpolation": "linear", "points": [)" + points + R"(]}}},
    {"id": "h1", "dimension": "b", "label": {"en": "Half count", "es": "Medio recuento"}, "weight": 0.75, "required": false,
     "response": {"type": "count", "min": -2.5, "max": 40,
                  "severity": {"interpolation": "linear", "points": [[-2.5, 0], [0, 0.25], [10, 0.5], [33.3, 1]]}}},
    {"id": "m1", "dimension": "a", "label": {"en": "Step months", "es": "Meses"}, "weight": 1.25, "required": false,
     "response": {"type": "months", "min": 0, "max": 600,
                  "severity": {"interpolation": "step", "points": [[3, 0.1], [6, 0.3], [12, 0.55], [24.5, 0.8], [48, 1]]}}},
    {"id": "am", "dimension": "c", "label": {"en": "Amount", "es": "Importe"}, "weight": 0.5, "required": true,
     "response": {"type": "amount",
                  "severity": {"interpolation": "linear", "points": [[1, 0.1], [2.5, 0.7], [10, 0.3], [40, 0.9]]}}},
    {"id": "z1", "dimension": "b", "label": {"en": "Signed zero", "es": "Cero"}, "weight": 1, "required": false,
     "response": {"type": "months", "min": 0, "max": 100,
                  "severity": {"interpolation": "linear", "points": [[0, -0.0], [10, 0.5], [20, 0]]}}}
  ]
})";
  // The fixture ends with the items' closing bracket and brace: ours replace them.
  json = json.substr(0, json.rfind(']')) + extra;
  return pact::Instrument::parse(json);
}

// Values that a valid response of `item` may take, and values near them that are not valid. A
// quarter of the answers to items on a curve lie on one of its points, where the curve's
// severity is that point's own.
double valid_value(const pact::Item& item, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  if (item.type != pact::ResponseType::ordinal && item.type != pact::ResponseType::yes_no && u(rng) < 0.25) {
    const double point = item.curve.x[std::uniform_int_distribution<std::size_t>(0, item.curve.x.size() - 1)(rng)];
    const bool whole = item.type != pact::ResponseType::count || std::floor(point) == point;
    if (point >= item.min_value && point <= item.max_value && whole) return point;
  }
  switch (item.type) {
    case pact::ResponseType::ordinal:
      return item.options[static_cast<std::size_t>(u(rng) * static_cast<double>(item.options.size()))].value;
    case pact::ResponseType::yes_no: return u(rng) < 0.5 ? 0.0 : 1.0;
    case pact::ResponseType::amount: return item.min_value + u(rng) * 250.0;
    default: {
      const double hi = std::min(item.max_value, item.min_value + 130);  // max_value is +inf when unbounded
      return std::floor(item.min_value + u(rng) * (hi - item.min_value + 1));
    }
  }
}

double hostile_value(const pact::Item& item, std::mt19937_64& rng) {
  const double near_option = item.type == pact::ResponseType::ordinal ? item.options.front().value : item.min_value;
  const std::vector<double> candidates = {
      inf, -inf, 1e300, -1e300, 0.5, -0.0, 0.0, 1.0, 2.0, 4503599627370496.0, 4503599627370497.0, 9007199254740993.0,
      -4503599627370496.5, 1e-300, -1e-300, near_option - 1, near_option + 0.5, near_option + 1,
      std::nextafter(near_option, inf), std::nextafter(near_option, -inf), item.max_value, item.max_value + 1,
      std::nextafter(item.max_value, inf), item.min_value - 0.25, 3.0, 7.5, 48.0, 49.0, -9.0, 95.0, 100.0, 1000.0,
      1001.0, NA};
  return candidates[std::uniform_int_distribution<std::size_t>(0, candidates.size() - 1)(rng)];
}

// A valid response of `item` with its least severity: an option's value, a curve point's x
// within the item's range, or NaN when the item has none of those.
double least_severe(const pact::Item& item) {
  double best = NA, least = 2.0;
  const auto consider = [&](double value, double severity) {
    if (severity < least) best = value, least = severity;
  };
  switch (item.type) {
    case pact::ResponseType::ordinal:
      for (const auto& option : item.options) consider(option.value, option.severity);
      break;
    case pact::ResponseType::yes_no:
      consider(0.0, item.severity_no);
      consider(1.0, item.severity_yes);
      break;
    default:
      for (std::size_t k = 0; k < item.curve.x.size(); ++k)
        if (item.curve.x[k] >= item.min_value && item.curve.x[k] <= item.max_value &&
            (item.type != pact::ResponseType::count || std::floor(item.curve.x[k]) == item.curve.x[k]))
          consider(item.curve.x[k], item.curve.severity[k]);
  }
  return best;
}

// Rows of responses: most valid with some missing, some with one or two hostile values, and a few
// with every answer at its least severity (a composite of 0 where the least is 0: a level's
// minimum exactly).
std::vector<double> make_rows(const pact::Instrument& instrument, std::size_t rows, std::size_t stride,
                              unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t items = instrument.item_count();
  std::vector<double> data(rows * stride, -777.0);  // the padding past each row must never be read
  for (std::size_t i = 0; i < rows; ++i) {
    if (u(rng) < 0.03) {
      for (std::size_t j = 0; j < items; ++j) data[i * stride + j] = least_severe(instrument.items()[j]);
      continue;
    }
    for (std::size_t j = 0; j < items; ++j) {
      const auto& item = instrument.items()[j];
      data[i * stride + j] = (!item.required && u(rng) < 0.15) ? NA : valid_value(item, rng);
    }
    if (u(rng) < 0.35) {
      const int damaged = u(rng) < 0.7 ? 1 : 2;
      for (int k = 0; k < damaged; ++k) {
        const auto j = std::uniform_int_distribution<std::size_t>(0, items - 1)(rng);
        data[i * stride + j] = hostile_value(instrument.items()[j], rng);
      }
    }
  }
  return data;
}

bool same_bits(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Scores `rows` rows block by block with `kernel`, blocks of varying length, with and without
// the coverages and item severities, and holds every row to score_row. Counts the invalid rows
// into `invalid`, so that a test can check it saw both kinds, and into `at_minimum` the
// dimensions whose coverage lies within coverage_slack of the dimension's minimum: where the
// kernel's coverage test without a division (least_covering_weight) could go wrong.
void check_against_score_row(const pact::Instrument& instrument, const pact::detail::BlockKernelVariant& variant,
                             const std::vector<double>& data, std::size_t rows, std::size_t stride, unsigned seed,
                             std::size_t& invalid, std::size_t& at_minimum) {
  const auto& internal = instrument.data();
  const std::size_t dims = instrument.dimension_count(), items = instrument.item_count();
  std::vector<double> scratch(pact::detail::block_scratch_size(dims, items));
  std::vector<double> scores(pact::detail::block_rows * dims), coverage(pact::detail::block_rows * dims);
  std::vector<double> severities(pact::detail::block_rows * items);
  pact::detail::RowResult results[pact::detail::block_rows];
  std::vector<std::int32_t> outputs(2 * rows);  // outputs of two per row, or of one
  std::vector<double> ref_scores(dims), ref_coverage(dims), ref_severities(items), ref_weighted(dims), ref_weight(dims);
  std::mt19937_64 rng(seed);
  invalid = 0;
  at_minimum = 0;
  for (std::size_t first = 0; first < rows;) {
    const std::size_t count =
        std::min(rows - first, std::uniform_int_distribution<std::size_t>(1, pact::detail::block_rows)(rng));
    const bool want_severities = rng() % 4 != 0;
    const bool want_coverage = rng() % 3 != 0;
    // Prefetching rows ahead, and outputs for writing, as the batches do, must not change what is
    // scored (nor touch the outputs: the sanitizers see any read or write out of bounds).
    const std::size_t later = first + 2 * pact::detail::block_rows;
    const double* const start = data.data();
    pact::detail::PrefetchRanges rows_ahead;
    if (later + pact::detail::block_rows <= rows && rng() % 2 != 0)
      rows_ahead = {&start, 1, later * stride, (pact::detail::block_rows - 1) * stride + items, {}};
    for (std::size_t k = rng() % 3; k > 0; --k) rows_ahead.writes.add(outputs.data(), first, count, k);
    variant.kernel(internal, data.data() + first * stride, stride, count, scores.data(),
                   want_coverage ? coverage.data() : nullptr, want_severities ? severities.data() : nullptr, results,
                   scratch.data(), rows_ahead);
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t i = first + k;
      const pact::detail::RowResult ref =
          pact::detail::score_row(internal, data.data() + i * stride, ref_scores.data(), ref_coverage.data(),
                                  ref_severities.data(), ref_weighted.data(), ref_weight.data());
      const pact::detail::RowResult& got = results[k];
      SCOPED_TRACE(std::string(variant.name) + " row " + std::to_string(i) + " of a block of " + std::to_string(count));
      ASSERT_EQ(got.status, ref.status) << [&] {
        std::string values;
        for (std::size_t j = 0; j < items; ++j) values += pact::detail::format_number(data[i * stride + j]) + " ";
        return "responses " + values;
      }();
      ASSERT_EQ(got.error_item, ref.error_item);
      EXPECT_TRUE(same_bits(got.composite, ref.composite));
      EXPECT_TRUE(same_bits(got.composite_coverage, ref.composite_coverage));
      EXPECT_EQ(got.level, ref.level);
      EXPECT_TRUE(same_bits(got.deprivation_score, ref.deprivation_score));
      EXPECT_EQ(got.deprived_count, ref.deprived_count);
      if (ref.status != pact::ResponseStatus::ok) {
        ++invalid;
        continue;  // the other outputs of an invalid row are the caller's to overwrite
      }
      for (std::size_t d = 0; d < dims; ++d) {
        ASSERT_TRUE(same_bits(scores[k * dims + d], ref_scores[d])) << "dimension " << d;
        if (want_coverage) {
          ASSERT_TRUE(same_bits(coverage[k * dims + d], ref_coverage[d])) << "dimension " << d;
        }
        if (std::abs(ref_coverage[d] - instrument.dimensions()[d].min_coverage) <= pact::detail::coverage_slack)
          ++at_minimum;
      }
      if (!want_severities) continue;
      for (std::size_t j = 0; j < items; ++j)
        ASSERT_TRUE(same_bits(severities[k * items + j], ref_severities[j]))
            << "item " << instrument.items()[j].id << " value " << data[i * stride + j];
    }
    first += count;
  }
}

TEST(BlockKernel, EveryVariantIncludesTheBaseline) {
  const auto variants = pact::detail::block_kernel_variants();
  ASSERT_FALSE(variants.empty());
  EXPECT_EQ(std::string(variants.back().name), "baseline");
}

// Every variant on the same rows (`padding` doubles past each row's responses), some of them
// invalid: the test must see both kinds.
void expect_every_variant_matches(const pact::Instrument& instrument, std::size_t rows, std::size_t padding,
                                  unsigned seed) {
  const std::size_t stride = instrument.item_count() + padding;
  const auto data = make_rows(instrument, rows, stride, seed);
  for (const auto& variant : pact::detail::block_kernel_variants()) {
    std::size_t invalid = 0, at_minimum = 0;
    check_against_score_row(instrument, variant, data, rows, stride, seed + 1, invalid, at_minimum);
    EXPECT_GT(invalid, rows / 10) << variant.name;
    EXPECT_LT(invalid, rows / 2) << variant.name;
    EXPECT_GT(at_minimum, rows / 100) << variant.name;
  }
}

// The coverage test w / weight_sum + coverage_slack >= min_coverage, in doubles, holds exactly
// for the weights from least_covering_weight up: checked at the weight itself, the double below
// it, and many weights around it and far from it, for sums and minimums with awkward roundings.
TEST(BlockKernel, LeastCoveringWeightSplitsTheCoverageTestExactly) {
  const double sums[] = {6.0, 7.5, 0.1 + 0.2, 3.0, 1.0 / 3.0, 1e-300, 1e300, 4.9e-324, 11.5};
  const double minimums[] = {0.0, 0.5, 1.0 / 3.0, 0.7, 2.0 / 3.0, 1.0, 1.0 + 1e-9, 1e-13, 5.0};
  std::mt19937_64 rng(5);
  std::size_t boundaries = 0;
  for (const double sum : sums)
    for (const double minimum : minimums) {
      const auto passes = [&](double w) { return w / sum + pact::detail::coverage_slack >= minimum; };
      const double least = pact::detail::least_covering_weight(sum, minimum);
      SCOPED_TRACE("sum " + pact::detail::format_number(sum) + ", minimum " + pact::detail::format_number(minimum));
      if (std::isnan(least)) {
        EXPECT_FALSE(passes(std::numeric_limits<double>::max()));
        continue;
      }
      ASSERT_TRUE(passes(least));
      if (least > 0.0) {
        ASSERT_FALSE(passes(std::nextafter(least, 0.0)));
        ++boundaries;
      }
      const auto least_bits = static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(least));
      for (int i = 0; i < 2000; ++i) {
        // Within two thousand doubles of the boundary, and spread over the whole range.
        const std::int64_t near_bits = least_bits + static_cast<std::int64_t>(rng() % 4001) - 2000;
        const double w = i % 2 == 0 ? std::bit_cast<double>(static_cast<std::uint64_t>(std::max<std::int64_t>(near_bits, 0)))
                                    : std::ldexp(static_cast<double>(rng() % 1000000) / 1e6,
                                                 static_cast<int>(rng() % 2000) - 1000);
        ASSERT_EQ(passes(w), w >= least) << "weight " << pact::detail::format_number(w);
      }
    }
  EXPECT_GT(boundaries, 40u);
}

TEST(BlockKernel, MatchesScoreRowOnTheDefaultInstrument) {
  expect_every_variant_matches(pact::Instrument::bundled(), 6000, 0, 11);
}

TEST(BlockKernel, MatchesScoreRowOnLongScalesCurvesAndPaddedRows) {
  const auto instrument = edge_instrument();
  ASSERT_EQ(instrument.item_count(), 14u);
  // Every path is taken: the counts l2 and s1 are looked up, w1 and h1 are not; the short curves
  // (a3, b2, h1, m1, am) are evaluated by segments, and the curves w1 (20 points) and z1 (a
  // severity of -0) by a scan of their points.
  using pact::detail::BlockRule;
  std::vector<BlockRule> rules;
  for (const auto& item : instrument.data().compiled) rules.push_back(item.block_rule);
  EXPECT_EQ(rules, (std::vector<BlockRule>{BlockRule::table8, BlockRule::table8, BlockRule::short_curve,
                                           BlockRule::gathered_table, BlockRule::short_curve, BlockRule::table16,
                                           BlockRule::checked_table, BlockRule::checked_table,
                                           BlockRule::checked_table, BlockRule::curve, BlockRule::short_curve,
                                           BlockRule::short_curve, BlockRule::short_curve, BlockRule::curve}));
  expect_every_variant_matches(instrument, 8000, 3, 23);
}

// score_batch reads its rows through the kernel: a rejected row reports score_row's status and
// item, and the rows around it are unaffected.
TEST(BlockKernel, BatchReportsTheFirstInvalidItemOfEachRow) {
  const auto& instrument = pact::Instrument::bundled();
  const std::size_t items = instrument.item_count(), rows = 37;
  auto data = make_rows(instrument, rows, items, 3);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < items; ++j) {
      double& v = data[i * items + j];
      // Start from valid rows (missing answers allowed).
      if (!std::isnan(v) && pact::check_response(instrument, j, v) != pact::ResponseStatus::ok) v = NA;
    }
  for (std::size_t j = 0; j < items; ++j)
    if (instrument.items()[j].required && std::isnan(data[17 * items + j])) data[17 * items + j] = 1;
  data[17 * items + 40] = 1e9;  // one bad value late in row 17 ...
  data[17 * items + 12] = inf;  // ... and an earlier one, which is the one reported
  std::vector<std::int32_t> status(rows), error_item(rows);
  std::vector<double> composite(rows);
  pact::BatchOutputs out;
  out.status = status.data();
  out.error_item = error_item.data();
  out.composite = composite.data();
  const auto summary = pact::score_batch(instrument, pact::view_rows(data.data(), rows, items, items), out);
  EXPECT_EQ(summary.rows, rows);
  EXPECT_EQ(summary.scored + summary.rejected, rows);
  EXPECT_EQ(status[17], static_cast<std::int32_t>(pact::ResponseStatus::not_finite));
  EXPECT_EQ(error_item[17], 12);
  EXPECT_TRUE(std::isnan(composite[17]));
  for (std::size_t i = 0; i < rows; ++i) {
    if (i == 17) continue;
    const std::vector<double> row(data.begin() + static_cast<std::ptrdiff_t>(i * items),
                                  data.begin() + static_cast<std::ptrdiff_t>((i + 1) * items));
    bool valid = true;
    for (std::size_t j = 0; j < items; ++j)
      if (instrument.items()[j].required && std::isnan(row[j])) valid = false;
    if (!valid) continue;
    EXPECT_EQ(status[i], 0) << i;
    EXPECT_TRUE(same_bits(composite[i], pact::score(instrument, row).composite)) << i;
  }
}

}  // namespace
