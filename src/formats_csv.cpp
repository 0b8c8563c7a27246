// Reading CSV records and assessments in bounded memory (docs/formats.md).
#include "pact/formats/csv.hpp"

#include "formats_text.hpp"
#include "stream_input.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <istream>
#include <string>
#include <utility>

namespace pact {

namespace {

enum class State : std::uint8_t {
  field_start,      // nothing of the field read yet
  unquoted,         // inside an unquoted field
  quoted,           // inside a quoted field
  quote_in_quoted,  // a quote inside a quoted field: the closing one, or the first of a doubled pair
  carriage_return,  // a CR outside quotes: a line break if an LF follows
};

}  // namespace

struct CsvRecordReader::Impl {
  Impl(std::istream& in, const CsvOptions& opts) : input(in, opts.buffer_bytes), options(opts) {
    if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r')
      throw InvalidArgument("delimiter", "the delimiter cannot be a quote or a line break");
    if (options.max_fields == 0 || options.max_field_bytes == 0 || options.max_row_bytes == 0)
      throw InvalidArgument("options", "CSV limits must be positive");
    for (char c : {options.delimiter, '"', '\n', '\r'}) unquoted_stop[static_cast<unsigned char>(c)] = true;
    for (char c : {'"', '\n'}) quoted_stop[static_cast<unsigned char>(c)] = true;
  }

  bool next(CsvRecord& record);

