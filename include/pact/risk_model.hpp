// pact: the chronicity-risk model, an immutable description of features, coefficients and risk
// bands loaded from validated JSON against the instrument it reads (docs/risk-model-format.md),
// and the scoring of cases with it: the probability of still being in care at the model's
// horizon, the survival curve (hazard form), the band, and the explanation of the result
// (contributions, top factors, counterfactual). The risk kernels are shared by a single case
// and a batch, and the instrument's two kernels agree to the bit (pact/scoring.hpp), so a case
// scores the same alone or in a batch.
#ifndef PACT_RISK_MODEL_HPP
#define PACT_RISK_MODEL_HPP

#include "pact/assessment.hpp"
#include "pact/detail/parallel.hpp"
#include "pact/error.hpp"
#include "pact/instrument.hpp"
#include "pact/matrix.hpp"
#include "pact/scoring.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pact {

/// The two forms of the model (docs/risk-model-format.md, "The two forms").
enum class RiskForm : std::uint8_t {
  logistic,         ///< P(chronic) = logistic(b0 + b'x) at the model's horizon only
  discrete_hazard,  ///< monthly exit hazard logistic(a_band(t) + b'x); P(chronic) = S(horizon)
};

/// How a feature's value x is read from a case.
enum class FeatureKind : std::uint8_t {
  dimension_score,   ///< a dimension's score in [0, 1]
  item_severity,     ///< an item's severity in [0, 1]
  item_value,        ///< an item's recorded value
  log_item_value,    ///< ln(1 + value)
  hinge_item_value,  ///< max(0, value - knot)
  composite,         ///< the composite index in [0, 1]
  indicator,         ///< 1 when an earlier feature is at or above a threshold, else 0
  interaction,       ///< the product of two earlier features
};

/// Where a model's coefficients come from.
enum class ProvenanceStatus : std::uint8_t {
  illustrative,  ///< set by hand to plausible values; not fitted on real data
  calibrated,    ///< fitted on data with observed outcomes
};

/// The names as written in model JSON.
inline const char* to_string(RiskForm form) noexcept {
  return form == RiskForm::logistic ? "logistic" : "discrete_hazard";
}
/// A feature kind's name as written in model JSON ("dimension_score", "interaction", ...).
inline const char* to_string(FeatureKind kind) noexcept {
  switch (kind) {
    case FeatureKind::dimension_score: return "dimension_score";
    case FeatureKind::item_severity: return "item_severity";
    case FeatureKind::item_value: return "item_value";
    case FeatureKind::log_item_value: return "log_item_value";
    case FeatureKind::hinge_item_value: return "hinge_item_value";
    case FeatureKind::composite: return "composite";
    case FeatureKind::indicator: return "indicator";
    case FeatureKind::interaction: return "interaction";
  }
  return "unknown";
}
/// "illustrative" or "calibrated", as written in model JSON and in every result.
inline const char* to_string(ProvenanceStatus status) noexcept {
  return status == ProvenanceStatus::illustrative ? "illustrative" : "calibrated";
}

/// An estimated coefficient and its standard error.
struct Coefficient {
  double coefficient = 0.0;  ///< the estimate, on the logit scale
  double se = 0.0;           ///< its standard error (>= 0)
};

/// A duration band of the hazard form's baseline: months from `from_month` to the month before
/// the next band's (the last band is open), with the baseline logit a of the monthly exit hazard.
struct DurationBand {
  int from_month = 1;        ///< the band's first duration month (the first band starts at 1)
  double coefficient = 0.0;  ///< a: the baseline logit of the monthly exit hazard in the band
  double se = 0.0;           ///< its standard error
};

/// One feature of the linear predictor.
struct RiskFeature {
  std::string id;  ///< unique among the model's features
  FeatureKind kind = FeatureKind::dimension_score;  ///< how x is read from the case
  double coefficient = 0.0;  ///< b_k, on the logit scale (of chronicity, or of the exit hazard)
  double se = 0.0;           ///< its standard error
  double reference = 0.0;  ///< the typical case's value, on the scale of x
  /// As written in the model, or (when the model gives none) the instrument's label of the
  /// dimension or item, in the model's languages.
  Label label;
  bool label_from_instrument = false;  ///< the label was taken from the instrument
  std::size_t source = 0;  ///< dimension index (dimension_score) or item index (item kinds)
  double knot = 0.0;       ///< hinge_item_value
  double at_least = 0.0;   ///< indicator
  std::array<std::size_t, 2> of{0, 0};  ///< indicator: of[0]; interaction: both (earlier feature indices)
};

/// A risk band, reached at `min_probability` and above.
struct RiskBand {
  std::string id;                ///< low, medium, high or very_high
  Label label;                   ///< the band's name
  double min_probability = 0.0;  ///< the lowest probability of chronicity in the band (0 for low)
};

