// One case through pact's exchange formats: assessment JSON in (pact's reader and its
// validation), result JSON out (pact's writer), as the C API and the CLI do it.
#include <pact/formats/assessment_json.hpp>
#include <pact/formats/result.hpp>
#include <pact/scoring.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "bindings.hpp"

namespace pact_python {

namespace py = pybind11;

void bind_formats(py::module_& m) {
  m.def(
      "score_assessment_json",
      [](const pact::Instrument& instrument, const std::string& assessment_json, const std::string& lang, bool items,
         const pact::RiskModel* model) {
        py::gil_scoped_release release;
        pact::ResultOptions options;
        options.language = lang;
        options.items = items;
        const pact::Assessment assessment = pact::read_assessment_json(model ? model->instrument() : instrument,
                                                                       assessment_json);
        return model ? pact::scored_result_json(*model, assessment, options)
                     : pact::scored_result_json(instrument, assessment, options);
      },
      py::arg("instrument"), py::arg("assessment_json"), py::arg("lang") = "", py::arg("items") = true,
      py::arg("model") = nullptr);
}

}  // namespace pact_python
