// Audit records: the chain, the digest of the canonical input (checked with coreutils'
// sha256sum), tampering detected, results verified against their records.
#include "pact/audit.hpp"
#include "pact/formats/result.hpp"
#include "pact/formats/writers.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

struct Fixture {
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& inst = model.instrument();
  std::vector<std::vector<double>> rows;
  std::vector<std::string> ids;
  std::vector<std::string> dates;

  Fixture() {
    // Three cases answering a handful of items each (all others missing).
    const std::vector<std::vector<std::pair<const char*, double>>> answers = {
        {{"emp_work_status", 4}, {"hou_homelessness", 1}, {"tic_months_in_care", 30}, {"eco_income_ratio", 40}},
        {{"emp_work_status", 1}, {"hou_homelessness", 1}, {"tic_months_in_care", 2}, {"res_motivation", 1}},
        {{"emp_work_status", 5}, {"hou_homelessness", 4}, {"tic_months_in_care", 60}, {"coh_gender_violence", 1}}};
    for (std::size_t i = 0; i < answers.size(); ++i) {
      std::vector<double> r(inst.item_count(), pact::missing);
      for (const auto& [id, v] : answers[i]) r[*inst.find_item(id)] = v;
      rows.push_back(r);
      ids.push_back("case-" + std::to_string(i + 1));
      dates.push_back("2026-11-0" + std::to_string(i + 1));
    }
  }

  pact::CaseView view(std::size_t i, const std::vector<pact::AttributeView>& attributes = {}) const {
    return {ids[i], dates[i], attributes, rows[i]};
  }
};

// Writes the audit log of the fixture's cases; returns the log text.
std::string audit_log(const Fixture& f, const pact::ProfessionalOverride* override_for_second = nullptr) {
  std::ostringstream out;
  pact::AuditWriter writer(out, f.inst, &f.model);
  pact::RiskOptions options;
  options.counterfactual = false;
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    const auto scores = pact::score(f.inst, f.rows[i]);
    const auto risk = pact::score_risk(f.model, f.rows[i], scores, options);
    writer.append(f.view(i), scores, &risk, i == 1 ? override_for_second : nullptr, "2026-11-23T09:00:0" + std::to_string(i) + "Z");
  }
  EXPECT_EQ(writer.records(), f.rows.size());
  return out.str();
}

TEST(Audit, InputDigestIsSha256OfTheCanonicalInput) {
  Fixture f;
  const std::vector<pact::AttributeView> attributes = {{"territory", "leon"}, {"sex", "f"}};
  const std::string canonical = pact::canonical_input_json(f.inst, f.view(0, attributes));
  // Keys sorted, attributes sorted, only answered items, no whitespace.
  EXPECT_EQ(canonical,
            "{\"attributes\":{\"sex\":\"f\",\"territory\":\"leon\"},\"case_id\":\"case-1\",\"date\":\"2026-11-01\","
            "\"responses\":{\"eco_income_ratio\":40.0,\"emp_work_status\":4.0,\"hou_homelessness\":1.0,"
            "\"tic_months_in_care\":30.0}}");
  const std::string tmp = ::testing::TempDir() + "/canonical-input.json";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << canonical;
  }
  ASSERT_EQ(std::system(("sha256sum " + tmp + " > " + tmp + ".sum").c_str()), 0);
  EXPECT_EQ(pact::input_digest(f.inst, f.view(0, attributes)), pact_test::read_text(tmp + ".sum").substr(0, 64));
}

