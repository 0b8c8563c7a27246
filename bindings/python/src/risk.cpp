// The chronicity-risk model for Python: the RiskModel class, batch scoring of instrument and risk
// in one pass (with the per-row explanations the batch kernel writes), survival curves, and the
// explanation of one case.
#include <pact/bundle.hpp>
#include <pact/risk_model.hpp>

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

std::string label_in(const pact::Label& label, const std::string& lang) { return label.in(lang); }

py::object optional_int(const std::optional<std::int64_t>& v) { return v ? py::object(py::int_(*v)) : py::none(); }
py::object optional_float(const std::optional<double>& v) { return v ? py::object(py::float_(*v)) : py::none(); }

std::string feature_source(const pact::RiskModel& model, const pact::RiskFeature& f) {
  const auto& instrument = model.instrument();
  switch (f.kind) {
    case pact::FeatureKind::dimension_score: return instrument.dimensions()[f.source].id;
    case pact::FeatureKind::item_severity:
    case pact::FeatureKind::item_value:
    case pact::FeatureKind::log_item_value:
    case pact::FeatureKind::hinge_item_value: return instrument.items()[f.source].id;
    case pact::FeatureKind::composite: return "composite";
    case pact::FeatureKind::indicator: return model.features()[f.of[0]].id;
    case pact::FeatureKind::interaction:
      return model.features()[f.of[0]].id + "*" + model.features()[f.of[1]].id;
  }
  return "";
}

py::list feature_table(const pact::RiskModel& model, const std::string& lang) {
  py::list rows;
  for (const auto& f : model.features()) {
    py::dict row;
    row["id"] = f.id;
    row["kind"] = pact::to_string(f.kind);
    row["source"] = feature_source(model, f);
    row["label"] = f.label.in(lang);
    row["coefficient"] = f.coefficient;
    row["se"] = f.se;
    row["reference"] = f.reference;
    row["knot"] = f.kind == pact::FeatureKind::hinge_item_value ? py::object(py::float_(f.knot)) : py::none();
    row["at_least"] = f.kind == pact::FeatureKind::indicator ? py::object(py::float_(f.at_least)) : py::none();
    rows.append(row);
  }
  return rows;
}

py::list band_table(const pact::RiskModel& model, const std::string& lang) {
  py::list rows;
  for (const auto& b : model.bands()) {
    py::dict row;
    row["id"] = b.id;
    row["label"] = b.label.in(lang);
    row["min_probability"] = b.min_probability;
    rows.append(row);
  }
  return rows;
}

py::list baseline_table(const pact::RiskModel& model) {
  py::list rows;
  const auto& bands = model.baseline();
  for (std::size_t b = 0; b < bands.size(); ++b) {
    py::dict row;
    row["from_month"] = bands[b].from_month;
    row["to_month"] = b + 1 < bands.size() ? py::object(py::int_(bands[b + 1].from_month - 1)) : py::none();
    row["coefficient"] = bands[b].coefficient;
    row["se"] = bands[b].se;
    rows.append(row);
  }
  return rows;
}

py::dict provenance_dict(const pact::Provenance& p) {
  py::dict d;
  d["status"] = pact::to_string(p.status);
  d["fitted_on"] = p.fitted_on;
  d["fitted_at"] = p.fitted_at;
  d["method"] = p.method;
  d["n_cases"] = optional_int(p.n_cases);
  d["n_rows"] = optional_int(p.n_rows);
  py::dict metrics;
  metrics["auc"] = optional_float(p.metrics.auc);
  metrics["brier"] = optional_float(p.metrics.brier);
  metrics["calibration_intercept"] = optional_float(p.metrics.calibration_intercept);
  metrics["calibration_slope"] = optional_float(p.metrics.calibration_slope);
  metrics["ece"] = optional_float(p.metrics.ece);
  d["metrics"] = metrics;
  d["notes"] = p.notes;
  return d;
}


// Output arrays for score_risk_batch, allocated by numpy so that they become the results' columns.
struct RiskBatchArrays {
  py::array_t<double> scores, composite, composite_coverage, deprivation, eta, probability, features,
      survival;
  py::array_t<std::int32_t> level, deprived_count, status, error_item, band, risk_status, imputed, top;

