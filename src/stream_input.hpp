// pact internal (compiled parts only): the fixed-size read buffer the streaming readers share,
// with the byte-order-mark check at the start of the input and the line count.
#ifndef PACT_SRC_STREAM_INPUT_HPP
#define PACT_SRC_STREAM_INPUT_HPP

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <vector>

namespace pact::detail {

struct StreamInput {
  /// Reads `in` `buffer_bytes` at a time (InvalidArgument below 16 bytes).
  StreamInput(std::istream& in, std::size_t buffer_bytes);

  /// On the first call, fills the buffer and skips a UTF-8 byte order mark; throws ParseError
  /// when the input starts with a UTF-16 one. Later calls do nothing.
  void start();
  /// Reads the next chunk into the buffer; false at the end of the input. Throws IoError.
  bool fill();

  std::istream* in;
  std::vector<char> buffer;
  std::size_t pos = 0;  ///< next byte to read in `buffer`
  std::size_t end = 0;  ///< end of the valid bytes in `buffer`
  std::uint64_t line = 1;
  bool started = false;
  bool at_end = false;
};

/// Opens a file for reading; throws IoError naming it when it cannot be opened.
std::unique_ptr<std::istream> open_input_file(const std::filesystem::path& file);

}  // namespace pact::detail

#endif  // PACT_SRC_STREAM_INPUT_HPP
