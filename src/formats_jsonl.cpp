// Reading assessments from JSON Lines in bounded memory (docs/formats.md).
#include "pact/formats/jsonl.hpp"

#include "assessment_object.hpp"
#include "json_support.hpp"
#include "stream_input.hpp"

#include <cstring>
#include <istream>
#include <string>
#include <utility>

namespace pact {

struct JsonlAssessmentReader::Impl {
  Impl(const Instrument& instr, std::unique_ptr<std::istream> owned_stream, std::istream& in, JsonlReadOptions opts)
      : instrument(instr), owned(std::move(owned_stream)), input(in, opts.buffer_bytes), options(opts) {
    if (options.batch_rows == 0) throw InvalidArgument("batch_rows", "a batch must hold at least one row");
    if (options.max_line_bytes == 0) throw InvalidArgument("max_line_bytes", "the line limit must be positive");
    limits = detail::assessment_json_limits();
    limits.max_bytes = options.max_line_bytes;
    input.start();
  }

  bool read_line();
  bool next(AssessmentBatch& batch);
  bool read_row(AssessmentBatch& batch);

  Instrument instrument;
  std::unique_ptr<std::istream> owned;
  detail::StreamInput input;
  JsonlReadOptions options;
  detail::JsonLimits limits;
  std::string line;
  std::uint64_t line_number = 0;
  bool too_long = false;
  Assessment scratch;
  ReadCounts counts;
};

// Reads the next line into `line` (without its line break); false at the end of the input.
bool JsonlAssessmentReader::Impl::read_line() {
  line.clear();
  too_long = false;
  line_number = input.line;
  bool any = false;
  for (;;) {
    if (input.pos == input.end && !input.fill()) return any;
    const char* begin = input.buffer.data() + input.pos;
    const auto* newline = static_cast<const char*>(std::memchr(begin, '\n', input.end - input.pos));
    const std::size_t n = newline ? static_cast<std::size_t>(newline - begin) : input.end - input.pos;
    any = true;
    if (!too_long) {
      if (line.size() + n > options.max_line_bytes + 1) {  // + 1: room for the CR of a CRLF
        too_long = true;
        line.clear();
      } else {
        line.append(begin, n);
      }
    }
    if (newline) {
      input.pos += n + 1;
      ++input.line;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
    input.pos = input.end;
  }
}

bool JsonlAssessmentReader::Impl::read_row(AssessmentBatch& batch) {
  auto reject = [&](std::string column, std::size_t position, ErrorKind kind, std::string reason) {
    RowError error;
    error.line = line_number;
    error.column = std::move(column);
    error.position = position;
    error.case_id = scratch.case_id;
    error.kind = kind;
    error.reason = std::move(reason);
    batch.add_error(std::move(error));
    return false;
  };
  scratch.case_id.clear();
  if (too_long || line.size() > options.max_line_bytes)
    return reject("", 0, ErrorKind::limit,
                  "the line is longer than the limit of " + std::to_string(options.max_line_bytes) + " bytes");
  detail::json document;
  try {
    document = detail::parse_json(line, limits);
  } catch (const ParseError& e) {
    return reject("", e.column(), ErrorKind::parse, e.reason());
  } catch (const Error& e) {
    return reject(e.where(), 0, e.kind(), e.reason());
  }
  try {
    detail::read_assessment_into(instrument, document, scratch);
  } catch (const Error& e) {
    return reject(e.where(), 0, e.kind(), e.reason());
  }
  const std::span<double> row = batch.begin_row(line_number);
  std::copy(scratch.responses.begin(), scratch.responses.end(), row.begin());
  batch.set_case_id(scratch.case_id);
  batch.set_date(scratch.date);
  for (const auto& [name, value] : scratch.attributes) batch.add_attribute(name, value);
  batch.commit_row();
  return true;
}

bool JsonlAssessmentReader::Impl::next(AssessmentBatch& batch) {
  batch.reset(instrument.item_count(), options.batch_rows);
  while (batch.rows_read() < options.batch_rows && read_line()) {
    if (!too_long && line.find_first_not_of(" \t\r") == std::string::npos) continue;  // a blank line
    ++counts.read;
    if (read_row(batch))
      ++counts.accepted;
    else
      ++counts.rejected;
  }
  batch.finish();
  return batch.rows_read() > 0;
}

JsonlAssessmentReader::JsonlAssessmentReader(const Instrument& instrument, std::istream& in, JsonlReadOptions options)
    : impl_(std::make_unique<Impl>(instrument, nullptr, in, options)) {}

JsonlAssessmentReader::JsonlAssessmentReader(const Instrument& instrument, const std::filesystem::path& file,
                                             JsonlReadOptions options) {
  auto stream = detail::open_input_file(file);
  std::istream& in = *stream;
  impl_ = std::make_unique<Impl>(instrument, std::move(stream), in, options);
}

JsonlAssessmentReader::~JsonlAssessmentReader() = default;
JsonlAssessmentReader::JsonlAssessmentReader(JsonlAssessmentReader&&) noexcept = default;
JsonlAssessmentReader& JsonlAssessmentReader::operator=(JsonlAssessmentReader&&) noexcept = default;
bool JsonlAssessmentReader::next(AssessmentBatch& batch) { return impl_->next(batch); }
ReadCounts JsonlAssessmentReader::counts() const noexcept { return impl_->counts; }

}  // namespace pact
