// Reading and writing one assessment as JSON (docs/formats.md).
#include "pact/formats/assessment_json.hpp"
#include "pact/formats/batch.hpp"
#include "pact/formats/nlohmann.hpp"

#include "assessment_object.hpp"
#include "formats_assessment_text.hpp"
#include "file_io.hpp"
#include "formats_text.hpp"
#include "json_support.hpp"

#include <cmath>
#include <string>

namespace pact {

namespace detail {

JsonLimits assessment_json_limits() {
  JsonLimits limits;
  limits.max_bytes = max_assessment_json_bytes;
  limits.max_depth = max_assessment_json_depth;
  return limits;
}

namespace {

std::string expected_string(const JsonNode& node) {
  if (!node.value().is_string()) node.fail("expected a string, got " + type_name(node.value()));
  return node.value().get<std::string>();
}

void read_instrument_reference(const Instrument& instrument, const JsonNode& node) {
  node.expect_object({"id", "version", "hash"});
  const JsonNode id = node["id"];
  if (expected_string(id) != instrument.id())
    id.fail("the assessment is for another instrument; this one is " + instrument.id());
  const JsonNode version = node["version"];
  if (expected_string(version) != instrument.version())
    version.fail("the assessment is for another version of " + instrument.id() + "; this one is " + instrument.version());
  if (auto hash = node.find("hash"))
    if (expected_string(*hash) != instrument.hash())
      hash->fail("the assessment is for another content of " + instrument.id() + " " + instrument.version() +
                 " (hash " + instrument.hash() + ")");
}

double response_value(const Instrument& instrument, std::size_t j, const JsonNode& node) {
  const json& v = node.value();
  const Item& item = instrument.items()[j];
  if (v.is_null()) return missing;
  if (v.is_boolean()) {
    if (item.type != ResponseType::yes_no)
      node.fail(std::string("expected a number (the item is ") + to_string(item.type) + "), got a boolean");
    return v.get<bool>() ? 1.0 : 0.0;
  }
  if (!v.is_number())
    node.fail(std::string("expected ") + (item.type == ResponseType::yes_no ? "true, false, 0 or 1" : "a number") +
              ", got " + type_name(v));
  return v.get<double>();
}

}  // namespace

void read_assessment_into(const Instrument& instrument, const json& document, Assessment& out) {
  out.case_id.clear();
  out.date.clear();
  out.attributes.clear();
  out.responses.assign(instrument.item_count(), missing);

  const JsonNode root(document, "");
  root.expect_object({"format", "format_version", "case_id", "date", "attributes", "instrument", "responses"});
  if (auto format = root.find("format"))
    if (expected_string(*format) != "pact.assessment") format->fail("expected \"pact.assessment\"");
  if (auto version = root.find("format_version"))
    if (version->integer() != 1) version->fail("this library reads assessment format version 1");

  const JsonNode case_id = root["case_id"];
  std::string id = expected_string(case_id);
  if (const char* problem = case_id_problem(id)) case_id.fail(problem);
  out.case_id = std::move(id);

  if (auto date = root.find("date")) {
    std::string text = expected_string(*date);
    if (!is_iso_date(text)) date->fail("expected a calendar date written YYYY-MM-DD");
    out.date = std::move(text);
  }

  if (auto attributes = root.find("attributes")) {
    if (!attributes->value().is_object())
      attributes->fail("expected an object of texts by attribute name, got " + type_name(attributes->value()));
    if (attributes->value().size() > max_attributes)
      attributes->fail("expected at most " + std::to_string(max_attributes) + " attributes");
    for (const auto& [name, value] : attributes->value().items()) {
      const JsonNode node(value, attributes->path() + "/" + pointer_token(name));
      if (const char* problem = attribute_name_problem(name)) node.fail(problem);
      std::string text = expected_string(node);
      if (const char* problem = attribute_value_problem(text)) node.fail(problem);
      out.attributes.emplace_back(name, std::move(text));
    }
  }

  if (auto reference = root.find("instrument")) read_instrument_reference(instrument, *reference);

  const JsonNode responses = root["responses"];
  if (!responses.value().is_object())
    responses.fail("expected an object of responses by item id, got " + type_name(responses.value()));
  for (const auto& [item_id, value] : responses.value().items()) {
    const JsonNode node(value, "/responses/" + pointer_token(item_id));
    const auto j = instrument.find_item(item_id);
    if (!j) node.fail("no item \"" + item_id + "\" in instrument " + instrument.id() + " " + instrument.version());
    out.responses[*j] = response_value(instrument, *j, node);
  }
  for (std::size_t j = 0; j < instrument.item_count(); ++j) {
    const ResponseStatus status = check_response(instrument, j, out.responses[j]);
    if (status != ResponseStatus::ok)
      throw ValidationError("/responses/" + pointer_token(instrument.items()[j].id),
                            describe_response_problem(instrument, j, status, out.responses[j]));
  }
}

Assessment read_assessment_validating(const Instrument& instrument, std::string_view json_text) {
  const json document = parse_json(json_text, assessment_json_limits());
  Assessment assessment;
  read_assessment_into(instrument, document, assessment);
  return assessment;
}

}  // namespace detail

Assessment read_assessment_json(const Instrument& instrument, std::string_view json_text) {
  // Well-formed, valid assessments (the usual case) take the fast path; anything else gets the
  // validating reader's exact error.
  Assessment assessment;
  if (detail::read_assessment_fast(instrument, json_text, assessment)) return assessment;
  return detail::read_assessment_validating(instrument, json_text);
}

Assessment read_assessment_object(const Instrument& instrument, const nlohmann::json& document) {
  Assessment assessment;
  detail::read_assessment_into(instrument, document, assessment);
  return assessment;
}

Assessment read_assessment_file(const Instrument& instrument, const std::filesystem::path& file) {
  return read_assessment_json(instrument, detail::read_file(file, max_assessment_json_bytes));
}

std::string write_assessment_json(const Instrument& instrument, const Assessment& assessment) {
  std::vector<AttributeView> attributes;
  attributes.reserve(assessment.attributes.size());
  for (const auto& [name, value] : assessment.attributes) attributes.push_back({name, value});
  std::string out;
  detail::append_assessment_json(out, instrument, {assessment.case_id, assessment.date, attributes, assessment.responses},
                                 {}, {});
  return out;
}

}  // namespace pact
