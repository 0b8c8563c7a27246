// CSV: RFC 4180 records through any buffer size; assessments matched to items by header name;
// every bad row an error record with its line, column and reason while reading goes on; scores
// from CSV rows equal scores from the same assessments as JSON; results written as CSV read
// back bit for bit.
#include "pact/formats.hpp"
#include "pact/version.hpp"

#include "formats_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}

// Items of the small fixture in order: a1 (ordinal 1..4, required), a2 (yes/no), a3 (months
// 0..600), b1 (count 0..20), b2 (amount, min 0), c1 (ordinal 0, 5, 10).

std::vector<std::vector<std::string>> read_records(const std::string& text, pact::CsvOptions options = {},
                                                   std::vector<std::uint64_t>* lines = nullptr) {
  std::istringstream in(text);
  pact::CsvRecordReader reader(in, options);
  pact::CsvRecord record;
  std::vector<std::vector<std::string>> out;
  while (reader.next(record)) {
    EXPECT_FALSE(record.problem.has_value()) << record.problem->reason;
    out.emplace_back(record.fields.begin(), record.fields.end());
    if (lines) lines->push_back(record.line);
  }
  return out;
}

using Records = std::vector<std::vector<std::string>>;

TEST(CsvRecords, ReadsRfc4180QuotingAndLineEndings) {
  std::vector<std::uint64_t> lines;
  const auto records = read_records(
      "\xEF\xBB\xBF" "a,b,c\r\n"
      "\"x, y\",\"say \"\"hi\"\"\",\r\n"
      "\"two\r\nlines\",\"\",plain\n"
      "\n"
      "\r\n"
      "last,row,\"no line break\"",
      {}, &lines);
  EXPECT_EQ(records, (Records{{"a", "b", "c"}, {"x, y", "say \"hi\"", ""}, {"two\r\nlines", "", "plain"},
                              {"last", "row", "no line break"}}));
  // The quoted line break makes record 3 span lines 3-4; lines 5 and 6 are blank.
  EXPECT_EQ(lines, (std::vector<std::uint64_t>{1, 2, 3, 7}));
}

TEST(CsvRecords, TakesAnotherDelimiter) {
  pact::CsvOptions options;
  options.delimiter = ';';
  EXPECT_EQ(read_records("a;b,c;\"d;e\"\n", options), (Records{{"a", "b,c", "d;e"}}));
}

TEST(CsvRecords, GivesTheSameRecordsThroughAnyBufferSize) {
  // Random fields over an alphabet of the characters that matter, quoted by the test's own
  // encoder, each record ended by CRLF or LF at random.
  std::mt19937 rng(3);
  const std::vector<std::string> alphabet = {"a", "b", ",", "\"", "\n", "\r", " ", "\xc3\xa9", ";", "7"};
  Records expected;
  std::string text;
  for (int r = 0; r < 400; ++r) {
    std::vector<std::string> record;
    const int fields = 2 + static_cast<int>(rng() % 5);
    for (int f = 0; f < fields; ++f) {
      std::string field;
      const int length = static_cast<int>(rng() % 12);
      for (int k = 0; k < length; ++k) field += alphabet[rng() % alphabet.size()];
      text.append(f ? "," : "").append(pact_test::csv_quote(field));
      record.push_back(field);
    }
    text += rng() % 2 ? "\r\n" : "\n";
    expected.push_back(record);
  }
  for (std::size_t buffer : {16u, 17u, 19u, 64u, 1000u, 1u << 20}) {
    pact::CsvOptions options;
    options.buffer_bytes = buffer;
    EXPECT_EQ(read_records(text, options), expected) << "buffer " << buffer;
  }
}

struct BadRecord {
  const char* name;
  std::string text;
  pact::CsvOptions options;
  std::uint64_t line;  // of the bad record
  std::size_t field;   // 0-based
  pact::ErrorKind kind;
  std::string reason;
};

pact::CsvOptions limits(std::size_t field, std::size_t row, std::size_t fields) {
  pact::CsvOptions o;
  o.max_field_bytes = field;
  o.max_row_bytes = row;
  o.max_fields = fields;
  return o;
}

