// pact: calibrating a chronicity-risk model on local data. A model is the specification (its
// features, duration bands, horizon, form, actionable items, bands and labels); calibration
// computes every case's features with the model's own feature kernel (the code risk scoring
// runs, missing inputs imputed at the reference), fits the coefficients by logistic regression
// (one row per case in the logistic form, one row per month at risk in the hazard form),
// evaluates the fitted model, and writes it as new model JSON. See docs/calibration.md.
#ifndef PACT_CALIBRATION_HPP
#define PACT_CALIBRATION_HPP

#include "pact/detail/parallel.hpp"
#include "pact/error.hpp"
#include "pact/fitting.hpp"
#include "pact/matrix.hpp"
#include "pact/metrics.hpp"
#include "pact/risk_model.hpp"
#include "pact/scoring.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace pact {

/// The observed outcome at the horizon of a case followed `followup_months` months after its
/// assessment, `left_care` = 1 when it left care in the last of them (0: still in care when
/// follow-up ended): 0 when it left care within the horizon (followup <= horizon and left), 1
/// when it was seen in care through the horizon's last month (followup >= horizon, and not
/// leaving by then), NaN when follow-up ended in care before the horizon (unknown).
inline double observed_chronicity(std::int32_t followup_months, std::uint8_t left_care, int horizon_months) noexcept {
  if (left_care == 1 && followup_months <= horizon_months) return 0.0;
  if (followup_months >= horizon_months) return 1.0;
  return std::numeric_limits<double>::quiet_NaN();
}

/// Every case's feature values as the model's scoring computes them.
struct CaseFeatures {
  RowMatrix values;                   ///< cases x features; an imputed feature holds its reference
  std::vector<std::uint8_t> imputed;  ///< cases x features, row-major: 1 where the input was missing
  /// Hazard form: t0, the completed months in care at the assessment (the duration item rounded
  /// down); empty for the logistic form.
  std::vector<std::int32_t> months_in_care;
};