TEST(Audit, RecordsChainAndNeverHoldResponsesOrNames) {
  Fixture f;
  const std::string log = audit_log(f);
  std::istringstream in(log);
  std::string line;
  std::string previous(64, '0');
  int sequence = 0;
  while (std::getline(in, line)) {
    const auto record = nlohmann::json::parse(line);
    EXPECT_EQ(record["sequence"], ++sequence);
    EXPECT_EQ(record["previous_sha256"], previous);
    EXPECT_EQ(record["instrument"]["hash"], f.inst.hash());
    EXPECT_EQ(record["model"]["hash"], f.model.hash());
    EXPECT_EQ(record["model"]["status"], "illustrative");
    EXPECT_EQ(record["library"]["name"], "pact");
    EXPECT_FALSE(record.contains("responses")) << "the record holds a digest of the input, not the input";
    previous = record["record_sha256"];
  }
  EXPECT_EQ(sequence, 3);
  std::istringstream again(log);
  const auto report = pact::verify_audit_log(again);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.records, 3u);
  std::istringstream tail_in(log);
  const auto [digest, next] = pact::audit_log_tail(tail_in);
  EXPECT_EQ(digest, previous);
  EXPECT_EQ(next, 4u);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(Audit, TamperingIsDetected) {
  Fixture f;
  const auto lines = lines_of(audit_log(f));
  // An altered output.
  auto altered = lines;
  auto record = nlohmann::json::parse(altered[1]);
  record["outputs"]["band"] = "low";
  altered[1] = record.dump();
  std::istringstream a(join(altered));
  auto report = pact::verify_audit_log(a);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].line, 2u);
  EXPECT_NE(report.problems[0].problem.find("altered"), std::string::npos);
  // A removed record breaks the chain at the next one.
  auto removed = lines;
  removed.erase(removed.begin() + 1);
  std::istringstream r(join(removed));
  report = pact::verify_audit_log(r);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.problems[0].problem.find("chain is broken"), std::string::npos);
  // Reordered records.
  auto swapped = lines;
  std::swap(swapped[0], swapped[2]);
  std::istringstream s(join(swapped));
  EXPECT_FALSE(pact::verify_audit_log(s).ok());
  // A recomputed digest does not help: the next record still points at the old one.
  auto forged = lines;
  record = nlohmann::json::parse(forged[0]);
  record["outputs"]["composite"] = 0.01;
  record["record_sha256"] = std::string(64, 'a');
  forged[0] = record.dump();
  std::istringstream fg(join(forged));
  report = pact::verify_audit_log(fg);
  EXPECT_GE(report.problems.size(), 2u);
  std::istringstream bad("not json\n");
  EXPECT_FALSE(pact::verify_audit_log(bad).ok());
  std::istringstream bad_tail(join(altered));
  EXPECT_THROW(pact::audit_log_tail(bad_tail), pact::ValidationError);
}

TEST(Audit, OverridesAreRecordedAndValidated) {
  Fixture f;
  const pact::ProfessionalOverride o{pact::ProfessionalOverride::Target::band, "high", "ts-0042",
                                     "2026-11-23T10:15:00Z", "Eviction notice received this week"};
  const auto lines = lines_of(audit_log(f, &o));
  const auto record = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(record["override"]["value"], "high");
  EXPECT_EQ(record["override"]["professional_id"], "ts-0042");
  EXPECT_TRUE(nlohmann::json::parse(lines[0])["override"].is_null());
  std::ostringstream out;
  pact::AuditWriter writer(out, f.inst, &f.model);
  pact::ProfessionalOverride named = o;
  named.professional_id = "Ana García";
  const auto scores = pact::score(f.inst, f.rows[0]);
  EXPECT_THROW(writer.append(f.view(0), scores, nullptr, &named), pact::ValidationError);
  EXPECT_EQ(writer.records(), 0u);
}

