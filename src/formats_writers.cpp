// Writing results as CSV and JSON Lines, and rejected rows as an errors CSV (docs/formats.md).
#include "pact/formats/writers.hpp"

#include "pact/version.hpp"

#include "formats_text.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace pact {

namespace {

// Writers hand the stream a chunk at a time: large enough to amortise the calls, small enough
// to keep memory flat whatever the batch size.
constexpr std::size_t flush_bytes = std::size_t{1} << 16;

void write_out(std::ostream& out, std::string& buffer) {
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  buffer.clear();
  if (!out) throw IoError("output", "writing failed");
}

void append_csv_number(std::string& out, double value) {
  if (std::isfinite(value)) detail::append_number(out, value);  // a missing number is an empty field
}

void check_same_batch(const AssessmentBatch& batch, const ScoredBatch& scored) {
  if (batch.size() != scored.size())
    throw InvalidArgument("scored", "the scores are of another batch (" + std::to_string(scored.size()) + " rows, the batch has " +
                                        std::to_string(batch.size()) + ")");
}

void check_same_model(const RiskModel& model, const ScoredBatch& scored) {
  if (!scored.has_risk())
    throw InvalidArgument("scored", "the batch was scored without a risk model; this writer writes the risk of model " +
                                        model.id() + " " + model.version() + ": score it with ScoredBatch::score(model, ...)");
  if (scored.risk_model().hash() != model.hash() || scored.risk_model().instrument().hash() != model.instrument().hash())
    throw InvalidArgument("scored", "the batch was scored with risk model " + scored.risk_model().id() + " " +
                                        scored.risk_model().version() + ", this writer writes model " + model.id() +
                                        " " + model.version());
}

void check_risk_of(const RiskModel& model, const RiskResult& risk) {
  if (risk.stamp.model_hash != model.hash() || risk.stamp.instrument_hash != model.instrument().hash())
    throw InvalidArgument("risk", "the risk result is of model " + risk.stamp.model_id + " " + risk.stamp.model_version +
                                      ", this writer writes model " + model.id() + " " + model.version());
  if (risk.band < 0 || static_cast<std::size_t>(risk.band) >= model.bands().size())
    throw InvalidArgument("risk", "the risk result's band is out of range");
  for (std::size_t k : risk.top_factors)
    if (k >= model.features().size()) throw InvalidArgument("risk", "the risk result's top factors are out of range");
}

// The risk columns of one row (result_csv_columns(model, ...)). `top` holds feature indices.
template <class TopFactors>
void append_risk_columns(std::string& out, std::string& scratch, char sep, const RiskModel& model,
                         const std::string& model_lang, bool provenance, RiskStatus status, double probability,
                         std::int32_t band, double linear_predictor, std::int64_t imputed, const TopFactors& top) {
  const bool ok = status == RiskStatus::ok;
  out += sep;
  out += to_string(status);
  out += sep;
  if (ok) append_csv_number(out, probability);
  out += sep;
  if (ok) detail::append_csv_field(out, model.bands()[static_cast<std::size_t>(band)].id, sep);
  out += sep;
  if (ok) detail::append_csv_field(out, model.bands()[static_cast<std::size_t>(band)].label.in(model_lang), sep);
  out += sep;
  if (ok) append_csv_number(out, linear_predictor);
  out += sep;
  if (ok) out += std::to_string(model.horizon_months());
  out += sep;
  if (ok) out += std::to_string(imputed);
  out += sep;
  if (ok) {
    scratch.clear();
    for (const auto k : top) {
      if (!scratch.empty()) scratch += ';';
      scratch += model.features()[static_cast<std::size_t>(k)].id;
    }
    detail::append_csv_field(out, scratch, sep);
  }
  if (provenance) {
    for (const std::string* text : {&model.id(), &model.version(), &model.hash()}) {
      out += sep;
      detail::append_csv_field(out, *text, sep);
    }
    out += sep;
    out += to_string(model.provenance().status);
  }
}

std::vector<AttributeView> attribute_views(const Assessment& assessment) {
  std::vector<AttributeView> views;
  views.reserve(assessment.attributes.size());
  for (const auto& [name, value] : assessment.attributes) views.push_back({name, value});
  return views;
}

}  // namespace

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::invalid_argument: return "invalid_argument";
    case ErrorKind::parse: return "parse";
    case ErrorKind::validation: return "validation";
    case ErrorKind::io: return "io";
    case ErrorKind::limit: return "limit";
    case ErrorKind::internal: return "internal";
  }
  return "unknown";
}

