// The acceptance test of calibration on simulated data (DOMAIN.md, "Simulation"): 200,000 cases
// simulated with pact's default model as the generating hazard model, the same specification
// fitted on them with pact::calibrate, and every generating coefficient (the five duration bands
// and the thirteen features) within 4 standard errors of its estimate. Labelled "slow" (a few
// seconds in a Release build); it runs with the rest of ctest.
#include "pact/calibration.hpp"
#include "pact/simulation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <string>

namespace {

TEST(Recovery, DefaultHazardModelFromTwoHundredThousandSimulatedCases) {
  const pact::RiskModel& truth = pact::RiskModel::bundled();
  pact::SimulationOptions simulation;
  simulation.seed = 20151001;
  simulation.cases = 200000;
  const auto caseload = pact::simulate_caseload(truth, simulation);

  pact::CalibrationOptions options;
  options.version = "0.2.0";
  options.fitted_on = "simulated caseload, seed 20151001, 200000 cases (docs/simulation.md)";
  options.fitted_at = "2026-03-01";
  // Newton's method from the template's values: the log-likelihood is concave, so the maximum is
  // the one a start from zero reaches (within the tolerance), in fewer iterations.
  options.start_from_template = true;
  pact::CalibrationOutcomes outcomes;
  outcomes.followup_months = caseload.followup_months;
  outcomes.left_care = caseload.left_care;
  const auto result = pact::calibrate(truth, pact::view_rows(caseload.responses), outcomes, options);
  ASSERT_TRUE(result.fit.converged);
  EXPECT_EQ(result.n_cases, 200000u);

  double worst = 0.0;
  std::string worst_name;
  auto check = [&](const std::string& name, double generating, const pact::Coefficient& estimate) {
    ASSERT_GT(estimate.se, 0.0) << name;
    const double z = (estimate.coefficient - generating) / estimate.se;
    EXPECT_LT(std::abs(z), 4.0) << name << ": generating " << generating << ", estimate " << estimate.coefficient
                                << " (se " << estimate.se << ")";
    if (std::abs(z) > worst) {
      worst = std::abs(z);
      worst_name = name;
    }
  };
  for (std::size_t b = 0; b < truth.baseline().size(); ++b)
    check(result.fit.column_names[b], truth.baseline()[b].coefficient,
          {result.baseline[b].coefficient, result.baseline[b].se});
  for (std::size_t k = 0; k < truth.features().size(); ++k)
    check(truth.features()[k].id, truth.features()[k].coefficient, result.features[k]);
  std::cout << "max |estimate - generating| / se = " << worst << " (" << worst_name << "); " << result.n_rows
            << " person-months, " << result.fit.iterations << " Newton steps\n";
  RecordProperty("max_abs_z", std::to_string(worst));
  // The fitted model is calibrated on its own data.
  ASSERT_TRUE(result.evaluation.calibration.has_value());
  EXPECT_NEAR(result.evaluation.calibration->slope, 1.0, 4 * result.evaluation.calibration->slope_se);
}

}  // namespace
