// pact: a documented generative model of social-services caseloads (docs/simulation.md). Each
// case has subgroup attributes, latent exclusion severities per dimension (correlated through a
// general factor and an employability-economic-housing factor), a response to every item of the
// instrument driven by its dimension's severity, months already in care, and a future in care
// drawn month by month from a risk model's hazard. For demos, tests, benchmarks and power
// analysis: real caseloads are personal data and cannot ship.
//
// The output depends only on the model, the options and the seed: not on the thread count, nor,
// built without fused multiply-add contraction, on the compiler or the platform (docs/simulation.md,
// "Reproducibility").
#ifndef PACT_SIMULATION_HPP
#define PACT_SIMULATION_HPP

#include "pact/assessment.hpp"
#include "pact/calibration.hpp"
#include "pact/counting.hpp"
#include "pact/detail/parallel.hpp"
#include "pact/detail/portable_random.hpp"
#include "pact/error.hpp"
#include "pact/instrument.hpp"
#include "pact/matrix.hpp"
#include "pact/risk_model.hpp"
#include "pact/scoring.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace pact {

/// The latent severity of one dimension: eta = mean + attribute shifts + general_loading * g +
/// cluster_loading * h + sqrt(1 - general_loading^2 - cluster_loading^2) * e, with g (general
/// factor), h (employability-economic-housing factor) and e (the dimension's own) independent
/// standard normals.
struct LatentDimension {
  std::string dimension;  ///< dimension id
  double mean = 0.0;              ///< mu: the latent mean before attribute shifts
  double general_loading = 0.55;  ///< a: the loading on the general factor g
  double cluster_loading = 0.0;   ///< b: the loading on the cluster factor h (a^2 + b^2 <= 1)
};

/// One level of a subgroup attribute: its code, its share of cases, and what it adds to the
/// latent means of some dimensions.
struct AttributeLevel {
  std::string code;    ///< the level's code, e.g. "female", "non_eu", "leon"
  double share = 0.0;  ///< its share of cases (shares are normalised to sum 1)
  std::vector<std::pair<std::string, double>> shifts;  ///< dimension id, added to its latent mean
};

/// A subgroup attribute (sex, age band, ...): independent of the other attributes.
struct AttributeModel {
  std::string name;                    ///< the attribute's name, e.g. "territory"
  std::vector<AttributeLevel> levels;  ///< its levels, drawn with their shares
};

/// The latent dimensions of the profile for pact's default instrument (docs/simulation.md).
inline std::vector<LatentDimension> default_latent_dimensions() {
  return {
      {"employability", -0.15, 0.55, 0.45}, {"economic", 0.30, 0.55, 0.45},     {"housing", -0.35, 0.55, 0.45},
      {"vital_states", -1.35, 0.55, 0.0},   {"cohabitation", -0.55, 0.55, 0.0}, {"social_network", -0.70, 0.55, 0.0},
      {"resilience", -0.80, 0.55, 0.0},     {"time_in_care", -0.10, 0.45, 0.0}, {"rights_access", -2.20, 0.35, 0.0},
  };
}

/// Items of the default instrument whose situations are rarer than their dimension's severity
/// alone would make them: a shift added to the item's latent response.
inline std::vector<std::pair<std::string, double>> default_item_shifts() {
  return {{"coh_gender_violence", -1.5}, {"tic_parents_users", -0.8}, {"vit_addictions", -0.5},
          {"rig_legal", -0.5},           {"hou_homelessness", -0.5},  {"coh_minors_risk", -0.5}};
}

/// The subgroup attributes of the default profile, with their shifts on the default
/// instrument's dimensions.
inline std::vector<AttributeModel> default_attributes() {
  return {
      {"sex", {{"female", 0.58, {{"cohabitation", 0.20}, {"employability", 0.05}}}, {"male", 0.42, {}}}},
      {"age_band",
       {{"under_25", 0.12, {{"employability", 0.15}, {"vital_states", -0.25}}},
        {"25_44", 0.42, {}},
        {"45_54", 0.24, {{"employability", 0.10}, {"vital_states", 0.10}}},
        {"55_plus", 0.22, {{"employability", 0.25}, {"vital_states", 0.35}, {"social_network", 0.10}}}}},
      {"nationality",
       {{"spanish", 0.68, {}},
        {"eu", 0.07, {{"rights_access", 0.30}}},
        {"non_eu", 0.25, {{"rights_access", 0.90}, {"social_network", 0.20}, {"housing", 0.10}}}}},
      {"territory",
       {{"leon", 0.30, {{"employability", 0.05}}}, {"salamanca", 0.25, {}}, {"valladolid", 0.45, {{"housing", 0.05}}}}},
  };
}

