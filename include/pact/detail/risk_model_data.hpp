// pact internal: the data behind a RiskModel and the kernels that the single-case and the batch
// paths share, so that both give the same bits. Not part of the public API; include
// "pact/risk_model.hpp" instead.
#ifndef PACT_DETAIL_RISK_MODEL_DATA_HPP
#define PACT_DETAIL_RISK_MODEL_DATA_HPP

#include "pact/detail/vector_math.hpp"
#include "pact/risk_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pact::detail {

/// The hazard form's baseline bands over the horizon, as hazard_survival walks them, for every
/// t0: each segment a band's baseline coefficient and the months of the horizon in the band. t0
/// before the last band's start has its segments from first[t0] to first[t0 + 1]; every later t0
/// has the one segment `last_band` (the horizon within the last band). `widest` segments of zero
/// months follow the last, so that any t0's first `widest` segments can be read without a test.
struct HazardSegments {
  std::vector<std::size_t> first;
  std::vector<double> coefficient;  ///< the band's baseline coefficient a
  std::vector<double> months;       ///< whole months
  std::size_t last_band = 0;
  std::size_t widest = 1;  ///< the most segments of any t0
};

struct RiskModelData {
  explicit RiskModelData(Instrument bound) : instrument(std::move(bound)) {}

  std::string id;
  std::string version;
  std::string hash;
  std::string canonical_json;
  std::vector<std::string> languages;
  std::string default_language;
  Label name;
  Label description;
  std::string instrument_id;
  std::string instrument_min_version;
  std::string instrument_max_version;
  Instrument instrument;
  Label outcome_definition;
  int horizon_months = 12;
  RiskForm form = RiskForm::logistic;
  Coefficient intercept;                     ///< logistic only; zero in the hazard form
  std::optional<std::size_t> duration_item;  ///< hazard only
  std::vector<DurationBand> baseline;        ///< hazard only
  std::vector<RiskFeature> features;
  std::vector<std::size_t> actionable_items;  ///< instrument order
  std::vector<RiskBand> bands;
  Provenance provenance;
  ModelAlertRules alerts;
  bool uses_item_severity = false;  ///< whether a feature reads item severities (the batch then keeps them)
  /// Derived when the model is loaded (derive_model_data), for the batch.
  std::vector<std::size_t> log_features;  ///< the log_item_value features, in model order
  HazardSegments hazard_segments;         ///< hazard form: each t0's bands over the horizon
};