  detail::StreamInput input;
  CsvOptions options;
  std::array<bool, 256> unquoted_stop{};
  std::array<bool, 256> quoted_stop{};
  std::string data;               // the record's field bytes, unquoted, back to back
  std::vector<std::size_t> ends;  // where each stored field ends in `data` (the first `field` of them)
};

bool CsvRecordReader::Impl::next(CsvRecord& record) {
  record.fields.clear();
  record.problem.reset();
  record.field_count = 0;
  data.clear();
  input.start();
  record.line = input.line;

  State state = State::field_start;
  bool content = false;     // anything besides a line break: a blank line is not a record
  bool discarding = false;  // past a limit: keep scanning to the record's end, store nothing
  std::size_t field = 0;    // index of the field being read
  std::size_t field_bytes = 0;
  std::size_t quote_field = 0;  // the field whose opening quote was read last

  auto problem = [&](ErrorKind kind, std::string reason) {
    if (!record.problem) record.problem = CsvRecord::Problem{field, kind, std::move(reason)};
  };
  // The limit checks stay out of the hot helpers below so that the compiler inlines them.
  auto past_a_limit = [&](std::size_t n) {
    if (field_bytes + n > options.max_field_bytes)
      problem(ErrorKind::limit, "the field is longer than the limit of " + std::to_string(options.max_field_bytes) + " bytes");
    else
      problem(ErrorKind::limit, "the row is longer than the limit of " + std::to_string(options.max_row_bytes) + " bytes");
    discarding = true;
  };
  auto too_many_fields = [&] {
    problem(ErrorKind::limit, "the row has more than the limit of " + std::to_string(options.max_fields) + " fields");
    discarding = true;
  };
  auto append = [&](const char* bytes, std::size_t n) {
    if (discarding) return;
    if (field_bytes + n <= options.max_field_bytes && data.size() + n <= options.max_row_bytes) {
      data.append(bytes, n);
      field_bytes += n;
    } else {
      past_a_limit(n);
    }
  };
  auto grow_ends = [&] { ends.push_back(data.size()); };
  auto end_field = [&] {
    if (field < ends.size())  // `ends` only grows: after the first rows this is the only branch taken
      ends[field] = data.size();
    else if (field < options.max_fields)
      grow_ends();
    else
      too_many_fields();
    ++field;
    field_bytes = 0;
  };
  auto finish = [&] {
    end_field();
    record.field_count = field;
    const std::size_t stored = std::min(field, ends.size());
    std::size_t begin = 0;
    for (std::size_t k = 0; k < stored; ++k) {
      record.fields.emplace_back(data.data() + begin, ends[k] - begin);
      begin = ends[k];
    }
    return true;
  };

  const char delimiter = options.delimiter;
  for (;;) {
    if (input.pos == input.end && !input.fill()) {
      if (state == State::quoted || state == State::quote_in_quoted) {
        if (state == State::quoted) {
          // An open quote swallows everything after it, so it explains any later problem too.
          record.problem = CsvRecord::Problem{quote_field, ErrorKind::parse,
                                              "a quoted field is not closed before the end of the input"};
        }
        return finish();
      }
      if (!content) return false;
      return finish();
    }
    const char* const buffer = input.buffer.data();
    const char c = buffer[input.pos];
    switch (state) {
      case State::field_start:
        if (c == '"') {
          ++input.pos;
          state = State::quoted;
          content = true;
          quote_field = field;
          continue;
        }
        [[fallthrough]];
      case State::unquoted: {
        std::size_t stop = input.pos;
        while (stop < input.end && !unquoted_stop[static_cast<unsigned char>(buffer[stop])]) ++stop;
        if (stop > input.pos) {
          append(buffer + input.pos, stop - input.pos);
          content = true;
          state = State::unquoted;
          input.pos = stop;
          if (stop == input.end) continue;
        }
        const char s = buffer[input.pos++];
        if (s == delimiter) {
          content = true;
          end_field();
          state = State::field_start;
        } else if (s == '\n') {
          ++input.line;
          if (content) return finish();
          record.line = input.line;  // a blank line
        } else if (s == '\r') {
          state = State::carriage_return;
        } else {
          problem(ErrorKind::parse, "a quote inside an unquoted field (RFC 4180: quote the whole field and write the quote twice)");
          append(&s, 1);
          content = true;
          state = State::unquoted;
        }
        continue;
      }
      case State::quoted: {
        std::size_t stop = input.pos;
        while (stop < input.end && !quoted_stop[static_cast<unsigned char>(buffer[stop])]) ++stop;
        if (stop > input.pos) {
          append(buffer + input.pos, stop - input.pos);
          input.pos = stop;
          if (stop == input.end) continue;
        }
        if (buffer[input.pos++] == '\n') {
          ++input.line;
          append("\n", 1);
        } else {
          state = State::quote_in_quoted;
        }
        continue;
      }
      case State::quote_in_quoted:
        if (c == '"') {
          ++input.pos;
          append("\"", 1);
          state = State::quoted;
        } else if (c == delimiter) {
          ++input.pos;
          end_field();
          state = State::field_start;
        } else if (c == '\n') {
          ++input.pos;
          ++input.line;
          return finish();
        } else if (c == '\r') {
          ++input.pos;
          state = State::carriage_return;
        } else {
          problem(ErrorKind::parse, "text after the closing quote of a quoted field");
          state = State::unquoted;
        }
        continue;
      case State::carriage_return:
        if (c == '\n') {
          ++input.pos;
          ++input.line;
          if (content) return finish();
          record.line = input.line;
          state = State::field_start;
        } else {
          problem(ErrorKind::parse, "a carriage return not followed by a line feed (lines must end with LF or CRLF)");
          append("\r", 1);
          content = true;
          state = State::unquoted;
        }
        continue;
    }
  }
}

CsvRecordReader::CsvRecordReader(std::istream& in, CsvOptions options)
    : impl_(std::make_unique<Impl>(in, options)) {}
CsvRecordReader::~CsvRecordReader() = default;
CsvRecordReader::CsvRecordReader(CsvRecordReader&&) noexcept = default;
CsvRecordReader& CsvRecordReader::operator=(CsvRecordReader&&) noexcept = default;
bool CsvRecordReader::next(CsvRecord& record) { return impl_->next(record); }
std::uint64_t CsvRecordReader::line() const noexcept { return impl_->input.line; }

namespace {

/// The longest column name a header may have.
constexpr std::size_t max_column_name_length = 256;

struct Column {
  enum class Kind : std::uint8_t { case_id, date, item, attribute, ignored };
  Kind kind = Kind::ignored;
  std::size_t item = 0;
};

std::string where(std::uint64_t line, std::size_t field) {
  return "line " + std::to_string(line) + (field ? ", column " + std::to_string(field) : std::string());
}

// The yes/no words a CSV cell may hold besides 0 and 1 (ASCII case folded; "sí" in any case).
std::optional<double> yes_no_word(std::string_view text) {
  if (text.size() > 5) return std::nullopt;
  std::string lower;
  for (char c : text) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (lower == "true" || lower == "yes" || lower == "si" || lower == "s\xc3\xad" || lower == "s\xc3\x8d") return 1.0;
  if (lower == "false" || lower == "no") return 0.0;
  return std::nullopt;
}

}  // namespace

struct CsvAssessmentReader::Impl {
  Impl(const Instrument& instr, std::unique_ptr<std::istream> owned_stream, std::istream& in, CsvReadOptions opts)
      : instrument(instr), owned(std::move(owned_stream)), records(in, opts.csv), options(std::move(opts)) {
    if (options.batch_rows == 0) throw InvalidArgument("batch_rows", "a batch must hold at least one row");
    read_header();
  }

