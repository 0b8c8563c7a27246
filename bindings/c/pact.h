/**
 * \file pact.h
 * pact.h: the stable C API of pact.
 *
 * pact scores assessments of social inclusion/exclusion against a diagnostic instrument
 * (dimension scores, a composite index and its severity level, critical factors), estimates the
 * risk that a case's exclusion becomes chronic, and measures caseloads with the Alkire-Foster
 * counting method. This header is the whole C interface and its documentation; docs/c-api.md
 * shows how to link it and a complete example. It compiles as C99 (and later) and as C++.
 *
 * Status codes and errors
 * -----------------------
 * - Every function that can fail returns a pact_status: PACT_OK (0) or a negative code. After a
 *   failure, pact_last_error() holds the human-readable reason and pact_last_error_where() the
 *   place of the offending input: a JSON Pointer ("/responses/eco_debts"), a text position
 *   ("line 3, column 7"), a file name, or the name of the argument of this header that was wrong
 *   ("row_stride"). Both are kept per thread, have no length limit, and stay valid until the next
 *   call on the same thread of a function returning a pact_status (which clears them when it
 *   succeeds). Functions that do not return a pact_status never change them.
 * - No function lets a C++ exception escape, and none dereferences a NULL argument: NULL where a
 *   value is required is PACT_ERROR_INVALID_ARGUMENT. On failure, an output handle
 *   (pact_instrument**, pact_model**) or caller-owned string (char**) is set to NULL whenever the
 *   pointer to it is not NULL; other outputs are left as they were.
 *
 * Ownership
 * ---------
 * - Instruments, models and audit writers are opaque handles created by the pact_*_load_*,
 *   pact_*_default and pact_audit_open_* functions and released by the matching pact_*_free
 *   function. Freeing NULL does nothing;
 *   freeing a handle twice, or using it after freeing it, is undefined behaviour.
 * - Strings returned as `const char*` (ids, labels, ...) are owned by the handle they come from
 *   and stay valid while it lives; never free them. Strings returned through a `char**` argument
 *   are owned by the caller, who releases them with pact_string_free().
 * - Arrays passed in (responses, outputs) are owned by the caller; pact reads or writes them
 *   during the call only and keeps no pointer to them.
 *
 * Threads
 * -------
 * Loaded instruments and models are immutable. Every function may be called from many threads
 * at once, on the same handle or on different ones, without locks and without the host
 * synchronising anything: scoring keeps its scratch space per call, nothing mutable is shared
 * between calls, and no lock is taken on a model, not even for one-row scoring. An audit writer
 * (pact_audit) is the one mutable handle: it holds the position of its hash chain, and it takes
 * its own lock around each record, so that it too may be shared between threads. The only rule
 * is the usual one: do not free a handle while another thread is still using it.
 *
 * Other conventions
 * -----------------
 * - Text is UTF-8. Sizes and strides are in elements, not bytes.
 * - `lang` arguments choose the language of labels ("es", "ca", "en", ...); NULL, or a language
 *   the instrument or model lacks, gives its default language.
 * - Structures the caller passes start with a `struct_size` member that the caller sets to
 *   sizeof(the structure), so that later versions can add members at the end: a struct_size
 *   smaller than this version's structure is PACT_ERROR_INVALID_ARGUMENT.
 * - Results carry the instrument's and model's id, version and content hash and the library's
 *   version (EU AI Act Art. 12 logging). Scores support a professional's judgement; they must
 *   never be the sole basis of a decision about a person (GDPR Art. 22; AI Act Annex III 5(a)).
 *
 * Compatibility: a released function's behaviour does not change; new behaviour gets a new
 * function. Check at run time that the library's major version is the header's
 * (PACT_VERSION_MAJOR == pact_version_number() / 10000).
 */
#ifndef PACT_H
#define PACT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Marks the functions libpact exports: default visibility with GCC and Clang, dllexport while
 *  building the DLL and dllimport when using it on Windows (define PACT_C_STATIC to link
 *  libpact.a there). */
#if defined(_WIN32)
#if defined(PACT_C_STATIC)
#define PACT_API
#elif defined(PACT_C_BUILDING)
#define PACT_API __declspec(dllexport)
#else
#define PACT_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define PACT_API __attribute__((visibility("default")))
#else
#define PACT_API
#endif

/** The major version of this header: a host checks that the linked library has the same one
 *  (PACT_VERSION_MAJOR == pact_version_number() / 10000). */
#define PACT_VERSION_MAJOR 0
/** The minor version of this header (new functions, same behaviour of the old ones). */
#define PACT_VERSION_MINOR 1
/** The patch version of this header (fixes only). */
#define PACT_VERSION_PATCH 0
/** major * 10000 + minor * 100 + patch. */
#define PACT_VERSION_NUMBER (PACT_VERSION_MAJOR * 10000 + PACT_VERSION_MINOR * 100 + PACT_VERSION_PATCH)

/** Pass as a text length to say that the text ends at its first NUL byte. */
#define PACT_NUL_TERMINATED ((size_t)-1)

