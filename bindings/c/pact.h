/*
 * pact.h: the stable C API of pact.
 *
 * pact scores assessments of social inclusion/exclusion against a diagnostic instrument
 * (dimension scores, a composite index and its severity level, critical factors), estimates the
 * risk that a case's exclusion becomes chronic, and measures caseloads with the Alkire-Foster
 * counting method. This header is the whole C interface and its documentation.
 *
 * Conventions
 * -----------
 * - Every function that can fail returns a pact_status: PACT_OK (0) or a negative code. The
 *   human-readable reason, with the JSON Pointer path or line of the offending input, is then
 *   available from pact_last_error() on the same thread until the next pact call on that thread.
 * - No function ever lets a C++ exception escape, and none dereferences a NULL argument: NULL
 *   where a value is required is PACT_ERROR_INVALID_ARGUMENT.
 * - Objects are opaque handles created by pact_*_load_* / pact_*_default functions and released
 *   by the matching pact_*_free function; freeing NULL does nothing.
 * - Loaded instruments and models are immutable. Every function taking a `const` handle may be
 *   called from many threads at once on the same handle, without locks and without the host
 *   synchronising anything (scoring keeps its scratch space per call).
 * - Strings returned as `const char*` are owned by the handle they come from and stay valid
 *   while it lives. Strings returned through `char**` are owned by the caller, who releases them
 *   with pact_string_free().
 * - Text is UTF-8. Sizes are in elements, not bytes, unless the name says bytes.
 * - Results always carry the instrument's and model's id, version and content hash. Scores
 *   support a professional's judgement; they must never be the sole basis of a decision about a
 *   person (GDPR Art. 22; EU AI Act Annex III 5(a)).
 *
 * Compatibility: a function's behaviour does not change once released; new behaviour gets a new
 * function. Structures passed by the caller start with a `struct_size` member that the caller
 * sets to sizeof(the structure) so that later versions can add members at the end.
 */
#ifndef PACT_H
#define PACT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#if defined(PACT_C_BUILDING)
#define PACT_API __declspec(dllexport)
#else
#define PACT_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define PACT_API __attribute__((visibility("default")))
#else
#define PACT_API
#endif

/** The version of this header. Compare with pact_version_number() at run time. */
#define PACT_VERSION_MAJOR 0
#define PACT_VERSION_MINOR 1
#define PACT_VERSION_PATCH 0
/** major * 10000 + minor * 100 + patch. */
#define PACT_VERSION_NUMBER (PACT_VERSION_MAJOR * 10000 + PACT_VERSION_MINOR * 100 + PACT_VERSION_PATCH)

/** Status codes. Negative values are errors, grouped by class. */
typedef enum pact_status {
  PACT_OK = 0,
  PACT_ERROR_INVALID_ARGUMENT = -1, /**< NULL, wrong size, out-of-range option from the caller */
  PACT_ERROR_PARSE = -2,            /**< text that is not well-formed (JSON syntax) */
  PACT_ERROR_VALIDATION = -3,       /**< well-formed input breaking a rule (unknown item, bad value) */
  PACT_ERROR_IO = -4,               /**< a file that cannot be read or written */
  PACT_ERROR_OUT_OF_MEMORY = -5,    /**< an allocation failed */
  PACT_ERROR_LIMIT = -6,            /**< input beyond a documented limit (size, depth) */
  PACT_ERROR_INTERNAL = -99         /**< a defect in pact: please report it */
} pact_status;

/** An instrument: dimensions, items, scales, cut-offs. Immutable once loaded. */
typedef struct pact_instrument pact_instrument;
/** A chronicity-risk model bound to its instrument. Immutable once loaded. */
typedef struct pact_model pact_model;

/* ---------------------------------------------------------------------------------------------
 * Version, build information and errors
 * ------------------------------------------------------------------------------------------- */

/** The library's version number (PACT_VERSION_NUMBER of the library that is linked). A host
 *  built with this header should check that the major versions agree. Thread-safe. */
PACT_API int pact_version_number(void);

/** The library's version as "MAJOR.MINOR.PATCH". Static storage. Thread-safe. */
PACT_API const char* pact_version_string(void);

/** A JSON object describing the build: version, compiler, C++ standard, dependency versions,
 *  and the ids, versions and hashes of the bundled default instrument and model. Static storage.
 *  Thread-safe. */
PACT_API const char* pact_build_info(void);

/** The message of the last error on the calling thread (empty when the last call succeeded).
 *  Valid until the next pact call on this thread. Never NULL. */
