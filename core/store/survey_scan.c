/* mi_survey_rows_scan: a survey's responses read once, in id order: from
 * its blocks (migration 0013: 4096 responses in one blob, as columns) and,
 * between and after them, one row per response (schema 11 keeps a
 * response's scale answers, design and flag in its row). SQLite is read in a
 * reader thread while the caller's thread unpacks the answers and folds the
 * rows. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/response_block.h"
#include "store/response_blocks.h"
#include "store/survey_lookup.h"
#include "store/store_internal.h"
#include "store/survey_rows.h"
#include "util/lines.h"

/* The responses' columns (one row per response, migration 0011); the
 * customer and the ticket's department are joined only when asked for (each
 * join is a b-tree look-up per response). The %s: tier and region,
 * department, NOT INDEXED or not, the joins. */
#define RESPONSE_SQL                                                                         \
  "SELECT r.id, r.weight, %s, coalesce(r.stratum, ''), r.submitted_at, r.flagged,"          \
  " coalesce(r.channel, ''), %s, coalesce(r.wave_id, 0), r.scale_answers"                   \
  " FROM responses r %s%s"                                                                  \
  " WHERE r.survey_id IN (SELECT id FROM surveys WHERE code = ?1)"                         \
  " AND r.submitted_at >= ?2 AND r.submitted_at < ?3 AND (?4 = 0 OR r.wave_id = ?4)"       \
  " AND r.id BETWEEN ?5 AND ?6"                                                            \
  " ORDER BY r.id"

/* The connection's cache_size (SQLite's default when it cannot be read). */
static int cache_size(mi_store *s) {
  mi_store_caches c;
  return mi_store_caches_swap(s, &(mi_store_caches){0, 0}, &c, NULL) ? -2000 : c.main;
}

/* ---- the scan: SQLite in a reader thread, the rows to cb in the caller's ----
 * The reader goes through the scan's segments in id order: a block is read
 * whole into a batch; between blocks (and without any) the statement is
 * stepped over the segment's ids and each row's columns copied into a
 * batch. The caller's thread unpacks the answers and calls cb. Two batches
 * are passed back and forth, so that both cores work and memory stays at
 * two batches. Without a thread to be had, the caller does both in turn. */

enum { T_TIER, T_REGION, T_STRATUM, T_CHANNEL, T_DEPARTMENT, T_ANSWERS, T_COUNT };
#define BATCH_ROWS 2048

typedef struct raw {
  int64_t id, submitted_at, customer, wave;
  double weight;
  int flagged;
  size_t text[T_COUNT]; /* offsets into the batch's arena; SIZE_MAX = NULL */
} raw;

typedef struct batch {
  int is_block;       /* blk (read from blob) rather than rows */
  raw rows[BATCH_ROWS];
  size_t n, flagged; /* rows; flagged responses left out */
  char *arena;
  size_t used, cap;
  mi_block blk;
  unsigned char *blob;
  size_t blob_cap;
} batch;

/* A stretch of ids: a block, or the rows of [lo, hi] read with the statement. */
typedef struct segment {
  int64_t lo, hi, block; /* block: its rowid, or 0 */
} segment;

typedef struct scan {
  mi_store *s;
  sqlite3_stmt *st;
  sqlite3_blob *bh;
  int include_flagged, customer_ids; /* column 2: the customer's id (tier from custs) */
  segment *seg;
  size_t nseg, next;                 /* segments, the next to start */
  int stepping;                      /* st is inside a segment */
  size_t stepped;                    /* rows read with st (not from blocks) */
  int64_t *bad;                      /* blocks that could not be used (rowids) */
  size_t nbad, badcap;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t nparts, nbatch;       /* consumers; batches (two per consumer) */
  batch b[2 * MI_SURVEY_SCAN_PARTS];
  int full[2 * MI_SURVEY_SCAN_PARTS], done, stop, rc; /* rc: the reader's end (SQLITE_DONE, an error) */
  mi_err err;                  /* the reader's error */
} scan;

