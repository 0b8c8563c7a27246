// Logistic fitting for Python: a dense design, a discrete-time hazard model on person-months
// expanded from one row per case (the design is never materialised), and the calibration of a
// whole risk model from a template (pact::calibrate), whose fit and written model are one.
#include <pact/calibration.hpp>
#include <pact/fitting.hpp>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "common.hpp"

namespace pact_python {

namespace {

using DoubleVector = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::span<const double> optional_span(const py::object& object, const char* name, DoubleVector& holder) {
  if (object.is_none()) return {};
  holder = vector_arg(object, name);
  return {holder.data(), static_cast<std::size_t>(holder.size())};
}

template <class T>
py::array_t<T, py::array::c_style | py::array::forcecast> int_vector(const py::handle& object, const char* name) {
  auto a = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(object);
  if (!a || a.ndim() != 1) throw py::value_error(std::string(name) + " must be a 1-D array of integers");
  return a;
}

pact::FitOptions fit_options(double l2, const std::vector<Eigen::Index>& unpenalized,
                             const std::vector<std::string>& names, int max_iterations, double tolerance,
                             unsigned threads) {
  pact::FitOptions o;
  o.l2 = l2;
  o.unpenalized = unpenalized;
  o.column_names = names;
  o.max_iterations = max_iterations;
  o.tolerance = tolerance;
  o.threads = threads;
  return o;
}

py::dict fit_dict(const pact::LogisticFit& f) {
  py::dict d;
  d["params"] = py::array_t<double>(f.params.size(), f.params.data());
  d["bse"] = py::array_t<double>(f.bse.size(), f.bse.data());
  d["covariance"] = Eigen::MatrixXd(f.covariance);
  d["llf"] = f.llf;
  d["penalized_llf"] = f.penalized_llf;
  d["iterations"] = f.iterations;
  d["gradient_max_norm"] = f.gradient_max_norm;
  d["converged"] = f.converged;
  d["rows"] = f.rows;
  d["weight_sum"] = f.weight_sum;
  d["column_names"] = f.column_names;
  return d;
}

using LabelTexts = std::vector<std::pair<std::string, std::string>>;

/// A calibration kept whole, so that the model can be written later with the caller's version,
/// data description and date: its coefficients, references and provenance (method, counts,
/// evaluation metrics) are the ones calibrate() fitted and wrote.
struct Calibration {
  pact::RiskModel spec;
  pact::CalibrationResult result;

