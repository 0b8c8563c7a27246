// Proactive casework from the command line: pact changes (what changed between assessments and
// the alerts it raises), pact prioritise (whom to contact first, within a capacity), pact audit
// verify (results against their audit records).
#include "commands.hpp"

#include <pact/audit.hpp>
#include <pact/casework.hpp>
#include <pact/formats/batch.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace pact::cli {

namespace {

// A whole caseload in memory: histories must be grouped by case, so changes and priorities read
// every row first (memory grows with the caseload; scoring alone streams).
struct Caseload {
  RowMatrix responses;
  std::vector<std::string> case_ids;
  std::vector<std::string> dates;
  std::vector<std::map<std::string, std::string, std::less<>>> attributes;
  std::vector<std::uint64_t> lines;
  ReadCounts counts;
};

Caseload read_caseload(const Instrument& instrument, const std::string& path, const std::string& format) {
  AssessmentStream stream(instrument, path, input_format(path, format));
  Caseload c;
  std::vector<double> values;
  AssessmentBatch batch;
  const std::size_t items = instrument.item_count();
  while (stream.next(batch)) {
    for (const RowError& e : batch.errors())
      std::cerr << path << ":" << e.line << ": " << (e.column.empty() ? "" : "column " + e.column + ": ") << e.reason
                << "\n";
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto r = batch.responses(i);
      values.insert(values.end(), r.begin(), r.end());
      c.case_ids.emplace_back(batch.case_id(i));
      c.dates.emplace_back(batch.date(i));
      c.lines.push_back(batch.line(i));
      auto& attributes = c.attributes.emplace_back();
      for (const AttributeView& a : batch.attributes(i)) attributes.emplace(std::string(a.name), std::string(a.value));
    }
  }
  c.counts = stream.counts();
  c.responses = Eigen::Map<RowMatrix>(values.data(), static_cast<Eigen::Index>(c.case_ids.size()),
                                      static_cast<Eigen::Index>(items));
  return c;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char ch : text) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return quoted + "\"";
}

std::string number(double v) {
  if (std::isnan(v)) return {};
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return ec == std::errc() ? std::string(buffer, end) : std::string();
}

std::string alert_reasons(const Instrument& instrument, const RiskModel* model, const std::vector<Alert>& alerts,
                          const std::string& lang) {
  std::string out;
  for (const Alert& a : alerts) out += (out.empty() ? "" : " | ") + describe_alert(instrument, model, a, lang);
  return out;
}

std::string alert_kinds(const std::vector<Alert>& alerts) {
  std::string out;
  for (const Alert& a : alerts) out += (out.empty() ? "" : ";") + std::string(to_string(a.kind));
  return out;
}

struct ChangesOptions {
  std::string input;
  std::string format;
  std::string as_of;
  std::string output = "-";
  std::string output_format = "csv";
  std::string lang = "es";
  ModelChoice models;
};

