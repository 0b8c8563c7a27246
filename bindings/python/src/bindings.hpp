// One function per concept adds its classes and functions to the module.
#ifndef PACT_PYTHON_BINDINGS_HPP
#define PACT_PYTHON_BINDINGS_HPP

#include <pact/metrics.hpp>

#include <pybind11/pybind11.h>

namespace pact_python {

void bind_instrument(pybind11::module_& m);
void bind_scoring(pybind11::module_& m);
void bind_counting(pybind11::module_& m);
void bind_risk(pybind11::module_& m);
void bind_fitting(pybind11::module_& m);
void bind_metrics(pybind11::module_& m);
void bind_formats(pybind11::module_& m);
void bind_simulation(pybind11::module_& m);
void bind_casework(pybind11::module_& m);

/// Validation statistics as a dict (metrics.cpp), also what calibration reports.
pybind11::dict metrics_dict(const pact::ValidationMetrics& m);

}  // namespace pact_python

#endif