/** Status codes. Negative values are errors, grouped by class. */
typedef enum pact_status {
  PACT_OK = 0,
  PACT_ERROR_INVALID_ARGUMENT = -1, /**< NULL, a wrong size or stride, an out-of-range option */
  PACT_ERROR_PARSE = -2,            /**< text that is not well-formed (JSON syntax) */
  PACT_ERROR_VALIDATION = -3,       /**< well-formed input breaking a rule (unknown item, bad value) */
  PACT_ERROR_IO = -4,               /**< a file that cannot be read or written */
  PACT_ERROR_OUT_OF_MEMORY = -5,    /**< an allocation failed */
  PACT_ERROR_LIMIT = -6,            /**< input beyond a documented limit (size, nesting depth) */
  PACT_ERROR_INTERNAL = -99         /**< a defect in pact, or a feature this build lacks */
} pact_status;

/** An instrument: dimensions, items, response scales, cut-offs, labels. Immutable once loaded. */
typedef struct pact_instrument pact_instrument;
/** A chronicity-risk model bound to its instrument. Immutable once loaded. */
typedef struct pact_model pact_model;

/* ---------------------------------------------------------------------------------------------
 * Version, build information and errors
 * ------------------------------------------------------------------------------------------- */

/** The version number of the library that is linked (its PACT_VERSION_NUMBER). A host should
 *  check that its major version (the number / 10000) is the header's PACT_VERSION_MAJOR.
 *  Never fails; thread-safe. */
PACT_API int pact_version_number(void);

/** The linked library's version as "MAJOR.MINOR.PATCH". Static storage; never NULL; thread-safe. */
PACT_API const char* pact_version_string(void);

/** A JSON object describing the build: "version", "version_number", "compiler", "cplusplus"
 *  (the C++ standard), "build_type", "dependencies" (Eigen, nlohmann/json and OpenSSL versions),
 *  "bundles" (whether compiled bundles are available), and "instrument" and "model": the ids,
 *  versions and content hashes of the bundled defaults. Static storage, built on the first call;
 *  never NULL; thread-safe. */
PACT_API const char* pact_build_info(void);

/** The message of the last error on the calling thread: "where: reason", or just the reason when
 *  there is no place; "" when the last call returning a pact_status succeeded. No length limit.
 *  Valid until the next call on this thread of a function returning a pact_status. Never NULL. */
PACT_API const char* pact_last_error(void);

/** Where the last error on the calling thread happened: a JSON Pointer ("/responses/eco_debts"),
 *  a position ("line 3, column 7"), a file name, the name of the argument that was wrong, or ""
 *  when there is no place. Same lifetime as pact_last_error(). Never NULL. */
PACT_API const char* pact_last_error_where(void);

/** The constant name of a status code ("PACT_OK", "PACT_ERROR_PARSE", ...), or
 *  "PACT_ERROR_UNKNOWN" for a value that is not a pact_status. Static storage; never NULL. */
PACT_API const char* pact_status_name(pact_status status);

/** Releases a string returned through a `char**` argument. NULL is a no-op. */
PACT_API void pact_string_free(char* string);

/* ---------------------------------------------------------------------------------------------
 * Instruments
 * ------------------------------------------------------------------------------------------- */

/** Loads and validates an instrument JSON file (docs/instrument-format.md). On success *out
 *  receives a new handle, to be freed with pact_instrument_free(). Errors: INVALID_ARGUMENT
 *  (NULL), IO (where: the file), PARSE (where: line and column), VALIDATION (where: the JSON
 *  Pointer of the offending value), LIMIT. */
PACT_API pact_status pact_instrument_load_file(const char* path, pact_instrument** out);

/** Parses and validates instrument JSON text of `length` bytes (it need not end with NUL), or up
 *  to its NUL when `length` is PACT_NUL_TERMINATED. Errors as pact_instrument_load_file, without IO. */
PACT_API pact_status pact_instrument_load_json(const char* json, size_t length, pact_instrument** out);

/** The default instrument compiled into the library (models/pact-instrument.json), as a new
 *  handle to free with pact_instrument_free(). Each call gives a new handle to the same data. */
PACT_API pact_status pact_instrument_default(pact_instrument** out);

/** Releases an instrument. NULL is a no-op. Models loaded against it keep the instrument's data
 *  alive, so an instrument may be freed before its models. */
PACT_API void pact_instrument_free(pact_instrument* instrument);

/** The identity of an instrument: id, semantic version and content hash ("sha256:" and 64 hex
 *  digits of the canonical JSON). Any output pointer may be NULL when not wanted. Strings are
 *  owned by the instrument. Errors: INVALID_ARGUMENT (NULL instrument). */
PACT_API pact_status pact_instrument_info(const pact_instrument* instrument, const char** id, const char** version,
                                          const char** hash);

/** The instrument's name in language `lang`. The string is owned by the instrument.
 *  Errors: INVALID_ARGUMENT (NULL instrument or name). */
PACT_API pact_status pact_instrument_name(const pact_instrument* instrument, const char* lang, const char** name);

/** The instrument's default language and the number of languages its labels are given in. Either
 *  output pointer may be NULL. Errors: INVALID_ARGUMENT (NULL instrument). */
PACT_API pact_status pact_instrument_languages(const pact_instrument* instrument, const char** default_language,
                                               size_t* count);

