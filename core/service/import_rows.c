/* One function per importable entity: read the record's fields, check them,
 * resolve references (customer, department, staff, survey) and store. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "service/alerts.h"
#include "service/fields.h"
#include "service/import_rows.h"
#include "service/referrals.h"
#include "store/appointments.h"
#include "store/customers.h"
#include "store/departments.h"
#include "store/interactions.h"
#include "store/staff.h"
#include "store/tiers.h"
#include "store/orders.h"
#include "store/responses.h"
#include "store/survey_waves.h"
#include "store/surveys.h"
#include "store/tickets.h"
#include "util/codelist.h"
#include "util/textset.h"

/* ---- reading fields with positions ----------------------------------- */

/* A code of a configured list (ticket_kinds, categories, channels). */
static int label(mi_import_ctx *ctx, const mi_record *rec, const char *field, mi_config_list list,
                 const char **out, mi_err *e) {
  mi_err fe = {0};
  *out = mi_record_get(rec, field);
  if (mi_field_absent(*out)) return mi_record_error(rec, e, MI_EPARSE, field, "is empty but required");
  if (mi_config_check_label(ctx->cfg, list, *out, &fe))
    return mi_record_error(rec, e, MI_EPARSE, field, "%s", fe.msg);
  return 0;
}

/* Turns a field parser's message into "file:line: field 'x': message". */
static int bad(const mi_record *rec, const char *field, const mi_err *fe, mi_err *e) {
  return mi_record_error(rec, e, MI_EPARSE, field, "%s", fe->msg);
}

static int text(const mi_record *rec, const char *field, int required, size_t max,
                const char **out, mi_err *e) {
  mi_err fe;
  *out = mi_record_get(rec, field);
  if (mi_field_absent(*out)) {
    *out = NULL;
    return required ? mi_record_error(rec, e, MI_EPARSE, field, "is empty but required") : 0;
  }
  return mi_field_text(*out, max, &fe) ? bad(rec, field, &fe, e) : 0;
}

static int choice(const mi_record *rec, const char *field, const char *const *choices,
                  int optional, const char **out, mi_err *e) {
  mi_err fe;
  *out = mi_record_get(rec, field);
  if (mi_field_choice(*out, choices, optional, &fe)) return bad(rec, field, &fe, e);
  if (mi_field_absent(*out)) *out = NULL;
  return 0;
}

static int instant(const mi_record *rec, const char *field, int required, int64_t *out,
                   mi_err *e) {
  mi_err fe;
  const char *v = mi_record_get(rec, field);
  *out = 0;
  if (!required && mi_field_absent(v)) return 0;
  return mi_field_instant(v, out, &fe) ? bad(rec, field, &fe, e) : 0;
}

static int integer(const mi_record *rec, const char *field, int required, int64_t lo,
                   int64_t hi, int64_t *out, int *has, mi_err *e) {
  mi_err fe;
  const char *v = mi_record_get(rec, field);
  *out = 0;
  if (has) *has = !mi_field_absent(v);
  if (!required && mi_field_absent(v)) return 0;
  return mi_field_int(v, lo, hi, out, &fe) ? bad(rec, field, &fe, e) : 0;
}

static int flag(const mi_record *rec, const char *field, int *out, mi_err *e) {
  mi_err fe;
  const char *v = mi_record_get(rec, field);
  *out = 0;
  if (mi_field_absent(v)) return 0; /* no consent unless given */
  return mi_field_bool(v, out, &fe) ? bad(rec, field, &fe, e) : 0;
}

/* The customers found so far, when ctx reads one snapshot (a customer
 * answers about ten times in a survey's file: one look-up each instead of
 * ten); bounded by the customers, not the responses. */
enum { CUSTOMER_CACHE_MAX = 1 << 21 };

