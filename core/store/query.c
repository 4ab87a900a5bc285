/* Read-only ad hoc SQL (see query.h): a connection of its own, opened
 * read-only and with PRAGMA query_only, and an authorizer that allows only
 * what reads. The allow and refuse lists are data below. */
#include "store/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/scope.h"
#include "store/store_internal.h"

#define PROGRESS_STEPS 4000         /* VM steps between two polls of stop */
#define MAX_VALUE_BYTES 100000000   /* the longest string or blob a query may build */

struct mi_query {
  sqlite3 *db;
  int (*stop)(void *ud);
  void *stop_ud;
  char refused[300]; /* what the authorizer refused in the last prepare, or "" */
  int refused_internal; /* ... and it was SQLite's own bookkeeping (sqlite_master) */
  int refused_read; /* ... and it was reading a restricted table (named in refused) */
  int warming; /* open: eponymous tables are being set up (see warm_up) */
  int hide_personal; /* personal columns read as NULL, restricted tables refused */
};

struct mi_query_stmt {
  mi_query *q;
  sqlite3_stmt *st;
};

/* Pragmas that only describe the schema; their argument is a table or index. */
static const char *const describe_pragmas[] = {
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", NULL};

/* Functions refused although reading: they reach outside the database. */
static const char *const refused_functions[] = {"load_extension", "fts3_tokenizer", NULL};

/* How a refused action is named: the verb, and which argument names the object. */
static const struct {
  int code;
  const char *verb;
  int arg; /* 1 or 2: the authorizer argument that names the object; 0: none */
} actions[] = {
    {SQLITE_INSERT, "INSERT into", 1},
    {SQLITE_UPDATE, "UPDATE of", 1},
    {SQLITE_DELETE, "DELETE from", 1},
    {SQLITE_CREATE_TABLE, "CREATE TABLE", 1},
    {SQLITE_CREATE_TEMP_TABLE, "CREATE TEMP TABLE", 1},
    {SQLITE_CREATE_INDEX, "CREATE INDEX", 1},
    {SQLITE_CREATE_TEMP_INDEX, "CREATE INDEX", 1},
    {SQLITE_CREATE_VIEW, "CREATE VIEW", 1},
    {SQLITE_CREATE_TEMP_VIEW, "CREATE TEMP VIEW", 1},
    {SQLITE_CREATE_TRIGGER, "CREATE TRIGGER", 1},
    {SQLITE_CREATE_TEMP_TRIGGER, "CREATE TEMP TRIGGER", 1},
    {SQLITE_CREATE_VTABLE, "CREATE VIRTUAL TABLE", 1},
    {SQLITE_DROP_TABLE, "DROP TABLE", 1},
    {SQLITE_DROP_TEMP_TABLE, "DROP TABLE", 1},
    {SQLITE_DROP_INDEX, "DROP INDEX", 1},
    {SQLITE_DROP_TEMP_INDEX, "DROP INDEX", 1},
    {SQLITE_DROP_VIEW, "DROP VIEW", 1},
    {SQLITE_DROP_TEMP_VIEW, "DROP VIEW", 1},
    {SQLITE_DROP_TRIGGER, "DROP TRIGGER", 1},
    {SQLITE_DROP_TEMP_TRIGGER, "DROP TRIGGER", 1},
    {SQLITE_DROP_VTABLE, "DROP VIRTUAL TABLE", 1},
    {SQLITE_ALTER_TABLE, "ALTER TABLE", 2},
    {SQLITE_ATTACH, "ATTACH of", 1},
    {SQLITE_DETACH, "DETACH of", 1},
    {SQLITE_REINDEX, "REINDEX of", 1},
    {SQLITE_ANALYZE, "ANALYZE of", 1},
    {SQLITE_TRANSACTION, "transaction control:", 1},
    {SQLITE_SAVEPOINT, "SAVEPOINT", 2},
    {SQLITE_PRAGMA, "PRAGMA", 1},
    {SQLITE_FUNCTION, "the function", 2},
    {0, NULL, 0}};

static int in_list(const char *s, const char *const *list) {
  for (; s && *list; list++)
    if (!sqlite3_stricmp(s, *list)) return 1;
  return 0;
}

static int is_internal(const char *table) { return table && !strncmp(table, "sqlite_", 7); }

/* The first refusal is the one to report, unless it was bookkeeping that
 * follows from the statement (DROP TABLE first deletes from sqlite_master). */
static void note_refusal(mi_query *q, int action, const char *a1, const char *a2) {
  int internal = is_internal(a1);
  if (q->refused[0] && (!q->refused_internal || internal)) return;
  q->refused_internal = internal;
  for (int i = 0; actions[i].verb; i++) {
    if (actions[i].code != action) continue;
    const char *obj = actions[i].arg == 1 ? a1 : actions[i].arg == 2 ? a2 : NULL;
    snprintf(q->refused, sizeof q->refused, "%s%s%s", actions[i].verb, obj ? " " : "",
             obj ? obj : "");
    return;
  }
  snprintf(q->refused, sizeof q->refused, "an action that is not reading (SQLite action %d)",
           action);
}

static int authorize(void *ud, int action, const char *a1, const char *a2, const char *db,
                     const char *trigger) {
  (void)db;
  (void)trigger;
  mi_query *q = ud;
  switch (action) {
  case SQLITE_READ:
    if (!q->hide_personal) return SQLITE_OK;
    /* The audit log and the roles are not for analysts, whatever the path
     * (a view, a subquery, a trigger): refuse naming the table. */
    if (mi_scope_restricted_table(a1)) {
      if (!q->refused[0])
        snprintf(q->refused, sizeof q->refused, "%s", a1), q->refused_read = 1;
      return SQLITE_DENY;
    }
    /* SQLITE_IGNORE: the column reads as NULL, in any query shape; views
     * are checked on the tables they read. */
    if (mi_scope_personal_column(a1, a2)) return SQLITE_IGNORE;
    return SQLITE_OK;
  case SQLITE_SELECT:
  case SQLITE_RECURSIVE: return SQLITE_OK;
  case SQLITE_FUNCTION:
    if (!in_list(a2, refused_functions)) return SQLITE_OK;
    break;
  case SQLITE_PRAGMA:
    if (in_list(a1, describe_pragmas)) return SQLITE_OK;
    break;
  case SQLITE_UPDATE:
    if (q->warming && is_internal(a1)) return SQLITE_OK;
    break;
  default: break;
  }
  note_refusal(q, action, a1, a2);
  /* SQLite's own tables come first in a DROP or CREATE: let the check go on
   * to the statement's own action, which names what the analyst wrote.
   * The prepare fails all the same (mi_query_prepare sees the note). */
  return is_internal(a1) ? SQLITE_OK : SQLITE_DENY;
}

static int progress(void *ud) {
  mi_query *q = ud;
  return q->stop && q->stop(q->stop_ud);
}

/* The first use of an eponymous virtual table such as pragma_table_info()
 * in a connection asks to UPDATE sqlite_master (nothing is written). That
 * is allowed here, once, at open, so that later an analyst's
 * pragma_table_info('t') is a read and an UPDATE of sqlite_master is not. */
static void warm_up(mi_query *q) {
  q->warming = 1;
  for (int i = 0; describe_pragmas[i]; i++) {
    char sql[96];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT * FROM pragma_%s", describe_pragmas[i]);
    if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) == SQLITE_OK) sqlite3_finalize(st);
  }
  q->warming = 0;
}

