// A test driver that runs pact's fitting and metrics on data written by the Python tests and
// prints the results as JSON, so that tests/python can compare them with statsmodels and
// scikit-learn (and benchmarks/fit_compare.py can time the fit).
//
// Usage: pact_fit_driver JOB.json
// The job names a command and raw little-endian binary files (float64 unless stated):
//   {"command": "fit", "rows": n, "cols": p, "x": "X.bin", "y": "y.bin",
//    "weights": "w.bin"?, "offset": "o.bin"?, "l2": 0?, "unpenalized": [0]?, "names": [...]?,
//    "threads": 0?, "max_iterations": 100?, "tolerance": 1e-8?, "repeat": 1?}
//   {"command": "hazard", "cases": n, "cols": q, "t0": "t0.bin" (int32), "followup": "m.bin" (int32),
//    "left": "left.bin" (uint8), "covariates": "Z.bin", "bands": [1, 7, ...], plus fit options}
//   {"command": "metrics", "rows": n, "y": "y.bin", "p": "p.bin", "weights": "w.bin"?,
//    "groups": "g.bin" (int32)?, "group_names": [...]?, "bins": 10?, "strategy": "uniform"?}
// pact errors are printed as {"error": {...}} with exit status 3; a malformed job exits with 2.
#include <pact/fitting.hpp>
#include <pact/metrics.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

template <class T>
std::vector<T> read_binary(const std::string& path, std::size_t count) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot open " + path);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  if (bytes != count * sizeof(T))
    throw std::runtime_error(path + ": expected " + std::to_string(count * sizeof(T)) + " bytes, found " +
                             std::to_string(bytes));
  std::vector<T> data(count);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(bytes));
  if (!in) throw std::runtime_error("cannot read " + path);
  return data;
}

json vector_json(const Eigen::VectorXd& v) {
  json a = json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(v(i));
  return a;
}

json matrix_json(const Eigen::MatrixXd& m) {
  json a = json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) a.push_back(vector_json(m.row(i).transpose()));
  return a;
}

json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// Options common to the fit and hazard commands; `weights` and `offset` own the data the spans view.
pact::FitOptions fit_options(const json& job, std::size_t rows, std::vector<double>& weights,
                             std::vector<double>& offset) {
  pact::FitOptions o;
  if (job.contains("weights")) {
    weights = read_binary<double>(job.at("weights"), rows);
    o.weights = weights;
  }
  if (job.contains("offset")) {
    offset = read_binary<double>(job.at("offset"), rows);
    o.offset = offset;
  }
  o.l2 = job.value("l2", 0.0);
  o.unpenalized = job.value("unpenalized", std::vector<Eigen::Index>{});
  o.column_names = job.value("names", std::vector<std::string>{});
  o.threads = job.value("threads", 0u);
  o.max_iterations = job.value("max_iterations", 100);
  o.tolerance = job.value("tolerance", 1e-8);
  o.throw_if_not_converged = job.value("throw_if_not_converged", true);
  return o;
}

// Fits `repeat` times (the data stays loaded), timing only the fit.
template <class Design>
json run_fit(const Design& design, std::span<const double> y, const pact::FitOptions& options, int repeat) {
  json seconds = json::array();
  pact::LogisticFit fit;
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    fit = pact::fit_logistic(design, y, options);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return {{"params", vector_json(fit.params)},
          {"bse", vector_json(fit.bse)},
          {"cov", matrix_json(fit.covariance)},
          {"llf", fit.llf},
          {"penalized_llf", fit.penalized_llf},
          {"iterations", fit.iterations},
          {"gradient_max_norm", fit.gradient_max_norm},
          {"converged", fit.converged},
          {"rows", fit.rows},
          {"weight_sum", fit.weight_sum},
          {"column_names", fit.column_names},
          {"seconds", seconds}};
}

json fit_command(const json& job) {
  const auto n = job.at("rows").get<std::size_t>();
  const auto p = job.at("cols").get<std::size_t>();
  const auto x = read_binary<double>(job.at("x"), n * p);
  const auto y = read_binary<double>(job.at("y"), n);
  std::vector<double> weights, offset;
  const auto options = fit_options(job, n, weights, offset);
  const auto X = pact::view_rows(x.data(), static_cast<std::ptrdiff_t>(n), static_cast<std::ptrdiff_t>(p),
                                 static_cast<std::ptrdiff_t>(p));
  return run_fit(X, y, options, job.value("repeat", 1));
}

