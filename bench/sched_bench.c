/* manyi-sched-bench: the measured side of bench/sched.sh.
 *
 *   manyi-sched-bench init DB              a fresh manyi database
 *   manyi-sched-bench enqueue DB N         N jobs through mi_job_enqueue,
 *                                          10,000 per transaction; prints seconds
 *   manyi-sched-bench peer-sql N           the same N INSERTs as SQL for the
 *                                          sqlite3 shell, on standard output
 *   (fire and peer-fire take a batch size as a last argument, default 256)
 *   manyi-sched-bench fire DB N            queues N trivial jobs (untimed), then
 *                                          fires them through the runner; prints
 *                                          seconds and jobs/s
 *   manyi-sched-bench peer-fire DB N       the peer of fire: queues the same N jobs
 *                                          (untimed), then a plain loop claims
 *                                          and completes them with SQL in batches
 *                                          of the runner's size; prints seconds
 *                                          and jobs/s
 *   manyi-sched-bench peer-fire-read DB N  the same, reading each batch instead
 *                                          of claiming it with an UPDATE
 *   manyi-sched-bench sla CONFIG CAL N SAMPLE SEED
 *                                          N deadlines with mi_sched_add_business,
 *                                          SAMPLE with the minute-stepping peer
 *                                          (bench/sla_peer.c); checks that both
 *                                          agree on the sample; prints both rates
 *
 * Output is "key value" lines for the script to read. */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/sla_peer.h"
#include "config/config.h"
#include "sched/calendar.h"
#include "sched/runner.h"
#include "store/jobs.h"
#include "store/store.h"

#define BATCH 10000
#define T0 INT64_C(1798761600) /* 2027-01-01T00:00:00Z: run_at of every job */

static double seconds_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int die(const char *what, const mi_err *e) {
  fprintf(stderr, "manyi-sched-bench: %s: %s\n", what, e ? e->msg : "");
  return 1;
}

static long count_arg(const char *s) {
  char *end;
  long n = strtol(s, &end, 10);
  if (!*s || *end || n < 1 || n > 100000000) {
    fprintf(stderr, "manyi-sched-bench: '%s' is not a count from 1 to 100000000\n", s);
    exit(2);
  }
  return n;
}

/* A batch size for fire and peer-fire: NULL gives the runner's default. */
static long batch_arg(const char *s) {
  if (!s) return MI_SCHED_BATCH_MAX;
  char *end;
  long n = strtol(s, &end, 10);
  if (!*s || *end || n < 1 || n > MI_SCHED_BATCH_LIMIT) {
    fprintf(stderr, "manyi-sched-bench: '%s' is not a batch size from 1 to %d\n", s,
            MI_SCHED_BATCH_LIMIT);
    exit(2);
  }
  return n;
}

/* The key and run_at of job i, the same on both sides. */
static void job_key(long i, char *key, size_t size) { snprintf(key, size, "bench:%09ld", i); }
static int64_t job_at(long i) { return T0 + i % 86400; }

static int enqueue(mi_store *s, long n, mi_err *e) {
  char key[32];
  for (long i = 0; i < n; i++) {
    if (i % BATCH == 0 && mi_store_begin(s, e)) return -1;
    job_key(i, key, sizeof key);
    if (mi_job_enqueue(s, "bench-noop", key, job_at(i), NULL, T0 - 86400, NULL, e) != MI_PUT_INSERTED)
      return -1;
    if ((i + 1) % BATCH == 0 || i + 1 == n) {
      if (mi_store_commit(s, e)) return -1;
    }
  }
  return 0;
}

static int cmd_enqueue(const char *db, long n) {
  mi_store *s;
  mi_err e = {0};
  if (mi_store_open(db, MI_STORE_CREATE, &s, &e)) return die(db, &e);
  double t = seconds_now();
  int rc = enqueue(s, n, &e);
  t = seconds_now() - t;
  mi_store_close(s);
  if (rc) return die("enqueue", &e);
  printf("seconds %.3f\n", t);
  return 0;
}

