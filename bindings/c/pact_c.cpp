// The C API (pact.h) over the C++ library. A shim only: every entry point checks and converts
// its arguments, calls the C++ API, and turns exceptions into status codes and the thread-local
// last error. No formula lives here; scoring, risk and counting are the C++ headers' own.

#include "pact.h"

// pact.h repeats the version macros for C hosts; hold its values, let pact/version.hpp define
// the macros again, and require both headers to agree.
namespace {
constexpr int c_header_version[] = {PACT_VERSION_MAJOR, PACT_VERSION_MINOR, PACT_VERSION_PATCH, PACT_VERSION_NUMBER};
}  // namespace
#undef PACT_VERSION_MAJOR
#undef PACT_VERSION_MINOR
#undef PACT_VERSION_PATCH
#undef PACT_VERSION_NUMBER

#include "pact/audit.hpp"
#include "pact/bundle.hpp"
#include "pact/casework.hpp"
#include "pact/counting.hpp"
#include "pact/error.hpp"
#include "pact/formats/assessment_json.hpp"
#include "pact/formats/casework.hpp"
#include "pact/formats/result.hpp"
#include "pact/instrument.hpp"
#include "pact/matrix.hpp"
#include "pact/risk_model.hpp"
#include "pact/scoring.hpp"
#include "pact/version.hpp"

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <sstream>
#include <tuple>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

static_assert(c_header_version[0] == PACT_VERSION_MAJOR && c_header_version[1] == PACT_VERSION_MINOR &&
                  c_header_version[2] == PACT_VERSION_PATCH && c_header_version[3] == PACT_VERSION_NUMBER,
              "bindings/c/pact.h and include/pact/version.hpp disagree on the version");

// The handles. A pact_instrument is a copy of an Instrument (which shares its immutable data);
// a pact_model holds its model and a handle to the model's instrument for pact_model_instrument().
struct pact_instrument {
  pact::Instrument instrument;
};

struct pact_model {
  pact::RiskModel model;
  pact_instrument instrument;
};

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------------------------
// The last error: one per thread, in this translation unit only, with no length limit.

struct LastError {
  std::string message;
  std::string where;
  bool lost = false;  // recording the error itself ran out of memory
};

thread_local LastError last_error;

void clear_error() noexcept {
  last_error.message.clear();  // keeps the capacity: a successful call allocates nothing here
  last_error.where.clear();
  last_error.lost = false;
}

pact_status record_error(pact_status status, const char* message, const char* where) noexcept {
  try {
    last_error.message = message;
    last_error.where = where;
    last_error.lost = false;
  } catch (...) {
    last_error.message.clear();
    last_error.where.clear();
    last_error.lost = true;
  }
  return status;
}

pact_status status_of(pact::ErrorKind kind) noexcept {
  switch (kind) {
    case pact::ErrorKind::invalid_argument: return PACT_ERROR_INVALID_ARGUMENT;
    case pact::ErrorKind::parse: return PACT_ERROR_PARSE;
    case pact::ErrorKind::validation: return PACT_ERROR_VALIDATION;
    case pact::ErrorKind::io: return PACT_ERROR_IO;
    case pact::ErrorKind::limit: return PACT_ERROR_LIMIT;
    case pact::ErrorKind::internal: return PACT_ERROR_INTERNAL;
  }
  return PACT_ERROR_INTERNAL;
}

// Runs one entry point's body: clears the last error, and turns whatever escapes into a status.
template <class Body>
pact_status guarded(Body&& body) noexcept {
  try {
    clear_error();
    body();
    return PACT_OK;
  } catch (const pact::Error& e) {
    return record_error(status_of(e.kind()), e.what(), e.where().c_str());
  } catch (const std::bad_alloc&) {
    return record_error(PACT_ERROR_OUT_OF_MEMORY, "out of memory", "");
  } catch (const std::exception& e) {
    try {
      const std::string message = std::string("internal error: ") + e.what();
      return record_error(PACT_ERROR_INTERNAL, message.c_str(), "");
    } catch (...) {
      return record_error(PACT_ERROR_INTERNAL, "internal error", "");
    }
  } catch (...) {
    return record_error(PACT_ERROR_INTERNAL, "internal error: an unknown exception", "");
  }
}

// ---------------------------------------------------------------------------------------------
// Arguments.

[[noreturn]] void null_argument(const char* name) { throw pact::InvalidArgument(name, "expected a pointer, got NULL"); }

template <class T>
T& need(T* pointer, const char* name) {
  if (!pointer) null_argument(name);
  return *pointer;
}

const char* need_text(const char* text, const char* name) {
  if (!text) null_argument(name);
  return text;
}

std::string_view text_arg(const char* text, std::size_t length, const char* name) {
  need_text(text, name);
  return length == PACT_NUL_TERMINATED ? std::string_view(text) : std::string_view(text, length);
}

std::string_view lang_arg(const char* lang) { return lang ? std::string_view(lang) : std::string_view(); }

