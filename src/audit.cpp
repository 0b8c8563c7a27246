// Audit records: writing the hash chain and verifying it, and results against it.
#include "pact/audit.hpp"

#include "json_support.hpp"
#include "sha256.hpp"

#include "pact/formats/casework.hpp"
#include "pact/version.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <string>

namespace pact {

namespace {

using detail::json;

json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

json outputs_json(const Instrument& instrument, const CaseScores& scores, const RiskModel* model, const RiskResult* risk) {
  json dims = json::object();
  for (std::size_t d = 0; d < instrument.dimension_count(); ++d)
    dims[instrument.dimensions()[d].id] = number_or_null(scores.dimensions[d].score);
  json out = json::object();
  out["dimensions"] = std::move(dims);
  out["composite"] = number_or_null(scores.composite);
  out["level"] = scores.level >= 0 ? json(instrument.levels()[static_cast<std::size_t>(scores.level)].id) : json(nullptr);
  out["deprivation_score"] = scores.deprivation_score;
  out["probability"] = risk ? json(risk->probability) : json(nullptr);
  out["band"] = risk && model ? json(model->bands()[static_cast<std::size_t>(risk->band)].id) : json(nullptr);
  return out;
}

json override_json(const ProfessionalOverride* o) {
  if (!o) return nullptr;
  return json{{"target", to_string(o->target)},
              {"value", o->value},
              {"professional_id", o->professional_id},
              {"timestamp", o->timestamp},
              {"reason", o->reason}};
}

// The digest of a record is the SHA-256 of its canonical text without "record_sha256".
std::string record_digest(json record) {
  record.erase("record_sha256");
  return detail::sha256_hex(record.dump());
}

bool is_hex_digest(const json& v) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Reads the next non-empty line; false at the end.
bool next_line(std::istream& in, std::string& line, std::uint64_t& number) {
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) return true;
  }
  return false;
}

struct ChainReader {
  explicit ChainReader(std::istream& input) : in(input) {}

  std::istream& in;
  std::uint64_t line_number = 0;
  std::string previous = audit_genesis();
  std::uint64_t expected_sequence = 1;
  std::string line;

  // The next record, checked on its own and against the chain; problems are appended and the
  // record (if it parsed) is still returned so that results can be matched against it.
  bool next(json& record, AuditVerification& report) {
    if (!next_line(in, line, line_number)) return false;
    ++report.records;
    auto problem = [&](const std::string& case_id, std::string what) {
      report.problems.push_back({line_number, false, case_id, std::move(what)});
    };
    try {
      record = detail::parse_json(line, {1u << 20, 16});
    } catch (const Error& e) {
      problem("", std::string("not a JSON record: ") + e.reason());
      record = json();
      return true;
    }
    const std::string case_id = record.value("case_id", std::string());
    if (!record.is_object() || record.value("format", std::string()) != "pact.audit") {
      problem(case_id, "not a pact audit record");
      return true;
    }
    if (!is_hex_digest(record.value("record_sha256", json())) ||
        record["record_sha256"].get<std::string>() != record_digest(record))
      problem(case_id, "the record was altered: its digest does not match its content");
    const json prev = record.value("previous_sha256", json());
    if (!is_hex_digest(prev) || prev.get<std::string>() != previous)
      problem(case_id, "the chain is broken: the previous record is missing, altered or out of order");
    const json seq = record.value("sequence", json());
    if (!seq.is_number_unsigned() || seq.get<std::uint64_t>() != expected_sequence)
      problem(case_id, "sequence number " + (seq.is_number() ? seq.dump() : std::string("missing")) + ", expected " +
                           std::to_string(expected_sequence));
    previous = record.value("record_sha256", std::string());
    expected_sequence = (seq.is_number_unsigned() ? seq.get<std::uint64_t>() : expected_sequence) + 1;
    return true;
  }
};

}  // namespace

std::string canonical_input_json(const Instrument& instrument, const CaseView& case_view) {
  if (case_view.responses.size() != instrument.item_count())
    throw InvalidArgument("responses", "expected one response per item of " + instrument.id());
  json input = json::object();
  input["case_id"] = std::string(case_view.case_id);
  if (!case_view.date.empty()) input["date"] = std::string(case_view.date);
  json attributes = json::object();
  for (const AttributeView& a : case_view.attributes) attributes[std::string(a.name)] = std::string(a.value);
  input["attributes"] = std::move(attributes);
  json responses = json::object();
  for (std::size_t j = 0; j < instrument.item_count(); ++j)
    if (!std::isnan(case_view.responses[j])) responses[instrument.items()[j].id] = case_view.responses[j];
  input["responses"] = std::move(responses);
  return input.dump();
}

