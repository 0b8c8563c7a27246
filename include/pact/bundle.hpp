// pact: compiled bundles, an instrument (and a risk model bound to it) in one binary file that
// loads several times faster than parsing and validating the JSON (docs/formats.md, "Compiled
// bundles"). JSON stays the authored, reviewed format; a bundle is compiled from it for fast
// start-up, and loads back to the same instrument and model: same content hashes, same scores,
// bit for bit.
//
// A bundle is checked before anything in it is used: its header (magic bytes, format version,
// architecture, payload length) and a SHA-256 checksum over the header and the payload, then,
// once read, every invariant the scoring kernels rely on. A truncated, corrupted, foreign or
// too-new file, or one from another architecture, is a pact error that says what is wrong.
#ifndef PACT_BUNDLE_HPP
#define PACT_BUNDLE_HPP

#include "pact/instrument.hpp"
#include "pact/risk_model.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace pact {

/// The bundle format this library writes, and the newest it reads (it reads every older one).
inline constexpr std::uint32_t bundle_format_version = 1;
/// The largest payload a bundle may announce or hold (the default instrument and model take
/// about 316 KB).
inline constexpr std::uint64_t max_bundle_payload_bytes = std::uint64_t{64} << 20;
/// The size of the fixed header in front of the payload.
inline constexpr std::size_t bundle_header_bytes = 72;

/// What a bundle holds.
enum class BundleContent : std::uint32_t {
  instrument = 1,             ///< an instrument only
  instrument_and_model = 2,   ///< a risk model and the instrument it is bound to
};

/// A bundle's header, as read_bundle_header reports it.
struct BundleHeader {
  std::uint32_t format_version = 0;   ///< the bundle format version (at most bundle_format_version)
  std::uint32_t library_version = 0;  ///< PACT_VERSION_NUMBER of the library that wrote it
  std::uint32_t archive_version = 0;  ///< Boost.Serialization's archive version that wrote it
  BundleContent content = BundleContent::instrument;  ///< an instrument alone, or a model and its instrument
  std::uint64_t payload_bytes = 0;   ///< the length of the payload after the header
};

/// The bytes of a bundle holding `model` and its instrument.
std::string bundle_bytes(const RiskModel& model);
/// The bytes of a bundle holding `instrument` only.
std::string bundle_bytes(const Instrument& instrument);

/// Writes a bundle atomically: to a temporary file beside `file`, flushed to disk, then renamed
/// over it, so that a reader sees the old file or the new one, never a part. Throws IoError.
void write_bundle(const std::filesystem::path& file, const RiskModel& model);
/// Writes an instrument-only bundle atomically, as the overload for a model does. Throws IoError.
void write_bundle(const std::filesystem::path& file, const Instrument& instrument);

/// Reads a bundle's model (and the instrument it is bound to). Throws ValidationError at
/// `/header/<field>` or `/payload/...` for a bundle that is truncated, corrupted, foreign, from
/// another architecture or a newer format, or inconsistent, and for a bundle that holds an
/// instrument only; LimitError for a payload past max_bundle_payload_bytes.
RiskModel parse_bundle(std::string_view bytes);
/// As parse_bundle, from a file (IoError when it cannot be read).
RiskModel read_bundle(const std::filesystem::path& file);

/// Reads a bundle's instrument: an instrument-only bundle, or the instrument of a model bundle.
Instrument parse_instrument_bundle(std::string_view bytes);
/// As parse_instrument_bundle, from a file (IoError when it cannot be read).
Instrument read_instrument_bundle(const std::filesystem::path& file);

/// Checks and returns a bundle's header (magic, format version, architecture, content, payload
/// length against the bytes given, and the checksum) without reading the payload.
BundleHeader read_bundle_header(std::string_view bytes);

}  // namespace pact

#endif  // PACT_BUNDLE_HPP