static int cached_customer(mi_import_ctx *ctx, const char *key, int64_t **slot) {
  *slot = NULL;
  if (!ctx->cache_customers || ctx->customer_keys.n >= CUSTOMER_CACHE_MAX) return 0;
  size_t no = mi_textset_number(&ctx->customer_keys, key);
  if (no == (size_t)-1) return 0;
  if (no >= ctx->customer_cap) {
    size_t cap = ctx->customer_cap ? 2 * ctx->customer_cap : 1024;
    int64_t *grown = realloc(ctx->customer_ids, cap * sizeof *grown);
    if (!grown) return 0;
    memset(grown + ctx->customer_cap, 0, (cap - ctx->customer_cap) * sizeof *grown);
    ctx->customer_ids = grown, ctx->customer_cap = cap;
  }
  *slot = &ctx->customer_ids[no];
  return **slot != 0;
}

/* A reference to a stored row by its external id; unknown ones are errors. */
static int customer_ref(mi_import_ctx *ctx, const mi_record *rec, const char *field,
                        int64_t *id, mi_err *e) {
  const char *v;
  mi_err fe;
  int64_t *slot;
  if (text(rec, field, 1, 64, &v, e)) return MI_EPARSE;
  if (cached_customer(ctx, v, &slot)) return *id = *slot, 0;
  if (!mi_customer_id(ctx->store, v, id, &fe)) {
    if (slot) *slot = *id;
    return 0;
  }
  if (fe.code == MI_ENOTFOUND)
    return mi_record_error(rec, e, MI_EPARSE, field, "%s (import customers first)", fe.msg);
  return mi_record_error(rec, e, fe.code, field, "%s", fe.msg);
}

/* Store errors (constraints) get the record's position too. */
static int stored(const mi_record *rec, int rc, mi_err *e) {
  if (rc >= 0) return rc;
  mi_err se = *e;
  return mi_record_error(rec, e, rc, NULL, "%s", se.msg);
}

/* ---- customers --------------------------------------------------------- */

static const char *const kinds[] = {"person", "company", "government", NULL};

static int customer_row(mi_import_ctx *ctx, const mi_record *rec, mi_err *e) {
  mi_customer c = {0};
  mi_err fe;
  const char *tier;
  if (text(rec, "external_id", 1, 64, &c.external_id, e) || text(rec, "name", 1, 200, &c.name, e) ||
      choice(rec, "kind", kinds, 0, &c.kind, e) || text(rec, "region", 0, 64, &c.region, e) ||
      text(rec, "industry", 0, 64, &c.industry, e) || text(rec, "phone", 0, 32, &c.phone, e) ||
      text(rec, "email", 0, 254, &c.email, e) || text(rec, "birthday", 0, 10, &c.birthday, e) ||
      flag(rec, "consent_email", &c.consent_email, e) ||
      flag(rec, "consent_sms", &c.consent_sms, e) ||
      flag(rec, "consent_phone", &c.consent_phone, e) ||
      instant(rec, "created_at", 1, &c.created_at, e) || text(rec, "tier", 0, 32, &tier, e) ||
      text(rec, "special_needs", 0, 200, &c.special_needs, e))
    return MI_EPARSE;
  if (c.birthday && mi_field_date(c.birthday, &fe)) return bad(rec, "birthday", &fe, e);
  if (c.phone && mi_field_phone(c.phone, &fe)) return bad(rec, "phone", &fe, e);
  if (tier && !mi_config_find_tier(ctx->cfg, tier))
    return mi_record_error(rec, e, MI_EPARSE, "tier", "'%s' is not a tier of the configuration",
                           tier);
  const char *referrer;
  if (text(rec, "referred_by", 0, 64, &referrer, e)) return MI_EPARSE;
  int rc = stored(rec, mi_customer_put(ctx->store, &c, e), e);
  if (rc < 0) return rc;
  if (tier) {
    int64_t id;
    if (mi_customer_id(ctx->store, c.external_id, &id, e)) return stored(rec, e->code, e);
    int trc = mi_tier_set(ctx->store, id, tier, "imported", NULL, 0, ctx->opt->now, e);
    if (trc < 0) return stored(rec, trc, e);
    if (rc == MI_PUT_UNCHANGED && trc == MI_PUT_UPDATED) rc = MI_PUT_UPDATED;
  }
  /* referred_by names a customer stored before this row (earlier in the
   * file or imported before); an empty cell keeps what is recorded. */
  if (referrer) {
    mi_err re;
    int frc = mi_referral_record(ctx->store, referrer, c.external_id, ctx->opt->now,
                                 ctx->opt->actor, &re);
    if (frc < 0)
      return mi_record_error(rec, e,
                             frc == MI_EINVAL || frc == MI_EEXIST || frc == MI_ENOTFOUND ? MI_EPARSE
                                                                                         : frc,
                             "referred_by", "%s%s", re.msg,
                             frc == MI_ENOTFOUND ? " (the referrer must be imported first: "
                                                   "earlier in the file or before it)" : "");
    if (rc == MI_PUT_UNCHANGED && frc == MI_PUT_INSERTED) rc = MI_PUT_UPDATED;
  }
  return rc;
}

