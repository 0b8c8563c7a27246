// The caseload simulator: the portable conversions against the standard library and published
// reference values, an independent re-implementation of the generative model as
// docs/simulation.md states it, determinism (seed, threads, ranges), the documented marginal
// distributions, validity of every response, the designed correlations, and the follow-up
// process against the generating model's probabilities.
#include "pact/simulation.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using pact::detail::normal_quantile;

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}
const pact::RiskModel& small_hazard() {
  static const auto model = pact::RiskModel::load(pact_test::data_path("models/hazard.json"), small());
  return model;
}
const pact::RiskModel& small_logistic() {
  static const auto model = pact::RiskModel::load(pact_test::data_path("models/logistic.json"), small());
  return model;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_matrix(const pact::RowMatrix& a, const pact::RowMatrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    if (!same_bits(a.data()[i], b.data()[i])) return false;
  return true;
}

void expect_identical(const pact::SimulatedCaseload& a, const pact::SimulatedCaseload& b) {
  EXPECT_TRUE(same_matrix(a.responses, b.responses));
  EXPECT_TRUE(same_matrix(a.latent, b.latent));
  EXPECT_EQ(a.case_ids, b.case_ids);
  EXPECT_EQ(a.months_in_care, b.months_in_care);
  EXPECT_EQ(a.followup_months, b.followup_months);
  EXPECT_EQ(a.left_care, b.left_care);
  ASSERT_EQ(a.chronic.size(), b.chronic.size());
  for (std::size_t i = 0; i < a.chronic.size(); ++i) {
    EXPECT_TRUE(same_bits(a.chronic[i], b.chronic[i])) << i;
    EXPECT_TRUE(same_bits(a.risk[i], b.risk[i])) << i;
  }
  ASSERT_EQ(a.attributes.size(), b.attributes.size());
  for (std::size_t k = 0; k < a.attributes.size(); ++k) {
    EXPECT_EQ(a.attributes[k].name, b.attributes[k].name);
    EXPECT_EQ(a.attributes[k].groups.names, b.attributes[k].groups.names);
    EXPECT_EQ(a.attributes[k].groups.codes, b.attributes[k].groups.codes);
  }
}

double standard_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// ---------------------------------------------------------------------------------------------
// The portable conversions

TEST(PortableRandom, SplitMixAndMersenneTwisterMatchTheirReferences) {
  // SplitMix64 from state 0: its first output is 0xe220a8397b1dcdaf (Vigna's splitmix64.c).
  EXPECT_EQ(pact::detail::block_seed(0, 0), 0xe220a8397b1dcdafULL);
  // The C++ standard fixes mt19937_64's sequence: the 10000th output of a default-constructed
  // engine is 9981545732273789042 ([rand.predef]).
  std::mt19937_64 engine;
  engine.discard(9999);
  EXPECT_EQ(engine(), 9981545732273789042ULL);
}

TEST(PortableRandom, UniformsAreOpenAndExact) {
  EXPECT_EQ(pact::detail::uniform_open(0), 0.5 / 4503599627370496.0);  // (0 + 1/2) / 2^52
  EXPECT_EQ(pact::detail::uniform_open(~0ULL), 1.0 - 0.5 / 4503599627370496.0);
  EXPECT_EQ(pact::detail::uniform_open(1ULL << 63), 0.5 + 0.5 / 4503599627370496.0);
}

TEST(PortableRandom, ExpLogAndTheNormalFunctionsAgreeWithTheStandardLibrary) {
  std::mt19937_64 rng(7);
  double exp_error = 0, log_error = 0, cdf_error = 0, quantile_error = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = (pact::detail::uniform_open(rng()) - 0.5) * 1400.0;
    const double e = std::exp(x);
    if (e > 1e-300) exp_error = std::max(exp_error, std::abs(pact::detail::portable_exp(x) - e) / e);
    const double y = std::exp((pact::detail::uniform_open(rng()) - 0.5) * 1400.0);
    log_error = std::max(log_error, std::abs(pact::detail::portable_log(y) - std::log(y)) / std::max(1.0, std::abs(std::log(y))));
    const double z = (pact::detail::uniform_open(rng()) - 0.5) * 20.0;
    cdf_error = std::max(cdf_error, std::abs(pact::detail::normal_cdf(z) - standard_cdf(z)));
    const double u = pact::detail::uniform_open(rng());
    const double q = normal_quantile(u);
    // Phi(q) must give u back to within the quantile's relative error times the slope.
    quantile_error = std::max(quantile_error, std::abs(standard_cdf(q) - u) / std::min(u, 1.0 - u));
  }
  EXPECT_LT(exp_error, 4e-16);
  EXPECT_LT(log_error, 4e-16);
  EXPECT_LT(cdf_error, 1e-15);
  EXPECT_LT(quantile_error, 1e-13);
  // Published quantiles: 1.959963984540054 (97.5%), -2.326347874040841 (1%).
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-15);
  EXPECT_NEAR(normal_quantile(0.01), -2.326347874040841, 1e-15);
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  EXPECT_EQ(normal_quantile(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(pact::detail::portable_log(1.0), 0.0);
  EXPECT_EQ(pact::detail::portable_exp(0.0), 1.0);
  EXPECT_NEAR(pact::detail::portable_log(4.9406564584124654e-324), -744.4400719213812, 1e-12);  // subnormal
}

// ---------------------------------------------------------------------------------------------
// The generative model as docs/simulation.md states it, written again here with the standard
// library's erfc and exp, sharing no code with the simulator beyond the documented conversions
// (uniform_open and normal_quantile, checked above) and the public risk scoring.

struct ReferenceCase {
  std::vector<double> responses;
  std::vector<std::int32_t> codes;
  std::int32_t followup = 0;
  std::uint8_t left = 0;
};

std::vector<ReferenceCase> reference_generator(const pact::RiskModel& model, const pact::SimulationOptions& o,
                                               std::size_t cases) {
  const pact::Instrument& instrument = model.instrument();
  const std::size_t dims = instrument.dimension_count();
  std::vector<double> mean(dims, 0.0), a(dims, o.general_loading), b(dims, 0.0);
  for (const auto& d : o.dimensions) {
    const auto k = *instrument.find_dimension(d.dimension);
    mean[k] = d.mean;
    a[k] = d.general_loading;
    b[k] = d.cluster_loading;
  }
  std::vector<double> item_shift(instrument.item_count(), 0.0);
  for (const auto& [id, shift] : o.item_shifts) item_shift[*instrument.find_item(id)] += shift;
  const double c = std::sqrt(1.0 + o.item_noise * o.item_noise);
  std::vector<ReferenceCase> out;
  std::mt19937_64 rng;
  for (std::size_t i = 0; i < cases; ++i) {
    if (i % 1024 == 0) rng.seed(pact::detail::block_seed(o.seed, i / 1024));
    auto U = [&] { return pact::detail::uniform_open(rng()); };
    auto N = [&] { return normal_quantile(U()); };
    ReferenceCase rc;
    std::vector<double> shift(dims, 0.0);
    for (const auto& attribute : o.attributes) {
      double total = 0;
      for (const auto& level : attribute.levels) total += level.share;
      const double u = U();
      double running = 0;
      std::size_t level = 0;
      for (; level + 1 < attribute.levels.size(); ++level) {
        running += attribute.levels[level].share;
        if (u < running / total) break;
      }
      rc.codes.push_back(static_cast<std::int32_t>(level));
      for (const auto& [dimension, s] : attribute.levels[level].shifts) shift[*instrument.find_dimension(dimension)] += s;
    }
    const double g = N(), h = N();
    std::vector<double> eta(dims);
    for (std::size_t d = 0; d < dims; ++d)
      eta[d] = mean[d] + shift[d] + a[d] * g + b[d] * h + std::sqrt(1.0 - a[d] * a[d] - b[d] * b[d]) * N();
    for (std::size_t j = 0; j < instrument.item_count(); ++j) {
      const pact::Item& item = instrument.items()[j];
      const double u = U(), z = N();
      const bool optional = !item.required && model.duration_item() != j;
      if (optional && u < o.missing_rate) {
        rc.responses.push_back(pact::missing);
        continue;
      }
      const double y = eta[item.dimension] + item_shift[j] + o.item_noise * z;
      if (item.type == pact::ResponseType::ordinal || item.type == pact::ResponseType::yes_no) {
        std::vector<std::pair<double, double>> options;  // severity, code
        if (item.type == pact::ResponseType::yes_no)
          options = {{item.severity_no, 0.0}, {item.severity_yes, 1.0}};
        for (const auto& option : item.options) options.emplace_back(option.severity, option.value);
        std::stable_sort(options.begin(), options.end(), [](auto& p, auto& q) { return p.first < q.first; });
        std::size_t k = 0;
        while (k + 1 < options.size() && y > c * normal_quantile((options[k].first + options[k + 1].first) / 2)) ++k;
        rc.responses.push_back(options[k].second);
        continue;
      }
      const double s = standard_cdf(y / c);
      const auto& xs = item.curve.x;
      const auto& ss = item.curve.severity;
      double x = std::numeric_limits<double>::quiet_NaN();
      for (std::size_t k = 0; k + 1 < xs.size() && std::isnan(x); ++k)
        if (s >= std::min(ss[k], ss[k + 1]) && s <= std::max(ss[k], ss[k + 1]))
          x = ss[k] == ss[k + 1] ? xs[k] : xs[k] + (s - ss[k]) / (ss[k + 1] - ss[k]) * (xs[k + 1] - xs[k]);
      if (std::isnan(x)) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < xs.size(); ++k)
          if (std::abs(ss[k] - s) < std::abs(ss[best] - s)) best = k;
        x = xs[best];
      }
      const bool whole = item.type != pact::ResponseType::amount;
      x = whole ? std::floor(x + 0.5) : std::round(100 * x) / 100;
      rc.responses.push_back(std::clamp(x, item.min_value, item.max_value));
    }
    const double lp = pact::score_risk(model, rc.responses).linear_predictor;
    if (model.form() == pact::RiskForm::discrete_hazard) {
      const int t0 = static_cast<int>(rc.responses[*model.duration_item()]);
      for (int k = 1; k <= o.followup_months; ++k) {
        std::size_t band = 0;
        while (band + 1 < model.baseline().size() && model.baseline()[band + 1].from_month <= t0 + k) ++band;
        rc.followup = k;
        if (U() < 1.0 / (1.0 + std::exp(-(model.baseline()[band].coefficient + lp)))) {
          rc.left = 1;
          break;
        }
        if (o.monthly_dropout > 0 && U() < o.monthly_dropout) break;
      }
    } else {
      const int horizon = model.horizon_months();
      const bool chronic = U() < 1.0 / (1.0 + std::exp(-lp));
      const int exit_month = 1 + static_cast<int>(U() * horizon);
      for (int k = 1; k <= std::min(o.followup_months, horizon); ++k) {
        rc.followup = k;
        if (!chronic && k == exit_month) {
          rc.left = 1;
          break;
        }
        if (o.monthly_dropout > 0 && U() < o.monthly_dropout) break;
      }
    }
    out.push_back(std::move(rc));
  }
  return out;
}

