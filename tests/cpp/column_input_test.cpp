// Responses given column by column (ConstColumnsView: a DataFrame's columns, a column-major array)
// against the same responses in a row-major matrix: every output of score_batch and
// score_risk_batch the same to the bit, for every thread count and every way a block can end,
// with hostile values, items no row answers (null columns) and rejected rows. Also the argument
// checks.
#include "pact/risk_model.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

constexpr double NA = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}

bool same_bits(std::span<const double> a, std::span<const double> b) {
  // memcmp's pointers may not be null, even for no bytes (an empty vector's data() may be).
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

/// Rows of responses, row-major: mostly valid, some answers missing, and now and then a hostile
/// value (out of range, fractional, infinite, huge, a signed zero) that the instrument rejects or
/// must score exactly as score_row does.
std::vector<double> random_rows(const pact::Instrument& instrument, std::size_t n, unsigned seed) {
  const std::size_t items = instrument.item_count();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double hostile[] = {inf, -inf, 1e300, -1e300, 0.5, -0.0, 2.5, 1e-300, -1.0, 4503599627370497.0};
  std::vector<double> data(n * items, NA);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < items; ++j) {
      const pact::Item& item = instrument.items()[j];
      double& cell = data[i * items + j];
      const double draw = u(rng);
      if (draw < 0.01) {
        cell = hostile[static_cast<std::size_t>(u(rng) * std::size(hostile))];
      } else if (item.required || draw > 0.15) {
        switch (item.type) {
          case pact::ResponseType::ordinal:
            cell = item.options[static_cast<std::size_t>(u(rng) * static_cast<double>(item.options.size()))].value;
            break;
          case pact::ResponseType::yes_no: cell = u(rng) < 0.5 ? 0.0 : 1.0; break;
          default: {
            const double hi = std::isfinite(item.max_value) ? std::min(item.max_value, item.min_value + 90)
                                                            : item.min_value + 90;
            cell = std::floor(item.min_value + u(rng) * (hi - item.min_value));
          }
        }
      }
    }
  return data;
}

/// The same responses column by column: `columns[j]` points into `storage`, or is null where
/// `null_items` says so (that item's cells must then all be NaN in `rows`).
struct Columns {
  std::vector<std::vector<double>> storage;
  std::vector<const double*> pointers;
  pact::ConstColumnsView view() const { return {pointers, storage.empty() ? 0 : storage[0].size()}; }
};

Columns by_columns(const std::vector<double>& rows, std::size_t n, std::size_t items,
                   const std::vector<bool>& null_items = {}) {
  Columns c;
  c.storage.assign(items, std::vector<double>(n));
  c.pointers.resize(items);
  for (std::size_t j = 0; j < items; ++j) {
    for (std::size_t i = 0; i < n; ++i) c.storage[j][i] = rows[i * items + j];
    c.pointers[j] = j < null_items.size() && null_items[j] ? nullptr : c.storage[j].data();
  }
  return c;
}

/// Every instrument output of score_batch, in buffers that start out as a marker value.
struct InstrumentOutputs {
  std::vector<double> scores, coverage, severities, composite, composite_coverage, deprivation;
  std::vector<std::int32_t> level, deprived_count, status, error_item;
  InstrumentOutputs(std::size_t n, std::size_t dims, std::size_t items)
      : scores(n * dims, -7),
        coverage(n * dims, -7),
        severities(n * items, -7),
        composite(n, -7),
        composite_coverage(n, -7),
        deprivation(n, -7),
        level(n, -7),
        deprived_count(n, -7),
        status(n, -7),
        error_item(n, -7) {}
  pact::BatchOutputs outputs() {
    return {scores.data(),      coverage.data(),       severities.data(), composite.data(),
            composite_coverage.data(), level.data(), deprivation.data(), deprived_count.data(),
            status.data(),      error_item.data()};
  }
  void expect_equal(const InstrumentOutputs& o) const {
    EXPECT_TRUE(same_bits(scores, o.scores));
    EXPECT_TRUE(same_bits(coverage, o.coverage));
    EXPECT_TRUE(same_bits(severities, o.severities));
    EXPECT_TRUE(same_bits(composite, o.composite));
    EXPECT_TRUE(same_bits(composite_coverage, o.composite_coverage));
    EXPECT_TRUE(same_bits(deprivation, o.deprivation));
    EXPECT_EQ(level, o.level);
    EXPECT_EQ(deprived_count, o.deprived_count);
    EXPECT_EQ(status, o.status);
    EXPECT_EQ(error_item, o.error_item);
  }
};