/* ---- orders ------------------------------------------------------------ */

static const char *const order_statuses[] = {"placed",    "paid",     "shipped", "completed",
                                             "cancelled", "refunded", NULL};

static int order_row(mi_import_ctx *ctx, const mi_record *rec, mi_err *e) {
  mi_order o = {0};
  mi_err fe;
  const char *amount;
  if (text(rec, "external_id", 1, 64, &o.external_id, e) ||
      customer_ref(ctx, rec, "customer_id", &o.customer_id, e) ||
      text(rec, "amount", 1, 32, &amount, e) || text(rec, "currency", 1, 3, &o.currency, e) ||
      instant(rec, "ordered_at", 1, &o.ordered_at, e) ||
      choice(rec, "status", order_statuses, 0, &o.status, e))
    return MI_EPARSE;
  if (mi_field_money(amount, &o.amount_minor, &fe)) return bad(rec, "amount", &fe, e);
  return stored(rec, mi_order_put(ctx->store, &o, e), e);
}

/* ---- staff ------------------------------------------------------------- */

static int staff_row(mi_import_ctx *ctx, const mi_record *rec, mi_err *e) {
  mi_staff m = {0};
  const char *dept;
  mi_err fe;
  if (text(rec, "external_id", 1, 64, &m.external_id, e) || text(rec, "name", 1, 200, &m.name, e) ||
      text(rec, "department", 0, 64, &dept, e) || text(rec, "os_user", 0, 64, &m.os_user, e))
    return MI_EPARSE;
  m.active = 1;
  if (!mi_field_absent(mi_record_get(rec, "active")) && flag(rec, "active", &m.active, e))
    return MI_EPARSE;
  if (dept && !mi_config_find_department(ctx->cfg, dept))
    return mi_record_error(rec, e, MI_EPARSE, "department",
                           "'%s' is not a department of the configuration", dept);
  if (dept && mi_department_id(ctx->store, dept, &m.department_id, e))
    return stored(rec, e->code, e);
  int rc = mi_staff_put(ctx->store, &m, e);
  /* skills (optional column, codes separated by ';'): replaces the member's
   * set; an empty cell (no value) keeps it, a quoted empty "" clears it. */
  const char *skills = mi_record_get(rec, "skills");
  if (rc > 0 && skills) {
    int64_t id;
    int changed;
    if (mi_staff_id(ctx->store, m.external_id, &id, &fe)) {
      *e = fe;
      return stored(rec, fe.code, e);
    }
    if (mi_staff_skills_set(ctx->store, id, skills, &changed, &fe))
      return mi_record_error(rec, e, fe.code == MI_EINVAL ? MI_EPARSE : fe.code, "skills", "%s",
                             fe.msg);
    if (changed && rc == MI_PUT_UNCHANGED) rc = MI_PUT_UPDATED;
  }
  return stored(rec, rc, e);
}

/* ---- interactions ------------------------------------------------------ */

static const char *const directions[] = {"inbound", "outbound", NULL};

