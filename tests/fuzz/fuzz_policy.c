/* Fuzz target: the checks of what policy hooks return (core/policy). The
 * input is decoded into Lua source for a policy whose hook returns one or
 * two arbitrary values: nil, booleans, integers (also the extremes), floats
 * (also NaN and infinities), strings of any bytes, lists, records with the
 * field names the hooks expect, tables whose metatable raises or lies, and
 * long strings. The real loader runs it in the sandbox and the real hook
 * call checks the result; a result must either be accepted and then hold
 * what the contract says, or be refused as MI_EPOLICY with a message.
 * First byte: the hook, modulo 7 (tier, route, escalate, evaluate, care,
 * points, eligible); at 0xF0 and above the rest is used as the hook's body as
 * it is (raw Lua), the hook being (byte - 0xF0) modulo 7. The eligible hook
 * is called with a customer who has an email address only and consented to
 * email, then with one who has no address and no consented channel.
 * FUZZ_SHOW=1 in the environment prints each generated policy and verdict. */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "fuzz.h"
#include "policy/policy.h"

typedef struct src {
  char *buf;
  size_t len, cap;
  const uint8_t *in;
  size_t left;
} src;

__attribute__((format(printf, 2, 3))) static void emit(src *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (s->len + (size_t)n + 1 > s->cap) {
    s->cap = (s->len + (size_t)n + 1) * 2;
    s->buf = realloc(s->buf, s->cap);
    if (!s->buf) abort();
  }
  va_start(ap, fmt);
  vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  s->len += (size_t)n;
}

static unsigned take(src *s) {
  if (!s->left) return 0;
  s->left--;
  return *s->in++;
}

static uint64_t take64(src *s) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | take(s);
  return v;
}

/* Field names and values the hooks look for, so records get near to valid. */
static const char *const words[] = {
    "tier",   "reason",   "department", "priority",     "level",       "notify",   "score",
    "grade",  "passed",   "reasons",    "kind",         "channel",     "template", "points",
    "expires", "A",       "B",          "C",            "support",     "quality",  "sms",
    "email",  "never",    "after 30d",  "end_of_month", "end_of_year", "2027-01-31", "team_lead",
    "ok",     "",         "after 0d",   "2026-11-19",   "after 36500d", "eligible", "phone",
    "no_consent"};
#define NWORDS (sizeof words / sizeof words[0])

static void value(src *s, int depth);

static void string_lit(src *s, size_t n) {
  emit(s, "\"");
  for (size_t i = 0; i < n; i++) emit(s, "\\%u", take(s));
  emit(s, "\"");
}

static void table(src *s, int depth, int map) {
  unsigned n = take(s) % 7;
  emit(s, "{");
  for (unsigned i = 0; i < n; i++) {
    if (map) {
      emit(s, "[\"%s\"]=", words[take(s) % NWORDS]);
    }
    value(s, depth + 1);
    emit(s, ",");
  }
  emit(s, "}");
}

static void value(src *s, int depth) {
  unsigned op = take(s) % (depth > 5 ? 8 : 14);
  switch (op) {
  case 0: emit(s, "nil"); break;
  case 1: emit(s, "true"); break;
  case 2: emit(s, "false"); break;
  case 3: emit(s, "%d", (int)(signed char)take(s)); break;
  case 4: {
    int64_t v = (int64_t)take64(s);
    if (v == INT64_MIN) emit(s, "math.mininteger");
    else emit(s, "%lld", (long long)v);
    break;
  }
  case 5: {
    uint64_t bits = take64(s);
    double d;
    memcpy(&d, &bits, sizeof d);
    if (isnan(d)) emit(s, "(0/0)");
    else if (isinf(d)) emit(s, d > 0 ? "(1/0)" : "(-1/0)");
    else emit(s, "%a", d);
    break;
  }
  case 6: string_lit(s, take(s) % 40); break;
  case 7: emit(s, "\"%s\"", words[take(s) % NWORDS]); break;
  case 8: table(s, depth, 0); break;
  case 9:
  case 10: table(s, depth, 1); break;
  case 11: /* a table whose every read raises */
    emit(s, "setmetatable(");
    table(s, depth, 1);
    emit(s, ", {__index = function() error(\"boom\") end, __len = function() error(\"len\") end})");
    break;
  case 12: /* a table that lies about its length and fields */
    emit(s, "setmetatable(");
    table(s, depth, take(s) & 1);
    emit(s, ", {__len = function() return %d end, __index = function(_, k) return k end})",
         (int)(signed char)take(s));
    break;
  case 13: emit(s, "string.rep(\"x\", %u)", take(s) << 2 | (take(s) & 3)); break;
  }
}

