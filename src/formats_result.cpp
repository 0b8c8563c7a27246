// Writing the result of one case as JSON, with its risk section when a model scored it
// (docs/formats.md, docs/schemas/result.schema.json).
#include "pact/formats/result.hpp"

#include "pact/version.hpp"

#include "formats_text.hpp"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace pact {

namespace {

void append_json_number(std::string& out, double value) {
  if (std::isfinite(value))
    detail::append_json_double(out, value);
  else
    out += "null";
}

void append_bool(std::string& out, bool value) { out += value ? "true" : "false"; }

// ,"key": in one append (keys are literals; their length is known at compile time).
template <std::size_t N>
void append_key(std::string& out, const char (&key)[N]) {
  char text[N + 3];
  text[0] = ',';
  text[1] = '"';
  std::memcpy(text + 2, key, N - 1);
  text[N + 1] = '"';
  text[N + 2] = ':';
  out.append(text, N + 3);
}

// Room for a whole result, so that writing it never moves the text: the fixed part, and per
// dimension, item, feature and survival month a generous allowance for ids, labels and numbers.
std::size_t result_size_hint(const Instrument& instrument, const RiskModel* model) {
  std::size_t size = 2048 + 256 * instrument.dimension_count() + 160 * instrument.item_count();
  if (model) size += 2048 + 320 * model->features().size() + 48 * static_cast<std::size_t>(model->horizon_months());
  return size;
}

// Everything of a result object but its closing brace, so that a risk section can follow.
void append_result_body(std::string& out, const Instrument& instrument, const CaseView& c, const CaseScores& s,
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
}

void append_labelled(std::string& out, const std::string& id, const std::string& label) {
  out += "{\"id\":";
  detail::append_json_string(out, id);
  out += ",\"label\":";
  detail::append_json_string(out, label);
  out += '}';
}

// "model": the stamp every risk section carries (EU AI Act Art. 12 logging).
void append_model_stamp(std::string& out, const ModelStamp& stamp) {
  out += "\"model\":{\"id\":";
  detail::append_json_string(out, stamp.model_id);
  out += ",\"version\":";
  detail::append_json_string(out, stamp.model_version);
  out += ",\"hash\":";
  detail::append_json_string(out, stamp.model_hash);
  out += ",\"status\":";
  detail::append_json_string(out, to_string(stamp.status));
  out += ",\"instrument\":{\"id\":";
  detail::append_json_string(out, stamp.instrument_id);
  out += ",\"version\":";
  detail::append_json_string(out, stamp.instrument_version);
  out += ",\"hash\":";
  detail::append_json_string(out, stamp.instrument_hash);
  out += "}}";
}

void check_model_instrument(const RiskModel& model, const CaseScores& s) {
  const Instrument& instrument = model.instrument();
  if (s.dimensions.size() != instrument.dimension_count() || s.item_severity.size() != instrument.item_count())
    throw InvalidArgument("scores", "the scores are not of instrument " + instrument.id() + " " + instrument.version() +
                                        ", which risk model " + model.id() + " reads");
}

// A RiskResult of another model would index past this model's features, bands or items.
void check_risk_result(const RiskModel& model, const RiskResult& r) {
  const auto bad = [&](const std::string& what) {
    throw InvalidArgument("risk", "the risk result is not of risk model " + model.id() + " " + model.version() + ": " + what);
  };
  if (r.stamp.model_hash != model.hash() || r.stamp.instrument_hash != model.instrument().hash())
    bad("its stamp names another model or instrument");
  if (r.contributions.size() != model.features().size()) bad("it has another number of features");
  if (r.band < 0 || static_cast<std::size_t>(r.band) >= model.bands().size()) bad("its band is out of range");
  for (std::size_t k : r.top_factors)
    if (k >= model.features().size()) bad("a top factor is out of range");
  if (r.counterfactual && (r.counterfactual->item >= model.instrument().item_count() || r.counterfactual->band < 0 ||
                           static_cast<std::size_t>(r.counterfactual->band) >= model.bands().size()))
    bad("its counterfactual is out of range");
  if (r.form == RiskForm::discrete_hazard && r.survival.size() < static_cast<std::size_t>(r.horizon_months))
    bad("its survival curve is shorter than the horizon");
}

// The label of an ordinal item's option with code `value`, or nullptr (other item types, or a
// value that is not an option).
const Label* option_label(const Item& item, double value) {
  if (item.type != ResponseType::ordinal) return nullptr;
  for (const ResponseOption& o : item.options)
    if (static_cast<double>(o.value) == value) return &o.label;
  return nullptr;
}

const char* direction_of(double risk_effect) {
  return risk_effect > 0.0 ? "raises" : risk_effect < 0.0 ? "lowers" : "none";
}

void append_risk_section(std::string& out, const RiskModel& model, const RiskResult& r, const std::string& lang) {
  const Instrument& instrument = model.instrument();
  const std::string& model_lang = risk_language(model, lang);
  const auto& features = model.features();
  const auto& bands = model.bands();

  out += "\"risk\":{\"status\":\"ok\",";
  append_model_stamp(out, r.stamp);
  append_key(out, "language");
  detail::append_json_string(out, model_lang);
  append_key(out, "form");
  detail::append_json_string(out, to_string(r.form));
  append_key(out, "horizon_months");
  out += std::to_string(r.horizon_months);
  if (r.form == RiskForm::discrete_hazard) {
    append_key(out, "duration_months");
    out += std::to_string(r.months_in_care);
  }
  append_key(out, "probability");
  append_json_number(out, r.probability);
  const RiskBand& band = bands[static_cast<std::size_t>(r.band)];
  append_key(out, "band");
  append_labelled(out, band.id, band.label.in(model_lang));
  append_key(out, "linear_predictor");
  append_json_number(out, r.linear_predictor);
  append_key(out, "imputed_count");
  out += std::to_string(r.imputed_count);

  if (r.form == RiskForm::discrete_hazard) {
    append_key(out, "horizons");
    out += '[';
    for (std::size_t h = 0; h < r.horizons.size(); ++h) {
      if (h) out += ',';
      out += "{\"months\":";
      out += std::to_string(r.horizons[h].months);
      out += ",\"probability\":";
      append_json_number(out, r.horizons[h].probability);
      out += '}';
    }
    out += ']';
    append_key(out, "survival");
    out += '[';
    for (std::size_t m = 0; m < r.survival.size(); ++m) {
      if (m) out += ',';
      out += "{\"month\":";
      out += std::to_string(m + 1);
      out += ",\"probability\":";
      append_json_number(out, r.survival[m]);
      out += '}';
    }
    out += ']';
  }

  append_key(out, "contributions");
  out += '[';
  for (std::size_t k = 0; k < r.contributions.size(); ++k) {
    const FeatureContribution& c = r.contributions[k];
    if (k) out += ',';
    out += "{\"feature\":";
    detail::append_json_string(out, features[k].id);
    append_key(out, "kind");
    detail::append_json_string(out, to_string(features[k].kind));
    append_key(out, "label");
    detail::append_json_string(out, features[k].label.in(model_lang));
    append_key(out, "value");
    append_json_number(out, c.value);
    append_key(out, "reference");
    append_json_number(out, c.reference);
    append_key(out, "contribution");
    append_json_number(out, c.contribution);
    append_key(out, "risk_effect");
    append_json_number(out, c.risk_effect);
    append_key(out, "direction");
    detail::append_json_string(out, direction_of(c.risk_effect));
    append_key(out, "imputed");
    append_bool(out, c.imputed);
    out += '}';
  }
  out += ']';

  append_key(out, "top_factors");
  out += '[';
  for (std::size_t t = 0; t < r.top_factors.size(); ++t) {
    const std::size_t k = r.top_factors[t];
    if (t) out += ',';
    out += "{\"feature\":";
    detail::append_json_string(out, features[k].id);
    append_key(out, "label");
    detail::append_json_string(out, features[k].label.in(model_lang));
    append_key(out, "contribution");
    append_json_number(out, r.contributions[k].contribution);
    append_key(out, "risk_effect");
    append_json_number(out, r.contributions[k].risk_effect);
    out += '}';
  }
  out += ']';

  if (r.counterfactual_searched) {
    append_key(out, "counterfactual");
    if (!r.counterfactual) {
      out += "null";
    } else {
      const Counterfactual& cf = *r.counterfactual;
      const Item& item = instrument.items()[cf.item];
      out += "{\"item\":";
      detail::append_json_string(out, item.id);
      append_key(out, "label");
      detail::append_json_string(out, item.label.in(lang));
      append_key(out, "from");
      append_json_number(out, cf.from_value);
      append_key(out, "to");
      append_json_number(out, cf.to_value);
      if (const Label* from = option_label(item, cf.from_value)) {
        append_key(out, "from_label");
        detail::append_json_string(out, from->in(lang));
      }
      if (const Label* to = option_label(item, cf.to_value)) {
        append_key(out, "to_label");
        detail::append_json_string(out, to->in(lang));
      }
      append_key(out, "from_severity");
      append_json_number(out, cf.from_severity);
      append_key(out, "to_severity");
      append_json_number(out, cf.to_severity);
      append_key(out, "probability");
      append_json_number(out, cf.probability);
      const RiskBand& to_band = bands[static_cast<std::size_t>(cf.band)];
      append_key(out, "band");
      append_labelled(out, to_band.id, to_band.label.in(model_lang));
      out += '}';
    }
  }
  out += '}';
}

std::vector<AttributeView> attribute_views(const Assessment& assessment) {
  std::vector<AttributeView> views;
  views.reserve(assessment.attributes.size());
  for (const auto& [name, value] : assessment.attributes) views.push_back({name, value});
  return views;
}

}  // namespace

