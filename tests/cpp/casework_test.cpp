// Proactive casework: alerts between two assessments with hand-checked values on the small
// fixture instrument, caseload timelines, prioritisation order and capacities, overrides.
#include "pact/casework.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

// The small fixture with every instrument alert rule: dimension worsening of .2, level
// increase, critical item appears, reassessment overdue after 90 days.
const pact::Instrument& alerting() {
  static const pact::Instrument instrument = [] {
    auto doc = nlohmann::json::parse(pact_test::read_text(pact_test::data_path("instruments/small.json")));
    doc["alerts"] = {{"dimension_worsening", 0.2},
                     {"level_increase", true},
                     {"critical_item_appears", true},
                     {"reassessment_overdue_days", 90}};
    return pact::Instrument::parse(doc.dump());
  }();
  return instrument;
}

TEST(Casework, ParseDateAcceptsOnlyRealDates) {
  EXPECT_EQ(pact::parse_date("1970-01-01"), 0);
  EXPECT_EQ(pact::parse_date("1970-01-31"), 30);
  EXPECT_EQ(pact::parse_date("2024-03-01").value() - pact::parse_date("2024-02-28").value(), 2);  // leap year
  EXPECT_EQ(pact::parse_date("2023-03-01").value() - pact::parse_date("2023-02-28").value(), 1);
  EXPECT_FALSE(pact::parse_date("2023-02-29"));
  EXPECT_FALSE(pact::parse_date("2023-13-01"));
  EXPECT_FALSE(pact::parse_date("2023-1-01"));
  EXPECT_FALSE(pact::parse_date("2023/01/01"));
  EXPECT_FALSE(pact::parse_date(""));
}

TEST(Casework, AlertsBetweenTwoAssessments) {
  const auto& inst = alerting();
  // Before: a1=2 (.25), a2 no, a3=0 (0), b1=0, b2=100 (0), c1=0 (0).
  //   A = (2*.25)/4 = .125, B = 0, C = 0; composite .5*.125 = .0625 -> "low".
  // After: a1=4 (1), a2 yes (1), a3=12 (.5), b1=0, b2=100, c1=5 (.5).
  //   A = (2 + 1 + .5)/4 = .875 (+.75 >= .2: alert), B = 0 (+0), C = .5 (+.5: alert);
  //   composite .5*.875 + .25*.5 = .5625 -> "mid" (up from "low": alert);
  //   a1 severity 1 >= .75 and was .25: critical item appears; a3 .5 < 1: no.
  const std::vector<double> r0 = {2, 0, 0, 0, 100, 0}, r1 = {4, 1, 12, 0, 100, 5};
  const auto s0 = pact::score(inst, r0), s1 = pact::score(inst, r1);
  const auto change = pact::compare_assessments(inst, nullptr, {"c1", "2026-01-10", &s0, nullptr},
                                                {"c1", "2026-04-20", &s1, nullptr});
  EXPECT_EQ(change.days, 100);
  EXPECT_DOUBLE_EQ(change.dimension_change[0], 0.75);
  EXPECT_DOUBLE_EQ(change.dimension_change[1], 0.0);
  EXPECT_DOUBLE_EQ(change.dimension_change[2], 0.5);
  EXPECT_DOUBLE_EQ(change.composite_change, 0.5);
  EXPECT_EQ(change.level_from, 0);
  EXPECT_EQ(change.level_to, 1);
  EXPECT_TRUE(change.worsened());
  ASSERT_EQ(change.alerts.size(), 4u);
  EXPECT_EQ(change.alerts[0].kind, pact::Alert::Kind::dimension_worsening);
  EXPECT_EQ(change.alerts[0].index, 0u);
  EXPECT_EQ(change.alerts[1].kind, pact::Alert::Kind::dimension_worsening);
  EXPECT_EQ(change.alerts[1].index, 2u);
  EXPECT_EQ(change.alerts[2].kind, pact::Alert::Kind::level_increase);
  EXPECT_EQ(change.alerts[3].kind, pact::Alert::Kind::critical_item_appears);
  EXPECT_EQ(change.alerts[3].index, 0u);
  EXPECT_EQ(pact::describe_alert(inst, nullptr, change.alerts[0], "en"),
            "Dimension A worsened 75 points (13 → 88; rule ≥ 20)");
  EXPECT_EQ(pact::describe_alert(inst, nullptr, change.alerts[2], "es"), "El nivel subió: Bajo → Medio");
  EXPECT_EQ(pact::describe_alert(inst, nullptr, change.alerts[3], "en"), "Critical now: Item a1 (100)");
  // The reverse change improves the case and raises nothing.
  const auto back = pact::compare_assessments(inst, nullptr, {"c1", "2026-04-20", &s1, nullptr},
                                              {"c1", "2026-05-20", &s0, nullptr});
  EXPECT_TRUE(back.alerts.empty());
  EXPECT_FALSE(back.worsened());
}

