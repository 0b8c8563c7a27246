// The fast paths of one-case JSON scoring against the references they must equal:
//  - the single-pass assessment reader against the validating reader (document, then checks) on
//    valid assessments and on thousands of damaged ones: whenever the fast path accepts a text,
//    the validating reader gives the same assessment to the bit, and read_assessment_json's
//    errors are the validating reader's, message and place;
//  - the writer's integer shortcut against std::to_chars, and its escaping against an escaper
//    written out here;
//  - the counterfactual search, which rescores only the changed dimension, against a search
//    written out here that scores each changed case from scratch with score() and score_risk().
#include "pact/formats/assessment_json.hpp"
#include "pact/formats/batch.hpp"
#include "pact/formats/result.hpp"
#include "pact/risk_model.hpp"
#include "pact/simulation.hpp"

#include "assessment_object.hpp"
#include "formats_test_support.hpp"
#include "formats_text.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}

// Cases from pact's caseload simulator (the default model and instrument), as assessments with
// their simulated attributes, a date, and an id that needs escaping every seventh case.
std::vector<pact::Assessment> simulated_assessments(std::size_t cases, std::uint64_t seed) {
  pact::SimulationOptions options;
  options.cases = cases;
  options.seed = seed;
  options.threads = 1;
  const pact::SimulatedCaseload sim = pact::simulate_caseload(options);
  std::vector<pact::Assessment> out(sim.size());
  for (std::size_t i = 0; i < sim.size(); ++i) {
    pact::Assessment& a = out[i];
    a.case_id = i % 7 == 3 ? sim.case_ids[i] + "/\"q\\" : sim.case_ids[i];
    a.date = "2024-11-" + std::to_string(10 + i % 20);
    for (const auto& attribute : sim.attributes)
      a.attributes.emplace_back(attribute.name, attribute.groups.names[static_cast<std::size_t>(attribute.groups.codes[i])]);
    std::sort(a.attributes.begin(), a.attributes.end());
    const auto items = static_cast<std::size_t>(sim.responses.cols());
    const double* row = sim.responses.data() + i * items;
    a.responses.assign(row, row + items);
  }
  return out;
}

struct Outcome {
  std::optional<pact::Assessment> assessment;
  pact::ErrorKind kind = pact::ErrorKind::internal;
  std::string what;
  std::string where;
};

Outcome validating(const pact::Instrument& instrument, const std::string& text) {
  Outcome o;
  try {
    o.assessment = pact::detail::read_assessment_validating(instrument, text);
  } catch (const pact::Error& e) {
    o.kind = e.kind();
    o.what = e.what();
    o.where = e.where();
  }
  return o;
}

Outcome public_reader(const pact::Instrument& instrument, const std::string& text) {
  Outcome o;
  try {
    o.assessment = pact::read_assessment_json(instrument, text);
  } catch (const pact::Error& e) {
    o.kind = e.kind();
    o.what = e.what();
    o.where = e.where();
  }
  return o;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

void expect_same_assessment(const pact::Assessment& a, const pact::Assessment& b, const std::string& text) {
  EXPECT_EQ(a.case_id, b.case_id) << text;
  EXPECT_EQ(a.date, b.date) << text;
  EXPECT_EQ(a.attributes, b.attributes) << text;
  ASSERT_EQ(a.responses.size(), b.responses.size()) << text;
  for (std::size_t j = 0; j < a.responses.size(); ++j)
    EXPECT_TRUE(same_bits(a.responses[j], b.responses[j])) << "item " << j << " of " << text;
}

// Checks one text; returns whether the fast path took it.
bool check_text(const pact::Instrument& instrument, const std::string& text) {
  pact::Assessment fast;
  const bool took = pact::detail::read_assessment_fast(instrument, text, fast);
  const Outcome reference = validating(instrument, text);
  if (took) {
    EXPECT_TRUE(reference.assessment.has_value()) << "the fast path accepted what the validating reader rejects ("
                                                  << reference.what << "): " << text;
    if (reference.assessment) expect_same_assessment(fast, *reference.assessment, text);
  }
  const Outcome got = public_reader(instrument, text);
  EXPECT_EQ(got.assessment.has_value(), reference.assessment.has_value()) << text;
  if (got.assessment && reference.assessment) expect_same_assessment(*got.assessment, *reference.assessment, text);
  EXPECT_EQ(got.kind, reference.kind) << text;
  EXPECT_EQ(got.what, reference.what) << text;
  EXPECT_EQ(got.where, reference.where) << text;
  return took;
}

const std::string full = R"({
  "format": "pact.assessment", "format_version": 1,
  "case_id": "c-0042", "date": "2024-02-29",
  "attributes": {"territory": "Le\u00f3n", "sex": "f", "zone": "Castilla y Le)"
                         "\xc3\xb3"
                         R"(n"},
  "instrument": {"id": "test-small", "version": "1.2.3"},
  "responses": {"c1": 10, "a1": 3, "a2": true, "a3": 18.5, "b1": null, "b2": 1e2}})";

