// pact: proactive casework. The change between two assessments of a case and the alerts it
// raises (rules stated in the instrument and model JSON), the timelines of a whole caseload,
// choosing whom to contact first under a capacity, and professionals' overrides of a level or
// band with the statistics evaluators report about them.
#ifndef PACT_CASEWORK_HPP
#define PACT_CASEWORK_HPP

#include "pact/counting.hpp"
#include "pact/error.hpp"
#include "pact/instrument.hpp"
#include "pact/matrix.hpp"
#include "pact/risk_model.hpp"
#include "pact/scoring.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pact {

/// Days since 1970-01-01 of a date written YYYY-MM-DD (a real calendar date), or nullopt.
inline std::optional<int> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p)
    for (std::size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (text[i] - '0');
    }
  const std::chrono::year_month_day ymd{std::chrono::year(parts[0]), std::chrono::month(static_cast<unsigned>(parts[1])),
                                        std::chrono::day(static_cast<unsigned>(parts[2]))};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<int>(std::chrono::sys_days(ymd).time_since_epoch().count());
}

/// One alert raised by a rule of the instrument or the model.
struct Alert {
  /// Which rule raised the alert (the rule names of the instrument and model JSON).
  enum class Kind : std::uint8_t {
    dimension_worsening,    ///< a dimension's score rose by at least the rule's amount
    level_increase,         ///< the composite's level went up
    critical_item_appears,  ///< an item is critical now and was not before
    reassessment_overdue,   ///< the last assessment is older than the rule's number of days
    band_increase,          ///< the risk band went up
    probability_increase,   ///< the probability of chronicity rose by at least the rule's amount
  };
  Kind kind = Kind::dimension_worsening;  ///< the rule that raised it
  std::size_t index = 0;  ///< the dimension (dimension_worsening) or item (critical_item_appears)
  /// before: score, level/band index, probability, severity (reassessment_overdue: the last
  /// assessment's date as days since 1970-01-01)
  double from = std::numeric_limits<double>::quiet_NaN();
  double to = std::numeric_limits<double>::quiet_NaN();    ///< after (reassessment_overdue: days since)
  double threshold = std::numeric_limits<double>::quiet_NaN();  ///< the rule's amount or days
};

/// The rule name of an alert kind, as written in instrument and model JSON and in results
/// ("dimension_worsening", "band_increase", ...).
inline const char* to_string(Alert::Kind kind) noexcept {
  switch (kind) {
    case Alert::Kind::dimension_worsening: return "dimension_worsening";
    case Alert::Kind::level_increase: return "level_increase";
    case Alert::Kind::critical_item_appears: return "critical_item_appears";
    case Alert::Kind::reassessment_overdue: return "reassessment_overdue";
    case Alert::Kind::band_increase: return "band_increase";
    case Alert::Kind::probability_increase: return "probability_increase";
  }
  return "unknown";
}

namespace detail {

inline std::string percent(double unit) { return std::to_string(static_cast<long long>(std::llround(100.0 * unit))); }

// Alert reasons in the three languages of the default instrument; other languages read English.
struct AlertWords {
  const char* worsened;      // "{dimension} worsened by {n} points ({a} → {b}; rule: {t})"
  const char* points;
  const char* rule;
  const char* level_up;      // "Level went up"
  const char* critical_now;  // "Critical now"
  const char* overdue;       // "No reassessment for"
  const char* days;
  const char* band_up;       // "Risk band went up"
  const char* risk_up;       // "Probability of chronicity rose by"
};

inline const AlertWords& alert_words(std::string_view lang) {
  static const AlertWords es{"empeoró", "puntos", "regla", "El nivel subió", "Crítico ahora",
                             "Sin revaloración desde hace", "días", "La banda de riesgo subió",
                             "La probabilidad de cronicidad subió"};
  static const AlertWords ca{"ha empitjorat", "punts", "regla", "El nivell ha pujat", "Crític ara",
                             "Sense revaloració des de fa", "dies", "La banda de risc ha pujat",
                             "La probabilitat de cronicitat ha pujat"};
  static const AlertWords en{"worsened", "points", "rule", "Level went up", "Critical now", "No reassessment for",
                             "days", "Risk band went up", "Probability of chronicity rose by"};
  if (lang == "es") return es;
  if (lang == "ca") return ca;
  return en;
}

}  // namespace detail