static int cmd_peer_sql(long n) {
  /* The pragmas manyi sets on open (core/store/open.c). */
  printf("PRAGMA foreign_keys = ON;\nPRAGMA synchronous = NORMAL;\nPRAGMA cache_size = -262144;\n");
  char key[32];
  for (long i = 0; i < n; i++) {
    if (i % BATCH == 0) printf("BEGIN IMMEDIATE;\n");
    job_key(i, key, sizeof key);
    printf("INSERT INTO jobs(kind, key, run_at, payload, created_at) VALUES ('bench-noop', '%s', "
           "%" PRId64 ", NULL, %" PRId64 ") ON CONFLICT(key) DO NOTHING;\n",
           key, job_at(i), T0 - 86400);
    if ((i + 1) % BATCH == 0 || i + 1 == n) printf("COMMIT;\n");
  }
  return fflush(stdout) ? 1 : 0;
}

static long noop_runs;

/* The trivial job kind: it only counts. */
static int run_noop(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  (void)s, (void)j, (void)ud, (void)now, (void)e;
  noop_runs++;
  return 0;
}

static const mi_sched_kind bench_kinds[] = {
    {"bench-noop", "does nothing (bench/sched_bench.c)", run_noop, 0},
    {NULL, NULL, NULL, 0}};

static int cmd_fire(const char *db, long n, long batch) {
  mi_store *s;
  mi_err e = {0};
  if (mi_store_open(db, MI_STORE_CREATE, &s, &e)) return die(db, &e);
  if (enqueue(s, n, &e)) {
    mi_store_close(s);
    return die("enqueue", &e);
  }
  mi_sched_opts o = {.owner = "bench:1", .lease_secs = 300, .batch_max = (size_t)batch};
  mi_sched_report r = {0};
  double t = seconds_now();
  int rc = mi_sched_run_due(s, bench_kinds, NULL, &o, T0 + 2 * 86400, &r, &e);
  t = seconds_now() - t;
  mi_store_close(s);
  if (rc) return die("run", &e);
  if ((long)r.done != n || noop_runs != n) {
    fprintf(stderr, "manyi-sched-bench: %ld jobs queued but %zu done, %ld run\n", n, r.done,
            noop_runs);
    return 1;
  }
  printf("seconds %.3f\njobs_per_s %.0f\n", t, n / t);
  return 0;
}

/* The plain loops fire is measured against: straight SQLite on the same
 * database with the pragmas manyi sets, one write transaction per batch of
 * `batch` jobs, no handler call, savepoint or audit entry.
 *  - peer-fire (the B3 peer, as issue 17 defines it: claims and completes):
 *    one UPDATE claims the batch (oldest run_at first, then id; a lease, one
 *    attempt more) and returns the ids, then each job is completed by an
 *    UPDATE of its own.
 *  - peer-fire-read (leaner, and closer to the runner's SQL): the write lock
 *    is held, so reading the batch claims it; one SELECT reads the ids in
 *    the same order and each job is completed by one UPDATE that leaves the
 *    row as the runner leaves it (done, one attempt more, the owner, started
 *    and finished). The first writes each row twice, this one and the
 *    runner once. */
