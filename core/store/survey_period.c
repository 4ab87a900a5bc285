#include "store/survey_period.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

int mi_survey_period_waves(mi_store *s, const char *survey, int64_t from, int64_t to,
                           mi_period_wave **out, size_t *n, mi_err *e) {
  sqlite3_stmt *st;
  *out = NULL, *n = 0;
  if (sqlite3_prepare_v2(
          s->db,
          "WITH sv AS (SELECT id FROM surveys WHERE code = ?1),"
          " inv AS (SELECT coalesce(w.code, '') wave, count(*) n, sum(EXISTS (SELECT 1"
          "  FROM responses r WHERE r.invitation_id = i.id)) answered FROM invitations i"
          "  LEFT JOIN survey_waves w ON w.id = i.wave_id WHERE i.survey_id IN sv"
          "  AND i.created_at >= ?2 AND i.created_at < ?3 GROUP BY 1),"
          " res AS (SELECT coalesce(w.code, '') wave, count(*) n, sum(r.flagged) flagged"
          "  FROM responses r LEFT JOIN survey_waves w ON w.id = r.wave_id WHERE r.survey_id IN sv"
          "  AND r.submitted_at >= ?2 AND r.submitted_at < ?3 GROUP BY 1)"
          " SELECT k.wave, coalesce(inv.n, 0), coalesce(inv.answered, 0), coalesce(res.n, 0),"
          " coalesce(res.flagged, 0) FROM (SELECT wave FROM inv UNION SELECT wave FROM res) k"
          " LEFT JOIN inv ON inv.wave = k.wave LEFT JOIN res ON res.wave = k.wave ORDER BY k.wave",
          -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "counting invitations and responses");
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_period_wave *w = realloc(*out, (*n + 1) * sizeof *w);
    if (!w) {
      rc = MI_ENOMEM;
      break;
    }
    *out = w;
    w += *n;
    snprintf(w->wave, sizeof w->wave, "%s", (const char *)sqlite3_column_text(st, 0));
    w->invitations = sqlite3_column_int64(st, 1);
    w->answered = sqlite3_column_int64(st, 2);
    w->responses = sqlite3_column_int64(st, 3);
    w->flagged = sqlite3_column_int64(st, 4);
    ++*n;
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return 0;
  free(*out), *out = NULL, *n = 0;
  return rc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory")
                         : mi_store_fail(s, e, "counting invitations and responses");
}