  void read_header();
  bool next(AssessmentBatch& batch);
  bool read_row(AssessmentBatch& batch);
  std::string known_case_id(std::size_t before_field) const;

  Instrument instrument;
  std::unique_ptr<std::istream> owned;
  CsvRecordReader records;
  CsvReadOptions options;
  std::vector<std::string> columns;
  std::vector<std::string> attribute_columns;
  std::vector<Column> layout;
  std::size_t case_id_column = 0;
  CsvRecord record;
  ReadCounts counts;
};

void CsvAssessmentReader::Impl::read_header() {
  if (!records.next(record))
    throw ParseError(1, 0, "the input is empty: expected a header row naming the columns (case_id and item ids)");
  const std::uint64_t line = record.line;
  if (record.problem) {
    const auto& p = *record.problem;
    if (p.kind == ErrorKind::limit) throw LimitError(where(line, p.field + 1), "in the header: " + p.reason);
    throw ParseError(line, p.field + 1, "in the header: " + p.reason);
  }
  std::optional<std::size_t> case_id, date;
  std::vector<bool> item_present(instrument.item_count(), false);
  for (std::size_t k = 0; k < record.fields.size(); ++k) {
    const std::string_view name = record.fields[k];
    if (!detail::is_valid_utf8(name)) throw ParseError(line, k + 1, "the column name is not valid UTF-8");
    if (name.empty()) throw ValidationError(where(line, k + 1), "the column has no name");
    if (name.size() > max_column_name_length)
      throw LimitError(where(line, k + 1), "the column name is longer than the limit of " +
                                               std::to_string(max_column_name_length) + " bytes");
    for (std::size_t other = 0; other < k; ++other)
      if (columns[other] == name)
        throw ValidationError(where(line, k + 1), "the column \"" + std::string(name) + "\" appears twice (also column " +
                                                      std::to_string(other + 1) + ")");
    columns.emplace_back(name);
    Column column;
    if (name == "case_id") {
      column.kind = Column::Kind::case_id;
      case_id = k;
    } else if (name == "date") {
      column.kind = Column::Kind::date;
      date = k;
    } else if (auto item = instrument.find_item(name)) {
      column.kind = Column::Kind::item;
      column.item = *item;
      item_present[*item] = true;
    } else if (options.extra_columns == ExtraColumns::pass_through) {
      if (const char* problem = detail::attribute_name_problem(name)) throw ValidationError(where(line, k + 1), problem);
      column.kind = Column::Kind::attribute;
      attribute_columns.emplace_back(name);
    } else if (options.extra_columns == ExtraColumns::reject) {
      throw ValidationError(where(line, k + 1), "the column \"" + std::string(name) + "\" is neither case_id, date nor an item of " +
                                                    instrument.id() + " " + instrument.version());
    }
    layout.push_back(column);
  }
  if (!case_id) throw ValidationError(where(line, 0), "the header has no case_id column");
  case_id_column = *case_id;
  std::string missing_required;
  for (std::size_t j = 0; j < instrument.item_count(); ++j)
    if (!item_present[j] && instrument.items()[j].required)
      missing_required += (missing_required.empty() ? "" : ", ") + instrument.items()[j].id;
  if (!missing_required.empty())
    throw ValidationError(where(line, 0), "the header has no column for the required item(s) " + missing_required);
}

std::string CsvAssessmentReader::Impl::known_case_id(std::size_t before_field) const {
  if (case_id_column >= before_field || case_id_column >= record.fields.size()) return {};
  const std::string_view id = record.fields[case_id_column];
  if (!detail::is_valid_utf8(id) || detail::case_id_problem(id)) return {};
  return std::string(id);
}

bool CsvAssessmentReader::Impl::read_row(AssessmentBatch& batch) {
  auto reject = [&](std::size_t field, ErrorKind kind, std::string reason, std::string case_id) {
    batch.discard_row();
    RowError error;
    error.line = record.line;
    error.column = field < columns.size() ? columns[field] : std::string();
    error.position = field + 1;
    error.case_id = std::move(case_id);
    error.kind = kind;
    error.reason = std::move(reason);
    batch.add_error(std::move(error));
    return false;
  };
  if (record.problem) {
    const auto& p = *record.problem;
    return reject(p.field, p.kind, p.reason, known_case_id(p.field));
  }
  const std::size_t expected = columns.size();
  if (record.field_count != expected) {
    const std::size_t field = std::min(record.field_count, expected);
    return reject(field, ErrorKind::parse,
                  "the row has " + std::to_string(record.field_count) + " fields; the header has " + std::to_string(expected),
                  known_case_id(field));
  }
  // The fields lie back to back: one pass over them all settles the common all-ASCII row.
  const bool ascii = expected == 0 || detail::is_ascii(std::string_view(
      record.fields.front().data(),
      static_cast<std::size_t>(record.fields.back().data() + record.fields.back().size() - record.fields.front().data())));
  for (std::size_t k = 0; k < expected && !ascii; ++k)
    if (!detail::is_valid_utf8(record.fields[k]))
      return reject(k, ErrorKind::parse,
                    "the field is not valid UTF-8 (pact reads UTF-8 text; convert a Latin-1 or Windows-1252 file first)",
                    known_case_id(k));
  const std::string_view id = record.fields[case_id_column];
  if (const char* problem = detail::case_id_problem(id)) return reject(case_id_column, ErrorKind::validation, problem, {});

  const std::span<double> row = batch.begin_row(record.line);
  batch.set_case_id(id);
  for (std::size_t k = 0; k < expected; ++k) {
    const std::string_view field = record.fields[k];
    const Column& column = layout[k];
    switch (column.kind) {
      case Column::Kind::case_id:
      case Column::Kind::ignored: break;
      case Column::Kind::date:
        if (field.empty()) break;
        if (!detail::is_iso_date(field))
          return reject(k, ErrorKind::validation, "expected a calendar date written YYYY-MM-DD", std::string(id));
        batch.set_date(field);
        break;
      case Column::Kind::attribute:
        if (field.empty()) break;
        if (const char* problem = detail::attribute_value_problem(field))
          return reject(k, ErrorKind::validation, problem, std::string(id));
        batch.add_attribute(columns[k], field);
        break;
      case Column::Kind::item: {
        const std::size_t j = column.item;
        const Item& item = instrument.items()[j];
        const std::string_view text = detail::trim_blanks(field);
        double value = missing;
        if (!text.empty()) {
          bool out_of_range = false;
          std::optional<double> parsed = detail::parse_number(text, out_of_range);
          if (!parsed && item.type == ResponseType::yes_no) parsed = yes_no_word(text);
          if (!parsed)
            return reject(k, ErrorKind::validation,
                          out_of_range ? "the number is too large for a double"
                          : item.type == ResponseType::yes_no
                              ? "expected 0 or 1, true or false, yes or no (got text that is none of them)"
                              : std::string("expected a number (the item is ") + to_string(item.type) +
                                    "), got text that is not one",
                          std::string(id));
          value = *parsed;
        }
        const ResponseStatus status = check_response(instrument, j, value);
        if (status != ResponseStatus::ok)
          return reject(k, ErrorKind::validation, describe_response_problem(instrument, j, status, value), std::string(id));
        row[j] = value;
        break;
      }
    }
  }
  batch.commit_row();
  return true;
}

bool CsvAssessmentReader::Impl::next(AssessmentBatch& batch) {
  batch.reset(instrument.item_count(), options.batch_rows);
  while (batch.rows_read() < options.batch_rows && records.next(record)) {
    ++counts.read;
    if (read_row(batch))
      ++counts.accepted;
    else
      ++counts.rejected;
  }
  batch.finish();
  return batch.rows_read() > 0;
}

CsvAssessmentReader::CsvAssessmentReader(const Instrument& instrument, std::istream& in, CsvReadOptions options)
    : impl_(std::make_unique<Impl>(instrument, nullptr, in, std::move(options))) {}

CsvAssessmentReader::CsvAssessmentReader(const Instrument& instrument, const std::filesystem::path& file,
                                         CsvReadOptions options) {
  auto stream = detail::open_input_file(file);
  std::istream& in = *stream;
  impl_ = std::make_unique<Impl>(instrument, std::move(stream), in, std::move(options));
}

CsvAssessmentReader::~CsvAssessmentReader() = default;
CsvAssessmentReader::CsvAssessmentReader(CsvAssessmentReader&&) noexcept = default;
CsvAssessmentReader& CsvAssessmentReader::operator=(CsvAssessmentReader&&) noexcept = default;
bool CsvAssessmentReader::next(AssessmentBatch& batch) { return impl_->next(batch); }
const std::vector<std::string>& CsvAssessmentReader::columns() const noexcept { return impl_->columns; }
const std::vector<std::string>& CsvAssessmentReader::attribute_columns() const noexcept {
  return impl_->attribute_columns;
}
ReadCounts CsvAssessmentReader::counts() const noexcept { return impl_->counts; }

}  // namespace pact
