#include "store/point_events.h"

#include <stdint.h>
#include <stdio.h>

#include "store/store_internal.h"

/* ?1 = as_of, ?2 = after id, ?3 = limit. The NOT EXISTS probes the unique
 * index on the idempotency key.
 *
 * Orders come in customer order (the order of orders_by_customer, then id),
 * so that each customer's orders are together and a chunk holds few
 * customers, each of whose figures the batch reads once for the run rather
 * than once for every chunk that holds one of their orders (in id order a
 * customer's orders are spread over the whole run). The stream goes on after
 * the order ?2 by its place in that order: ?4..?6 are its customer_id,
 * ordered_at and amount_minor (read by orders_after below). The status test
 * is written +o.status so that SQLite does not take it as an equality on the
 * index: with it, the planner sorted each run of equal keys in a temporary
 * b-tree (one cleared per order, a tenth of the points run), although the
 * index gives the order already. */
static const char orders_sql[] =
    "SELECT o.id, o.external_id, o.customer_id, c.external_id, o.amount_minor, o.currency,"
    " o.ordered_at, o.status, NULL"
    " FROM orders o JOIN customers c ON c.id = o.customer_id"
    " WHERE (o.customer_id, o.ordered_at, o.status, o.amount_minor, o.id)"
    "   > (?4, ?5, 'completed', ?6, ?2)"
    " AND +o.status = 'completed' AND o.ordered_at <= ?1"
    " AND NOT EXISTS (SELECT 1 FROM loyalty_ledger l"
    "   WHERE l.idempotency_key = 'order:' || o.external_id || ':earn')"
    " ORDER BY o.customer_id, o.ordered_at, o.status, o.amount_minor, o.id LIMIT ?3";

/* Binds ?4..?6 of orders_sql: the place of order `after` in the stream; from
 * the start when after is 0 or the order is gone (what was credited is
 * skipped by the NOT EXISTS all the same). */
static int orders_after(mi_store *s, sqlite3_stmt *st, int64_t after, mi_err *e) {
  sqlite3_bind_int64(st, 4, INT64_MIN);
  sqlite3_bind_int64(st, 5, INT64_MIN);
  sqlite3_bind_int64(st, 6, INT64_MIN);
  if (after <= 0) return 0;
  sqlite3_stmt *k = mi_store_stmt(
      s, MI_SQL_POINT_ORDER_PLACE,
      "SELECT customer_id, ordered_at, amount_minor FROM orders WHERE id = ?1", e);
  if (!k) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(k, 1, after);
  int rc = sqlite3_step(k);
  if (rc == SQLITE_ROW)
    for (int i = 0; i < 3; i++) sqlite3_bind_int64(st, 4 + i, sqlite3_column_int64(k, i));
  else if (rc != SQLITE_DONE) rc = mi_store_fail(s, e, "reading where the points run stopped");
  sqlite3_reset(k);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc;
}

static const char responses_sql[] =
    "SELECT r.id, r.external_id, r.customer_id, c.external_id, 0, NULL,"
    " r.submitted_at, 'answered', v.code"
    " FROM responses r JOIN customers c ON c.id = r.customer_id"
    " JOIN surveys v ON v.id = r.survey_id"
    " WHERE r.id > ?2 AND r.submitted_at <= ?1"
    " AND NOT EXISTS (SELECT 1 FROM loyalty_ledger l"
    "   WHERE l.idempotency_key = 'response:' || r.external_id || ':earn')"
    " ORDER BY r.id LIMIT ?3";

/* One follow-up per ticket is feedback: the event id orders the stream, the
 * ticket names the ledger key. */
static const char feedback_sql[] =
    "SELECT ev.id, t.external_id, t.customer_id, c.external_id, 0, NULL, ev.at, 'given', NULL"
    " FROM ticket_events ev JOIN tickets t ON t.id = ev.ticket_id"
    " JOIN customers c ON c.id = t.customer_id"
    " WHERE ev.kind = 'followed_up' AND ev.id > ?2 AND ev.at <= ?1"
    " AND NOT EXISTS (SELECT 1 FROM loyalty_ledger l"
    "   WHERE l.idempotency_key = 'feedback:' || t.external_id || ':earn')"
    " ORDER BY ev.id LIMIT ?3";

/* A referral earns once its referred customer has a completed order; the
 * event's instant is the first such order's. The UNIQUE index on
 * referred_id keeps one referral per customer. */
