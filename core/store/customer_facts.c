#include "store/customer_facts.h"

#include <stdio.h>

#include "store/store_internal.h"

/* ?1 = as_of, ?2 = as_of minus 365 days; the WHERE is appended per use. Each
 * figure is a subquery on an index that starts with customer_id. */
#define FACTS_SELECT                                                                          \
  "SELECT c.id, c.external_id, c.kind, c.region, c.industry, c.birthday, c.tier, c.created_at," \
  " (SELECT coalesce(sum(amount_minor), 0) FROM orders WHERE customer_id = c.id"               \
  "   AND ordered_at > ?2 AND ordered_at <= ?1 AND status NOT IN ('cancelled', 'refunded')),"  \
  " (SELECT count(*) FROM orders WHERE customer_id = c.id"                                      \
  "   AND ordered_at > ?2 AND ordered_at <= ?1 AND status NOT IN ('cancelled', 'refunded')),"  \
  " (SELECT count(*) FROM orders WHERE customer_id = c.id AND ordered_at <= ?1),"              \
  " (SELECT count(*) FROM orders WHERE customer_id = c.id AND ordered_at <= ?1"                \
  "   AND status = 'refunded'),"                                                                \
  " (SELECT count(*) FROM orders WHERE customer_id = c.id AND ordered_at <= ?1"                \
  "   AND status = 'cancelled'),"                                                               \
  " (SELECT coalesce(max(ordered_at), 0) FROM orders WHERE customer_id = c.id"                 \
  "   AND ordered_at <= ?1),"                                                                   \
  " (SELECT count(*) FROM tickets WHERE customer_id = c.id AND kind = 'complaint'"             \
  "   AND opened_at <= ?1 AND status NOT IN ('resolved', 'closed')),"                          \
  " (SELECT count(*) FROM tickets WHERE customer_id = c.id"                                     \
  "   AND opened_at > ?2 AND opened_at <= ?1),"                                                 \
  " (SELECT avg(" MI_SQL_SCALE("r", "q") ") FROM responses r"                                  \
  "   JOIN questions q ON q.survey_id = r.survey_id WHERE r.customer_id = c.id"                \
  "   AND r.submitted_at > ?2 AND r.submitted_at <= ?1 AND q.dimension = 'overall'),"          \
  " (SELECT " MI_SQL_SCALE("r", "q") " FROM responses r"                                       \
  "   JOIN questions q ON q.survey_id = r.survey_id WHERE r.customer_id = c.id"                \
  "   AND r.submitted_at <= ?1 AND q.dimension = 'recommendation'"                              \
  "   AND " MI_SQL_SCALE("r", "q") " IS NOT NULL ORDER BY r.submitted_at DESC LIMIT 1),"       \
  " (SELECT coalesce(sum(points), 0) FROM loyalty_ledger WHERE customer_id = c.id"             \
  "   AND created_at <= ?1)"                                                                    \
  " FROM customers c "

static void read_facts(sqlite3_stmt *st, mi_customer_facts *f) {
  f->id = sqlite3_column_int64(st, 0);
  const char **text[] = {&f->external_id, &f->kind,     &f->region, &f->industry,
                         &f->birthday,    &f->tier};
  for (int i = 0; i < 6; i++) *text[i] = (const char *)sqlite3_column_text(st, i + 1);
  f->created_at = sqlite3_column_int64(st, 7);
  int64_t *num[] = {&f->spend_12m_minor, &f->orders_12m,       &f->orders_total,
                    &f->refunded_orders, &f->cancelled_orders, &f->last_order_at,
                    &f->open_complaints, &f->tickets_12m};
  for (int i = 0; i < 8; i++) *num[i] = sqlite3_column_int64(st, i + 8);
  f->has_satisfaction = sqlite3_column_type(st, 16) != SQLITE_NULL;
  f->avg_satisfaction = sqlite3_column_double(st, 16);
  f->nps_answer = sqlite3_column_type(st, 17) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 17);
  f->points = sqlite3_column_int64(st, 18);
}

/* The first customer after after_id (whose figures failed): id and external id. */
static int next_customer(mi_store *s, int64_t after_id, int64_t *id, char *ext, size_t size,
                         mi_err *e) {
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_FACTS_NEXT, "SELECT id, external_id FROM customers WHERE id > ?1 ORDER BY id LIMIT 1", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, after_id);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    rc = rc == SQLITE_DONE ? mi_err_set(e, MI_ESTORE, "reading customers: no customer after #%lld",
                                        (long long)after_id)
                           : mi_store_fail(s, e, "reading customers");
    sqlite3_reset(st);
    return rc;
  }
  *id = sqlite3_column_int64(st, 0);
  mi_column_copy(st, 1, ext, size);
  sqlite3_reset(st);
  return 0;
}

int mi_customer_facts_each(mi_store *s, int64_t as_of, int64_t after_id, int limit,
                           mi_customer_facts_cb cb, mi_customer_facts_skip_cb skip, void *ctx,
                           mi_err *e) {
  if (!s || !cb) return mi_err_set(e, MI_EINVAL, "no store or callback");
  while (limit > 0) {
    sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_FACTS_EACH,
                                     FACTS_SELECT "WHERE c.id > ?3 ORDER BY c.id LIMIT ?4", e);
    if (!st) return e ? e->code : MI_ESTORE;
    sqlite3_bind_int64(st, 1, as_of);
    sqlite3_bind_int64(st, 2, as_of - 365 * 86400);
    sqlite3_bind_int64(st, 3, after_id);
    sqlite3_bind_int(st, 4, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      mi_customer_facts f;
      read_facts(st, &f);
      after_id = f.id;
      limit--;
      int stop = cb(ctx, &f);
      if (stop) {
        sqlite3_reset(st);
        return stop;
      }
    }
    if (rc == SQLITE_DONE) return 0;
    /* The customer after the last one delivered could not be computed: with
     * skip, report it and go on after it; the others are not held up. */
    if (!skip || !mi_store_data_error(s)) {
      int frc = mi_store_fail_customer(s, e, "reading customers", "(the next in id order)");
      sqlite3_reset(st);
      return frc;
    }
    char why[200], ext[128];
    snprintf(why, sizeof why, "%s", sqlite3_errmsg(s->db));
    sqlite3_reset(st);
    int64_t bad = 0;
    int frc = next_customer(s, after_id, &bad, ext, sizeof ext, e);
    if (frc) return frc;
    mi_store_customer_error(e, "reading customers", ext, why);
    int stop = skip(ctx, bad, ext, e);
    if (stop) return stop;
    after_id = bad;
    limit--;
  }
  return 0;
}

int mi_customer_facts_get(mi_store *s, const char *external_id, int64_t as_of,
                          mi_customer_facts *out, mi_err *e) {
  if (!s || !external_id || !out) return mi_err_set(e, MI_EINVAL, "no customer given");
  sqlite3_stmt *st =
      mi_store_stmt(s, MI_SQL_FACTS_GET, FACTS_SELECT "WHERE c.external_id = ?3", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, as_of);
  sqlite3_bind_int64(st, 2, as_of - 365 * 86400);
  sqlite3_bind_text(st, 3, external_id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return mi_err_set(e, MI_ENOTFOUND, "unknown customer '%s'", external_id);
  if (rc != SQLITE_ROW) {
    rc = mi_store_fail_customer(s, e, "reading customer", external_id);
    sqlite3_reset(st);
    return rc;
  }
  read_facts(st, out);
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
