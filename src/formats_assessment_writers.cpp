// Writing assessments as CSV and JSON Lines, in the forms the readers read back bit-identically
// (docs/formats.md, "Writing assessments").
#include "pact/formats/assessment_writers.hpp"

#include "formats_assessment_text.hpp"
#include "formats_text.hpp"
#include "json_support.hpp"

#include <cmath>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace pact {

namespace detail {

void check_writable(const Instrument& instrument, const CaseView& c) {
  if (!is_valid_utf8(c.case_id)) throw ValidationError("/case_id", "the case id is not valid UTF-8");
  if (const char* problem = case_id_problem(c.case_id)) throw ValidationError("/case_id", problem);
  if (!c.date.empty() && !is_iso_date(c.date))
    throw ValidationError("/date", "expected a calendar date written YYYY-MM-DD");
  if (c.attributes.size() > max_attributes)
    throw ValidationError("/attributes", "expected at most " + std::to_string(max_attributes) + " attributes");
  for (std::size_t k = 0; k < c.attributes.size(); ++k) {
    const AttributeView& a = c.attributes[k];
    if (!is_valid_utf8(a.name)) throw ValidationError("/attributes", "an attribute name is not valid UTF-8");
    const std::string where = "/attributes/" + pointer_token(a.name);
    if (const char* problem = attribute_name_problem(a.name)) throw ValidationError(where, problem);
    if (!is_valid_utf8(a.value)) throw ValidationError(where, "the attribute value is not valid UTF-8");
    if (const char* problem = attribute_value_problem(a.value)) throw ValidationError(where, problem);
    for (std::size_t other = 0; other < k; ++other)
      if (c.attributes[other].name == a.name) throw ValidationError(where, "the attribute appears twice");
  }
  validate_responses(instrument, c.responses);
}

void append_assessment_json(std::string& out, const Instrument& instrument, const CaseView& c,
                            std::span<const std::string> extra_names, std::span<const double> extras) {
  if (c.responses.size() != instrument.item_count())
    throw InvalidArgument("/responses", "expected " + std::to_string(instrument.item_count()) +
                                            " responses (one per item of " + instrument.id() + "), got " +
                                            std::to_string(c.responses.size()));
  out += "{\"format\":\"pact.assessment\",\"format_version\":1,\"case_id\":";
  append_json_string(out, c.case_id);
  if (!c.date.empty()) {
    out += ",\"date\":";
    append_json_string(out, c.date);
  }
  bool any_extra = false;
  for (double v : extras) any_extra = any_extra || !std::isnan(v);
  if (!c.attributes.empty() || any_extra) {
    out += ",\"attributes\":{";
    bool first = true;
    for (const AttributeView& a : c.attributes) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, a.name);
      out += ':';
      append_json_string(out, a.value);
    }
    for (std::size_t k = 0; k < extras.size(); ++k) {
      if (std::isnan(extras[k])) continue;
      if (!first) out += ',';
      first = false;
      append_json_string(out, extra_names[k]);
      out += ":\"";
      append_number(out, extras[k]);  // in a string: "-0" is read back by strtod with its sign
      out += '"';
    }
    out += '}';
  }
  out += ",\"instrument\":{\"id\":";
  append_json_string(out, instrument.id());
  out += ",\"version\":";
  append_json_string(out, instrument.version());
  out += "},\"responses\":{";
  bool first = true;
  for (std::size_t j = 0; j < instrument.item_count(); ++j) {
    const double value = c.responses[j];
    if (std::isnan(value)) continue;
    if (!first) out += ',';
    first = false;
    append_json_string(out, instrument.items()[j].id);
    out += ':';
    if (instrument.items()[j].type == ResponseType::yes_no && (value == 0.0 || value == 1.0))
      out += value == 1.0 ? "true" : "false";
    else if (std::isfinite(value))
      append_json_double(out, value);
    else
      throw InvalidArgument("/responses/" + instrument.items()[j].id, "JSON cannot hold an infinite response");
  }
  out += "}}";
}

}  // namespace detail

namespace {

// As the result writers: a chunk at a time to the stream.
constexpr std::size_t flush_bytes = std::size_t{1} << 16;

void write_out(std::ostream& out, std::string& buffer) {
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  buffer.clear();
  if (!out) throw IoError("output", "writing failed");
}

std::vector<AttributeView> attribute_views(const Assessment& assessment) {
  std::vector<AttributeView> views;
  views.reserve(assessment.attributes.size());
  for (const auto& [name, value] : assessment.attributes) views.push_back({name, value});
  return views;
}

// The extra column names must be attribute names the readers keep, unlike any other column.
void check_extra_names(const Instrument& instrument, const std::vector<std::string>& attributes,
                       const std::vector<std::string>& extras) {
  if (attributes.size() + extras.size() > max_attributes)
    throw InvalidArgument("columns", "at most " + std::to_string(max_attributes) +
                                         " attribute and extra columns together (an assessment holds at most that many "
                                         "attributes), got " + std::to_string(attributes.size() + extras.size()));
  std::set<std::string, std::less<>> seen = {"case_id", "date"};
  for (const auto& item : instrument.items()) seen.insert(item.id);
  for (const auto* names : {&attributes, &extras})
    for (const auto& name : *names) {
      if (!detail::is_valid_utf8(name)) throw InvalidArgument("columns", "a column name is not valid UTF-8");
      if (const char* problem = detail::attribute_name_problem(name)) throw InvalidArgument("columns", problem);
      if (!seen.insert(name).second)
        throw InvalidArgument("columns", "the column \"" + name + "\" is case_id, date, an item or another column");
    }
}

void check_extras(std::span<const double> extras, std::size_t expected, std::size_t rows) {
  if (extras.size() != expected * rows && !(expected == 0 && extras.empty()))
    throw InvalidArgument("extras", "expected " + std::to_string(expected * rows) + " extra values (" +
                                        std::to_string(expected) + " per row), got " + std::to_string(extras.size()));
  for (double v : extras)
    if (std::isinf(v)) throw InvalidArgument("extras", "an extra value is infinite (NaN writes an empty field)");
}

}  // namespace