PACT_API const char* pact_last_error(void);

/** Where the last error on the calling thread happened: a JSON Pointer ("/responses/eco_debts"),
 *  a position ("line 3, column 7"), a file name, or "" when unknown. Valid until the next pact
 *  call on this thread. Never NULL. */
PACT_API const char* pact_last_error_where(void);

/** A constant name for a status code ("PACT_OK", "PACT_ERROR_PARSE", ...). Never NULL. */
PACT_API const char* pact_status_name(pact_status status);

/** Releases a string returned through a `char**` argument. NULL is a no-op. */
PACT_API void pact_string_free(char* string);

/* ---------------------------------------------------------------------------------------------
 * Instruments
 * ------------------------------------------------------------------------------------------- */

/** Loads and validates an instrument JSON file. On success *out receives a new handle (free it
 *  with pact_instrument_free); on failure *out is set to NULL. Errors: INVALID_ARGUMENT (NULL),
 *  IO, PARSE, VALIDATION (with the JSON Pointer of the bad value), LIMIT. */
PACT_API pact_status pact_instrument_load_file(const char* path, pact_instrument** out);

/** Parses and validates instrument JSON text of `length` bytes (need not be NUL-terminated). */
PACT_API pact_status pact_instrument_load_json(const char* json, size_t length, pact_instrument** out);

/** The default instrument compiled into the library (models/pact-instrument.json). */
PACT_API pact_status pact_instrument_default(pact_instrument** out);

/** Releases an instrument. NULL is a no-op. Models loaded against it keep their own reference,
 *  so the instrument may be freed before them. */
PACT_API void pact_instrument_free(pact_instrument* instrument);

/** Identity of an instrument: id, semantic version and content hash ("sha256:..."). Any output
 *  pointer may be NULL when not wanted. Strings are owned by the instrument. */
PACT_API pact_status pact_instrument_info(const pact_instrument* instrument, const char** id, const char** version,
                                          const char** hash);

/** Number of dimensions and items (0 when `instrument` is NULL). */
PACT_API size_t pact_instrument_dimension_count(const pact_instrument* instrument);
PACT_API size_t pact_instrument_item_count(const pact_instrument* instrument);

/** Response types of items. */
typedef enum pact_response_type {
  PACT_RESPONSE_ORDINAL = 0,
  PACT_RESPONSE_YES_NO = 1,
  PACT_RESPONSE_COUNT = 2,
  PACT_RESPONSE_MONTHS = 3,
  PACT_RESPONSE_AMOUNT = 4
} pact_response_type;

/** A dimension's description in one language. */
typedef struct pact_dimension_info {
  size_t struct_size;          /**< set by the caller to sizeof(pact_dimension_info) */
  const char* id;
  const char* label;
  const char* description;     /**< "" when the instrument has none */
  double weight;               /**< normalised: the dimension weights sum to 1 */
  double min_coverage;
  double deprivation_cutoff;
  double critical_cutoff;      /**< NaN when the dimension has none */
  size_t item_count;
} pact_dimension_info;

/** Describes dimension `index` (0-based, instrument order) in language `lang` (falls back to the
 *  instrument's default language; NULL = default). Strings are owned by the instrument. */
PACT_API pact_status pact_instrument_dimension(const pact_instrument* instrument, size_t index, const char* lang,
                                               pact_dimension_info* out);

/** An item's description in one language: enough for a host to render the question. */
typedef struct pact_item_info {
  size_t struct_size;          /**< set by the caller to sizeof(pact_item_info) */
  const char* id;
  const char* dimension_id;
  size_t dimension_index;
  const char* label;
  const char* question;        /**< "" when the instrument has none */
  pact_response_type type;
  int required;                /**< 1: an assessment without an answer is rejected */
  double weight;               /**< relative weight within its dimension */
  double critical_cutoff;      /**< NaN when the item has none */
  size_t option_count;         /**< ordinal items: number of options (pact_instrument_option) */
  double min_value;            /**< count, months, amount: smallest valid value */
  double max_value;            /**< count, months, amount: largest valid value (+inf if none) */
  const char* unit;            /**< count, months, amount: unit label, "" if none */
} pact_item_info;

/** Describes item `index` (0-based, instrument order; the column order of batch input). */
PACT_API pact_status pact_instrument_item(const pact_instrument* instrument, size_t index, const char* lang,
                                          pact_item_info* out);