static int peer_fire(sqlite3 *db, long batch, int read, long *fired) {
  const char *pragmas = "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;"
                        " PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144;"
                        " PRAGMA busy_timeout = 5000;";
  sqlite3_stmt *claim = NULL, *done = NULL;
  int64_t *ids = NULL;
  const char *claim_sql =
      read ? "SELECT id FROM jobs WHERE status = 'queued' AND run_at <= ?1"
             " ORDER BY run_at, id LIMIT ?2"
           : "UPDATE jobs SET status = 'running', lease_owner = 'peer:1',"
             " lease_until = ?1 + 300, attempts = attempts + 1, started_at = ?1"
             " WHERE id IN (SELECT id FROM jobs WHERE status = 'queued'"
             " AND run_at <= ?1 ORDER BY run_at, id LIMIT ?2) RETURNING id";
  const char *done_sql =
      read ? "UPDATE jobs SET status = 'done', attempts = attempts + 1,"
             " lease_owner = 'peer:1', lease_until = NULL, started_at = ?2,"
             " finished_at = ?2, error = NULL WHERE id = ?1 AND status = 'queued'"
           : "UPDATE jobs SET status = 'done', finished_at = ?2, lease_until = NULL"
             " WHERE id = ?1 AND lease_owner = 'peer:1' AND status = 'running'";
  if (sqlite3_exec(db, pragmas, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, claim_sql, -1, &claim, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, done_sql, -1, &done, NULL) != SQLITE_OK)
    goto fail;
  int64_t now = T0 + 2 * 86400;
  ids = malloc((size_t)batch * sizeof *ids);
  if (!ids) goto fail;
  *fired = 0;
  for (;;) {
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) goto fail;
    int n = 0, rc;
    sqlite3_bind_int64(claim, 1, now);
    sqlite3_bind_int64(claim, 2, batch);
    while ((rc = sqlite3_step(claim)) == SQLITE_ROW) ids[n++] = sqlite3_column_int64(claim, 0);
    sqlite3_reset(claim);
    if (rc != SQLITE_DONE) goto fail;
    for (int i = 0; i < n; i++) {
      sqlite3_bind_int64(done, 1, ids[i]);
      sqlite3_bind_int64(done, 2, now);
      if (sqlite3_step(done) != SQLITE_DONE || sqlite3_changes(db) != 1) goto fail;
      sqlite3_reset(done);
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) goto fail;
    *fired += n;
    if (n == 0) break;
  }
  free(ids);
  sqlite3_finalize(claim);
  sqlite3_finalize(done);
  return 0;
fail:
  fprintf(stderr, "manyi-sched-bench: peer: %s\n", ids ? sqlite3_errmsg(db) : "out of memory");
  free(ids);
  sqlite3_finalize(claim);
  sqlite3_finalize(done);
  return 1;
}

static int cmd_peer_fire(const char *path, long n, long batch, int read) {
  mi_store *s;
  mi_err e = {0};
  if (mi_store_open(path, MI_STORE_CREATE, &s, &e)) return die(path, &e);
  int rc = enqueue(s, n, &e); /* the same jobs as fire, through manyi, untimed */
  mi_store_close(s);
  if (rc) return die("enqueue", &e);
  sqlite3 *db;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    fprintf(stderr, "manyi-sched-bench: %s: %s\n", path, sqlite3_errmsg(db));
    sqlite3_close(db);
    return 1;
  }
  long fired = 0;
  double t = seconds_now();
  rc = peer_fire(db, batch, read, &fired);
  t = seconds_now() - t;
  sqlite3_stmt *st = NULL;
  long done = -1;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM jobs WHERE status = 'done'", -1, &st, NULL) ==
          SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    done = (long)sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  if (rc) return 1;
  if (fired != n || done != n) {
    fprintf(stderr, "manyi-sched-bench: peer: %ld jobs queued but %ld fired, %ld done\n", n,
            fired, done);
    return 1;
  }
  printf("seconds %.3f\njobs_per_s %.0f\n", t, n / t);
  return 0;
}

