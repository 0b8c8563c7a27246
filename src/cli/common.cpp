#include "common.hpp"

#include <pact/bundle.hpp>
#include <pact/error.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <random>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace pact::cli {

void ModelChoice::add_options(CLI::App& app, bool model_options) {
  with_model = model_options;
  CLI::Option* instrument = app.add_option("--instrument", instrument_path,
                                           "Instrument JSON (default: the bundled pact-instrument)")
                                ->check(CLI::ExistingFile);
  if (!model_options) return;
  CLI::Option* model = app.add_option("--model", model_path, "Risk model JSON (default: the bundled pact-chronicity)")
                           ->check(CLI::ExistingFile);
  app.add_option("--bundle", bundle_path, "A compiled bundle (instrument and model) instead of the JSON files")
      ->check(CLI::ExistingFile)
      ->excludes(instrument)
      ->excludes(model);
  app.add_flag("--no-model", no_model, "Score the instrument only, without the chronicity risk");
}

ModelChoice::Loaded ModelChoice::load() const {
  if (!bundle_path.empty()) {
    RiskModel model = read_bundle(bundle_path);
    if (no_model || !with_model) return {model.instrument(), std::nullopt};
    return {model.instrument(), model};
  }
  if (!with_model) return {instrument_path.empty() ? Instrument::bundled() : Instrument::load(instrument_path),
                           std::nullopt};
  if (instrument_path.empty() && model_path.empty()) {
    if (no_model) return {Instrument::bundled(), std::nullopt};
    return {Instrument::bundled(), RiskModel::bundled()};
  }
  Instrument instrument = instrument_path.empty() ? Instrument::bundled() : Instrument::load(instrument_path);
  if (no_model) return {instrument, std::nullopt};
  if (model_path.empty()) {
    // The bundled model reads the bundled instrument only; another instrument scores without it.
    if (instrument.hash() == Instrument::bundled().hash()) return {instrument, RiskModel::bundled()};
    return {instrument, std::nullopt};
  }
  return {instrument, RiskModel::load(model_path, instrument)};
}

void add_language_option(CLI::App& app, std::string& lang) {
  app.add_option("--lang", lang, "Language of labels: es, ca or en")
      ->check(CLI::IsMember({"es", "ca", "en"}))
      ->capture_default_str();
}

void add_threads_option(CLI::App& app, unsigned& threads) {
  app.add_option("--threads", threads, "Worker threads (0 = every core)")->capture_default_str();
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  if (path_ == "-") return;
  const std::filesystem::path target(path_);
  if (std::filesystem::is_directory(target)) throw IoError(path_, "is a directory");
  std::random_device entropy;
  const std::string name = "." + target.filename().string() + ".pact-partial-" + std::to_string(::getpid()) + "-" +
                           std::to_string(entropy() % 100000);
  temporary_ = (target.parent_path() / name).string();
  file_ = std::make_unique<std::ofstream>(temporary_, std::ios::binary | std::ios::trunc);
  if (!*file_) throw IoError(path_, std::string("cannot create the output: ") + std::strerror(errno));
}

OutputFile::~OutputFile() {
  if (file_ && !committed_) {
    file_->close();
    std::remove(temporary_.c_str());
  }
}

std::ostream& OutputFile::stream() { return file_ ? static_cast<std::ostream&>(*file_) : std::cout; }

void OutputFile::commit() {
  if (!file_) {
    std::cout.flush();
    if (!std::cout) throw IoError("standard output", "write failed");
    committed_ = true;
    return;
  }
  file_->flush();
  if (!*file_) throw IoError(path_, "write failed (disk full?)");
  file_->close();
  // The data reaches the disk before the name does, so a crash never shows a half file.
  const int fd = ::open(temporary_.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0)
    throw IoError(path_, std::string("cannot move the output into place: ") + std::strerror(errno));
  committed_ = true;
}

InputFile::InputFile(const std::string& path) {
  if (path == "-") return;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw IoError(path, "is a directory, not a file");
  file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file_) throw IoError(path, std::string("cannot open: ") + std::strerror(errno));
  const auto size = std::filesystem::file_size(path, ec);
  size_ = ec ? 0 : static_cast<std::uint64_t>(size);
}

std::istream& InputFile::stream() { return file_ ? static_cast<std::istream&>(*file_) : std::cin; }

Format input_format(const std::string& path, const std::string& explicit_format) {
  if (explicit_format == "csv") return Format::csv;
  if (explicit_format == "jsonl") return Format::jsonl;
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json") return Format::jsonl;
  return Format::csv;
}

AssessmentStream::AssessmentStream(const Instrument& instrument, const std::string& path, Format format,
                                   std::size_t batch_rows)
    : input_(path) {
  if (format == Format::csv) {
    CsvReadOptions options;
    options.batch_rows = batch_rows;
    csv_ = std::make_unique<CsvAssessmentReader>(instrument, input_.stream(), options);
  } else {
    JsonlReadOptions options;
    options.batch_rows = batch_rows;
    jsonl_ = std::make_unique<JsonlAssessmentReader>(instrument, input_.stream(), options);
  }
}

bool AssessmentStream::next(AssessmentBatch& batch) { return csv_ ? csv_->next(batch) : jsonl_->next(batch); }

ReadCounts AssessmentStream::counts() const { return csv_ ? csv_->counts() : jsonl_->counts(); }

std::uint64_t AssessmentStream::position() {
  const auto at = input_.stream().tellg();
  return at < 0 ? 0 : static_cast<std::uint64_t>(at);
}

std::vector<std::string> AssessmentStream::attribute_columns() const {
  return csv_ ? csv_->attribute_columns() : std::vector<std::string>{};
}

std::string read_text(const std::string& path) {
  InputFile input(path);
  std::ostringstream text;
  text << input.stream().rdbuf();
  if (input.stream().bad()) throw IoError(path, "read failed");
  return text.str();
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string pad(const std::string& text, std::size_t width, bool left_align) {
  std::size_t characters = 0;
  for (unsigned char c : text) characters += (c & 0xC0) != 0x80 ? 1 : 0;
  const std::string fill(characters < width ? width - characters : 0, ' ');
  return left_align ? text + fill : fill + text;
}

std::string with_thousands(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

Progress::Progress(bool enabled, std::uint64_t total_bytes)
    : enabled_(enabled), total_(total_bytes), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(std::uint64_t bytes, std::uint64_t rows) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(rows) / elapsed : 0.0;
  std::ostringstream line;
  if (total_ > 0) {
    const double share = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_));
    const int width = 30, filled = static_cast<int>(share * width);
    line << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(width - filled), ' ') << "] " << static_cast<int>(100 * share) << "% ";
  } else {
    line << "\r";
  }
  line << with_thousands(rows) << " rows, " << with_thousands(static_cast<std::uint64_t>(rate)) << " rows/s   ";
  std::cerr << line.str() << std::flush;
}

void Progress::finish() {
  if (enabled_) std::cerr << "\r" << std::string(80, ' ') << "\r" << std::flush;
}

}  // namespace pact::cli