static int keep_text(batch *b, sqlite3_stmt *st, int col, size_t *off) {
  const char *t = (const char *)sqlite3_column_text(st, col);
  if (!t) return *off = SIZE_MAX, sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM;
  size_t len = (size_t)sqlite3_column_bytes(st, col) + 1;
  if (b->used + len > b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 1 << 16;
    while (cap < b->used + len) cap *= 2;
    char *a = realloc(b->arena, cap);
    if (!a) return 1;
    b->arena = a, b->cap = cap;
  }
  memcpy(b->arena + b->used, t, len);
  *off = b->used, b->used += len;
  return 0;
}

/* Adds the statement's next rows to b; returns SQLITE_ROW when b is full,
 * SQLITE_DONE at the end of the segment, or an error (in x->err). */
static int fill(scan *x, batch *b) {
  sqlite3_stmt *st = x->st;
  int rc = SQLITE_ROW;
  while (b->n < BATCH_ROWS && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    x->stepped++;
    int flagged = sqlite3_column_int(st, 6);
    if (flagged && !x->include_flagged) {
      b->flagged++;
      continue;
    }
    raw *r = &b->rows[b->n];
    r->flagged = flagged;
    r->id = sqlite3_column_int64(st, 0);
    r->weight = sqlite3_column_double(st, 1);
    r->submitted_at = sqlite3_column_int64(st, 5);
    r->wave = sqlite3_column_int64(st, 9);
    r->customer = x->customer_ids ? sqlite3_column_int64(st, 2) : 0;
    static const int cols[T_COUNT] = {2, 3, 4, 7, 8, 10};
    for (int k = 0; k < T_COUNT; k++) {
      if (k == T_TIER && x->customer_ids) {
        r->text[k] = SIZE_MAX;
        continue;
      }
      if (keep_text(b, st, cols[k], &r->text[k])) {
        mi_err_set(&x->err, MI_ENOMEM, "out of memory reading responses");
        return MI_ENOMEM;
      }
    }
    b->n++;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) mi_store_fail(x->s, &x->err, "reading responses");
  return rc;
}

/* Notes block rowid as not usable, for the packing after the scan to drop
 * (kept only as far as memory allows: the next scan finds the rest). */
static void note_bad(scan *x, int64_t rowid) {
  if (x->nbad == x->badcap) {
    size_t cap = x->badcap ? 2 * x->badcap : 16;
    int64_t *g = realloc(x->bad, cap * sizeof *g);
    if (!g) return;
    x->bad = g, x->badcap = cap;
  }
  x->bad[x->nbad++] = rowid;
}

/* Reads block seg into b: 1 when it is read, 0 when it cannot be (the
 * caller reads its ids as rows), an error code. Its ids must be increasing
 * and inside its range, or it is not trusted. */
static int read_block(scan *x, const segment *seg, batch *b) {
  int rc = x->bh ? sqlite3_blob_reopen(x->bh, seg->block)
                 : sqlite3_blob_open(x->s->db, "main", "response_blocks", "data", seg->block, 0,
                                     &x->bh);
  if (rc != SQLITE_OK) { /* a handle that failed is not reused */
    if (x->bh) sqlite3_blob_close(x->bh), x->bh = NULL;
    if (rc == SQLITE_NOMEM) return MI_ENOMEM;
    note_bad(x, seg->block);
    return 0;
  }
  size_t len = (size_t)sqlite3_blob_bytes(x->bh);
  if (len > b->blob_cap) {
    unsigned char *g = realloc(b->blob, len);
    if (!g) return MI_ENOMEM;
    b->blob = g, b->blob_cap = len;
  }
  int ok = sqlite3_blob_read(x->bh, b->blob, (int)len, 0) == SQLITE_OK &&
           !mi_block_read(b->blob, len, &b->blk);
  const mi_block_ints *id = &b->blk.id;
  for (uint32_t i = 0; ok && i < b->blk.n; i++) {
    int64_t v = mi_block_int(id, i);
    if (v < seg->lo || v > seg->hi || (i && v <= mi_block_int(id, i - 1))) ok = 0;
  }
  if (!ok) note_bad(x, seg->block);
  return ok;
}

/* Fills b with what comes next: SQLITE_ROW while there may be more,
 * SQLITE_DONE at the end, or an error (in x->err). */