/** Language `index` (0-based, in the instrument's order) of the instrument's languages.
 *  Errors: INVALID_ARGUMENT (NULL, or index past the last language). */
PACT_API pact_status pact_instrument_language(const pact_instrument* instrument, size_t index, const char** language);

/** The number of dimensions, items and severity levels; 0 when `instrument` is NULL. Items are
 *  numbered in instrument order, which is the column order of batch input. */
PACT_API size_t pact_instrument_dimension_count(const pact_instrument* instrument);
/** The number of items (the columns of batch input, in instrument order); 0 when `instrument` is
 *  NULL. */
PACT_API size_t pact_instrument_item_count(const pact_instrument* instrument);
/** The number of severity levels of the composite index, lowest first; 0 when `instrument` is
 *  NULL. */
PACT_API size_t pact_instrument_level_count(const pact_instrument* instrument);

/** How an item is answered. */
typedef enum pact_response_type {
  PACT_RESPONSE_ORDINAL = 0, /**< one of the item's option codes (pact_instrument_option) */
  PACT_RESPONSE_YES_NO = 1,  /**< 1 = yes, 0 = no */
  PACT_RESPONSE_COUNT = 2,   /**< a whole number in [min_value, max_value] */
  PACT_RESPONSE_MONTHS = 3,  /**< a number of months in [min_value, max_value] */
  PACT_RESPONSE_AMOUNT = 4   /**< a number in [min_value, max_value] */
} pact_response_type;

/** A dimension described in one language. */
typedef struct pact_dimension_info {
  size_t struct_size;         /**< set by the caller to sizeof(pact_dimension_info) */
  const char* id;             /**< the dimension's identifier, e.g. "employability" */
  const char* label;          /**< its name in the language asked for */
  const char* description;    /**< "" when the instrument has none */
  double weight;              /**< as written in the instrument */
  double normalized_weight;   /**< weight / the sum of all dimension weights (they sum to 1) */
  double min_coverage;        /**< share of item weight that must be answered to score it */
  double deprivation_cutoff;  /**< deprived (counting method) at or above this score */
  double critical_cutoff;     /**< a critical factor at or above this score; NaN when none */
  size_t item_count;          /**< the number of items that score this dimension */
} pact_dimension_info;

/** Describes dimension `index` (0-based, instrument order) in language `lang`. Strings are owned
 *  by the instrument. Errors: INVALID_ARGUMENT (NULL, index out of range, struct_size too small). */
PACT_API pact_status pact_instrument_dimension(const pact_instrument* instrument, size_t index, const char* lang,
                                               pact_dimension_info* out);

/** An item described in one language: enough for a host to render the question. */
typedef struct pact_item_info {
  size_t struct_size;          /**< set by the caller to sizeof(pact_item_info) */
  const char* id;              /**< the item's identifier, e.g. "emp_work_status" */
  const char* dimension_id;    /**< the identifier of the dimension the item scores */
  size_t dimension_index;      /**< that dimension's index (pact_instrument_dimension) */
  const char* label;           /**< the item's short name in the language asked for */
  const char* question;        /**< "" when the instrument has none */
  pact_response_type type;     /**< how the item is answered, and so what a response may be */
  int required;                /**< 1: a case without an answer to this item is rejected */
  double weight;               /**< as written in the instrument */
  double weight_in_dimension;  /**< weight / the sum of the weights of the dimension's items */
  double critical_cutoff;      /**< a critical factor at or above this severity; NaN when none */
  size_t option_count;         /**< ordinal items: the number of options; 0 otherwise */
  double min_value;            /**< count, months, amount: the smallest valid value; NaN otherwise */
  double max_value;            /**< count, months, amount: the largest (+inf if none); NaN otherwise */
  const char* unit;            /**< count, months, amount: the unit, "" if none; "" otherwise */
} pact_item_info;

/** Describes item `index` (0-based, instrument order) in language `lang`. Strings are owned by
 *  the instrument. Errors: INVALID_ARGUMENT (NULL, index out of range, struct_size too small). */
PACT_API pact_status pact_instrument_item(const pact_instrument* instrument, size_t index, const char* lang,
                                          pact_item_info* out);

/** One option of an ordinal item, described in one language. */
typedef struct pact_option_info {
  size_t struct_size; /**< set by the caller to sizeof(pact_option_info) */
  int value;          /**< the code to record */
  const char* label;  /**< the option's short label in the language asked for */
  const char* anchor; /**< the written anchor: when to choose this option; "" if none */
  double severity;    /**< in [0, 1] */
} pact_option_info;

/** Describes option `option` (0-based) of ordinal item `item`. Errors: INVALID_ARGUMENT (NULL,
 *  item or option out of range, an item that is not ordinal, struct_size too small). */
PACT_API pact_status pact_instrument_option(const pact_instrument* instrument, size_t item, size_t option,
                                            const char* lang, pact_option_info* out);

/** A severity level of the composite index, described in one language. */
typedef struct pact_level_info {
  size_t struct_size;      /**< set by the caller to sizeof(pact_level_info) */
  const char* id;          /**< e.g. "severe_exclusion" */
  const char* label;       /**< the level's name in the language asked for */
  const char* description; /**< "" when the instrument has none */
  double min_score;        /**< the composite reaches this level at this score */
} pact_level_info;