int run_changes(const ChangesOptions& o) {
  const auto loaded = o.models.load();
  const Instrument& instrument = loaded.instrument;
  const RiskModel* model = loaded.model ? &*loaded.model : nullptr;
  if (!o.as_of.empty() && !parse_date(o.as_of)) throw InvalidArgument("--as-of", "expected a date YYYY-MM-DD");
  const Caseload c = read_caseload(instrument, o.input, o.format);
  const CaseloadChanges changes = caseload_changes(instrument, model, view_rows(c.responses), c.case_ids, c.dates, o.as_of);
  for (std::size_t row : changes.rejected_rows)
    std::cerr << o.input << ":" << c.lines[row] << ": column date: expected a date YYYY-MM-DD\n";
  OutputFile output(o.output);
  std::ostream& out = output.stream();
  const auto& levels = instrument.levels();
  auto level_id = [&](int l) { return l >= 0 ? levels[static_cast<std::size_t>(l)].id : std::string(); };
  auto band_id = [&](int b) { return b >= 0 && model ? model->bands()[static_cast<std::size_t>(b)].id : std::string(); };
  if (o.output_format == "csv")
    out << "case_id,assessments,first_date,last_date,days,composite_change,level_from,level_to,probability_change,"
           "band_from,band_to,alerts,alert_kinds,alert_reasons\n";
  std::size_t with_alerts = 0;
  for (const CaseTimeline& t : changes.cases) {
    const CaseChange* last = t.latest();
    if (!t.current_alerts.empty()) ++with_alerts;
    if (o.output_format == "csv") {
      out << csv_field(t.case_id) << "," << t.rows.size() << "," << c.dates[t.rows.front()] << ","
          << c.dates[t.rows.back()] << "," << (last && last->days ? std::to_string(*last->days) : "") << ","
          << (last ? number(last->composite_change) : "") << "," << (last ? level_id(last->level_from) : "") << ","
          << (last ? level_id(last->level_to) : "") << "," << (last ? number(last->probability_change) : "") << ","
          << (last ? band_id(last->band_from) : "") << "," << (last ? band_id(last->band_to) : "") << ","
          << t.current_alerts.size() << "," << alert_kinds(t.current_alerts) << ","
          << csv_field(alert_reasons(instrument, model, t.current_alerts, o.lang)) << "\n";
    } else {
      nlohmann::json j = {{"case_id", t.case_id}, {"assessments", t.rows.size()}};
      nlohmann::json list = nlohmann::json::array();
      for (const CaseChange& ch : t.changes) {
        nlohmann::json dims = nlohmann::json::object();
        for (std::size_t d = 0; d < instrument.dimension_count(); ++d)
          dims[instrument.dimensions()[d].id] =
              std::isnan(ch.dimension_change[d]) ? nlohmann::json(nullptr) : nlohmann::json(ch.dimension_change[d]);
        nlohmann::json alerts = nlohmann::json::array();
        for (const Alert& a : ch.alerts)
          alerts.push_back({{"kind", to_string(a.kind)}, {"reason", describe_alert(instrument, model, a, o.lang)}});
        list.push_back({{"from_date", ch.from_date},
                        {"to_date", ch.to_date},
                        {"days", ch.days ? nlohmann::json(*ch.days) : nlohmann::json(nullptr)},
                        {"dimensions", dims},
                        {"composite_change", std::isnan(ch.composite_change) ? nlohmann::json(nullptr)
                                                                              : nlohmann::json(ch.composite_change)},
                        {"level_from", level_id(ch.level_from)},
                        {"level_to", level_id(ch.level_to)},
                        {"probability_change", std::isnan(ch.probability_change)
                                                   ? nlohmann::json(nullptr)
                                                   : nlohmann::json(ch.probability_change)},
                        {"band_from", band_id(ch.band_from)},
                        {"band_to", band_id(ch.band_to)},
                        {"alerts", alerts}});
      }
      j["changes"] = list;
      nlohmann::json current = nlohmann::json::array();
      for (const Alert& a : t.current_alerts)
        current.push_back({{"kind", to_string(a.kind)}, {"reason", describe_alert(instrument, model, a, o.lang)}});
      j["current_alerts"] = current;
      out << j.dump() << "\n";
    }
  }
  output.commit();
  std::cerr << "pact changes: " << with_thousands(c.counts.read) << " rows read, " << with_thousands(changes.cases.size())
            << " cases, " << with_thousands(with_alerts) << " with alerts, "
            << with_thousands(c.counts.rejected + changes.rejected_rows.size()) << " rows rejected\n";
  return c.counts.rejected + changes.rejected_rows.size() == 0 ? exit_ok : exit_rejected;
}

struct PrioritiseOptions {
  std::string input;
  std::string format;
  std::string as_of;
  std::size_t capacity = 0;
  std::string by;
  std::vector<std::string> capacity_by;
  bool per_group = false;
  std::string output = "-";
  std::string output_format = "csv";
  std::size_t show = 0;
  std::string lang = "es";
  unsigned threads = 0;
  ModelChoice models;
};