std::vector<std::string> result_csv_columns(const Instrument& instrument, const ResultCsvOptions& options) {
  std::vector<std::string> columns = {"case_id", "date"};
  columns.insert(columns.end(), options.attributes.begin(), options.attributes.end());
  for (const char* name : {"composite", "composite_coverage", "level", "level_label", "deprivation_score",
                           "deprived_count", "critical_factors"})
    columns.emplace_back(name);
  for (const char* prefix : {"score_", "coverage_", "deprived_"})
    for (const auto& dim : instrument.dimensions()) columns.push_back(prefix + dim.id);
  if (options.item_severities)
    for (const auto& item : instrument.items()) columns.push_back("severity_" + item.id);
  if (options.provenance)
    for (const char* name : {"instrument_id", "instrument_version", "instrument_hash", "pact_version"})
      columns.emplace_back(name);
  std::set<std::string> seen;
  for (const auto& column : columns)
    if (!seen.insert(column).second)
      throw InvalidArgument("attributes", "the attribute \"" + column + "\" has the name of another result column");
  return columns;
}

std::vector<std::string> result_csv_columns(const RiskModel& model, const ResultCsvOptions& options) {
  std::vector<std::string> columns = result_csv_columns(model.instrument(), options);
  for (const char* name : {"risk_status", "risk_probability", "risk_band", "risk_band_label", "risk_linear_predictor",
                           "risk_horizon_months", "risk_imputed_count", "risk_top_factors"})
    columns.emplace_back(name);
  if (options.provenance)
    for (const char* name : {"risk_model_id", "risk_model_version", "risk_model_hash", "risk_model_status"})
      columns.emplace_back(name);
  for (const auto& name : options.attributes)
    if (name.rfind("risk_", 0) == 0 && std::count(columns.begin(), columns.end(), name) > 1)
      throw InvalidArgument("attributes", "the attribute \"" + name + "\" has the name of another result column");
  return columns;
}

CsvResultWriter::CsvResultWriter(const RiskModel& model, std::ostream& out, ResultCsvOptions options)
    : CsvResultWriter(model.instrument(), out, std::move(options), &model) {}

CsvResultWriter::CsvResultWriter(const Instrument& instrument, std::ostream& out, ResultCsvOptions options)
    : CsvResultWriter(instrument, out, std::move(options), nullptr) {}

CsvResultWriter::CsvResultWriter(const Instrument& instrument, std::ostream& out, ResultCsvOptions options,
                                 const RiskModel* model)
    : instrument_(instrument), out_(&out), options_(std::move(options)) {
  if (options_.delimiter == '"' || options_.delimiter == '\n' || options_.delimiter == '\r')
    throw InvalidArgument("delimiter", "the delimiter cannot be a quote or a line break");
  if (model) model_ = *model;
  columns_ = model ? result_csv_columns(*model, options_) : result_csv_columns(instrument_, options_);
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    if (k) buffer_ += options_.delimiter;
    detail::append_csv_field(buffer_, columns_[k], options_.delimiter);
  }
  buffer_ += "\r\n";
  flush();
}

void CsvResultWriter::flush() { write_out(*out_, buffer_); }

void CsvResultWriter::append_row(const CaseView& c, const CaseScores& s) {
  const Instrument& instrument = instrument_;
  const std::size_t dims = instrument.dimension_count(), items = instrument.item_count();
  if (s.dimensions.size() != dims || s.item_severity.size() != items)
    throw InvalidArgument("scores", "the scores are not of instrument " + instrument.id() + " " + instrument.version());
  const char sep = options_.delimiter;
  const std::string& lang = result_language(instrument, options_.language);
  std::string& out = buffer_;

  detail::append_csv_field(out, c.case_id, sep);
  out += sep;
  detail::append_csv_field(out, c.date, sep);
  for (const auto& name : options_.attributes) {
    out += sep;
    for (const AttributeView& a : c.attributes)
      if (a.name == name) {
        detail::append_csv_field(out, a.value, sep);
        break;
      }
  }
  out += sep;
  append_csv_number(out, s.composite);
  out += sep;
  append_csv_number(out, s.composite_coverage);
  out += sep;
  if (s.level >= 0) detail::append_csv_field(out, instrument.levels().at(static_cast<std::size_t>(s.level)).id, sep);
  out += sep;
  if (s.level >= 0) detail::append_csv_field(out, instrument.levels()[static_cast<std::size_t>(s.level)].label.in(lang), sep);
  out += sep;
  append_csv_number(out, s.deprivation_score);
  out += sep;
  out += std::to_string(s.deprived_count);
  out += sep;
  std::string factors;
  for (const CriticalFactor& f : s.critical_factors) {
    if (!factors.empty()) factors += ';';
    if (f.kind == CriticalFactor::Kind::dimension)
      factors += "dimension:" + instrument.dimensions().at(f.index).id;
    else
      factors += "item:" + instrument.items().at(f.index).id;
  }
  detail::append_csv_field(out, factors, sep);
  for (std::size_t d = 0; d < dims; ++d) {
    out += sep;
    append_csv_number(out, s.dimensions[d].score);
  }
  for (std::size_t d = 0; d < dims; ++d) {
    out += sep;
    append_csv_number(out, s.dimensions[d].coverage);
  }
  for (std::size_t d = 0; d < dims; ++d) {
    out += sep;
    if (s.dimensions[d].scored) out += s.dimensions[d].deprived ? '1' : '0';
  }
  if (options_.item_severities)
    for (std::size_t j = 0; j < items; ++j) {
      out += sep;
      append_csv_number(out, s.item_severity[j]);
    }
  if (options_.provenance) {
    for (const std::string* text : {&instrument.id(), &instrument.version(), &instrument.hash()}) {
      out += sep;
      detail::append_csv_field(out, *text, sep);
    }
    out += sep;
    out += version_string;
  }
}