/* splitmix64: a small seeded generator, the same stream on every machine. */
static uint64_t next(uint64_t *x) {
  uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Whole-minute instants in 2026 (the example's holidays and working day lie
 * in it) and 1..1440 business minutes (up to about three working days). */
static void sla_case(uint64_t *x, int64_t *start, int64_t *minutes) {
  *start = INT64_C(1767225600) + (int64_t)(next(x) % (365 * 1440)) * 60; /* 2026-01-01Z */
  *minutes = 1 + (int64_t)(next(x) % 1440);
}

static int cmd_sla(const char *config, const char *name, long n, long sample, uint64_t seed) {
  mi_config *cfg;
  mi_err e = {0};
  if (mi_config_load(config, &cfg, &e)) return die(config, &e);
  const mi_config_calendar *cc = mi_config_find_calendar(cfg, name);
  if (!cc || cc->ics) {
    fprintf(stderr, "manyi-sched-bench: no calendar '%s' without an .ics file in %s\n", name,
            config);
    mi_config_free(cfg);
    return 2;
  }
  mi_sched_calendar *cal;
  if (mi_sched_calendar_new(cc, &cal, &e)) return die(name, &e);
  /* the peer's wall clock: libc in the calendar's zone */
  setenv("TZ", cc->timezone, 1);
  tzset();

  uint64_t x = seed;
  int64_t start, minutes, out, sum = 0;
  double t = seconds_now();
  for (long i = 0; i < n; i++) {
    sla_case(&x, &start, &minutes);
    if (mi_sched_add_business(cal, start, minutes * 60, &out, &e)) return die("add", &e);
    sum += out - start;
  }
  double t_lib = seconds_now() - t;

  /* the same first SAMPLE cases through the peer, compared with the library */
  x = seed;
  long differ = 0;
  int64_t *want = malloc((size_t)sample * sizeof *want), psum = 0;
  if (!want) return die("out of memory", NULL);
  for (long i = 0; i < sample; i++) {
    sla_case(&x, &start, &minutes);
    if (mi_sched_add_business(cal, start, minutes * 60, &want[i], &e)) return die("add", &e);
  }
  x = seed;
  t = seconds_now();
  for (long i = 0; i < sample; i++) {
    sla_case(&x, &start, &minutes);
    out = sla_peer_add(cc, start, minutes);
    psum += out - start;
    if (out != want[i] && differ++ < 5)
      fprintf(stderr, "differ: start %" PRId64 " + %" PRId64 " min: manyi %" PRId64
              ", peer %" PRId64 "\n", start, minutes, want[i], out);
  }
  double t_peer = seconds_now() - t;
  free(want);
  mi_sched_calendar_free(cal);
  mi_config_free(cfg);
  printf("lib_n %ld\nlib_seconds %.3f\nlib_per_s %.0f\n", n, t_lib, n / t_lib);
  printf("peer_n %ld\npeer_seconds %.3f\npeer_per_s %.0f\n", sample, t_peer, sample / t_peer);
  printf("differ %ld\nchecksum %" PRId64 " %" PRId64 "\n", differ, sum, psum);
  return differ ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "init")) {
    mi_store *s;
    mi_err e = {0};
    if (mi_store_open(argv[2], MI_STORE_CREATE, &s, &e)) return die(argv[2], &e);
    mi_store_close(s);
    return 0;
  }
  if (argc == 4 && !strcmp(argv[1], "enqueue")) return cmd_enqueue(argv[2], count_arg(argv[3]));
  if (argc == 3 && !strcmp(argv[1], "peer-sql")) return cmd_peer_sql(count_arg(argv[2]));
  if ((argc == 4 || argc == 5) && !strcmp(argv[1], "fire"))
    return cmd_fire(argv[2], count_arg(argv[3]), batch_arg(argc == 5 ? argv[4] : NULL));
  if ((argc == 4 || argc == 5) && !strcmp(argv[1], "peer-fire"))
    return cmd_peer_fire(argv[2], count_arg(argv[3]), batch_arg(argc == 5 ? argv[4] : NULL), 0);
  if ((argc == 4 || argc == 5) && !strcmp(argv[1], "peer-fire-read"))
    return cmd_peer_fire(argv[2], count_arg(argv[3]), batch_arg(argc == 5 ? argv[4] : NULL), 1);
  if (argc == 7 && !strcmp(argv[1], "sla"))
    return cmd_sla(argv[2], argv[3], count_arg(argv[4]), count_arg(argv[5]),
                   (uint64_t)strtoull(argv[6], NULL, 10));
  fprintf(stderr, "usage: manyi-sched-bench init DB | enqueue DB N | peer-sql N | fire DB N [BATCH] |\n"
                  "       peer-fire DB N [BATCH] | peer-fire-read DB N [BATCH] |\n"
                  "       sla CONFIG CALENDAR N SAMPLE SEED\n");
  return 2;
}
