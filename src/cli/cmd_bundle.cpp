// pact bundle: compile an instrument and a risk model into one file that loads faster than the
// JSON (docs/formats.md, "Compiled bundles").
#include "commands.hpp"

#include <pact/bundle.hpp>

#include <iomanip>
#include <iostream>

namespace pact::cli {

namespace {

struct BundleOptions {
  std::string output;
  ModelChoice models;
};

int run(const BundleOptions& o) {
  const auto loaded = o.models.load();
  if (!loaded.model) throw InvalidArgument("--model", "a bundle holds an instrument and its risk model");
  write_bundle(o.output, *loaded.model);
  // Read it back: a bundle that does not load is never left behind as a success.
  const RiskModel check = read_bundle(o.output);
  if (check.hash() != loaded.model->hash() || check.instrument().hash() != loaded.model->instrument().hash())
    throw Error(ErrorKind::internal, o.output, "the bundle read back differs from the model written");
  std::cerr << "pact bundle: wrote " << o.output << " (" << std::filesystem::file_size(o.output) << " bytes): instrument "
            << check.instrument().id() << " " << check.instrument().version() << ", model " << check.id() << " "
            << check.version() << " " << check.hash() << "\n";
  return exit_ok;
}

}  // namespace

Command add_bundle(CLI::App& app) {
  auto o = std::make_shared<BundleOptions>();
  CLI::App* sub = app.add_subcommand("bundle", "Compile an instrument and a risk model into one fast-loading file");
  sub->add_option("-o,--output", o->output, "The bundle to write")->required();
  o->models.add_options(*sub);
  return {sub, [o] { return run(*o); }};
}

}  // namespace pact::cli
