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
#include <vector>

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

/// A batch's responses as score_batch and score_risk_batch take them, read in place where the
/// layout allows: a row-major matrix (see matrix_arg), or columns. Columns are a list (or tuple)
/// with one entry per item, each a 1-D array of the rows (None: an item no row answers; the first
/// array gives the number of rows), or a column-major 2-D float64 array (Fortran order, as
/// numpy gives for a DataFrame's values). A float64 column with a positive stride that is a whole
/// number of doubles is read in place (a DataFrame over a row-major array has such columns);
/// anything else is converted once, column by column.
struct ResponsesArg {
  MatrixArg matrix;  // when !by_columns
  bool by_columns = false;
  std::vector<py::object> holders;  // the column arrays, the caller's or converted
  std::vector<const double*> columns;
  std::vector<std::size_t> strides;
  std::ptrdiff_t rows = 0;
  std::ptrdiff_t cols = 0;

  /// `f(view)` with the pact view of the responses (ConstRowMatrixView or ConstColumnsView).
  template <class F>
  decltype(auto) visit(F&& f) const {
    if (by_columns) return f(pact::ConstColumnsView{columns, static_cast<std::size_t>(rows), strides});
    return f(matrix.view());
  }
};

/// A column of `name` viewed in place when it is float64 with a usable stride, else converted.
inline void add_column(ResponsesArg& r, const py::handle& object, const std::string& name) {
  py::array array = py::array::ensure(object);
  if (!array) throw py::type_error(name + " must be a 1-D array of numbers or None");
  if (array.ndim() != 1)
    throw py::value_error(name + " must be 1-D, got " + std::to_string(array.ndim()) + " dimension(s)");
  const bool in_place = array.dtype().is(py::dtype::of<double>()) && array.strides(0) > 0 &&
                        array.strides(0) % static_cast<py::ssize_t>(sizeof(double)) == 0 &&
                        reinterpret_cast<std::uintptr_t>(array.data()) % alignof(double) == 0;
  if (!in_place) array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(array);
  if (!array) throw py::type_error(name + " cannot be converted to float64");
  if (r.rows < 0) r.rows = array.shape(0);
  r.columns.push_back(static_cast<const double*>(array.data()));
  r.strides.push_back(array.shape(0) <= 1 ? 1 : static_cast<std::size_t>(array.strides(0)) / sizeof(double));
  r.holders.push_back(array);
}

inline ResponsesArg responses_arg(const py::handle& object, const char* name) {
  ResponsesArg r;
  if (py::isinstance<py::list>(object) || py::isinstance<py::tuple>(object)) {
    r.by_columns = true;
    r.rows = -1;  // until the first array
    const py::sequence items = py::reinterpret_borrow<py::sequence>(object);
    r.cols = static_cast<std::ptrdiff_t>(items.size());
    for (std::size_t j = 0; j < items.size(); ++j) {
      const py::handle column = items[j];
      const std::string column_name = std::string(name) + "[" + std::to_string(j) + "]";
      if (column.is_none()) {
        r.columns.push_back(nullptr);
        r.strides.push_back(1);
        continue;
      }
      add_column(r, column, column_name);
      const auto length = static_cast<std::ptrdiff_t>(py::len(r.holders.back()));
      if (length != r.rows)
        throw py::value_error(column_name + " has " + std::to_string(length) + " rows, the columns before it " +
                              std::to_string(r.rows));
    }
    if (r.rows < 0)
      throw py::value_error(std::string(name) + ": at least one column must be an array (None is a column no row "
                                                "answers, and says nothing of how many rows there are)");
    return r;
  }
  py::array array = py::array::ensure(object);
  if (array && array.ndim() == 2 && array.shape(0) > 1 && array.shape(1) > 1 &&
      array.dtype().is(py::dtype::of<double>()) && array.strides(0) == static_cast<py::ssize_t>(sizeof(double)) &&
      array.strides(1) > 0 && array.strides(1) % static_cast<py::ssize_t>(sizeof(double)) == 0 &&
      reinterpret_cast<std::uintptr_t>(array.data()) % alignof(double) == 0) {
    // Column-major: each column is contiguous, strides(1) bytes after the one before.
    r.by_columns = true;
    r.rows = array.shape(0);
    r.cols = array.shape(1);
    const auto* data = static_cast<const double*>(array.data());
    const auto column_stride = array.strides(1) / static_cast<py::ssize_t>(sizeof(double));
    for (py::ssize_t j = 0; j < r.cols; ++j) r.columns.push_back(data + j * column_stride);
    r.holders.push_back(array);
    return r;
  }
  r.matrix = matrix_arg(object, name);
  r.rows = r.matrix.rows;
  r.cols = r.matrix.cols;
  return r;
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