/// Validation statistics a fitted model may carry in its provenance (the full report of an
/// evaluation is pact::ValidationMetrics in metrics.hpp).
struct ProvenanceMetrics {
  std::optional<double> auc;                    ///< ROC AUC
  std::optional<double> brier;                  ///< Brier score
  std::optional<double> calibration_intercept;  ///< calibration-in-the-large (ideal 0)
  std::optional<double> calibration_slope;      ///< calibration slope (ideal 1)
  std::optional<double> ece;                    ///< expected calibration error
};

/// Where the coefficients come from (docs/risk-model-format.md, "provenance").
struct Provenance {
  ProvenanceStatus status = ProvenanceStatus::illustrative;  ///< illustrative or calibrated
  std::string fitted_on;  ///< what data (never personal data)
  std::string fitted_at;  ///< YYYY-MM-DD
  std::string method;     ///< how the coefficients were obtained
  std::optional<std::int64_t> n_cases;  ///< cases fitted on, when stated
  std::optional<std::int64_t> n_rows;  ///< hazard form: person-month rows
  ProvenanceMetrics metrics;  ///< validation statistics, when stated
  std::string notes;          ///< free text (may be empty)
};

/// What every risk result carries for the record (EU AI Act Art. 12): which model, which
/// instrument, their content hashes, and whether the coefficients were fitted.
struct ModelStamp {
  std::string model_id;       ///< RiskModel::id()
  std::string model_version;  ///< RiskModel::version()
  std::string model_hash;     ///< RiskModel::hash()
  ProvenanceStatus status = ProvenanceStatus::illustrative;  ///< whether the coefficients were fitted
  std::string instrument_id;       ///< Instrument::id() of the model's instrument
  std::string instrument_version;  ///< Instrument::version()
  std::string instrument_hash;     ///< Instrument::hash()
};

/// When reassessing a case should raise a risk alert (docs/risk-model-format.md, "alerts").
struct ModelAlertRules {
  bool band_increase = false;                 ///< the risk band went up
  std::optional<double> probability_increase; ///< the probability rose by at least this
};

namespace detail {
struct RiskModelData;
}

/// A loaded, validated risk model bound to the instrument it reads. Immutable: copies share the
/// same data, and every member function is safe to call from many threads at once.
class RiskModel {
 public:
  /// Parses and validates model JSON text against `instrument` (which the model keeps); throws
  /// ParseError or ValidationError (with the JSON Pointer of the offending value).
  static RiskModel parse(std::string_view json_text, const Instrument& instrument);
  /// Reads, parses and validates a model file; throws IoError, ParseError, ValidationError.
  static RiskModel load(const std::filesystem::path& file, const Instrument& instrument);
  /// Every problem of model JSON text read against `instrument` (empty when it loads): each
  /// section and feature is checked even after another failed.
  static std::vector<Error> problems(std::string_view json_text, const Instrument& instrument);
  /// The default model shipped with pact (models/pact-chronicity.json), compiled into the
  /// library and bound to Instrument::bundled().
  static const RiskModel& bundled();

  /// The model's identifier (e.g. "pact-chronicity").
  const std::string& id() const noexcept;
  /// Its semantic version, MAJOR.MINOR.PATCH.
  const std::string& version() const noexcept;
  /// "sha256:" and the hex SHA-256 of the canonical JSON, as for instruments.
  const std::string& hash() const noexcept;
  /// Sorted keys, no insignificant whitespace; parsing it gives back the same model and hash.
  const std::string& canonical_json() const noexcept;
  /// The model's name.
  const Label& name() const noexcept;
  /// What the model is for (may be empty).
  const Label& description() const noexcept;
  /// The languages of the model's labels (each one of the instrument's).
  const std::vector<std::string>& languages() const noexcept;
  /// The language used when a caller asks for one the model lacks.
  const std::string& default_language() const noexcept;

  /// The instrument the model was loaded against.
  const Instrument& instrument() const noexcept;
  /// The instrument versions the model accepts: [min, max).
  const std::string& instrument_min_version() const noexcept;
  /// The first instrument version the model no longer accepts (exclusive bound).
  const std::string& instrument_max_version() const noexcept;

  /// What "chronic" means for this model, in words.
  const Label& outcome_definition() const noexcept;
  /// The chronicity horizon: still in care this many months after the assessment.
  int horizon_months() const noexcept;
  /// Logistic at the horizon, or discrete-time hazard of leaving care.
  RiskForm form() const noexcept;
  /// b0 (logistic form); zero in the hazard form.
  const Coefficient& intercept() const noexcept;
  /// The item that records the months in care at the assessment (hazard form only).
  std::optional<std::size_t> duration_item() const noexcept;
  /// The hazard form's duration bands (empty for the logistic form).
  const std::vector<DurationBand>& baseline() const noexcept;
  /// The features of the linear predictor, in model order.
  const std::vector<RiskFeature>& features() const noexcept;
  /// Indices into instrument().items() of the items counterfactuals may change, in instrument order.
  const std::vector<std::size_t>& actionable_items() const noexcept;
  /// low, medium, high, very_high.
  const std::vector<RiskBand>& bands() const noexcept;
  /// Where the coefficients come from (illustrative or calibrated, on what data).
  const Provenance& provenance() const noexcept;
  /// When reassessing a case raises risk alerts.
  const ModelAlertRules& alert_rules() const noexcept;

