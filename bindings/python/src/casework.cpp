// Proactive casework for Python: changes between assessments and their alerts
// (pact::caseload_changes), the proactive-contact order within capacities (pact::priority_case,
// pact::prioritise), professional overrides (pact::validate_override, pact::apply_override_json,
// pact::override_report) and audit records (pact::AuditWriter::score_and_append,
// pact::verify_audit_log, pact::verify_audit). Outputs are columns that the pure-Python package
// turns into DataFrames.
#include <pact/audit.hpp>
#include <pact/casework.hpp>
#include <pact/formats/assessment_json.hpp>
#include <pact/formats/casework.hpp>
#include <pact/formats/result.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "common.hpp"

namespace pact_python {

namespace {

const pact::RiskModel* model_or_null(const std::optional<pact::RiskModel>& model) {
  return model ? &*model : nullptr;
}

void check_model_instrument(const pact::Instrument& instrument, const pact::RiskModel* model) {
  if (model && model->instrument().hash() != instrument.hash())
    throw py::value_error("risk model " + model->id() + " reads another instrument than " + instrument.id());
}

void check_rows(const pact::Instrument& instrument, const MatrixArg& x, std::size_t ids, std::size_t dates,
                bool with_dates) {
  if (static_cast<std::size_t>(x.cols) != instrument.item_count())
    throw py::value_error("responses must have one column per item of " + instrument.id() + " (" +
                          std::to_string(instrument.item_count()) + "), got " + std::to_string(x.cols));
  const auto rows = static_cast<std::size_t>(x.rows);
  if (ids != rows) throw py::value_error("expected one case id per row (" + std::to_string(rows) + ")");
  if (with_dates && dates != rows) throw py::value_error("expected one date per row (" + std::to_string(rows) + ")");
}

/// What an alert is about: the dimension or item id, or None for the case as a whole.
py::object alert_subject(const pact::Instrument& instrument, const pact::Alert& a) {
  if (a.kind == pact::Alert::Kind::dimension_worsening) return py::str(instrument.dimensions().at(a.index).id);
  if (a.kind == pact::Alert::Kind::critical_item_appears) return py::str(instrument.items().at(a.index).id);
  return py::none();
}

struct AlertColumns {
  py::list kinds, subjects, reasons;

  void add(const pact::Instrument& instrument, const pact::RiskModel* model, const std::vector<pact::Alert>& alerts,
           const std::string& lang) {
    py::list k, s, r;
    for (const pact::Alert& a : alerts) {
      k.append(pact::to_string(a.kind));
      s.append(alert_subject(instrument, a));
      r.append(pact::describe_alert(instrument, model, a, lang));
    }
    kinds.append(k);
    subjects.append(s);
    reasons.append(r);
  }
};

/// Timelines of the rows: from caseload_changes when there are dates, else one assessment per row
/// (then every case id must be unique).
pact::CaseloadChanges timelines(const pact::Instrument& instrument, const pact::RiskModel* model,
                                const MatrixArg& x, const std::vector<std::string>& case_ids,
                                const std::optional<std::vector<std::string>>& dates, const std::string& as_of) {
  if (dates) return pact::caseload_changes(instrument, model, x.view(), case_ids, *dates, as_of);
  pact::CaseloadChanges out;
  std::map<std::string_view, std::size_t> seen;
  for (std::size_t i = 0; i < case_ids.size(); ++i) {
    const auto [at, inserted] = seen.emplace(case_ids[i], i);
    if (!inserted)
      throw py::value_error("case " + case_ids[i] + " has more than one row (rows " + std::to_string(at->second) +
                            " and " + std::to_string(i) + "): give the assessment dates to rank its latest one");
  }
  pact::CaseScores scores;
  for (const auto& [id, row] : seen) {
    const std::span<const double> responses(x.data + row * static_cast<std::size_t>(x.row_stride),
                                            instrument.item_count());
    try {
      pact::score_into(instrument, responses, scores);
    } catch (const pact::ValidationError&) {
      out.rejected_rows.push_back(row);
      continue;
    }
    pact::CaseTimeline t;
    t.case_id = std::string(id);
    t.rows = {row};
    out.cases.push_back(std::move(t));
  }
  std::sort(out.rejected_rows.begin(), out.rejected_rows.end());
  return out;
}

pact::ProfessionalOverride make_override(const std::string& target, const std::string& value,
                                        const std::string& professional_id, const std::string& timestamp,
                                        const std::string& reason) {
  pact::ProfessionalOverride o;
  if (target == "level")
    o.target = pact::ProfessionalOverride::Target::level;
  else if (target == "band")
    o.target = pact::ProfessionalOverride::Target::band;
  else
    throw pact::ValidationError("/override/target", "expected \"level\" or \"band\"");
  o.value = value;
  o.professional_id = professional_id;
  o.timestamp = timestamp;
  o.reason = reason;
  return o;
}

// An audit log's chain as a writer continues it: each append scores one assessment, writes its
// record and returns the record's line and the case's result (pact's result writer).
struct AuditChain {
  pact::Instrument instrument;
  std::optional<pact::RiskModel> model;
  std::ostringstream out;
  std::unique_ptr<pact::AuditWriter> writer;