/** Describes level `index` (0-based, lowest first; the `level` of results and batch outputs).
 *  Errors: INVALID_ARGUMENT (NULL, index out of range, struct_size too small). */
PACT_API pact_status pact_instrument_level(const pact_instrument* instrument, size_t index, const char* lang,
                                           pact_level_info* out);

/** The index of the item with id `item_id` (NUL-terminated), in *index. Errors: INVALID_ARGUMENT
 *  (NULL), VALIDATION when the instrument has no such item. */
PACT_API pact_status pact_instrument_find_item(const pact_instrument* instrument, const char* item_id, size_t* index);

/* ---------------------------------------------------------------------------------------------
 * Risk models
 * ------------------------------------------------------------------------------------------- */

/** Loads a risk-model JSON file (docs/risk-model-format.md) and binds it to `instrument`, whose
 *  id and version must be those the model accepts. The model keeps its own reference to the
 *  instrument's data. On success *out receives a new handle, to be freed with pact_model_free().
 *  Errors: INVALID_ARGUMENT (NULL), IO, PARSE, VALIDATION (with the JSON Pointer), LIMIT. */
PACT_API pact_status pact_model_load_file(const char* path, const pact_instrument* instrument, pact_model** out);

/** Parses a risk model from JSON text of `length` bytes (or PACT_NUL_TERMINATED) and binds it to
 *  `instrument`. Errors as pact_model_load_file, without IO. */
PACT_API pact_status pact_model_load_json(const char* json, size_t length, const pact_instrument* instrument,
                                          pact_model** out);

/** The default chronicity-risk model compiled into the library (models/pact-chronicity.json),
 *  bound to the default instrument, as a new handle to free with pact_model_free(). Its
 *  coefficients are illustrative until calibrated on local data (see its model card). */
PACT_API pact_status pact_model_default(pact_model** out);

/** Loads a compiled bundle (an instrument and a model in one file, see pact_bundle_write): the
 *  same model, with the same hashes and scores, as from its JSON, loaded several times faster.
 *  A truncated, corrupted, foreign or other-architecture file is a PARSE or VALIDATION error
 *  naming what is wrong, never a crash. Errors also: INVALID_ARGUMENT (NULL), IO, LIMIT. */
PACT_API pact_status pact_model_load_bundle(const char* path, pact_model** out);

/** Writes `model` and its instrument as a compiled bundle that loads faster than the JSON; the
 *  file appears only when complete (written beside it and renamed). Errors: INVALID_ARGUMENT
 *  (NULL), IO. */
PACT_API pact_status pact_bundle_write(const pact_model* model, const char* path);

/** Releases a model. NULL is a no-op. */
PACT_API void pact_model_free(pact_model* model);

/** The model's instrument, owned by the model: valid while the model lives, never to be freed.
 *  NULL when `model` is NULL. */
PACT_API const pact_instrument* pact_model_instrument(const pact_model* model);

/** The identity of a model: id, version, content hash, and the provenance status of its
 *  coefficients ("illustrative" or "calibrated"). Any output pointer may be NULL. Strings are
 *  owned by the model. Errors: INVALID_ARGUMENT (NULL model). */
PACT_API pact_status pact_model_info(const pact_model* model, const char** id, const char** version, const char** hash,
                                     const char** status);

/** The model's horizon in months (a case is "chronic" if still in care this long after the
 *  assessment), in *months. Errors: INVALID_ARGUMENT (NULL). */
PACT_API pact_status pact_model_horizon(const pact_model* model, int* months);

/** The number of risk bands of the model (0 when `model` is NULL). */
PACT_API size_t pact_model_band_count(const pact_model* model);

/** A risk band, described in one language. */
typedef struct pact_band_info {
  size_t struct_size;     /**< set by the caller to sizeof(pact_band_info) */
  const char* id;         /**< e.g. "very_high" */
  const char* label;      /**< the band's name in the language asked for */
  double min_probability; /**< a case is in this band from this probability of chronicity */
} pact_band_info;

/** Describes band `index` (0-based, lowest risk first; the `band` of batch outputs).
 *  Errors: INVALID_ARGUMENT (NULL, index out of range, struct_size too small). */
PACT_API pact_status pact_model_band(const pact_model* model, size_t index, const char* lang, pact_band_info* out);

/* ---------------------------------------------------------------------------------------------
 * Scoring one assessment (JSON in, JSON out)
 * ------------------------------------------------------------------------------------------- */

/** Scores one assessment given as JSON text of `length` bytes or PACT_NUL_TERMINATED
 *  (docs/formats.md: {"case_id": ..., "responses": {item id: value, ...}}) against the
 *  instrument. On success *result_json receives the result object as JSON text
 *  (docs/schemas/result.schema.json), to be released with pact_string_free(); labels are in
 *  `lang`. Errors: INVALID_ARGUMENT (NULL), PARSE (where: line and column), VALIDATION (where:
 *  the JSON Pointer of the offending field, e.g. "/responses/emp_work_status"), LIMIT. */