TEST(CsvRecords, MalformedRecordsCarryTheirProblemAndReadingGoesOn) {
  using K = pact::ErrorKind;
  const std::vector<BadRecord> cases = {
      {"quote in an unquoted field", "a,b\nx,y\"z\nok,1\n", {}, 2, 1, K::parse, "a quote inside an unquoted field"},
      {"text after a closing quote", "a,b\n\"x\"y,z\nok,1\n", {}, 2, 0, K::parse, "text after the closing quote"},
      {"bare carriage return", "a,b\nx,y\rz\nok,1\n", {}, 2, 1, K::parse, "a carriage return not followed by a line feed"},
      {"field past its limit", "a,b\nx," + std::string(9, 'y') + "\nok,1\n", limits(8, 100, 10), 2, 1, K::limit, "the field is longer than the limit of 8 bytes"},
      {"row past its limit", "a,b,c\n123456,123456,1\nok,1,2\n", limits(8, 10, 10), 2, 1, K::limit, "the row is longer than the limit of 10 bytes"},
      {"too many fields", "a,b\n1,2,3,4\nok,1\n", limits(8, 100, 3), 2, 3, K::limit, "more than the limit of 3 fields"},
  };
  for (const auto& c : cases) {
    std::istringstream in(c.text);
    pact::CsvRecordReader reader(in, c.options);
    pact::CsvRecord record;
    ASSERT_TRUE(reader.next(record)) << c.name;
    ASSERT_TRUE(reader.next(record)) << c.name;
    ASSERT_TRUE(record.problem.has_value()) << c.name;
    EXPECT_EQ(record.line, c.line) << c.name;
    EXPECT_EQ(record.problem->field, c.field) << c.name;
    EXPECT_EQ(record.problem->kind, c.kind) << c.name;
    EXPECT_NE(record.problem->reason.find(c.reason), std::string::npos) << c.name << ": " << record.problem->reason;
    ASSERT_TRUE(reader.next(record)) << c.name << ": the next record is read";
    EXPECT_FALSE(record.problem.has_value()) << c.name;
    EXPECT_EQ(record.fields.front(), "ok") << c.name;
    EXPECT_FALSE(reader.next(record)) << c.name;
  }
}

TEST(CsvRecords, AQuoteLeftOpenIsReportedWhereItOpened) {
  std::istringstream in("a,b\nx,\"y\nz,w\nmore\n");
  pact::CsvRecordReader reader(in);
  pact::CsvRecord record;
  ASSERT_TRUE(reader.next(record));
  ASSERT_TRUE(reader.next(record));
  ASSERT_TRUE(record.problem.has_value());
  EXPECT_EQ(record.line, 2u);
  EXPECT_EQ(record.problem->field, 1u);
  EXPECT_EQ(record.problem->reason, "a quoted field is not closed before the end of the input");
  EXPECT_FALSE(reader.next(record));
}

TEST(CsvRecords, AUtf16InputIsRefused) {
  std::istringstream in(std::string("\xFF\xFE" "c\0a\0", 6));
  pact::CsvRecordReader reader(in);
  pact::CsvRecord record;
  try {
    reader.next(record);
    ADD_FAILURE() << "no error";
  } catch (const pact::ParseError& e) {
    EXPECT_NE(e.reason().find("UTF-16"), std::string::npos);
  }
}

// ---- Assessments from CSV -------------------------------------------------------------------

struct ReadAll {
  std::vector<pact::Assessment> rows;  // accepted, with their lines in `lines`
  std::vector<std::uint64_t> lines;
  std::vector<pact::RowError> errors;
  pact::ReadCounts counts;
  std::vector<std::string> attribute_columns;
};