void expect_matches_reference(const pact::RiskModel& model, const pact::SimulationOptions& o, std::size_t cases) {
  const auto reference = reference_generator(model, o, cases);
  const auto sim = pact::CaseloadSimulator(model, o).generate(0, cases);
  std::size_t compared = 0;
  for (std::size_t i = 0; i < cases; ++i) {
    for (std::size_t j = 0; j < model.instrument().item_count(); ++j) {
      const double expected = reference[i].responses[j];
      const double got = sim.responses(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      if (std::isnan(expected))
        EXPECT_TRUE(std::isnan(got)) << "case " << i << " item " << model.instrument().items()[j].id;
      else
        EXPECT_EQ(got, expected) << "case " << i << " item " << model.instrument().items()[j].id;
      ++compared;
    }
    for (std::size_t a = 0; a < o.attributes.size(); ++a)
      EXPECT_EQ(sim.attributes[a].groups.codes[i], reference[i].codes[a]) << "case " << i;
    EXPECT_EQ(sim.followup_months[i], reference[i].followup) << "case " << i;
    EXPECT_EQ(sim.left_care[i], reference[i].left) << "case " << i;
  }
  EXPECT_EQ(compared, cases * model.instrument().item_count());
}

TEST(Simulation, FollowsTheDocumentedModelWithTheDefaultProfile) {
  pact::SimulationOptions o;
  o.seed = 11;
  o.monthly_dropout = 0.03;
  expect_matches_reference(pact::RiskModel::bundled(), o, 2100);  // three blocks
}

TEST(Simulation, FollowsTheDocumentedModelOnOtherInstrumentsAndForms) {
  pact::SimulationOptions o = pact::SimulationOptions::generic();
  o.seed = 5;
  o.missing_rate = 0.2;
  o.item_noise = 0.5;
  o.followup_months = 9;
  o.item_shifts = {{"a2", -1.0}, {"b2", 0.4}};
  o.dimensions = {{"b", 0.3, 0.6, 0.5}};
  o.attributes = {{"area", {{"north", 2.0, {{"a", 0.5}, {"c", -0.2}}}, {"south", 1.0, {}}}}};
  expect_matches_reference(small_hazard(), o, 1500);
  o.monthly_dropout = 0.05;
  o.followup_months = 18;  // beyond the logistic model's 12-month horizon: follow-up stops there
  expect_matches_reference(small_logistic(), o, 1500);
}

// ---------------------------------------------------------------------------------------------
// Determinism

TEST(Simulation, IsDeterministicForASeedWhateverTheThreadsOrTheRange) {
  pact::SimulationOptions o;
  o.seed = 42;
  o.cases = 5000;
  o.keep_latent = true;
  o.monthly_dropout = 0.01;
  o.threads = 1;
  const auto one = pact::simulate_caseload(o);
  EXPECT_EQ(one.size(), 5000u);
  expect_identical(one, pact::simulate_caseload(o));
  for (unsigned threads : {2u, 3u, 0u}) {
    o.threads = threads;
    expect_identical(one, pact::simulate_caseload(o));
  }
  // A range that starts inside a block and crosses two boundaries gives those cases' values.
  const pact::CaseloadSimulator simulator(pact::RiskModel::bundled(), o);
  const auto part = simulator.generate(1000, 1500);
  EXPECT_EQ(part.first_case, 1000u);
  ASSERT_EQ(part.size(), 1500u);
  EXPECT_EQ(part.case_ids.front(), "sim-001001");
  for (std::size_t r = 0; r < part.size(); ++r) {
    const auto i = static_cast<Eigen::Index>(1000 + r);
    for (Eigen::Index j = 0; j < part.responses.cols(); ++j)
      ASSERT_TRUE(same_bits(part.responses(static_cast<Eigen::Index>(r), j), one.responses(i, j))) << r;
    ASSERT_EQ(part.case_ids[r], one.case_ids[1000 + r]);
    ASSERT_EQ(part.followup_months[r], one.followup_months[1000 + r]);
    ASSERT_EQ(part.left_care[r], one.left_care[1000 + r]);
    ASSERT_TRUE(same_bits(part.latent(static_cast<Eigen::Index>(r), 3), one.latent(i, 3)));
  }
  // Another seed gives another caseload.
  o.seed = 43;
  const auto other = pact::simulate_caseload(o);
  std::size_t differ = 0;
  for (Eigen::Index i = 0; i < 100; ++i) differ += other.responses(i, 0) != one.responses(i, 0) ? 1 : 0;
  EXPECT_GT(differ, 30u);
}

TEST(Simulation, NamesCasesPseudonymously) {
  EXPECT_EQ(pact::detail::simulated_case_id(0), "sim-000001");
  EXPECT_EQ(pact::detail::simulated_case_id(41), "sim-000042");
  EXPECT_EQ(pact::detail::simulated_case_id(999999), "sim-1000000");
  pact::SimulationOptions o;
  o.cases = 3;
  EXPECT_EQ(pact::simulate_caseload(o).case_ids, (std::vector<std::string>{"sim-000001", "sim-000002", "sim-000003"}));
}

// ---------------------------------------------------------------------------------------------
// Distributions

const pact::SimulatedCaseload& large_default() {
  static const auto caseload = [] {
    pact::SimulationOptions o;
    o.seed = 2015;
    o.cases = 200000;
    o.keep_latent = true;
    return pact::simulate_caseload(o);
  }();
  return caseload;
}

TEST(Simulation, AttributeSharesAreTheDocumentedOnes) {
  const auto& sim = large_default();
  const auto attributes = pact::default_attributes();
  ASSERT_EQ(sim.attributes.size(), 4u);
  EXPECT_EQ(sim.attributes[0].name, "sex");
  EXPECT_EQ(sim.attributes[3].groups.names, (std::vector<std::string>{"leon", "salamanca", "valladolid"}));
  const double n = static_cast<double>(sim.size());
  for (std::size_t a = 0; a < attributes.size(); ++a)
    for (std::size_t l = 0; l < attributes[a].levels.size(); ++l) {
      const double share = attributes[a].levels[l].share;  // the default shares sum to 1
      const auto count = std::count(sim.attributes[a].groups.codes.begin(), sim.attributes[a].groups.codes.end(),
                                    static_cast<std::int32_t>(l));
      // Binomial: within 4 standard errors.
      EXPECT_NEAR(static_cast<double>(count) / n, share, 4 * std::sqrt(share * (1 - share) / n))
          << attributes[a].name << " " << attributes[a].levels[l].code;
    }
}

TEST(Simulation, MissingAnswersOnlyWhereAllowedAndAtTheConfiguredRate) {
  const auto& sim = large_default();
  const auto& model = pact::RiskModel::bundled();
  const auto& instrument = model.instrument();
  const double n = static_cast<double>(sim.size());
  for (std::size_t j = 0; j < instrument.item_count(); ++j) {
    double unanswered = 0;
    for (Eigen::Index i = 0; i < sim.responses.rows(); ++i)
      unanswered += std::isnan(sim.responses(i, static_cast<Eigen::Index>(j))) ? 1 : 0;
    const auto& item = instrument.items()[j];
    if (item.required || j == *model.duration_item())
      EXPECT_EQ(unanswered, 0) << item.id;
    else
      EXPECT_NEAR(unanswered / n, 0.05, 4 * std::sqrt(0.05 * 0.95 / n)) << item.id;
  }
}

TEST(Simulation, EveryResponseIsValidForTheInstrument) {
  const auto& sim = large_default();
  const auto& instrument = pact::Instrument::bundled();
  std::vector<std::int32_t> status(sim.size());
  pact::BatchOutputs out;
  out.status = status.data();
  const auto summary = pact::score_batch(instrument, pact::view_rows(sim.responses), out, 2);
  EXPECT_EQ(summary.rejected, 0u);
  EXPECT_EQ(summary.scored, sim.size());
  // Counts and months are whole numbers, amounts have at most two decimals.
  for (std::size_t j = 0; j < instrument.item_count(); ++j) {
    const auto& item = instrument.items()[j];
    if (item.type == pact::ResponseType::ordinal || item.type == pact::ResponseType::yes_no) continue;
    for (Eigen::Index i = 0; i < 5000; ++i) {
      const double v = sim.responses(i, static_cast<Eigen::Index>(j));
      if (std::isnan(v)) continue;
      if (item.type == pact::ResponseType::amount)
        EXPECT_NEAR(v * 100, std::round(v * 100), 1e-6) << item.id;
      else
        EXPECT_EQ(v, std::floor(v)) << item.id;
    }
  }
  // The small instrument, with generic options, every form.
  pact::SimulationOptions o = pact::SimulationOptions::generic();
  o.cases = 20000;
  o.missing_rate = 0.3;
  for (const pact::RiskModel* model : {&small_hazard(), &small_logistic()}) {
    const auto small_sim = pact::simulate_caseload(*model, o);
    std::vector<std::int32_t> small_status(small_sim.size());
    pact::BatchOutputs small_out;
    small_out.status = small_status.data();
    EXPECT_EQ(pact::score_batch(small(), pact::view_rows(small_sim.responses), small_out).rejected, 0u);
  }
}

// Pearson correlation of two columns over rows where both are present.
double correlation(const pact::RowMatrix& m, Eigen::Index a, Eigen::Index b) {
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, n = 0;
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    const double x = m(i, a), y = m(i, b);
    if (std::isnan(x) || std::isnan(y)) continue;
    sa += x, sb += y, saa += x * x, sbb += y * y, sab += x * y, n += 1;
  }
  const double cov = sab / n - sa / n * sb / n;
  return cov / std::sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
}

