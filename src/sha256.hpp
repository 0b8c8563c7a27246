// pact internal (compiled parts only): SHA-256 from OpenSSL's libcrypto, the content hash of
// instruments and models, the checksum of compiled bundles and the digest of audit records.
#ifndef PACT_SRC_SHA256_HPP
#define PACT_SRC_SHA256_HPP

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>

namespace pact::detail {

/// The lower-case hexadecimal SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

/// The raw SHA-256 digest of the concatenation of `parts` (hashed in place, not copied).
std::array<unsigned char, 32> sha256_digest(std::initializer_list<std::string_view> parts);

/// "sha256:" followed by sha256_hex(bytes): the form results carry.
inline std::string content_hash(std::string_view bytes) { return "sha256:" + sha256_hex(bytes); }

}  // namespace pact::detail

#endif  // PACT_SRC_SHA256_HPP
