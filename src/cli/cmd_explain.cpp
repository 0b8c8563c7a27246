// pact explain: one case in full, in a language — its scores, critical factors, chronicity risk,
// the factors that raise it, and the smallest change that would lower its band. The case comes
// from an assessments file (--case ID, its latest assessment) or an assessment JSON file.
#include "commands.hpp"

#include <pact/casework.hpp>
#include <pact/formats/assessment_json.hpp>
#include <pact/formats/batch.hpp>
#include <pact/formats/result.hpp>

#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>

namespace pact::cli {

namespace {

struct ExplainOptions {
  std::string input;
  std::string format;
  std::string case_id;
  std::string lang = "es";
  std::string output = "-";
  bool json = false;
  ModelChoice models;
};

std::string percent(double v) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(0) << 100 * v;
  return s.str();
}

// The human reading of a result object (the same JSON hosts receive).
void write_text(std::ostream& out, const nlohmann::json& r) {
  out << "case " << r["case_id"].get<std::string>();
  if (r.contains("date") && r["date"].is_string()) out << " (" << r["date"].get<std::string>() << ")";
  out << "\n";
  const auto& c = r["composite"];
  if (c["scored"].get<bool>())
    out << "  " << c["level"]["label"].get<std::string>() << ": composite " << percent(c["score"].get<double>())
        << "/100\n";
  else
    out << "  composite not scored (too few answers: coverage " << percent(c["coverage"].get<double>()) << "%)\n";
  for (const auto& d : r["dimensions"]) {
    out << "    " << pad(d["label"].get<std::string>(), 28);
    if (d["scored"].get<bool>())
      out << std::setw(4) << percent(d["score"].get<double>()) << (d["deprived"].get<bool>() ? "  deprived" : "") << "\n";
    else
      out << "   -  not scored\n";
  }
  out << "  critical factors:";
  if (r["critical_factors"].empty()) out << " none";
  out << "\n";
  for (const auto& f : r["critical_factors"])
    out << "    - " << f["label"].get<std::string>() << " (" << percent(f["severity"].get<double>()) << ")\n";
  if (!r.contains("risk")) return;
  const auto& k = r["risk"];
  if (k["status"] != "ok") {
    out << "  risk: not estimated (" << k["status"].get<std::string>() << ")\n";
    return;
  }
  out << "  risk of chronicity (" << k["horizon_months"].get<int>() << " months): "
      << percent(k["probability"].get<double>()) << "% — " << k["band"]["label"].get<std::string>() << " (model "
      << k["model"]["id"].get<std::string>() << " " << k["model"]["version"].get<std::string>() << ", "
      << k["model"]["status"].get<std::string>() << ")\n";
  out << "  raising it most:";
  if (k["top_factors"].empty()) out << " none";
  out << "\n";
  for (const auto& f : k["top_factors"]) out << "    - " << f["label"].get<std::string>() << "\n";
  if (k.contains("counterfactual")) {
    const auto& cf = k["counterfactual"];
    if (cf.is_null()) {
      out << "  no change in one actionable item alone would lower the band\n";
    } else {
      auto shown = [&](const char* label, const char* value) {
        return cf.contains(label) && cf[label].is_string() ? cf[label].get<std::string>() : cf[value].dump();
      };
      out << "  smallest change that lowers the band: " << cf["label"].get<std::string>() << ": "
          << shown("from_label", "from") << " -> " << shown("to_label", "to") << " gives "
          << percent(cf["probability"].get<double>()) << "% (" << cf["band"]["label"].get<std::string>() << ")\n";
    }
  }
  out << "  These results support professional judgement; they never replace it.\n";
}

int run(const ExplainOptions& o) {
  const auto loaded = o.models.load();
  const Instrument& instrument = loaded.instrument;
  Assessment assessment;
  const std::string ext = std::filesystem::path(o.input).extension().string();
  if (o.case_id.empty()) {
    if (ext != ".json") throw InvalidArgument("--case", "give the case id to explain from an assessments file");
    assessment = read_assessment_json(instrument, read_text(o.input));
  } else {
    AssessmentStream stream(instrument, o.input, input_format(o.input, o.format));
    AssessmentBatch batch;
    bool found = false;
    while (stream.next(batch))
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (batch.case_id(i) != o.case_id) continue;
        if (found && parse_date(batch.date(i)) < parse_date(assessment.date)) continue;
        found = true;
        assessment.case_id = std::string(batch.case_id(i));
        assessment.date = std::string(batch.date(i));
        assessment.attributes.clear();
        for (const AttributeView& a : batch.attributes(i)) assessment.attributes.emplace_back(a.name, a.value);
        const auto r = batch.responses(i);
        assessment.responses.assign(r.begin(), r.end());
      }
    if (!found) throw InvalidArgument("--case", "no valid assessment of case \"" + o.case_id + "\" in " + o.input);
  }
  ResultOptions options;
  options.language = o.lang;
  options.items = true;
  const std::string text = loaded.model ? scored_result_json(*loaded.model, assessment, options)
                                        : scored_result_json(instrument, assessment, options);
  OutputFile output(o.output);
  if (o.json)
    output.stream() << nlohmann::json::parse(text).dump(2) << "\n";
  else
    write_text(output.stream(), nlohmann::json::parse(text));
  output.commit();
  return exit_ok;
}

}  // namespace

Command add_explain(CLI::App& app) {
  auto o = std::make_shared<ExplainOptions>();
  CLI::App* sub = app.add_subcommand("explain", "Explain one case in a language: scores, factors, risk, what would help");
  sub->add_option("-i,--input", o->input, "An assessment JSON file, or assessments (CSV or JSON Lines) with --case")
      ->required();
  sub->add_option("--case", o->case_id, "The case to explain (its latest assessment in the file)");
  sub->add_option("--format", o->format, "csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  sub->add_option("-o,--output", o->output, "Output (- for standard output)")->capture_default_str();
  sub->add_flag("--json", o->json, "Write the full result object (JSON) instead of text");
  add_language_option(*sub, o->lang);
  o->models.add_options(*sub);
  return {sub, [o] { return run(*o); }};
}

}  // namespace pact::cli