/// The reason for an alert in `lang` ("es", "ca", "en"; others read English), with the labels
/// of the dimension, item, level or band it is about. `model` may be null for instrument alerts.
inline std::string describe_alert(const Instrument& instrument, const RiskModel* model, const Alert& alert,
                                  std::string_view lang) {
  const detail::AlertWords& w = detail::alert_words(lang);
  auto level_label = [&](double index) { return instrument.levels().at(static_cast<std::size_t>(index)).label.in(lang); };
  switch (alert.kind) {
    case Alert::Kind::dimension_worsening:
      return instrument.dimensions().at(alert.index).label.in(lang) + " " + w.worsened + " " +
             detail::percent(alert.to - alert.from) + " " + w.points + " (" + detail::percent(alert.from) + " → " +
             detail::percent(alert.to) + "; " + w.rule + " ≥ " + detail::percent(alert.threshold) + ")";
    case Alert::Kind::level_increase:
      return std::string(w.level_up) + ": " + level_label(alert.from) + " → " + level_label(alert.to);
    case Alert::Kind::critical_item_appears:
      return std::string(w.critical_now) + ": " + instrument.items().at(alert.index).label.in(lang) + " (" +
             detail::percent(alert.to) + ")";
    case Alert::Kind::reassessment_overdue:
      return std::string(w.overdue) + " " + std::to_string(static_cast<long long>(alert.to)) + " " + w.days + " (" +
             w.rule + " ≤ " + std::to_string(static_cast<long long>(alert.threshold)) + ")";
    case Alert::Kind::band_increase: {
      if (!model) return w.band_up;
      const auto& bands = model->bands();
      return std::string(w.band_up) + ": " + bands.at(static_cast<std::size_t>(alert.from)).label.in(lang) + " → " +
             bands.at(static_cast<std::size_t>(alert.to)).label.in(lang);
    }
    case Alert::Kind::probability_increase:
      return std::string(w.risk_up) + " " + detail::percent(alert.to - alert.from) + " " + w.points + " (" +
             detail::percent(alert.from) + "% → " + detail::percent(alert.to) + "%; " + w.rule + " ≥ " +
             detail::percent(alert.threshold) + ")";
  }
  return to_string(alert.kind);
}

/// One assessment of a case as scored: its date and scores, and its risk when a model is used.
struct Snapshot {
  std::string_view case_id;  ///< the pseudonymous case id
  std::string_view date;  ///< YYYY-MM-DD
  const CaseScores* scores = nullptr;  ///< the instrument's scores of the assessment (required)
  const RiskResult* risk = nullptr;  ///< null without a model
};

/// What changed between two assessments of the same case (after minus before).
struct CaseChange {
  std::string case_id;    ///< the case compared
  std::string from_date;  ///< the earlier assessment's date
  std::string to_date;    ///< the later assessment's date
  std::optional<int> days;                ///< between the dates, when both are valid
  std::vector<double> dimension_change;   ///< per dimension; NaN when either is not scored
  /// the composite's change; NaN when either composite is not scored
  double composite_change = std::numeric_limits<double>::quiet_NaN();
  int level_from = -1;  ///< the earlier level index; -1 when its composite is not scored
  int level_to = -1;    ///< the later level index; -1 when its composite is not scored
  /// the change in the probability of chronicity; NaN unless both snapshots have a risk
  double probability_change = std::numeric_limits<double>::quiet_NaN();
  int band_from = -1;   ///< the earlier risk band index; -1 unless both snapshots have a risk
  int band_to = -1;     ///< the later risk band index; -1 unless both snapshots have a risk
  std::vector<Alert> alerts;  ///< in rule order: instrument rules, then model rules

  /// The case got worse: a higher composite, level or band, or a higher probability.
  bool worsened() const noexcept {
    return composite_change > 0.0 || level_to > level_from || band_to > band_from || probability_change > 0.0;
  }
};

