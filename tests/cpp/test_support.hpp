// Helpers shared by the C++ tests.
#ifndef PACT_TESTS_TEST_SUPPORT_HPP
#define PACT_TESTS_TEST_SUPPORT_HPP

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace pact_test {

inline std::string source_path(const std::string& relative) { return std::string(PACT_SOURCE_DIR) + "/" + relative; }
inline std::string data_path(const std::string& relative) { return std::string(PACT_TEST_DATA_DIR) + "/" + relative; }

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace pact_test

#endif
