// Casework as JSON against the C++ structures it writes (the hand-computed values are in
// tests/c/casework_test.c, through the C API):
//  - change_json carries compare_assessments' changes and alerts, every number to the bit, on
//    simulated histories of the default instrument and model;
//  - priorities_json gives the order prioritise gives over priority_case of each timeline of
//    caseload_changes, the same from JSON Lines and from a JSON array, and lists bad lines;
//  - results written by AuditWriter::score_and_append, with and without overrides, verify
//    against their records, and apply_override_json leaves the result's text as it was.
#include "pact/formats/assessment_json.hpp"
#include "pact/formats/casework.hpp"
#include "pact/formats/result.hpp"
#include "pact/simulation.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

// Two waves of one simulated caseload: wave 2 is the same cases (same ids) six months later,
// simulated with another seed. Every case answers the months in care except every ninth case
// of wave 1, which the hazard model then cannot give a risk.
std::vector<pact::Assessment> wave(std::uint64_t seed, const char* date, std::size_t cases, bool drop_duration) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  pact::SimulationOptions options;
  options.cases = cases;
  options.seed = seed;
  options.threads = 1;
  const pact::SimulatedCaseload sim = pact::simulate_caseload(model, options);
  const auto items = static_cast<std::size_t>(sim.responses.cols());
  std::vector<pact::Assessment> out(sim.size());
  for (std::size_t i = 0; i < sim.size(); ++i) {
    out[i].case_id = sim.case_ids[i];
    out[i].date = date;
    for (const auto& attribute : sim.attributes)
      out[i].attributes.emplace_back(attribute.name,
                                     attribute.groups.names[static_cast<std::size_t>(attribute.groups.codes[i])]);
    std::sort(out[i].attributes.begin(), out[i].attributes.end());
    const double* row = sim.responses.data() + i * items;
    out[i].responses.assign(row, row + items);
    if (drop_duration && i % 9 == 4) out[i].responses[*model.duration_item()] = pact::missing;
  }
  return out;
}

std::optional<pact::RiskResult> risk_of(const pact::RiskModel& model, const std::vector<double>& responses,
                                        const pact::CaseScores& scores) {
  pact::RiskOptions options;
  options.counterfactual = false;
  try {
    return pact::score_risk(model, responses, scores, options);
  } catch (const pact::ValidationError&) {
    return std::nullopt;  // no months in care
  }
}

bool same_number(const json& value, double expected) {
  if (std::isnan(expected)) return value.is_null();
  if (!value.is_number()) return false;
  const double got = value.get<double>();
  return std::memcmp(&got, &expected, sizeof got) == 0 || (got == 0.0 && expected == 0.0);
}

