/* The blocks of response_blocks (migration 0013): listing a survey's blocks
 * for a scan, and packing the responses that are in none.
 *
 * A block's id range [first_id, last_id] is a promise: every response of its
 * survey with an id in that range is in the block (the triggers drop a block
 * when a write breaks it). Ranges are made contiguous where they can be (a
 * block starts after the previous one ends), so that the next packing does
 * not have to read the other surveys' responses between them again. */
#include <stdlib.h>
#include <string.h>

#include "store/response_block.h"
#include "store/response_blocks.h"
#include "store/store_internal.h"

int mi_response_blocks_list(mi_store *s, const char *survey, mi_block_span **out, size_t *n) {
  sqlite3_stmt *st;
  *out = NULL, *n = 0;
  if (sqlite3_prepare_v2(s->db, "SELECT b.id, b.first_id, b.last_id, b.min_at, b.max_at, b.n"
                         " FROM response_blocks b JOIN surveys v ON v.id = b.survey_id"
                         " WHERE v.code = ?1 ORDER BY b.survey_id, b.first_id", -1, &st, NULL) != SQLITE_OK)
    return SQLITE_ERROR;
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? 2 * cap : 256;
      mi_block_span *g = realloc(*out, cap * sizeof *g);
      if (!g) {
        rc = MI_ENOMEM;
        break;
      }
      *out = g;
    }
    mi_block_span *b = &(*out)[(*n)++];
    b->rowid = sqlite3_column_int64(st, 0);
    b->first_id = sqlite3_column_int64(st, 1), b->last_id = sqlite3_column_int64(st, 2);
    b->min_at = sqlite3_column_int64(st, 3), b->max_at = sqlite3_column_int64(st, 4);
    b->n = sqlite3_column_int64(st, 5);
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return 0;
  free(*out), *out = NULL, *n = 0;
  return rc;
}

/* ---- packing ---- */

typedef struct packing {
  mi_store *s;
  sqlite3_stmt *rows, *insert;
  mi_block_packer *p;
  int64_t survey_id;
  size_t packed;
} packing;

/* Writes the packer's rows as a block of range [lo, hi]. */
static int write_block(packing *k, int64_t lo, int64_t hi) {
  const void *blob;
  size_t len;
  int64_t first, last, min_at, max_at; /* first and last: the rows' (within lo, hi) */
  size_t n = mi_block_rows(k->p);
  if (mi_block_pack(k->p, &blob, &len, &first, &last, &min_at, &max_at)) return MI_ENOMEM;
  sqlite3_stmt *st = k->insert;
  sqlite3_reset(st);
  sqlite3_bind_int64(st, 1, k->survey_id);
  sqlite3_bind_int64(st, 2, lo);
  sqlite3_bind_int64(st, 3, hi);
  sqlite3_bind_int64(st, 4, min_at);
  sqlite3_bind_int64(st, 5, max_at);
  sqlite3_bind_int64(st, 6, (int64_t)n);
  sqlite3_bind_blob(st, 7, blob, (int)len, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE) return SQLITE_ERROR;
  k->packed += n;
  return 0;
}

/* Packs the survey's responses with ids in [lo, hi]. An inner gap (tail 0)
 * is packed whole, its last block reaching hi; the tail (ids past the last
 * block) only in full blocks, the rest left as rows for later. A response
 * whose answers cannot be read is left as a row between two blocks (the
 * scan reports it). */
static int pack_gap(packing *k, int64_t lo, int64_t hi, int tail) {
  sqlite3_stmt *st = k->rows;
  sqlite3_reset(st);
  sqlite3_bind_int64(st, 1, k->survey_id);
  sqlite3_bind_int64(st, 2, lo);
  sqlite3_bind_int64(st, 3, hi);
  int64_t start = lo, last = lo; /* where the block being filled starts; its last row */
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_block_row r = {
        .id = sqlite3_column_int64(st, 0), .submitted_at = sqlite3_column_int64(st, 1),
        .customer = sqlite3_column_int64(st, 2), .wave = sqlite3_column_int64(st, 3),
        .weight = sqlite3_column_double(st, 4), .flagged = sqlite3_column_int(st, 7),
        .stratum = (const char *)sqlite3_column_text(st, 5),
        .channel = (const char *)sqlite3_column_text(st, 6),
        .answers = (const char *)sqlite3_column_text(st, 8),
        .department = sqlite3_column_int64(st, 9)};
    int added = mi_block_add(k->p, &r);
    if (added == 1) { /* full: write it; this row starts the next */
      if ((rc = write_block(k, start, last))) return rc;
      start = last + 1;
      added = mi_block_add(k->p, &r);
    }
    if (added == -1) { /* unreadable answers: end the block before it, leave it a row */
      if (mi_block_rows(k->p) && (rc = write_block(k, start, r.id - 1))) return rc;
      start = last = r.id + 1;
      continue;
    }
    if (added) return added == 1 ? SQLITE_ERROR : added;
    last = r.id;
  }
  if (rc != SQLITE_DONE) return rc;
  size_t left = mi_block_rows(k->p);
  if (left && !tail) return write_block(k, start, hi);
  if (left == MI_BLOCK_ROWS) return write_block(k, start, last);
  mi_block_clear(k->p); /* the tail's last rows wait for more */
  return 0;
}