void CsvResultWriter::end_row() {
  buffer_ += "\r\n";
  ++rows_;
}

void CsvResultWriter::write(const AssessmentBatch& batch, const ScoredBatch& scored) {
  check_same_batch(batch, scored);
  if (model_) check_same_model(*model_, scored);
  const std::string& model_lang =
      model_ ? risk_language(*model_, result_language(instrument_, options_.language)) : options_.language;
  for (std::size_t i = 0; i < scored.size(); ++i) {
    if (scored.status(i) != ResponseStatus::ok) continue;
    scored.case_scores(i, scratch_);
    append_row(case_view(batch, i), scratch_);
    if (model_)
      append_risk_columns(buffer_, factors_, options_.delimiter, *model_, model_lang, options_.provenance,
                          scored.risk_status(i), scored.risk_probability(i), scored.risk_band(i),
                          scored.risk_linear_predictor(i), scored.risk_imputed_features(i), scored.risk_top_factors(i));
    end_row();
    if (buffer_.size() >= flush_bytes) flush();
  }
  flush();
}

void CsvResultWriter::write(const CaseView& case_view, const CaseScores& scores) {
  if (model_)
    throw InvalidArgument("risk", "this writer writes the risk of model " + model_->id() + " " + model_->version() +
                                      ": pass the case's RiskResult");
  append_row(case_view, scores);
  end_row();
  flush();
}

void CsvResultWriter::write(const Assessment& assessment, const CaseScores& scores) {
  const auto attributes = attribute_views(assessment);
  write(CaseView{assessment.case_id, assessment.date, attributes, assessment.responses}, scores);
}

void CsvResultWriter::write(const CaseView& case_view, const CaseScores& scores, const RiskResult& risk) {
  if (!model_) throw InvalidArgument("risk", "this writer was created without a risk model and has no risk columns");
  check_risk_of(*model_, risk);
  const std::size_t mark = buffer_.size();
  try {
    append_row(case_view, scores);
  } catch (...) {
    buffer_.resize(mark);
    throw;
  }
  const std::string& model_lang = risk_language(*model_, result_language(instrument_, options_.language));
  append_risk_columns(buffer_, factors_, options_.delimiter, *model_, model_lang, options_.provenance, RiskStatus::ok,
                      risk.probability, risk.band, risk.linear_predictor, static_cast<std::int64_t>(risk.imputed_count),
                      risk.top_factors);
  end_row();
  flush();
}

void CsvResultWriter::write(const Assessment& assessment, const CaseScores& scores, const RiskResult& risk) {
  const auto attributes = attribute_views(assessment);
  write(CaseView{assessment.case_id, assessment.date, attributes, assessment.responses}, scores, risk);
}

JsonlResultWriter::JsonlResultWriter(const Instrument& instrument, std::ostream& out, ResultOptions options)
    : instrument_(instrument), out_(&out), options_(std::move(options)) {}

