// Shared helpers of the Python module: numpy views without copies and output arrays.
#ifndef PACT_PYTHON_COMMON_HPP
#define PACT_PYTHON_COMMON_HPP

#include <pact/matrix.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <time.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace pact_python {

namespace py = pybind11;

/// A float64 matrix as the kernels want it. C-contiguous float64 arrays (and row-major arrays
/// whose rows are padded) are viewed in place; anything else is converted once, into `holder`.
struct MatrixArg {
  py::array holder;  // keeps the memory alive (the caller's array, or the converted copy)
  const double* data = nullptr;
  std::ptrdiff_t rows = 0;
  std::ptrdiff_t cols = 0;
  std::ptrdiff_t row_stride = 0;

  pact::ConstRowMatrixView view() const { return pact::view_rows(data, rows, cols, row_stride); }
};

inline MatrixArg matrix_arg(const py::handle& object, const char* name) {
  py::array array = py::array::ensure(object);
  if (!array) throw py::type_error(std::string(name) + " must be a 2-D array of numbers");
  if (array.ndim() != 2)
    throw py::value_error(std::string(name) + " must be 2-D (rows x columns), got " + std::to_string(array.ndim()) +
                          " dimension(s)");
  const bool float64 = array.dtype().is(py::dtype::of<double>());
  const bool rows_contiguous = array.shape(1) <= 1 || array.strides(1) == static_cast<py::ssize_t>(sizeof(double));
  const bool row_stride_ok = array.shape(0) <= 1 || (array.strides(0) > 0 && array.strides(0) % sizeof(double) == 0);
  const bool aligned = reinterpret_cast<std::uintptr_t>(array.data()) % alignof(double) == 0;
  if (!(float64 && rows_contiguous && row_stride_ok && aligned))
    array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(array);
  if (!array) throw py::type_error(std::string(name) + " cannot be converted to float64");
  MatrixArg m;
  m.holder = array;
  m.data = static_cast<const double*>(array.data());
  m.rows = array.shape(0);
  m.cols = array.shape(1);
  m.row_stride = array.shape(0) <= 1 ? m.cols : array.strides(0) / static_cast<py::ssize_t>(sizeof(double));
  return m;
}

/// A 1-D float64 array (converted once when needed).
inline py::array_t<double, py::array::c_style | py::array::forcecast> vector_arg(const py::handle& object,
                                                                                 const char* name) {
  auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(object);
  if (!array) throw py::type_error(std::string(name) + " must be a 1-D array of numbers");
  if (array.ndim() != 1)
    throw py::value_error(std::string(name) + " must be 1-D, got " + std::to_string(array.ndim()) + " dimension(s)");
  return array;
}

template <class T>
py::array_t<T> empty_array(std::ptrdiff_t rows) {
  return py::array_t<T>(rows);
}

template <class T>
py::array_t<T> empty_array(std::ptrdiff_t rows, std::ptrdiff_t cols) {
  return py::array_t<T>({rows, cols});
}

/// The clock of the private timing helpers (_time_score_batch, ...): "wall" (the steady clock),
/// "thread" (the calling thread's CPU time, which other work on a shared machine does not
/// inflate; it counts only work done on the calling thread, so one-thread runs only) or
/// "process" (the CPU time of every thread of the process: the total work of a parallel run).
class TimingClock {
 public:
  TimingClock(const std::string& name, unsigned threads) {
    if (name == "thread")
      id_ = CLOCK_THREAD_CPUTIME_ID;
    else if (name == "process")
      id_ = CLOCK_PROCESS_CPUTIME_ID;
    else if (name != "wall")
      throw py::value_error("clock must be \"wall\", \"thread\" or \"process\", got \"" + name + "\"");
    if (name == "thread" && threads != 1) throw py::value_error("clock=\"thread\" measures one-thread runs only");
  }

  double seconds() const noexcept {
    if (id_ < 0) return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    timespec t{};
    clock_gettime(id_, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
  }

 private:
  clockid_t id_ = -1;  // -1: the wall clock
};

}  // namespace pact_python

#endif
