// One assessment as JSON: the documented form reads as written; every wrong field fails at its
// JSON Pointer with a reason; assessments and results round-trip bit for bit.
#include "pact/formats/assessment_json.hpp"
#include "pact/formats/nlohmann.hpp"
#include "pact/formats/result.hpp"
#include "pact/version.hpp"

#include "formats_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

using nlohmann::json;

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}

// Items of the small fixture in order: a1 (ordinal 1..4, required), a2 (yes/no), a3 (months
// 0..600), b1 (count 0..20), b2 (amount, min 0), c1 (ordinal 0, 5, 10).

TEST(AssessmentJson, ReadsTheDocumentedForm) {
  const auto a = pact::read_assessment_json(small(), R"({
    "format": "pact.assessment", "format_version": 1,
    "case_id": "c-0042", "date": "2024-02-29",
    "attributes": {"territory": "leon", "sex": "f"},
    "instrument": {"id": "test-small", "version": "1.2.3"},
    "responses": {"a1": 3, "a2": true, "a3": 18.5, "b1": null, "c1": 10}})");
  EXPECT_EQ(a.case_id, "c-0042");
  EXPECT_EQ(a.date, "2024-02-29");
  // nlohmann keeps object keys sorted, so attributes come back in name order.
  ASSERT_EQ(a.attributes.size(), 2u);
  EXPECT_EQ(a.attributes[0], (std::pair<std::string, std::string>("sex", "f")));
  EXPECT_EQ(a.attributes[1], (std::pair<std::string, std::string>("territory", "leon")));
  pact_test::expect_same_responses(a.responses, std::vector<double>{3, 1, 18.5, NA, NA, 10}, "documented form");
}

TEST(AssessmentJson, OnlyCaseIdAndResponsesAreRequired) {
  const auto a = pact::read_assessment_json(small(), R"({"case_id": "x", "responses": {"a1": 1}})");
  EXPECT_TRUE(a.date.empty());
  EXPECT_TRUE(a.attributes.empty());
  pact_test::expect_same_responses(a.responses, std::vector<double>{1, NA, NA, NA, NA, NA}, "minimal");
}

TEST(AssessmentJson, YesNoTakesBooleansOrZeroOne) {
  for (const auto& [text, expected] : std::vector<std::pair<std::string, double>>{
           {"true", 1.0}, {"false", 0.0}, {"1", 1.0}, {"0", 0.0}, {"1.0", 1.0}}) {
    const auto a = pact::read_assessment_json(small(), R"({"case_id": "x", "responses": {"a1": 1, "a2": )" + text + "}}");
    EXPECT_EQ(a.responses[1], expected) << text;
  }
}

TEST(AssessmentJson, TheInstrumentHashMustMatchWhenGiven) {
  const std::string ok = R"({"case_id": "x", "instrument": {"id": "test-small", "version": "1.2.3", "hash": ")" +
                         small().hash() + R"("}, "responses": {"a1": 1}})";
  EXPECT_NO_THROW(pact::read_assessment_json(small(), ok));
}

struct BadAssessment {
  const char* name;
  std::string text;
  pact::ErrorKind kind;
  std::string where;   // JSON Pointer, or "line L, column C" for a syntax error
  std::string reason;  // a part of the reason
};

