// Writing results as CSV and JSON Lines, and rejected rows as an errors CSV (docs/formats.md).
#include "pact/formats/writers.hpp"

#include "pact/version.hpp"

#include "formats_text.hpp"

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

CsvResultWriter::CsvResultWriter(const Instrument& instrument, std::ostream& out, ResultCsvOptions options)
    : instrument_(instrument), out_(&out), options_(std::move(options)) {
  if (options_.delimiter == '"' || options_.delimiter == '\n' || options_.delimiter == '\r')
    throw InvalidArgument("delimiter", "the delimiter cannot be a quote or a line break");
  columns_ = result_csv_columns(instrument_, options_);
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
  out += "\r\n";
  ++rows_;
}

void CsvResultWriter::write(const AssessmentBatch& batch, const ScoredBatch& scored) {
  check_same_batch(batch, scored);
  for (std::size_t i = 0; i < scored.size(); ++i) {
    if (scored.status(i) != ResponseStatus::ok) continue;
    scored.case_scores(i, scratch_);
    append_row(case_view(batch, i), scratch_);
    if (buffer_.size() >= flush_bytes) flush();
  }
  flush();
}

void CsvResultWriter::write(const CaseView& case_view, const CaseScores& scores) {
  append_row(case_view, scores);
  flush();
}

void CsvResultWriter::write(const Assessment& assessment, const CaseScores& scores) {
  const auto attributes = attribute_views(assessment);
  write(CaseView{assessment.case_id, assessment.date, attributes, assessment.responses}, scores);
}

JsonlResultWriter::JsonlResultWriter(const Instrument& instrument, std::ostream& out, ResultOptions options)
    : instrument_(instrument), out_(&out), options_(std::move(options)) {}

void JsonlResultWriter::flush() { write_out(*out_, buffer_); }

void JsonlResultWriter::write(const AssessmentBatch& batch, const ScoredBatch& scored) {
  check_same_batch(batch, scored);
  for (std::size_t i = 0; i < scored.size(); ++i) {
    if (scored.status(i) != ResponseStatus::ok) continue;
    scored.case_scores(i, scratch_);
    append_result_json(buffer_, instrument_, case_view(batch, i), scratch_, options_);
    buffer_ += '\n';
    ++rows_;
    if (buffer_.size() >= flush_bytes) flush();
  }
  flush();
}

void JsonlResultWriter::write(const CaseView& case_view, const CaseScores& scores) {
  append_result_json(buffer_, instrument_, case_view, scores, options_);
  buffer_ += '\n';
  ++rows_;
  flush();
}

void JsonlResultWriter::write(const Assessment& assessment, const CaseScores& scores) {
  const auto attributes = attribute_views(assessment);
  write(CaseView{assessment.case_id, assessment.date, attributes, assessment.responses}, scores);
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