/// Compares two assessments of one case (`before` earlier than `after`) and raises the alerts of
/// the instrument's and (when both snapshots have a risk) the model's rules.
inline CaseChange compare_assessments(const Instrument& instrument, const RiskModel* model, const Snapshot& before,
                                      const Snapshot& after) {
  if (!before.scores || !after.scores) throw InvalidArgument("snapshot", "both snapshots need their scores");
  const CaseScores& a = *before.scores;
  const CaseScores& b = *after.scores;
  const std::size_t dims = instrument.dimension_count();
  if (a.dimensions.size() != dims || b.dimensions.size() != dims)
    throw InvalidArgument("snapshot", "the scores do not belong to instrument " + instrument.id());
  CaseChange change;
  change.case_id = std::string(after.case_id);
  change.from_date = std::string(before.date);
  change.to_date = std::string(after.date);
  const auto d0 = parse_date(before.date), d1 = parse_date(after.date);
  if (d0 && d1) change.days = *d1 - *d0;
  const InstrumentAlertRules& rules = instrument.alert_rules();

  change.dimension_change.assign(dims, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t d = 0; d < dims; ++d) {
    if (!a.dimensions[d].scored || !b.dimensions[d].scored) continue;
    const double delta = b.dimensions[d].score - a.dimensions[d].score;
    change.dimension_change[d] = delta;
    // A rise of exactly the rule's amount alerts; the slack absorbs rounding in the scores.
    if (rules.dimension_worsening && delta + 1e-12 >= *rules.dimension_worsening)
      change.alerts.push_back({Alert::Kind::dimension_worsening, d, a.dimensions[d].score, b.dimensions[d].score,
                               *rules.dimension_worsening});
  }
  if (a.composite_scored() && b.composite_scored()) change.composite_change = b.composite - a.composite;
  change.level_from = a.level;
  change.level_to = b.level;
  if (rules.level_increase && a.level >= 0 && b.level > a.level)
    change.alerts.push_back({Alert::Kind::level_increase, 0, static_cast<double>(a.level), static_cast<double>(b.level),
                             std::numeric_limits<double>::quiet_NaN()});
  if (rules.critical_item_appears) {
    const auto& items = instrument.items();
    for (std::size_t j = 0; j < items.size(); ++j) {
      if (!items[j].critical_cutoff) continue;
      const double cut = *items[j].critical_cutoff;
      const double s0 = a.item_severity.at(j), s1 = b.item_severity.at(j);
      const bool was = !std::isnan(s0) && s0 >= cut;
      const bool is = !std::isnan(s1) && s1 >= cut;
      if (is && !was) change.alerts.push_back({Alert::Kind::critical_item_appears, j, s0, s1, cut});
    }
  }
  if (before.risk && after.risk) {
    change.band_from = before.risk->band;
    change.band_to = after.risk->band;
    change.probability_change = after.risk->probability - before.risk->probability;
    if (model) {
      const ModelAlertRules& m = model->alert_rules();
      if (m.band_increase && change.band_to > change.band_from)
        change.alerts.push_back({Alert::Kind::band_increase, 0, static_cast<double>(change.band_from),
                                 static_cast<double>(change.band_to), std::numeric_limits<double>::quiet_NaN()});
      if (m.probability_increase && change.probability_change + 1e-12 >= *m.probability_increase)
        change.alerts.push_back({Alert::Kind::probability_increase, 0, before.risk->probability,
                                 after.risk->probability, *m.probability_increase});
    }
  }
  return change;
}

/// The reassessment-overdue alert for a case last assessed on `last_date`, as of `as_of`
/// (both YYYY-MM-DD), when the instrument has the rule and the interval exceeds it.
inline std::optional<Alert> reassessment_overdue(const Instrument& instrument, std::string_view last_date,
                                                 std::string_view as_of) {
  const auto& rule = instrument.alert_rules().reassessment_overdue_days;
  if (!rule) return std::nullopt;
  const auto last = parse_date(last_date), now = parse_date(as_of);
  if (!last || !now) return std::nullopt;
  const int days = *now - *last;
  if (days <= *rule) return std::nullopt;
  return Alert{Alert::Kind::reassessment_overdue, 0, static_cast<double>(*last), static_cast<double>(days),
               static_cast<double>(*rule)};
}

/// One case's assessments in date order and what changed between consecutive ones.
struct CaseTimeline {
  std::string case_id;  ///< the case's pseudonymous id
  std::vector<std::size_t> rows;     ///< input rows of its assessments, oldest first
  std::vector<CaseChange> changes;   ///< rows.size() - 1 changes, oldest first
  std::vector<Alert> current_alerts; ///< the latest change's alerts, and reassessment_overdue as of the date given
  /// The change between the two latest assessments; null when the case has only one.
  const CaseChange* latest() const noexcept { return changes.empty() ? nullptr : &changes.back(); }
};