ReadAll read_csv(const pact::Instrument& instrument, const std::string& text, pact::CsvReadOptions options = {}) {
  std::istringstream in(text);
  pact::CsvAssessmentReader reader(instrument, in, options);
  ReadAll out;
  out.attribute_columns = reader.attribute_columns();
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

TEST(CsvAssessments, MatchesColumnsToItemsByHeaderName) {
  // Columns in any order; b1, b2 and c1 have no column and are missing in every row; "sex" and
  // "territory" pass through as attributes, an empty field giving none.
  const auto r = read_csv(small(), "a3,sex,case_id,a1,date,territory,a2\n"
                                   "18.5,f,c-1,3,2024-01-31,leon,s\xc3\xad\n"
                                   " 6 ,,c-2,+4,,,NO\n"
                                   ",m,c-3,1,,,\n");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.attribute_columns, (std::vector<std::string>{"sex", "territory"}));
  EXPECT_EQ(r.rows[0].case_id, "c-1");
  EXPECT_EQ(r.rows[0].date, "2024-01-31");
  EXPECT_EQ(r.rows[0].attributes, (std::vector<std::pair<std::string, std::string>>{{"sex", "f"}, {"territory", "leon"}}));
  pact_test::expect_same_responses(r.rows[0].responses, std::vector<double>{3, 1, 18.5, NA, NA, NA}, "row 1");
  pact_test::expect_same_responses(r.rows[1].responses, std::vector<double>{4, 0, 6, NA, NA, NA}, "row 2");
  EXPECT_TRUE(r.rows[1].attributes.empty());
  EXPECT_TRUE(r.rows[1].date.empty());
  pact_test::expect_same_responses(r.rows[2].responses, std::vector<double>{1, NA, NA, NA, NA, NA}, "row 3");
  EXPECT_EQ(r.lines, (std::vector<std::uint64_t>{2, 3, 4}));
}

TEST(CsvAssessments, YesNoCellsTakeNumbersAndWords) {
  std::string text = "case_id,a1,a2\n";
  const std::vector<std::pair<std::string, double>> cells = {
      {"1", 1}, {"0", 0}, {"1.0", 1}, {"true", 1}, {"FALSE", 0}, {"Yes", 1}, {"no", 0}, {"si", 1}, {"S\xc3\x8d", 1}};
  // (Appended piece by piece: GCC 12 misreports "literal" + std::string under -Wrestrict.)
  for (std::size_t k = 0; k < cells.size(); ++k) text.append("c").append(std::to_string(k)).append(",1,").append(cells[k].first).append("\n");
  const auto r = read_csv(small(), text);
  ASSERT_EQ(r.rows.size(), cells.size());
  for (std::size_t k = 0; k < cells.size(); ++k) EXPECT_EQ(r.rows[k].responses[1], cells[k].second) << cells[k].first;
}

TEST(CsvAssessments, NumbersReadExactlyAsStrtodReadsThem) {
  // b2 is an amount with no maximum. Whole numbers up to 15 digits take a fast path, the rest
  // std::from_chars; both must give the bits strtod (C locale) gives.
  const std::vector<std::string> cells = {"0", "7", "007", "600", "999999999999999", "1234567890123456789",
                                          "12.5", "0.1", ".5", "5.", "1e2", "1E-3", "+3", "0.30000000000000004",
                                          "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308"};
  std::string text = "case_id,a1,b2\n";
  for (std::size_t k = 0; k < cells.size(); ++k) text.append("c").append(std::to_string(k)).append(",1,").append(cells[k]).append("\n");
  const auto r = read_csv(small(), text);
  ASSERT_EQ(r.rows.size(), cells.size());
  for (std::size_t k = 0; k < cells.size(); ++k)
    EXPECT_TRUE(pact_test::same_bits(r.rows[k].responses[4], std::strtod(cells[k].c_str(), nullptr))) << cells[k];
  // A negative zero is below no minimum of 0 and keeps its sign.
  const auto z = read_csv(small(), "case_id,a1,b2\nc,1,-0\n");
  ASSERT_EQ(z.rows.size(), 1u);
  EXPECT_TRUE(std::signbit(z.rows[0].responses[4]));
}

TEST(CsvAssessments, ExtraColumnsArePassedThroughIgnoredOrRejectedAsAsked) {
  const std::string text = "case_id,a1,territory\nc1,1,leon\n";
  pact::CsvReadOptions options;
  options.extra_columns = pact::ExtraColumns::ignore;
  const auto ignored = read_csv(small(), text, options);
  ASSERT_EQ(ignored.rows.size(), 1u);
  EXPECT_TRUE(ignored.rows[0].attributes.empty());
  EXPECT_TRUE(ignored.attribute_columns.empty());
  options.extra_columns = pact::ExtraColumns::reject;
  try {
    read_csv(small(), "case_id,a1,a4\nc1,1,2\n", options);
    ADD_FAILURE() << "no error";
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "line 1, column 3");
    EXPECT_NE(e.reason().find("\"a4\" is neither case_id, date nor an item of test-small 1.2.3"), std::string::npos);
  }
}

