/* Customers' facts in one streaming pass: the customers of a chunk (a range
 * of ids, a set of ids, or one customer) and their orders, tickets, responses
 * and ledger entries, each table read once in customer order through an
 * index that covers what is read (migration 0014), merged in id order. The
 * figures are accumulated here in C, by the one definition below that every
 * caller (the tier batch, the points batch, explain, customer show, care)
 * goes through, so that all of them see the same numbers. */
#include "store/customer_facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/strbuf.h"

/* The tables, each read in customer order: ?1..?2 a range of customer ids
 * (inclusive) or ?1 a JSON array of ids (the set form); ?3 = as_of. The
 * columns after customer_id are what fold() reads. */
#define RANGE "BETWEEN ?1 AND ?2"
#define SET "IN (SELECT value FROM json_each(?1))"
#define ORDERS_SQL(where)                                                            \
  "SELECT customer_id, ordered_at, status, amount_minor FROM orders"                \
  " WHERE customer_id " where " AND ordered_at <= ?3 ORDER BY customer_id"
#define TICKETS_SQL(where)                                                           \
  "SELECT customer_id, opened_at, kind = 'complaint' AND status NOT IN ('resolved', 'closed')" \
  " FROM tickets WHERE customer_id " where " AND opened_at <= ?3 ORDER BY customer_id"
#define RESPONSES_SQL(where)                                                         \
  "SELECT r.customer_id, r.submitted_at, r.id, q.id, q.dimension = 'overall', "     \
  MI_SQL_SCALE("r", "q") " FROM responses r JOIN questions q ON q.survey_id = r.survey_id" \
  " WHERE r.customer_id " where " AND r.submitted_at <= ?3"                           \
  " AND q.dimension IN ('overall', 'recommendation') ORDER BY r.customer_id"
#define LEDGER_SQL(where)                                                            \
  "SELECT customer_id, points FROM loyalty_ledger"                                   \
  " WHERE customer_id " where " AND created_at <= ?3 ORDER BY customer_id"
#define CUSTOMER_COLS "id, external_id, kind, region, industry, birthday, tier, created_at"

enum { T_ORDERS, T_TICKETS, T_RESPONSES, T_LEDGER, NTABLES };

/* A customer's figures while its rows are folded in. */
typedef struct acc {
  mi_customer_facts f;
  const char *overflow; /* a sum went past 64 bits: the figures cannot be computed */
  int64_t sat_n, sat_isum;
  double sat_rsum;
  int sat_real; /* a non-integer answer: the mean is summed in floating point */
  int64_t nps_at, nps_rid, nps_qid; /* the latest recommendation answer (instant, response, question) */
} acc;

static void add_checked(acc *a, int64_t *sum, int64_t v) {
  if (!a->overflow && __builtin_add_overflow(*sum, v, sum)) a->overflow = "integer overflow";
}

/* The one definition of each figure: one row of table t into a. since is
 * as_of - 365 days; every row read is at or before as_of (the WHERE). */
