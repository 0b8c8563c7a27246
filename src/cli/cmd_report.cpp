// pact report: one self-contained HTML file with inline SVG charts drawn by pact. For a caseload:
// the distributions of the composite and of the risk, counts by level and band, Alkire-Foster
// measures with dimension contributions, the cases to contact first, and (with outcomes) the
// calibration curve and the metrics by subgroup. For one case (--case): a radar chart of its
// dimensions, its critical factors, its survival curve and the explanation of its risk.
#include "commands.hpp"
#include "svg.hpp"

#include <pact/casework.hpp>
#include <pact/counting.hpp>
#include <pact/formats/batch.hpp>
#include <pact/metrics.hpp>
#include <pact/risk_model.hpp>
#include <pact/version.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

namespace pact::cli {

namespace {

struct Words {
  const char* title;
  const char* case_title;
  const char* generated;
  const char* instrument;
  const char* model;
  const char* illustrative;
  const char* oversight;
  const char* rows;
  const char* scored;
  const char* rejected;
  const char* composite_distribution;
  const char* composite_axis;
  const char* risk_distribution;
  const char* risk_axis;
  const char* cases;
  const char* by_level;
  const char* by_band;
  const char* measures;
  const char* measures_intro;
  const char* contributions;
  const char* by_group;
  const char* group;
  const char* share;
  const char* contact_first;
  const char* rank;
  const char* band;
  const char* probability;
  const char* level;
  const char* top_factors;
  const char* validation;
  const char* calibration;
  const char* predicted;
  const char* observed;
  const char* population;
  const char* events;
  const char* dimensions;
  const char* score;
  const char* cutoff;
  const char* critical_factors;
  const char* none;
  const char* survival;
  const char* months_after;
  const char* still_in_care;
  const char* explanation;
  const char* raises;
  const char* lowers;
  const char* counterfactual;
  const char* no_counterfactual;
  const char* imputed;
  const char* not_scored;
  const char* no_model;
};

const Words& words(const std::string& lang) {
  static const Words es{
      "Informe de la carga de casos", "Informe del caso", "Generado por pact", "Instrumento", "Modelo",
      "Los coeficientes de este modelo son ilustrativos: no se han ajustado con datos reales. Calíbrelo con datos "
      "propios antes de usarlo en la intervención.",
      "Estos resultados apoyan el juicio profesional y nunca lo sustituyen: ninguna decisión sobre una persona debe "
      "basarse solo en ellos.",
      "filas leídas", "puntuadas", "rechazadas", "Distribución del índice compuesto", "Índice compuesto (0-100)",
      "Distribución del riesgo de cronicidad", "Probabilidad de seguir en atención al horizonte", "Casos",
      "Casos por nivel", "Casos por banda de riesgo", "Medidas de Alkire-Foster",
      "Personas en exclusión multidimensional: privadas en al menos k de las dimensiones ponderadas.",
      "Contribución de cada dimensión a M", "Por subgrupo", "Grupo", "Peso",
      "Casos a contactar primero", "Orden", "Banda", "Probabilidad", "Nivel", "Factores principales",
      "Validación frente a los resultados observados", "Curva de calibración", "Predicho", "Observado", "Población",
      "Eventos", "Dimensiones", "Puntuación", "Umbral de privación", "Factores críticos", "Ninguno",
      "Probabilidad de seguir en atención", "Meses tras la valoración", "Sigue en atención",
      "Explicación del riesgo", "aumenta el riesgo", "reduce el riesgo", "Cambio más pequeño que bajaría de banda",
      "Ningún cambio en un solo factor bastaría para bajar de banda.", "imputado (sin respuesta)", "no puntuada",
      "Sin modelo de riesgo"};
  static const Words ca{
      "Informe de la càrrega de casos", "Informe del cas", "Generat per pact", "Instrument", "Model",
      "Els coeficients d'aquest model són il·lustratius: no s'han ajustat amb dades reals. Calibreu-lo amb dades "
      "pròpies abans d'usar-lo en la intervenció.",
      "Aquests resultats donen suport al judici professional i no el substitueixen mai: cap decisió sobre una "
      "persona no s'ha de basar només en ells.",
      "files llegides", "puntuades", "rebutjades", "Distribució de l'índex compost", "Índex compost (0-100)",
      "Distribució del risc de cronicitat", "Probabilitat de continuar en atenció a l'horitzó", "Casos",
      "Casos per nivell", "Casos per banda de risc", "Mesures d'Alkire-Foster",
      "Persones en exclusió multidimensional: privades en almenys k de les dimensions ponderades.",
      "Contribució de cada dimensió a M", "Per subgrup", "Grup", "Pes", "Casos a contactar primer", "Ordre", "Banda",
      "Probabilitat", "Nivell", "Factors principals", "Validació davant els resultats observats", "Corba de calibratge",
      "Predit", "Observat", "Població", "Esdeveniments", "Dimensions", "Puntuació", "Llindar de privació",
      "Factors crítics", "Cap", "Probabilitat de continuar en atenció", "Mesos després de la valoració",
      "Continua en atenció", "Explicació del risc", "augmenta el risc", "redueix el risc",
      "Canvi més petit que baixaria de banda", "Cap canvi en un sol factor no bastaria per baixar de banda.",
      "imputat (sense resposta)", "no puntuada", "Sense model de risc"};
  static const Words en{
      "Caseload report", "Case report", "Generated by pact", "Instrument", "Model",
      "This model's coefficients are illustrative: they were not fitted on real data. Calibrate it on your own data "
      "before any use in casework.",
      "These results support professional judgement and never replace it: no decision about a person may rest on "
      "them alone.",
      "rows read", "scored", "rejected", "Distribution of the composite index", "Composite index (0-100)",
      "Distribution of the chronicity risk", "Probability of still being in care at the horizon", "Cases",
      "Cases by level", "Cases by risk band", "Alkire-Foster measures",
      "People in multidimensional exclusion: deprived in at least k of the weighted dimensions.",
      "Contribution of each dimension to M", "By subgroup", "Group", "Share", "Cases to contact first", "Rank", "Band",
      "Probability", "Level", "Top factors", "Validation against observed outcomes", "Calibration curve", "Predicted",
      "Observed", "Population", "Events", "Dimensions", "Score", "Deprivation cut-off", "Critical factors", "None",
      "Probability of still being in care", "Months after the assessment", "Still in care", "Explanation of the risk",
      "raises the risk", "lowers the risk", "Smallest change that would lower the band",
      "No change in a single factor would be enough to lower the band.", "imputed (no answer)", "not scored",
      "No risk model"};
  if (lang == "es") return es;
  if (lang == "ca") return ca;
  return en;
}

struct ReportOptions {
  std::string input;
  std::string format;
  std::string output = "report.html";
  std::string lang = "es";
  std::string case_id;
  std::string by;
  std::string outcome;
  double k = 1.0 / 3.0;
  std::size_t top = 10;
  unsigned threads = 0;
  ModelChoice models;
};

std::string fixed(double v, int digits = 3) {
  if (std::isnan(v)) return "–";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

std::string percent(double v) {
  if (std::isnan(v)) return "–";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f%%", 100 * v);
  return buffer;
}

const char* band_color(std::size_t b) {
  static const char* colors[] = {"#4c9a5f", "#d9a21b", "#d9661b", "#b3261e"};
  return colors[std::min<std::size_t>(b, 3)];
}

const char* level_color(std::size_t l, std::size_t levels) {
  if (levels == 4) return band_color(l);
  return "#3b6ea5";
}

std::string page(const std::string& lang, const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"><title>" + svg::escape(title) +
         "</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>"
         "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;max-width:1100px;"
         "color:#1d2530;padding:0 1rem}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid "
         "#d5dbe3;padding-bottom:.3rem}.stamp{font-size:.85rem;color:#4a5565}.stamp code{font-size:.8rem}"
         ".notice{background:#fff6e0;border-left:4px solid #d9a21b;padding:.6rem 1rem;margin:.6rem 0}"
         ".oversight{background:#eef4fb;border-left:4px solid #3b6ea5;padding:.6rem 1rem;margin:.6rem 0}"
         ".charts{display:flex;flex-wrap:wrap;gap:1rem}svg.chart{max-width:100%;height:auto;background:#fff}"
         ".chart-title{font-size:14px;font-weight:600;fill:#1d2530}.axis{font-size:11px;fill:#4a5565}"
         ".label{font-size:12px;fill:#1d2530}.value{font-size:11px;fill:#1d2530}.grid{stroke:#e3e8ee;stroke-width:1}"
         ".axis-line{stroke:#8a96a6;stroke-width:1}.diagonal{stroke:#8a96a6;stroke-dasharray:4 3}"
         ".curve{stroke:#3b6ea5;stroke-width:2}.curve-mark{fill:#b3261e}.calibration-point{fill:#3b6ea5;opacity:.75}"
         ".radar-value{fill:rgba(179,38,30,.25);stroke:#b3261e;stroke-width:2}.radar-reference{fill:none;"
         "stroke:#4a5565;stroke-dasharray:4 3}.radar-point{fill:#b3261e}.bar-up{fill:#b3261e}.bar-down{fill:#4c9a5f}"
         "table{border-collapse:collapse;font-size:.9rem}th,td{border-bottom:1px solid #e3e8ee;padding:.3rem .6rem;"
         "text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}</style></head><body>\n" +
         body + "\n</body></html>\n";
}

std::string header(const Words& w, const std::string& title, const Instrument& instrument, const RiskModel* model) {
  std::string s = "<h1>" + svg::escape(title) + "</h1>\n<p class=\"stamp\">" + w.generated + " " + version_string +
                  " · " + w.instrument + " <code>" + svg::escape(instrument.id()) + " " +
                  svg::escape(instrument.version()) + " " + svg::escape(instrument.hash()) + "</code>";
  if (model)
    s += " · " + std::string(w.model) + " <code>" + svg::escape(model->id()) + " " + svg::escape(model->version()) +
         " " + svg::escape(model->hash()) + "</code> (" + to_string(model->provenance().status) + ")";
  s += "</p>\n<p class=\"oversight\">" + std::string(w.oversight) + "</p>\n";
  if (model && model->provenance().status == ProvenanceStatus::illustrative)
    s += "<p class=\"notice\">" + std::string(w.illustrative) + "</p>\n";
  return s;
}

// The caseload's running totals, in bounded memory.
struct CaseloadTotals {
  std::vector<std::size_t> composite_bins = std::vector<std::size_t>(20, 0);
  std::vector<std::size_t> risk_bins = std::vector<std::size_t>(20, 0);
  std::vector<std::size_t> levels;
  std::vector<std::size_t> bands = std::vector<std::size_t>(4, 0);
  std::size_t composite_unscored = 0;
  std::size_t risk_unscored = 0;
  std::vector<double> y, p;
  std::vector<std::string> groups;
  struct Candidate {
    PriorityCase priority;
    std::vector<double> responses;
  };
  std::vector<Candidate> candidates;
};

void add_bin(std::vector<std::size_t>& bins, double v) {
  const auto b = static_cast<std::size_t>(std::clamp(v, 0.0, 1.0) * static_cast<double>(bins.size()));
  ++bins[std::min(b, bins.size() - 1)];
}

// Keeps the `top` most urgent candidates, in the order prioritise() gives.
void keep_top(std::vector<CaseloadTotals::Candidate>& candidates, std::size_t top) {
  std::vector<PriorityCase> cases;
  for (const auto& c : candidates) cases.push_back(c.priority);
  const auto order = prioritise(cases);
  std::vector<CaseloadTotals::Candidate> kept;
  for (std::size_t r = 0; r < order.size() && r < top; ++r) kept.push_back(std::move(candidates[order[r].input]));
  candidates = std::move(kept);
}

int caseload_report(const ReportOptions& o) {
  const auto loaded = o.models.load();
  const Instrument& instrument = loaded.instrument;
  const RiskModel* model = loaded.model ? &*loaded.model : nullptr;
  const Words& w = words(o.lang);
  const Format format = input_format(o.input, o.format);
  AssessmentStream stream(instrument, o.input, format);
  if (format == Format::csv) {
    const auto columns = stream.attribute_columns();
    for (const std::string* c : {&o.by, &o.outcome})
      if (!c->empty() && std::find(columns.begin(), columns.end(), *c) == columns.end())
        throw InvalidArgument(o.input, "no column \"" + *c + "\"");
  }
  CaseloadTotals totals;
  totals.levels.assign(instrument.levels().size(), 0);
  CountingByGroup counting(instrument, {o.k, 0});
  AssessmentBatch batch;
  const std::size_t dims = instrument.dimension_count();
  std::vector<double> scores, composite, probability;
  std::vector<std::int32_t> level, band, status;
  while (stream.next(batch)) {
    const std::size_t n = batch.size();
    scores.assign(n * dims, 0.0);
    composite.assign(n, 0.0);
    probability.assign(n, std::numeric_limits<double>::quiet_NaN());
    level.assign(n, -1);
    band.assign(n, -1);
    status.assign(n, 0);
    RiskBatchOutputs out;
    out.instrument.dimension_scores = scores.data();
    out.instrument.composite = composite.data();
    out.instrument.level = level.data();
    out.instrument.status = status.data();
    if (model) {
      out.probability = probability.data();
      out.band = band.data();
      score_risk_batch(*model, batch.responses(), out, o.threads);
    } else {
      score_batch(instrument, batch.responses(), out.instrument, o.threads);
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (status[i] != 0) continue;
      if (std::isnan(composite[i]))
        ++totals.composite_unscored;
      else
        add_bin(totals.composite_bins, composite[i]);
      if (level[i] >= 0) ++totals.levels[static_cast<std::size_t>(level[i])];
      if (band[i] >= 0) {
        ++totals.bands[static_cast<std::size_t>(band[i])];
        add_bin(totals.risk_bins, probability[i]);
      } else if (model) {
        ++totals.risk_unscored;
      }
      const std::string group =
          o.by.empty() ? std::string() : std::string(batch.attribute(i, o.by).value_or(std::string_view("(missing)")));
      counting.add(scores.data() + i * dims, group);
      if (!o.outcome.empty() && !std::isnan(probability[i])) {
        const auto text = batch.attribute(i, o.outcome);
        if (text && (*text == "0" || *text == "1")) {
          totals.y.push_back(*text == "1" ? 1.0 : 0.0);
          totals.p.push_back(probability[i]);
          totals.groups.push_back(group.empty() ? "(all)" : group);
        }
      }
      PriorityCase pc;
      pc.case_id = std::string(batch.case_id(i));
      pc.band = band[i];
      pc.probability = probability[i];
      pc.level = level[i];
      pc.composite = composite[i];
      const auto r = batch.responses(i);
      totals.candidates.push_back({pc, std::vector<double>(r.begin(), r.end())});
    }
    if (totals.candidates.size() > 4096) keep_top(totals.candidates, o.top);
  }
  keep_top(totals.candidates, o.top);
  const ReadCounts counts = stream.counts();

  std::ostringstream body;
  body << header(w, w.title, instrument, model);
  body << "<p>" << with_thousands(counts.read) << " " << w.rows << " · " << with_thousands(counts.accepted) << " "
       << w.scored << " · " << with_thousands(counts.rejected) << " " << w.rejected << "</p>\n";
  body << "<div class=\"charts\">"
       << svg::histogram(totals.composite_bins, 0, 1, w.composite_distribution, w.composite_axis, w.cases);
  if (model) body << svg::histogram(totals.risk_bins, 0, 1, w.risk_distribution, w.risk_axis, w.cases, "#b3261e");
  body << "</div>\n<div class=\"charts\">";
  {
    std::vector<std::string> labels, notes, colors;
    std::vector<double> values;
    const double total = static_cast<double>(std::max<std::size_t>(1, counts.accepted));
    for (std::size_t l = 0; l < instrument.levels().size(); ++l) {
      labels.push_back(instrument.levels()[l].label.in(o.lang));
      values.push_back(static_cast<double>(totals.levels[l]));
      notes.push_back(with_thousands(totals.levels[l]) + " (" + percent(static_cast<double>(totals.levels[l]) / total) + ")");
      colors.push_back(level_color(l, instrument.levels().size()));
    }
    body << svg::bars(labels, values, notes, w.by_level, 0.0, colors);
  }
  if (model) {
    std::vector<std::string> labels, notes, colors;
    std::vector<double> values;
    const double total = static_cast<double>(std::max<std::size_t>(1, counts.accepted - totals.risk_unscored));
    for (std::size_t b = 0; b < model->bands().size(); ++b) {
      labels.push_back(model->bands()[b].label.in(o.lang));
      values.push_back(static_cast<double>(totals.bands[b]));
      notes.push_back(with_thousands(totals.bands[b]) + " (" + percent(static_cast<double>(totals.bands[b]) / total) + ")");
      colors.push_back(band_color(b));
    }
    body << svg::bars(labels, values, notes, w.by_band, 0.0, colors);
  }
  body << "</div>\n";

  const CountingResult af = counting.result();
  body << "<h2>" << w.measures << "</h2>\n<p>" << w.measures_intro << " k = " << fixed(af.k, 2) << ": H = "
       << fixed(af.total.H) << ", A = " << fixed(af.total.A) << ", M0 = " << fixed(af.total.M0) << " (n = "
       << with_thousands(af.total.n) << ")</p>\n";
  {
    std::vector<std::string> labels, notes;
    std::vector<double> values;
    for (std::size_t d = 0; d < dims; ++d) {
      labels.push_back(instrument.dimensions()[d].label.in(o.lang));
      values.push_back(af.total.contribution[d]);
      notes.push_back(percent(af.total.contribution[d]));
    }
    body << "<div class=\"charts\">" << svg::bars(labels, values, notes, w.contributions) << "</div>\n";
  }
  if (!af.groups.empty()) {
    body << "<h3>" << w.by_group << " (" << svg::escape(o.by) << ")</h3>\n<table><tr><th>" << w.group
         << "</th><th>n</th><th>" << w.share << "</th><th>H</th><th>A</th><th>M0</th><th>%M0</th></tr>\n";
    for (const auto& g : af.groups)
      body << "<tr><td>" << svg::escape(g.group) << "</td><td class=\"n\">" << with_thousands(g.measures.n)
           << "</td><td class=\"n\">" << percent(g.population_share) << "</td><td class=\"n\">" << fixed(g.measures.H)
           << "</td><td class=\"n\">" << fixed(g.measures.A) << "</td><td class=\"n\">" << fixed(g.measures.M0)
           << "</td><td class=\"n\">" << percent(g.contribution) << "</td></tr>\n";
    body << "</table>\n";
  }

  body << "<h2>" << w.contact_first << "</h2>\n<table><tr><th>" << w.rank << "</th><th>case</th>";
  if (model) body << "<th>" << w.band << "</th><th>" << w.probability << "</th>";
  body << "<th>" << w.level << "</th><th>" << w.top_factors << "</th></tr>\n";
  RiskOptions no_counterfactual;
  no_counterfactual.counterfactual = false;
  for (std::size_t r = 0; r < totals.candidates.size(); ++r) {
    const auto& c = totals.candidates[r];
    const CaseScores s = score(instrument, c.responses);
    std::string factors;
    if (model && c.priority.band >= 0) {
      const RiskResult risk = score_risk(*model, c.responses, s, no_counterfactual);
      for (std::size_t f : risk.top_factors)
        factors += (factors.empty() ? "" : "; ") + model->features()[f].label.in(o.lang);
    } else {
      for (std::size_t f = 0; f < s.critical_factors.size() && f < 3; ++f) {
        const auto& cf = s.critical_factors[f];
        factors += (factors.empty() ? "" : "; ") +
                   (cf.kind == CriticalFactor::Kind::dimension ? instrument.dimensions()[cf.index].label.in(o.lang)
                                                               : instrument.items()[cf.index].label.in(o.lang));
      }
    }
    body << "<tr><td class=\"n\">" << r + 1 << "</td><td>" << svg::escape(c.priority.case_id) << "</td>";
    if (model)
      body << "<td>"
           << (c.priority.band >= 0 ? svg::escape(model->bands()[static_cast<std::size_t>(c.priority.band)].label.in(o.lang)) : "–")
           << "</td><td class=\"n\">" << percent(c.priority.probability) << "</td>";
    body << "<td>"
         << (c.priority.level >= 0 ? svg::escape(instrument.levels()[static_cast<std::size_t>(c.priority.level)].label.in(o.lang)) : "–")
         << "</td><td>" << svg::escape(factors) << "</td></tr>\n";
  }
  body << "</table>\n";

  if (!o.outcome.empty() && !totals.y.empty()) {
    const Groups groups = Groups::from_labels(totals.groups);
    ValidationOptions options;
    options.threads = o.threads;
    const ValidationReport report = validate(totals.y, totals.p, options, o.by.empty() ? nullptr : &groups);
    body << "<h2>" << w.validation << " (" << svg::escape(o.outcome) << ")</h2>\n<div class=\"charts\">"
         << svg::calibration(report.total.curve.prob_pred, report.total.curve.prob_true, report.total.curve.counts,
                             w.calibration, w.predicted, w.observed)
         << "</div>\n<table><tr><th>" << w.population << "</th><th>n</th><th>" << w.events
         << "</th><th>AUC</th><th>Brier</th><th>cal. intercept</th><th>cal. slope</th><th>ECE</th></tr>\n";
    auto row = [&](const std::string& name, const ValidationMetrics& m) {
      auto opt = [](const std::optional<double>& v) { return v ? fixed(*v) : std::string("–"); };
      body << "<tr><td>" << svg::escape(name) << "</td><td class=\"n\">" << with_thousands(m.n)
           << "</td><td class=\"n\">" << with_thousands(m.events) << "</td><td class=\"n\">" << opt(m.auc)
           << "</td><td class=\"n\">" << opt(m.brier) << "</td><td class=\"n\">"
           << (m.calibration ? fixed(m.calibration->intercept) : "–") << "</td><td class=\"n\">"
           << (m.calibration ? fixed(m.calibration->slope) : "–") << "</td><td class=\"n\">" << opt(m.ece)
           << "</td></tr>\n";
    };
    row("(all)", report.total);
    for (const auto& g : report.groups) row(g.group, g.metrics);
    body << "</table>\n";
  }

  OutputFile output(o.output);
  output.stream() << page(o.lang, w.title, body.str());
  output.commit();
  std::cerr << "pact report: " << with_thousands(counts.read) << " rows read, " << with_thousands(counts.rejected)
            << " rejected; wrote " << o.output << "\n";
  return counts.rejected == 0 ? exit_ok : exit_rejected;
}

int case_report(const ReportOptions& o) {
  const auto loaded = o.models.load();
  const Instrument& instrument = loaded.instrument;
  const RiskModel* model = loaded.model ? &*loaded.model : nullptr;
  const Words& w = words(o.lang);
  AssessmentStream stream(instrument, o.input, input_format(o.input, o.format));
  AssessmentBatch batch;
  std::optional<std::vector<double>> responses;
  std::string date;
  while (stream.next(batch))
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (batch.case_id(i) == o.case_id && (!responses || parse_date(batch.date(i)) >= parse_date(date))) {
        const auto r = batch.responses(i);
        responses.emplace(r.begin(), r.end());
        date = std::string(batch.date(i));
      }
  if (!responses) throw InvalidArgument("--case", "no valid assessment of case \"" + o.case_id + "\" in " + o.input);
  const CaseScores s = score(instrument, *responses);
  std::optional<RiskResult> risk;
  if (model) {
    try {
      risk = score_risk(*model, *responses, s);
    } catch (const ValidationError&) {
    }
  }
  std::ostringstream body;
  body << header(w, std::string(w.case_title) + " " + o.case_id + (date.empty() ? "" : " · " + date), instrument, model);
  body << "<p><strong>" << w.level << ":</strong> "
       << (s.level >= 0 ? svg::escape(instrument.levels()[static_cast<std::size_t>(s.level)].label.in(o.lang)) : w.not_scored)
       << " (" << (s.composite_scored() ? fixed(100 * s.composite, 1) : std::string("–")) << ")";
  if (risk)
    body << " · <strong>" << w.band << ":</strong> "
         << svg::escape(model->bands()[static_cast<std::size_t>(risk->band)].label.in(o.lang)) << " ("
         << w.probability << " " << percent(risk->probability) << ", " << risk->horizon_months << " m)";
  body << "</p>\n<div class=\"charts\">";
  {
    std::vector<std::string> labels;
    std::vector<double> values, cut;
    for (std::size_t d = 0; d < instrument.dimension_count(); ++d) {
      labels.push_back(instrument.dimensions()[d].label.in(o.lang));
      values.push_back(s.dimensions[d].score);
      cut.push_back(instrument.dimensions()[d].deprivation_cutoff);
    }
    body << svg::radar(labels, values, cut, w.dimensions, w.score, w.cutoff);
  }
  if (risk && !risk->survival.empty()) {
    std::vector<double> x = {0}, y = {1.0};
    for (std::size_t m = 0; m < risk->survival.size(); ++m) {
      x.push_back(static_cast<double>(m + 1));
      y.push_back(risk->survival[m]);
    }
    body << svg::curve(x, y, w.survival, w.months_after, w.still_in_care,
                       {static_cast<std::size_t>(risk->horizon_months)});
  }
  body << "</div>\n<h2>" << w.critical_factors << "</h2>\n";
  if (s.critical_factors.empty()) body << "<p>" << w.none << "</p>\n";
  else {
    body << "<ol>";
    for (const auto& f : s.critical_factors) {
      const bool dim = f.kind == CriticalFactor::Kind::dimension;
      body << "<li>" << (dim ? "<strong>" : "")
           << svg::escape(dim ? instrument.dimensions()[f.index].label.in(o.lang) : instrument.items()[f.index].label.in(o.lang))
           << (dim ? "</strong>" : "") << " (" << fixed(100 * f.severity, 0) << ")</li>";
    }
    body << "</ol>\n";
  }
  if (risk) {
    body << "<h2>" << w.explanation << "</h2>\n";
    std::vector<std::string> labels;
    std::vector<double> values;
    for (std::size_t k = 0; k < risk->contributions.size(); ++k) {
      const auto& c = risk->contributions[k];
      labels.push_back(model->features()[k].label.in(o.lang) + (c.imputed ? " *" : ""));
      values.push_back(c.risk_effect);
    }
    body << "<div class=\"charts\">" << svg::diverging_bars(labels, values, w.explanation, w.lowers, w.raises)
         << "</div>\n<p class=\"stamp\">* " << w.imputed << "</p>\n<p><strong>" << w.top_factors << ":</strong> ";
    for (std::size_t i = 0; i < risk->top_factors.size(); ++i)
      body << (i ? "; " : "") << svg::escape(model->features()[risk->top_factors[i]].label.in(o.lang));
    body << "</p>\n<h3>" << w.counterfactual << "</h3>\n<p>";
    if (risk->counterfactual) {
      const Counterfactual& cf = *risk->counterfactual;
      const Item& item = instrument.items()[cf.item];
      auto show = [&](double v) {
        for (const auto& opt : item.options)
          if (opt.value == v) return opt.label.in(o.lang);
        return fixed(v, v == std::floor(v) ? 0 : 2);
      };
      body << svg::escape(item.label.in(o.lang)) << ": " << svg::escape(show(cf.from_value)) << " → "
           << svg::escape(show(cf.to_value)) << " ⇒ " << percent(cf.probability) << " ("
           << svg::escape(model->bands()[static_cast<std::size_t>(cf.band)].label.in(o.lang)) << ")";
    } else {
      body << w.no_counterfactual;
    }
    body << "</p>\n";
  } else if (!model) {
    body << "<p>" << w.no_model << "</p>\n";
  }
  OutputFile output(o.output);
  output.stream() << page(o.lang, std::string(w.case_title) + " " + o.case_id, body.str());
  output.commit();
  std::cerr << "pact report: wrote " << o.output << "\n";
  return exit_ok;
}

}  // namespace

Command add_report(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* sub = app.add_subcommand("report", "A self-contained HTML report of a caseload, or of one case (--case)");
  sub->add_option("-i,--input", o->input, "Assessments (CSV or JSON Lines)")->required();
  sub->add_option("--format", o->format, "csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  sub->add_option("-o,--output", o->output, "The HTML file to write")->capture_default_str();
  sub->add_option("--case", o->case_id, "Report on this case (its latest assessment) instead of the caseload");
  sub->add_option("--by", o->by, "A subgroup column for the measures and the validation (e.g. territory)");
  sub->add_option("--outcome", o->outcome, "An outcome column (1 chronic, 0 not) to validate the model against");
  sub->add_option("-k", o->k, "Alkire-Foster cut-off, a share of the weights in (0, 1]")
      ->check(CLI::Range(1e-9, 1.0))
      ->capture_default_str();
  sub->add_option("--top", o->top, "How many cases to list for first contact")->capture_default_str();
  add_language_option(*sub, o->lang);
  add_threads_option(*sub, o->threads);
  o->models.add_options(*sub);
  return {sub, [o] { return o->case_id.empty() ? caseload_report(*o) : case_report(*o); }};
}

}  // namespace pact::cli