TEST(Simulation, DimensionScoresCorrelateAsDesigned) {
  const auto& sim = large_default();
  const auto& instrument = pact::Instrument::bundled();
  const auto dims = static_cast<Eigen::Index>(instrument.dimension_count());
  pact::RowMatrix scores(sim.responses.rows(), dims);
  pact::BatchOutputs out;
  out.dimension_scores = scores.data();
  pact::score_batch(instrument, pact::view_rows(sim.responses), out, 2);
  const Eigen::Index employability = *instrument.find_dimension("employability");
  const Eigen::Index economic = *instrument.find_dimension("economic");
  const Eigen::Index housing = *instrument.find_dimension("housing");
  auto in_cluster = [&](Eigen::Index d) { return d == employability || d == economic || d == housing; };
  double cluster_sum = 0, cluster_n = 0, other_max = 0;
  for (Eigen::Index a = 0; a < dims; ++a)
    for (Eigen::Index b = a + 1; b < dims; ++b) {
      const double r = correlation(scores, a, b);
      EXPECT_GT(r, 0.05) << instrument.dimensions()[a].id << " " << instrument.dimensions()[b].id;
      if (in_cluster(a) && in_cluster(b)) {
        cluster_sum += r;
        cluster_n += 1;
      } else {
        other_max = std::max(other_max, r);
      }
    }
  EXPECT_EQ(cluster_n, 3);
  EXPECT_GT(cluster_sum / cluster_n, other_max + 0.05);
}

