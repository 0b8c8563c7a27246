// pact: batches of assessments read from a stream (CSV, JSON Lines) and their scores (with or
// without a chronicity-risk model). A batch is a dense row-major matrix of responses that
// score_batch reads in place, with each row's case id, date, attributes and source line, and an
// error record for every row the reader rejected.
#ifndef PACT_FORMATS_BATCH_HPP
#define PACT_FORMATS_BATCH_HPP

#include "pact/assessment.hpp"
#include "pact/error.hpp"
#include "pact/instrument.hpp"
#include "pact/matrix.hpp"
#include "pact/risk_model.hpp"
#include "pact/scoring.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pact {

/// The longest attribute name pact accepts, in bytes.
inline constexpr std::size_t max_attribute_name_length = 64;
/// The longest attribute value pact accepts, in bytes (attributes are categories such as a
/// territory or an age band, not free text).
inline constexpr std::size_t max_attribute_value_length = 1024;
/// The most attributes one assessment may carry.
inline constexpr std::size_t max_attributes = 64;

/// Why one row of a CSV or JSON Lines input was rejected. Reading goes on after it.
struct RowError {
  std::uint64_t line = 0;    ///< the first line of the row in the input, 1-based
  std::string column;        ///< CSV: the header name ("" past the header); JSON Lines: the JSON
                             ///< Pointer of the value ("" for a syntax error)
  std::size_t position = 0;  ///< CSV: the 1-based field number; JSON Lines: the 1-based byte
                             ///< column of a syntax error; 0 when it does not apply
  std::string case_id;       ///< the row's case id when it was read before the error, else ""
  ErrorKind kind = ErrorKind::validation;  ///< parse, validation or limit
  std::string reason;        ///< what was expected; never echoes text that could be personal data
};

/// How many rows a reader has read so far: read = accepted + rejected, always.
struct ReadCounts {
  std::uint64_t read = 0;      ///< rows read
  std::uint64_t accepted = 0;  ///< rows handed over in batches
  std::uint64_t rejected = 0;  ///< rows reported as RowError
};

/// One subgroup attribute of a row (territory, sex, age band, ...).
struct AttributeView {
  std::string_view name;   ///< the attribute's name, e.g. "territory"
  std::string_view value;  ///< its value for the row, e.g. "leon"
};

/// A batch of accepted rows and the errors of the rejected ones, in input order. Its memory is
/// reused from batch to batch: once it has grown to its capacity, filling it allocates nothing
/// (unless a row has longer texts than any before). Text views stay valid until the next reset.
class AssessmentBatch {
 public:
  /// Empties the batch for up to `capacity` rows of `items` responses each.
  void reset(std::size_t items, std::size_t capacity) {
    if (static_cast<std::size_t>(matrix_.rows()) != capacity || static_cast<std::size_t>(matrix_.cols()) != items)
      matrix_.resize(static_cast<Eigen::Index>(capacity), static_cast<Eigen::Index>(items));
    items_ = items;
    rows_ = 0;
    open_ = false;
    finished_ = false;
    text_.clear();
    rows_meta_.clear();
    attribute_spans_.clear();
    attribute_views_.clear();
    errors_.clear();
  }

  /// The most rows the batch holds (set by reset).
  std::size_t capacity() const noexcept { return static_cast<std::size_t>(matrix_.rows()); }
  /// Responses per row (the instrument's items).
  std::size_t item_count() const noexcept { return items_; }
  /// Accepted rows.
  std::size_t size() const noexcept { return rows_; }
  /// True when no row was accepted (there may still be errors).
  bool empty() const noexcept { return rows_ == 0; }
  /// Rows read into this batch: accepted + rejected.
  std::size_t rows_read() const noexcept { return rows_ + errors_.size(); }