int run_prioritise(const PrioritiseOptions& o) {
  const auto loaded = o.models.load();
  const Instrument& instrument = loaded.instrument;
  const RiskModel* model = loaded.model ? &*loaded.model : nullptr;
  if (!o.as_of.empty() && !parse_date(o.as_of)) throw InvalidArgument("--as-of", "expected a date YYYY-MM-DD");
  PriorityOptions options;
  options.capacity = o.capacity;
  for (const std::string& entry : o.capacity_by) {
    const auto eq = entry.rfind('=');
    std::size_t n = 0;
    const char* first = entry.data() + (eq == std::string::npos ? 0 : eq + 1);
    const auto [end, ec] = std::from_chars(first, entry.data() + entry.size(), n);
    if (eq == std::string::npos || eq == 0 || ec != std::errc() || end != entry.data() + entry.size())
      throw InvalidArgument("--capacity-by", "expected GROUP=N, got \"" + entry + "\"");
    options.capacity_by_group.emplace_back(entry.substr(0, eq), n);
  }
  options.per_group = o.per_group;
  if (o.per_group && o.by.empty()) throw InvalidArgument("--per-group", "a capacity per group needs --by (the group column)");
  if (!options.capacity_by_group.empty() && o.by.empty())
    throw InvalidArgument("--capacity-by", "per-group capacities need --by (the group column)");
  const Caseload c = read_caseload(instrument, o.input, o.format);
  const CaseloadChanges changes = caseload_changes(instrument, model, view_rows(c.responses), c.case_ids, c.dates, o.as_of);
  std::vector<PriorityCase> cases;
  std::vector<std::vector<std::size_t>> factors;
  std::vector<const CaseTimeline*> timelines;
  for (const CaseTimeline& t : changes.cases) {
    const std::size_t row = t.rows.back();
    const std::span<const double> responses(c.responses.row(static_cast<Eigen::Index>(row)).data(), instrument.item_count());
    std::string group;
    if (!o.by.empty()) {
      auto it = c.attributes[row].find(o.by);
      group = it == c.attributes[row].end() || it->second.empty() ? std::string(missing_group) : it->second;
    }
    cases.push_back(priority_case(instrument, model, t, responses, std::move(group), &factors.emplace_back()));
    timelines.push_back(&t);
  }
  const std::vector<Priority> order = prioritise(cases, options);
  auto top_labels = [&](std::size_t input) {
    std::string top;
    for (std::size_t k : factors[input]) top += (top.empty() ? "" : "; ") + model->features()[k].label.in(o.lang);
    return top;
  };
  std::size_t selected = 0;
  for (const Priority& p : order) selected += p.selected ? 1 : 0;
  OutputFile output(o.output);
  std::ostream& out = output.stream();
  if (o.output_format == "table") {
    // The cases to contact first, as a team reads them.
    out << "  " << pad("#", 5) << pad("case", 14) << (o.by.empty() ? "" : pad(o.by, 14))
        << (model ? pad("band", 12) + pad("risk", 7) : std::string()) << pad("level", 24) << "top factors\n";
    std::size_t shown = 0;
    for (const Priority& p : order) {
      if (!p.selected || (o.show && shown >= o.show)) continue;
      ++shown;
      const PriorityCase& pc = cases[p.input];
      out << "  " << pad(std::to_string(p.rank), 5) << pad(pc.case_id, 14) << (o.by.empty() ? "" : pad(pc.group, 14));
      if (model)
        out << pad(pc.band >= 0 ? model->bands()[static_cast<std::size_t>(pc.band)].label.in(o.lang) : "-", 12)
            << pad(std::isnan(pc.probability) ? "-"
                                              : std::to_string(static_cast<int>(std::lround(100 * pc.probability))) + "%",
                   7);
      out << pad(pc.level >= 0 ? instrument.levels()[static_cast<std::size_t>(pc.level)].label.in(o.lang) : "-", 24)
          << top_labels(p.input) << "\n";
    }
  } else {
    out << "rank,selected,case_id," << (o.by.empty() ? "" : csv_field(o.by) + ",group_rank,")
        << "band,probability,level,composite,worsening,alerts,top_factors,alert_reasons\n";
    for (const Priority& p : order) {
      const PriorityCase& pc = cases[p.input];
      out << p.rank << "," << (p.selected ? 1 : 0) << "," << csv_field(pc.case_id) << ",";
      if (!o.by.empty()) out << csv_field(pc.group) << "," << p.group_rank << ",";
      out << (pc.band >= 0 ? model->bands()[static_cast<std::size_t>(pc.band)].id : "") << ","
          << number(pc.probability) << ","
          << (pc.level >= 0 ? instrument.levels()[static_cast<std::size_t>(pc.level)].id : "") << ","
          << number(pc.composite) << "," << number(pc.worsening) << "," << pc.alerts << ","
          << csv_field(top_labels(p.input)) << ","
          << csv_field(alert_reasons(instrument, model, timelines[p.input]->current_alerts, o.lang)) << "\n";
    }
  }
  output.commit();
  std::cerr << "pact prioritise: " << with_thousands(cases.size()) << " cases ranked, " << with_thousands(selected)
            << " selected for proactive contact. The order supports the team's judgement; it decides nothing.\n";
  return c.counts.rejected + changes.rejected_rows.size() == 0 ? exit_ok : exit_rejected;
}