TEST(Casework, AWorseningJustBelowTheRuleRaisesNothing) {
  const auto& inst = alerting();
  // A from .125 to .25 (a1 2 -> 2, a3 0 -> 12: (2*.25 + .5)/4 = .25): +.125 < .2.
  const auto s0 = pact::score(inst, std::vector<double>{2, 0, 0, 0, 100, 0});
  const auto s1 = pact::score(inst, std::vector<double>{2, 0, 12, 0, 100, 0});
  const auto change = pact::compare_assessments(inst, nullptr, {"c", "2026-01-01", &s0, nullptr},
                                                {"c", "2026-01-02", &s1, nullptr});
  EXPECT_DOUBLE_EQ(change.dimension_change[0], 0.125);
  EXPECT_TRUE(change.alerts.empty());
}

TEST(Casework, InstrumentWithoutRulesRaisesNoAlerts) {
  const auto inst = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  const auto s0 = pact::score(inst, std::vector<double>{1, 0, 0, 0, 100, 0});
  const auto s1 = pact::score(inst, std::vector<double>{4, 1, 30, 5, 0, 10});
  const auto change = pact::compare_assessments(inst, nullptr, {"c", "2026-01-01", &s0, nullptr},
                                                {"c", "2027-01-01", &s1, nullptr});
  EXPECT_TRUE(change.alerts.empty());
  EXPECT_TRUE(change.worsened());
  EXPECT_FALSE(pact::reassessment_overdue(inst, "2020-01-01", "2026-01-01"));
}

TEST(Casework, ReassessmentOverdue) {
  const auto& inst = alerting();
  EXPECT_FALSE(pact::reassessment_overdue(inst, "2026-01-01", "2026-04-01"));  // 90 days: not more than 90
  const auto alert = pact::reassessment_overdue(inst, "2026-01-01", "2026-04-02");
  ASSERT_TRUE(alert);
  EXPECT_DOUBLE_EQ(alert->to, 91);
  EXPECT_EQ(pact::describe_alert(inst, nullptr, *alert, "en"), "No reassessment for 91 days (rule ≤ 90)");
  EXPECT_FALSE(pact::reassessment_overdue(inst, "not a date", "2026-04-02"));
}

TEST(Casework, RiskAlertsFromTheModelRules) {
  const auto& model = pact::RiskModel::bundled();
  ASSERT_TRUE(model.alert_rules().band_increase);
  ASSERT_TRUE(model.alert_rules().probability_increase);
  pact::RiskResult r0, r1;
  r0.band = 0;
  r0.probability = 0.20;
  r1.band = 2;
  r1.probability = 0.55;
  const auto& inst = model.instrument();
  std::vector<double> responses(inst.item_count(), NA);
  responses[*inst.find_item("emp_work_status")] = 1;
  responses[*inst.find_item("hou_homelessness")] = 1;
  const auto s = pact::score(inst, responses);
  const auto change = pact::compare_assessments(inst, &model, {"c", "2026-01-01", &s, &r0}, {"c", "2026-06-01", &s, &r1});
  ASSERT_EQ(change.alerts.size(), 2u);
  EXPECT_EQ(change.alerts[0].kind, pact::Alert::Kind::band_increase);
  EXPECT_EQ(change.alerts[1].kind, pact::Alert::Kind::probability_increase);
  EXPECT_NEAR(change.probability_change, 0.35, 1e-15);
  EXPECT_EQ(pact::describe_alert(inst, &model, change.alerts[0], "en"), "Risk band went up: Low → High");
  EXPECT_EQ(pact::describe_alert(inst, &model, change.alerts[1], "en"),
            "Probability of chronicity rose by 35 points (20% → 55%; rule ≥ 10)");
}