// Every case states the error a reader of docs/formats.md expects: where and why.
std::vector<BadAssessment> bad_assessments() {
  using K = pact::ErrorKind;
  const std::string head = R"({"case_id": "x", "responses": )";
  return {
      {"unknown item", head + R"({"a1": 1, "zz": 2}})", K::validation, "/responses/zz", "no item \"zz\" in instrument test-small 1.2.3"},
      {"string for a number", head + R"({"a1": "2"}})", K::validation, "/responses/a1", "expected a number, got a string"},
      {"boolean for an ordinal", head + R"({"a1": true}})", K::validation, "/responses/a1", "expected a number (the item is ordinal), got a boolean"},
      {"string for yes/no", head + R"({"a1": 1, "a2": "yes"}})", K::validation, "/responses/a2", "expected true, false, 0 or 1, got a string"},
      {"array for a number", head + R"({"a1": [1]}})", K::validation, "/responses/a1", "expected a number, got an array"},
      {"not an option", head + R"({"a1": 7}})", K::validation, "/responses/a1", "7 is not one of the options 1, 2, 3, 4"},
      {"yes/no out of 0/1", head + R"({"a1": 1, "a2": 2}})", K::validation, "/responses/a2", "2 is not 0 (no) or 1 (yes)"},
      {"above the maximum", head + R"({"a1": 1, "a3": 601}})", K::validation, "/responses/a3", "601 is above the maximum 600"},
      {"below the minimum", head + R"({"a1": 1, "b2": -1}})", K::validation, "/responses/b2", "-1 is below the minimum 0"},
      {"fractional count", head + R"({"a1": 1, "b1": 1.5}})", K::validation, "/responses/b1", "1.5 is not a whole number"},
      {"required item null", head + R"({"a1": null}})", K::validation, "/responses/a1", "the item is required and has no answer"},
      {"required item absent", head + R"({"a2": 1}})", K::validation, "/responses/a1", "the item is required and has no answer"},
      {"responses not an object", head + R"([1, 2]})", K::validation, "/responses", "expected an object of responses by item id, got an array"},
      {"no responses", R"({"case_id": "x"})", K::validation, "", "missing required field \"responses\""},
      {"no case id", R"({"responses": {"a1": 1}})", K::validation, "", "missing required field \"case_id\""},
      {"misspelt field", R"({"case_id": "x", "responses": {"a1": 1}, "dates": "2024-01-01"})", K::validation, "/dates", "unknown field \"dates\""},
      {"numeric case id", R"({"case_id": 42, "responses": {"a1": 1}})", K::validation, "/case_id", "expected a string, got a number"},
      {"empty case id", R"({"case_id": "", "responses": {"a1": 1}})", K::validation, "/case_id", "the case id is empty"},
      {"long case id", R"({"case_id": ")" + std::string(129, 'x') + R"(", "responses": {"a1": 1}})", K::validation, "/case_id", "longer than 128 bytes"},
      {"control character in case id", R"({"case_id": "a\tb", "responses": {"a1": 1}})", K::validation, "/case_id", "control character"},
      {"day past the month", R"({"case_id": "x", "date": "2023-02-29", "responses": {"a1": 1}})", K::validation, "/date", "expected a calendar date written YYYY-MM-DD"},
      {"date in another form", R"({"case_id": "x", "date": "01/02/2024", "responses": {"a1": 1}})", K::validation, "/date", "YYYY-MM-DD"},
      {"numeric attribute", R"({"case_id": "x", "attributes": {"age": 37}, "responses": {"a1": 1}})", K::validation, "/attributes/age", "expected a string, got a number"},
      {"attributes not an object", R"({"case_id": "x", "attributes": ["f"], "responses": {"a1": 1}})", K::validation, "/attributes", "expected an object of texts by attribute name"},
      {"empty attribute", R"({"case_id": "x", "attributes": {"sex": ""}, "responses": {"a1": 1}})", K::validation, "/attributes/sex", "the attribute value is empty"},
      {"another instrument", R"({"case_id": "x", "instrument": {"id": "other", "version": "1.2.3"}, "responses": {"a1": 1}})", K::validation, "/instrument/id", "another instrument; this one is test-small"},
      {"another version", R"({"case_id": "x", "instrument": {"id": "test-small", "version": "1.0.0"}, "responses": {"a1": 1}})", K::validation, "/instrument/version", "another version of test-small; this one is 1.2.3"},
      {"another content", R"({"case_id": "x", "instrument": {"id": "test-small", "version": "1.2.3", "hash": "sha256:00"}, "responses": {"a1": 1}})", K::validation, "/instrument/hash", "another content"},
      {"wrong format", R"({"format": "pact.result", "case_id": "x", "responses": {"a1": 1}})", K::validation, "/format", "expected \"pact.assessment\""},
      {"future format version", R"({"format_version": 2, "case_id": "x", "responses": {"a1": 1}})", K::validation, "/format_version", "format version 1"},
      {"repeated key", head + R"({"a1": 1, "a1": 2}})", K::validation, "/responses/a1", "appears twice"},
      {"not an object", R"([{"case_id": "x"}])", K::validation, "", "expected an object, got an array"},
      // Line 2 has 19 characters: the input ends at column 20.
      {"truncated", "{\"case_id\": \"x\",\n \"responses\": {\"a1\"", K::parse, "line 2, column 20", "unexpected end of input"},
      {"empty text", "", K::parse, "line 1, column 1", "unexpected end of input"},
      // 0xF3 (column 16) opens a 4-byte sequence, which the 'n' after it (column 17) shows to be
      // ill-formed: the error points at the sequence's start, the byte to fix.
      {"Latin-1 text", "{\"case_id\": \"Le\xf3n\", \"responses\": {\"a1\": 1}}", K::parse, "line 1, column 16", "ill-formed UTF-8"},
      {"too deep", R"({"case_id": "x", "attributes": {"a": [[[[[[[[1]]]]]]]]}, "responses": {}})", K::limit, "/attributes/a/0/0/0/0/0/0", "deeper than the limit of 8"},
      {"too large", R"({"case_id": "x", "responses": {}, "attributes": {"a": ")" + std::string(1u << 20, 'x') + "\"}}", K::limit, "", "more than the limit of 1048576"},
  };
}