/// The caseload's histories: rows of assessments (in any order) grouped by case id and ordered
/// by date within each case (ties keep input order). Timelines come out sorted by case id.
struct CaseloadChanges {
  std::vector<CaseTimeline> cases;  ///< one per case id with a scored assessment, sorted by case id
  /// Rows whose responses cannot be scored, or whose date is invalid. A row the model cannot give
  /// a risk (no months in care) is not rejected: it is compared without its risk.
  std::vector<std::size_t> rejected_rows;
};

/// Scores every row (with the model when given) and compares consecutive assessments of each
/// case. `as_of` (YYYY-MM-DD, may be empty) is the day on which overdue reassessments are judged.
inline CaseloadChanges caseload_changes(const Instrument& instrument, const RiskModel* model,
                                        ConstRowMatrixView responses, std::span<const std::string> case_ids,
                                        std::span<const std::string> dates, std::string_view as_of = {}) {
  const auto rows = static_cast<std::size_t>(responses.rows());
  if (case_ids.size() != rows || dates.size() != rows)
    throw InvalidArgument("case_ids", "expected one case id and one date per row (" + std::to_string(rows) + ")");
  if (model && model->instrument().hash() != instrument.hash())
    throw InvalidArgument("model", "the model reads another instrument");
  CaseloadChanges out;
  std::vector<CaseScores> scores(rows);
  std::vector<std::optional<RiskResult>> risks(rows);
  std::vector<bool> ok(rows, false);
  RiskOptions risk_options;
  risk_options.counterfactual = false;
  for (std::size_t i = 0; i < rows; ++i) {
    std::span<const double> row(responses.data() + i * static_cast<std::size_t>(responses.outerStride()),
                                instrument.item_count());
    if (!parse_date(dates[i])) {
      out.rejected_rows.push_back(i);
      continue;
    }
    try {
      score_into(instrument, row, scores[i]);
    } catch (const ValidationError&) {
      out.rejected_rows.push_back(i);
      continue;
    }
    ok[i] = true;
    // A case the model cannot give a risk (no months in care) keeps its instrument scores and
    // changes; only its risk comparisons are missing.
    if (model) {
      try {
        risks[i] = score_risk(*model, row, scores[i], risk_options);
      } catch (const ValidationError&) {
      }
    }
  }
  std::map<std::string_view, std::vector<std::size_t>> by_case;
  for (std::size_t i = 0; i < rows; ++i)
    if (ok[i]) by_case[case_ids[i]].push_back(i);
  for (auto& [id, case_rows] : by_case) {
    std::stable_sort(case_rows.begin(), case_rows.end(),
                     [&](std::size_t x, std::size_t y) { return *parse_date(dates[x]) < *parse_date(dates[y]); });
    CaseTimeline timeline;
    timeline.case_id = std::string(id);
    timeline.rows = case_rows;
    for (std::size_t k = 1; k < case_rows.size(); ++k) {
      const std::size_t p = case_rows[k - 1], c = case_rows[k];
      const Snapshot before{case_ids[p], dates[p], &scores[p], risks[p] ? &*risks[p] : nullptr};
      const Snapshot after{case_ids[c], dates[c], &scores[c], risks[c] ? &*risks[c] : nullptr};
      timeline.changes.push_back(compare_assessments(instrument, model, before, after));
    }
    if (!timeline.changes.empty()) timeline.current_alerts = timeline.changes.back().alerts;
    if (auto overdue = reassessment_overdue(instrument, dates[case_rows.back()], as_of))
      timeline.current_alerts.push_back(*overdue);
    out.cases.push_back(std::move(timeline));
  }
  return out;
}

