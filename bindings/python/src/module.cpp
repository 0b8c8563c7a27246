// The compiled part of the Python package: `pact._pact`. A thin shell over the C++ API; the
// pandas-facing functions live in the pure-Python package around it.
#include <pact/error.hpp>
#include <pact/fitting.hpp>
#include <pact/version.hpp>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_pact, m) {
  m.doc() = "pact compiled core (use the `pact` package, not this module directly)";
  m.attr("__version__") = pact::version_string;
  m.attr("version_number") = pact::version_number;

  // pact's exceptions become Python exceptions of the usual classes, so that `except ValueError`
  // and `except OSError` work, with the path or line in `.where` and the reason in `.reason`.
  static py::exception<pact::Error> error(m, "Error", PyExc_Exception);
  static py::exception<pact::ValidationError> validation_error(m, "ValidationError", PyExc_ValueError);
  static py::exception<pact::ParseError> parse_error(m, "ParseError", PyExc_ValueError);
  static py::exception<pact::InvalidArgument> invalid_argument(m, "InvalidArgument", PyExc_ValueError);
  static py::exception<pact::LimitError> limit_error(m, "LimitError", PyExc_ValueError);
  static py::exception<pact::IoError> io_error(m, "IoError", PyExc_OSError);
  // A fit that fails (separation, a rank-deficient design, no convergence) says which problem in
  // `.problem` and which design columns in `.columns`.
  static py::exception<pact::FitError> fit_error(m, "FitError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    auto raise = [](const py::object& type, const pact::Error& e) {
      py::object instance = type(e.what());
      instance.attr("where") = e.where();
      instance.attr("reason") = e.reason();
      PyErr_SetObject(type.ptr(), instance.ptr());
    };
    try {
      if (p) std::rethrow_exception(p);
    } catch (const pact::FitError& e) {
      static const char* const problems[] = {"invalid_input", "separation", "rank_deficient", "not_converged",
                                             "singular"};
      py::object instance = py::object(fit_error)(e.what());
      instance.attr("where") = e.where();
      instance.attr("reason") = e.reason();
      instance.attr("problem") = problems[static_cast<int>(e.problem())];
      instance.attr("columns") = py::cast(e.columns());
      instance.attr("iterations") = e.iterations();
      instance.attr("gradient_norm") = e.gradient_norm();
      PyErr_SetObject(fit_error.ptr(), instance.ptr());
    } catch (const pact::ValidationError& e) {
      raise(validation_error, e);
    } catch (const pact::ParseError& e) {
      raise(parse_error, e);
    } catch (const pact::InvalidArgument& e) {
      raise(invalid_argument, e);
    } catch (const pact::LimitError& e) {
      raise(limit_error, e);
    } catch (const pact::IoError& e) {
      raise(io_error, e);
    } catch (const pact::Error& e) {
      raise(error, e);
    }
  });

  pact_python::bind_instrument(m);
  pact_python::bind_scoring(m);
  pact_python::bind_counting(m);
  pact_python::bind_risk(m);
  pact_python::bind_fitting(m);
  pact_python::bind_metrics(m);
  pact_python::bind_formats(m);
  pact_python::bind_simulation(m);
  pact_python::bind_casework(m);
}
