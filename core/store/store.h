/* The SQLite store: opening, migrating and transactions. Entity functions are
 * declared in their own headers (customers.h, orders.h, ...). Nothing outside
 * core/store/ sees SQL or <sqlite3.h>. */
#ifndef MI_STORE_STORE_H
#define MI_STORE_STORE_H

#include <stdint.h>

#include "store/schema.h"
#include "util/err.h"

typedef struct mi_store mi_store;

/* What a put did. Entity put functions return one of these (> 0) or a
 * negative error code. */
enum { MI_PUT_INSERTED = 1, MI_PUT_UPDATED = 2, MI_PUT_UNCHANGED = 3 };

enum {
  MI_STORE_CREATE = 1 << 0,   /* create the file (mode 0600) if it does not exist */
  MI_STORE_READONLY = 1 << 1, /* open read-only; never migrates */
};

/* Opens the database at path. An existing database older than this manyi is
 * migrated in one transaction (a failed step leaves it untouched). A file that
 * is not a SQLite database, is damaged, or is a SQLite database of another
 * program is reported (MI_ECORRUPT) and left alone; a database newer than this
 * manyi is MI_EVERSION. On success *out is owned by the caller: mi_store_close. */
int mi_store_open(const char *path, int flags, mi_store **out, mi_err *e);

/* As mi_store_open, migrating with the given steps instead of the built-in
 * ones (for tests of the migration machinery). */
int mi_store_open_with(const char *path, int flags, const mi_schema_step *steps, int nsteps,
                       mi_store **out, mi_err *e);

void mi_store_close(mi_store *s);

/* The schema version (PRAGMA user_version) of the open database, and the
 * version this build migrates to. */
int mi_store_version(mi_store *s);
int mi_store_latest_version(void);
const char *mi_store_path(const mi_store *s);

/* Write transactions are BEGIN IMMEDIATE: a second writer waits busy_timeout
 * (MI_STORE_BUSY_MS after opening) and then gets MI_EBUSY rather than failing
 * half-way. Readers never wait: the database is in WAL mode. */
#define MI_STORE_BUSY_MS 5000
/* Sets how long the next writes wait for another process's write
 * transaction: ms milliseconds, 0 not at all. */
void mi_store_busy_wait(mi_store *s, int ms);
int mi_store_begin(mi_store *s, mi_err *e);
int mi_store_commit(mi_store *s, mi_err *e);
void mi_store_rollback(mi_store *s);
/* Ends whatever a caller left open on s: resets every statement (one
 * stepped and not reset keeps a read snapshot, so a long-lived connection
 * would read stale data and fail to write) and rolls back a transaction.
 * For a server between requests. */
void mi_store_settle(mi_store *s);
/* A read transaction: every read until mi_store_rollback sees the same
 * snapshot, and SQLite checks the database file once instead of at every
 * statement (a look-up per row of an import). */
int mi_store_read_begin(mi_store *s, mi_err *e);

/* A second, read-only connection to s's file in a read transaction, for a
 * thread that reads while s writes (NULL for an in-memory database or on
 * failure: the caller then does without). Its snapshot is taken at its first
 * read. Close it with mi_store_reader_close. */
mi_store *mi_store_reader(mi_store *s);
void mi_store_reader_close(mi_store *reader);

/* For a writer that has checked every field and resolved every reference of
 * its rows itself, within its own transaction, and does what the triggers on
 * its tables would do (the import of responses: it copies the invitation's
 * design, marks the invitation answered, and its new rows take ids past
 * every packed block): SQLite's CHECK and FOREIGN KEY constraints and the
 * triggers only repeat that work, at a cost of more than half the insert's
 * (a JSON parse, two look-ups and a trigger program a response), so on = 1
 * turns them off for this connection until called again with on = 0. UNIQUE,
 * NOT NULL and the column types still hold. Only between transactions. */
int mi_store_prechecked(mi_store *s, int on, mi_err *e);

/* The largest amount of one order, in minor units, and as text: sums of a
 * customer's orders (64-bit integers) then hold for over nine million orders
 * of that size each. Import refuses larger amounts. */
#define MI_AMOUNT_MAX_MINOR 999999999999LL
#define MI_AMOUNT_MAX_TEXT "9999999999.99"

/* Batches (import, eval tiers, eval points, the scheduler's batch jobs)
 * commit chunk by chunk; the batch lock keeps a second one from running at
 * the same time and mixing its chunks with the first's. Waits up to wait_ms
 * (MI_STORE_BUSY_MS, like a write) and then returns MI_EBUSY naming what
 * (the caller's words). Held until mi_store_batch_unlock (calls nest) or the
 * process ends (even by kill -9). The lock is the file DB-batch beside the
 * database (none for an in-memory database). */
#define MI_STORE_BATCH_SUFFIX "-batch"
int mi_store_batch_lock(mi_store *s, const char *what, int wait_ms, mi_err *e);
void mi_store_batch_unlock(mi_store *s);

/* Many small commits that each append to the audit log (the scheduler's
 * batches): the anchor file (audit.h) is written at most every ms
 * milliseconds instead of after each commit, and at once when ms is 0 again
 * or the store is closed; in between it names an older entry, as after a
 * crash between a commit and its anchor. Returns the interval before. */
int mi_store_anchor_every(mi_store *s, int ms);

/* A savepoint inside the open transaction, so one row's statements can be
 * undone without losing the rest of the batch. */
int mi_store_savepoint(mi_store *s, mi_err *e);
void mi_store_release_savepoint(mi_store *s);
void mi_store_rollback_savepoint(mi_store *s);

/* The connection's page caches, as PRAGMA cache_size gives them (< 0: KiB,
 * > 0: pages; 0 in *set: leave that one): the main database's, and temp's
 * (TEMP tables such as the import's key set, below). *old (may be NULL)
 * gets those in use before. A bulk job whose memory must not reach the
 * 256 MiB of an ordinary connection (open.c) lowers them, then puts *old back. */
typedef struct mi_store_caches {
  int main, temp;
} mi_store_caches;
int mi_store_caches_swap(mi_store *s, const mi_store_caches *set, mi_store_caches *old, mi_err *e);

/* PRAGMA integrity_check and foreign_key_check; 0 when both are clean. */
int mi_store_check(mi_store *s, mi_err *e);

/* Row counts of the main tables, for summaries. names[i] gets counts[i]. */
typedef struct mi_store_count {
  const char *table;
  int64_t rows;
} mi_store_count;
/* Fills up to max entries; returns how many or a negative code. */
int mi_store_counts(mi_store *s, mi_store_count *out, int max, mi_err *e);

/* A per-run set of keys, to find a key that occurs twice in one import.
 * Kept in a TEMP table so memory stays bounded for files of any size. */
int mi_store_seen_reset(mi_store *s, mi_err *e);
/* Returns 1 if key is new (and remembers it), 0 if seen before, <0 on error. */
int mi_store_seen_add(mi_store *s, const char *key, mi_err *e);

#endif