TEST(Simulation, LatentCorrelationsAreTheFactorModels) {
  // Without attribute shifts the latent covariance is a a' + b b' + diag(1 - a^2 - b^2).
  pact::SimulationOptions o;
  for (auto& attribute : o.attributes)
    for (auto& level : attribute.levels) level.shifts.clear();
  o.cases = 100000;
  o.keep_latent = true;
  o.seed = 9;
  const auto sim = pact::simulate_caseload(o);
  const auto& instrument = pact::Instrument::bundled();
  const auto dims = instrument.dimension_count();
  for (std::size_t a = 0; a < dims; ++a) {
    const auto& da = o.dimensions[a];  // the default profile lists the dimensions in instrument order
    ASSERT_EQ(da.dimension, instrument.dimensions()[a].id);
    double sum = 0, sum2 = 0;
    for (Eigen::Index i = 0; i < sim.latent.rows(); ++i) {
      sum += sim.latent(i, static_cast<Eigen::Index>(a));
      sum2 += sim.latent(i, static_cast<Eigen::Index>(a)) * sim.latent(i, static_cast<Eigen::Index>(a));
    }
    const double n = static_cast<double>(sim.latent.rows());
    EXPECT_NEAR(sum / n, da.mean, 0.015) << da.dimension;                           // SE 0.0032
    EXPECT_NEAR(sum2 / n - (sum / n) * (sum / n), 1.0, 0.03) << da.dimension;       // SE 0.0045
    for (std::size_t b = a + 1; b < dims; ++b) {
      const auto& db = o.dimensions[b];
      const double expected = da.general_loading * db.general_loading + da.cluster_loading * db.cluster_loading;
      EXPECT_NEAR(correlation(sim.latent, static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)), expected, 0.015)
          << da.dimension << " " << db.dimension;  // SE below 0.0032
    }
  }
}