TEST(ChangeJson, CarriesCompareAssessmentsToTheBit) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& instrument = model.instrument();
  const auto first = wave(3, "2026-01-15", 300, true), second = wave(4, "2026-07-15", 300, false);
  std::size_t alerts = 0, without_risk = 0;
  for (std::size_t i = 0; i < first.size(); ++i) {
    const pact::CaseScores s0 = pact::score(instrument, first[i]), s1 = pact::score(instrument, second[i]);
    const auto r0 = risk_of(model, first[i].responses, s0), r1 = risk_of(model, second[i].responses, s1);
    without_risk += r0 ? 0 : 1;
    const pact::CaseChange expected = pact::compare_assessments(
        instrument, &model, {first[i].case_id, first[i].date, &s0, r0 ? &*r0 : nullptr},
        {second[i].case_id, second[i].date, &s1, r1 ? &*r1 : nullptr});
    pact::ChangeJsonOptions options;
    options.language = "es";
    const json change = json::parse(pact::change_json(instrument, &model, pact::write_assessment_json(instrument, first[i]),
                                                       pact::write_assessment_json(instrument, second[i]), options));
    ASSERT_EQ(change["case_id"], first[i].case_id);
    EXPECT_EQ(change["days"], 181);  // 2026-01-15 to 2026-07-15: 16 + 28 + 31 + 30 + 31 + 30 + 15
    EXPECT_EQ(change["worsened"], expected.worsened());
    EXPECT_TRUE(same_number(change["composite"]["change"], expected.composite_change));
    for (std::size_t d = 0; d < instrument.dimension_count(); ++d) {
      EXPECT_EQ(change["dimensions"][d]["id"], instrument.dimensions()[d].id);
      EXPECT_TRUE(same_number(change["dimensions"][d]["change"], expected.dimension_change[d]));
      EXPECT_TRUE(same_number(change["dimensions"][d]["to"], s1.dimensions[d].score));
    }
    EXPECT_TRUE(same_number(change["risk"]["probability"]["change"], expected.probability_change));
    EXPECT_TRUE(same_number(change["risk"]["probability"]["from"], r0 ? r0->probability : pact::missing));
    if (r1) {
      EXPECT_EQ(change["risk"]["band"]["to"]["id"], model.bands()[static_cast<std::size_t>(r1->band)].id);
    }
    ASSERT_EQ(change["alerts"].size(), expected.alerts.size());
    for (std::size_t k = 0; k < expected.alerts.size(); ++k) {
      const pact::Alert& a = expected.alerts[k];
      const json& got = change["alerts"][k];
      EXPECT_EQ(got["kind"], pact::to_string(a.kind));
      EXPECT_EQ(got["reason"], pact::describe_alert(instrument, &model, a, "es"));
      if (a.kind == pact::Alert::Kind::dimension_worsening) {
        EXPECT_EQ(got["dimension"], instrument.dimensions()[a.index].id);
        EXPECT_TRUE(same_number(got["from"], a.from));
        EXPECT_TRUE(same_number(got["to"], a.to));
      }
      if (a.kind == pact::Alert::Kind::critical_item_appears) {
        EXPECT_EQ(got["item"], instrument.items()[a.index].id);
      }
      ++alerts;
    }
  }
  EXPECT_GT(alerts, 100u);
  EXPECT_GT(without_risk, 10u);
}

TEST(ChangeJson, NamesTheAssessmentOfAnError) {
  const pact::Instrument& instrument = pact::Instrument::bundled();
  const std::string ok = pact::write_assessment_json(instrument, wave(3, "2026-01-15", 1, false)[0]);
  try {
    pact::change_json(instrument, nullptr, ok, std::string(R"({"case_id": "sim-000001", "responses": )") + "[1]}");
    FAIL() << "no error";
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/after/responses");
  }
  try {
    pact::change_json(instrument, nullptr, "{\n  \"case_id\" 1}", ok);
    FAIL() << "no error";
  } catch (const pact::Error& e) {
    EXPECT_EQ(e.kind(), pact::ErrorKind::parse);
    EXPECT_EQ(e.where().rfind("before: line 2, column ", 0), 0u) << e.where();
  }
  std::string big(pact::max_assessment_json_bytes + 1, ' ');
  try {
    pact::change_json(instrument, nullptr, ok, big);
    FAIL() << "no error";
  } catch (const pact::LimitError& e) {
    EXPECT_EQ(e.where(), "/after");
  }
}