PACT_API pact_status pact_instrument_score_json(const pact_instrument* instrument, const char* assessment_json,
                                                size_t length, const char* lang, char** result_json);

/** As pact_instrument_score_json with the model's instrument, and the result's "risk" section:
 *  status, probability at the horizon, band, survival curve (hazard form), contributions, top
 *  factors and the counterfactual (the smallest change in one actionable item that lowers the
 *  band). A case the model cannot give a risk (a hazard model without the months in care) is
 *  still scored: its risk section has status "missing_duration" and no probability. */
PACT_API pact_status pact_model_score_json(const pact_model* model, const char* assessment_json, size_t length,
                                           const char* lang, char** result_json);

/* ---------------------------------------------------------------------------------------------
 * Scoring many assessments (dense arrays)
 * ------------------------------------------------------------------------------------------- */

/** Where batch scoring writes, for `rows` rows. Every pointer is optional (NULL = not wanted) and
 *  points to caller-owned memory of the size given. Per-dimension and per-item outputs are
 *  row-major and dense (rows x dimensions, rows x items). The risk members are for
 *  pact_model_score_batch only. A rejected row gets NaN / -1 in every output but status,
 *  error_item and risk_status. */
typedef struct pact_batch_output {
  size_t struct_size;          /**< set by the caller to sizeof(pact_batch_output) */
  double* dimension_scores;    /**< rows x dimensions; scores in [0, 1]; NaN = not scored */
  double* dimension_coverage;  /**< rows x dimensions; share of the item weight answered */
  double* item_severities;     /**< rows x items; severities in [0, 1]; NaN = missing */
  double* composite;           /**< rows; composite index in [0, 1]; NaN = not scored */
  double* composite_coverage;  /**< rows; share of the dimension weight scored */
  int32_t* level;              /**< rows; level index (pact_instrument_level); -1 = none */
  double* deprivation_score;   /**< rows; weighted deprivation count c_i in [0, 1] */
  int32_t* deprived_count;     /**< rows; number of dimensions in which the case is deprived */
  int32_t* status;             /**< rows; PACT_ROW_OK = scored, else why the row was rejected */
  int32_t* error_item;         /**< rows; index of the item that made the row fail; -1 = none */
  double* linear_predictor;    /**< rows; the model's linear predictor; NaN = no risk */
  double* risk;                /**< rows; probability of chronicity at the horizon; NaN = no risk */
  int32_t* band;               /**< rows; band index (pact_model_band); -1 = no risk */
  int32_t* risk_status;        /**< rows; PACT_RISK_OK, else why the row has no risk */
  int32_t* imputed_features;   /**< rows; features that took their reference value; -1 = no risk */
} pact_batch_output;

/** Row accounting: rows = scored + rejected, always. */
typedef struct pact_batch_summary {
  size_t struct_size; /**< set by the caller to sizeof(pact_batch_summary) */
  size_t rows;        /**< rows given */
  size_t scored;      /**< instrument batches: rows scored; model batches: rows with a risk */
  size_t rejected;    /**< rows not scored (instrument batches) or without a risk (model batches) */
} pact_batch_summary;

/** Row status codes written to pact_batch_output.status. */
#define PACT_ROW_OK 0
#define PACT_ROW_MISSING_REQUIRED 1 /**< a required item has no answer (NaN) */
#define PACT_ROW_NOT_FINITE 2       /**< an infinity (NaN means missing) */
#define PACT_ROW_NOT_INTEGER 3      /**< a fractional count */
#define PACT_ROW_NOT_AN_OPTION 4    /**< not one of the item's codes (or not 0/1 for yes/no) */
#define PACT_ROW_BELOW_MINIMUM 5    /**< below the item's min_value */
#define PACT_ROW_ABOVE_MAXIMUM 6    /**< above the item's max_value */

/** Risk status codes written to pact_batch_output.risk_status. */
#define PACT_RISK_OK 0
#define PACT_RISK_REJECTED_BY_INSTRUMENT 1 /**< the row's status is not PACT_ROW_OK */
#define PACT_RISK_MISSING_DURATION 2       /**< a hazard model needs the months in care, unanswered */
#define PACT_RISK_NOT_FINITE 3             /**< values so large that the linear predictor overflows */

/** Explains a row status for item `item` and the value the row held there, as text, e.g.
 *  "9 is not one of the options 1, 2, 3, 4, 5"; *text is released with pact_string_free().
 *  Errors: INVALID_ARGUMENT (NULL, item out of range, a status that is not a PACT_ROW_ code). */
PACT_API pact_status pact_describe_row_status(const pact_instrument* instrument, int32_t status, int32_t item,
                                              double value, char** text);

/** Scores `rows` assessments against the instrument. `responses` is row-major: row i starts at
 *  responses + i * row_stride and holds one value per item in instrument order (NaN = missing;
 *  yes/no as 1/0; ordinal items as their option codes); row_stride >= the item count, and
 *  `responses` may be NULL only when rows is 0. A row with an invalid value is rejected (its
 *  status and error_item say why) and the others go on. `threads` = 0 uses every core; results
 *  do not depend on it (the call spreads one batch over threads; it may also be called from many
 *  host threads at once). `output` and `summary` may be NULL. Nothing is allocated per row.
 *  Errors: INVALID_ARGUMENT (NULL, row_stride too small, rows * row_stride overflowing, a
 *  struct_size too small, a risk output requested: risks need a model). */