/* The staff member named in field (empty: *id = 0). */
static int staff_ref(mi_import_ctx *ctx, const mi_record *rec, const char *field, int64_t *id,
                     mi_err *e) {
  const char *staff;
  mi_err fe;
  *id = 0;
  if (text(rec, field, 0, 64, &staff, e)) return MI_EPARSE;
  if (staff && mi_staff_id(ctx->store, staff, id, &fe))
    return mi_record_error(rec, e, fe.code == MI_ENOTFOUND ? MI_EPARSE : fe.code, field, "%s%s",
                           fe.msg, fe.code == MI_ENOTFOUND ? " (import staff first)" : "");
  return 0;
}

static int interaction_row(mi_import_ctx *ctx, const mi_record *rec, mi_err *e) {
  mi_interaction it = {0};
  if (text(rec, "external_id", 1, 64, &it.external_id, e) ||
      customer_ref(ctx, rec, "customer_id", &it.customer_id, e) ||
      label(ctx, rec, "channel", MI_CONFIG_LIST_CHANNEL, &it.channel, e) ||
      choice(rec, "direction", directions, 0, &it.direction, e) ||
      instant(rec, "occurred_at", 1, &it.occurred_at, e) ||
      text(rec, "summary", 0, 4000, &it.summary, e))
    return MI_EPARSE;
  int rc = staff_ref(ctx, rec, "staff_id", &it.staff_id, e);
  if (rc) return rc;
  return stored(rec, mi_interaction_put(ctx->store, &it, e), e);
}

/* ---- tickets ----------------------------------------------------------- */

static const char *const severities[] = {"low", "medium", "high", "critical", NULL};
static const char *const ticket_statuses[] = {"new", "open", "pending", "resolved", "closed",
                                              NULL};

static int ticket_row(mi_import_ctx *ctx, const mi_record *rec, mi_err *e) {
  mi_ticket t = {0};
  const char *dept;
  int64_t priority;
  if (text(rec, "external_id", 1, 64, &t.external_id, e) ||
      customer_ref(ctx, rec, "customer_id", &t.customer_id, e) ||
      label(ctx, rec, "kind", MI_CONFIG_LIST_KIND, &t.kind, e) ||
      label(ctx, rec, "category", MI_CONFIG_LIST_CATEGORY, &t.category, e) ||
      choice(rec, "severity", severities, 0, &t.severity, e) ||
      label(ctx, rec, "channel", MI_CONFIG_LIST_CHANNEL, &t.channel, e) ||
      integer(rec, "priority", 1, 1, 4, &priority, NULL, e) ||
      text(rec, "department", 1, 64, &dept, e) ||
      choice(rec, "status", ticket_statuses, 0, &t.status, e) ||
      instant(rec, "opened_at", 1, &t.opened_at, e) ||
      instant(rec, "first_response_at", 0, &t.first_response_at, e) ||
      instant(rec, "resolved_at", 0, &t.resolved_at, e) ||
      text(rec, "subject", 1, 1000, &t.subject, e))
    return MI_EPARSE;
  int rc = staff_ref(ctx, rec, "assignee", &t.assignee_id, e);
  if (rc) return rc;
  t.priority = (int)priority;
  if (!mi_config_find_department(ctx->cfg, dept))
    return mi_record_error(rec, e, MI_EPARSE, "department",
                           "'%s' is not a department of the configuration", dept);
  if (mi_department_id(ctx->store, dept, &t.department_id, e)) return stored(rec, e->code, e);
  if (t.first_response_at && t.first_response_at < t.opened_at)
    return mi_record_error(rec, e, MI_EPARSE, "first_response_at", "is before opened_at");
  if (t.resolved_at && t.resolved_at < t.opened_at)
    return mi_record_error(rec, e, MI_EPARSE, "resolved_at", "is before opened_at");
  int done = !strcmp(t.status, "resolved") || !strcmp(t.status, "closed");
  if (done != (t.resolved_at != 0))
    return mi_record_error(rec, e, MI_EPARSE, "resolved_at",
                           done ? "is empty but the ticket is %s"
                                : "is set but the ticket is still %s",
                           t.status);
  return stored(rec, mi_ticket_put(ctx->store, &t, ctx->opt->actor, e), e);
}

/* ---- responses --------------------------------------------------------- */