JsonlResultWriter::JsonlResultWriter(const RiskModel& model, std::ostream& out, ResultOptions options,
                                     RiskOptions risk_options)
    : instrument_(model.instrument()),
      model_(model),
      risk_options_(std::move(risk_options)),
      out_(&out),
      options_(std::move(options)) {
  // Checked here, not at the first row: score_risk would refuse the same options on every row.
  if (model.form() == RiskForm::logistic && !risk_options_.horizons.empty())
    throw InvalidArgument("risk_options/horizons", "a logistic model answers at its own horizon (" +
                                                       std::to_string(model.horizon_months()) + " months) only");
  for (std::size_t h = 0; h < risk_options_.horizons.size(); ++h)
    if (risk_options_.horizons[h] < 1 || risk_options_.horizons[h] > max_horizon_months)
      throw InvalidArgument("risk_options/horizons/" + std::to_string(h),
                            "expected a number of months in [1, " + std::to_string(max_horizon_months) + "], got " +
                                std::to_string(risk_options_.horizons[h]));
}

void JsonlResultWriter::flush() { write_out(*out_, buffer_); }

void JsonlResultWriter::write(const AssessmentBatch& batch, const ScoredBatch& scored) {
  check_same_batch(batch, scored);
  if (model_) check_same_model(*model_, scored);
  for (std::size_t i = 0; i < scored.size(); ++i) {
    if (scored.status(i) != ResponseStatus::ok) continue;
    scored.case_scores(i, scratch_);
    const CaseView view = case_view(batch, i);
    if (!model_) {
      append_result_json(buffer_, instrument_, view, scratch_, options_);
    } else if (scored.risk_status(i) == RiskStatus::ok) {
      const RiskResult risk = score_risk(*model_, batch.responses(i), scratch_, risk_options_);
      append_result_json(buffer_, *model_, view, scratch_, risk, options_);
    } else {
      append_result_json(buffer_, *model_, view, scratch_, scored.risk_status(i), options_);
    }
    buffer_ += '\n';
    ++rows_;
    if (buffer_.size() >= flush_bytes) flush();
  }
  flush();
}

void JsonlResultWriter::write(const CaseView& case_view, const CaseScores& scores) {
  if (model_)
    throw InvalidArgument("risk", "this writer writes the risk of model " + model_->id() + " " + model_->version() +
                                      ": pass the case's RiskResult");
  append_result_json(buffer_, instrument_, case_view, scores, options_);
  buffer_ += '\n';
  ++rows_;
  flush();
}

void JsonlResultWriter::write(const Assessment& assessment, const CaseScores& scores) {
  const auto attributes = attribute_views(assessment);
  write(CaseView{assessment.case_id, assessment.date, attributes, assessment.responses}, scores);
}

void JsonlResultWriter::write(const CaseView& case_view, const CaseScores& scores, const RiskResult& risk) {
  if (!model_) throw InvalidArgument("risk", "this writer was created without a risk model");
  append_result_json(buffer_, *model_, case_view, scores, risk, options_);
  buffer_ += '\n';
  ++rows_;
  flush();
}

void JsonlResultWriter::write(const Assessment& assessment, const CaseScores& scores, const RiskResult& risk) {
  const auto attributes = attribute_views(assessment);
  write(CaseView{assessment.case_id, assessment.date, attributes, assessment.responses}, scores, risk);
}

std::vector<std::string> error_csv_columns() { return {"line", "position", "column", "case_id", "kind", "reason"}; }

ErrorCsvWriter::ErrorCsvWriter(std::ostream& out, char delimiter) : out_(&out), delimiter_(delimiter) {
  if (delimiter_ == '"' || delimiter_ == '\n' || delimiter_ == '\r')
    throw InvalidArgument("delimiter", "the delimiter cannot be a quote or a line break");
  const auto columns = error_csv_columns();
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k) buffer_ += delimiter_;
    buffer_ += columns[k];
  }
  buffer_ += "\r\n";
  write_out(*out_, buffer_);
}

void ErrorCsvWriter::write(std::span<const RowError> errors) {
  for (const RowError& e : errors) {
    buffer_ += std::to_string(e.line);
    buffer_ += delimiter_;
    if (e.position) buffer_ += std::to_string(e.position);
    buffer_ += delimiter_;
    detail::append_csv_field(buffer_, e.column, delimiter_);
    buffer_ += delimiter_;
    detail::append_csv_field(buffer_, e.case_id, delimiter_);
    buffer_ += delimiter_;
    buffer_ += to_string(e.kind);
    buffer_ += delimiter_;
    detail::append_csv_field(buffer_, e.reason, delimiter_);
    buffer_ += "\r\n";
    ++rows_;
    if (buffer_.size() >= flush_bytes) write_out(*out_, buffer_);
  }
  write_out(*out_, buffer_);
}

}  // namespace pact