// Checks a caller's structure: present, and at least as large as this version's.
template <class Struct>
Struct& struct_arg(Struct* s, const char* name, const char* type) {
  if (!s) null_argument(name);
  if (s->struct_size < sizeof(Struct))
    throw pact::InvalidArgument(std::string(name) + "->struct_size",
                                "expected at least sizeof(" + std::string(type) + ") = " + std::to_string(sizeof(Struct)) +
                                    ", got " + std::to_string(s->struct_size));
  return *s;
}

void index_arg(std::size_t index, std::size_t count, const char* name, const char* what) {
  if (index >= count)
    throw pact::InvalidArgument(name, "expected " + std::string(what) + " index below " + std::to_string(count) +
                                          ", got " + std::to_string(index));
}

// Views a caller's row-major matrix, checking the pointer, the stride and the extent.
pact::ConstRowMatrixView rows_arg(const double* data, std::size_t rows, std::size_t cols, std::size_t row_stride,
                                  const char* name, const char* per) {
  if (!data && rows > 0) null_argument(name);
  if (row_stride < cols)
    throw pact::InvalidArgument("row_stride", "expected at least " + std::to_string(cols) + " (one value per " + per +
                                                  "), got " + std::to_string(row_stride));
  constexpr auto largest = static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max());
  if (rows > largest || row_stride > largest || (rows > 0 && row_stride > largest / rows))
    throw pact::InvalidArgument("rows", "rows * row_stride (" + std::to_string(rows) + " * " +
                                            std::to_string(row_stride) + ") is larger than memory");
  return pact::view_rows(data, static_cast<std::ptrdiff_t>(rows), static_cast<std::ptrdiff_t>(cols),
                         static_cast<std::ptrdiff_t>(row_stride));
}

// A string the caller owns and releases with pact_string_free().
char* caller_string(const std::string& text) {
  auto* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (!copy) throw std::bad_alloc();
  std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

double or_nan(const std::optional<double>& value) { return value.value_or(not_a_number); }

pact::ResultOptions result_options(const char* lang) {
  pact::ResultOptions options;
  options.language = std::string(lang_arg(lang));
  return options;
}

pact::BatchOutputs instrument_outputs(const pact_batch_output& o) {
  pact::BatchOutputs out;
  out.dimension_scores = o.dimension_scores;
  out.dimension_coverage = o.dimension_coverage;
  out.item_severities = o.item_severities;
  out.composite = o.composite;
  out.composite_coverage = o.composite_coverage;
  out.level = o.level;
  out.deprivation_score = o.deprivation_score;
  out.deprived_count = o.deprived_count;
  out.status = o.status;
  out.error_item = o.error_item;
  return out;
}

void write_summary(const pact::BatchSummary& s, pact_batch_summary* summary) {
  if (!summary) return;
  summary->rows = s.rows;
  summary->scored = s.scored;
  summary->rejected = s.rejected;
}

void write_counting(const pact::CountingResult& r, pact_counting_result& out) {
  const pact::CountingMeasures& m = r.total;
  out.n = m.n;
  out.q = m.q;
  out.incomplete = r.incomplete;
  out.H = m.H;
  out.A = m.A;
  out.M0 = m.M0;
  out.M = m.M;
  const auto copy = [](const std::vector<double>& from, double* to) {
    if (to) std::memcpy(to, from.data(), from.size() * sizeof(double));
  };
  copy(m.uncensored_headcount, out.uncensored_headcount);
  copy(m.censored_headcount, out.censored_headcount);
  copy(m.contribution, out.contribution);
}

std::string make_build_info() {
  using nlohmann::json;
  json info;
  info["name"] = "pact";
  info["version"] = pact::version_string;
  info["version_number"] = pact::version_number;
#if defined(__clang__)
  info["compiler"] = "clang " __clang_version__;
#elif defined(__GNUC__)
  info["compiler"] = "GCC " __VERSION__;
#elif defined(_MSC_VER)
  info["compiler"] = "MSVC " + std::to_string(_MSC_VER);
#else
  info["compiler"] = "unknown";
#endif
  info["cplusplus"] = static_cast<long>(__cplusplus);
#ifdef PACT_C_BUILD_TYPE
  info["build_type"] = PACT_C_BUILD_TYPE;
#else
  info["build_type"] = "";
#endif
  info["dependencies"] = {
      {"eigen", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
                    std::to_string(EIGEN_MINOR_VERSION)},
      {"nlohmann_json", std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." + std::to_string(NLOHMANN_JSON_VERSION_MINOR) +
                            "." + std::to_string(NLOHMANN_JSON_VERSION_PATCH)},
      {"openssl", OpenSSL_version(OPENSSL_VERSION)}};
  info["bundles"] = true;
  const pact::RiskModel& model = pact::RiskModel::bundled();
  const pact::Instrument& instrument = model.instrument();
  info["instrument"] = {{"id", instrument.id()}, {"version", instrument.version()}, {"hash", instrument.hash()}};
  info["model"] = {{"id", model.id()},
                   {"version", model.version()},
                   {"hash", model.hash()},
                   {"status", pact::to_string(model.provenance().status)}};
  return info.dump();
}

}  // namespace

