/* The front desk's reads (desk.h): indexed look-ups, the history timeline,
 * agents and queues. Statements here run once per command, so they are
 * prepared per call rather than kept in slots. */
#include "store/desk.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define HIT_COLUMNS "c.external_id, c.name, c.phone, c.email, c.tier, c.kind"

static void hit_from(sqlite3_stmt *st, mi_customer_hit *h) {
  mi_column_copy(st, 0, h->external_id, sizeof h->external_id);
  mi_column_copy(st, 1, h->name, sizeof h->name);
  mi_column_copy(st, 2, h->phone, sizeof h->phone);
  mi_column_copy(st, 3, h->email, sizeof h->email);
  mi_column_copy(st, 4, h->tier, sizeof h->tier);
  mi_column_copy(st, 5, h->kind, sizeof h->kind);
}

/* Steps st (bound by the caller, LIMIT max + 1) into out; finalizes it
 * unless it is a kept statement (slot), which is reset. */
static int collect(mi_store *s, sqlite3_stmt *st, int kept, size_t max, mi_customer_hit *out,
                   size_t *n, int *more, mi_err *e) {
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == max) {
      *more = 1;
      continue;
    }
    hit_from(st, &out[(*n)++]);
  }
  if (kept) sqlite3_reset(st);
  else sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "finding customers");
}

/* Byte offsets of the UTF-8 characters of text (at most 201: names have at
 * most 200 characters); returns how many characters. */
static size_t char_starts(const char *text, size_t *starts, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; text[i]; i++)
    if (((unsigned char)text[i] & 0xc0) != 0x80) {
      if (n < cap) starts[n] = i;
      n++;
    }
  if (n < cap) starts[n] = strlen(text);
  return n;
}

/* The bigram of key with the fewest index entries (counted up to a cap). */
static int rarest_gram(mi_store *s, const char *key, char *gram, size_t size, mi_err *e) {
  size_t starts[202];
  size_t nc = char_starts(key, starts, 201);
  if (nc > 200) nc = 200;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT count(*) FROM (SELECT 1 FROM customer_name_grams WHERE gram = ?1"
                         " LIMIT 5000)",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "finding customers by name");
  int64_t best = -1;
  for (size_t i = 0; i + 1 < nc && best != 0; i++) {
    size_t len = starts[i + 2 <= nc ? i + 2 : nc] - starts[i];
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, key + starts[i], (int)len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
      sqlite3_finalize(st);
      return mi_store_fail(s, e, "finding customers by name");
    }
    int64_t count = sqlite3_column_int64(st, 0);
    if (best < 0 || count < best) {
      best = count;
      snprintf(gram, size, "%.*s", (int)len, key + starts[i]);
    }
  }
  sqlite3_finalize(st);
  return 0;
}

int mi_customer_find(mi_store *s, mi_find_by by, const char *key, size_t max,
                     mi_customer_hit *out, size_t *n, int *more, mi_err *e) {
  if (!s || !key || !out || !n || !more || !max)
    return mi_err_set(e, MI_EINVAL, "mi_customer_find: a store, a key and room for the results");
  *n = 0;
  *more = 0;
  if (!*key) return mi_err_set(e, MI_EINVAL, "nothing to look for");
  const char *sql = NULL;
  char gram[16] = "";
  int slot = -1; /* the exact look-ups keep their statement: a desk asks many */
  switch (by) {
  case MI_FIND_PHONE:
    sql = "SELECT " HIT_COLUMNS " FROM customers c WHERE c.phone_key = ?1 ORDER BY c.id LIMIT ?2";
    slot = MI_SQL_FIND_PHONE;
    break;
  case MI_FIND_EMAIL:
    sql = "SELECT " HIT_COLUMNS " FROM customers c WHERE c.email = ?1 COLLATE NOCASE"
          " ORDER BY c.id LIMIT ?2";
    slot = MI_SQL_FIND_EMAIL;
    break;
  case MI_FIND_ID:
    sql = "SELECT " HIT_COLUMNS " FROM customers c WHERE c.external_id = ?1 LIMIT ?2";
    slot = MI_SQL_FIND_ID;
    break;
  case MI_FIND_NAME: {
    size_t starts[3];
    if (char_starts(key, starts, 2) == 1) {
      /* every bigram that starts with the character (and the last
       * character of a name alone): a range of the index */
      sql = "SELECT " HIT_COLUMNS " FROM customers c WHERE c.id IN (SELECT customer_id FROM"
            " customer_name_grams WHERE gram >= ?1 AND gram < ?1 || char(1114111))"
            " ORDER BY c.id LIMIT ?2";
      break;
    }
    int rc = rarest_gram(s, key, gram, sizeof gram, e);
    if (rc) return rc;
    sql = "SELECT " HIT_COLUMNS " FROM customer_name_grams g JOIN customers c ON c.id = g.customer_id"
          " WHERE g.gram = ?3 AND instr(lower(c.name), ?1) > 0 ORDER BY g.customer_id LIMIT ?2";
    break;
  }
  default: return mi_err_set(e, MI_EINVAL, "mi_customer_find: unknown look-up");
  }
  sqlite3_stmt *st = NULL;
  if (slot >= 0) {
    if (!(st = mi_store_stmt(s, (enum mi_stmt_slot)slot, sql, e))) return e ? e->code : MI_ESTORE;
  } else if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
    return mi_store_fail(s, e, "finding customers");
  }
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)max + 1);
  if (*gram) sqlite3_bind_text(st, 3, gram, -1, SQLITE_STATIC);
  return collect(s, st, slot >= 0, max, out, n, more, e);
}