TEST(AssessmentJsonFastPath, TakesEveryAssessmentPactWrites) {
  for (const auto* instrument : {&small(), &pact::Instrument::bundled()}) {
    std::size_t taken = 0, n = 0;
    for (const auto& a : pact_test::random_assessments(*instrument, 300, 17)) {
      ++n;
      taken += check_text(*instrument, pact::write_assessment_json(*instrument, a)) ? 1 : 0;
    }
    EXPECT_EQ(taken, n) << instrument->id();
  }
  // Simulated caseloads, as pact writes them and as another JSON library writes them (nlohmann,
  // indented, keys sorted, its own shortest number form and \u escapes for control characters).
  std::size_t n = 0;
  for (const auto& a : simulated_assessments(500, 5)) {
    const std::string text = pact::write_assessment_json(pact::Instrument::bundled(), a);
    ASSERT_TRUE(check_text(pact::Instrument::bundled(), text)) << text;
    const std::string redone = nlohmann::json::parse(text).dump(n % 2 ? 2 : -1);
    ASSERT_TRUE(check_text(pact::Instrument::bundled(), redone)) << redone;
    ++n;
  }
  EXPECT_TRUE(check_text(pact::Instrument::bundled(),
                         pact_test::read_text(pact_test::data_path("assessments/pact-example.json"))));
  EXPECT_TRUE(check_text(small(), pact_test::read_text(pact_test::data_path("assessments/small-full.json"))));
}

