// pact: the exceptions pact throws for bad input. Every error says where (a JSON Pointer path or
// a line and column) and why; the C API turns them into status codes at its boundary.
#ifndef PACT_ERROR_HPP
#define PACT_ERROR_HPP

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace pact {

/// What kind of failure an Error reports; the C API maps each kind to a status code.
enum class ErrorKind {
  invalid_argument,  ///< a caller passed an argument that cannot be used (wrong shape, bad option)
  parse,             ///< text that is not well-formed (JSON syntax, CSV quoting, encoding)
  validation,        ///< well-formed input whose content breaks a rule (unknown item, value out of range)
  io,                ///< a file could not be read or written
  limit,             ///< input exceeds a documented limit (size, depth, field length)
  internal,          ///< a defect in pact itself
};

/// Base of every exception pact throws. `where()` is a JSON Pointer (`/items/3/weight`), a
/// position (`line 12, column 4`) or empty; `reason()` says what was expected.
class Error : public std::runtime_error {
 public:
  /// An error of `kind` at `where` (may be empty); what() reads "where: reason".
  Error(ErrorKind kind, std::string where, std::string reason)
      : std::runtime_error(compose(where, reason)),
        kind_(kind),
        where_(std::move(where)),
        reason_(std::move(reason)) {}

  /// The kind of failure (the C API's status class).
  ErrorKind kind() const noexcept { return kind_; }
  /// Where the problem is: a JSON Pointer, a position, a file, an argument name, or empty.
  const std::string& where() const noexcept { return where_; }
  /// What was expected, without the place.
  const std::string& reason() const noexcept { return reason_; }

 private:
  static std::string compose(const std::string& where, const std::string& reason) {
    return where.empty() ? reason : where + ": " + reason;
  }

  ErrorKind kind_;
  std::string where_;
  std::string reason_;
};

/// Content that breaks a rule of the format; `where()` is the JSON Pointer of the value.
class ValidationError : public Error {
 public:
  /// A broken rule at JSON Pointer `path`.
  ValidationError(std::string path, std::string reason)
      : Error(ErrorKind::validation, std::move(path), std::move(reason)) {}
};

/// Text that cannot be parsed; `line()` and `column()` are 1-based (0 when unknown).
class ParseError : public Error {
 public:
  /// Malformed text at `line` and `column` (1-based; 0 when unknown).
  ParseError(std::size_t line, std::size_t column, std::string reason)
      : Error(ErrorKind::parse, position(line, column), std::move(reason)), line_(line), column_(column) {}

  /// The 1-based line of the problem; 0 when unknown.
  std::size_t line() const noexcept { return line_; }
  /// The 1-based column of the problem; 0 when unknown.
  std::size_t column() const noexcept { return column_; }

 private:
  static std::string position(std::size_t line, std::size_t column) {
    if (line == 0) return {};
    return "line " + std::to_string(line) + (column ? ", column " + std::to_string(column) : std::string());
  }

  std::size_t line_;
  std::size_t column_;
};

/// A caller-supplied argument that cannot be used (for example a matrix of the wrong width).
class InvalidArgument : public Error {
 public:
  /// A bad argument, `where` naming it (e.g. "row_stride", "weights[3]").
  InvalidArgument(std::string where, std::string reason)
      : Error(ErrorKind::invalid_argument, std::move(where), std::move(reason)) {}
};

/// A file that cannot be opened, read or written; `where()` names the file.
class IoError : public Error {
 public:
  /// A failed read or write of `file`.
  IoError(std::string file, std::string reason) : Error(ErrorKind::io, std::move(file), std::move(reason)) {}
};

/// Input larger than a documented limit (see docs/reliability.md).
class LimitError : public Error {
 public:
  /// Input at `where` beyond a documented limit.
  LimitError(std::string where, std::string reason)
      : Error(ErrorKind::limit, std::move(where), std::move(reason)) {}
};

}  // namespace pact

#endif  // PACT_ERROR_HPP
