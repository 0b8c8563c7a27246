// Writing assessments as CSV and JSON Lines: the exact text for small cases written out by hand,
// round trips through pact's readers that give back every response, date, attribute and extra
// value bit for bit, and the refusals of what the readers would reject.
#include "pact/formats.hpp"

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

struct Row {
  pact::Assessment assessment;
  std::uint64_t line = 0;
};

template <class Reader>
std::vector<Row> read_all(Reader& reader) {
  std::vector<Row> rows;
  pact::AssessmentBatch batch;
  while (reader.next(batch)) {
    EXPECT_TRUE(batch.errors().empty()) << batch.errors().front().reason;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Row row;
      row.assessment.case_id = batch.case_id(i);
      row.assessment.date = batch.date(i);
      for (const auto& a : batch.attributes(i)) row.assessment.attributes.emplace_back(a.name, a.value);
      row.assessment.responses.assign(batch.responses(i).begin(), batch.responses(i).end());
      row.line = batch.line(i);
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::vector<Row> read_csv(const pact::Instrument& instrument, const std::string& text) {
  std::istringstream in(text);
  pact::CsvAssessmentReader reader(instrument, in);
  return read_all(reader);
}

std::vector<Row> read_jsonl(const pact::Instrument& instrument, const std::string& text) {
  std::istringstream in(text);
  pact::JsonlAssessmentReader reader(instrument, in);
  return read_all(reader);
}

TEST(AssessmentCsvWriter, WritesTheHeaderAndRowsExactlyAsDocumented) {
  pact::AssessmentCsvOptions options;
  options.attributes = {"territory"};
  options.extra_columns = {"followup_months", "chronic"};
  std::ostringstream out;
  pact::AssessmentCsvWriter writer(small(), out, options);
  EXPECT_EQ(writer.columns(), (std::vector<std::string>{"case_id", "date", "territory", "a1", "a2", "a3", "b1", "b2",
                                                        "c1", "followup_months", "chronic"}));
  pact::Assessment first{"c-1", "2024-03-01", {{"territory", "Castilla y Le\xc3\xb3n, norte"}}, {3, 0, 18.5, 2, NA, 10}};
  pact::Assessment second{"c-2", "", {}, {1, 1, NA, NA, NA, NA}};
  const double first_extras[] = {12.25, NA};
  const double second_extras[] = {0.1, 1};
  writer.write(first, first_extras);
  writer.write(second, second_extras);
  EXPECT_EQ(writer.rows_written(), 2u);
  // Written out by hand: the territory quoted for its comma, a2 = no as 0, b2 missing and chronic
  // censored as empty fields, 0.1 in its shortest form.
  EXPECT_EQ(out.str(),
            "case_id,date,territory,a1,a2,a3,b1,b2,c1,followup_months,chronic\r\n"
            "c-1,2024-03-01,\"Castilla y Le\xc3\xb3n, norte\",3,0,18.5,2,,10,12.25,\r\n"
            "c-2,,,1,1,,,,,0.1,1\r\n");
}

TEST(AssessmentJsonlWriter, WritesOneAssessmentObjectPerLineWithExtrasAsAttributes) {
  pact::AssessmentJsonlOptions options;
  options.extra_columns = {"followup_months", "chronic"};
  std::ostringstream out;
  pact::AssessmentJsonlWriter writer(small(), out, options);
  pact::Assessment first{"c-1", "2024-03-01", {{"territory", "leon"}}, {3, 0, 18.5, 2, NA, 10}};
  const double extras[] = {12.25, NA};
  writer.write(first, extras);
  EXPECT_EQ(out.str(),
            "{\"format\":\"pact.assessment\",\"format_version\":1,\"case_id\":\"c-1\",\"date\":\"2024-03-01\","
            "\"attributes\":{\"territory\":\"leon\",\"followup_months\":\"12.25\"},"
            "\"instrument\":{\"id\":\"test-small\",\"version\":\"1.2.3\"},"
            "\"responses\":{\"a1\":3,\"a2\":false,\"a3\":18.5,\"b1\":2,\"c1\":10}}\n");
  // The same object as write_assessment_json, when there are no extras.
  std::ostringstream plain;
  pact::AssessmentJsonlWriter plain_writer(small(), plain);
  plain_writer.write(first);
  EXPECT_EQ(plain.str(), pact::write_assessment_json(small(), first) + "\n");
}

TEST(AssessmentWriters, NegativeZeroKeepsItsSignInBothFormats) {
  // b2 (an amount from 0) accepts -0.0, which JSON parsers read as the integer 0 when written "-0".
  const pact::Assessment a{"c-1", "", {}, {1, NA, NA, NA, -0.0, NA}};
  std::ostringstream csv, jsonl;
  pact::AssessmentCsvWriter(small(), csv).write(a);
  pact::AssessmentJsonlWriter(small(), jsonl).write(a);
  EXPECT_NE(jsonl.str().find("\"b2\":-0.0"), std::string::npos) << jsonl.str();
  for (const auto& rows : {read_csv(small(), csv.str()), read_jsonl(small(), jsonl.str())}) {
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_TRUE(pact_test::same_bits(rows[0].assessment.responses[4], -0.0));
  }
}

// A synthetic caseload as the simulator will write it: the random assessments of the default
// instrument and three outcome columns with values that need all 17 digits.
struct Caseload {
  std::vector<pact::Assessment> cases;
  std::vector<double> outcomes;  // rows x 3: followup_months, left_care, chronic (NaN: censored)
};

Caseload caseload(std::size_t n, unsigned seed) {
  Caseload c;
  c.cases = pact_test::random_assessments(pact::Instrument::bundled(), n, seed);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double left = u(rng) < 0.4 ? 1.0 : 0.0;
    c.outcomes.push_back(u(rng) * 60.0);
    c.outcomes.push_back(left);
    c.outcomes.push_back(u(rng) < 0.2 ? NA : 1.0 - left);
  }
  return c;
}

const std::vector<std::string> outcome_columns = {"followup_months", "left_care", "chronic"};

// Reading back gives the case's own attributes, then the outcomes as attribute texts that strtod
// turns back into the same doubles (an absent attribute: NaN). A JSON object's keys have no order
// (pact's JSON reader gives attributes sorted by name): `ordered` says whether order is kept.
void expect_read_back(const std::vector<Row>& rows, const Caseload& c, const std::string& format, bool ordered) {
  ASSERT_EQ(rows.size(), c.cases.size()) << format;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& got = rows[i].assessment;
    const auto& want = c.cases[i];
    const std::string where = format + " " + want.case_id;
    EXPECT_EQ(got.case_id, want.case_id) << where;
    EXPECT_EQ(got.date, want.date) << where;
    pact_test::expect_same_responses(got.responses, want.responses, where);
    std::vector<std::pair<std::string, std::string>> own;
    std::vector<double> outcomes(3, NA);
    for (const auto& [name, value] : got.attributes) {
      const auto k = static_cast<std::size_t>(std::find(outcome_columns.begin(), outcome_columns.end(), name) -
                                              outcome_columns.begin());
      if (k < 3)
        outcomes[k] = std::strtod(value.c_str(), nullptr);
      else
        own.emplace_back(name, value);
    }
    auto expected_own = want.attributes;
    if (!ordered) {
      std::sort(own.begin(), own.end());
      std::sort(expected_own.begin(), expected_own.end());
    }
    EXPECT_EQ(own, expected_own) << where;
    for (std::size_t k = 0; k < 3; ++k) {
      const double expected = c.outcomes[i * 3 + k];
      EXPECT_TRUE(std::isnan(expected) ? std::isnan(outcomes[k]) : pact_test::same_bits(outcomes[k], expected))
          << where << " " << outcome_columns[k];
    }
  }
}