TEST(Simulation, AttributesShiftTheLatentMeans) {
  // non_eu adds 0.9 to rights_access's latent mean; spanish adds nothing.
  const auto& sim = large_default();
  const auto rights = static_cast<Eigen::Index>(*pact::Instrument::bundled().find_dimension("rights_access"));
  const auto& nationality = sim.attributes[2].groups;
  ASSERT_EQ(nationality.names, (std::vector<std::string>{"spanish", "eu", "non_eu"}));
  double sum[3] = {0, 0, 0}, n[3] = {0, 0, 0};
  for (Eigen::Index i = 0; i < sim.latent.rows(); ++i) {
    const auto g = static_cast<std::size_t>(nationality.codes[static_cast<std::size_t>(i)]);
    sum[g] += sim.latent(i, rights);
    n[g] += 1;
  }
  EXPECT_NEAR(sum[2] / n[2] - sum[0] / n[0], 0.9, 0.03);
  EXPECT_NEAR(sum[1] / n[1] - sum[0] / n[0], 0.3, 0.05);
}

// ---------------------------------------------------------------------------------------------
// The future in care

TEST(Simulation, MonthsInCareAreTheDurationItem) {
  const auto& sim = large_default();
  const auto duration = static_cast<Eigen::Index>(*pact::RiskModel::bundled().duration_item());
  for (Eigen::Index i = 0; i < 1000; ++i)
    EXPECT_EQ(sim.months_in_care[static_cast<std::size_t>(i)], static_cast<std::int32_t>(sim.responses(i, duration)));
  // Longer in care with a more severe time-in-care latent: positively correlated.
  pact::RowMatrix pair(sim.latent.rows(), 2);
  const auto tic = static_cast<Eigen::Index>(*pact::Instrument::bundled().find_dimension("time_in_care"));
  for (Eigen::Index i = 0; i < sim.latent.rows(); ++i) {
    pair(i, 0) = sim.latent(i, tic);
    pair(i, 1) = sim.months_in_care[static_cast<std::size_t>(i)];
  }
  EXPECT_GT(correlation(pair, 0, 1), 0.4);
}