void append_result_json(std::string& out, const Instrument& instrument, const CaseView& c, const CaseScores& s,
                        const ResultOptions& options) {
  append_result_body(out, instrument, c, s, options);
  out += '}';
}

void append_result_json(std::string& out, const RiskModel& model, const CaseView& c, const CaseScores& s,
                        const RiskResult& risk, const ResultOptions& options) {
  check_model_instrument(model, s);
  check_risk_result(model, risk);
  const Instrument& instrument = model.instrument();
  append_result_body(out, instrument, c, s, options);
  out += ',';
  append_risk_section(out, model, risk, result_language(instrument, options.language));
  out += '}';
}

void append_result_json(std::string& out, const RiskModel& model, const CaseView& c, const CaseScores& s,
                        RiskStatus status, const ResultOptions& options) {
  if (status == RiskStatus::ok || status == RiskStatus::rejected_by_instrument)
    throw InvalidArgument("status", std::string("a result without a risk is written for missing_duration or "
                                                "not_finite, not for ") + to_string(status));
  check_model_instrument(model, s);
  append_result_body(out, model.instrument(), c, s, options);
  out += ",\"risk\":{\"status\":";
  detail::append_json_string(out, to_string(status));
  out += ',';
  append_model_stamp(out, model.stamp());
  out += "}}";
}