  /// The accepted rows' responses: size() x item_count(), items in instrument order, NaN = missing.
  ConstRowMatrixView responses() const {
    return view_rows(matrix_.data(), static_cast<std::ptrdiff_t>(rows_), static_cast<std::ptrdiff_t>(items_),
                     static_cast<std::ptrdiff_t>(items_));
  }
  /// One accepted row's responses. Throws InvalidArgument for a row past size() (as every
  /// per-row accessor does).
  std::span<const double> responses(std::size_t row) const {
    return {matrix_.data() + checked(row) * items_, items_};
  }
  /// The row's case id.
  std::string_view case_id(std::size_t row) const { return text(rows_meta_[checked(row)].case_id); }
  /// The assessment date (YYYY-MM-DD), or "" when the row has none.
  std::string_view date(std::size_t row) const { return text(rows_meta_[checked(row)].date); }
  /// The first line of the row in the input, 1-based.
  std::uint64_t line(std::size_t row) const { return rows_meta_[checked(row)].line; }
  /// The row's attributes, in input order. Valid once the batch is finished (readers finish
  /// every batch they hand over).
  std::span<const AttributeView> attributes(std::size_t row) const {
    if (!finished_) throw InvalidArgument("batch", "the batch is not finished: call finish() after filling it");
    const RowMeta& meta = rows_meta_[checked(row)];
    return {attribute_views_.data() + meta.attributes_begin, meta.attributes_end - meta.attributes_begin};
  }
  /// The value of attribute `name` in row `row`, or nullopt.
  std::optional<std::string_view> attribute(std::size_t row, std::string_view name) const {
    for (const AttributeView& a : attributes(row))
      if (a.name == name) return a.value;
    return std::nullopt;
  }
  /// The rejected rows, in input order.
  const std::vector<RowError>& errors() const noexcept { return errors_; }

  // Filling, as the readers do: begin_row, set_case_id / set_date / add_attribute and the
  // responses, then commit_row or discard_row; add_error for a rejected row; finish at the end.

  /// Starts a row read at `line`; returns its responses, all missing (NaN) to begin with.
  std::span<double> begin_row(std::uint64_t line) {
    discard_row();
    if (rows_ == capacity()) throw InvalidArgument("batch", "the batch is full (capacity " + std::to_string(capacity()) + ")");
    open_ = true;
    finished_ = false;
    RowMeta meta;
    meta.line = line;
    meta.text_begin = text_.size();
    meta.attributes_begin = meta.attributes_end = attribute_spans_.size();
    rows_meta_.push_back(meta);
    double* row = matrix_.data() + rows_ * items_;
    std::fill(row, row + items_, missing);
    return {row, items_};
  }
  /// Sets the case id of the row begun last.
  void set_case_id(std::string_view id) { rows_meta_.back().case_id = store(id); }
  /// Sets the date of the row begun last.
  void set_date(std::string_view date) { rows_meta_.back().date = store(date); }
  /// Adds an attribute to the row begun last.
  void add_attribute(std::string_view name, std::string_view value) {
    attribute_spans_.push_back({store(name), store(value)});
    rows_meta_.back().attributes_end = attribute_spans_.size();
  }
  /// Accepts the row begun last.
  void commit_row() {
    open_ = false;
    ++rows_;
  }
  /// Drops the row begun last (its texts too).
  void discard_row() {
    if (!open_) return;
    text_.resize(rows_meta_.back().text_begin);
    attribute_spans_.resize(rows_meta_.back().attributes_begin);
    rows_meta_.pop_back();
    open_ = false;
  }
  /// Records a rejected row.
  void add_error(RowError error) { errors_.push_back(std::move(error)); }
  /// Makes the attribute views valid; call after the last row.
  void finish() {
    discard_row();
    attribute_views_.clear();
    for (const auto& [name, value] : attribute_spans_) attribute_views_.push_back({text(name), text(value)});
    finished_ = true;
  }

 private:
  struct Span {
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  struct RowMeta {
    std::uint64_t line = 0;
    std::size_t text_begin = 0;
    Span case_id;
    Span date;
    std::size_t attributes_begin = 0;
    std::size_t attributes_end = 0;
  };

  std::size_t checked(std::size_t row) const {
    if (row >= rows_) throw InvalidArgument("batch", "row " + std::to_string(row) + " is past the batch's " +
                                                         std::to_string(rows_) + " rows");
    return row;
  }
  Span store(std::string_view s) {
    Span span{text_.size(), s.size()};
    text_.append(s);
    return span;
  }
  std::string_view text(Span s) const { return std::string_view(text_).substr(s.offset, s.size); }