static const char *const hooks[] = {"tier", "route", "escalate", "evaluate", "care", "points",
                                    "eligible"};
#define NHOOKS (int)(sizeof hooks / sizeof hooks[0])

static mi_config *cfg;
static char path[64];

static void cleanup(void) { unlink(path); }

static void setup(void) {
  mi_err e;
  if (mi_config_load(MANYI_SOURCE_DIR "/examples/after-sales/manyi.yaml", &cfg, &e)) {
    fprintf(stderr, "fuzz_policy: %s\n", e.msg);
    abort();
  }
  snprintf(path, sizeof path, "/tmp/manyi-fuzz-policy-%ld.lua", (long)getpid());
  atexit(cleanup);
}

/* What an accepted eligible() decision must hold for customer c. */
static void check_eligible(const mi_view *c, const mi_eligible_decision *d) {
  if (!d->eligible) {
    assert(d->reason[0] && strlen(d->reason) <= 64 && !d->channel[0]);
    for (const char *r = d->reason; *r; r++) assert((unsigned char)*r >= 0x20 && *r != 0x7f);
    return;
  }
  int email = !strcmp(d->channel, "email");
  assert(email || !strcmp(d->channel, "sms") || !strcmp(d->channel, "phone"));
  const char *need = email ? "has_email" : "has_phone";
  int has = 0;
  for (size_t i = 0; i < c->nfields; i++)
    if (!strcmp(c->fields[i].name, need)) has = c->fields[i].i != 0;
  assert(has && !d->reason[0]);
}