/// 1 / (1 + e^-z), with pact's own exponential (vmath::exp): the batch computes the exponentials of
/// a block's rows in one call, and the single case gets the same bits.
inline double logistic(double z) noexcept {
  const double e = vmath::exp(-std::abs(z));  // e^-z when z >= 0, e^z otherwise: never overflows
  return z >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/// Where a case's feature inputs come from: one response per item (NaN = missing), item
/// severities (NaN = missing; may be null when no feature reads them), dimension scores (NaN =
/// not scored), and the composite (NaN = not scored). A batch may compute the log1p of its rows'
/// responses for the log_item_value features a block at once (vmath's array form, the same bits as
/// the scalar form linear_predictor calls otherwise): feature k's at log1p_values[k * log1p_stride].
struct FeatureInputs {
  const double* responses = nullptr;
  const double* item_severity = nullptr;
  const double* dimension_score = nullptr;
  double composite = std::numeric_limits<double>::quiet_NaN();
  const double* log1p_values = nullptr;  ///< null: linear_predictor computes them
  std::size_t log1p_stride = 0;
};

/// Computes every feature's value x_k (its reference when imputed) into `values` and whether it
/// was imputed into `imputed` (both caller scratch of one element per feature), counts the
/// imputed features into `imputed_count`, and returns b0 + sum_k b_k x_k summed in feature order.
inline double linear_predictor(const RiskModelData& m, const FeatureInputs& in, double* values,
                               std::uint8_t* imputed, std::int32_t& imputed_count) noexcept {
  double eta = m.intercept.coefficient;
  imputed_count = 0;
  const std::size_t n = m.features.size();
  for (std::size_t k = 0; k < n; ++k) {
    const RiskFeature& f = m.features[k];
    double x = std::numeric_limits<double>::quiet_NaN();
    switch (f.kind) {
      case FeatureKind::dimension_score: x = in.dimension_score[f.source]; break;
      case FeatureKind::item_severity: x = in.item_severity[f.source]; break;
      case FeatureKind::item_value: x = in.responses[f.source]; break;
      case FeatureKind::log_item_value:
        x = in.log1p_values ? in.log1p_values[k * in.log1p_stride] : vmath::log1p(in.responses[f.source]);
        break;
      case FeatureKind::hinge_item_value: {
        const double v = in.responses[f.source];
        if (!std::isnan(v)) x = std::max(0.0, v - f.knot);
        break;
      }
      case FeatureKind::composite: x = in.composite; break;
      // A derived feature whose input was imputed is itself imputed: its contribution is then
      // zero, instead of a value built on a guess.
      case FeatureKind::indicator:
        if (!imputed[f.of[0]]) x = values[f.of[0]] >= f.at_least ? 1.0 : 0.0;
        break;
      case FeatureKind::interaction:
        if (!imputed[f.of[0]] && !imputed[f.of[1]]) x = values[f.of[0]] * values[f.of[1]];
        break;
    }
    const bool missing_input = std::isnan(x);
    if (missing_input) {
      x = f.reference;
      ++imputed_count;
    }
    imputed[k] = missing_input ? 1 : 0;
    values[k] = x;
    eta += f.coefficient * x;
  }
  return eta;
}

/// The baseline band of duration month t (>= 1): the last band whose from_month is at most t.
inline std::size_t baseline_band(const RiskModelData& m, int t) noexcept {
  std::size_t b = 0;
  while (b + 1 < m.baseline.size() && m.baseline[b + 1].from_month <= t) ++b;
  return b;
}

/// Hazard form: walks the baseline bands that the `horizon` months after duration t0 cross, in
/// order, calling segment(band, months) with each band and the months of the horizon in it.
template <class Segment>
inline void for_each_horizon_band(const RiskModelData& m, int t0, int horizon, Segment&& segment) {
  int done = 0;  // months of the horizon already walked
  std::size_t band = baseline_band(m, t0 + 1);
  while (done < horizon) {
    const int month = t0 + 1 + done;
    const int band_end = band + 1 < m.baseline.size() ? m.baseline[band + 1].from_month - 1 : t0 + horizon;
    const int months = std::min(band_end, t0 + horizon) - month + 1;
    segment(band, months);
    done += months;
    ++band;
  }
}

/// Hazard form: the probability of still being in care `horizon` months after an assessment at
/// duration t0, S = prod_{t=t0+1}^{t0+horizon} (1 - h(t)). Within one baseline band the hazard
/// is constant, so the band's k months contribute (1 - h)^k = exp(-k softplus(a + eta)): one
/// exponential per band, not per month. When `curve` is not null it receives S(1..horizon), each
/// computed by the same expression as the final value so that curve[horizon - 1] is the returned
/// probability to the bit. softplus and exp are pact's own (vmath), which the batch runs on a
/// block's rows at once (see ProbabilitiesKernel) with the same bits.
inline double hazard_survival(const RiskModelData& m, double eta, int t0, int horizon, double* curve) noexcept {
  double cumulative = 0.0;  // -ln S so far
  int done = 0;             // months of the horizon already accounted for
  for_each_horizon_band(m, t0, horizon, [&](std::size_t band, int months) {
    const double rate = vmath::softplus(m.baseline[band].coefficient + eta);
    if (curve)  // the exponents here, their exponentials at the end in one call
      for (int j = 1; j <= months; ++j) curve[done + j - 1] = -(cumulative + static_cast<double>(j) * rate);
    cumulative = cumulative + static_cast<double>(months) * rate;
    done += months;
  });
  if (curve) vmath::exp(curve, curve, static_cast<std::size_t>(horizon));
  return vmath::exp(-cumulative);
}

/// The most months in care pact counts. A duration item without a maximum could hold any finite
/// number; past the last baseline band (at most 1200 months) every month has the same hazard, so
/// capping changes no probability and keeps t0 + horizon within an int.
inline constexpr int max_completed_months = 1000000000;

/// The whole months in care at the assessment from the duration item's value (finite, >= 0): a
/// case 5.5 months in care has completed 5, and its next month is the sixth.
inline int completed_months(double value) noexcept {
  return value >= max_completed_months ? max_completed_months : static_cast<int>(std::floor(value));
}

/// The probability of chronicity at the model's horizon from the linear predictor.
inline double chronicity_probability(const RiskModelData& m, double eta, int t0) noexcept {
  if (m.form == RiskForm::logistic) return logistic(eta);
  return hazard_survival(m, eta, t0, m.horizon_months, nullptr);
}

/// Fills the fields of a model that are derived from the rest (uses_item_severity, log_features,
/// hazard_segments); both loaders, JSON and bundle, call it.
inline void derive_model_data(RiskModelData& m) {
  m.uses_item_severity = false;
  m.log_features.clear();
  for (std::size_t k = 0; k < m.features.size(); ++k) {
    if (m.features[k].kind == FeatureKind::item_severity) m.uses_item_severity = true;
    if (m.features[k].kind == FeatureKind::log_item_value) m.log_features.push_back(k);
  }
  m.hazard_segments = HazardSegments{};
  if (m.form != RiskForm::discrete_hazard || m.baseline.empty()) return;
  HazardSegments& segments = m.hazard_segments;
  const int horizon = m.horizon_months;
  const std::size_t last = m.baseline.size() - 1;
  const int before_last = m.baseline[last].from_month - 1;
  for (int t0 = 0; t0 < before_last; ++t0) {
    segments.first.push_back(segments.coefficient.size());
    for_each_horizon_band(m, t0, horizon, [&](std::size_t band, int months) {
      segments.coefficient.push_back(m.baseline[band].coefficient);
      segments.months.push_back(months);
    });
    segments.widest = std::max(segments.widest, segments.coefficient.size() - segments.first.back());
  }
  segments.first.push_back(segments.coefficient.size());
  segments.last_band = segments.coefficient.size();
  segments.coefficient.push_back(m.baseline[last].coefficient);
  segments.months.push_back(horizon);
  segments.coefficient.insert(segments.coefficient.end(), segments.widest, 0.0);
  segments.months.insert(segments.months.end(), segments.widest, 0.0);
}

/// The band of each of `count` probabilities: the last band whose min_probability is at most p;
/// -1 for NaN. Band by band across them, loops the compiler vectorises for a batch's block.
inline void bands_of(const RiskModelData& m, std::size_t count, const double* p, std::int32_t* band) noexcept {
  for (std::size_t i = 0; i < count; ++i) band[i] = std::isnan(p[i]) ? -1 : 0;
  for (std::size_t b = 1; b < m.bands.size(); ++b) {
    const double floor = m.bands[b].min_probability;
    const auto index = static_cast<std::int32_t>(b);
    for (std::size_t i = 0; i < count; ++i) band[i] = p[i] >= floor ? index : band[i];
  }
}

/// The band of one probability (see bands_of).
inline std::int32_t band_of(const RiskModelData& m, double p) noexcept {
  std::int32_t band = -1;
  bands_of(m, 1, &p, &band);
  return band;
}

}  // namespace pact::detail