/* A survey version with its questions, found once per import. */
typedef struct mi_import_survey {
  char code[65];
  int64_t id;
  mi_question *questions;
  int nquestions;
  int columns_ok; /* the file's columns were checked against the questions */
  int older;      /* an earlier version, for the answers to an invitation sent for it */
} mi_import_survey;

static const char *const response_fixed[] = {"external_id",  "survey",     "customer_id",
                                              "submitted_at", "duration_s", "channel",
                                              "invitation",   NULL};

/* The version of survey code that a row is stored under: the latest one,
 * or (version > 0) the one an invitation was sent for. */
static int survey_for(mi_import_ctx *ctx, const mi_record *rec, const char *code, int64_t version,
                      mi_import_survey **out, mi_err *e) {
  for (int i = 0; i < ctx->nsurveys; i++)
    if (!strcmp(ctx->surveys[i].code, code) &&
        (version ? ctx->surveys[i].id == version : !ctx->surveys[i].older))
      return *out = &ctx->surveys[i], 0;
  if (!mi_config_find_survey(ctx->cfg, code))
    return mi_record_error(rec, e, MI_EPARSE, "survey",
                           "'%s' is not a survey of the configuration", code);
  mi_import_survey *grown = realloc(ctx->surveys, (size_t)(ctx->nsurveys + 1) * sizeof *grown);
  if (!grown) return mi_err_set(e, MI_ENOMEM, "out of memory");
  ctx->surveys = grown;
  mi_import_survey *sv = &grown[ctx->nsurveys];
  memset(sv, 0, sizeof *sv);
  snprintf(sv->code, sizeof sv->code, "%s", code);
  int64_t latest;
  if (mi_survey_latest(ctx->store, code, &latest, e)) return stored(rec, e->code, e);
  sv->id = version ? version : latest;
  sv->older = sv->id != latest;
  if (mi_survey_questions(ctx->store, sv->id, &sv->questions, &sv->nquestions, e))
    return stored(rec, e->code, e);
  ctx->nsurveys++;
  *out = sv;
  return 0;
}

/* Every column that is not a fixed one must be a question of the row's survey
 * (checked once per survey: the columns are the file's). For an earlier
 * version (an invitation sent before the survey changed), every column the
 * row fills: the file's columns are those of the latest. */
static int check_columns(const mi_import_ctx *ctx, const mi_record *rec, mi_import_survey *sv,
                         mi_err *e) {
  if (sv->columns_ok) return 0;
  const char *const *names;
  size_t n;
  mi_reader_header(ctx->reader, &names, &n);
  for (size_t i = 0; i < n; i++) {
    if (sv->older && mi_field_absent(mi_record_get(rec, names[i]))) continue;
    int known = 0;
    for (int k = 0; response_fixed[k] && !known; k++) known = !strcmp(names[i], response_fixed[k]);
    for (int k = 0; k < sv->nquestions && !known; k++) known = !strcmp(names[i], sv->questions[k].code);
    if (!known)
      return mi_record_error(rec, e, MI_EPARSE, names[i],
                             "is not a question of survey '%s' (check the column name)", sv->code);
  }
  sv->columns_ok = !sv->older;
  return 0;
}

/* 0 when v names choices of q: one code, or (multiple) codes joined by ';',
 * each once. */
static int chosen(const mi_record *rec, const mi_question *q, const char *v, mi_err *e) {
  size_t given = 0;
  for (const char *c = v;; c++) {
    size_t len = strcspn(c, ";");
    int shown = len < 64 ? (int)len : 64;
    if (!mi_codelist_has(q->choices, strlen(q->choices), c, len))
      return mi_record_error(rec, e, MI_EPARSE, q->code, "'%.*s' is not a choice (the choices: %s)",
                             shown, c, q->choices);
    if (mi_codelist_has(v, (size_t)(c - v), c, len))
      return mi_record_error(rec, e, MI_EPARSE, q->code, "'%.*s' is given twice (the choices: %s)",
                             shown, c, q->choices);
    given++;
    c += len;
    if (!*c) break;
  }
  if (given > 1 && !q->multiple)
    return mi_record_error(rec, e, MI_EPARSE, q->code, "takes one choice, not %zu (the choices: %s)",
                           given, q->choices);
  return 0;
}