/// Computes the features of every row of `responses` (rows = cases, one column per item of the
/// model's instrument, NaN = missing) with the model's own kernel. Throws InvalidArgument for a
/// matrix of the wrong width, and ValidationError at `responses[<row>, <item id>]` for a response
/// the instrument cannot score or (hazard form) a missing duration item, and at
/// `responses[<row>]` for a feature that is not finite. `threads` = 0 uses every hardware
/// thread; the result does not depend on it.
inline CaseFeatures case_features(const RiskModel& model, ConstRowMatrixView responses, unsigned threads = 0) {
  const detail::RiskModelData& m = model.data();
  const Instrument& instrument = m.instrument;
  const detail::InstrumentData& data = instrument.data();
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count(), k = m.features.size();
  if (static_cast<std::size_t>(responses.cols()) != items)
    throw InvalidArgument("responses", "expected " + std::to_string(items) + " columns (one per item of " +
                                           instrument.id() + "), got " + std::to_string(responses.cols()));
  const auto rows = static_cast<std::size_t>(responses.rows());
  const auto stride = static_cast<std::size_t>(responses.outerStride());
  const bool hazard = m.form == RiskForm::discrete_hazard;
  CaseFeatures out;
  out.values.resize(responses.rows(), static_cast<Eigen::Index>(k));
  out.imputed.assign(rows * k, 0);
  if (hazard) out.months_in_care.assign(rows, 0);

  // Per chunk, the first failing row; the smallest is reported, whatever the thread count.
  struct Failure {
    std::size_t row = std::numeric_limits<std::size_t>::max();
    std::string where, reason;
  };
  const unsigned workers = detail::worker_count(threads, rows, 2048);
  std::vector<Failure> failures(workers);
  detail::parallel_chunks(rows, workers, [&](std::size_t begin, std::size_t end, unsigned worker) {
    // The instrument's part through the batch kernel, a block at a time (the same bits as
    // score_row); only what the features read is kept.
    detail::MatrixRows source(responses);
    detail::BlockBuffers buffers(dims, items, m.uses_item_severity);
    std::int32_t imputed_count = 0;
    for (std::size_t first = begin; first < end; first += detail::block_rows) {
      const std::size_t count = std::min(detail::block_rows, end - first);
      const detail::BlockView block =
          buffers.score(data, source.block(first, count, end), stride, first, count, source.ahead(first, end),
                        BatchOutputs{});
      for (std::size_t b = 0; b < block.count; ++b) {
        const std::size_t i = first + b;
        const double* row = responses.data() + i * stride;
        const detail::RowResult& r = block.results[b];
        const auto at = [i] { return "responses[" + std::to_string(i); };
        if (r.status != ResponseStatus::ok) {
          const auto j = static_cast<std::size_t>(r.error_item);
          failures[worker] = {i, at() + ", " + instrument.items()[j].id + "]",
                              describe_response_problem(instrument, j, r.status, row[j])};
          return;
        }
        if (hazard) {
          const double months = row[*m.duration_item];
          if (std::isnan(months)) {
            failures[worker] = {i, at() + ", " + instrument.items()[*m.duration_item].id + "]",
                                "the hazard form needs the months in care to place the case on its duration bands"};
            return;
          }
          out.months_in_care[i] = detail::completed_months(months);
        }
        double* values = out.values.data() + i * k;
        const double* severities = block.item_severity ? block.item_severity + b * items : nullptr;
        const detail::FeatureInputs inputs{row, severities, block.dimension_score + b * dims, r.composite};
        detail::linear_predictor(m, inputs, values, out.imputed.data() + i * k, imputed_count);
        for (std::size_t f = 0; f < k; ++f)
          if (!std::isfinite(values[f])) {
            failures[worker] = {i, at() + "]", "feature \"" + m.features[f].id + "\" is not finite (" +
                                                 detail::format_number(values[f]) + ")"};
            return;
          }
      }
    }
  });
  const Failure* first = nullptr;
  for (const auto& f : failures)
    if (f.row != std::numeric_limits<std::size_t>::max() && (!first || f.row < first->row)) first = &f;
  if (first) throw ValidationError(first->where, first->reason);
  return out;
}

/// What a model written from a template changes: everything else (features, bands, labels,
/// horizon, actionable items, instrument range) is the template's.
struct RiskModelUpdate {
  std::string version;  ///< the new model's semantic version (the id stays the template's)
  Label name;         ///< empty: the template's
  Label description;  ///< empty: the template's (or none)
  std::optional<Coefficient> intercept;  ///< logistic form (required there)
  std::vector<DurationBand> baseline;    ///< hazard form: one per template band, same from_month
  std::vector<Coefficient> features;     ///< one per template feature
  std::vector<double> references;        ///< one per feature, or empty to keep the template's
  Provenance provenance;                 ///< replaces the template's whole provenance
};

/// Writes the template model with the update applied as risk-model JSON text (two-space
/// indentation, keys in the order docs/risk-model-format.md lists them, numbers in their shortest
/// round-trip form). Throws InvalidArgument when the update does not fit the template (sizes,
/// band months, a non-finite number). The text is not validated here: RiskModel::parse does it.
std::string write_risk_model_json(const RiskModel& base, const RiskModelUpdate& update);

/// The observed outcomes of the cases a model is calibrated on.
struct CalibrationOutcomes {
  /// Logistic form: per case, 1 = still in care at the model's horizon, 0 = not.
  std::span<const double> chronic;
  /// Hazard form: per case, the months followed after the assessment (>= 0) ...
  std::span<const std::int32_t> followup_months;
  /// ... and 1 when the case left care in the last of them, 0 when still in care (censored).
  std::span<const std::uint8_t> left_care;
};

/// Where a calibrated model's references (the typical case explanations compare against, and the
/// value a missing input is imputed at) come from.
enum class ReferencePolicy : std::uint8_t {
  keep,           ///< the template's
  sample_median,  ///< each feature's median over the cases where it is not imputed
};