  RiskBatchArrays(const pact::RiskModel& model, std::ptrdiff_t rows, bool with_features, int survival_months)
      : scores(empty_array<double>(rows, static_cast<std::ptrdiff_t>(model.instrument().dimension_count()))),
        composite(empty_array<double>(rows)),
        composite_coverage(empty_array<double>(rows)),
        deprivation(empty_array<double>(rows)),
        eta(empty_array<double>(rows)),
        probability(empty_array<double>(rows)),
        features(empty_array<double>(with_features ? rows : 0, static_cast<std::ptrdiff_t>(model.features().size()))),
        survival(empty_array<double>(survival_months > 0 ? rows : 0, survival_months)),
        level(empty_array<std::int32_t>(rows)),
        deprived_count(empty_array<std::int32_t>(rows)),
        status(empty_array<std::int32_t>(rows)),
        error_item(empty_array<std::int32_t>(rows)),
        band(empty_array<std::int32_t>(rows)),
        risk_status(empty_array<std::int32_t>(rows)),
        imputed(empty_array<std::int32_t>(rows)),
        top(empty_array<std::int32_t>(rows, static_cast<std::ptrdiff_t>(pact::max_top_factors))) {}

  pact::RiskBatchOutputs outputs(bool with_features, int survival_months) {
    pact::RiskBatchOutputs out;
    out.instrument.dimension_scores = scores.mutable_data();
    out.instrument.composite = composite.mutable_data();
    out.instrument.composite_coverage = composite_coverage.mutable_data();
    out.instrument.level = level.mutable_data();
    out.instrument.deprivation_score = deprivation.mutable_data();
    out.instrument.deprived_count = deprived_count.mutable_data();
    out.instrument.status = status.mutable_data();
    out.instrument.error_item = error_item.mutable_data();
    out.linear_predictor = eta.mutable_data();
    out.probability = probability.mutable_data();
    out.band = band.mutable_data();
    out.risk_status = risk_status.mutable_data();
    out.imputed_features = imputed.mutable_data();
    out.top_factors = top.mutable_data();
    if (with_features) out.feature_values = features.mutable_data();
    if (survival_months > 0) {
      out.survival = survival.mutable_data();
      out.survival_months = survival_months;
    }
    return out;
  }
};

void check_columns(const pact::RiskModel& model, const ResponsesArg& x) {
  const auto& instrument = model.instrument();
  if (static_cast<std::size_t>(x.cols) != instrument.item_count())
    throw py::value_error("responses must have one column per item of " + instrument.id() + " (" +
                          std::to_string(instrument.item_count()) + "), got " + std::to_string(x.cols));
}

}  // namespace