struct BadHeader {
  const char* name;
  std::string text;
  pact::ErrorKind kind;
  std::string where;
  std::string reason;
};

TEST(CsvAssessments, ABadHeaderIsAnErrorBeforeAnyRow) {
  using K = pact::ErrorKind;
  const std::vector<BadHeader> cases = {
      {"empty input", "", K::parse, "", "the input is empty: expected a header row"},
      {"byte order mark only", "\xEF\xBB\xBF", K::parse, "", "the input is empty"},
      {"blank lines only", "\n\r\n\n", K::parse, "", "the input is empty"},
      {"repeated column", "case_id,a1,a2,a1\nc,1,1,1\n", K::validation, "line 1, column 4", "the column \"a1\" appears twice (also column 2)"},
      {"no case_id", "a1,a2\n1,1\n", K::validation, "line 1", "the header has no case_id column"},
      {"no required item", "case_id,a2,a3\nc,1,1\n", K::validation, "line 1", "no column for the required item(s) a1"},
      {"unnamed column", "case_id,,a1\n", K::validation, "line 1, column 2", "the column has no name"},
      {"quote left open", "case_id,\"a1\nc,1\n", K::parse, "line 1, column 2", "in the header: a quoted field is not closed"},
      {"Latin-1 name", "case_id,a1,regi\xf3n\n", K::parse, "line 1, column 3", "not valid UTF-8"},
      {"UTF-16", std::string("\xFE\xFF\0c\0a", 6), K::parse, "line 1, column 1", "UTF-16"},
      {"attribute name too long", "case_id,a1," + std::string(65, 'x') + "\n", K::validation, "line 1, column 3", "longer than 64 bytes"},
  };
  for (const auto& c : cases) {
    try {
      read_csv(small(), c.text);
      ADD_FAILURE() << c.name << ": no error";
    } catch (const pact::Error& e) {
      EXPECT_EQ(e.kind(), c.kind) << c.name << ": " << e.what();
      EXPECT_EQ(e.where(), c.where == "" ? "line 1" : c.where) << c.name << ": " << e.what();
      EXPECT_NE(e.reason().find(c.reason), std::string::npos) << c.name << ": " << e.what();
    }
  }
}

TEST(CsvAssessments, AHeaderOnlyInputHasNoRowsAndNoError) {
  for (const std::string text : {"case_id,a1\n", "case_id,a1", "\xEF\xBB\xBF" "case_id,a1\r\n\r\n"}) {
    const auto r = read_csv(small(), text);
    EXPECT_TRUE(r.rows.empty());
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.counts.read, 0u);
  }
}

struct BadRow {
  const char* name;
  std::string row;  // after the header; the bad row is on line 2
  std::string column;
  std::size_t position;
  std::string case_id;
  pact::ErrorKind kind;
  std::string reason;
};

// The header of every bad-row case: case_id, date, a1, a2, a3, b1, territory.
const std::string bad_row_header = "case_id,date,a1,a2,a3,b1,territory\n";