static void fold(acc *a, int t, sqlite3_stmt *st, int64_t since) {
  mi_customer_facts *f = &a->f;
  switch (t) {
  case T_ORDERS: {
    int64_t at = sqlite3_column_int64(st, 1);
    const char *status = (const char *)sqlite3_column_text(st, 2);
    int cancelled = status && !strcmp(status, "cancelled");
    int refunded = status && !strcmp(status, "refunded");
    f->orders_total++;
    f->cancelled_orders += cancelled;
    f->refunded_orders += refunded;
    if (at > f->last_order_at) f->last_order_at = at;
    if (at > since && !cancelled && !refunded) { /* spend and orders of 12 months */
      f->orders_12m++;
      add_checked(a, &f->spend_12m_minor, sqlite3_column_int64(st, 3));
    }
    break;
  }
  case T_TICKETS:
    f->open_complaints += sqlite3_column_int(st, 2);
    f->tickets_12m += sqlite3_column_int64(st, 1) > since;
    break;
  case T_RESPONSES: {
    int type = sqlite3_column_type(st, 5);
    if (type == SQLITE_NULL) break; /* not answered */
    int64_t at = sqlite3_column_int64(st, 1);
    if (sqlite3_column_int(st, 4)) { /* overall: the mean over 12 months */
      if (at <= since) break;
      a->sat_n++;
      if (type == SQLITE_INTEGER && !a->sat_real) {
        if (!__builtin_add_overflow(a->sat_isum, sqlite3_column_int64(st, 5), &a->sat_isum)) break;
        a->sat_real = 1, a->sat_rsum = (double)a->sat_isum + sqlite3_column_double(st, 5);
        break;
      }
      if (!a->sat_real) a->sat_real = 1, a->sat_rsum = (double)a->sat_isum;
      a->sat_rsum += sqlite3_column_double(st, 5);
      break;
    }
    /* recommendation: the latest answer; equal instants go to the later
     * response, then the later question, so the figure is always defined */
    int64_t rid = sqlite3_column_int64(st, 2), qid = sqlite3_column_int64(st, 3);
    if (f->nps_answer < 0 || at > a->nps_at || (at == a->nps_at && rid > a->nps_rid) ||
        (at == a->nps_at && rid == a->nps_rid && qid > a->nps_qid)) {
      f->nps_answer = sqlite3_column_int64(st, 5);
      a->nps_at = at, a->nps_rid = rid, a->nps_qid = qid;
    }
    break;
  }
  case T_LEDGER:
    add_checked(a, &f->points, sqlite3_column_int64(st, 1));
    break;
  }
}

static void finish(acc *a) {
  a->f.has_satisfaction = a->sat_n > 0;
  if (a->sat_n)
    a->f.avg_satisfaction = (a->sat_real ? a->sat_rsum : (double)a->sat_isum) / (double)a->sat_n;
}

/* The customer's identity from the current row of a customers statement. */
static void start(acc *a, sqlite3_stmt *c) {
  memset(a, 0, sizeof *a);
  mi_customer_facts *f = &a->f;
  f->id = sqlite3_column_int64(c, 0);
  const char **text[] = {&f->external_id, &f->kind, &f->region, &f->industry, &f->birthday, &f->tier};
  for (int i = 0; i < 6; i++) *text[i] = (const char *)sqlite3_column_text(c, i + 1);
  f->created_at = sqlite3_column_int64(c, 7);
  f->nps_answer = -1;
}

/* The four table statements of a pass, bound and stepped to their first row. */
typedef struct pass {
  sqlite3_stmt *st[NTABLES];
  int live[NTABLES]; /* 1 while st[t] is on a row */
} pass;

static const enum mi_stmt_slot range_slot[NTABLES] = {
    MI_SQL_FACTS_ORDERS, MI_SQL_FACTS_TICKETS, MI_SQL_FACTS_RESPONSES, MI_SQL_FACTS_LEDGER};
static const enum mi_stmt_slot set_slot[NTABLES] = {
    MI_SQL_FACTS_ORDERS_SET, MI_SQL_FACTS_TICKETS_SET, MI_SQL_FACTS_RESPONSES_SET,
    MI_SQL_FACTS_LEDGER_SET};
static const char *const range_sql[NTABLES] = {ORDERS_SQL(RANGE), TICKETS_SQL(RANGE),
                                               RESPONSES_SQL(RANGE), LEDGER_SQL(RANGE)};
static const char *const set_sql[NTABLES] = {ORDERS_SQL(SET), TICKETS_SQL(SET),
                                             RESPONSES_SQL(SET), LEDGER_SQL(SET)};

static void pass_reset(pass *p) {
  for (int t = 0; t < NTABLES; t++)
    if (p->st[t]) sqlite3_reset(p->st[t]);
}

static int step(mi_store *s, pass *p, int t, mi_err *e) {
  int rc = sqlite3_step(p->st[t]);
  p->live[t] = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) return 0;
  return mi_store_fail(s, e, "reading customers' orders, tickets, responses and points");
}