/// How to simulate. The defaults are the profile written for pact's default instrument; for
/// another instrument start from SimulationOptions::generic() (entries naming dimensions or
/// items the instrument lacks are an error, never ignored).
struct SimulationOptions {
  std::uint64_t seed = 1;  ///< the seed of every draw (docs/simulation.md, "Reproducibility")
  std::size_t cases = 10000;  ///< for simulate_caseload
  unsigned threads = 0;       ///< 0 = every hardware thread; the output does not depend on it
  /// Latent means and loadings by dimension; a dimension not listed has mean 0,
  /// `general_loading` and no cluster loading.
  std::vector<LatentDimension> dimensions = default_latent_dimensions();
  double general_loading = 0.55;  ///< the general loading of dimensions not listed in `dimensions`
  /// sigma: an item's latent response is its dimension's severity plus sigma times a standard
  /// normal (the item's own noise) plus its shift.
  double item_noise = 0.8;
  /// (item id, shift) pairs: delta added to the item's latent response (negative: a rarer situation).
  std::vector<std::pair<std::string, double>> item_shifts = default_item_shifts();
  /// Probability that an optional item is unanswered (independently of everything else). Required
  /// items and the risk model's duration item are always answered.
  double missing_rate = 0.05;
  std::vector<AttributeModel> attributes = default_attributes();  ///< subgroup attributes, drawn independently
  /// Administrative censoring: follow-up ends this many months after the assessment.
  int followup_months = 36;
  /// Random censoring: probability that a case still in care is lost to follow-up at the end of
  /// each month.
  double monthly_dropout = 0.0;
  /// Keep each case's latent severities (cases x dimensions) in the output.
  bool keep_latent = false;

  /// Options without dimension- or item-specific parameters (every latent mean 0, general loading
  /// 0.55, no cluster, no item shifts; the default attributes' shares without their shifts), for
  /// any instrument.
  static SimulationOptions generic() {
    SimulationOptions o;
    o.dimensions.clear();
    o.item_shifts.clear();
    for (auto& attribute : o.attributes)
      for (auto& level : attribute.levels) level.shifts.clear();
    return o;
  }
};

/// One subgroup attribute of the simulated cases: its name and the level of each case.
struct SimulatedAttribute {
  std::string name;  ///< the attribute's name
  Groups groups;  ///< codes per case into names (the levels in the order of the options)
};

/// Simulated cases [first_case, first_case + size()).
struct SimulatedCaseload {
  std::size_t first_case = 0;  ///< the index of the first case held
  RowMatrix responses;  ///< cases x items, instrument order, NaN = unanswered
  std::vector<std::string> case_ids;  ///< "sim-000001" for case 0, ...
  std::vector<SimulatedAttribute> attributes;  ///< one per attribute of the options, in their order
  /// t0: completed months in care at the assessment (the duration item's value); -1 when the
  /// model is logistic (it has no duration item).
  std::vector<std::int32_t> months_in_care;
  std::vector<std::int32_t> followup_months;  ///< months observed after the assessment
  std::vector<std::uint8_t> left_care;        ///< 1: left care in the last month observed; 0: censored
  /// Still in care at the model's horizon: 1, 0, or NaN when follow-up ended before the horizon
  /// (observed_chronicity in calibration.hpp).
  std::vector<double> chronic;
  /// The generating model's P(chronic at its horizon) for the case, as score_risk gives it.
  std::vector<double> risk;
  RowMatrix latent;  ///< cases x dimensions when keep_latent, else empty

  /// The number of cases held.
  std::size_t size() const noexcept { return case_ids.size(); }
};

/// Cases are generated in blocks of this many, block b from its own std::mt19937_64 seeded with
/// detail::block_seed(seed, b); part of the definition of the output.
inline constexpr std::size_t simulation_block_cases = 1024;