std::vector<BadRow> bad_rows() {
  using K = pact::ErrorKind;
  return {
      {"text for a number", "c1,,abc,,,,\n", "a1", 3, "c1", K::validation, "expected a number (the item is ordinal), got text that is not one"},
      {"a word that is not yes or no", "c1,,1,maybe,,,\n", "a2", 4, "c1", K::validation, "expected 0 or 1, true or false, yes or no"},
      {"not an option", "c1,,9,,,,\n", "a1", 3, "c1", K::validation, "9 is not one of the options 1, 2, 3, 4"},
      {"above the maximum", "c1,,1,,601,,\n", "a3", 5, "c1", K::validation, "601 is above the maximum 600"},
      {"fractional count", "c1,,1,,,1.5,\n", "b1", 6, "c1", K::validation, "1.5 is not a whole number"},
      {"required item empty", "c1,,,,,,\n", "a1", 3, "c1", K::validation, "the item is required and has no answer"},
      {"nan is not missing", "c1,,nan,,,,\n", "a1", 3, "c1", K::validation, "expected a number"},
      {"infinity", "c1,,1,,inf,,\n", "a3", 5, "c1", K::validation, "expected a number"},
      {"a number too large", "c1,,1,,1e999,,\n", "a3", 5, "c1", K::validation, "the number is too large for a double"},
      {"decimal comma", "c1,,1,,\"1,5\",,\n", "a3", 5, "c1", K::validation, "expected a number (the item is months)"},
      {"hexadecimal", "c1,,1,,0x10,,\n", "a3", 5, "c1", K::validation, "expected a number"},
      {"no such date", "c1,2024-13-01,1,,,,\n", "date", 2, "c1", K::validation, "expected a calendar date written YYYY-MM-DD"},
      {"Latin-1 attribute", "c1,,1,,,,Le\xf3n\n", "territory", 7, "c1", K::parse, "the field is not valid UTF-8"},
      {"overlong UTF-8", "c1,,1,,,,\xc0\xaf\n", "territory", 7, "c1", K::parse, "the field is not valid UTF-8"},
      {"control character in an attribute", "c1,,1,,,,\"le\ton\"\n", "territory", 7, "c1", K::validation, "the attribute value contains a control character"},
      {"too few fields", "c1,,1,,\n", "b1", 6, "c1", K::parse, "the row has 5 fields; the header has 7"},
      {"too many fields", "c1,,1,,,,leon,extra\n", "", 8, "c1", K::parse, "the row has 8 fields; the header has 7"},
      {"quote in an unquoted field", "c1,,1,,,,le\"on\n", "territory", 7, "c1", K::parse, "a quote inside an unquoted field"},
      {"text after a closing quote", "c1,,\"1\"2,,,,\n", "a1", 3, "c1", K::parse, "text after the closing quote"},
      {"bare carriage return", "c1,,1,,,,leon\rx\n", "territory", 7, "c1", K::parse, "a carriage return not followed by a line feed"},
      {"empty case id", ",,1,,,,\n", "case_id", 1, "", K::validation, "the case id is empty"},
      {"line break in the case id", "\"c\n1\",,1,,,,\n", "case_id", 1, "", K::validation, "the case id contains a control character"},
      {"huge field", "c1,,1,,,," + std::string((1u << 20) + 1, 'x') + "\n", "territory", 7, "c1", K::limit, "the field is longer than the limit of 1048576 bytes"},
      {"truncated at the end", "c1,,1", "a2", 4, "c1", K::parse, "the row has 3 fields; the header has 7"},
      {"quote left open at the end", "c1,,1,,,,\"leon\nc2,,1,,,,\n", "territory", 7, "c1", K::parse, "a quoted field is not closed before the end of the input"},
  };
}

TEST(CsvAssessments, EveryBadRowIsAnErrorRecordAndReadingGoesOn) {
  for (const auto& c : bad_rows()) {
    // The bad row between two good ones (unless it runs to the end of the input).
    const bool at_end = std::string(c.name).find("at the end") != std::string::npos;
    const std::string text = bad_row_header + c.row + (at_end ? "" : "c9,,2,,,,\n");
    const auto r = read_csv(small(), text);
    ASSERT_EQ(r.errors.size(), 1u) << c.name;
    const pact::RowError& e = r.errors[0];
    EXPECT_EQ(e.line, 2u) << c.name;
    EXPECT_EQ(e.column, c.column) << c.name;
    EXPECT_EQ(e.position, c.position) << c.name;
    EXPECT_EQ(e.case_id, c.case_id) << c.name;
    EXPECT_EQ(e.kind, c.kind) << c.name << ": " << e.reason;
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << c.name << ": " << e.reason;
    EXPECT_EQ(r.rows.size(), at_end ? 0u : 1u) << c.name;
    EXPECT_EQ(r.counts.read, r.counts.accepted + r.counts.rejected) << c.name;
    EXPECT_EQ(r.counts.rejected, 1u) << c.name;
  }
}

TEST(CsvAssessments, ErrorsNeverEchoTheTextOfACell) {
  const auto r = read_csv(small(), bad_row_header + "c1,,Garc\xc3\xad" "a,,,,\nc2,Mar\xc3\xad" "a,1,,,,\n");
  ASSERT_EQ(r.errors.size(), 2u);
  for (const auto& e : r.errors) EXPECT_EQ(e.reason.find("Garc"), std::string::npos) << e.reason;
  for (const auto& e : r.errors) EXPECT_EQ(e.reason.find("Mar"), std::string::npos) << e.reason;
}