TEST(AssessmentJsonFastPath, AgreesWithTheValidatingReaderOnHandPickedCases) {
  // Texts that exercise each rule of the fast path: numbers at the edges of the grammar and of
  // double precision, escapes, repeated keys, unknown keys, nesting, limits, bad UTF-8, a BOM.
  const std::string head = R"({"case_id": "x", "responses": {"a1": 1, "b2": )";
  const std::vector<std::string> numbers = {
      "0", "-0", "0.0", "-0.0", "1e2", "1E+2", "1e-2", "100.000", "01", "1.", ".5", "-", "1e", "1e+", "+1", "0x10",
      "9007199254740993", "-9007199254740993", "18446744073709551615", "18446744073709551616",
      "-9223372036854775808", "-9223372036854775809", "1234567890123456789", "12345678901234567890",
      "123456789012345678901234567890", "1e400", "-1e400", "1e-400", "4.9e-324", "2.2250738585072014e-308",
      "1.7976931348623157e308", "0.1", "0.30000000000000004", "99.99999999999999999999", "-1", "NaN", "Infinity",
      "true", "null", "\"1\"", "[1]", "{}"};
  std::size_t taken = 0;
  for (const auto& number : numbers) taken += check_text(small(), head + number + "}}") ? 1 : 0;
  EXPECT_GE(taken, 10u);  // the valid amounts go the fast way

  const std::vector<std::string> texts = {
      full,
      R"({"case_id": "x", "responses": {"a1": 1}})",
      R"(  {"case_id":"x","responses":{"a1":1}}  )" "\n\t\r",
      "\xef\xbb\xbf" R"({"case_id": "x", "responses": {"a1": 1}})",
      R"({"case_id": "x", "responses": {"a1": 1}} x)",
      R"({"case_id": "x", "responses": {"a1": 1}}{})",
      R"({"case_id": "x", "responses": {"a1": 1},})",
      R"({"case_id": "x", "responses": {"a1": 1,}})",
      R"({"case_id": "x", "case_id": "y", "responses": {"a1": 1}})",
      R"({"case_id": "x", "responses": {"a1": 1, "a1": 2}})",
      R"({"case_id": "x", "responses": {"a1": 1, "zz": 2}})",
      R"({"case_id": "x", "responses": {"a1": 1}, "extra": {"a": [1, {"b": 2}]}})",
      R"({"case_id": "x", "responses": {"a1": 1}, "extra": [[[[[[[[[[1]]]]]]]]]]})",
      R"({"case_id": "x", "responses": {"a1": 1, "a2": true, "a3": true}})",
      R"({"case_id": "x", "responses": {"a1": 1, "a2": 2}})",
      R"({"case_id": "x", "responses": {"a1": 7}})",
      R"({"case_id": "x", "responses": {"a2": 1}})",
      R"({"case_id": "x", "responses": {"a1": 1, "b1": 1.5}})",
      R"({"case_id": "x", "responses": {"a1": 1, "b2": -1}})",
      R"({"case_id": "x", "responses": {"a1": nul}})",
      R"({"case_id": "x", "responses": {"a1": 1, "a2": tru}})",
      R"({"case_id": "x", "responses": {"\u0061\u0031": 1}})",
      R"({"case_\u0069d": "x", "responses": {"a1": 1}})",
      R"({"case_id": "a\"b", "responses": {"a1": 1}})",
      // Escapes nlohmann rejects (a lone or reversed surrogate, a bad letter, short hex), and
      // decoded control characters, which the case id rules reject.
      R"({"case_id": "\ud800", "responses": {"a1": 1}})",
      R"({"case_id": "\udc00\ud800", "responses": {"a1": 1}})",
      R"({"case_id": "\ud800\u0041", "responses": {"a1": 1}})",
      R"({"case_id": "\ud800x", "responses": {"a1": 1}})",
      R"({"case_id": "\x41", "responses": {"a1": 1}})",
      R"({"case_id": "\u12", "responses": {"a1": 1}})",
      R"({"case_id": "\u12g4", "responses": {"a1": 1}})",
      R"({"case_id": "\", "responses": {"a1": 1}})",
      R"({"case_id": "a\u0000b", "responses": {"a1": 1}})",
      R"({"case_id": "a\nb", "responses": {"a1": 1}})",
      R"({"case_id": "x", "attributes": {"a": "b\tc"}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "attributes": {"a": "1", "\u0061": "2"}, "responses": {"a1": 1}})",
      "{\"case_id\": \"\xc3\\u00e9\", \"responses\": {\"a1\": 1}}",
      "{\"case_id\": \"\\u00e9\xa9\", \"responses\": {\"a1\": 1}}",
      "{\"case_id\": \"\xc3\xa9\\n\xc3\xa9\", \"responses\": {\"a1\": 1}}",
      R"({"case_id": "", "responses": {"a1": 1}})",
      "{\"case_id\": \"a\tb\", \"responses\": {\"a1\": 1}}",
      "{\"case_id\": \"a\x7f" "b\", \"responses\": {\"a1\": 1}}",
      "{\"case_id\": \"\xc3\x28\", \"responses\": {\"a1\": 1}}",
      "{\"case_id\": \"\xed\xa0\x80\", \"responses\": {\"a1\": 1}}",
      "{\"case_id\": \"\xf4\x90\x80\x80\", \"responses\": {\"a1\": 1}}",
      "{\"case_id\": \"caf\xc3\xa9\", \"responses\": {\"a1\": 1}}",
      std::string("{\"case_id\": \"x\", \"responses\": {\"a1\": 1}}\0", 41),
      R"({"case_id": "x", "date": "2023-02-29", "responses": {"a1": 1}})",
      R"({"case_id": "x", "date": "2024-02-29", "date": "2024-02-29", "responses": {"a1": 1}})",
      R"({"case_id": "x", "date": 20240229, "responses": {"a1": 1}})",
      R"({"case_id": "x", "format": "pact.result", "responses": {"a1": 1}})",
      R"({"case_id": "x", "format": "pact.assessment", "format_version": 1.0, "responses": {"a1": 1}})",
      R"({"case_id": "x", "format_version": 2, "responses": {"a1": 1}})",
      R"({"case_id": "x", "format_version": "1", "responses": {"a1": 1}})",
      R"({"case_id": "x", "attributes": {}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "attributes": {"b": "2", "a": "1", "B": "3"}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "attributes": {"a": "1", "a": "2"}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "attributes": {"a": 1}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "attributes": {"a": ""}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "attributes": {"": "a"}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "attributes": [], "responses": {"a1": 1}})",
      R"({"case_id": "x", "instrument": {"id": "test-small", "version": "1.2.3"}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "instrument": {"id": "test-small"}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "instrument": {"id": "test-small", "version": "1.2.4"}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "instrument": {"id": "test-small", "version": "1.2.3", "hash": "sha256:00"}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "instrument": {"id": "test-small", "version": "1.2.3", "name": "x"}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "instrument": {"id": "test-small", "id": "test-small", "version": "1.2.3"}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "responses": []})",
      R"({"case_id": "x", "responses": {}})",
      R"({"responses": {"a1": 1}})",
      R"({"case_id": "x"})",
      R"({})",
      R"([])",
      "",
      "   ",
      R"({"case_id": "x", "responses": {"a1": 1})",
      R"({"case_id": "x", "responses": {"a1" 1}})",
      R"({"case_id": "x" "responses": {"a1": 1}})",
      R"({'case_id': "x", "responses": {"a1": 1}})",
  };
  for (const auto& text : texts) check_text(small(), text);

  // Valid escapes, which the fast path decodes: every short form, \u in both cases of hex, a
  // surrogate pair, escaped keys.
  const std::vector<std::string> escaped = {
      R"({"case_id": "\"\\\/", "date": "2024\u002d01-0\u0031", "responses": {"a1": 1}})",
      R"({"case_id": "\u00e9\u00C9\u20AC\ud83d\ude00", "responses": {"a1": 1}})",
      R"({"case_id": "x", "attributes": {"t\u00e9rritory": "Le\u00f3n", "s": "a\/b"}, "responses": {"a1": 1}})",
      R"({"case_id": "x", "instrument": {"\u0069d": "test-\u0073mall", "version": "1.2.3"}, "responses": {"a1": 1}})",
      R"({"case_\u0069d": "x", "responses": {"\u0061\u0031": 1}})",
  };
  for (const auto& text : escaped) EXPECT_TRUE(check_text(small(), text)) << text;
  const pact::Assessment decoded = pact::read_assessment_json(small(), escaped[1]);
  EXPECT_EQ(decoded.case_id, "\xc3\xa9\xc3\x89\xe2\x82\xac\xf0\x9f\x98\x80");  // é É € U+1F600 in UTF-8

  // Just under and over the size limit (spaces after the object).
  std::string big = R"({"case_id": "x", "responses": {"a1": 1}})";
  big.resize(pact::max_assessment_json_bytes, ' ');
  EXPECT_TRUE(check_text(small(), big));
  big.push_back(' ');
  EXPECT_FALSE(check_text(small(), big));
  // More attributes than allowed.
  std::string many = R"({"case_id": "x", "attributes": {)";
  for (std::size_t k = 0; k <= pact::max_attributes; ++k) {
    if (k) many += ',';
    many += "\"a";
    many += std::to_string(k);
    many += "\": \"v\"";
  }
  check_text(small(), many + R"(}, "responses": {"a1": 1}})");
}