namespace pact {

inline const std::string& RiskModel::id() const noexcept { return data_->id; }
inline const std::string& RiskModel::version() const noexcept { return data_->version; }
inline const std::string& RiskModel::hash() const noexcept { return data_->hash; }
inline const std::string& RiskModel::canonical_json() const noexcept { return data_->canonical_json; }
inline const Label& RiskModel::name() const noexcept { return data_->name; }
inline const Label& RiskModel::description() const noexcept { return data_->description; }
inline const std::vector<std::string>& RiskModel::languages() const noexcept { return data_->languages; }
inline const std::string& RiskModel::default_language() const noexcept { return data_->default_language; }
inline const Instrument& RiskModel::instrument() const noexcept { return data_->instrument; }
inline const std::string& RiskModel::instrument_min_version() const noexcept { return data_->instrument_min_version; }
inline const std::string& RiskModel::instrument_max_version() const noexcept { return data_->instrument_max_version; }
inline const Label& RiskModel::outcome_definition() const noexcept { return data_->outcome_definition; }
inline int RiskModel::horizon_months() const noexcept { return data_->horizon_months; }
inline RiskForm RiskModel::form() const noexcept { return data_->form; }
inline const Coefficient& RiskModel::intercept() const noexcept { return data_->intercept; }
inline std::optional<std::size_t> RiskModel::duration_item() const noexcept { return data_->duration_item; }
inline const std::vector<DurationBand>& RiskModel::baseline() const noexcept { return data_->baseline; }
inline const std::vector<RiskFeature>& RiskModel::features() const noexcept { return data_->features; }
inline const std::vector<std::size_t>& RiskModel::actionable_items() const noexcept { return data_->actionable_items; }
inline const std::vector<RiskBand>& RiskModel::bands() const noexcept { return data_->bands; }
inline const Provenance& RiskModel::provenance() const noexcept { return data_->provenance; }
inline const ModelAlertRules& RiskModel::alert_rules() const noexcept { return data_->alerts; }

inline std::optional<std::size_t> RiskModel::find_feature(std::string_view id) const noexcept {
  for (std::size_t k = 0; k < data_->features.size(); ++k)
    if (data_->features[k].id == id) return k;
  return std::nullopt;
}

inline bool RiskModel::is_actionable(std::size_t item) const noexcept {
  return std::binary_search(data_->actionable_items.begin(), data_->actionable_items.end(), item);
}

inline ModelStamp RiskModel::stamp() const {
  const Instrument& inst = data_->instrument;
  return {data_->id, data_->version, data_->hash, data_->provenance.status, inst.id(), inst.version(), inst.hash()};
}

}  // namespace pact

#endif  // PACT_DETAIL_RISK_MODEL_DATA_HPP