TEST(CsvAssessments, ARowSpanningLinesKeepsItsFirstLine) {
  // Only an ignored column can hold a line break: case ids and attributes may not.
  pact::CsvReadOptions options;
  options.extra_columns = pact::ExtraColumns::ignore;
  const auto r = read_csv(small(), "case_id,a1,notes\n"
                                   "c1,1,\"multi\nline\nvalue\"\n"
                                   "c2,2,x\n"
                                   "\n"
                                   "c3,9,y\r\n"
                                   "c4,3,\"z\r\n\"\r\n",
                          options);
  EXPECT_EQ(r.lines, (std::vector<std::uint64_t>{2, 5, 8}));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 7u);
  EXPECT_EQ(r.errors[0].column, "a1");
}

TEST(CsvAssessments, RowsReadAlwaysEqualRowsAcceptedPlusRowsRejected) {
  // A random mix of good rows and rows with each kind of fault, in batches of 97.
  std::mt19937 rng(17);
  const auto bad = bad_rows();
  std::string text = bad_row_header;
  std::size_t good = 0, rejected = 0;
  std::vector<std::uint64_t> bad_lines;
  std::uint64_t line = 2;
  for (int i = 0; i < 5000; ++i) {
    if (rng() % 3) {
      text.append("g").append(std::to_string(i)).append(",2024-05-0").append(std::to_string(1 + i % 9));
      text.append(",").append(std::to_string(1 + i % 4)).append(",1,12,2,leon\r\n");
      ++good;
      ++line;
    } else {
      const auto& c = bad[rng() % bad.size()];
      const std::string name = c.name;
      if (name.find("at the end") != std::string::npos || name == "huge field") continue;
      text += c.row;
      bad_lines.push_back(line);
      line += static_cast<std::uint64_t>(std::count(c.row.begin(), c.row.end(), '\n'));
      ++rejected;
    }
  }
  pact::CsvReadOptions options;
  options.batch_rows = 97;
  const auto r = read_csv(small(), text, options);
  EXPECT_EQ(r.counts.read, good + rejected);
  EXPECT_EQ(r.counts.accepted, good);
  EXPECT_EQ(r.counts.rejected, rejected);
  EXPECT_EQ(r.rows.size(), good);
  ASSERT_EQ(r.errors.size(), rejected);
  for (std::size_t k = 0; k < rejected; ++k) EXPECT_EQ(r.errors[k].line, bad_lines[k]) << k;
}

TEST(CsvAssessments, ScoresFromCsvRowsEqualScoresFromTheSameAssessmentsAsJson) {
  const auto& instrument = pact::Instrument::bundled();
  const auto cases = pact_test::random_assessments(instrument, 1000, 23);
  std::istringstream in(pact_test::assessments_csv(instrument, cases));
  pact::CsvReadOptions options;
  options.batch_rows = 64;
  options.csv.buffer_bytes = 4096;
  pact::CsvAssessmentReader reader(instrument, in, options);
  pact::AssessmentBatch batch;
  pact::ScoredBatch scored;
  pact::CaseScores from_csv;
  std::size_t k = 0;
  while (reader.next(batch)) {
    EXPECT_TRUE(batch.errors().empty());
    const auto summary = scored.score(instrument, batch, 2);
    EXPECT_EQ(summary.rejected, 0u) << "a row the reader accepted always scores";
    for (std::size_t i = 0; i < batch.size(); ++i, ++k) {
      const auto from_json = pact::read_assessment_json(instrument, pact::write_assessment_json(instrument, cases[k]));
      EXPECT_EQ(batch.case_id(i), from_json.case_id);
      EXPECT_EQ(batch.date(i), from_json.date);
      pact_test::expect_same_responses(batch.responses(i), from_json.responses, from_json.case_id);
      scored.case_scores(i, from_csv);
      pact_test::expect_same_scores(from_csv, pact::score(instrument, from_json), from_json.case_id);
    }
  }
  EXPECT_EQ(k, cases.size());
  EXPECT_EQ(reader.counts().accepted, cases.size());
}

// ---- Results as CSV --------------------------------------------------------------------------