  /// Index of the feature with this id, if any.
  std::optional<std::size_t> find_feature(std::string_view id) const noexcept;
  /// Whether item `item` (an index into instrument().items()) is actionable.
  bool is_actionable(std::size_t item) const noexcept;
  /// The model's and the instrument's ids, versions and hashes, and the provenance status.
  ModelStamp stamp() const;

  /// Internal: the data the scoring kernels read.
  const detail::RiskModelData& data() const noexcept { return *data_; }

 private:
  explicit RiskModel(std::shared_ptr<const detail::RiskModelData> data) : data_(std::move(data)) {}
  friend RiskModel detail_make_risk_model(std::shared_ptr<const detail::RiskModelData>);

  std::shared_ptr<const detail::RiskModelData> data_;
};

/// The longest extra horizon a caller may ask for (100 years).
inline constexpr int max_horizon_months = 1200;

/// The most features a risk model may have (the default has 13): the loaders compare every pair
/// of feature ids, so this bounds a load's time whatever the file (docs/reliability.md, "Limits").
/// More is a LimitError at /features.
inline constexpr std::size_t max_model_features = 1024;

/// What to compute besides the probability at the model's horizon.
struct RiskOptions {
  /// Extra horizons in months, each in [1, max_horizon_months]; hazard form only (a logistic
  /// model answers at its own horizon and nowhere else).
  std::vector<int> horizons;
  /// Search for the smallest actionable change that lowers the band (it rescores the case once
  /// per lower-severity response of each answered actionable item).
  bool counterfactual = true;
};

/// One feature's part in a result.
struct FeatureContribution {
  double value = 0.0;         ///< x_k; the reference when imputed
  double reference = 0.0;     ///< the typical case's value
  double contribution = 0.0;  ///< b_k (x_k - reference_k), on the linear predictor
  /// The contribution's signed effect on the chronicity risk: positive raises it. Equal to the
  /// contribution in the logistic form; its opposite in the hazard form, where the linear
  /// predictor is on the exit hazard.
  double risk_effect = 0.0;
  bool imputed = false;  ///< the input was missing and the feature took its reference value
};

/// The probability of still being in care at one horizon.
struct HorizonProbability {
  int months = 0;            ///< months after the assessment
  double probability = 0.0;  ///< S(months): the probability of still being in care then
};

/// The smallest change in one answered actionable item that moves the case to a lower band.
struct Counterfactual {
  std::size_t item = 0;        ///< index into Instrument::items()
  double from_value = 0.0;     ///< the recorded response
  double to_value = 0.0;       ///< the response that lowers the band
  double from_severity = 0.0;  ///< the item's severity now
  double to_severity = 0.0;    ///< its severity after the change
  double probability = 0.0;    ///< the chronicity probability after the change
  int band = 0;                ///< the band after the change
};

/// The most top factors a result lists.
inline constexpr std::size_t max_top_factors = 3;

/// The chronicity risk of one case and its explanation.
struct RiskResult {
  ModelStamp stamp;  ///< which model and instrument computed it (EU AI Act Art. 12)
  RiskForm form = RiskForm::logistic;  ///< the model's form
  double linear_predictor = 0.0;  ///< b'x (plus b0 in the logistic form)
  int horizon_months = 0;  ///< the model's horizon
  double probability = 0.0;       ///< P(still in care horizon_months after the assessment)
  int band = 0;                   ///< index into RiskModel::bands()
  int months_in_care = -1;        ///< t0, completed months in care (hazard form, capped at 10^9); -1 otherwise
  std::vector<HorizonProbability> horizons;  ///< the extra horizons asked for, in the order asked
  /// Hazard form: S(m) for m = 1 .. the largest horizon (model or extra); survival[m - 1] = S(m).
  std::vector<double> survival;
  std::vector<FeatureContribution> contributions;  ///< one per feature, model order
  std::size_t imputed_count = 0;  ///< features whose input was missing and took their reference
  /// Up to three features that raise the risk most (risk_effect > 0), largest first; ties in
  /// model order. Indices into RiskModel::features(); labels via features()[k].label.
  std::vector<std::size_t> top_factors;
  std::optional<Counterfactual> counterfactual;  ///< none: already lowest band, or no single change suffices
  /// Whether the counterfactual search ran (RiskOptions::counterfactual): without it, no
  /// counterfactual says nothing about the case.
  bool counterfactual_searched = false;
};

}  // namespace pact

#include "pact/detail/risk_model_data.hpp"

