/* Transactions, the statement cache, and SQLite errors turned into mi_err. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/audit.h"
#include "store/store_internal.h"

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The committed head into the anchor file (audit.c), and when. */
static void write_anchor(mi_store *s) {
  mi_audit_anchor_write(s);
  s->anchor_at = now_seconds();
}

int mi_store_begin(mi_store *s, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "no store");
  if (s->in_txn) return mi_err_set(e, MI_EINVAL, "a transaction is already open");
  if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "starting a write transaction");
  s->in_txn = 1;
  s->audit_known = 0; /* another process may have appended since */
  return 0;
}

int mi_store_read_begin(mi_store *s, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "no store");
  if (s->in_txn) return mi_err_set(e, MI_EINVAL, "a transaction is already open");
  if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "starting to read");
  s->in_txn = 1;
  return 0;
}

mi_store *mi_store_reader(mi_store *s) {
  const char *path = mi_store_path(s);
  mi_store *r = NULL;
  mi_err oe = {0};
  if (!path || !*path || !strcmp(path, ":memory:")) return NULL;
  if (mi_store_open(path, MI_STORE_READONLY, &r, &oe) || mi_store_read_begin(r, &oe)) {
    mi_store_close(r);
    return NULL;
  }
  return r;
}

void mi_store_reader_close(mi_store *reader) {
  if (!reader) return;
  mi_store_rollback(reader);
  mi_store_close(reader);
}

int mi_store_prechecked(mi_store *s, int on, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "no store");
  if (s->in_txn) return mi_err_set(e, MI_EINVAL, "checks can change only between transactions");
  if (sqlite3_exec(s->db,
                   on ? "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON"
                      : "PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF",
                   NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, !on, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "changing the constraint checks");
  /* SQLite prepares the cached statements again: triggers are compiled in */
  return 0;
}

void mi_store_busy_wait(mi_store *s, int ms) {
  if (s) sqlite3_busy_timeout(s->db, s->busy_ms = ms);
}

int mi_store_commit(mi_store *s, mi_err *e) {
  if (!s || !s->in_txn) return mi_err_set(e, MI_EINVAL, "no transaction is open");
  if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    int rc = mi_store_fail(s, e, "committing");
    mi_store_rollback(s);
    return rc;
  }
  s->in_txn = 0;
  s->audit_known = 0;
  if (s->audit_head_id) {
    s->anchor_id = s->audit_head_id;
    memcpy(s->anchor_hash, s->audit_head_hash, sizeof s->anchor_hash);
    s->audit_head_id = 0;
  }
  if (s->anchor_id && (s->anchor_ms <= 0 || s->anchor_at == 0 ||
                       now_seconds() - s->anchor_at >= s->anchor_ms / 1000.0))
    write_anchor(s);
  return 0;
}

int mi_store_anchor_every(mi_store *s, int ms) {
  if (!s) return 0;
  int was = s->anchor_ms;
  s->anchor_ms = ms > 0 ? ms : 0;
  if (!s->anchor_ms && s->anchor_id) write_anchor(s);
  return was;
}

void mi_store_rollback(mi_store *s) {
  if (!s || !s->in_txn) return;
  sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  s->in_txn = 0;
  s->audit_head_id = 0;
  s->audit_known = 0;
}