TEST(Simulation, ExitsFollowTheGeneratingModel) {
  // Without censoring before the horizon every outcome is observed, and the share still in care
  // at the horizon estimates the mean of the model's probabilities.
  const auto& sim = large_default();
  double chronic = 0, risk = 0, variance = 0;
  for (std::size_t i = 0; i < sim.size(); ++i) {
    ASSERT_FALSE(std::isnan(sim.chronic[i]));
    chronic += sim.chronic[i];
    risk += sim.risk[i];
    variance += sim.risk[i] * (1 - sim.risk[i]);
    EXPECT_LE(sim.followup_months[i], 36);
    EXPECT_TRUE(sim.left_care[i] == 1 || sim.followup_months[i] == 36);
  }
  const double n = static_cast<double>(sim.size());
  EXPECT_NEAR(chronic / n, risk / n, 4 * std::sqrt(variance) / n);
  // The same for the logistic form.
  pact::SimulationOptions o = pact::SimulationOptions::generic();
  o.cases = 100000;
  const auto logistic = pact::simulate_caseload(small_logistic(), o);
  chronic = risk = variance = 0;
  for (std::size_t i = 0; i < logistic.size(); ++i) {
    chronic += logistic.chronic[i];
    risk += logistic.risk[i];
    variance += logistic.risk[i] * (1 - logistic.risk[i]);
    EXPECT_EQ(logistic.months_in_care[i], -1);
    EXPECT_LE(logistic.followup_months[i], 12);  // the model's horizon
  }
  EXPECT_NEAR(chronic / 100000, risk / 100000, 4 * std::sqrt(variance) / 100000);
}