static const char referrals_sql[] =
    "SELECT id, referred, referrer_id, referrer, 0, NULL, first_at, 'completed', NULL FROM ("
    " SELECT f.id, d.external_id AS referred, f.referrer_id, r.external_id AS referrer,"
    "  (SELECT min(o.ordered_at) FROM orders o WHERE o.customer_id = f.referred_id"
    "    AND o.status = 'completed' AND o.ordered_at <= ?1) AS first_at"
    " FROM referrals f JOIN customers d ON d.id = f.referred_id"
    " JOIN customers r ON r.id = f.referrer_id"
    " WHERE f.id > ?2"
    " AND NOT EXISTS (SELECT 1 FROM loyalty_ledger l"
    "   WHERE l.idempotency_key = 'referral:' || d.external_id || ':earn'))"
    " WHERE first_at IS NOT NULL ORDER BY id LIMIT ?3";

static const struct source {
  enum mi_stmt_slot sql;
  const char *text, *type, *key;
} sources[] = {
    [MI_POINT_ORDERS] = {MI_SQL_POINT_ORDERS, orders_sql, "order", "order"},
    [MI_POINT_RESPONSES] = {MI_SQL_POINT_RESPONSES, responses_sql, "survey", "response"},
    [MI_POINT_FEEDBACK] = {MI_SQL_POINT_FEEDBACK, feedback_sql, "feedback", "feedback"},
    [MI_POINT_REFERRALS] = {MI_SQL_POINT_REFERRALS, referrals_sql, "referral", "referral"},
};

const char *mi_point_source_name(mi_point_source src) {
  return (unsigned)src <= MI_POINT_REFERRALS ? sources[src].key : "?";
}

int mi_point_events_uncredited(mi_store *s, mi_point_source src, int64_t as_of, int64_t after_id,
                               int limit, mi_point_event_cb cb, void *ctx, mi_err *e) {
  if (!s || !cb || limit <= 0 || (unsigned)src > MI_POINT_REFERRALS)
    return mi_err_set(e, MI_EINVAL, "point events need a store, a source, a limit and a callback");
  sqlite3_stmt *st = mi_store_stmt(s, sources[src].sql, sources[src].text, e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, as_of);
  sqlite3_bind_int64(st, 2, after_id);
  sqlite3_bind_int(st, 3, limit);
  int rc = src == MI_POINT_ORDERS ? orders_after(s, st, after_id, e) : 0;
  if (rc) {
    sqlite3_reset(st);
    return rc;
  }
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_point_event ev = {
        .id = sqlite3_column_int64(st, 0),
        .type = sources[src].type,
        .external_id = (const char *)sqlite3_column_text(st, 1),
        .customer_id = sqlite3_column_int64(st, 2),
        .customer = (const char *)sqlite3_column_text(st, 3),
        .amount_minor = sqlite3_column_int64(st, 4),
        .currency = (const char *)sqlite3_column_text(st, 5),
        .occurred_at = sqlite3_column_int64(st, 6),
        .status = (const char *)sqlite3_column_text(st, 7),
        .survey = (const char *)sqlite3_column_text(st, 8),
    };
    int stop = cb(ctx, &ev);
    if (stop) {
      sqlite3_reset(st);
      return stop;
    }
  }
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, "reading events that earn points");
  sqlite3_reset(st);
  return 0;
}

/* ?1 = after id, ?2 = limit. */
static const char order_reversals_sql[] =
    "SELECT o.id, o.external_id, l.customer_id, c.external_id, l.id, l.points"
    " FROM orders o JOIN loyalty_ledger l ON l.idempotency_key = 'order:' || o.external_id || ':earn'"
    " JOIN customers c ON c.id = l.customer_id"
    " WHERE o.id > ?1 AND o.status = 'refunded' AND l.kind = 'earn'"
    " AND NOT EXISTS (SELECT 1 FROM loyalty_ledger r"
    "   WHERE r.idempotency_key = 'order:' || o.external_id || ':reverse')"
    " ORDER BY o.id LIMIT ?2";

/* The referred customer bought nothing in the end: refunded orders and no
 * completed one (an order still under way does not count yet). */