/// How calibrate fits and what it writes into the calibrated model's provenance.
struct CalibrationOptions {
  std::string version;    ///< the new model's semantic version (required)
  std::string fitted_on;  ///< what data, never personal data (required)
  std::string fitted_at;  ///< YYYY-MM-DD (required; given, so that calibration is deterministic)
  std::string notes;      ///< provenance notes (optional)
  Label name;             ///< empty: the template's name
  Label description;      ///< empty: the template's description
  /// Frequency weights per case (empty: 1 each); in the hazard form each of a case's
  /// person-months carries its case's weight. Also the sample weights of the evaluation.
  std::span<const double> weights;
  double l2 = 0.0;  ///< L2 penalty on the feature coefficients (never the intercept or the bands)
  ReferencePolicy references = ReferencePolicy::keep;  ///< keep the template's, or take sample medians
  /// Start Newton's method at the template's coefficients instead of zero.
  bool start_from_template = false;
  int max_iterations = 100;  ///< Newton steps before the fit gives up (FitOptions::max_iterations)
  double tolerance = 1e-8;   ///< convergence tolerance on the coefficients (FitOptions::tolerance)
  int metric_bins = 10;  ///< uniform bins of the expected calibration error
  unsigned threads = 0;  ///< 0 = every hardware thread; results do not depend on it
};

/// A calibrated model and how it was obtained.
struct CalibrationResult {
  RiskForm form = RiskForm::logistic;  ///< the template's form
  /// The fit in design order: "intercept" (logistic) or the duration bands ("months 1-6", ...;
  /// hazard), then the feature ids. Standard errors, covariance, log-likelihood, iterations,
  /// gradient and convergence are the fit's.
  LogisticFit fit{};
  Coefficient intercept{};               ///< logistic form
  std::vector<DurationBand> baseline{};  ///< hazard form
  std::vector<Coefficient> features{};   ///< model order
  std::vector<double> references{};      ///< model order, as written
  std::size_t n_cases = 0;      ///< cases (rows of `responses`)
  std::size_t n_rows = 0;       ///< rows fitted: person-months (hazard) or cases (logistic)
  std::size_t n_evaluated = 0;  ///< cases whose outcome at the horizon is observed
  /// The calibrated model's predictions against the observed outcomes (docs/calibration.md,
  /// "Evaluation"); statistics that cannot be computed are empty with a note.
  ValidationMetrics evaluation{};
  std::string model_json{};  ///< the calibrated model
  RiskModel model;         ///< model_json loaded against the template's instrument
};