static int answer(const mi_record *rec, const mi_question *q, const char *v, mi_answer *a,
                  mi_err *e) {
  a->question_id = q->id;
  a->text = NULL;
  if (*q->choices) {
    if (chosen(rec, q, v, e)) return MI_EPARSE;
    a->text = v, a->choice = 1;
    return 0;
  }
  if (q->open) {
    if (strlen(v) > 10000) return mi_record_error(rec, e, MI_EPARSE, q->code, "is longer than 10000 bytes");
    a->text = v;
    return 0;
  }
  mi_err fe;
  int64_t n;
  if (mi_field_int(v, q->scale_min, q->scale_max, &n, &fe))
    return mi_record_error(rec, e, MI_EPARSE, q->code, "%s (the scale is %d..%d)", fe.msg,
                           q->scale_min, q->scale_max);
  a->value = (double)n;
  return 0;
}

/* The ids this import stored, as ranges (ids run on within a transaction;
 * another writer's rows can come between two chunks only): a response that
 * is already stored under one of them is a second row of this file with the
 * same external id. Finds in a few ranges what a table of every key of the
 * file found with an insert per row. */
static int own_ids_add(mi_import_ctx *ctx, int64_t id) {
  if (ctx->nown && ctx->own[ctx->nown - 1][1] == id - 1) return ctx->own[ctx->nown - 1][1] = id, 0;
  if (ctx->nown == ctx->capown) {
    size_t cap = ctx->capown ? 2 * ctx->capown : 16;
    int64_t(*grown)[2] = realloc(ctx->own, cap * sizeof *grown);
    if (!grown) return MI_ENOMEM;
    ctx->own = grown, ctx->capown = cap;
  }
  ctx->own[ctx->nown][0] = ctx->own[ctx->nown][1] = id;
  ctx->nown++;
  return 0;
}

static int own_ids_hold(const mi_import_ctx *ctx, int64_t id) {
  for (size_t i = ctx->nown; i-- > 0;)
    if (id >= ctx->own[i][0] && id <= ctx->own[i][1]) return 1;
  return 0;
}

void mi_checked_response_free(mi_checked_response *c) {
  free(c->json);
  for (int i = 0; i < c->ntexts; i++) free((char *)c->texts[i].text);
  free(c->texts);
  memset(c, 0, sizeof *c);
}

/* The open answers, copied: the record's fields last only until the next. */
static int keep_texts(const mi_answer *a, int n, mi_checked_response *c, mi_err *e) {
  int k = 0;
  for (int i = 0; i < n; i++) k += a[i].text != NULL;
  if (!k) return 0;
  if (!(c->texts = calloc((size_t)k, sizeof *c->texts)))
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (int i = 0; i < n; i++) {
    if (!a[i].text) continue;
    c->texts[c->ntexts] = a[i];
    if (!(c->texts[c->ntexts].text = strdup(a[i].text)))
      return mi_err_set(e, MI_ENOMEM, "out of memory");
    c->ntexts++;
  }
  return 0;
}