int mi_customer_history(mi_store *s, int64_t customer_id, int64_t limit,
                        const mi_history_words *words, mi_history_fn fn, void *ud, mi_err *e) {
  if (!s || !fn) return mi_err_set(e, MI_EINVAL, "mi_customer_history: a store and a callback");
  static const char sql[] =
      "SELECT at, what, ref, detail FROM ("
      " SELECT ordered_at AS at, 'order' AS what, external_id AS ref,"
      "   status || ' ' || (amount_minor / 100) || '.' || printf('%02d', amount_minor % 100) || ' '"
      "   || currency AS detail, id AS k FROM orders WHERE customer_id = ?1"
      " UNION ALL SELECT i.occurred_at, 'contact', i.external_id, i.channel || ' ' || i.direction"
      "   || coalesce(?3 || (SELECT external_id FROM staff WHERE id = i.staff_id), '')"
      "   || coalesce(': ' || i.summary, ''), i.id FROM interactions i WHERE i.customer_id = ?1"
      " UNION ALL SELECT e.at, 'ticket', t.external_id, t.kind || ' ' || e.kind"
      "   || coalesce(' ' || (e.detail ->> '$.stage'), '')"
      "   || CASE WHEN e.from_status IS NOT e.to_status AND e.to_status IS NOT NULL"
      "      THEN ' (' || coalesce(e.from_status || ' -> ', '') || e.to_status || ')' ELSE '' END"
      "   || ?3 || e.actor, e.id FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id"
      "   WHERE t.customer_id = ?1"
      " UNION ALL SELECT r.submitted_at, 'survey', r.external_id, v.code || ':' || coalesce((SELECT"
      "   group_concat(' ' || q.code || ' ' || (r.scale_answers ->> ('$.' || q.id)), '')"
      "   FROM questions q WHERE q.survey_id = r.survey_id AND q.open = 0"
      "   AND (r.scale_answers ->> ('$.' || q.id)) IS NOT NULL), '')"
      "   || CASE WHEN r.flagged THEN ?4 ELSE '' END, r.id"
      "   FROM responses r JOIN surveys v ON v.id = r.survey_id WHERE r.customer_id = ?1"
      " UNION ALL SELECT created_at, 'points', idempotency_key, kind || ' ' || points || ' ' || reason,"
      "   id FROM loyalty_ledger WHERE customer_id = ?1"
      " UNION ALL SELECT created_at, 'message', key, kind || ?3 || channel || ': ' || subject, id"
      "   FROM outbox WHERE customer_id = ?1"
      ") ORDER BY at DESC, what, k DESC LIMIT ?2";
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading a customer's history");
  sqlite3_bind_int64(st, 1, customer_id);
  sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
  sqlite3_bind_text(st, 3, words && words->by ? words->by : " by ", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, words && words->flagged ? words->flagged : " (flagged)", -1, SQLITE_STATIC);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_history_entry h = {.at = sqlite3_column_int64(st, 0),
                          .what = (const char *)sqlite3_column_text(st, 1),
                          .ref = (const char *)sqlite3_column_text(st, 2),
                          .detail = (const char *)sqlite3_column_text(st, 3)};
    if (!h.ref) h.ref = "";
    if (!h.detail) h.detail = "";
    stop = fn(&h, ud);
  }
  sqlite3_finalize(st);
  if (stop) return stop;
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "reading a customer's history");
}