  std::string model_json(const std::string& version, const std::string& fitted_on, const std::string& fitted_at,
                         const std::string& notes, const LabelTexts& name, const LabelTexts& description) const {
    pact::RiskModelUpdate update;
    update.version = version;
    update.name = pact::Label(name);
    update.description = pact::Label(description);
    if (result.form == pact::RiskForm::logistic) update.intercept = result.intercept;
    update.baseline = result.baseline;
    update.features = result.features;
    update.references = result.references;
    update.provenance = result.model.provenance();
    update.provenance.fitted_on = fitted_on;
    update.provenance.fitted_at = fitted_at;
    update.provenance.notes = notes;
    return pact::write_risk_model_json(spec, update);
  }
};

}  // namespace

void bind_fitting(py::module_& m) {
  py::class_<Calibration>(m, "Calibration")
      .def_property_readonly("fit", [](const Calibration& c) { return fit_dict(c.result.fit); })
      .def_property_readonly("n_cases", [](const Calibration& c) { return c.result.n_cases; })
      .def_property_readonly("n_rows", [](const Calibration& c) { return c.result.n_rows; })
      .def_property_readonly("n_evaluated", [](const Calibration& c) { return c.result.n_evaluated; })
      .def_property_readonly("evaluation", [](const Calibration& c) { return metrics_dict(c.result.evaluation); })
      .def_property_readonly("references", [](const Calibration& c) { return c.result.references; })
      .def_property_readonly("method", [](const Calibration& c) { return c.result.model.provenance().method; })
      .def(
          "model_json",
          [](const Calibration& c, const std::string& version, const std::string& fitted_on,
             const std::string& fitted_at, const std::string& notes, const LabelTexts& name,
             const LabelTexts& description) {
            return c.model_json(version, fitted_on, fitted_at, notes, name, description);
          },
          py::arg("version"), py::arg("fitted_on"), py::arg("fitted_at"), py::arg("notes") = "",
          py::arg("name") = LabelTexts{}, py::arg("description") = LabelTexts{})
      .def(
          "model",
          [](const Calibration& c, const std::string& version, const std::string& fitted_on,
             const std::string& fitted_at, const std::string& notes, const LabelTexts& name,
             const LabelTexts& description) {
            return pact::RiskModel::parse(c.model_json(version, fitted_on, fitted_at, notes, name, description),
                                          c.spec.instrument());
          },
          py::arg("version"), py::arg("fitted_on"), py::arg("fitted_at"), py::arg("notes") = "",
          py::arg("name") = LabelTexts{}, py::arg("description") = LabelTexts{});

  // Fits the template `spec` on the responses and outcomes. The model written by calibrate()
  // carries the template's version and placeholder data and date; Calibration.model() writes the
  // caller's, from the same fit.
  m.def(
      "calibrate",
      [](const pact::RiskModel& spec, const py::object& responses, const py::object& chronic,
         const py::object& followup_months, const py::object& left_care, const py::object& weights, double l2,
         const std::string& references, int max_iterations, double tolerance, int metric_bins, unsigned threads) {
        const MatrixArg x = matrix_arg(responses, "responses");
        DoubleVector chronic_holder, weights_holder;
        py::array_t<std::int32_t, py::array::c_style | py::array::forcecast> followup;
        py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast> left;
        pact::CalibrationOutcomes outcomes;
        outcomes.chronic = optional_span(chronic, "chronic", chronic_holder);
        if (!followup_months.is_none()) {
          followup = int_vector<std::int32_t>(followup_months, "followup_months");
          outcomes.followup_months = {followup.data(), static_cast<std::size_t>(followup.size())};
        }
        if (!left_care.is_none()) {
          left = int_vector<std::uint8_t>(left_care, "left_care");
          outcomes.left_care = {left.data(), static_cast<std::size_t>(left.size())};
        }
        pact::CalibrationOptions o;
        o.version = spec.version();
        o.fitted_on = "pact.fit";
        o.fitted_at = "1970-01-01";
        o.weights = optional_span(weights, "weights", weights_holder);
        o.l2 = l2;
        if (references == "keep")
          o.references = pact::ReferencePolicy::keep;
        else if (references == "sample_median")
          o.references = pact::ReferencePolicy::sample_median;
        else
          throw py::value_error("references must be 'keep' or 'sample_median', got '" + references + "'");
        o.max_iterations = max_iterations;
        o.tolerance = tolerance;
        o.metric_bins = metric_bins;
        o.threads = threads;
        py::gil_scoped_release release;
        return Calibration{spec, pact::calibrate(spec, x.view(), outcomes, o)};
      },
      py::arg("spec"), py::arg("responses"), py::arg("chronic") = py::none(), py::arg("followup_months") = py::none(),
      py::arg("left_care") = py::none(), py::arg("weights") = py::none(), py::arg("l2") = 0.0,
      py::arg("references") = "keep", py::arg("max_iterations") = 100, py::arg("tolerance") = 1e-8,
      py::arg("metric_bins") = 10, py::arg("threads") = 0);

  m.def(
      "duration_band_names",
      [](const std::vector<std::int32_t>& band_starts) { return pact::duration_band_names(band_starts); },
      py::arg("band_starts"));

  m.def(
      "fit_logistic",
      [](const py::object& X, const py::object& y, const py::object& weights, const py::object& offset, double l2,
         const std::vector<Eigen::Index>& unpenalized, const std::vector<std::string>& names, int max_iterations,
         double tolerance, unsigned threads) {
        const MatrixArg x = matrix_arg(X, "X");
        auto yv = vector_arg(y, "y");
        DoubleVector w_holder, offset_holder;
        pact::FitOptions o = fit_options(l2, unpenalized, names, max_iterations, tolerance, threads);
        o.weights = optional_span(weights, "weights", w_holder);
        o.offset = optional_span(offset, "offset", offset_holder);
        pact::LogisticFit f;
        {
          py::gil_scoped_release release;
          f = pact::fit_logistic(x.view(), std::span<const double>(yv.data(), static_cast<std::size_t>(yv.size())), o);
        }
        return fit_dict(f);
      },
      py::arg("X"), py::arg("y"), py::arg("weights") = py::none(), py::arg("offset") = py::none(),
      py::arg("l2") = 0.0, py::arg("unpenalized") = std::vector<Eigen::Index>{},
      py::arg("column_names") = std::vector<std::string>{}, py::arg("max_iterations") = 100,
      py::arg("tolerance") = 1e-8, py::arg("threads") = 0);

  m.def(
      "fit_hazard",
      [](const py::object& covariates, const py::object& months_in_care, const py::object& followup_months,
         const py::object& left_care, const py::object& band_starts, double l2, const std::vector<std::string>& names,
         int max_iterations, double tolerance, unsigned threads) {
        const MatrixArg x = matrix_arg(covariates, "covariates");
        auto t0 = int_vector<std::int32_t>(months_in_care, "months_in_care");
        auto followup = int_vector<std::int32_t>(followup_months, "followup_months");
        auto left = int_vector<std::uint8_t>(left_care, "left_care");
        auto bands = int_vector<std::int32_t>(band_starts, "band_starts");
        pact::LogisticFit f;
        std::size_t person_months = 0;
        double events = 0.0;
        {
          py::gil_scoped_release release;
          const pact::PersonPeriods periods = pact::expand_person_periods(
              std::span<const std::int32_t>(t0.data(), static_cast<std::size_t>(t0.size())),
              std::span<const std::int32_t>(followup.data(), static_cast<std::size_t>(followup.size())),
              std::span<const std::uint8_t>(left.data(), static_cast<std::size_t>(left.size())),
              std::span<const std::int32_t>(bands.data(), static_cast<std::size_t>(bands.size())));
          const pact::HazardDesign design(periods, x.view());
          pact::FitOptions o = fit_options(l2, design.band_columns(), design.column_names(names), max_iterations,
                                           tolerance, threads);
          f = pact::fit_logistic(design, periods.event, o);
          person_months = periods.rows();
          for (double e : periods.event) events += e;
        }
        py::dict d = fit_dict(f);
        d["person_months"] = person_months;
        d["events"] = events;
        return d;
      },
      py::arg("covariates"), py::arg("months_in_care"), py::arg("followup_months"), py::arg("left_care"),
      py::arg("band_starts"), py::arg("l2") = 0.0, py::arg("covariate_names") = std::vector<std::string>{},
      py::arg("max_iterations") = 100, py::arg("tolerance") = 1e-8, py::arg("threads") = 0);
}

}  // namespace pact_python