PACT_API pact_status pact_instrument_score_batch(const pact_instrument* instrument, const double* responses,
                                                 size_t rows, size_t row_stride, unsigned threads,
                                                 const pact_batch_output* output, pact_batch_summary* summary);

/** As pact_instrument_score_batch with the model's instrument, with the model's risk outputs too.
 *  Each row's risk equals, to the bit, the risk of the same case scored alone. A row the
 *  instrument scores but that has no risk (see risk_status) keeps its instrument outputs.
 *  Counterfactuals are not computed here (pact_model_score_json does). */
PACT_API pact_status pact_model_score_batch(const pact_model* model, const double* responses, size_t rows,
                                            size_t row_stride, unsigned threads, const pact_batch_output* output,
                                            pact_batch_summary* summary);

/* ---------------------------------------------------------------------------------------------
 * Population measures: the Alkire-Foster counting method
 * ------------------------------------------------------------------------------------------- */

/** Alkire-Foster measures of a population (Alkire & Foster 2011, J. Public Economics 95(7-8)). */
typedef struct pact_counting_result {
  size_t struct_size;            /**< set by the caller to sizeof(pact_counting_result) */
  size_t n;                      /**< people counted */
  size_t q;                      /**< people identified as multidimensionally excluded */
  size_t incomplete;             /**< rows left out for a dimension not scored (from scores only) */
  double H;                      /**< headcount ratio q / n */
  double A;                      /**< intensity: mean deprivation score among the excluded */
  double M0;                     /**< adjusted headcount ratio H * A */
  double M;                      /**< M_alpha for the requested alpha (M0 when alpha is 0) */
  double* uncensored_headcount;  /**< optional caller array, one per dimension: share deprived */
  double* censored_headcount;    /**< optional caller array, one per dimension: share excluded and deprived */
  double* contribution;          /**< optional caller array, one per dimension: share of M (sums to 1) */
} pact_counting_result;

/** Alkire-Foster measures of a matrix of achievements: `rows` people, `cols` dimensions,
 *  row-major with `row_stride` >= cols; person i is deprived in d when values[i][d] < cutoffs[d],
 *  with normalised gap (cutoffs[d] - value) / cutoffs[d]. `cutoffs` holds `cols` values;
 *  `weights` holds `cols` positive values or is NULL (equal weights); they are normalised to sum
 *  1. `k` in (0, 1] is the share of weight that identifies a person as excluded; `alpha` is 0, 1
 *  or 2. The caller sets the result's array pointers (or NULL) and struct_size; pact fills the
 *  rest. Errors: INVALID_ARGUMENT (NULL, a NaN value, a non-positive weight, k or alpha out of
 *  range, a non-positive cut-off when alpha > 0, stride too small). */
PACT_API pact_status pact_alkire_foster(const double* values, size_t rows, size_t cols, size_t row_stride,
                                        const double* cutoffs, const double* weights, double k, int alpha,
                                        pact_counting_result* result);

/** Alkire-Foster measures of scored cases: `dimension_scores` as batch scoring writes them (rows x
 *  dimensions, row-major with `row_stride` >= the dimension count), deprived in d at or above the
 *  dimension's deprivation cut-off z, with gap (score - z) / (1 - z), weighted by the
 *  instrument's normalised dimension weights. Rows with a dimension not scored (NaN) are left
 *  out and counted in result->incomplete. Errors as pact_alkire_foster. */
PACT_API pact_status pact_alkire_foster_scores(const pact_instrument* instrument, const double* dimension_scores,
                                               size_t rows, size_t row_stride, double k, int alpha,
                                               pact_counting_result* result);

/* ---------------------------------------------------------------------------------------------
 * Proactive casework: change and alerts, contact order, overrides, audit records
 * (docs/casework.md; JSON in, JSON out, as for scoring one assessment)
 * ------------------------------------------------------------------------------------------- */

/** Compares two assessments of the same case, given as JSON text (the format of
 *  pact_instrument_score_json; lengths or PACT_NUL_TERMINATED), `before_json` the earlier one.
 *  On success *change_json receives a JSON object (format "pact.change", docs/casework.md): the
 *  dates and days between them, the composite, level and every dimension before and after with
 *  the change, whether the case worsened, and the alerts of the instrument's rules (dimension
 *  worsening, level increase, critical item appears), each with its values and its reason in
 *  `lang`. `as_of` (YYYY-MM-DD, or NULL) also raises reassessment_overdue when the later
 *  assessment is older than the instrument's rule on that day. Release the text with
 *  pact_string_free(). Errors: INVALID_ARGUMENT (NULL, a bad as_of); PARSE, VALIDATION and LIMIT
 *  of either assessment, placed under /before or /after ("/after/responses/eco_debts",
 *  "before: line 1, column 9"); VALIDATION at "/after/case_id" when the case ids differ and at
 *  "/after/date" when the later assessment is dated before the earlier one. */
