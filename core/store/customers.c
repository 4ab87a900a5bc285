#include "store/customers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/put.h"

static const char *const insert_sql =
    "INSERT INTO customers(external_id, name, kind, region, industry, phone, email, birthday,"
    " consent_email, consent_sms, consent_phone, created_at, special_needs)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    " ON CONFLICT(external_id) DO NOTHING";

static const char *const update_sql =
    "UPDATE customers SET name = ?2, kind = ?3, region = ?4, industry = ?5, phone = ?6,"
    " email = ?7, birthday = ?8, consent_email = ?9, consent_sms = ?10, consent_phone = ?11,"
    " created_at = ?12, special_needs = ?13"
    " WHERE external_id = ?1 AND (name IS NOT ?2 OR kind IS NOT ?3 OR region IS NOT ?4"
    " OR industry IS NOT ?5 OR phone IS NOT ?6 OR email IS NOT ?7 OR birthday IS NOT ?8"
    " OR consent_email IS NOT ?9 OR consent_sms IS NOT ?10 OR consent_phone IS NOT ?11"
    " OR created_at IS NOT ?12 OR special_needs IS NOT ?13) RETURNING id";

static int bind_customer(sqlite3_stmt *st, const void *row) {
  const mi_customer *c = row;
  int rc = sqlite3_bind_text(st, 1, c->external_id, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_text(st, 3, c->kind, -1, SQLITE_STATIC);
  rc |= mi_bind_text_or_null(st, 4, c->region);
  rc |= mi_bind_text_or_null(st, 5, c->industry);
  rc |= mi_bind_text_or_null(st, 6, c->phone);
  rc |= mi_bind_text_or_null(st, 7, c->email);
  rc |= mi_bind_text_or_null(st, 8, c->birthday);
  rc |= sqlite3_bind_int(st, 9, c->consent_email);
  rc |= sqlite3_bind_int(st, 10, c->consent_sms);
  rc |= sqlite3_bind_int(st, 11, c->consent_phone);
  rc |= sqlite3_bind_int64(st, 12, c->created_at);
  rc |= mi_bind_text_or_null(st, 13, c->special_needs);
  return rc;
}

/* The grams of a name as the triggers of migration 16 make them: every
 * substr(lower(name), n, 2) for n up to length(name); ?1 the id, ?2 the name. */
#define NAME_GRAMS "SELECT substr(lower(?2), n, 2) FROM mi_seq WHERE n <= length(?2)"

/* What the update trigger does, for a customer renamed while the triggers
 * are off: the old name's grams go, the new name's come. */
static int regram(mi_store *s, int64_t id, const char *old_name, const char *name, mi_err *e) {
  static const char *const sql[2] = {
      "DELETE FROM customer_name_grams WHERE customer_id = ?1 AND gram IN (" NAME_GRAMS ")",
      "INSERT OR IGNORE INTO customer_name_grams (gram, customer_id)"
      " SELECT substr(lower(?2), n, 2), ?1 FROM mi_seq WHERE n <= length(?2)"};
  static const enum mi_stmt_slot slots[2] = {MI_SQL_CUSTOMER_GRAMS_DROP, MI_SQL_CUSTOMER_GRAMS_ADD};
  const char *names[2] = {old_name, name};
  for (int i = 0; i < 2; i++) {
    sqlite3_stmt *st = mi_store_stmt(s, slots[i], sql[i], e);
    if (!st) return e ? e->code : MI_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, names[i], -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "indexing a customer's name");
  }
  return 0;
}

/* mi_customer_put while the grams are deferred: a new customer's grams come
 * with the catch-up; a stored one's name is read before the update so that
 * a rename changes its grams at once. */
static int put_deferred(mi_store *s, const mi_customer *c, mi_err *e) {
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_CUSTOMER_INSERT, insert_sql, e);
  if (!st) return e ? e->code : MI_ESTORE;
  if (bind_customer(st, c) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
    return mi_store_fail(s, e, "storing customer");
  if (sqlite3_changes(s->db) == 1) return MI_PUT_INSERTED;
  st = mi_store_stmt(s, MI_SQL_CUSTOMER_NAME_OF,
                     "SELECT id, name FROM customers WHERE external_id = ?1", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, c->external_id, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_ROW) return mi_store_fail(s, e, "storing customer");
  int64_t id = sqlite3_column_int64(st, 0);
  char *old_name = mi_column_strdup(st, 1);
  sqlite3_reset(st);
  if (!old_name) return mi_err_set(e, MI_ENOMEM, "out of memory");
  int rc = MI_PUT_UNCHANGED;
  if (!(st = mi_store_stmt(s, MI_SQL_CUSTOMER_UPDATE, update_sql, e))) rc = e ? e->code : MI_ESTORE;
  else if (bind_customer(st, c) != SQLITE_OK) rc = mi_store_fail(s, e, "storing customer");
  else {
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) rc = MI_PUT_UPDATED;
    else if (step != SQLITE_DONE) rc = mi_store_fail(s, e, "storing customer");
    sqlite3_reset(st);
  }
  if (rc == MI_PUT_UPDATED && strcmp(old_name, c->name) && regram(s, id, old_name, c->name, e))
    rc = e->code;
  free(old_name);
  return rc;
}

