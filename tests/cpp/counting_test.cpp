// The Alkire-Foster counting method: the worked example of Alkire & Foster (2011), hand-computed
// weighted and grouped cases, and the measures from scored cases.
#include "pact/counting.hpp"
#include "pact/scoring.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace {

// Alkire & Foster (2011), section 2: four people, four dimensions (income, years of schooling,
// a health index, access to a service), cut-offs z = (13, 12, 3, 1).
const pact::RowMatrix& paper_achievements() {
  static const pact::RowMatrix y = [] {
    pact::RowMatrix m(4, 4);
    m << 13.1, 14, 4, 1,  //
        15.2, 7, 5, 0,    //
        12.5, 10, 1, 0,   //
        20, 11, 3, 1;
    return m;
  }();
  return y;
}
const std::vector<double> paper_cutoffs = {13, 12, 3, 1};

TEST(Counting, PaperExampleM0) {
  // Deprivations: person 1 none; 2 schooling and access (c = 2/4); 3 all four (c = 1);
  // 4 schooling (c = 1/4). With k = 2 of 4 dimensions (.5): q = 2, H = 1/2,
  // A = (2/4 + 4/4) / 2 = 3/4, M0 = 3/8.
  const auto r = pact::alkire_foster(pact::view_rows(paper_achievements()), paper_cutoffs, {}, {0.5, 0});
  EXPECT_EQ(r.total.n, 4u);
  EXPECT_EQ(r.total.q, 2u);
  EXPECT_DOUBLE_EQ(r.total.H, 0.5);
  EXPECT_DOUBLE_EQ(r.total.A, 0.75);
  EXPECT_DOUBLE_EQ(r.total.M0, 0.375);
  EXPECT_DOUBLE_EQ(r.total.M, 0.375);
  // Uncensored headcounts: income 1/4, schooling 3/4, health 1/4, access 2/4; censoring person 4
  // drops schooling to 2/4.
  EXPECT_EQ(r.total.uncensored_headcount, (std::vector<double>{0.25, 0.75, 0.25, 0.5}));
  EXPECT_EQ(r.total.censored_headcount, (std::vector<double>{0.25, 0.5, 0.25, 0.5}));
  // Contributions w_d * CH_d / M0 = .25 * (1/4, 2/4, 1/4, 2/4) / (3/8) = 1/6, 1/3, 1/6, 1/3.
  EXPECT_NEAR(r.total.contribution[0], 1.0 / 6, 1e-15);
  EXPECT_NEAR(r.total.contribution[1], 1.0 / 3, 1e-15);
  EXPECT_NEAR(r.total.contribution[2], 1.0 / 6, 1e-15);
  EXPECT_NEAR(r.total.contribution[3], 1.0 / 3, 1e-15);
}

TEST(Counting, PaperExampleUnionAndIntersection) {
  // Union (k = 1/4): persons 2, 3, 4 are poor: H = 3/4, M0 = (2 + 4 + 1) / 16 = 7/16.
  auto r = pact::alkire_foster(pact::view_rows(paper_achievements()), paper_cutoffs, {}, {0.25, 0});
  EXPECT_DOUBLE_EQ(r.total.H, 0.75);
  EXPECT_DOUBLE_EQ(r.total.M0, 7.0 / 16);
  // Intersection (k = 1): only person 3: H = 1/4, A = 1, M0 = 1/4.
  r = pact::alkire_foster(pact::view_rows(paper_achievements()), paper_cutoffs, {}, {1.0, 0});
  EXPECT_DOUBLE_EQ(r.total.H, 0.25);
  EXPECT_DOUBLE_EQ(r.total.A, 1.0);
  EXPECT_DOUBLE_EQ(r.total.M0, 0.25);
}

