// pact: version of the library. The build reads these macros; keep them the only place the
// version is written.
#ifndef PACT_VERSION_HPP
#define PACT_VERSION_HPP

/// The major version: a change means releases that are not compatible.
#define PACT_VERSION_MAJOR 0
/// The minor version: new features, compatible.
#define PACT_VERSION_MINOR 1
/// The patch version: fixes only.
#define PACT_VERSION_PATCH 0

/// One integer that orders versions: major * 10000 + minor * 100 + patch.
#define PACT_VERSION_NUMBER (PACT_VERSION_MAJOR * 10000 + PACT_VERSION_MINOR * 100 + PACT_VERSION_PATCH)

#define PACT_DETAIL_STR2(x) #x
#define PACT_DETAIL_STR(x) PACT_DETAIL_STR2(x)
/// The version as text, "MAJOR.MINOR.PATCH".
#define PACT_VERSION_STRING \
  PACT_DETAIL_STR(PACT_VERSION_MAJOR) "." PACT_DETAIL_STR(PACT_VERSION_MINOR) "." PACT_DETAIL_STR(PACT_VERSION_PATCH)

namespace pact {

/// The library's version as text, "MAJOR.MINOR.PATCH", as compiled into the headers in use.
inline constexpr const char* version_string = PACT_VERSION_STRING;

/// The library's version number (see PACT_VERSION_NUMBER), as compiled into the headers in use.
inline constexpr int version_number = PACT_VERSION_NUMBER;

}  // namespace pact

#endif  // PACT_VERSION_HPP
