// Loading and validating instrument JSON (docs/instrument-format.md).
#include "pact/instrument.hpp"

#include "file_io.hpp"
#include "instrument_compile.hpp"
#include "json_support.hpp"
#include "sha256.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace pact {

Instrument detail_make_instrument(std::shared_ptr<const detail::InstrumentData> data) {
  return Instrument(std::move(data));
}

namespace {

using detail::json;
using detail::JsonNode;

using detail::max_option_span;

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

bool is_language_tag(const std::string& s) {
  if (s.size() < 2 || s.size() > 8) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
}

class InstrumentReader {
 public:
  /// With `problems`, the reader goes on after a problem in one level, dimension, item or
  /// section and collects them all (for `pact validate`); without, it throws the first.
  explicit InstrumentReader(const json& root, std::vector<Error>* problems = nullptr)
      : root_(root, ""), problems_(problems) {}

  std::shared_ptr<detail::InstrumentData> read() {
    auto data = std::make_shared<detail::InstrumentData>();
    data_ = data.get();
    root_.expect_object({"format", "format_version", "id", "version", "languages", "default_language", "name",
                         "description", "rating_window_days", "composite", "levels", "dimensions", "items",
                         "alerts"});
    const JsonNode format = root_["format"];
    if (format.string() != "pact.instrument")
      format.fail("expected \"pact.instrument\", got \"" + format.value().get<std::string>() + "\"");
    const JsonNode format_version = root_["format_version"];
    if (format_version.integer() != 1)
      format_version.fail("this library reads instrument format version 1, got " + format_version.value().dump());
    data_->id = root_["id"].identifier();
    const JsonNode version = root_["version"];
    data_->version = version.string();
    if (!is_semver(data_->version))
      version.fail("expected a semantic version MAJOR.MINOR.PATCH, got \"" + data_->version + "\"");
    read_languages();
    data_->name = label(root_["name"]);
    if (auto d = root_.find("description")) data_->description = label(*d);
    if (auto w = root_.find("rating_window_days")) {
      const auto days = w->integer();
      if (days < 1 || days > 3650) w->fail("expected a number of days in [1, 3650], got " + std::to_string(days));
      data_->rating_window_days = static_cast<int>(days);
    }
    guarded([&] {
      const JsonNode composite = root_["composite"];
      composite.expect_object({"min_coverage"});
      data_->composite_min_coverage = composite["min_coverage"].number_in(0.0, 1.0, true, false);
    });
    guarded([&] { read_levels(); });
    guarded([&] { read_dimensions(); });
    guarded([&] { read_items(); });
    guarded([&] {
      if (auto alerts = root_.find("alerts")) read_alerts(*alerts);
    });
    if (problems_ && !problems_->empty()) return nullptr;
    compile();
    data_->canonical_json = root_.value().dump();
    data_->hash = detail::content_hash(data_->canonical_json);
    return data;
  }

 private:
  void read_languages() {
    const JsonNode languages = root_["languages"];
    languages.expect_array(1, max_instrument_languages);
    for (std::size_t i = 0; i < languages.size(); ++i) {
      const JsonNode lang = languages[i];
      std::string code = lang.string();
      if (!is_language_tag(code)) lang.fail("\"" + code + "\" is not a language code such as \"es\" or \"ca\"");
      if (std::find(data_->languages.begin(), data_->languages.end(), code) != data_->languages.end())
        lang.fail("the language \"" + code + "\" is listed twice");
      data_->languages.push_back(std::move(code));
    }
    const JsonNode def = root_["default_language"];
    data_->default_language = def.string();
    if (std::find(data_->languages.begin(), data_->languages.end(), data_->default_language) == data_->languages.end())
      def.fail("\"" + data_->default_language + "\" is not one of the instrument's languages " + language_list());
  }

  std::string language_list() const {
    std::string list;
    for (const auto& l : data_->languages) list += (list.empty() ? "" : ", ") + l;
    return list;
  }

