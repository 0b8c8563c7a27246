/* A C host of an installed pact: checks that the library it runs with is the header's major
 * version (the ABI check), loads the installed instrument and model files, checks them against
 * the defaults compiled into the library, scores one assessment given as JSON text and prints
 * its composite score for run_consumer.cmake to compare with the C++ consumer's.
 * Usage: consumer <installed models dir> <assessment.json> */
#include <pact.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char* what) {
  fprintf(stderr, "consumer (C): %s: %s [%s]\n", what, pact_last_error(), pact_last_error_where());
  return 1;
}

static char* read_all(const char* path) {
  FILE* f = fopen(path, "rb");
  long size;
  char* text;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = (char*)malloc((size_t)size + 1);
  if (text && fread(text, 1, (size_t)size, f) == (size_t)size) {
    text[size] = '\0';
  } else {
    free(text);
    text = NULL;
  }
  fclose(f);
  return text;
}

int main(int argc, char** argv) {
  char path[4096];
  pact_instrument* instrument = NULL;
  pact_model* model = NULL;
  pact_model* bundled = NULL;
  const char *hash = NULL, *bundled_hash = NULL, *at;
  char* assessment;
  char* result = NULL;
  int months = 0;

  if (argc != 3) return 2;
  if (pact_version_number() / 10000 != PACT_VERSION_MAJOR) {
    fprintf(stderr, "consumer (C): built with pact.h %d but running with library %s\n", PACT_VERSION_NUMBER,
            pact_version_string());
    return 1;
  }
  sprintf(path, "%s/pact-instrument.json", argv[1]);
  if (pact_instrument_load_file(path, &instrument) != PACT_OK) return fail("instrument");
  sprintf(path, "%s/pact-chronicity.json", argv[1]);
  if (pact_model_load_file(path, instrument, &model) != PACT_OK) return fail("model");
  pact_instrument_free(instrument); /* the model keeps what it needs */
  if (pact_model_default(&bundled) != PACT_OK) return fail("default model");
  if (pact_model_info(model, NULL, NULL, &hash, NULL) != PACT_OK ||
      pact_model_info(bundled, NULL, NULL, &bundled_hash, NULL) != PACT_OK)
    return fail("model info");
  if (strcmp(hash, bundled_hash) != 0) {
    fprintf(stderr, "consumer (C): the installed model %s is not the one compiled in (%s)\n", hash, bundled_hash);
    return 1;
  }
  if (pact_model_horizon(model, &months) != PACT_OK) return fail("horizon");

  assessment = read_all(argv[2]);
  if (!assessment) return 2;
  if (pact_model_score_json(model, assessment, PACT_NUL_TERMINATED, "es", &result) != PACT_OK) return fail("score");
  at = strstr(result, "\"composite\":{\"score\":");
  if (!at) return 1;
  printf("composite=%.17g\n", strtod(at + strlen("\"composite\":{\"score\":"), NULL));
  printf("consumer (C): pact %s, model %s, horizon %d months\n", pact_version_string(), hash, months);
  pact_string_free(result);
  free(assessment);
  pact_model_free(bundled);
  pact_model_free(model);
  return 0;
}
