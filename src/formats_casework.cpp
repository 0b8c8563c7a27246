// Proactive casework as JSON text (docs/casework.md, "Casework as JSON"): change between two
// assessments, the caseload's contact order, overrides added to results, audit reports.
#include "pact/formats/casework.hpp"

#include "pact/formats/assessment_json.hpp"
#include "pact/formats/jsonl.hpp"
#include "pact/formats/nlohmann.hpp"
#include "pact/formats/result.hpp"
#include "pact/version.hpp"

#include "assessment_object.hpp"
#include "formats_text.hpp"
#include "json_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <istream>
#include <optional>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

namespace pact {

namespace {

// A JSON text written front to back: members and elements get their commas by themselves.
class JsonWriter {
 public:
  JsonWriter& begin_object() {
    prefix();
    out_ += '{';
    empty_ = true;
    return *this;
  }
  JsonWriter& end_object() {
    out_ += '}';
    empty_ = false;
    return *this;
  }
  JsonWriter& begin_array() {
    prefix();
    out_ += '[';
    empty_ = true;
    return *this;
  }
  JsonWriter& end_array() {
    out_ += ']';
    empty_ = false;
    return *this;
  }
  JsonWriter& key(std::string_view name) {
    if (!empty_) out_ += ',';
    detail::append_json_string(out_, name);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonWriter& string(std::string_view text) {
    prefix();
    detail::append_json_string(out_, text);
    return *this;
  }
  // An empty text as null (optional dates, ids of a level that is not there).
  JsonWriter& string_or_null(std::string_view text) { return text.empty() ? null() : string(text); }
  JsonWriter& number(double value) {
    if (!std::isfinite(value)) return null();
    prefix();
    detail::append_json_double(out_, value);
    return *this;
  }
  JsonWriter& integer(long long value) {
    prefix();
    out_ += std::to_string(value);
    return *this;
  }
  JsonWriter& boolean(bool value) {
    prefix();
    out_ += value ? "true" : "false";
    return *this;
  }
  JsonWriter& null() {
    prefix();
    out_ += "null";
    return *this;
  }
  std::string take() { return std::move(out_); }

 private:
  // Before a value: a comma unless it follows its key or opens its container.
  void prefix() {
    if (after_key_)
      after_key_ = false;
    else if (!empty_)
      out_ += ',';
    empty_ = false;
  }

  std::string out_;
  bool empty_ = true;
  bool after_key_ = false;
};

void write_instrument_stamp(JsonWriter& w, const Instrument& instrument) {
  w.key("instrument").begin_object();
  w.key("id").string(instrument.id());
  w.key("version").string(instrument.version());
  w.key("hash").string(instrument.hash());
  w.end_object();
  w.key("library").begin_object().key("name").string("pact").key("version").string(version_string).end_object();
}

void write_model_stamp(JsonWriter& w, const RiskModel& model) {
  w.key("model").begin_object();
  w.key("id").string(model.id());
  w.key("version").string(model.version());
  w.key("hash").string(model.hash());
  w.key("status").string(to_string(model.provenance().status));
  w.end_object();
}

// {"id", "label"} of a level, or null for -1.
void write_level(JsonWriter& w, const Instrument& instrument, int level, const std::string& lang) {
  if (level < 0) {
    w.null();
    return;
  }
  const Level& l = instrument.levels().at(static_cast<std::size_t>(level));
  w.begin_object().key("id").string(l.id).key("label").string(l.label.in(lang)).end_object();
}

void write_band(JsonWriter& w, const RiskModel& model, int band, const std::string& lang) {
  if (band < 0) {
    w.null();
    return;
  }
  const RiskBand& b = model.bands().at(static_cast<std::size_t>(band));
  w.begin_object().key("id").string(b.id).key("label").string(b.label.in(risk_language(model, lang))).end_object();
}

// One alert with the values its kind has, named by ids, and its reason in words.
void write_alert(JsonWriter& w, const Instrument& instrument, const RiskModel* model, const Alert& a,
                 const std::string& lang) {
  w.begin_object();
  w.key("kind").string(to_string(a.kind));
  auto index_id = [](double index, const auto& list) -> const std::string& {
    return list.at(static_cast<std::size_t>(index)).id;
  };
  switch (a.kind) {
    case Alert::Kind::dimension_worsening:
      w.key("dimension").string(instrument.dimensions().at(a.index).id);
      w.key("from").number(a.from).key("to").number(a.to).key("threshold").number(a.threshold);
      break;
    case Alert::Kind::critical_item_appears:
      w.key("item").string(instrument.items().at(a.index).id);
      w.key("from").number(a.from).key("to").number(a.to).key("threshold").number(a.threshold);
      break;
    case Alert::Kind::level_increase:
      w.key("from").string(index_id(a.from, instrument.levels())).key("to").string(index_id(a.to, instrument.levels()));
      break;
    case Alert::Kind::band_increase:
      if (model)
        w.key("from").string(index_id(a.from, model->bands())).key("to").string(index_id(a.to, model->bands()));
      break;
    case Alert::Kind::probability_increase:
      w.key("from").number(a.from).key("to").number(a.to).key("threshold").number(a.threshold);
      break;
    case Alert::Kind::reassessment_overdue:
      w.key("days").number(a.to).key("threshold").number(a.threshold);
      break;
  }
  w.key("reason").string(describe_alert(instrument, model, a, lang));
  w.end_object();
}

void check_model(const Instrument& instrument, const RiskModel* model) {
  if (model && model->instrument().hash() != instrument.hash())
    throw InvalidArgument("model", "the model reads instrument " + model->instrument().id() + " " +
                                       model->instrument().version() + ", not " + instrument.id() + " " +
                                       instrument.version());
}

void check_as_of(const std::string& as_of) {
  if (!as_of.empty() && !parse_date(as_of)) throw InvalidArgument("as_of", "expected a date YYYY-MM-DD");
}

// The risk the model gives a scored case, or nothing when it can give none (no months in care,
// an overflowing predictor): the same cases scored_result_json writes without a probability.
std::optional<RiskResult> risk_if_any(const RiskModel& model, std::span<const double> responses,
                                      const CaseScores& scores, const RiskOptions& options) {
  std::int32_t status = 0;
  RiskBatchOutputs out;
  out.risk_status = &status;
  const auto items = static_cast<std::ptrdiff_t>(responses.size());
  score_risk_batch(model, view_rows(responses.data(), 1, items, items), out);
  if (status != static_cast<std::int32_t>(RiskStatus::ok)) return std::nullopt;
  return score_risk(model, responses, scores, options);
}

// Throws `e` again with `where` in place of its place, keeping its kind.
[[noreturn]] void rethrow_at(const Error& e, std::string where) {
  switch (e.kind()) {
    case ErrorKind::validation: throw ValidationError(std::move(where), e.reason());
    case ErrorKind::limit: throw LimitError(std::move(where), e.reason());
    case ErrorKind::invalid_argument: throw InvalidArgument(std::move(where), e.reason());
    case ErrorKind::io: throw IoError(std::move(where), e.reason());
    default: throw Error(e.kind(), std::move(where), e.reason());
  }
}

// An error of one of the two assessments, under its name: a JSON Pointer is prefixed
// (/before/responses/x), a text position is named ("before: line 1, column 9").
Assessment read_side(const Instrument& instrument, std::string_view text, const char* side) {
  try {
    return read_assessment_json(instrument, text);
  } catch (const Error& e) {
    const std::string& where = e.where();
    if (where.empty() || where.front() == '/') rethrow_at(e, "/" + std::string(side) + where);
    rethrow_at(e, std::string(side) + ": " + where);
  }
}

}  // namespace

std::string change_json(const Instrument& instrument, const RiskModel* model, const Assessment& before,
                        const Assessment& after, const ChangeJsonOptions& options) {
  check_model(instrument, model);
  check_as_of(options.as_of);
  if (before.case_id != after.case_id)
    throw ValidationError("/after/case_id", "the assessments are of two cases (\"" + before.case_id + "\" and \"" +
                                                after.case_id + "\"); compare two assessments of one case");
  const auto from_day = parse_date(before.date), to_day = parse_date(after.date);
  if (from_day && to_day && *to_day < *from_day)
    throw ValidationError("/after/date", "the later assessment is dated before the earlier one (" + after.date + " < " +
                                             before.date + "); give the earlier assessment first");
  const CaseScores s0 = score(instrument, before), s1 = score(instrument, after);
  std::optional<RiskResult> r0, r1;
  if (model) {
    RiskOptions risk_options;
    risk_options.counterfactual = false;
    r0 = risk_if_any(*model, before.responses, s0, risk_options);
    r1 = risk_if_any(*model, after.responses, s1, risk_options);
  }
  CaseChange change = compare_assessments(instrument, model, {before.case_id, before.date, &s0, r0 ? &*r0 : nullptr},
                                          {after.case_id, after.date, &s1, r1 ? &*r1 : nullptr});
  if (!options.as_of.empty())
    if (auto overdue = reassessment_overdue(instrument, after.date, options.as_of)) change.alerts.push_back(*overdue);

  const std::string& lang = result_language(instrument, options.language);
  JsonWriter w;
  w.begin_object();
  w.key("format").string("pact.change").key("format_version").integer(1);
  w.key("case_id").string(after.case_id);
  w.key("from_date").string_or_null(before.date).key("to_date").string_or_null(after.date);
  w.key("days");
  if (change.days)
    w.integer(*change.days);
  else
    w.null();
  write_instrument_stamp(w, instrument);
  w.key("language").string(lang);
  w.key("worsened").boolean(change.worsened());
  w.key("composite").begin_object();
  w.key("from").number(s0.composite).key("to").number(s1.composite).key("change").number(change.composite_change);
  w.end_object();
  w.key("level").begin_object().key("from");
  write_level(w, instrument, s0.level, lang);
  w.key("to");
  write_level(w, instrument, s1.level, lang);
  w.end_object();
  w.key("dimensions").begin_array();
  for (std::size_t d = 0; d < instrument.dimension_count(); ++d) {
    const Dimension& dim = instrument.dimensions()[d];
    w.begin_object().key("id").string(dim.id).key("label").string(dim.label.in(lang));
    w.key("from").number(s0.dimensions[d].score).key("to").number(s1.dimensions[d].score);
    w.key("change").number(change.dimension_change[d]);
    w.end_object();
  }
  w.end_array();
  if (model) {
    w.key("risk").begin_object();
    write_model_stamp(w, *model);
    w.key("probability").begin_object();
    w.key("from").number(r0 ? r0->probability : missing).key("to").number(r1 ? r1->probability : missing);
    w.key("change").number(change.probability_change);
    w.end_object();
    w.key("band").begin_object().key("from");
    write_band(w, *model, r0 ? r0->band : -1, lang);
    w.key("to");
    write_band(w, *model, r1 ? r1->band : -1, lang);
    w.end_object();
    w.end_object();
  }
  w.key("alerts").begin_array();
  for (const Alert& a : change.alerts) write_alert(w, instrument, model, a, lang);
  w.end_array();
  w.end_object();
  return w.take();
}

std::string change_json(const Instrument& instrument, const RiskModel* model, std::string_view before_json,
                        std::string_view after_json, const ChangeJsonOptions& options) {
  const Assessment before = read_side(instrument, before_json, "before");
  const Assessment after = read_side(instrument, after_json, "after");
  return change_json(instrument, model, before, after, options);
}

namespace {

// A read-only stream over text the caller owns (no copy of a large caseload).
class TextBuffer : public std::streambuf {
 public:
  explicit TextBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // never written: the buffer is only read
    setg(begin, begin, begin + text.size());
  }
};

// The assessments of a caseload, in input order, and those left out.
struct CaseloadRows {
  std::vector<double> responses;  // rows x items
  std::vector<std::string> case_ids;
  std::vector<std::string> dates;
  std::vector<std::string> groups;  // the group_by attribute, or missing_group
  std::vector<std::int64_t> positions;  // JSON Lines: line; array: index
  struct Rejected {
    std::int64_t position = 0;
    std::string case_id;
    std::string where;
    ErrorKind kind = ErrorKind::validation;
    std::string reason;
  };
  std::vector<Rejected> rejected;
  bool lines = true;  // JSON Lines (positions are lines) or an array (positions are indices)
};

std::string group_of(std::span<const AttributeView> attributes, const std::string& group_by) {
  if (group_by.empty()) return {};
  for (const AttributeView& a : attributes)
    if (a.name == group_by && !a.value.empty()) return std::string(a.value);
  return std::string(missing_group);
}

void add_row(CaseloadRows& rows, std::span<const double> responses, std::string_view case_id, std::string_view date,
             std::string group, std::int64_t position) {
  rows.responses.insert(rows.responses.end(), responses.begin(), responses.end());
  rows.case_ids.emplace_back(case_id);
  rows.dates.emplace_back(date);
  rows.groups.push_back(std::move(group));
  rows.positions.push_back(position);
}

CaseloadRows read_caseload(const Instrument& instrument, std::string_view text, const std::string& group_by) {
  if (text.size() > max_caseload_json_bytes)
    throw LimitError("", "the caseload has " + std::to_string(text.size()) + " bytes, more than the limit of " +
                             std::to_string(max_caseload_json_bytes));
  CaseloadRows rows;
  std::size_t start = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") start = 3;
  while (start < text.size() && (text[start] == ' ' || text[start] == '\t' || text[start] == '\r' || text[start] == '\n'))
    ++start;
  if (start < text.size() && text[start] == '[') {
    rows.lines = false;
    detail::JsonLimits limits;
    limits.max_bytes = max_caseload_json_bytes;
    limits.max_depth = max_assessment_json_depth + 1;
    const detail::json document = detail::parse_json(text, limits);
    Assessment a;
    for (std::size_t i = 0; i < document.size(); ++i) {
      try {
        detail::read_assessment_into(instrument, document[i], a);
      } catch (const Error& e) {
        // a.case_id: set as soon as a valid one was read, so that the rejection can name the case.
        rows.rejected.push_back({static_cast<std::int64_t>(i), a.case_id, "/" + std::to_string(i) + e.where(), e.kind(),
                                 e.reason()});
        continue;
      }
      std::vector<AttributeView> attributes;
      for (const auto& [name, value] : a.attributes) attributes.push_back({name, value});
      add_row(rows, a.responses, a.case_id, a.date, group_of(attributes, group_by), static_cast<std::int64_t>(i));
    }
    return rows;
  }
  if (start < text.size() && text[start] != '{')
    throw ParseError(1, start + 1, "expected a caseload as JSON Lines (one assessment object per line) or a JSON array");
  TextBuffer buffer(text);
  std::istream in(&buffer);
  JsonlAssessmentReader reader(instrument, in);
  AssessmentBatch batch;
  while (reader.next(batch)) {
    for (std::size_t i = 0; i < batch.size(); ++i)
      add_row(rows, batch.responses(i), batch.case_id(i), batch.date(i), group_of(batch.attributes(i), group_by),
              static_cast<std::int64_t>(batch.line(i)));
    for (const RowError& e : batch.errors())
      rows.rejected.push_back({static_cast<std::int64_t>(e.line), e.case_id,
                               e.column.empty() && e.position ? "column " + std::to_string(e.position) : e.column,
                               e.kind, e.reason});
  }
  return rows;
}

const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::parse: return "parse";
    case ErrorKind::validation: return "validation";
    case ErrorKind::limit: return "limit";
    case ErrorKind::invalid_argument: return "invalid_argument";
    case ErrorKind::io: return "io";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

}  // namespace

std::string priorities_json(const Instrument& instrument, const RiskModel* model, std::string_view caseload,
                            const PrioritiesJsonOptions& options) {
  check_model(instrument, model);
  check_as_of(options.as_of);
  if (!options.capacity.capacity_by_group.empty() && options.group_by.empty())
    throw InvalidArgument("group_by", "per-group capacities need the attribute that names each case's group");
  CaseloadRows rows = read_caseload(instrument, caseload, options.group_by);
  const std::size_t items = instrument.item_count();
  const auto count = static_cast<std::ptrdiff_t>(rows.case_ids.size());
  const auto view = view_rows(rows.responses.data(), count, static_cast<std::ptrdiff_t>(items),
                              static_cast<std::ptrdiff_t>(items));
  const CaseloadChanges changes = caseload_changes(instrument, model, view, rows.case_ids, rows.dates, options.as_of);
  for (const std::size_t row : changes.rejected_rows) {
    // The readers have checked every response: what caseload_changes refuses is the date.
    const std::string where = rows.lines ? "/date" : "/" + std::to_string(rows.positions[row]) + "/date";
    rows.rejected.push_back({rows.positions[row], rows.case_ids[row], where, ErrorKind::validation,
                             rows.dates[row].empty() ? "the assessment has no date; a case's assessments are ordered by date"
                                                     : "expected a date YYYY-MM-DD"});
  }
  std::stable_sort(rows.rejected.begin(), rows.rejected.end(),
                   [](const auto& a, const auto& b) { return a.position < b.position; });

  std::vector<PriorityCase> cases;
  std::vector<std::vector<std::size_t>> factors(changes.cases.size());
  cases.reserve(changes.cases.size());
  for (std::size_t c = 0; c < changes.cases.size(); ++c) {
    const CaseTimeline& t = changes.cases[c];
    const std::size_t row = t.rows.back();
    const std::span<const double> responses(rows.responses.data() + row * items, items);
    cases.push_back(priority_case(instrument, model, t, responses, rows.groups[row], &factors[c]));
  }
  const std::vector<Priority> order = prioritise(cases, options.capacity);
  std::size_t selected = 0;
  for (const Priority& p : order) selected += p.selected ? 1 : 0;

  const std::string& lang = result_language(instrument, options.language);
  JsonWriter w;
  w.begin_object();
  w.key("format").string("pact.priorities").key("format_version").integer(1);
  write_instrument_stamp(w, instrument);
  if (model) write_model_stamp(w, *model);
  w.key("language").string(lang);
  w.key("as_of").string_or_null(options.as_of);
  w.key("group_by").string_or_null(options.group_by);
  w.key("capacity").integer(static_cast<long long>(options.capacity.capacity));
  w.key("summary").begin_object();
  w.key("assessments").integer(static_cast<long long>(rows.case_ids.size() + rows.rejected.size() -
                                                      changes.rejected_rows.size()));
  w.key("rejected").integer(static_cast<long long>(rows.rejected.size()));
  w.key("cases").integer(static_cast<long long>(cases.size()));
  w.key("selected").integer(static_cast<long long>(selected));
  w.end_object();
  w.key("cases").begin_array();
  for (const Priority& p : order) {
    const PriorityCase& pc = cases[p.input];
    const CaseTimeline& t = changes.cases[p.input];
    w.begin_object();
    w.key("rank").integer(static_cast<long long>(p.rank)).key("selected").boolean(p.selected);
    w.key("case_id").string(pc.case_id);
    if (!options.group_by.empty())
      w.key("group").string(pc.group).key("group_rank").integer(static_cast<long long>(p.group_rank));
    w.key("assessments").integer(static_cast<long long>(t.rows.size()));
    w.key("last_date").string_or_null(rows.dates[t.rows.back()]);
    w.key("level");
    write_level(w, instrument, pc.level, lang);
    w.key("composite").number(pc.composite);
    if (model) {
      w.key("band");
      write_band(w, *model, pc.band, lang);
      w.key("probability").number(pc.probability);
    }
    w.key("worsening").number(pc.worsening);
    w.key("alerts").begin_array();
    for (const Alert& a : t.current_alerts) write_alert(w, instrument, model, a, lang);
    w.end_array();
    if (model) {
      w.key("top_factors").begin_array();
      for (const std::size_t k : factors[p.input]) {
        const RiskFeature& f = model->features()[k];
        w.begin_object().key("feature").string(f.id).key("label").string(f.label.in(risk_language(*model, lang)));
        w.end_object();
      }
      w.end_array();
    }
    w.end_object();
  }
  w.end_array();
  w.key("rejected").begin_array();
  for (const auto& r : rows.rejected) {
    w.begin_object();
    w.key(rows.lines ? "line" : "index").integer(r.position);
    w.key("case_id").string_or_null(r.case_id);
    w.key("where").string(r.where).key("kind").string(kind_name(r.kind)).key("reason").string(r.reason);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

std::string apply_override_json(const Instrument& instrument, const RiskModel* model, std::string_view result_json,
                                const ProfessionalOverride& o) {
  check_model(instrument, model);
  validate_override(instrument, model, o);
  for (const auto& [text, field] : {std::pair<const std::string*, const char*>{&o.value, "value"},
                                    {&o.reason, "reason"}})
    if (!detail::is_valid_utf8(*text))
      throw ValidationError(std::string("/override/") + field, "expected UTF-8 text");

  const detail::json result = detail::parse_json(result_json);
  const detail::JsonNode root(result, "");
  if (!result.is_object()) root.fail("expected a result object, got " + detail::type_name(result));
  const auto format = root.find("format");
  if (!format || !format->value().is_string() || format->value().get<std::string>() != "pact.result")
    throw ValidationError("/format", "expected a pact result (format \"pact.result\")");
  if (root.find("override"))
    throw ValidationError("/override", "the result already carries an override; apply a new one to pact's result");
  const detail::JsonNode stamp = root["instrument"];
  for (const auto& [field, expected] : {std::pair<const char*, const std::string*>{"id", &instrument.id()},
                                        {"version", &instrument.version()},
                                        {"hash", &instrument.hash()}}) {
    const detail::JsonNode value = stamp[field];
    if (!value.value().is_string() || value.value().get<std::string>() != *expected)
      value.fail("the result is not of instrument " + instrument.id() + " " + instrument.version() + " (" +
                 instrument.hash() + ")");
  }
  if (o.target == ProfessionalOverride::Target::band) {
    const auto risk = root.find("risk");
    if (!risk || !risk->value().is_object())
      throw ValidationError("/risk", "a band override needs a result with a risk band");
    const detail::JsonNode hash = (*risk)["model"]["hash"];
    if (!hash.value().is_string() || hash.value().get<std::string>() != model->hash())
      hash.fail("the result's risk is of another model than " + model->id() + " " + model->version());
    const auto band = risk->find("band");
    if (!band || !band->value().is_object())
      throw ValidationError("/risk/band", "a band override needs a result with a risk band; this one has none");
  }

  // The result's own text, untouched, with the override as its last member.
  std::size_t end = result_json.size();
  while (end > 0 && result_json[end - 1] != '}') --end;
  std::string out(result_json.substr(0, end - 1));
  JsonWriter w;
  w.begin_object();
  w.key("target").string(to_string(o.target));
  w.key("value").string(o.value);
  w.key("professional_id").string(o.professional_id);
  w.key("timestamp").string(o.timestamp);
  w.key("reason").string(o.reason);
  w.end_object();
  out += ",\"override\":";
  out += w.take();
  out += '}';
  out.append(result_json.substr(end));
  return out;
}

std::string audit_verification_json(const AuditVerification& report) {
  JsonWriter w;
  w.begin_object();
  w.key("format").string("pact.audit_verification").key("format_version").integer(1);
  w.key("ok").boolean(report.ok());
  w.key("records").integer(static_cast<long long>(report.records));
  w.key("results").integer(static_cast<long long>(report.results));
  w.key("matched").integer(static_cast<long long>(report.matched));
  w.key("unmatched_records").integer(static_cast<long long>(report.unmatched_records));
  w.key("problems").begin_array();
  for (const AuditProblem& p : report.problems) {
    w.begin_object();
    w.key("source").string(p.in_results ? "results" : "log");
    w.key("line").integer(static_cast<long long>(p.line));
    w.key("case_id").string_or_null(p.case_id);
    w.key("problem").string(p.problem);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace pact