TEST(Audit, ResultsVerifyAgainstTheirRecords) {
  Fixture f;
  // Results written by pact's JSON Lines writer (instrument part: the risk section is compared
  // when present).
  std::ostringstream results;
  {
    pact::ResultOptions options;
    options.items = true;
    pact::JsonlResultWriter writer(f.inst, results, options);
    for (std::size_t i = 0; i < f.rows.size(); ++i) writer.write(f.view(i), pact::score(f.inst, f.rows[i]));
  }
  // Results without a risk section state no probability or band, so their log is written
  // without a model.
  std::ostringstream plain_log;
  {
    pact::AuditWriter writer(plain_log, f.inst, nullptr);
    for (std::size_t i = 0; i < f.rows.size(); ++i)
      writer.append(f.view(i), pact::score(f.inst, f.rows[i]), nullptr, nullptr, "2026-11-23T09:00:00Z");
  }
  std::istringstream audit_in(plain_log.str()), results_in(results.str());
  auto report = pact::verify_audit(f.inst, audit_in, results_in);
  EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems[0].problem);
  EXPECT_EQ(report.matched, 3u);
  EXPECT_EQ(report.results, 3u);
  EXPECT_EQ(report.unmatched_records, 0u);
  // A result whose input was changed after the fact.
  auto result_lines = lines_of(results.str());
  auto result = nlohmann::json::parse(result_lines[2]);
  for (auto& item : result["items"])
    if (item["id"] == "emp_work_status") item["response"] = 1;
  result_lines[2] = result.dump();
  std::istringstream audit_again(plain_log.str()), tampered(join(result_lines));
  report = pact::verify_audit(f.inst, audit_again, tampered);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_TRUE(report.problems[0].in_results);
  EXPECT_EQ(report.problems[0].line, 3u);
  EXPECT_NE(report.problems[0].problem.find("input differs"), std::string::npos);
  // A result whose composite was edited.
  result_lines = lines_of(results.str());
  result = nlohmann::json::parse(result_lines[0]);
  result["composite"]["score"] = 0.99;
  result_lines[0] = result.dump();
  std::istringstream audit_third(plain_log.str()), edited(join(result_lines));
  report = pact::verify_audit(f.inst, audit_third, edited);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems[0].problem.find("outputs differ"), std::string::npos);
  // A result with no record.
  std::istringstream empty_log(""), results_again(results.str());
  report = pact::verify_audit(f.inst, empty_log, results_again);
  EXPECT_EQ(report.problems.size(), 3u);
}

TEST(Audit, ResultsWithARiskSectionVerifyAgainstTheirRecords) {
  Fixture f;
  // A fourth case without the months in care: the model gives it no risk, its result's risk
  // section says why and its record states no model, probability or band.
  std::vector<double> no_months(f.inst.item_count(), pact::missing);
  no_months[*f.inst.find_item("emp_work_status")] = 3;
  no_months[*f.inst.find_item("hou_homelessness")] = 2;
  f.rows.push_back(no_months);
  f.ids.push_back("case-4");
  f.dates.push_back("2026-11-04");
  pact::RiskOptions risk_options;
  risk_options.counterfactual = false;
  std::string results;
  std::ostringstream log;
  {
    pact::ResultOptions options;
    options.items = true;
    pact::AuditWriter audit(log, f.inst, &f.model);
    for (std::size_t i = 0; i < f.rows.size(); ++i) {
      const auto scores = pact::score(f.inst, f.rows[i]);
      if (i < 3) {
        const auto risk = pact::score_risk(f.model, f.rows[i], scores, risk_options);
        pact::append_result_json(results, f.model, f.view(i), scores, risk, options);
        audit.append(f.view(i), scores, &risk, nullptr, "2026-11-23T09:00:00Z");
      } else {
        pact::append_result_json(results, f.model, f.view(i), scores, pact::RiskStatus::missing_duration, options);
        audit.append(f.view(i), scores, nullptr, nullptr, "2026-11-23T09:00:00Z");
      }
      results += '\n';
    }
  }
  const auto lines = lines_of(results);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["risk"]["status"], "ok");
  EXPECT_EQ(nlohmann::json::parse(lines[3])["risk"]["status"], "missing_duration");
  std::istringstream audit_in(log.str()), results_in(results);
  auto report = pact::verify_audit(f.inst, audit_in, results_in);
  EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems[0].problem);
  EXPECT_EQ(report.matched, 4u);
  // A result whose band was edited is caught.
  auto edited = lines;
  auto result = nlohmann::json::parse(edited[1]);
  result["risk"]["band"]["id"] = "low";
  edited[1] = result.dump();
  std::istringstream audit_again(log.str()), edited_in(join(edited));
  report = pact::verify_audit(f.inst, audit_again, edited_in);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].line, 2u);
  EXPECT_NE(report.problems[0].problem.find("outputs differ"), std::string::npos);
  // And so is one claiming another model version.
  edited = lines;
  result = nlohmann::json::parse(edited[0]);
  result["risk"]["model"]["version"] = "9.9.9";
  edited[0] = result.dump();
  std::istringstream audit_third(log.str()), other_model(join(edited));
  report = pact::verify_audit(f.inst, audit_third, other_model);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems[0].problem.find("model differs"), std::string::npos);
}

}  // namespace
