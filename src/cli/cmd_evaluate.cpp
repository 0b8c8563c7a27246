// pact evaluate: how well the risk model's predictions agree with observed outcomes — ROC AUC,
// Brier score, calibration intercept and slope, expected calibration error and the calibration
// curve — overall and by subgroup (EU AI Act Art. 13), and professional override rates.
#include "commands.hpp"

#include <pact/casework.hpp>
#include <pact/formats/batch.hpp>
#include <pact/metrics.hpp>
#include <pact/risk_model.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <iomanip>
#include <iostream>
#include <map>

namespace pact::cli {

namespace {

struct EvaluateOptions {
  std::string lang = "es";
  std::string input;
  std::string format;
  std::string outcome = "chronic";
  std::string prediction;  // a column of external predictions instead of the model's
  std::string by;
  std::string override_column;
  int bins = 10;
  std::string strategy = "uniform";
  std::string output = "-";
  std::string output_format = "table";
  unsigned threads = 0;
  ModelChoice models;
};

// 1, 0, or NaN for an empty field; InvalidArgument naming the line otherwise.
double outcome_value(std::string_view text, std::uint64_t line, const std::string& column) {
  if (text.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (text == "1" || text == "1.0" || text == "true") return 1.0;
  if (text == "0" || text == "0.0" || text == "false") return 0.0;
  throw InvalidArgument("line " + std::to_string(line) + ", column " + column,
                        "an outcome must be 0, 1 or empty (unknown)");
}

double number_value(std::string_view text, std::uint64_t line, const std::string& column) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !(v >= 0.0 && v <= 1.0))
    throw InvalidArgument("line " + std::to_string(line) + ", column " + column, "a prediction must be a number in [0, 1]");
  return v;
}

nlohmann::json metrics_json(const ValidationMetrics& m) {
  auto opt = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  nlohmann::json j = {{"n", m.n}, {"events", m.events}, {"prevalence", opt(m.prevalence)}, {"auc", opt(m.auc)},
                      {"brier", opt(m.brier)}, {"ece", opt(m.ece)}, {"notes", m.notes}};
  if (m.calibration) {
    j["calibration_intercept"] = m.calibration->intercept;
    j["calibration_slope"] = m.calibration->slope;
  } else {
    j["calibration_intercept"] = nullptr;
    j["calibration_slope"] = nullptr;
  }
  nlohmann::json curve = nlohmann::json::array();
  for (std::size_t b = 0; b < m.curve.prob_true.size(); ++b)
    curve.push_back({{"predicted", m.curve.prob_pred[b]}, {"observed", m.curve.prob_true[b]}, {"n", m.curve.counts[b]}});
  j["calibration_curve"] = curve;
  return j;
}

void table_row(std::ostream& out, const std::string& name, const ValidationMetrics& m) {
  auto show = [&](const std::optional<double>& v) {
    std::ostringstream s;
    if (v)
      s << std::fixed << std::setprecision(3) << *v;
    else
      s << "-";
    return s.str();
  };
  out << "  " << pad(name, 22) << std::right << std::setw(9) << m.n << std::setw(9) << m.events
      << std::setw(9) << show(m.auc) << std::setw(9) << show(m.brier) << std::setw(11)
      << show(m.calibration ? std::optional<double>(m.calibration->intercept) : std::nullopt) << std::setw(9)
      << show(m.calibration ? std::optional<double>(m.calibration->slope) : std::nullopt) << std::setw(9) << show(m.ece)
      << "\n";
}

int run(const EvaluateOptions& o) {
  const auto loaded = o.models.load();
  if (o.prediction.empty() && !loaded.model)
    throw InvalidArgument("--model", "evaluate needs a risk model, or --prediction with a column of predictions");
  const Instrument& instrument = loaded.instrument;
  const Format format = input_format(o.input, o.format);
  AssessmentStream stream(instrument, o.input, format);
  if (format == Format::csv) {
    const auto columns = stream.attribute_columns();
    for (const std::string* c : {&o.outcome, &o.prediction, &o.by, &o.override_column})
      if (!c->empty() && std::find(columns.begin(), columns.end(), *c) == columns.end())
        throw InvalidArgument(o.input, "no column \"" + *c + "\"");
  }
  std::vector<double> y, p;
  std::vector<std::string> groups;
  std::vector<OverrideRecord> overrides;
  std::vector<std::string> override_groups;
  std::map<std::string, int> band_index;
  if (loaded.model)
    for (std::size_t b = 0; b < loaded.model->bands().size(); ++b) band_index[loaded.model->bands()[b].id] = static_cast<int>(b);
  std::uint64_t unknown_outcome = 0, no_prediction = 0;
  // The model card's table: per band, how many cases, the mean predicted and the observed rate.
  struct BandTally {
    std::uint64_t n = 0;
    double events = 0, predicted = 0;
  };
  std::vector<BandTally> by_band(loaded.model && o.prediction.empty() ? loaded.model->bands().size() : 0);
  AssessmentBatch batch;
  std::vector<double> probability;
  std::vector<std::int32_t> band;
  while (stream.next(batch)) {
    probability.assign(batch.size(), std::numeric_limits<double>::quiet_NaN());
    band.assign(batch.size(), -1);
    if (loaded.model && o.prediction.empty() && !batch.empty()) {
      RiskBatchOutputs out;
      out.probability = probability.data();
      out.band = band.data();
      score_risk_batch(*loaded.model, batch.responses(), out, o.threads);
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto outcome = batch.attribute(i, o.outcome);
      const double yi = outcome_value(outcome ? *outcome : std::string_view(), batch.line(i), o.outcome);
      double pi = probability[i];
      if (!o.prediction.empty()) {
        const auto text = batch.attribute(i, o.prediction);
        pi = text && !text->empty() ? number_value(*text, batch.line(i), o.prediction)
                                    : std::numeric_limits<double>::quiet_NaN();
      }
      const std::string group = o.by.empty() ? std::string()
                                             : std::string(batch.attribute(i, o.by).value_or(std::string_view("(missing)")));
      if (!o.override_column.empty() && band[i] >= 0) {
        const auto text = batch.attribute(i, o.override_column);
        OverrideRecord r;
        r.original = band[i];
        r.final = band[i];
        if (text && !text->empty()) {
          auto it = band_index.find(std::string(*text));
          if (it == band_index.end())
            throw InvalidArgument("line " + std::to_string(batch.line(i)) + ", column " + o.override_column,
                                  "not a risk band (low, medium, high, very_high)");
          r.final = it->second;
          r.overridden = true;
        }
        r.outcome = yi;
        overrides.push_back(r);
        override_groups.push_back(group);
      }
      if (std::isnan(yi)) {
        ++unknown_outcome;
        continue;
      }
      if (std::isnan(pi)) {
        ++no_prediction;
        continue;
      }
      y.push_back(yi);
      p.push_back(pi);
      if (!by_band.empty() && band[i] >= 0) {
        BandTally& t = by_band[static_cast<std::size_t>(band[i])];
        ++t.n;
        t.events += yi;
        t.predicted += pi;
      }
      groups.push_back(group);
    }
  }
  ValidationOptions options;
  options.n_bins = o.bins;
  options.strategy = o.strategy == "quantile" ? BinStrategy::quantile : BinStrategy::uniform;
  options.threads = o.threads;
  std::optional<Groups> grouping;
  if (!o.by.empty()) grouping = Groups::from_labels(groups);
  const ValidationReport report = validate(y, p, options, grouping ? &*grouping : nullptr);
  std::optional<OverrideReport> override_stats;
  if (!o.override_column.empty()) {
    std::optional<Groups> override_grouping;
    if (!o.by.empty()) override_grouping = Groups::from_labels(override_groups);
    override_stats = override_report(overrides, override_grouping ? &*override_grouping : nullptr);
  }

  OutputFile output(o.output);
  if (o.output_format == "json") {
    nlohmann::json doc = {{"outcome", o.outcome}, {"total", metrics_json(report.total)}};
    if (loaded.model && o.prediction.empty())
      doc["model"] = {{"id", loaded.model->id()}, {"version", loaded.model->version()}, {"hash", loaded.model->hash()},
                      {"status", to_string(loaded.model->provenance().status)}};
    nlohmann::json gj = nlohmann::json::array();
    for (const auto& g : report.groups) {
      auto m = metrics_json(g.metrics);
      m["group"] = g.group;
      gj.push_back(m);
    }
    doc["groups"] = gj;
    if (!by_band.empty()) {
      nlohmann::json bj = nlohmann::json::array();
      for (std::size_t b = 0; b < by_band.size(); ++b) {
        const BandTally& t = by_band[b];
        const double n = static_cast<double>(t.n);
        bj.push_back({{"band", loaded.model->bands()[b].id},
                      {"n", t.n},
                      {"events", t.events},
                      {"mean_predicted", t.n ? nlohmann::json(t.predicted / n) : nlohmann::json(nullptr)},
                      {"observed_rate", t.n ? nlohmann::json(t.events / n) : nlohmann::json(nullptr)}});
      }
      doc["bands"] = bj;
    }
    if (!o.by.empty()) doc["by"] = o.by;
    if (override_stats) {
      auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
      auto stats = [&](const OverrideStats& t) {
        return nlohmann::json{{"n", t.n}, {"overridden", t.overridden}, {"raised", t.raised}, {"lowered", t.lowered},
                              {"rate", t.rate}, {"outcome_not_overridden", num(t.outcome_not_overridden)},
                              {"outcome_raised", num(t.outcome_raised)}, {"outcome_lowered", num(t.outcome_lowered)}};
      };
      doc["overrides"] = stats(override_stats->total);
      nlohmann::json og = nlohmann::json::array();
      for (const auto& [name, g] : override_stats->groups) {
        auto j = stats(g);
        j["group"] = name;
        og.push_back(j);
      }
      doc["overrides"]["groups"] = og;
    }
    output.stream() << doc.dump(2) << "\n";
  } else {
    std::ostream& out = output.stream();
    out << "Validation of predictions against outcome \"" << o.outcome << "\"";
    if (loaded.model && o.prediction.empty())
      out << " (model " << loaded.model->id() << " " << loaded.model->version() << ", "
          << to_string(loaded.model->provenance().status) << ")";
    out << "\n\n  " << std::left << std::setw(22) << "population" << std::right << std::setw(9) << "n" << std::setw(9)
        << "events" << std::setw(9) << "AUC" << std::setw(9) << "Brier" << std::setw(11) << "cal.int." << std::setw(9)
        << "slope" << std::setw(9) << "ECE" << "\n";
    table_row(out, "(all)", report.total);
    for (const auto& g : report.groups) table_row(out, g.group, g.metrics);
    if (!by_band.empty()) {
      out << "\n  " << std::left << std::setw(22) << "risk band" << std::right << std::setw(9) << "n" << std::setw(9)
          << "events" << std::setw(12) << "predicted" << std::setw(11) << "observed" << "\n";
      for (std::size_t b = 0; b < by_band.size(); ++b) {
        const BandTally& t = by_band[b];
        const double n = static_cast<double>(t.n);
        out << "  " << pad(loaded.model->bands()[b].label.in(o.lang), 22) << std::right << std::setw(9) << t.n
            << std::setw(9) << std::fixed << std::setprecision(0) << t.events;
        if (t.n)
          out << std::setw(12) << std::setprecision(3) << t.predicted / n << std::setw(11) << t.events / n << "\n";
        else
          out << std::setw(12) << "-" << std::setw(11) << "-" << "\n";
      }
    }
    if (override_stats) {
      auto line = [&](const std::string& name, const OverrideStats& t) {
        out << "  " << pad(name, 22) << t.overridden << " of " << t.n << " ("
            << std::fixed << std::setprecision(1) << 100 * t.rate << "%), " << t.raised << " raised, " << t.lowered
            << " lowered\n";
      };
      out << "\n  professional overrides of the band:\n";
      line("(all)", override_stats->total);
      for (const auto& [name, g] : override_stats->groups) line(name, g);
    }
  }
  output.commit();
  const ReadCounts counts = stream.counts();
  std::cerr << "pact evaluate: " << with_thousands(counts.read) << " rows read, " << with_thousands(y.size())
            << " evaluated, " << with_thousands(unknown_outcome) << " without an outcome, "
            << with_thousands(no_prediction) << " without a prediction, " << with_thousands(counts.rejected)
            << " rejected\n";
  return counts.rejected == 0 ? exit_ok : exit_rejected;
}

}  // namespace

