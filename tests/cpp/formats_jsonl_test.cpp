// JSON Lines: one assessment per line under the rules of the JSON reader; every bad line an
// error record with its line, JSON Pointer and reason while reading goes on; the same
// assessments give identical scores from JSON, CSV and JSON Lines; results written as JSON
// Lines read back bit for bit.
#include "pact/formats.hpp"

#include "formats_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using nlohmann::json;

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}

struct ReadAll {
  std::vector<pact::Assessment> rows;
  std::vector<std::uint64_t> lines;
  std::vector<pact::RowError> errors;
  pact::ReadCounts counts;
};

ReadAll read_jsonl(const pact::Instrument& instrument, const std::string& text, pact::JsonlReadOptions options = {}) {
  std::istringstream in(text);
  pact::JsonlAssessmentReader reader(instrument, in, options);
  ReadAll out;
  pact::AssessmentBatch batch;
  while (reader.next(batch)) {
    EXPECT_LE(batch.rows_read(), options.batch_rows);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      pact::Assessment a;
      a.case_id = batch.case_id(i);
      a.date = batch.date(i);
      for (const auto& attribute : batch.attributes(i)) a.attributes.emplace_back(attribute.name, attribute.value);
      a.responses.assign(batch.responses(i).begin(), batch.responses(i).end());
      out.rows.push_back(std::move(a));
      out.lines.push_back(batch.line(i));
    }
    out.errors.insert(out.errors.end(), batch.errors().begin(), batch.errors().end());
  }
  out.counts = reader.counts();
  return out;
}

TEST(JsonlAssessments, ReadsOneAssessmentPerLine) {
  const auto r = read_jsonl(small(), "\xEF\xBB\xBF{\"case_id\": \"c1\", \"date\": \"2024-01-02\", \"responses\": {\"a1\": 2, \"a2\": true}}\r\n"
                                     "\n"
                                     "   \r\n"
                                     "{\"case_id\": \"c2\", \"attributes\": {\"sex\": \"f\"}, \"responses\": {\"a1\": 4, \"a3\": 7.25}}");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.lines, (std::vector<std::uint64_t>{1, 4}));
  EXPECT_EQ(r.rows[0].case_id, "c1");
  EXPECT_EQ(r.rows[0].date, "2024-01-02");
  pact_test::expect_same_responses(r.rows[0].responses, std::vector<double>{2, 1, NA, NA, NA, NA}, "line 1");
  EXPECT_EQ(r.rows[1].attributes, (std::vector<std::pair<std::string, std::string>>{{"sex", "f"}}));
  pact_test::expect_same_responses(r.rows[1].responses, std::vector<double>{4, NA, 7.25, NA, NA, NA}, "line 4");
  EXPECT_EQ(r.counts.read, 2u) << "blank lines are not rows";
}

TEST(JsonlAssessments, AnEmptyInputHasNoRowsAndNoError) {
  for (const std::string text : {"", "\xEF\xBB\xBF", "\n\n"}) {
    const auto r = read_jsonl(small(), text);
    EXPECT_TRUE(r.rows.empty());
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.counts.read, 0u);
  }
}

TEST(JsonlAssessments, AUtf16InputIsRefused) {
  std::istringstream in(std::string("\xFF\xFE{\0\"\0", 6));
  EXPECT_THROW(pact::JsonlAssessmentReader(small(), in), pact::ParseError);
}

struct BadLine {
  const char* name;
  std::string line;
  std::string column;     // JSON Pointer, "" for a syntax error or a whole-line problem
  std::size_t position;   // byte column of a syntax error
  std::string case_id;
  pact::ErrorKind kind;
  std::string reason;
};