TEST(Simulation, CensoringMakesTheOutcomeUnknownBeforeTheHorizon) {
  pact::SimulationOptions o;
  o.cases = 20000;
  o.monthly_dropout = 0.05;
  o.followup_months = 30;
  const auto sim = pact::simulate_caseload(o);
  std::size_t unknown = 0, dropped = 0;
  for (std::size_t i = 0; i < sim.size(); ++i) {
    const int m = sim.followup_months[i];
    const bool left = sim.left_care[i] == 1;
    if (!left && m < 30) ++dropped;
    // docs/simulation.md: 0 when it left within 24 months, 1 when seen in care through month 24.
    if (left && m <= 24)
      EXPECT_EQ(sim.chronic[i], 0.0);
    else if (m >= 24)
      EXPECT_EQ(sim.chronic[i], 1.0);
    else
      EXPECT_TRUE(std::isnan(sim.chronic[i]));
    unknown += std::isnan(sim.chronic[i]) ? 1 : 0;
  }
  EXPECT_GT(dropped, 2000u);
  EXPECT_GT(unknown, 2000u);
  // A window shorter than the horizon leaves every case that did not leave unknown.
  o.followup_months = 12;
  o.monthly_dropout = 0;
  const auto short_window = pact::simulate_caseload(o);
  for (std::size_t i = 0; i < short_window.size(); ++i)
    EXPECT_EQ(std::isnan(short_window.chronic[i]), short_window.left_care[i] == 0);
}

