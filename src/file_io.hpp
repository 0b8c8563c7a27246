// pact internal (compiled parts only): reading whole files with a size limit.
#ifndef PACT_SRC_FILE_IO_HPP
#define PACT_SRC_FILE_IO_HPP

#include <cstddef>
#include <filesystem>
#include <string>

namespace pact::detail {

/// Reads a whole file. Throws IoError naming the file when it cannot be read, and LimitError
/// when it is larger than `max_bytes`.
std::string read_file(const std::filesystem::path& file, std::size_t max_bytes);

}  // namespace pact::detail

#endif  // PACT_SRC_FILE_IO_HPP
