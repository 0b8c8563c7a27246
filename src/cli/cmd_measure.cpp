// pact measure: Alkire-Foster measures of a caseload (H, A, M0 or M1/M2, censored headcounts and
// dimension contributions), overall and by subgroup, streamed in bounded memory.
#include "commands.hpp"

#include <pact/counting.hpp>
#include <pact/formats/batch.hpp>
#include <pact/scoring.hpp>

#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>

namespace pact::cli {

namespace {

struct MeasureOptions {
  std::string input;
  std::string format;
  std::string by;
  double k = 1.0 / 3.0;
  int alpha = 0;
  std::string output = "-";
  std::string output_format = "table";
  std::string lang = "es";
  unsigned threads = 0;
  ModelChoice models;
};

nlohmann::json measures_json(const Instrument& instrument, const CountingMeasures& m) {
  nlohmann::json dims = nlohmann::json::array();
  for (std::size_t d = 0; d < instrument.dimension_count(); ++d)
    dims.push_back({{"id", instrument.dimensions()[d].id},
                    {"uncensored_headcount", m.uncensored_headcount[d]},
                    {"censored_headcount", m.censored_headcount[d]},
                    {"contribution", m.contribution[d]}});
  return {{"n", m.n}, {"q", m.q}, {"H", m.H}, {"A", m.A}, {"M0", m.M0}, {"M", m.M}, {"dimensions", dims}};
}

void write_table(std::ostream& out, const Instrument& instrument, const CountingResult& r, const std::string& lang,
                 const std::string& by) {
  out << std::fixed << std::setprecision(4);
  out << "Alkire-Foster measures (k = " << r.k << ", alpha = " << r.alpha << ")\n";
  out << "  n = " << r.total.n << ", excluded q = " << r.total.q << ", left out (dimension not scored) = " << r.incomplete
      << "\n";
  out << "  H = " << r.total.H << "  A = " << r.total.A << "  M0 = " << r.total.M0;
  if (r.alpha > 0) out << "  M" << r.alpha << " = " << r.total.M;
  out << "\n\n  " << std::left << std::setw(30) << "dimension" << std::right << std::setw(12) << "headcount"
      << std::setw(12) << "censored" << std::setw(14) << "contribution\n";
  for (std::size_t d = 0; d < instrument.dimension_count(); ++d)
    out << "  " << pad(instrument.dimensions()[d].label.in(lang), 30) << std::right << std::setw(12)
        << r.total.uncensored_headcount[d] << std::setw(12) << r.total.censored_headcount[d] << std::setw(13)
        << r.total.contribution[d] << "\n";
  if (r.groups.empty()) return;
  out << "\n  by " << by << ":\n  " << std::left << std::setw(24) << "group" << std::right << std::setw(10) << "n"
      << std::setw(10) << "share" << std::setw(10) << "H" << std::setw(10) << "A" << std::setw(10) << "M"
      << std::setw(14) << "contribution\n";
  for (const auto& g : r.groups)
    out << "  " << pad(g.group, 24) << std::right << std::setw(10) << g.measures.n << std::setw(10)
        << g.population_share << std::setw(10) << g.measures.H << std::setw(10) << g.measures.A << std::setw(10)
        << g.measures.M << std::setw(13) << g.contribution << "\n";
}

void write_csv(std::ostream& out, const Instrument& instrument, const CountingResult& r) {
  out << std::setprecision(17) << "group,n,q,H,A,M0,M";
  for (const auto& d : instrument.dimensions()) out << ",censored_" << d.id;
  for (const auto& d : instrument.dimensions()) out << ",contribution_" << d.id;
  out << ",population_share,group_contribution\n";
  auto row = [&](const std::string& name, const CountingMeasures& m, double share, double contribution) {
    out << name << "," << m.n << "," << m.q << "," << m.H << "," << m.A << "," << m.M0 << "," << m.M;
    for (double v : m.censored_headcount) out << "," << v;
    for (double v : m.contribution) out << "," << v;
    out << "," << share << "," << contribution << "\n";
  };
  row("(all)", r.total, 1.0, 1.0);
  for (const auto& g : r.groups) row(g.group, g.measures, g.population_share, g.contribution);
}

int run(const MeasureOptions& o) {
  const auto loaded = o.models.load();
  const Instrument& instrument = loaded.instrument;
  AssessmentStream stream(instrument, o.input, input_format(o.input, o.format));
  if (!o.by.empty()) {
    const auto columns = stream.attribute_columns();
    if (input_format(o.input, o.format) == Format::csv &&
        std::find(columns.begin(), columns.end(), o.by) == columns.end())
      throw InvalidArgument("--by", "no column \"" + o.by + "\" in " + o.input);
  }
  CountingByGroup measures(instrument, {o.k, o.alpha});
  AssessmentBatch batch;
  ScoredBatch scored;
  while (stream.next(batch)) {
    scored.score(instrument, batch, o.threads);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (scored.status(i) != ResponseStatus::ok) continue;
      std::string group;
      if (!o.by.empty()) {
        const auto value = batch.attribute(i, o.by);
        group = value && !value->empty() ? std::string(*value) : "(missing)";
      }
      measures.add(scored.dimension_scores(i).data(), group);
    }
  }
  const CountingResult r = measures.result();
  OutputFile output(o.output);
  if (o.output_format == "json") {
    nlohmann::json doc = {{"k", r.k},
                          {"alpha", r.alpha},
                          {"instrument", {{"id", instrument.id()}, {"version", instrument.version()}, {"hash", instrument.hash()}}},
                          {"incomplete", r.incomplete},
                          {"total", measures_json(instrument, r.total)}};
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& g : r.groups) {
      auto gj = measures_json(instrument, g.measures);
      gj["group"] = g.group;
      gj["population_share"] = g.population_share;
      gj["contribution"] = g.contribution;
      groups.push_back(gj);
    }
    if (!o.by.empty()) doc["by"] = o.by;
    doc["groups"] = groups;
    output.stream() << doc.dump(2) << "\n";
  } else if (o.output_format == "csv") {
    write_csv(output.stream(), instrument, r);
  } else {
    write_table(output.stream(), instrument, r, o.lang, o.by);
  }
  output.commit();
  const ReadCounts counts = stream.counts();
  std::cerr << "pact measure: " << with_thousands(counts.read) << " rows read, " << with_thousands(r.total.n)
            << " measured, " << with_thousands(r.incomplete) << " left out (a dimension not scored), "
            << with_thousands(counts.rejected) << " rejected\n";
  return counts.rejected == 0 ? exit_ok : exit_rejected;
}

}  // namespace

Command add_measure(CLI::App& app) {
  auto o = std::make_shared<MeasureOptions>();
  CLI::App* sub = app.add_subcommand("measure", "Alkire-Foster measures of a caseload, overall and by subgroup");
  sub->add_option("-i,--input", o->input, "Assessments (CSV or JSON Lines; - for standard input)")->required();
  sub->add_option("--format", o->format, "csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  sub->add_option("--by", o->by, "A subgroup column (e.g. territory) to decompose by");
  sub->add_option("-k", o->k, "Cross-dimensional cut-off: share of the total weight in (0, 1]")
      ->check(CLI::Range(1e-9, 1.0))
      ->capture_default_str();
  sub->add_option("--alpha", o->alpha, "0: M0, 1: M1, 2: M2")->check(CLI::Range(0, 2))->capture_default_str();
  sub->add_option("-o,--output", o->output, "Output file (- for standard output)")->capture_default_str();
  sub->add_option("--output-format", o->output_format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  add_language_option(*sub, o->lang);
  add_threads_option(*sub, o->threads);
  o->models.add_options(*sub, false);
  return {sub, [o] { return run(*o); }};
}

}  // namespace pact::cli