/// Every output of score_risk_batch.
struct RiskOutputs {
  InstrumentOutputs instrument;
  std::vector<double> eta, probability, values, survival;
  std::vector<std::int32_t> band, risk_status, imputed, top;
  int months;
  RiskOutputs(const pact::RiskModel& model, std::size_t n)
      : instrument(n, model.instrument().dimension_count(), model.instrument().item_count()),
        eta(n, -7),
        probability(n, -7),
        values(n * model.features().size(), -7),
        band(n, -7),
        risk_status(n, -7),
        imputed(n, -7),
        top(n * pact::max_top_factors, -7),
        months(model.form() == pact::RiskForm::discrete_hazard ? 30 : 0) {
    survival.assign(n * static_cast<std::size_t>(months), -7);
  }
  pact::RiskBatchOutputs outputs() {
    pact::RiskBatchOutputs out;
    out.instrument = instrument.outputs();
    out.linear_predictor = eta.data();
    out.probability = probability.data();
    out.band = band.data();
    out.risk_status = risk_status.data();
    out.imputed_features = imputed.data();
    out.feature_values = values.data();
    out.top_factors = top.data();
    if (months > 0) {
      out.survival = survival.data();
      out.survival_months = months;
    }
    return out;
  }
  void expect_equal(const RiskOutputs& o) const {
    instrument.expect_equal(o.instrument);
    EXPECT_TRUE(same_bits(eta, o.eta));
    EXPECT_TRUE(same_bits(probability, o.probability));
    EXPECT_TRUE(same_bits(values, o.values));
    EXPECT_TRUE(same_bits(survival, o.survival));
    EXPECT_EQ(band, o.band);
    EXPECT_EQ(risk_status, o.risk_status);
    EXPECT_EQ(imputed, o.imputed);
    EXPECT_EQ(top, o.top);
  }
};

void expect_instrument_columns_equal_rows(const pact::Instrument& instrument, std::size_t n, unsigned seed,
                                          const std::vector<bool>& null_items = {}) {
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
  auto rows = random_rows(instrument, n, seed);
  for (std::size_t j = 0; j < null_items.size(); ++j)
    if (null_items[j])
      for (std::size_t i = 0; i < n; ++i) rows[i * items + j] = NA;
  const Columns columns = by_columns(rows, n, items, null_items);
  const auto matrix = pact::view_rows(rows.data(), static_cast<std::ptrdiff_t>(n),
                                      static_cast<std::ptrdiff_t>(items), static_cast<std::ptrdiff_t>(items));
  for (unsigned threads : {1u, 2u, 3u}) {
    SCOPED_TRACE("threads " + std::to_string(threads) + ", rows " + std::to_string(n));
    InstrumentOutputs from_rows(n, dims, items), from_columns(n, dims, items);
    const pact::BatchSummary a = pact::score_batch(instrument, matrix, from_rows.outputs(), threads);
    const pact::BatchSummary b = pact::score_batch(instrument, columns.view(), from_columns.outputs(), threads);
    EXPECT_EQ(a.rows, b.rows);
    EXPECT_EQ(a.scored, b.scored);
    EXPECT_EQ(a.rejected, b.rejected);
    from_rows.expect_equal(from_columns);
  }
}

void expect_risk_columns_equal_rows(const pact::RiskModel& model, std::size_t n, unsigned seed,
                                    const std::vector<bool>& null_items = {}) {
  const std::size_t items = model.instrument().item_count();
  auto rows = random_rows(model.instrument(), n, seed);
  for (std::size_t j = 0; j < null_items.size(); ++j)
    if (null_items[j])
      for (std::size_t i = 0; i < n; ++i) rows[i * items + j] = NA;
  const Columns columns = by_columns(rows, n, items, null_items);
  const auto matrix = pact::view_rows(rows.data(), static_cast<std::ptrdiff_t>(n),
                                      static_cast<std::ptrdiff_t>(items), static_cast<std::ptrdiff_t>(items));
  for (unsigned threads : {1u, 2u, 3u}) {
    SCOPED_TRACE("threads " + std::to_string(threads) + ", rows " + std::to_string(n));
    RiskOutputs from_rows(model, n), from_columns(model, n);
    const pact::BatchSummary a = pact::score_risk_batch(model, matrix, from_rows.outputs(), threads);
    const pact::BatchSummary b = pact::score_risk_batch(model, columns.view(), from_columns.outputs(), threads);
    EXPECT_EQ(a.scored, b.scored);
    EXPECT_EQ(a.rejected, b.rejected);
    EXPECT_GT(a.scored, 0u);
    if (n >= 1000) {
      EXPECT_GT(a.rejected, 0u) << "hostile values reject some rows";
    }
    from_rows.expect_equal(from_columns);
  }
}

