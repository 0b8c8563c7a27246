// pact validate: an instrument, a risk model or an assessments file, every problem listed with
// its JSON Pointer path or its line and column.
#include "commands.hpp"

#include <pact/formats/batch.hpp>
#include <pact/risk_model.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <vector>

namespace pact::cli {

namespace {

struct ValidateOptions {
  std::string file;
  std::string kind;  // instrument, model, assessments; empty = detect
  std::string format;
  ModelChoice models;
};

// "instrument" or "model" from the document's "format" field, else "assessments".
std::string detect_kind(const std::string& file) {
  const std::string ext = std::filesystem::path(file).extension().string();
  if (ext == ".csv" || ext == ".jsonl" || ext == ".ndjson" || ext == ".tsv") return "assessments";
  const auto doc = nlohmann::json::parse(read_text(file), nullptr, false);
  if (doc.is_object() && doc.contains("format") && doc["format"].is_string()) {
    if (doc["format"] == "pact.instrument") return "instrument";
    if (doc["format"] == "pact.risk_model") return "model";
  }
  return "assessments";
}

int report_problems(const std::string& file, const std::vector<Error>& problems, const char* what) {
  for (const auto& p : problems) std::cout << file << ": " << p.what() << "\n";
  if (problems.empty()) {
    std::cout << file << ": valid " << what << "\n";
    return exit_ok;
  }
  std::cerr << "pact validate: " << problems.size() << " problem" << (problems.size() == 1 ? "" : "s") << " in "
            << file << "\n";
  return exit_rejected;
}

int validate_assessments(const ValidateOptions& o) {
  const auto loaded = o.models.load();
  AssessmentStream stream(loaded.instrument, o.file, input_format(o.file, o.format));
  AssessmentBatch batch;
  std::vector<double> probability;
  std::vector<std::int32_t> risk_status;
  std::uint64_t rejected_by_model = 0;
  while (stream.next(batch)) {
    for (const RowError& e : batch.errors()) {
      std::cout << o.file << ":" << e.line << ": ";
      if (!e.column.empty()) std::cout << "column " << e.column << ": ";
      std::cout << e.reason << "\n";
    }
    if (!loaded.model || batch.empty()) continue;
    // The model may reject a row the instrument accepts (no months in care).
    risk_status.resize(batch.size());
    RiskBatchOutputs out;
    out.risk_status = risk_status.data();
    score_risk_batch(*loaded.model, batch.responses(), out, 0);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (risk_status[i] != static_cast<std::int32_t>(RiskStatus::missing_duration)) continue;
      ++rejected_by_model;
      const auto duration = loaded.model->duration_item();
      std::cout << o.file << ":" << batch.line(i) << ": column "
                << (duration ? loaded.instrument.items()[*duration].id : std::string("?"))
                << ": the risk model needs the months in care\n";
    }
  }
  const ReadCounts counts = stream.counts();
  const std::uint64_t rejected = counts.rejected + rejected_by_model;
  std::cerr << "pact validate: " << with_thousands(counts.read) << " rows read, "
            << with_thousands(counts.read - rejected) << " valid, " << with_thousands(rejected) << " rejected\n";
  return rejected == 0 ? exit_ok : exit_rejected;
}

}  // namespace

Command add_validate(CLI::App& app) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* sub = app.add_subcommand(
      "validate",
      "Check an instrument, a risk model or an assessments file and list every problem with its path or line");
  sub->add_option("file", o->file, "The file to check")->required()->check(CLI::ExistingFile);
  sub->add_option("--kind", o->kind, "instrument, model or assessments (default: detected)")
      ->check(CLI::IsMember({"instrument", "model", "assessments"}));
  sub->add_option("--format", o->format, "Assessments: csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  o->models.add_options(*sub);
  return {sub, [o] {
            const std::string kind = o->kind.empty() ? detect_kind(o->file) : o->kind;
            if (kind == "instrument") return report_problems(o->file, Instrument::problems(read_text(o->file)), "instrument");
            if (kind == "model") {
              const Instrument instrument =
                  o->models.instrument_path.empty() ? Instrument::bundled() : Instrument::load(o->models.instrument_path);
              return report_problems(o->file, RiskModel::problems(read_text(o->file), instrument), "risk model");
            }
            return validate_assessments(*o);
          }};
}

}  // namespace pact::cli