static int produce(scan *x, batch *b) {
  b->is_block = 0, b->n = b->flagged = b->used = 0;
  for (;;) {
    if (x->stepping) {
      int rc = fill(x, b);
      if (rc == SQLITE_ROW) return rc;
      if (rc != SQLITE_DONE) return rc;
      x->stepping = 0;
      if (b->n == BATCH_ROWS) return SQLITE_ROW;
    }
    if (x->next == x->nseg) return SQLITE_DONE;
    const segment *seg = &x->seg[x->next++];
    if (seg->block && !b->n && !b->flagged) {
      int rc = read_block(x, seg, b);
      if (rc == 1) return b->is_block = 1, SQLITE_ROW;
      if (rc) return mi_err_set(&x->err, rc, "out of memory reading responses"), rc;
    } else if (seg->block) { /* b has rows already: the block goes in the next batch */
      x->next--;
      return SQLITE_ROW;
    }
    sqlite3_reset(x->st);
    sqlite3_bind_int64(x->st, 5, seg->lo);
    sqlite3_bind_int64(x->st, 6, seg->hi);
    x->stepping = 1;
  }
}

static void *reader(void *arg) {
  scan *x = arg;
  int rc = SQLITE_ROW;
  for (size_t k = 0; rc == SQLITE_ROW; k = (k + 1) % x->nbatch) {
    pthread_mutex_lock(&x->mu);
    while (x->full[k] && !x->stop) pthread_cond_wait(&x->cv, &x->mu);
    int stop = x->stop;
    pthread_mutex_unlock(&x->mu);
    if (stop) break;
    rc = produce(x, &x->b[k]);
    pthread_mutex_lock(&x->mu);
    x->full[k] = 1;
    pthread_cond_broadcast(&x->cv);
    pthread_mutex_unlock(&x->mu);
  }
  pthread_mutex_lock(&x->mu);
  x->done = 1, x->rc = rc;
  pthread_cond_broadcast(&x->cv);
  pthread_mutex_unlock(&x->mu);
  return NULL;
}

/* The design strings of a block's rows by wave and stratum text, made once
 * per block (copies kept in designs for the whole scan). */
#define DESIGN_WAVES 4
typedef struct design_cache {
  int64_t wave[DESIGN_WAVES];
  const char **stratum[DESIGN_WAVES], **cluster[DESIGN_WAVES]; /* MI_BLOCK_TEXTS each */
  size_t used, evict;
  mi_textset designs;
} design_cache;

/* What the caller's side needs to turn a raw row into an mi_survey_row. */
typedef struct unpacker {
  const qinfo *qi;
  size_t nqi, nquestions;
  const mi_survey_scale *scales;
  const custs *cs;
  const waves *wv;
  const depts *dp; /* NULL: the department is not asked for */
  int64_t from, to, wave_id;
  int include_flagged;
  double *values;
  design_cache *dc;
  struct asked *asked; /* MI_BLOCK_QUESTIONS */
  mi_survey_row_fn cb;
  void *ctx;
} unpacker;

/* Passes b's rows to cb; returns cb's non-zero value or a bad row's error. */
static int deliver_rows(const unpacker *u, const batch *b, mi_err *e) {
  char tmp[160];
  for (size_t i = 0; i < b->n; i++) {
    const raw *r = &b->rows[i];
    const char *t[T_COUNT];
    for (int k = 0; k < T_COUNT; k++) t[k] = r->text[k] == SIZE_MAX ? NULL : b->arena + r->text[k];
    for (size_t q = 0; q < u->nquestions; q++) u->values[q] = NAN;
    if (mi_lookup_unpack(t[T_ANSWERS], u->qi, u->nqi, u->scales, u->nquestions, u->values))
      return mi_err_set(e, MI_ECORRUPT, "response %lld: scale_answers is not a JSON object of "
                        "question ids and numbers (fix it with SQL or import the response again)",
                        (long long)r->id);
    mi_survey_row row = {
        .id = r->id, .submitted_at = r->submitted_at, .weight = r->weight, .flagged = r->flagged,
        .tier = t[T_TIER] ? t[T_TIER] : "", .region = t[T_REGION] ? t[T_REGION] : "",
        .stratum = t[T_STRATUM] ? t[T_STRATUM] : "", .channel = t[T_CHANNEL] ? t[T_CHANNEL] : "",
        .department = t[T_DEPARTMENT] ? t[T_DEPARTMENT] : "", .values = u->values,
        .tier_no = -1, .region_no = -1};
    if (u->cs->n) mi_lookup_customer_of(u->cs, r->customer, &row);
    mi_lookup_design_of(u->wv, r->wave, row.stratum, &row.design_stratum, &row.design_cluster, tmp);
    row.wave = mi_lookup_wave_code(u->wv, r->wave);
    int rc = u->cb(u->ctx, &row);
    if (rc) return rc;
  }
  return 0;
}