// ---------------------------------------------------------------------------------------------
// Options

void expect_invalid(const pact::RiskModel& model, const pact::SimulationOptions& o, const std::string& where) {
  try {
    pact::CaseloadSimulator simulator(model, o);
    ADD_FAILURE() << "no error for " << where;
  } catch (const pact::InvalidArgument& e) {
    EXPECT_EQ(e.where(), where) << e.what();
  }
}

TEST(Simulation, RejectsOptionsItCannotUse) {
  const auto& model = pact::RiskModel::bundled();
  pact::SimulationOptions o;
  o.missing_rate = 1.5;
  expect_invalid(model, o, "options.missing_rate");
  o = {};
  o.monthly_dropout = -0.1;
  expect_invalid(model, o, "options.monthly_dropout");
  o = {};
  o.followup_months = -1;
  expect_invalid(model, o, "options.followup_months");
  o = {};
  o.item_noise = std::numeric_limits<double>::infinity();
  expect_invalid(model, o, "options.item_noise");
  o = {};
  o.dimensions[2].general_loading = 0.9;  // 0.81 + 0.45^2 > 1
  expect_invalid(model, o, "options.dimensions[2]");
  o = {};
  o.dimensions[1].dimension = "economy";
  expect_invalid(model, o, "options.dimensions[1].dimension");
  o = {};
  o.dimensions.push_back(o.dimensions[0]);
  expect_invalid(model, o, "options.dimensions[9].dimension");
  o = {};
  o.item_shifts.push_back({"nope", 1.0});
  expect_invalid(model, o, "options.item_shifts[6]");
  o = {};
  o.attributes[1].levels[2].share = -1;
  expect_invalid(model, o, "options.attributes[1].levels[2].share");
  o = {};
  o.attributes[0].levels[1].code = "female";
  expect_invalid(model, o, "options.attributes[0].levels[1].code");
  o = {};
  o.attributes[3].levels[0].shifts.push_back({"wealth", 0.1});
  expect_invalid(model, o, "options.attributes[3].levels[0].shifts[1]");
  o = {};
  for (auto& level : o.attributes[2].levels) level.share = 0;
  expect_invalid(model, o, "options.attributes[2].levels");
  // The default profile names the default instrument's dimensions: not the small one's.
  expect_invalid(small_hazard(), pact::SimulationOptions{}, "options.dimensions[0].dimension");
  EXPECT_NO_THROW(pact::CaseloadSimulator(small_hazard(), pact::SimulationOptions::generic()));
}

}  // namespace
