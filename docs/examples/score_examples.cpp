// Scores three example assessments against the default instrument and prints what a social
// worker would see: dimension scores, the composite and its level, and the critical factors.
// A first look at the C++ API: load (here: the bundled default), make assessments, score.
#include <pact/scoring.hpp>
#include <pact/version.hpp>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace {

using Responses = std::vector<std::pair<std::string, double>>;

void print(const pact::Instrument& instrument, const pact::Assessment& assessment, const char* lang) {
  const pact::CaseScores s = pact::score(instrument, assessment);
  std::printf("\ncase %s\n", assessment.case_id.c_str());
  for (std::size_t d = 0; d < instrument.dimension_count(); ++d) {
    const auto& dim = instrument.dimensions()[d];
    const auto& r = s.dimensions[d];
    if (r.scored)
      std::printf("  %-28s %5.1f%s\n", dim.label.in(lang).c_str(), 100 * r.score, r.deprived ? "  deprived" : "");
    else
      std::printf("  %-28s   not scored (coverage %.0f%%)\n", dim.label.in(lang).c_str(), 100 * r.coverage);
  }
  if (s.composite_scored())
    std::printf("  composite %.1f: %s\n", 100 * s.composite,
                instrument.levels()[static_cast<std::size_t>(s.level)].label.in(lang).c_str());
  else
    std::printf("  composite not scored (coverage %.0f%%)\n", 100 * s.composite_coverage);
  std::printf("  critical factors:%s\n", s.critical_factors.empty() ? " none" : "");
  for (const auto& f : s.critical_factors) {
    const bool dim = f.kind == pact::CriticalFactor::Kind::dimension;
    const auto& label = dim ? instrument.dimensions()[f.index].label : instrument.items()[f.index].label;
    std::printf("    - %s%s (%.0f)\n", dim ? "[dimension] " : "", label.in(lang).c_str(), 100 * f.severity);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* lang = argc > 1 ? argv[1] : "en";
  try {
    const pact::Instrument& instrument = pact::Instrument::bundled();
    std::printf("pact %s, instrument %s %s (%s)\n", pact::version_string, instrument.id().c_str(),
                instrument.version().c_str(), instrument.hash().c_str());
    const std::vector<std::pair<std::string, Responses>> cases = {
        {"example-001",
         {{"emp_work_status", 1}, {"emp_months_since_job", 0}, {"emp_education", 1},
          {"emp_work_experience", 1}, {"emp_job_search", 1}, {"emp_basic_skills", 1},
          {"eco_income_ratio", 150}, {"eco_income_source", 1}, {"eco_debts", 1},
          {"eco_material_deprivation", 0}, {"eco_food_insecurity", 1}, {"hou_tenure", 1},
          {"hou_homelessness", 1}, {"hou_overcrowding", 1}, {"hou_habitability", 1}, {"hou_cost_burden", 30},
          {"vit_health", 1}, {"vit_disability", 1}, {"vit_dependency", 1}, {"vit_addictions", 1},
          {"vit_life_events", 0}, {"vit_life_stage", 1}, {"coh_household", 1}, {"coh_family_conflict", 1},
          {"coh_gender_violence", 0}, {"coh_care_burden", 1}, {"coh_minors_risk", 1}, {"soc_isolation", 1},
          {"soc_support_people", 6}, {"soc_practical_help", 1}, {"soc_participation", 1},
          {"soc_neighbours", 1}, {"res_coping", 1}, {"res_motivation", 1}, {"res_plan_adherence", 1},
          {"res_self_efficacy", 1}, {"res_life_skills", 1}, {"tic_months_in_care", 0},
          {"tic_care_episodes", 1}, {"tic_months_minimum_income", 0}, {"tic_renewals", 0},
          {"tic_parents_users", 0}, {"rig_documentation", 1}, {"rig_registration", 1},
          {"rig_health_access", 1}, {"rig_legal", 1}, {"rig_benefit_access", 1}}},
        {"example-002",
         {{"emp_work_status", 3}, {"emp_months_since_job", 6}, {"emp_education", 3}, {"emp_job_search", 1},
          {"emp_basic_skills", 2}, {"eco_income_ratio", 100}, {"eco_income_source", 2}, {"eco_debts", 2},
          {"eco_material_deprivation", 5}, {"hou_tenure", 3}, {"hou_homelessness", 3},
          {"hou_overcrowding", 2}, {"hou_habitability", 2}, {"hou_cost_burden", 40}, {"vit_health", 3},
          {"vit_dependency", 2}, {"vit_addictions", 2}, {"vit_life_events", 1}, {"vit_life_stage", 2},
          {"coh_household", 2}, {"coh_family_conflict", 2}, {"coh_care_burden", 2}, {"coh_minors_risk", 2},
          {"soc_isolation", 2}, {"soc_support_people", 1}, {"soc_practical_help", 1},
          {"soc_participation", 2}, {"res_coping", 2}, {"res_motivation", 2}, {"res_plan_adherence", 2},
          {"res_self_efficacy", 2}, {"res_life_skills", 2}, {"tic_months_in_care", 12},
          {"tic_months_minimum_income", 12}, {"tic_renewals", 1}, {"tic_parents_users", 0},
          {"rig_documentation", 2}, {"rig_registration", 1}, {"rig_health_access", 2},
          {"rig_benefit_access", 2}}},
        {"example-003",
         {{"emp_work_status", 4}, {"emp_months_since_job", 24}, {"emp_education", 4},
          {"emp_work_experience", 4}, {"emp_job_search", 0}, {"emp_basic_skills", 4},
          {"eco_income_ratio", 50}, {"eco_income_source", 4}, {"eco_debts", 4},
          {"eco_material_deprivation", 7}, {"eco_food_insecurity", 4}, {"hou_tenure", 4},
          {"hou_homelessness", 4}, {"hou_overcrowding", 4}, {"hou_habitability", 4}, {"hou_cost_burden", 60},
          {"vit_health", 4}, {"vit_disability", 4}, {"vit_dependency", 4}, {"vit_addictions", 4},
          {"vit_life_events", 2}, {"vit_life_stage", 4}, {"coh_household", 4}, {"coh_family_conflict", 4},
          {"coh_gender_violence", 1}, {"coh_care_burden", 4}, {"coh_minors_risk", 4}, {"soc_isolation", 2},
          {"soc_support_people", 3}, {"soc_practical_help", 1}, {"soc_participation", 2},
          {"soc_neighbours", 2}, {"res_coping", 4}, {"res_motivation", 4}, {"res_plan_adherence", 4},
          {"res_self_efficacy", 4}, {"res_life_skills", 4}, {"tic_months_in_care", 60},
          {"tic_care_episodes", 3}, {"tic_months_minimum_income", 36}, {"tic_renewals", 3},
          {"tic_parents_users", 1}, {"rig_documentation", 4}, {"rig_registration", 0},
          {"rig_health_access", 4}, {"rig_legal", 4}, {"rig_benefit_access", 4}}},
    };
    for (const auto& [id, responses] : cases) {
      const pact::Assessment assessment = pact::make_assessment(instrument, id, responses);
      pact::validate_responses(instrument, assessment.responses);
      print(instrument, assessment, lang);
    }
  } catch (const pact::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
