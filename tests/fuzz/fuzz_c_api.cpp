// Fuzzes the C API's JSON scoring entry points (pact_model_score_json with the default model,
// pact_instrument_score_json with the small test instrument), with an explicit length and
// NUL-terminated: every call returns PACT_OK with a result that is well-formed JSON, or a parse,
// validation or limit status with a NULL result and a last error that says why. No exception
// crosses the boundary (one would end the program), and no input is an internal error.
#include "pact.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "pact fuzz: broken promise: %s (last error: %s)\n", what, pact_last_error());
  std::abort();
}

struct Handles {
  pact_model* model = nullptr;
  pact_instrument* small = nullptr;
  Handles() {
    require(pact_model_default(&model) == PACT_OK, "the default model does not load");
    require(pact_instrument_load_file(PACT_FUZZ_DATA_DIR "/instruments/small.json", &small) == PACT_OK,
            "the small instrument does not load");
  }
};

void check(pact_status status, char* result) {
  if (status == PACT_OK) {
    require(result != nullptr, "PACT_OK without a result");
    require(nlohmann::json::accept(result), "the result is not well-formed JSON");
    require(std::strlen(pact_last_error()) == 0, "PACT_OK with a last error");
  } else {
    require(result == nullptr, "an error with a result");
    require(status == PACT_ERROR_PARSE || status == PACT_ERROR_VALIDATION || status == PACT_ERROR_LIMIT,
            "an assessment refused with a status other than parse, validation or limit");
    require(std::strlen(pact_last_error()) > 0, "an error without a message");
  }
  pact_string_free(result);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Handles handles;
  const char* text = reinterpret_cast<const char*>(data);
  char* result = nullptr;
  check(pact_model_score_json(handles.model, text, size, "en", &result), result);
  result = nullptr;
  check(pact_instrument_score_json(handles.small, text, size, nullptr, &result), result);
  // The same text NUL-terminated: it ends at its first NUL byte, if it holds one.
  const std::string terminated(text, size);
  result = nullptr;
  check(pact_model_score_json(handles.model, terminated.c_str(), PACT_NUL_TERMINATED, "es", &result), result);
  return 0;
}