TEST(PrioritiesJson, OrdersAsPrioritiseOverEachTimeline) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& instrument = model.instrument();
  // Cases 0-199 assessed twice, 200-399 once; plus two bad lines.
  std::vector<pact::Assessment> all = wave(3, "2026-01-15", 400, true);
  auto later = wave(4, "2026-07-15", 200, false);
  all.insert(all.begin() + 100, later.begin(), later.end());
  std::string jsonl, array = "[";
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string text = pact::write_assessment_json(instrument, all[i]);
    jsonl += text + "\n";
    array += (i ? "," : "") + text;
  }
  jsonl += R"({"case_id": "broken", "responses": {"emp_work_status": 99}})" "\n{\"case_id\": \n";
  array += "]";

  pact::PrioritiesJsonOptions options;
  options.language = "en";
  options.as_of = "2026-09-01";
  options.group_by = "territory";
  options.capacity.capacity = 15;
  options.capacity.capacity_by_group = {{"leon", 5}};
  const json from_lines = json::parse(pact::priorities_json(instrument, &model, jsonl, options));
  const json from_array = json::parse(pact::priorities_json(instrument, &model, array, options));
  EXPECT_EQ(from_lines["cases"], from_array["cases"]);
  EXPECT_EQ(from_lines["summary"]["assessments"], all.size() + 2);
  EXPECT_EQ(from_lines["summary"]["cases"], 400);
  ASSERT_EQ(from_lines["rejected"].size(), 2u);
  EXPECT_EQ(from_lines["rejected"][0]["line"], all.size() + 1);
  EXPECT_EQ(from_lines["rejected"][0]["where"], "/responses/emp_work_status");
  EXPECT_EQ(from_lines["rejected"][1]["kind"], "parse");
  EXPECT_TRUE(from_array["rejected"].empty());

  // The reference: the structures, from the assessments themselves.
  pact::RowMatrix responses(static_cast<Eigen::Index>(all.size()), static_cast<Eigen::Index>(instrument.item_count()));
  std::vector<std::string> ids, dates;
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = 0; j < instrument.item_count(); ++j)
      responses(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = all[i].responses[j];
    ids.push_back(all[i].case_id);
    dates.push_back(all[i].date);
  }
  const pact::CaseloadChanges changes =
      pact::caseload_changes(instrument, &model, pact::view_rows(responses), ids, dates, options.as_of);
  std::vector<pact::PriorityCase> cases;
  for (const pact::CaseTimeline& t : changes.cases) {
    const std::size_t row = t.rows.back();
    std::string group(pact::missing_group);
    for (const auto& [name, value] : all[row].attributes)
      if (name == "territory") group = value;
    cases.push_back(pact::priority_case(instrument, &model, t,
                                        std::span<const double>(all[row].responses), group));
  }
  const auto order = pact::prioritise(cases, options.capacity);
  ASSERT_EQ(from_lines["cases"].size(), order.size());
  std::size_t selected = 0;
  for (std::size_t r = 0; r < order.size(); ++r) {
    const json& got = from_lines["cases"][r];
    const pact::PriorityCase& want = cases[order[r].input];
    EXPECT_EQ(got["rank"], r + 1);
    EXPECT_EQ(got["case_id"], want.case_id);
    EXPECT_EQ(got["selected"], order[r].selected);
    EXPECT_EQ(got["group"], want.group);
    EXPECT_EQ(got["group_rank"], order[r].group_rank);
    EXPECT_EQ(got["alerts"].size(), want.alerts);
    EXPECT_TRUE(same_number(got["probability"], want.probability));
    EXPECT_TRUE(same_number(got["worsening"], want.worsening));
    selected += order[r].selected ? 1 : 0;
  }
  EXPECT_EQ(from_lines["summary"]["selected"], selected);
  EXPECT_GT(selected, 15u);  // per-group capacities: León 5, the other territories 15 each
}

TEST(CaseloadChanges, KeepsAssessmentsTheModelCannotGiveARisk) {
  // Case x: first without the months in care (no risk), then with them. Both are compared on
  // the instrument; the risk change is missing, not the case.
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& instrument = model.instrument();
  auto cases = wave(3, "2026-01-15", 2, false);
  cases[1].case_id = cases[0].case_id;
  cases[1].date = "2026-03-15";
  cases[0].responses[*model.duration_item()] = pact::missing;
  pact::RowMatrix responses(2, static_cast<Eigen::Index>(instrument.item_count()));
  for (Eigen::Index i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < instrument.item_count(); ++j)
      responses(i, static_cast<Eigen::Index>(j)) = cases[static_cast<std::size_t>(i)].responses[j];
  const std::vector<std::string> ids = {cases[0].case_id, cases[1].case_id}, dates = {cases[0].date, cases[1].date};
  const pact::CaseloadChanges changes = pact::caseload_changes(instrument, &model, pact::view_rows(responses), ids, dates);
  EXPECT_TRUE(changes.rejected_rows.empty());
  ASSERT_EQ(changes.cases.size(), 1u);
  ASSERT_EQ(changes.cases[0].changes.size(), 1u);
  const pact::CaseChange& change = changes.cases[0].changes[0];
  EXPECT_TRUE(std::isnan(change.probability_change));
  EXPECT_EQ(change.band_from, -1);
  EXPECT_FALSE(std::isnan(change.composite_change));
}