/* ids: a JSON array (the set form), or NULL for the range lo..hi. */
static int pass_open(mi_store *s, pass *p, int64_t lo, int64_t hi, const char *ids, int64_t as_of,
                     mi_err *e) {
  memset(p, 0, sizeof *p);
  for (int t = 0; t < NTABLES; t++) {
    p->st[t] = ids ? mi_store_stmt(s, set_slot[t], set_sql[t], e)
                   : mi_store_stmt(s, range_slot[t], range_sql[t], e);
    if (!p->st[t]) {
      pass_reset(p);
      return e ? e->code : MI_ESTORE;
    }
    if (ids) sqlite3_bind_text(p->st[t], 1, ids, -1, SQLITE_STATIC);
    else sqlite3_bind_int64(p->st[t], 1, lo), sqlite3_bind_int64(p->st[t], 2, hi);
    sqlite3_bind_int64(p->st[t], 3, as_of);
    int rc = step(s, p, t, e);
    if (rc) {
      pass_reset(p);
      return rc;
    }
  }
  return 0;
}

/* Folds every row of customer a->f.id (and skips rows of ids before it, of
 * customers not delivered) into a. */
static int pass_fold(mi_store *s, pass *p, acc *a, int64_t as_of, mi_err *e) {
  int64_t id = a->f.id, since = as_of - 365 * 86400;
  for (int t = 0; t < NTABLES; t++) {
    while (p->live[t]) {
      int64_t cid = sqlite3_column_int64(p->st[t], 0);
      if (cid > id) break;
      if (cid == id) fold(a, t, p->st[t], since);
      int rc = step(s, p, t, e);
      if (rc) return rc;
    }
  }
  finish(a);
  return 0;
}

/* Delivers the customers of the statement c (in id order) with their figures. */
static int deliver(mi_store *s, sqlite3_stmt *c, pass *p, int64_t as_of, mi_customer_facts_cb cb,
                   mi_customer_facts_skip_cb skip, void *ctx, mi_err *e) {
  int rc;
  while ((rc = sqlite3_step(c)) == SQLITE_ROW) {
    acc a;
    start(&a, c);
    int frc = pass_fold(s, p, &a, as_of, e);
    if (frc) return frc;
    if (a.overflow) {
      mi_store_customer_error(e, "reading customers", a.f.external_id, a.overflow);
      if (!skip) return MI_EINVAL;
      frc = skip(ctx, a.f.id, a.f.external_id, e);
    } else {
      frc = cb(ctx, &a.f);
    }
    if (frc) return frc;
  }
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "reading customers");
}

int mi_customer_facts_each(mi_store *s, int64_t as_of, int64_t after_id, int limit,
                           mi_customer_facts_cb cb, mi_customer_facts_skip_cb skip, void *ctx,
                           mi_err *e) {
  if (!s || !cb) return mi_err_set(e, MI_EINVAL, "no store or callback");
  if (limit <= 0) return 0;
  /* The chunk's last id first, so that each table is read for the chunk's
   * range alone (one index seek per table and chunk). */
  sqlite3_stmt *h = mi_store_stmt(
      s, MI_SQL_FACTS_LAST,
      "SELECT max(id) FROM (SELECT id FROM customers WHERE id > ?1 ORDER BY id LIMIT ?2)", e);
  if (!h) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(h, 1, after_id);
  sqlite3_bind_int(h, 2, limit);
  if (sqlite3_step(h) != SQLITE_ROW) {
    int rc = mi_store_fail(s, e, "reading customers");
    sqlite3_reset(h);
    return rc;
  }
  int none = sqlite3_column_type(h, 0) == SQLITE_NULL;
  int64_t hi = sqlite3_column_int64(h, 0);
  sqlite3_reset(h);
  if (none) return 0;
  sqlite3_stmt *c = mi_store_stmt(s, MI_SQL_FACTS_EACH,
                                  "SELECT " CUSTOMER_COLS " FROM customers"
                                  " WHERE id > ?1 AND id <= ?2 ORDER BY id",
                                  e);
  if (!c) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(c, 1, after_id);
  sqlite3_bind_int64(c, 2, hi);
  pass p;
  int rc = pass_open(s, &p, after_id + 1, hi, NULL, as_of, e);
  if (rc == 0) rc = deliver(s, c, &p, as_of, cb, skip, ctx, e);
  pass_reset(&p);
  sqlite3_reset(c);
  return rc;
}