std::string input_digest(const Instrument& instrument, const CaseView& case_view) {
  return detail::sha256_hex(canonical_input_json(instrument, case_view));
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

AuditWriter::AuditWriter(std::ostream& out, const Instrument& instrument, const RiskModel* model, std::string previous,
                         std::uint64_t next_sequence)
    : out_(out), instrument_(instrument), model_(model), previous_(std::move(previous)), sequence_(next_sequence) {
  if (model_ && model_->instrument().hash() != instrument_.hash())
    throw InvalidArgument("model", "the model reads another instrument than the audit writer's");
}

void AuditWriter::append(const CaseView& case_view, const CaseScores& scores, const RiskResult* risk,
                         const ProfessionalOverride* override_, std::string timestamp) {
  if (override_) validate_override(instrument_, model_, *override_);
  if (timestamp.empty())
    timestamp = utc_now();
  else if (!is_utc_timestamp(timestamp))
    throw InvalidArgument("timestamp", "expected a UTC time YYYY-MM-DDThh:mm:ssZ");
  json record = json::object();
  record["format"] = "pact.audit";
  record["format_version"] = 1;
  record["sequence"] = sequence_;
  record["timestamp"] = timestamp;
  record["library"] = {{"name", "pact"}, {"version", version_string}};
  record["case_id"] = std::string(case_view.case_id);
  record["instrument"] = {{"id", instrument_.id()}, {"version", instrument_.version()}, {"hash", instrument_.hash()}};
  record["model"] = model_ && risk ? json{{"id", model_->id()},
                                         {"version", model_->version()},
                                         {"hash", model_->hash()},
                                         {"status", to_string(model_->provenance().status)}}
                                   : json(nullptr);
  record["input_sha256"] = input_digest(instrument_, case_view);
  record["outputs"] = outputs_json(instrument_, scores, model_, risk);
  record["override"] = override_json(override_);
  record["previous_sha256"] = previous_;
  const std::string digest = record_digest(record);
  record["record_sha256"] = digest;
  line_ = record.dump();
  line_ += '\n';
  out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  if (!out_) throw IoError("audit log", "write failed");
  previous_ = digest;
  ++sequence_;
  ++written_;
}

std::string AuditWriter::score_and_append(const Assessment& assessment, const ResultOptions& options,
                                          const ProfessionalOverride* override_, std::string timestamp) {
  if (override_) validate_override(instrument_, model_, *override_);
  if (!timestamp.empty() && !is_utc_timestamp(timestamp))
    throw InvalidArgument("timestamp", "expected a UTC time YYYY-MM-DDThh:mm:ssZ");
  const CaseScores scores = score(instrument_, assessment);
  std::optional<RiskResult> risk;
  std::string result;
  if (model_) {
    // As scored_result_json: the batch kernel says whether the model can give a risk at all.
    std::int32_t status = 0;
    RiskBatchOutputs out;
    out.risk_status = &status;
    const auto items = static_cast<std::ptrdiff_t>(assessment.responses.size());
    score_risk_batch(*model_, view_rows(assessment.responses.data(), 1, items, items), out);
    if (status == static_cast<std::int32_t>(RiskStatus::ok)) {
      risk = score_risk(*model_, assessment.responses, scores);
      result = write_result_json(*model_, assessment, scores, *risk, options);
    } else {
      std::vector<AttributeView> attributes;
      for (const auto& [name, value] : assessment.attributes) attributes.push_back({name, value});
      append_result_json(result, *model_, {assessment.case_id, assessment.date, attributes, assessment.responses},
                         scores, static_cast<RiskStatus>(status), options);
    }
  } else {
    result = write_result_json(instrument_, assessment, scores, options);
  }
  if (override_) result = apply_override_json(instrument_, model_, result, *override_);
  std::vector<AttributeView> attributes;
  for (const auto& [name, value] : assessment.attributes) attributes.push_back({name, value});
  append({assessment.case_id, assessment.date, attributes, assessment.responses}, scores, risk ? &*risk : nullptr,
         override_, std::move(timestamp));
  return result;
}

std::pair<std::string, std::uint64_t> audit_log_tail(std::istream& audit_jsonl) {
  ChainReader chain(audit_jsonl);
  AuditVerification report;
  json record;
  while (chain.next(record, report)) {
    if (!report.problems.empty())
      throw ValidationError("line " + std::to_string(report.problems.front().line), report.problems.front().problem);
  }
  return {chain.previous, chain.expected_sequence};
}

AuditVerification verify_audit_log(std::istream& audit_jsonl) {
  ChainReader chain(audit_jsonl);
  AuditVerification report;
  json record;
  while (chain.next(record, report)) {
  }
  return report;
}

namespace {

// Whether a result has a risk: a "risk" section with status "ok". A section with another status
// (missing_duration, not_finite) says why the model gave none; its record has no model and no
// probability or band.
bool has_risk(const json& result) {
  if (!result.contains("risk") || !result["risk"].is_object()) return false;
  const json& risk = result["risk"];
  return !risk.contains("status") || risk["status"] == "ok";
}

// The outputs a result states, in the form of an audit record's "outputs".
json outputs_of_result(const json& result) {
  json out = json::object();
  json dims = json::object();
  for (const auto& d : result.at("dimensions")) dims[d.at("id").get<std::string>()] = d.at("score");
  out["dimensions"] = std::move(dims);
  const json& composite = result.at("composite");
  out["composite"] = composite.at("score");
  out["level"] = composite.at("level").is_object() ? composite["level"].at("id") : json(nullptr);
  out["deprivation_score"] = result.at("deprivation").at("score");
  if (has_risk(result)) {
    const json& risk = result["risk"];
    out["probability"] = risk.at("probability");
    out["band"] = risk.at("band").is_object() ? risk["band"].at("id") : risk.at("band");
  } else {
    out["probability"] = nullptr;
    out["band"] = nullptr;
  }
  return out;
}

// Two JSON values equal, with numbers compared as doubles (3 and 3.0 are the same response).
bool same_value(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key()) || !same_value(it.value(), b.at(it.key()))) return false;
    return true;
  }
  return a == b;
}

}  // namespace