std::vector<BadLine> bad_lines() {
  using K = pact::ErrorKind;
  return {
      {"string for a number", R"({"case_id": "x", "responses": {"a1": "2"}})", "/responses/a1", 0, "x", K::validation, "expected a number, got a string"},
      {"unknown item", R"({"case_id": "x", "responses": {"a1": 1, "zz": 1}})", "/responses/zz", 0, "x", K::validation, "no item \"zz\""},
      {"not an option", R"({"case_id": "x", "responses": {"a1": 9}})", "/responses/a1", 0, "x", K::validation, "9 is not one of the options 1, 2, 3, 4"},
      {"required item missing", R"({"case_id": "x", "responses": {}})", "/responses/a1", 0, "x", K::validation, "the item is required and has no answer"},
      {"no case id", R"({"responses": {"a1": 1}})", "", 0, "", K::validation, "missing required field \"case_id\""},
      {"numeric case id", R"({"case_id": 7, "responses": {"a1": 1}})", "/case_id", 0, "", K::validation, "expected a string, got a number"},
      {"misspelt field", R"({"case_id": "x", "response": {"a1": 1}})", "/response", 0, "", K::validation, "unknown field \"response\""},
      {"repeated key", R"({"case_id": "x", "case_id": "y", "responses": {"a1": 1}})", "/case_id", 0, "", K::validation, "appears twice"},
      {"not an object", "[1, 2]", "", 0, "", K::validation, "expected an object, got an array"},
      {"null", "null", "", 0, "", K::validation, "expected an object, got null"},
      // The position of a syntax error is the byte where the parser saw it: one past the last
      // byte for a line that ends too soon (39 bytes here, 14 in the next), the start of an
      // ill-formed UTF-8 sequence (0xF3 at 16, opening a 4-byte sequence that the 'n' after it
      // breaks) for the Latin-1 text, the second '{' at 42.
      {"truncated", R"({"case_id": "x", "responses": {"a1": 1})", "", 40, "", K::parse, "unexpected end of input"},
      {"quote left open", R"({"case_id": "x)", "", 15, "", K::parse, "missing closing quote"},
      {"Latin-1 text", "{\"case_id\": \"Le\xf3n\", \"responses\": {\"a1\": 1}}", "", 16, "", K::parse, "ill-formed UTF-8"},
      {"two objects on a line", R"({"case_id": "x", "responses": {"a1": 1}} {})", "", 42, "", K::parse, "expected end of input"},
      {"too deep", R"({"case_id": "x", "attributes": {"a": [[[[[[[[1]]]]]]]]}, "responses": {}})", "/attributes/a/0/0/0/0/0/0", 0, "", K::limit, "deeper than the limit of 8"},
      {"too long", R"({"case_id": "x", "attributes": {"a": ")" + std::string(200, 'x') + R"("}, "responses": {"a1": 1}})", "", 0, "", K::limit, "the line is longer than the limit of 128 bytes"},
  };
}

TEST(JsonlAssessments, EveryBadLineIsAnErrorRecordAndReadingGoesOn) {
  const std::string good = R"({"case_id": "good", "responses": {"a1": 1}})";
  pact::JsonlReadOptions options;
  options.max_line_bytes = 128;
  for (const auto& c : bad_lines()) {
    const auto r = read_jsonl(small(), good + "\n" + c.line + "\n" + good + "\n", options);
    ASSERT_EQ(r.errors.size(), 1u) << c.name;
    const pact::RowError& e = r.errors[0];
    EXPECT_EQ(e.line, 2u) << c.name;
    EXPECT_EQ(e.column, c.column) << c.name;
    EXPECT_EQ(e.position, c.position) << c.name << ": " << e.reason;
    EXPECT_EQ(e.case_id, c.case_id) << c.name;
    EXPECT_EQ(e.kind, c.kind) << c.name;
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << c.name << ": " << e.reason;
    EXPECT_EQ(r.rows.size(), 2u) << c.name;
    EXPECT_EQ(r.lines, (std::vector<std::uint64_t>{1, 3})) << c.name;
  }
}

TEST(JsonlAssessments, ATruncatedLastLineIsRejected) {
  const auto r = read_jsonl(small(), "{\"case_id\": \"a\", \"responses\": {\"a1\": 1}}\n{\"case_id\": \"b\", \"respo");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[0].kind, pact::ErrorKind::parse);
  EXPECT_EQ(r.rows.size(), 1u);
}

TEST(JsonlAssessments, RowsReadAlwaysEqualRowsAcceptedPlusRowsRejected) {
  std::mt19937 rng(31);
  const auto bad = bad_lines();
  std::string text;
  std::size_t good = 0, rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    if (rng() % 4) {
      text += R"({"case_id": "g)" + std::to_string(i) + R"(", "responses": {"a1": 2, "b1": 3}})" + "\n";
      ++good;
    } else {
      text += bad[rng() % bad.size()].line + "\n";
      ++rejected;
    }
    if (rng() % 10 == 0) text += "\n";  // blank lines are not rows
  }
  pact::JsonlReadOptions options;
  options.batch_rows = 50;
  options.max_line_bytes = 128;
  options.buffer_bytes = 100;
  const auto r = read_jsonl(small(), text, options);
  EXPECT_EQ(r.counts.read, good + rejected);
  EXPECT_EQ(r.counts.accepted, good);
  EXPECT_EQ(r.counts.rejected, rejected);
  EXPECT_EQ(r.rows.size(), good);
  EXPECT_EQ(r.errors.size(), rejected);
}

