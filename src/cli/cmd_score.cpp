// pact score: assessments in (CSV or JSON Lines), results out (CSV or JSON Lines), every row
// scored or rejected with its line and reason, streamed in bounded memory on every core.
//
// The pipeline: one thread reads batches of rows in input order into a ring of slots; worker
// threads score whole batches and format their results into text, each batch on one worker;
// the calling thread writes the batches' text, errors and audit records strictly in input
// order. Batch boundaries depend only on the input, so the output is byte-identical whatever
// the number of threads.
#include "commands.hpp"

#include <pact/audit.hpp>
#include <pact/formats/assessment_writers.hpp>
#include <pact/formats/batch.hpp>
#include <pact/formats/writers.hpp>

#include <atomic>
#include <iomanip>
#include <condition_variable>
#include <deque>
#include <exception>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

namespace pact::cli {

namespace {

struct ScoreOptions {
  std::string input = "-";
  std::string output = "-";
  std::string errors;
  std::string audit;
  std::string format;
  std::string output_format;
  std::string lang = "es";
  unsigned threads = 0;
  std::size_t batch_rows = 4096;
  bool no_pass_through = false;
  bool item_severities = false;
  bool items = false;
  bool counterfactual = false;
  bool quiet = false;
  bool summary = false;
  ModelChoice models;
};

// One batch on its way through the pipeline.
struct Slot {
  enum class State { free, read, scoring, scored } state = State::free;
  std::uint64_t sequence = 0;
  AssessmentBatch batch;
  ScoredBatch scored;
  std::string text;  // the batch's results, formatted
};

// Formats a scored batch as result text, one writer per worker (the CSV header goes nowhere:
// only the calling thread writes it, once).
class BatchFormatter {
 public:
  BatchFormatter(const Instrument& instrument, const RiskModel* model, Format format, const ResultCsvOptions& csv,
                 const ResultOptions& json, const RiskOptions& risk) {
    if (format == Format::csv)
      csv_ = model ? std::make_unique<CsvResultWriter>(*model, stream_, csv)
                   : std::make_unique<CsvResultWriter>(instrument, stream_, csv);
    else
      jsonl_ = model ? std::make_unique<JsonlResultWriter>(*model, stream_, json, risk)
                     : std::make_unique<JsonlResultWriter>(instrument, stream_, json);
    stream_.str(std::string());
  }

  void format(const AssessmentBatch& batch, const ScoredBatch& scored, std::string& text) {
    if (csv_)
      csv_->write(batch, scored);
    else
      jsonl_->write(batch, scored);
    text = stream_.str();
    stream_.str(std::string());
  }

 private:
  std::ostringstream stream_;
  std::unique_ptr<CsvResultWriter> csv_;
  std::unique_ptr<JsonlResultWriter> jsonl_;
};

// The CSV header of the results (the columns a writer writes on construction).
std::string csv_header(const Instrument& instrument, const RiskModel* model, const ResultCsvOptions& options) {
  std::ostringstream header;
  if (model)
    CsvResultWriter(*model, header, options);
  else
    CsvResultWriter(instrument, header, options);
  return header.str();
}

// The audit record of each scored row, in input order (the chain is sequential).
void append_audit(AuditWriter& audit, const AssessmentBatch& batch, const ScoredBatch& scored, CaseScores& scratch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (scored.status(i) != ResponseStatus::ok) continue;
    scored.case_scores(i, scratch);
    RiskResult risk;
    const bool has_risk = scored.has_risk() && scored.risk_status(i) == RiskStatus::ok;
    if (has_risk) {
      risk.probability = scored.risk_probability(i);
      risk.band = scored.risk_band(i);
    }
    audit.append(case_view(batch, i), scratch, has_risk ? &risk : nullptr);
  }
}

int run(const ScoreOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const auto loaded = o.models.load();
  const Instrument& instrument = loaded.instrument;
  const RiskModel* model = loaded.model ? &*loaded.model : nullptr;
  const Format in_format = input_format(o.input, o.format);
  const Format out_format =
      o.output_format.empty() ? input_format(o.output == "-" ? "x.csv" : o.output, "") : input_format("", o.output_format);
  AssessmentStream stream(instrument, o.input, in_format, o.batch_rows);

  ResultCsvOptions csv;
  csv.language = o.lang;
  csv.item_severities = o.item_severities;
  if (!o.no_pass_through) csv.attributes = stream.attribute_columns();
  ResultOptions json;
  json.language = o.lang;
  // Verifying results against the audit log recomputes each input's digest from the results.
  json.items = o.items || !o.audit.empty();
  RiskOptions risk;
  risk.counterfactual = o.counterfactual;

  OutputFile output(o.output);
  std::optional<OutputFile> errors_file;
  std::optional<ErrorCsvWriter> errors;
  if (!o.errors.empty()) {
    errors_file.emplace(o.errors);
    errors.emplace(errors_file->stream());
  }
  // Audit records of this run go to a temporary file first and join the log only when the run
  // completes, continuing its hash chain.
  std::optional<OutputFile> audit_file;
  std::optional<AuditWriter> audit;
  if (!o.audit.empty()) {
    std::string previous = audit_genesis();
    std::uint64_t next = 1;
    audit_file.emplace(o.audit);
    if (std::filesystem::exists(o.audit)) {
      {
        InputFile existing(o.audit);
        try {
          std::tie(previous, next) = audit_log_tail(existing.stream());
        } catch (const Error& e) {
          // The operator must know which file is broken before anything is appended to it.
          throw Error(e.kind(), o.audit + (e.where().empty() ? "" : ", " + e.where()),
                      e.reason() + " (the audit log's chain is broken: nothing was scored or appended)");
        }
      }
      InputFile existing(o.audit);
      audit_file->stream() << existing.stream().rdbuf();
    }
    audit.emplace(audit_file->stream(), instrument, model, previous, next);
  }
  if (out_format == Format::csv) output.stream() << csv_header(instrument, model, csv);

  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  const unsigned workers = o.threads == 0 ? hardware : o.threads;
  std::vector<Slot> slots(workers + 2);
  std::mutex mutex;
  std::condition_variable changed;
  bool input_done = false;
  bool failed = false;
  std::exception_ptr error;
  std::uint64_t sequences_read = 0;
  std::atomic<std::uint64_t> bytes_read{0};
  std::atomic<std::uint64_t> rows_read{0};
  auto fail = [&](std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!error) error = e;
    failed = true;
    changed.notify_all();
  };

