/* Unit tests for core/config: arguments, the example configuration, every
 * valid and invalid fixture under tests/data/config (each invalid one names
 * its expected message and position in "# expect:" and "# at:" lines), and
 * the rules that are easier to state in code than in a fixture. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "service/surveys.h"
#include "util/err.h"
#include "util/timeutil.h"

#define DATA MANYI_SOURCE_DIR "/tests/data/config/"
#define EXAMPLE MANYI_SOURCE_DIR "/examples/after-sales/manyi.yaml"

/* ---- helpers ------------------------------------------------------------ */

/* The text mi_err_print would show, without the newline. */
static const char *err_text(const mi_err *e) {
  static char buf[2048];
  FILE *f = fmemopen(buf, sizeof buf, "w");
  mi_err_print(e, f);
  fclose(f);
  buf[strcspn(buf, "\n")] = '\0';
  return buf;
}

/* Loads yaml from memory with relative paths against tests/data/config/valid. */
static int load_str(const char *yaml, mi_config **cfg, mi_err *e) {
  return mi_config_load_string(yaml, strlen(yaml), "manyi.yaml", DATA "valid", cfg, e);
}

/* Asserts that yaml fails at line:col with a message containing want. */
static void expect_error(const char *yaml, int line, int col, const char *want) {
  mi_config *cfg = (mi_config *)1;
  mi_err e;
  int rc = load_str(yaml, &cfg, &e);
  if (rc != MI_ECONFIG || !strstr(e.msg, want) || e.line != line || e.column != col)
    fail_msg("for:\n%s\nwant %d:%d: ...%s...\ngot  %s (rc %d)", yaml, line, col, want, err_text(&e),
             rc);
  assert_null(cfg);
}

static const char HEAD[] =
    "version: 1\n"
    "database: test.db\n"
    "calendars:\n"
    "  office:\n"
    "    hours:\n"
    "      mon: [09:00-17:00]\n"
    "departments:\n"
    "  - {code: support, name: Support, calendar: office}\n";
#define HEAD_LINES 8

/* HEAD followed by tail (a static buffer). */
static const char *with_head(const char *fmt, ...) {
  static char buf[8192];
  va_list ap;
  size_t n = (size_t)snprintf(buf, sizeof buf, "%s", HEAD);
  va_start(ap, fmt);
  vsnprintf(buf + n, sizeof buf - n, fmt, ap);
  va_end(ap);
  return buf;
}

static int64_t day(int y, int m, int d) { return mi_days_from_civil(y, m, d); }

/* ---- arguments ---------------------------------------------------------- */

/* A department's name is at most 200 characters (what the database keeps,
 * counted as characters, not bytes): check refuses what init would. */
static void test_long_department_name(void **state) {
  (void)state;
  static char yaml[8192];
  char name[700];
  for (int i = 0; i < 201; i++) name[i] = 'x';
  name[201] = 0;
  snprintf(yaml, sizeof yaml,
           "version: 1\ndatabase: test.db\ncalendars:\n  office:\n    hours:\n"
           "      mon: [09:00-17:00]\ndepartments:\n  - {code: support, name: %s, calendar: office}\n",
           name);
  expect_error(yaml, 8, 27, "this name has 201 characters: at most 200");
  /* 200 characters of three bytes each (王) are fine */
  name[0] = 0;
  for (int i = 0; i < 200; i++) strcat(name, "\xe7\x8e\x8b");
  snprintf(yaml, sizeof yaml,
           "version: 1\ndatabase: test.db\ncalendars:\n  office:\n    hours:\n"
           "      mon: [09:00-17:00]\ndepartments:\n  - {code: support, name: %s, calendar: office}\n",
           name);
  mi_config *cfg = NULL;
  mi_err e;
  if (load_str(yaml, &cfg, &e) != 0) fail_msg("%s", err_text(&e));
  mi_config_free(cfg);
}