static int cmp_id(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

int mi_customer_facts_of(mi_store *s, int64_t as_of, const int64_t *ids, int n,
                         mi_customer_facts_cb cb, mi_customer_facts_skip_cb skip, void *ctx,
                         mi_err *e) {
  if (!s || !cb || (n > 0 && !ids)) return mi_err_set(e, MI_EINVAL, "no store, ids or callback");
  if (n <= 0) return 0;
  int64_t *sorted = malloc((size_t)n * sizeof *sorted);
  if (!sorted) return mi_err_set(e, MI_ENOMEM, "out of memory reading customers");
  memcpy(sorted, ids, (size_t)n * sizeof *sorted);
  qsort(sorted, (size_t)n, sizeof *sorted, cmp_id);
  mi_strbuf json = {0};
  int rc = mi_strbuf_appendc(&json, '[');
  for (int i = 0; rc == 0 && i < n; i++)
    if (i == 0 || sorted[i] != sorted[i - 1])
      rc = mi_strbuf_appendf(&json, "%s%lld", json.len > 1 ? "," : "", (long long)sorted[i]);
  if (rc == 0) rc = mi_strbuf_appendc(&json, ']');
  free(sorted);
  if (rc) {
    mi_strbuf_free(&json);
    return mi_err_set(e, MI_ENOMEM, "out of memory reading customers");
  }
  sqlite3_stmt *c = mi_store_stmt(s, MI_SQL_FACTS_SET,
                                  "SELECT " CUSTOMER_COLS " FROM customers"
                                  " WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
                                  e);
  if (!c) rc = e ? e->code : MI_ESTORE;
  pass p;
  if (rc == 0) {
    sqlite3_bind_text(c, 1, json.data, -1, SQLITE_STATIC);
    rc = pass_open(s, &p, 0, 0, json.data, as_of, e);
    if (rc == 0) rc = deliver(s, c, &p, as_of, cb, skip, ctx, e);
    pass_reset(&p);
    sqlite3_reset(c);
  }
  mi_strbuf_free(&json);
  return rc;
}

int mi_customer_facts_get(mi_store *s, const char *external_id, int64_t as_of,
                          mi_customer_facts *out, mi_err *e) {
  if (!s || !external_id || !out) return mi_err_set(e, MI_EINVAL, "no customer given");
  /* The customer's row stays current (its strings are out's) until this
   * slot is used again. */
  sqlite3_stmt *c = mi_store_stmt(
      s, MI_SQL_FACTS_GET, "SELECT " CUSTOMER_COLS " FROM customers WHERE external_id = ?1", e);
  if (!c) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(c, 1, external_id, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(c);
  if (rc == SQLITE_DONE) return mi_err_set(e, MI_ENOTFOUND, "unknown customer '%s'", external_id);
  if (rc != SQLITE_ROW) {
    rc = mi_store_fail(s, e, "reading customer");
    sqlite3_reset(c);
    return rc;
  }
  acc a;
  start(&a, c);
  pass p;
  rc = pass_open(s, &p, a.f.id, a.f.id, NULL, as_of, e);
  if (rc == 0) rc = pass_fold(s, &p, &a, as_of, e);
  pass_reset(&p);
  if (rc == 0 && a.overflow) rc = mi_store_customer_error(e, "reading customer", external_id, a.overflow);
  if (rc) {
    sqlite3_reset(c);
    return rc;
  }
  *out = a.f;
  return 0;
}

int mi_customer_count(mi_store *s, int64_t *n, mi_err *e) {
  if (!s || !n) return mi_err_set(e, MI_EINVAL, "no store");
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_CUSTOMER_COUNT, "SELECT count(*) FROM customers", e);
  if (!st) return e ? e->code : MI_ESTORE;
  if (sqlite3_step(st) != SQLITE_ROW) return mi_store_fail(s, e, "counting customers");
  *n = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return 0;
}
