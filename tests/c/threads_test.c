/* Eight host threads share one loaded model, without locks, and score 120,000 rows each
 * (single-row calls, the path that LightGBM once serialised behind a lock), some batches, and
 * JSON assessments; every result must equal, bit for bit, the result of one sequential batch
 * over the same rows. Each thread also provokes errors of its own and must read back its own
 * last error, never another thread's. Runs the rows of the default instrument and model. */
#define _POSIX_C_SOURCE 200809L

#include "pact.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define ROWS 120000
#define JSON_EVERY 400 /* one row in 400 is also scored from JSON text */
#define CHUNK 10000    /* rows per batch call in the batch phase */

static const pact_model* model;
static size_t items, dims;
static double* responses;

/* The sequential reference. */
static double *ref_scores, *ref_composite, *ref_deprivation, *ref_eta, *ref_risk;
static int32_t *ref_level, *ref_deprived, *ref_status, *ref_error_item, *ref_band, *ref_risk_status, *ref_imputed;
static char** ref_json;       /* result text, or the error message for a rejected assessment */
static pact_status* ref_json_status;

static void* checked_malloc(size_t bytes) {
  void* p = malloc(bytes ? bytes : 1);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

static char* copy_text(const char* text) {
  char* copy = (char*)checked_malloc(strlen(text) + 1);
  strcpy(copy, text);
  return copy;
}

/* A deterministic generator (64-bit LCG, Knuth's MMIX constants). */
static double uniform(unsigned long long* state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*state >> 11) / 9007199254740992.0;
}

/* Valid random answers read from the instrument's own description, some missing, a few rows
 * with an invalid code (rejected) and some without the months in care (no risk). */
static void make_rows(const pact_instrument* instrument) {
  unsigned long long state = 20240514ULL;
  size_t i, j;
  for (i = 0; i < ROWS; ++i) {
    double* row = responses + i * items;
    for (j = 0; j < items; ++j) {
      pact_item_info item;
      memset(&item, 0, sizeof item);
      item.struct_size = sizeof item;
      if (pact_instrument_item(instrument, j, NULL, &item) != PACT_OK) exit(2);
      if (!item.required && uniform(&state) < 0.1) {
        row[j] = NAN;
        continue;
      }
      switch (item.type) {
        case PACT_RESPONSE_ORDINAL: {
          pact_option_info option;
          memset(&option, 0, sizeof option);
          option.struct_size = sizeof option;
          if (pact_instrument_option(instrument, j, (size_t)(uniform(&state) * (double)item.option_count), NULL,
                                     &option) != PACT_OK)
            exit(2);
          row[j] = option.value;
          break;
        }
        case PACT_RESPONSE_YES_NO: row[j] = uniform(&state) < 0.5 ? 0.0 : 1.0; break;
        default: {
          const double hi = isinf(item.max_value) ? item.min_value + 200.0 : item.max_value;
          row[j] = item.min_value + uniform(&state) * (hi - item.min_value);
          if (item.type == PACT_RESPONSE_COUNT) row[j] = floor(row[j]);
          break;
        }
      }
    }
    if (i % 97 == 3) row[0] = 999.0;
  }
}

/* The assessment JSON of row i (responses by item id). */
static void row_json(const pact_instrument* instrument, size_t i, char* out) {
  size_t j;
  char* at = out + sprintf(out, "{\"case_id\":\"row-%lu\",\"responses\":{", (unsigned long)i);
  int first = 1;
  for (j = 0; j < items; ++j) {
    const double value = responses[i * items + j];
    pact_item_info item;
    if (isnan(value)) continue;
    memset(&item, 0, sizeof item);
    item.struct_size = sizeof item;
    pact_instrument_item(instrument, j, NULL, &item);
    at += sprintf(at, "%s\"%s\":%.17g", first ? "" : ",", item.id, value);
    first = 0;
  }
  strcpy(at, "}}");
}

static pact_batch_output outputs(size_t rows, double* scores, double* composite, int32_t* level, double* deprivation,
                                 int32_t* deprived, int32_t* status, int32_t* error_item, double* eta, double* risk,
                                 int32_t* band, int32_t* risk_status, int32_t* imputed) {
  pact_batch_output out;
  (void)rows;
  memset(&out, 0, sizeof out);
  out.struct_size = sizeof out;
  out.dimension_scores = scores;
  out.composite = composite;
  out.level = level;
  out.deprivation_score = deprivation;
  out.deprived_count = deprived;
  out.status = status;
  out.error_item = error_item;
  out.linear_predictor = eta;
  out.risk = risk;
  out.band = band;
  out.risk_status = risk_status;
  out.imputed_features = imputed;
  return out;
}

#define SAME(a, b, n) (memcmp((a), (b), (n) * sizeof *(a)) == 0)