TEST(AssessmentJsonFastPath, AgreesWithTheValidatingReaderOnDamagedText) {
  // Every kind of small damage to valid assessments: a byte deleted, replaced or inserted, with
  // the bytes that matter to JSON weighted up.
  const std::string alphabet = "{}[]\":,. -+eE0123456789tfnul\\x/\t\n\x01\x7f\xc3\xa9\xff";
  std::mt19937_64 rng(2024);
  std::vector<std::string> seeds = {full, pact_test::read_text(pact_test::data_path("assessments/small-full.json"))};
  for (const auto& a : pact_test::random_assessments(small(), 20, 3)) seeds.push_back(pact::write_assessment_json(small(), a));
  std::size_t taken = 0, n = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % text.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: text.erase(at, 1); break;
        case 1: text[at] = c; break;
        default: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
      }
    }
    ++n;
    taken += check_text(small(), text) ? 1 : 0;
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(taken, 0u);
  EXPECT_LT(taken, n);
}

TEST(ResultWriterFastPaths, WholeNumbersPrintAsToCharsPrintsThem) {
  auto reference = [](double v) {
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, end);
  };
  auto check = [&](double v) {
    std::string out;
    pact::detail::append_number(out, v);
    ASSERT_EQ(out, reference(v)) << v;
  };
  for (int i = -120000; i <= 120000; ++i) check(i);
  for (double v : {-0.0, 0.0, 0.5, -0.5, 99999.5, 1e5, -1e5, 1e6, 123456.0, 1e15, 1e16, 1e22, 1e300, 5e-324,
                   0.1, 1.0 / 3.0, 99999.999999999985, -99999.999999999985})
    check(v);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-2e5, 2e5);
  for (int k = 0; k < 200000; ++k) {
    const double v = u(rng);
    check(v);
    check(std::round(v));
    check(std::round(v * 4) / 4);
  }
  std::string negative_zero;
  pact::detail::append_json_double(negative_zero, -0.0);
  EXPECT_EQ(negative_zero, "-0.0");
}

