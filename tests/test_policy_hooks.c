/* Unit tests for the route, escalate, evaluate, evaluate_staff and care hooks of core/policy
 * (through the public API): NULL arguments first, then for each hook a good
 * decision and the nonsense returns of tests/data/policy/hooks.lua, each of
 * which must fail closed (MI_EPOLICY, the decision zeroed, the error naming
 * the file, line and input) and leave the policy working for the next call.
 * Then that the registry (config/hooks.c) and the hooks' code
 * (policy/hook_<name>.c) are the same hooks, the runner of `manyi policy
 * test` (service/policy_test.c) on the shipped cases and on broken ones, and
 * mi_config_value_load. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "config/hooks.h"
#include "policy/hook_test.h"
#include "policy/policy.h"
#include "service/date_view.h"
#include "service/policy_test.h"
#include "util/err.h"

#define DATA MANYI_SOURCE_DIR "/tests/data/policy/"
#define HOOKS DATA "hooks.lua"
#define EXAMPLE MANYI_SOURCE_DIR "/examples/after-sales/manyi.yaml"

static const char CFG[] =
    "version: 1\n"
    "database: test.db\n"
    "limits: {policy_instructions: 200000, policy_memory: 8MiB, policy_time: 200ms}\n"
    "calendars:\n"
    "  office:\n"
    "    hours:\n"
    "      mon: [09:00-17:00]\n"
    "departments:\n"
    "  - {code: support, name: Support, calendar: office}\n"
    "  - {code: technical, name: Technical, calendar: office}\n"
    "  - {code: quality, name: Quality, calendar: office}\n"
    "policies:\n"
    "  routing:\n"
    "    file: hooks.lua\n"
    "    params: {roles: [department_head, satisfaction_committee]}\n";

typedef struct fixture {
  mi_config *cfg;
  mi_policy *p;
} fixture;

static const char *err_text(const mi_err *e) {
  static char buf[2048];
  FILE *f = fmemopen(buf, sizeof buf, "w");
  mi_err_print(e, f);
  fclose(f);
  buf[strcspn(buf, "\n")] = '\0';
  return buf;
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  mi_err e;
  if (!f || mi_config_load_string(CFG, sizeof CFG - 1, "hooks.yaml", DATA, &f->cfg, &e)) return -1;
  if (mi_policy_load_config(f->cfg, "routing", &f->p, &e)) {
    fprintf(stderr, "%s\n", err_text(&e));
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  mi_policy_free(f->p);
  mi_config_free(f->cfg);
  free(f);
  return 0;
}

/* Views whose id picks the fixture's return. */
typedef struct views {
  mi_view_field f[4];
  mi_view v;
} views;

static const mi_view *ticket(views *t, const char *id) {
  t->f[0] = (mi_view_field){.name = "external_id", .type = MI_VIEW_STR, .s = id};
  t->f[1] = (mi_view_field){.name = "kind", .type = MI_VIEW_STR, .s = "complaint"};
  t->f[2] = (mi_view_field){.name = "customer_tier", .type = MI_VIEW_NIL};
  t->v = (mi_view){.kind = "ticket", .id = id, .fields = t->f, .nfields = 3};
  return &t->v;
}

static const mi_view *clock_view(views *t) {
  t->f[0] = (mi_view_field){.name = "used", .type = MI_VIEW_NUM, .d = 0.8};
  t->f[1] = (mi_view_field){.name = "breached", .type = MI_VIEW_BOOL, .i = 0};
  t->v = (mi_view){.kind = "clock", .id = "T", .fields = t->f, .nfields = 2};
  return &t->v;
}

static const mi_view *department(views *t, const char *code) {
  t->f[0] = (mi_view_field){.name = "code", .type = MI_VIEW_STR, .s = code};
  t->v = (mi_view){.kind = "department", .id = code, .fields = t->f, .nfields = 1};
  return &t->v;
}

static const mi_view *figures(views *t) {
  t->f[0] = (mi_view_field){.name = "satisfied_share", .type = MI_VIEW_NUM, .d = 0.92};
  t->v = (mi_view){.kind = "figures", .id = "2026-Q1", .fields = t->f, .nfields = 1};
  return &t->v;
}

static const mi_view *customer(views *t, const char *id) {
  t->f[0] = (mi_view_field){.name = "external_id", .type = MI_VIEW_STR, .s = id};
  t->v = (mi_view){.kind = "customer", .id = id, .fields = t->f, .nfields = 1};
  return &t->v;
}

/* The error names the file, a line, the message part and the input. */
static void expect_refused(int rc, const mi_err *e, const char *part, const char *input) {
  const char *text = err_text(e);
  if (rc != MI_EPOLICY) fail_msg("rc %d, want MI_EPOLICY: %s", rc, text);
  if (!strstr(text, "hooks.lua:") || !strstr(text, part) || !strstr(text, input))
    fail_msg("error '%s' lacks hooks.lua:, '%s' or '%s'", text, part, input);
  assert_true(e->line > 0);
}

static int all_zero(const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    if (b[i]) return 0;
  return 1;
}

/* ---- arguments ------------------------------------------------------------ */

