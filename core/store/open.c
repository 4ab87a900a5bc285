/* Opening a database: refuse what is not ours, set the connection up, migrate. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_internal.h"
#include "util/i18n.h"

/* PRAGMA application_id of a manyi database ("MNYI"), so a SQLite file of
 * another program is recognised and left alone. */
#define MI_APPLICATION_ID 0x4D4E5949

static int create_file_0600(const char *path, mi_err *e) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    return mi_err_set(e, MI_EIO, "cannot create database %s: %s", path, mi_strerror(errno));
  close(fd);
  return 0;
}

/* Checks the first bytes of an existing file: empty, a SQLite file, or other. */
static int classify_file(const char *path, int *empty, mi_err *e) {
  FILE *f = fopen(path, "rb");
  if (!f) return mi_err_set(e, MI_EIO, "cannot open database %s: %s", path, mi_strerror(errno));
  char head[16];
  size_t n = fread(head, 1, sizeof head, f);
  fclose(f);
  *empty = n == 0;
  if (n == 0) return 0;
  if (n < sizeof head || memcmp(head, "SQLite format 3", 16) != 0)
    return mi_err_set(e, MI_ECORRUPT,
                      "%s is not a SQLite database; manyi leaves it untouched "
                      "(give another --db path, or move the file away)",
                      path);
  return 0;
}

static int exec(mi_store *s, const char *sql, mi_err *e, const char *what) {
  if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) return mi_store_fail(s, e, what);
  return 0;
}

static int pragma_int(mi_store *s, const char *sql, int *out, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading the database header");
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *out = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW) return mi_store_fail(s, e, "reading the database header");
  return 0;
}

static int table_count(mi_store *s, int *out, mi_err *e) {
  return pragma_int(s, "SELECT count(*) FROM sqlite_schema", out, e);
}

static int migrate(mi_store *s, const mi_schema_step *steps, int nsteps, int readonly, mi_err *e) {
  int version, appid, tables;
  if (pragma_int(s, "PRAGMA user_version", &version, e) ||
      pragma_int(s, "PRAGMA application_id", &appid, e) || table_count(s, &tables, e))
    return e ? e->code : MI_ESTORE;
  if (tables > 0 && appid != MI_APPLICATION_ID)
    return mi_err_set(e, MI_ECORRUPT,
                      "%s is a SQLite database of another program (no manyi application id); "
                      "manyi leaves it untouched",
                      s->path);
  int latest = nsteps ? steps[nsteps - 1].version : 0;
  if (version > latest)
    return mi_err_set(e, MI_EVERSION,
                      "%s has schema version %d but this manyi knows only up to %d: "
                      "use a newer manyi",
                      s->path, version, latest);
  if (version == latest) return 0;
  if (readonly)
    return mi_err_set(e, MI_EVERSION,
                      "%s has schema version %d and needs migrating to %d: "
                      "open it once without read-only access",
                      s->path, version, latest);
  if (mi_store_begin(s, e)) return e ? e->code : MI_ESTORE;
  char sql[96];
  snprintf(sql, sizeof sql, "PRAGMA application_id = %d", MI_APPLICATION_ID);
  if (exec(s, sql, e, "marking the database as manyi's")) goto fail;
  for (int i = 0; i < nsteps; i++) {
    if (steps[i].version <= version) continue;
    if (exec(s, steps[i].sql, e, "migrating")) {
      mi_err_prefix(e, "schema step %s (version %d) failed; %s is unchanged", steps[i].name,
                    steps[i].version, s->path);
      goto fail;
    }
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", steps[i].version);
    if (exec(s, sql, e, "recording the schema version")) goto fail;
  }
  return mi_store_commit(s, e);
fail:
  mi_store_rollback(s);
  return e ? e->code : MI_ESTORE;
}

static int configure(mi_store *s, int readonly, mi_err *e) {
  sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  mi_store_busy_wait(s, MI_STORE_BUSY_MS);
  sqlite3_extended_result_codes(s->db, 1);
  if (exec(s, "PRAGMA foreign_keys = ON", e, "enabling foreign keys")) return e ? e->code : -1;
  /* A reader (the import's checking thread, the alert hook's look-ups of
   * customers at random) keeps up to 64 MiB of pages instead of reading
   * them from the file again; the cache grows only as needed. */
  if (readonly) return exec(s, "PRAGMA cache_size = -65536", e, "opening");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "opening");
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW) return mi_store_fail(s, e, "opening");
  /* Up to 256 MiB of page cache (SQLite's default is 2 MiB; it grows only as
   * needed) keeps the indexes of a million-row import in memory instead of
   * re-reading them; measured in bench/README.md. */
  return exec(s,
              "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144;"
              " PRAGMA temp.cache_size = -65536",
              e, "opening");
}

