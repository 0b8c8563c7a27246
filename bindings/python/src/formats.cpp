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
      [](const pact::Instrument& instrument, const std::string& assessment_json, const std::string& lang,
         bool items) {
        std::string result;
        pact::Assessment assessment;
        {
          py::gil_scoped_release release;
          assessment = pact::read_assessment_json(instrument, assessment_json);
          const pact::CaseScores scores = pact::score(instrument, assessment);
          pact::ResultOptions options;
          options.language = lang;
          options.items = items;
          result = pact::write_result_json(instrument, assessment, scores, options);
        }
        // The responses as the reader decoded them, for the risk model.
        py::array_t<double> responses(static_cast<py::ssize_t>(assessment.responses.size()),
                                      assessment.responses.data());
        return py::make_tuple(result, responses);
      },
      py::arg("instrument"), py::arg("assessment_json"), py::arg("lang") = "", py::arg("items") = true);
}

}  // namespace pact_python