TEST(Counting, PaperExampleM1AndM2) {
  // Normalised gaps of the poor (k = .5): person 2: schooling (12-7)/12 = 5/12, access 1;
  // person 3: income .5/13 = 1/26, schooling 2/12 = 1/6, health 2/3, access 1.
  const double gaps[] = {5.0 / 12, 1.0, 1.0 / 26, 1.0 / 6, 2.0 / 3, 1.0};
  double m1 = 0, m2 = 0;
  for (double g : gaps) {
    m1 += g / 16;
    m2 += g * g / 16;
  }
  auto r = pact::alkire_foster(pact::view_rows(paper_achievements()), paper_cutoffs, {}, {0.5, 1});
  EXPECT_NEAR(r.total.M, m1, 1e-15);
  EXPECT_DOUBLE_EQ(r.total.M0, 0.375) << "M0 is reported whatever alpha is";
  r = pact::alkire_foster(pact::view_rows(paper_achievements()), paper_cutoffs, {}, {0.5, 2});
  EXPECT_NEAR(r.total.M, m2, 1e-15);
  double sum = 0;
  for (double c : r.total.contribution) sum += c;
  EXPECT_NEAR(sum, 1.0, 1e-14);
}

TEST(Counting, WeightedIdentification) {
  // Weights 2, 1, 1, 0.5 -> 4/9, 2/9, 2/9, 1/9. c = (0, 2/9 + 1/9, 1, 2/9) = (0, 1/3, 1, 2/9).
  // k = 1/3: persons 2 and 3 are poor; M0 = (1/3 + 1) / 4 = 1/3; A = (4/3)/2 = 2/3.
  const std::vector<double> w = {2, 1, 1, 0.5};
  const auto r = pact::alkire_foster(pact::view_rows(paper_achievements()), paper_cutoffs, w, {1.0 / 3, 0});
  EXPECT_EQ(r.total.q, 2u);
  EXPECT_NEAR(r.total.M0, 1.0 / 3, 1e-15);
  EXPECT_NEAR(r.total.A, 2.0 / 3, 1e-15);
  EXPECT_NEAR(r.weights[0], 4.0 / 9, 1e-15);
}

TEST(Counting, SubgroupDecompositionSumsBackToTheTotal) {
  // Groups: people 1 and 2 in "north", 3 and 4 in "south".
  // north: only person 2 poor: M0 = (2/4) / 2 = 1/4. south: person 3: M0 = 1 / 2 = 1/2.
  // Total M0 = 1/2 * 1/4 + 1/2 * 1/2 = 3/8; contributions (1/8)/(3/8) = 1/3 and 2/3.
  const std::vector<std::string> labels = {"north", "north", "south", "south"};
  const auto groups = pact::Groups::from_labels(labels);
  const auto r = pact::alkire_foster(pact::view_rows(paper_achievements()), paper_cutoffs, {}, {0.5, 0}, &groups);
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(r.groups[0].group, "north");
  EXPECT_DOUBLE_EQ(r.groups[0].measures.M0, 0.25);
  EXPECT_DOUBLE_EQ(r.groups[1].measures.M0, 0.5);
  EXPECT_DOUBLE_EQ(r.groups[0].population_share, 0.5);
  EXPECT_NEAR(r.groups[0].contribution, 1.0 / 3, 1e-15);
  EXPECT_NEAR(r.groups[1].contribution, 2.0 / 3, 1e-15);
  double m0 = 0;
  for (const auto& g : r.groups) m0 += g.population_share * g.measures.M0;
  EXPECT_DOUBLE_EQ(m0, r.total.M0);
}

TEST(Counting, RejectsBadArguments) {
  const auto y = pact::view_rows(paper_achievements());
  EXPECT_THROW(pact::alkire_foster(y, paper_cutoffs, {}, {0.0, 0}), pact::InvalidArgument);
  EXPECT_THROW(pact::alkire_foster(y, paper_cutoffs, {}, {1.5, 0}), pact::InvalidArgument);
  EXPECT_THROW(pact::alkire_foster(y, paper_cutoffs, {}, {0.5, 3}), pact::InvalidArgument);
  EXPECT_THROW(pact::alkire_foster(y, std::vector<double>{1, 2}, {}, {0.5, 0}), pact::InvalidArgument);
  EXPECT_THROW(pact::alkire_foster(y, paper_cutoffs, std::vector<double>{1, 0, 1, 1}, {0.5, 0}), pact::InvalidArgument);
  EXPECT_THROW(pact::alkire_foster(y, std::vector<double>{13, 0, 3, 1}, {}, {0.5, 1}), pact::InvalidArgument);
  pact::RowMatrix with_nan = paper_achievements();
  with_nan(2, 1) = std::nan("");
  try {
    pact::alkire_foster(pact::view_rows(with_nan), paper_cutoffs, {}, {0.5, 0});
    FAIL();
  } catch (const pact::InvalidArgument& e) {
    EXPECT_EQ(e.where(), "achievements[2, 1]");
  }
  pact::Groups bad;
  bad.codes = {0, 0, 1, 2};
  bad.names = {"a", "b"};
  EXPECT_THROW(pact::alkire_foster(y, paper_cutoffs, {}, {0.5, 0}, &bad), pact::InvalidArgument);
}