void bind_risk(py::module_& m) {
  m.attr("max_top_factors") = pact::max_top_factors;
  m.attr("max_horizon_months") = pact::max_horizon_months;

  py::class_<pact::RiskModel>(m, "RiskModel")
      .def_static("load", [](const std::string& path, const pact::Instrument& instrument) {
        return pact::RiskModel::load(path, instrument);
      }, py::arg("path"), py::arg("instrument"))
      .def_static("parse", [](const std::string& text, const pact::Instrument& instrument) {
        return pact::RiskModel::parse(text, instrument);
      }, py::arg("json_text"), py::arg("instrument"))
      .def_static("bundled", &pact::RiskModel::bundled, py::return_value_policy::copy)
      .def_static("read_bundle", [](const std::string& path) { return pact::read_bundle(path); }, py::arg("path"))
      .def_static("parse_bundle", [](const py::bytes& bytes) { return pact::parse_bundle(std::string_view(bytes)); },
                  py::arg("bytes"))
      .def("write_bundle", [](const pact::RiskModel& r, const std::string& path) { pact::write_bundle(path, r); },
           py::arg("path"))
      .def("bundle_bytes", [](const pact::RiskModel& r) { return py::bytes(pact::bundle_bytes(r)); })
      .def_property_readonly("id", &pact::RiskModel::id)
      .def_property_readonly("version", &pact::RiskModel::version)
      .def_property_readonly("hash", &pact::RiskModel::hash)
      .def_property_readonly("canonical_json", &pact::RiskModel::canonical_json)
      .def_property_readonly("languages", &pact::RiskModel::languages)
      .def_property_readonly("default_language", &pact::RiskModel::default_language)
      .def_property_readonly("instrument", [](const pact::RiskModel& r) { return r.instrument(); })
      .def_property_readonly("form", [](const pact::RiskModel& r) { return std::string(pact::to_string(r.form())); })
      .def_property_readonly("horizon_months", &pact::RiskModel::horizon_months)
      .def_property_readonly("intercept", [](const pact::RiskModel& r) {
        return py::make_tuple(r.intercept().coefficient, r.intercept().se);
      })
      .def_property_readonly("duration_item", [](const pact::RiskModel& r) -> py::object {
        if (!r.duration_item()) return py::none();
        return py::str(r.instrument().items()[*r.duration_item()].id);
      })
      .def_property_readonly("feature_ids", [](const pact::RiskModel& r) {
        std::vector<std::string> ids;
        for (const auto& f : r.features()) ids.push_back(f.id);
        return ids;
      })
      .def_property_readonly("band_ids", [](const pact::RiskModel& r) {
        std::vector<std::string> ids;
        for (const auto& b : r.bands()) ids.push_back(b.id);
        return ids;
      })
      .def_property_readonly("actionable_items", [](const pact::RiskModel& r) {
        std::vector<std::string> ids;
        for (std::size_t j : r.actionable_items()) ids.push_back(r.instrument().items()[j].id);
        return ids;
      })
      .def_property_readonly("provenance", [](const pact::RiskModel& r) { return provenance_dict(r.provenance()); })
      .def("name", [](const pact::RiskModel& r, const std::string& lang) { return label_in(r.name(), lang); },
           py::arg("lang"))
      .def("description",
           [](const pact::RiskModel& r, const std::string& lang) { return label_in(r.description(), lang); },
           py::arg("lang"))
      .def("outcome_definition",
           [](const pact::RiskModel& r, const std::string& lang) { return label_in(r.outcome_definition(), lang); },
           py::arg("lang"))
      .def("feature_table", &feature_table, py::arg("lang"))
      .def("band_table", &band_table, py::arg("lang"))
      .def("baseline_table", &baseline_table)
      .def("__eq__", [](const pact::RiskModel& a, const pact::RiskModel& b) {
        return a.hash() == b.hash() && a.instrument().hash() == b.instrument().hash();
      })
      .def("__hash__", [](const pact::RiskModel& r) { return py::hash(py::str(r.hash())); })
      .def(py::pickle(
          [](const pact::RiskModel& r) { return py::make_tuple(r.canonical_json(), r.instrument().canonical_json()); },
          [](const py::tuple& state) {
            return pact::RiskModel::parse(state[0].cast<std::string>(),
                                          pact::Instrument::parse(state[1].cast<std::string>()));
          }));

  m.def(
      "score_risk_batch",
      [](const pact::RiskModel& model, const py::object& responses, unsigned threads, bool with_features,
         int survival_months) {
        const ResponsesArg x = responses_arg(responses, "responses");
        check_columns(model, x);
        RiskBatchArrays a(model, x.rows, with_features, survival_months);
        const pact::RiskBatchOutputs out = a.outputs(with_features, survival_months);
        pact::BatchSummary summary;
        {
          py::gil_scoped_release release;
          summary = x.visit([&](const auto& view) { return pact::score_risk_batch(model, view, out, threads); });
        }
        py::dict d;
        d["dimension_scores"] = a.scores;
        d["composite"] = a.composite;
        d["composite_coverage"] = a.composite_coverage;
        d["level"] = a.level;
        d["deprivation_score"] = a.deprivation;
        d["deprived_count"] = a.deprived_count;
        d["status"] = a.status;
        d["error_item"] = a.error_item;
        d["linear_predictor"] = a.eta;
        d["probability"] = a.probability;
        d["band"] = a.band;
        d["risk_status"] = a.risk_status;
        d["imputed_features"] = a.imputed;
        d["top_factors"] = a.top;
        if (with_features) d["feature_values"] = a.features;
        if (survival_months > 0) d["survival"] = a.survival;
        d["rows"] = summary.rows;
        d["scored"] = summary.scored;
        d["rejected"] = summary.rejected;
        return d;
      },
      py::arg("model"), py::arg("responses"), py::arg("threads") = 0, py::arg("feature_values") = false,
      py::arg("survival_months") = 0);

  // The C++ batch alone, timed inside C++ on outputs allocated once: what pact.score is compared
  // with in benchmarks/python_score_compare.py and benchmarks/compare.py. Returns the seconds of
  // each repeat, by the wall clock or the calling thread's CPU time (see TimingClock).
  m.def(
      "_time_score_risk_batch",
      [](const pact::RiskModel& model, const py::object& responses, unsigned threads, int repeats,
         const std::string& clock_name) {
        const TimingClock clock(clock_name, threads);
        const ResponsesArg x = responses_arg(responses, "responses");
        check_columns(model, x);
        RiskBatchArrays a(model, x.rows, false, 0);
        const pact::RiskBatchOutputs out = a.outputs(false, 0);
        std::vector<double> seconds;
        py::gil_scoped_release release;
        for (int r = 0; r < repeats; ++r) {
          const double start = clock.seconds();
          x.visit([&](const auto& view) { return pact::score_risk_batch(model, view, out, threads); });
          seconds.push_back(clock.seconds() - start);
        }
        return seconds;
      },
      py::arg("model"), py::arg("responses"), py::arg("threads") = 0, py::arg("repeats") = 5,
      py::arg("clock") = "wall");

  m.def(
      "risk_status_name",
      [](int status) { return std::string(pact::to_string(static_cast<pact::RiskStatus>(status))); },
      py::arg("status"));
}

}  // namespace pact_python
