// Loading instruments: the valid fixtures and the default instrument load; every invalid
// variant fails at the JSON Pointer of the offending value with a reason that says what was expected.
#include "pact/instrument.hpp"
#include "pact/risk_model.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <string>

using nlohmann::json;

namespace {

json small_json() { return json::parse(pact_test::read_text(pact_test::data_path("instruments/small.json"))); }

TEST(Instrument, LoadsTheSmallFixture) {
  const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  EXPECT_EQ(instrument.id(), "test-small");
  EXPECT_EQ(instrument.version(), "1.2.3");
  ASSERT_EQ(instrument.dimension_count(), 3u);
  ASSERT_EQ(instrument.item_count(), 6u);
  EXPECT_EQ(instrument.levels().size(), 3u);
  EXPECT_DOUBLE_EQ(instrument.dimensions()[0].normalized_weight, 0.5);
  EXPECT_DOUBLE_EQ(instrument.dimensions()[1].normalized_weight, 0.25);
  EXPECT_DOUBLE_EQ(instrument.items()[0].weight_in_dimension, 0.5);
  EXPECT_DOUBLE_EQ(instrument.items()[4].weight_in_dimension, 0.75);
  EXPECT_EQ(instrument.dimensions()[0].items, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(instrument.find_item("b2"), 4u);
  EXPECT_FALSE(instrument.find_item("zz").has_value());
  EXPECT_EQ(instrument.find_dimension("c"), 2u);
  EXPECT_EQ(instrument.find_level("high"), 2u);
  EXPECT_EQ(instrument.items()[0].label.in("es"), "Ítem a1");
  EXPECT_EQ(instrument.items()[0].label.in("en"), "Item a1");
  EXPECT_EQ(instrument.items()[0].label.in("fr"), "Item a1") << "falls back to the default language";
  EXPECT_EQ(instrument.items()[5].type, pact::ResponseType::ordinal);
  EXPECT_EQ(instrument.items()[3].type, pact::ResponseType::count);
}

TEST(Instrument, HashIsSha256OfTheCanonicalJson) {
  const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  EXPECT_EQ(instrument.hash().rfind("sha256:", 0), 0u);
  EXPECT_EQ(instrument.hash().size(), 7u + 64u);
  // Reformatting and reordering keys keeps the hash; changing a value changes it.
  json doc = small_json();
  const auto reformatted = pact::Instrument::parse(doc.dump(4));
  EXPECT_EQ(reformatted.hash(), instrument.hash());
  const auto again = pact::Instrument::parse(instrument.canonical_json());
  EXPECT_EQ(again.hash(), instrument.hash());
  EXPECT_EQ(again.canonical_json(), instrument.canonical_json());
  doc["dimensions"][0]["weight"] = 3;
  EXPECT_NE(pact::Instrument::parse(doc.dump()).hash(), instrument.hash());
}

TEST(Instrument, HashMatchesAnIndependentSha256) {
  // The digest agrees with coreutils' sha256sum over the canonical text, an implementation pact does not use.
  const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  const std::string tmp = ::testing::TempDir() + "/canonical.json";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << instrument.canonical_json();
  }
  const std::string cmd = "sha256sum " + tmp + " > " + tmp + ".sum";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string sum = pact_test::read_text(tmp + ".sum").substr(0, 64);
  EXPECT_EQ(instrument.hash(), "sha256:" + sum);
}

TEST(Instrument, BundledDefaultCoversEveryDimension) {
  const auto& instrument = pact::Instrument::bundled();
  EXPECT_EQ(instrument.id(), "pact-instrument");
  EXPECT_EQ(instrument.version(), "1.0.0");
  const std::vector<std::string> expected = {"employability", "economic",       "housing",
                                             "vital_states",  "cohabitation",   "social_network",
                                             "resilience",    "time_in_care",   "rights_access"};
  ASSERT_EQ(instrument.dimension_count(), expected.size());
  for (std::size_t d = 0; d < expected.size(); ++d) {
    EXPECT_EQ(instrument.dimensions()[d].id, expected[d]);
    EXPECT_GE(instrument.dimensions()[d].items.size(), 4u) << expected[d];
  }
  EXPECT_EQ(instrument.languages(), (std::vector<std::string>{"es", "ca", "en"}));
  std::vector<std::string> levels;
  for (const auto& l : instrument.levels()) levels.push_back(l.id);
  EXPECT_EQ(levels, (std::vector<std::string>{"full_integration", "precarious_integration", "moderate_exclusion",
                                              "severe_exclusion"}));
  std::set<pact::ResponseType> types;
  for (const auto& item : instrument.items()) {
    types.insert(item.type);
    for (const auto& lang : instrument.languages()) EXPECT_FALSE(item.label.in(lang).empty()) << item.id;
  }
  EXPECT_EQ(types.size(), 5u) << "every response type is used";
  // The file in models/ and the compiled-in copy are the same instrument.
  const auto from_file = pact::Instrument::load(pact_test::source_path("models/pact-instrument.json"));
  EXPECT_EQ(from_file.hash(), instrument.hash());
}

struct BadCase {
  std::string name;
  std::function<void(json&)> mutate;
  std::string path;
  std::string reason;  // a substring of the message
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class InvalidInstrument : public ::testing::TestWithParam<BadCase> {};

TEST_P(InvalidInstrument, FailsAtThePathWithAReason) {
  json doc = small_json();
  GetParam().mutate(doc);
  try {
    pact::Instrument::parse(doc.dump());
    FAIL() << "expected a ValidationError";
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), GetParam().path) << e.what();
    EXPECT_NE(std::string(e.reason()).find(GetParam().reason), std::string::npos) << e.what();
    if (!GetParam().path.empty()) {
      EXPECT_EQ(std::string(e.what()).rfind(GetParam().path + ": ", 0), 0u) << e.what();
    }
  }
}