/* The design strings of wave w and block text t, from the cache; NULL when
 * out of memory. */
static int block_design(const unpacker *u, const mi_block *blk, int64_t w, uint16_t t,
                        const char **ds, const char **dcl) {
  design_cache *c = u->dc;
  size_t k;
  for (k = 0; k < c->used && c->wave[k] != w; k++) {}
  if (k == c->used) {
    if (c->used < DESIGN_WAVES) k = c->used++;
    else k = c->evict, c->evict = (c->evict + 1) % DESIGN_WAVES;
    c->wave[k] = w;
    memset(c->stratum[k], 0, blk->ntexts * sizeof *c->stratum[k]);
  }
  if (!c->stratum[k][t]) {
    char tmp[160];
    const char *a, *b;
    mi_lookup_design_of(u->wv, w, blk->texts[t], &a, &b, tmp);
    if ((*a && !(a = mi_textset_add(&c->designs, a))) || (*b && !(b = mi_textset_add(&c->designs, b))))
      return MI_ENOMEM;
    c->stratum[k][t] = a, c->cluster[k][t] = b;
  }
  *ds = c->stratum[k][t], *dcl = c->cluster[k][t];
  return 0;
}

/* A question of the block that was asked for: where its answers go, and
 * answers 0..254 in the terms of the scales (255: none). */
typedef struct asked {
  size_t slot;
  const uint8_t *codes;
  const double *reals;
  const qinfo *qi;
  const mi_survey_scale *scale;
  double lut[256];
} asked;

/* Passes the rows of a block in the scan's period and wave to cb; the
 * flagged ones left out are counted in *flagged. */
static int deliver_block(const unpacker *u, const mi_block *blk, size_t *flagged, mi_err *e) {
  asked *m = u->asked;
  size_t nm = 0;
  for (uint32_t q = 0; q < blk->nq; q++) {
    int64_t id = blk->qid[q];
    const qinfo *qi = id > 0 && (uint64_t)id < u->nqi ? &u->qi[id] : NULL;
    if (!qi || qi->slot >= u->nquestions) continue;
    asked *a = &m[nm++];
    a->slot = qi->slot, a->codes = blk->codes[q], a->reals = blk->reals[q], a->qi = qi;
    a->scale = u->scales ? &u->scales[qi->slot] : NULL;
    if (!a->codes) continue;
    for (int v = 0; v < 255; v++) a->lut[v] = mi_lookup_in_terms_of(a->scale, qi, v);
    a->lut[255] = NAN;
  }
  u->dc->used = 0;
  for (uint32_t i = 0; i < blk->n; i++) {
    int64_t at = mi_block_int(&blk->submitted_at, i), wave = mi_block_int(&blk->wave, i);
    if (at < u->from || at >= u->to || (u->wave_id && wave != u->wave_id))
      continue;
    if (blk->flagged[i] && !u->include_flagged) {
      ++*flagged;
      continue;
    }
    for (size_t q = 0; q < u->nquestions; q++) u->values[q] = NAN;
    for (size_t j = 0; j < nm; j++) {
      const asked *a = &m[j];
      if (a->codes) u->values[a->slot] = a->lut[a->codes[i]];
      else if (!isnan(a->reals[i])) u->values[a->slot] = mi_lookup_in_terms_of(a->scale, a->qi, a->reals[i]);
    }
    int64_t c = mi_block_int(&blk->customer, i);
    /* the customer look-up misses the caches: ask for a later row's early */
    int64_t later = i + 16 < blk->n ? mi_block_int(&blk->customer, i + 16) : -1;
    if (u->cs->n && later >= 0 && (uint64_t)later < u->cs->n) __builtin_prefetch(&u->cs->code[later]);
    mi_survey_row row = {
        .id = mi_block_int(&blk->id, i), .submitted_at = at, .weight = mi_block_weight(blk, i),
        .flagged = blk->flagged[i], .tier = "", .region = "",
        .stratum = blk->texts[blk->stratum[i]],
        .channel = blk->texts[blk->channel[i]], .department = "", .values = u->values,
        .tier_no = -1, .region_no = -1};
    int64_t d = mi_block_int(&blk->department, i);
    if (u->dp && d > 0 && (uint64_t)d < u->dp->n && u->dp->code[d]) row.department = u->dp->code[d];
    if (u->cs->n) mi_lookup_customer_of(u->cs, c, &row);
    row.wave = mi_lookup_wave_code(u->wv, wave);
    if (block_design(u, blk, wave, blk->stratum[i], &row.design_stratum,
                     &row.design_cluster))
      return mi_err_set(e, MI_ENOMEM, "out of memory reading responses");
    int rc = u->cb(u->ctx, &row);
    if (rc) return rc;
  }
  return 0;
}

