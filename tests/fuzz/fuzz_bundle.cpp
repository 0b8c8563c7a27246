// Fuzzes the bundle loader. Each input is read twice: as it is (parse_bundle,
// parse_instrument_bundle, read_bundle_header), which exercises the header checks; and with its
// header's payload length and checksum repaired when it is long enough to have a header, so that
// mutations of the payload get past the checksum and reach the Boost archive reader and the
// invariant checks. Either way it is refused with a pact error, or it gives an instrument (and a
// model) that scores, the batch and single-case kernels agreeing bit for bit. Seeds are whole
// bundle files.
#include "fuzz_support.hpp"

#include "pact/bundle.hpp"

#include "bundle_internal.hpp"
#include "sha256.hpp"

#include <string>

namespace {

void load(std::string_view bytes) {
  using namespace pact_fuzz;
  try {
    pact::read_bundle_header(bytes);
  } catch (const pact::Error& e) {
    check_refusal(e);
  }
  try {
    const pact::Instrument instrument = pact::parse_instrument_bundle(bytes);
    score_probe_rows(instrument);
  } catch (const pact::Error& e) {
    check_refusal(e);
  }
  try {
    const pact::RiskModel model = pact::parse_bundle(bytes);
    score_probe_rows(model.instrument());
    risk_probe_rows(model);
  } catch (const pact::Error& e) {
    check_refusal(e);
  }
}

// Makes the header's payload length and checksum those of the bytes that follow it.
std::string repaired(std::string_view bytes) {
  namespace layout = pact::detail::bundle_layout;
  std::string out(bytes);
  const std::uint64_t payload = out.size() - layout::payload;
  for (int b = 0; b < 8; ++b) out[layout::payload_bytes + b] = static_cast<char>((payload >> (8 * b)) & 0xff);
  const auto digest = pact::detail::sha256_digest(
      {std::string_view(out).substr(0, layout::checksum), std::string_view(out).substr(layout::payload)});
  std::memcpy(out.data() + layout::checksum, digest.data(), digest.size());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = pact_fuzz::as_text(data, size);
  load(bytes);
  if (size >= pact::detail::bundle_layout::payload) load(repaired(bytes));
  return 0;
}
