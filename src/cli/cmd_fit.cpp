// pact fit: calibrate the risk model on a service's own caseload with observed outcomes and
// write the new model JSON (docs/calibration.md). The template (the bundled model by default)
// gives the form, features, bands and labels; the data give the coefficients.
#include "commands.hpp"

#include <pact/audit.hpp>
#include <pact/calibration.hpp>
#include <pact/formats/batch.hpp>

#include <charconv>
#include <cmath>
#include <iomanip>
#include <iostream>

namespace pact::cli {

namespace {

struct FitOptions {
  std::string input;
  std::string format;
  std::string output;
  std::string version;
  std::string fitted_on;
  std::string fitted_at;
  std::string notes;
  std::vector<std::string> name;         // LANG=TEXT, one per language
  std::vector<std::string> description;  // LANG=TEXT
  std::string chronic = "chronic";
  std::string followup = "followup_months";
  std::string left_care = "left_care";
  double l2 = 0.0;
  bool median_references = false;
  unsigned threads = 0;
  ModelChoice models;
};

double field_number(std::optional<std::string_view> text, std::uint64_t line, const std::string& column) {
  double v = std::numeric_limits<double>::quiet_NaN();
  if (!text || text->empty()) return v;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size())
    throw InvalidArgument("line " + std::to_string(line) + ", column " + column, "expected a number");
  return v;
}

std::string today() { return utc_now().substr(0, 10); }

// "es=Riesgo de cronicidad" ... into a Label; the first language given is the label's default.
Label label_option(const std::vector<std::string>& texts, const std::string& option) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& text : texts) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
      throw InvalidArgument(option, "expected LANG=TEXT, e.g. es=Riesgo de cronicidad (calibrado)");
    pairs.emplace_back(text.substr(0, eq), text.substr(eq + 1));
  }
  return Label(std::move(pairs));
}

int run(const FitOptions& o) {
  const auto loaded = o.models.load();
  if (!loaded.model) throw InvalidArgument("--model", "fit needs a template risk model");
  const RiskModel& spec = *loaded.model;
  const Instrument& instrument = spec.instrument();
  const bool hazard = spec.form() == RiskForm::discrete_hazard;
  AssessmentStream stream(instrument, o.input, input_format(o.input, o.format));
  std::vector<double> values, chronic;
  std::vector<std::int32_t> followup;
  std::vector<std::uint8_t> left;
  std::uint64_t without_outcome = 0;
  AssessmentBatch batch;
  while (stream.next(batch)) {
    for (const RowError& e : batch.errors())
      std::cerr << o.input << ":" << e.line << ": " << (e.column.empty() ? "" : "column " + e.column + ": ") << e.reason
                << "\n";
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const std::uint64_t line = batch.line(i);
      if (hazard) {
        const double f = field_number(batch.attribute(i, o.followup), line, o.followup);
        const double l = field_number(batch.attribute(i, o.left_care), line, o.left_care);
        if (std::isnan(f) || std::isnan(l)) {
          ++without_outcome;
          continue;
        }
        if (f < 0 || f != std::floor(f) || f > 1e6)
          throw InvalidArgument("line " + std::to_string(line) + ", column " + o.followup,
                                "expected whole months of follow-up >= 0");
        if (l != 0 && l != 1)
          throw InvalidArgument("line " + std::to_string(line) + ", column " + o.left_care, "expected 0 or 1");
        followup.push_back(static_cast<std::int32_t>(f));
        left.push_back(static_cast<std::uint8_t>(l));
      } else {
        const double c = field_number(batch.attribute(i, o.chronic), line, o.chronic);
        if (std::isnan(c)) {
          ++without_outcome;
          continue;
        }
        chronic.push_back(c);
      }
      const auto r = batch.responses(i);
      values.insert(values.end(), r.begin(), r.end());
    }
  }
  const std::size_t cases = values.size() / std::max<std::size_t>(1, instrument.item_count());
  CalibrationOutcomes outcomes;
  if (hazard) {
    outcomes.followup_months = followup;
    outcomes.left_care = left;
  } else {
    outcomes.chronic = chronic;
  }
  CalibrationOptions options;
  options.version = o.version;
  options.fitted_on = o.fitted_on;
  options.fitted_at = o.fitted_at.empty() ? today() : o.fitted_at;
  options.notes = o.notes;
  options.name = label_option(o.name, "--name");
  options.description = label_option(o.description, "--description");
  options.l2 = o.l2;
  options.references = o.median_references ? ReferencePolicy::sample_median : ReferencePolicy::keep;
  options.threads = o.threads;
  const auto items = static_cast<std::ptrdiff_t>(instrument.item_count());
  const CalibrationResult result =
      calibrate(spec, view_rows(values.data(), static_cast<std::ptrdiff_t>(cases), items, items), outcomes, options);

  OutputFile output(o.output);
  output.stream() << result.model_json << "\n";
  output.commit();

  std::ostream& out = std::cout;
  out << "Calibrated " << result.model.id() << " " << result.model.version() << " (" << to_string(result.form)
      << ") on " << with_thousands(result.n_cases) << " cases, " << with_thousands(result.n_rows) << " rows; "
      << result.fit.iterations << " iterations, log-likelihood " << std::fixed << std::setprecision(3)
      << result.fit.llf << (result.fit.converged ? "" : " (NOT converged)") << "\n\n";
  out << "  " << pad("term", 36) << std::right << std::setw(12) << "estimate" << std::setw(12) << "std. error" << "\n";
  for (std::size_t k = 0; k < static_cast<std::size_t>(result.fit.params.size()); ++k)
    out << "  " << pad(result.fit.column_names.at(k), 36) << std::right << std::setw(12) << std::setprecision(4)
        << result.fit.params[static_cast<Eigen::Index>(k)] << std::setw(12) << result.fit.bse[static_cast<Eigen::Index>(k)]
        << "\n";
  const auto& e = result.evaluation;
  auto show = [](const std::optional<double>& v) {
    std::ostringstream s;
    if (v)
      s << std::fixed << std::setprecision(3) << *v;
    else
      s << "-";
    return s.str();
  };
  out << "\n  evaluated on " << with_thousands(result.n_evaluated) << " cases with an observed outcome: AUC "
      << show(e.auc) << ", Brier " << show(e.brier) << ", calibration intercept "
      << (e.calibration ? show(e.calibration->intercept) : "-") << ", slope "
      << (e.calibration ? show(e.calibration->slope) : "-") << ", ECE " << show(e.ece) << "\n";
  for (const auto& note : e.notes) out << "  note: " << note << "\n";
  out << "\nWrote " << o.output << ". Publish it with a new model card (models/pact-chronicity.md shows what it says).\n";
  const ReadCounts counts = stream.counts();
  std::cerr << "pact fit: " << with_thousands(counts.read) << " rows read, " << with_thousands(cases) << " fitted, "
            << with_thousands(without_outcome) << " without an outcome, " << with_thousands(counts.rejected)
            << " rejected\n";
  return counts.rejected == 0 ? exit_ok : exit_rejected;
}

}  // namespace