namespace pact {

namespace detail {

/// The risk effect of feature k at value x: b_k (x - reference_k), with the sign turned in the
/// hazard form (where the linear predictor is on the exit hazard). The single-case and the batch
/// paths both compute it here, so that their top factors agree.
inline double risk_effect(const RiskModelData& m, std::size_t k, double x) noexcept {
  const double contribution = m.features[k].coefficient * (x - m.features[k].reference);
  return m.form == RiskForm::logistic ? contribution : -contribution;
}

/// Writes the indices of up to max_top_factors features that raise the risk most (risk effect >
/// 0), largest first, ties in model order, into `top`, and returns how many there are. `values`
/// holds every feature's value (as linear_predictor computes them). No allocation: the batch
/// calls it for every row.
///
/// Each pick is a pass over the features for the next one in the order (largest effect, then
/// lowest index) after the previous pick: a few more multiplications than one insertion pass,
/// but no branch on the effects, which vary from case to case and made that pass mispredict.
inline std::size_t top_factors(const RiskModelData& m, const double* values, std::int32_t* top) noexcept {
  const auto n = static_cast<std::int32_t>(m.features.size());
  double previous_effect = std::numeric_limits<double>::infinity();
  std::int32_t previous = -1;
  std::size_t count = 0;
  for (; count < max_top_factors; ++count) {
    double best_effect = 0.0;  // only effects above zero are picked (never NaN)
    std::int32_t best = -1;
    for (std::int32_t k = 0; k < n; ++k) {
      const double e = risk_effect(m, static_cast<std::size_t>(k), values[k]);
      const bool after_previous = e < previous_effect || (e == previous_effect && k > previous);
      const bool better = after_previous && e > best_effect;  // the first of equal effects stays
      best_effect = better ? e : best_effect;
      best = better ? k : best;
    }
    if (best < 0) break;
    top[count] = best;
    previous_effect = best_effect;
    previous = best;
  }
  return count;
}

/// One block's feature inputs for block_features: `count` rows (at most block_rows), row r's
/// responses at responses + r * stride, its dimension scores at dimension_score + r * dimensions,
/// its item severities at item_severity + r * items (null when no feature reads them), its
/// composite in results[r], and (when the model has log_item_value features) feature k's log1p
/// at log1p_values[k * block_rows + r], as FeatureInputs takes them.
struct BlockFeatureInputs {
  std::size_t count = 0;
  const double* responses = nullptr;
  std::size_t stride = 0;
  const double* dimension_score = nullptr;
  std::size_t dimensions = 0;
  const double* item_severity = nullptr;
  std::size_t items = 0;
  const RowResult* results = nullptr;
  const double* log1p_values = nullptr;
  bool top_factors = true;  ///< whether to pick the top factors (BlockFeatures::top is left as is otherwise)
};

/// What block_features computes for a block's rows, feature by feature: feature k's value in row
/// r (its reference when imputed) at values[k * block_rows + r], each row's linear predictor and
/// imputed count, and its top factors, pick p at top[p * block_rows + r] (-1 after the last).
/// A worker allocates one per model and reuses it for every block.
struct BlockFeatures {
  explicit BlockFeatures(std::size_t features);
  double* values;     ///< features x block_rows
  double* imputed;    ///< scratch, as values: 1 where imputed, else 0
  double* effect;     ///< scratch, as values: risk_effect
  double* row_values;         ///< scratch of a short block, one row
  std::uint8_t* row_imputed;  ///< the same
  double eta[block_rows];
  std::int32_t imputed_count[block_rows];
  std::int32_t top[max_top_factors * block_rows];