/// A case to place in the proactive-contact order: its latest state and recent change.
struct PriorityCase {
  std::string case_id;               ///< the pseudonymous case id (the last tie-break)
  std::string group;                 ///< team or territory ("" when capacities are not per group)
  int band = -1;                     ///< risk band index, -1 without a model
  /// the probability of chronicity; NaN without a model
  double probability = std::numeric_limits<double>::quiet_NaN();
  int level = -1;                    ///< composite level index, -1 when not scored
  /// the composite index; NaN when not scored
  double composite = std::numeric_limits<double>::quiet_NaN();
  double worsening = 0.0;            ///< the latest rise of the probability (or, without a model, of the composite); 0 if none
  std::size_t alerts = 0;            ///< current alerts
};

/// The group of a case whose latest assessment lacks the grouping attribute (or leaves it empty)
/// when capacities are per team or territory.
inline constexpr std::string_view missing_group = "(missing)";

/// A case's entry in the proactive-contact order, from its timeline (caseload_changes) and the
/// responses of its latest assessment: that assessment's level and composite and, with a model
/// that can give the case a risk, its band, probability and top factors (indices into the
/// model's features, written to `top_factors` when it is not null); the case's current alerts;
/// and its latest worsening: the rise of the probability between its last two assessments, or
/// of the composite without a model (or without a probability at both), never below 0. The
/// command line and the C API build their orders with it.
inline PriorityCase priority_case(const Instrument& instrument, const RiskModel* model, const CaseTimeline& timeline,
                                  std::span<const double> latest_responses, std::string group = {},
                                  std::vector<std::size_t>* top_factors = nullptr) {
  const CaseScores scores = score(instrument, latest_responses);
  PriorityCase p;
  p.case_id = timeline.case_id;
  p.group = std::move(group);
  p.level = scores.level;
  p.composite = scores.composite;
  p.alerts = timeline.current_alerts.size();
  if (top_factors) top_factors->clear();
  if (model) {
    RiskOptions risk_options;
    risk_options.counterfactual = false;
    try {
      const RiskResult risk = score_risk(*model, latest_responses, scores, risk_options);
      p.band = risk.band;
      p.probability = risk.probability;
      if (top_factors) *top_factors = risk.top_factors;
    } catch (const ValidationError&) {
      // No months in care: the case is ordered by the instrument's level and composite only.
    }
  }
  if (const CaseChange* last = timeline.latest()) {
    const double rise =
        model && !std::isnan(last->probability_change) ? last->probability_change : last->composite_change;
    p.worsening = std::isnan(rise) ? 0.0 : std::max(0.0, rise);
  }
  return p;
}

/// How many cases can be contacted: overall (`capacity`), or per group when `per_group` is set or
/// `capacity_by_group` has entries (a group without an entry then gets `capacity`, and 0 there
/// means no limit).
struct PriorityOptions {
  std::size_t capacity = 0;  ///< 0: no limit
  std::vector<std::pair<std::string, std::size_t>> capacity_by_group;  ///< (group, capacity); 0 = no limit
  bool per_group = false;  ///< `capacity` applies to each group rather than to the whole caseload
};

/// A case's place in the order.
struct Priority {
  std::size_t input = 0;       ///< index into the cases given
  std::size_t rank = 0;        ///< 1-based, overall
  std::size_t group_rank = 0;  ///< 1-based, within its group
  bool selected = false;       ///< within the capacity
};

/// Orders cases for proactive contact, most urgent first: higher risk band; then more current
/// alerts (recent worsening); then higher probability; then larger recent worsening; then (no
/// model) higher level and composite; ties broken by case id, so the order is deterministic.
/// Selects the first `capacity` overall, or the first capacity of each group.
inline std::vector<Priority> prioritise(std::span<const PriorityCase> cases, const PriorityOptions& options = {}) {
  auto key_nan_low = [](double v) { return std::isnan(v) ? -std::numeric_limits<double>::infinity() : v; };
  std::vector<std::size_t> order(cases.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const PriorityCase& a = cases[x];
    const PriorityCase& b = cases[y];
    if (a.band != b.band) return a.band > b.band;
    if (a.alerts != b.alerts) return a.alerts > b.alerts;
    if (key_nan_low(a.probability) != key_nan_low(b.probability)) return key_nan_low(a.probability) > key_nan_low(b.probability);
    if (a.worsening != b.worsening) return a.worsening > b.worsening;
    if (a.level != b.level) return a.level > b.level;
    if (key_nan_low(a.composite) != key_nan_low(b.composite)) return key_nan_low(a.composite) > key_nan_low(b.composite);
    if (a.case_id != b.case_id) return a.case_id < b.case_id;
    return x < y;
  });
  std::map<std::string, std::size_t> group_capacity(options.capacity_by_group.begin(), options.capacity_by_group.end());
  const bool per_group = options.per_group || !options.capacity_by_group.empty();
  std::map<std::string, std::size_t> seen;
  std::vector<Priority> out(cases.size());
  for (std::size_t r = 0; r < order.size(); ++r) {
    const std::size_t i = order[r];
    Priority& p = out[r];
    p.input = i;
    p.rank = r + 1;
    p.group_rank = ++seen[cases[i].group];
    std::optional<std::size_t> limit;  // none: no limit
    auto it = per_group ? group_capacity.find(cases[i].group) : group_capacity.end();
    if (it != group_capacity.end())
      limit = it->second;
    else if (options.capacity > 0)
      limit = options.capacity;
    p.selected = !limit || (per_group ? p.group_rank : p.rank) <= *limit;
  }
  return out;
}