TEST(Casework, ModelAlertRulesAreValidated) {
  const auto& inst = pact::Instrument::bundled();
  auto doc = nlohmann::json::parse(pact_test::read_text(pact_test::source_path("models/pact-chronicity.json")));
  doc["alerts"] = {{"probability_increase", 1.5}};
  try {
    pact::RiskModel::parse(doc.dump(), inst);
    FAIL();
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/alerts/probability_increase");
  }
  doc["alerts"] = {{"band_up", true}};
  EXPECT_THROW(pact::RiskModel::parse(doc.dump(), inst), pact::ValidationError);
  doc.erase("alerts");
  const auto model = pact::RiskModel::parse(doc.dump(), inst);
  EXPECT_FALSE(model.alert_rules().band_increase);
  EXPECT_FALSE(model.alert_rules().probability_increase);
}

TEST(Casework, CaseloadTimelinesGroupAndOrderByDate) {
  const auto& inst = alerting();
  // Rows out of order: case "b" twice, case "a" three times, one bad date, one invalid response.
  pact::RowMatrix x(7, 6);
  x << 4, 1, 12, 0, 100, 5,  // a, 2026-03-01 (second)
      1, 0, 0, 0, 100, 0,    // b, 2026-01-01
      2, 0, 0, 0, 100, 0,    // a, 2026-01-01 (first)
      4, 1, 30, 0, 100, 10,  // a, 2026-06-01 (third)
      1, 0, 0, 0, 100, 0,    // b, 2026-02-01
      1, 0, 0, 0, 100, 0,    // c, bad date
      9, 0, 0, 0, 100, 0;    // c, invalid a1
  const std::vector<std::string> ids = {"a", "b", "a", "a", "b", "c", "c"};
  const std::vector<std::string> dates = {"2026-03-01", "2026-01-01", "2026-01-01", "2026-06-01",
                                          "2026-02-01", "2026-02-30", "2026-01-01"};
  const auto out = pact::caseload_changes(inst, nullptr, pact::view_rows(x), ids, dates, "2026-09-01");
  EXPECT_EQ(out.rejected_rows, (std::vector<std::size_t>{5, 6}));
  ASSERT_EQ(out.cases.size(), 2u);
  EXPECT_EQ(out.cases[0].case_id, "a");
  EXPECT_EQ(out.cases[0].rows, (std::vector<std::size_t>{2, 0, 3}));
  ASSERT_EQ(out.cases[0].changes.size(), 2u);
  EXPECT_EQ(out.cases[0].changes[0].from_date, "2026-01-01");
  EXPECT_EQ(out.cases[0].changes[1].to_date, "2026-06-01");
  // Latest change a(03-01) -> a(06-01): A .875 -> 1 (+.125), C .5 -> 1 (+.5: alert), level mid
  // (.5625) -> high (.5*1 + .25*1 = .75): alert; a3 becomes critical (1 >= 1): alert. As of
  // 09-01, 92 days since 06-01: overdue.
  const auto& alerts = out.cases[0].current_alerts;
  ASSERT_EQ(alerts.size(), 4u);
  EXPECT_EQ(alerts[0].kind, pact::Alert::Kind::dimension_worsening);
  EXPECT_EQ(alerts[0].index, 2u);
  EXPECT_EQ(alerts[1].kind, pact::Alert::Kind::level_increase);
  EXPECT_EQ(alerts[2].kind, pact::Alert::Kind::critical_item_appears);
  EXPECT_EQ(alerts[2].index, 2u);
  EXPECT_EQ(alerts[3].kind, pact::Alert::Kind::reassessment_overdue);
  EXPECT_EQ(out.cases[1].case_id, "b");
  EXPECT_TRUE(out.cases[1].changes.back().alerts.empty());
  EXPECT_EQ(out.cases[1].current_alerts.size(), 1u);  // 212 days since 02-01
}

