/* The C API from C99 (-std=c99 -Wall -Wextra -Werror -pedantic): every function of pact.h,
 * against values computed by hand from the small fixture (tests/data/instruments/small.json,
 * the same hand computations as tests/cpp/scoring_test.cpp, risk_model_test.cpp and
 * counting_test.cpp), and every error path: NULL arguments, bad JSON with the JSON Pointer in
 * pact_last_error_where(), a missing file, a wrong row stride, freeing NULL.
 * tests/c/check_exports.cmake checks that this file names every function the header declares. */
#include "pact.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PACT_TEST_DATA_DIR
#error "PACT_TEST_DATA_DIR must name tests/data"
#endif

static int checks = 0;
static int failures = 0;

static void check(int ok, const char* what, int line) {
  ++checks;
  if (!ok) {
    ++failures;
    fprintf(stderr, "api_test.c:%d: check failed: %s\n  last error: [%s] %s\n", line, what, pact_last_error_where(),
            pact_last_error());
  }
}

#define CHECK(cond) check((cond) ? 1 : 0, #cond, __LINE__)
#define CHECK_OK(call) check((call) == PACT_OK, #call, __LINE__)
#define CHECK_STATUS(call, expected) check((call) == (expected), #call " == " #expected, __LINE__)
#define CHECK_NEAR(a, b, tol) check(fabs((a) - (b)) <= (tol), #a " ~ " #b, __LINE__)
#define CHECK_STR(a, b) check((a) != NULL && strcmp((a), (b)) == 0, #a " == " #b, __LINE__)
#define CHECK_CONTAINS(haystack, needle) \
  check((haystack) != NULL && strstr((haystack), (needle)) != NULL, #haystack " contains " #needle, __LINE__)
/* An error with its status and the place pact_last_error_where() reports. */
#define CHECK_ERROR(call, expected, where)                                            \
  do {                                                                                \
    check((call) == (expected), #call " == " #expected, __LINE__);                    \
    check(strcmp(pact_last_error_where(), (where)) == 0, "where == " where, __LINE__); \
  } while (0)

static const double LN2 = 0.69314718055994530942;

static char* read_text(const char* relative) {
  char path[1024];
  FILE* f;
  long size;
  char* text;
  sprintf(path, "%s/%s", PACT_TEST_DATA_DIR, relative);
  f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = (char*)malloc((size_t)size + 1);
  if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) exit(2);
  text[size] = '\0';
  fclose(f);
  return text;
}

static const char* data_path(const char* relative) {
  static char path[1024];
  sprintf(path, "%s/%s", PACT_TEST_DATA_DIR, relative);
  return path;
}

/* The number that follows `key` in `json`, after the first `anchor` (NULL: from the start);
 * NaN when absent. Enough to read the flat numbers of a result object. */
static double number_after(const char* json, const char* anchor, const char* key) {
  const char* at = anchor ? strstr(json, anchor) : json;
  if (!at) return NAN;
  at = strstr(at, key);
  if (!at) return NAN;
  return strtod(at + strlen(key), NULL);
}

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* -------------------------------------------------------------------------------------------- */

static void test_version_and_build(void) {
  char expected[32];
  const char* info = pact_build_info();
  CHECK(pact_version_number() == PACT_VERSION_NUMBER);
  CHECK(PACT_VERSION_NUMBER == PACT_VERSION_MAJOR * 10000 + PACT_VERSION_MINOR * 100 + PACT_VERSION_PATCH);
  sprintf(expected, "%d.%d.%d", PACT_VERSION_MAJOR, PACT_VERSION_MINOR, PACT_VERSION_PATCH);
  CHECK_STR(pact_version_string(), expected);
  CHECK(info[0] == '{');
  CHECK_CONTAINS(info, "\"name\":\"pact\"");
  CHECK_CONTAINS(info, "\"bundles\":true");
  CHECK_CONTAINS(info, "\"id\":\"pact-instrument\"");
  CHECK_CONTAINS(info, "\"id\":\"pact-chronicity\"");
  CHECK_CONTAINS(info, "\"eigen\":");
  CHECK(pact_build_info() == info); /* static storage: the same text every time */

  CHECK_STR(pact_status_name(PACT_OK), "PACT_OK");
  CHECK_STR(pact_status_name(PACT_ERROR_INVALID_ARGUMENT), "PACT_ERROR_INVALID_ARGUMENT");
  CHECK_STR(pact_status_name(PACT_ERROR_PARSE), "PACT_ERROR_PARSE");
  CHECK_STR(pact_status_name(PACT_ERROR_VALIDATION), "PACT_ERROR_VALIDATION");
  CHECK_STR(pact_status_name(PACT_ERROR_IO), "PACT_ERROR_IO");
  CHECK_STR(pact_status_name(PACT_ERROR_OUT_OF_MEMORY), "PACT_ERROR_OUT_OF_MEMORY");
  CHECK_STR(pact_status_name(PACT_ERROR_LIMIT), "PACT_ERROR_LIMIT");
  CHECK_STR(pact_status_name(PACT_ERROR_INTERNAL), "PACT_ERROR_INTERNAL");
  CHECK_STR(pact_status_name((pact_status)-42), "PACT_ERROR_UNKNOWN");

  /* Freeing NULL does nothing. */
  pact_string_free(NULL);
  pact_instrument_free(NULL);
  pact_model_free(NULL);
  CHECK_STR(pact_last_error(), "");
}

/* Items of small.json in order: a1 (ordinal 1..4 -> 0, .25, .75, 1; weight 2, required),
 * a2 (yes/no), a3 (months 0..600, linear 0->0, 12->.5, 24->1), b1 (count 0..20, step 0->0,
 * 1->.5, 3->1), b2 (amount, linear 0->1, 100->0; weight 3), c1 (ordinal 0, 5, 10 -> 0, .5, 1).
 * Dimension weights 2, 1, 1 normalise to .5, .25, .25. */
static void test_instrument_metadata(const pact_instrument* small) {
  const char *id = NULL, *version = NULL, *hash = NULL, *text = NULL;
  size_t count = 0, index = 99;
  pact_dimension_info dim;
  pact_item_info item;
  pact_option_info option;
  pact_level_info level;

  CHECK_OK(pact_instrument_info(small, &id, &version, &hash));
  CHECK_STR(id, "test-small");
  CHECK_STR(version, "1.2.3");
  CHECK(hash != NULL && strncmp(hash, "sha256:", 7) == 0 && strlen(hash) == 7 + 64);
  CHECK_OK(pact_instrument_info(small, NULL, NULL, NULL));

  CHECK_OK(pact_instrument_name(small, "es", &text));
  CHECK_STR(text, "Instrumento de prueba");
  CHECK_OK(pact_instrument_name(small, NULL, &text));
  CHECK_STR(text, "Small test instrument");
  CHECK_OK(pact_instrument_name(small, "fr", &text)); /* a language it lacks: the default */
  CHECK_STR(text, "Small test instrument");

  CHECK_OK(pact_instrument_languages(small, &text, &count));
  CHECK_STR(text, "en");
  CHECK(count == 2);
  CHECK_OK(pact_instrument_language(small, 1, &text));
  CHECK_STR(text, "es");
  CHECK_ERROR(pact_instrument_language(small, 2, &text), PACT_ERROR_INVALID_ARGUMENT, "index");

  CHECK(pact_instrument_dimension_count(small) == 3);
  CHECK(pact_instrument_item_count(small) == 6);
  CHECK(pact_instrument_level_count(small) == 3);
  CHECK(pact_instrument_dimension_count(NULL) == 0);
  CHECK(pact_instrument_item_count(NULL) == 0);
  CHECK(pact_instrument_level_count(NULL) == 0);

  memset(&dim, 0, sizeof dim);
  dim.struct_size = sizeof dim;
  CHECK_OK(pact_instrument_dimension(small, 0, "es", &dim));
  CHECK_STR(dim.id, "a");
  CHECK_STR(dim.label, "Dimensión A");
  CHECK_STR(dim.description, "");
  CHECK(dim.weight == 2.0);
  CHECK(dim.normalized_weight == 0.5);
  CHECK(dim.min_coverage == 0.5);
  CHECK(dim.deprivation_cutoff == 0.5);
  CHECK(dim.critical_cutoff == 0.75);
  CHECK(dim.item_count == 3);
  CHECK_OK(pact_instrument_dimension(small, 1, NULL, &dim));
  CHECK_STR(dim.label, "Dimension B");
  CHECK(isnan(dim.critical_cutoff));
  CHECK(dim.normalized_weight == 0.25);
  CHECK(dim.deprivation_cutoff == 0.4);
  CHECK_ERROR(pact_instrument_dimension(small, 3, NULL, &dim), PACT_ERROR_INVALID_ARGUMENT, "index");
  dim.struct_size = sizeof dim - 1;
  CHECK_ERROR(pact_instrument_dimension(small, 0, NULL, &dim), PACT_ERROR_INVALID_ARGUMENT, "out->struct_size");

  memset(&item, 0, sizeof item);
  item.struct_size = sizeof item;
  CHECK_OK(pact_instrument_item(small, 0, "es", &item));
  CHECK_STR(item.id, "a1");
  CHECK_STR(item.dimension_id, "a");
  CHECK(item.dimension_index == 0);
  CHECK_STR(item.label, "Ítem a1");
  CHECK_STR(item.question, "");
  CHECK(item.type == PACT_RESPONSE_ORDINAL);
  CHECK(item.required == 1);
  CHECK(item.weight == 2.0);
  CHECK(item.weight_in_dimension == 0.5); /* 2 / (2 + 1 + 1) */
  CHECK(item.critical_cutoff == 0.75);
  CHECK(item.option_count == 4);
  CHECK(isnan(item.min_value) && isnan(item.max_value));
  CHECK_STR(item.unit, "");
  CHECK_OK(pact_instrument_item(small, 1, "es", &item));
  CHECK(item.type == PACT_RESPONSE_YES_NO);
  CHECK(item.required == 0);
  CHECK(item.option_count == 0);
  CHECK_OK(pact_instrument_item(small, 2, "es", &item));
  CHECK_STR(item.id, "a3");
  CHECK(item.type == PACT_RESPONSE_MONTHS);
  CHECK(item.min_value == 0.0 && item.max_value == 600.0);
  CHECK_STR(item.unit, "meses");
  CHECK(item.critical_cutoff == 1.0);
  CHECK_OK(pact_instrument_item(small, 3, NULL, &item));
  CHECK(item.type == PACT_RESPONSE_COUNT);
  CHECK(item.max_value == 20.0);
  CHECK(isnan(item.critical_cutoff));
  CHECK_OK(pact_instrument_item(small, 4, NULL, &item));
  CHECK_STR(item.id, "b2");
  CHECK(item.type == PACT_RESPONSE_AMOUNT);
  CHECK(isinf(item.max_value) && item.max_value > 0);
  CHECK(item.weight_in_dimension == 0.75); /* 3 / (1 + 3) */
  CHECK_ERROR(pact_instrument_item(small, 6, NULL, &item), PACT_ERROR_INVALID_ARGUMENT, "index");

  memset(&option, 0, sizeof option);
  option.struct_size = sizeof option;
  CHECK_OK(pact_instrument_option(small, 0, 2, "es", &option));
  CHECK(option.value == 3);
  CHECK_STR(option.label, "Grave");
  CHECK_STR(option.anchor, "Problema grave");
  CHECK(option.severity == 0.75);
  CHECK_OK(pact_instrument_option(small, 5, 1, "en", &option));
  CHECK(option.value == 5);
  CHECK_STR(option.label, "Fair");
  CHECK(option.severity == 0.5);
  CHECK_ERROR(pact_instrument_option(small, 0, 4, NULL, &option), PACT_ERROR_INVALID_ARGUMENT, "option");
  CHECK_ERROR(pact_instrument_option(small, 1, 0, NULL, &option), PACT_ERROR_INVALID_ARGUMENT, "item");
  CHECK_CONTAINS(pact_last_error(), "not ordinal");
  CHECK_ERROR(pact_instrument_option(small, 9, 0, NULL, &option), PACT_ERROR_INVALID_ARGUMENT, "item");

  memset(&level, 0, sizeof level);
  level.struct_size = sizeof level;
  CHECK_OK(pact_instrument_level(small, 2, "es", &level));
  CHECK_STR(level.id, "high");
  CHECK_STR(level.label, "Alto");
  CHECK_STR(level.description, "");
  CHECK(level.min_score == 0.6);
  CHECK_ERROR(pact_instrument_level(small, 3, "es", &level), PACT_ERROR_INVALID_ARGUMENT, "index");

  CHECK_OK(pact_instrument_find_item(small, "c1", &index));
  CHECK(index == 5);
  CHECK_ERROR(pact_instrument_find_item(small, "zz", &index), PACT_ERROR_VALIDATION, "item_id");
  CHECK_CONTAINS(pact_last_error(), "no item \"zz\" in instrument test-small 1.2.3");
  CHECK(index == 5);

  /* NULL arguments are errors that name the argument, never a crash. */
  CHECK_ERROR(pact_instrument_info(NULL, &id, NULL, NULL), PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_instrument_name(small, "es", NULL), PACT_ERROR_INVALID_ARGUMENT, "name");
  CHECK_ERROR(pact_instrument_name(NULL, "es", &text), PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_instrument_languages(NULL, NULL, NULL), PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_instrument_language(small, 0, NULL), PACT_ERROR_INVALID_ARGUMENT, "language");
  CHECK_ERROR(pact_instrument_dimension(NULL, 0, NULL, &dim), PACT_ERROR_INVALID_ARGUMENT, "out->struct_size");
  dim.struct_size = sizeof dim;
  CHECK_ERROR(pact_instrument_dimension(NULL, 0, NULL, &dim), PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_instrument_dimension(small, 0, NULL, NULL), PACT_ERROR_INVALID_ARGUMENT, "out");
  CHECK_ERROR(pact_instrument_item(small, 0, NULL, NULL), PACT_ERROR_INVALID_ARGUMENT, "out");
  CHECK_ERROR(pact_instrument_option(NULL, 0, 0, NULL, &option), PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_instrument_level(small, 0, NULL, NULL), PACT_ERROR_INVALID_ARGUMENT, "out");
  CHECK_ERROR(pact_instrument_find_item(small, NULL, &index), PACT_ERROR_INVALID_ARGUMENT, "item_id");
  CHECK_ERROR(pact_instrument_find_item(small, "a1", NULL), PACT_ERROR_INVALID_ARGUMENT, "index");
  CHECK_ERROR(pact_instrument_find_item(NULL, "a1", &index), PACT_ERROR_INVALID_ARGUMENT, "instrument");

  /* A successful call clears the last error. */
  CHECK_OK(pact_instrument_find_item(small, "a1", &index));
  CHECK_STR(pact_last_error(), "");
  CHECK_STR(pact_last_error_where(), "");
}

static void test_loading_errors(void) {
  pact_instrument* instrument = (pact_instrument*)&instrument; /* not NULL: failures must reset it */
  char* text = read_text("instruments/small.json");
  char* weight;
  char deep[2001];
  const char* hash_from_file = NULL;
  const char* hash_from_text = NULL;
  pact_instrument* from_file = NULL;

  /* The same instrument from a file, from counted text and from NUL-terminated text. */
  CHECK_OK(pact_instrument_load_file(data_path("instruments/small.json"), &from_file));
  CHECK_OK(pact_instrument_load_json(text, strlen(text), &instrument));
  CHECK_OK(pact_instrument_info(from_file, NULL, NULL, &hash_from_file));
  CHECK_OK(pact_instrument_info(instrument, NULL, NULL, &hash_from_text));
  CHECK_STR(hash_from_file, hash_from_text);
  pact_instrument_free(instrument);
  CHECK_OK(pact_instrument_load_json(text, PACT_NUL_TERMINATED, &instrument));
  pact_instrument_free(instrument);
  pact_instrument_free(from_file);

  instrument = (pact_instrument*)&instrument;
  CHECK_ERROR(pact_instrument_load_file(NULL, &instrument), PACT_ERROR_INVALID_ARGUMENT, "path");
  CHECK(instrument == NULL);
  CHECK_ERROR(pact_instrument_load_file(data_path("instruments/small.json"), NULL), PACT_ERROR_INVALID_ARGUMENT, "out");
  instrument = (pact_instrument*)&instrument;
  CHECK(pact_instrument_load_file(data_path("instruments/no-such-file.json"), &instrument) == PACT_ERROR_IO);
  CHECK_CONTAINS(pact_last_error_where(), "no-such-file.json");
  CHECK_CONTAINS(pact_last_error(), "no-such-file.json");
  CHECK(instrument == NULL);

  CHECK_ERROR(pact_instrument_load_json(NULL, 10, &instrument), PACT_ERROR_INVALID_ARGUMENT, "json");
  CHECK_ERROR(pact_instrument_load_json(text, 10, NULL), PACT_ERROR_INVALID_ARGUMENT, "out");
  /* Cut short: a syntax error at a line and column. */
  CHECK(pact_instrument_load_json(text, 40, &instrument) == PACT_ERROR_PARSE);
  CHECK(strncmp(pact_last_error_where(), "line ", 5) == 0);
  CHECK(instrument == NULL);
  /* A negative weight in the first dimension: a validation error at its JSON Pointer. */
  weight = strstr(text, "\"weight\": 2,");
  CHECK(weight != NULL);
  if (weight) {
    memcpy(weight, "\"weight\":-2,", 12);
    CHECK_ERROR(pact_instrument_load_json(text, PACT_NUL_TERMINATED, &instrument), PACT_ERROR_VALIDATION,
                "/dimensions/0/weight");
    CHECK_CONTAINS(pact_last_error(), "/dimensions/0/weight: ");
  }
  /* Nesting past the limit. */
  memset(deep, '[', 1000);
  memset(deep + 1000, ']', 1000);
  deep[2000] = '\0';
  CHECK(pact_instrument_load_json(deep, PACT_NUL_TERMINATED, &instrument) == PACT_ERROR_LIMIT);
  free(text);
}

static void test_defaults(void) {
  pact_instrument* instrument = NULL;
  pact_model* model = NULL;
  const char *id = NULL, *version = NULL, *status = NULL, *hash = NULL, *language = NULL;
  const char* model_instrument_id = NULL;
  CHECK_OK(pact_instrument_default(&instrument));
  CHECK_OK(pact_instrument_info(instrument, &id, &version, NULL));
  CHECK_STR(id, "pact-instrument");
  CHECK(pact_instrument_dimension_count(instrument) == 9);
  CHECK_OK(pact_instrument_languages(instrument, &language, NULL));
  CHECK_STR(language, "es");
  CHECK_OK(pact_model_default(&model));
  CHECK_OK(pact_model_info(model, &id, &version, &hash, &status));
  CHECK_STR(id, "pact-chronicity");
  CHECK_STR(status, "illustrative");
  CHECK_OK(pact_instrument_info(pact_model_instrument(model), &model_instrument_id, NULL, NULL));
  CHECK_STR(model_instrument_id, "pact-instrument");
  CHECK_ERROR(pact_instrument_default(NULL), PACT_ERROR_INVALID_ARGUMENT, "out");
  CHECK_ERROR(pact_model_default(NULL), PACT_ERROR_INVALID_ARGUMENT, "out");
  pact_model_free(model);
  pact_instrument_free(instrument);
}

static void test_models(const pact_instrument* small) {
  pact_model* logistic = NULL;
  pact_model* model = (pact_model*)&model;
  pact_instrument* other = NULL;
  const char *id = NULL, *version = NULL, *hash = NULL, *status = NULL;
  char* text = read_text("models/logistic.json");
  int months = 0;
  pact_band_info band;

  CHECK_OK(pact_model_load_file(data_path("models/logistic.json"), small, &logistic));
  CHECK_OK(pact_model_info(logistic, &id, &version, &hash, &status));
  CHECK_STR(id, "test-logistic");
  CHECK_STR(version, "0.3.0");
  CHECK(strncmp(hash, "sha256:", 7) == 0);
  CHECK_STR(status, "calibrated");
  CHECK_OK(pact_model_info(logistic, NULL, NULL, NULL, NULL));
  CHECK_OK(pact_model_horizon(logistic, &months));
  CHECK(months == 12);
  CHECK(pact_model_band_count(logistic) == 4);
  CHECK(pact_model_band_count(NULL) == 0);
  memset(&band, 0, sizeof band);
  band.struct_size = sizeof band;
  CHECK_OK(pact_model_band(logistic, 2, "es", &band));
  CHECK_STR(band.id, "high");
  CHECK_STR(band.label, "Alto");
  CHECK(band.min_probability == 0.55);
  CHECK_OK(pact_model_band(logistic, 3, NULL, &band));
  CHECK_STR(band.label, "Very high");
  CHECK_ERROR(pact_model_band(logistic, 4, NULL, &band), PACT_ERROR_INVALID_ARGUMENT, "index");
  CHECK_ERROR(pact_model_band(NULL, 0, NULL, &band), PACT_ERROR_INVALID_ARGUMENT, "model");
  CHECK_ERROR(pact_model_band(logistic, 0, NULL, NULL), PACT_ERROR_INVALID_ARGUMENT, "out");
  CHECK(pact_model_instrument(NULL) == NULL);
  CHECK(pact_instrument_item_count(pact_model_instrument(logistic)) == 6);

  /* From text, counted and NUL-terminated. */
  CHECK_OK(pact_model_load_json(text, strlen(text), small, &model));
  pact_model_free(model);
  CHECK_OK(pact_model_load_json(text, PACT_NUL_TERMINATED, small, &model));
  pact_model_free(model);

  /* A model keeps its instrument alive: free the instrument first, then use the model's. */
  CHECK_OK(pact_instrument_load_file(data_path("instruments/small.json"), &other));
  CHECK_OK(pact_model_load_file(data_path("models/hazard.json"), other, &model));
  pact_instrument_free(other);
  CHECK_OK(pact_instrument_info(pact_model_instrument(model), &id, NULL, NULL));
  CHECK_STR(id, "test-small");
  CHECK_OK(pact_model_horizon(model, &months));
  CHECK(months == 6);
  pact_model_free(model);

  /* Errors. */
  model = (pact_model*)&model;
  CHECK_ERROR(pact_model_load_file(NULL, small, &model), PACT_ERROR_INVALID_ARGUMENT, "path");
  CHECK(model == NULL);
  CHECK_ERROR(pact_model_load_file(data_path("models/logistic.json"), NULL, &model), PACT_ERROR_INVALID_ARGUMENT,
              "instrument");
  CHECK_ERROR(pact_model_load_file(data_path("models/logistic.json"), small, NULL), PACT_ERROR_INVALID_ARGUMENT, "out");
  CHECK(pact_model_load_file(data_path("models/none.json"), small, &model) == PACT_ERROR_IO);
  CHECK_ERROR(pact_model_load_json(NULL, 5, small, &model), PACT_ERROR_INVALID_ARGUMENT, "json");
  CHECK_ERROR(pact_model_load_json(text, 5, NULL, &model), PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK(pact_model_load_json(text, 5, small, &model) == PACT_ERROR_PARSE);
  CHECK(model == NULL);
  /* The default model refuses another instrument, at the JSON Pointer of the instrument's id. */
  CHECK_OK(pact_instrument_default(&other));
  CHECK_ERROR(pact_model_load_file(data_path("models/logistic.json"), other, &model), PACT_ERROR_VALIDATION,
              "/instrument/id");
  pact_instrument_free(other);
  CHECK_ERROR(pact_model_info(NULL, &id, NULL, NULL, NULL), PACT_ERROR_INVALID_ARGUMENT, "model");
  CHECK_ERROR(pact_model_horizon(NULL, &months), PACT_ERROR_INVALID_ARGUMENT, "model");
  CHECK_ERROR(pact_model_horizon(logistic, NULL), PACT_ERROR_INVALID_ARGUMENT, "months");

  /* Compiled bundles: written and read back, the same model (hash) and the same scores. */
  CHECK_OK(pact_bundle_write(logistic, PACT_TEST_BUNDLE));
  CHECK_OK(pact_model_load_bundle(PACT_TEST_BUNDLE, &model));
  {
    const char *hash_json = NULL, *hash_bundle = NULL;
    const double row[6] = {4, 0, 0, 2, 50, 5};
    double risk_json = 0, risk_bundle = 1;
    pact_batch_output out;
    memset(&out, 0, sizeof out);
    out.struct_size = sizeof out;
    CHECK_OK(pact_model_info(logistic, NULL, NULL, &hash_json, NULL));
    CHECK_OK(pact_model_info(model, NULL, NULL, &hash_bundle, NULL));
    CHECK(strcmp(hash_json, hash_bundle) == 0);
    out.risk = &risk_json;
    CHECK_OK(pact_model_score_batch(logistic, row, 1, 6, 1, &out, NULL));
    out.risk = &risk_bundle;
    CHECK_OK(pact_model_score_batch(model, row, 1, 6, 1, &out, NULL));
    CHECK(same_bits(risk_json, risk_bundle));
    CHECK_NEAR(risk_bundle, 2.0 / 3.0, 1e-12); /* worked out in test_score_json */
  }
  pact_model_free(model);
  model = (pact_model*)&model;
  /* A JSON file is not a bundle: a clear error, never a crash; the handle is NULL. */
  CHECK(pact_model_load_bundle(data_path("models/logistic.json"), &model) != PACT_OK);
  CHECK(pact_last_error()[0] != '\0');
  CHECK(model == NULL);
  CHECK_ERROR(pact_model_load_bundle(NULL, &model), PACT_ERROR_INVALID_ARGUMENT, "path");
  CHECK_ERROR(pact_model_load_bundle("x", NULL), PACT_ERROR_INVALID_ARGUMENT, "out");
  CHECK(pact_model_load_bundle("/nonexistent/x.bundle", &model) == PACT_ERROR_IO);
  CHECK_ERROR(pact_bundle_write(NULL, "unused.bundle"), PACT_ERROR_INVALID_ARGUMENT, "model");
  CHECK_ERROR(pact_bundle_write(logistic, NULL), PACT_ERROR_INVALID_ARGUMENT, "path");

  pact_model_free(logistic);
  free(text);
}

static void test_score_json(const pact_instrument* small) {
  char* assessment = read_text("assessments/small-full.json");
  char* result = (char*)&result;
  char* text = NULL;
  char long_id[2100];
  char long_assessment[2300];
  pact_model* logistic = NULL;
  pact_model* hazard = NULL;

  /* small-full: a1 3 (.75), a2 no (0), a3 18 (.75), b1 2 (.5), b2 40 (.6), c1 10 (1).
   * A = (2*.75 + 0 + .75) / 4 = .5625; B = (.5 + 3*.6) / 4 = .575; C = 1;
   * composite .5*.5625 + .25*.575 + .25*1 = .675 -> level "high" (min .6); deprived A, B, C: c = 1;
   * critical: item a1 only (.75 >= .75), importance .5 * (2/4) * .75 = .1875. */
  CHECK_OK(pact_instrument_score_json(small, assessment, strlen(assessment), "es", &result));
  CHECK_CONTAINS(result, "\"format\":\"pact.result\"");
  CHECK_CONTAINS(result, "\"case_id\":\"small-full\"");
  CHECK_CONTAINS(result, "\"instrument\":{\"id\":\"test-small\",\"version\":\"1.2.3\",\"hash\":\"sha256:");
  CHECK_CONTAINS(result, "\"language\":\"es\"");
  CHECK_CONTAINS(result, "\"level\":{\"id\":\"high\",\"label\":\"Alto\"}");
  CHECK_NEAR(number_after(result, "\"composite\":", "\"score\":"), 0.675, 1e-12);
  CHECK_NEAR(number_after(result, "\"id\":\"a\"", "\"score\":"), 0.5625, 1e-12);
  CHECK_NEAR(number_after(result, "\"id\":\"b\"", "\"score\":"), 0.575, 1e-12);
  CHECK_NEAR(number_after(result, "\"id\":\"c\"", "\"score\":"), 1.0, 1e-12);
  CHECK_NEAR(number_after(result, "\"deprivation\":", "\"score\":"), 1.0, 1e-12);
  CHECK_NEAR(number_after(result, "\"deprivation\":", "\"count\":"), 3.0, 0.0);
  CHECK_CONTAINS(result, "\"critical_factors\":[{\"kind\":\"item\",\"id\":\"a1\",\"label\":\"Ítem a1\"");
  CHECK_NEAR(number_after(result, "\"critical_factors\":", "\"importance\":"), 0.1875, 1e-12);
  pact_string_free(result);

  /* NUL-terminated text; labels in the default language when none is asked for. */
  CHECK_OK(pact_instrument_score_json(small, assessment, PACT_NUL_TERMINATED, NULL, &result));
  CHECK_CONTAINS(result, "\"level\":{\"id\":\"high\",\"label\":\"High\"}");
  pact_string_free(result);

  /* Errors name the JSON Pointer of the offending field. */
  result = (char*)&result;
  CHECK_ERROR(pact_instrument_score_json(small, "{\"case_id\":\"x\",\"responses\":{\"a1\":7}}", PACT_NUL_TERMINATED,
                                         NULL, &result),
              PACT_ERROR_VALIDATION, "/responses/a1");
  CHECK_STR(pact_last_error(), "/responses/a1: 7 is not one of the options 1, 2, 3, 4");
  CHECK(result == NULL);
  CHECK_ERROR(pact_instrument_score_json(small, "{\"case_id\":\"x\",\"responses\":{\"a2\":1}}", PACT_NUL_TERMINATED,
                                         NULL, &result),
              PACT_ERROR_VALIDATION, "/responses/a1");
  CHECK_CONTAINS(pact_last_error(), "required");
  CHECK_ERROR(pact_instrument_score_json(small, "{\"case_id\":\"x\",\"date\":\"2023-02-29\",\"responses\":{\"a1\":1}}",
                                         PACT_NUL_TERMINATED, NULL, &result),
              PACT_ERROR_VALIDATION, "/date");
  CHECK(pact_instrument_score_json(small, "{\"case_id\":\"x\",", PACT_NUL_TERMINATED, NULL, &result) ==
        PACT_ERROR_PARSE);
  CHECK(strncmp(pact_last_error_where(), "line 1, column ", 15) == 0);
  CHECK(result == NULL);
  CHECK_ERROR(pact_instrument_score_json(small, NULL, 3, NULL, &result), PACT_ERROR_INVALID_ARGUMENT,
              "assessment_json");
  CHECK_ERROR(pact_instrument_score_json(NULL, assessment, PACT_NUL_TERMINATED, NULL, &result),
              PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_instrument_score_json(small, assessment, PACT_NUL_TERMINATED, NULL, NULL),
              PACT_ERROR_INVALID_ARGUMENT, "result_json");

  /* No length limit on the last error: an unknown item id of 2000 characters comes back whole. */
  memset(long_id, 'z', 2000);
  long_id[2000] = '\0';
  sprintf(long_assessment, "{\"case_id\":\"x\",\"responses\":{\"a1\":1,\"%s\":1}}", long_id);
  CHECK(pact_instrument_score_json(small, long_assessment, PACT_NUL_TERMINATED, NULL, &result) ==
        PACT_ERROR_VALIDATION);
  CHECK(strlen(pact_last_error_where()) == strlen("/responses/") + 2000);
  CHECK(strlen(pact_last_error()) > 2 * 2000);

  /* With a model: the result with its risk section. The logistic case a1 4, a2 0, a3 0, b1 2,
   * b2 50, c1 5: A = .5, B = .5, C = .5, composite .5 ("mid"). Features: dim_a .5, sev_c1 .5,
   * log(1 + a3) = 0, hinge(b1 - 2) = 0, composite .5, A >= .75: 0, A * c1 .25, so the linear
   * predictor is -3 ln 2 + ln 2 + ln 2 + ln 2 + 4 ln 2 * .25 = ln 2 and P = 1 / (1 + 1/2) = 2/3,
   * band "high" (.55 to .85). */
  CHECK_OK(pact_model_load_file(data_path("models/logistic.json"), small, &logistic));
  CHECK_OK(pact_model_score_json(logistic,
                                 "{\"case_id\":\"c-1\",\"responses\":{\"a1\":4,\"a2\":false,\"a3\":0,\"b1\":2,"
                                 "\"b2\":50,\"c1\":5}}",
                                 PACT_NUL_TERMINATED, "es", &result));
  CHECK_CONTAINS(result, "\"case_id\":\"c-1\"");
  CHECK_NEAR(number_after(result, "\"composite\":", "\"score\":"), 0.5, 1e-12);
  CHECK_CONTAINS(result, "\"level\":{\"id\":\"mid\",\"label\":\"Medio\"}");
  CHECK_NEAR(number_after(result, "\"risk\":", "\"probability\":"), 2.0 / 3.0, 1e-12);
  CHECK_NEAR(number_after(result, "\"risk\":", "\"linear_predictor\":"), LN2, 1e-12);
  CHECK_CONTAINS(result, "\"band\":{\"id\":\"high\",\"label\":\"Alto\"}");
  pact_string_free(result);
  CHECK_ERROR(pact_model_score_json(logistic, "{\"case_id\":\"x\",\"responses\":{\"a1\":0}}", PACT_NUL_TERMINATED,
                                    NULL, &result),
              PACT_ERROR_VALIDATION, "/responses/a1");
  CHECK_ERROR(pact_model_score_json(NULL, assessment, PACT_NUL_TERMINATED, NULL, &result), PACT_ERROR_INVALID_ARGUMENT,
              "model");
  CHECK_ERROR(pact_model_score_json(logistic, NULL, 0, NULL, &result), PACT_ERROR_INVALID_ARGUMENT, "assessment_json");
  CHECK_ERROR(pact_model_score_json(logistic, assessment, PACT_NUL_TERMINATED, NULL, NULL),
              PACT_ERROR_INVALID_ARGUMENT, "result_json");
  /* The hazard model needs the months in care (a3): without them the case is still scored, and
   * its risk section says why there is no risk. */
  CHECK_OK(pact_model_load_file(data_path("models/hazard.json"), small, &hazard));
  CHECK_OK(pact_model_score_json(hazard, "{\"case_id\":\"x\",\"responses\":{\"a1\":2,\"b1\":0}}",
                                 PACT_NUL_TERMINATED, NULL, &result));
  CHECK_CONTAINS(result, "\"risk\":{\"status\":\"missing_duration\"");
  CHECK(strstr(result, "\"probability\"") == NULL);
  pact_string_free(result);
  CHECK_OK(pact_model_score_json(hazard, "{\"case_id\":\"x\",\"responses\":{\"a1\":2,\"a3\":0,\"b1\":0}}",
                                 PACT_NUL_TERMINATED, NULL, &result));
  pact_string_free(result);

  /* Describing a batch row's status. */
  CHECK_OK(pact_describe_row_status(small, PACT_ROW_NOT_AN_OPTION, 0, 5.0, &text));
  CHECK_STR(text, "5 is not one of the options 1, 2, 3, 4");
  pact_string_free(text);
  CHECK_OK(pact_describe_row_status(small, PACT_ROW_ABOVE_MAXIMUM, 2, 601.0, &text));
  CHECK_STR(text, "601 is above the maximum 600");
  pact_string_free(text);
  CHECK_OK(pact_describe_row_status(small, PACT_ROW_MISSING_REQUIRED, 0, NAN, &text));
  CHECK_CONTAINS(text, "required");
  pact_string_free(text);
  text = (char*)&text;
  CHECK_ERROR(pact_describe_row_status(small, 7, 0, 1.0, &text), PACT_ERROR_INVALID_ARGUMENT, "status");
  CHECK(text == NULL);
  CHECK_ERROR(pact_describe_row_status(small, PACT_ROW_NOT_AN_OPTION, -1, 1.0, &text), PACT_ERROR_INVALID_ARGUMENT,
              "item");
  CHECK_ERROR(pact_describe_row_status(small, PACT_ROW_NOT_AN_OPTION, 6, 1.0, &text), PACT_ERROR_INVALID_ARGUMENT,
              "item");
  CHECK_ERROR(pact_describe_row_status(NULL, 0, 0, 1.0, &text), PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_describe_row_status(small, 0, 0, 1.0, NULL), PACT_ERROR_INVALID_ARGUMENT, "text");

  pact_model_free(hazard);
  pact_model_free(logistic);
  free(assessment);
}

#define STRIDE 8 /* 6 items and 2 columns of padding the scoring must not read */
#define ROWS 6

static void test_batch(const pact_instrument* small) {
  const double NA = NAN;
  /* Hand-computed rows (tests/cpp/scoring_test.cpp); padding 999 would be an invalid answer to
   * any item, so reading it would reject the row. */
  const double responses[ROWS * STRIDE] = {
      3, 0, 18, 2, 40, 10, 999, 999,    /* A .5625, B .575, C 1; composite .675 "high"; c = 1 */
      1, NA, NA, NA, 100, NA, 999, 999, /* A 0 (cov .5), B 0 (cov .75), C not scored; composite 0 */
      4, 1, 30, NA, NA, 5, 999, 999,    /* A 1, B not scored, C .5; composite 5/6; c = .75 */
      2, NA, NA, NA, NA, NA, 999, 999,  /* A .25 only: composite coverage .5 < .6, not scored */
      5, 0, 0, 0, 0, 0, 999, 999,       /* a1 = 5 is not an option */
      NA, 0, 0, 0, 0, 0, 999, 999};     /* a1 is required */
  double scores[ROWS * 3], coverage[ROWS * 3], severities[ROWS * 6], composite[ROWS], composite_coverage[ROWS];
  double deprivation[ROWS], risk[ROWS], eta[ROWS];
  int32_t level[ROWS], deprived[ROWS], status[ROWS], error_item[ROWS], band[ROWS], risk_status[ROWS], imputed[ROWS];
  pact_batch_output out;
  pact_batch_summary summary;
  pact_model* logistic = NULL;
  pact_model* hazard = NULL;
  int i;

  memset(&out, 0, sizeof out);
  out.struct_size = sizeof out;
  out.dimension_scores = scores;
  out.dimension_coverage = coverage;
  out.item_severities = severities;
  out.composite = composite;
  out.composite_coverage = composite_coverage;
  out.level = level;
  out.deprivation_score = deprivation;
  out.deprived_count = deprived;
  out.status = status;
  out.error_item = error_item;
  memset(&summary, 0, sizeof summary);
  summary.struct_size = sizeof summary;

  CHECK_OK(pact_instrument_score_batch(small, responses, ROWS, STRIDE, 1, &out, &summary));
  CHECK(summary.rows == ROWS && summary.scored == 4 && summary.rejected == 2);
  CHECK(scores[0] == 0.5625 && fabs(scores[1] - 0.575) < 1e-15 && scores[2] == 1.0);
  CHECK_NEAR(composite[0], 0.675, 1e-15);
  CHECK(level[0] == 2 && deprivation[0] == 1.0 && deprived[0] == 3 && status[0] == PACT_ROW_OK && error_item[0] == -1);
  CHECK(severities[0] == 0.75 && severities[1] == 0.0 && severities[2] == 0.75 && severities[3] == 0.5);
  CHECK_NEAR(severities[4], 0.6, 1e-15);
  CHECK(coverage[0] == 1.0 && composite_coverage[0] == 1.0);
  CHECK(scores[3] == 0.0 && scores[4] == 0.0 && isnan(scores[5]));
  CHECK(coverage[3] == 0.5 && coverage[4] == 0.75 && coverage[5] == 0.0);
  CHECK(composite[1] == 0.0 && composite_coverage[1] == 0.75 && level[1] == 0 && deprivation[1] == 0.0);
  CHECK(isnan(severities[6 + 1]));
  CHECK(scores[6] == 1.0 && isnan(scores[7]) && scores[8] == 0.5);
  CHECK_NEAR(composite[2], 5.0 / 6.0, 1e-15);
  CHECK(level[2] == 2 && deprivation[2] == 0.75 && deprived[2] == 2);
  CHECK(scores[9] == 0.25 && isnan(composite[3]) && level[3] == -1 && composite_coverage[3] == 0.5);
  CHECK(status[4] == PACT_ROW_NOT_AN_OPTION && error_item[4] == 0);
  CHECK(isnan(scores[12]) && isnan(composite[4]) && level[4] == -1 && isnan(deprivation[4]) && deprived[4] == -1);
  CHECK(status[5] == PACT_ROW_MISSING_REQUIRED && error_item[5] == 0);

  /* Output and summary are optional; zero rows need no data. */
  CHECK_OK(pact_instrument_score_batch(small, responses, ROWS, STRIDE, 0, NULL, &summary));
  CHECK(summary.scored == 4);
  CHECK_OK(pact_instrument_score_batch(small, responses, ROWS, STRIDE, 1, &out, NULL));
  CHECK_OK(pact_instrument_score_batch(small, NULL, 0, 6, 1, &out, &summary));
  CHECK(summary.rows == 0 && summary.scored == 0);

  /* Errors. */
  CHECK_ERROR(pact_instrument_score_batch(small, responses, ROWS, 5, 1, &out, &summary), PACT_ERROR_INVALID_ARGUMENT,
              "row_stride");
  CHECK_CONTAINS(pact_last_error(), "expected at least 6");
  CHECK_ERROR(pact_instrument_score_batch(small, NULL, 2, STRIDE, 1, &out, &summary), PACT_ERROR_INVALID_ARGUMENT,
              "responses");
  CHECK_ERROR(pact_instrument_score_batch(NULL, responses, ROWS, STRIDE, 1, &out, &summary),
              PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_instrument_score_batch(small, responses, (size_t)-1 / 4, STRIDE, 1, &out, &summary),
              PACT_ERROR_INVALID_ARGUMENT, "rows");
  out.struct_size = 8;
  CHECK_ERROR(pact_instrument_score_batch(small, responses, ROWS, STRIDE, 1, &out, &summary),
              PACT_ERROR_INVALID_ARGUMENT, "output->struct_size");
  out.struct_size = sizeof out;
  summary.struct_size = 0;
  CHECK_ERROR(pact_instrument_score_batch(small, responses, ROWS, STRIDE, 1, &out, &summary),
              PACT_ERROR_INVALID_ARGUMENT, "summary->struct_size");
  summary.struct_size = sizeof summary;
  out.risk = risk;
  CHECK_ERROR(pact_instrument_score_batch(small, responses, ROWS, STRIDE, 1, &out, &summary),
              PACT_ERROR_INVALID_ARGUMENT, "output->risk");

  /* With the logistic model (tests/cpp/risk_model_test.cpp, in units of ln 2):
   *   a1 4, a2 0, a3 0, b1 2, b2 50, c1 5: eta = ln 2, p = 2/3, band high (2), nothing imputed;
   *   a1 3, a2 1, b1 4, the rest missing: eta = -5/6 ln 2, p = 1 / (1 + 2^(5/6)), band medium (1),
   *   four features imputed. */
  {
    const double cases[2 * 6] = {4, 0, 0, 2, 50, 5, 3, 1, NA, 4, NA, NA};
    out.linear_predictor = eta;
    out.band = band;
    out.risk_status = risk_status;
    out.imputed_features = imputed;
    CHECK_OK(pact_model_load_file(data_path("models/logistic.json"), small, &logistic));
    CHECK_OK(pact_model_score_batch(logistic, cases, 2, 6, 1, &out, &summary));
    CHECK(summary.rows == 2 && summary.scored == 2 && summary.rejected == 0);
    CHECK_NEAR(eta[0], LN2, 1e-12);
    CHECK_NEAR(risk[0], 2.0 / 3.0, 1e-12);
    CHECK(band[0] == 2 && risk_status[0] == PACT_RISK_OK && imputed[0] == 0);
    CHECK_NEAR(eta[1], -5.0 / 6.0 * LN2, 1e-12);
    CHECK_NEAR(risk[1], 1.0 / (1.0 + pow(2.0, 5.0 / 6.0)), 1e-12);
    CHECK(band[1] == 1 && imputed[1] == 4);
    CHECK(composite[0] == 0.5 && level[0] == 1);
  }
  /* The rows of the instrument batch with the logistic model: rejected rows have no risk. */
  CHECK_OK(pact_model_score_batch(logistic, responses, ROWS, STRIDE, 1, &out, &summary));
  CHECK(summary.rejected == 2);
  CHECK(risk_status[4] == PACT_RISK_REJECTED_BY_INSTRUMENT && isnan(risk[4]) && band[4] == -1 && imputed[4] == -1);
  CHECK(status[4] == PACT_ROW_NOT_AN_OPTION);

  /* The hazard model (tests/cpp/risk_model_test.cpp): baseline a = ln 2 for months 1-3,
   * ln(2/3) for 4-6, -ln 2 from 7; sev_a1 -4 ln 2 (ref .25), count_b1 ln 2 (ref 1), horizon 6.
   * a1 2 (.25), b1 0, c1 missing (imputed): eta = -ln 2. Assessed at a3 = 0 months: months 1-3
   * at h = 1/2, 4-6 at h = 1/4: S(6) = (1/8)(27/64) = 27/512. At a3 = 30: months 31-36 at
   * h = 1/5: (4/5)^6 = .262144. Without a3 the row keeps its instrument outputs, no risk. */
  {
    const double cases[3 * 6] = {2, NA, 0, 0, NA, NA, 2, NA, 30, 0, NA, NA, 2, NA, NA, 0, NA, NA};
    CHECK_OK(pact_model_load_file(data_path("models/hazard.json"), small, &hazard));
    CHECK_OK(pact_model_score_batch(hazard, cases, 3, 6, 1, &out, &summary));
    CHECK_NEAR(risk[0], 27.0 / 512.0, 1e-12);
    CHECK_NEAR(risk[1], 0.262144, 1e-12);
    CHECK(summary.rows == 3 && summary.scored == 2 && summary.rejected == 1);
    CHECK(status[2] == PACT_ROW_OK && risk_status[2] == PACT_RISK_MISSING_DURATION && isnan(risk[2]) && band[2] == -1);
    CHECK(scores[6] == 0.25); /* dimension A of row 2: (2 * .25) / 2 */
  }
  CHECK_ERROR(pact_model_score_batch(NULL, responses, ROWS, STRIDE, 1, &out, &summary), PACT_ERROR_INVALID_ARGUMENT,
              "model");
  CHECK_ERROR(pact_model_score_batch(logistic, responses, ROWS, 2, 1, &out, &summary), PACT_ERROR_INVALID_ARGUMENT,
              "row_stride");
  CHECK_ERROR(pact_model_score_batch(logistic, NULL, 1, STRIDE, 1, &out, &summary), PACT_ERROR_INVALID_ARGUMENT,
              "responses");
  out.struct_size = 0;
  CHECK_ERROR(pact_model_score_batch(logistic, responses, ROWS, STRIDE, 1, &out, &summary), PACT_ERROR_INVALID_ARGUMENT,
              "output->struct_size");
  out.struct_size = sizeof out;

  /* A single row scored alone gives the same bits as in the batch. */
  {
    double alone = 0;
    pact_batch_output one;
    memset(&one, 0, sizeof one);
    one.struct_size = sizeof one;
    one.risk = &alone;
    CHECK_OK(pact_model_score_batch(logistic, responses, ROWS, STRIDE, 1, &out, NULL));
    for (i = 0; i < 4; ++i) {
      CHECK_OK(pact_model_score_batch(logistic, responses + i * STRIDE, 1, STRIDE, 1, &one, NULL));
      CHECK(same_bits(alone, risk[i]));
    }
  }

  pact_model_free(hazard);
  pact_model_free(logistic);
}

static void test_counting(const pact_instrument* small) {
  /* Alkire & Foster (2011), section 2: four people, four dimensions, z = (13, 12, 3, 1); a fifth
   * column of padding. Deprivations: person 1 none; 2 schooling and access (c = 1/2); 3 all four
   * (c = 1); 4 schooling (c = 1/4). k = 1/2: q = 2, H = 1/2, A = 3/4, M0 = 3/8; censored
   * headcounts (1/4, 1/2, 1/4, 1/2), contributions .25 * CH / M0 = (1/6, 1/3, 1/6, 1/3). */
  const double y[4 * 5] = {13.1, 14, 4, 1, -1, 15.2, 7, 5, 0, -1, 12.5, 10, 1, 0, -1, 20, 11, 3, 1, -1};
  const double z[4] = {13, 12, 3, 1};
  const double w[4] = {2, 2, 2, 2};
  const double gaps[6] = {5.0 / 12, 1.0, 1.0 / 26, 1.0 / 6, 2.0 / 3, 1.0};
  double uncensored[4], censored[4], contribution[4], m1 = 0, m2 = 0, sum = 0;
  pact_counting_result r;
  int d;

  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  r.uncensored_headcount = uncensored;
  r.censored_headcount = censored;
  r.contribution = contribution;
  CHECK_OK(pact_alkire_foster(y, 4, 4, 5, z, NULL, 0.5, 0, &r));
  CHECK(r.n == 4 && r.q == 2 && r.incomplete == 0);
  CHECK(r.H == 0.5 && r.A == 0.75 && r.M0 == 0.375 && r.M == 0.375);
  CHECK(uncensored[0] == 0.25 && uncensored[1] == 0.75 && uncensored[2] == 0.25 && uncensored[3] == 0.5);
  CHECK(censored[0] == 0.25 && censored[1] == 0.5 && censored[2] == 0.25 && censored[3] == 0.5);
  CHECK_NEAR(contribution[0], 1.0 / 6, 1e-15);
  CHECK_NEAR(contribution[1], 1.0 / 3, 1e-15);
  /* Equal explicit weights are the same; union and intersection cut-offs. */
  CHECK_OK(pact_alkire_foster(y, 4, 4, 5, z, w, 0.5, 0, &r));
  CHECK(r.M0 == 0.375);
  CHECK_OK(pact_alkire_foster(y, 4, 4, 5, z, NULL, 0.25, 0, &r));
  CHECK(r.H == 0.75 && r.M0 == 7.0 / 16);
  /* M1 and M2: the normalised gaps of the two poor people, each divided by n d = 16. */
  for (d = 0; d < 6; ++d) {
    m1 += gaps[d] / 16;
    m2 += gaps[d] * gaps[d] / 16;
  }
  CHECK_OK(pact_alkire_foster(y, 4, 4, 5, z, NULL, 0.5, 1, &r));
  CHECK_NEAR(r.M, m1, 1e-15);
  CHECK_OK(pact_alkire_foster(y, 4, 4, 5, z, NULL, 0.5, 2, &r));
  CHECK_NEAR(r.M, m2, 1e-15);
  for (d = 0; d < 4; ++d) sum += contribution[d];
  CHECK_NEAR(sum, 1.0, 1e-14);
  /* Only the scalars, without arrays. */
  r.uncensored_headcount = r.censored_headcount = r.contribution = NULL;
  CHECK_OK(pact_alkire_foster(y, 4, 4, 5, z, NULL, 0.5, 0, &r));
  CHECK(r.q == 2);

  CHECK_ERROR(pact_alkire_foster(y, 4, 4, 3, z, NULL, 0.5, 0, &r), PACT_ERROR_INVALID_ARGUMENT, "row_stride");
  CHECK_ERROR(pact_alkire_foster(y, 4, 4, 5, z, NULL, 0.0, 0, &r), PACT_ERROR_INVALID_ARGUMENT, "k");
  CHECK_ERROR(pact_alkire_foster(y, 4, 4, 5, z, NULL, 0.5, 3, &r), PACT_ERROR_INVALID_ARGUMENT, "alpha");
  CHECK_ERROR(pact_alkire_foster(y, 4, 4, 5, NULL, NULL, 0.5, 0, &r), PACT_ERROR_INVALID_ARGUMENT, "cutoffs");
  CHECK_ERROR(pact_alkire_foster(NULL, 4, 4, 5, z, NULL, 0.5, 0, &r), PACT_ERROR_INVALID_ARGUMENT, "values");
  CHECK_ERROR(pact_alkire_foster(y, 4, 4, 5, z, NULL, 0.5, 0, NULL), PACT_ERROR_INVALID_ARGUMENT, "result");
  {
    const double with_nan[2 * 4] = {1, 1, 1, NAN, 1, 1, 1, 1};
    CHECK(pact_alkire_foster(with_nan, 2, 4, 4, z, NULL, 0.5, 0, &r) == PACT_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(pact_last_error_where(), "achievements[0, 3]");
  }

  /* From dimension scores of small.json (cut-offs .5, .4, .5; weights .5, .25, .25), stride 4:
   *   (.6, .2, .5): deprived in A and C, c = .75;  (.1, .5, .1): B only, c = .25;
   *   (.9, .9, .9): all, c = 1;  (NaN, .5, .5): incomplete.
   * k = .5: n = 3, q = 2, H = 2/3, A = (.75 + 1) / 2 = .875, M0 = 1.75 / 3.
   * M1 with gaps (s - z) / (1 - z) of the excluded: A .2 and .8, B 5/6, C 0 and .8:
   *   (.5 (.2 + .8) + .25 (5/6) + .25 (.8)) / 3. */
  {
    const double s[4 * 4] = {.6, .2, .5, 7, .1, .5, .1, 7, .9, .9, .9, 7, NAN, .5, .5, 7};
    r.censored_headcount = censored;
    CHECK_OK(pact_alkire_foster_scores(small, s, 4, 4, 0.5, 0, &r));
    CHECK(r.n == 3 && r.q == 2 && r.incomplete == 1);
    CHECK_NEAR(r.H, 2.0 / 3, 1e-15);
    CHECK_NEAR(r.A, 0.875, 1e-15);
    CHECK_NEAR(r.M0, 1.75 / 3, 1e-15);
    CHECK_NEAR(censored[1], 1.0 / 3, 1e-15);
    CHECK_OK(pact_alkire_foster_scores(small, s, 4, 4, 0.5, 1, &r));
    CHECK_NEAR(r.M, (0.5 * (0.2 + 0.8) + 0.25 * (5.0 / 6) + 0.25 * 0.8) / 3, 1e-15);
    CHECK_ERROR(pact_alkire_foster_scores(small, s, 4, 2, 0.5, 0, &r), PACT_ERROR_INVALID_ARGUMENT, "row_stride");
    CHECK_ERROR(pact_alkire_foster_scores(NULL, s, 4, 4, 0.5, 0, &r), PACT_ERROR_INVALID_ARGUMENT, "instrument");
    CHECK_ERROR(pact_alkire_foster_scores(small, NULL, 4, 4, 0.5, 0, &r), PACT_ERROR_INVALID_ARGUMENT,
                "dimension_scores");
    r.struct_size = 1;
    CHECK_ERROR(pact_alkire_foster_scores(small, s, 4, 4, 0.5, 0, &r), PACT_ERROR_INVALID_ARGUMENT,
                "result->struct_size");
  }
}

int main(void) {
  pact_instrument* small = NULL;
  if (pact_instrument_load_file(data_path("instruments/small.json"), &small) != PACT_OK) {
    fprintf(stderr, "cannot load the small fixture: %s\n", pact_last_error());
    return 2;
  }
  test_version_and_build();
  test_instrument_metadata(small);
  test_loading_errors();
  test_defaults();
  test_models(small);
  test_score_json(small);
  test_batch(small);
  test_counting(small);
  pact_instrument_free(small);
  printf("pact C API test: %d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