  AuditChain(pact::Instrument i, std::optional<pact::RiskModel> m, std::string previous, std::uint64_t sequence)
      : instrument(std::move(i)), model(std::move(m)) {
    check_model_instrument(instrument, model_or_null(model));
    writer = std::make_unique<pact::AuditWriter>(out, instrument, model_or_null(model), std::move(previous), sequence);
  }
};

}  // namespace

void bind_casework(py::module_& m) {
  m.def("is_date", [](const std::string& text) { return pact::parse_date(text).has_value(); }, py::arg("text"));

  // One row per change between consecutive assessments of a case, and one row for a case with a
  // single assessment; the latest row of each case carries its current alerts (the latest
  // change's and the overdue reassessment as of `as_of`).
  m.def(
      "caseload_changes",
      [](const pact::Instrument& instrument, const std::optional<pact::RiskModel>& model_arg,
         const py::object& responses, const std::vector<std::string>& case_ids, const std::vector<std::string>& dates,
         const std::string& as_of, const std::string& lang) {
        const pact::RiskModel* model = model_or_null(model_arg);
        check_model_instrument(instrument, model);
        const MatrixArg x = matrix_arg(responses, "responses");
        check_rows(instrument, x, case_ids.size(), dates.size(), true);
        pact::CaseloadChanges changes;
        {
          py::gil_scoped_release release;
          changes = pact::caseload_changes(instrument, model, x.view(), case_ids, dates, as_of);
        }
        const std::size_t dims = instrument.dimension_count();
        std::size_t rows = 0;
        for (const auto& t : changes.cases) rows += std::max<std::size_t>(1, t.changes.size());
        const auto n = static_cast<std::ptrdiff_t>(rows);
        auto case_index = empty_array<std::int64_t>(n), assessments = empty_array<std::int64_t>(n);
        auto from_row = empty_array<std::int64_t>(n), to_row = empty_array<std::int64_t>(n);
        auto days = empty_array<double>(n), composite = empty_array<double>(n), probability = empty_array<double>(n);
        auto dimension_change = empty_array<double>(n, static_cast<std::ptrdiff_t>(dims));
        auto level_from = empty_array<std::int32_t>(n), level_to = empty_array<std::int32_t>(n);
        auto band_from = empty_array<std::int32_t>(n), band_to = empty_array<std::int32_t>(n);
        auto worsened = empty_array<bool>(n), latest = empty_array<bool>(n);
        AlertColumns alerts;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        std::size_t r = 0;
        for (std::size_t c = 0; c < changes.cases.size(); ++c) {
          const pact::CaseTimeline& t = changes.cases[c];
          const std::size_t count = std::max<std::size_t>(1, t.changes.size());
          for (std::size_t k = 0; k < count; ++k, ++r) {
            const bool last = k + 1 == count;
            case_index.mutable_at(r) = static_cast<std::int64_t>(c);
            assessments.mutable_at(r) = static_cast<std::int64_t>(t.rows.size());
            latest.mutable_at(r) = last;
            double* dim_row = dimension_change.mutable_data() + r * dims;
            if (t.changes.empty()) {  // a single assessment: nothing to compare
              from_row.mutable_at(r) = -1;
              to_row.mutable_at(r) = static_cast<std::int64_t>(t.rows.front());
              days.mutable_at(r) = composite.mutable_at(r) = probability.mutable_at(r) = nan;
              std::fill(dim_row, dim_row + dims, nan);
              level_from.mutable_at(r) = level_to.mutable_at(r) = band_from.mutable_at(r) = band_to.mutable_at(r) = -1;
              worsened.mutable_at(r) = false;
            } else {
              const pact::CaseChange& ch = t.changes[k];
              from_row.mutable_at(r) = static_cast<std::int64_t>(t.rows[k]);
              to_row.mutable_at(r) = static_cast<std::int64_t>(t.rows[k + 1]);
              days.mutable_at(r) = ch.days ? static_cast<double>(*ch.days) : nan;
              composite.mutable_at(r) = ch.composite_change;
              probability.mutable_at(r) = ch.probability_change;
              std::copy(ch.dimension_change.begin(), ch.dimension_change.end(), dim_row);
              level_from.mutable_at(r) = ch.level_from;
              level_to.mutable_at(r) = ch.level_to;
              band_from.mutable_at(r) = ch.band_from;
              band_to.mutable_at(r) = ch.band_to;
              worsened.mutable_at(r) = ch.worsened();
            }
            static const std::vector<pact::Alert> none;
            alerts.add(instrument, model,
                       last ? t.current_alerts : (t.changes.empty() ? none : t.changes[k].alerts), lang);
          }
        }
        py::list ids;
        for (const auto& t : changes.cases) ids.append(t.case_id);
        py::dict d;
        d["case_ids"] = ids;
        d["case"] = case_index;
        d["assessments"] = assessments;
        d["from_row"] = from_row;
        d["to_row"] = to_row;
        d["days"] = days;
        d["dimension_change"] = dimension_change;
        d["composite_change"] = composite;
        d["level_from"] = level_from;
        d["level_to"] = level_to;
        d["probability_change"] = probability;
        d["band_from"] = band_from;
        d["band_to"] = band_to;
        d["worsened"] = worsened;
        d["latest"] = latest;
        d["alert_kinds"] = alerts.kinds;
        d["alert_subjects"] = alerts.subjects;
        d["alert_reasons"] = alerts.reasons;
        d["rejected_rows"] = changes.rejected_rows;
        return d;
      },
      py::arg("instrument"), py::arg("model"), py::arg("responses"), py::arg("case_ids"), py::arg("dates"),
      py::arg("as_of") = "", py::arg("lang") = "es");

  // The latest assessment of each case, placed in the proactive-contact order
  // (pact::priority_case and pact::prioritise, as the command line's `pact prioritise`).
  m.def(
      "prioritise",
      [](const pact::Instrument& instrument, const std::optional<pact::RiskModel>& model_arg,
         const py::object& responses, const std::vector<std::string>& case_ids,
         const std::optional<std::vector<std::string>>& dates, const std::optional<std::vector<std::string>>& groups,
         const std::string& as_of, std::size_t capacity,
         const std::vector<std::pair<std::string, std::size_t>>& capacity_by_group, bool per_group,
         const std::string& lang) {
        const pact::RiskModel* model = model_or_null(model_arg);
        check_model_instrument(instrument, model);
        const MatrixArg x = matrix_arg(responses, "responses");
        check_rows(instrument, x, case_ids.size(), dates ? dates->size() : 0, dates.has_value());
        if (groups && groups->size() != case_ids.size())
          throw py::value_error("expected one group per row (" + std::to_string(case_ids.size()) + ")");
        if ((!capacity_by_group.empty() || per_group) && !groups)
          throw py::value_error("per-group capacities need the groups (by=)");
        pact::CaseloadChanges changes;
        std::vector<pact::PriorityCase> cases;
        std::vector<std::vector<std::size_t>> factors;
        std::vector<pact::Priority> order;
        {
          py::gil_scoped_release release;
          changes = timelines(instrument, model, x, case_ids, dates, as_of);
          cases.reserve(changes.cases.size());
          factors.reserve(changes.cases.size());
          for (const pact::CaseTimeline& t : changes.cases) {
            const std::size_t row = t.rows.back();
            const std::span<const double> latest(x.data + row * static_cast<std::size_t>(x.row_stride),
                                                 instrument.item_count());
            std::string group;
            if (groups) group = (*groups)[row].empty() ? std::string(pact::missing_group) : (*groups)[row];
            cases.push_back(pact::priority_case(instrument, model, t, latest, std::move(group), &factors.emplace_back()));
          }
          pact::PriorityOptions options;
          options.capacity = capacity;
          options.capacity_by_group = capacity_by_group;
          options.per_group = per_group;
          order = pact::prioritise(cases, options);
        }
        const auto n = static_cast<std::ptrdiff_t>(order.size());
        auto row = empty_array<std::int64_t>(n), rank = empty_array<std::int64_t>(n);
        auto group_rank = empty_array<std::int64_t>(n), alert_count = empty_array<std::int64_t>(n);
        auto selected = empty_array<bool>(n);
        auto band = empty_array<std::int32_t>(n), level = empty_array<std::int32_t>(n);
        auto probability = empty_array<double>(n), composite = empty_array<double>(n), worsening = empty_array<double>(n);
        auto top = empty_array<std::int32_t>(n, static_cast<std::ptrdiff_t>(pact::max_top_factors));
        py::list ids;
        AlertColumns alerts;
        for (std::size_t k = 0; k < order.size(); ++k) {
          const pact::Priority& p = order[k];
          const pact::PriorityCase& pc = cases[p.input];
          const std::vector<std::size_t>& top_factors = factors[p.input];
          const pact::CaseTimeline& t = changes.cases[p.input];
          ids.append(pc.case_id);
          row.mutable_at(k) = static_cast<std::int64_t>(t.rows.back());
          rank.mutable_at(k) = static_cast<std::int64_t>(p.rank);
          group_rank.mutable_at(k) = static_cast<std::int64_t>(p.group_rank);
          selected.mutable_at(k) = p.selected;
          band.mutable_at(k) = pc.band;
          level.mutable_at(k) = pc.level;
          probability.mutable_at(k) = pc.probability;
          composite.mutable_at(k) = pc.composite;
          worsening.mutable_at(k) = pc.worsening;
          alert_count.mutable_at(k) = static_cast<std::int64_t>(pc.alerts);
          for (std::size_t f = 0; f < pact::max_top_factors; ++f)
            top.mutable_at(k, f) = f < top_factors.size() ? static_cast<std::int32_t>(top_factors[f]) : -1;
          alerts.add(instrument, model, t.current_alerts, lang);
        }
        py::dict d;
        d["case_ids"] = ids;
        d["row"] = row;
        d["rank"] = rank;
        d["group_rank"] = group_rank;
        d["selected"] = selected;
        d["band"] = band;
        d["probability"] = probability;
        d["level"] = level;
        d["composite"] = composite;
        d["worsening"] = worsening;
        d["alerts"] = alert_count;
        d["top_factors"] = top;
        d["alert_kinds"] = alerts.kinds;
        d["alert_reasons"] = alerts.reasons;
        d["rejected_rows"] = changes.rejected_rows;
        return d;
      },
      py::arg("instrument"), py::arg("model"), py::arg("responses"), py::arg("case_ids"), py::arg("dates"),
      py::arg("groups"), py::arg("as_of") = "", py::arg("capacity") = 0,
      py::arg("capacity_by_group") = std::vector<std::pair<std::string, std::size_t>>{}, py::arg("per_group") = false,
      py::arg("lang") = "es");

  m.def(
      "validate_override",
      [](const pact::Instrument& instrument, const std::optional<pact::RiskModel>& model, const std::string& target,
         const std::string& value, const std::string& professional_id, const std::string& timestamp,
         const std::string& reason) {
        pact::validate_override(instrument, model_or_null(model),
                                make_override(target, value, professional_id, timestamp, reason));
      },
      py::arg("instrument"), py::arg("model"), py::arg("target"), py::arg("value"), py::arg("professional_id"),
      py::arg("timestamp"), py::arg("reason"));

  // A result's JSON with a professional's override added (pact::apply_override_json).
  m.def(
      "apply_override_json",
      [](const pact::Instrument& instrument, const std::optional<pact::RiskModel>& model, const std::string& result_json,
         const std::string& target, const std::string& value, const std::string& professional_id,
         const std::string& timestamp, const std::string& reason) {
        return pact::apply_override_json(instrument, model_or_null(model), result_json,
                                         make_override(target, value, professional_id, timestamp, reason));
      },
      py::arg("instrument"), py::arg("model"), py::arg("result_json"), py::arg("target"), py::arg("value"),
      py::arg("professional_id"), py::arg("timestamp"), py::arg("reason"));

  m.attr("max_override_reason_length") = pact::max_override_reason_length;
  m.def("utc_now", &pact::utc_now);

  m.def(
      "override_report",
      [](const py::object& original, const py::object& final_, const py::object& outcome,
         const py::object& group_codes, const py::object& group_names) {
        auto o = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>::ensure(original);
        auto f = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>::ensure(final_);
        auto y = vector_arg(outcome, "outcome");
        if (!o || !f || o.ndim() != 1 || f.ndim() != 1)
          throw py::value_error("original and final must be 1-D arrays of level or band indices");
        const auto n = static_cast<std::size_t>(o.size());
        if (static_cast<std::size_t>(f.size()) != n || static_cast<std::size_t>(y.size()) != n)
          throw py::value_error("original, final and outcome must have one value per case");
        std::vector<pact::OverrideRecord> records(n);
        for (std::size_t i = 0; i < n; ++i) {
          records[i].original = o.data()[i];
          records[i].final = f.data()[i] >= 0 ? f.data()[i] : o.data()[i];
          records[i].overridden = f.data()[i] >= 0;
          records[i].outcome = y.data()[i];
        }
        std::optional<pact::Groups> groups;
        if (!group_codes.is_none()) {
          auto c = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>::ensure(group_codes);
          groups.emplace();
          groups->codes.assign(c.data(), c.data() + c.size());
          groups->names = group_names.cast<std::vector<std::string>>();
        }
        const pact::OverrideReport report = pact::override_report(records, groups ? &*groups : nullptr);
        auto stats = [](const pact::OverrideStats& s) {
          py::dict d;
          d["n"] = s.n;
          d["overridden"] = s.overridden;
          d["raised"] = s.raised;
          d["lowered"] = s.lowered;
          d["rate"] = s.rate;
          d["outcome_not_overridden"] = s.outcome_not_overridden;
          d["outcome_raised"] = s.outcome_raised;
          d["outcome_lowered"] = s.outcome_lowered;
          d["known_not_overridden"] = s.known_not_overridden;
          d["known_raised"] = s.known_raised;
          d["known_lowered"] = s.known_lowered;
          return d;
        };
        py::dict d;
        d["total"] = stats(report.total);
        py::list list;
        for (const auto& [name, s] : report.groups) list.append(py::make_tuple(name, stats(s)));
        d["groups"] = list;
        return d;
      },
      py::arg("original"), py::arg("final"), py::arg("outcome"), py::arg("group_codes") = py::none(),
      py::arg("group_names") = py::none());

  py::class_<AuditChain>(m, "AuditChain")
      .def(py::init<pact::Instrument, std::optional<pact::RiskModel>, std::string, std::uint64_t>(),
           py::arg("instrument"), py::arg("model"), py::arg("previous"), py::arg("next_sequence"))
      .def_property_readonly("last_record_digest", [](const AuditChain& c) { return c.writer->last_record_digest(); })
      .def_property_readonly("records", [](const AuditChain& c) { return c.writer->records(); })
      .def(
          "append",
          [](AuditChain& c, const std::string& assessment_json, const std::optional<std::vector<std::string>>& override_,
             const std::string& timestamp, const std::string& lang, bool items) {
            // One case, with the GIL held: a chain is written by one thread at a time.
            const pact::Assessment assessment = pact::read_assessment_json(c.instrument, assessment_json);
            std::optional<pact::ProfessionalOverride> o;
            if (override_) {
              if (override_->size() != 5) throw py::value_error("an override has five fields");
              const auto& v = *override_;
              o = make_override(v[0], v[1], v[2], v[3], v[4]);
            }
            pact::ResultOptions result_options;
            result_options.language = lang;
            result_options.items = items;
            c.out.str({});
            std::string result = c.writer->score_and_append(assessment, result_options, o ? &*o : nullptr, timestamp);
            return std::make_pair(c.out.str(), std::move(result));
          },
          py::arg("assessment_json"), py::arg("override") = py::none(), py::arg("timestamp") = "",
          py::arg("lang") = "", py::arg("items") = true);

  m.def(
      "audit_log_tail",
      [](const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw pact::IoError(path, "cannot open the audit log");
        py::gil_scoped_release release;
        return pact::audit_log_tail(in);
      },
      py::arg("path"));
  m.attr("audit_genesis") = pact::audit_genesis();

  auto verification = [](const pact::AuditVerification& v) {
    py::dict d;
    d["records"] = v.records;
    d["results"] = v.results;
    d["matched"] = v.matched;
    d["unmatched_records"] = v.unmatched_records;
    py::list problems;
    for (const auto& p : v.problems) {
      py::dict pd;
      pd["source"] = p.in_results ? "results" : "log";
      pd["line"] = p.line;
      pd["case_id"] = p.case_id;
      pd["problem"] = p.problem;
      problems.append(pd);
    }
    d["problems"] = problems;
    return d;
  };
  // The log and the results are files (paths) or text: a log is read once, line by line.
  auto open = [](const std::string& source, bool is_path) -> std::unique_ptr<std::istream> {
    if (!is_path) return std::make_unique<std::istringstream>(source);
    auto file = std::make_unique<std::ifstream>(source, std::ios::binary);
    if (!*file) throw pact::IoError(source, "cannot open the file");
    return file;
  };
  m.def(
      "verify_audit",
      [verification, open](const std::optional<pact::Instrument>& instrument, const std::string& log, bool log_is_path,
                           const std::optional<std::string>& results, bool results_are_path) {
        const auto log_in = open(log, log_is_path);
        pact::AuditVerification v;
        if (!results) {
          py::gil_scoped_release release;
          v = pact::verify_audit_log(*log_in);
        } else {
          if (!instrument) throw py::value_error("verifying results needs their instrument");
          const auto results_in = open(*results, results_are_path);
          py::gil_scoped_release release;
          v = pact::verify_audit(*instrument, *log_in, *results_in);
        }
        return verification(v);
      },
      py::arg("instrument"), py::arg("log"), py::arg("log_is_path"), py::arg("results") = py::none(),
      py::arg("results_are_path") = false);
}

}  // namespace pact_python