/* A part's consumer: its unpacker and callback, and how it ended. The i-th
 * batch filled (slot i % nbatch) goes to part i % nparts, with or without
 * threads, so that each part folds the same rows every time. */
typedef struct consumer {
  _Alignas(64) scan *x; /* a line of its own: each part's thread writes its own */
  unpacker *u;
  size_t part, flagged;
  int own_thread; /* a thread of its own consumes this part's slots */
  int rc;
  mi_err err;
} consumer;

static int consume(consumer *c, batch *b) {
  c->flagged += b->flagged;
  return b->is_block ? deliver_block(c->u, &b->blk, &c->flagged, &c->err)
                     : deliver_rows(c->u, b, &c->err);
}

/* Consumes the slots of the parts in cs that have no thread of their own
 * (all: 0; one part's thread: from = its part), in order, until the reader
 * is done or a part fails. */
typedef struct serving {
  scan *x;
  consumer *cs;
  long only; /* the one part served, or -1: every part without its own thread */
} serving;

static void *serve(void *arg) {
  serving *sv = arg;
  scan *x = sv->x;
  for (size_t k = sv->only < 0 ? 0 : (size_t)sv->only;; k = (k + 1) % x->nbatch) {
    consumer *c = &sv->cs[k % x->nparts];
    if (sv->only >= 0 ? (long)c->part != sv->only : c->own_thread) continue;
    pthread_mutex_lock(&x->mu);
    while (!x->full[k] && !x->done && !x->stop) pthread_cond_wait(&x->cv, &x->mu);
    int ready = x->full[k] && !x->stop;
    pthread_mutex_unlock(&x->mu);
    if (!ready) break; /* the reader is done and every batch was passed on, or a part failed */
    c->rc = consume(c, &x->b[k]);
    pthread_mutex_lock(&x->mu);
    x->full[k] = 0;
    if (c->rc) x->stop = 1;
    pthread_cond_broadcast(&x->cv);
    pthread_mutex_unlock(&x->mu);
    if (c->rc) break;
  }
  return NULL;
}

/* Runs x's segments to the end (or until a callback stops it): a reader
 * thread, a thread for each part but the first, the caller's thread for
 * the rest; without threads the caller does it all in turn. Returns 0, a
 * callback's value, or an error in e. */