namespace detail {

inline void check_calibration_outcomes(const RiskModelData& m, std::size_t cases, const CalibrationOutcomes& o) {
  auto size_error = [&](const char* what, std::size_t got) {
    return InvalidArgument(std::string("outcomes.") + what, "expected one value per case (" + std::to_string(cases) +
                                                                "), got " + std::to_string(got));
  };
  if (m.form == RiskForm::logistic) {
    if (!o.followup_months.empty() || !o.left_care.empty())
      throw InvalidArgument("outcomes", "a logistic model is fitted on the chronic outcome at its horizon, not on "
                                        "follow-up months and left-care flags");
    if (o.chronic.size() != cases) throw size_error("chronic", o.chronic.size());
    for (std::size_t i = 0; i < cases; ++i)
      if (!(o.chronic[i] == 0.0 || o.chronic[i] == 1.0))
        throw InvalidArgument("outcomes.chronic[" + std::to_string(i) + "]",
                              std::isnan(o.chronic[i])
                                  ? "the outcome is unknown (NaN): leave the case out, or fit the hazard form, "
                                    "which uses censored follow-up"
                                  : "expected 1 (still in care at the horizon) or 0 (not)");
    return;
  }
  if (!o.chronic.empty())
    throw InvalidArgument("outcomes", "a discrete_hazard model is fitted on follow-up months and left-care flags, "
                                      "not on the chronic outcome");
  if (o.followup_months.size() != cases) throw size_error("followup_months", o.followup_months.size());
  if (o.left_care.size() != cases) throw size_error("left_care", o.left_care.size());
  for (std::size_t i = 0; i < cases; ++i) {
    auto row = [i](const char* what) { return std::string("outcomes.") + what + "[" + std::to_string(i) + "]"; };
    if (o.followup_months[i] < 0) throw InvalidArgument(row("followup_months"), "expected months of follow-up >= 0");
    if (o.left_care[i] > 1)
      throw InvalidArgument(row("left_care"), "expected 0 (still in care when follow-up ended) or 1 "
                                              "(left care in the last month followed)");
    if (o.left_care[i] == 1 && o.followup_months[i] == 0)
      throw InvalidArgument(row("left_care"),
                            "a case that left care must have been followed for at least the month it left");
  }
}

/// numpy's median: the middle value, or the mean of the two middle values.
inline double median_of(std::vector<double>& v) {
  const std::size_t n = v.size(), mid = n / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2.0;
}

/// The template's own coefficients as an update, to check the caller's version, date and labels
/// before any fitting.
inline RiskModelUpdate template_update(const RiskModel& spec) {
  const RiskModelData& m = spec.data();
  RiskModelUpdate u;
  if (m.form == RiskForm::logistic) u.intercept = m.intercept;
  u.baseline = m.baseline;
  for (const auto& f : m.features) u.features.push_back({f.coefficient, f.se});
  return u;
}

/// Loads model JSON written by calibrate; a rule it breaks can only come from the caller's
/// version, date, text or labels, which the error's path names.
inline RiskModel load_calibrated(const std::string& text, const Instrument& instrument) {
  try {
    return RiskModel::parse(text, instrument);
  } catch (const ValidationError& e) {
    const std::string& p = e.where();
    std::string option = "options";
    if (p == "/version") option = "options.version";
    else if (p.rfind("/provenance/fitted_at", 0) == 0) option = "options.fitted_at";
    else if (p.rfind("/provenance/fitted_on", 0) == 0) option = "options.fitted_on";
    else if (p.rfind("/provenance/notes", 0) == 0) option = "options.notes";
    else if (p.rfind("/name", 0) == 0) option = "options.name";
    else if (p.rfind("/description", 0) == 0) option = "options.description";
    throw InvalidArgument(option, "the calibrated model would not load: " + std::string(e.what()));
  }
}

/// A number in its shortest round-trip form ("0", "0.5", "1e-06").
inline std::string shortest(double v) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  return std::string(buffer, end);
}

}  // namespace detail