TEST(AssessmentJson, EveryWrongFieldFailsAtItsPathWithItsReason) {
  for (const auto& c : bad_assessments()) {
    try {
      pact::read_assessment_json(small(), c.text);
      ADD_FAILURE() << c.name << ": no error";
    } catch (const pact::Error& e) {
      EXPECT_EQ(e.kind(), c.kind) << c.name << ": " << e.what();
      EXPECT_EQ(e.where(), c.where) << c.name << ": " << e.what();
      EXPECT_NE(e.reason().find(c.reason), std::string::npos) << c.name << ": " << e.what();
    }
  }
}

TEST(AssessmentJson, MessagesDoNotEchoTextThatCouldBePersonal) {
  const std::string name = "Mar\xc3\xad" "a Garc\xc3\xad" "a";
  for (const std::string& text : {R"({"case_id": "x", "responses": {"a1": ")" + name + "\"}}",
                                  R"({"case_id": "x", "date": ")" + name + R"(", "responses": {"a1": 1}})",
                                  R"({"case_id": "x", "attributes": {"sex": ")" + name + "\n\"}, \"responses\": {\"a1\": 1}}"}) {
    try {
      pact::read_assessment_json(small(), text);
      ADD_FAILURE() << "no error";
    } catch (const pact::Error& e) {
      EXPECT_EQ(std::string(e.what()).find("Garc"), std::string::npos) << e.what();
    }
  }
}

TEST(AssessmentJson, ReadsAnAlreadyParsedObject) {
  const json document = {{"case_id", "x"}, {"responses", {{"a1", 2}, {"a2", false}}}};
  const auto a = pact::read_assessment_object(small(), document);
  pact_test::expect_same_responses(a.responses, std::vector<double>{2, 0, NA, NA, NA, NA}, "parsed object");
  const json bad = {{"case_id", "x"}, {"responses", {{"a1", 9}}}};
  try {
    pact::read_assessment_object(small(), bad);
    ADD_FAILURE() << "no error";
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/responses/a1");
  }
}

