/* Unit tests for manyi.stats (core/policy/bind_stats.c): the functions of
 * `manyi stats` called from a policy on Lua rows, checked against values
 * derived by hand, and the inputs they must refuse with a clear error. The
 * statistics themselves are tested against R in test_stats.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <math.h>

#include "config/config.h"
#include "policy/policy.h"
#include "util/err.h"

#define DATA MANYI_SOURCE_DIR "/tests/data/policy/"

static const char CFG[] =
    "version: 1\n"
    "database: test.db\n"
    "calendars:\n"
    "  office:\n"
    "    hours:\n"
    "      mon: [09:00-17:00]\n"
    "departments:\n"
    "  - {code: support, name: Support, calendar: office}\n"
    "tiers:\n"
    "  - {code: A, name: Key}\n"
    "policies:\n"
    "  tiers:\n"
    "    file: stats.lua\n";

typedef struct fixture {
  mi_config *cfg;
  mi_policy *p;
} fixture;

static int setup(void **state) {
  static fixture f;
  mi_err e;
  if (mi_config_load_string(CFG, sizeof CFG - 1, "stats.yaml", DATA, &f.cfg, &e) ||
      mi_policy_load_config(f.cfg, "tiers", &f.p, &e)) {
    mi_err_print(&e, stderr);
    return -1;
  }
  *state = &f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  mi_policy_free(f->p);
  mi_config_free(f->cfg);
  return 0;
}

/* Runs case id; returns its call's result code, the reason or error text in out. */
static int run_case(fixture *f, const char *id, char *out, size_t size) {
  mi_view_field fld = {.name = "external_id", .type = MI_VIEW_STR, .s = id};
  mi_view v = {.kind = "customer", .id = id, .fields = &fld, .nfields = 1};
  mi_tier_decision d;
  mi_err e = {0};
  int rc = mi_policy_call_tier(f->p, &v, f->cfg, &d, &e);
  if (rc) mi_err_format(&e, out, size);
  else snprintf(out, size, "%s", d.reason);
  return rc;
}

static void test_results(void **state) {
  static const struct {
    const char *id, *want;
  } cases[] = {
      /* 4 promoters, 2 passives, 2 detractors of 8: (4 - 2) / 8 = 25 points */
      {"nps", "8 4 2 25"},
      /* a: 10 and 0 -> 0; b: 9 and 9 -> 100; the row without g counts overall */
      {"nps_by", "5 0 100 -100"},
      /* "NA" is missing; 1..4 each once: all four are modes */
      {"describe", "4 1 2.5 2.5 4"},
      /* --by: a (1, 3) mean 2, se sd/sqrt(2) = sqrt(2)/sqrt(2) = 1; b (10, 20)
       * mean 15; the row without g counts overall: 39 / 5 */
      {"mean_by", "5 7.7999999999999998 2 1 15 2"},
      /* numeric levels are written as text keys; group 2's NA is its own */
      {"describe_by", "10,2 1 4"},
      /* strata a (1, 0), b (1, 1), weights 1: p = 3/4; u = (y - p) / 4 =
       * 0.0625, -0.1875 in a (mean -0.0625), 0.0625 twice in b; variance
       * n_h/(n_h-1) sum (u - mean_h)^2 = 2 (0.125^2 + 0.125^2) = 0.0625 from a,
       * 0 from b; se 0.25; df = 4 PSUs - 2 strata */
      {"prop_design", "0.75 0.25 2"},
      /* the same seed draws the same resamples; the estimate lies inside */
      {"drivers_boot", "true true 25"},
      /* sd of one value is undefined: an absent field */
      {"describe_one", "nil 5"},
      /* y on x: Sxy = 10.25, Sxx = 5, slope 2.05, intercept 6.125 - 2.05 * 2.5 */
      {"regress", "1 2.05 4"},
      /* 1.959964^2 * 0.25 / 0.05^2 = 384.15 -> 385 */
      {"sample_size", "385"},
      /* pooled: df = 2 + 2 - 2; diff = mean(1, 2) - mean(4, 6) */
      {"flag", "2 -3.5"},
  };
  fixture *f = *state;
  char out[2048];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    if (run_case(f, cases[i].id, out, sizeof out)) fail_msg("%s: %s", cases[i].id, out);
    if (strcmp(out, cases[i].want))
      fail_msg("%s: want \"%s\", got \"%s\"", cases[i].id, cases[i].want, out);
  }
}