PACT_API pact_status pact_instrument_compare_json(const pact_instrument* instrument, const char* before_json,
                                                  size_t before_length, const char* after_json, size_t after_length,
                                                  const char* lang, const char* as_of, char** change_json);

/** As pact_instrument_compare_json with the model's instrument, and with the model: the change
 *  also has a "risk" section (probability and band before and after, null on a side the model
 *  cannot give a risk) and the model's alerts (band increase, probability increase). */
PACT_API pact_status pact_model_compare_json(const pact_model* model, const char* before_json, size_t before_length,
                                             const char* after_json, size_t after_length, const char* lang,
                                             const char* as_of, char** change_json);

/** A capacity for one team or territory (pact_priority_options). */
typedef struct pact_group_capacity {
  const char* group; /**< the value of the grouping attribute (NUL-terminated) */
  size_t capacity;   /**< how many of its cases can be contacted; 0 = no limit */
} pact_group_capacity;

/** How a caseload is ordered and how many cases are selected (pact_*_prioritise_json). */
typedef struct pact_priority_options {
  size_t struct_size;       /**< set by the caller to sizeof(pact_priority_options) */
  const char* lang;         /**< labels and alert reasons; NULL = the instrument's default */
  const char* as_of;        /**< YYYY-MM-DD: judge overdue reassessments on this day; NULL = not judged */
  size_t capacity;          /**< cases that can be contacted overall (or per group without an entry); 0 = no limit */
  const char* group_by;     /**< the attribute naming each case's team or territory; NULL = one group */
  const pact_group_capacity* group_capacities; /**< group_capacity_count entries, or NULL */
  size_t group_capacity_count;                 /**< entries of group_capacities */
} pact_priority_options;

/** Orders a caseload for proactive contact, most urgent first (higher risk band, more current
 *  alerts, higher probability, larger recent worsening, higher level and composite, then case
 *  id), and selects the cases within the capacity. `caseload` holds assessments (one or several
 *  per case: a case's history, ordered by date) as JSON Lines or as one JSON array, `length`
 *  bytes or PACT_NUL_TERMINATED. On success *priorities_json receives a JSON object (format
 *  "pact.priorities"): a summary, every case with its rank, selection, group rank, latest level
 *  and composite, recent worsening and current alerts, and the assessments left out under
 *  "rejected" (line or index, the JSON Pointer of the offending value, the reason): a bad line
 *  or element, or one without a valid date, is left out and the others are ranked. `options`
 *  may be NULL (no capacity, one group, default language). The order supports a team's
 *  judgement; it decides nothing. Errors: INVALID_ARGUMENT (NULL, struct_size too small, a bad
 *  as_of, group capacities without group_by, a NULL group name); PARSE for text that is neither
 *  JSON Lines nor an array, or an array with a syntax error (where: line and column);
 *  VALIDATION for a repeated key in an array; LIMIT past 256 MiB. */
PACT_API pact_status pact_instrument_prioritise_json(const pact_instrument* instrument, const char* caseload,
                                                     size_t length, const pact_priority_options* options,
                                                     char** priorities_json);

/** As pact_instrument_prioritise_json with the model: cases are ordered by risk band and
 *  probability first, and each carries its band, probability and top risk factors. A case the
 *  model cannot give a risk (no months in care) is ordered by its level and composite. */
PACT_API pact_status pact_model_prioritise_json(const pact_model* model, const char* caseload, size_t length,
                                                const pact_priority_options* options, char** priorities_json);

/** What a professional's override changes. */
typedef enum pact_override_target {
  PACT_OVERRIDE_LEVEL = 0, /**< the composite's severity level (a level id of the instrument) */
  PACT_OVERRIDE_BAND = 1   /**< the risk band (a band id of the model) */
} pact_override_target;

/** A professional's override of a result's level or band (GDPR Art. 22, EU AI Act Art. 14): pact
 *  never changes its own scores; the override stands beside them, with who, when and why. */
typedef struct pact_override {
  size_t struct_size;          /**< set by the caller to sizeof(pact_override) */
  pact_override_target target; /**< level or band */
  const char* value;           /**< the new level or band id, e.g. "moderate_exclusion" */
  const char* professional_id; /**< pseudonymous: 1-64 letters, digits, '_', '-', '.', ':' (never a name) */
  const char* timestamp;       /**< UTC, YYYY-MM-DDThh:mm:ssZ; NULL = now */
  const char* reason;          /**< why, in free text (1-2000 bytes of UTF-8; it must not identify the person) */
} pact_override;

/** Adds a professional's level override to a result of the instrument (`result_json`, as
 *  pact_instrument_score_json or pact_model_score_json wrote it, `length` bytes or
 *  PACT_NUL_TERMINATED): *out_json receives the same text with an "override" member
 *  {target, value, professional_id, timestamp, reason} before its closing brace. Release it with
 *  pact_string_free(). Errors: INVALID_ARGUMENT (NULL, struct_size too small, a NULL field other
 *  than timestamp); PARSE (a result that is not JSON); VALIDATION at "/override/value" (not a
 *  level), "/override/target" (a band override needs a model), "/override/professional_id",
 *  "/override/timestamp", "/override/reason", at "/override" when the result already carries
 *  one, and at "/format" or "/instrument/..." for a result of another format or instrument. */
