// The corpus of hostile and broken input in tests/data/bad/ (docs/reliability.md): every file goes
// through the loader or reader a host would use, and must give the error its entry in
// tests/data/bad/expected.json names (kind, place, a part of the reason), or for the batch
// readers the rows read, accepted and rejected and each rejected row's error; rows read =
// accepted + rejected in every batch. Inputs too large to commit (long fields and lines, deep
// nesting, texts past the size limits, many rows) are made here.
#include "pact/bundle.hpp"
#include "pact/formats/assessment_json.hpp"
#include "pact/formats/csv.hpp"
#include "pact/formats/jsonl.hpp"
#include "pact/instrument.hpp"
#include "pact/risk_model.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path bad_dir = pact_test::data_path("bad");

const pact::Instrument& small_instrument() {
  static const pact::Instrument instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}

const char* kind_name(pact::ErrorKind kind) {
  switch (kind) {
    case pact::ErrorKind::invalid_argument: return "invalid_argument";
    case pact::ErrorKind::parse: return "parse";
    case pact::ErrorKind::validation: return "validation";
    case pact::ErrorKind::io: return "io";
    case pact::ErrorKind::limit: return "limit";
    case pact::ErrorKind::internal: return "internal";
  }
  return "?";
}

/// What a batch reader gave for a whole input.
struct BatchReading {
  pact::ReadCounts counts;
  std::uint64_t batch_read = 0, batch_accepted = 0, batch_rejected = 0;
  std::vector<pact::RowError> errors;
  std::size_t unscored = 0;  // accepted rows that did not score (must be none)
};

template <class Reader>
BatchReading read_batches(Reader& reader, const pact::Instrument& instrument) {
  BatchReading reading;
  pact::AssessmentBatch batch;
  pact::ScoredBatch scored;
  while (reader.next(batch)) {
    EXPECT_EQ(batch.rows_read(), batch.size() + batch.errors().size()) << "a batch's rows read != accepted + rejected";
    reading.batch_read += batch.rows_read();
    reading.batch_accepted += batch.size();
    reading.batch_rejected += batch.errors().size();
    reading.unscored += scored.score(instrument, batch).rejected;
    reading.errors.insert(reading.errors.end(), batch.errors().begin(), batch.errors().end());
  }
  reading.counts = reader.counts();
  return reading;
}

/// Runs one file through its reader; an error escaping it is returned.
std::optional<pact::Error> run_reader(const std::string& reader, const fs::path& file, BatchReading& batches) {
  try {
    if (reader == "instrument") {
      pact::Instrument::load(file);
    } else if (reader == "model") {
      pact::RiskModel::load(file, small_instrument());
    } else if (reader == "assessment") {
      pact::read_assessment_file(small_instrument(), file);
    } else if (reader == "csv") {
      pact::CsvReadOptions options;
      options.batch_rows = 4;  // several batches even in small files
      pact::CsvAssessmentReader csv(small_instrument(), file, options);
      batches = read_batches(csv, small_instrument());
    } else if (reader == "jsonl") {
      pact::JsonlReadOptions options;
      options.batch_rows = 4;
      pact::JsonlAssessmentReader jsonl(small_instrument(), file, options);
      batches = read_batches(jsonl, small_instrument());
    } else if (reader == "bundle") {
      pact::read_bundle(file);
    } else {
      ADD_FAILURE() << "unknown reader " << reader;
    }
  } catch (const pact::Error& e) {
    return e;
  }
  return std::nullopt;
}

json manifest() { return json::parse(pact_test::read_text((bad_dir / "expected.json").string())); }

TEST(BadInput, TheManifestListsEveryFileOfTheCorpus) {
  const json expected = manifest();
  std::set<std::string> listed;
  for (const json& entry : expected["files"])
    EXPECT_TRUE(listed.insert(entry["file"].get<std::string>()).second) << entry["file"] << " is listed twice";
  std::set<std::string> present;
  for (const auto& f : fs::directory_iterator(bad_dir))
    if (f.path().filename() != "expected.json" && f.path().filename() != "README.md")
      present.insert(f.path().filename().string());
  EXPECT_EQ(listed, present);
  EXPECT_GE(present.size(), 60u);
}