struct worker {
  int id;
  size_t mismatches;
  size_t error_mixups;
  size_t rows_scored;
  size_t json_scored;
};

static void* work(void* arg) {
  struct worker* w = (struct worker*)arg;
  const pact_instrument* instrument = pact_model_instrument(model);
  double* scores = (double*)checked_malloc(CHUNK * dims * sizeof(double));
  double *composite = (double*)checked_malloc(CHUNK * sizeof(double)), *deprivation = (double*)checked_malloc(CHUNK * sizeof(double));
  double *eta = (double*)checked_malloc(CHUNK * sizeof(double)), *risk = (double*)checked_malloc(CHUNK * sizeof(double));
  int32_t* ints = (int32_t*)checked_malloc(7 * CHUNK * sizeof(int32_t));
  int32_t *level = ints, *deprived = ints + CHUNK, *status = ints + 2 * CHUNK, *error_item = ints + 3 * CHUNK;
  int32_t *band = ints + 4 * CHUNK, *risk_status = ints + 5 * CHUNK, *imputed = ints + 6 * CHUNK;
  const pact_batch_output out = outputs(CHUNK, scores, composite, level, deprivation, deprived, status, error_item, eta,
                                        risk, band, risk_status, imputed);
  char* json = (char*)checked_malloc(16384);
  char expected_where[64];
  size_t k, start = (size_t)w->id * (ROWS / THREADS);
  sprintf(expected_where, "got %d", w->id);

  /* Every row alone, each thread starting at its own place so that all of them are on the
   * model at once on different rows. */
  for (k = 0; k < ROWS; ++k) {
    const size_t i = (start + k) % ROWS;
    if (pact_model_score_batch(model, responses + i * items, 1, items, 1, &out, NULL) != PACT_OK) {
      ++w->mismatches;
      continue;
    }
    ++w->rows_scored;
    if (!SAME(scores, ref_scores + i * dims, dims) || !SAME(composite, ref_composite + i, 1) ||
        !SAME(level, ref_level + i, 1) || !SAME(deprivation, ref_deprivation + i, 1) ||
        !SAME(deprived, ref_deprived + i, 1) || !SAME(status, ref_status + i, 1) ||
        !SAME(error_item, ref_error_item + i, 1) || !SAME(eta, ref_eta + i, 1) || !SAME(risk, ref_risk + i, 1) ||
        !SAME(band, ref_band + i, 1) || !SAME(risk_status, ref_risk_status + i, 1) || !SAME(imputed, ref_imputed + i, 1))
      ++w->mismatches;

    if (i % JSON_EVERY == 0) {
      char* result = NULL;
      pact_status s;
      row_json(instrument, i, json);
      s = pact_model_score_json(model, json, PACT_NUL_TERMINATED, "es", &result);
      ++w->json_scored;
      if (s != ref_json_status[i / JSON_EVERY] ||
          strcmp(s == PACT_OK ? result : pact_last_error(), ref_json[i / JSON_EVERY]) != 0)
        ++w->mismatches;
      pact_string_free(result);
    }

    /* A wrong stride of this thread's own: its last error, and nobody else's. */
    if (k % 1000 == 0) {
      if (pact_model_score_batch(model, responses, 1, (size_t)w->id, 1, &out, NULL) != PACT_ERROR_INVALID_ARGUMENT ||
          strcmp(pact_last_error_where(), "row_stride") != 0 || !strstr(pact_last_error(), expected_where))
        ++w->error_mixups;
    }
  }

  /* Batches of CHUNK rows, each spread over two threads of pact's own. */
  for (k = 0; k + CHUNK <= ROWS; k += CHUNK) {
    const size_t first = (start / CHUNK * CHUNK + k) % ROWS;
    if (pact_model_score_batch(model, responses + first * items, CHUNK, items, 2, &out, NULL) != PACT_OK ||
        !SAME(scores, ref_scores + first * dims, CHUNK * dims) || !SAME(risk, ref_risk + first, CHUNK) ||
        !SAME(eta, ref_eta + first, CHUNK) || !SAME(composite, ref_composite + first, CHUNK) ||
        !SAME(band, ref_band + first, CHUNK) || !SAME(status, ref_status + first, CHUNK) ||
        !SAME(risk_status, ref_risk_status + first, CHUNK))
      ++w->mismatches;
  }

  free(json);
  free(ints);
  free(risk);
  free(eta);
  free(deprivation);
  free(composite);
  free(scores);
  return NULL;
}