 private:
  // One allocation for all of them: a host scoring one case at a time through the batch call (the
  // C API's dense-row path) pays for every allocation of every call.
  std::unique_ptr<double[]> storage_;
};

/// linear_predictor and top_factors for every row of a block, to the bit, in the batch form of
/// src/risk_block.cpp: each feature read and imputed across the block's rows at once, in
/// vectors. Every row is computed, whatever its instrument status; the caller ignores the rows
/// without a risk. A full block (block_rows rows) goes through the widest build the processor
/// runs; a shorter one through linear_predictor and top_factors row by row.
void block_features(const RiskModelData& m, const BlockFeatureInputs& in, BlockFeatures& out) noexcept;

/// A build of block_features' full-block loop for one instruction set.
using BlockFeaturesKernel = void (*)(const RiskModelData&, const BlockFeatureInputs&, BlockFeatures&) noexcept;

/// One of the instruction sets block_features is compiled for.
struct BlockFeaturesVariant {
  const char* name;            ///< "avx512", "avx2", "baseline"
  BlockFeaturesKernel kernel;  ///< the build for it (full blocks only)
};

/// The builds of block_features this processor can run, the one block_features uses first (the
/// tests hold each of them to linear_predictor and top_factors).
std::vector<BlockFeaturesVariant> block_features_variants();

/// Severity drops closer than this are ties (severities are authored with a few decimals, and
/// their differences should not be split by rounding).
inline constexpr double severity_tie = 1e-9;

inline void check_risk_inputs(const RiskModel& model, std::span<const double> responses, const CaseScores& scores) {
  const Instrument& instrument = model.instrument();
  if (responses.size() != instrument.item_count())
    throw InvalidArgument("/responses", "expected " + std::to_string(instrument.item_count()) +
                                            " responses (one per item of " + instrument.id() + "), got " +
                                            std::to_string(responses.size()));
  if (scores.item_severity.size() != instrument.item_count() || scores.dimensions.size() != instrument.dimension_count())
    throw InvalidArgument("scores", "the case scores do not come from instrument " + instrument.id() + " " +
                                        instrument.version() + " (wrong number of items or dimensions)");
}

}  // namespace detail

/// The chronicity risk of a case already scored by the model's instrument: `responses` (one per
/// item in instrument order, NaN = missing) and `scores` = score(model.instrument(), responses).
/// Throws ValidationError at `/responses/<duration item>` when a hazard model lacks the months in
/// care (and at `/responses` in the freak case of values so large that the linear predictor
/// overflows to NaN), and InvalidArgument for inputs of the wrong shape or extra horizons a
/// logistic model cannot answer.
inline RiskResult score_risk(const RiskModel& model, std::span<const double> responses, const CaseScores& scores,
                             const RiskOptions& options = {}) {
  const detail::RiskModelData& m = model.data();
  const Instrument& instrument = m.instrument;
  detail::check_risk_inputs(model, responses, scores);
  if (m.form == RiskForm::logistic && !options.horizons.empty())
    throw InvalidArgument("horizons", "a logistic model answers at its own horizon (" +
                                          std::to_string(m.horizon_months) + " months) only");
  int longest = m.horizon_months;
  for (std::size_t h = 0; h < options.horizons.size(); ++h) {
    const int months = options.horizons[h];
    if (months < 1 || months > max_horizon_months)
      throw InvalidArgument("horizons/" + std::to_string(h), "expected a number of months in [1, " +
                                                                 std::to_string(max_horizon_months) + "], got " +
                                                                 std::to_string(months));
    longest = std::max(longest, months);
  }

  RiskResult result;
  result.stamp = model.stamp();
  result.form = m.form;
  result.horizon_months = m.horizon_months;
  if (m.form == RiskForm::discrete_hazard) {
    const double months = responses[*m.duration_item];
    if (std::isnan(months))
      throw ValidationError("/responses/" + instrument.items()[*m.duration_item].id,
                            "risk model " + m.id + " needs the months in care to place the case on its duration "
                            "bands, and the item has no answer");
    result.months_in_care = detail::completed_months(months);
  }

  const std::size_t n = m.features.size();
  std::vector<double> dimension_score(instrument.dimension_count());
  for (std::size_t d = 0; d < dimension_score.size(); ++d) dimension_score[d] = scores.dimensions[d].score;
  std::vector<double> values(n);
  std::vector<std::uint8_t> imputed(n);
  std::int32_t imputed_count = 0;
  const detail::FeatureInputs inputs{responses.data(), scores.item_severity.data(), dimension_score.data(),
                                     scores.composite};
  result.linear_predictor = detail::linear_predictor(m, inputs, values.data(), imputed.data(), imputed_count);
  if (std::isnan(result.linear_predictor))
    throw ValidationError("/responses", "the case's values are too large for risk model " + m.id +
                                            ": its linear predictor overflows (infinite terms of opposite sign)");
  result.imputed_count = static_cast<std::size_t>(imputed_count);
  result.probability = detail::chronicity_probability(m, result.linear_predictor, result.months_in_care);
  result.band = detail::band_of(m, result.probability);

  if (m.form == RiskForm::discrete_hazard) {
    result.survival.resize(static_cast<std::size_t>(longest));
    detail::hazard_survival(m, result.linear_predictor, result.months_in_care, longest, result.survival.data());
    for (int months : options.horizons)
      result.horizons.push_back({months, result.survival[static_cast<std::size_t>(months - 1)]});
  }

  result.contributions.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    FeatureContribution& c = result.contributions[k];
    c.value = values[k];
    c.reference = m.features[k].reference;
    c.imputed = imputed[k] != 0;
    c.contribution = m.features[k].coefficient * (c.value - c.reference);
    c.risk_effect = detail::risk_effect(m, k, c.value);
  }
  std::array<std::int32_t, max_top_factors> top{};
  const std::size_t top_count = detail::top_factors(m, values.data(), top.data());
  for (std::size_t t = 0; t < top_count; ++t) result.top_factors.push_back(static_cast<std::size_t>(top[t]));

  result.counterfactual_searched = options.counterfactual;
  if (!options.counterfactual || result.band == 0 || m.actionable_items.empty()) return result;