/// Fits the model `spec` (a RiskModel used as a template) on `responses` (rows = cases, one
/// column per item of spec's instrument, NaN = missing) and their observed `outcomes`, and
/// writes the calibrated model (docs/calibration.md). Throws InvalidArgument for wrong sizes,
/// outcome values, weights or options (naming the row or the option); ValidationError for a
/// response the instrument cannot score (see case_features); FitError from the fit for
/// separation, a rank-deficient design (a feature or duration band without variation, or a band
/// no case reaches) or non-convergence, its columns named by feature ids and band names.
inline CalibrationResult calibrate(const RiskModel& spec, ConstRowMatrixView responses,
                                   const CalibrationOutcomes& outcomes, const CalibrationOptions& options) {
  const detail::RiskModelData& m = spec.data();
  const Instrument& instrument = m.instrument;
  const bool hazard = m.form == RiskForm::discrete_hazard;
  const std::size_t k = m.features.size();
  if (static_cast<std::size_t>(responses.cols()) != instrument.item_count())
    throw InvalidArgument("responses", "expected " + std::to_string(instrument.item_count()) +
                                           " columns (one per item of " + instrument.id() + "), got " +
                                           std::to_string(responses.cols()));
  const auto cases = static_cast<std::size_t>(responses.rows());
  if (cases == 0) throw InvalidArgument("responses", "expected at least one case");
  detail::check_calibration_outcomes(m, cases, outcomes);
  if (!options.weights.empty()) {
    if (options.weights.size() != cases)
      throw InvalidArgument("options.weights", "expected one weight per case (" + std::to_string(cases) + "), got " +
                                                   std::to_string(options.weights.size()));
    for (std::size_t i = 0; i < cases; ++i)
      if (!std::isfinite(options.weights[i]) || options.weights[i] < 0.0)
        throw InvalidArgument("options.weights[" + std::to_string(i) + "]", "expected a finite weight >= 0");
  }
  if (options.metric_bins < 1) throw InvalidArgument("options.metric_bins", "expected at least one bin");
  if (!(options.l2 >= 0.0) || !std::isfinite(options.l2))
    throw InvalidArgument("options.l2", "expected a finite penalty >= 0");
  if (options.max_iterations < 0) throw InvalidArgument("options.max_iterations", "expected a count >= 0");
  if (!(options.tolerance > 0.0) || !std::isfinite(options.tolerance))
    throw InvalidArgument("options.tolerance", "expected a finite tolerance > 0");

  // The caller's version, date and labels, checked before the expensive part.
  RiskModelUpdate update = detail::template_update(spec);
  update.version = options.version;
  update.name = options.name;
  update.description = options.description;
  update.provenance.status = ProvenanceStatus::calibrated;
  update.provenance.fitted_on = options.fitted_on;
  update.provenance.fitted_at = options.fitted_at;
  update.provenance.notes = options.notes;
  update.provenance.method = std::string("pact fit ") + to_string(m.form) + " Newton/IRLS, l2 = " +
                             detail::shortest(options.l2) +
                             (options.weights.empty() ? "" : ", frequency weights") +
                             (options.references == ReferencePolicy::sample_median ? ", references = sample medians"
                                                                                   : "");
  detail::load_calibrated(write_risk_model_json(spec, update), instrument);

  CaseFeatures features = case_features(spec, responses, options.threads);
  std::vector<double> references(k);
  for (std::size_t f = 0; f < k; ++f) references[f] = m.features[f].reference;
  if (options.references == ReferencePolicy::sample_median) {
    std::vector<double> present;
    for (std::size_t f = 0; f < k; ++f) {
      present.clear();
      for (std::size_t i = 0; i < cases; ++i)
        if (!features.imputed[i * k + f]) present.push_back(features.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f)));
      if (present.empty()) continue;  // imputed everywhere: nothing to take a median of
      references[f] = detail::median_of(present);
      // An imputed value is the reference: the new one, as the calibrated model will impute.
      for (std::size_t i = 0; i < cases; ++i)
        if (features.imputed[i * k + f]) features.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f)) = references[f];
    }
  }

  std::vector<std::string> names;
  for (const auto& f : m.features) names.push_back(f.id);
  FitOptions fit_options;
  fit_options.l2 = options.l2;
  fit_options.threads = options.threads;
  fit_options.max_iterations = options.max_iterations;
  fit_options.tolerance = options.tolerance;
  std::vector<double> start;
  if (options.start_from_template) {
    if (hazard)
      for (const auto& b : m.baseline) start.push_back(b.coefficient);
    else
      start.push_back(m.intercept.coefficient);
    for (const auto& f : m.features) start.push_back(f.coefficient);
    fit_options.start = start;
  }

  CalibrationResult result{.form = m.form, .model = spec};
  result.n_cases = cases;
  std::vector<double> row_weights;
  if (hazard) {
    std::vector<std::int32_t> band_starts;
    for (const auto& b : m.baseline) band_starts.push_back(b.from_month);
    const PersonPeriods periods =
        expand_person_periods(features.months_in_care, outcomes.followup_months, outcomes.left_care, band_starts);
    const HazardDesign design(periods, view_rows(features.values));
    fit_options.column_names = design.column_names(names);
    fit_options.unpenalized = design.band_columns();
    if (!options.weights.empty()) {
      row_weights.resize(periods.rows());
      for (std::size_t r = 0; r < periods.rows(); ++r) row_weights[r] = options.weights[periods.case_index[r]];
      fit_options.weights = row_weights;
    }
    result.fit = fit_logistic(design, periods.event, fit_options);
    result.n_rows = periods.rows();
    for (std::size_t b = 0; b < m.baseline.size(); ++b) {
      const auto c = static_cast<Eigen::Index>(b);
      result.baseline.push_back({m.baseline[b].from_month, result.fit.params(c), result.fit.bse(c)});
    }
  } else {
    RowMatrix X(static_cast<Eigen::Index>(cases), static_cast<Eigen::Index>(k + 1));
    X.col(0).setOnes();
    X.rightCols(static_cast<Eigen::Index>(k)) = features.values;
    names.insert(names.begin(), "intercept");
    fit_options.column_names = names;
    fit_options.unpenalized = {0};
    fit_options.weights = options.weights;
    result.fit = fit_logistic(X, outcomes.chronic, fit_options);
    result.n_rows = cases;
    result.intercept = {result.fit.params(0), result.fit.bse(0)};
  }
  const auto first_feature = static_cast<Eigen::Index>(hazard ? m.baseline.size() : 1);
  for (std::size_t f = 0; f < k; ++f) {
    const Eigen::Index c = first_feature + static_cast<Eigen::Index>(f);
    result.features.push_back({result.fit.params(c), result.fit.bse(c)});
  }
  result.references = references;

  update.intercept = hazard ? std::nullopt : std::optional<Coefficient>(result.intercept);
  update.baseline = result.baseline;
  update.features = result.features;
  update.references = references;
  update.provenance.n_cases = static_cast<std::int64_t>(cases);
  if (hazard) update.provenance.n_rows = static_cast<std::int64_t>(result.n_rows);
  const RiskModel fitted = detail::load_calibrated(write_risk_model_json(spec, update), instrument);

  // Evaluation: the fitted model's P(chronic at the horizon), scored as it will be scored, against
  // the observed outcome of the cases whose outcome at the horizon is known.
  std::vector<double> probability(cases);
  RiskBatchOutputs scored;
  scored.probability = probability.data();
  score_risk_batch(fitted, responses, scored, options.threads);
  std::vector<double> y, p, w;
  for (std::size_t i = 0; i < cases; ++i) {
    const double observed = hazard ? observed_chronicity(outcomes.followup_months[i], outcomes.left_care[i],
                                                         m.horizon_months)
                                   : outcomes.chronic[i];
    if (std::isnan(observed)) continue;
    y.push_back(observed);
    p.push_back(probability[i]);
    if (!options.weights.empty()) w.push_back(options.weights[i]);
  }
  result.n_evaluated = y.size();
  double weight_sum = 0.0;
  for (double v : w) weight_sum += v;
  if (y.empty()) {
    result.evaluation.notes.push_back("no case has an observed outcome at the horizon");
  } else if (!w.empty() && !(weight_sum > 0.0)) {
    result.evaluation.notes.push_back("every case with an observed outcome at the horizon has weight 0");
  } else {
    ValidationOptions vo;
    vo.n_bins = options.metric_bins;
    vo.sample_weight = w;
    vo.threads = options.threads;
    result.evaluation = validate(y, p, vo).total;
  }
  if (result.n_evaluated < cases)
    result.evaluation.notes.push_back(
        std::to_string(cases - result.n_evaluated) +
        " cases censored in care before the horizon are left out; under censoring the cases kept over-represent "
        "early leavers, so observed chronicity tends to fall below the predictions (docs/calibration.md)");
  ProvenanceMetrics& pm = update.provenance.metrics;
  pm.auc = result.evaluation.auc;
  pm.brier = result.evaluation.brier;
  pm.ece = result.evaluation.ece;
  if (result.evaluation.calibration) {
    pm.calibration_intercept = result.evaluation.calibration->intercept;
    pm.calibration_slope = result.evaluation.calibration->slope;
  }
  result.model_json = write_risk_model_json(spec, update);
  result.model = detail::load_calibrated(result.model_json, instrument);
  return result;
}

}  // namespace pact

#endif  // PACT_CALIBRATION_HPP