/// A professional's override of a result's level or band (GDPR Art. 22: the score supports the
/// professional's decision; when they disagree, the record says so and why).
struct ProfessionalOverride {
  /// What the override changes: the composite's level or the risk band.
  enum class Target : std::uint8_t { level, band };
  Target target = Target::level;  ///< the level (instrument) or the band (risk model)
  std::string value;            ///< the new level or band id
  std::string professional_id;  ///< pseudonymous: letters, digits, '_', '-', '.', ':' (never a name)
  std::string timestamp;        ///< UTC, YYYY-MM-DDThh:mm:ssZ
  std::string reason;           ///< free text: why (must not identify the person)
};

/// "level" or "band", as written in results and audit records.
inline const char* to_string(ProfessionalOverride::Target target) noexcept {
  return target == ProfessionalOverride::Target::level ? "level" : "band";
}

/// The longest override reason pact accepts, in bytes.
inline constexpr std::size_t max_override_reason_length = 2000;

/// Whether `text` is a UTC timestamp YYYY-MM-DDThh:mm:ssZ with a real date and time.
inline bool is_utc_timestamp(std::string_view text) {
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') return false;
  if (!parse_date(text.substr(0, 10))) return false;
  auto two = [&](std::size_t at) -> int {
    if (text[at] < '0' || text[at] > '9' || text[at + 1] < '0' || text[at + 1] > '9') return -1;
    return (text[at] - '0') * 10 + (text[at + 1] - '0');
  };
  const int h = two(11), m = two(14), s = two(17);
  return h >= 0 && h < 24 && m >= 0 && m < 60 && s >= 0 && s < 61;
}

/// Checks an override against the instrument (level ids) or model (band ids); throws
/// ValidationError at `/override/<field>`.
inline void validate_override(const Instrument& instrument, const RiskModel* model, const ProfessionalOverride& o) {
  if (o.target == ProfessionalOverride::Target::level) {
    if (!instrument.find_level(o.value))
      throw ValidationError("/override/value", "\"" + o.value + "\" is not a level of instrument " + instrument.id());
  } else {
    if (!model) throw ValidationError("/override/target", "a band override needs a risk model");
    bool found = false;
    for (const auto& band : model->bands()) found = found || band.id == o.value;
    if (!found) throw ValidationError("/override/value", "\"" + o.value + "\" is not a risk band (low, medium, high, very_high)");
  }
  if (o.professional_id.empty() || o.professional_id.size() > 64)
    throw ValidationError("/override/professional_id", "expected a pseudonymous id of 1 to 64 characters");
  for (char c : o.professional_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.' || c == ':';
    if (!ok)
      throw ValidationError("/override/professional_id",
                            "a pseudonymous id has only letters, digits, '_', '-', '.', ':' (no spaces: never a name)");
  }
  if (!is_utc_timestamp(o.timestamp))
    throw ValidationError("/override/timestamp", "expected a UTC time YYYY-MM-DDThh:mm:ssZ");
  if (o.reason.empty()) throw ValidationError("/override/reason", "an override needs its reason");
  if (o.reason.size() > max_override_reason_length)
    throw ValidationError("/override/reason",
                          "the reason is longer than " + std::to_string(max_override_reason_length) + " bytes");
}

