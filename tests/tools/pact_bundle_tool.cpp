// Writes and inspects compiled bundles (docs/formats.md, "Compiled bundles"). It produced the
// bundles kept in tests/data/bundles/ (see the README there).
//
//   pact_bundle_tool write <out.bundle> <instrument.json> [<model.json>]
//       compiles the instrument (and the model bound to it) into a bundle
//   pact_bundle_tool info <bundle>
//       checks the bundle and prints its header and what it holds as JSON
//
// An error prints "<where>\t<reason>" to stderr and exits 1.
#include <pact/bundle.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw pact::IoError(path, "cannot open");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int run(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "write" && (argc == 4 || argc == 5)) {
    const auto instrument = pact::Instrument::load(argv[3]);
    if (argc == 5)
      pact::write_bundle(argv[2], pact::RiskModel::load(argv[4], instrument));
    else
      pact::write_bundle(argv[2], instrument);
    return 0;
  }
  if (command == "info" && argc == 3) {
    const std::string bytes = read_bytes(argv[2]);
    const pact::BundleHeader header = pact::read_bundle_header(bytes);
    const pact::Instrument instrument = pact::parse_instrument_bundle(bytes);
    std::cout << "{\"format_version\": " << header.format_version << ", \"library_version\": " << header.library_version
              << ", \"archive_version\": " << header.archive_version
              << ", \"payload_bytes\": " << header.payload_bytes << ", \"instrument\": {\"id\": \"" << instrument.id()
              << "\", \"version\": \"" << instrument.version() << "\", \"hash\": \"" << instrument.hash() << "\"}";
    if (header.content == pact::BundleContent::instrument_and_model) {
      const pact::RiskModel model = pact::parse_bundle(bytes);
      std::cout << ", \"model\": {\"id\": \"" << model.id() << "\", \"version\": \"" << model.version()
                << "\", \"hash\": \"" << model.hash() << "\"}";
    }
    std::cout << "}\n";
    return 0;
  }
  std::fprintf(stderr, "usage: pact_bundle_tool write <out.bundle> <instrument.json> [<model.json>]\n"
                       "       pact_bundle_tool info <bundle>\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const pact::Error& e) {
    std::fprintf(stderr, "%s\t%s\n", e.where().c_str(), e.reason().c_str());
    return 1;
  }
}