static void test_null_args(void **state) {
  (void)state;
  mi_config *cfg = (mi_config *)1;
  mi_err e;
  assert_int_equal(mi_config_load(NULL, &cfg, &e), MI_EINVAL);
  assert_null(cfg);
  assert_int_equal(mi_config_load(EXAMPLE, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_config_load_string(NULL, 5, NULL, NULL, &cfg, &e), MI_EINVAL);
  assert_int_equal(mi_config_load_string("version: 1", 10, NULL, NULL, NULL, &e), MI_EINVAL);
  /* No mi_err is fine too. */
  assert_int_equal(mi_config_load(NULL, &cfg, NULL), MI_EINVAL);
  assert_int_equal(mi_config_load_string("", 0, NULL, NULL, &cfg, NULL), MI_ECONFIG);
  mi_config_free(NULL);
  assert_null(mi_config_find_department(NULL, "x"));
  assert_null(mi_config_find_tier(NULL, "x"));
  assert_null(mi_config_find_calendar(NULL, "x"));
  assert_null(mi_config_find_survey(NULL, "x"));
  assert_null(mi_config_find_policy(NULL, "x"));
  assert_null(mi_config_find_user(NULL, "x"));
  assert_null(mi_config_find_question(NULL, "x"));
  assert_null(mi_config_value_get(NULL, "x"));
  assert_null(mi_config_find_label(NULL, MI_CONFIG_LIST_KIND, "x"));
  assert_string_equal(mi_config_list_name((mi_config_list)4), "?");
  assert_string_equal(mi_config_role_name((mi_config_role)-1), "?");
  assert_string_equal(mi_config_survey_kind_name((mi_config_survey_kind)4), "?");
  assert_string_equal(mi_config_period_name((mi_config_period)4), "?");
}

static void test_unreadable(void **state) {
  (void)state;
  mi_config *cfg = (mi_config *)1;
  mi_err e;
  assert_int_equal(mi_config_load("/nonexistent/dir/manyi.yaml", &cfg, &e), MI_EIO);
  assert_null(cfg);
  assert_string_equal(e.file, "/nonexistent/dir/manyi.yaml");
  assert_non_null(strstr(e.msg, "No such file"));
  assert_non_null(strstr(err_text(&e), "/nonexistent/dir/manyi.yaml: cannot read"));
  assert_int_equal(mi_config_load(DATA "valid", &cfg, &e), MI_EIO);
  assert_non_null(strstr(e.msg, "is a directory"));
}

static void test_too_large(void **state) {
  (void)state;
  size_t n = MI_CONFIG_MAX_BYTES + 1;
  char *big = malloc(n);
  assert_non_null(big);
  memset(big, '#', n); /* one long comment: valid YAML, just too big */
  mi_config *cfg = (mi_config *)1;
  mi_err e;
  assert_int_equal(mi_config_load_string(big, n, "big.yaml", NULL, &cfg, &e), MI_ECONFIG);
  assert_null(cfg);
  assert_non_null(strstr(e.msg, "larger than 4 MiB"));

  char path[] = "/tmp/manyi-test-config-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(big, 1, n, f), n);
  fclose(f);
  assert_int_equal(mi_config_load(path, &cfg, &e), MI_ECONFIG);
  assert_string_equal(e.file, path);
  assert_non_null(strstr(e.msg, "larger than 4 MiB"));
  unlink(path);
  free(big);
}

/* ---- the example -------------------------------------------------------- */

static void test_example(void **state) {
  (void)state;
  mi_config *cfg = NULL;
  mi_err e;
  if (mi_config_load(EXAMPLE, &cfg, &e)) fail_msg("%s", err_text(&e));
  assert_int_equal(cfg->version, 1);
  assert_string_equal(cfg->path, EXAMPLE);
  assert_true(cfg->dir[0] == '/');
  assert_non_null(strstr(cfg->database, "/examples/after-sales/after-sales.db"));
  assert_true(cfg->database[0] == '/');
  assert_string_equal(cfg->timezone, "Asia/Shanghai");

  assert_int_equal(cfg->limits.policy_instructions, 1000000);
  assert_int_equal(cfg->limits.policy_memory, 16777216);
  assert_int_equal(cfg->limits.policy_time_ms, 250);
  assert_int_equal(cfg->limits.import_batch_rows, 5000);

  assert_int_equal(cfg->ncalendars, 3); /* standard, round-the-clock and the built-in 24x7 */
  const mi_config_calendar *c24 = mi_config_find_calendar(cfg, "24x7");
  assert_ptr_equal(c24, &cfg->calendars[2]);
  assert_true(c24->builtin && !cfg->calendars[0].builtin);
  assert_string_equal(c24->timezone, "Asia/Shanghai");
  assert_true(mi_config_calendar_round_the_clock(c24));
  assert_true(mi_config_calendar_round_the_clock(mi_config_find_calendar(cfg, "round-the-clock")));
  const mi_config_calendar *std = mi_config_find_calendar(cfg, "standard");
  assert_non_null(std);
  assert_string_equal(std->timezone, "Asia/Shanghai");
  assert_int_equal(std->nhours[0], 2); /* Monday */
  assert_int_equal(std->hours[0][0].start, 9 * 60);
  assert_int_equal(std->hours[0][0].end, 12 * 60);
  assert_int_equal(std->hours[0][1].start, 13 * 60 + 30);
  assert_int_equal(std->hours[0][1].end, 18 * 60);
  assert_int_equal(std->nhours[5], 1); /* Saturday */
  assert_int_equal(std->nhours[6], 0); /* Sunday: closed */
  assert_int_equal(std->nholidays, 6);
  assert_int_equal(std->holidays[0], day(2026, 1, 1));
  assert_int_equal(std->holidays[5], day(2026, 10, 2));
  for (size_t i = 1; i < std->nholidays; i++) assert_true(std->holidays[i - 1] < std->holidays[i]);
  assert_int_equal(std->nworking_days, 1);
  assert_int_equal(std->working_days[0], day(2026, 2, 14));
  assert_null(std->ics);

  assert_int_equal(cfg->ndepartments, 4);
  const mi_config_department *hot = mi_config_find_department(cfg, "hotline");
  assert_non_null(hot);
  assert_string_equal(hot->name, "24h Hotline");
  assert_string_equal(hot->calendar->name, "round-the-clock");
  for (int d = 0; d < 7; d++) {
    assert_int_equal(hot->calendar->nhours[d], 1);
    assert_int_equal(hot->calendar->hours[d][0].start, 0);
    assert_int_equal(hot->calendar->hours[d][0].end, 24 * 60);
  }
  assert_ptr_equal(mi_config_find_department(cfg, "support")->calendar, std);
  assert_null(mi_config_find_department(cfg, "nope"));

  assert_int_equal(cfg->ntiers, 4);
  assert_string_equal(mi_config_find_tier(cfg, "P")->name, "Potential customers");

  assert_int_equal(cfg->nsla, 9); /* the 9th: callback, the alert policy's follow-ups */
  assert_string_equal(cfg->sla[0].kind, "inquiry");
  assert_int_equal(cfg->sla[0].priority, 0);
  assert_null(cfg->sla[0].tier);
  assert_ptr_equal(cfg->sla[0].calendar, c24);
  assert_int_equal(cfg->sla[0].first_response.seconds, 4 * 3600);
  assert_int_equal(cfg->sla[0].resolution.seconds, 24 * 3600);
  assert_int_equal(cfg->sla[0].next_response.seconds, 4 * 3600);
  assert_string_equal(cfg->sla[2].kind, "complaint");
  assert_int_equal(cfg->sla[2].priority, 1);
  assert_int_equal(cfg->sla[2].first_response.seconds, 1800);
  assert_int_equal(cfg->sla[2].resolution.seconds, 14400);
  /* after_sales: the department's calendar; 3bd = 3 x 7h30m on standard */
  assert_null(cfg->sla[3].calendar);
  assert_int_equal(cfg->sla[3].resolution.days, 3);
  assert_int_equal(cfg->sla[3].resolution.seconds, 0);
  assert_int_equal(mi_config_sla_seconds(&cfg->sla[3].resolution, std), 3 * (3 * 3600 + 4 * 3600 + 1800));
  assert_string_equal(cfg->sla[4].kind, "business_request");

  const mi_config_workflow *br = mi_config_find_workflow(cfg, "business_request");
  assert_non_null(br);
  assert_int_equal(br->nstages, 7);
  const mi_config_stage *missing = mi_config_find_stage(br, "materials_missing");
  assert_string_equal(missing->status, "pending");
  assert_true(missing->reason);
  assert_int_equal(missing->nafter, 2); /* submitted, reviewed */
  assert_string_equal(br->stages[missing->after[1]].name, "reviewed");
  const mi_config_stage *reviewed = mi_config_find_stage(br, "reviewed");
  assert_true(reviewed->responds);
  assert_string_equal(br->stages[reviewed->after[1]].name, "materials_missing"); /* a later one */
  assert_int_equal(mi_config_find_stage(br, "carried_out")->after[0], 3); /* approved */
  assert_null(mi_config_find_workflow(cfg, "inquiry"));
  assert_true(cfg->followup.enabled);
  assert_int_equal(cfg->followup.delay, 8 * 3600);
  assert_ptr_equal(cfg->followup.survey, mi_config_find_survey(cfg, "csat"));
  assert_int_equal(cfg->followup.nchannels, 2);
  assert_string_equal(cfg->followup.channels[1], "sms");
  assert_int_equal(cfg->care.max_per_customer, 2);
  assert_int_equal(cfg->care.per, MI_CONFIG_PERIOD_MONTH);

  assert_int_equal(cfg->nsurveys, 1);
  const mi_config_survey *csat = mi_config_find_survey(cfg, "csat");
  assert_non_null(csat);
  assert_int_equal(csat->kind, MI_CONFIG_SURVEY_CSAT);
  assert_int_equal(csat->nquestions, 10);
  assert_int_equal(csat->ndimensions, 6);
  assert_string_equal(csat->dimensions[0].name, "product_quality");
  double sum = 0;
  for (size_t i = 0; i < csat->ndimensions; i++) sum += csat->dimensions[i].weight;
  assert_true(fabs(sum - 1.0) < 1e-9);
  const mi_config_question *q = mi_config_find_question(csat, "q_overall");
  assert_string_equal(q->text, "Overall, how satisfied are you with our service?");
  assert_string_equal(q->dimension, "overall");
  assert_int_equal(q->scale_min, 1);
  assert_int_equal(q->scale_max, 5);
  assert_true(q->weight == 1.0);
  assert_false(q->reverse);
  assert_true(mi_config_find_question(csat, "q_wait")->reverse);
  q = mi_config_find_question(csat, "q_nps");
  assert_int_equal(q->scale_min, 0);
  assert_int_equal(q->scale_max, 10);
  q = mi_config_find_question(csat, "q_comment");
  assert_true(q->open);
  assert_null(q->dimension);
  assert_int_equal(q->scale_min, 0);
  assert_int_equal(q->scale_max, 0);
  assert_null(mi_config_find_question(csat, "q_none"));

  assert_int_equal(cfg->evaluation.period, MI_CONFIG_PERIOD_QUARTER);
  assert_int_equal(cfg->evaluation.ntargets, 5);
  assert_string_equal(cfg->evaluation.targets[0].name, "satisfaction");
  assert_true(cfg->evaluation.targets[0].value == 0.90);
  /* the report's NPS and index targets, in their figures' points */
  assert_string_equal(cfg->evaluation.targets[1].name, "nps");
  assert_true(cfg->evaluation.targets[1].value == 30);
  assert_string_equal(cfg->evaluation.targets[2].name, "index");
  assert_true(cfg->evaluation.targets[2].value == 75);
    assert_int_equal(cfg->npolicies, 9); /* tiers, routing, escalation, evaluation, care, coding, eligibility, loyalty, alert */
  /* the quarterly survey wave: its survey, naming and design */
  const mi_config_schedule *wave = &cfg->schedule[cfg->nschedule - 1];
  assert_string_equal(wave->name, "quarterly-csat");
  assert_ptr_equal(wave->survey, csat);
  assert_int_equal(wave->wave, MI_CONFIG_PERIOD_QUARTER);
  assert_string_equal(wave->sample->method, "stratified");
  assert_string_equal(wave->sample->by, "tier");
  assert_string_equal(wave->sample->allocation, "proportional");
  assert_int_equal(wave->sample->size, 200);
  assert_int_equal(wave->sample->seed, 2026);
  assert_int_equal(wave->sample->quiet_days, -1);
  assert_null(cfg->schedule[0].sample);
  /* waves are named in the schedule's zone (Asia/Shanghai, +08:00) */
  static const struct {
    const char *at;
    mi_config_period period;
    const char *name;
  } names[] = {{"2026-10-01T01:00:00Z", MI_CONFIG_PERIOD_QUARTER, "2026Q4"},
               {"2026-12-31T16:30:00Z", MI_CONFIG_PERIOD_QUARTER, "2027Q1"}, /* 00:30 local */
               {"2026-12-31T15:30:00Z", MI_CONFIG_PERIOD_QUARTER, "2026Q4"},
               {"2026-06-30T17:00:00Z", MI_CONFIG_PERIOD_MONTH, "2026-07"},
               {"2026-06-30T17:00:00Z", MI_CONFIG_PERIOD_YEAR, "2026"}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    mi_config_schedule sc = *wave;
    int64_t at;
    char name[16];
    sc.wave = names[i].period;
    assert_int_equal(mi_instant_parse(names[i].at, &at, NULL), 0);
    assert_int_equal(mi_survey_wave_name(&sc, at, name, NULL), 0);
    assert_string_equal(name, names[i].name);
  }
  assert_string_equal(cfg->policies[0].name, "tiers");
  assert_non_null(strstr(cfg->policies[0].file, "policies/tiers.lua"));
  const mi_config_value *spend = mi_config_value_get(&cfg->policies[0].params, "a_min_spend");
  assert_non_null(spend);
  assert_int_equal(spend->kind, MI_CONFIG_INT);
  assert_int_equal(spend->i, 100000);
  assert_int_equal(cfg->nusers, 0);
  mi_config_free(cfg);
}

/* ---- valid fixtures ----------------------------------------------------- */

static mi_config *load_fixture(const char *name) {
  char path[512];
  snprintf(path, sizeof path, DATA "valid/%s", name);
  mi_config *cfg = NULL;
  mi_err e;
  if (mi_config_load(path, &cfg, &e)) fail_msg("%s", err_text(&e));
  return cfg;
}

static void test_minimal_defaults(void **state) {
  (void)state;
  mi_config *cfg = load_fixture("minimal.yaml");
  assert_string_equal(cfg->timezone, "UTC");
  assert_string_equal(cfg->calendars[0].timezone, "UTC");
  assert_int_equal(cfg->limits.policy_instructions, 1000000);
  assert_int_equal(cfg->limits.policy_memory, 16 * 1024 * 1024);
  assert_int_equal(cfg->limits.policy_time_ms, 250);
  assert_int_equal(cfg->limits.import_batch_rows, 5000);
  assert_int_equal(cfg->limits.points_max, 1000000);
  assert_int_equal(cfg->ntiers + cfg->nsurveys + cfg->nsla + cfg->npolicies + cfg->nusers, 0);
  assert_int_equal(cfg->evaluation.period, MI_CONFIG_PERIOD_NONE);
  assert_string_equal(mi_config_period_name(cfg->evaluation.period), "none");
  /* without the sections, the lists the schema used to fix */
  assert_int_equal(cfg->nticket_kinds, 4);
  assert_int_equal(cfg->ncategories, 3);
  assert_int_equal(cfg->nchannels, 6);
  assert_string_equal(mi_config_find_label(cfg, MI_CONFIG_LIST_CHANNEL, "web")->name, "网站");
  assert_null(mi_config_find_label(cfg, MI_CONFIG_LIST_CHANNEL, "wechat"));
  mi_err e = {0};
  assert_int_equal(mi_config_check_label(cfg, MI_CONFIG_LIST_KIND, "complaint", &e), 0);
  assert_int_equal(mi_config_check_label(cfg, MI_CONFIG_LIST_CATEGORY, "attitude", &e), MI_EINVAL);
  assert_string_equal(e.msg, "unknown category 'attitude': use one of general (一般), technical (技术), "
                             "product_quality (产品质量) (or add it under categories: in the configuration)");
  assert_int_equal(mi_config_check_label(cfg, MI_CONFIG_LIST_CHANNEL, NULL, &e), MI_EINVAL);
  mi_config_free(cfg);
}

/* Configured lists replace the built-in ones; SLA rules and workflows take
 * their codes; a stage can be an approval. */
static void test_lists(void **state) {
  (void)state;
  mi_config *cfg = load_fixture("lists.yaml");
  assert_int_equal(cfg->nticket_kinds, 2);
  assert_string_equal(cfg->ticket_kinds[1].code, "praise");
  assert_string_equal(cfg->ticket_kinds[1].name, "表扬");
  assert_null(mi_config_find_label(cfg, MI_CONFIG_LIST_KIND, "inquiry"));
  assert_string_equal(cfg->sla[0].kind, "praise");
  assert_string_equal(cfg->sla[1].channel, "regulator");
  const mi_config_workflow *w = mi_config_find_workflow(cfg, "complaint");
  assert_non_null(w);
  assert_false(w->stages[0].approve);
  assert_true(w->stages[1].approve);
  assert_int_equal(cfg->users[0].role, MI_CONFIG_ROLE_SUPERVISOR);
  assert_string_equal(mi_config_role_name(MI_CONFIG_ROLE_DEPARTMENT_HEAD), "department_head");
  assert_true(mi_config_role_scoped(MI_CONFIG_ROLE_SUPERVISOR));
  assert_false(mi_config_role_scoped(MI_CONFIG_ROLE_ANALYST));
  mi_config_free(cfg);
}

static void test_full(void **state) {
  (void)state;
  mi_config *cfg = load_fixture("full.yaml");
  assert_string_equal(cfg->database, "/var/lib/manyi/full.db"); /* absolute stays */
  assert_string_equal(cfg->timezone, "Europe/Berlin");
  assert_int_equal(cfg->limits.policy_instructions, 2000000);
  assert_int_equal(cfg->limits.policy_memory, 512 * 1024);
  assert_int_equal(cfg->limits.policy_time_ms, 2000);
  assert_int_equal(cfg->limits.import_batch_rows, 100);

  const mi_config_calendar *office = mi_config_find_calendar(cfg, "office");
  assert_string_equal(office->timezone, "Europe/Berlin");
  assert_int_equal(office->nhours[4], 1);
  assert_int_equal(office->hours[0][1].end, 17 * 60 + 30);
  assert_int_equal(office->nholidays, 2); /* sorted: written out of order */
  assert_int_equal(office->holidays[0], day(2026, 1, 1));
  assert_int_equal(office->holidays[1], day(2026, 12, 25));
  assert_non_null(office->ics);
  assert_non_null(strstr(office->ics, "/files/holidays.ics"));
  assert_int_equal(access(office->ics, R_OK), 0);
  assert_string_equal(mi_config_find_calendar(cfg, "utc-desk")->timezone, "UTC");

  assert_int_equal(cfg->nusers, 4);
  const mi_config_user *bob = mi_config_find_user(cfg, "bob");
  assert_int_equal(bob->role, MI_CONFIG_ROLE_AGENT);
  assert_string_equal(bob->department->code, "night");
  assert_null(mi_config_find_user(cfg, "alice")->department);
  assert_int_equal(mi_config_find_user(cfg, "_audit")->role, MI_CONFIG_ROLE_AUDITOR);
  assert_string_equal(mi_config_role_name(MI_CONFIG_ROLE_ANALYST), "analyst");

  assert_int_equal(cfg->npolicies, 2);
  const mi_config_policy *p = mi_config_find_policy(cfg, "tiers");
  assert_int_equal(access(p->file, R_OK), 0);
  const mi_config_value *params = &p->params;
  assert_int_equal(params->kind, MI_CONFIG_MAP);
  assert_int_equal(params->count, 6);
  assert_string_equal(params->keys[0], "thresholds"); /* file order kept */
  assert_string_equal(params->keys[5], "nested");
  const mi_config_value *th = mi_config_value_get(params, "thresholds");
  assert_int_equal(mi_config_value_get(th, "A")->kind, MI_CONFIG_INT);
  assert_int_equal(mi_config_value_get(th, "A")->i, 100000);
  assert_int_equal(mi_config_value_get(th, "B")->kind, MI_CONFIG_FLOAT);
  assert_true(mi_config_value_get(th, "B")->f == 20000.5);
  const mi_config_value *order = mi_config_value_get(params, "order");
  assert_int_equal(order->kind, MI_CONFIG_LIST);
  assert_int_equal(order->count, 3);
  assert_string_equal(order->items[2].s, "C");
  assert_int_equal(mi_config_value_get(params, "strict")->kind, MI_CONFIG_BOOL);
  assert_true(mi_config_value_get(params, "strict")->b);
  assert_int_equal(mi_config_value_get(params, "note")->kind, MI_CONFIG_NULL);
  assert_int_equal(mi_config_value_get(params, "label")->kind, MI_CONFIG_STRING);
  assert_string_equal(mi_config_value_get(params, "label")->s, "yes");
  const mi_config_value *nested = mi_config_value_get(params, "nested");
  assert_int_equal(mi_config_value_get(&nested->items[0], "x")->i, -1);
  assert_true(mi_config_value_get(&nested->items[0], "y")->f == 1500.0);
  assert_null(mi_config_value_get(params, "missing"));
  assert_null(mi_config_value_get(order, "A")); /* not a map */
  assert_int_equal(params->line, 50);           /* a block map starts at its first key */
  const mi_config_policy *esc = mi_config_find_policy(cfg, "escalation");
  assert_int_equal(esc->params.kind, MI_CONFIG_MAP); /* empty when not given */
  assert_int_equal(esc->params.count, 0);

  assert_int_equal(cfg->nsla, 2);
  assert_ptr_equal(cfg->sla[1].tier, mi_config_find_tier(cfg, "A"));
  assert_int_equal(cfg->sla[1].next_response.seconds, 3600);
  assert_int_equal(cfg->sla[1].resolution.seconds, 36 * 3600);
  assert_true(cfg->sla[1].resolution.clock_days);
  assert_string_equal(cfg->sla[1].calendar->name, "24x7");
  assert_null(cfg->sla[0].calendar);
  assert_string_equal(cfg->sla[1].kind, "complaint");

  const mi_config_survey *idx = mi_config_find_survey(cfg, "idx");
  assert_int_equal(idx->kind, MI_CONFIG_SURVEY_INDEX);
  assert_string_equal(mi_config_survey_kind_name(idx->kind), "index");
  assert_int_equal(idx->ndimensions, 2);
  assert_true(idx->dimensions[1].weight == 1.0);
  const mi_config_question *q1 = &idx->questions[0];
  assert_string_equal(q1->text, "Fast, and right.");
  assert_int_equal(q1->scale_min, -3);
  assert_int_equal(q1->scale_max, 3);
  assert_true(q1->weight == 2.5);
  assert_false(q1->reverse);
  assert_string_equal(idx->questions[1].text, "Anything else?\n");
  assert_true(idx->questions[1].open);
  assert_string_equal(mi_config_find_survey(cfg, "nps")->questions[0].text,
                      "How likely are you to recommend us?");

  assert_int_equal(cfg->evaluation.period, MI_CONFIG_PERIOD_YEAR);
  assert_string_equal(mi_config_period_name(cfg->evaluation.period), "year");
  assert_int_equal(cfg->evaluation.ntargets, 2);
  assert_true(cfg->evaluation.targets[1].value == 0.05);
  mi_config_free(cfg);
}

static void test_quoting(void **state) {
  (void)state;
  mi_config *cfg = load_fixture("quoting.yaml");
  assert_non_null(strstr(cfg->database, "/tests/data/config/valid/data/quoting.db"));
  assert_int_equal(cfg->limits.policy_memory, 1048576);
  assert_int_equal(cfg->limits.policy_time_ms, 1500);
  assert_non_null(mi_config_find_calendar(cfg, "yes"));
  assert_string_equal(mi_config_find_department(cfg, "on")->name, "2024");
  assert_string_equal(mi_config_find_department(cfg, "x1")->name, "null");
  assert_string_equal(mi_config_find_tier(cfg, "true")->name, "Folded text");
  mi_config_free(cfg);
}

/* Calls fn(dir/name) for each *.yaml in dir, sorted; returns how many. */
static int each_fixture(const char *dir, void (*fn)(const char *path, int *failures),
                        int *failures) {
  struct dirent **list;
  int n = scandir(dir, &list, NULL, alphasort), count = 0;
  assert_true(n >= 0);
  for (int i = 0; i < n; i++) {
    size_t len = strlen(list[i]->d_name);
    if (len > 5 && !strcmp(list[i]->d_name + len - 5, ".yaml")) {
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
      fn(path, failures);
      count++;
    }
    free(list[i]);
  }
  free(list);
  return count;
}

static void check_valid(const char *path, int *failures) {
  mi_config *cfg = NULL;
  mi_err e;
  if (mi_config_load(path, &cfg, &e)) {
    print_error("valid fixture refused: %s\n", err_text(&e));
    (*failures)++;
  }
  mi_config_free(cfg);
}

static void test_valid_fixtures(void **state) {
  (void)state;
  int failures = 0;
  assert_true(each_fixture(DATA "valid", check_valid, &failures) >= 3);
  assert_int_equal(failures, 0);
}

/* ---- invalid fixtures --------------------------------------------------- */

/* Reads the "# expect: TEXT" and "# at: LINE:COL" lines of a fixture. */
static void read_expectation(const char *path, char *expect, size_t size, int *line, int *col) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char buf[1024];
  expect[0] = '\0';
  *line = *col = -1;
  while (fgets(buf, sizeof buf, f)) {
    buf[strcspn(buf, "\n")] = '\0';
    if (!strncmp(buf, "# expect: ", 10)) snprintf(expect, size, "%s", buf + 10);
    if (!strncmp(buf, "# at: ", 6)) sscanf(buf + 6, "%d:%d", line, col);
  }
  fclose(f);
}