/// A generator of caseloads from a risk model (whose instrument gives the items and whose hazard,
/// or logistic probability, gives the future in care) and options, validated once. Immutable and
/// safe to use from several threads.
class CaseloadSimulator {
 public:
  /// Throws InvalidArgument (naming the option, e.g. `options.dimensions[2].general_loading`)
  /// for options that cannot be used.
  CaseloadSimulator(const RiskModel& model, SimulationOptions options)
      : model_(model), options_(std::move(options)) {
    compile();
  }

  /// The generating model.
  const RiskModel& model() const noexcept { return model_; }
  /// The options, as given.
  const SimulationOptions& options() const noexcept { return options_; }

  /// Generates cases [first_case, first_case + count) into `out`, reusing its storage: the same
  /// values those cases have in any other call, whatever the range or the thread count.
  void generate(std::size_t first_case, std::size_t count, SimulatedCaseload& out) const;

  /// Generates cases [first_case, first_case + count) into a new caseload.
  SimulatedCaseload generate(std::size_t first_case, std::size_t count) const {
    SimulatedCaseload out;
    generate(first_case, count, out);
    return out;
  }

 private:
  struct ItemPlan {
    bool curve = false;  ///< false: a choice among options (ordinal, yes/no)
    bool may_be_missing = false;
    bool whole = false;  ///< count or months: whole numbers
    std::uint32_t dimension = 0;
    double shift = 0.0;
    std::vector<double> values;      ///< choice: the response codes in increasing severity
    std::vector<double> thresholds;  ///< choice: between consecutive values, on the latent response
    std::vector<double> x, severity; ///< curve: its points
    double min_value = 0.0, max_value = 0.0;
  };

  /// What a case needs besides its responses.
  struct CaseRecord {
    std::int32_t months_in_care = -1;
    std::int32_t followup = 0;
    std::uint8_t left = 0;
    double risk = 0.0;
  };

  /// Per-worker scratch.
  struct Scratch {
    std::vector<double> eta, shift, kernel, values, row;
    std::vector<std::uint8_t> imputed;
    std::vector<std::int32_t> codes;
  };

  void compile();
  Scratch make_scratch() const;
  void generate_case(std::mt19937_64& rng, Scratch& s, double* row, double* latent, std::int32_t* codes,
                     CaseRecord& record) const;
  double respond(const ItemPlan& item, double y) const;

  RiskModel model_;
  SimulationOptions options_;
  std::vector<double> mean_, general_, cluster_, unique_;  ///< per dimension
  std::vector<ItemPlan> items_;
  std::vector<std::vector<double>> cumulative_;  ///< per attribute: cumulative shares, the last exactly 1
  std::vector<std::vector<double>> shifts_;      ///< per attribute: levels x dimensions
  double response_scale_ = 1.0;                  ///< sqrt(1 + sigma^2)
};

namespace detail {

inline double standard_normal(std::mt19937_64& rng) { return normal_quantile(uniform_open(rng())); }
inline double standard_uniform(std::mt19937_64& rng) { return uniform_open(rng()); }

/// "sim-" and the 1-based case number, at least six digits.
inline std::string simulated_case_id(std::size_t index) {
  std::string digits = std::to_string(index + 1);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return "sim-" + digits;
}

/// x on a piecewise-linear curve through (x_k, s_k) where it first reaches severity s; the point
/// of nearest severity when the curve never does.
inline double invert_curve(const std::vector<double>& x, const std::vector<double>& sev, double s) noexcept {
  for (std::size_t k = 0; k + 1 < x.size(); ++k) {
    const double lo = std::min(sev[k], sev[k + 1]), hi = std::max(sev[k], sev[k + 1]);
    if (s < lo || s > hi) continue;
    if (sev[k] == sev[k + 1]) return x[k];
    return x[k] + (s - sev[k]) / (sev[k + 1] - sev[k]) * (x[k + 1] - x[k]);
  }
  std::size_t best = 0;
  for (std::size_t k = 1; k < x.size(); ++k)
    if (std::abs(sev[k] - s) < std::abs(sev[best] - s)) best = k;
  return x[best];
}

}  // namespace detail