void mi_store_settle(mi_store *s) {
  if (!s) return;
  for (sqlite3_stmt *st = sqlite3_next_stmt(s->db, NULL); st; st = sqlite3_next_stmt(s->db, st))
    sqlite3_reset(st);
  mi_store_rollback(s);
  if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int mi_store_savepoint(mi_store *s, mi_err *e) {
  if (sqlite3_exec(s->db, "SAVEPOINT mi_row", NULL, NULL, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "starting a savepoint");
  return 0;
}

void mi_store_release_savepoint(mi_store *s) {
  sqlite3_exec(s->db, "RELEASE mi_row", NULL, NULL, NULL);
}

void mi_store_rollback_savepoint(mi_store *s) {
  sqlite3_exec(s->db, "ROLLBACK TO mi_row; RELEASE mi_row", NULL, NULL, NULL);
  s->audit_known = 0; /* an entry appended in the savepoint is gone: read the head again */
}

void mi_column_copy(sqlite3_stmt *st, int col, char *out, size_t size) {
  const unsigned char *v = sqlite3_column_text(st, col);
  snprintf(out, size, "%s", v ? (const char *)v : "");
}

sqlite3_stmt *mi_store_stmt(mi_store *s, enum mi_stmt_slot slot, const char *sql, mi_err *e) {
  sqlite3_stmt *st = s->stmt[slot];
  if (!st) {
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
      mi_store_fail(s, e, "preparing a statement");
      return NULL;
    }
    s->stmt[slot] = st;
  } else {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
  return st;
}

int mi_store_fail(mi_store *s, mi_err *e, const char *what) {
  int os_errno = errno; /* of the failed write; SQLite does not always keep it */
  int rc = sqlite3_extended_errcode(s->db);
  const char *msg = sqlite3_errmsg(s->db);
  int code;
  switch (rc & 0xff) {
  case SQLITE_CONSTRAINT:
    code = (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) ? MI_EEXIST
                                                                                   : MI_EINVAL;
    break;
  case SQLITE_NOTADB:
  case SQLITE_CORRUPT:
    return mi_err_set(e, MI_ECORRUPT, "%s: %s is not a usable database (%s); manyi leaves it "
                      "untouched", what, s->path, msg);
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return mi_err_set(e, MI_EBUSY, "%s: %s is busy (another manyi is writing); try again "
                      "when it has finished", what, s->path);
  case SQLITE_FULL:
    return mi_err_set(e, MI_EIO, "%s: the disk is full; nothing was changed", what);
  case SQLITE_READONLY:
    return mi_err_set(e, MI_EIO, "%s: %s is read-only; nothing was changed", what, s->path);
  case SQLITE_NOMEM: code = MI_ENOMEM; break;
  case SQLITE_IOERR:
    /* A write cut short by a full disk, a quota or a file size limit is an
     * I/O error to SQLite (SQLITE_FULL only for some ENOSPC paths). */
    switch (sqlite3_system_errno(s->db) ? sqlite3_system_errno(s->db) : os_errno) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return mi_err_set(e, MI_EIO, "%s: the disk is full (or a size limit was reached) writing "
                        "%s; nothing was changed", what, s->path);
    }
    code = MI_EIO;
    break;
  case SQLITE_CANTOPEN: code = MI_EIO; break;
  default: code = MI_ESTORE;
  }
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    msg = "it refers to something that does not exist";
  return mi_err_set(e, code, "%s: %s", what, msg);
}

int mi_store_data_error(mi_store *s) {
  return sqlite3_errcode(s->db) == SQLITE_ERROR && strstr(sqlite3_errmsg(s->db), "overflow");
}

int mi_store_customer_error(mi_err *e, const char *what, const char *who, const char *why) {
  return mi_err_set(e, MI_EINVAL, "%s: the figures of customer %s cannot be computed: a sum of "
                    "its amounts or points is beyond 64 bits (%s); correct its orders (an amount "
                    "is at most " MI_AMOUNT_MAX_TEXT ") or its ledger", what, who, why);
}

int mi_store_fail_customer(mi_store *s, mi_err *e, const char *what, const char *who) {
  if (mi_store_data_error(s)) return mi_store_customer_error(e, what, who, sqlite3_errmsg(s->db));
  return mi_store_fail(s, e, what);
}

int mi_bind_text_or_null(sqlite3_stmt *st, int i, const char *v) {
  if (!v || !*v) return sqlite3_bind_null(st, i);
  return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

int mi_bind_int64_opt(sqlite3_stmt *st, int i, int has, int64_t v) {
  return has ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

char *mi_column_strdup(sqlite3_stmt *st, int col) {
  const unsigned char *t = sqlite3_column_text(st, col);
  return t ? strdup((const char *)t) : NULL;
}