static void check_invalid(const char *path, int *failures) {
  char expect[1024];
  int line, col;
  read_expectation(path, expect, sizeof expect, &line, &col);
  if (!expect[0] || line < 1 || col < 1) {
    print_error("%s: needs '# expect: TEXT' and '# at: LINE:COL' lines\n", path);
    (*failures)++;
    return;
  }
  mi_config *cfg = NULL;
  mi_err e;
  int rc = mi_config_load(path, &cfg, &e);
  if (rc == 0) {
    print_error("%s: loaded, but should fail with %d:%d: %s\n", path, line, col, expect);
    mi_config_free(cfg);
    (*failures)++;
  } else if (rc != MI_ECONFIG || !strstr(e.msg, expect) || e.line != line || e.column != col ||
             strcmp(e.file, path)) {
    print_error("%s:\n  want %d:%d: ...%s...\n  got  %s\n", path, line, col, expect, err_text(&e));
    (*failures)++;
  }
}

static void test_invalid_fixtures(void **state) {
  (void)state;
  int failures = 0;
  assert_true(each_fixture(DATA "invalid", check_invalid, &failures) >= 60);
  assert_int_equal(failures, 0);
}

/* ---- rules stated in code ----------------------------------------------- */

static void test_unknown_key_message(void **state) {
  (void)state;
  /* The exact text of the issue, line 12 column 5. */
  const char *yaml =
      "version: 1\n"
      "database: test.db\n"
      "calendars:\n"
      "    office:\n"
      "        hours:\n"
      "            mon: [09:00-17:00]\n"
      "departments:\n"
      "    - code: support\n"
      "      name: Support\n"
      "      calendar: office\n"
      "policies:\n"
      "    escalaton:\n"
      "        file: ../files/escalation.lua\n";
  mi_config *cfg;
  mi_err e;
  assert_int_equal(load_str(yaml, &cfg, &e), MI_ECONFIG);
  assert_string_equal(err_text(&e),
                      "manyi.yaml:12:5: unknown key 'escalaton' (did you mean 'escalation'?)");
  /* Too far from every key: list them instead of guessing. */
  expect_error(with_head("limits:\n  speed: 1\n"), HEAD_LINES + 2, 3,
               "unknown key 'speed' in limits: use one of policy_instructions, policy_memory, "
               "policy_time, import_batch_rows, points_max");
}

