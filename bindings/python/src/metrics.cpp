// Validation statistics for Python: discrimination and calibration of predicted probabilities,
// overall and by subgroup.
#include <pact/metrics.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "common.hpp"

namespace pact_python {

namespace {

using DoubleVector = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::span<const double> span_of(const DoubleVector& v) { return {v.data(), static_cast<std::size_t>(v.size())}; }

std::span<const double> optional_span(const py::object& object, const char* name, DoubleVector& holder) {
  if (object.is_none()) return {};
  holder = vector_arg(object, name);
  return span_of(holder);
}

pact::BinStrategy strategy_arg(const std::string& strategy) {
  if (strategy == "uniform") return pact::BinStrategy::uniform;
  if (strategy == "quantile") return pact::BinStrategy::quantile;
  throw py::value_error("strategy must be 'uniform' or 'quantile', got '" + strategy + "'");
}

template <class T>
py::array_t<double> doubles(const std::vector<T>& v) {
  py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
  for (std::size_t i = 0; i < v.size(); ++i) a.mutable_data()[i] = static_cast<double>(v[i]);
  return a;
}

py::dict curve_dict(const pact::CalibrationCurve& c) {
  py::dict d;
  d["prob_true"] = doubles(c.prob_true);
  d["prob_pred"] = doubles(c.prob_pred);
  d["count"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(c.counts.size()),
                                         std::vector<std::int64_t>(c.counts.begin(), c.counts.end()).data());
  d["bin"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(c.bins.size()),
                                       std::vector<std::int64_t>(c.bins.begin(), c.bins.end()).data());
  d["bin_edges"] = doubles(c.bin_edges);
  return d;
}

py::dict regression_dict(const pact::CalibrationRegression& r) {
  py::dict d;
  d["intercept"] = r.intercept;
  d["intercept_se"] = r.intercept_se;
  d["slope"] = r.slope;
  d["slope_se"] = r.slope_se;
  d["slope_intercept"] = r.slope_intercept;
  d["slope_intercept_se"] = r.slope_intercept_se;
  return d;
}

py::object opt(const std::optional<double>& v) { return v ? py::object(py::float_(*v)) : py::none(); }

}  // namespace

py::dict metrics_dict(const pact::ValidationMetrics& m) {
  py::dict d;
  d["n"] = m.n;
  d["events"] = m.events;
  d["prevalence"] = opt(m.prevalence);
  d["auc"] = opt(m.auc);
  d["brier"] = opt(m.brier);
  d["calibration"] = m.calibration ? py::object(regression_dict(*m.calibration)) : py::none();
  d["ece"] = opt(m.ece);
  d["curve"] = curve_dict(m.curve);
  d["notes"] = m.notes;
  return d;
}

void bind_metrics(py::module_& m) {
  m.def(
      "roc_auc",
      [](const py::object& y, const py::object& score, const py::object& sample_weight) {
        auto yv = vector_arg(y, "y"), sv = vector_arg(score, "score");
        DoubleVector w;
        const auto ws = optional_span(sample_weight, "sample_weight", w);
        py::gil_scoped_release release;
        return pact::roc_auc(span_of(yv), span_of(sv), ws);
      },
      py::arg("y"), py::arg("score"), py::arg("sample_weight") = py::none());

  m.def(
      "brier_score",
      [](const py::object& y, const py::object& p, const py::object& sample_weight) {
        auto yv = vector_arg(y, "y"), pv = vector_arg(p, "p");
        DoubleVector w;
        const auto ws = optional_span(sample_weight, "sample_weight", w);
        py::gil_scoped_release release;
        return pact::brier_score(span_of(yv), span_of(pv), ws);
      },
      py::arg("y"), py::arg("p"), py::arg("sample_weight") = py::none());

  m.def(
      "calibration_curve",
      [](const py::object& y, const py::object& p, int n_bins, const std::string& strategy) {
        auto yv = vector_arg(y, "y"), pv = vector_arg(p, "p");
        const auto s = strategy_arg(strategy);
        pact::CalibrationCurve c;
        {
          py::gil_scoped_release release;
          c = pact::calibration_curve(span_of(yv), span_of(pv), n_bins, s);
        }
        return curve_dict(c);
      },
      py::arg("y"), py::arg("p"), py::arg("n_bins") = 5, py::arg("strategy") = "uniform");

  m.def(
      "expected_calibration_error",
      [](const py::object& y, const py::object& p, int n_bins, const std::string& strategy) {
        auto yv = vector_arg(y, "y"), pv = vector_arg(p, "p");
        const auto s = strategy_arg(strategy);
        py::gil_scoped_release release;
        return pact::expected_calibration_error(span_of(yv), span_of(pv), n_bins, s);
      },
      py::arg("y"), py::arg("p"), py::arg("n_bins") = 10, py::arg("strategy") = "uniform");

  m.def(
      "calibration_regression",
      [](const py::object& y, const py::object& p, const py::object& sample_weight, unsigned threads) {
        auto yv = vector_arg(y, "y"), pv = vector_arg(p, "p");
        DoubleVector w;
        const auto ws = optional_span(sample_weight, "sample_weight", w);
        pact::CalibrationRegression r;
        {
          py::gil_scoped_release release;
          r = pact::calibration_regression(span_of(yv), span_of(pv), ws, threads);
        }
        return regression_dict(r);
      },
      py::arg("y"), py::arg("p"), py::arg("sample_weight") = py::none(), py::arg("threads") = 0);

  m.def(
      "validate",
      [](const py::object& y, const py::object& p, int n_bins, const std::string& strategy,
         const py::object& sample_weight, unsigned threads, const py::object& group_codes,
         const py::object& group_names) {
        auto yv = vector_arg(y, "y"), pv = vector_arg(p, "p");
        DoubleVector w;
        pact::ValidationOptions o;
        o.n_bins = n_bins;
        o.strategy = strategy_arg(strategy);
        o.sample_weight = optional_span(sample_weight, "sample_weight", w);
        o.threads = threads;
        std::optional<pact::Groups> groups;
        if (!group_codes.is_none()) {
          auto c = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>::ensure(group_codes);
          if (!c || c.ndim() != 1) throw py::value_error("group codes must be a 1-D array of integers");
          groups.emplace();
          groups->codes.assign(c.data(), c.data() + c.size());
          groups->names = group_names.cast<std::vector<std::string>>();
        }
        pact::ValidationReport report;
        {
          py::gil_scoped_release release;
          report = pact::validate(span_of(yv), span_of(pv), o, groups ? &*groups : nullptr);
        }
        py::dict d;
        d["total"] = metrics_dict(report.total);
        py::list gl;
        for (const auto& g : report.groups) {
          py::dict gd;
          gd["group"] = g.group;
          gd["metrics"] = metrics_dict(g.metrics);
          gl.append(gd);
        }
        d["groups"] = gl;
        return d;
      },
      py::arg("y"), py::arg("p"), py::arg("n_bins") = 10, py::arg("strategy") = "uniform",
      py::arg("sample_weight") = py::none(), py::arg("threads") = 0, py::arg("group_codes") = py::none(),
      py::arg("group_names") = py::none());
}

}  // namespace pact_python