  std::thread reader([&] {
    try {
      std::uint64_t sequence = 0;
      for (;;) {
        Slot* slot = nullptr;
        {
          std::unique_lock<std::mutex> lock(mutex);
          changed.wait(lock, [&] {
            if (failed) return true;
            for (auto& s : slots)
              if (s.state == Slot::State::free) return true;
            return false;
          });
          if (failed) return;
          for (auto& s : slots)
            if (s.state == Slot::State::free) {
              slot = &s;
              break;
            }
        }
        const bool more = stream.next(slot->batch);
        rows_read = stream.counts().read;
        bytes_read = stream.position();
        std::lock_guard<std::mutex> lock(mutex);
        if (!more) {
          input_done = true;
          changed.notify_all();
          return;
        }
        slot->sequence = sequence++;
        slot->state = Slot::State::read;
        sequences_read = sequence;
        changed.notify_all();
      }
    } catch (...) {
      fail(std::current_exception());
    }
  });

  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w)
    pool.emplace_back([&] {
      try {
        BatchFormatter formatter(instrument, model, out_format, csv, json, risk);
        for (;;) {
          Slot* slot = nullptr;
          {
            std::unique_lock<std::mutex> lock(mutex);
            changed.wait(lock, [&] {
              if (failed) return true;
              for (auto& s : slots)
                if (s.state == Slot::State::read) return true;
              return input_done;
            });
            if (failed) return;
            for (auto& s : slots)
              if (s.state == Slot::State::read && (!slot || s.sequence < slot->sequence)) slot = &s;
            if (!slot) return;  // input done and nothing left to score
            slot->state = Slot::State::scoring;
          }
          if (model)
            slot->scored.score(*model, slot->batch, 1);
          else
            slot->scored.score(instrument, slot->batch, 1);
          formatter.format(slot->batch, slot->scored, slot->text);
          std::lock_guard<std::mutex> lock(mutex);
          slot->state = Slot::State::scored;
          changed.notify_all();
        }
      } catch (...) {
        fail(std::current_exception());
      }
    });

  // The calling thread writes the batches in input order.
  Progress progress(!o.quiet && stderr_is_terminal(), stream.size());
  CaseScores scratch;
  std::uint64_t written = 0;
  std::vector<std::uint64_t> by_level(instrument.levels().size() + 1, 0);  // last: no composite
  std::vector<std::uint64_t> by_band(model ? model->bands().size() + 1 : 1, 0);  // last: no risk
  try {
    for (std::uint64_t next = 0;; ++next) {
      Slot* slot = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait_for(lock, std::chrono::milliseconds(250), [&] {
          if (failed) return true;
          for (auto& s : slots)
            if (s.state == Slot::State::scored && s.sequence == next) return true;
          return input_done && next >= sequences_read;
        });
        if (failed) break;
        for (auto& s : slots)
          if (s.state == Slot::State::scored && s.sequence == next) slot = &s;
        if (!slot) {
          if (input_done && next >= sequences_read) break;
          --next;  // not ready yet: wait again for the same batch
          progress.update(bytes_read, rows_read);
          continue;
        }
      }
      output.stream() << slot->text;
      if (errors)
        errors->write(slot->batch.errors());
      else
        for (const RowError& e : slot->batch.errors())
          std::cerr << o.input << ":" << e.line << ": " << (e.column.empty() ? "" : "column " + e.column + ": ")
                    << e.reason << "\n";
      if (audit) append_audit(*audit, slot->batch, slot->scored, scratch);
      for (std::size_t i = 0; i < slot->batch.size(); ++i) {
        const std::int32_t level = slot->scored.level(i);
        ++by_level[level >= 0 ? static_cast<std::size_t>(level) : by_level.size() - 1];
        if (model) {
          const std::int32_t band = slot->scored.risk_band(i);
          ++by_band[band >= 0 ? static_cast<std::size_t>(band) : by_band.size() - 1];
        }
      }
      written += slot->batch.size();
      progress.update(bytes_read, rows_read);
      std::lock_guard<std::mutex> lock(mutex);
      slot->state = Slot::State::free;
      changed.notify_all();
    }
  } catch (...) {
    fail(std::current_exception());
  }
  reader.join();
  for (auto& t : pool) t.join();
  progress.finish();
  if (error) std::rethrow_exception(error);

  output.commit();
  if (errors_file) errors_file->commit();
  if (audit_file) audit_file->commit();
  const ReadCounts counts = stream.counts();
  const double seconds = seconds_since(start);
  std::cerr << "pact score: " << with_thousands(counts.read) << " rows read, " << with_thousands(counts.accepted)
            << " scored, " << with_thousands(counts.rejected) << " rejected"
            << (counts.rejected && !o.errors.empty() ? " (see " + o.errors + ")" : std::string()) << " in "
            << std::fixed << std::setprecision(2) << seconds << " s ("
            << with_thousands(static_cast<std::uint64_t>(static_cast<double>(counts.read) / std::max(seconds, 1e-9)))
            << " rows/s)\n";
  if (o.summary) {
    const double scored = static_cast<double>(std::max<std::uint64_t>(1, counts.accepted));
    auto line = [&](const std::string& label, std::uint64_t n) {
      std::cerr << "  " << pad(label, 30) << std::right << std::setw(10) << with_thousands(n) << std::setw(8)
                << std::fixed << std::setprecision(1) << 100.0 * static_cast<double>(n) / scored << "%\n";
    };
    std::cerr << "\n  by level\n";
    for (std::size_t l = 0; l < instrument.levels().size(); ++l) line(instrument.levels()[l].label.in(o.lang), by_level[l]);
    line("(composite not scored)", by_level.back());
    if (model) {
      std::cerr << "\n  by risk band (" << model->id() << " " << model->version() << ", "
                << to_string(model->provenance().status) << ")\n";
      for (std::size_t b = 0; b < model->bands().size(); ++b) line(model->bands()[b].label.in(o.lang), by_band[b]);
      line("(no risk: no months in care)", by_band.back());
    }
    std::cerr << "\n";
  }
  if (written != counts.accepted)
    throw Error(ErrorKind::internal, "", "rows scored and rows written differ: " + std::to_string(written) + " vs " +
                                             std::to_string(counts.accepted));
  return counts.rejected == 0 ? exit_ok : exit_rejected;
}

}  // namespace

