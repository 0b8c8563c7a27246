/* The casework part of the C API from C99 (-std=c99 -Wall -Wextra -Werror -pedantic): the change
 * between two assessments and its alerts, a caseload's contact order, professional overrides,
 * and audit logs (in memory, in a file, from several threads), against values computed by hand
 * from the small fixture (tests/data/instruments/small.json with alert rules added here, and
 * tests/data/models/logistic.json, whose hand computations tests/c/api_test.c also uses), and
 * every error path with the place pact_last_error_where() reports.
 * tests/c/check_exports.cmake checks that this file and api_test.c together call every function. */
#define _POSIX_C_SOURCE 200809L

#include "pact.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PACT_TEST_DATA_DIR
#error "PACT_TEST_DATA_DIR must name tests/data"
#endif
#ifndef PACT_TEST_WORK_DIR
#error "PACT_TEST_WORK_DIR must name a directory for the test's files"
#endif

static int checks = 0;
static int failures = 0;

static void check(int ok, const char* what, int line) {
  ++checks;
  if (!ok) {
    ++failures;
    fprintf(stderr, "casework_test.c:%d: check failed: %s\n  last error: [%s] %s\n", line, what,
            pact_last_error_where(), pact_last_error());
  }
}

#define CHECK(cond) check((cond) ? 1 : 0, #cond, __LINE__)
#define CHECK_OK(call) check((call) == PACT_OK, #call, __LINE__)
#define CHECK_NEAR(a, b, tol) check(fabs((a) - (b)) <= (tol), #a " ~ " #b, __LINE__)
#define CHECK_CONTAINS(haystack, needle) \
  check((haystack) != NULL && strstr((haystack), (needle)) != NULL, #haystack " contains " #needle, __LINE__)
#define CHECK_LACKS(haystack, needle) \
  check((haystack) != NULL && strstr((haystack), (needle)) == NULL, #haystack " lacks " #needle, __LINE__)
#define CHECK_ERROR(call, expected, where)                                            \
  do {                                                                                \
    check((call) == (expected), #call " == " #expected, __LINE__);                    \
    check(strcmp(pact_last_error_where(), (where)) == 0, "where == " where, __LINE__); \
  } while (0)

static char* read_file(const char* path) {
  FILE* f = fopen(path, "rb");
  long size;
  char* text;
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

static char* read_data(const char* relative) {
  char path[1024];
  sprintf(path, "%s/%s", PACT_TEST_DATA_DIR, relative);
  return read_file(path);
}

/* `json` (an object's text) with `members` inserted as its first members. */
static char* with_members(const char* json, const char* members) {
  const char* brace = strchr(json, '{');
  size_t head = (size_t)(brace - json) + 1;
  char* out = (char*)malloc(strlen(json) + strlen(members) + 2);
  if (!out) exit(2);
  memcpy(out, json, head);
  sprintf(out + head, "%s,%s", members, brace + 1);
  return out;
}

/* The number that follows `key` after the first `anchor` (NULL: from the start); NaN if absent. */
static double number_after(const char* json, const char* anchor, const char* key) {
  const char* at = anchor ? strstr(json, anchor) : json;
  if (!at) return NAN;
  at = strstr(at, key);
  if (!at) return NAN;
  return strtod(at + strlen(key), NULL);
}

/* How many times `needle` occurs in `text`. */
static int occurrences(const char* text, const char* needle) {
  int n = 0;
  const char* at = text;
  while ((at = strstr(at, needle)) != NULL) {
    ++n;
    at += strlen(needle);
  }
  return n;
}

/* The 64 hex digits that follow `key` ("\"record_sha256\":\"") in `json`, into `out` (65 bytes). */
static void digest_after(const char* json, const char* key, char* out) {
  const char* at = strstr(json, key);
  out[0] = '\0';
  if (!at || strlen(at + strlen(key)) < 64) return;
  memcpy(out, at + strlen(key), 64);
  out[64] = '\0';
}

/* Items of small.json: a1 (ordinal 1..4 -> 0, .25, .75, 1; weight 2, required, critical at
 * .75), a2 (yes/no), a3 (months, linear 0->0, 12->.5, 24->1), b1 (count, step 0->0, 1->.5,
 * 3->1), b2 (amount, linear 0->1, 100->0; weight 3), c1 (ordinal 0, 5, 10 -> 0, .5, 1).
 * Dimension weights 2, 1, 1 -> .5, .25, .25; levels low 0, mid .3, high .6. The rules added:
 * a dimension worsening by .2 or more, a level increase, an item turning critical, and no
 * reassessment for more than 90 days. */
static const char* ALERT_RULES =
    "\"alerts\":{\"dimension_worsening\":0.2,\"level_increase\":true,\"critical_item_appears\":true,"
    "\"reassessment_overdue_days\":90}";

/* Before: a1 2 (.25), a2 no, a3 0, b1 0, b2 100 (0), c1 0: A = 2 * .25 / 4 = .125, B = 0, C = 0;
 * composite .5 * .125 = .0625, "low". After: a1 4 (1), a2 yes (1), a3 12 (.5), c1 5 (.5):
 * A = (2 + 1 + .5) / 4 = .875, B = 0, C = .5; composite .4375 + .125 = .5625, "mid". */
static const char* BEFORE =
    "{\"case_id\":\"c1\",\"date\":\"2026-01-10\",\"responses\":{\"a1\":2,\"a2\":false,\"a3\":0,\"b1\":0,\"b2\":100,"
    "\"c1\":0}}";
static const char* AFTER =
    "{\"case_id\":\"c1\",\"date\":\"2026-04-20\",\"responses\":{\"a1\":4,\"a2\":true,\"a3\":12,\"b1\":0,\"b2\":100,"
    "\"c1\":5}}";

/* With the logistic model (b0 = -ln 8; see api_test.c for the features). LOW: a1 1, everything
 * else 0 or b2 100: every feature 0, eta = -ln 8, P = 1/9, band "low". HIGH: a1 4, a2 no, a3 0,
 * b1 2, b2 50, c1 5: A = .5, B = (.5 + 3 * .5) / 4 = .5, C = .5, composite .5 ("mid");
 * eta = ln 2, P = 2/3, band "high" (.55 to .85). */
#define LOW_RESPONSES "{\"a1\":1,\"a2\":false,\"a3\":0,\"b1\":0,\"b2\":100,\"c1\":0}"
#define HIGH_RESPONSES "{\"a1\":4,\"a2\":false,\"a3\":0,\"b1\":2,\"b2\":50,\"c1\":5}"

static void test_compare(const pact_instrument* small, const pact_model* logistic) {
  char* change = NULL;
  const double third = 2.0 / 3.0, ninth = 1.0 / 9.0;

  CHECK_OK(pact_instrument_compare_json(small, BEFORE, PACT_NUL_TERMINATED, AFTER, strlen(AFTER), "en", "2026-08-01",
                                        &change));
  CHECK_CONTAINS(change, "{\"format\":\"pact.change\",\"format_version\":1,\"case_id\":\"c1\"");
  CHECK_CONTAINS(change, "\"from_date\":\"2026-01-10\",\"to_date\":\"2026-04-20\",\"days\":100"); /* 21+28+31+20 */
  CHECK_CONTAINS(change, "\"language\":\"en\",\"worsened\":true");
  CHECK_CONTAINS(change, "\"composite\":{\"from\":0.0625,\"to\":0.5625,\"change\":0.5}");
  CHECK_CONTAINS(change, "\"level\":{\"from\":{\"id\":\"low\",\"label\":\"Low\"},\"to\":{\"id\":\"mid\",\"label\":\"Middle\"}}");
  CHECK_CONTAINS(change, "{\"id\":\"a\",\"label\":\"Dimension A\",\"from\":0.125,\"to\":0.875,\"change\":0.75}");
  CHECK_CONTAINS(change, "{\"id\":\"b\",\"label\":\"Dimension B\",\"from\":0,\"to\":0,\"change\":0}");
  CHECK_CONTAINS(change, "{\"id\":\"c\",\"label\":\"Dimension C\",\"from\":0,\"to\":0.5,\"change\":0.5}");
  CHECK_LACKS(change, "\"risk\"");
  /* A rose 75 points (12.5 -> 87.5, shown rounded half away from zero), C 50; the level went up;
   * a1 turned critical (.25 -> 1, cut-off .75); on 2026-08-01 the April assessment is
   * 10 + 31 + 30 + 31 + 1 = 103 days old, more than 90. */
  CHECK_CONTAINS(change, "\"alerts\":[{\"kind\":\"dimension_worsening\",\"dimension\":\"a\",\"from\":0.125,\"to\":0.875,"
                         "\"threshold\":0.2,\"reason\":\"Dimension A worsened 75 points (13 \xe2\x86\x92 88; rule "
                         "\xe2\x89\xa5 20)\"}");
  CHECK_CONTAINS(change, "{\"kind\":\"dimension_worsening\",\"dimension\":\"c\",\"from\":0,\"to\":0.5,\"threshold\":0.2,");
  CHECK_CONTAINS(change, "{\"kind\":\"level_increase\",\"from\":\"low\",\"to\":\"mid\",\"reason\":\"Level went up: Low "
                         "\xe2\x86\x92 Middle\"}");
  CHECK_CONTAINS(change, "{\"kind\":\"critical_item_appears\",\"item\":\"a1\",\"from\":0.25,\"to\":1,\"threshold\":0.75,"
                         "\"reason\":\"Critical now: Item a1 (100)\"}");
  CHECK_CONTAINS(change, "{\"kind\":\"reassessment_overdue\",\"days\":103,\"threshold\":90,\"reason\":\"No reassessment "
                         "for 103 days (rule \xe2\x89\xa4 90)\"}]}");
  CHECK(occurrences(change, "\"kind\":") == 5);
  pact_string_free(change);

  /* The reverse improves the case: no alert, not worsened; without as_of no overdue check. */
  CHECK_OK(pact_instrument_compare_json(small, AFTER, PACT_NUL_TERMINATED, "{\"case_id\":\"c1\",\"date\":\"2026-05-20\","
                                        "\"responses\":{\"a1\":2,\"a2\":false,\"a3\":0,\"b1\":0,\"b2\":100,\"c1\":0}}",
                                        PACT_NUL_TERMINATED, "es", NULL, &change));
  CHECK_CONTAINS(change, "\"worsened\":false");
  CHECK_CONTAINS(change, "\"alerts\":[]");
  CHECK_CONTAINS(change, "\"label\":\"Medio\"");
  pact_string_free(change);

  /* With the model: P 1/9 ("low") -> 2/3 ("high"), a rise of 5/9, shown as 56 points (11% ->
   * 67%). The model's rules, added here: band increase and a rise of .1. The instrument's: A, B
   * and C each rose .5 (50 points), the level went from low to mid, a1 turned critical. */
  CHECK_OK(pact_model_compare_json(logistic,
                                   "{\"case_id\":\"m\",\"date\":\"2026-01-10\",\"responses\":" LOW_RESPONSES "}",
                                   PACT_NUL_TERMINATED,
                                   "{\"case_id\":\"m\",\"date\":\"2026-02-10\",\"responses\":" HIGH_RESPONSES "}",
                                   PACT_NUL_TERMINATED, "en", NULL, &change));
  CHECK_CONTAINS(change, "\"days\":31");
  CHECK_CONTAINS(change, "\"risk\":{\"model\":{\"id\":\"test-logistic\",\"version\":\"0.3.0\"");
  CHECK_NEAR(number_after(change, "\"probability\":", "\"from\":"), ninth, 1e-15);
  CHECK_NEAR(number_after(change, "\"probability\":", "\"to\":"), third, 1e-15);
  CHECK_NEAR(number_after(change, "\"probability\":", "\"change\":"), third - ninth, 1e-15);
  CHECK_CONTAINS(change, "\"band\":{\"from\":{\"id\":\"low\",\"label\":\"Low\"},\"to\":{\"id\":\"high\",\"label\":\"High\"}}");
  CHECK(occurrences(change, "\"kind\":\"dimension_worsening\"") == 3);
  CHECK(occurrences(change, "\"kind\":") == 7);
  CHECK_CONTAINS(change, "{\"kind\":\"band_increase\",\"from\":\"low\",\"to\":\"high\",\"reason\":\"Risk band went up: "
                         "Low \xe2\x86\x92 High\"}");
  CHECK_NEAR(number_after(change, "\"kind\":\"probability_increase\"", "\"from\":"), ninth, 1e-15);
  CHECK_NEAR(number_after(change, "\"kind\":\"probability_increase\"", "\"to\":"), third, 1e-15);
  CHECK_CONTAINS(change, "\"threshold\":0.1,\"reason\":\"Probability of chronicity rose by 56 points (11% \xe2\x86\x92 "
                         "67%; rule \xe2\x89\xa5 10)\"}");
  pact_string_free(change);

  /* Errors: each assessment's under its own name; cases and dates that do not fit. */
  change = (char*)&change;
  CHECK_ERROR(pact_instrument_compare_json(small, BEFORE, PACT_NUL_TERMINATED,
                                           "{\"case_id\":\"c1\",\"responses\":{\"a1\":9}}", PACT_NUL_TERMINATED, NULL,
                                           NULL, &change),
              PACT_ERROR_VALIDATION, "/after/responses/a1");
  CHECK(change == NULL);
  CHECK_CONTAINS(pact_last_error(), "/after/responses/a1: 9 is not one of the options 1, 2, 3, 4");
  CHECK_ERROR(pact_instrument_compare_json(small, "{\"case_id\":\"c1\",\"responses\":{\"zz\":1}}", PACT_NUL_TERMINATED,
                                           AFTER, PACT_NUL_TERMINATED, NULL, NULL, &change),
              PACT_ERROR_VALIDATION, "/before/responses/zz");
  CHECK(pact_instrument_compare_json(small, "{\"case_id\": oops}", PACT_NUL_TERMINATED, AFTER, PACT_NUL_TERMINATED,
                                     NULL, NULL, &change) == PACT_ERROR_PARSE);
  CHECK(strncmp(pact_last_error_where(), "before: line 1, column ", 23) == 0);
  CHECK_ERROR(pact_instrument_compare_json(small, BEFORE, PACT_NUL_TERMINATED,
                                           "{\"case_id\":\"c2\",\"responses\":{\"a1\":1}}", PACT_NUL_TERMINATED, NULL,
                                           NULL, &change),
              PACT_ERROR_VALIDATION, "/after/case_id");
  CHECK_ERROR(pact_instrument_compare_json(small, AFTER, PACT_NUL_TERMINATED, BEFORE, PACT_NUL_TERMINATED, NULL, NULL,
                                           &change),
              PACT_ERROR_VALIDATION, "/after/date");
  CHECK_ERROR(pact_instrument_compare_json(small, BEFORE, PACT_NUL_TERMINATED, AFTER, PACT_NUL_TERMINATED, NULL,
                                           "2026-02-30", &change),
              PACT_ERROR_INVALID_ARGUMENT, "as_of");
  CHECK_ERROR(pact_instrument_compare_json(NULL, BEFORE, PACT_NUL_TERMINATED, AFTER, PACT_NUL_TERMINATED, NULL, NULL,
                                           &change),
              PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_instrument_compare_json(small, NULL, 0, AFTER, PACT_NUL_TERMINATED, NULL, NULL, &change),
              PACT_ERROR_INVALID_ARGUMENT, "before_json");
  CHECK_ERROR(pact_instrument_compare_json(small, BEFORE, PACT_NUL_TERMINATED, NULL, 0, NULL, NULL, &change),
              PACT_ERROR_INVALID_ARGUMENT, "after_json");
  CHECK_ERROR(pact_instrument_compare_json(small, BEFORE, PACT_NUL_TERMINATED, AFTER, PACT_NUL_TERMINATED, NULL, NULL,
                                           NULL),
              PACT_ERROR_INVALID_ARGUMENT, "change_json");
  CHECK_ERROR(pact_model_compare_json(NULL, BEFORE, PACT_NUL_TERMINATED, AFTER, PACT_NUL_TERMINATED, NULL, NULL,
                                      &change),
              PACT_ERROR_INVALID_ARGUMENT, "model");
  CHECK_ERROR(pact_model_compare_json(logistic, BEFORE, PACT_NUL_TERMINATED, "{\"case_id\":\"c1\",\"date\":\"x\","
                                      "\"responses\":{\"a1\":1}}", PACT_NUL_TERMINATED, NULL, NULL, &change),
              PACT_ERROR_VALIDATION, "/after/date");
}

/* A caseload as JSON Lines: p1 twice (LOW in January, HIGH in April: band low -> high), p2 once
 * (HIGH), p3 once (LOW), a line with an invalid answer and one without a date. */
static const char* CASELOAD =
    "{\"case_id\":\"p3\",\"date\":\"2026-02-01\",\"attributes\":{\"territory\":\"leon\"},\"responses\":" LOW_RESPONSES "}\n"
    "{\"case_id\":\"p1\",\"date\":\"2026-04-20\",\"attributes\":{\"territory\":\"leon\"},\"responses\":" HIGH_RESPONSES "}\n"
    "{\"case_id\":\"p2\",\"date\":\"2026-03-01\",\"attributes\":{\"territory\":\"salamanca\"},\"responses\":"
    HIGH_RESPONSES "}\n"
    "{\"case_id\":\"bad\",\"date\":\"2026-03-01\",\"responses\":{\"a1\":9}}\n"
    "\n"
    "{\"case_id\":\"p1\",\"date\":\"2026-01-10\",\"attributes\":{\"territory\":\"leon\"},\"responses\":" LOW_RESPONSES "}\n"
    "{\"case_id\":\"nodate\",\"responses\":{\"a1\":1}}\n";

static void test_prioritise(const pact_instrument* small, const pact_model* logistic) {
  char* out = NULL;
  pact_priority_options options;
  pact_group_capacity leon = {"leon", 1};
  const char* p1;
  const char* p2;
  const char* p3;
  char* array;

  /* With the model: p1 and p2 are both "high" (band 2); p1 has 7 current alerts (its January ->
   * April change, as in test_compare) and p2 none, so p1 comes first; p3 ("low") last. A
   * capacity of 2 selects p1 and p2. */
  memset(&options, 0, sizeof options);
  options.struct_size = sizeof options;
  options.lang = "en";
  options.capacity = 2;
  CHECK_OK(pact_model_prioritise_json(logistic, CASELOAD, PACT_NUL_TERMINATED, &options, &out));
  CHECK_CONTAINS(out, "{\"format\":\"pact.priorities\",\"format_version\":1");
  CHECK_CONTAINS(out, "\"model\":{\"id\":\"test-logistic\"");
  CHECK_CONTAINS(out, "\"as_of\":null,\"group_by\":null,\"capacity\":2");
  CHECK_CONTAINS(out, "\"summary\":{\"assessments\":6,\"rejected\":2,\"cases\":3,\"selected\":2}");
  p1 = strstr(out, "{\"rank\":1,\"selected\":true,\"case_id\":\"p1\",\"assessments\":2,\"last_date\":\"2026-04-20\"");
  p2 = strstr(out, "{\"rank\":2,\"selected\":true,\"case_id\":\"p2\",\"assessments\":1");
  p3 = strstr(out, "{\"rank\":3,\"selected\":false,\"case_id\":\"p3\"");
  CHECK(p1 != NULL && p2 != NULL && p3 != NULL && p1 < p2 && p2 < p3);
  CHECK_CONTAINS(p1, "\"level\":{\"id\":\"mid\",\"label\":\"Middle\"},\"composite\":0.5,\"band\":{\"id\":\"high\"");
  CHECK_NEAR(number_after(p1, NULL, "\"probability\":"), 2.0 / 3.0, 1e-15);
  CHECK_NEAR(number_after(p1, NULL, "\"worsening\":"), 2.0 / 3.0 - 1.0 / 9.0, 1e-15);
  CHECK_NEAR(number_after(p2, NULL, "\"worsening\":"), 0.0, 0.0);
  CHECK_NEAR(number_after(p3, NULL, "\"probability\":"), 1.0 / 9.0, 1e-15);
  CHECK_CONTAINS(p3, "\"alerts\":[],\"top_factors\":[]}");
  CHECK_CONTAINS(p1, "\"top_factors\":[{\"feature\":");
  /* The rejected: line 4 (an invalid answer) and line 7 (no date; line 5 is blank). */
  CHECK_CONTAINS(out, "\"rejected\":[{\"line\":4,\"case_id\":\"bad\",\"where\":\"/responses/a1\",\"kind\":\"validation\","
                      "\"reason\":\"9 is not one of the options 1, 2, 3, 4\"},{\"line\":7,\"case_id\":\"nodate\","
                      "\"where\":\"/date\",\"kind\":\"validation\"");
  pact_string_free(out);

  /* Per territory: one case of León can be contacted, Salamanca has no entry and the overall
   * capacity is 0 (no limit). On 2026-12-01 every case is overdue (p3: 303 days). */
  options.capacity = 0;
  options.group_by = "territory";
  options.group_capacities = &leon;
  options.group_capacity_count = 1;
  options.as_of = "2026-12-01";
  CHECK_OK(pact_model_prioritise_json(logistic, CASELOAD, PACT_NUL_TERMINATED, &options, &out));
  CHECK_CONTAINS(out, "\"as_of\":\"2026-12-01\",\"group_by\":\"territory\"");
  CHECK_CONTAINS(out, "\"case_id\":\"p1\",\"group\":\"leon\",\"group_rank\":1");
  CHECK_CONTAINS(out, "{\"rank\":2,\"selected\":true,\"case_id\":\"p2\",\"group\":\"salamanca\",\"group_rank\":1");
  CHECK_CONTAINS(out, "{\"rank\":3,\"selected\":false,\"case_id\":\"p3\",\"group\":\"leon\",\"group_rank\":2");
  CHECK_CONTAINS(out, "{\"kind\":\"reassessment_overdue\",\"days\":303,\"threshold\":90,");
  CHECK(occurrences(out, "\"kind\":\"reassessment_overdue\"") == 3);
  pact_string_free(out);

  /* Without a model: p1 has 5 alerts (no model rules), then p2 ("mid") before p3 ("low"). The
   * same caseload as a JSON array: the bad element is index 3, the undated one index 5. */
  array = (char*)malloc(strlen(CASELOAD) + 16);
  if (!array) exit(2);
  {
    const char* from = CASELOAD;
    char* to = array;
    *to++ = '[';
    for (; *from; ++from) {
      if (*from == '\n') {
        if (from[1] == '\n') continue;
        if (from[1] != '\0') *to++ = ',';
        continue;
      }
      *to++ = *from;
    }
    *to++ = ']';
    *to = '\0';
  }
  CHECK_OK(pact_instrument_prioritise_json(small, array, PACT_NUL_TERMINATED, NULL, &out));
  CHECK_LACKS(out, "\"model\"");
  CHECK_LACKS(out, "\"band\"");
  p1 = strstr(out, "{\"rank\":1,\"selected\":true,\"case_id\":\"p1\"");
  p2 = strstr(out, "{\"rank\":2,\"selected\":true,\"case_id\":\"p2\"");
  p3 = strstr(out, "{\"rank\":3,\"selected\":true,\"case_id\":\"p3\"");
  CHECK(p1 != NULL && p2 != NULL && p3 != NULL && p1 < p2 && p2 < p3);
  CHECK_NEAR(number_after(p1, NULL, "\"worsening\":"), 0.5, 0.0); /* the composite, 0 -> .5 */
  CHECK_CONTAINS(out, "\"rejected\":[{\"index\":3,\"case_id\":\"bad\",\"where\":\"/3/responses/a1\"");
  CHECK_CONTAINS(out, "{\"index\":5,\"case_id\":\"nodate\",\"where\":\"/5/date\"");
  pact_string_free(out);
  free(array);

  /* Empty caseloads give empty orders. */
  CHECK_OK(pact_instrument_prioritise_json(small, "", 0, NULL, &out));
  CHECK_CONTAINS(out, "\"summary\":{\"assessments\":0,\"rejected\":0,\"cases\":0,\"selected\":0},\"cases\":[],\"rejected\":[]");
  pact_string_free(out);
  CHECK_OK(pact_instrument_prioritise_json(small, " [ ] ", PACT_NUL_TERMINATED, NULL, &out));
  CHECK_CONTAINS(out, "\"cases\":[]");
  pact_string_free(out);

  /* Errors. */
  out = (char*)&out;
  CHECK(pact_instrument_prioritise_json(small, "case_id,a1\np1,1\n", PACT_NUL_TERMINATED, NULL, &out) ==
        PACT_ERROR_PARSE);
  CHECK(out == NULL);
  CHECK(pact_instrument_prioritise_json(small, "[{\"case_id\":\"x\"", PACT_NUL_TERMINATED, NULL, &out) ==
        PACT_ERROR_PARSE);
  CHECK_ERROR(pact_instrument_prioritise_json(small, "[{\"case_id\":\"x\",\"case_id\":\"y\"}]", PACT_NUL_TERMINATED,
                                              NULL, &out),
              PACT_ERROR_VALIDATION, "/0/case_id");
  options.group_by = NULL;
  CHECK_ERROR(pact_instrument_prioritise_json(small, CASELOAD, PACT_NUL_TERMINATED, &options, &out),
              PACT_ERROR_INVALID_ARGUMENT, "group_by");
  options.group_by = "territory";
  leon.group = NULL;
  CHECK_ERROR(pact_instrument_prioritise_json(small, CASELOAD, PACT_NUL_TERMINATED, &options, &out),
              PACT_ERROR_INVALID_ARGUMENT, "options->group_capacities[0].group");
  leon.group = "leon";
  options.group_capacities = NULL;
  CHECK_ERROR(pact_instrument_prioritise_json(small, CASELOAD, PACT_NUL_TERMINATED, &options, &out),
              PACT_ERROR_INVALID_ARGUMENT, "options->group_capacities");
  options.group_capacity_count = 0;
  options.as_of = "tomorrow";
  CHECK_ERROR(pact_instrument_prioritise_json(small, CASELOAD, PACT_NUL_TERMINATED, &options, &out),
              PACT_ERROR_INVALID_ARGUMENT, "as_of");
  options.struct_size = sizeof options - 1;
  CHECK_ERROR(pact_instrument_prioritise_json(small, CASELOAD, PACT_NUL_TERMINATED, &options, &out),
              PACT_ERROR_INVALID_ARGUMENT, "options->struct_size");
  CHECK_ERROR(pact_instrument_prioritise_json(NULL, CASELOAD, PACT_NUL_TERMINATED, NULL, &out),
              PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_instrument_prioritise_json(small, NULL, 0, NULL, &out), PACT_ERROR_INVALID_ARGUMENT, "caseload");
  CHECK_ERROR(pact_instrument_prioritise_json(small, CASELOAD, PACT_NUL_TERMINATED, NULL, NULL),
              PACT_ERROR_INVALID_ARGUMENT, "priorities_json");
  CHECK_ERROR(pact_model_prioritise_json(NULL, CASELOAD, PACT_NUL_TERMINATED, NULL, &out), PACT_ERROR_INVALID_ARGUMENT,
              "model");
}

static pact_override make_override(pact_override_target target, const char* value) {
  pact_override o;
  memset(&o, 0, sizeof o);
  o.struct_size = sizeof o;
  o.target = target;
  o.value = value;
  o.professional_id = "sw-017";
  o.timestamp = "2026-04-21T10:00:00Z";
  o.reason = "Family context the interview did not capture";
  return o;
}

static void test_override(const pact_instrument* small, const pact_model* logistic, const pact_model* hazard) {
  char* result = NULL;
  char* out = NULL;
  char* twice = NULL;
  pact_override level = make_override(PACT_OVERRIDE_LEVEL, "high");
  pact_override band = make_override(PACT_OVERRIDE_BAND, "very_high");
  size_t length;

  CHECK_OK(pact_model_score_json(logistic, "{\"case_id\":\"o1\",\"responses\":" HIGH_RESPONSES "}", PACT_NUL_TERMINATED,
                                 "en", &result));
  length = strlen(result);
  /* The result's text unchanged, and the override as its last member. */
  CHECK_OK(pact_model_apply_override(logistic, result, length, &level, &out));
  CHECK(strncmp(out, result, length - 1) == 0);
  CHECK(strcmp(out + length - 1, ",\"override\":{\"target\":\"level\",\"value\":\"high\",\"professional_id\":\"sw-017\","
                                  "\"timestamp\":\"2026-04-21T10:00:00Z\",\"reason\":\"Family context the interview did "
                                  "not capture\"}}") == 0);
  CHECK_ERROR(pact_model_apply_override(logistic, out, PACT_NUL_TERMINATED, &level, &twice), PACT_ERROR_VALIDATION,
              "/override");
  pact_string_free(out);
  CHECK_OK(pact_model_apply_override(logistic, result, PACT_NUL_TERMINATED, &band, &out));
  CHECK_CONTAINS(out, ",\"override\":{\"target\":\"band\",\"value\":\"very_high\",");
  pact_string_free(out);
  /* The instrument's own function takes level overrides of the same result. */
  CHECK_OK(pact_instrument_apply_override(small, result, PACT_NUL_TERMINATED, &level, &out));
  CHECK_CONTAINS(out, "\"override\":{\"target\":\"level\"");
  pact_string_free(out);
  /* Without a timestamp: now, in UTC. */
  level.timestamp = NULL;
  CHECK_OK(pact_instrument_apply_override(small, result, PACT_NUL_TERMINATED, &level, &out));
  CHECK_CONTAINS(out, "\"timestamp\":\"20");
  CHECK(strlen(strstr(out, "\"timestamp\":\"")) == strlen("\"timestamp\":\"2026-04-21T10:00:00Z\",\"reason\":\"Family "
                                                           "context the interview did not capture\"}}"));
  pact_string_free(out);
  level.timestamp = "2026-04-21T10:00:00Z";

  /* Errors, at the override's fields. */
  out = (char*)&out;
  level.value = "extreme";
  CHECK_ERROR(pact_model_apply_override(logistic, result, PACT_NUL_TERMINATED, &level, &out), PACT_ERROR_VALIDATION,
              "/override/value");
  CHECK(out == NULL);
  level.value = "high";
  level.professional_id = "Ana Garcia";
  CHECK_ERROR(pact_model_apply_override(logistic, result, PACT_NUL_TERMINATED, &level, &out), PACT_ERROR_VALIDATION,
              "/override/professional_id");
  level.professional_id = "sw-017";
  level.timestamp = "2026-04-21 10:00";
  CHECK_ERROR(pact_model_apply_override(logistic, result, PACT_NUL_TERMINATED, &level, &out), PACT_ERROR_VALIDATION,
              "/override/timestamp");
  level.timestamp = "2026-04-21T10:00:00Z";
  level.reason = "";
  CHECK_ERROR(pact_model_apply_override(logistic, result, PACT_NUL_TERMINATED, &level, &out), PACT_ERROR_VALIDATION,
              "/override/reason");
  level.reason = NULL;
  CHECK_ERROR(pact_model_apply_override(logistic, result, PACT_NUL_TERMINATED, &level, &out),
              PACT_ERROR_INVALID_ARGUMENT, "override_->reason");
  level.reason = "why";
  level.target = (pact_override_target)7;
  CHECK_ERROR(pact_model_apply_override(logistic, result, PACT_NUL_TERMINATED, &level, &out),
              PACT_ERROR_INVALID_ARGUMENT, "override_->target");
  level.target = PACT_OVERRIDE_LEVEL;
  level.struct_size = 8;
  CHECK_ERROR(pact_model_apply_override(logistic, result, PACT_NUL_TERMINATED, &level, &out),
              PACT_ERROR_INVALID_ARGUMENT, "override_->struct_size");
  level.struct_size = sizeof level;
  CHECK_ERROR(pact_instrument_apply_override(small, result, PACT_NUL_TERMINATED, &band, &out), PACT_ERROR_VALIDATION,
              "/override/target");
  band.value = "medium-ish";
  CHECK_ERROR(pact_model_apply_override(logistic, result, PACT_NUL_TERMINATED, &band, &out), PACT_ERROR_VALIDATION,
              "/override/value");
  band.value = "very_high";
  /* A band override needs this model's band: not the hazard model's result without months in
   * care, nor a result of another model. */
  pact_string_free(result);
  CHECK_OK(pact_model_score_json(hazard, "{\"case_id\":\"x\",\"responses\":{\"a1\":2,\"b1\":0}}", PACT_NUL_TERMINATED,
                                 NULL, &result));
  CHECK_ERROR(pact_model_apply_override(hazard, result, PACT_NUL_TERMINATED, &band, &out), PACT_ERROR_VALIDATION,
              "/risk/band");
  CHECK_ERROR(pact_model_apply_override(logistic, result, PACT_NUL_TERMINATED, &band, &out), PACT_ERROR_VALIDATION,
              "/risk/model/hash");
  pact_string_free(result);
  /* Results of another instrument, of another format, not JSON. */
  {
    pact_instrument* other = NULL;
    CHECK_OK(pact_instrument_default(&other));
    char* example = read_data("assessments/pact-example.json");
    CHECK_OK(pact_instrument_score_json(other, example, PACT_NUL_TERMINATED, NULL, &result));
    free(example);
    CHECK_ERROR(pact_instrument_apply_override(small, result, PACT_NUL_TERMINATED, &level, &out),
                PACT_ERROR_VALIDATION, "/instrument/id");
    pact_string_free(result);
    pact_instrument_free(other);
  }
  CHECK_ERROR(pact_instrument_apply_override(small, "{\"format\":\"pact.assessment\"}", PACT_NUL_TERMINATED, &level,
                                             &out),
              PACT_ERROR_VALIDATION, "/format");
  CHECK(pact_instrument_apply_override(small, "{\"format\":", PACT_NUL_TERMINATED, &level, &out) == PACT_ERROR_PARSE);
  CHECK_ERROR(pact_instrument_apply_override(NULL, "{}", 2, &level, &out), PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_instrument_apply_override(small, NULL, 0, &level, &out), PACT_ERROR_INVALID_ARGUMENT, "result_json");
  CHECK_ERROR(pact_instrument_apply_override(small, "{}", 2, NULL, &out), PACT_ERROR_INVALID_ARGUMENT, "override_");
  CHECK_ERROR(pact_instrument_apply_override(small, "{}", 2, &level, NULL), PACT_ERROR_INVALID_ARGUMENT, "out_json");
  CHECK_ERROR(pact_model_apply_override(NULL, "{}", 2, &level, &out), PACT_ERROR_INVALID_ARGUMENT, "model");
}

/* The canonical input of HIGH_RESPONSES for case "a1" on 2026-04-20 (keys sorted, no spaces,
 * responses as nlohmann/json writes doubles), and its SHA-256 as coreutils' sha256sum gives it:
 * {"attributes":{},"case_id":"a1","date":"2026-04-20","responses":{"a1":4.0,"a2":0.0,"a3":0.0,
 * "b1":2.0,"b2":50.0,"c1":5.0}} */
static const char* HIGH_INPUT_SHA256 = "f166d1fb29f918c2e0f29e1cc72868f250564acc49b39b28faf1a015ca82d48c";

#define HIGH_CASE "{\"case_id\":\"a1\",\"date\":\"2026-04-20\",\"responses\":" HIGH_RESPONSES "}"
#define LOW_CASE "{\"case_id\":\"a2\",\"date\":\"2026-04-21\",\"responses\":" LOW_RESPONSES "}"

static void test_audit_memory(const pact_instrument* small, const pact_model* logistic, const pact_model* hazard) {
  pact_audit* audit = NULL;
  char *result = NULL, *record1 = NULL, *record2 = NULL, *plain = NULL, *report = NULL;
  char digest[65], first_digest[65], chained[65];
  char log[16384], results[32768];
  uint64_t next = 0, records = 0;
  pact_override level = make_override(PACT_OVERRIDE_LEVEL, "high");

  CHECK_OK(pact_audit_open_memory(small, logistic, NULL, 1, &audit));
  CHECK_OK(pact_audit_state(audit, digest, &next, &records));
  CHECK(strcmp(digest, "0000000000000000000000000000000000000000000000000000000000000000") == 0);
  CHECK(next == 1 && records == 0);

  CHECK_OK(pact_audit_score_json(audit, HIGH_CASE, PACT_NUL_TERMINATED, "en", NULL, "2026-04-20T09:00:00Z", &result,
                                 &record1));
  /* The result is pact_model_score_json's. */
  CHECK_OK(pact_model_score_json(logistic, HIGH_CASE, PACT_NUL_TERMINATED, "en", &plain));
  CHECK(strcmp(result, plain) == 0);
  pact_string_free(plain);
  /* The record: stamps, the digest of the input (never the responses), the outputs. */
  CHECK_CONTAINS(record1, "\"format\":\"pact.audit\"");
  CHECK_CONTAINS(record1, "\"sequence\":1");
  CHECK_CONTAINS(record1, "\"timestamp\":\"2026-04-20T09:00:00Z\"");
  CHECK_CONTAINS(record1, "\"previous_sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\"");
  CHECK_CONTAINS(record1, "\"model\":{\"hash\":\"sha256:");
  CHECK_CONTAINS(record1, "\"band\":\"high\"");
  CHECK_CONTAINS(record1, "\"level\":\"mid\"");
  CHECK_CONTAINS(record1, "\"override\":null");
  CHECK_LACKS(record1, "responses");
  CHECK_LACKS(record1, "\n");
  digest_after(record1, "\"input_sha256\":\"", digest);
  CHECK(strcmp(digest, HIGH_INPUT_SHA256) == 0);
  digest_after(record1, "\"record_sha256\":\"", first_digest);
  CHECK(strlen(first_digest) == 64);

  /* The second record chains to the first, and carries the override the result carries. */
  CHECK_OK(pact_audit_score_json(audit, LOW_CASE, PACT_NUL_TERMINATED, "en", &level, "2026-04-21T09:00:00Z", &plain,
                                 &record2));
  CHECK_CONTAINS(record2, "\"sequence\":2");
  digest_after(record2, "\"previous_sha256\":\"", chained);
  CHECK(strcmp(chained, first_digest) == 0);
  CHECK_CONTAINS(record2, "\"override\":{\"professional_id\":\"sw-017\"");
  CHECK_CONTAINS(plain, ",\"override\":{\"target\":\"level\",\"value\":\"high\"");
  CHECK_OK(pact_audit_state(audit, digest, &next, &records));
  digest_after(record2, "\"record_sha256\":\"", chained);
  CHECK(strcmp(digest, chained) == 0);
  CHECK(next == 3 && records == 2);

  /* Both verify: the chain alone, and the two results against it. */
  sprintf(log, "%s\n%s\n", record1, record2);
  sprintf(results, "%s\n%s\n", result, plain);
  CHECK_OK(pact_audit_verify_json(NULL, log, PACT_NUL_TERMINATED, NULL, 0, &report));
  CHECK_CONTAINS(report, "{\"format\":\"pact.audit_verification\",\"format_version\":1,\"ok\":true,\"records\":2,"
                         "\"results\":0,\"matched\":0,\"unmatched_records\":0,\"problems\":[]}");
  pact_string_free(report);
  CHECK_OK(pact_audit_verify_json(small, log, strlen(log), results, strlen(results), &report));
  CHECK_CONTAINS(report, "\"ok\":true,\"records\":2,\"results\":2,\"matched\":2,\"unmatched_records\":0");
  pact_string_free(report);
  /* An altered record breaks its own digest; a result that lost its override no longer matches. */
  {
    char* band = strstr(log, "\"band\":\"high\"");
    memcpy(band, "\"band\":\"low\" ", 13);
  }
  CHECK_OK(pact_audit_verify_json(NULL, log, PACT_NUL_TERMINATED, NULL, 0, &report));
  CHECK_CONTAINS(report, "\"ok\":false");
  CHECK_CONTAINS(report, "{\"source\":\"log\",\"line\":1,\"case_id\":\"a1\",\"problem\":\"the record was altered");
  pact_string_free(report);
  sprintf(log, "%s\n%s\n", record1, record2);
  sprintf(results, "%s\n%s\n", result, result);
  CHECK_OK(pact_audit_verify_json(small, log, PACT_NUL_TERMINATED, results, PACT_NUL_TERMINATED, &report));
  CHECK_CONTAINS(report, "\"ok\":false");
  CHECK_CONTAINS(report, "\"source\":\"results\",\"line\":2,\"case_id\":\"a1\",\"problem\":\"no audit record");
  pact_string_free(report);
  pact_string_free(plain);
  pact_string_free(record2);

  /* Only the record, or only the result. */
  CHECK_OK(pact_audit_score_json(audit, HIGH_CASE, PACT_NUL_TERMINATED, NULL, NULL, NULL, NULL, &record2));
  CHECK_CONTAINS(record2, "\"sequence\":3");
  pact_string_free(record2);

  /* A failed call appends nothing. */
  record2 = (char*)&record2;
  CHECK_ERROR(pact_audit_score_json(audit, "{\"case_id\":\"x\",\"responses\":{\"a1\":7}}", PACT_NUL_TERMINATED, NULL,
                                    NULL, NULL, NULL, &record2),
              PACT_ERROR_VALIDATION, "/responses/a1");
  CHECK(record2 == NULL);
  CHECK_ERROR(pact_audit_score_json(audit, HIGH_CASE, PACT_NUL_TERMINATED, NULL, NULL, "yesterday", NULL, &record2),
              PACT_ERROR_INVALID_ARGUMENT, "timestamp");
  level.professional_id = "Ana Garcia";
  CHECK_ERROR(pact_audit_score_json(audit, HIGH_CASE, PACT_NUL_TERMINATED, NULL, &level, NULL, NULL, &record2),
              PACT_ERROR_VALIDATION, "/override/professional_id");
  /* A failed call sets its outputs to NULL: free the first result before lending its pointer. */
  pact_string_free(result);
  result = NULL;
  CHECK_ERROR(pact_audit_score_json(audit, HIGH_CASE, PACT_NUL_TERMINATED, NULL, NULL, NULL, &result, NULL),
              PACT_ERROR_INVALID_ARGUMENT, "record_json");
  CHECK(result == NULL);
  CHECK_ERROR(pact_audit_score_json(NULL, HIGH_CASE, PACT_NUL_TERMINATED, NULL, NULL, NULL, NULL, &record2),
              PACT_ERROR_INVALID_ARGUMENT, "audit");
  CHECK_ERROR(pact_audit_score_json(audit, NULL, 0, NULL, NULL, NULL, NULL, &record2), PACT_ERROR_INVALID_ARGUMENT,
              "assessment_json");
  CHECK_OK(pact_audit_state(audit, NULL, &next, &records));
  CHECK(next == 4 && records == 3);
  CHECK_ERROR(pact_audit_state(NULL, digest, &next, &records), PACT_ERROR_INVALID_ARGUMENT, "audit");
  pact_audit_free(audit);
  pact_string_free(result);

  /* A host that stores records continues its chain in a new writer. */
  CHECK_OK(pact_audit_open_memory(small, NULL, first_digest, 2, &audit));
  CHECK_OK(pact_audit_score_json(audit, LOW_CASE, PACT_NUL_TERMINATED, NULL, NULL, "2026-04-22T09:00:00Z", NULL,
                                 &record2));
  CHECK_CONTAINS(record2, "\"sequence\":2");
  CHECK_CONTAINS(record2, "\"model\":null");
  sprintf(log, "%s\n%s\n", record1, record2);
  CHECK_OK(pact_audit_verify_json(NULL, log, PACT_NUL_TERMINATED, NULL, 0, &report));
  CHECK_CONTAINS(report, "\"ok\":true,\"records\":2");
  pact_string_free(report);
  pact_string_free(record2);
  pact_string_free(record1);
  pact_audit_free(audit);

  /* A case the hazard model cannot give a risk (no months in care) is audited without one, and
   * its result still verifies. */
  CHECK_OK(pact_audit_open_memory(small, hazard, NULL, 1, &audit));
  CHECK_OK(pact_audit_score_json(audit, "{\"case_id\":\"h\",\"responses\":{\"a1\":2,\"b1\":0}}", PACT_NUL_TERMINATED,
                                 NULL, NULL, NULL, &result, &record1));
  CHECK_CONTAINS(result, "\"risk\":{\"status\":\"missing_duration\"");
  CHECK_CONTAINS(record1, "\"probability\":null");
  sprintf(log, "%s\n", record1);
  sprintf(results, "%s\n", result);
  CHECK_OK(pact_audit_verify_json(small, log, PACT_NUL_TERMINATED, results, PACT_NUL_TERMINATED, &report));
  CHECK_CONTAINS(report, "\"ok\":true,\"records\":1,\"results\":1,\"matched\":1");
  pact_string_free(report);
  pact_string_free(record1);
  pact_string_free(result);
  pact_audit_free(audit);

  /* Opening errors. */
  audit = (pact_audit*)&audit;
  CHECK_ERROR(pact_audit_open_memory(small, NULL, "abc", 1, &audit), PACT_ERROR_INVALID_ARGUMENT, "previous_digest");
  CHECK(audit == NULL);
  CHECK_ERROR(pact_audit_open_memory(small, NULL, NULL, 0, &audit), PACT_ERROR_INVALID_ARGUMENT, "next_sequence");
  CHECK_ERROR(pact_audit_open_memory(NULL, NULL, NULL, 1, &audit), PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_audit_open_memory(small, NULL, NULL, 1, NULL), PACT_ERROR_INVALID_ARGUMENT, "out");
  {
    pact_model* other = NULL;
    CHECK_OK(pact_model_default(&other));
    CHECK_ERROR(pact_audit_open_memory(small, other, NULL, 1, &audit), PACT_ERROR_INVALID_ARGUMENT, "model");
    pact_model_free(other);
  }
  CHECK_ERROR(pact_audit_verify_json(NULL, "", 0, "", 0, &report), PACT_ERROR_INVALID_ARGUMENT, "instrument");
  CHECK_ERROR(pact_audit_verify_json(NULL, NULL, 0, NULL, 0, &report), PACT_ERROR_INVALID_ARGUMENT, "log");
  CHECK_ERROR(pact_audit_verify_json(NULL, "", 0, NULL, 0, NULL), PACT_ERROR_INVALID_ARGUMENT, "report_json");
  pact_audit_free(NULL);
}

static void test_audit_file(const pact_instrument* small, const pact_model* logistic) {
  const char* path = PACT_TEST_WORK_DIR "/casework_test_audit.jsonl";
  pact_audit* audit = NULL;
  char* report = NULL;
  char* text;
  uint64_t next = 0, records = 0;
  FILE* f;

  remove(path);
  CHECK_OK(pact_audit_open_file(small, logistic, path, &audit));
  CHECK_OK(pact_audit_score_json(audit, HIGH_CASE, PACT_NUL_TERMINATED, NULL, NULL, NULL, NULL, NULL));
  CHECK_OK(pact_audit_score_json(audit, LOW_CASE, PACT_NUL_TERMINATED, NULL, NULL, NULL, NULL, NULL));
  pact_audit_free(audit);
  /* Reopened, the log continues its chain. */
  CHECK_OK(pact_audit_open_file(small, logistic, path, &audit));
  CHECK_OK(pact_audit_state(audit, NULL, &next, &records));
  CHECK(next == 3 && records == 0);
  CHECK_OK(pact_audit_score_json(audit, HIGH_CASE, PACT_NUL_TERMINATED, NULL, NULL, NULL, NULL, NULL));
  pact_audit_free(audit);
  text = read_file(path);
  CHECK(occurrences(text, "\n") == 3);
  CHECK_CONTAINS(text, "\"sequence\":3");
  CHECK_OK(pact_audit_verify_json(NULL, text, PACT_NUL_TERMINATED, NULL, 0, &report));
  CHECK_CONTAINS(report, "\"ok\":true,\"records\":3");
  pact_string_free(report);
  /* A log whose second record was altered cannot be continued. */
  *strstr(strstr(text, "\n") + 1, "\"sequence\":2") = ' ';
  f = fopen(path, "wb");
  if (!f || fwrite(text, 1, strlen(text), f) != strlen(text)) exit(2);
  fclose(f);
  free(text);
  audit = (pact_audit*)&audit;
  CHECK_ERROR(pact_audit_open_file(small, logistic, path, &audit), PACT_ERROR_VALIDATION, "line 2");
  CHECK(audit == NULL);
  CHECK(pact_audit_open_file(small, logistic, PACT_TEST_WORK_DIR "/no/such/dir/audit.jsonl", &audit) == PACT_ERROR_IO);
  CHECK_ERROR(pact_audit_open_file(small, logistic, NULL, &audit), PACT_ERROR_INVALID_ARGUMENT, "path");
  remove(path);
}

/* Four threads append to one memory writer; sorted by sequence, their records form one chain. */
#define AUDIT_THREADS 4
#define AUDIT_PER_THREAD 25

static pact_audit* shared_audit;
static char* thread_records[AUDIT_THREADS * AUDIT_PER_THREAD];

static void* audit_worker(void* arg) {
  const int t = *(const int*)arg;
  int k;
  for (k = 0; k < AUDIT_PER_THREAD; ++k) {
    char* record = NULL;
    if (pact_audit_score_json(shared_audit, k % 2 ? HIGH_CASE : LOW_CASE, PACT_NUL_TERMINATED, NULL, NULL, NULL, NULL,
                              &record) != PACT_OK)
      return NULL;
    thread_records[t * AUDIT_PER_THREAD + k] = record;
  }
  return NULL;
}

static void test_audit_threads(const pact_instrument* small, const pact_model* logistic) {
  pthread_t threads[AUDIT_THREADS];
  int ids[AUDIT_THREADS], t, n;
  char* ordered[AUDIT_THREADS * AUDIT_PER_THREAD];
  char* log;
  char* report = NULL;
  size_t size = 1;
  const int total = AUDIT_THREADS * AUDIT_PER_THREAD;

  CHECK_OK(pact_audit_open_memory(small, logistic, NULL, 1, &shared_audit));
  for (t = 0; t < AUDIT_THREADS; ++t) {
    ids[t] = t;
    CHECK(pthread_create(&threads[t], NULL, audit_worker, &ids[t]) == 0);
  }
  for (t = 0; t < AUDIT_THREADS; ++t) pthread_join(threads[t], NULL);
  memset(ordered, 0, sizeof ordered);
  for (n = 0; n < total; ++n) {
    const double sequence = thread_records[n] ? number_after(thread_records[n], NULL, "\"sequence\":") : NAN;
    CHECK(sequence >= 1 && sequence <= total);
    if (sequence >= 1 && sequence <= total) ordered[(int)sequence - 1] = thread_records[n];
    if (thread_records[n]) size += strlen(thread_records[n]) + 1;
  }
  log = (char*)malloc(size);
  if (!log) exit(2);
  log[0] = '\0';
  for (n = 0; n < total; ++n) {
    CHECK(ordered[n] != NULL);
    if (!ordered[n]) continue;
    strcat(log, ordered[n]);
    strcat(log, "\n");
  }
  CHECK_OK(pact_audit_verify_json(NULL, log, PACT_NUL_TERMINATED, NULL, 0, &report));
  CHECK_CONTAINS(report, "\"ok\":true,\"records\":100");
  pact_string_free(report);
  for (n = 0; n < total; ++n) pact_string_free(thread_records[n]);
  free(log);
  pact_audit_free(shared_audit);
}

int main(void) {
  pact_instrument* small = NULL;
  pact_model *logistic = NULL, *hazard = NULL;
  char* instrument_text = read_data("instruments/small.json");
  char* model_text = read_data("models/logistic.json");
  char* alerting = with_members(instrument_text, ALERT_RULES);
  char* alerting_model = with_members(model_text, "\"alerts\":{\"band_increase\":true,\"probability_increase\":0.1}");
  char path[1024];

  if (pact_instrument_load_json(alerting, PACT_NUL_TERMINATED, &small) != PACT_OK ||
      pact_model_load_json(alerting_model, PACT_NUL_TERMINATED, small, &logistic) != PACT_OK) {
    fprintf(stderr, "cannot load the fixtures: %s\n", pact_last_error());
    return 2;
  }
  sprintf(path, "%s/models/hazard.json", PACT_TEST_DATA_DIR);
  if (pact_model_load_file(path, small, &hazard) != PACT_OK) {
    fprintf(stderr, "cannot load the hazard fixture: %s\n", pact_last_error());
    return 2;
  }
  test_compare(small, logistic);
  test_prioritise(small, logistic);
  test_override(small, logistic, hazard);
  test_audit_memory(small, logistic, hazard);
  test_audit_file(small, logistic);
  test_audit_threads(small, logistic);
  pact_model_free(hazard);
  pact_model_free(logistic);
  pact_instrument_free(small);
  free(alerting);
  free(alerting_model);
  free(instrument_text);
  free(model_text);
  printf("pact C API casework test: %d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