TEST(AssessmentJson, ReadsAFileAndNamesAMissingOne) {
  const auto a = pact::read_assessment_file(small(), pact_test::data_path("assessments/small-full.json"));
  EXPECT_EQ(a.case_id, "small-full");
  pact_test::expect_same_responses(a.responses, std::vector<double>{3, 0, 18, 2, 40, 10}, "file");
  try {
    pact::read_assessment_file(small(), pact_test::data_path("assessments/no-such-file.json"));
    ADD_FAILURE() << "no error";
  } catch (const pact::IoError& e) {
    EXPECT_NE(e.where().find("no-such-file.json"), std::string::npos);
  }
}

TEST(AssessmentJson, WrittenAssessmentsReadBackIdentically) {
  for (const pact::Instrument* instrument : {&small(), &pact::Instrument::bundled()}) {
    for (const auto& a : pact_test::random_assessments(*instrument, 200, 11)) {
      const std::string text = pact::write_assessment_json(*instrument, a);
      const auto back = pact::read_assessment_json(*instrument, text);
      EXPECT_EQ(back.case_id, a.case_id);
      EXPECT_EQ(back.date, a.date);
      auto sorted = a.attributes;
      std::sort(sorted.begin(), sorted.end());
      EXPECT_EQ(back.attributes, sorted);
      pact_test::expect_same_responses(back.responses, a.responses, a.case_id);
    }
  }
}

// The fully answered case of the scoring tests: responses {3, 0, 18, 2, 40, 10} give item
// severities .75, 0, .75, .5, .6, 1; dimensions A .5625, B .575, C 1; composite .675 ("high");
// all three dimensions deprived (c = 1); one critical factor, item a1, importance .1875.
TEST(ResultJson, CarriesEverythingScoringProducedWithProvenance) {
  const auto a = pact::read_assessment_file(small(), pact_test::data_path("assessments/small-full.json"));
  const auto scores = pact::score(small(), a);
  pact::ResultOptions options;
  options.language = "es";
  const json r = json::parse(pact::write_result_json(small(), a, scores, options));
  EXPECT_EQ(r["format"], "pact.result");
  EXPECT_EQ(r["format_version"], 1);
  EXPECT_EQ(r["case_id"], "small-full");
  EXPECT_EQ(r["date"], "2024-03-01");
  EXPECT_EQ(r["attributes"], (json{{"territory", "leon"}}));
  EXPECT_EQ(r["instrument"], (json{{"id", "test-small"}, {"version", "1.2.3"}, {"hash", small().hash()}}));
  EXPECT_EQ(r["library"], (json{{"name", "pact"}, {"version", PACT_VERSION_STRING}}));
  EXPECT_EQ(r["language"], "es");
  EXPECT_DOUBLE_EQ(r["composite"]["score"].get<double>(), 0.675);
  EXPECT_EQ(r["composite"]["coverage"], 1.0);
  EXPECT_EQ(r["composite"]["scored"], true);
  EXPECT_EQ(r["composite"]["level"], (json{{"id", "high"}, {"label", "Alto"}}));
  EXPECT_EQ(r["deprivation"]["score"], 1.0);
  EXPECT_EQ(r["deprivation"]["count"], 3);
  ASSERT_EQ(r["dimensions"].size(), 3u);
  const double dimension_scores[] = {0.5625, 0.575, 1.0};
  for (std::size_t d = 0; d < 3; ++d) {
    const json& dim = r["dimensions"][d];
    EXPECT_EQ(dim["id"], std::string(1, static_cast<char>('a' + d)));
    EXPECT_DOUBLE_EQ(dim["score"].get<double>(), dimension_scores[d]);
    EXPECT_EQ(dim["coverage"], 1.0);
    EXPECT_EQ(dim["scored"], true);
    EXPECT_EQ(dim["deprived"], true);
    EXPECT_EQ(dim["critical"], false);
  }
  EXPECT_EQ(r["dimensions"][0]["label"], "Dimensión A");
  ASSERT_EQ(r["critical_factors"].size(), 1u);
  EXPECT_EQ(r["critical_factors"][0]["kind"], "item");
  EXPECT_EQ(r["critical_factors"][0]["id"], "a1");
  EXPECT_EQ(r["critical_factors"][0]["label"], "Ítem a1");
  EXPECT_EQ(r["critical_factors"][0]["severity"], 0.75);
  EXPECT_EQ(r["critical_factors"][0]["importance"], 0.1875);
  const double responses[] = {3, 0, 18, 2, 40, 10}, severities[] = {0.75, 0, 0.75, 0.5, 0.6, 1};
  ASSERT_EQ(r["items"].size(), 6u);
  for (std::size_t j = 0; j < 6; ++j) {
    EXPECT_EQ(r["items"][j]["response"], responses[j]);
    EXPECT_DOUBLE_EQ(r["items"][j]["severity"].get<double>(), severities[j]);
  }
  EXPECT_FALSE(r.contains("risk")) << "no risk model was used";
}