// =============================================================================================
// Version, build information and errors

extern "C" {

int pact_version_number(void) { return pact::version_number; }

const char* pact_version_string(void) { return pact::version_string; }

const char* pact_build_info(void) {
  static const std::string info = []() noexcept {
    try {
      return make_build_info();
    } catch (...) {
      return std::string();
    }
  }();
  return info.empty() ? "{\"name\":\"pact\",\"version\":\"" PACT_VERSION_STRING "\"}" : info.c_str();
}

const char* pact_last_error(void) {
  return last_error.lost ? "out of memory while recording an error" : last_error.message.c_str();
}

const char* pact_last_error_where(void) { return last_error.where.c_str(); }

const char* pact_status_name(pact_status status) {
  switch (status) {
    case PACT_OK: return "PACT_OK";
    case PACT_ERROR_INVALID_ARGUMENT: return "PACT_ERROR_INVALID_ARGUMENT";
    case PACT_ERROR_PARSE: return "PACT_ERROR_PARSE";
    case PACT_ERROR_VALIDATION: return "PACT_ERROR_VALIDATION";
    case PACT_ERROR_IO: return "PACT_ERROR_IO";
    case PACT_ERROR_OUT_OF_MEMORY: return "PACT_ERROR_OUT_OF_MEMORY";
    case PACT_ERROR_LIMIT: return "PACT_ERROR_LIMIT";
    case PACT_ERROR_INTERNAL: return "PACT_ERROR_INTERNAL";
  }
  return "PACT_ERROR_UNKNOWN";
}

void pact_string_free(char* string) { std::free(string); }

// =============================================================================================
// Instruments

pact_status pact_instrument_load_file(const char* path, pact_instrument** out) {
  return guarded([&] {
    pact_instrument*& handle = need(out, "out");
    handle = nullptr;
    handle = new pact_instrument{pact::Instrument::load(need_text(path, "path"))};
  });
}

pact_status pact_instrument_load_json(const char* json, std::size_t length, pact_instrument** out) {
  return guarded([&] {
    pact_instrument*& handle = need(out, "out");
    handle = nullptr;
    handle = new pact_instrument{pact::Instrument::parse(text_arg(json, length, "json"))};
  });
}

pact_status pact_instrument_default(pact_instrument** out) {
  return guarded([&] {
    pact_instrument*& handle = need(out, "out");
    handle = nullptr;
    handle = new pact_instrument{pact::Instrument::bundled()};
  });
}

void pact_instrument_free(pact_instrument* instrument) { delete instrument; }

pact_status pact_instrument_info(const pact_instrument* instrument, const char** id, const char** version,
                                 const char** hash) {
  return guarded([&] {
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    if (id) *id = i.id().c_str();
    if (version) *version = i.version().c_str();
    if (hash) *hash = i.hash().c_str();
  });
}

pact_status pact_instrument_name(const pact_instrument* instrument, const char* lang, const char** name) {
  return guarded([&] {
    const char*& out = need(name, "name");
    out = need(instrument, "instrument").instrument.name().in(lang_arg(lang)).c_str();
  });
}

pact_status pact_instrument_languages(const pact_instrument* instrument, const char** default_language,
                                      std::size_t* count) {
  return guarded([&] {
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    if (default_language) *default_language = i.default_language().c_str();
    if (count) *count = i.languages().size();
  });
}

pact_status pact_instrument_language(const pact_instrument* instrument, std::size_t index, const char** language) {
  return guarded([&] {
    const char*& out = need(language, "language");
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    index_arg(index, i.languages().size(), "index", "a language");
    out = i.languages()[index].c_str();
  });
}

std::size_t pact_instrument_dimension_count(const pact_instrument* instrument) {
  return instrument ? instrument->instrument.dimension_count() : 0;
}

std::size_t pact_instrument_item_count(const pact_instrument* instrument) {
  return instrument ? instrument->instrument.item_count() : 0;
}

std::size_t pact_instrument_level_count(const pact_instrument* instrument) {
  return instrument ? instrument->instrument.levels().size() : 0;
}

pact_status pact_instrument_dimension(const pact_instrument* instrument, std::size_t index, const char* lang,
                                      pact_dimension_info* out) {
  return guarded([&] {
    pact_dimension_info& info = struct_arg(out, "out", "pact_dimension_info");
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    index_arg(index, i.dimension_count(), "index", "a dimension");
    const pact::Dimension& d = i.dimensions()[index];
    const std::string_view language = lang_arg(lang);
    info.id = d.id.c_str();
    info.label = d.label.in(language).c_str();
    info.description = d.description.in(language).c_str();
    info.weight = d.weight;
    info.normalized_weight = d.normalized_weight;
    info.min_coverage = d.min_coverage;
    info.deprivation_cutoff = d.deprivation_cutoff;
    info.critical_cutoff = or_nan(d.critical_cutoff);
    info.item_count = d.items.size();
  });
}

pact_status pact_instrument_item(const pact_instrument* instrument, std::size_t index, const char* lang,
                                 pact_item_info* out) {
  return guarded([&] {
    pact_item_info& info = struct_arg(out, "out", "pact_item_info");
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    index_arg(index, i.item_count(), "index", "an item");
    const pact::Item& item = i.items()[index];
    const std::string_view language = lang_arg(lang);
    // The C enumerators are the C++ ones, in the same order.
    static_assert(PACT_RESPONSE_ORDINAL == static_cast<int>(pact::ResponseType::ordinal) &&
                  PACT_RESPONSE_YES_NO == static_cast<int>(pact::ResponseType::yes_no) &&
                  PACT_RESPONSE_COUNT == static_cast<int>(pact::ResponseType::count) &&
                  PACT_RESPONSE_MONTHS == static_cast<int>(pact::ResponseType::months) &&
                  PACT_RESPONSE_AMOUNT == static_cast<int>(pact::ResponseType::amount));
    const bool numeric = item.type != pact::ResponseType::ordinal && item.type != pact::ResponseType::yes_no;
    info.id = item.id.c_str();
    info.dimension_id = i.dimensions()[item.dimension].id.c_str();
    info.dimension_index = item.dimension;
    info.label = item.label.in(language).c_str();
    info.question = item.question.in(language).c_str();
    info.type = static_cast<pact_response_type>(item.type);
    info.required = item.required ? 1 : 0;
    info.weight = item.weight;
    info.weight_in_dimension = item.weight_in_dimension;
    info.critical_cutoff = or_nan(item.critical_cutoff);
    info.option_count = item.options.size();
    info.min_value = numeric ? item.min_value : not_a_number;
    info.max_value = numeric ? item.max_value : not_a_number;
    info.unit = numeric ? item.unit.in(language).c_str() : "";
  });
}

pact_status pact_instrument_option(const pact_instrument* instrument, std::size_t item, std::size_t option,
                                   const char* lang, pact_option_info* out) {
  return guarded([&] {
    pact_option_info& info = struct_arg(out, "out", "pact_option_info");
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    index_arg(item, i.item_count(), "item", "an item");
    const pact::Item& it = i.items()[item];
    if (it.type != pact::ResponseType::ordinal)
      throw pact::InvalidArgument("item", "item " + it.id + " is " + pact::to_string(it.type) +
                                              ", not ordinal: it has no options");
    index_arg(option, it.options.size(), "option", "an option");
    const pact::ResponseOption& o = it.options[option];
    const std::string_view language = lang_arg(lang);
    info.value = o.value;
    info.label = o.label.in(language).c_str();
    info.anchor = o.anchor.in(language).c_str();
    info.severity = o.severity;
  });
}

pact_status pact_instrument_level(const pact_instrument* instrument, std::size_t index, const char* lang,
                                  pact_level_info* out) {
  return guarded([&] {
    pact_level_info& info = struct_arg(out, "out", "pact_level_info");
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    index_arg(index, i.levels().size(), "index", "a level");
    const pact::Level& level = i.levels()[index];
    const std::string_view language = lang_arg(lang);
    info.id = level.id.c_str();
    info.label = level.label.in(language).c_str();
    info.description = level.description.in(language).c_str();
    info.min_score = level.min_score;
  });
}

pact_status pact_instrument_find_item(const pact_instrument* instrument, const char* item_id, std::size_t* index) {
  return guarded([&] {
    std::size_t& out = need(index, "index");
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    const std::string_view id = need_text(item_id, "item_id");
    const std::optional<std::size_t> found = i.find_item(id);
    if (!found)
      throw pact::ValidationError("item_id", "no item \"" + std::string(id) + "\" in instrument " + i.id() + " " +
                                                 i.version());
    out = *found;
  });
}

// =============================================================================================
// Risk models

pact_status pact_model_load_file(const char* path, const pact_instrument* instrument, pact_model** out) {
  return guarded([&] {
    pact_model*& handle = need(out, "out");
    handle = nullptr;
    const char* file = need_text(path, "path");
    pact::RiskModel model = pact::RiskModel::load(file, need(instrument, "instrument").instrument);
    handle = new pact_model{model, pact_instrument{model.instrument()}};
  });
}

pact_status pact_model_load_json(const char* json, std::size_t length, const pact_instrument* instrument,
                                 pact_model** out) {
  return guarded([&] {
    pact_model*& handle = need(out, "out");
    handle = nullptr;
    const std::string_view text = text_arg(json, length, "json");
    pact::RiskModel model = pact::RiskModel::parse(text, need(instrument, "instrument").instrument);
    handle = new pact_model{model, pact_instrument{model.instrument()}};
  });
}

pact_status pact_model_default(pact_model** out) {
  return guarded([&] {
    pact_model*& handle = need(out, "out");
    handle = nullptr;
    const pact::RiskModel& model = pact::RiskModel::bundled();
    handle = new pact_model{model, pact_instrument{model.instrument()}};
  });
}

pact_status pact_model_load_bundle(const char* path, pact_model** out) {
  return guarded([&] {
    pact_model*& handle = need(out, "out");
    handle = nullptr;
    const pact::RiskModel model = pact::read_bundle(need_text(path, "path"));
    handle = new pact_model{model, pact_instrument{model.instrument()}};
  });
}

pact_status pact_bundle_write(const pact_model* model, const char* path) {
  return guarded([&] { pact::write_bundle(need_text(path, "path"), need(model, "model").model); });
}

void pact_model_free(pact_model* model) { delete model; }

const pact_instrument* pact_model_instrument(const pact_model* model) { return model ? &model->instrument : nullptr; }

pact_status pact_model_info(const pact_model* model, const char** id, const char** version, const char** hash,
                            const char** status) {
  return guarded([&] {
    const pact::RiskModel& m = need(model, "model").model;
    if (id) *id = m.id().c_str();
    if (version) *version = m.version().c_str();
    if (hash) *hash = m.hash().c_str();
    if (status) *status = pact::to_string(m.provenance().status);
  });
}

pact_status pact_model_horizon(const pact_model* model, int* months) {
  return guarded([&] {
    int& out = need(months, "months");
    out = need(model, "model").model.horizon_months();
  });
}

std::size_t pact_model_band_count(const pact_model* model) { return model ? model->model.bands().size() : 0; }

pact_status pact_model_band(const pact_model* model, std::size_t index, const char* lang, pact_band_info* out) {
  return guarded([&] {
    pact_band_info& info = struct_arg(out, "out", "pact_band_info");
    const pact::RiskModel& m = need(model, "model").model;
    index_arg(index, m.bands().size(), "index", "a band");
    const pact::RiskBand& band = m.bands()[index];
    info.id = band.id.c_str();
    info.label = band.label.in(lang_arg(lang)).c_str();
    info.min_probability = band.min_probability;
  });
}

// =============================================================================================
// Scoring one assessment

pact_status pact_instrument_score_json(const pact_instrument* instrument, const char* assessment_json,
                                       std::size_t length, const char* lang, char** result_json) {
  return guarded([&] {
    char*& result = need(result_json, "result_json");
    result = nullptr;
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    const pact::Assessment assessment =
        pact::read_assessment_json(i, text_arg(assessment_json, length, "assessment_json"));
    result = caller_string(pact::scored_result_json(i, assessment, result_options(lang)));
  });
}

pact_status pact_model_score_json(const pact_model* model, const char* assessment_json, std::size_t length,
                                  const char* lang, char** result_json) {
  return guarded([&] {
    char*& result = need(result_json, "result_json");
    result = nullptr;
    const pact::RiskModel& m = need(model, "model").model;
    const pact::Instrument& i = m.instrument();
    const pact::Assessment assessment =
        pact::read_assessment_json(i, text_arg(assessment_json, length, "assessment_json"));
    result = caller_string(pact::scored_result_json(m, assessment, result_options(lang)));
  });
}

// =============================================================================================
// Scoring many assessments

pact_status pact_describe_row_status(const pact_instrument* instrument, std::int32_t status, std::int32_t item,
                                     double value, char** text) {
  return guarded([&] {
    char*& out = need(text, "text");
    out = nullptr;
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    if (status < PACT_ROW_OK || status > PACT_ROW_ABOVE_MAXIMUM)
      throw pact::InvalidArgument("status", "expected a PACT_ROW_ code (0 to " + std::to_string(PACT_ROW_ABOVE_MAXIMUM) +
                                                "), got " + std::to_string(status));
    if (item < 0) throw pact::InvalidArgument("item", "expected an item index, got " + std::to_string(item));
    index_arg(static_cast<std::size_t>(item), i.item_count(), "item", "an item");
    out = caller_string(pact::describe_response_problem(i, static_cast<std::size_t>(item),
                                                        static_cast<pact::ResponseStatus>(status), value));
  });
}

pact_status pact_instrument_score_batch(const pact_instrument* instrument, const double* responses, std::size_t rows,
                                        std::size_t row_stride, unsigned threads, const pact_batch_output* output,
                                        pact_batch_summary* summary) {
  return guarded([&] {
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    if (summary) struct_arg(summary, "summary", "pact_batch_summary");
    pact::BatchOutputs out;
    if (output) {
      const pact_batch_output& o = struct_arg(output, "output", "pact_batch_output");
      const std::pair<const void*, const char*> risk_members[] = {{o.linear_predictor, "output->linear_predictor"},
                                                                  {o.risk, "output->risk"},
                                                                  {o.band, "output->band"},
                                                                  {o.risk_status, "output->risk_status"},
                                                                  {o.imputed_features, "output->imputed_features"}};
      for (const auto& [pointer, name] : risk_members)
        if (pointer)
          throw pact::InvalidArgument(name, "risk outputs need a model: use pact_model_score_batch, or set it to NULL");
      out = instrument_outputs(o);
    }
    const auto view = rows_arg(responses, rows, i.item_count(), row_stride, "responses", "item");
    write_summary(pact::score_batch(i, view, out, threads), summary);
  });
}

pact_status pact_model_score_batch(const pact_model* model, const double* responses, std::size_t rows,
                                   std::size_t row_stride, unsigned threads, const pact_batch_output* output,
                                   pact_batch_summary* summary) {
  return guarded([&] {
    const pact::RiskModel& m = need(model, "model").model;
    if (summary) struct_arg(summary, "summary", "pact_batch_summary");
    pact::RiskBatchOutputs out;
    if (output) {
      const pact_batch_output& o = struct_arg(output, "output", "pact_batch_output");
      out.instrument = instrument_outputs(o);
      out.linear_predictor = o.linear_predictor;
      out.probability = o.risk;
      out.band = o.band;
      out.risk_status = o.risk_status;
      out.imputed_features = o.imputed_features;
    }
    const auto view = rows_arg(responses, rows, m.instrument().item_count(), row_stride, "responses", "item");
    write_summary(pact::score_risk_batch(m, view, out, threads), summary);
  });
}

// The C status codes are the C++ ones.
static_assert(PACT_ROW_MISSING_REQUIRED == static_cast<int>(pact::ResponseStatus::missing_required) &&
              PACT_ROW_NOT_FINITE == static_cast<int>(pact::ResponseStatus::not_finite) &&
              PACT_ROW_NOT_INTEGER == static_cast<int>(pact::ResponseStatus::not_integer) &&
              PACT_ROW_NOT_AN_OPTION == static_cast<int>(pact::ResponseStatus::not_an_option) &&
              PACT_ROW_BELOW_MINIMUM == static_cast<int>(pact::ResponseStatus::below_minimum) &&
              PACT_ROW_ABOVE_MAXIMUM == static_cast<int>(pact::ResponseStatus::above_maximum));
static_assert(PACT_RISK_REJECTED_BY_INSTRUMENT == static_cast<int>(pact::RiskStatus::rejected_by_instrument) &&
              PACT_RISK_MISSING_DURATION == static_cast<int>(pact::RiskStatus::missing_duration) &&
              PACT_RISK_NOT_FINITE == static_cast<int>(pact::RiskStatus::not_finite));

}  // extern "C"