/* Everything after "database: ..." in HEAD. */
#define AFTER_DB (HEAD + sizeof "version: 1\ndatabase: test.db\n" - 1)

static void test_text_refuses_yaml11_words(void **state) {
  (void)state;
  static const char *const words[] = {"yes", "no", "on",  "off", "true", "false", "~",    "null",
                                      "Yes", "NO", "On",  "OFF", "True", "FALSE", "Null", "NULL",
                                      "12",  "-3", "1.5", "010", "0x1F", "1_000", ".inf", NULL};
  char yaml[512];
  for (const char *const *w = words; *w; w++) {
    snprintf(yaml, sizeof yaml, "version: 1\ndatabase: %s\n%s", *w, AFTER_DB);
    expect_error(yaml, 2, 11, "put it in quotes");
    /* Quoted, the same word is text. */
    snprintf(yaml, sizeof yaml, "version: 1\ndatabase: \"%s\"\n%s", *w, AFTER_DB);
    mi_config *cfg;
    mi_err e;
    if (load_str(yaml, &cfg, &e)) fail_msg("\"%s\": %s", *w, err_text(&e));
    const char *base = strrchr(cfg->database, '/');
    assert_string_equal(base + 1, *w);
    mi_config_free(cfg);
  }
  snprintf(yaml, sizeof yaml, "version: 1\ndatabase: ''\n%s", AFTER_DB);
  expect_error(yaml, 2, 11, "empty text");
}