TEST(Counting, EmptyPopulationGivesZeros) {
  pact::RowMatrix empty(0, 4);
  const auto r = pact::alkire_foster(pact::view_rows(empty), paper_cutoffs, {}, {0.5, 0});
  EXPECT_EQ(r.total.n, 0u);
  EXPECT_EQ(r.total.M0, 0.0);
}

TEST(Counting, FromScoresUsesTheInstrumentsCutoffsAndWeights) {
  const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  // Cut-offs .5, .4, .5; weights .5, .25, .25.
  pact::RowMatrix s(4, 3);
  s << 0.6, 0.1, 0.2,  // deprived in A: c = .5
      0.2, 0.4, 0.5,   // B and C: c = .5
      0.1, 0.1, 0.1,   // none
      0.7, 0.9, std::nan("");  // not scored in C: left out
  const auto r = pact::alkire_foster_from_scores(instrument, pact::view_rows(s), {0.5, 0});
  EXPECT_EQ(r.incomplete, 1u);
  EXPECT_EQ(r.total.n, 3u);
  EXPECT_EQ(r.total.q, 2u);
  EXPECT_DOUBLE_EQ(r.total.M0, 1.0 / 3);  // (.5 + .5) / 3
  // M1 gaps: A (.6-.5)/.5 = .2; B (.4-.4)/.6 = 0; C 0. M1 = .5*.2/3.
  const auto m1 = pact::alkire_foster_from_scores(instrument, pact::view_rows(s), {0.5, 1});
  EXPECT_NEAR(m1.total.M, 0.5 * 0.2 / 3, 1e-15);
}

TEST(Counting, StreamingByGroupEqualsTheMatrixFunction) {
  const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  pact::RowMatrix s(6, 3);
  s << 0.6, 0.1, 0.2, 0.2, 0.4, 0.5, 0.1, 0.1, 0.1, 0.7, 0.9, std::nan(""), 0.9, 0.9, 0.9, 0.5, 0.0, 0.6;
  const std::vector<std::string> labels = {"x", "y", "x", "y", "y", "x"};
  const auto groups = pact::Groups::from_labels(labels);
  for (int alpha : {0, 1, 2}) {
    const auto whole = pact::alkire_foster_from_scores(instrument, pact::view_rows(s), {0.5, alpha}, &groups);
    pact::CountingByGroup streamed(instrument, {0.5, alpha});
    for (Eigen::Index i = 0; i < s.rows(); ++i) streamed.add(s.row(i).data(), labels[static_cast<std::size_t>(i)]);
    const auto r = streamed.result();
    EXPECT_EQ(r.incomplete, whole.incomplete);
    EXPECT_DOUBLE_EQ(r.total.M, whole.total.M);
    EXPECT_DOUBLE_EQ(r.total.H, whole.total.H);
    ASSERT_EQ(r.groups.size(), whole.groups.size());
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
      EXPECT_EQ(r.groups[g].group, whole.groups[g].group);
      EXPECT_DOUBLE_EQ(r.groups[g].measures.M, whole.groups[g].measures.M);
      EXPECT_DOUBLE_EQ(r.groups[g].contribution, whole.groups[g].contribution);
    }
  }
}

TEST(Counting, AccumulatorsMergeToTheSameMeasures) {
  const std::vector<double> w = {0.25, 0.25, 0.25, 0.25};
  pact::CountingAccumulator whole(w, 0.5, 0), first(w, 0.5, 0), second(w, 0.5, 0);
  const bool rows[4][4] = {{false, false, false, false}, {false, true, false, true}, {true, true, true, true},
                           {false, true, false, false}};
  const double gaps[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    whole.add(rows[i], gaps);
    (i < 2 ? first : second).add(rows[i], gaps);
  }
  first.merge(second);
  EXPECT_DOUBLE_EQ(first.measures().M0, whole.measures().M0);
  EXPECT_EQ(first.measures().censored_headcount, whole.measures().censored_headcount);
}

}  // namespace