TEST(Formats, TheSameAssessmentsScoreIdenticallyFromJsonCsvAndJsonLines) {
  const auto& instrument = pact::Instrument::bundled();
  const auto cases = pact_test::random_assessments(instrument, 800, 37);
  std::string jsonl;
  for (const auto& a : cases) jsonl += pact::write_assessment_json(instrument, a) + "\n";
  for (std::size_t buffer : {16u, 1u << 20}) {
    pact::JsonlReadOptions jsonl_options;
    jsonl_options.buffer_bytes = buffer;
    jsonl_options.batch_rows = 100;
    std::istringstream jsonl_in(jsonl);
    pact::JsonlAssessmentReader jsonl_reader(instrument, jsonl_in, jsonl_options);
    std::istringstream csv_in(pact_test::assessments_csv(instrument, cases));
    pact::CsvReadOptions csv_options;
    csv_options.batch_rows = 100;
    csv_options.csv.buffer_bytes = buffer;
    pact::CsvAssessmentReader csv_reader(instrument, csv_in, csv_options);

    pact::AssessmentBatch jsonl_batch, csv_batch;
    pact::ScoredBatch jsonl_scored, csv_scored;
    pact::CaseScores from_jsonl, from_csv;
    std::size_t k = 0;
    while (jsonl_reader.next(jsonl_batch)) {
      ASSERT_TRUE(csv_reader.next(csv_batch));
      ASSERT_EQ(jsonl_batch.size(), csv_batch.size());
      jsonl_scored.score(instrument, jsonl_batch);
      csv_scored.score(instrument, csv_batch);
      for (std::size_t i = 0; i < jsonl_batch.size(); ++i, ++k) {
        const auto from_json = pact::read_assessment_json(instrument, pact::write_assessment_json(instrument, cases[k]));
        const auto json_scores = pact::score(instrument, from_json);
        jsonl_scored.case_scores(i, from_jsonl);
        csv_scored.case_scores(i, from_csv);
        pact_test::expect_same_responses(jsonl_batch.responses(i), cases[k].responses, cases[k].case_id);
        pact_test::expect_same_responses(csv_batch.responses(i), cases[k].responses, cases[k].case_id);
        pact_test::expect_same_scores(from_jsonl, json_scores, cases[k].case_id + " (JSON Lines)");
        pact_test::expect_same_scores(from_csv, json_scores, cases[k].case_id + " (CSV)");
      }
    }
    EXPECT_FALSE(csv_reader.next(csv_batch));
    EXPECT_EQ(k, cases.size());
  }
}

TEST(JsonlResults, EachLineIsTheFullResultObjectAndReadsBackBitIdentically) {
  const auto& instrument = pact::Instrument::bundled();
  const auto cases = pact_test::random_assessments(instrument, 300, 41);
  std::string jsonl;
  for (const auto& a : cases) jsonl += pact::write_assessment_json(instrument, a) + "\n";
  std::istringstream in(jsonl);
  pact::JsonlAssessmentReader reader(instrument, in);
  std::ostringstream out;
  pact::ResultOptions options;
  options.language = "ca";
  pact::JsonlResultWriter writer(instrument, out, options);
  pact::AssessmentBatch batch;
  pact::ScoredBatch scored;
  while (reader.next(batch)) {
    scored.score(instrument, batch);
    writer.write(batch, scored);
  }
  EXPECT_EQ(writer.rows_written(), cases.size());

  std::istringstream lines(out.str());
  std::string line;
  std::size_t k = 0;
  auto value = [](const json& v) { return v.is_null() ? NA : v.get<double>(); };
  auto same = [](double x, double y) { return std::isnan(x) ? std::isnan(y) : pact_test::same_bits(x, y); };
  while (std::getline(lines, line)) {
    ASSERT_LT(k, cases.size());
    const auto& a = cases[k++];
    const auto s = pact::score(instrument, a);
    const json r = json::parse(line);
    EXPECT_EQ(r["case_id"], a.case_id);
    EXPECT_EQ(r["language"], "ca");
    EXPECT_EQ(r["instrument"]["hash"], instrument.hash());
    EXPECT_TRUE(same(value(r["composite"]["score"]), s.composite)) << a.case_id;
    EXPECT_TRUE(same(value(r["deprivation"]["score"]), s.deprivation_score)) << a.case_id;
    for (std::size_t d = 0; d < instrument.dimension_count(); ++d)
      EXPECT_TRUE(same(value(r["dimensions"][d]["score"]), s.dimensions[d].score)) << a.case_id;
    for (std::size_t j = 0; j < instrument.item_count(); ++j) {
      EXPECT_TRUE(same(value(r["items"][j]["response"]), a.responses[j])) << a.case_id;
      EXPECT_TRUE(same(value(r["items"][j]["severity"]), s.item_severity[j])) << a.case_id;
    }
    EXPECT_EQ(r["critical_factors"].size(), s.critical_factors.size());
  }
  EXPECT_EQ(k, cases.size());
}

}  // namespace