/** One option of an ordinal item. */
typedef struct pact_option_info {
  size_t struct_size;          /**< set by the caller to sizeof(pact_option_info) */
  int value;                   /**< the code to record */
  const char* label;
  const char* anchor;          /**< the written anchor: when to choose this option */
  double severity;
} pact_option_info;

/** Describes option `option` of ordinal item `item`. */
PACT_API pact_status pact_instrument_option(const pact_instrument* instrument, size_t item, size_t option,
                                            const char* lang, pact_option_info* out);

/** The index of the item with id `item_id`, in *index. VALIDATION error when there is none. */
PACT_API pact_status pact_instrument_find_item(const pact_instrument* instrument, const char* item_id, size_t* index);

/* ---------------------------------------------------------------------------------------------
 * Risk models
 * ------------------------------------------------------------------------------------------- */

/** Loads a risk-model JSON file and binds it to `instrument` (its id and version must be those
 *  the model requires). The model keeps its own reference to the instrument. */
PACT_API pact_status pact_model_load_file(const char* path, const pact_instrument* instrument, pact_model** out);

/** Parses a risk model from JSON text of `length` bytes and binds it to `instrument`. */
PACT_API pact_status pact_model_load_json(const char* json, size_t length, const pact_instrument* instrument,
                                          pact_model** out);

/** The default chronicity-risk model compiled into the library, bound to the default instrument.
 *  Its coefficients are illustrative until calibrated locally (see its model card). */
PACT_API pact_status pact_model_default(pact_model** out);

/** Loads a compiled bundle (an instrument and a model in one file, see pact_bundle_write). A
 *  truncated, corrupted or foreign file is a VALIDATION or PARSE error, never a crash. */
PACT_API pact_status pact_model_load_bundle(const char* path, pact_model** out);

/** Writes `model` and its instrument as a compiled bundle that loads faster than the JSON. The
 *  file appears only when complete. */
PACT_API pact_status pact_bundle_write(const pact_model* model, const char* path);

/** Releases a model. NULL is a no-op. */
PACT_API void pact_model_free(pact_model* model);

/** The model's instrument, owned by the model (do not free it). NULL when `model` is NULL. */
PACT_API const pact_instrument* pact_model_instrument(const pact_model* model);

/** Identity of a model: id, version, content hash and provenance status ("illustrative" or
 *  "calibrated"). Any output pointer may be NULL. Strings are owned by the model. */
PACT_API pact_status pact_model_info(const pact_model* model, const char** id, const char** version, const char** hash,
                                     const char** status);

/** The model's horizon in months (the "chronic" definition), in *months. */
PACT_API pact_status pact_model_horizon(const pact_model* model, int* months);

/* ---------------------------------------------------------------------------------------------
 * Scoring one assessment (JSON in, JSON out)
 * ------------------------------------------------------------------------------------------- */

/** Scores one assessment given as JSON text (docs/formats.md: {"case_id": ..., "responses":
 *  {item id: value}}) against the instrument only. On success *result_json receives the result
 *  object as JSON text (docs/schemas/result.schema.json), to be released with
 *  pact_string_free(). `lang` chooses the language of labels (NULL = the instrument's default).
 *  VALIDATION errors name the JSON Pointer of the bad field. */
PACT_API pact_status pact_instrument_score_json(const pact_instrument* instrument, const char* assessment_json,
                                                size_t length, const char* lang, char** result_json);

/** As pact_instrument_score_json, with the risk section: probability of chronicity at the
 *  horizon, survival curve, band, contributions, top factors and counterfactual. */
PACT_API pact_status pact_model_score_json(const pact_model* model, const char* assessment_json, size_t length,
                                           const char* lang, char** result_json);

/* ---------------------------------------------------------------------------------------------
 * Scoring many assessments (dense arrays)
 * ------------------------------------------------------------------------------------------- */

/** Where batch scoring writes, for `rows` rows. Every pointer is optional (NULL = not wanted) and
 *  points to caller-owned memory. Per-dimension outputs are row-major (rows x dimensions). */
typedef struct pact_batch_output {
  size_t struct_size;          /**< set by the caller to sizeof(pact_batch_output) */
  double* dimension_scores;    /**< rows x dimensions; scores in [0, 1]; NaN = not scored */
  double* composite;           /**< rows; NaN = not scored */
  int32_t* level;              /**< rows; level index (instrument order); -1 = none */
  double* deprivation_score;   /**< rows; weighted deprivation count c_i in [0, 1] */
  double* risk;                /**< rows; probability of chronicity at the horizon; NaN = none */
  int32_t* band;               /**< rows; 0 low, 1 medium, 2 high, 3 very high; -1 = none */
  int32_t* status;             /**< rows; 0 = scored, else why the row was rejected (see below) */
  int32_t* error_item;         /**< rows; index of the item that made the row fail; -1 = none */
} pact_batch_output;

