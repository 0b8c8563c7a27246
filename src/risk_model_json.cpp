// Loading and validating risk-model JSON against the instrument it reads
// (docs/risk-model-format.md).
#include "pact/risk_model.hpp"

#include "file_io.hpp"
#include "json_support.hpp"
#include "sha256.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace pact {

RiskModel detail_make_risk_model(std::shared_ptr<const detail::RiskModelData> data) { return RiskModel(std::move(data)); }

namespace {

using detail::json;
using detail::JsonNode;

constexpr int max_horizon = 240;       // outcome.horizon_months
constexpr int max_from_month = 1200;   // baseline bands: 100 years in care is past any real case
constexpr std::array<const char*, 4> band_ids = {"low", "medium", "high", "very_high"};

// MAJOR.MINOR.PATCH, digits only, no leading zeros (as for instruments).
bool is_semver(const std::string& s) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    const std::size_t len = i - start;
    if (len == 0 || (len > 1 && s[start] == '0')) return false;
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.') return false;
    ++i;
  }
  return parts == 3;
}

// Compares two semantic versions part by part as numbers. Without leading zeros a longer run of
// digits is a larger number, so no part needs converting (and none can overflow).
int compare_semver(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    const std::size_t ei = std::min(a.find('.', i), a.size()), ej = std::min(b.find('.', j), b.size());
    const std::string_view pa(a.data() + i, ei - i), pb(b.data() + j, ej - j);
    if (pa.size() != pb.size()) return pa.size() < pb.size() ? -1 : 1;
    if (pa != pb) return pa < pb ? -1 : 1;
    i = ei + 1;
    j = ej + 1;
  }
  return 0;
}