  // Rescore the whole case with one actionable item changed at a time: a change moves every
  // dimension, composite and feature that reads the item, not just one term. Only the changed
  // item's dimension sums anew (over its items in instrument order, as the kernel sums them);
  // the other dimensions keep the kernel's sums for the case, so each rescored case is, to the
  // bit, what score_row gives for it.
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
  const detail::InstrumentData& data = instrument.data();
  std::vector<double> changed(responses.begin(), responses.end());
  std::vector<double> scratch(6 * dims + items);
  double* const score_tmp = scratch.data();
  double* const coverage_tmp = score_tmp + dims;
  double* const weighted = coverage_tmp + dims;
  double* const weight = weighted + dims;
  double* const case_weighted = weight + dims;
  double* const case_weight = case_weighted + dims;
  double* const severity_tmp = case_weight + dims;
  if (detail::score_row(data, responses.data(), score_tmp, coverage_tmp, severity_tmp, case_weighted, case_weight)
          .status != ResponseStatus::ok)
    return result;  // not a valid case: nothing to search (score() would have thrown)
  for (const std::size_t j : m.actionable_items) {
    const double from = responses[j];
    if (std::isnan(from)) continue;
    const double from_severity = scores.item_severity[j];
    const std::size_t dimension = data.compiled[j].dimension;
    const auto try_change = [&](double to) {
      double to_severity = 0.0;
      if (to == from || detail::response_severity(data, j, to, to_severity) != ResponseStatus::ok ||
          !(to_severity < from_severity))
        return;
      changed[j] = to;
      const double case_severity = severity_tmp[j];
      severity_tmp[j] = to_severity;
      std::copy(case_weighted, case_weighted + dims, weighted);
      std::copy(case_weight, case_weight + dims, weight);
      weighted[dimension] = 0.0;
      weight[dimension] = 0.0;
      for (const std::size_t i : data.dimensions[dimension].items) {
        if (std::isnan(changed[i])) continue;
        weighted[dimension] += data.compiled[i].weight * severity_tmp[i];
        weight[dimension] += data.compiled[i].weight;
      }
      // A valid case with one valid response changed is valid: finish_row always scores it.
      const detail::RowResult row = detail::finish_row(data, weighted, weight, score_tmp, coverage_tmp);
      const detail::FeatureInputs moved{changed.data(), severity_tmp, score_tmp, row.composite};
      const double eta = detail::linear_predictor(m, moved, values.data(), imputed.data(), imputed_count);
      changed[j] = from;
      severity_tmp[j] = case_severity;
      const double p = detail::chronicity_probability(m, eta, result.months_in_care);
      const int band = detail::band_of(m, p);
      if (band < 0 || band >= result.band) return;  // band -1: the change overflowed the predictor
      const double drop = from_severity - to_severity;
      bool better = !result.counterfactual;
      if (!better) {
        const double best_drop = result.counterfactual->from_severity - result.counterfactual->to_severity;
        better = drop < best_drop - detail::severity_tie ||
                 (drop <= best_drop + detail::severity_tie && p < result.counterfactual->probability);
      }
      if (better) result.counterfactual = Counterfactual{j, from, to, from_severity, to_severity, p, band};
    };
    // The responses tried: the other option codes, the other yes/no answer, or the points of
    // the severity curve.
    const Item& item = instrument.items()[j];
    switch (item.type) {
      case ResponseType::ordinal:
        for (const auto& option : item.options) try_change(option.value);
        break;
      case ResponseType::yes_no:
        try_change(0.0);
        try_change(1.0);
        break;
      default:
        for (const double x : item.curve.x) try_change(x);
        break;
    }
  }
  return result;
}

/// Scores a case with the model's instrument and then its chronicity risk. Throws
/// ValidationError at `/responses/<item id>` for a response the instrument cannot score.
inline RiskResult score_risk(const RiskModel& model, std::span<const double> responses, const RiskOptions& options = {}) {
  const CaseScores scores = score(model.instrument(), responses);
  return score_risk(model, responses, scores, options);
}

/// Scores an assessment's chronicity risk. See the overload above.
inline RiskResult score_risk(const RiskModel& model, const Assessment& assessment, const RiskOptions& options = {}) {
  return score_risk(model, std::span<const double>(assessment.responses), options);
}

/// Why a batch row has no risk. Stable numbers: the batch outputs and the C API report them.
enum class RiskStatus : std::int32_t {
  ok = 0,
  rejected_by_instrument = 1,  ///< a response the instrument cannot score (see the instrument status)
  missing_duration = 2,        ///< hazard form: the months in care are not answered
  not_finite = 3,              ///< values so large that the linear predictor overflows to NaN
};

/// A risk status's name ("ok", "rejected_by_instrument", "missing_duration", "not_finite"), as
/// results and the CLI write it.
inline const char* to_string(RiskStatus status) noexcept {
  switch (status) {
    case RiskStatus::ok: return "ok";
    case RiskStatus::rejected_by_instrument: return "rejected_by_instrument";
    case RiskStatus::missing_duration: return "missing_duration";
    case RiskStatus::not_finite: return "not_finite";
  }
  return "unknown";
}