TEST(Casework, PriorityCaseIsTheLatestAssessmentWithItsWorsening) {
  const auto& inst = alerting();
  // The caseload of CaseloadTimelinesGroupAndOrderByDate (row 6 cannot be scored, row 5 has a
  // bad date).
  pact::RowMatrix x(7, 6);
  x << 4, 1, 12, 0, 100, 5, 1, 0, 0, 0, 100, 0, 2, 0, 0, 0, 100, 0, 4, 1, 30, 0, 100, 10, 1, 0, 0, 0, 100, 0, 1, 0,
      0, 0, 100, 0, 9, 0, 0, 0, 100, 0;
  const std::vector<std::string> ids = {"a", "b", "a", "a", "b", "c", "c"};
  const std::vector<std::string> dates = {"2026-03-01", "2026-01-01", "2026-01-01", "2026-06-01",
                                          "2026-02-01", "2026-02-30", "2026-01-01"};
  const auto changes = pact::caseload_changes(inst, nullptr, pact::view_rows(x), ids, dates, "2026-09-01");
  ASSERT_EQ(changes.cases.size(), 2u);
  auto latest = [&](const pact::CaseTimeline& t) {
    return std::span<const double>(x.row(static_cast<Eigen::Index>(t.rows.back())).data(), inst.item_count());
  };
  std::vector<std::size_t> top = {99};
  // a: latest row 3, composite .5*1 + .25*1 = .75 (level high), up from .5625 at
  // row 0: worsening .1875; its four current alerts (see above). No model: no band, no factors.
  const auto a = pact::priority_case(inst, nullptr, changes.cases[0], latest(changes.cases[0]), "north", &top);
  EXPECT_EQ(a.case_id, "a");
  EXPECT_EQ(a.group, "north");
  EXPECT_EQ(a.band, -1);
  EXPECT_TRUE(std::isnan(a.probability));
  EXPECT_EQ(a.level, 2);
  EXPECT_DOUBLE_EQ(a.composite, 0.75);
  EXPECT_DOUBLE_EQ(a.worsening, 0.1875);
  EXPECT_EQ(a.alerts, 4u);
  EXPECT_TRUE(top.empty());
  // b: latest row 4, every severity 0: composite 0 (level low), no worsening, one alert (overdue).
  const auto b = pact::priority_case(inst, nullptr, changes.cases[1], latest(changes.cases[1]));
  EXPECT_EQ(b.case_id, "b");
  EXPECT_EQ(b.group, "");
  EXPECT_EQ(b.level, 0);
  EXPECT_DOUBLE_EQ(b.composite, 0.0);
  EXPECT_DOUBLE_EQ(b.worsening, 0.0);
  EXPECT_EQ(b.alerts, 1u);
  // An improvement is no worsening: b's first assessment against a worse one before it.
  pact::RowMatrix y = x;
  y.row(1) << 4, 1, 30, 0, 100, 10;  // b on 2026-01-01 at its worst; 2026-02-01 calm
  const auto improved = pact::caseload_changes(inst, nullptr, pact::view_rows(y), ids, dates, "");
  const auto b2 = pact::priority_case(inst, nullptr, improved.cases[1],
                                      std::span<const double>(y.row(4).data(), inst.item_count()));
  EXPECT_LT(improved.cases[1].changes.back().composite_change, 0.0);
  EXPECT_DOUBLE_EQ(b2.worsening, 0.0);
}

TEST(Casework, PrioritisationOrderIsLexicographicAndDeterministic) {
  std::vector<pact::PriorityCase> cases(6);
  cases[0] = {"c0", "leon", 2, 0.60, 2, 0.5, 0.00, 0};
  cases[1] = {"c1", "leon", 3, 0.80, 2, 0.6, 0.00, 0};
  cases[2] = {"c2", "salamanca", 2, 0.55, 1, 0.4, 0.10, 1};  // same band as c0, but an alert
  cases[3] = {"c3", "salamanca", 2, 0.60, 2, 0.5, 0.05, 0};  // ties c0 on band, alerts, probability; worsens more
  cases[4] = {"c4", "leon", 2, 0.60, 2, 0.5, 0.00, 0};       // ties c0 exactly: case id decides
  cases[5] = {"c5", "salamanca", 0, 0.10, 0, 0.1, 0.00, 0};
  const auto order = pact::prioritise(cases);
  std::vector<std::string> ranked;
  for (const auto& p : order) ranked.push_back(cases[p.input].case_id);
  EXPECT_EQ(ranked, (std::vector<std::string>{"c1", "c2", "c3", "c0", "c4", "c5"}));
  for (const auto& p : order) EXPECT_TRUE(p.selected);
  // Overall capacity 3.
  pact::PriorityOptions options;
  options.capacity = 3;
  auto capped = pact::prioritise(cases, options);
  EXPECT_TRUE(capped[2].selected);
  EXPECT_FALSE(capped[3].selected);
  // Per territory: leon 1, salamanca 2.
  options.capacity = 0;
  options.capacity_by_group = {{"leon", 1}, {"salamanca", 2}};
  capped = pact::prioritise(cases, options);
  std::vector<std::string> selected;
  for (const auto& p : capped)
    if (p.selected) selected.push_back(cases[p.input].case_id);
  EXPECT_EQ(selected, (std::vector<std::string>{"c1", "c2", "c3"}));
  EXPECT_EQ(capped[1].group_rank, 1u);  // c2 first in salamanca
  // The same capacity for every territory: the first of each (c1 in leon, c2 in salamanca).
  options.capacity_by_group.clear();
  options.capacity = 1;
  options.per_group = true;
  capped = pact::prioritise(cases, options);
  selected.clear();
  for (const auto& p : capped)
    if (p.selected) selected.push_back(cases[p.input].case_id);
  EXPECT_EQ(selected, (std::vector<std::string>{"c1", "c2"}));
}