// =============================================================================================
// Proactive casework

namespace {

pact::ChangeJsonOptions change_options(const char* lang, const char* as_of) {
  pact::ChangeJsonOptions options;
  options.language = std::string(lang_arg(lang));
  if (as_of) options.as_of = as_of;
  return options;
}

pact::PrioritiesJsonOptions priority_options(const pact_priority_options* o) {
  pact::PrioritiesJsonOptions options;
  if (!o) return options;
  const pact_priority_options& p = struct_arg(o, "options", "pact_priority_options");
  options.language = std::string(lang_arg(p.lang));
  if (p.as_of) options.as_of = p.as_of;
  if (p.group_by) options.group_by = p.group_by;
  options.capacity.capacity = p.capacity;
  if (!p.group_capacities && p.group_capacity_count > 0) null_argument("options->group_capacities");
  for (std::size_t g = 0; g < p.group_capacity_count; ++g) {
    const pact_group_capacity& c = p.group_capacities[g];
    if (!c.group) null_argument(("options->group_capacities[" + std::to_string(g) + "].group").c_str());
    options.capacity.capacity_by_group.emplace_back(c.group, c.capacity);
  }
  return options;
}

pact::ProfessionalOverride override_arg(const pact_override* o) {
  const pact_override& ov = struct_arg(o, "override_", "pact_override");
  // A C caller may store any int in the enum; loading it as the C++ enum type would be undefined
  // behaviour outside the enumerators' range, so the bytes are read as an integer.
  static_assert(sizeof(ov.target) == sizeof(int));
  int target = 0;
  std::memcpy(&target, &ov.target, sizeof target);
  if (target != PACT_OVERRIDE_LEVEL && target != PACT_OVERRIDE_BAND)
    throw pact::InvalidArgument("override_->target",
                                "expected PACT_OVERRIDE_LEVEL or PACT_OVERRIDE_BAND, got " + std::to_string(target));
  pact::ProfessionalOverride out;
  out.target = target == PACT_OVERRIDE_LEVEL ? pact::ProfessionalOverride::Target::level
                                             : pact::ProfessionalOverride::Target::band;
  out.value = need_text(ov.value, "override_->value");
  out.professional_id = need_text(ov.professional_id, "override_->professional_id");
  out.timestamp = ov.timestamp ? std::string(ov.timestamp) : pact::utc_now();
  out.reason = need_text(ov.reason, "override_->reason");
  return out;
}

bool is_hex_digest(std::string_view text) {
  if (text.size() != 64) return false;
  for (const char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

// An audit writer: the chain's state, and the file records go to (none for a memory writer).
// One AuditWriter is made per record, so that the state moves on only once the record is
// stored; the lock orders records from several threads.
struct pact_audit {
  pact::Instrument instrument;
  std::optional<pact::RiskModel> model;
  std::string path;      // "" for a memory writer
  std::FILE* file = nullptr;
  bool failed = false;   // a write failed: the file may end with a partial record
  std::string previous;  // the digest of the last record
  std::uint64_t next_sequence = 1;
  std::uint64_t records = 0;
  mutable std::mutex lock;

  ~pact_audit() {
    if (file) std::fclose(file);
  }
};

namespace {

pact_audit* new_audit(const pact_instrument* instrument, const pact_model* model) {
  const pact::Instrument& i = need(instrument, "instrument").instrument;
  if (model && model->model.instrument().hash() != i.hash())
    throw pact::InvalidArgument("model", "the model reads another instrument than the audit log's");
  auto* audit = new pact_audit{i, std::nullopt, {}, nullptr, false, pact::audit_genesis(), 1, 0, {}};
  if (model) audit->model = model->model;
  return audit;
}

}  // namespace

extern "C" {

pact_status pact_instrument_compare_json(const pact_instrument* instrument, const char* before_json,
                                         std::size_t before_length, const char* after_json, std::size_t after_length,
                                         const char* lang, const char* as_of, char** change_json) {
  return guarded([&] {
    char*& out = need(change_json, "change_json");
    out = nullptr;
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    out = caller_string(pact::change_json(i, nullptr, text_arg(before_json, before_length, "before_json"),
                                          text_arg(after_json, after_length, "after_json"), change_options(lang, as_of)));
  });
}

pact_status pact_model_compare_json(const pact_model* model, const char* before_json, std::size_t before_length,
                                    const char* after_json, std::size_t after_length, const char* lang,
                                    const char* as_of, char** change_json) {
  return guarded([&] {
    char*& out = need(change_json, "change_json");
    out = nullptr;
    const pact::RiskModel& m = need(model, "model").model;
    out = caller_string(pact::change_json(m.instrument(), &m, text_arg(before_json, before_length, "before_json"),
                                          text_arg(after_json, after_length, "after_json"), change_options(lang, as_of)));
  });
}

pact_status pact_instrument_prioritise_json(const pact_instrument* instrument, const char* caseload, std::size_t length,
                                            const pact_priority_options* options, char** priorities_json) {
  return guarded([&] {
    char*& out = need(priorities_json, "priorities_json");
    out = nullptr;
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    out = caller_string(pact::priorities_json(i, nullptr, text_arg(caseload, length, "caseload"), priority_options(options)));
  });
}

pact_status pact_model_prioritise_json(const pact_model* model, const char* caseload, std::size_t length,
                                       const pact_priority_options* options, char** priorities_json) {
  return guarded([&] {
    char*& out = need(priorities_json, "priorities_json");
    out = nullptr;
    const pact::RiskModel& m = need(model, "model").model;
    out = caller_string(
        pact::priorities_json(m.instrument(), &m, text_arg(caseload, length, "caseload"), priority_options(options)));
  });
}

pact_status pact_instrument_apply_override(const pact_instrument* instrument, const char* result_json,
                                           std::size_t length, const pact_override* override_, char** out_json) {
  return guarded([&] {
    char*& out = need(out_json, "out_json");
    out = nullptr;
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    const std::string_view result = text_arg(result_json, length, "result_json");
    out = caller_string(pact::apply_override_json(i, nullptr, result, override_arg(override_)));
  });
}

pact_status pact_model_apply_override(const pact_model* model, const char* result_json, std::size_t length,
                                      const pact_override* override_, char** out_json) {
  return guarded([&] {
    char*& out = need(out_json, "out_json");
    out = nullptr;
    const pact::RiskModel& m = need(model, "model").model;
    const std::string_view result = text_arg(result_json, length, "result_json");
    out = caller_string(pact::apply_override_json(m.instrument(), &m, result, override_arg(override_)));
  });
}

pact_status pact_audit_open_file(const pact_instrument* instrument, const pact_model* model, const char* path,
                                 pact_audit** out) {
  return guarded([&] {
    pact_audit*& handle = need(out, "out");
    handle = nullptr;
    need_text(path, "path");
    std::unique_ptr<pact_audit> audit(new_audit(instrument, model));
    audit->path = path;
    if (std::ifstream existing{audit->path, std::ios::binary}) {
      std::tie(audit->previous, audit->next_sequence) = pact::audit_log_tail(existing);
      if (existing.bad()) throw pact::IoError(audit->path, "cannot read the existing audit log");
    }
    audit->file = std::fopen(path, "ab");
    if (!audit->file) throw pact::IoError(audit->path, std::string("cannot open for appending: ") + std::strerror(errno));
    handle = audit.release();
  });
}

pact_status pact_audit_open_memory(const pact_instrument* instrument, const pact_model* model,
                                   const char* previous_digest, std::uint64_t next_sequence, pact_audit** out) {
  return guarded([&] {
    pact_audit*& handle = need(out, "out");
    handle = nullptr;
    std::unique_ptr<pact_audit> audit(new_audit(instrument, model));
    if (previous_digest) {
      if (!is_hex_digest(previous_digest))
        throw pact::InvalidArgument("previous_digest", "expected the 64 lower-case hex digits of a record_sha256");
      audit->previous = previous_digest;
    }
    if (next_sequence == 0) throw pact::InvalidArgument("next_sequence", "sequence numbers start at 1");
    audit->next_sequence = next_sequence;
    handle = audit.release();
  });
}

void pact_audit_free(pact_audit* audit) { delete audit; }

pact_status pact_audit_score_json(pact_audit* audit, const char* assessment_json, std::size_t length, const char* lang,
                                  const pact_override* override_, const char* timestamp, char** result_json,
                                  char** record_json) {
  return guarded([&] {
    if (result_json) *result_json = nullptr;
    if (record_json) *record_json = nullptr;
    pact_audit& a = need(audit, "audit");
    if (!a.file && !record_json)
      throw pact::InvalidArgument("record_json", "a memory audit writer returns each record: pass a char** for it");
    const pact::Assessment assessment =
        pact::read_assessment_json(a.instrument, text_arg(assessment_json, length, "assessment_json"));
    std::optional<pact::ProfessionalOverride> ov;
    if (override_) ov = override_arg(override_);

    const std::lock_guard<std::mutex> guard(a.lock);
    if (a.failed)
      throw pact::IoError(a.path, "an earlier write failed and the log may end with a partial record: verify it "
                                  "and open it again");
    std::ostringstream line;
    pact::AuditWriter writer(line, a.instrument, a.model ? &*a.model : nullptr, a.previous, a.next_sequence);
    std::string result = writer.score_and_append(assessment, result_options(lang), ov ? &*ov : nullptr,
                                                 timestamp ? std::string(timestamp) : std::string());
    std::string record = std::move(line).str();
    if (a.file) {
      if (std::fwrite(record.data(), 1, record.size(), a.file) != record.size() || std::fflush(a.file) != 0) {
        a.failed = true;
        throw pact::IoError(a.path, std::string("cannot write the audit record: ") + std::strerror(errno));
      }
    }
    // Stored: the chain moves on, and the outputs go to the caller.
    a.previous = writer.last_record_digest();
    ++a.next_sequence;
    ++a.records;
    if (!record.empty() && record.back() == '\n') record.pop_back();
    char* record_text = record_json ? caller_string(record) : nullptr;
    char* result_text = nullptr;
    try {
      if (result_json) result_text = caller_string(result);
    } catch (...) {
      std::free(record_text);
      throw;
    }
    if (record_json) *record_json = record_text;
    if (result_json) *result_json = result_text;
  });
}

pact_status pact_audit_state(const pact_audit* audit, char* digest, std::uint64_t* next_sequence,
                             std::uint64_t* records) {
  return guarded([&] {
    const pact_audit& a = need(audit, "audit");
    const std::lock_guard<std::mutex> guard(a.lock);
    if (digest) std::memcpy(digest, a.previous.c_str(), a.previous.size() + 1);
    if (next_sequence) *next_sequence = a.next_sequence;
    if (records) *records = a.records;
  });
}

pact_status pact_audit_verify_json(const pact_instrument* instrument, const char* log, std::size_t log_length,
                                   const char* results, std::size_t results_length, char** report_json) {
  return guarded([&] {
    char*& out = need(report_json, "report_json");
    out = nullptr;
    const std::string_view log_text = text_arg(log, log_length, "log");
    std::istringstream log_stream{std::string(log_text)};
    pact::AuditVerification report;
    if (results) {
      const pact::Instrument& i = need(instrument, "instrument").instrument;
      std::istringstream results_stream{std::string(text_arg(results, results_length, "results"))};
      report = pact::verify_audit(i, log_stream, results_stream);
    } else {
      report = pact::verify_audit_log(log_stream);
    }
    out = caller_string(pact::audit_verification_json(report));
  });
}

// =============================================================================================
// Population measures

pact_status pact_alkire_foster(const double* values, std::size_t rows, std::size_t cols, std::size_t row_stride,
                               const double* cutoffs, const double* weights, double k, int alpha,
                               pact_counting_result* result) {
  return guarded([&] {
    pact_counting_result& out = struct_arg(result, "result", "pact_counting_result");
    const auto view = rows_arg(values, rows, cols, row_stride, "values", "dimension");
    if (!cutoffs && cols > 0) null_argument("cutoffs");
    const std::span<const double> cutoff_span(cutoffs, cutoffs ? cols : 0);
    const std::span<const double> weight_span(weights, weights ? cols : 0);
    write_counting(pact::alkire_foster(view, cutoff_span, weight_span, pact::CountingOptions{k, alpha}), out);
  });
}

pact_status pact_alkire_foster_scores(const pact_instrument* instrument, const double* dimension_scores,
                                      std::size_t rows, std::size_t row_stride, double k, int alpha,
                                      pact_counting_result* result) {
  return guarded([&] {
    pact_counting_result& out = struct_arg(result, "result", "pact_counting_result");
    const pact::Instrument& i = need(instrument, "instrument").instrument;
    const auto view = rows_arg(dimension_scores, rows, i.dimension_count(), row_stride, "dimension_scores", "dimension");
    write_counting(pact::alkire_foster_from_scores(i, view, pact::CountingOptions{k, alpha}), out);
  });
}

}  // extern "C"