TEST(PrioritiesJson, RejectsWhatItCannotUse) {
  const pact::Instrument& instrument = pact::Instrument::bundled();
  pact::PrioritiesJsonOptions options;
  options.capacity.capacity_by_group = {{"leon", 1}};
  EXPECT_THROW(pact::priorities_json(instrument, nullptr, "", options), pact::InvalidArgument);
  EXPECT_THROW(pact::priorities_json(instrument, nullptr, "case_id,date\n", {}), pact::ParseError);
  EXPECT_THROW(pact::priorities_json(instrument, &pact::RiskModel::bundled(), "", [] {
                 pact::PrioritiesJsonOptions o;
                 o.as_of = "2026-13-01";
                 return o;
               }()),
               pact::InvalidArgument);
}

TEST(AuditedResults, VerifyAgainstTheirRecordsWithAndWithoutOverrides) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& instrument = model.instrument();
  std::ostringstream log;
  std::string results;
  pact::AuditWriter writer(log, instrument, &model);
  pact::ProfessionalOverride level{pact::ProfessionalOverride::Target::level, "moderate_exclusion", "sw-1",
                                   "2026-11-23T10:00:00Z", "Seen at home: the \"housing\" answers are out of date"};
  pact::ProfessionalOverride band{pact::ProfessionalOverride::Target::band, "low", "sw-2", "2026-11-23T10:05:00Z",
                                  "Job offer signed"};
  std::size_t missing_duration = 0;
  for (const auto& a : wave(8, "2026-11-20", 60, true)) {
    const pact::ProfessionalOverride* o = nullptr;
    const bool has_duration = !std::isnan(a.responses[*model.duration_item()]);
    missing_duration += has_duration ? 0 : 1;
    if (a.case_id.back() == '3') o = &level;
    if (a.case_id.back() == '7' && has_duration) o = &band;
    const std::string result = writer.score_and_append(a, {}, o, "2026-11-23T09:00:00Z");
    // Without an override, the result is scored_result_json's; with one, that text and the override.
    const std::string plain = pact::scored_result_json(model, a);
    if (!o)
      EXPECT_EQ(result, plain);
    else
      EXPECT_EQ(result.substr(0, plain.size() - 1), plain.substr(0, plain.size() - 1));
    results += result + "\n";
  }
  EXPECT_GT(missing_duration, 3u);
  std::istringstream log_in(log.str()), results_in(results);
  const pact::AuditVerification report = pact::verify_audit(instrument, log_in, results_in);
  for (const auto& p : report.problems) ADD_FAILURE() << p.line << " " << p.case_id << ": " << p.problem;
  EXPECT_EQ(report.matched, 60u);

  // A result whose override was changed after the record no longer verifies.
  std::string altered = results;
  const auto at = altered.find("Job offer signed");
  ASSERT_NE(at, std::string::npos);
  altered.replace(at, 3, "Pay");
  std::istringstream log_again(log.str()), altered_in(altered);
  EXPECT_FALSE(pact::verify_audit(instrument, log_again, altered_in).ok());
}

TEST(ApplyOverride, KeepsTheResultTextAndChecksItsTarget) {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& instrument = model.instrument();
  const std::string result = pact::scored_result_json(model, wave(9, "2026-11-20", 1, false)[0]) + " \n";
  pact::ProfessionalOverride o{pact::ProfessionalOverride::Target::band, "medium", "sw-1", "2026-11-23T10:00:00Z", "r"};
  const std::string out = pact::apply_override_json(instrument, &model, result, o);
  EXPECT_EQ(out.substr(0, result.size() - 3), result.substr(0, result.size() - 3));
  EXPECT_EQ(out.substr(out.size() - 4), "}} \n");
  EXPECT_EQ(json::parse(out)["override"],
            json::parse(R"({"target":"band","value":"medium","professional_id":"sw-1",)"
                        R"("timestamp":"2026-11-23T10:00:00Z","reason":"r"})"));
  o.reason = "\xff";
  EXPECT_THROW(pact::apply_override_json(instrument, &model, result, o), pact::ValidationError);
  o.reason = "r";
  EXPECT_THROW(pact::apply_override_json(instrument, &model, "[1]", o), pact::ValidationError);
  EXPECT_THROW(pact::apply_override_json(pact::Instrument::load(pact_test::data_path("instruments/small.json")),
                                         &model, result, o),
               pact::InvalidArgument);  // a model of another instrument
}

}  // namespace