TEST(Casework, OverridesAreValidated) {
  const auto& model = pact::RiskModel::bundled();
  const auto& inst = model.instrument();
  pact::ProfessionalOverride o{pact::ProfessionalOverride::Target::band, "high", "ts-0042", "2026-11-23T10:15:00Z",
                               "Recent eviction notice not yet in the file"};
  EXPECT_NO_THROW(pact::validate_override(inst, &model, o));
  auto expect_error = [&](pact::ProfessionalOverride bad, const std::string& path) {
    try {
      pact::validate_override(inst, &model, bad);
      ADD_FAILURE() << path;
    } catch (const pact::ValidationError& e) {
      EXPECT_EQ(e.where(), path);
    }
  };
  auto bad = o;
  bad.value = "extreme";
  expect_error(bad, "/override/value");
  bad = o;
  bad.professional_id = "María López";
  expect_error(bad, "/override/professional_id");
  bad = o;
  bad.timestamp = "2026-11-23 10:15";
  expect_error(bad, "/override/timestamp");
  bad = o;
  bad.reason.clear();
  expect_error(bad, "/override/reason");
  bad = o;
  bad.target = pact::ProfessionalOverride::Target::level;
  expect_error(bad, "/override/value");  // "high" is not a level
  bad.value = "severe_exclusion";
  EXPECT_NO_THROW(pact::validate_override(inst, nullptr, bad));
  try {
    pact::validate_override(inst, nullptr, o);  // a band override without a model
    ADD_FAILURE();
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/override/target");
  }
}

TEST(Casework, OverrideReportByGroupWithOutcomes) {
  // leon: 4 cases: not overridden (outcomes 1, 0), raised 1 -> 3 (outcome 1), lowered 2 -> 1 (unknown).
  // salamanca: 2 cases: restated 2 -> 2 (counts as not overridden, outcome 0), raised 0 -> 1 (outcome 0).
  const std::vector<pact::OverrideRecord> records = {
      {1, 1, false, 1}, {2, 2, false, 0}, {1, 3, true, 1}, {2, 1, true, NA}, {2, 2, true, 0}, {0, 1, true, 0}};
  const std::vector<std::string> labels = {"leon", "leon", "leon", "leon", "salamanca", "salamanca"};
  const auto groups = pact::Groups::from_labels(labels);
  const auto report = pact::override_report(records, &groups);
  EXPECT_EQ(report.total.n, 6u);
  EXPECT_EQ(report.total.overridden, 3u);
  EXPECT_EQ(report.total.raised, 2u);
  EXPECT_EQ(report.total.lowered, 1u);
  EXPECT_DOUBLE_EQ(report.total.rate, 0.5);
  EXPECT_DOUBLE_EQ(report.total.outcome_not_overridden, 1.0 / 3);  // outcomes 1, 0, 0
  EXPECT_DOUBLE_EQ(report.total.outcome_raised, 0.5);              // 1, 0
  EXPECT_TRUE(std::isnan(report.total.outcome_lowered));           // unknown
  ASSERT_EQ(report.groups.size(), 2u);
  EXPECT_EQ(report.groups[0].first, "leon");
  EXPECT_DOUBLE_EQ(report.groups[0].second.rate, 0.5);
  EXPECT_DOUBLE_EQ(report.groups[1].second.rate, 0.5);
  EXPECT_DOUBLE_EQ(report.groups[1].second.outcome_raised, 0.0);
  const std::vector<pact::OverrideRecord> bad = {{1, 1, false, 0.5}};
  EXPECT_THROW(pact::override_report(bad), pact::InvalidArgument);
}

}  // namespace