bool is_iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return false;
  const int year = std::stoi(s.substr(0, 4)), month = std::stoi(s.substr(5, 2)), day = std::stoi(s.substr(8, 2));
  if (month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return day <= days[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::string join(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return list;
}

// The values a feature can take, to check that its reference is one of them.
struct Range {
  double lo = 0.0;
  double hi = 0.0;
};

// The product of two bounds where 0 times an unbounded side counts as 0 (the product of 0 and
// any finite value), not NaN.
double bound_product(double a, double b) { return a == 0.0 || b == 0.0 ? 0.0 : a * b; }

class RiskModelReader {
 public:
  /// With `problems`, the reader goes on after a problem in one section or feature and collects
  /// them all (for `pact validate`); without, it throws the first.
  RiskModelReader(const json& root, const Instrument& instrument, std::vector<Error>* problems = nullptr)
      : root_(root, ""), instrument_(instrument), problems_(problems) {}

  std::shared_ptr<detail::RiskModelData> read() {
    auto data = std::make_shared<detail::RiskModelData>(instrument_);
    m_ = data.get();
    root_.expect_object({"format", "format_version", "id", "version", "languages", "default_language", "name",
                         "description", "instrument", "outcome", "form", "intercept", "duration", "baseline",
                         "features", "actionable_items", "bands", "provenance", "alerts"});
    const JsonNode format = root_["format"];
    if (format.string() != "pact.risk_model")
      format.fail("expected \"pact.risk_model\", got \"" + format.value().get<std::string>() + "\"");
    const JsonNode format_version = root_["format_version"];
    if (format_version.integer() != 1)
      format_version.fail("this library reads risk-model format version 1, got " + format_version.value().dump());
    m_->id = root_["id"].identifier();
    const JsonNode version = root_["version"];
    m_->version = version.string();
    if (!is_semver(m_->version)) version.fail("expected a semantic version MAJOR.MINOR.PATCH, got \"" + m_->version + "\"");
    // The instrument first: a model loaded against the wrong instrument should say so, not
    // complain about a language the other instrument lacks.
    read_instrument();
    read_languages();
    m_->name = label(root_["name"]);
    if (auto d = root_.find("description")) m_->description = label(*d);
    guarded([&] { read_outcome(); });
    guarded([&] { read_form(); });
    guarded([&] { read_features(); });
    guarded([&] { read_actionable_items(); });
    guarded([&] { read_bands(); });
    guarded([&] { read_provenance(); });
    guarded([&] {
      if (auto alerts = root_.find("alerts")) read_alerts(*alerts);
    });
    if (problems_ && !problems_->empty()) return nullptr;
    detail::derive_model_data(*m_);
    m_->canonical_json = root_.value().dump();
    m_->hash = detail::content_hash(m_->canonical_json);
    return data;
  }

 private:
  void read_languages() {
    const JsonNode languages = root_["languages"];
    languages.expect_array(1);
    for (std::size_t i = 0; i < languages.size(); ++i) {
      const JsonNode lang = languages[i];
      std::string code = lang.string();
      const auto& known = instrument_.languages();
      if (std::find(known.begin(), known.end(), code) == known.end())
        lang.fail("\"" + code + "\" is not one of the instrument's languages " + join(known));
      if (std::find(m_->languages.begin(), m_->languages.end(), code) != m_->languages.end())
        lang.fail("the language \"" + code + "\" is listed twice");
      m_->languages.push_back(std::move(code));
    }
    const JsonNode def = root_["default_language"];
    m_->default_language = def.string();
    if (std::find(m_->languages.begin(), m_->languages.end(), m_->default_language) == m_->languages.end())
      def.fail("\"" + m_->default_language + "\" is not one of the model's languages " + join(m_->languages));
  }

  // A label has exactly the model's languages; the default language goes first.
  Label label(const JsonNode& node) const {
    if (!node.value().is_object()) node.fail("expected an object of texts by language, got " + detail::type_name(node.value()));
    for (const auto& [lang, text] : node.value().items()) {
      if (std::find(m_->languages.begin(), m_->languages.end(), lang) == m_->languages.end())
        JsonNode(text, node.path() + "/" + detail::pointer_token(lang))
            .fail("\"" + lang + "\" is not one of the model's languages " + join(m_->languages));
    }
    std::vector<std::pair<std::string, std::string>> texts;
    for (const auto& lang : ordered_languages()) {
      if (!node.value().contains(lang)) node.fail("missing the \"" + lang + "\" text");
      texts.emplace_back(lang, node[lang].string());
    }
    return Label(std::move(texts));
  }

  // The instrument's label of a dimension or item, restricted to the model's languages.
  Label borrowed_label(const Label& from) const {
    std::vector<std::pair<std::string, std::string>> texts;
    for (const auto& lang : ordered_languages()) texts.emplace_back(lang, from.in(lang));
    return Label(std::move(texts));
  }

  std::vector<std::string> ordered_languages() const {
    std::vector<std::string> order{m_->default_language};
    for (const auto& lang : m_->languages)
      if (lang != m_->default_language) order.push_back(lang);
    return order;
  }

  static double standard_error(const JsonNode& node) {
    const double se = node.number();
    if (se < 0.0) node.fail("a standard error cannot be negative, got " + detail::show_number(se));
    return se;
  }

  static Coefficient coefficient(const JsonNode& node) {
    node.expect_object({"coefficient", "se"});
    return {node["coefficient"].number(), standard_error(node["se"])};
  }

  void read_instrument() {
    const JsonNode node = root_["instrument"];
    node.expect_object({"id", "min_version", "max_version"});
    const JsonNode id = node["id"];
    m_->instrument_id = id.identifier();
    if (m_->instrument_id != instrument_.id())
      id.fail("the model reads instrument \"" + m_->instrument_id + "\", not \"" + instrument_.id() +
              "\" which it is being loaded against");
    const JsonNode min = node["min_version"], max = node["max_version"];
    m_->instrument_min_version = min.string();
    if (!is_semver(m_->instrument_min_version))
      min.fail("expected a semantic version MAJOR.MINOR.PATCH, got \"" + m_->instrument_min_version + "\"");
    m_->instrument_max_version = max.string();
    if (!is_semver(m_->instrument_max_version))
      max.fail("expected a semantic version MAJOR.MINOR.PATCH, got \"" + m_->instrument_max_version + "\"");
    if (compare_semver(m_->instrument_min_version, m_->instrument_max_version) >= 0)
      max.fail("the maximum version (exclusive) must be above the minimum " + m_->instrument_min_version);
    const std::string& have = instrument_.version();
    if (compare_semver(have, m_->instrument_min_version) < 0)
      min.fail("instrument " + instrument_.id() + " " + have + " is older than the model's minimum version " +
               m_->instrument_min_version);
    if (compare_semver(have, m_->instrument_max_version) >= 0)
      max.fail("instrument " + instrument_.id() + " " + have + " is not below the model's maximum version " +
               m_->instrument_max_version + " (exclusive)");
  }

  void read_outcome() {
    const JsonNode node = root_["outcome"];
    node.expect_object({"definition", "horizon_months", "event"});
    m_->outcome_definition = label(node["definition"]);
    const JsonNode horizon = node["horizon_months"];
    const auto months = horizon.integer();
    if (months < 1 || months > max_horizon)
      horizon.fail("expected a number of months in [1, " + std::to_string(max_horizon) + "], got " + std::to_string(months));
    m_->horizon_months = static_cast<int>(months);
    const JsonNode event = node["event"];
    if (event.string() != "still_in_care")
      event.fail("expected \"still_in_care\", got \"" + event.value().get<std::string>() + "\"");
  }

  void read_form() {
    const JsonNode form = root_["form"];
    const std::string name = form.string();
    if (name == "logistic") {
      m_->form = RiskForm::logistic;
      if (auto d = root_.find("duration")) d->fail("only a discrete_hazard model has a duration item");
      if (auto b = root_.find("baseline")) b->fail("only a discrete_hazard model has a baseline");
      if (!root_.find("intercept")) root_.fail("a logistic model needs an \"intercept\" (b0)");
      m_->intercept = coefficient(root_["intercept"]);
    } else if (name == "discrete_hazard") {
      m_->form = RiskForm::discrete_hazard;
      if (auto i = root_.find("intercept"))
        i->fail("only a logistic model has an intercept (the hazard form's baseline takes its place)");
      if (!root_.find("duration")) root_.fail("a discrete_hazard model needs a \"duration\" item (the months in care)");
      if (!root_.find("baseline")) root_.fail("a discrete_hazard model needs a \"baseline\" of duration bands");
      read_duration();
      read_baseline();
    } else {
      form.fail("unknown form \"" + name + "\"; expected \"logistic\" or \"discrete_hazard\"");
    }
  }

  void read_duration() {
    const JsonNode node = root_["duration"];
    node.expect_object({"item"});
    const JsonNode item_node = node["item"];
    const std::size_t j = item(item_node);
    const Item& it = instrument_.items()[j];
    if (it.type != ResponseType::months && it.type != ResponseType::count)
      item_node.fail("the duration item must record months (an item of type months or count), \"" + it.id +
                     "\" is of type " + to_string(it.type));
    if (it.min_value < 0.0)
      item_node.fail("the duration item's minimum must be at least 0 months, \"" + it.id + "\" allows " +
                     detail::show_number(it.min_value));
    m_->duration_item = j;
  }

  void read_baseline() {
    const JsonNode baseline = root_["baseline"];
    baseline.expect_array(1);
    for (std::size_t b = 0; b < baseline.size(); ++b) {
      const JsonNode node = baseline[b];
      node.expect_object({"from_month", "coefficient", "se"});
      const JsonNode from = node["from_month"];
      const auto month = from.integer();
      if (month < 1 || month > max_from_month)
        from.fail("expected a month in [1, " + std::to_string(max_from_month) + "], got " + std::to_string(month));
      if (b == 0 && month != 1) from.fail("the first duration band must start at month 1, got " + std::to_string(month));
      if (b > 0 && month <= m_->baseline.back().from_month)
        from.fail("duration bands must start at strictly increasing months: " + std::to_string(month) +
                  " is not after the previous band's " + std::to_string(m_->baseline.back().from_month));
      m_->baseline.push_back({static_cast<int>(month), node["coefficient"].number(), standard_error(node["se"])});
    }
  }

  // The index of the instrument item a string names.
  std::size_t item(const JsonNode& node) const {
    const std::string id = node.string();
    const auto j = instrument_.find_item(id);
    if (!j) node.fail("no item \"" + id + "\" in instrument " + instrument_.id() + " " + instrument_.version());
    return *j;
  }

  // The index of a feature listed before feature `k`.
  std::size_t earlier_feature(const JsonNode& node) const {
    const std::string id = node.string();
    // Collecting every problem: a feature built on one that already failed is not reported again.
    if (failed_features_.count(id)) throw AlreadyReported{};
    for (std::size_t k = 0; k < m_->features.size(); ++k)
      if (m_->features[k].id == id) return k;
    node.fail("no feature \"" + id + "\" before this one (a derived feature may use only features listed before it)");
  }

  void read_features() {
    const JsonNode features = root_["features"];
    features.expect_array(1, max_model_features);
    std::vector<Range> ranges;
    for (std::size_t k = 0; k < features.size(); ++k) guarded([&] {
      const JsonNode node = features[k];
      if (problems_ && node.value().is_object() && node.value().contains("id") && node.value()["id"].is_string())
        failing_feature_ = node.value()["id"].get<std::string>();
      if (!node.value().is_object()) node.fail("expected an object, got " + detail::type_name(node.value()));
      RiskFeature f;
      const JsonNode kind = node["kind"];
      const std::string kind_name = kind.string();
      if (kind_name == "dimension_score") {
        f.kind = FeatureKind::dimension_score;
        node.expect_object({"id", "kind", "coefficient", "se", "reference", "label", "dimension"});
      } else if (kind_name == "item_severity" || kind_name == "item_value" || kind_name == "log_item_value") {
        f.kind = kind_name == "item_severity" ? FeatureKind::item_severity
                 : kind_name == "item_value"  ? FeatureKind::item_value
                                              : FeatureKind::log_item_value;
        node.expect_object({"id", "kind", "coefficient", "se", "reference", "label", "item"});
      } else if (kind_name == "hinge_item_value") {
        f.kind = FeatureKind::hinge_item_value;
        node.expect_object({"id", "kind", "coefficient", "se", "reference", "label", "item", "knot"});
      } else if (kind_name == "composite") {
        f.kind = FeatureKind::composite;
        node.expect_object({"id", "kind", "coefficient", "se", "reference", "label"});
      } else if (kind_name == "indicator") {
        f.kind = FeatureKind::indicator;
        node.expect_object({"id", "kind", "coefficient", "se", "reference", "label", "of", "at_least"});
      } else if (kind_name == "interaction") {
        f.kind = FeatureKind::interaction;
        node.expect_object({"id", "kind", "coefficient", "se", "reference", "label", "of"});
      } else {
        kind.fail("unknown feature kind \"" + kind_name +
                  "\"; expected one of: dimension_score, item_severity, item_value, log_item_value, "
                  "hinge_item_value, composite, indicator, interaction");
      }
      f.id = node["id"].identifier();
      const JsonNode ctx = node.with_context("feature \"" + f.id + "\"");
      for (std::size_t other = 0; other < m_->features.size(); ++other)
        if (m_->features[other].id == f.id)
          ctx["id"].fail("the feature id \"" + f.id + "\" is used twice (first at /features/" + std::to_string(other) + ")");
      f.coefficient = ctx["coefficient"].number();
      f.se = standard_error(ctx["se"]);
      const JsonNode reference = ctx["reference"];
      f.reference = reference.number();

      Range range{0.0, 1.0};
      const Label* borrowed = nullptr;
      switch (f.kind) {
        case FeatureKind::dimension_score: {
          const JsonNode dim = ctx["dimension"];
          const std::string id = dim.string();
          const auto d = instrument_.find_dimension(id);
          if (!d) dim.fail("no dimension \"" + id + "\" in instrument " + instrument_.id() + " " + instrument_.version());
          f.source = *d;
          borrowed = &instrument_.dimensions()[*d].label;
          break;
        }
        case FeatureKind::item_severity:
        case FeatureKind::item_value:
        case FeatureKind::log_item_value:
        case FeatureKind::hinge_item_value: {
          const JsonNode item_node = ctx["item"];
          f.source = item(item_node);
          const Item& it = instrument_.items()[f.source];
          borrowed = &it.label;
          range = item_range(f, ctx, item_node, it);
          break;
        }
        case FeatureKind::composite: break;
        case FeatureKind::indicator:
          f.of[0] = earlier_feature(ctx["of"]);
          f.at_least = ctx["at_least"].number();
          break;
        case FeatureKind::interaction: {
          const JsonNode of = ctx["of"];
          of.expect_array(2);
          if (of.size() != 2) of.fail("expected two feature ids, got " + std::to_string(of.size()));
          f.of[0] = earlier_feature(of[0]);
          f.of[1] = earlier_feature(of[1]);
          const Range a = ranges[f.of[0]], b = ranges[f.of[1]];
          const double products[] = {bound_product(a.lo, b.lo), bound_product(a.lo, b.hi), bound_product(a.hi, b.lo),
                                     bound_product(a.hi, b.hi)};
          range = {*std::min_element(std::begin(products), std::end(products)),
                   *std::max_element(std::begin(products), std::end(products))};
          break;
        }
      }
      if (f.reference < range.lo || f.reference > range.hi)
        reference.fail("the reference must be a value the feature can take, in [" + detail::show_number(range.lo) +
                       ", " + detail::show_number(range.hi) + "], got " + detail::show_number(f.reference));
      if (auto l = ctx.find("label")) {
        f.label = label(*l);
      } else if (borrowed) {
        f.label = borrowed_label(*borrowed);
        f.label_from_instrument = true;
      } else {
        ctx.fail("a feature of kind \"" + kind_name + "\" needs a \"label\" (it has no dimension or item to take one from)");
      }
      ranges.push_back(range);
      m_->features.push_back(std::move(f));
    });
  }

  // Checks that an item-based feature reads a quantity, and returns the values it can take.
  static Range item_range(RiskFeature& f, const JsonNode& ctx, const JsonNode& item_node, const Item& it) {
    const bool numeric = it.type == ResponseType::count || it.type == ResponseType::months || it.type == ResponseType::amount;
    const double lo = it.type == ResponseType::yes_no ? 0.0 : it.min_value;
    const double hi = it.type == ResponseType::yes_no ? 1.0 : it.max_value;
    switch (f.kind) {
      case FeatureKind::item_severity: return {0.0, 1.0};
      case FeatureKind::item_value:
        if (it.type == ResponseType::ordinal)
          item_node.fail("an ordinal item's codes are labels, not quantities: use item_severity for \"" + it.id + "\"");
        return {lo, hi};
      case FeatureKind::log_item_value:
        if (!numeric)
          item_node.fail("ln(1 + value) needs a count, months or amount item, \"" + it.id + "\" is of type " +
                         to_string(it.type));
        if (it.min_value <= -1.0)
          item_node.fail("ln(1 + value) needs the item's minimum above -1, \"" + it.id + "\" allows " +
                         detail::show_number(it.min_value));
        return {std::log1p(lo), std::log1p(hi)};
      case FeatureKind::hinge_item_value: {
        if (!numeric)
          item_node.fail("a hinge needs a count, months or amount item, \"" + it.id + "\" is of type " +
                         to_string(it.type));
        f.knot = ctx["knot"].number();
        return {std::max(0.0, lo - f.knot), std::max(0.0, hi - f.knot)};
      }
      default: return {0.0, 1.0};
    }
  }

  void read_alerts(const JsonNode& node) {
    node.expect_object({"band_increase", "probability_increase"});
    if (auto b = node.find("band_increase")) m_->alerts.band_increase = b->boolean();
    if (auto p = node.find("probability_increase")) m_->alerts.probability_increase = p->number_in(0.0, 1.0, true, false);
  }

  void read_actionable_items() {
    const JsonNode list = root_["actionable_items"];
    list.expect_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const JsonNode node = list[i];
      const std::size_t j = item(node);
      if (std::find(m_->actionable_items.begin(), m_->actionable_items.end(), j) != m_->actionable_items.end())
        node.fail("the item \"" + instrument_.items()[j].id + "\" is listed twice");
      if (m_->duration_item && j == *m_->duration_item)
        node.fail("the months in care (the duration item) are not something a professional and the person can change");
      m_->actionable_items.push_back(j);
    }
    std::sort(m_->actionable_items.begin(), m_->actionable_items.end());
  }

  void read_bands() {
    const JsonNode bands = root_["bands"];
    bands.expect_array();
    if (bands.size() != band_ids.size())
      bands.fail("expected exactly 4 bands, low, medium, high and very_high; got " + std::to_string(bands.size()));
    for (std::size_t b = 0; b < bands.size(); ++b) {
      const JsonNode node = bands[b];
      node.expect_object({"id", "label", "min_probability"});
      RiskBand band;
      const JsonNode id = node["id"];
      band.id = id.string();
      if (band.id != band_ids[b])
        id.fail("expected \"" + std::string(band_ids[b]) + "\" (the bands are low, medium, high, very_high in that order), got \"" +
                band.id + "\"");
      band.label = label(node["label"]);
      const JsonNode min = node["min_probability"];
      band.min_probability = min.number_in(0.0, 1.0, false, true);
      if (b == 0 && band.min_probability != 0.0)
        min.fail("the first band must start at 0 so that every probability has a band, got " + min.value().dump());
      if (b > 0 && band.min_probability <= m_->bands.back().min_probability)
        min.fail("bands must be in increasing order of min_probability: " + min.value().dump() +
                 " is not above the previous band's " + detail::show_number(m_->bands.back().min_probability));
      m_->bands.push_back(std::move(band));
    }
  }

  void read_provenance() {
    const JsonNode node = root_["provenance"];
    node.expect_object({"status", "fitted_on", "fitted_at", "method", "n_cases", "n_rows", "metrics", "notes"});
    Provenance& p = m_->provenance;
    const JsonNode status = node["status"];
    const std::string name = status.string();
    if (name == "illustrative")
      p.status = ProvenanceStatus::illustrative;
    else if (name == "calibrated")
      p.status = ProvenanceStatus::calibrated;
    else
      status.fail("expected \"illustrative\" or \"calibrated\", got \"" + name + "\"");
    p.fitted_on = node["fitted_on"].string();
    const JsonNode fitted_at = node["fitted_at"];
    p.fitted_at = fitted_at.string();
    if (!is_iso_date(p.fitted_at)) fitted_at.fail("expected a date YYYY-MM-DD, got \"" + p.fitted_at + "\"");
    p.method = node["method"].string();
    auto count = [](const JsonNode& n) {
      const auto v = n.integer();
      if (v < 0) n.fail("expected a count of at least 0, got " + std::to_string(v));
      return v;
    };
    if (auto n = node.find("n_cases")) p.n_cases = count(*n);
    if (auto n = node.find("n_rows")) {
      if (m_->form != RiskForm::discrete_hazard)
        n->fail("person-month rows belong to the discrete_hazard form; a logistic model is fitted on one row per case");
      p.n_rows = count(*n);
    }
    if (auto metrics = node.find("metrics")) {
      metrics->expect_object({"auc", "brier", "calibration_intercept", "calibration_slope", "ece"});
      if (auto v = metrics->find("auc")) p.metrics.auc = v->number_in(0.0, 1.0);
      if (auto v = metrics->find("brier")) p.metrics.brier = v->number_in(0.0, 1.0);
      if (auto v = metrics->find("calibration_intercept")) p.metrics.calibration_intercept = v->number();
      if (auto v = metrics->find("calibration_slope")) p.metrics.calibration_slope = v->number();
      if (auto v = metrics->find("ece")) p.metrics.ece = v->number_in(0.0, 1.0);
    }
    if (auto notes = node.find("notes")) p.notes = notes->string();
  }

  struct AlreadyReported {};

  template <class Read>
  void guarded(Read&& read) {
    if (!problems_) {
      read();
      return;
    }
    try {
      read();
      failing_feature_.clear();
      return;
    } catch (const ValidationError& e) {
      problems_->push_back(e);
    } catch (const LimitError& e) {
      problems_->push_back(e);
    } catch (const AlreadyReported&) {
    }
    if (!failing_feature_.empty()) failed_features_.insert(failing_feature_);
    failing_feature_.clear();
  }

  JsonNode root_;
  std::string failing_feature_;
  std::set<std::string> failed_features_;
  const Instrument& instrument_;
  std::vector<Error>* problems_ = nullptr;
  detail::RiskModelData* m_ = nullptr;
};

}  // namespace

RiskModel RiskModel::parse(std::string_view json_text, const Instrument& instrument) {
  const json root = detail::parse_json(json_text);
  return RiskModel(RiskModelReader(root, instrument).read());
}

std::vector<Error> RiskModel::problems(std::string_view json_text, const Instrument& instrument) {
  std::vector<Error> found;
  try {
    const json root = detail::parse_json(json_text);
    RiskModelReader(root, instrument, &found).read();
  } catch (const Error& e) {
    found.push_back(e);
  }
  return found;
}

RiskModel RiskModel::load(const std::filesystem::path& file, const Instrument& instrument) {
  return parse(detail::read_file(file, detail::JsonLimits{}.max_bytes), instrument);
}

}  // namespace pact
