#include "store/point_events.h"

#include <stdio.h>

#include "store/store_internal.h"

/* ?1 = as_of, ?2 = after id, ?3 = limit. The NOT EXISTS probes the unique
 * index on the idempotency key. */
static const char orders_sql[] =
    "SELECT o.id, o.external_id, o.customer_id, c.external_id, o.amount_minor, o.currency,"
    " o.ordered_at, o.status, NULL"
    " FROM orders o JOIN customers c ON c.id = o.customer_id"
    " WHERE o.id > ?2 AND o.status = 'completed' AND o.ordered_at <= ?1"
    " AND NOT EXISTS (SELECT 1 FROM loyalty_ledger l"
    "   WHERE l.idempotency_key = 'order:' || o.external_id || ':earn')"
    " ORDER BY o.id LIMIT ?3";

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

static const struct source {
  enum mi_stmt_slot sql;
  const char *text, *type, *key;
} sources[] = {
    [MI_POINT_ORDERS] = {MI_SQL_POINT_ORDERS, orders_sql, "order", "order"},
    [MI_POINT_RESPONSES] = {MI_SQL_POINT_RESPONSES, responses_sql, "survey", "response"},
    [MI_POINT_FEEDBACK] = {MI_SQL_POINT_FEEDBACK, feedback_sql, "feedback", "feedback"},
};

const char *mi_point_source_name(mi_point_source src) {
  return (unsigned)src <= MI_POINT_FEEDBACK ? sources[src].key : "?";
}

int mi_point_events_uncredited(mi_store *s, mi_point_source src, int64_t as_of, int64_t after_id,
                               int limit, mi_point_event_cb cb, void *ctx, mi_err *e) {
  if (!s || !cb || limit <= 0 || (unsigned)src > MI_POINT_FEEDBACK)
    return mi_err_set(e, MI_EINVAL, "point events need a store, a source, a limit and a callback");
  sqlite3_stmt *st = mi_store_stmt(s, sources[src].sql, sources[src].text, e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, as_of);
  sqlite3_bind_int64(st, 2, after_id);
  sqlite3_bind_int(st, 3, limit);
  int rc;
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

int mi_point_reversals_pending(mi_store *s, int64_t after_id, int limit, mi_point_reversal_cb cb,
                               void *ctx, mi_err *e) {
  if (!s || !cb || limit <= 0)
    return mi_err_set(e, MI_EINVAL, "pending reversals need a store, a limit and a callback");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_POINT_REVERSALS,
      "SELECT o.id, o.external_id, l.customer_id, c.external_id, l.id, l.points"
      " FROM orders o JOIN loyalty_ledger l ON l.idempotency_key = 'order:' || o.external_id || ':earn'"
      " JOIN customers c ON c.id = l.customer_id"
      " WHERE o.id > ?1 AND o.status = 'refunded' AND l.kind = 'earn'"
      " AND NOT EXISTS (SELECT 1 FROM loyalty_ledger r"
      "   WHERE r.idempotency_key = 'order:' || o.external_id || ':reverse')"
      " ORDER BY o.id LIMIT ?2",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, after_id);
  sqlite3_bind_int(st, 2, limit);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_point_reversal r = {
        .order_id = sqlite3_column_int64(st, 0),
        .order = (const char *)sqlite3_column_text(st, 1),
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
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, "reading refunded orders");
  sqlite3_reset(st);
  return 0;
}

static int fits(int n, size_t size) { return n > 0 && (size_t)n < size ? 0 : MI_EINVAL; }

int mi_point_key_earn(mi_point_source src, const char *external_id, char *buf, size_t size) {
  if (!external_id || !buf) return MI_EINVAL;
  if ((unsigned)src > MI_POINT_FEEDBACK) return MI_EINVAL;
  return fits(snprintf(buf, size, "%s:%s:earn", sources[src].key, external_id), size);
}

int mi_point_key_reverse(const char *order_external_id, char *buf, size_t size) {
  if (!order_external_id || !buf) return MI_EINVAL;
  return fits(snprintf(buf, size, "order:%s:reverse", order_external_id), size);
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