static int fail(mi_query *q, mi_err *e, const char *what) {
  int code = sqlite3_errcode(q->db);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    return mi_err_set(e, MI_EBUSY, "%s: the database is locked by another process (%s)", what,
                      sqlite3_errmsg(q->db));
  if (code == SQLITE_INTERRUPT) return mi_err_set(e, MI_ESTORE, "%s: interrupted", what);
  return mi_err_set(e, MI_ESTORE, "%s: %s", what, sqlite3_errmsg(q->db));
}

int mi_query_open(mi_store *s, mi_query **out, mi_err *e) {
  if (out) *out = NULL;
  if (!s || !out) return mi_err_set(e, MI_EINVAL, "mi_query_open: a store and out are required");
  mi_query *q = calloc(1, sizeof *q);
  if (!q) return mi_err_set(e, MI_ENOMEM, "out of memory");
  if (sqlite3_open_v2(s->path, &q->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) !=
      SQLITE_OK) {
    mi_err_set(e, MI_ESTORE, "cannot open %s for reading: %s", s->path,
               q->db ? sqlite3_errmsg(q->db) : "out of memory");
    mi_query_close(q);
    return MI_ESTORE;
  }
  sqlite3_busy_timeout(q->db, 5000);
  sqlite3_limit(q->db, SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES);
  sqlite3_limit(q->db, SQLITE_LIMIT_ATTACHED, 0);
  if (sqlite3_exec(q->db, "PRAGMA query_only = 1", NULL, NULL, NULL) != SQLITE_OK) {
    int rc = fail(q, e, "opening the database for reading");
    mi_query_close(q);
    return rc;
  }
  sqlite3_set_authorizer(q->db, authorize, q);
  warm_up(q);
  sqlite3_progress_handler(q->db, PROGRESS_STEPS, progress, q);
  *out = q;
  return 0;
}

void mi_query_hide_personal(mi_query *q, int on) {
  if (q) q->hide_personal = on != 0;
}

void mi_query_close(mi_query *q) {
  if (!q) return;
  sqlite3_close_v2(q->db);
  free(q);
}

void mi_query_set_stop(mi_query *q, int (*stop)(void *ud), void *ud) {
  if (!q) return;
  q->stop = stop;
  q->stop_ud = ud;
}

/* Skips white space, comments and semicolons; returns where something else starts. */
static const char *skip_blank(const char *p) {
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == ';') p++;
    if (p[0] == '-' && p[1] == '-') {
      p += strcspn(p, "\n");
    } else if (p[0] == '/' && p[1] == '*') {
      const char *end = strstr(p + 2, "*/");
      p = end ? end + 2 : p + strlen(p);
    } else {
      return p;
    }
  }
}