TEST(ResultWriterFastPaths, StringsAreEscapedAsJsonRequires) {
  // The escaper written out independently: quote, backslash, \n \r \t, other controls as \u00XX.
  auto reference = [](const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
      if (c == '"') out += "\\\"";
      else if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else if (c < 0x20) {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
        out += buffer;
      } else {
        out += static_cast<char>(c);
      }
    }
    return out + "\"";
  };
  // Every byte value at every position of strings of 1 to 19 bytes (the eight-byte steps and
  // the tail), in a field of bytes that need no escape.
  for (std::size_t length = 1; length < 20; ++length)
    for (std::size_t at = 0; at < length; ++at)
      for (int byte = 0; byte < 256; ++byte) {
        std::string text(length, 'a');
        text[at] = static_cast<char>(byte);
        std::string out;
        pact::detail::append_json_string(out, text);
        ASSERT_EQ(out, reference(text)) << "length " << length << ", byte " << byte << " at " << at;
      }
  std::mt19937_64 rng(11);
  for (int k = 0; k < 20000; ++k) {
    std::string text(rng() % 40, ' ');
    for (char& c : text) c = static_cast<char>(rng() % 4 == 0 ? rng() % 256 : 'a' + rng() % 26);
    std::string out = "prefix";
    pact::detail::append_json_string(out, text);
    ASSERT_EQ(out, "prefix" + reference(text));
  }
}