Command add_evaluate(CLI::App& app) {
  auto o = std::make_shared<EvaluateOptions>();
  CLI::App* sub = app.add_subcommand(
      "evaluate", "Validation statistics of the risk model against observed outcomes, overall and by subgroup");
  sub->add_option("-i,--input", o->input, "Assessments with an outcome column (CSV or JSON Lines)")->required();
  sub->add_option("--format", o->format, "csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  sub->add_option("--outcome", o->outcome, "The outcome column: 1 chronic, 0 not, empty unknown")->capture_default_str();
  sub->add_option("--prediction", o->prediction, "Evaluate this column of predicted probabilities instead of the model");
  sub->add_option("--by", o->by, "A subgroup column (sex, age band, nationality group, territory)");
  sub->add_option("--override", o->override_column, "A column with professionals' band overrides (empty: none)");
  sub->add_option("--bins", o->bins, "Calibration bins")->check(CLI::Range(1, 1000))->capture_default_str();
  sub->add_option("--strategy", o->strategy, "Calibration bins: uniform or quantile")
      ->check(CLI::IsMember({"uniform", "quantile"}))
      ->capture_default_str();
  sub->add_option("-o,--output", o->output, "Output file (- for standard output)")->capture_default_str();
  sub->add_option("--output-format", o->output_format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  add_language_option(*sub, o->lang);
  add_threads_option(*sub, o->threads);
  o->models.add_options(*sub);
  return {sub, [o] { return run(*o); }};
}

}  // namespace pact::cli
