#include "file_io.hpp"

#include "pact/error.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace pact::detail {

std::string read_file(const std::filesystem::path& file, std::size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) throw IoError(file.string(), "is a directory, not a file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file.string(), std::string("cannot open: ") + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw IoError(file.string(), "cannot determine the file size");
  if (static_cast<std::size_t>(size) > max_bytes)
    throw LimitError(file.string(), "the file has " + std::to_string(size) + " bytes, more than the limit of " +
                                        std::to_string(max_bytes));
  in.seekg(0, std::ios::beg);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), size)) throw IoError(file.string(), "read failed");
  return text;
}

}  // namespace pact::detail