TEST(AssessmentWriters, ASyntheticCaseloadReadsBackBitIdenticallyFromCsvAndJsonLines) {
  const auto& instrument = pact::Instrument::bundled();
  const Caseload c = caseload(1500, 61);

  pact::AssessmentCsvOptions csv_options;
  csv_options.attributes = {"territory", "sex"};
  csv_options.extra_columns = outcome_columns;
  std::ostringstream csv;
  pact::AssessmentCsvWriter csv_writer(instrument, csv, csv_options);
  pact::AssessmentJsonlOptions jsonl_options;
  jsonl_options.extra_columns = outcome_columns;
  std::ostringstream jsonl;
  pact::AssessmentJsonlWriter jsonl_writer(instrument, jsonl, jsonl_options);
  for (std::size_t i = 0; i < c.cases.size(); ++i) {
    const std::span<const double> extras(c.outcomes.data() + i * 3, 3);
    csv_writer.write(c.cases[i], extras);
    jsonl_writer.write(c.cases[i], extras);
  }
  EXPECT_EQ(csv_writer.rows_written(), c.cases.size());
  EXPECT_EQ(jsonl_writer.rows_written(), c.cases.size());

  const auto from_csv = read_csv(instrument, csv.str());
  const auto from_jsonl = read_jsonl(instrument, jsonl.str());
  expect_read_back(from_csv, c, "CSV", true);
  expect_read_back(from_jsonl, c, "JSON Lines", false);
  // One row a line: the readers report each row at line i + 2 (CSV, after the header) and i + 1.
  for (std::size_t i = 0; i < c.cases.size(); ++i) {
    EXPECT_EQ(from_csv[i].line, i + 2);
    EXPECT_EQ(from_jsonl[i].line, i + 1);
  }
}