PACT_API pact_status pact_instrument_apply_override(const pact_instrument* instrument, const char* result_json,
                                                    size_t length, const pact_override* override_, char** out_json);

/** As pact_instrument_apply_override, also for band overrides: the result must then carry a risk
 *  band from this model (VALIDATION at "/risk/band" or "/risk/model/hash" otherwise). */
PACT_API pact_status pact_model_apply_override(const pact_model* model, const char* result_json, size_t length,
                                               const pact_override* override_, char** out_json);

/** An audit log (EU AI Act Art. 12): a writer of audit records, one JSON line per scored case
 *  with the library, instrument and model stamps, the SHA-256 of the canonical input (never the
 *  responses), the outputs and any override, chained by hashes so that an altered, removed or
 *  reordered record is detected (docs/casework.md, "Audit records"). A handle may be used from
 *  several threads: appends are serialised in the order they take the handle's lock, and
 *  scoring happens outside it. */
typedef struct pact_audit pact_audit;

/** Opens an audit log that appends to the file at `path` (created when absent), records about
 *  `instrument` and, when `model` is not NULL (it must read `instrument`), the model's risk. An
 *  existing file is read first and must be a valid chain, which the new records continue. Each
 *  record is written and flushed before its call returns. One writer per file: pact does not
 *  lock the file against other processes. Free with pact_audit_free(). Errors:
 *  INVALID_ARGUMENT (NULL, a model of another instrument), IO (where: the file), VALIDATION
 *  (where: "line N" of an existing log that is not a valid chain). */
PACT_API pact_status pact_audit_open_file(const pact_instrument* instrument, const pact_model* model,
                                          const char* path, pact_audit** out);

/** Opens an audit writer that keeps nothing and returns each record's text (the host stores the
 *  records). The chain continues from `previous_digest` (the 64 hex digits of the last stored
 *  record's "record_sha256", or NULL for a new log) with sequence number `next_sequence` (1 for
 *  a new log). Errors: INVALID_ARGUMENT (NULL instrument or out, a digest that is not 64
 *  lower-case hex digits, next_sequence 0, a model of another instrument). */
PACT_API pact_status pact_audit_open_memory(const pact_instrument* instrument, const pact_model* model,
                                            const char* previous_digest, uint64_t next_sequence, pact_audit** out);

/** Releases an audit writer (closing its file). NULL is a no-op. */
PACT_API void pact_audit_free(pact_audit* audit);

/** Scores one assessment (JSON text as for pact_model_score_json) with the audit's instrument and
 *  model, appends its audit record, and returns the result: *result_json receives the result as
 *  pact_model_score_json (or pact_instrument_score_json without a model) writes it, with the
 *  override added when `override_` is not NULL (validated first: nothing is written for an
 *  invalid override), and *record_json the record's JSON text (one line, no line break). Either
 *  output may be NULL when not wanted, except record_json for a memory writer. `timestamp`: the
 *  record's time, UTC YYYY-MM-DDThh:mm:ssZ, or NULL for now. When the call fails nothing is
 *  appended. Errors: those of pact_model_score_json and pact_model_apply_override;
 *  INVALID_ARGUMENT (a bad timestamp, record_json NULL for a memory writer); IO when the file
 *  cannot be written (the writer then refuses further records: the file may end with a partial
 *  line; verify it and open it again). */
PACT_API pact_status pact_audit_score_json(pact_audit* audit, const char* assessment_json, size_t length,
                                           const char* lang, const pact_override* override_, const char* timestamp,
                                           char** result_json, char** record_json);

/** Where the chain stands: `digest` (a caller buffer of at least 65 bytes, or NULL) receives the
 *  64 hex digits of the last record's digest (64 zeros before the first record of a new log) and
 *  a NUL; *next_sequence (or NULL) the next record's sequence number; *records (or NULL) how
 *  many records this handle has appended. Errors: INVALID_ARGUMENT (NULL audit). */
PACT_API pact_status pact_audit_state(const pact_audit* audit, char* digest, uint64_t* next_sequence,
                                      uint64_t* records);

/** Verifies an audit log (`log`, JSON Lines text of `log_length` bytes or PACT_NUL_TERMINATED):
 *  each record's digest, the chain and the sequence numbers; and, when `results` is not NULL
 *  (JSON Lines of results written with their items, as the score functions write them), that
 *  every result matches the next record of its case (stamps, input digest, outputs, override).
 *  `instrument` is needed with results only (NULL otherwise allowed). On success
 *  *report_json receives a JSON object (format "pact.audit_verification"): "ok", the counts,
 *  and every problem found with its source ("log" or "results"), line and case id. A log that
 *  fails verification is reported, not an error. Errors: INVALID_ARGUMENT (NULL). */
PACT_API pact_status pact_audit_verify_json(const pact_instrument* instrument, const char* log, size_t log_length,
                                            const char* results, size_t results_length, char** report_json);

#ifdef __cplusplus
}
#endif

#endif /* PACT_H */