TEST(BadInput, EveryFileGivesItsExpectedError) {
  const json expected_outcomes = manifest();
  ASSERT_FALSE(expected_outcomes["files"].empty());
  for (const json& entry : expected_outcomes["files"]) {
    const std::string name = entry["file"];
    SCOPED_TRACE(name + " (" + entry.value("why", "") + ")");
    BatchReading batches;
    const std::optional<pact::Error> error = run_reader(entry["reader"], bad_dir / name, batches);

    if (entry.contains("error")) {
      const json& expected = entry["error"];
      if (!error) {
        ADD_FAILURE() << "read without an error";
        continue;
      }
      EXPECT_EQ(kind_name(error->kind()), expected["kind"].get<std::string>()) << error->what();
      EXPECT_EQ(error->where(), expected["where"].get<std::string>()) << error->what();
      EXPECT_NE(error->reason().find(expected["reason"].get<std::string>()), std::string::npos) << error->what();
      continue;
    }
    if (error) {
      ADD_FAILURE() << "refused: " << error->what();
      continue;
    }
    // A batch input read to its end: the counts, and each rejected row's error in input order.
    const json& rows = entry["rows"];
    EXPECT_EQ(batches.counts.read, rows["read"].get<std::uint64_t>());
    EXPECT_EQ(batches.counts.accepted, rows["accepted"].get<std::uint64_t>());
    EXPECT_EQ(batches.counts.rejected, rows["rejected"].get<std::uint64_t>());
    EXPECT_EQ(batches.counts.read, batches.counts.accepted + batches.counts.rejected);
    EXPECT_EQ(batches.batch_read, batches.counts.read);
    EXPECT_EQ(batches.batch_accepted, batches.counts.accepted);
    EXPECT_EQ(batches.batch_rejected, batches.counts.rejected);
    EXPECT_EQ(batches.unscored, 0u) << "an accepted row did not score";
    const json& expected_errors = entry.value("row_errors", json::array());
    ASSERT_EQ(batches.errors.size(), expected_errors.size());
    for (std::size_t k = 0; k < expected_errors.size(); ++k) {
      const json& expected = expected_errors[k];
      const pact::RowError& e = batches.errors[k];
      SCOPED_TRACE("row error " + std::to_string(k) + ": line " + std::to_string(e.line) + ", " + e.column + ": " +
                   e.reason);
      EXPECT_EQ(e.line, expected["line"].get<std::uint64_t>());
      EXPECT_EQ(e.column, expected["column"].get<std::string>());
      EXPECT_EQ(e.position, expected["position"].get<std::size_t>());
      EXPECT_EQ(kind_name(e.kind), expected["kind"].get<std::string>());
      EXPECT_NE(e.reason.find(expected["reason"].get<std::string>()), std::string::npos);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Inputs made here.

template <class Call>
pact::Error error_of(Call call) {
  try {
    call();
  } catch (const pact::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return pact::Error(pact::ErrorKind::internal, "", "no error");
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(BadInputMade, NestingAHundredThousandDeepIsALimitNotACrash) {
  const std::string deep = nested_arrays(100000);
  const pact::Error instrument = error_of([&] { pact::Instrument::parse("{\"levels\": " + deep + "}"); });
  EXPECT_EQ(instrument.kind(), pact::ErrorKind::limit);
  // The root object is level 1 and the first array (at /levels) level 2, so the 64th array is the
  // 65th level, the first past the limit of 64: at /levels, then index 0 of arrays 1 to 63.
  std::string path = "/levels";
  for (int k = 0; k < 63; ++k) path += "/0";
  EXPECT_EQ(instrument.where(), path);
  EXPECT_NE(instrument.reason().find("deeper than the limit of 64"), std::string::npos);

  const pact::Error model = error_of([&] { pact::RiskModel::parse(deep, small_instrument()); });
  EXPECT_EQ(model.kind(), pact::ErrorKind::limit);

  const pact::Error assessment = error_of([&] {
    pact::read_assessment_json(small_instrument(), "{\"case_id\": \"c\", \"responses\": {\"a1\": " + deep + "}}");
  });
  EXPECT_EQ(assessment.kind(), pact::ErrorKind::limit);
  // The assessment limit is 8: the root object, responses, then 7 arrays.
  EXPECT_EQ(assessment.where(), "/responses/a1/0/0/0/0/0/0");
}

TEST(BadInputMade, TextsPastTheSizeLimitsAreRefusedBeforeParsing) {
  // One byte more than 64 MiB of instrument JSON, and than 1 MiB of assessment JSON.
  const std::string instrument_text(std::size_t{64} << 20 | 1, ' ');
  const pact::Error instrument = error_of([&] { pact::Instrument::parse(instrument_text); });
  EXPECT_EQ(instrument.kind(), pact::ErrorKind::limit);
  EXPECT_NE(instrument.reason().find("67108865 bytes, more than the limit of 67108864"), std::string::npos);
  const pact::Error model = error_of([&] { pact::RiskModel::parse(instrument_text, small_instrument()); });
  EXPECT_EQ(model.kind(), pact::ErrorKind::limit);

  const std::string assessment_text((std::size_t{1} << 20) + 1, ' ');
  const pact::Error assessment = error_of([&] { pact::read_assessment_json(small_instrument(), assessment_text); });
  EXPECT_EQ(assessment.kind(), pact::ErrorKind::limit);
  EXPECT_NE(assessment.reason().find("1048577 bytes, more than the limit of 1048576"), std::string::npos);
}

TEST(BadInputMade, ListsPastTheCountLimitsAreRefused) {
  // The small instrument with 33 levels (limit 32): each level a bit above the one before.
  json instrument = json::parse(pact_test::read_text(pact_test::data_path("instruments/small.json")));
  json levels = json::array();
  for (int k = 0; k < 33; ++k) {
    std::string id = "l";  // built by appending: GCC 12 warns falsely (-Wrestrict) on "l" + std::to_string(k)
    id += std::to_string(k);
    levels.push_back({{"id", id}, {"label", {{"en", "x"}, {"es", "x"}}}, {"min_score", k / 33.0}});
  }
  instrument["levels"] = levels;
  const pact::Error e = error_of([&] { pact::Instrument::parse(instrument.dump()); });
  EXPECT_EQ(e.kind(), pact::ErrorKind::limit);
  EXPECT_EQ(e.where(), "/levels");
  EXPECT_NE(e.reason().find("expected at most 32 elements (a limit of pact), got 33"), std::string::npos) << e.what();
  // Instrument::problems reports it too, with the other problems.
  const auto problems = pact::Instrument::problems(instrument.dump());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].where(), "/levels");

  // The logistic test model with 1025 features (limit 1024).
  json model = json::parse(pact_test::read_text(pact_test::data_path("models/logistic.json")));
  for (int k = 0; model["features"].size() < 1025; ++k) {
    std::string id = "extra";
    id += std::to_string(k);
    model["features"].push_back({{"id", id}, {"kind", "item_severity"}, {"item", "c1"}, {"coefficient", 0.001},
                                 {"se", 0.1}, {"reference", 0}});
  }
  const pact::Error f = error_of([&] { pact::RiskModel::parse(model.dump(), small_instrument()); });
  EXPECT_EQ(f.kind(), pact::ErrorKind::limit);
  EXPECT_EQ(f.where(), "/features");
  EXPECT_NE(f.reason().find("expected at most 1024 elements (a limit of pact), got 1025"), std::string::npos) << f.what();
}

BatchReading read_csv_text(const std::string& text, const pact::CsvReadOptions& options = {}) {
  std::istringstream in(text);
  pact::CsvAssessmentReader reader(small_instrument(), in, options);
  return read_batches(reader, small_instrument());
}

TEST(BadInputMade, ALongCsvFieldOrRowRejectsItsRowOnly) {
  const std::string header = "case_id,a1,territory\n";
  const std::string long_field((std::size_t{1} << 20) + 1, 'x');  // 1 MiB + 1: past the field limit
  std::string text = header + "c-01,3," + long_field + "\nc-02,2,leon\n";
  BatchReading r = read_csv_text(text);
  EXPECT_EQ(r.counts.read, 2u);
  EXPECT_EQ(r.counts.accepted, 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[0].position, 3u);
  EXPECT_EQ(r.errors[0].column, "territory");
  EXPECT_EQ(r.errors[0].kind, pact::ErrorKind::limit);
  EXPECT_NE(r.errors[0].reason.find("the field is longer than the limit of 1048576 bytes"), std::string::npos);

  // Fields of 1 MiB - 1 bytes each: every field within its limit, but "c-01" and "3" (5 bytes) and
  // four of them make 2^22 + 1 bytes, past the row limit of 4 MiB in the fourth (field 6).
  const std::string big((std::size_t{1} << 20) - 1, 'y');
  std::string wide = "case_id,a1,t1,t2,t3,t4,t5\nc-01,3";
  for (int k = 0; k < 5; ++k) wide += "," + big;
  wide += "\nc-02,1,,,,,\n";
  r = read_csv_text(wide);
  EXPECT_EQ(r.counts.read, 2u);
  EXPECT_EQ(r.counts.accepted, 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].kind, pact::ErrorKind::limit);
  EXPECT_EQ(r.errors[0].position, 6u);
  EXPECT_NE(r.errors[0].reason.find("the row is longer than the limit of 4194304 bytes"), std::string::npos);

  // 5000 fields in a row of a header of 3: past the limit of 4096 fields.
  std::string many = header + "c-01,3,leon";
  for (int k = 0; k < 4997; ++k) many += ",";
  many += "\nc-02,1,leon\n";
  r = read_csv_text(many);
  EXPECT_EQ(r.counts.read, 2u);
  EXPECT_EQ(r.counts.accepted, 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].kind, pact::ErrorKind::limit);
  EXPECT_NE(r.errors[0].reason.find("more than the limit of 4096 fields"), std::string::npos);
}

TEST(BadInputMade, ALongCsvColumnNameIsAHeaderError) {
  const std::string text = "case_id,a1," + std::string(257, 'n') + "\nc-01,3,x\n";
  const pact::Error e = error_of([&] { read_csv_text(text); });
  EXPECT_EQ(e.kind(), pact::ErrorKind::limit);
  EXPECT_EQ(e.where(), "line 1, column 3");
  EXPECT_NE(e.reason().find("longer than the limit of 256 bytes"), std::string::npos);
}

TEST(BadInputMade, ALongJsonLineRejectsItsLineOnly) {
  std::string text = "{\"case_id\": \"j-01\", \"attributes\": {\"note\": \"" + std::string(std::size_t{1} << 20, 'z') +
                     "\"}, \"responses\": {\"a1\": 3}}\n";
  text += "{\"case_id\": \"j-02\", \"responses\": {\"a1\": 2}}\n";
  std::istringstream in(text);
  pact::JsonlAssessmentReader reader(small_instrument(), in);
  const BatchReading r = read_batches(reader, small_instrument());
  EXPECT_EQ(r.counts.read, 2u);
  EXPECT_EQ(r.counts.accepted, 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 1u);
  EXPECT_EQ(r.errors[0].kind, pact::ErrorKind::limit);
  EXPECT_NE(r.errors[0].reason.find("the line is longer than the limit of 1048576 bytes"), std::string::npos);
}

TEST(BadInputMade, RowAccountingHoldsOverManyBatches) {
  // 100,000 rows; row i (1-based) is bad in one of four ways when i % 7 == 0, cycling through them.
  std::string text = "case_id,a1,a3,b1\n";
  std::uint64_t bad = 0;
  const char* bad_rows[] = {"9,,", "3,-1,", "3,,0.5", "3,,,extra"};
  for (int i = 1; i <= 100000; ++i) {
    text += "c-" + std::to_string(i) + ",";
    if (i % 7 == 0) {
      text += bad_rows[bad++ % 4];
    } else {
      text += std::to_string(1 + i % 4) + "," + std::to_string(i % 600) + "," + std::to_string(i % 21);
    }
    text += "\n";
  }
  pact::CsvReadOptions options;
  options.batch_rows = 1000;
  const BatchReading r = read_csv_text(text, options);
  EXPECT_EQ(bad, 100000u / 7);
  EXPECT_EQ(r.counts.read, 100000u);
  EXPECT_EQ(r.counts.rejected, bad);
  EXPECT_EQ(r.counts.accepted, 100000u - bad);
  EXPECT_EQ(r.batch_read, r.counts.read);
  EXPECT_EQ(r.batch_rejected, r.counts.rejected);
  EXPECT_EQ(r.unscored, 0u);
  ASSERT_EQ(r.errors.size(), bad);
  for (std::size_t k = 0; k < r.errors.size(); ++k) EXPECT_EQ(r.errors[k].line, 1 + 7 * (k + 1)) << k;
}

}  // namespace