TEST(AssessmentWriters, ABatchWrittenBackGivesTheSameTextAndTheSameScores) {
  const auto& instrument = pact::Instrument::bundled();
  const Caseload c = caseload(700, 67);
  pact::AssessmentCsvOptions options;
  options.attributes = {"territory", "sex"};
  std::ostringstream first;
  pact::AssessmentCsvWriter writer(instrument, first, options);
  for (const auto& a : c.cases) writer.write(a);

  // Read in batches and write each batch back: the text is the same, byte for byte.
  std::istringstream in(first.str());
  pact::CsvReadOptions read_options;
  read_options.batch_rows = 97;
  pact::CsvAssessmentReader reader(instrument, in, read_options);
  EXPECT_EQ(reader.attribute_columns(), options.attributes);
  std::ostringstream second, jsonl;
  pact::AssessmentCsvWriter batch_writer(instrument, second, options);
  pact::AssessmentJsonlWriter jsonl_writer(instrument, jsonl);
  pact::AssessmentBatch batch;
  while (reader.next(batch)) {
    batch_writer.write(batch);
    jsonl_writer.write(batch);
  }
  EXPECT_EQ(second.str(), first.str());
  // The JSON Lines written from the batches score exactly as the original cases.
  const auto rows = read_jsonl(instrument, jsonl.str());
  ASSERT_EQ(rows.size(), c.cases.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    pact_test::expect_same_scores(pact::score(instrument, rows[i].assessment), pact::score(instrument, c.cases[i]),
                                  c.cases[i].case_id);
}

TEST(AssessmentWriters, BatchesTakeTheirExtrasRowMajor) {
  pact::AssessmentBatch batch;
  batch.reset(small().item_count(), 2);
  for (int i = 0; i < 2; ++i) {
    auto row = batch.begin_row(static_cast<std::uint64_t>(i + 1));
    batch.set_case_id(i == 0 ? "c-1" : "c-2");
    row[0] = 1 + i;
    batch.commit_row();
  }
  batch.finish();
  pact::AssessmentCsvOptions options;
  options.extra_columns = {"left_care", "chronic"};
  std::ostringstream out;
  pact::AssessmentCsvWriter writer(small(), out, options);
  const double extras[] = {1, 0, 0, NA};
  writer.write(batch, extras);
  EXPECT_EQ(out.str(),
            "case_id,date,a1,a2,a3,b1,b2,c1,left_care,chronic\r\n"
            "c-1,,1,,,,,,1,0\r\n"
            "c-2,,2,,,,,,0,\r\n");
  EXPECT_THROW(writer.write(batch, std::span<const double>(extras, 3)), pact::InvalidArgument);
}

TEST(AssessmentWriters, WhatTheReadersWouldRejectIsRefusedAndNotWritten) {
  pact::AssessmentCsvOptions options;
  options.attributes = {"territory"};
  options.extra_columns = {"chronic"};
  std::ostringstream out;
  pact::AssessmentCsvWriter writer(small(), out, options);
  const std::string header = out.str();
  const double one[] = {1};
  auto refused_at = [&](const pact::Assessment& a, const std::string& where) {
    try {
      writer.write(a, one);
      ADD_FAILURE() << "written: " << where;
    } catch (const pact::ValidationError& e) {
      EXPECT_EQ(e.where(), where);
    }
    EXPECT_EQ(out.str(), header) << "nothing of a refused row is written";
  };
  const std::vector<double> ok = {1, NA, NA, NA, NA, NA};
  refused_at({"c-1", "", {}, {9, NA, NA, NA, NA, NA}}, "/responses/a1");  // 9 is not an option
  refused_at({"c-1", "", {}, {NA, NA, NA, NA, NA, NA}}, "/responses/a1");  // a1 is required
  refused_at({"c-1", "", {}, {1, NA, NA, 1.5, NA, NA}}, "/responses/b1");  // a count is whole
  refused_at({"c-1", "2024-02-30", {}, ok}, "/date");
  refused_at({"", "", {}, ok}, "/case_id");
  refused_at({"c\n1", "", {}, ok}, "/case_id");
  refused_at({"c-1", "", {{"territory", ""}}, ok}, "/attributes/territory");
  refused_at({"c-1", "", {{"territory", "le\xff" "on"}}, ok}, "/attributes/territory");

  EXPECT_THROW(writer.write(pact::Assessment{"c-1", "", {{"sex", "f"}}, ok}, one), pact::InvalidArgument) << "no column for sex";
  EXPECT_THROW(writer.write(pact::Assessment{"c-1", "", {}, ok}), pact::InvalidArgument) << "one extra value is needed";
  const double infinite[] = {std::numeric_limits<double>::infinity()};
  EXPECT_THROW(writer.write(pact::Assessment{"c-1", "", {}, ok}, infinite), pact::InvalidArgument);
  EXPECT_THROW(writer.write(pact::Assessment{"c-1", "", {}, {1, NA}}, one), pact::InvalidArgument);
  EXPECT_EQ(out.str(), header);

  // Columns the readers could not give back.
  for (const auto& extra : std::vector<std::vector<std::string>>{{"a1"}, {"case_id"}, {"territory"}, {""}, {"x", "x"}}) {
    pact::AssessmentCsvOptions bad = options;
    bad.extra_columns = extra;
    EXPECT_THROW(pact::AssessmentCsvWriter(small(), out, bad), pact::InvalidArgument) << extra.front();
  }
  pact::AssessmentCsvOptions many;
  for (int k = 0; k < 65; ++k) many.extra_columns.push_back(std::string("x").append(std::to_string(k)));
  EXPECT_THROW(pact::AssessmentCsvWriter(small(), out, many), pact::InvalidArgument);
  pact::AssessmentJsonlOptions clash;
  clash.extra_columns = {"territory"};
  std::ostringstream jsonl;
  pact::AssessmentJsonlWriter jsonl_writer(small(), jsonl, clash);
  EXPECT_THROW(jsonl_writer.write(pact::Assessment{"c-1", "", {{"territory", "leon"}}, ok}, one), pact::InvalidArgument);
  EXPECT_TRUE(jsonl.str().empty());
}

TEST(AssessmentWriters, ABadRowInABatchStopsTheWriteAfterTheRowsBeforeIt) {
  pact::AssessmentBatch batch;
  batch.reset(small().item_count(), 3);
  for (int i = 0; i < 3; ++i) {
    auto row = batch.begin_row(static_cast<std::uint64_t>(i + 1));
    batch.set_case_id(std::to_string(i).insert(0, "c-"));
    row[0] = i == 1 ? 7 : 1;  // row 1 was filled by hand with a code that is not an option
    batch.commit_row();
  }
  batch.finish();
  std::ostringstream out;
  pact::AssessmentCsvWriter writer(small(), out);
  EXPECT_THROW(writer.write(batch), pact::ValidationError);
  EXPECT_EQ(out.str(), "case_id,date,a1,a2,a3,b1,b2,c1\r\nc-0,,1,,,,,\r\n");
}

}  // namespace