static int pack_survey(packing *k) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(k->s->db, "SELECT first_id, last_id FROM response_blocks"
                         " WHERE survey_id = ?1 ORDER BY first_id", -1, &st, NULL) != SQLITE_OK)
    return SQLITE_ERROR;
  sqlite3_bind_int64(st, 1, k->survey_id);
  /* the gaps, read before any block is written */
  int64_t *gap = NULL, prev = INT64_MIN;
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t first = sqlite3_column_int64(st, 0), last = sqlite3_column_int64(st, 1);
    if (first > prev && (prev == INT64_MIN || first - 1 >= prev + 1)) {
      if (n + 2 > cap) {
        int64_t *g = realloc(gap, (cap = cap ? 2 * cap : 64) * sizeof *g);
        if (!g) {
          rc = MI_ENOMEM;
          break;
        }
        gap = g;
      }
      gap[n++] = prev == INT64_MIN ? INT64_MIN : prev + 1, gap[n++] = first - 1;
    }
    prev = last;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return free(gap), rc;
  rc = 0;
  for (size_t i = 0; !rc && i < n; i += 2) rc = pack_gap(k, gap[i], gap[i + 1], 0);
  free(gap);
  if (!rc && prev < INT64_MAX) rc = pack_gap(k, prev == INT64_MIN ? INT64_MIN : prev + 1, INT64_MAX, 1);
  return rc;
}

int mi_survey_rows_pack(mi_store *s, const char *survey, int wait, size_t *packed, mi_err *e) {
  return mi_response_blocks_repack(s, survey, wait, NULL, 0, packed, e);
}

int mi_response_blocks_repack(mi_store *s, const char *survey, int wait, const int64_t *drop,
                              size_t ndrop, size_t *packed, mi_err *e) {
  *packed = 0;
  if (s->in_txn) return 0; /* inside another write: not now */
  int busy = s->busy_ms;
  if (!wait) sqlite3_busy_timeout(s->db, 0);
  int began = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
  if (!wait) sqlite3_busy_timeout(s->db, busy);
  if (!began) {
    int code = sqlite3_errcode(s->db);
    /* a busy or read-only database: the scans read rows meanwhile */
    if (!wait || code == SQLITE_READONLY) return 0;
    return mi_store_fail(s, e, "packing responses");
  }
  s->in_txn = 1;
  packing k = {.s = s, .p = mi_block_packer_new()};
  sqlite3_stmt *sv = NULL;
  int rc = k.p ? 0 : MI_ENOMEM;
  if (!rc && (sqlite3_prepare_v2(s->db, "SELECT id FROM surveys WHERE ?1 IS NULL OR code = ?1",
                                 -1, &sv, NULL) != SQLITE_OK ||
              sqlite3_prepare_v2(s->db,
                                 "SELECT r.id, r.submitted_at, r.customer_id, coalesce(r.wave_id, 0),"
                                 " r.weight, r.stratum, r.channel, r.flagged, r.scale_answers,"
                                 " coalesce((SELECT t.department_id FROM invitations i JOIN tickets t"
                                 "  ON t.id = i.ticket_id WHERE i.id = r.invitation_id), 0)"
                                 " FROM responses r NOT INDEXED"
                                 " WHERE r.survey_id = ?1 AND r.id BETWEEN ?2 AND ?3 ORDER BY r.id",
                                 -1, &k.rows, NULL) != SQLITE_OK ||
              sqlite3_prepare_v2(s->db,
                                 "INSERT INTO response_blocks(survey_id, first_id, last_id,"
                                 " min_at, max_at, n, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                 -1, &k.insert, NULL) != SQLITE_OK))
    rc = SQLITE_ERROR;
  /* blocks that a scan could not use go first: their ids are gaps again */
  sqlite3_stmt *del = NULL;
  if (!rc && ndrop &&
      sqlite3_prepare_v2(s->db, "DELETE FROM response_blocks WHERE id = ?1", -1, &del, NULL) != SQLITE_OK)
    rc = SQLITE_ERROR;
  for (size_t i = 0; !rc && i < ndrop; i++) {
    sqlite3_reset(del);
    sqlite3_bind_int64(del, 1, drop[i]);
    if (sqlite3_step(del) != SQLITE_DONE) rc = SQLITE_ERROR;
  }
  sqlite3_finalize(del);
  if (!rc) sqlite3_bind_text(sv, 1, survey, -1, SQLITE_STATIC);
  while (!rc && (rc = sqlite3_step(sv)) == SQLITE_ROW) {
    k.survey_id = sqlite3_column_int64(sv, 0);
    rc = pack_survey(&k);
  }
  if (rc == SQLITE_DONE) rc = 0;
  sqlite3_finalize(sv), sqlite3_finalize(k.rows), sqlite3_finalize(k.insert);
  mi_block_packer_free(k.p);
  if (rc) {
    int code = rc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory packing responses")
                               : mi_store_fail(s, e, "packing responses");
    mi_store_rollback(s);
    return code;
  }
  *packed = k.packed;
  return mi_store_commit(s, e);
}