struct AuditOptions {
  std::string log;
  std::string results;
  ModelChoice models;
};

int run_audit_verify(const AuditOptions& o) {
  InputFile log(o.log);
  AuditVerification report;
  if (o.results.empty()) {
    report = verify_audit_log(log.stream());
  } else {
    const auto loaded = o.models.load();
    InputFile results(o.results);
    report = verify_audit(loaded.instrument, log.stream(), results.stream());
  }
  for (const AuditProblem& p : report.problems)
    std::cout << (p.in_results ? o.results : o.log) << ":" << p.line << ": "
              << (p.case_id.empty() ? "" : "case " + p.case_id + ": ") << p.problem << "\n";
  std::cerr << "pact audit verify: " << with_thousands(report.records) << " records";
  if (!o.results.empty())
    std::cerr << ", " << with_thousands(report.results) << " results, " << with_thousands(report.matched) << " matched, "
              << with_thousands(report.unmatched_records) << " records without a result";
  std::cerr << ", " << report.problems.size() << " problem" << (report.problems.size() == 1 ? "" : "s") << "\n";
  return report.ok() ? exit_ok : exit_rejected;
}

}  // namespace

Command add_changes(CLI::App& app) {
  auto o = std::make_shared<ChangesOptions>();
  CLI::App* sub = app.add_subcommand("changes", "What changed between each case's assessments, and the alerts it raises");
  sub->add_option("-i,--input", o->input, "Assessment histories (CSV or JSON Lines; case_id and date columns)")->required();
  sub->add_option("--format", o->format, "csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  sub->add_option("--as-of", o->as_of, "Judge overdue reassessments on this date (YYYY-MM-DD)");
  sub->add_option("-o,--output", o->output, "Output file (- for standard output)")->capture_default_str();
  sub->add_option("--output-format", o->output_format, "csv (one row per case) or jsonl (every change)")
      ->check(CLI::IsMember({"csv", "jsonl"}))
      ->capture_default_str();
  add_language_option(*sub, o->lang);
  o->models.add_options(*sub);
  return {sub, [o] { return run_changes(*o); }};
}

Command add_prioritise(CLI::App& app) {
  auto o = std::make_shared<PrioritiseOptions>();
  CLI::App* sub = app.add_subcommand(
      "prioritise", "Order a caseload for proactive contact (risk, recent worsening) and select within a capacity");
  sub->alias("prioritize");
  sub->add_option("-i,--input", o->input, "Assessments or histories (CSV or JSON Lines)")->required();
  sub->add_option("--format", o->format, "csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  sub->add_option("--capacity", o->capacity, "How many cases can be contacted (0: rank all)")->capture_default_str();
  sub->add_option("--by", o->by, "The team or territory column");
  sub->add_flag("--per-group", o->per_group, "--capacity applies to each group of --by, not to the whole caseload");
  sub->add_option("--capacity-by", o->capacity_by, "Per-group capacity GROUP=N (repeat; others get --capacity each)");
  sub->add_option("--as-of", o->as_of, "Judge overdue reassessments on this date (YYYY-MM-DD)");
  sub->add_option("-o,--output", o->output, "Output (- for standard output)")->capture_default_str();
  sub->add_option("--output-format", o->output_format, "csv (every case, ranked) or table (the selected cases)")
      ->check(CLI::IsMember({"csv", "table"}))
      ->capture_default_str();
  sub->add_option("--show", o->show, "table: show at most this many selected cases (0: all)")->capture_default_str();
  add_language_option(*sub, o->lang);
  add_threads_option(*sub, o->threads);
  o->models.add_options(*sub);
  return {sub, [o] { return run_prioritise(*o); }};
}

Command add_audit(CLI::App& app) {
  auto o = std::make_shared<AuditOptions>();
  CLI::App* sub = app.add_subcommand("audit", "Audit records");
  sub->require_subcommand(1);
  CLI::App* verify = sub->add_subcommand(
      "verify", "Check an audit log's hash chain, and that a set of results matches its audit records");
  verify->add_option("--log", o->log, "The audit log (JSON Lines written by pact score --audit)")
      ->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--results", o->results, "Results (JSON Lines written by pact score) to check against the log")
      ->check(CLI::ExistingFile);
  o->models.add_options(*verify);
  return {sub, [o] { return run_audit_verify(*o); }};
}

}  // namespace pact::cli
