/* manyi-desk-bench: `customer find` by phone on a big database, in-process,
 * against its peer, the plain SELECT on the indexed column.
 *
 *   manyi-desk-bench DB QUERIES [ROUNDS]
 *
 * QUERIES has one look-up a line: the phone as a person types it, a tab, and
 * the external id it must find. manyi's side is mi_desk_find (NFKC folding,
 * the phone key, the indexed look-up, the hits copied out), exactly what
 * `manyi customer find` runs after opening the database; the peer is one
 * prepared `SELECT external_id, name, phone, email, tier, kind FROM customers
 * WHERE phone_key = ?` stepped with the key already computed (by SQLite, from
 * the stored phone). Both run ROUNDS passes (default 3) over the queries on
 * one open connection each; the best pass counts. Every manyi look-up must
 * find its customer, or the run fails. Prints one JSON object. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/desk.h"
#include "store/store.h"

typedef struct query {
  char typed[64], id[65], key[64];
} query;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: manyi-desk-bench DB QUERIES [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 3 ? atoi(argv[3]) : 3;
  FILE *f = fopen(argv[2], "r");
  if (!f) {
    perror(argv[2]);
    return 2;
  }
  size_t n = 0, cap = 1024;
  query *q = malloc(cap * sizeof *q);
  char line[256];
  while (q && fgets(line, sizeof line, f)) {
    char *tab = strchr(line, '\t');
    if (!tab) continue;
    *tab = '\0';
    tab[strcspn(tab + 1, "\r\n") + 1] = '\0';
    if (n == cap) q = realloc(q, (cap *= 2) * sizeof *q);
    if (!q) break;
    snprintf(q[n].typed, sizeof q[n].typed, "%.63s", line);
    snprintf(q[n].id, sizeof q[n].id, "%.64s", tab + 1);
    n++;
  }
  fclose(f);
  if (!q || !n) {
    fprintf(stderr, "no queries in %s\n", argv[2]);
    return 2;
  }
  /* the peer's keys: what SQLite computed from the stored phone */
  sqlite3 *db;
  sqlite3_stmt *st;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT phone_key FROM customers WHERE external_id = ?1", -1, &st,
                         NULL) != SQLITE_OK) {
    fprintf(stderr, "%s: %s\n", argv[1], sqlite3_errmsg(db));
    return 2;
  }
  /* the same page cache as manyi's connection (store/open.c), so the peer
   * is not slower for reading pages again */
  sqlite3_exec(db, "PRAGMA cache_size = -262144", NULL, NULL, NULL);
  for (size_t i = 0; i < n; i++) {
    sqlite3_bind_text(st, 1, q[i].id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
      snprintf(q[i].key, sizeof q[i].key, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);

  mi_store *s;
  mi_err e = {0};
  if (mi_store_open(argv[1], 0, &s, &e)) {
    fprintf(stderr, "%s\n", e.msg);
    return 2;
  }
  mi_customer_hit hits[20];
  double best_manyi = 1e30, best_peer = 1e30;
  long found = 0;
  for (int r = 0; r < rounds; r++) {
    double t0 = now_s();
    found = 0;
    for (size_t i = 0; i < n; i++) {
      size_t k;
      int more;
      const char *used;
      if (mi_desk_find(s, q[i].typed, MI_DESK_PHONE, 20, hits, &k, &more, &used, &e)) {
        fprintf(stderr, "%s: %s\n", q[i].typed, e.msg);
        return 1;
      }
      for (size_t j = 0; j < k; j++) found += !strcmp(hits[j].external_id, q[i].id);
    }
    double t = now_s() - t0;
    if (t < best_manyi) best_manyi = t;

    if (sqlite3_prepare_v2(db,
                           "SELECT external_id, name, phone, email, tier, kind FROM customers"
                           " WHERE phone_key = ?1",
                           -1, &st, NULL) != SQLITE_OK)
      return 2;
    long rows = 0;
    t0 = now_s();
    for (size_t i = 0; i < n; i++) {
      sqlite3_bind_text(st, 1, q[i].key, -1, SQLITE_STATIC);
      while (sqlite3_step(st) == SQLITE_ROW) rows += sqlite3_column_bytes(st, 0) > 0;
      sqlite3_reset(st);
    }
    t = now_s() - t0;
    sqlite3_finalize(st);
    if (t < best_peer) best_peer = t;
    if (rows < (long)n) {
      fprintf(stderr, "the peer found %ld rows for %zu keys\n", rows, n);
      return 1;
    }
  }
  if (found != (long)n) {
    fprintf(stderr, "manyi found %ld of %zu customers\n", found, n);
    return 1;
  }
  printf("{\"lookups\": %zu, \"rounds\": %d, \"manyi_us\": %.2f, \"peer_us\": %.2f, \"ratio\": %.2f}\n",
         n, rounds, best_manyi / (double)n * 1e6, best_peer / (double)n * 1e6, best_manyi / best_peer);
  mi_store_close(s);
  sqlite3_close(db);
  free(q);
  return 0;
}