  RowMatrix matrix_;
  std::size_t items_ = 0;
  std::size_t rows_ = 0;
  bool open_ = false;
  bool finished_ = false;
  std::string text_;
  std::vector<RowMeta> rows_meta_;
  std::vector<std::pair<Span, Span>> attribute_spans_;
  std::vector<AttributeView> attribute_views_;
  std::vector<RowError> errors_;
};

/// The scores of a batch, as score_batch (or score_risk_batch) writes them, kept for the result
/// writers. Its memory is reused from batch to batch.
class ScoredBatch {
 public:
  /// Scores every accepted row of `batch` (see score_batch; `threads` = 0 uses every hardware
  /// thread). A row a pact reader accepted always scores: the readers check each response with
  /// the same rule as the kernel. Rows filled by hand may not; their status() says why.
  BatchSummary score(const Instrument& instrument, const AssessmentBatch& batch, unsigned threads = 1) {
    const BatchOutputs out = prepare(instrument, batch);
    model_.reset();
    return score_batch(instrument, batch.responses(), out, threads);
  }

  /// Scores every accepted row of `batch` with the model's instrument and its chronicity risk in
  /// one pass (see score_risk_batch): the instrument's outputs exactly as score() gives them, and
  /// per row the risk status, linear predictor, probability, band, imputed features and top
  /// factors, each equal to score_risk's to the bit. No counterfactuals. The summary counts the
  /// rows with a risk as scored.
  BatchSummary score(const RiskModel& model, const AssessmentBatch& batch, unsigned threads = 1) {
    RiskBatchOutputs out;
    out.instrument = prepare(model.instrument(), batch);
    model_ = model;
    linear_predictor_.resize(rows_);
    probability_.resize(rows_);
    band_.resize(rows_);
    risk_status_.resize(rows_);
    imputed_features_.resize(rows_);
    top_factors_.resize(rows_ * max_top_factors);
    out.linear_predictor = linear_predictor_.data();
    out.probability = probability_.data();
    out.band = band_.data();
    out.risk_status = risk_status_.data();
    out.imputed_features = imputed_features_.data();
    out.top_factors = top_factors_.data();
    return score_risk_batch(model, batch.responses(), out, threads);
  }

  /// Rows scored (the batch's accepted rows).
  std::size_t size() const noexcept { return rows_; }
  /// Whether the instrument scored the row, and if not why.
  ResponseStatus status(std::size_t row) const { return static_cast<ResponseStatus>(status_[checked(row)]); }
  /// The item that made the row fail, or -1.
  std::int32_t error_item(std::size_t row) const { return error_item_[checked(row)]; }
  /// The row's composite index; NaN when not scored.
  double composite(std::size_t row) const { return composite_[checked(row)]; }
  /// The row's level index into Instrument::levels(); -1 when the composite is not scored.
  std::int32_t level(std::size_t row) const { return level_[checked(row)]; }
  /// The row's dimension scores, one per dimension; NaN = not scored.
  std::span<const double> dimension_scores(std::size_t row) const {
    const std::size_t dims = instrument_->dimension_count();
    return {dimension_scores_.data() + checked(row) * dims, dims};
  }

  /// Whether the batch was scored with a risk model, and which.
  bool has_risk() const noexcept { return model_.has_value(); }
  /// The risk model the batch was scored with; throws InvalidArgument when there was none.
  const RiskModel& risk_model() const {
    if (!model_) throw InvalidArgument("scored", "the batch was scored without a risk model");
    return *model_;
  }
  /// Why the row has no risk (RiskStatus::ok when it has one).
  RiskStatus risk_status(std::size_t row) const { return static_cast<RiskStatus>(risk_status_[risk_row(row)]); }
  /// b'x (plus b0 in the logistic form); NaN without a risk.
  double risk_linear_predictor(std::size_t row) const { return linear_predictor_[risk_row(row)]; }
  /// P(still in care at the model's horizon); NaN without a risk.
  double risk_probability(std::size_t row) const { return probability_[risk_row(row)]; }
  /// Index into RiskModel::bands(); -1 without a risk.
  std::int32_t risk_band(std::size_t row) const { return band_[risk_row(row)]; }
  /// Features that took their reference value; -1 without a risk.
  std::int32_t risk_imputed_features(std::size_t row) const { return imputed_features_[risk_row(row)]; }
  /// Up to max_top_factors indices into RiskModel::features(), largest risk effect first (as
  /// RiskResult::top_factors); empty without a risk.
  std::span<const std::int32_t> risk_top_factors(std::size_t row) const {
    const std::int32_t* top = top_factors_.data() + risk_row(row) * max_top_factors;
    std::size_t count = 0;
    while (count < max_top_factors && top[count] >= 0) ++count;
    return {top, count};
  }