  // A label must have exactly the instrument's languages; the default language goes first.
  Label label(const JsonNode& node) const {
    if (!node.value().is_object()) node.fail("expected an object of texts by language, got " + detail::type_name(node.value()));
    for (const auto& [lang, text] : node.value().items()) {
      if (std::find(data_->languages.begin(), data_->languages.end(), lang) == data_->languages.end())
        JsonNode(text, node.path() + "/" + detail::pointer_token(lang))
            .fail("\"" + lang + "\" is not one of the instrument's languages " + language_list());
    }
    std::vector<std::pair<std::string, std::string>> texts;
    auto add = [&](const std::string& lang) {
      if (!node.value().contains(lang)) node.fail("missing the \"" + lang + "\" text");
      texts.emplace_back(lang, node[lang].string());
    };
    add(data_->default_language);
    for (const auto& lang : data_->languages)
      if (lang != data_->default_language) add(lang);
    return Label(std::move(texts));
  }

  void read_levels() {
    const JsonNode levels = root_["levels"];
    levels.expect_array(2, max_instrument_levels);
    for (std::size_t i = 0; i < levels.size(); ++i) guarded([&] {
      const JsonNode node = levels[i];
      node.expect_object({"id", "label", "description", "min_score"});
      Level level;
      level.id = node["id"].identifier();
      const JsonNode ctx = node.with_context("level \"" + level.id + "\"");
      for (const auto& other : data_->levels)
        if (other.id == level.id) ctx["id"].fail("the level id \"" + level.id + "\" is used twice");
      level.label = label(ctx["label"]);
      if (auto d = ctx.find("description")) level.description = label(*d);
      const JsonNode min_score = ctx["min_score"];
      level.min_score = min_score.number_in(0.0, 1.0);
      if (i == 0 && level.min_score != 0.0)
        min_score.fail("the first level must start at 0 so that every composite has a level, got " + min_score.value().dump());
      // When collecting problems, an earlier level may have failed and not been kept: compare with
      // the last level kept, if any.
      if (i > 0 && !data_->levels.empty() && level.min_score <= data_->levels.back().min_score)
        min_score.fail("levels must be in increasing order of min_score: " + min_score.value().dump() +
                       " is not above the previous level's " + detail::show_number(data_->levels.back().min_score));
      data_->levels.push_back(std::move(level));
    });
  }

  void read_dimensions() {
    const JsonNode dimensions = root_["dimensions"];
    dimensions.expect_array(1, max_instrument_dimensions);
    for (std::size_t i = 0; i < dimensions.size(); ++i) guarded([&] {
      const JsonNode node = dimensions[i];
      node.expect_object({"id", "label", "description", "weight", "min_coverage", "deprivation_cutoff", "critical_cutoff"});
      Dimension dim;
      dim.id = node["id"].identifier();
      const JsonNode ctx = node.with_context("dimension \"" + dim.id + "\"");
      if (dimension_ids_.count(dim.id)) ctx["id"].fail("the dimension id \"" + dim.id + "\" is used twice");
      dimension_ids_[dim.id] = i;
      dim.label = label(ctx["label"]);
      if (auto d = ctx.find("description")) dim.description = label(*d);
      dim.weight = ctx["weight"].number_in(0.0, std::numeric_limits<double>::max(), true);
      dim.min_coverage = ctx["min_coverage"].number_in(0.0, 1.0, true, false);
      dim.deprivation_cutoff = ctx["deprivation_cutoff"].number_in(0.0, 1.0, true, false);
      if (auto c = ctx.find("critical_cutoff")) dim.critical_cutoff = c->number_in(0.0, 1.0, true, false);
      data_->dimensions.push_back(std::move(dim));
    });
  }