static const char referral_reversals_sql[] =
    "SELECT f.id, d.external_id, l.customer_id, c.external_id, l.id, l.points"
    " FROM referrals f JOIN customers d ON d.id = f.referred_id"
    " JOIN loyalty_ledger l ON l.idempotency_key = 'referral:' || d.external_id || ':earn'"
    " JOIN customers c ON c.id = l.customer_id"
    " WHERE f.id > ?1 AND l.kind = 'earn'"
    " AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = f.referred_id"
    "   AND o.status = 'refunded')"
    " AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = f.referred_id"
    "   AND o.status = 'completed')"
    " AND NOT EXISTS (SELECT 1 FROM loyalty_ledger r"
    "   WHERE r.idempotency_key = 'referral:' || d.external_id || ':reverse')"
    " ORDER BY f.id LIMIT ?2";

int mi_point_reversals_pending(mi_store *s, mi_point_source src, int64_t after_id, int limit,
                               mi_point_reversal_cb cb, void *ctx, mi_err *e) {
  if (!s || !cb || limit <= 0 || (src != MI_POINT_ORDERS && src != MI_POINT_REFERRALS))
    return mi_err_set(e, MI_EINVAL, "pending reversals need a store, orders or referrals, a "
                                    "limit and a callback");
  sqlite3_stmt *st =
      src == MI_POINT_ORDERS
          ? mi_store_stmt(s, MI_SQL_POINT_REVERSALS, order_reversals_sql, e)
          : mi_store_stmt(s, MI_SQL_POINT_REFERRAL_REVERSALS, referral_reversals_sql, e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, after_id);
  sqlite3_bind_int(st, 2, limit);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_point_reversal r = {
        .event_id = sqlite3_column_int64(st, 0),
        .external_id = (const char *)sqlite3_column_text(st, 1),
        .customer_id = sqlite3_column_int64(st, 2),
        .customer = (const char *)sqlite3_column_text(st, 3),
        .earn_id = sqlite3_column_int64(st, 4),
        .points = sqlite3_column_int64(st, 5),
    };
    int stop = cb(ctx, &r);
    if (stop) {
      sqlite3_reset(st);
      return stop;
    }
  }
  if (rc != SQLITE_DONE)
    return mi_store_fail(s, e, src == MI_POINT_ORDERS ? "reading refunded orders"
                                                      : "reading referrals to reverse");
  sqlite3_reset(st);
  return 0;
}

static int fits(int n, size_t size) { return n > 0 && (size_t)n < size ? 0 : MI_EINVAL; }

int mi_point_key_earn(mi_point_source src, const char *external_id, char *buf, size_t size) {
  if (!external_id || !buf) return MI_EINVAL;
  if ((unsigned)src > MI_POINT_REFERRALS) return MI_EINVAL;
  return fits(snprintf(buf, size, "%s:%s:earn", sources[src].key, external_id), size);
}

int mi_point_key_reverse(mi_point_source src, const char *external_id, char *buf, size_t size) {
  if (!external_id || !buf || (src != MI_POINT_ORDERS && src != MI_POINT_REFERRALS))
    return MI_EINVAL;
  return fits(snprintf(buf, size, "%s:%s:reverse", sources[src].key, external_id), size);
}

int mi_point_key_expire(int64_t lot_id, char *buf, size_t size) {
  if (!buf) return MI_EINVAL;
  return fits(snprintf(buf, size, "expire:%lld", (long long)lot_id), size);
}

int mi_point_event_order(mi_store *s, const char *order, mi_point_event *out, mi_err *e) {
  if (!s || !order || !out) return mi_err_set(e, MI_EINVAL, "no order given");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_POINT_ORDER,
      "SELECT o.id, o.external_id, o.customer_id, c.external_id, o.amount_minor, o.currency,"
      " o.ordered_at, o.status FROM orders o JOIN customers c ON c.id = o.customer_id"
      " WHERE o.external_id = ?1",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, order, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return mi_err_set(e, MI_ENOTFOUND, "unknown order '%s'", order);
  if (rc != SQLITE_ROW) return mi_store_fail(s, e, "reading order");
  *out = (mi_point_event){
      .id = sqlite3_column_int64(st, 0),
      .type = "order",
      .external_id = (const char *)sqlite3_column_text(st, 1),
      .customer_id = sqlite3_column_int64(st, 2),
      .customer = (const char *)sqlite3_column_text(st, 3),
      .amount_minor = sqlite3_column_int64(st, 4),
      .currency = (const char *)sqlite3_column_text(st, 5),
      .occurred_at = sqlite3_column_int64(st, 6),
      .status = (const char *)sqlite3_column_text(st, 7),
  };
  return 0;
}