/** Row accounting: rows = scored + rejected, always. */
typedef struct pact_batch_summary {
  size_t struct_size;          /**< set by the caller to sizeof(pact_batch_summary) */
  size_t rows;
  size_t scored;
  size_t rejected;
} pact_batch_summary;

/** Row status codes written to pact_batch_output.status. */
#define PACT_ROW_OK 0
#define PACT_ROW_MISSING_REQUIRED 1 /**< a required item has no answer */
#define PACT_ROW_NOT_FINITE 2       /**< an infinity (NaN means missing) */
#define PACT_ROW_NOT_INTEGER 3      /**< a fractional count */
#define PACT_ROW_NOT_AN_OPTION 4    /**< not one of the item's codes (or not 0/1 for yes/no) */
#define PACT_ROW_BELOW_MINIMUM 5
#define PACT_ROW_ABOVE_MAXIMUM 6
#define PACT_ROW_MISSING_DURATION 100 /**< the risk model needs the months in care */

/** Explains a row status for an item and value as text, e.g. "9 is not one of the options
 *  1, 2, 3, 4, 5"; released with pact_string_free(). */
PACT_API pact_status pact_describe_row_status(const pact_instrument* instrument, int32_t status, int32_t item,
                                              double value, char** text);

/** Scores `rows` assessments against the instrument only. `responses` is row-major: row i starts
 *  at responses + i * row_stride and holds one value per item in instrument order (NaN = missing;
 *  yes/no as 1/0; ordinal items as their option codes); row_stride >= item count. A row with an
 *  invalid value is rejected (its status says why) and the others go on. `risk` and `band`
 *  outputs are set to NaN / -1. `threads` = 0 uses every core; results do not depend on it.
 *  `summary` may be NULL. */
PACT_API pact_status pact_instrument_score_batch(const pact_instrument* instrument, const double* responses,
                                                 size_t rows, size_t row_stride, unsigned threads,
                                                 pact_batch_output* output, pact_batch_summary* summary);

/** As pact_instrument_score_batch, with the model's risk and band. */
PACT_API pact_status pact_model_score_batch(const pact_model* model, const double* responses, size_t rows,
                                            size_t row_stride, unsigned threads, pact_batch_output* output,
                                            pact_batch_summary* summary);

/* ---------------------------------------------------------------------------------------------
 * Population measures: the Alkire-Foster counting method
 * ------------------------------------------------------------------------------------------- */

/** Alkire-Foster measures of a population. */
typedef struct pact_counting_result {
  size_t struct_size;          /**< set by the caller to sizeof(pact_counting_result) */
  size_t n;                    /**< people counted */
  size_t q;                    /**< people identified as multidimensionally excluded */
  size_t incomplete;           /**< rows left out for a dimension not scored (from scores only) */
  double H;                    /**< headcount ratio q / n */
  double A;                    /**< intensity among the excluded */
  double M0;                   /**< adjusted headcount ratio H * A */
  double M;                    /**< M_alpha for the requested alpha */
  double* censored_headcount;  /**< optional caller array, one per dimension */
  double* contribution;        /**< optional caller array, one per dimension (sums to 1) */
} pact_counting_result;

/** Alkire-Foster measures of a matrix of achievements (rows = people, `cols` dimensions,
 *  row-major with `row_stride`), deprived when a value is below its cut-off (Alkire & Foster
 *  2011). `weights` may be NULL (equal weights); they are normalised to sum 1. `k` in (0, 1] is
 *  the share of weight that identifies a person as excluded; `alpha` is 0, 1 or 2. */
PACT_API pact_status pact_alkire_foster(const double* values, size_t rows, size_t cols, size_t row_stride,
                                        const double* cutoffs, const double* weights, double k, int alpha,
                                        pact_counting_result* result);

/** Alkire-Foster measures of scored cases: `dimension_scores` as written by batch scoring
 *  (rows x dimensions, row-major with `row_stride`), with the instrument's cut-offs and weights.
 *  Rows with a dimension not scored are left out and counted in result->incomplete. */
PACT_API pact_status pact_alkire_foster_scores(const pact_instrument* instrument, const double* dimension_scores,
                                               size_t rows, size_t row_stride, double k, int alpha,
                                               pact_counting_result* result);

#ifdef __cplusplus
}
#endif

#endif /* PACT_H */