  void read_items() {
    const JsonNode items = root_["items"];
    items.expect_array(1, max_instrument_items);
    std::map<std::string, std::size_t> item_ids;
    for (std::size_t i = 0; i < items.size(); ++i) guarded([&] {
      const JsonNode node = items[i];
      node.expect_object({"id", "dimension", "label", "question", "response", "weight", "required", "critical_cutoff",
                          "rationale", "references"});
      Item item;
      item.id = node["id"].identifier();
      const JsonNode ctx = node.with_context("item \"" + item.id + "\"");
      if (item_ids.count(item.id))
        ctx["id"].fail("the item id \"" + item.id + "\" is used twice (first at /items/" +
                       std::to_string(item_ids[item.id]) + ")");
      item_ids[item.id] = i;
      const JsonNode dim = ctx["dimension"];
      const std::string dim_id = dim.string();
      auto found = dimension_ids_.find(dim_id);
      if (found == dimension_ids_.end()) {
        std::string known;
        for (const auto& d : data_->dimensions) known += (known.empty() ? "" : ", ") + d.id;
        dim.fail("no dimension \"" + dim_id + "\"; expected one of: " + known);
      }
      item.dimension = found->second;
      item.label = label(ctx["label"]);
      if (auto q = ctx.find("question")) item.question = label(*q);
      item.weight = ctx["weight"].number_in(0.0, std::numeric_limits<double>::max(), true);
      item.required = ctx["required"].boolean();
      if (auto c = ctx.find("critical_cutoff")) item.critical_cutoff = c->number_in(0.0, 1.0, true, false);
      if (auto r = ctx.find("rationale")) item.rationale = r->string();
      if (auto refs = ctx.find("references")) {
        refs->expect_array();
        for (std::size_t k = 0; k < refs->size(); ++k) item.references.push_back((*refs)[k].string());
      }
      read_response(ctx["response"], item);
      if (item.critical_cutoff && *item.critical_cutoff > highest_severity(item))
        ctx["critical_cutoff"].fail("the item's highest severity is " + detail::show_number(highest_severity(item)) +
                                    ", so a critical cut-off of " + detail::show_number(*item.critical_cutoff) +
                                    " can never be reached");
      data_->items.push_back(std::move(item));
    });
  }

  static double highest_severity(const Item& item) {
    switch (item.type) {
      case ResponseType::ordinal: {
        double top = 0.0;
        for (const auto& o : item.options) top = std::max(top, o.severity);
        return top;
      }
      case ResponseType::yes_no: return std::max(item.severity_yes, item.severity_no);
      default: return *std::max_element(item.curve.severity.begin(), item.curve.severity.end());
    }
  }

  void read_alerts(const JsonNode& node) {
    node.expect_object({"dimension_worsening", "level_increase", "critical_item_appears", "reassessment_overdue_days"});
    InstrumentAlertRules& rules = data_->alerts;
    if (auto w = node.find("dimension_worsening")) rules.dimension_worsening = w->number_in(0.0, 1.0, true, false);
    if (auto l = node.find("level_increase")) rules.level_increase = l->boolean();
    if (auto c = node.find("critical_item_appears")) rules.critical_item_appears = c->boolean();
    if (auto d = node.find("reassessment_overdue_days")) {
      const auto days = d->integer();
      if (days < 1 || days > 3650) d->fail("expected a number of days in [1, 3650], got " + std::to_string(days));
      rules.reassessment_overdue_days = static_cast<int>(days);
    }
  }

  void read_response(const JsonNode& node, Item& item) {
    if (!node.value().is_object()) node.fail("expected an object, got " + detail::type_name(node.value()));
    const JsonNode type = node["type"];
    const std::string name = type.string();
    if (name == "ordinal") {
      item.type = ResponseType::ordinal;
      node.expect_object({"type", "options"});
      read_options(node["options"], item);
    } else if (name == "yes_no") {
      item.type = ResponseType::yes_no;
      node.expect_object({"type", "severity_yes", "severity_no"});
      item.severity_yes = node["severity_yes"].number_in(0.0, 1.0);
      item.severity_no = node["severity_no"].number_in(0.0, 1.0);
    } else if (name == "count" || name == "months" || name == "amount") {
      item.type = name == "count" ? ResponseType::count : name == "months" ? ResponseType::months : ResponseType::amount;
      node.expect_object({"type", "min", "max", "unit", "severity"});
      if (auto lo = node.find("min")) item.min_value = lo->number();
      if (auto hi = node.find("max")) {
        item.max_value = hi->number();
        if (item.max_value <= item.min_value)
          hi->fail("the maximum must be above the minimum " + detail::show_number(item.min_value));
      }
      if (auto unit = node.find("unit")) item.unit = label(*unit);
      read_curve(node["severity"], item.curve);
    } else {
      type.fail("unknown response type \"" + name + "\"; expected one of: ordinal, yes_no, count, months, amount");
    }
  }