static void test_null_arguments(void **state) {
  fixture *f = *state;
  views a, b;
  mi_err e;
  mi_route_decision r;
  mi_escalate_decision x;
  mi_evaluate_decision v;
  mi_care_decision c;
  assert_int_equal(mi_policy_call_route(NULL, ticket(&a, "good"), f->cfg, &r, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_route(f->p, NULL, f->cfg, &r, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_route(f->p, ticket(&a, "good"), NULL, &r, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_route(f->p, ticket(&a, "good"), f->cfg, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_escalate(f->p, ticket(&a, "good"), NULL, &x, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_escalate(NULL, ticket(&a, "good"), clock_view(&b), &x, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_evaluate(f->p, NULL, figures(&b), &v, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_evaluate(f->p, department(&a, "good"), figures(&b), NULL, &e), MI_EINVAL);
  mi_staff_decision sd;
  assert_int_equal(mi_policy_call_evaluate_staff(NULL, department(&a, "good"), figures(&b), &sd, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_evaluate_staff(f->p, department(&a, "good"), NULL, &sd, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_evaluate_staff(f->p, department(&a, "good"), figures(&b), NULL, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_care(f->p, customer(&a, "good"), NULL, &c, NULL), MI_EINVAL);
  mi_view broken = {.kind = "ticket", .id = "x", .fields = NULL, .nfields = 2};
  assert_int_equal(mi_policy_call_route(f->p, &broken, f->cfg, &r, &e), MI_EINVAL);
  mi_policy_counters n;
  mi_policy_get_counters(f->p, &n);
  assert_int_equal(n.calls, 0); /* bad arguments are not calls */
}

/* ---- route ------------------------------------------------------------------ */

static void test_route_good(void **state) {
  fixture *f = *state;
  views t;
  mi_route_decision d;
  mi_err e;
  int rc = mi_policy_call_route(f->p, ticket(&t, "good"), f->cfg, &d, &e);
  if (rc) fail_msg("%s", err_text(&e));
  assert_string_equal(d.department, "support");
  assert_int_equal(d.priority, 2);
  assert_string_equal(d.reason, "ok complaint");
  assert_true(d.line > 0);
  assert_int_equal(mi_policy_call_route(f->p, ticket(&t, "float_priority"), f->cfg, &d, &e), 0);
  assert_int_equal(d.priority, 3);
  assert_string_equal(d.department, "quality");
  /* fields read through __index are the decision's fields */
  assert_int_equal(mi_policy_call_route(f->p, ticket(&t, "via_index"), f->cfg, &d, &e), 0);
  assert_string_equal(d.department, "technical");
  assert_string_equal(d.reason, "inherited");
}

static void test_route_nonsense(void **state) {
  fixture *f = *state;
  static const struct {
    const char *id, *part;
  } cases[] = {
      {"unknown_department", "department 'sales', which is not a department of the configuration "
                             "(support, technical, quality)"},
      {"department_number", "returned a number (7) as the department"},
      {"department_control", "control character"},
      {"priority_0", "a number (0) as the priority; it must be an integer from 1 to 4"},
      {"priority_5", "a number (5) as the priority"},
      {"priority_half", "a number (2.5) as the priority"},
      {"priority_string", "a string as the priority"},
      {"priority_nan", "as the priority"},
      {"no_reason", "nil as the reason"},
      {"empty_reason", "the reason of 0 bytes"},
      {"long_reason", "the reason of 501 bytes"},
      {"nul_reason", "without NUL bytes"},
      {"bad_utf8", "UTF-8"},
      {"misspelt", "unknown field 'departmnet' (did you mean 'department'?)"},
      {"not_table", "returned a string as the decision"},
      {"nothing", "returned nil as the decision"},
      {"list", "with a key that is a number"},
      {"raise", "boom"},
      {"raise_table", "error object is a table value"},
      {"loop", "instruction budget exhausted"},
      {"index_loop", "instruction budget exhausted"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    views t;
    mi_route_decision d;
    mi_err e;
    memset(&d, 0x5a, sizeof d);
    int rc = mi_policy_call_route(f->p, ticket(&t, cases[i].id), f->cfg, &d, &e);
    expect_refused(rc, &e, cases[i].part, "(ticket ");
    assert_non_null(strstr(e.msg, cases[i].id));
    assert_true(all_zero(&d, sizeof d));
    /* and the policy still works */
    assert_int_equal(mi_policy_call_route(f->p, ticket(&t, "good"), f->cfg, &d, &e), 0);
  }
  mi_policy_counters n;
  mi_policy_get_counters(f->p, &n);
  assert_int_equal(n.failures, sizeof cases / sizeof cases[0]);
  assert_int_equal(n.instruction_limit_hits, 2);
}

/* ---- escalate ------------------------------------------------------------- */

static void test_escalate_good(void **state) {
  fixture *f = *state;
  views t, c;
  mi_escalate_decision d;
  mi_err e;
  int rc = mi_policy_call_escalate(f->p, ticket(&t, "good"), clock_view(&c), &d, &e);
  if (rc) fail_msg("%s", err_text(&e));
  assert_int_equal(d.escalate, 1);
  assert_int_equal(d.level, 2);
  assert_int_equal(d.nnotify, 2);
  assert_string_equal(d.notify[0], "team_lead");
  assert_string_equal(d.notify[1], "department_head");
  assert_string_equal(d.reason, "80% used");
  assert_true(d.line > 0);
  assert_int_equal(mi_policy_call_escalate(f->p, ticket(&t, "none"), clock_view(&c), &d, &e), 0);
  assert_int_equal(d.escalate, 0);
  assert_int_equal(d.level, 0);
  assert_true(d.line > 0);
  /* a read-only list from params is a list */
  assert_int_equal(mi_policy_call_escalate(f->p, ticket(&t, "params_list"), clock_view(&c), &d, &e), 0);
  assert_int_equal(d.level, 3);
  assert_int_equal(d.nnotify, 2);
  assert_string_equal(d.notify[1], "satisfaction_committee");
  assert_int_equal(mi_policy_call_escalate(f->p, ticket(&t, "empty_notify"), clock_view(&c), &d, &e), 0);
  assert_int_equal(d.escalate, 1);
  assert_int_equal(d.nnotify, 0);
}

static void test_escalate_nonsense(void **state) {
  fixture *f = *state;
  static const struct {
    const char *id, *part;
  } cases[] = {
      {"level_0", "a number (0) as the level; it must be an integer from 1 to 3"},
      {"level_4", "a number (4) as the level"},
      {"level_string", "a string as the level"},
      {"notify_11", "notify of 11 items; at most 10"},
      {"notify_map", "notify that is not a list"},
      {"notify_hole", "notify"},
      {"notify_number", "a number (1) as notify[1]"},
      {"notify_long", "notify[1] of 33 bytes"},
      {"notify_string", "a string as notify; return a list"},
      {"no_reason", "nil as the reason"},
      {"boolean", "a boolean (false) as the decision"},
      {"cyclic", "notify that is not a list"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    views t, c;
    mi_escalate_decision d;
    mi_err e;
    memset(&d, 0x5a, sizeof d);
    int rc = mi_policy_call_escalate(f->p, ticket(&t, cases[i].id), clock_view(&c), &d, &e);
    expect_refused(rc, &e, cases[i].part, "(ticket ");
    assert_true(all_zero(&d, sizeof d));
  }
}

/* ---- evaluate ------------------------------------------------------------- */

static void test_evaluate_good(void **state) {
  fixture *f = *state;
  views d, g;
  mi_evaluate_decision out;
  mi_err e;
  int rc = mi_policy_call_evaluate(f->p, department(&d, "good"), figures(&g), &out, &e);
  if (rc) fail_msg("%s", err_text(&e));
  assert_true(out.score == 87.5);
  assert_string_equal(out.grade, "B");
  assert_int_equal(out.passed, 1);
  assert_int_equal(out.assessed, 1); /* absent: assessed */
  assert_int_equal(out.nreasons, 2);
  assert_string_equal(out.reasons[0], "sat 0.92");
  assert_int_equal(mi_policy_call_evaluate(f->p, department(&d, "integer_score"), figures(&g), &out, &e), 0);
  assert_true(out.score == 100);
  assert_int_equal(out.passed, 0);
  assert_int_equal(out.nreasons, 0);
  assert_int_equal(mi_policy_call_evaluate(f->p, department(&d, "reasons_20"), figures(&g), &out, &e), 0);
  assert_int_equal(out.nreasons, 20);
  assert_string_equal(out.reasons[19], "reason 20");
  assert_int_equal(mi_policy_call_evaluate(f->p, department(&d, "not_assessed"), figures(&g), &out, &e), 0);
  assert_int_equal(out.assessed, 0);
  assert_int_equal(out.passed, 0);
}

static void test_evaluate_nonsense(void **state) {
  fixture *f = *state;
  static const struct {
    const char *id, *part;
  } cases[] = {
      {"score_nan", "as the score; it must be a finite number from 0 to 100"},
      {"score_inf", "a number (inf) as the score"},
      {"score_negative", "a number (-0.5) as the score"},
      {"score_101", "a number (100.5) as the score"},
      {"score_string", "a string as the score"},
      {"grade_long", "the grade of 9 bytes"},
      {"grade_empty", "the grade of 0 bytes"},
      {"passed_missing", "nil as passed; it must be true or false"},
      {"passed_number", "a number (1) as passed"},
      {"reasons_text", "a string as the reasons"},
      {"reasons_21", "the reasons of 21 items; at most 20"},
      {"reason_table", "a table as reasons[1]"},
      {"extra", "unknown field 'bonus'"},
      {"assessed_text", "a string as assessed; it must be true, false or absent"},
      {"assessed_passed", "passed = true with assessed = false"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    views d, g;
    mi_evaluate_decision out;
    mi_err e;
    memset(&out, 0x5a, sizeof out);
    int rc = mi_policy_call_evaluate(f->p, department(&d, cases[i].id), figures(&g), &out, &e);
    expect_refused(rc, &e, cases[i].part, "(department ");
    assert_true(all_zero(&out, sizeof out));
  }
}

/* ---- evaluate_staff ------------------------------------------------------- */

static const mi_view *staff(views *t, const char *code) {
  t->f[0] = (mi_view_field){.name = "code", .type = MI_VIEW_STR, .s = code};
  t->v = (mi_view){.kind = "staff", .id = code, .fields = t->f, .nfields = 1};
  return &t->v;
}

static void test_evaluate_staff(void **state) {
  fixture *f = *state;
  views s, g;
  mi_staff_decision out;
  mi_err e;
  if (mi_policy_call_evaluate_staff(f->p, staff(&s, "good"), figures(&g), &out, &e))
    fail_msg("%s", err_text(&e));
  assert_string_equal(out.rating, "meets");
  assert_int_equal(out.nnotes, 2);
  assert_string_equal(out.notes[1], "on time");
  assert_true(out.line > 0);
  assert_int_equal(mi_policy_call_evaluate_staff(f->p, staff(&s, "no_notes"), figures(&g), &out, &e), 0);
  assert_int_equal(out.nnotes, 0);
  static const struct {
    const char *id, *part;
  } cases[] = {
      {"rating_number", "a number (3) as the rating; it must be a string"},
      {"rating_long", "the rating of 17 bytes"},
      {"rating_control", "the rating with a control character"},
      {"notes_text", "a string as the notes; return a list"},
      {"notes_21", "the notes of 21 items; at most 20"},
      {"note_long", "notes[1] of 501 bytes"},
      {"extra", "unknown field 'bonus'"},
      {"nothing", "nil as the rating"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    memset(&out, 0x5a, sizeof out);
    int rc = mi_policy_call_evaluate_staff(f->p, staff(&s, cases[i].id), figures(&g), &out, &e);
    expect_refused(rc, &e, cases[i].part, "(staff ");
    assert_true(all_zero(&out, sizeof out));
  }
}

/* ---- care ----------------------------------------------------------------- */

static void test_care_good(void **state) {
  fixture *f = *state;
  views c;
  mi_view_field df[MI_DATE_VIEW_FIELDS];
  mi_view date;
  char text[11];
  mi_care_decision d;
  mi_err e;
  assert_int_equal(mi_date_view_make("2026-07-10", text, df, &date, &e), 0);
  int rc = mi_policy_call_care(f->p, customer(&c, "good"), &date, &d, &e);
  if (rc) fail_msg("%s", err_text(&e));
  assert_int_equal(d.nitems, 2);
  assert_string_equal(d.items[0].kind, "birthday");
  assert_string_equal(d.items[0].channel, "sms");
  assert_string_equal(d.items[0].template_, "birthday_2026");
  assert_string_equal(d.items[1].channel, "visit");
  assert_int_equal(mi_policy_call_care(f->p, customer(&c, "empty"), &date, &d, &e), 0);
  assert_int_equal(d.nitems, 0);
  assert_int_equal(mi_policy_call_care(f->p, customer(&c, "twenty"), &date, &d, &e), 0);
  assert_int_equal(d.nitems, 20);
}

static void test_care_nonsense(void **state) {
  fixture *f = *state;
  static const struct {
    const char *id, *part;
  } cases[] = {
      {"twenty_one", "the list of care events of 21 items; at most 20"},
      {"fax", "channel 'fax' for care event 1; use one of email, sms, phone, visit"},
      {"no_channel", "the channel of care event 1 that is not a channel"},
      {"empty_kind", "the kind of care event 1 of 0 bytes"},
      {"long_template", "the template of care event 1 of 129 bytes"},
      {"item_text", "a string as care event 1"},
      {"item_extra", "care event 1 with an unknown field 'when'"},
      {"map", "that is not a list"},
      {"nothing", "nil as the list of care events"},
  };
  mi_view_field df[MI_DATE_VIEW_FIELDS];
  mi_view date;
  char text[11];
  assert_int_equal(mi_date_view_make("2026-07-10", text, df, &date, NULL), 0);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    views c;
    mi_care_decision d;
    mi_err e;
    memset(&d, 0x5a, sizeof d);
    int rc = mi_policy_call_care(f->p, customer(&c, cases[i].id), &date, &d, &e);
    expect_refused(rc, &e, cases[i].part, "(customer ");
    assert_true(all_zero(&d, sizeof d));
  }
}

/* ---- code -------------------------------------------------------------------- */

static const mi_view *text_view(views *t, const char *text) {
  t->f[0] = (mi_view_field){.name = "text", .type = MI_VIEW_STR, .s = text};
  t->f[1] = (mi_view_field){.name = "source", .type = MI_VIEW_STR, .s = "survey"};
  t->v = (mi_view){.kind = "text", .id = text, .fields = t->f, .nfields = 2};
  return &t->v;
}

static void test_code(void **state) {
  fixture *f = *state;
  views t;
  mi_code_decision d;
  mi_err e;
  int rc = mi_policy_call_code(f->p, text_view(&t, "good"), &d, &e);
  if (rc) fail_msg("%s", err_text(&e));
  assert_int_equal(d.ncodes, 2);
  assert_string_equal(d.codes[1], "price");
  assert_int_equal(mi_policy_call_code(f->p, text_view(&t, "none"), &d, &e), 0);
  assert_int_equal(d.ncodes, 0);
  static const struct {
    const char *id, *part;
  } cases[] = {
      {"eleven", "of 11 items; at most 10"},
      {"twice", "category 'price' twice"},
      {"not_code", "a category is a code"},
      {"number", "category 1"},
      {"map", "that is not a list"},
      {"nothing", "nil as the list of categories"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    memset(&d, 0x5a, sizeof d);
    rc = mi_policy_call_code(f->p, text_view(&t, cases[i].id), &d, &e);
    expect_refused(rc, &e, cases[i].part, "(text ");
    assert_true(all_zero(&d, sizeof d));
  }
  assert_int_equal(mi_policy_call_code(f->p, NULL, &d, &e), MI_EINVAL);
}

/* ---- eligible ------------------------------------------------------------------ */

/* A frame customer with an email address only; channel email unless
 * consented is 0. */
static const mi_view *frame_customer(views *t, const char *id, int consented) {
  t->f[0] = (mi_view_field){.name = "external_id", .type = MI_VIEW_STR, .s = id};
  t->f[1] = (mi_view_field){.name = "has_email", .type = MI_VIEW_BOOL, .i = 1};
  t->f[2] = (mi_view_field){.name = "has_phone", .type = MI_VIEW_BOOL, .i = 1};
  t->f[3] = consented ? (mi_view_field){.name = "channel", .type = MI_VIEW_STR, .s = "email"}
                      : (mi_view_field){.name = "channel", .type = MI_VIEW_NIL};
  t->v = (mi_view){.kind = "customer", .id = id, .fields = t->f, .nfields = 4};
  if (!strcmp(id, "no_address")) t->f[1].i = 0;
  return &t->v;
}

/* ---- alert ------------------------------------------------------------------ */

typedef struct alert_views {
  mi_view_field af[3], rf[2], cf[1];
  mi_view answers, response, customer;
} alert_views;

static const mi_view *response_view(alert_views *a, const char *id) {
  a->af[0] = (mi_view_field){.name = "q1", .type = MI_VIEW_INT, .i = 2};
  a->af[1] = (mi_view_field){.name = "q2", .type = MI_VIEW_STR, .s = "我要投诉"};
  a->af[2] = (mi_view_field){.name = "q3", .type = MI_VIEW_NIL};
  a->answers = (mi_view){.kind = "answers", .id = id, .fields = a->af, .nfields = 3};
  a->rf[0] = (mi_view_field){.name = "external_id", .type = MI_VIEW_STR, .s = id};
  a->rf[1] = (mi_view_field){.name = "answers", .type = MI_VIEW_RECORD, .list = &a->answers, .nlist = 1};
  a->response = (mi_view){.kind = "response", .id = id, .fields = a->rf, .nfields = 2};
  a->cf[0] = (mi_view_field){.name = "external_id", .type = MI_VIEW_STR, .s = "C9"};
  a->customer = (mi_view){.kind = "customer", .id = "C9", .fields = a->cf, .nfields = 1};
  return &a->response;
}

static void test_alert(void **state) {
  fixture *f = *state;
  alert_views a;
  views t;
  mi_alert_decision d;
  mi_err e;
  assert_int_equal(mi_policy_call_alert(NULL, response_view(&a, "good"), &a.customer, NULL, f->cfg, &d, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_alert(f->p, NULL, &a.customer, NULL, f->cfg, &d, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_alert(f->p, response_view(&a, "good"), NULL, NULL, f->cfg, &d, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_alert(f->p, response_view(&a, "good"), &a.customer, NULL, NULL, &d, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_alert(f->p, response_view(&a, "good"), &a.customer, NULL, f->cfg, NULL, &e), MI_EINVAL);
  int rc = mi_policy_call_alert(f->p, response_view(&a, "good"), &a.customer, NULL, f->cfg, &d, &e);
  if (rc) fail_msg("%s", err_text(&e));
  assert_true(d.open);
  assert_string_equal(d.department, "technical");
  assert_string_equal(d.kind, "complaint");
  assert_int_equal(d.priority, 1);
  assert_string_equal(d.category, "general"); /* the defaults */
  assert_string_equal(d.severity, "medium");
  assert_int_equal(mi_policy_call_alert(f->p, response_view(&a, "full"), &a.customer, NULL, f->cfg, &d, &e), 0);
  assert_string_equal(d.category, "technical");
  assert_string_equal(d.severity, "high");
  assert_int_equal(d.priority, 4);
  assert_int_equal(mi_policy_call_alert(f->p, response_view(&a, "none"), &a.customer, NULL, f->cfg, &d, &e), 0);
  assert_false(d.open);
  /* the views: answers by code (a number, a text, nil), the customer, no ticket = nil */
  assert_int_equal(mi_policy_call_alert(f->p, response_view(&a, "seen"), &a.customer, NULL, f->cfg, &d, &e), 0);
  assert_string_equal(d.reason, "2 我要投诉 nil C9 nil");
  assert_int_equal(mi_policy_call_alert(f->p, response_view(&a, "seen"), &a.customer, ticket(&t, "T1"), f->cfg, &d, &e), 0);
  assert_non_null(strstr(d.reason, "C9 table"));
  /* pairs over a view gives its fields in order, a nil one too; # is 0 */
  rc = mi_policy_call_alert(f->p, response_view(&a, "fields"), &a.customer, NULL, f->cfg, &d, &e);
  if (rc) fail_msg("%s", err_text(&e));
  assert_string_equal(d.reason, "q1=2 q2=我要投诉 q3=nil #0");
  /* The views are read in place for each call, their answers record too:
   * the next call sees its own answers, and a record of other questions has
   * none of the last one's fields. */
  response_view(&a, "seen");
  a.af[0].i = 5;
  a.af[1] = (mi_view_field){.name = "q2", .type = MI_VIEW_NIL};
  a.af[2] = (mi_view_field){.name = "q3", .type = MI_VIEW_NUM, .d = 3.5};
  assert_int_equal(mi_policy_call_alert(f->p, &a.response, &a.customer, NULL, f->cfg, &d, &e), 0);
  assert_string_equal(d.reason, "5 nil 3.5 C9 nil");
  response_view(&a, "seen");
  a.af[0].name = "q9";
  assert_int_equal(mi_policy_call_alert(f->p, &a.response, &a.customer, NULL, f->cfg, &d, &e), MI_EPOLICY);
  if (!strstr(err_text(&e), "answers view has no field 'q1'")) fail_msg("%s", err_text(&e));
  assert_int_equal(mi_policy_call_alert(f->p, response_view(&a, "seen"), &a.customer, NULL, f->cfg, &d, &e), 0);
  assert_string_equal(d.reason, "2 我要投诉 nil C9 nil");
  static const struct {
    const char *id, *part;
  } cases[] = {
      {"unknown_department", "department 'sales', which is not a department of the configuration"},
      {"unknown_kind", "kind: unknown ticket kind 'callbak'"},
      {"unknown_category", "category: unknown category 'x'"},
      {"bad_severity", "severity 'urgent'; use one of low, medium, high, critical"},
      {"priority_9", "a number (9) as the priority"},
      {"no_reason", "nil as the reason"},
      {"misspelt", "unknown field 'severty' (did you mean 'severity'?)"},
      {"not_table", "returned a string as the decision"},
      {"unknown_answer", "has no field 'q99'"},
      {"write_view", "read-only"},
      {"boom", "boom"},
      {"loop", "instruction budget exhausted"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    memset(&d, 0x5a, sizeof d);
    rc = mi_policy_call_alert(f->p, response_view(&a, cases[i].id), &a.customer, NULL, f->cfg, &d, &e);
    expect_refused(rc, &e, cases[i].part, "(response ");
    assert_non_null(strstr(e.msg, cases[i].id));
    assert_true(all_zero(&d, sizeof d));
    assert_int_equal(mi_policy_call_alert(f->p, response_view(&a, "good"), &a.customer, NULL, f->cfg, &d, &e), 0);
  }
}

static void test_eligible(void **state) {
  fixture *f = *state;
  views c;
  mi_eligible_decision d;
  mi_err e;
  int rc = mi_policy_call_eligible(f->p, frame_customer(&c, "yes", 1), &d, &e);
  if (rc) fail_msg("%s", err_text(&e));
  assert_true(d.eligible);
  assert_string_equal(d.channel, "email");
  assert_int_equal(mi_policy_call_eligible(f->p, frame_customer(&c, "no", 1), &d, &e), 0);
  assert_false(d.eligible);
  assert_string_equal(d.reason, "not eligible");
  assert_int_equal(mi_policy_call_eligible(f->p, frame_customer(&c, "why", 1), &d, &e), 0);
  assert_string_equal(d.reason, "too_recent");
  assert_int_equal(mi_policy_call_eligible(f->p, frame_customer(&c, "sms", 0), &d, &e), 0);
  assert_true(d.eligible);
  assert_string_equal(d.channel, "sms");
  static const struct {
    const char *id, *part;
    int consented;
  } cases[] = {
      {"yes", "without a consented channel", 0},
      {"text", "returned a string; return true, false", 1},
      {"nothing", "returned nil; return true, false", 1},
      {"no_flag", "nil as eligible; it must be true or false", 1},
      {"flag_text", "a string as eligible", 1},
      {"fax", "channel 'fax'; use email, sms or phone", 1},
      {"no_address", "channel 'email' for a customer without an email address", 1},
      {"no_with_channel", "a channel with eligible = false", 1},
      {"long_reason", "the reason of 65 bytes", 1},
      {"extra", "unknown field 'chanel' (did you mean 'channel'?)", 1},
      {"loop", "instruction budget exhausted", 1},
      {"boom", "boom", 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    memset(&d, 0x5a, sizeof d);
    rc = mi_policy_call_eligible(f->p, frame_customer(&c, cases[i].id, cases[i].consented), &d, &e);
    expect_refused(rc, &e, cases[i].part, "(customer ");
    assert_true(all_zero(&d, sizeof d));
  }
  assert_int_equal(mi_policy_call_eligible(f->p, NULL, &d, &e), MI_EINVAL);
}

/* ---- the date view ---------------------------------------------------------- */

static int64_t field(const mi_view *v, const char *name) {
  for (size_t i = 0; i < v->nfields; i++)
    if (!strcmp(v->fields[i].name, name)) return v->fields[i].i;
  fail_msg("no field %s", name);
  return -1;
}

static void test_date_view(void **state) {
  (void)state;
  mi_view_field df[MI_DATE_VIEW_FIELDS];
  mi_view v;
  char text[11];
  mi_err e;
  assert_int_equal(mi_date_view_make("2026-04-10", text, df, &v, &e), 0);
  assert_string_equal(v.id, "2026-04-10");
  assert_int_equal(field(&v, "weekday"), 5); /* a Friday */
  assert_int_equal(field(&v, "quarter"), 2);
  assert_int_equal(field(&v, "day_of_quarter"), 10);
  assert_int_equal(field(&v, "day_of_year"), 100);
  assert_int_equal(mi_date_view_make("2024-12-31", text, df, &v, &e), 0);
  assert_int_equal(field(&v, "day_of_year"), 366);
  assert_int_equal(field(&v, "day_of_quarter"), 92);
  assert_int_equal(field(&v, "weekday"), 2); /* a Tuesday */
  assert_int_equal(mi_date_view_make("1969-12-29", text, df, &v, &e), 0);
  assert_int_equal(field(&v, "weekday"), 1); /* before the epoch: a Monday */
  assert_int_not_equal(mi_date_view_make("2026-02-29", text, df, &v, &e), 0);
  assert_int_not_equal(mi_date_view_make(NULL, text, df, &v, &e), 0);
}

/* ---- policy test files -------------------------------------------------------- */

static void test_value_load(void **state) {
  (void)state;
  mi_config_value v;
  mi_err e;
  char path[] = "/tmp/mi_value_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fputs("- {a: 1, b: [x, 2.5], c: null}\n- yes\n", f);
  fclose(f);
  assert_int_equal(mi_config_value_load(path, &v, &e), MI_ECONFIG); /* yes is ambiguous */
  assert_int_equal(e.line, 2);
  f = fopen(path, "w");
  fputs("- {a: 1, b: [x, 2.5], c: null}\n- \"yes\"\n", f);
  fclose(f);
  assert_int_equal(mi_config_value_load(path, &v, &e), 0);
  assert_int_equal(v.kind, MI_CONFIG_LIST);
  assert_int_equal(v.count, 2);
  assert_int_equal(mi_config_value_get(&v.items[0], "a")->i, 1);
  assert_int_equal(mi_config_value_get(&v.items[0], "c")->kind, MI_CONFIG_NULL);
  assert_string_equal(v.items[1].s, "yes");
  mi_config_value_free(&v);
  f = fopen(path, "w");
  fputs("a: 1\na: 2\n", f);
  fclose(f);
  assert_int_equal(mi_config_value_load(path, &v, &e), MI_ECONFIG);
  assert_non_null(strstr(e.msg, "duplicate key 'a'"));
  unlink(path);
  assert_int_equal(mi_config_value_load("/nonexistent/x.yaml", &v, &e), MI_EIO);
  assert_int_equal(mi_config_value_load(NULL, &v, &e), MI_EINVAL);
}

typedef struct seen {
  int n;
  char names[32][128];
  char details[32][2048];
} seen;

static void record(const mi_policy_case_result *r, void *ud) {
  seen *s = ud;
  if (s->n >= 32 || r->passed) return;
  snprintf(s->names[s->n], sizeof s->names[0], "%s", r->name);
  snprintf(s->details[s->n], sizeof s->details[0], "%s", r->detail);
  s->n++;
}

static void test_shipped_cases(void **state) {
  (void)state;
  mi_config *cfg = NULL;
  mi_err e;
  if (mi_config_load(EXAMPLE, &cfg, &e)) fail_msg("%s", err_text(&e));
  char path[4096];
  assert_int_equal(mi_policy_test_default_path(cfg, path, sizeof path, &e), 0);
  assert_non_null(strstr(path, "policies/tests"));
  mi_policy_test_summary sum;
  seen s = {0};
  assert_int_equal(mi_policy_test_run(cfg, path, record, &s, &sum, &e), 0);
  if (sum.failed) fail_msg("%d failed, first: %s: %s", sum.failed, s.names[0], s.details[0]);
  assert_true(sum.passed >= 40);
  assert_int_equal(sum.files, 7); /* the yaml files of policies/tests, alert.yaml included */
  assert_int_equal(mi_policy_test_run(cfg, "/nonexistent", NULL, NULL, &sum, &e), MI_EIO);
  assert_int_equal(mi_policy_test_run(NULL, path, NULL, NULL, &sum, &e), MI_EINVAL);
  mi_config_free(cfg);
}

static void test_broken_cases(void **state) {
  (void)state;
  mi_config *cfg = NULL;
  mi_err e;
  if (mi_config_load(EXAMPLE, &cfg, &e)) fail_msg("%s", err_text(&e));
  char path[] = "/tmp/mi_cases_XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  fputs("- name: wrong tier\n"
        "  hook: tier\n"
        "  customer: {orders_total: 0, orders_12m: 0, spend_12m: 0, refunded_orders: 0, "
        "cancelled_orders: 0}\n"
        "  expect: {tier: A}\n"
        "- name: typo\n"
        "  hook: route\n"
        "  ticket: {categroy: general}\n"
        "  expect: {department: support}\n"
        "- name: right\n"
        "  hook: escalate\n"
        "  ticket: {kind: inquiry, customer_tier: B, escalation_level: 0}\n"
        "  clock: {target: resolution, used: 0.1}\n"
        "  expect: {escalate: false}\n"
        "- name: not run\n"
        "  hook: points\n"
        "  expect: {points: 1}\n"
        "- name: unknown\n"
        "  hook: rout\n"
        "  expect: {department: support}\n"
        "- name: list typo\n"
        "  hook: route\n"
        "  ticket: {kind: inquiry, agents: [{code: a1, load: 2}]}\n"
        "  expect: {department: support}\n",
        f);
  fclose(f);
  mi_policy_test_summary sum;
  seen s = {0};
  assert_int_equal(mi_policy_test_run(cfg, path, record, &s, &sum, &e), 0);
  unlink(path);
  assert_int_equal(sum.passed, 1);
  assert_int_equal(sum.failed, 5);
  assert_string_equal(s.names[0], "wrong tier");
  assert_non_null(strstr(s.details[0], "expected tier 'A', got 'P'"));
  assert_string_equal(s.names[1], "typo");
  assert_non_null(strstr(s.details[1], "no field 'categroy' (did you mean 'category'?)"));
  assert_non_null(strstr(s.details[2], ":15:9: policy test does not run the points hook yet; it runs tier, route, escalate,"));
  assert_non_null(strstr(s.details[3], ":18:9: unknown hook 'rout' (did you mean 'route'?); policy test runs tier, route,"));
  assert_non_null(strstr(s.details[4], "an agent has no field 'load' (code, name, department, skills, open_load, on_duty)"));
  mi_config_free(cfg);
}

/* Issue 18: the registry (config/hooks.c) and the hooks' code
 * (policy/hook_<name>.c, listed by the build) are the same hooks, once
 * each; a hook that policy test runs has its expect keys, call and compare. */
static void test_registry_has_code(void **state) {
  (void)state;
  size_t n = 0;
  for (; mi_policy_hooks[n]; n++) {
    const mi_policy_hook *h = mi_policy_hooks[n];
    if (!mi_hook_find(h->name)) fail_msg("core/policy/hook_%s.c: '%s' is not in config/hooks.c", h->name, h->name);
    assert_ptr_equal(mi_policy_hook_find(h->name), h); /* once */
    if (h->expect) {
      assert_non_null(h->expect[0]);
      assert_non_null(h->call);
      assert_non_null(h->compare);
      assert_true(h->size > 0);
    } else {
      assert_null(h->call);
      assert_null(h->compare);
    }
  }
  for (size_t i = 0; i < mi_nhooks; i++)
    if (!mi_policy_hook_find(mi_hooks[i].name))
      fail_msg("hook '%s' of config/hooks.c has no core/policy/hook_%s.c", mi_hooks[i].name, mi_hooks[i].name);
  assert_int_equal(n, mi_nhooks);
  assert_null(mi_policy_hook_find("nosuch"));
  assert_null(mi_policy_hook_find(NULL));
}

/* ---- every hook stops a hostile call ------------------------------------------ */

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Issue 16: a loop, a loop in an xpcall whose message handler loops
 * (after a budget hit and after an ordinary error), and a coroutine killed
 * by the budget whose __close handler loops, stop in every hook
 * within 2 x the time budget (200 ms; slack for a loaded machine), fail
 * closed and leave the policy working. */
static void test_hostile_every_hook(void **state) {
  fixture *f = *state;
  static const char *const ids[] = {"forever", "xpcall_forever", "xpcall_error", "close_wrap",
                                    "close_resume"};
  mi_view_field df[MI_DATE_VIEW_FIELDS];
  mi_view date;
  char text[11];
  assert_int_equal(mi_date_view_make("2026-07-10", text, df, &date, NULL), 0);
  for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
    for (int hook = 0; hook < 7; hook++) {
      views a, b;
      mi_err e = {0};
      union {
        mi_route_decision r;
        mi_escalate_decision x;
        mi_evaluate_decision v;
        mi_staff_decision sd;
        mi_care_decision c;
        mi_code_decision k;
        mi_eligible_decision g;
      } d;
      int64_t t0 = mono_ms();
      int rc = hook == 0 ? mi_policy_call_route(f->p, ticket(&a, ids[i]), f->cfg, &d.r, &e)
             : hook == 1 ? mi_policy_call_escalate(f->p, ticket(&a, ids[i]), clock_view(&b), &d.x, &e)
             : hook == 2 ? mi_policy_call_evaluate(f->p, department(&a, ids[i]), figures(&b), &d.v, &e)
             : hook == 3 ? mi_policy_call_evaluate_staff(f->p, staff(&a, ids[i]), figures(&b), &d.sd, &e)
             : hook == 4 ? mi_policy_call_care(f->p, customer(&a, ids[i]), &date, &d.c, &e)
             : hook == 5 ? mi_policy_call_code(f->p, text_view(&a, ids[i]), &d.k, &e)
                         : mi_policy_call_eligible(f->p, frame_customer(&a, ids[i], 1), &d.g, &e);
      int64_t took = mono_ms() - t0;
      if (rc != MI_EPOLICY || !strstr(e.msg, "budget exhausted") || e.line <= 0)
        fail_msg("hook %d, %s: want a budget hit at a line, got %d: %s:%d: %s", hook, ids[i], rc,
                 e.file, e.line, e.msg);
      if (took > 2 * 200 + 1000) fail_msg("hook %d, %s: the call took %lld ms", hook, ids[i], (long long)took);
      mi_route_decision r;
      assert_int_equal(mi_policy_call_route(f->p, ticket(&a, "good"), f->cfg, &r, &e), 0);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_null_arguments, setup, teardown),
      cmocka_unit_test_setup_teardown(test_route_good, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hostile_every_hook, setup, teardown),
      cmocka_unit_test_setup_teardown(test_route_nonsense, setup, teardown),
      cmocka_unit_test_setup_teardown(test_escalate_good, setup, teardown),
      cmocka_unit_test_setup_teardown(test_escalate_nonsense, setup, teardown),
      cmocka_unit_test_setup_teardown(test_evaluate_good, setup, teardown),
      cmocka_unit_test_setup_teardown(test_evaluate_nonsense, setup, teardown),
      cmocka_unit_test_setup_teardown(test_evaluate_staff, setup, teardown),
      cmocka_unit_test_setup_teardown(test_care_good, setup, teardown),
      cmocka_unit_test_setup_teardown(test_care_nonsense, setup, teardown),
      cmocka_unit_test_setup_teardown(test_code, setup, teardown),
      cmocka_unit_test_setup_teardown(test_eligible, setup, teardown),
      cmocka_unit_test_setup_teardown(test_alert, setup, teardown),
      cmocka_unit_test(test_date_view),
      cmocka_unit_test(test_value_load),
      cmocka_unit_test(test_registry_has_code),
      cmocka_unit_test(test_shipped_cases),
      cmocka_unit_test(test_broken_cases),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