int main(void) {
  pact_model* loaded = NULL;
  const pact_instrument* instrument;
  pthread_t threads[THREADS];
  struct worker workers[THREADS];
  pact_batch_output out;
  pact_batch_summary summary;
  char* json;
  size_t i, failures = 0, rows_scored = 0, json_scored = 0;
  int t;

  if (pact_model_default(&loaded) != PACT_OK) {
    fprintf(stderr, "%s\n", pact_last_error());
    return 2;
  }
  model = loaded;
  instrument = pact_model_instrument(model);
  items = pact_instrument_item_count(instrument);
  dims = pact_instrument_dimension_count(instrument);
  responses = (double*)checked_malloc(ROWS * items * sizeof(double));
  make_rows(instrument);

  ref_scores = (double*)checked_malloc(ROWS * dims * sizeof(double));
  ref_composite = (double*)checked_malloc(ROWS * sizeof(double));
  ref_deprivation = (double*)checked_malloc(ROWS * sizeof(double));
  ref_eta = (double*)checked_malloc(ROWS * sizeof(double));
  ref_risk = (double*)checked_malloc(ROWS * sizeof(double));
  ref_level = (int32_t*)checked_malloc(ROWS * sizeof(int32_t));
  ref_deprived = (int32_t*)checked_malloc(ROWS * sizeof(int32_t));
  ref_status = (int32_t*)checked_malloc(ROWS * sizeof(int32_t));
  ref_error_item = (int32_t*)checked_malloc(ROWS * sizeof(int32_t));
  ref_band = (int32_t*)checked_malloc(ROWS * sizeof(int32_t));
  ref_risk_status = (int32_t*)checked_malloc(ROWS * sizeof(int32_t));
  ref_imputed = (int32_t*)checked_malloc(ROWS * sizeof(int32_t));
  out = outputs(ROWS, ref_scores, ref_composite, ref_level, ref_deprivation, ref_deprived, ref_status, ref_error_item,
                ref_eta, ref_risk, ref_band, ref_risk_status, ref_imputed);
  memset(&summary, 0, sizeof summary);
  summary.struct_size = sizeof summary;
  if (pact_model_score_batch(model, responses, ROWS, items, 1, &out, &summary) != PACT_OK) {
    fprintf(stderr, "%s\n", pact_last_error());
    return 2;
  }
  printf("reference: %lu rows, %lu with a risk, %lu without\n", (unsigned long)summary.rows,
         (unsigned long)summary.scored, (unsigned long)summary.rejected);
  /* The data must exercise every kind of row. */
  if (summary.scored < ROWS / 2 || summary.rejected == 0) ++failures;
  {
    size_t rejected = 0, no_duration = 0;
    for (i = 0; i < ROWS; ++i) {
      rejected += ref_status[i] != PACT_ROW_OK;
      no_duration += ref_risk_status[i] == PACT_RISK_MISSING_DURATION;
    }
    printf("reference: %lu rejected by the instrument, %lu without the months in care\n", (unsigned long)rejected,
           (unsigned long)no_duration);
    if (rejected == 0 || no_duration == 0) ++failures;
  }

  ref_json = (char**)checked_malloc((ROWS / JSON_EVERY + 1) * sizeof(char*));
  ref_json_status = (pact_status*)checked_malloc((ROWS / JSON_EVERY + 1) * sizeof(pact_status));
  json = (char*)checked_malloc(16384);
  for (i = 0; i < ROWS; i += JSON_EVERY) {
    char* result = NULL;
    row_json(instrument, i, json);
    ref_json_status[i / JSON_EVERY] = pact_model_score_json(model, json, PACT_NUL_TERMINATED, "es", &result);
    ref_json[i / JSON_EVERY] = copy_text(result ? result : pact_last_error());
    pact_string_free(result);
  }
  free(json);

  for (t = 0; t < THREADS; ++t) {
    memset(&workers[t], 0, sizeof workers[t]);
    workers[t].id = t;
    if (pthread_create(&threads[t], NULL, work, &workers[t]) != 0) return 2;
  }
  for (t = 0; t < THREADS; ++t) {
    pthread_join(threads[t], NULL);
    printf("thread %d: %lu rows and %lu assessments scored, %lu mismatches, %lu last-error mix-ups\n", t,
           (unsigned long)workers[t].rows_scored, (unsigned long)workers[t].json_scored,
           (unsigned long)workers[t].mismatches, (unsigned long)workers[t].error_mixups);
    failures += workers[t].mismatches + workers[t].error_mixups;
    rows_scored += workers[t].rows_scored;
    json_scored += workers[t].json_scored;
  }
  if (rows_scored != (size_t)THREADS * ROWS || json_scored != (size_t)THREADS * (ROWS / JSON_EVERY)) ++failures;
  printf("%s: %lu single rows and %lu JSON assessments on %d threads against one sequential batch\n",
         failures == 0 ? "PASS" : "FAIL", (unsigned long)rows_scored, (unsigned long)json_scored, THREADS);

  for (i = 0; i < ROWS / JSON_EVERY; ++i) free(ref_json[i]);
  free(ref_json);
  free(ref_json_status);
  free(responses);
  pact_model_free(loaded);
  return failures == 0 ? 0 : 1;
}