const BadCase bad_cases[] = {
    {"unknown_top_level_key", [](json& d) { d["wieght"] = 1; }, "/wieght", "unknown field \"wieght\""},
    {"wrong_format", [](json& d) { d["format"] = "pact.model"; }, "/format", "expected \"pact.instrument\""},
    {"newer_format_version", [](json& d) { d["format_version"] = 2; }, "/format_version", "format version 1"},
    {"missing_id", [](json& d) { d.erase("id"); }, "", "missing required field \"id\""},
    {"bad_id", [](json& d) { d["id"] = "Test Small"; }, "/id", "is not an identifier"},
    {"bad_version", [](json& d) { d["version"] = "1.2"; }, "/version", "semantic version"},
    {"leading_zero_version", [](json& d) { d["version"] = "1.02.3"; }, "/version", "semantic version"},
    {"duplicate_language", [](json& d) { d["languages"] = {"en", "es", "en"}; }, "/languages/2", "listed twice"},
    {"default_language_unknown", [](json& d) { d["default_language"] = "fr"; }, "/default_language",
     "not one of the instrument's languages"},
    {"label_missing_language", [](json& d) { d["dimensions"][1]["label"].erase("es"); }, "/dimensions/1/label",
     "missing the \"es\" text"},
    {"label_extra_language", [](json& d) { d["name"]["fr"] = "Instrument"; }, "/name/fr",
     "not one of the instrument's languages"},
    {"label_empty_text", [](json& d) { d["items"][2]["label"]["en"] = ""; }, "/items/2/label/en", "non-empty"},
    {"label_not_object", [](json& d) { d["name"] = "Small"; }, "/name", "expected an object of texts"},
    {"composite_coverage_zero", [](json& d) { d["composite"]["min_coverage"] = 0; }, "/composite/min_coverage",
     "expected a number in (0, 1]"},
    {"one_level", [](json& d) { d["levels"].erase(1); d["levels"].erase(1); }, "/levels", "at least 2 elements"},
    {"first_level_not_zero", [](json& d) { d["levels"][0]["min_score"] = 0.1; }, "/levels/0/min_score",
     "first level must start at 0"},
    {"levels_out_of_order", [](json& d) { d["levels"][2]["min_score"] = 0.2; }, "/levels/2/min_score",
     "increasing order"},
    {"duplicate_level", [](json& d) { d["levels"][2]["id"] = "mid"; }, "/levels/2/id", "used twice"},
    {"duplicate_dimension", [](json& d) { d["dimensions"][2]["id"] = "a"; }, "/dimensions/2/id", "used twice"},
    {"zero_weight", [](json& d) { d["dimensions"][1]["weight"] = 0; }, "/dimensions/1/weight",
     "expected a number above 0, got 0"},
    {"negative_item_weight", [](json& d) { d["items"][3]["weight"] = -1; }, "/items/3/weight",
     "expected a number above 0, got -1"},
    {"weight_as_string", [](json& d) { d["items"][3]["weight"] = "1"; }, "/items/3/weight",
     "expected a number, got a string"},
    {"cutoff_above_one", [](json& d) { d["dimensions"][0]["deprivation_cutoff"] = 1.5; },
     "/dimensions/0/deprivation_cutoff", "expected a number in (0, 1], got 1.5"},
    {"dimension_without_items", [](json& d) { d["items"].erase(5); }, "/dimensions/2", "has no items"},
    {"duplicate_item", [](json& d) { d["items"][1]["id"] = "a1"; }, "/items/1/id", "used twice"},
    {"unknown_dimension", [](json& d) { d["items"][3]["dimension"] = "z"; }, "/items/3/dimension",
     "no dimension \"z\""},
    {"item_context_in_message", [](json& d) { d["items"][3]["dimension"] = "z"; }, "/items/3/dimension",
     "(item \"b1\")"},
    {"required_not_bool", [](json& d) { d["items"][0]["required"] = 1; }, "/items/0/required", "true or false"},
    {"unknown_item_key", [](json& d) { d["items"][0]["wieght"] = 1; }, "/items/0/wieght", "unknown field"},
    {"unknown_response_type", [](json& d) { d["items"][0]["response"]["type"] = "likert"; },
     "/items/0/response/type", "unknown response type \"likert\""},
    {"severity_out_of_range", [](json& d) { d["items"][0]["response"]["options"][2]["severity"] = 1.5; },
     "/items/0/response/options/2/severity", "expected a number in [0, 1], got 1.5"},
    {"duplicate_option_value", [](json& d) { d["items"][0]["response"]["options"][1]["value"] = 1; },
     "/items/0/response/options/1/value", "used twice"},
    {"fractional_option_value", [](json& d) { d["items"][0]["response"]["options"][1]["value"] = 1.5; },
     "/items/0/response/options/1/value", "whole number"},
    {"one_option", [](json& d) { d["items"][5]["response"]["options"] = json::array({d["items"][5]["response"]["options"][0]}); },
     "/items/5/response/options", "at least 2 elements"},
    {"option_without_anchor", [](json& d) { d["items"][0]["response"]["options"][0].erase("anchor"); },
     "/items/0/response/options/0", "missing required field \"anchor\""},
    {"option_span_too_wide", [](json& d) { d["items"][5]["response"]["options"][2]["value"] = 5000; },
     "/items/5/response/options", "span of 1000"},
    {"yes_no_extra_key", [](json& d) { d["items"][1]["response"]["options"] = json::array(); },
     "/items/1/response/options", "unknown field"},
    {"yes_no_missing_severity", [](json& d) { d["items"][1]["response"].erase("severity_no"); },
     "/items/1/response", "missing required field \"severity_no\""},
    {"max_below_min", [](json& d) { d["items"][2]["response"]["max"] = -1; }, "/items/2/response/max",
     "above the minimum"},
    {"bad_interpolation", [](json& d) { d["items"][2]["response"]["severity"]["interpolation"] = "cubic"; },
     "/items/2/response/severity/interpolation", "\"linear\" or \"step\""},
    {"points_not_increasing", [](json& d) { d["items"][2]["response"]["severity"]["points"][2][0] = 12; },
     "/items/2/response/severity/points/2/0", "strictly increase"},
    {"point_not_pair", [](json& d) { d["items"][2]["response"]["severity"]["points"][1] = {12, 0.5, 1}; },
     "/items/2/response/severity/points/1", "pair"},
    {"point_severity_out_of_range", [](json& d) { d["items"][2]["response"]["severity"]["points"][1][1] = -0.5; },
     "/items/2/response/severity/points/1/1", "[0, 1]"},
    {"critical_cutoff_zero", [](json& d) { d["items"][0]["critical_cutoff"] = 0; }, "/items/0/critical_cutoff",
     "(0, 1]"},
    {"unreachable_critical_cutoff",
     [](json& d) {
       d["items"][0]["response"]["options"][3]["severity"] = 0.9;
       d["items"][0]["critical_cutoff"] = 0.95;
     },
     "/items/0/critical_cutoff", "can never be reached"},
    {"references_not_strings", [](json& d) { d["items"][0]["references"] = {1}; }, "/items/0/references/0",
     "expected a string"},
    {"rating_window_zero", [](json& d) { d["rating_window_days"] = 0; }, "/rating_window_days", "[1, 3650]"},
    {"alerts_unknown_rule", [](json& d) { d["alerts"] = {{"level_up", true}}; }, "/alerts/level_up", "unknown field"},
    {"alerts_worsening_zero", [](json& d) { d["alerts"] = {{"dimension_worsening", 0}}; },
     "/alerts/dimension_worsening", "(0, 1]"},
    {"alerts_overdue_zero", [](json& d) { d["alerts"] = {{"reassessment_overdue_days", 0}}; },
     "/alerts/reassessment_overdue_days", "[1, 3650]"},
    {"alerts_flag_not_bool", [](json& d) { d["alerts"] = {{"level_increase", "yes"}}; }, "/alerts/level_increase",
     "true or false"},
    {"items_not_array", [](json& d) { d["items"] = json::object(); }, "/items", "expected an array"},
};