int mi_import_response_check(mi_import_ctx *ctx, const mi_record *rec, mi_checked_response *c,
                             mi_err *e) {
  static const char *const response_channels[] = {"email", "sms", "phone", "web", NULL};
  memset(c, 0, sizeof *c);
  mi_response *r = &c->r;
  const char *code, *key, *channel;
  mi_import_survey *sv = NULL;
  if (text(rec, "external_id", 1, 64, &key, e) ||
      text(rec, "survey", 1, 64, &code, e) ||
      customer_ref(ctx, rec, "customer_id", &r->customer_id, e) ||
      instant(rec, "submitted_at", 1, &r->submitted_at, e) ||
      integer(rec, "duration_s", 0, 0, 7 * 86400, &r->duration_s, &r->has_duration, e) ||
      choice(rec, "channel", response_channels, 1, &channel, e) ||
      survey_for(ctx, rec, code, 0, &sv, e))
    return MI_EPARSE;
  c->line = mi_record_line(rec);
  snprintf(c->key, sizeof c->key, "%s", key);
  if (ctx->opt->alerts) /* the alert hook's customer view */
    snprintf(c->customer, sizeof c->customer, "%s", mi_record_get(rec, "customer_id"));
  r->external_id = c->key;
  for (int i = 0; channel && response_channels[i]; i++)
    if (!strcmp(channel, response_channels[i])) r->channel = response_channels[i];
  r->survey_id = sv->id;
  const char *inv = mi_record_get(rec, "invitation");
  if (!mi_field_absent(inv)) {
    int64_t inv_customer, inv_version;
    char inv_survey[65];
    mi_err ie;
    if (mi_invitation_find(ctx->store, inv, &r->invitation_id, &inv_customer, inv_survey,
                           &inv_version, &ie))
      return mi_record_error(rec, e, MI_EPARSE, "invitation", "%s", ie.msg);
    if (inv_customer != r->customer_id || strcmp(inv_survey, code))
      return mi_record_error(rec, e, MI_EPARSE, "invitation",
                             "'%s' was sent to another customer or for another survey", inv);
    /* answers stay tied to the version they were given to */
    if (inv_version != sv->id && survey_for(ctx, rec, code, inv_version, &sv, e)) return MI_EPARSE;
    r->survey_id = sv->id;
  }
  if (check_columns(ctx, rec, sv, e)) return MI_EPARSE;
  mi_answer *answers = calloc((size_t)sv->nquestions + 1, sizeof *answers);
  if (!answers) return mi_err_set(e, MI_ENOMEM, "out of memory");
  int n = 0, rc = 0;
  for (int i = 0; i < sv->nquestions && rc == 0; i++) {
    const char *v = mi_record_get(rec, sv->questions[i].code);
    if (mi_field_absent(v)) continue; /* not answered */
    rc = answer(rec, &sv->questions[i], v, &answers[n++], e);
  }
  if (rc == 0) rc = stored(rec, mi_response_pack(answers, n, &c->json, e), e);
  if (rc == 0) rc = keep_texts(answers, n, c, e);
  free(answers);
  if (rc) mi_checked_response_free(c);
  return rc;
}

/* An error of a checked row, at the line it was read from. */
static int checked_error(const mi_import_ctx *ctx, const mi_checked_response *c, mi_err *e,
                         const char *field) {
  mi_err se = *e;
  const char *name = ctx->reader ? mi_reader_name(ctx->reader) : NULL;
  if (field)
    return mi_err_setpos(e, se.code, name, (int)c->line, 0, "field '%s': %s", field, se.msg);
  return mi_err_setpos(e, se.code, name, (int)c->line, 0, "%s", se.msg);
}

/* What became of a stored row: a second row of the file with its key is
 * an error; its invitation is now answered. */
static int after_store(mi_import_ctx *ctx, const mi_checked_response *c, int put, int64_t id,
                       mi_err *e) {
  const mi_response *r = &c->r;
  if (put == MI_PUT_INSERTED && own_ids_add(ctx, id)) return mi_err_set(e, MI_ENOMEM, "out of memory");
  if (put == MI_PUT_UNCHANGED && own_ids_hold(ctx, id)) {
    mi_err_set(e, MI_EEXIST, "'%s' occurs more than once in this file", r->external_id);
    return checked_error(ctx, c, e, "external_id");
  }
  if (r->invitation_id &&
      mi_invitation_mark(ctx->store, r->invitation_id, "responded", r->submitted_at, e) < 0)
    return checked_error(ctx, c, e, NULL);
  if (put == MI_PUT_INSERTED && c->alert.open &&
      mi_alert_intake_open(ctx->opt->alerts, ctx->store, r, id, &c->alert, e))
    return checked_error(ctx, c, e, NULL);
  return 0;
}