AssessmentCsvWriter::AssessmentCsvWriter(const Instrument& instrument, std::ostream& out, AssessmentCsvOptions options)
    : instrument_(instrument), out_(&out), options_(std::move(options)) {
  if (options_.delimiter == '"' || options_.delimiter == '\n' || options_.delimiter == '\r')
    throw InvalidArgument("delimiter", "the delimiter cannot be a quote or a line break");
  check_extra_names(instrument_, options_.attributes, options_.extra_columns);
  columns_ = {"case_id", "date"};
  columns_.insert(columns_.end(), options_.attributes.begin(), options_.attributes.end());
  for (const auto& item : instrument_.items()) columns_.push_back(item.id);
  columns_.insert(columns_.end(), options_.extra_columns.begin(), options_.extra_columns.end());
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    if (k) buffer_ += options_.delimiter;
    detail::append_csv_field(buffer_, columns_[k], options_.delimiter);
  }
  buffer_ += "\r\n";
  flush();
}

void AssessmentCsvWriter::flush() { write_out(*out_, buffer_); }

void AssessmentCsvWriter::append_row(const CaseView& c, std::span<const double> extras) {
  detail::check_writable(instrument_, c);
  for (const AttributeView& a : c.attributes) {
    bool listed = false;
    for (const auto& name : options_.attributes) listed = listed || name == a.name;
    if (!listed)
      throw InvalidArgument("/attributes/" + detail::pointer_token(a.name),
                            "the attribute has no column: list it in AssessmentCsvOptions::attributes");
  }
  const char sep = options_.delimiter;
  std::string& out = buffer_;
  detail::append_csv_field(out, c.case_id, sep);
  out += sep;
  out += c.date;
  for (const auto& name : options_.attributes) {
    out += sep;
    for (const AttributeView& a : c.attributes)
      if (a.name == name) {
        detail::append_csv_field(out, a.value, sep);
        break;
      }
  }
  for (double v : c.responses) {
    out += sep;
    if (!std::isnan(v)) detail::append_number(out, v);
  }
  for (double v : extras) {
    out += sep;
    if (!std::isnan(v)) detail::append_number(out, v);
  }
  out += "\r\n";
  ++rows_;
}

void AssessmentCsvWriter::write(const CaseView& case_view, std::span<const double> extras) {
  check_extras(extras, options_.extra_columns.size(), 1);
  append_row(case_view, extras);
  flush();
}

void AssessmentCsvWriter::write(const Assessment& assessment, std::span<const double> extras) {
  const auto attributes = attribute_views(assessment);
  write(CaseView{assessment.case_id, assessment.date, attributes, assessment.responses}, extras);
}

void AssessmentCsvWriter::write(const AssessmentBatch& batch, std::span<const double> extras) {
  const std::size_t per_row = options_.extra_columns.size();
  check_extras(extras, per_row, batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      append_row(case_view(batch, i), per_row ? extras.subspan(i * per_row, per_row) : std::span<const double>());
    } catch (const Error&) {
      flush();  // the rows before the refused one are written, as one at a time would have
      throw;
    }
    if (buffer_.size() >= flush_bytes) flush();
  }
  flush();
}

AssessmentJsonlWriter::AssessmentJsonlWriter(const Instrument& instrument, std::ostream& out,
                                             AssessmentJsonlOptions options)
    : instrument_(instrument), out_(&out), options_(std::move(options)) {
  check_extra_names(instrument_, {}, options_.extra_columns);
}

void AssessmentJsonlWriter::flush() { write_out(*out_, buffer_); }

void AssessmentJsonlWriter::append_row(const CaseView& c, std::span<const double> extras) {
  detail::check_writable(instrument_, c);
  std::size_t present = c.attributes.size();
  for (std::size_t k = 0; k < extras.size(); ++k) {
    if (std::isnan(extras[k])) continue;
    ++present;
    for (const AttributeView& a : c.attributes)
      if (a.name == options_.extra_columns[k])
        throw InvalidArgument("/attributes/" + detail::pointer_token(a.name),
                              "the case has an attribute of the name of an extra column");
  }
  if (present > max_attributes)
    throw ValidationError("/attributes", "expected at most " + std::to_string(max_attributes) +
                                             " attributes, the case's and the extra values together");
  detail::append_assessment_json(buffer_, instrument_, c, options_.extra_columns, extras);
  buffer_ += '\n';
  ++rows_;
}

void AssessmentJsonlWriter::write(const CaseView& case_view, std::span<const double> extras) {
  check_extras(extras, options_.extra_columns.size(), 1);
  append_row(case_view, extras);
  flush();
}

void AssessmentJsonlWriter::write(const Assessment& assessment, std::span<const double> extras) {
  const auto attributes = attribute_views(assessment);
  write(CaseView{assessment.case_id, assessment.date, attributes, assessment.responses}, extras);
}

void AssessmentJsonlWriter::write(const AssessmentBatch& batch, std::span<const double> extras) {
  const std::size_t per_row = options_.extra_columns.size();
  check_extras(extras, per_row, batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      append_row(case_view(batch, i), per_row ? extras.subspan(i * per_row, per_row) : std::span<const double>());
    } catch (const Error&) {
      flush();  // the rows before the refused one are written, as one at a time would have
      throw;
    }
    if (buffer_.size() >= flush_bytes) flush();
  }
  flush();
}

}  // namespace pact