static int cache_of(mi_store *s, const char *schema, int *out, mi_err *e) {
  char sql[48];
  snprintf(sql, sizeof sql, "PRAGMA %s.cache_size", schema);
  return pragma_int(s, sql, out, e);
}

int mi_store_caches_swap(mi_store *s, const mi_store_caches *set, mi_store_caches *old, mi_err *e) {
  if (!s || !set) return mi_err_set(e, MI_EINVAL, "no store");
  mi_store_caches was;
  if (old && (cache_of(s, "main", &was.main, e) || cache_of(s, "temp", &was.temp, e)))
    return e ? e->code : MI_ESTORE;
  const char *schema[2] = {"main", "temp"};
  const int to[2] = {set->main, set->temp};
  for (int i = 0; i < 2; i++) {
    if (!to[i]) continue;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA %s.cache_size = %d", schema[i], to[i]);
    if (exec(s, sql, e, "setting the page cache")) return e ? e->code : MI_ESTORE;
  }
  if (old) *old = was;
  return 0;
}

/* Statement journals (SQLite's undo log for one statement inside a
 * transaction) normally spill to a temporary file past 64 KiB, which made a
 * million-row import write millions of small blocks; keep them in memory.
 * And no memory statistics: they take one process-wide lock for every
 * allocation, which the import's threads (checking, the alert hook,
 * storing) would contend for; manyi reads none. This is process-wide and
 * only possible before SQLite initialises, so it is done on the first open;
 * a failure (already initialised) is harmless. */
static void tune_sqlite_once(void) {
  static int done;
  if (done) return;
  done = 1;
  sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int mi_store_open_with(const char *path, int flags, const mi_schema_step *steps, int nsteps,
                       mi_store **out, mi_err *e) {
  tune_sqlite_once();
  if (!path || !*path || !out) return mi_err_set(e, MI_EINVAL, "no database path given");
  *out = NULL;
  int readonly = (flags & MI_STORE_READONLY) != 0, empty = 0;
  struct stat sb;
  if (stat(path, &sb) != 0) {
    if (errno != ENOENT || !(flags & MI_STORE_CREATE) || readonly)
      return mi_err_set(e, errno == ENOENT ? MI_ENOTFOUND : MI_EIO,
                        "no database at %s%s", path,
                        errno == ENOENT ? ": run 'manyi init' to create it" : "");
    if (create_file_0600(path, e)) return e ? e->code : MI_EIO;
    empty = 1;
  } else {
    if (!S_ISREG(sb.st_mode)) return mi_err_set(e, MI_EIO, "%s is not a regular file", path);
    if (sb.st_mode & (S_IWGRP | S_IWOTH))
      return mi_err_set(e, MI_EINVAL,
                        "other users can write the database %s (mode %04o): run 'chmod 600 %s'",
                        path, (unsigned)(sb.st_mode & 07777), path);
    if (classify_file(path, &empty, e)) return e ? e->code : MI_ECORRUPT;
    if (empty && !(flags & MI_STORE_CREATE))
      return mi_err_set(e, MI_ENOTFOUND, "%s is empty: run 'manyi init' to create a database",
                        path);
  }

  mi_store *s = calloc(1, sizeof *s);
  if (!s || !(s->path = strdup(path))) {
    free(s);
    return mi_err_set(e, MI_ENOMEM, "out of memory opening %s", path);
  }
  int oflags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  /* NOMUTEX: a connection is used by one thread at a time (a scan's reader
   * thread while its caller waits), so SQLite's per-call lock is only cost. */
  if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK) {
    mi_store_fail(s, e, "opening");
    goto fail;
  }
  if (configure(s, readonly, e) || migrate(s, steps, nsteps, readonly, e)) goto fail;
  *out = s;
  return 0;
fail:
  mi_store_close(s);
  return e && e->code ? e->code : MI_ESTORE;
}

int mi_store_open(const char *path, int flags, mi_store **out, mi_err *e) {
  return mi_store_open_with(path, flags, mi_schema_steps, mi_schema_step_count, out, e);
}

void mi_store_close(mi_store *s) {
  if (!s) return;
  for (int i = 0; i < MI_SQL_SLOT_COUNT; i++) sqlite3_finalize(s->stmt[i]);
  if (s->in_txn) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  s->in_txn = 0;
  mi_store_anchor_every(s, 0); /* a head held back by mi_store_anchor_every */
  sqlite3_close_v2(s->db);
  if (s->batch_depth) s->batch_depth = 1, mi_store_batch_unlock(s);
  free(s->path);
  free(s);
}

int mi_store_version(mi_store *s) {
  int v = -1;
  if (s) pragma_int(s, "PRAGMA user_version", &v, NULL);
  return v;
}

int mi_store_latest_version(void) { return mi_schema_steps[mi_schema_step_count - 1].version; }

const char *mi_store_path(const mi_store *s) { return s ? s->path : NULL; }