int mi_customer_put(mi_store *s, const mi_customer *c, mi_err *e) {
  if (!s || !c || !c->external_id || !c->name || !c->kind)
    return mi_err_set(e, MI_EINVAL, "customer needs an external id, a name and a kind");
  if (s->grams_deferred) return put_deferred(s, c, e);
  return mi_store_put(s, MI_SQL_CUSTOMER_INSERT, insert_sql, MI_SQL_CUSTOMER_UPDATE, update_sql,
                      bind_customer, c, NULL, "storing customer", e);
}

/* The largest customer id (0: none) into *out. */
static int last_id(mi_store *s, int64_t *out, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT ifnull(max(id), 0) FROM customers", -1, &st, NULL) !=
      SQLITE_OK)
    return mi_store_fail(s, e, "reading the customers");
  int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : mi_store_fail(s, e, "reading the customers");
  *out = rc ? 0 : sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc;
}

int mi_customer_grams_defer(mi_store *s, int on, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "no store");
  if (s->in_txn) return mi_err_set(e, MI_EINVAL, "the name index can change only between transactions");
  if (on && last_id(s, &s->grams_mark, e)) return e->code;
  /* SQLite prepares the cached statements again: triggers are compiled in */
  if (sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, !on, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "changing the triggers");
  s->grams_deferred = on;
  return 0;
}

/* New customers whose grams one sorted statement of the catch-up makes. The
 * statement's sorter and its statement journal (kept in memory, open.c) grow
 * with what it inserts, so a whole import's grams in one statement took
 * 256 MiB of sorter and more; 50,000 customers (about 350,000 grams) keep
 * them to a few MiB and sort faster too (bench/README.md, "bounded memory"). */
enum { GRAMS_CHUNK = 50000 };

int mi_customer_grams_catch_up(mi_store *s, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "no store");
  if (!s->grams_deferred) return 0;
  /* New rows get ids past the largest (SQLite's rowid rule), so the rows past
   * the mark are those inserted since the last catch-up; a rolled-back row is
   * simply not there. Sorted by the key, the grams go into the index in order,
   * one range of ids at a time. */
  int64_t last;
  if (last_id(s, &last, e)) return e->code;
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_CUSTOMER_GRAMS_CATCH_UP,
      "INSERT OR IGNORE INTO customer_name_grams (gram, customer_id)"
      " SELECT substr(lower(c.name), q.n, 2), c.id FROM customers c"
      " JOIN mi_seq q ON q.n <= length(c.name) WHERE c.id > ?1 AND c.id <= ?2 ORDER BY 1, 2",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  for (int64_t from = s->grams_mark; from < last;) {
    int64_t to = last - from > GRAMS_CHUNK ? from + GRAMS_CHUNK : last;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mi_store_fail(s, e, "indexing the customers' names");
    sqlite3_reset(st);
    if (rc) return rc;
    from = to;
  }
  s->grams_mark = last;
  return 0;
}

int mi_customer_id(mi_store *s, const char *external_id, int64_t *id, mi_err *e) {
  int rc = mi_store_lookup_id(s, MI_SQL_CUSTOMER_ID,
                            "SELECT id FROM customers WHERE external_id = ?1", external_id, id, e);
  return rc == MI_ENOTFOUND ? mi_err_set(e, rc, "unknown customer '%s'", external_id) : rc;
}

enum { F_EXTERNAL_ID, F_NAME, F_KIND, F_REGION, F_INDUSTRY, F_PHONE, F_EMAIL, F_BIRTHDAY,
       F_TIER, F_SPECIAL_NEEDS, F_TEXT_COUNT };

int mi_customer_get(mi_store *s, const char *external_id, mi_customer *out, mi_err *e) {
  if (!s || !external_id || !out) return mi_err_set(e, MI_EINVAL, "no customer id given");
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_CUSTOMER_GET,
      "SELECT external_id, name, kind, region, industry, phone, email, birthday, tier,"
      " special_needs, id, consent_email, consent_sms, consent_phone, created_at"
      " FROM customers WHERE external_id = ?1",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return mi_err_set(e, MI_ENOTFOUND, "unknown customer '%s'", external_id);
  if (rc != SQLITE_ROW) return mi_store_fail(s, e, "reading customer");
  /* Copy every text column into one block so the caller frees once. */
  size_t total = 0;
  for (int i = 0; i < F_TEXT_COUNT; i++) total += (size_t)sqlite3_column_bytes(st, i) + 1;
  char *block = malloc(total), *p = block;
  if (!block) {
    sqlite3_reset(st);
    return mi_err_set(e, MI_ENOMEM, "out of memory reading customer");
  }
  const char **fields[F_TEXT_COUNT] = {&out->external_id, &out->name, &out->kind,
                                       &out->region, &out->industry, &out->phone,
                                       &out->email, &out->birthday, &out->tier,
                                       &out->special_needs};
  for (int i = 0; i < F_TEXT_COUNT; i++) {
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = (size_t)sqlite3_column_bytes(st, i);
    if (!t) continue;
    memcpy(p, t, n + 1);
    *fields[i] = p;
    p += n + 1;
  }
  out->id = sqlite3_column_int64(st, 10);
  out->consent_email = sqlite3_column_int(st, 11);
  out->consent_sms = sqlite3_column_int(st, 12);
  out->consent_phone = sqlite3_column_int(st, 13);
  out->created_at = sqlite3_column_int64(st, 14);
  out->owned = block;
  sqlite3_reset(st);
  return 0;
}

