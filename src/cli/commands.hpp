// The subcommands of `pact`; each adds itself to the application and returns how to run it.
#ifndef PACT_CLI_COMMANDS_HPP
#define PACT_CLI_COMMANDS_HPP

#include "common.hpp"

namespace pact::cli {

Command add_validate(CLI::App& app);
Command add_measure(CLI::App& app);
Command add_evaluate(CLI::App& app);
Command add_changes(CLI::App& app);
Command add_prioritise(CLI::App& app);
Command add_audit(CLI::App& app);
Command add_report(CLI::App& app);
Command add_score(CLI::App& app);
Command add_simulate(CLI::App& app);
Command add_bundle(CLI::App& app);
Command add_fit(CLI::App& app);
Command add_explain(CLI::App& app);

}  // namespace pact::cli

#endif
