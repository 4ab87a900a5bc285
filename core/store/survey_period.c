#include "store/survey_period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/survey_rows.h"

/* The period's waves, found in order of their codes; NULL when out of memory. */
static mi_period_wave *wave_of(mi_period_wave **out, size_t *n, const char *code) {
  size_t i;
  for (i = 0; i < *n && strcmp((*out)[i].wave, code) < 0; i++) {}
  if (i < *n && !strcmp((*out)[i].wave, code)) return &(*out)[i];
  mi_period_wave *w = realloc(*out, (*n + 1) * sizeof *w);
  if (!w) return NULL;
  *out = w;
  memmove(w + i + 1, w + i, (*n - i) * sizeof *w);
  memset(&w[i], 0, sizeof w[i]);
  snprintf(w[i].wave, sizeof w[i].wave, "%s", code);
  ++*n;
  return &w[i];
}

typedef struct counting {
  _Alignas(64) mi_period_wave **out; /* a line of its own: each part's thread writes its own */
  size_t *n;
} counting;

static int count_response(void *ctx, const mi_survey_row *row) {
  counting *c = ctx;
  mi_period_wave *w = wave_of(c->out, c->n, row->wave);
  if (!w) return MI_ENOMEM;
  w->responses++;
  w->flagged += row->flagged != 0;
  return 0;
}

int mi_survey_period_waves(mi_store *s, const char *survey, int64_t from, int64_t to,
                           mi_period_wave **out, size_t *n, mi_err *e) {
  sqlite3_stmt *st;
  *out = NULL, *n = 0;
  /* the invitations from the index by survey and time (it holds the wave
   * and whether each was answered), the responses from the survey's scan */
  if (sqlite3_prepare_v2(s->db,
                         "SELECT coalesce(w.code, ''), count(*), sum(i.answered) FROM invitations i"
                         " LEFT JOIN survey_waves w ON w.id = i.wave_id"
                         " WHERE i.survey_id IN (SELECT id FROM surveys WHERE code = ?1)"
                         " AND i.created_at >= ?2 AND i.created_at < ?3 GROUP BY 1",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "counting invitations");
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_period_wave *w = wave_of(out, n, (const char *)sqlite3_column_text(st, 0));
    if (!w) {
      rc = MI_ENOMEM;
      break;
    }
    w->invitations = sqlite3_column_int64(st, 1);
    w->answered = sqlite3_column_int64(st, 2);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    free(*out), *out = NULL, *n = 0;
    return rc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory")
                           : mi_store_fail(s, e, "counting invitations");
  }
  /* two parts counted in two threads, then added up */
  mi_period_wave *part = NULL;
  size_t npart = 0, left_out;
  counting c[2] = {{out, n}, {&part, &npart}};
  mi_survey_row_fn cbs[2] = {count_response, count_response};
  void *ctxs[2] = {&c[0], &c[1]};
  rc = mi_survey_rows_scan_parts(s, survey, 0, from, to, 1, 0, NULL, NULL, 0, 2, cbs, ctxs,
                                 &left_out, e);
  for (size_t i = 0; !rc && i < npart; i++) {
    mi_period_wave *w = wave_of(out, n, part[i].wave);
    if (!w) rc = MI_ENOMEM;
    else w->responses += part[i].responses, w->flagged += part[i].flagged;
  }
  free(part);
  if (rc == MI_ENOMEM) mi_err_set(e, MI_ENOMEM, "out of memory");
  if (rc) free(*out), *out = NULL, *n = 0;
  return rc;
}