Command add_fit(CLI::App& app) {
  auto o = std::make_shared<FitOptions>();
  CLI::App* sub = app.add_subcommand(
      "fit", "Calibrate the risk model on a caseload with observed outcomes and write the new model JSON");
  sub->add_option("-i,--input", o->input, "Assessments with outcome columns (CSV or JSON Lines)")->required();
  sub->add_option("--format", o->format, "csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  sub->add_option("-o,--output", o->output, "The calibrated model JSON to write")->required();
  sub->add_option("--version", o->version, "The new model's semantic version, e.g. 1.1.0")->required();
  sub->add_option("--fitted-on", o->fitted_on, "What data (never personal data), e.g. \"León caseload 2024-2026\"")
      ->required();
  sub->add_option("--fitted-at", o->fitted_at, "Date of the fit, YYYY-MM-DD (default: today, UTC)");
  sub->add_option("--notes", o->notes, "Provenance notes");
  sub->add_option("--name", o->name,
                  "The new model's name in a language, LANG=TEXT, repeated for every language of the template "
                  "(default: the template's name)");
  sub->add_option("--description", o->description,
                  "The new model's description, LANG=TEXT, repeated per language (default: the template's)");
  sub->add_option("--chronic", o->chronic, "Logistic form: the outcome column (1 chronic, 0 not)")->capture_default_str();
  sub->add_option("--followup", o->followup, "Hazard form: months followed after the assessment")->capture_default_str();
  sub->add_option("--left-care", o->left_care, "Hazard form: 1 left care in the last month followed, 0 censored")
      ->capture_default_str();
  sub->add_option("--l2", o->l2, "L2 penalty on the feature coefficients")->check(CLI::Range(0.0, 1e12))
      ->capture_default_str();
  sub->add_flag("--median-references", o->median_references, "Set each feature's reference to its sample median");
  add_threads_option(*sub, o->threads);
  o->models.add_options(*sub);
  return {sub, [o] { return run(*o); }};
}

}  // namespace pact::cli