static int run_scan(scan *x, consumer *cs, size_t *flagged, mi_err *e) {
  pthread_t reader_th, th[MI_SURVEY_SCAN_PARTS];
  serving sv[MI_SURVEY_SCAN_PARTS];
  int threaded = !pthread_mutex_init(&x->mu, NULL);
  if (threaded && pthread_cond_init(&x->cv, NULL)) pthread_mutex_destroy(&x->mu), threaded = 0;
  if (threaded && pthread_create(&reader_th, NULL, reader, x)) {
    pthread_cond_destroy(&x->cv), pthread_mutex_destroy(&x->mu);
    threaded = 0;
  }
  int rc = 0, end = SQLITE_ROW;
  if (threaded) {
    for (size_t p = 1; p < x->nparts; p++) {
      sv[p] = (serving){x, cs, (long)p};
      cs[p].own_thread = !pthread_create(&th[p], NULL, serve, &sv[p]);
    }
    sv[0] = (serving){x, cs, -1};
    serve(&sv[0]);
    for (size_t p = 1; p < x->nparts; p++)
      if (cs[p].own_thread) pthread_join(th[p], NULL);
    pthread_mutex_lock(&x->mu); /* the reader waits for a slot no one will empty */
    x->stop = 1;
    pthread_cond_broadcast(&x->cv);
    pthread_mutex_unlock(&x->mu);
    pthread_join(reader_th, NULL);
    pthread_cond_destroy(&x->cv), pthread_mutex_destroy(&x->mu);
    end = x->rc;
  } else {
    for (size_t i = 0; end == SQLITE_ROW && !rc; i++) {
      end = produce(x, &x->b[0]);
      consumer *c = &cs[i % x->nparts];
      rc = c->rc = consume(c, &x->b[0]);
    }
  }
  for (size_t p = 0; p < x->nparts; p++) {
    *flagged += cs[p].flagged;
    if (!rc && cs[p].rc) rc = cs[p].rc, *e = cs[p].err;
  }
  if (rc) return rc;
  if (end != SQLITE_DONE) return mi_err_set(e, x->err.code ? x->err.code : MI_ESTORE, "%s", x->err.msg);
  return 0;
}

/* A part's scratch: the row's values, the block's questions, the designs. */
static int scratch_new(unpacker *u, size_t nquestions) {
  design_cache *dc = u->dc = calloc(1, sizeof *dc);
  u->values = mi_line_calloc((nquestions ? nquestions : 1) * sizeof *u->values);
  u->asked = malloc(MI_BLOCK_QUESTIONS * sizeof *u->asked);
  int ok = dc && u->values && u->asked;
  for (size_t k = 0; ok && k < DESIGN_WAVES; k++)
    ok = (dc->stratum[k] = calloc(MI_BLOCK_TEXTS, sizeof *dc->stratum[k])) &&
         (dc->cluster[k] = calloc(MI_BLOCK_TEXTS, sizeof *dc->cluster[k]));
  return ok;
}

static void scratch_free(unpacker *u) {
  design_cache *dc = u->dc;
  for (size_t k = 0; dc && k < DESIGN_WAVES; k++) free(dc->stratum[k]), free(dc->cluster[k]);
  if (dc) mi_textset_free(&dc->designs);
  free(dc), free(u->values), free(u->asked);
}

/* The segments of a scan over [lo, hi] with the survey's blocks: each block
 * that may hold responses of [from, to), and the ids between and after them
 * as rows. No blocks, or blocks that overlap (not made by manyi): one
 * segment of rows. */
static int plan(const mi_block_span *bl, size_t nb, int64_t lo, int64_t hi, int64_t from,
                int64_t to, segment **out, size_t *n, int *overlap) {
  *overlap = 0;
  for (size_t i = 1; i < nb; i++)
    if (bl[i].first_id <= bl[i - 1].last_id) *overlap = 1;
  if (*overlap) nb = 0;
  segment *g = malloc((2 * nb + 1) * sizeof *g);
  if (!g) return MI_ENOMEM;
  size_t k = 0;
  int64_t next = nb ? INT64_MIN : lo; /* the first id not covered yet */
  for (size_t i = 0; i < nb; i++) {
    if (bl[i].first_id > next) g[k++] = (segment){next, bl[i].first_id - 1, 0};
    if (bl[i].max_at >= from && bl[i].min_at < to)
      g[k++] = (segment){bl[i].first_id, bl[i].last_id, bl[i].rowid};
    next = bl[i].last_id;
    if (next == INT64_MAX) break;
    next++;
  }
  if (!nb || bl[nb - 1].last_id < INT64_MAX) g[k++] = (segment){next, nb ? INT64_MAX : hi, 0};
  *out = g, *n = k;
  return 0;
}