/// Where score_risk_batch writes. Every pointer is optional (null = not wanted) and points to
/// caller memory for `rows` rows.
struct RiskBatchOutputs {
  BatchOutputs instrument;  ///< the instrument's outputs, exactly as score_batch writes them
  double* linear_predictor = nullptr;    ///< rows; NaN = no risk
  double* probability = nullptr;         ///< rows; P(chronic) at the model's horizon; NaN = no risk
  std::int32_t* band = nullptr;          ///< rows; index into RiskModel::bands(), -1 = no risk
  std::int32_t* risk_status = nullptr;   ///< rows; a RiskStatus, 0 = scored
  std::int32_t* imputed_features = nullptr;  ///< rows; features that took their reference, -1 = no risk
  /// rows x features: each feature's value x_k (its reference when imputed), as score_risk's
  /// contributions report it; NaN = no risk. A fit on a caseload reads its design from here.
  double* feature_values = nullptr;
  /// rows x max_top_factors: indices into RiskModel::features() of the features that raise the
  /// risk most, as score_risk's top_factors; -1 fills the rest of the row (and a row without risk).
  std::int32_t* top_factors = nullptr;
  /// rows x survival_months: S(1) .. S(survival_months), the probability of still being in care
  /// m months after the assessment, as score_risk's survival curve; NaN = no risk. Hazard form
  /// only; survival_months in [1, max_horizon_months].
  double* survival = nullptr;
  int survival_months = 0;  ///< the curve's length when `survival` is set
};

namespace detail {

/// What a block's risk step reads once block_features has run: the block the instrument scored
/// (`block`), its rows (`rows`, `stride` doubles apart) and the features' results for them.
struct RiskRowsInputs {
  const BlockView* block = nullptr;
  const double* rows = nullptr;
  std::size_t stride = 0;
  const BlockFeatures* features = nullptr;
};

/// A build of a block's risk step for one instruction set: each row's risk status and completed
/// months, its risk outputs in `out`, then the block's probabilities and bands. Returns how many
/// of the block's rows have no risk. `scratch` holds probability_scratch_size(m) doubles.
using RiskRowsKernel = std::size_t (*)(const RiskModelData& m, const RiskRowsInputs& in, double* scratch,
                                       const RiskBatchOutputs& out) noexcept;

/// A build of chronicity_probability for `count` (at most block_rows) cases at once, to the bit:
/// the linear predictors `eta` and (hazard form) the completed months `t0` in, the probabilities
/// `p` out; NaN for a NaN eta. `scratch` holds probability_scratch_size(m) doubles.
using ProbabilitiesKernel = void (*)(const RiskModelData& m, std::size_t count, const double* eta, const int* t0,
                                     double* p, double* scratch) noexcept;

/// One of the instruction sets the risk step is compiled for.
struct RiskRowsVariant {
  const char* name;                   ///< "avx512", "baseline"
  RiskRowsKernel rows;                ///< the step (a block of any size)
  ProbabilitiesKernel probabilities;  ///< the probabilities it computes
};

/// The builds of the risk step this processor can run, the one RiskBlockScorer uses first (the
/// tests hold each to the single-case functions and to one another).
std::vector<RiskRowsVariant> risk_rows_variants();

/// The doubles of scratch a RiskRowsKernel or ProbabilitiesKernel needs for model `m`.
std::size_t probability_scratch_size(const RiskModelData& m) noexcept;

/// A worker's risk step for the blocks of a batch (src/risk_block_outputs.cpp), after the
/// instrument's score_block: the log1p features, block_features, then the widest build of the
/// risk step the processor runs. Compiled in the library, where it can be built for AVX-512, not
/// in the caller's translation unit for the baseline instruction set.
class RiskBlockScorer {
 public:
  /// `kernel`: the build of the risk step to run (null: the widest the processor runs).
  explicit RiskBlockScorer(const RiskModelData& m, RiskRowsKernel kernel = nullptr);
  /// The risk of the block the instrument scored (`block`, from the rows at `rows`, `stride`
  /// doubles apart) into `out`; returns how many of its rows have no risk.
  std::size_t score(const BlockView& block, const double* rows, std::size_t stride,
                    const RiskBatchOutputs& out) noexcept;