  void read_options(const JsonNode& options, Item& item) {
    options.expect_array(2, max_item_options);
    for (std::size_t k = 0; k < options.size(); ++k) {
      const JsonNode node = options[k];
      node.expect_object({"value", "label", "anchor", "severity"});
      ResponseOption option;
      const JsonNode value = node["value"];
      const auto v = value.integer();
      if (v < -1000000 || v > 1000000) value.fail("expected an option code in [-1000000, 1000000], got " + std::to_string(v));
      option.value = static_cast<int>(v);
      for (const auto& other : item.options)
        if (other.value == option.value) value.fail("the option value " + std::to_string(v) + " is used twice");
      option.label = label(node["label"]);
      option.anchor = label(node["anchor"]);
      option.severity = node["severity"].number_in(0.0, 1.0);
      item.options.push_back(std::move(option));
    }
    const auto [lo, hi] = std::minmax_element(item.options.begin(), item.options.end(),
                                              [](const auto& a, const auto& b) { return a.value < b.value; });
    if (hi->value - lo->value > max_option_span)
      options.fail("option values must lie within a span of " + std::to_string(max_option_span) + ", got " +
                   std::to_string(lo->value) + " to " + std::to_string(hi->value));
  }

  void read_curve(const JsonNode& node, SeverityCurve& curve) {
    node.expect_object({"interpolation", "points"});
    const JsonNode interpolation = node["interpolation"];
    const std::string kind = interpolation.string();
    if (kind == "linear")
      curve.interpolation = SeverityCurve::Interpolation::linear;
    else if (kind == "step")
      curve.interpolation = SeverityCurve::Interpolation::step;
    else
      interpolation.fail("expected \"linear\" or \"step\", got \"" + kind + "\"");
    const JsonNode points = node["points"];
    points.expect_array(2, max_curve_points);
    for (std::size_t k = 0; k < points.size(); ++k) {
      const JsonNode point = points[k];
      point.expect_array(2);
      if (point.size() != 2) point.fail("expected a pair [x, severity], got " + std::to_string(point.size()) + " elements");
      const double x = point[0].number();
      if (!curve.x.empty() && x <= curve.x.back())
        point[0].fail("the points' x must strictly increase: " + point[0].value().dump() + " follows " +
                      detail::show_number(curve.x.back()));
      curve.x.push_back(x);
      curve.severity.push_back(point[1].number_in(0.0, 1.0));
    }
  }

  void compile() {
    auto& d = *data_;
    std::vector<std::size_t> items_per_dimension(d.dimensions.size(), 0);
    for (const auto& item : d.items) ++items_per_dimension[item.dimension];
    for (std::size_t k = 0; k < d.dimensions.size(); ++k)
      if (items_per_dimension[k] == 0)
        JsonNode(root_.value()["dimensions"][k], "/dimensions/" + std::to_string(k))
            .fail("the dimension \"" + d.dimensions[k].id + "\" has no items");
    detail::compile_instrument(d);
  }

  template <class Read>
  void guarded(Read&& read) {
    if (!problems_) {
      read();
      return;
    }
    try {
      read();
    } catch (const ValidationError& e) {
      problems_->push_back(e);
    } catch (const LimitError& e) {
      problems_->push_back(e);
    }
  }

  JsonNode root_;
  std::vector<Error>* problems_ = nullptr;
  detail::InstrumentData* data_ = nullptr;
  std::map<std::string, std::size_t> dimension_ids_;
};

}  // namespace

Instrument Instrument::parse(std::string_view json_text) {
  const json root = detail::parse_json(json_text);
  return Instrument(InstrumentReader(root).read());
}

std::vector<Error> Instrument::problems(std::string_view json_text) {
  std::vector<Error> found;
  try {
    const json root = detail::parse_json(json_text);
    InstrumentReader(root, &found).read();
  } catch (const Error& e) {
    found.push_back(e);
  }
  return found;
}

Instrument Instrument::load(const std::filesystem::path& file) {
  return parse(detail::read_file(file, detail::JsonLimits{}.max_bytes));
}

}  // namespace pact