// The counterfactual search written out from its definition: every other response of every
// actionable answered item that lowers the item's severity, the whole case scored anew with
// score() and score_risk(); keep the changes that lower the band; prefer the smallest drop in
// severity (ties within 1e-9), then the lowest probability, then the first found.
std::optional<pact::Counterfactual> reference_counterfactual(const pact::RiskModel& model, std::vector<double> responses,
                                                             const pact::RiskResult& base) {
  const pact::Instrument& instrument = model.instrument();
  const pact::CaseScores scores = pact::score(instrument, responses);
  pact::RiskOptions plain;
  plain.counterfactual = false;
  std::optional<pact::Counterfactual> best;
  for (std::size_t j : model.actionable_items()) {
    const double from = responses[j];
    if (std::isnan(from)) continue;
    const pact::Item& item = instrument.items()[j];
    std::vector<double> candidates;
    if (item.type == pact::ResponseType::ordinal)
      for (const auto& o : item.options) candidates.push_back(o.value);
    else if (item.type == pact::ResponseType::yes_no)
      candidates = {0.0, 1.0};
    else
      candidates = item.curve.x;
    for (double to : candidates) {
      if (to == from) continue;
      std::vector<double> changed = responses;
      changed[j] = to;
      pact::CaseScores moved;
      try {
        moved = pact::score(instrument, changed);
      } catch (const pact::ValidationError&) {
        continue;
      }
      const double from_severity = scores.item_severity[j], to_severity = moved.item_severity[j];
      if (!(to_severity < from_severity)) continue;
      const pact::RiskResult r = pact::score_risk(model, changed, moved, plain);
      if (r.band >= base.band) continue;
      const double drop = from_severity - to_severity;
      bool better = !best;
      if (!better) {
        const double best_drop = best->from_severity - best->to_severity;
        better = drop < best_drop - 1e-9 || (drop <= best_drop + 1e-9 && r.probability < best->probability);
      }
      if (better) best = pact::Counterfactual{j, from, to, from_severity, to_severity, r.probability, r.band};
    }
  }
  return best;
}

TEST(CounterfactualFastPath, EqualsTheSearchThatRescoresEveryCaseFromScratch) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& instrument = model.instrument();
  std::size_t found = 0;
  // Uniformly random answers put nearly every case at the top band, out of reach of one change;
  // simulated caseloads spread over the bands as services' do.
  std::vector<pact::Assessment> cases = simulated_assessments(1500, 29);
  for (auto& a : pact_test::random_assessments(instrument, 200, 29)) cases.push_back(std::move(a));
  for (const auto& a : cases) {
    const pact::CaseScores scores = pact::score(instrument, a.responses);
    pact::RiskResult risk;
    try {
      risk = pact::score_risk(model, a.responses, scores);
    } catch (const pact::ValidationError&) {
      continue;  // no months in care
    }
    const auto expected = risk.band == 0 ? std::nullopt : reference_counterfactual(model, a.responses, risk);
    ASSERT_EQ(risk.counterfactual.has_value(), expected.has_value()) << a.case_id;
    if (!expected) continue;
    ++found;
    EXPECT_EQ(risk.counterfactual->item, expected->item) << a.case_id;
    EXPECT_TRUE(same_bits(risk.counterfactual->to_value, expected->to_value)) << a.case_id;
    EXPECT_TRUE(same_bits(risk.counterfactual->to_severity, expected->to_severity)) << a.case_id;
    EXPECT_TRUE(same_bits(risk.counterfactual->probability, expected->probability)) << a.case_id;
    EXPECT_EQ(risk.counterfactual->band, expected->band) << a.case_id;
  }
  EXPECT_GT(found, 50u);
}

TEST(ScoredResultFastPath, ResultsFromTheFastReaderAreTheValidatingReadersToTheByte) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  pact::ResultOptions options;
  for (const auto& a : simulated_assessments(300, 41)) {
    const std::string text = pact::write_assessment_json(model.instrument(), a);
    options.language = a.case_id.size() % 2 ? "es" : "en";
    EXPECT_EQ(pact::scored_result_json(model, pact::read_assessment_json(model.instrument(), text), options),
              pact::scored_result_json(model, pact::detail::read_assessment_validating(model.instrument(), text),
                                       options))
        << text;
  }
}

}  // namespace