static void test_integers(void **state) {
  (void)state;
  static const struct {
    const char *value, *want;
  } bad[] = {
      {"010", "leading zero"},      {"00", "leading zero"},
      {"1_000", "'_' separators"},  {"0x10", "not decimal"},
      {"0o17", "not decimal"},      {"1e3", "is not an integer"},
      {"1.0", "is not an integer"}, {"+5", "'+' sign"},
      {"\"5\"", "got quoted text"}, {"'5'", "got quoted text"},
      {"five", "got text 'five'"},  {"true", "got a boolean"},
      {"~", "got nothing (null)"},  {"[5]", "got a list"},
      {"{a: 5}", "got a map"},      {"0", "0 is out of range: use 1 or more"},
      {"-5", "out of range"},       {"99999999999999999999", "out of range"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    expect_error(with_head("limits:\n  import_batch_rows: %s\n", bad[i].value), HEAD_LINES + 2, 22,
                 bad[i].want);
  mi_config *cfg;
  mi_err e;
  assert_int_equal(
      load_str(with_head("limits:\n  import_batch_rows: 9223372036854775807\n"), &cfg, &e), 0);
  assert_int_equal(cfg->limits.import_batch_rows, INT64_MAX);
  mi_config_free(cfg);
  expect_error("version: 1.0\n", 1, 10, "'1.0' is not an integer");
  expect_error("version: 0\n", 1, 10, "unsupported version 0");
}

/* limits: points_max bounds one loyalty decision: 1..10^15 (exact as a double). */
static void test_points_max(void **state) {
  (void)state;
  mi_config *cfg;
  mi_err e;
  assert_int_equal(load_str(with_head("limits:\n  points_max: 5000\n"), &cfg, &e), 0);
  assert_int_equal(cfg->limits.points_max, 5000);
  assert_int_equal(cfg->limits.import_batch_rows, 5000); /* the others keep their defaults */
  mi_config_free(cfg);
  assert_int_equal(load_str(with_head("limits:\n  points_max: 1000000000000000\n"), &cfg, &e), 0);
  assert_int_equal(cfg->limits.points_max, 1000000000000000LL);
  mi_config_free(cfg);
  expect_error(with_head("limits:\n  points_max: 0\n"), HEAD_LINES + 2, 15, "out of range");
  expect_error(with_head("limits:\n  points_max: -3\n"), HEAD_LINES + 2, 15, "out of range");
  expect_error(with_head("limits:\n  points_max: 1000000000000001\n"), HEAD_LINES + 2, 15,
               "out of range");
  expect_error(with_head("limits:\n  points_max: 1.5\n"), HEAD_LINES + 2, 15, "is not an integer");
}

static void test_sizes_and_times(void **state) {
  (void)state;
  static const struct {
    const char *memory, *time;
    int64_t bytes, ms;
  } good[] = {
      {"16MiB", "250ms", 16 << 20, 250},    {"512KiB", "2s", 512 << 10, 2000},
      {"1GiB", "1m", 1 << 30, 60000},       {"1024", "1h", 1024, 3600000},
      {"\"2048\"", "'1m30s'", 2048, 90000}, {"'8MiB'", "\"1ms\"", 8 << 20, 1},
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    mi_config *cfg;
    mi_err e;
    const char *yaml = with_head("limits:\n  policy_memory: %s\n  policy_time: %s\n",
                                 good[i].memory, good[i].time);
    if (load_str(yaml, &cfg, &e)) fail_msg("%s: %s", good[i].memory, err_text(&e));
    assert_int_equal(cfg->limits.policy_memory, good[i].bytes);
    assert_int_equal(cfg->limits.policy_time_ms, good[i].ms);
    mi_config_free(cfg);
  }
  static const char *const bad_sizes[] = {"16MB", "16 MiB", "16mib",  "1.5MiB",
                                          "MiB",  "0MiB",   "016MiB", "99999999999GiB",
                                          "[1]",  "true",   NULL};
  for (const char *const *s = bad_sizes; *s; s++)
    expect_error(with_head("limits:\n  policy_memory: %s\n", *s), HEAD_LINES + 2, 18,
                 "is not a size");
  expect_error(with_head("limits:\n  policy_memory: -1\n"), HEAD_LINES + 2, 18,
               "-1 is out of range: use 1 or more");
  static const char *const bad_times[] = {"250",     "0ms",    "ms", "1.5s", "250 ms",
                                          "1m500ms", "0250ms", "2S", NULL};
  for (const char *const *s = bad_times; *s; s++)
    expect_error(with_head("limits:\n  policy_time: %s\n", *s), HEAD_LINES + 2, 16,
                 "is not a duration");
}

#define DEPT "departments: [{code: d, name: D, calendar: c}]\n"

static void test_calendar_rules(void **state) {
  (void)state;
  mi_config *cfg;
  mi_err e;
  /* Closed days are left out; a range may end at 24:00; touching ranges are fine. */
  const char *yaml =
      "version: 1\ndatabase: x.db\ncalendars:\n  c:\n    hours:\n"
      "      sun: [00:00-08:00, 08:00-24:00]\n"
      "departments: [{code: d, name: D, calendar: c}]\n";
  assert_int_equal(load_str(yaml, &cfg, &e), 0);
  assert_int_equal(cfg->calendars[0].nhours[6], 2);
  assert_int_equal(cfg->calendars[0].nhours[0], 0);
  assert_null(cfg->calendars[0].hours[0]);
  mi_config_free(cfg);
  static const char *const bad[] = {"9:00-17:00",  "09:00 - 17:00", "09:00-17:60",   "24:00-24:00",
                                    "09:00-09:00", "09:00",         "[09:00-17:00]", NULL};
  char buf[256];
  for (const char *const *s = bad; *s; s++) {
    snprintf(buf, sizeof buf,
             "version: 1\ndatabase: x.db\ncalendars:\n  c:\n    hours:\n      mon: [%s]\n"
             "departments: [{code: d, name: D, calendar: c}]\n",
             *s);
    expect_error(buf, 6, 13, *s[0] == '[' ? "is not a time range" : *s);
  }
  expect_error("version: 1\ndatabase: x.db\ncalendars:\n  c:\n    hours: {}\n" DEPT, 5, 12,
               "calendar 'c' has no opening hours");
  expect_error(
      "version: 1\ndatabase: x.db\ncalendars:\n  c d:\n    hours: {mon: [09:00-10:00]}\n" DEPT, 4,
      3, "'c d' is not a valid calendar name");
  expect_error(
      "version: 1\ndatabase: x.db\ncalendars:\n  c:\n    hours: {mon: [09:00-10:00]}\n"
      "    holidays: 2026-01-01\n" DEPT,
      6, 15, "holidays must be a list");
  expect_error(
      "version: 1\ndatabase: x.db\ncalendars:\n  c:\n    hours: {mon: [09:00-10:00]}\n"
      "    holidays: [2026-1-1]\n" DEPT,
      6, 16, "'2026-1-1' is not a date: use YYYY-MM-DD");
  expect_error(
      "version: 1\ndatabase: x.db\ncalendars:\n  c:\n    hours: {mon: [09:00-10:00]}\n"
      "    holidays: [2026-03-01, 2026-03-01]\n" DEPT,
      6, 28, "date 2026-03-01 is listed twice (first at line 6)");
  expect_error(
      "version: 1\ndatabase: x.db\ncalendars:\n  c:\n    hours: {mon: [09:00-10:00]}\n"
      "    ics: ../files\n" DEPT,
      6, 10, "file '../files': is not a regular file");
}

static void test_yaml_level(void **state) {
  (void)state;
  expect_error("", 1, 1, "the file is empty");
  expect_error("# only a comment\n", 1, 1, "the file is empty");
  expect_error("---\n", 2, 1, "the top level must be a map of 'key: value' lines, got nothing");
  expect_error("version: 1\n---\nversion: 1\n", 2, 1, "a second document starts here");
  expect_error("version: 1\n...\n---\nversion: 1\n", 3, 1, "a second document starts here");
  expect_error("%TAG !e! tag:example.com,2000:\n---\nversion: 1\n", 1, 1,
               "tags are not allowed (found a %TAG directive)");
  expect_error("version: !!int 1\n", 1, 10, "tags are not allowed");
  expect_error("version: ! 1\n", 1, 10, "tags are not allowed (found '!')");
  expect_error("version: &v 1\n", 1, 10, "anchors and aliases are not allowed (found '&v')");
  expect_error("version: 1\ndatabase: *v\n", 2, 11, "found '*v'");
  expect_error("version: 1\n  database: x\n", 2, 11, "invalid YAML");
  expect_error("version: [1\n", 2, 1, "invalid YAML");
  expect_error("version: 1\nversion: 1\n", 2, 1, "duplicate key 'version' (first at line 1)");
  expect_error("version: 1\n\"version\": 1\n", 2, 1, "duplicate key 'version'");
  expect_error("version: 1\n'': x\n", 2, 1, "empty key");
  expect_error("version: 1\n{a: b}: c\n", 2, 1, "a key must be text, not a map");
  /* Raw control characters and broken UTF-8, positions counted in characters. */
  expect_error("version: 1\ndatabase: \"\xc3\xa9\x01\"\n", 2, 13,
               "control characters are not allowed (character U+0001)");
  expect_error("version: 1\ndatabase: ab\xff\n", 2, 13, "not valid UTF-8");
  mi_config *cfg = (mi_config *)1;
  mi_err e;
  assert_int_equal(mi_config_load_string("version: 1\0x", 12, "nul.yaml", NULL, &cfg, &e),
                   MI_ECONFIG);
  assert_int_equal(e.line, 1);
  assert_int_equal(e.column, 11);
  assert_non_null(strstr(e.msg, "control characters"));
  assert_string_equal(e.file, "nul.yaml");
  /* A name for errors is optional. */
  assert_int_equal(mi_config_load_string("x: 1", 4, NULL, NULL, &cfg, &e), MI_ECONFIG);
  assert_string_equal(e.file, "<string>");
}

/* Builds a params value nested levels deep (counting the top-level map). */
static const char *nested(int levels) {
  static char buf[4096];
  /* top map, policies, tiers, params: 4 levels; the rest are lists. */
  int lists = levels - 4;
  int n = snprintf(buf, sizeof buf,
                   "%spolicies:\n  tiers:\n    file: ../files/tiers.lua\n"
                   "    params:\n      deep: ",
                   HEAD);
  for (int i = 0; i < lists; i++) buf[n++] = '[';
  for (int i = 0; i < lists; i++) buf[n++] = ']';
  buf[n++] = '\n';
  buf[n] = '\0';
  return buf;
}

static void test_depth(void **state) {
  (void)state;
  mi_config *cfg;
  mi_err e;
  if (load_str(nested(MI_CONFIG_MAX_DEPTH), &cfg, &e)) fail_msg("%s", err_text(&e));
  const mi_config_value *v = mi_config_value_get(&cfg->policies[0].params, "deep");
  int depth = 5; /* "deep" itself is the fifth level */
  while (v->kind == MI_CONFIG_LIST && v->count) v = &v->items[0], depth++;
  assert_int_equal(depth, MI_CONFIG_MAX_DEPTH);
  mi_config_free(cfg);
  expect_error(nested(MI_CONFIG_MAX_DEPTH + 1), HEAD_LINES + 5, 13 + MI_CONFIG_MAX_DEPTH - 4,
               "nested deeper than 32 levels");
  /* Far deeper than the cap is refused at the cap, without recursion trouble. */
  size_t n = 1000000;
  char *deep = malloc(n + 64);
  assert_non_null(deep);
  int k = snprintf(deep, 64, "a: ");
  memset(deep + k, '[', n);
  assert_int_equal(mi_config_load_string(deep, (size_t)k + n, "deep", NULL, &cfg, &e), MI_ECONFIG);
  assert_non_null(strstr(e.msg, "nested deeper"));
  free(deep);
}

static void test_params_values(void **state) {
  (void)state;
  static const char *const ambiguous[] = {"yes", "Off", "TRUE", "010",   "0x10", "1_000",
                                          ".5",  "+1",  ".inf", "-.Inf", ".NaN", NULL};
  for (const char *const *s = ambiguous; *s; s++)
    expect_error(with_head("policies:\n  tiers:\n    file: ../files/tiers.lua\n    params:\n"
                           "      v: %s\n",
                           *s),
                 HEAD_LINES + 5, 10, *s);
  expect_error(with_head("policies:\n  tiers:\n    file: ../files/tiers.lua\n    params: [1]\n"),
               HEAD_LINES + 4, 13, "params must be a map");
  expect_error(with_head("policies:\n  tiers:\n    file: ../files/tiers.lua\n    params:\n"
                         "      v: 99999999999999999999\n"),
               HEAD_LINES + 5, 10, "too large for an integer");
  expect_error(with_head("policies:\n  tiers:\n    file: ../files/tiers.lua\n    params:\n"
                         "      v: 1e999\n"),
               HEAD_LINES + 5, 10, "too large for a number");
  expect_error(with_head("policies:\n  tiers:\n    file: ../files/tiers.lua\n    params:\n"
                         "      v: {a: 1, a: 2}\n"),
               HEAD_LINES + 5, 17, "duplicate key 'a' (first at line 13)");
  mi_config *cfg;
  mi_err e;
  const char *yaml = with_head(
      "policies:\n  tiers:\n    file: ../files/tiers.lua\n    params:\n"
      "      a: \"010\"\n      b: 1.5e-3\n      c: -0\n      d: ''\n"
      "      e: 2026-01-01\n      f: 09:30\n      g: []\n      h: {}\n");
  if (load_str(yaml, &cfg, &e)) fail_msg("%s", err_text(&e));
  const mi_config_value *p = &cfg->policies[0].params;
  assert_string_equal(mi_config_value_get(p, "a")->s, "010");
  assert_true(mi_config_value_get(p, "b")->f == 1.5e-3);
  assert_int_equal(mi_config_value_get(p, "c")->kind, MI_CONFIG_INT);
  assert_string_equal(mi_config_value_get(p, "d")->s, "");
  assert_string_equal(mi_config_value_get(p, "e")->s, "2026-01-01");
  assert_string_equal(mi_config_value_get(p, "f")->s, "09:30");
  assert_int_equal(mi_config_value_get(p, "g")->kind, MI_CONFIG_LIST);
  assert_int_equal(mi_config_value_get(p, "g")->count, 0);
  assert_int_equal(mi_config_value_get(p, "h")->kind, MI_CONFIG_MAP);
  assert_int_equal(mi_config_value_get(p, "e")->line, HEAD_LINES + 9);
  assert_int_equal(mi_config_value_get(p, "e")->column, 10);
  mi_config_free(cfg);
}

static void test_references_and_codes(void **state) {
  (void)state;
  expect_error(with_head("users:\n  al: {role: agent, department: suport}\n"), HEAD_LINES + 2, 33,
               "unknown department 'suport' (did you mean 'support'?)");
  expect_error(with_head("users:\n  al: {role: agnet}\n"), HEAD_LINES + 2, 14,
               "unknown role 'agnet' (did you mean 'agent'?)");
  expect_error(
      with_head("sla:\n  - {kind: complaint, tier: A, first_response: 1h, resolution: 2h}\n"),
      HEAD_LINES + 2, 29, "unknown tier 'A': define it under tiers first");
  expect_error(with_head("sla:\n  - {kind: complaint, priority: 0, first_response: 1h, "
                         "resolution: 2h}\n"),
               HEAD_LINES + 2, 33, "0 is out of range: use 1 to 4");
  expect_error(with_head("sla:\n  - {kind: complaint, first_response: 1h, resolution: 2h}\n"
                         "  - {kind: complaint, first_response: 2h, resolution: 4h}\n"),
               HEAD_LINES + 3, 5, "duplicate SLA rule (kind complaint; first at line 10)");
  /* Same kind, different priority or tier: distinct rules. */
  mi_config *cfg;
  mi_err e;
  const char *yaml = with_head(
      "tiers: [{code: A, name: Key}]\n"
      "sla:\n  - {kind: complaint, first_response: 1h, resolution: 2h}\n"
      "  - {kind: complaint, priority: 1, first_response: 1h, resolution: 2h}\n"
      "  - {kind: complaint, tier: A, first_response: 1h, resolution: 2h}\n"
      "  - {kind: complaint, priority: 1, tier: A, first_response: 1h, "
      "resolution: 1h}\n");
  if (load_str(yaml, &cfg, &e)) fail_msg("%s", err_text(&e));
  assert_int_equal(cfg->nsla, 4);
  assert_int_equal(cfg->sla[3].line, HEAD_LINES + 6);
  assert_int_equal(cfg->sla[3].column, 5);
  mi_config_free(cfg);
  expect_error(with_head("surveys:\n  - {code: s, name: S, kind: csat, questions: []}\n"),
               HEAD_LINES + 2, 47, "survey 's' has no questions");
  expect_error(with_head("surveys:\n  - {code: s, name: S, kind: csat, questions: [{code: q, "
                         "text: Q, scale: [1]}]}\n"),
               HEAD_LINES + 2, 74, "scale must be a list of two integers");
  expect_error(with_head("surveys:\n  - {code: s, name: S, kind: csat, questions: [{code: q, "
                         "text: Q, open: true, reverse: false}]}\n"),
               HEAD_LINES + 2, 88, "an open question has no reverse");
  expect_error(with_head("evaluation:\n  period: year\n  targets: {rate: high}\n"), HEAD_LINES + 3,
               19, "expected a number, got text 'high'");
  expect_error(with_head("evaluation: {targets: {a: 1}}\n"), HEAD_LINES + 1, 13,
               "missing required key 'period' in evaluation");
  expect_error(with_head("policies:\n  tiers: {file: ../files}\n"), HEAD_LINES + 2, 17,
               "is not a regular file");
}

/* Every prefix of the example must fail cleanly or load: no crash, no leak
 * (run under ASan/valgrind), an error always with a position. */
static void test_truncations(void **state) {
  (void)state;
  FILE *f = fopen(EXAMPLE, "rb");
  assert_non_null(f);
  static char text[16384];
  size_t n = fread(text, 1, sizeof text, f);
  fclose(f);
  for (size_t len = 0; len <= n; len += 7) {
    mi_config *cfg = NULL;
    mi_err e;
    int rc = mi_config_load_string(text, len, "cut.yaml", MANYI_SOURCE_DIR "/examples/after-sales",
                                   &cfg, &e);
    if (rc == 0) {
      mi_config_free(cfg);
      continue;
    }
    assert_int_equal(rc, MI_ECONFIG);
    assert_true(e.line >= 1 && e.column >= 1);
  }
}

/* language: and display_names: (issue 19): the report's language and what
 * it calls the codes, per language; anything else is refused with its place. */
static void test_language_and_display_names(void **state) {
  (void)state;
  static const char base[] = "version: 1\ndatabase: x.db\ncalendars:\n  office:\n    hours:\n"
                             "      mon: [09:00-17:00]\ndepartments:\n  - {code: support, name: Support, calendar: office}\n";
  char yaml[1024];
  mi_config *cfg = NULL;
  mi_err e = {0};
  snprintf(yaml, sizeof yaml, "%slanguage: zh_CN\ndisplay_names:\n  zh_CN:\n    departments: {support: 客户服务中心}\n"
           "    dimensions: {price: 价格}\n  en:\n    departments: {support: Customer Support}\n", base);
  assert_int_equal(load_str(yaml, &cfg, &e), 0);
  assert_string_equal(cfg->language, "zh_CN");
  assert_string_equal(mi_config_display_name(cfg, "zh_CN", "departments", "support"), "客户服务中心");
  assert_string_equal(mi_config_display_name(cfg, "en", "departments", "support"), "Customer Support");
  assert_string_equal(mi_config_display_name(cfg, "zh_CN", "dimensions", "price"), "价格");
  assert_null(mi_config_display_name(cfg, "zh_CN", "tiers", "A"));
  assert_null(mi_config_display_name(cfg, "en", "dimensions", "price"));
  assert_null(mi_config_display_name(cfg, NULL, "departments", "support"));
  assert_null(mi_config_display_name(NULL, "en", "departments", "support"));
  mi_config_free(cfg);
  cfg = NULL;
  assert_int_equal(load_str(base, &cfg, &e), 0); /* both optional */
  assert_null(cfg->language);
  assert_null(mi_config_display_name(cfg, "zh_CN", "departments", "support"));
  mi_config_free(cfg);
  snprintf(yaml, sizeof yaml, "%slanguage: fr\n", base);
  expect_error(yaml, 9, 11, "language 'fr': use zh_CN or en");
  snprintf(yaml, sizeof yaml, "%sdisplay_names:\n  fr: {}\n", base);
  expect_error(yaml, 10, 3, "unknown key 'fr'");
  snprintf(yaml, sizeof yaml, "%sdisplay_names:\n  zh_CN:\n    departmnts: {support: x}\n", base);
  expect_error(yaml, 11, 5, "(did you mean 'departments'?)");
  snprintf(yaml, sizeof yaml, "%sdisplay_names:\n  zh_CN:\n    departments: {support: [a]}\n", base);
  expect_error(yaml, 11, 28, "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null_args),
      cmocka_unit_test(test_long_department_name),
      cmocka_unit_test(test_unreadable),
      cmocka_unit_test(test_too_large),
      cmocka_unit_test(test_example),
      cmocka_unit_test(test_minimal_defaults),
      cmocka_unit_test(test_lists),
      cmocka_unit_test(test_full),
      cmocka_unit_test(test_quoting),
      cmocka_unit_test(test_valid_fixtures),
      cmocka_unit_test(test_invalid_fixtures),
      cmocka_unit_test(test_unknown_key_message),
      cmocka_unit_test(test_text_refuses_yaml11_words),
      cmocka_unit_test(test_integers),
      cmocka_unit_test(test_points_max),
      cmocka_unit_test(test_sizes_and_times),
      cmocka_unit_test(test_calendar_rules),
      cmocka_unit_test(test_yaml_level),
      cmocka_unit_test(test_depth),
      cmocka_unit_test(test_params_values),
      cmocka_unit_test(test_references_and_codes),
      cmocka_unit_test(test_truncations),
      cmocka_unit_test(test_language_and_display_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