TEST(ColumnInput, InstrumentOutputsEqualRowMajorOnTheDefaultInstrument) {
  // Block sizes that end a worker's rows mid-block, and fewer rows than a block.
  for (std::size_t n : {1u, 7u, 16u, 17u, 1000u, 4103u})
    expect_instrument_columns_equal_rows(pact::Instrument::bundled(), n, static_cast<unsigned>(n));
}

TEST(ColumnInput, InstrumentOutputsEqualRowMajorWithItemsNoRowAnswers) {
  const pact::Instrument& instrument = pact::Instrument::bundled();
  std::vector<bool> null_items(instrument.item_count(), false);
  for (std::size_t j = 0; j < null_items.size(); ++j) null_items[j] = !instrument.items()[j].required && j % 4 == 1;
  expect_instrument_columns_equal_rows(instrument, 2051, 3, null_items);
  expect_instrument_columns_equal_rows(small(), 333, 4, {false, true, true, false, false, true});
}

TEST(ColumnInput, RiskOutputsEqualRowMajorForEveryModelForm) {
  const auto logistic = pact::RiskModel::load(pact_test::data_path("models/logistic.json"), small());
  const auto hazard = pact::RiskModel::load(pact_test::data_path("models/hazard.json"), small());
  for (std::size_t n : {5u, 16u, 1009u}) {
    expect_risk_columns_equal_rows(logistic, n * 3, static_cast<unsigned>(n));
    expect_risk_columns_equal_rows(hazard, n * 3, static_cast<unsigned>(n) + 1);
  }
  expect_risk_columns_equal_rows(pact::RiskModel::bundled(), 3001, 9);
}

TEST(ColumnInput, RiskOutputsEqualRowMajorWithItemsNoRowAnswers) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& instrument = model.instrument();
  std::vector<bool> null_items(instrument.item_count(), false);
  // Every third optional item, the ones the model reads among them (its log and hinge features
  // then take their references), except the months in care, which the hazard needs.
  for (std::size_t j = 0; j < null_items.size(); ++j)
    null_items[j] = !instrument.items()[j].required && j % 3 == 0 && j != *model.duration_item();
  expect_risk_columns_equal_rows(model, 2500, 10, null_items);
}

TEST(ColumnInput, StridedColumnsEqualRowMajor) {
  // Every other column read in place from the row-major matrix itself (a DataFrame over a
  // row-major array: cells `items` apart), the others contiguous copies, one item no row answers.
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const std::size_t items = model.instrument().item_count(), n = 2077;
  auto rows = random_rows(model.instrument(), n, 12);
  const std::size_t unanswered = 5;
  ASSERT_FALSE(model.instrument().items()[unanswered].required);
  for (std::size_t i = 0; i < n; ++i) rows[i * items + unanswered] = NA;
  const Columns copies = by_columns(rows, n, items);
  std::vector<const double*> columns(items);
  std::vector<std::size_t> strides(items);
  for (std::size_t j = 0; j < items; ++j) {
    columns[j] = j == unanswered ? nullptr : j % 2 == 0 ? rows.data() + j : copies.pointers[j];
    strides[j] = j % 2 == 0 ? items : 1;
  }
  const auto matrix = pact::view_rows(rows.data(), static_cast<std::ptrdiff_t>(n),
                                      static_cast<std::ptrdiff_t>(items), static_cast<std::ptrdiff_t>(items));
  // And every column read in place, which is the matrix itself.
  std::vector<const double*> in_place(items);
  const std::vector<std::size_t> row_strides(items, items);
  for (std::size_t j = 0; j < items; ++j) in_place[j] = rows.data() + j;
  for (unsigned threads : {1u, 2u}) {
    RiskOutputs from_rows(model, n), from_columns(model, n), from_matrix_columns(model, n);
    pact::score_risk_batch(model, matrix, from_rows.outputs(), threads);
    pact::score_risk_batch(model, pact::ConstColumnsView{columns, n, strides}, from_columns.outputs(), threads);
    pact::score_risk_batch(model, pact::ConstColumnsView{in_place, n, row_strides}, from_matrix_columns.outputs(),
                           threads);
    from_rows.expect_equal(from_columns);
    from_rows.expect_equal(from_matrix_columns);
  }
}

