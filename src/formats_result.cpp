// Writing the result of one case as JSON (docs/formats.md, docs/schemas/result.schema.json).
#include "pact/formats/result.hpp"

#include "pact/version.hpp"

#include "formats_text.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace pact {

namespace {

void append_json_number(std::string& out, double value) {
  if (std::isfinite(value))
    detail::append_number(out, value);
  else
    out += "null";
}

void append_bool(std::string& out, bool value) { out += value ? "true" : "false"; }

void append_key(std::string& out, const char* key) {
  out += ",\"";
  out += key;
  out += "\":";
}

}  // namespace

void append_result_json(std::string& out, const Instrument& instrument, const CaseView& c, const CaseScores& s,
                        const ResultOptions& options) {
  const std::size_t dims = instrument.dimension_count(), items = instrument.item_count();
  if (s.dimensions.size() != dims || s.item_severity.size() != items)
    throw InvalidArgument("scores", "the scores are not of instrument " + instrument.id() + " " + instrument.version());
  if (options.items && c.responses.size() != items)
    throw InvalidArgument("responses", "expected " + std::to_string(items) + " responses (one per item of " +
                                           instrument.id() + "), got " + std::to_string(c.responses.size()));
  const std::string& lang = result_language(instrument, options.language);

  out += "{\"format\":\"pact.result\",\"format_version\":1,\"case_id\":";
  detail::append_json_string(out, c.case_id);
  append_key(out, "date");
  if (c.date.empty())
    out += "null";
  else
    detail::append_json_string(out, c.date);
  append_key(out, "attributes");
  out += '{';
  for (std::size_t k = 0; k < c.attributes.size(); ++k) {
    if (k) out += ',';
    detail::append_json_string(out, c.attributes[k].name);
    out += ':';
    detail::append_json_string(out, c.attributes[k].value);
  }
  out += '}';

  append_key(out, "instrument");
  out += "{\"id\":";
  detail::append_json_string(out, instrument.id());
  out += ",\"version\":";
  detail::append_json_string(out, instrument.version());
  out += ",\"hash\":";
  detail::append_json_string(out, instrument.hash());
  out += '}';
  append_key(out, "library");
  out += "{\"name\":\"pact\",\"version\":";
  detail::append_json_string(out, version_string);
  out += '}';
  append_key(out, "language");
  detail::append_json_string(out, lang);

  append_key(out, "composite");
  out += "{\"score\":";
  append_json_number(out, s.composite);
  append_key(out, "coverage");
  append_json_number(out, s.composite_coverage);
  append_key(out, "scored");
  append_bool(out, s.composite_scored());
  append_key(out, "level");
  if (s.level >= 0) {
    const Level& level = instrument.levels().at(static_cast<std::size_t>(s.level));
    out += "{\"id\":";
    detail::append_json_string(out, level.id);
    out += ",\"label\":";
    detail::append_json_string(out, level.label.in(lang));
    out += '}';
  } else {
    out += "null";
  }
  out += '}';

  append_key(out, "deprivation");
  out += "{\"score\":";
  append_json_number(out, s.deprivation_score);
  append_key(out, "count");
  out += std::to_string(s.deprived_count);
  out += '}';

  append_key(out, "dimensions");
  out += '[';
  for (std::size_t d = 0; d < dims; ++d) {
    const Dimension& dim = instrument.dimensions()[d];
    const DimensionResult& r = s.dimensions[d];
    if (d) out += ',';
    out += "{\"id\":";
    detail::append_json_string(out, dim.id);
    append_key(out, "label");
    detail::append_json_string(out, dim.label.in(lang));
    append_key(out, "score");
    append_json_number(out, r.score);
    append_key(out, "coverage");
    append_json_number(out, r.coverage);
    append_key(out, "scored");
    append_bool(out, r.scored);
    append_key(out, "deprived");
    append_bool(out, r.deprived);
    append_key(out, "critical");
    append_bool(out, r.critical);
    out += '}';
  }
  out += ']';

  append_key(out, "critical_factors");
  out += '[';
  for (std::size_t k = 0; k < s.critical_factors.size(); ++k) {
    const CriticalFactor& f = s.critical_factors[k];
    const bool dimension = f.kind == CriticalFactor::Kind::dimension;
    if (k) out += ',';
    out += "{\"kind\":";
    out += dimension ? "\"dimension\"" : "\"item\"";
    append_key(out, "id");
    detail::append_json_string(out, dimension ? instrument.dimensions().at(f.index).id : instrument.items().at(f.index).id);
    append_key(out, "label");
    detail::append_json_string(out, dimension ? instrument.dimensions()[f.index].label.in(lang)
                                              : instrument.items()[f.index].label.in(lang));
    append_key(out, "severity");
    append_json_number(out, f.severity);
    append_key(out, "importance");
    append_json_number(out, f.importance);
    out += '}';
  }
  out += ']';

  if (options.items) {
    append_key(out, "items");
    out += '[';
    for (std::size_t j = 0; j < items; ++j) {
      if (j) out += ',';
      out += "{\"id\":";
      detail::append_json_string(out, instrument.items()[j].id);
      append_key(out, "response");
      append_json_number(out, c.responses[j]);
      append_key(out, "severity");
      append_json_number(out, s.item_severity[j]);
      out += '}';
    }
    out += ']';
  }
  out += '}';
}

std::string write_result_json(const Instrument& instrument, const Assessment& assessment, const CaseScores& scores,
                              const ResultOptions& options) {
  std::vector<AttributeView> attributes;
  attributes.reserve(assessment.attributes.size());
  for (const auto& [name, value] : assessment.attributes) attributes.push_back({name, value});
  std::string out;
  append_result_json(out, instrument, {assessment.case_id, assessment.date, attributes, assessment.responses}, scores,
                     options);
  return out;
}

}  // namespace pact
