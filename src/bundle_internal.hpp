// pact internal (compiled parts only): the bundle encoder without the checks of the public API,
// and the header layout, for the bundle writer and for tests that need bundles whose content
// is inconsistent yet correctly checksummed (the loader's invariant checks must refuse them).
#ifndef PACT_SRC_BUNDLE_INTERNAL_HPP
#define PACT_SRC_BUNDLE_INTERNAL_HPP

#include "pact/bundle.hpp"

#include <array>
#include <cstddef>
#include <string>

namespace pact::detail {

/// The header layout (docs/formats.md, "Compiled bundles"): offsets of its fields.
namespace bundle_layout {
inline constexpr std::size_t magic = 0;            // 8 bytes
inline constexpr std::size_t format_version = 8;   // u32, little-endian
inline constexpr std::size_t architecture = 12;    // 8 bytes
inline constexpr std::size_t library_version = 20; // u32, little-endian
inline constexpr std::size_t archive_version = 24; // u32, little-endian
inline constexpr std::size_t content = 28;         // u32, little-endian
inline constexpr std::size_t payload_bytes = 32;   // u64, little-endian
inline constexpr std::size_t checksum = 40;        // 32 bytes: SHA-256 of bytes [0, 40) and the payload
inline constexpr std::size_t payload = 72;
}  // namespace bundle_layout

/// "\x89PACT\r\n\x1a": a byte above 0x7f first (a text file cannot start a bundle), then a name,
/// then CR LF and Ctrl-Z, which a transfer in text mode would change.
inline constexpr std::array<unsigned char, 8> bundle_magic = {0x89, 'P', 'A', 'C', 'T', '\r', '\n', 0x1a};

/// The architecture marker of this machine: the bytes of the 32-bit integer 0x01020304 in
/// native order, then sizeof(int), sizeof(long), sizeof(double), and 1 when doubles are IEEE 754.
std::array<unsigned char, 8> bundle_architecture();

/// A bundle of `instrument` (and `model` when not null, which must be bound to it) with a valid
/// header and checksum, whatever the data holds.
std::string encode_bundle(const InstrumentData& instrument, const RiskModelData* model);

}  // namespace pact::detail

#endif  // PACT_SRC_BUNDLE_INTERNAL_HPP
