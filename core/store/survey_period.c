#include "store/survey_period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* The period's waves, found in order of their codes; NULL when out of memory. */
static mi_period_invitations *wave_of(mi_period_invitations **out, size_t *n, const char *code) {
  size_t i;
  for (i = 0; i < *n && strcmp((*out)[i].wave, code) < 0; i++) {}
  if (i < *n && !strcmp((*out)[i].wave, code)) return &(*out)[i];
  mi_period_invitations *w = realloc(*out, (*n + 1) * sizeof *w);
  if (!w) return NULL;
  *out = w;
  memmove(w + i + 1, w + i, (*n - i) * sizeof *w);
  memset(&w[i], 0, sizeof w[i]);
  snprintf(w[i].wave, sizeof w[i].wave, "%s", code);
  ++*n;
  return &w[i];
}

int mi_survey_period_invitations(mi_store *s, const char *survey, int64_t from, int64_t to,
                                 mi_period_invitations **out, size_t *n, mi_err *e) {
  sqlite3_stmt *st;
  *out = NULL, *n = 0;
  /* from the index by survey and time (it holds the wave and whether each
   * invitation was answered), counted here by wave id: a GROUP BY would
   * sort every invitation of the period first */
  if (sqlite3_prepare_v2(s->db,
                         "SELECT coalesce(i.wave_id, 0), i.answered FROM invitations i"
                         " WHERE i.survey_id IN (SELECT id FROM surveys WHERE code = ?1)"
                         " AND i.created_at >= ?2 AND i.created_at < ?3",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "counting invitations");
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  typedef struct { int64_t wave, invitations, answered; } by_id;
  by_id *ids = NULL;
  size_t nids = 0, last = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t w = sqlite3_column_int64(st, 0);
    if (last >= nids || ids[last].wave != w) { /* invitations of a wave mostly come together */
      for (last = 0; last < nids && ids[last].wave != w; last++) {}
      if (last == nids) {
        by_id *g = realloc(ids, (nids + 1) * sizeof *g);
        if (!g) {
          rc = MI_ENOMEM;
          break;
        }
        ids = g, ids[nids++] = (by_id){w, 0, 0};
      }
    }
    ids[last].invitations++, ids[last].answered += sqlite3_column_int(st, 1) != 0;
  }
  sqlite3_finalize(st);
  /* the waves' codes */
  sqlite3_stmt *codes = NULL;
  if (rc == SQLITE_DONE &&
      sqlite3_prepare_v2(s->db, "SELECT code FROM survey_waves WHERE id = ?1", -1, &codes, NULL) != SQLITE_OK)
    rc = SQLITE_ERROR;
  for (size_t k = 0; rc == SQLITE_DONE && k < nids; k++) {
    sqlite3_reset(codes);
    sqlite3_bind_int64(codes, 1, ids[k].wave);
    const char *code =
        sqlite3_step(codes) == SQLITE_ROW ? (const char *)sqlite3_column_text(codes, 0) : "";
    mi_period_invitations *w = wave_of(out, n, code ? code : "");
    if (!w) {
      rc = MI_ENOMEM;
      break;
    }
    w->invitations += ids[k].invitations, w->answered += ids[k].answered;
  }
  if (rc != SQLITE_DONE && rc != MI_ENOMEM) mi_store_fail(s, e, "counting invitations");
  sqlite3_finalize(codes);
  free(ids);
  if (rc != SQLITE_DONE) {
    free(*out), *out = NULL, *n = 0;
    return rc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory") : e ? e->code : MI_ESTORE;
  }
  return 0;
}