TEST(ResultJson, MissingValuesAreNullAndAnUnknownLanguageFallsBack) {
  // a1 = 1 alone: A has 2 of 4 weight (.5, meets .5): score 0; B and C unscored; composite
  // coverage .5 < .6: no composite and no level.
  const auto a = pact::read_assessment_json(small(), R"({"case_id": "x", "responses": {"a1": 1}})");
  pact::ResultOptions options;
  options.language = "fr";
  options.items = false;
  const json r = json::parse(pact::write_result_json(small(), a, pact::score(small(), a), options));
  EXPECT_EQ(r["language"], "en");
  EXPECT_TRUE(r["date"].is_null());
  EXPECT_EQ(r["attributes"], json::object());
  EXPECT_TRUE(r["composite"]["score"].is_null());
  EXPECT_EQ(r["composite"]["coverage"], 0.5);
  EXPECT_EQ(r["composite"]["scored"], false);
  EXPECT_TRUE(r["composite"]["level"].is_null());
  EXPECT_EQ(r["dimensions"][0]["score"], 0.0);
  EXPECT_TRUE(r["dimensions"][1]["score"].is_null());
  EXPECT_EQ(r["dimensions"][1]["scored"], false);
  EXPECT_FALSE(r.contains("items"));
}

TEST(ResultJson, NumbersReadBackBitIdentically) {
  const auto& instrument = pact::Instrument::bundled();
  for (const auto& a : pact_test::random_assessments(instrument, 300, 5)) {
    const auto s = pact::score(instrument, a);
    const json r = json::parse(pact::write_result_json(instrument, a, s));
    auto value = [](const json& v) { return v.is_null() ? NA : v.get<double>(); };
    auto same = [](double x, double y) { return std::isnan(x) ? std::isnan(y) : pact_test::same_bits(x, y); };
    EXPECT_TRUE(same(value(r["composite"]["score"]), s.composite)) << a.case_id;
    EXPECT_TRUE(same(value(r["composite"]["coverage"]), s.composite_coverage)) << a.case_id;
    EXPECT_TRUE(same(value(r["deprivation"]["score"]), s.deprivation_score)) << a.case_id;
    for (std::size_t d = 0; d < instrument.dimension_count(); ++d) {
      EXPECT_TRUE(same(value(r["dimensions"][d]["score"]), s.dimensions[d].score)) << a.case_id;
      EXPECT_TRUE(same(value(r["dimensions"][d]["coverage"]), s.dimensions[d].coverage)) << a.case_id;
    }
    for (std::size_t j = 0; j < instrument.item_count(); ++j) {
      EXPECT_TRUE(same(value(r["items"][j]["response"]), a.responses[j])) << a.case_id;
      EXPECT_TRUE(same(value(r["items"][j]["severity"]), s.item_severity[j])) << a.case_id;
    }
    ASSERT_EQ(r["critical_factors"].size(), s.critical_factors.size());
    for (std::size_t k = 0; k < s.critical_factors.size(); ++k)
      EXPECT_TRUE(same(value(r["critical_factors"][k]["importance"]), s.critical_factors[k].importance));
  }
}

}  // namespace