  /// Everything score() reports for row `row`, rebuilt from the batch outputs into `out`
  /// (reusing its buffers). Throws InvalidArgument for a row that was not scored.
  void case_scores(std::size_t row, CaseScores& out) const {
    checked(row);
    if (status_[row] != 0)
      throw InvalidArgument("row " + std::to_string(row), std::string("the row was not scored: ") +
                                                            to_string(static_cast<ResponseStatus>(status_[row])));
    const Instrument& instrument = *instrument_;
    const std::size_t dims = instrument.dimension_count(), items = instrument.item_count();
    out.item_severity.assign(item_severities_.begin() + static_cast<std::ptrdiff_t>(row * items),
                             item_severities_.begin() + static_cast<std::ptrdiff_t>((row + 1) * items));
    out.dimensions.resize(dims);
    for (std::size_t d = 0; d < dims; ++d) {
      // The same flags as score_into sets; a test holds the two equal on every row.
      const Dimension& dim = instrument.dimensions()[d];
      DimensionResult& r = out.dimensions[d];
      r.score = dimension_scores_[row * dims + d];
      r.coverage = dimension_coverage_[row * dims + d];
      r.scored = !std::isnan(r.score);
      r.deprived = r.scored && r.score >= dim.deprivation_cutoff;
      r.critical = r.scored && dim.critical_cutoff && r.score >= *dim.critical_cutoff;
    }
    out.composite = composite_[row];
    out.composite_coverage = composite_coverage_[row];
    out.level = level_[row];
    out.deprivation_score = deprivation_score_[row];
    out.deprived_count = deprived_count_[row];
    out.critical_factors = critical_factors(instrument, out.dimensions, out.item_severity);
  }

 private:
  std::size_t checked(std::size_t row) const {
    if (row >= rows_) throw InvalidArgument("batch", "row " + std::to_string(row) + " is past the batch's " +
                                                         std::to_string(rows_) + " rows");
    return row;
  }

  BatchOutputs prepare(const Instrument& instrument, const AssessmentBatch& batch) {
    if (batch.item_count() != instrument.item_count())
      throw InvalidArgument("batch", "the batch has " + std::to_string(batch.item_count()) + " items per row, the instrument " +
                                         instrument.id() + " has " + std::to_string(instrument.item_count()));
    instrument_ = instrument;
    rows_ = batch.size();
    const std::size_t dims = instrument.dimension_count(), items = instrument.item_count();
    dimension_scores_.resize(rows_ * dims);
    dimension_coverage_.resize(rows_ * dims);
    item_severities_.resize(rows_ * items);
    composite_.resize(rows_);
    composite_coverage_.resize(rows_);
    deprivation_score_.resize(rows_);
    level_.resize(rows_);
    deprived_count_.resize(rows_);
    status_.resize(rows_);
    error_item_.resize(rows_);
    BatchOutputs out;
    out.dimension_scores = dimension_scores_.data();
    out.dimension_coverage = dimension_coverage_.data();
    out.item_severities = item_severities_.data();
    out.composite = composite_.data();
    out.composite_coverage = composite_coverage_.data();
    out.level = level_.data();
    out.deprivation_score = deprivation_score_.data();
    out.deprived_count = deprived_count_.data();
    out.status = status_.data();
    out.error_item = error_item_.data();
    return out;
  }

  std::size_t risk_row(std::size_t row) const {
    if (!model_) throw InvalidArgument("scored", "the batch was scored without a risk model");
    return checked(row);
  }

  std::optional<Instrument> instrument_;
  std::optional<RiskModel> model_;
  std::size_t rows_ = 0;
  std::vector<double> linear_predictor_, probability_;
  std::vector<std::int32_t> band_, risk_status_, imputed_features_, top_factors_;
  std::vector<double> dimension_scores_, dimension_coverage_, item_severities_;
  std::vector<double> composite_, composite_coverage_, deprivation_score_;
  std::vector<std::int32_t> level_, deprived_count_, status_, error_item_;
};

}  // namespace pact

#endif  // PACT_FORMATS_BATCH_HPP