std::string write_result_json(const RiskModel& model, const Assessment& assessment, const CaseScores& scores,
                              const RiskResult& risk, const ResultOptions& options) {
  const auto attributes = attribute_views(assessment);
  std::string out;
  out.reserve(result_size_hint(model.instrument(), &model));
  append_result_json(out, model, {assessment.case_id, assessment.date, attributes, assessment.responses}, scores, risk,
                     options);
  return out;
}

std::string write_result_json(const Instrument& instrument, const Assessment& assessment, const CaseScores& scores,
                              const ResultOptions& options) {
  const auto attributes = attribute_views(assessment);
  std::string out;
  out.reserve(result_size_hint(instrument, nullptr));
  append_result_json(out, instrument, {assessment.case_id, assessment.date, attributes, assessment.responses}, scores,
                     options);
  return out;
}

std::string scored_result_json(const Instrument& instrument, const Assessment& assessment,
                               const ResultOptions& options) {
  return write_result_json(instrument, assessment, score(instrument, assessment), options);
}

std::string scored_result_json(const RiskModel& model, const Assessment& assessment, const ResultOptions& options,
                               const RiskOptions& risk_options) {
  const Instrument& instrument = model.instrument();
  const CaseScores scores = score(instrument, assessment);
  // The batch kernel says whether the model can give this case a risk, without an exception for
  // an expected case (no months in care); the single-case path then gives the explanation.
  std::int32_t status = 0;
  RiskBatchOutputs out;
  out.risk_status = &status;
  const auto items = static_cast<std::ptrdiff_t>(instrument.item_count());
  score_risk_batch(model, view_rows(assessment.responses.data(), 1, items, items), out);
  if (status != static_cast<std::int32_t>(RiskStatus::ok)) {
    const auto attributes = attribute_views(assessment);
    std::string text;
    text.reserve(result_size_hint(instrument, &model));
    append_result_json(text, model, {assessment.case_id, assessment.date, attributes, assessment.responses}, scores,
                       static_cast<RiskStatus>(status), options);
    return text;
  }
  return write_result_json(model, assessment, scores, score_risk(model, assessment.responses, scores, risk_options),
                           options);
}

}  // namespace pact
