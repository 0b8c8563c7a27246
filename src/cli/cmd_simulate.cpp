// pact simulate: a synthetic caseload from the documented generative model (docs/simulation.md),
// written as assessments (CSV or JSON Lines) with their outcome columns, generated and written
// in chunks so that memory does not grow with the number of cases.
#include "commands.hpp"

#include <pact/casework.hpp>
#include <pact/formats/assessment_writers.hpp>
#include <pact/simulation.hpp>

#include <iomanip>
#include <iostream>

namespace pact::cli {

namespace {

struct SimulateOptions {
  std::size_t cases = 1000;
  std::uint64_t seed = 1;
  std::string output = "-";
  std::string format;
  std::string date;
  int followup_months = 36;
  double monthly_dropout = 0.0;
  double missing_rate = 0.05;
  bool true_risk = false;
  unsigned threads = 0;
  ModelChoice models;
};

int run(const SimulateOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const auto loaded = o.models.load();
  if (!loaded.model) throw InvalidArgument("--model", "simulation draws the future in care from a risk model");
  if (!o.date.empty() && !parse_date(o.date)) throw InvalidArgument("--date", "expected a date YYYY-MM-DD");
  const RiskModel& model = *loaded.model;
  const Instrument& instrument = model.instrument();
  SimulationOptions options = instrument.hash() == Instrument::bundled().hash() ? SimulationOptions{}
                                                                                 : SimulationOptions::generic();
  options.seed = o.seed;
  options.threads = o.threads;
  options.followup_months = o.followup_months;
  options.monthly_dropout = o.monthly_dropout;
  options.missing_rate = o.missing_rate;
  const CaseloadSimulator simulator(model, options);

  std::vector<std::string> attributes;
  for (const auto& a : options.attributes) attributes.push_back(a.name);
  std::vector<std::string> extras = {"followup_months", "left_care", "chronic"};
  if (o.true_risk) extras.push_back("true_risk");
  OutputFile output(o.output);
  const Format format = input_format(o.output == "-" ? "x.csv" : o.output, o.format);
  std::unique_ptr<AssessmentCsvWriter> csv;
  std::unique_ptr<AssessmentJsonlWriter> jsonl;
  if (format == Format::csv) {
    AssessmentCsvOptions csv_options;
    csv_options.attributes = attributes;
    csv_options.extra_columns = extras;
    csv = std::make_unique<AssessmentCsvWriter>(instrument, output.stream(), csv_options);
  } else {
    AssessmentJsonlOptions jsonl_options;
    jsonl_options.extra_columns = extras;
    jsonl = std::make_unique<AssessmentJsonlWriter>(instrument, output.stream(), jsonl_options);
  }
  // Chunks of whole simulation blocks: the output does not depend on the chunk size.
  const std::size_t chunk = 64 * simulation_block_cases;
  SimulatedCaseload part;
  std::vector<AttributeView> views(attributes.size());
  std::vector<double> extra(extras.size());
  for (std::size_t first = 0; first < o.cases; first += chunk) {
    simulator.generate(first, std::min(chunk, o.cases - first), part);
    for (std::size_t i = 0; i < part.size(); ++i) {
      for (std::size_t a = 0; a < part.attributes.size(); ++a) {
        const Groups& g = part.attributes[a].groups;
        views[a] = {part.attributes[a].name, g.names[static_cast<std::size_t>(g.codes[i])]};
      }
      const std::span<const double> responses(part.responses.row(static_cast<Eigen::Index>(i)).data(),
                                              instrument.item_count());
      const CaseView view{part.case_ids[i], o.date, views, responses};
      extra[0] = part.followup_months[i];
      extra[1] = part.left_care[i];
      extra[2] = part.chronic[i];
      if (o.true_risk) extra[3] = part.risk[i];
      if (csv)
        csv->write(view, extra);
      else
        jsonl->write(view, extra);
    }
  }
  output.commit();
  std::cerr << "pact simulate: " << with_thousands(o.cases) << " synthetic cases (seed " << o.seed << ", model "
            << model.id() << " " << model.version() << ") in " << std::fixed << std::setprecision(2)
            << seconds_since(start) << " s\n";
  return exit_ok;
}

}  // namespace

Command add_simulate(CLI::App& app) {
  auto o = std::make_shared<SimulateOptions>();
  CLI::App* sub = app.add_subcommand(
      "simulate", "Write a synthetic caseload (documented generative model; deterministic for a seed)");
  sub->add_option("-n,--cases", o->cases, "Number of cases")->capture_default_str();
  sub->add_option("--seed", o->seed, "Random seed: the same seed gives the same caseload")->capture_default_str();
  sub->add_option("-o,--output", o->output, "Output (CSV or JSON Lines by extension; - for standard output)")
      ->capture_default_str();
  sub->add_option("--format", o->format, "csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  sub->add_option("--date", o->date, "Assessment date to write for every case (YYYY-MM-DD; default none)");
  sub->add_option("--followup-months", o->followup_months, "Administrative censoring: months followed after the assessment")
      ->check(CLI::Range(1, 1200))
      ->capture_default_str();
  sub->add_option("--dropout", o->monthly_dropout, "Monthly probability of loss to follow-up")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--missing-rate", o->missing_rate, "Share of optional items left unanswered")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_flag("--true-risk", o->true_risk, "Add the generating model's probability (true_risk column)");
  add_threads_option(*sub, o->threads);
  o->models.add_options(*sub);
  return {sub, [o] { return run(*o); }};
}

}  // namespace pact::cli