AuditVerification verify_audit(const Instrument& instrument, std::istream& audit_jsonl, std::istream& results_jsonl) {
  AuditVerification report;
  // Records by case, in log order; each result consumes the first unmatched record of its case.
  std::map<std::string, std::vector<json>> records;
  {
    ChainReader chain(audit_jsonl);
    json record;
    while (chain.next(record, report))
      if (record.is_object() && record.contains("case_id") && record["case_id"].is_string())
        records[record["case_id"].get<std::string>()].push_back(std::move(record));
  }
  std::map<std::string, std::size_t> used;
  std::string line;
  std::uint64_t number = 0;
  while (next_line(results_jsonl, line, number)) {
    ++report.results;
    auto problem = [&](const std::string& case_id, std::string what) {
      report.problems.push_back({number, true, case_id, std::move(what)});
    };
    json result;
    try {
      result = detail::parse_json(line);
    } catch (const Error& e) {
      problem("", std::string("not a JSON result: ") + e.reason());
      continue;
    }
    try {
      const std::string case_id = result.at("case_id").get<std::string>();
      auto found = records.find(case_id);
      std::size_t& next = used[case_id];
      if (found == records.end() || next >= found->second.size()) {
        problem(case_id, "no audit record for this result");
        continue;
      }
      const json& record = found->second[next++];
      if (!same_value(record.at("instrument"), result.at("instrument")))
        problem(case_id, "the result's instrument differs from the audit record's");
      if (result.contains("risk") && result["risk"].is_object() && result["risk"].contains("model")) {
        // The result's stamp also names the instrument the model needs, which the record keeps
        // once at its top level: compare the model's own identity only. A record stamps the
        // model only when it gave a risk (a section whose status is not "ok" gave none).
        const json& stamp = result["risk"]["model"];
        json model = json::object();
        for (const char* key : {"id", "version", "hash", "status"})
          if (stamp.is_object() && stamp.contains(key)) model[key] = stamp[key];
        if (has_risk(result) ? !same_value(record.at("model"), model) : !record.at("model").is_null())
          problem(case_id, "the result's model differs from the audit record's");
      }
      if (!result.contains("items"))
        throw ValidationError("/items", "the result has no item responses to recompute its input digest");
      std::vector<double> responses(instrument.item_count(), missing);
      for (const auto& item : result["items"]) {
        const auto j = instrument.find_item(item.at("id").get<std::string>());
        if (!j) throw ValidationError("/items", "an item of another instrument");
        if (item.at("response").is_number()) responses[*j] = item["response"].get<double>();
      }
      std::vector<std::pair<std::string, std::string>> attribute_text;
      if (result.contains("attributes") && result["attributes"].is_object())
        for (auto it = result["attributes"].begin(); it != result["attributes"].end(); ++it)
          attribute_text.emplace_back(it.key(), it.value().get<std::string>());
      std::vector<AttributeView> attributes;
      for (const auto& [name, value] : attribute_text) attributes.push_back({name, value});
      const std::string date = result.contains("date") && result["date"].is_string() ? result["date"].get<std::string>() : "";
      const CaseView view{case_id, date, attributes, responses};
      if (record.at("input_sha256").get<std::string>() != input_digest(instrument, view))
        problem(case_id, "the result's input differs from the audited input (digest mismatch)");
      if (!same_value(record.at("outputs"), outputs_of_result(result)))
        problem(case_id, "the result's outputs differ from the audit record's");
      const json result_override = result.contains("override") ? result["override"] : json(nullptr);
      if (!same_value(record.at("override"), result_override))
        problem(case_id, "the result's override differs from the audit record's");
      if (report.problems.empty() || report.problems.back().line != number || !report.problems.back().in_results)
        ++report.matched;
    } catch (const json::exception&) {
      problem(result.value("case_id", std::string()), "not a pact result (a required field is missing)");
    } catch (const Error& e) {
      problem(result.value("case_id", std::string()), e.what());
    }
  }
  for (const auto& [case_id, list] : records) report.unmatched_records += list.size() - used[case_id];
  return report;
}

}  // namespace pact
