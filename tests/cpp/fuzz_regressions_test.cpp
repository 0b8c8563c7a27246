// Every defect the fuzz targets found (docs/reliability.md, "Defects found"), each with the input
// that showed it, kept in tests/fuzz/regressions/ (the fuzz runs replay them too). Under the
// sanitizer build these tests also prove that nothing is read out of bounds any more.
#include "pact/instrument.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

std::string regression(const std::string& name) {
  return pact_test::read_text(pact_test::source_path("tests/fuzz/regressions/" + name));
}

std::vector<std::string> places(const std::vector<pact::Error>& problems) {
  std::vector<std::string> where;
  for (const pact::Error& e : problems) where.push_back(e.where());
  return where;
}

// Defect 1: Instrument::problems, which goes on after a bad level to report them all, compared
// the second level's min_score with the previous level kept, and when the first level had been
// refused there was none: it read before the start of an empty vector. The input is
// tests/data/instruments/small.json with the first level's "id" misspelt "foid".
TEST(FuzzRegressions, AProblemInTheFirstLevelIsReportedAlone) {
  const std::string text = regression("instrument-first-level-invalid.json");
  const std::vector<pact::Error> problems = pact::Instrument::problems(text);
  // Only the first level is wrong: its unknown field; the other two levels are in order.
  EXPECT_EQ(places(problems), std::vector<std::string>{"/levels/0/foid"});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].reason().find("unknown field \"foid\""), std::string::npos) << problems[0].what();
  EXPECT_THROW(pact::Instrument::parse(text), pact::ValidationError);
}

}  // namespace