static void set_cache(mi_store *s, int n) {
  mi_store_caches_swap(s, &(mi_store_caches){n, 0}, NULL, NULL);
}

/* The end of a scan's reading: the page cache as it was, the snapshot let go. */
static void end_read(mi_store *s, int own_txn, int cache) {
  set_cache(s, cache);
  if (own_txn) sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

int mi_survey_rows_scan(mi_store *s, const char *survey, int64_t wave_id, int64_t from,
                        int64_t to, int include_flagged, unsigned need,
                        const char *const *questions, const mi_survey_scale *scales,
                        size_t nquestions, mi_survey_row_fn cb, void *ctx,
                        size_t *flagged_left_out, mi_err *e) {
  return mi_survey_rows_scan_parts(s, survey, wave_id, from, to, include_flagged, need, questions,
                                   scales, nquestions, 1, &cb, &ctx, flagged_left_out, e);
}

int mi_survey_rows_scan_parts(mi_store *s, const char *survey, int64_t wave_id, int64_t from,
                              int64_t to, int include_flagged, unsigned need,
                              const char *const *questions, const mi_survey_scale *scales,
                              size_t nquestions, size_t nparts, const mi_survey_row_fn *cbs,
                              void *const *ctxs, size_t *flagged_left_out, mi_err *e) {
  *flagged_left_out = 0;
  if (!nparts || nparts > MI_SURVEY_SCAN_PARTS)
    return mi_err_set(e, MI_EINVAL, "a scan has 1 to %d parts", MI_SURVEY_SCAN_PARTS);
  /* one snapshot for every statement of the scan */
  int own_txn = sqlite3_get_autocommit(s->db) && sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
  /* A scan reads each page once: SQLite's page cache (256 MiB for imports)
   * would only cost allocations and page faults, so keep it small meanwhile
   * (1M responses: 0.68 s against 0.24 s for the bare scan). */
  int cache = cache_size(s);
  set_cache(s, -2048);
  int cust = need & MI_SURVEY_NEED_CUSTOMER, dept = need & MI_SURVEY_NEED_DEPARTMENT;
  custs cs;
  waves wv;
  qinfo *qi = NULL;
  size_t nqi = 0;
  depts dp = {0};
  int rc = cust ? mi_lookup_customers(s, &cs, need) : (memset(&cs, 0, sizeof cs), 0);
  if (!rc) rc = mi_lookup_waves(s, &wv);
  else memset(&wv, 0, sizeof wv);
  if (!rc) rc = mi_lookup_questions(s, questions, nquestions, &qi, &nqi);
  if (!rc && dept) rc = mi_lookup_depts(s, &dp);
  /* The blocks hold the customers and departments by id only. */
  mi_block_span *bl = NULL;
  size_t nb = 0;
  int blockable = (!cust || cs.n) && (!dept || dp.code);
  if (!rc && blockable) rc = mi_response_blocks_list(s, survey, &bl, &nb);
  /* With blocks, the ids between them are read in id order (a plain scan
   * of each stretch); without, over the whole history too. A period of a
   * survey that has no blocks (never packed: a read-only database) goes
   * through the index by survey, which keeps each survey's ids in order. */
  int64_t lo = INT64_MIN, hi = INT64_MAX;
  int dense = nb || (from == INT64_MIN && to == INT64_MAX);
  segment *seg = NULL;
  size_t nseg = 0;
  int overlap = 0;
  if (!rc) rc = plan(bl, nb, lo, hi, from, to, &seg, &nseg, &overlap);
  /* overlapping blocks were not made by manyi: all of them go, to be packed again */
  int64_t *drop = NULL;
  size_t ndrop = 0;
  if (!rc && overlap && (drop = malloc(nb * sizeof *drop)))
    for (; ndrop < nb; ndrop++) drop[ndrop] = bl[ndrop].rowid;
  free(bl);
  if (rc) {
    rc = rc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory reading the survey")
                         : mi_store_fail(s, e, "reading the survey");
    mi_lookup_custs_free(&cs), mi_lookup_waves_free(&wv), mi_lookup_depts_free(&dp), free(qi), free(seg);
    end_read(s, own_txn, cache);
    return rc;
  }
  if (cs.n) cust = 0; /* tier and region from the table: no join */
  char sql[2048];
  snprintf(sql, sizeof sql, RESPONSE_SQL,
           cust ? "coalesce(c.tier, ''), coalesce(c.region, '')"
           : cs.n ? "r.customer_id, ''" : "'', ''",
           dept ? "coalesce(d.code, '')" : "''", dense ? "NOT INDEXED" : "",
           cust && dept ? " JOIN customers c ON c.id = r.customer_id LEFT JOIN invitations i ON"
                          " i.id = r.invitation_id LEFT JOIN tickets t ON t.id = i.ticket_id"
                          " LEFT JOIN departments d ON d.id = t.department_id"
           : cust ? " JOIN customers c ON c.id = r.customer_id"
           : dept ? " LEFT JOIN invitations i ON i.id = r.invitation_id LEFT JOIN tickets t ON"
                    " t.id = i.ticket_id LEFT JOIN departments d ON d.id = t.department_id"
                  : "");
  scan *x = calloc(1, sizeof *x);
  unpacker u[MI_SURVEY_SCAN_PARTS];
  consumer con[MI_SURVEY_SCAN_PARTS];
  memset(u, 0, sizeof u), memset(con, 0, sizeof con);
  int ok = x != NULL;
  for (size_t p = 0; ok && p < nparts; p++) {
    u[p] = (unpacker){qi, nqi, nquestions, scales, &cs, &wv, dept ? &dp : NULL, from, to, wave_id,
                      include_flagged, NULL, NULL, NULL, cbs[p], ctxs[p]};
    con[p] = (consumer){.x = x, .u = &u[p], .part = p};
    ok = scratch_new(&u[p], nquestions);
  }
  if (ok && sqlite3_prepare_v2(s->db, sql, -1, &x->st, NULL) != SQLITE_OK) ok = -1;
  /* a join looks rows up all over its tables: SQLite's own cache then */
  if ((cust || dept) && !nb) set_cache(s, cache);
  if (ok == 1) {
    x->s = s, x->include_flagged = include_flagged, x->customer_ids = cs.n > 0;
    x->seg = seg, x->nseg = nseg, x->nparts = nparts, x->nbatch = 2 * nparts;
    sqlite3_bind_text(x->st, 1, survey, -1, SQLITE_STATIC);
    sqlite3_bind_int64(x->st, 2, from);
    sqlite3_bind_int64(x->st, 3, to);
    sqlite3_bind_int64(x->st, 4, wave_id);
    rc = run_scan(x, con, flagged_left_out, e);
  } else {
    rc = ok ? mi_store_fail(s, e, "reading responses")
            : mi_err_set(e, MI_ENOMEM, "out of memory reading responses");
  }
  size_t stepped = x ? x->stepped : 0;
  for (size_t i = 0; x && i < x->nbad; i++) { /* the blocks that could not be read */
    int64_t *g = realloc(drop, (ndrop + 1) * sizeof *g);
    if (!g) break;
    drop = g, drop[ndrop++] = x->bad[i];
  }
  if (x) {
    free(x->bad);
    sqlite3_blob_close(x->bh);
    sqlite3_finalize(x->st);
    for (size_t k = 0; k < 2 * MI_SURVEY_SCAN_PARTS; k++) free(x->b[k].arena), free(x->b[k].blob);
  }
  for (size_t p = 0; p < nparts; p++) scratch_free(&u[p]);
  free(x), free(seg), free(qi);
  mi_lookup_custs_free(&cs), mi_lookup_waves_free(&wv), mi_lookup_depts_free(&dp);
  end_read(s, own_txn, cache);
  /* Many responses read as rows: pack them for the next scan, if the
   * database can be written at once (a score never waits for it). */
  size_t packed;
  mi_err ignored = {0};
  if (!rc && (stepped >= MI_BLOCK_ROWS || ndrop) && blockable)
    mi_response_blocks_repack(s, survey, 0, drop, ndrop, &packed, &ignored);
  free(drop);
  return rc;
}
