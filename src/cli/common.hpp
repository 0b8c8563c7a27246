// Shared parts of the `pact` commands: exit codes, loading the instrument and model, output
// files that appear only when complete, progress and summaries on stderr, input formats.
#ifndef PACT_CLI_COMMON_HPP
#define PACT_CLI_COMMON_HPP

#include <pact/formats/batch.hpp>
#include <pact/formats/csv.hpp>
#include <pact/formats/jsonl.hpp>
#include <pact/instrument.hpp>
#include <pact/risk_model.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pact::cli {

/// Exit statuses (docs/cli.md).
enum Exit : int {
  exit_ok = 0,        ///< everything done; every row scored
  exit_rejected = 1,  ///< done, but some rows were rejected (see the errors file), or problems found
  exit_usage = 2,     ///< the command line is wrong
  exit_input = 3,     ///< an input cannot be used: missing file, invalid instrument or model, missing columns
  exit_internal = 4,  ///< a defect in pact, or an output that cannot be written
};

/// A subcommand: its CLI11 app and what runs it once the command line is parsed.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

/// --instrument, --model, --bundle, --no-model: which instrument and model a command uses
/// (the bundled defaults unless told otherwise).
struct ModelChoice {
  std::string instrument_path;
  std::string model_path;
  std::string bundle_path;
  bool no_model = false;
  bool with_model = true;

  void add_options(CLI::App& app, bool with_model = true);

  struct Loaded {
    Instrument instrument;
    std::optional<RiskModel> model;
  };
  Loaded load() const;
};

/// --lang: the language of labels (es, ca, en).
void add_language_option(CLI::App& app, std::string& lang);

/// --threads: worker threads, 0 = every core.
void add_threads_option(CLI::App& app, unsigned& threads);

/// An output that appears at its path only when complete: written to a hidden temporary file
/// beside it and renamed on commit(), so that a killed job never leaves a plausible half file.
/// "-" writes to standard output (not atomic).
class OutputFile {
 public:
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream();
  /// Flushes, syncs to disk and renames into place. Throws IoError on failure.
  void commit();
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  std::string temporary_;
  std::unique_ptr<std::ofstream> file_;
  bool committed_ = false;
};

/// An input stream: a file, or standard input for "-".
class InputFile {
 public:
  explicit InputFile(const std::string& path);
  std::istream& stream();
  /// The file's size in bytes, 0 when unknown (standard input).
  std::uint64_t size() const noexcept { return size_; }

 private:
  std::unique_ptr<std::ifstream> file_;
  std::uint64_t size_ = 0;
};

enum class Format { csv, jsonl };

/// The format named by --format ("csv", "jsonl"), or guessed from the file name's extension
/// (.jsonl, .ndjson, .json: JSON Lines; otherwise CSV).
Format input_format(const std::string& path, const std::string& explicit_format);

/// The assessments of a CSV or JSON Lines input, streamed in batches in bounded memory.
class AssessmentStream {
 public:
  AssessmentStream(const Instrument& instrument, const std::string& path, Format format, std::size_t batch_rows = 4096);
  /// Fills `batch` with the next rows read (accepted and rejected); false at the end.
  bool next(AssessmentBatch& batch);
  ReadCounts counts() const;
  /// CSV: the attribute (extra) columns in header order; JSON Lines: empty.
  std::vector<std::string> attribute_columns() const;
  std::uint64_t size() const noexcept { return input_.size(); }
  /// Bytes consumed so far (0 when unknown, e.g. standard input). Call from the reading thread.
  std::uint64_t position();

 private:
  InputFile input_;
  std::unique_ptr<CsvAssessmentReader> csv_;
  std::unique_ptr<JsonlAssessmentReader> jsonl_;
};

/// The whole text of a file; IoError when it cannot be read.
std::string read_text(const std::string& path);

/// A progress bar on stderr when it is a terminal (and not --quiet), silent otherwise.
class Progress {
 public:
  Progress(bool enabled, std::uint64_t total_bytes);
  void update(std::uint64_t bytes, std::uint64_t rows);
  void finish();

 private:
  bool enabled_;
  std::uint64_t total_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

bool stderr_is_terminal();

/// Seconds since `start`.
double seconds_since(std::chrono::steady_clock::time_point start);

/// `text` padded with spaces to `width` characters (UTF-8 aware), on the right or the left.
std::string pad(const std::string& text, std::size_t width, bool left_align = true);

/// "1,234,567" for counts in summaries.
std::string with_thousands(std::uint64_t n);

}  // namespace pact::cli

#endif