json hazard_command(const json& job) {
  const auto cases = job.at("cases").get<std::size_t>();
  const auto q = job.at("cols").get<std::size_t>();
  const auto t0 = read_binary<std::int32_t>(job.at("t0"), cases);
  const auto m = read_binary<std::int32_t>(job.at("followup"), cases);
  const auto left = read_binary<std::uint8_t>(job.at("left"), cases);
  const auto z = read_binary<double>(job.at("covariates"), cases * q);
  const auto bands = job.at("bands").get<std::vector<std::int32_t>>();
  const auto periods = pact::expand_person_periods(t0, m, left, bands);
  const pact::HazardDesign design(periods, pact::view_rows(z.data(), static_cast<std::ptrdiff_t>(cases),
                                                           static_cast<std::ptrdiff_t>(q),
                                                           static_cast<std::ptrdiff_t>(q)));
  std::vector<double> weights, offset;
  auto options = fit_options(job, periods.rows(), weights, offset);
  if (options.column_names.size() == q) options.column_names = design.column_names(options.column_names);
  json out = run_fit(design, periods.event, options, job.value("repeat", 1));
  out["person_periods"] = periods.rows();
  out["events"] = std::count(periods.event.begin(), periods.event.end(), 1.0);
  return out;
}

json curve_json(const pact::CalibrationCurve& c) {
  return {{"prob_true", c.prob_true}, {"prob_pred", c.prob_pred}, {"counts", c.counts},
          {"bins", c.bins},           {"bin_edges", c.bin_edges}};
}

json metrics_json(const pact::ValidationMetrics& m) {
  json out = {{"n", m.n},
              {"events", m.events},
              {"prevalence", optional_json(m.prevalence)},
              {"auc", optional_json(m.auc)},
              {"brier", optional_json(m.brier)},
              {"ece", optional_json(m.ece)},
              {"curve", curve_json(m.curve)},
              {"notes", m.notes}};
  if (m.calibration)
    out["calibration"] = {{"intercept", m.calibration->intercept},
                          {"intercept_se", m.calibration->intercept_se},
                          {"slope", m.calibration->slope},
                          {"slope_se", m.calibration->slope_se},
                          {"slope_intercept", m.calibration->slope_intercept},
                          {"slope_intercept_se", m.calibration->slope_intercept_se}};
  else
    out["calibration"] = nullptr;
  return out;
}

json metrics_command(const json& job) {
  const auto n = job.at("rows").get<std::size_t>();
  const auto y = read_binary<double>(job.at("y"), n);
  const auto p = read_binary<double>(job.at("p"), n);
  std::vector<double> weights;
  pact::ValidationOptions options;
  if (job.contains("weights")) {
    weights = read_binary<double>(job.at("weights"), n);
    options.sample_weight = weights;
  }
  options.n_bins = job.value("bins", 10);
  const std::string strategy = job.value("strategy", "uniform");
  if (strategy != "uniform" && strategy != "quantile") throw std::runtime_error("strategy: uniform or quantile");
  options.strategy = strategy == "uniform" ? pact::BinStrategy::uniform : pact::BinStrategy::quantile;
  pact::Groups groups;
  const bool grouped = job.contains("groups");
  if (grouped) {
    groups.codes = read_binary<std::int32_t>(job.at("groups"), n);
    groups.names = job.at("group_names").get<std::vector<std::string>>();
  }
  const auto report = pact::validate(y, p, options, grouped ? &groups : nullptr);
  json out = {{"total", metrics_json(report.total)}, {"groups", json::array()}};
  for (const auto& g : report.groups) {
    json entry = metrics_json(g.metrics);
    entry["group"] = g.group;
    out["groups"].push_back(entry);
  }
  // The single functions too, so that their own errors can be tested.
  if (job.value("roc_auc", false)) out["roc_auc"] = pact::roc_auc(y, p, weights);
  return out;
}

const char* problem_name(pact::FitError::Problem p) {
  switch (p) {
    case pact::FitError::Problem::invalid_input: return "invalid_input";
    case pact::FitError::Problem::separation: return "separation";
    case pact::FitError::Problem::rank_deficient: return "rank_deficient";
    case pact::FitError::Problem::not_converged: return "not_converged";
    case pact::FitError::Problem::singular: return "singular";
  }
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: pact_fit_driver JOB.json\n";
    return 2;
  }
  json job;
  try {
    std::ifstream in(argv[1]);
    if (!in) throw std::runtime_error(std::string("cannot open ") + argv[1]);
    job = json::parse(in);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  try {
    const std::string command = job.at("command");
    json out;
    if (command == "fit")
      out = fit_command(job);
    else if (command == "hazard")
      out = hazard_command(job);
    else if (command == "metrics")
      out = metrics_command(job);
    else
      throw std::runtime_error("unknown command " + command);
    std::cout << out.dump() << "\n";
    return 0;
  } catch (const pact::FitError& e) {
    std::cout << json{{"error",
                       {{"type", "FitError"},
                        {"problem", problem_name(e.problem())},
                        {"where", e.where()},
                        {"reason", e.reason()},
                        {"columns", e.columns()},
                        {"iterations", e.iterations()},
                        {"gradient_norm", e.gradient_norm()}}}}
                     .dump()
              << "\n";
    return 3;
  } catch (const pact::Error& e) {
    std::cout << json{{"error", {{"type", "Error"}, {"where", e.where()}, {"reason", e.reason()}}}}.dump() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
}