TEST(ResultCsv, ColumnsComeInTheDocumentedOrder) {
  pact::ResultCsvOptions options;
  options.attributes = {"territory"};
  options.item_severities = true;
  EXPECT_EQ(pact::result_csv_columns(small(), options),
            (std::vector<std::string>{"case_id", "date", "territory", "composite", "composite_coverage", "level",
                                      "level_label", "deprivation_score", "deprived_count", "critical_factors",
                                      "score_a", "score_b", "score_c", "coverage_a", "coverage_b", "coverage_c",
                                      "deprived_a", "deprived_b", "deprived_c", "severity_a1", "severity_a2",
                                      "severity_a3", "severity_b1", "severity_b2", "severity_c1", "instrument_id",
                                      "instrument_version", "instrument_hash", "pact_version"}));
  options.attributes = {"composite"};
  EXPECT_THROW(pact::result_csv_columns(small(), options), pact::InvalidArgument);
}

TEST(ResultCsv, AFullyAnsweredCaseIsWrittenAsComputedByHand) {
  // As in the scoring tests: dimensions .5625, .575, 1; composite .675, "high" ("Alto");
  // all deprived (c = 1, 3 dimensions); critical factor item a1.
  const auto a = pact::read_assessment_file(small(), pact_test::data_path("assessments/small-full.json"));
  std::ostringstream out;
  pact::ResultCsvOptions options;
  options.language = "es";
  options.attributes = {"territory", "sex"};
  pact::CsvResultWriter writer(small(), out, options);
  writer.write(a, pact::score(small(), a));
  const auto records = read_records(out.str());
  ASSERT_EQ(records.size(), 2u);
  ASSERT_EQ(records[1].size(), 24u);
  const auto& row = records[1];
  auto number = [&](std::size_t k) { return std::strtod(row[k].c_str(), nullptr); };
  EXPECT_EQ(std::vector<std::string>(row.begin(), row.begin() + 4),
            (std::vector<std::string>{"small-full", "2024-03-01", "leon", ""}));
  EXPECT_DOUBLE_EQ(number(4), 0.675);
  EXPECT_EQ(row[5], "1");
  EXPECT_EQ(row[6], "high");
  EXPECT_EQ(row[7], "Alto");
  EXPECT_EQ(row[8], "1");
  EXPECT_EQ(row[9], "3");
  EXPECT_EQ(row[10], "item:a1");
  EXPECT_DOUBLE_EQ(number(11), 0.5625);
  EXPECT_DOUBLE_EQ(number(12), 0.575);
  EXPECT_DOUBLE_EQ(number(13), 1.0);
  EXPECT_EQ(std::vector<std::string>(row.begin() + 14, row.end()),
            (std::vector<std::string>{"1", "1", "1", "1", "1", "1", "test-small", "1.2.3", small().hash(),
                                      PACT_VERSION_STRING}));
}

