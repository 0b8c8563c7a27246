// pact.h compiled as C++ (C++11, -Wall -Wextra -Wpedantic -Werror): the header must be usable
// from C++ hosts as it is from C, with C linkage, and agree with the library it links.
#include "pact.h"

#include <cstdio>
#include <type_traits>

static_assert(std::is_same<decltype(&pact_version_number), int (*)()>::value, "C linkage, C signature");
static_assert(PACT_OK == 0 && PACT_ERROR_INTERNAL < 0, "status codes");
static_assert(sizeof(pact_batch_output) == sizeof(size_t) + 15 * sizeof(void*), "every output member is a pointer");

int main() {
  pact_instrument* instrument = nullptr;
  if (pact_instrument_default(&instrument) != PACT_OK) return 1;
  const char* id = nullptr;
  const pact_status status = pact_instrument_info(instrument, &id, nullptr, nullptr);
  pact_instrument_free(instrument);
  const bool ok = status == PACT_OK && pact_version_number() == PACT_VERSION_NUMBER;
  std::printf("pact.h from C++: library %s, default instrument %s: %s\n", pact_version_string(), id ? id : "?",
              ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
