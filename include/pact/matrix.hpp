// pact: the matrix types batch functions take. A view maps the caller's memory (row-major, with
// an explicit row stride, or column by column) without copying it.
#ifndef PACT_MATRIX_HPP
#define PACT_MATRIX_HPP

#include <Eigen/Core>

#include <cstddef>
#include <span>

namespace pact {

/// A dense row-major matrix of doubles (rows = cases).
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A read-only view of a row-major matrix in caller memory; the outer stride is the distance
/// between the starts of consecutive rows, in elements (at least the number of columns).
using ConstRowMatrixView = Eigen::Map<const RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;

/// Views `rows` x `cols` doubles at `data`, consecutive rows `row_stride` elements apart.
inline ConstRowMatrixView view_rows(const double* data, std::ptrdiff_t rows, std::ptrdiff_t cols,
                                    std::ptrdiff_t row_stride) {
  return ConstRowMatrixView(data, rows, cols, Eigen::OuterStride<>(row_stride));
}

/// Views a whole row-major matrix.
inline ConstRowMatrixView view_rows(const RowMatrix& m) {
  return view_rows(m.data(), m.rows(), m.cols(), m.cols());
}

/// A read-only view of a matrix held column by column in caller memory, as a pandas DataFrame or
/// a column-major (Fortran-order) array holds it: cell (i, j) is `columns[j][i * strides[j]]`, or
/// NaN in every row where `columns[j]` is null. With `strides` empty every column is contiguous
/// (a stride of 1); the columns need not be adjacent, nor have the same stride (a DataFrame over
/// a row-major array has columns `cols` doubles apart cell to cell).
struct ConstColumnsView {
  std::span<const double* const> columns;  ///< one pointer per column
  std::size_t rows = 0;                    ///< rows in every column
  std::span<const std::size_t> strides = {};  ///< empty, or one per column, in doubles
};

}  // namespace pact

#endif  // PACT_MATRIX_HPP