int mi_import_responses_store(mi_import_ctx *ctx, const mi_checked_response *rows, size_t n,
                              int *put, mi_err *e) {
  mi_response_row rr[MI_RESPONSE_ROWS];
  int64_t ids[MI_RESPONSE_ROWS];
  for (size_t at = 0; at < n; at += MI_RESPONSE_ROWS) {
    size_t k = n - at < MI_RESPONSE_ROWS ? n - at : MI_RESPONSE_ROWS, failed = 0;
    for (size_t i = 0; i < k; i++)
      rr[i] = (mi_response_row){&rows[at + i].r, rows[at + i].json, rows[at + i].texts,
                                rows[at + i].ntexts};
    int rc = mi_response_put_rows(ctx->store, rr, k, ids, put + at, &failed, e);
    if (rc < 0)
      return checked_error(ctx, &rows[at + failed], e, rc == MI_EPARSE ? "invitation" : NULL);
    for (size_t i = 0; i < k; i++)
      if ((rc = after_store(ctx, &rows[at + i], put[at + i], ids[i], e))) return rc;
  }
  return 0;
}

void mi_import_response_alert(mi_store *s, const mi_import_options *opt, mi_checked_response *c) {
  if (opt->alerts)
    mi_alert_intake_decide(opt->alerts, s, &c->r, c->customer, c->json, c->texts, c->ntexts,
                           &c->alert);
}

static int response_row(mi_import_ctx *ctx, const mi_record *rec, mi_err *e) {
  mi_checked_response c;
  int put, rc = mi_import_response_check(ctx, rec, &c, e);
  if (rc == 0) mi_import_response_alert(ctx->store, ctx->opt, &c);
  if (rc == 0) rc = mi_import_responses_store(ctx, &c, 1, &put, e);
  mi_checked_response_free(&c);
  return rc ? rc : put;
}

void mi_import_ctx_release(mi_import_ctx *ctx) {
  mi_textset_free(&ctx->customer_keys);
  free(ctx->customer_ids);
  ctx->customer_ids = NULL;
  ctx->customer_cap = 0;
  free(ctx->own);
  ctx->own = NULL;
  ctx->nown = ctx->capown = 0;
  for (int i = 0; i < ctx->nsurveys; i++) free(ctx->surveys[i].questions);
  free(ctx->surveys);
  ctx->surveys = NULL;
  ctx->nsurveys = 0;
}

/* ---- the table --------------------------------------------------------- */

static const char *const customer_required[] = {"external_id", "name", "kind", "created_at", NULL};
static const char *const customer_optional[] = {
    "region", "industry", "phone", "email", "birthday", "consent_email", "consent_sms",
    "consent_phone", "tier", "special_needs", "referred_by", NULL};
static const char *const order_required[] = {"external_id", "customer_id", "amount",
                                             "currency",    "ordered_at",  "status", NULL};
static const char *const staff_required[] = {"external_id", "name", NULL};
static const char *const staff_optional[] = {"department", "os_user", "active", "skills", NULL};
static const char *const interaction_required[] = {"external_id", "customer_id", "channel",
                                                   "direction", "occurred_at", NULL};
static const char *const interaction_optional[] = {"staff_id", "summary", NULL};
static const char *const ticket_required[] = {
    "external_id", "customer_id", "kind",   "category",  "severity", "channel",
    "priority",    "department",  "status", "opened_at", "subject",  NULL};
static const char *const ticket_optional[] = {"first_response_at", "resolved_at", "assignee", NULL};
static const char *const response_required[] = {"external_id", "survey", "customer_id",
                                                "submitted_at", NULL};
static const char *const response_optional[] = {"duration_s", "channel", "invitation", NULL};
static const char *const none[] = {NULL};

const mi_import_entity mi_import_entity_table[] = {
    {"customers", customer_required, customer_optional, 0, 0, customer_row},
    {"staff", staff_required, staff_optional, 0, 0, staff_row},
    {"orders", order_required, none, 0, 0, order_row},
    {"interactions", interaction_required, interaction_optional, 0, 0, interaction_row},
    {"tickets", ticket_required, ticket_optional, 0, 0, ticket_row},
    {"responses", response_required, response_optional, 1, 1, response_row},
    {NULL, NULL, NULL, 0, 0, NULL},
};