INSTANTIATE_TEST_SUITE_P(Cases, InvalidInstrument, ::testing::ValuesIn(bad_cases),
                         [](const auto& test) { return test.param.name; });

TEST(Instrument, MalformedTextIsAParseErrorWithLineAndColumn) {
  try {
    pact::Instrument::parse("{\n  \"format\": \"pact.instrument\",\n  \"id\": tru\n}");
    FAIL() << "expected a ParseError";
  } catch (const pact::ParseError& e) {
    EXPECT_EQ(e.line(), 3u);
    EXPECT_GT(e.column(), 0u);
    EXPECT_EQ(std::string(e.what()).find("tru\n"), std::string::npos) << "does not echo the input";
  }
  EXPECT_THROW(pact::Instrument::parse(""), pact::ParseError);
  EXPECT_THROW(pact::Instrument::parse("[1, 2"), pact::ParseError);
}

TEST(Instrument, DuplicateKeysAreRejectedAtTheirPath) {
  std::string text = small_json().dump();
  // Repeat the weight of the first dimension inside its own object.
  const auto at = text.find("\"weight\":2");
  ASSERT_NE(at, std::string::npos);
  text.insert(at, "\"weight\":5,");
  try {
    pact::Instrument::parse(text);
    FAIL() << "expected a ValidationError";
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/dimensions/0/weight");
    EXPECT_NE(std::string(e.reason()).find("appears twice"), std::string::npos);
  }
}