 private:
  const RiskModelData& m_;
  BlockFeatures features_;
  /// The log_item_value features' log1p of a block's rows, feature k's row r at k * block_rows + r.
  std::unique_ptr<double[]> log1p_values_;
  std::unique_ptr<double[]> scratch_;  ///< probability_scratch_size(m_) doubles
  RiskRowsKernel kernel_;
};

/// score_risk_batch's body over `rows` rows, read through the `Rows` each worker gets from
/// `make_rows` (MatrixRows or ColumnRows), once the arguments are checked.
template <class MakeRows>
BatchSummary score_risk_batch_rows(const RiskModel& model, std::size_t rows, const MakeRows& make_rows,
                                   const RiskBatchOutputs& out, unsigned threads) {
  const detail::RiskModelData& m = model.data();
  const detail::InstrumentData& data = m.instrument.data();
  const std::size_t dims = m.instrument.dimension_count();
  const std::size_t items = m.instrument.item_count();
  const unsigned workers = detail::worker_count(threads, rows, 2048);
  std::vector<std::size_t> rejected(workers, 0);
  const BatchOutputs& io = out.instrument;

  detail::parallel_chunks(rows, workers, [&](std::size_t begin, std::size_t end, unsigned worker) {
    auto responses = make_rows();
    detail::BlockBuffers buffers(dims, items, m.uses_item_severity);
    detail::RiskBlockScorer risk(m);
    std::size_t bad = 0;
    for (std::size_t first = begin; first < end; first += detail::block_rows) {
      const std::size_t count = std::min(detail::block_rows, end - first);
      const double* const block_start = responses.block(first, count, end);
      const std::size_t stride = responses.stride();
      detail::PrefetchRanges ahead = responses.ahead(first, end);
      for (const double* array : {out.linear_predictor, out.probability}) ahead.writes.add(array, first, count);
      for (const std::int32_t* array : {out.band, out.risk_status, out.imputed_features})
        ahead.writes.add(array, first, count);
      ahead.writes.add(out.top_factors, first, count, max_top_factors);
      ahead.writes.add(out.feature_values, first, count, m.features.size());
      ahead.writes.add(out.survival, first, count, static_cast<std::size_t>(out.survival_months));
      const detail::BlockView block = buffers.score(data, block_start, stride, first, count, std::move(ahead), io);
      detail::write_block_outputs(io, block, dims, items);
      bad += risk.score(block, block_start, stride, out);
    }
    rejected[worker] = bad;
  });

  BatchSummary summary;
  summary.rows = rows;
  for (std::size_t bad : rejected) summary.rejected += bad;
  summary.scored = rows - summary.rejected;
  return summary;
}

/// Throws InvalidArgument for a survival curve asked of a logistic model or of a length outside
/// [1, max_horizon_months].
inline void check_risk_batch_outputs(const RiskModel& model, const RiskBatchOutputs& out) {
  if (!out.survival) return;
  if (model.data().form != RiskForm::discrete_hazard)
    throw InvalidArgument("survival", "a logistic model has no survival curve (it answers at its horizon only)");
  if (out.survival_months < 1 || out.survival_months > max_horizon_months)
    throw InvalidArgument("survival_months", "expected a number of months in [1, " +
                                                 std::to_string(max_horizon_months) + "], got " +
                                                 std::to_string(out.survival_months));
}

}  // namespace detail

/// Scores a dense matrix of responses (rows = cases, columns = items in instrument order, NaN =
/// missing) with the instrument and the risk model in one pass, without allocating per row. The
/// risk of each row equals score_risk's to the bit, whatever `threads` (0 = every hardware
/// thread). A row the instrument rejects gets NaN / -1 everywhere and the statuses say why; a
/// hazard-form row without the months in care keeps its instrument outputs and gets NaN / -1
/// risk outputs with RiskStatus::missing_duration. Counterfactuals are not computed here. In the
/// summary, `scored` counts the rows with a risk. Throws InvalidArgument when the matrix does not
/// have one column per item, or when a survival curve is asked of a logistic model or for a
/// length outside [1, max_horizon_months].
inline BatchSummary score_risk_batch(const RiskModel& model, ConstRowMatrixView responses, const RiskBatchOutputs& out,
                                     unsigned threads = 1) {
  detail::check_response_columns(model.instrument(), static_cast<std::size_t>(responses.cols()));
  detail::check_risk_batch_outputs(model, out);
  return detail::score_risk_batch_rows(model, static_cast<std::size_t>(responses.rows()),
                                       [&] { return detail::MatrixRows(responses); }, out, threads);
}

/// score_risk_batch on responses held column by column (a DataFrame's columns, a column-major
/// array), read in place: one column per item in instrument order, a null column for an item no
/// row answers. The same results, to the bit, as the same responses in a row-major matrix;
/// columns that are the consecutive columns of one row-major matrix are read as that matrix.
inline BatchSummary score_risk_batch(const RiskModel& model, ConstColumnsView responses, const RiskBatchOutputs& out,
                                     unsigned threads = 1) {
  detail::check_response_columns(model.instrument(), responses);
  detail::check_risk_batch_outputs(model, out);
  if (const auto matrix = detail::as_row_major(responses)) return score_risk_batch(model, *matrix, out, threads);
  return detail::score_risk_batch_rows(model, responses.rows, [&] { return detail::ColumnRows(responses); }, out,
                                       threads);
}

}  // namespace pact

#endif  // PACT_RISK_MODEL_HPP