inline void CaseloadSimulator::compile() {
  const Instrument& instrument = model_.instrument();
  const detail::RiskModelData& m = model_.data();
  const SimulationOptions& o = options_;
  const std::size_t dims = instrument.dimension_count();
  auto finite = [](double v) { return std::isfinite(v); };

  if (!(o.item_noise >= 0.0) || !finite(o.item_noise))
    throw InvalidArgument("options.item_noise", "expected a finite standard deviation >= 0");
  if (!(o.missing_rate >= 0.0 && o.missing_rate <= 1.0))
    throw InvalidArgument("options.missing_rate", "expected a probability in [0, 1]");
  if (!(o.monthly_dropout >= 0.0 && o.monthly_dropout <= 1.0))
    throw InvalidArgument("options.monthly_dropout", "expected a probability in [0, 1]");
  if (o.followup_months < 0 || o.followup_months > max_horizon_months)
    throw InvalidArgument("options.followup_months",
                          "expected a number of months in [0, " + std::to_string(max_horizon_months) + "]");
  auto check_loadings = [&](double a, double b, const std::string& where) {
    if (!(a >= 0.0 && a <= 1.0)) throw InvalidArgument(where + ".general_loading", "expected a loading in [0, 1]");
    if (!(b >= 0.0 && b <= 1.0)) throw InvalidArgument(where + ".cluster_loading", "expected a loading in [0, 1]");
    if (a * a + b * b > 1.0)
      throw InvalidArgument(where, "the squared loadings add up to more than 1 (the latent variance)");
  };
  check_loadings(o.general_loading, 0.0, "options");

  mean_.assign(dims, 0.0);
  general_.assign(dims, o.general_loading);
  cluster_.assign(dims, 0.0);
  std::vector<bool> seen(dims, false);
  for (std::size_t i = 0; i < o.dimensions.size(); ++i) {
    const LatentDimension& d = o.dimensions[i];
    const std::string where = "options.dimensions[" + std::to_string(i) + "]";
    const auto index = instrument.find_dimension(d.dimension);
    if (!index)
      throw InvalidArgument(where + ".dimension", "no dimension \"" + d.dimension + "\" in instrument " +
                                                      instrument.id() + " " + instrument.version());
    if (seen[*index]) throw InvalidArgument(where + ".dimension", "the dimension \"" + d.dimension + "\" is listed twice");
    seen[*index] = true;
    if (!finite(d.mean)) throw InvalidArgument(where + ".mean", "expected a finite number");
    check_loadings(d.general_loading, d.cluster_loading, where);
    mean_[*index] = d.mean;
    general_[*index] = d.general_loading;
    cluster_[*index] = d.cluster_loading;
  }
  unique_.resize(dims);
  for (std::size_t d = 0; d < dims; ++d)
    unique_[d] = std::sqrt(std::max(0.0, 1.0 - general_[d] * general_[d] - cluster_[d] * cluster_[d]));

  cumulative_.clear();
  shifts_.clear();
  for (std::size_t a = 0; a < o.attributes.size(); ++a) {
    const AttributeModel& attribute = o.attributes[a];
    const std::string where = "options.attributes[" + std::to_string(a) + "]";
    if (attribute.name.empty()) throw InvalidArgument(where + ".name", "expected a name");
    for (std::size_t b = 0; b < a; ++b)
      if (o.attributes[b].name == attribute.name)
        throw InvalidArgument(where + ".name", "the attribute \"" + attribute.name + "\" is listed twice");
    if (attribute.levels.empty()) throw InvalidArgument(where + ".levels", "expected at least one level");
    double total = 0.0;
    std::vector<double> shifts(attribute.levels.size() * dims, 0.0);
    for (std::size_t l = 0; l < attribute.levels.size(); ++l) {
      const AttributeLevel& level = attribute.levels[l];
      const std::string at = where + ".levels[" + std::to_string(l) + "]";
      if (level.code.empty()) throw InvalidArgument(at + ".code", "expected a code");
      for (std::size_t k = 0; k < l; ++k)
        if (attribute.levels[k].code == level.code)
          throw InvalidArgument(at + ".code", "the level \"" + level.code + "\" is listed twice");
      if (!(level.share >= 0.0) || !finite(level.share))
        throw InvalidArgument(at + ".share", "expected a finite share >= 0");
      total += level.share;
      for (std::size_t s = 0; s < level.shifts.size(); ++s) {
        const auto& [dimension, shift] = level.shifts[s];
        const std::string sat = at + ".shifts[" + std::to_string(s) + "]";
        const auto index = instrument.find_dimension(dimension);
        if (!index)
          throw InvalidArgument(sat, "no dimension \"" + dimension + "\" in instrument " + instrument.id() + " " +
                                         instrument.version());
        if (!finite(shift)) throw InvalidArgument(sat, "expected a finite shift");
        shifts[l * dims + *index] += shift;
      }
    }
    if (!(total > 0.0) || !finite(total))
      throw InvalidArgument(where + ".levels", "expected shares with a positive, finite sum");
    std::vector<double> cumulative(attribute.levels.size());
    double running = 0.0;
    for (std::size_t l = 0; l < attribute.levels.size(); ++l) {
      running += attribute.levels[l].share;
      cumulative[l] = running / total;
    }
    cumulative.back() = 1.0;
    cumulative_.push_back(std::move(cumulative));
    shifts_.push_back(std::move(shifts));
  }

  response_scale_ = std::sqrt(1.0 + o.item_noise * o.item_noise);
  items_.assign(instrument.item_count(), ItemPlan{});
  for (std::size_t i = 0; i < o.item_shifts.size(); ++i) {
    const auto& [id, shift] = o.item_shifts[i];
    const std::string where = "options.item_shifts[" + std::to_string(i) + "]";
    const auto j = instrument.find_item(id);
    if (!j) throw InvalidArgument(where, "no item \"" + id + "\" in instrument " + instrument.id() + " " + instrument.version());
    if (!finite(shift)) throw InvalidArgument(where, "expected a finite shift");
    items_[*j].shift += shift;
  }
  for (std::size_t j = 0; j < instrument.item_count(); ++j) {
    const Item& item = instrument.items()[j];
    ItemPlan& plan = items_[j];
    plan.dimension = static_cast<std::uint32_t>(item.dimension);
    plan.may_be_missing = !item.required && !(m.duration_item && *m.duration_item == j);
    if (item.type == ResponseType::ordinal || item.type == ResponseType::yes_no) {
      std::vector<std::pair<double, double>> options;  // severity, code
      if (item.type == ResponseType::ordinal)
        for (const auto& option : item.options) options.emplace_back(option.severity, option.value);
      else
        options = {{item.severity_no, 0.0}, {item.severity_yes, 1.0}};
      std::stable_sort(options.begin(), options.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (std::size_t k = 0; k < options.size(); ++k) {
        plan.values.push_back(options[k].second);
        if (k > 0)
          plan.thresholds.push_back(response_scale_ *
                                    detail::normal_quantile(0.5 * (options[k - 1].first + options[k].first)));
      }
    } else {
      plan.curve = true;
      plan.whole = item.type == ResponseType::count || item.type == ResponseType::months;
      plan.x = item.curve.x;
      plan.severity = item.curve.severity;
      plan.min_value = item.min_value;
      plan.max_value = item.max_value;
      if (plan.whole && std::ceil(plan.min_value) > plan.max_value)
        throw InvalidArgument("model", "item \"" + item.id + "\" admits no whole number");
    }
  }
}

inline CaseloadSimulator::Scratch CaseloadSimulator::make_scratch() const {
  const std::size_t dims = model_.instrument().dimension_count(), items = model_.instrument().item_count();
  const std::size_t k = model_.features().size();
  Scratch s;
  s.eta.resize(dims);
  s.shift.resize(dims);
  s.kernel.resize(4 * dims + items);
  s.values.resize(k);
  s.imputed.resize(k);
  s.row.resize(items);
  s.codes.resize(options_.attributes.size());
  return s;
}

/// An item's response to its latent response y = eta_d + shift + sigma z.
inline double CaseloadSimulator::respond(const ItemPlan& item, double y) const {
  if (!item.curve) {
    std::size_t k = 0;
    while (k < item.thresholds.size() && y > item.thresholds[k]) ++k;
    return item.values[k];
  }
  const double target = detail::normal_cdf(y / response_scale_);
  double x = detail::invert_curve(item.x, item.severity, target);
  x = item.whole ? std::floor(x + 0.5) : std::round(x * 100.0) / 100.0;
  if (x < item.min_value) x = item.whole ? std::ceil(item.min_value) : item.min_value;
  if (x > item.max_value) x = item.whole ? std::floor(item.max_value) : item.max_value;
  return x;
}

inline void CaseloadSimulator::generate_case(std::mt19937_64& rng, Scratch& s, double* row, double* latent,
                                             std::int32_t* codes, CaseRecord& record) const {
  const detail::RiskModelData& m = model_.data();
  const detail::InstrumentData& data = m.instrument.data();
  const std::size_t dims = mean_.size(), items = items_.size();

  // 1. Attributes, one uniform each.
  std::fill(s.shift.begin(), s.shift.end(), 0.0);
  for (std::size_t a = 0; a < cumulative_.size(); ++a) {
    const double u = detail::standard_uniform(rng);
    std::size_t level = 0;
    while (u >= cumulative_[a][level]) ++level;  // the last cumulative share is 1 > u
    codes[a] = static_cast<std::int32_t>(level);
    const double* shift = shifts_[a].data() + level * dims;
    for (std::size_t d = 0; d < dims; ++d) s.shift[d] += shift[d];
  }
  // 2. Latent severities: the general factor, the cluster factor, one normal per dimension.
  const double g = detail::standard_normal(rng);
  const double h = detail::standard_normal(rng);
  for (std::size_t d = 0; d < dims; ++d) {
    const double e = detail::standard_normal(rng);
    s.eta[d] = mean_[d] + s.shift[d] + general_[d] * g + cluster_[d] * h + unique_[d] * e;
  }
  if (latent) std::copy(s.eta.begin(), s.eta.end(), latent);
  // 3. Items in instrument order: a uniform (unanswered?) and a normal (the item's noise) each.
  for (std::size_t j = 0; j < items; ++j) {
    const ItemPlan& item = items_[j];
    const double u = detail::standard_uniform(rng);
    const double z = detail::standard_normal(rng);
    if (item.may_be_missing && u < options_.missing_rate) {
      row[j] = missing;
      continue;
    }
    row[j] = respond(item, s.eta[item.dimension] + item.shift + options_.item_noise * z);
  }
  // 4. The model's linear predictor, by the kernel risk scoring uses.
  double* scores = s.kernel.data();
  double* coverage = scores + dims;
  double* weighted = coverage + dims;
  double* weight = weighted + dims;
  double* severities = weight + dims;
  const detail::RowResult scored = detail::score_row(data, row, scores, coverage, severities, weighted, weight);
  if (scored.status != ResponseStatus::ok)
    throw Error(ErrorKind::internal, "simulation", "a simulated response is not valid for instrument " +
                                                       m.instrument.id() + " (item " +
                                                       m.instrument.items()[static_cast<std::size_t>(scored.error_item)].id + ")");
  std::int32_t imputed_count = 0;
  const detail::FeatureInputs inputs{row, severities, scores, scored.composite};
  const double eta = detail::linear_predictor(m, inputs, s.values.data(), s.imputed.data(), imputed_count);
  if (std::isnan(eta))
    throw InvalidArgument("model", "the linear predictor of a simulated case overflows (infinite terms of opposite sign)");

  // 5. The future in care.
  const int window = options_.followup_months;
  const double dropout = options_.monthly_dropout;
  int followup = 0;
  bool left = false;
  if (m.form == RiskForm::discrete_hazard) {
    const int t0 = detail::completed_months(row[*m.duration_item]);
    record.months_in_care = t0;
    record.risk = detail::chronicity_probability(m, eta, t0);
    std::size_t band = detail::baseline_band(m, t0 + 1);
    double hazard = detail::portable_logistic(m.baseline[band].coefficient + eta);
    for (int k = 1; k <= window; ++k) {
      const int t = t0 + k;
      if (band + 1 < m.baseline.size() && m.baseline[band + 1].from_month <= t) {
        band = detail::baseline_band(m, t);
        hazard = detail::portable_logistic(m.baseline[band].coefficient + eta);
      }
      followup = k;
      if (detail::standard_uniform(rng) < hazard) {
        left = true;
        break;
      }
      if (dropout > 0.0 && detail::standard_uniform(rng) < dropout) break;
    }
  } else {
    // A logistic model says whether the case is still in care at the horizon H, not when it
    // leaves: a case that is not leaves in a month drawn uniformly from 1..H; follow-up stops at H.
    const int horizon = m.horizon_months;
    record.months_in_care = -1;
    record.risk = detail::chronicity_probability(m, eta, 0);
    const bool chronic = detail::standard_uniform(rng) < detail::portable_logistic(eta);
    const int exit_month = 1 + static_cast<int>(detail::standard_uniform(rng) * static_cast<double>(horizon));
    const int last = std::min(window, horizon);
    for (int k = 1; k <= last; ++k) {
      followup = k;
      if (!chronic && k == exit_month) {
        left = true;
        break;
      }
      if (dropout > 0.0 && detail::standard_uniform(rng) < dropout) break;
    }
  }
  record.followup = followup;
  record.left = left ? 1 : 0;
}

inline void CaseloadSimulator::generate(std::size_t first_case, std::size_t count, SimulatedCaseload& out) const {
  const Instrument& instrument = model_.instrument();
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
  const auto rows = static_cast<Eigen::Index>(count);
  out.first_case = first_case;
  out.responses.resize(rows, static_cast<Eigen::Index>(items));
  out.case_ids.resize(count);
  out.months_in_care.resize(count);
  out.followup_months.resize(count);
  out.left_care.resize(count);
  out.chronic.resize(count);
  out.risk.resize(count);
  if (options_.keep_latent)
    out.latent.resize(rows, static_cast<Eigen::Index>(dims));
  else
    out.latent.resize(0, 0);
  out.attributes.resize(options_.attributes.size());
  for (std::size_t a = 0; a < options_.attributes.size(); ++a) {
    SimulatedAttribute& attribute = out.attributes[a];
    attribute.name = options_.attributes[a].name;
    attribute.groups.names.clear();
    for (const auto& level : options_.attributes[a].levels) attribute.groups.names.push_back(level.code);
    attribute.groups.codes.resize(count);
  }
  if (count == 0) return;

  const std::size_t first_block = first_case / simulation_block_cases;
  const std::size_t end_case = first_case + count;
  const std::size_t blocks = (end_case - 1) / simulation_block_cases - first_block + 1;
  const int horizon = model_.horizon_months();
  const unsigned workers = detail::worker_count(options_.threads, blocks, 1);
  detail::parallel_chunks(blocks, workers, [&](std::size_t begin, std::size_t end, unsigned) {
    Scratch s = make_scratch();
    CaseRecord record;
    for (std::size_t b = begin; b < end; ++b) {
      const std::size_t block = first_block + b;
      std::mt19937_64 rng(detail::block_seed(options_.seed, block));
      const std::size_t block_end = std::min(end_case, (block + 1) * simulation_block_cases);
      // A block is always generated from its first case, so that a case's values do not depend
      // on where the requested range starts; cases before the range are generated and dropped.
      for (std::size_t i = block * simulation_block_cases; i < block_end; ++i) {
        const bool keep = i >= first_case;
        const std::size_t r = keep ? i - first_case : 0;
        double* row = keep ? out.responses.data() + r * items : s.row.data();
        double* latent = keep && options_.keep_latent ? out.latent.data() + r * dims : nullptr;
        generate_case(rng, s, row, latent, s.codes.data(), record);
        if (!keep) continue;
        out.case_ids[r] = detail::simulated_case_id(i);
        for (std::size_t a = 0; a < s.codes.size(); ++a) out.attributes[a].groups.codes[r] = s.codes[a];
        out.months_in_care[r] = record.months_in_care;
        out.followup_months[r] = record.followup;
        out.left_care[r] = record.left;
        out.chronic[r] = observed_chronicity(record.followup, record.left, horizon);
        out.risk[r] = record.risk;
      }
    }
  });
}

/// Simulates options.cases cases from `model` (docs/simulation.md).
inline SimulatedCaseload simulate_caseload(const RiskModel& model, const SimulationOptions& options) {
  return CaseloadSimulator(model, options).generate(0, options.cases);
}

/// Simulates options.cases cases from pact's default model and instrument.
inline SimulatedCaseload simulate_caseload(const SimulationOptions& options = {}) {
  return simulate_caseload(RiskModel::bundled(), options);
}

}  // namespace pact

#endif  // PACT_SIMULATION_HPP