int mi_query_prepare(mi_query *q, const char *sql, mi_query_stmt **out, mi_err *e) {
  if (out) *out = NULL;
  if (!q || !sql || !out) return mi_err_set(e, MI_EINVAL, "mi_query_prepare: q, sql and out are required");
  q->refused[0] = '\0';
  q->refused_internal = q->refused_read = 0;
  sqlite3_stmt *st = NULL;
  const char *tail = NULL;
  int rc = sqlite3_prepare_v2(q->db, sql, -1, &st, &tail);
  if (q->refused_read) {
    sqlite3_finalize(st);
    return mi_err_set(e, MI_EINVAL,
                      "SQL: reading %s is refused: only admins and auditors read it ('manyi "
                      "audit list', 'manyi role list')",
                      q->refused);
  }
  if (rc != SQLITE_OK) {
    if (q->refused[0])
      return mi_err_set(e, MI_EINVAL,
                        "SQL here only reads: %s is refused (data changes through manyi "
                        "import, eval and points)",
                        q->refused);
    if (rc == SQLITE_BUSY || rc == SQLITE_INTERRUPT) return fail(q, e, "preparing the query");
    return mi_err_set(e, MI_EINVAL, "SQL: %s", sqlite3_errmsg(q->db));
  }
  if (st && q->refused[0]) { /* only SQLite's own tables were refused: refuse it now */
    sqlite3_finalize(st);
    return mi_err_set(e, MI_EINVAL,
                      "SQL here only reads: %s is refused (data changes through manyi "
                      "import, eval and points)",
                      q->refused);
  }
  if (!st) return mi_err_set(e, MI_EINVAL, "SQL: no statement given");
  if (*skip_blank(tail)) {
    sqlite3_finalize(st);
    return mi_err_set(e, MI_EINVAL,
                      "SQL: one statement at a time (there is more after the first ';')");
  }
  mi_query_stmt *s = malloc(sizeof *s);
  if (!s) {
    sqlite3_finalize(st);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  s->q = q;
  s->st = st;
  *out = s;
  return 0;
}

void mi_query_finalize(mi_query_stmt *st) {
  if (!st) return;
  sqlite3_finalize(st->st);
  free(st);
}

int mi_query_param_count(const mi_query_stmt *st) {
  return st ? sqlite3_bind_parameter_count(st->st) : 0;
}

int mi_query_bind(mi_query_stmt *st, int i, const mi_query_value *v, mi_err *e) {
  if (!st || !v) return mi_err_set(e, MI_EINVAL, "mi_query_bind: st and v are required");
  int rc;
  switch (v->type) {
  case MI_QUERY_INT: rc = sqlite3_bind_int64(st->st, i, v->i); break;
  case MI_QUERY_REAL: rc = sqlite3_bind_double(st->st, i, v->d); break;
  case MI_QUERY_TEXT:
    rc = sqlite3_bind_text64(st->st, i, v->s, v->len, SQLITE_TRANSIENT, SQLITE_UTF8);
    break;
  case MI_QUERY_BLOB: rc = sqlite3_bind_blob64(st->st, i, v->s, v->len, SQLITE_TRANSIENT); break;
  default: rc = sqlite3_bind_null(st->st, i); break;
  }
  if (rc == SQLITE_RANGE)
    return mi_err_set(e, MI_EINVAL, "SQL: parameter %d given, but the statement has %d", i,
                      sqlite3_bind_parameter_count(st->st));
  if (rc != SQLITE_OK) return fail(st->q, e, "binding a parameter");
  return 0;
}

int mi_query_column_count(const mi_query_stmt *st) {
  return st ? sqlite3_column_count(st->st) : 0;
}

const char *mi_query_column_name(const mi_query_stmt *st, int i) {
  const char *n = st ? sqlite3_column_name(st->st, i) : NULL;
  return n ? n : "?";
}

int mi_query_step(mi_query_stmt *st, mi_err *e) {
  if (!st) return mi_err_set(e, MI_EINVAL, "mi_query_step: no statement");
  int rc = sqlite3_step(st->st);
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  return fail(st->q, e, "running the query");
}

void mi_query_cell(mi_query_stmt *st, int i, mi_query_value *out) {
  memset(out, 0, sizeof *out);
  switch (sqlite3_column_type(st->st, i)) {
  case SQLITE_INTEGER:
    out->type = MI_QUERY_INT;
    out->i = sqlite3_column_int64(st->st, i);
    break;
  case SQLITE_FLOAT:
    out->type = MI_QUERY_REAL;
    out->d = sqlite3_column_double(st->st, i);
    break;
  case SQLITE_TEXT:
    out->type = MI_QUERY_TEXT;
    out->s = (const char *)sqlite3_column_text(st->st, i);
    out->len = (size_t)sqlite3_column_bytes(st->st, i);
    if (!out->s) out->type = MI_QUERY_NULL; /* out of memory reading it */
    break;
  case SQLITE_BLOB:
    out->type = MI_QUERY_BLOB;
    out->s = sqlite3_column_blob(st->st, i);
    out->len = (size_t)sqlite3_column_bytes(st->st, i);
    if (!out->s) out->s = "";
    break;
  default: out->type = MI_QUERY_NULL; break;
  }
}
