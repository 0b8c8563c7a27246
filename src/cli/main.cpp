// pact: the command-line tool for batch jobs over a caseload (docs/cli.md).
#include "commands.hpp"
#include "common.hpp"

#include <pact/error.hpp>
#include <pact/version.hpp>

#include <iostream>
#include <new>
#include <vector>

namespace {

std::string version_text() {
  const auto& instrument = pact::Instrument::bundled();
  const auto& model = pact::RiskModel::bundled();
  return std::string("pact ") + pact::version_string + "\nbundled instrument " + instrument.id() + " " +
         instrument.version() + " " + instrument.hash() + "\nbundled model " + model.id() + " " + model.version() +
         " " + model.hash() + " (" + pact::to_string(model.provenance().status) + ")";
}

int report(const char* what, int code) {
  std::cerr << "pact: " << what << "\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pact::cli;
  CLI::App app{
      "pact: scores assessments of social exclusion with a common diagnostic instrument, estimates the risk that\n"
      "exclusion becomes chronic, and measures caseloads. Results support professional judgement; they never\n"
      "replace it.",
      "pact"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1, 1);
  app.footer("Exit status: 0 done, 1 some rows rejected or problems found, 2 usage error, 3 unusable input\n"
             "or output, 4 internal error. See docs/cli.md.");
  std::vector<Command> commands = {add_score(app), add_validate(app), add_fit(app), add_simulate(app), add_bundle(app),
                                   add_explain(app), add_measure(app),    add_evaluate(app),
                                   add_changes(app),  add_prioritise(app), add_audit(app),
                                   add_report(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_usage;
  }
  try {
    for (auto& command : commands)
      if (command.app->parsed()) return command.run();
    return report("no command given", exit_usage);
  } catch (const pact::Error& e) {
    return report(e.what(), e.kind() == pact::ErrorKind::internal ? exit_internal : exit_input);
  } catch (const std::bad_alloc&) {
    return report("out of memory", exit_internal);
  } catch (const std::exception& e) {
    return report((std::string("internal error: ") + e.what()).c_str(), exit_internal);
  }
}