TEST(ResultCsv, ResultsReadBackBitIdentically) {
  const auto& instrument = pact::Instrument::bundled();
  const auto cases = pact_test::random_assessments(instrument, 500, 29);
  std::istringstream in(pact_test::assessments_csv(instrument, cases, "\n"));
  pact::CsvAssessmentReader reader(instrument, in);
  std::ostringstream out;
  pact::ResultCsvOptions options;
  options.attributes = reader.attribute_columns();
  options.item_severities = true;
  pact::CsvResultWriter writer(instrument, out, options);
  pact::AssessmentBatch batch;
  pact::ScoredBatch scored;
  while (reader.next(batch)) {
    scored.score(instrument, batch);
    writer.write(batch, scored);
  }
  EXPECT_EQ(writer.rows_written(), cases.size());

  const auto records = read_records(out.str());
  ASSERT_EQ(records.size(), cases.size() + 1);
  EXPECT_EQ(records[0], writer.columns());
  auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(records[0].begin(), records[0].end(), name) - records[0].begin());
  };
  // strtod, not pact's from_chars, reads the numbers back; an empty field is a missing value.
  auto number = [](const std::string& text) { return text.empty() ? NA : std::strtod(text.c_str(), nullptr); };
  auto same = [](double x, double y) { return std::isnan(x) ? std::isnan(y) : pact_test::same_bits(x, y); };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& row = records[i + 1];
    const auto s = pact::score(instrument, cases[i]);
    EXPECT_EQ(row[column("case_id")], cases[i].case_id);
    EXPECT_TRUE(same(number(row[column("composite")]), s.composite)) << i;
    EXPECT_TRUE(same(number(row[column("composite_coverage")]), s.composite_coverage)) << i;
    EXPECT_TRUE(same(number(row[column("deprivation_score")]), s.deprivation_score)) << i;
    EXPECT_EQ(row[column("level")], s.level >= 0 ? instrument.levels()[static_cast<std::size_t>(s.level)].id : "");
    for (std::size_t d = 0; d < instrument.dimension_count(); ++d) {
      const auto& id = instrument.dimensions()[d].id;
      EXPECT_TRUE(same(number(row[column("score_" + id)]), s.dimensions[d].score)) << i << " " << id;
      EXPECT_TRUE(same(number(row[column("coverage_" + id)]), s.dimensions[d].coverage)) << i << " " << id;
      EXPECT_EQ(row[column("deprived_" + id)], s.dimensions[d].scored ? (s.dimensions[d].deprived ? "1" : "0") : "");
    }
    for (std::size_t j = 0; j < instrument.item_count(); ++j)
      EXPECT_TRUE(same(number(row[column("severity_" + instrument.items()[j].id)]), s.item_severity[j])) << i;
    std::string factors;
    for (const auto& f : s.critical_factors) {
      const bool dimension = f.kind == pact::CriticalFactor::Kind::dimension;
      factors.append(factors.empty() ? "" : ";").append(dimension ? "dimension:" : "item:");
      factors.append(dimension ? instrument.dimensions()[f.index].id : instrument.items()[f.index].id);
    }
    EXPECT_EQ(row[column("critical_factors")], factors) << i;
    std::string territory;
    for (const auto& [k, v] : cases[i].attributes)
      if (k == "territory") territory = v;
    EXPECT_EQ(row[column("territory")], territory) << i;
  }
}

TEST(ResultCsv, RowsThatDidNotScoreAreNotWritten) {
  // A batch filled by hand can hold an invalid row; score_batch flags it, the writer skips it.
  pact::AssessmentBatch batch;
  batch.reset(small().item_count(), 2);
  auto row = batch.begin_row(1);
  batch.set_case_id("ok");
  row[0] = 1;
  batch.commit_row();
  row = batch.begin_row(2);
  batch.set_case_id("bad");
  row[0] = 9;
  batch.commit_row();
  batch.finish();
  pact::ScoredBatch scored;
  const auto summary = scored.score(small(), batch);
  EXPECT_EQ(summary.scored, 1u);
  EXPECT_EQ(scored.status(1), pact::ResponseStatus::not_an_option);
  EXPECT_EQ(scored.error_item(1), 0);
  pact::CaseScores s;
  EXPECT_THROW(scored.case_scores(1, s), pact::InvalidArgument);
  std::ostringstream out;
  pact::CsvResultWriter writer(small(), out);
  writer.write(batch, scored);
  EXPECT_EQ(writer.rows_written(), 1u);
  EXPECT_EQ(read_records(out.str()).size(), 2u);
  // Scores of another batch are refused.
  pact::AssessmentBatch other;
  other.reset(small().item_count(), 2);
  other.finish();
  EXPECT_THROW(writer.write(other, scored), pact::InvalidArgument);
}

TEST(ErrorCsv, RejectedRowsAreWrittenWithLineColumnAndReason) {
  std::ostringstream out;
  pact::ErrorCsvWriter writer(out);
  pact::RowError e1;
  e1.line = 12;
  e1.column = "a1";
  e1.position = 3;
  e1.case_id = "c-7";
  e1.kind = pact::ErrorKind::validation;
  e1.reason = "9 is not one of the options 1, 2, 3, 4";
  pact::RowError e2;
  e2.line = 40;
  e2.column = "/responses/a\"b";
  e2.kind = pact::ErrorKind::parse;
  e2.reason = "syntax error";
  writer.write(std::vector<pact::RowError>{e1, e2});
  EXPECT_EQ(read_records(out.str()),
            (Records{{"line", "position", "column", "case_id", "kind", "reason"},
                     {"12", "3", "a1", "c-7", "validation", "9 is not one of the options 1, 2, 3, 4"},
                     {"40", "", "/responses/a\"b", "", "parse", "syntax error"}}));
}

}  // namespace
