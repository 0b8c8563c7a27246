// A test driver for tests/python/test_simulation_agreement.py: simulates a caseload from pact's
// default model, calibrates the same specification on it, writes the simulated data as raw
// little-endian binary files and prints the fit as JSON, so that Python can expand the
// person-months itself and fit them with statsmodels.
//
// Usage: pact_simulation_driver JOB.json
//   {"cases": n, "seed": s, "dropout": p?, "threads": t?, "out": "directory"}
// Writes responses.bin (float64, cases x items, row-major, NaN = missing), followup.bin (int32)
// and left.bin (uint8) into the directory; prints {"items": [...], "column_names": [...],
// "params": [...], "bse": [...], "llf": x, "n_rows": r, "n_evaluated": e, "metrics": {...},
// "model": {the calibrated model}}.
#include <pact/calibration.hpp>
#include <pact/simulation.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

template <class T>
void write_binary(const std::string& path, const T* data, std::size_t count) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(T)));
  if (!out) throw std::runtime_error("cannot write " + path);
}

json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: pact_simulation_driver JOB.json\n";
    return 2;
  }
  try {
    std::ifstream in(argv[1]);
    const json job = json::parse(in);
    const pact::RiskModel& model = pact::RiskModel::bundled();
    pact::SimulationOptions simulation;
    simulation.cases = job.at("cases").get<std::size_t>();
    simulation.seed = job.at("seed").get<std::uint64_t>();
    simulation.monthly_dropout = job.value("dropout", 0.0);
    simulation.threads = job.value("threads", 0u);
    const auto caseload = pact::simulate_caseload(model, simulation);

    pact::CalibrationOptions options;
    options.version = "0.2.0";
    options.fitted_on = "simulated caseload for the agreement test";
    options.fitted_at = "2026-03-01";
    options.threads = simulation.threads;
    pact::CalibrationOutcomes outcomes;
    outcomes.followup_months = caseload.followup_months;
    outcomes.left_care = caseload.left_care;
    const auto result = pact::calibrate(model, pact::view_rows(caseload.responses), outcomes, options);

    const std::string dir = job.at("out");
    write_binary(dir + "/responses.bin", caseload.responses.data(), static_cast<std::size_t>(caseload.responses.size()));
    write_binary(dir + "/followup.bin", caseload.followup_months.data(), caseload.size());
    write_binary(dir + "/left.bin", caseload.left_care.data(), caseload.size());

    json items = json::array();
    for (const auto& item : model.instrument().items()) items.push_back(item.id);
    const auto& e = result.evaluation;
    std::cout << json{{"items", items},
                      {"column_names", result.fit.column_names},
                      {"params", std::vector<double>(result.fit.params.begin(), result.fit.params.end())},
                      {"bse", std::vector<double>(result.fit.bse.begin(), result.fit.bse.end())},
                      {"llf", result.fit.llf},
                      {"n_rows", result.n_rows},
                      {"n_evaluated", result.n_evaluated},
                      {"metrics",
                       {{"auc", optional_json(e.auc)},
                        {"brier", optional_json(e.brier)},
                        {"ece", optional_json(e.ece)},
                        {"calibration_intercept", e.calibration ? json(e.calibration->intercept) : json(nullptr)},
                        {"calibration_slope", e.calibration ? json(e.calibration->slope) : json(nullptr)}}},
                      {"model", json::parse(result.model_json)}}
                     .dump()
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 3;
  }
}