static void test_refused(void **state) {
  static const struct {
    const char *id, *want;
  } cases[] = {
      {"unknown_option", "manyi.stats.nps: unknown option 'colum' (options: col by weight conf strata cluster fpc nest lonely_psu)"},
      {"not_a_number", "manyi.stats.nps: rows:2: field 's': 'nine' is not a number"},
      {"no_column", "manyi.stats.nps: rows: no column 'score'; the columns are: "},
      {"table_cell", "manyi.stats.nps: row 1, field 's' is a table"},
      {"mixed_rows", "manyi.stats.nps: row 2 is a number, not a record"},
      {"flag_value", "manyi.stats.ttest: option 'var_equal' is a flag: give true"},
      {"unknown_function", "has no field 'npz' (did you mean 'nps'?)"},
      {"write", "manyi.stats is read-only"},
      {"no_rows", "bad argument #1"},
      {"out_of_scale", "manyi.stats.nps: rows"},
      {"rake_file", "margin: give the totals as a table {VAR = {level = count, ...}}"},
      {"rake_level", "level 'south' is not in the margins table margin.region"},
      {"rake_count", "margin.region:2: --margin region: field 'count': 'many' is not a number"},
      {"rake_shape", "option 'margin': 'region' is a number, not {level = count, ...}"},
  };
  fixture *f = *state;
  char out[2048];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    int rc = run_case(f, cases[i].id, out, sizeof out);
    if (rc != MI_EPOLICY) fail_msg("%s: want MI_EPOLICY, got %d: %s", cases[i].id, rc, out);
    if (!strstr(out, cases[i].want))
      fail_msg("%s: want \"%s\" in \"%s\"", cases[i].id, cases[i].want, out);
    assert_non_null(strstr(out, "stats.lua:")); /* the policy line is named */
  }
  /* the state still works after the failures */
  assert_int_equal(run_case(f, "nps", out, sizeof out), 0);
  assert_string_equal(out, "8 4 2 25");
}

/* manyi.stats.rake with margins as Lua tables against R's rake on the same
 * rows (tests/data/stats/reference.R, expected/rake_lua.json). */
static void test_rake_r(void **state) {
  fixture *f = *state;
  json_error_t je;
  json_t *want = json_load_file(MANYI_SOURCE_DIR "/tests/data/stats/expected/rake_lua.json", 0, &je);
  assert_non_null(want);
  static const char *const ids[] = {"rake_default", "rake_tight"};
  static const char *const keys[] = {"default", "tight"};
  static const char *const fields[] = {"mean", "se", "sum_weights"};
  for (size_t c = 0; c < 2; c++) {
    char out[2048];
    if (run_case(f, ids[c], out, sizeof out)) fail_msg("%s: %s", ids[c], out);
    double got[3];
    assert_int_equal(sscanf(out, "%lf %lf %lf", &got[0], &got[1], &got[2]), 3);
    for (size_t k = 0; k < 3; k++) {
      double w = json_number_value(json_object_get(json_object_get(want, keys[c]), fields[k]));
      if (!(fabs(got[k] - w) <= 1e-9 * fabs(w)))
        fail_msg("%s.%s: want %.17g, got %.17g", keys[c], fields[k], w, got[k]);
    }
  }
  json_decref(want);
  /* post-stratification reaches the totals in one step (to rounding) */
  char out[2048];
  if (run_case(f, "poststratify", out, sizeof out)) fail_msg("poststratify: %s", out);
  assert_string_equal(out, "north 120 south 80");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_results),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_rake_r),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
