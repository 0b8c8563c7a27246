// Writing a risk model from a template with new coefficients, references, version and
// provenance (pact::write_risk_model_json, used by pact::calibrate).
#include "pact/calibration.hpp"

#include "json_support.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace pact {

namespace {

using nlohmann::ordered_json;
using detail::json;

void require_finite(double value, const std::string& where) {
  if (!std::isfinite(value)) throw InvalidArgument(where, "expected a finite number");
}

json label_json(const Label& label) {
  json out = json::object();
  for (const auto& [language, text] : label.texts()) out[language] = text;
  return out;
}

// The keys of `object` in the order given, then the others in their current order.
ordered_json reordered(const ordered_json& object, const std::vector<std::string>& first) {
  if (!object.is_object()) return object;
  ordered_json out = ordered_json::object();
  for (const auto& key : first)
    if (object.contains(key)) out[key] = object.at(key);
  for (const auto& [key, value] : object.items())
    if (!out.contains(key)) out[key] = value;
  return out;
}

// Model JSON in the order docs/risk-model-format.md describes it, labels in the model's language
// order (the default first), so that a written model reads like an authored one.
ordered_json presentable(const json& doc, const std::vector<std::string>& languages) {
  ordered_json o = ordered_json::parse(doc.dump());
  auto label = [&](ordered_json& node) { node = reordered(node, languages); };
  o = reordered(o, {"format", "format_version", "id", "version", "languages", "default_language", "name", "description",
                    "instrument", "outcome", "form", "intercept", "duration", "baseline", "features",
                    "actionable_items", "bands", "provenance"});
  label(o["name"]);
  if (o.contains("description")) label(o["description"]);
  o["instrument"] = reordered(o["instrument"], {"id", "min_version", "max_version"});
  o["outcome"] = reordered(o["outcome"], {"definition", "horizon_months", "event"});
  label(o["outcome"]["definition"]);
  if (o.contains("intercept")) o["intercept"] = reordered(o["intercept"], {"coefficient", "se"});
  if (o.contains("baseline"))
    for (auto& band : o["baseline"]) band = reordered(band, {"from_month", "coefficient", "se"});
  for (auto& feature : o["features"]) {
    feature = reordered(feature, {"id", "kind", "dimension", "item", "knot", "of", "at_least", "coefficient", "se",
                                  "reference", "label"});
    if (feature.contains("label")) label(feature["label"]);
  }
  for (auto& band : o["bands"]) {
    band = reordered(band, {"id", "label", "min_probability"});
    label(band["label"]);
  }
  o["provenance"] = reordered(o["provenance"], {"status", "fitted_on", "fitted_at", "method", "n_cases", "n_rows",
                                               "metrics", "notes"});
  if (o["provenance"].contains("metrics"))
    o["provenance"]["metrics"] = reordered(o["provenance"]["metrics"],
                                           {"auc", "brier", "calibration_intercept", "calibration_slope", "ece"});
  return o;
}

}  // namespace

std::string write_risk_model_json(const RiskModel& base, const RiskModelUpdate& update) {
  const detail::RiskModelData& m = base.data();
  json doc = json::parse(m.canonical_json);
  doc["version"] = update.version;
  if (!update.name.empty()) doc["name"] = label_json(update.name);
  if (!update.description.empty()) doc["description"] = label_json(update.description);

  if (m.form == RiskForm::logistic) {
    if (!update.intercept) throw InvalidArgument("update.intercept", "a logistic model needs an intercept");
    require_finite(update.intercept->coefficient, "update.intercept.coefficient");
    require_finite(update.intercept->se, "update.intercept.se");
    doc["intercept"] = {{"coefficient", update.intercept->coefficient}, {"se", update.intercept->se}};
  } else {
    if (update.intercept)
      throw InvalidArgument("update.intercept", "a discrete_hazard model has no intercept (its baseline takes its place)");
    if (update.baseline.size() != m.baseline.size())
      throw InvalidArgument("update.baseline", "expected one band per band of the template (" +
                                                   std::to_string(m.baseline.size()) + "), got " +
                                                   std::to_string(update.baseline.size()));
    for (std::size_t b = 0; b < m.baseline.size(); ++b) {
      const std::string where = "update.baseline[" + std::to_string(b) + "]";
      if (update.baseline[b].from_month != m.baseline[b].from_month)
        throw InvalidArgument(where + ".from_month", "the template's band starts at month " +
                                                         std::to_string(m.baseline[b].from_month));
      require_finite(update.baseline[b].coefficient, where + ".coefficient");
      require_finite(update.baseline[b].se, where + ".se");
      doc["baseline"][b]["coefficient"] = update.baseline[b].coefficient;
      doc["baseline"][b]["se"] = update.baseline[b].se;
    }
  }

  if (update.features.size() != m.features.size())
    throw InvalidArgument("update.features", "expected one coefficient per feature of the template (" +
                                                 std::to_string(m.features.size()) + "), got " +
                                                 std::to_string(update.features.size()));
  if (!update.references.empty() && update.references.size() != m.features.size())
    throw InvalidArgument("update.references", "expected one reference per feature of the template (" +
                                                   std::to_string(m.features.size()) + ") or none, got " +
                                                   std::to_string(update.references.size()));
  for (std::size_t k = 0; k < m.features.size(); ++k) {
    const std::string where = "update.features[" + std::to_string(k) + "]";
    require_finite(update.features[k].coefficient, where + ".coefficient");
    require_finite(update.features[k].se, where + ".se");
    json& feature = doc["features"][k];
    feature["coefficient"] = update.features[k].coefficient;
    feature["se"] = update.features[k].se;
    if (!update.references.empty()) {
      require_finite(update.references[k], "update.references[" + std::to_string(k) + "]");
      feature["reference"] = update.references[k];
    }
  }

  const Provenance& p = update.provenance;
  json provenance = {{"status", to_string(p.status)},
                     {"fitted_on", p.fitted_on},
                     {"fitted_at", p.fitted_at},
                     {"method", p.method}};
  if (p.n_cases) provenance["n_cases"] = *p.n_cases;
  if (p.n_rows) provenance["n_rows"] = *p.n_rows;
  json metrics = json::object();
  auto metric = [&](const char* key, const std::optional<double>& value) {
    if (!value) return;
    require_finite(*value, std::string("update.provenance.metrics.") + key);
    metrics[key] = *value;
  };
  metric("auc", p.metrics.auc);
  metric("brier", p.metrics.brier);
  metric("calibration_intercept", p.metrics.calibration_intercept);
  metric("calibration_slope", p.metrics.calibration_slope);
  metric("ece", p.metrics.ece);
  if (!metrics.empty()) provenance["metrics"] = metrics;
  if (!p.notes.empty()) provenance["notes"] = p.notes;
  doc["provenance"] = provenance;

  std::vector<std::string> languages{m.default_language};
  for (const auto& language : m.languages)
    if (language != m.default_language) languages.push_back(language);
  return presentable(doc, languages).dump(2) + "\n";
}

}  // namespace pact