TEST(ColumnInput, ColumnsThatAreOneRowMajorMatrixAreReadAsThatMatrix) {
  const std::size_t n = 5, items = 4, stride = 6;
  std::vector<double> rows(n * stride);
  std::vector<const double*> columns{rows.data(), rows.data() + 1, rows.data() + 2, rows.data() + 3};
  std::vector<std::size_t> strides(items, stride);
  const auto matrix = pact::detail::as_row_major({columns, n, strides});
  ASSERT_TRUE(matrix.has_value());
  EXPECT_EQ(matrix->data(), rows.data());
  EXPECT_EQ(matrix->rows(), 5);
  EXPECT_EQ(matrix->cols(), 4);
  EXPECT_EQ(matrix->outerStride(), 6);
  // Anything else is gathered column by column.
  auto reordered = columns;
  std::swap(reordered[1], reordered[2]);
  EXPECT_FALSE(pact::detail::as_row_major({reordered, n, strides}));
  auto with_null = columns;
  with_null[2] = nullptr;
  EXPECT_FALSE(pact::detail::as_row_major({with_null, n, strides}));
  auto mixed = strides;
  mixed[3] = 1;
  EXPECT_FALSE(pact::detail::as_row_major({columns, n, mixed}));
  const std::vector<std::size_t> overlapping(items, 2);  // rows that would overlap: not a matrix
  EXPECT_FALSE(pact::detail::as_row_major({columns, n, overlapping}));
  EXPECT_FALSE(pact::detail::as_row_major({columns, n, {}}));  // contiguous columns
}

TEST(ColumnInput, AMissingRequiredColumnRejectsEveryRowAtThatItem) {
  const pact::Instrument& instrument = small();  // a1 is required
  const std::size_t n = 40, items = instrument.item_count();
  std::vector<double> b1(n, 2.0);
  std::vector<const double*> columns(items, nullptr);
  columns[3] = b1.data();
  InstrumentOutputs out(n, instrument.dimension_count(), items);
  const pact::BatchSummary summary = pact::score_batch(instrument, pact::ConstColumnsView{columns, n}, out.outputs());
  EXPECT_EQ(summary.rows, n);
  EXPECT_EQ(summary.rejected, n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(out.status[i], static_cast<std::int32_t>(pact::ResponseStatus::missing_required)) << i;
    EXPECT_EQ(out.error_item[i], 0) << i;
    EXPECT_TRUE(std::isnan(out.composite[i])) << i;
  }
}

TEST(ColumnInput, ZeroRowsScoreNothing) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  std::vector<const double*> columns(model.instrument().item_count(), nullptr);
  RiskOutputs out(model, 0);
  const pact::BatchSummary summary = pact::score_risk_batch(model, pact::ConstColumnsView{columns, 0}, out.outputs(), 2);
  EXPECT_EQ(summary.rows, 0u);
  EXPECT_EQ(summary.scored, 0u);
  EXPECT_EQ(summary.rejected, 0u);
}

TEST(ColumnInput, TheWrongNumberOfColumnsIsAnInvalidArgumentNamingTheResponses) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const std::size_t items = model.instrument().item_count();
  std::vector<double> column(4, 1.0);
  for (std::size_t count : {std::size_t{0}, items - 1, items + 1}) {
    std::vector<const double*> columns(count, column.data());
    const pact::ConstColumnsView view{columns, column.size()};
    try {
      pact::score_batch(model.instrument(), view, pact::BatchOutputs{});
      ADD_FAILURE() << "score_batch accepted " << count << " columns";
    } catch (const pact::InvalidArgument& e) {
      EXPECT_EQ(e.where(), "responses");
      EXPECT_NE(std::string(e.what()).find("expected " + std::to_string(items) + " columns"), std::string::npos)
          << e.what();
    }
    EXPECT_THROW(pact::score_risk_batch(model, view, pact::RiskBatchOutputs{}), pact::InvalidArgument);
  }
  // Strides, when given, are one per column.
  std::vector<const double*> all(items, column.data());
  const std::vector<std::size_t> strides(items - 1, 1);
  try {
    pact::score_risk_batch(model, pact::ConstColumnsView{all, column.size(), strides}, pact::RiskBatchOutputs{});
    ADD_FAILURE() << "a stride short";
  } catch (const pact::InvalidArgument& e) {
    EXPECT_EQ(e.where(), "responses");
    EXPECT_NE(std::string(e.what()).find("a stride for each of the"), std::string::npos) << e.what();
  }
  // A survival curve is checked as for a matrix.
  std::vector<const double*> columns(items, column.data());
  pact::RiskBatchOutputs out;
  std::vector<double> survival(4 * 100);
  out.survival = survival.data();
  out.survival_months = 0;
  EXPECT_THROW(pact::score_risk_batch(model, pact::ConstColumnsView{columns, 4}, out), pact::InvalidArgument);
}

}  // namespace