static void call(mi_policy *p, int hook, int round) {
  static const mi_view_field cf[] = {{"external_id", MI_VIEW_STR, 0, 0, "C1", NULL, 0},
                                     {"orders", MI_VIEW_INT, 3, 0, NULL, NULL, 0},
                                     {"spent", MI_VIEW_NUM, 0, 1234.5, NULL, NULL, 0}};
  static const mi_view_field tf[] = {{"external_id", MI_VIEW_STR, 0, 0, "T1", NULL, 0},
                                     {"kind", MI_VIEW_STR, 0, 0, "complaint", NULL, 0}};
  static const mi_view_field ef[] = {{"type", MI_VIEW_STR, 0, 0, "order", NULL, 0},
                                     {"amount", MI_VIEW_NUM, 0, 99.5, NULL, NULL, 0}};
  static const mi_view_field emailf[] = {{"external_id", MI_VIEW_STR, 0, 0, "C2", NULL, 0},
                                         {"channel", MI_VIEW_STR, 0, 0, "email", NULL, 0},
                                         {"has_email", MI_VIEW_BOOL, 1, 0, NULL, NULL, 0},
                                         {"has_phone", MI_VIEW_BOOL, 0, 0, NULL, NULL, 0}};
  static const mi_view_field nonef[] = {{"external_id", MI_VIEW_STR, 0, 0, "C3", NULL, 0},
                                        {"channel", MI_VIEW_NIL, 0, 0, NULL, NULL, 0},
                                        {"has_email", MI_VIEW_BOOL, 0, 0, NULL, NULL, 0},
                                        {"has_phone", MI_VIEW_BOOL, 0, 0, NULL, NULL, 0}};
  const mi_view cust = {"customer", "C1", cf, 3}, ticket = {"ticket", "T1", tf, 2},
                event = {"event", "O1", ef, 2}, by_email = {"customer", "C2", emailf, 4},
                unreachable = {"customer", "C3", nonef, 4};
  mi_err e;
  int rc = 0;
  switch (hook) {
  case 0: {
    mi_tier_decision d;
    rc = mi_policy_call_tier(p, &cust, cfg, &d, &e);
    if (!rc) assert(mi_config_find_tier(cfg, d.tier) && d.reason[0]);
    break;
  }
  case 1: {
    mi_route_decision d;
    rc = mi_policy_call_route(p, &ticket, cfg, &d, &e);
    if (!rc)
      assert(mi_config_find_department(cfg, d.department) && d.priority >= 1 && d.priority <= 4);
    break;
  }
  case 2: {
    mi_escalate_decision d;
    rc = mi_policy_call_escalate(p, &ticket, &ticket, &d, &e);
    if (!rc && d.escalate)
      assert(d.level >= 1 && d.level <= MI_ESCALATE_MAX_LEVEL &&
             d.nnotify <= MI_ESCALATE_MAX_NOTIFY);
    break;
  }
  case 3: {
    mi_evaluate_decision d;
    rc = mi_policy_call_evaluate(p, &ticket, &ticket, &d, &e);
    if (!rc) assert(isfinite(d.score) && d.score >= 0 && d.score <= 100 && d.grade[0]);
    break;
  }
  case 4: {
    mi_care_decision d;
    rc = mi_policy_call_care(p, &cust, &cust, &d, &e);
    if (!rc) assert(d.nitems <= MI_CARE_MAX_ITEMS);
    break;
  }
  case 5: {
    mi_points_decision d;
    rc = mi_policy_call_points(p, &event, &cust, cfg, INT64_C(1795161600), &d, &e);
    if (!rc && d.has_points)
      assert(d.points >= -cfg->limits.points_max && d.points <= cfg->limits.points_max &&
             d.reason[0]);
    break;
  }
  case 6: {
    mi_eligible_decision d;
    const mi_view *c = round ? &unreachable : &by_email;
    rc = mi_policy_call_eligible(p, c, &d, &e);
    if (!rc) check_eligible(c, &d);
    break;
  }
  }
  if (getenv("FUZZ_SHOW")) fprintf(stderr, "%s() -> %s\n", hooks[hook], rc ? e.msg : "accepted");
  if (rc) assert(rc == MI_EPOLICY && e.msg[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  if (!cfg) setup();
  int raw = data[0] >= 0xF0;
  int hook = (raw ? data[0] - 0xF0 : data[0]) % NHOOKS;
  src s = {.in = data + 1, .left = size - 1};
  if (raw) {
    emit(&s, "local function h(a, b, p)\n%.*s\nend\n", (int)(size - 1), (const char *)data + 1);
  } else {
    emit(&s, "local a = ");
    value(&s, 0);
    emit(&s, "\nlocal b = ");
    value(&s, 0);
    emit(&s, "\nlocal function h() return a, b end\n");
  }
  emit(&s, "return { %s = h }\n", hooks[hook]);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(s.buf, 1, s.len, f) != s.len || fclose(f)) abort();
  if (getenv("FUZZ_SHOW")) fprintf(stderr, "%s", s.buf);
  free(s.buf);
  static const mi_policy_limits limits = {100000, 4 * 1024 * 1024, 100};
  mi_policy *p;
  mi_err e;
  if (mi_policy_load("fuzz", path, NULL, &limits, &p, &e) == 0) {
    call(p, hook, 0);
    call(p, hook, 1); /* a second call sees the state the first left */
    mi_policy_free(p);
  } else if (getenv("FUZZ_SHOW")) {
    fprintf(stderr, "load: %s\n", e.msg);
  }
  return 0;
}