/// One scored case as evaluators see it for overrides: the level or band pact gave, the one
/// that stands after any override, and the outcome when known.
struct OverrideRecord {
  int original = -1;  ///< level or band index pact gave
  int final = -1;     ///< after the override (= original when none)
  bool overridden = false;  ///< a professional overrode the result (an override to pact's own value counts as none)
  double outcome = std::numeric_limits<double>::quiet_NaN();  ///< 1 chronic, 0 not, NaN unknown
};

/// Override rates and how overridden cases turned out, for one population.
struct OverrideStats {
  std::size_t n = 0;           ///< records
  std::size_t overridden = 0;  ///< records overridden to another level or band
  std::size_t raised = 0;   ///< overridden to a more severe level or band
  std::size_t lowered = 0;  ///< to a less severe one
  double rate = 0.0;        ///< overridden / n
  /// Observed share chronic among cases with a known outcome, for each kind of decision; NaN when none.
  double outcome_not_overridden = std::numeric_limits<double>::quiet_NaN();
  /// Observed share chronic among raised cases with a known outcome; NaN when none.
  double outcome_raised = std::numeric_limits<double>::quiet_NaN();
  /// Observed share chronic among lowered cases with a known outcome; NaN when none.
  double outcome_lowered = std::numeric_limits<double>::quiet_NaN();
  /// Cases with a known outcome that were not overridden, raised and lowered: the denominators
  /// of the three shares above.
  ///@{
  std::size_t known_not_overridden = 0, known_raised = 0, known_lowered = 0;
  ///@}
};

/// Override statistics of the whole population and of each subgroup (override_report).
struct OverrideReport {
  OverrideStats total;  ///< every record
  std::vector<std::pair<std::string, OverrideStats>> groups;  ///< sorted by group name
};

namespace detail {
struct OverrideAccumulator {
  OverrideStats s;
  double chronic_not = 0, chronic_raised = 0, chronic_lowered = 0;
  void add(const OverrideRecord& r) {
    ++s.n;
    const bool known = !std::isnan(r.outcome);
    if (!r.overridden || r.final == r.original) {
      if (known) {
        ++s.known_not_overridden;
        chronic_not += r.outcome;
      }
      return;
    }
    ++s.overridden;
    if (r.final > r.original) {
      ++s.raised;
      if (known) {
        ++s.known_raised;
        chronic_raised += r.outcome;
      }
    } else {
      ++s.lowered;
      if (known) {
        ++s.known_lowered;
        chronic_lowered += r.outcome;
      }
    }
  }
  OverrideStats finish() const {
    OverrideStats out = s;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.rate = s.n ? static_cast<double>(s.overridden) / static_cast<double>(s.n) : 0.0;
    out.outcome_not_overridden = s.known_not_overridden ? chronic_not / static_cast<double>(s.known_not_overridden) : nan;
    out.outcome_raised = s.known_raised ? chronic_raised / static_cast<double>(s.known_raised) : nan;
    out.outcome_lowered = s.known_lowered ? chronic_lowered / static_cast<double>(s.known_lowered) : nan;
    return out;
  }
};
}  // namespace detail

/// Override rates overall and by subgroup (optional), and the observed outcomes of cases that
/// were not overridden, raised, or lowered (EU AI Act Art. 14: evaluators see how human
/// oversight is used). An override that restates pact's own value counts as not overridden.
inline OverrideReport override_report(std::span<const OverrideRecord> records, const Groups* groups = nullptr) {
  detail::check_groups(groups, records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const double y = records[i].outcome;
    if (!std::isnan(y) && y != 0.0 && y != 1.0)
      throw InvalidArgument("outcome[" + std::to_string(i) + "]", "expected 0, 1 or NaN (unknown)");
  }
  detail::OverrideAccumulator total;
  std::vector<detail::OverrideAccumulator> by_group(groups ? groups->names.size() : 0);
  for (std::size_t i = 0; i < records.size(); ++i) {
    total.add(records[i]);
    if (groups) by_group[static_cast<std::size_t>(groups->codes[i])].add(records[i]);
  }
  OverrideReport report;
  report.total = total.finish();
  for (std::size_t g = 0; g < by_group.size(); ++g) report.groups.emplace_back(groups->names[g], by_group[g].finish());
  return report;
}

}  // namespace pact

#endif  // PACT_CASEWORK_HPP