Command add_score(CLI::App& app) {
  auto o = std::make_shared<ScoreOptions>();
  CLI::App* sub = app.add_subcommand(
      "score", "Score assessments (CSV or JSON Lines) into results; every row scored or rejected with its reason");
  sub->add_option("-i,--input", o->input, "Assessments (CSV or JSON Lines; - for standard input)")->capture_default_str();
  sub->add_option("-o,--output", o->output, "Results (CSV or JSON Lines by extension; - for standard output)")
      ->capture_default_str();
  sub->add_option("--errors", o->errors, "Write rejected rows here (CSV: line, position, column, case_id, kind, reason)");
  sub->add_option("--audit", o->audit, "Append an audit record per scored row to this JSON Lines log (hash chain)");
  sub->add_option("--format", o->format, "Input format: csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  sub->add_option("--output-format", o->output_format, "Output format: csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  sub->add_option("--batch-rows", o->batch_rows, "Rows per batch (memory use is about workers x batch)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();
  sub->add_flag("--no-pass-through", o->no_pass_through, "Do not copy the input's extra columns to CSV results");
  sub->add_flag("--item-severities", o->item_severities, "CSV results: add each item's severity");
  sub->add_flag("--items", o->items, "JSON Lines results: include each item's response and severity (always with --audit, whose verifier needs them)");
  sub->add_flag("--counterfactual", o->counterfactual,
                "JSON Lines results: search the smallest change that lowers each case's band (slower)");
  sub->add_flag("-q,--quiet", o->quiet, "No progress bar");
  sub->add_flag("--summary", o->summary, "Print the counts by level and by risk band");
  add_language_option(*sub, o->lang);
  add_threads_option(*sub, o->threads);
  o->models.add_options(*sub);
  return {sub, [o] { return run(*o); }};
}

}  // namespace pact::cli
