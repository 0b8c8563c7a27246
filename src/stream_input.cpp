#include "stream_input.hpp"

#include "pact/error.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <system_error>

namespace pact::detail {

StreamInput::StreamInput(std::istream& stream, std::size_t buffer_bytes) : in(&stream) {
  if (buffer_bytes < 16) throw InvalidArgument("buffer_bytes", "the read buffer must hold at least 16 bytes");
  buffer.resize(buffer_bytes);
}

void StreamInput::start() {
  if (started) return;
  started = true;
  if (!fill()) return;
  const auto* b = reinterpret_cast<const unsigned char*>(buffer.data());
  const std::size_t n = end - pos;
  if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
    pos += 3;
  } else if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
    throw ParseError(1, 1, "the input is UTF-16 (it starts with a UTF-16 byte order mark); pact reads UTF-8: convert it first");
  }
}

bool StreamInput::fill() {
  if (at_end) return false;
  in->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  if (in->bad()) throw IoError("input", "reading failed");
  pos = 0;
  end = static_cast<std::size_t>(in->gcount());
  if (end == 0) {
    at_end = true;
    return false;
  }
  return true;
}

std::unique_ptr<std::istream> open_input_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) throw IoError(file.string(), "is a directory, not a file");
  auto stream = std::make_unique<std::ifstream>(file, std::ios::binary);
  if (!*stream) throw IoError(file.string(), std::string("cannot open: ") + std::strerror(errno));
  return stream;
}

}  // namespace pact::detail