int mi_agents_list(mi_store *s, mi_agent_row **out, size_t *n, mi_err *e) {
  if (!s || !out || !n) return mi_err_set(e, MI_EINVAL, "mi_agents_list: a store and outputs");
  *out = NULL;
  *n = 0;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          s->db,
          "SELECT m.external_id, m.name, d.code,"
          " coalesce((SELECT group_concat(skill, ';') FROM (SELECT skill FROM staff_skills"
          "   WHERE staff_id = m.id ORDER BY skill)), ''),"
          " (SELECT count(*) FROM tickets t WHERE t.assignee_id = m.id"
          "   AND t.status IN ('new', 'open', 'pending'))"
          " FROM staff m JOIN departments d ON d.id = m.department_id WHERE m.active = 1"
          " ORDER BY d.code, m.id",
          -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "listing the agents");
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 32;
      mi_agent_row *grown = realloc(*out, cap * sizeof *grown);
      if (!grown) {
        sqlite3_finalize(st);
        return mi_err_set(e, MI_ENOMEM, "out of memory listing the agents");
      }
      *out = grown;
    }
    mi_agent_row *a = &(*out)[(*n)++];
    mi_column_copy(st, 0, a->code, sizeof a->code);
    mi_column_copy(st, 1, a->name, sizeof a->name);
    mi_column_copy(st, 2, a->department, sizeof a->department);
    mi_column_copy(st, 3, a->skills, sizeof a->skills);
    a->open_load = sqlite3_column_int64(st, 4);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "listing the agents");
}

void mi_agents_free(mi_agent_row *rows) { free(rows); }

int mi_agent_last_served(mi_store *s, int64_t customer_id, char code[65], mi_err *e) {
  if (!s || !code) return mi_err_set(e, MI_EINVAL, "mi_agent_last_served: a store and a buffer");
  code[0] = '\0';
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          s->db,
          "SELECT m.external_id FROM ("
          " SELECT assignee_id AS staff, opened_at AS at FROM tickets"
          "   WHERE customer_id = ?1 AND assignee_id IS NOT NULL"
          " UNION ALL SELECT staff_id, occurred_at FROM interactions"
          "   WHERE customer_id = ?1 AND staff_id IS NOT NULL) x"
          " JOIN staff m ON m.id = x.staff ORDER BY x.at DESC, m.id LIMIT 1",
          -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "finding who last served the customer");
  sqlite3_bind_int64(st, 1, customer_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) mi_column_copy(st, 0, code, 65);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
                                               : mi_store_fail(s, e, "finding who last served the customer");
}

int mi_ticket_queue(mi_store *s, const char *department, const char *staff, mi_queue_row **out,
                    size_t *n, mi_err *e) {
  if (!s || !out || !n || !department == !staff)
    return mi_err_set(e, MI_EINVAL, "a queue is a department's or a staff member's");
  *out = NULL;
  *n = 0;
  sqlite3_stmt *st;
  const char *sql =
      department
          ? "SELECT t.external_id FROM tickets t JOIN departments d ON d.id = t.department_id"
            " WHERE d.code = ?1 AND t.status IN ('new', 'open', 'pending')"
          : "SELECT t.external_id FROM tickets t JOIN staff m ON m.id = t.assignee_id"
            " WHERE m.external_id = ?1 AND t.status IN ('new', 'open', 'pending')";
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading a queue");
  sqlite3_bind_text(st, 1, department ? department : staff, -1, SQLITE_STATIC);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 64;
      mi_queue_row *grown = realloc(*out, cap * sizeof *grown);
      if (!grown) {
        sqlite3_finalize(st);
        return mi_err_set(e, MI_ENOMEM, "out of memory reading a queue");
      }
      *out = grown;
    }
    mi_column_copy(st, 0, (*out)[(*n)++].external_id, sizeof(*out)->external_id);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "reading a queue");
}

int mi_desk_next_id(mi_store *s, const char *table, char prefix, char *buf, size_t size,
                    mi_err *e) {
  if (!s || !table || !buf || !size) return mi_err_set(e, MI_EINVAL, "no buffer for the id");
  const char *sql;
  if (!strcmp(table, "customers"))
    sql = "SELECT coalesce(max(CAST(substr(external_id, 2) AS INTEGER)), 0) + 1 FROM customers"
          " WHERE external_id GLOB ?1 || '[0-9]*' AND substr(external_id, 2) NOT GLOB '*[^0-9]*'";
  else if (!strcmp(table, "interactions"))
    sql = "SELECT coalesce(max(CAST(substr(external_id, 2) AS INTEGER)), 0) + 1 FROM interactions"
          " WHERE external_id GLOB ?1 || '[0-9]*' AND substr(external_id, 2) NOT GLOB '*[^0-9]*'";
  else
    return mi_err_set(e, MI_EINVAL, "no ids are chosen for %s", table);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "choosing an id");
  char p[2] = {prefix, '\0'};
  sqlite3_bind_text(st, 1, p, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  /* the width the example's ids have: C0000008, I00000001 */
  int width = !strcmp(table, "customers") ? 7 : 8;
  if (rc == SQLITE_ROW)
    snprintf(buf, size, "%c%0*lld", prefix, width, (long long)sqlite3_column_int64(st, 0));
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 0 : mi_store_fail(s, e, "choosing an id");
}