TEST(Instrument, DeepNestingIsALimitError) {
  std::string deep(1000, '[');
  deep += std::string(1000, ']');
  EXPECT_THROW(pact::Instrument::parse(deep), pact::LimitError);
}

TEST(Instrument, MissingFileIsAnIoErrorNamingTheFile) {
  try {
    pact::Instrument::load("/nonexistent/instrument.json");
    FAIL();
  } catch (const pact::IoError& e) {
    EXPECT_EQ(e.where(), "/nonexistent/instrument.json");
  }
}

}  // namespace

namespace {

TEST(Instrument, ProblemsListsEveryProblemNotJustTheFirst) {
  json doc = small_json();
  doc["levels"][2]["min_score"] = 0.1;    // out of order
  doc["dimensions"][1]["weight"] = -2;    // not positive
  doc["items"][0]["weight"] = "heavy";    // not a number
  doc["items"][4]["response"]["severity"]["points"][1][1] = 3;  // severity out of range
  const auto problems = pact::Instrument::problems(doc.dump());
  std::vector<std::string> where;
  for (const auto& p : problems) where.push_back(p.where());
  EXPECT_EQ(where, (std::vector<std::string>{"/levels/2/min_score", "/dimensions/1/weight", "/items/0/weight",
                                             "/items/4/response/severity/points/1/1"}));
  EXPECT_TRUE(pact::Instrument::problems(small_json().dump()).empty());
  const auto syntax = pact::Instrument::problems("{\"format\": ");
  ASSERT_EQ(syntax.size(), 1u);
  EXPECT_EQ(syntax[0].kind(), pact::ErrorKind::parse);
}

TEST(RiskModelProblems, ListsEveryFeatureProblem) {
  auto doc = json::parse(pact_test::read_text(pact_test::source_path("models/pact-chronicity.json")));
  doc["features"][0]["se"] = -1;
  doc["features"][2]["dimension"] = "nowhere";
  doc["bands"][1]["min_probability"] = 0.9;
  const auto problems = pact::RiskModel::problems(doc.dump(), pact::Instrument::bundled());
  std::vector<std::string> where;
  for (const auto& p : problems) where.push_back(p.where());
  EXPECT_EQ(where, (std::vector<std::string>{"/features/0/se", "/features/2/dimension", "/bands/2/min_probability"}));
}

}  // namespace