void mi_customer_release(mi_customer *c) {
  if (!c) return;
  free(c->owned);
  memset(c, 0, sizeof *c);
}

int mi_customer_summary_get(mi_store *s, int64_t customer_id, int64_t now,
                            mi_customer_summary *out, mi_err *e) {
  if (!s || !out) return mi_err_set(e, MI_EINVAL, "no customer given");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_CUSTOMER_SUMMARY,
      "SELECT"
      " (SELECT count(*) FROM orders WHERE customer_id = ?1),"
      " (SELECT count(*) FROM orders WHERE customer_id = ?1 AND ordered_at >= ?2"
      "   AND status NOT IN ('cancelled', 'refunded')),"
      " (SELECT coalesce(sum(amount_minor), 0) FROM orders WHERE customer_id = ?1"
      "   AND ordered_at >= ?2 AND status NOT IN ('cancelled', 'refunded')),"
      " (SELECT coalesce(sum(amount_minor), 0) FROM orders WHERE customer_id = ?1"
      "   AND status NOT IN ('cancelled', 'refunded')),"
      " (SELECT coalesce(max(ordered_at), 0) FROM orders WHERE customer_id = ?1),"
      " (SELECT count(*) FROM orders WHERE customer_id = ?1 AND status = 'refunded'),"
      " (SELECT count(*) FROM interactions WHERE customer_id = ?1),"
      " (SELECT count(*) FROM tickets WHERE customer_id = ?1),"
      " (SELECT count(*) FROM tickets WHERE customer_id = ?1"
      "   AND status NOT IN ('resolved', 'closed')),"
      " (SELECT count(*) FROM tickets WHERE customer_id = ?1 AND kind = 'complaint'"
      "   AND status NOT IN ('resolved', 'closed')),"
      " (SELECT count(*) FROM responses WHERE customer_id = ?1),"
      " (SELECT coalesce(sum(points), 0) FROM loyalty_ledger WHERE customer_id = ?1),"
      " (SELECT avg(" MI_SQL_SCALE("r", "q") ") FROM responses r"
      "   JOIN questions q ON q.survey_id = r.survey_id"
      "   WHERE r.customer_id = ?1 AND q.dimension = 'overall')",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, customer_id);
  sqlite3_bind_int64(st, 2, now - 365 * 86400);
  if (sqlite3_step(st) != SQLITE_ROW) {
    char who[24];
    snprintf(who, sizeof who, "#%lld", (long long)customer_id);
    int rc = mi_store_fail_customer(s, e, "summarising customer", who);
    sqlite3_reset(st);
    return rc;
  }
  int64_t *f[] = {&out->orders, &out->orders_12m, &out->spend_12m_minor, &out->lifetime_minor,
                  &out->last_order_at, &out->refunded_orders, &out->interactions,
                  &out->tickets, &out->open_tickets, &out->open_complaints, &out->responses,
                  &out->points};
  for (int i = 0; i < 12; i++) *f[i] = sqlite3_column_int64(st, i);
  out->avg_overall = sqlite3_column_type(st, 12) == SQLITE_NULL ? NAN
                                                                 : sqlite3_column_double(st, 12);
  sqlite3_reset(st);
  return 0;
}

int mi_customer_page(mi_store *s, int64_t after_id, int limit, int64_t *ids, char (*external)[65],
                     int *n, mi_err *e) {
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_CUSTOMER_PAGE,
      "SELECT id, external_id FROM customers WHERE id > ?1 ORDER BY id LIMIT ?2", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, after_id);
  sqlite3_bind_int(st, 2, limit);
  int rc;
  *n = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    ids[*n] = sqlite3_column_int64(st, 0);
    snprintf(external[*n], 65, "%s", (const char *)sqlite3_column_text(st, 1));
    ++*n;
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "listing customers");
}

int mi_customer_consents(const mi_customer *c, const char *channel) {
  if (!strcmp(channel, "email")) return c->consent_email;
  if (!strcmp(channel, "sms")) return c->consent_sms;
  if (!strcmp(channel, "phone")) return c->consent_phone;
  return 1;
}
