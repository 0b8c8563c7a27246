// pact: audit records (EU AI Act Art. 12). Every scoring call can append one JSON Lines record:
// when, which library, instrument and model (ids, versions, content hashes), a SHA-256 of the
// canonical input, the outputs and any professional override; never a name or a national id.
// Records form a hash chain (each carries its predecessor's digest), so that an altered, removed
// or reordered record is detected; a verifier checks a set of results against its records.
#ifndef PACT_AUDIT_HPP
#define PACT_AUDIT_HPP

#include "pact/casework.hpp"
#include "pact/formats/result.hpp"
#include "pact/instrument.hpp"
#include "pact/risk_model.hpp"
#include "pact/scoring.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace pact {

/// The canonical JSON of an assessment, whose SHA-256 audit records carry: keys sorted, no
/// whitespace, responses only for answered items (as numbers), attributes sorted by name, the
/// date only when present. Two equal assessments give the same text whatever their source.
std::string canonical_input_json(const Instrument& instrument, const CaseView& case_view);

/// The hex SHA-256 of canonical_input_json.
std::string input_digest(const Instrument& instrument, const CaseView& case_view);

/// The digest a chain starts from (64 zeros).
inline const std::string& audit_genesis() {
  static const std::string zeros(64, '0');
  return zeros;
}

/// The current UTC time as YYYY-MM-DDThh:mm:ssZ.
std::string utc_now();

/// Appends audit records to a JSON Lines stream. Not thread-safe: one writer per stream (the
/// CLI writes records in input order from one thread).
class AuditWriter {
 public:
  /// `previous` is the record digest to chain from: audit_genesis() for a new log, or the last
  /// record's digest when appending to an existing log (see last_record_digest).
  AuditWriter(std::ostream& out, const Instrument& instrument, const RiskModel* model,
              std::string previous = audit_genesis(), std::uint64_t next_sequence = 1);

  /// Appends the record of one scored case. `timestamp` empty = now (UTC); otherwise a UTC time
  /// YYYY-MM-DDThh:mm:ssZ (InvalidArgument else).
  void append(const CaseView& case_view, const CaseScores& scores, const RiskResult* risk,
              const ProfessionalOverride* override_ = nullptr, std::string timestamp = {});

  /// Scores one assessment with the writer's instrument and model, appends its record, and
  /// returns its result as scored_result_json writes it (with the risk section when the writer
  /// has a model), with the override added (apply_override_json) when one is given: the result
  /// and its record match as verify_audit checks them. The override is validated before
  /// anything is written; `timestamp` as in append.
  std::string score_and_append(const Assessment& assessment, const ResultOptions& options = {},
                               const ProfessionalOverride* override_ = nullptr, std::string timestamp = {});

  /// The digest of the last record written (or the one given to chain from): a later writer on
  /// the same log continues from it.
  const std::string& last_record_digest() const noexcept { return previous_; }
  /// The number of records this writer has appended.
  std::uint64_t records() const noexcept { return written_; }

 private:
  std::ostream& out_;
  Instrument instrument_;
  const RiskModel* model_;
  std::string previous_;
  std::uint64_t sequence_;
  std::uint64_t written_ = 0;
  std::string line_;
};

/// Reads an existing audit log's last record digest and sequence so that a writer can continue
/// the chain. Throws ValidationError when the log is not a valid chain (see verify_audit_log).
std::pair<std::string, std::uint64_t> audit_log_tail(std::istream& audit_jsonl);

/// One problem the verifier found.
struct AuditProblem {
  std::uint64_t line = 0;  ///< line in the audit log, or in the results when `in_results`
  bool in_results = false;  ///< the problem is in the results, not in the audit log
  std::string case_id;      ///< the case concerned, when the line names one
  std::string problem;      ///< what is wrong, in words
};

/// What verification found: every record intact and chained, and (with results) every result
/// matched by a record with the same input digest, ids, hashes and outputs.
struct AuditVerification {
  std::uint64_t records = 0;  ///< records read from the audit log
  std::uint64_t results = 0;  ///< results read (0 when verifying the log alone)
  std::uint64_t matched = 0;  ///< results that matched their record
  /// Records no result claimed (normal when verifying a subset of the results).
  std::uint64_t unmatched_records = 0;
  std::vector<AuditProblem> problems;  ///< every problem found, in the order found
  /// True when nothing is wrong: the chain is intact and every result matched.
  bool ok() const noexcept { return problems.empty(); }
};

/// Verifies an audit log on its own: each record's digest, the chain, the sequence numbers.
AuditVerification verify_audit_log(std::istream& audit_jsonl);

/// Verifies results (JSON Lines as written by pact with item responses) against their audit
/// log: for each result, the next unmatched record of its case must have the same instrument
/// and model stamps, the digest of the result's input, and the same outputs (composite, level,
/// dimension scores, deprivation score, probability, band, override).
AuditVerification verify_audit(const Instrument& instrument, std::istream& audit_jsonl, std::istream& results_jsonl);

}  // namespace pact

#endif  // PACT_AUDIT_HPP
