/* The block layout (response_block.h), written by the packer and read back
 * without copying. All sections start at multiples of 8 bytes:
 *
 *   header      u32 magic, n, nq, ntexts, texts_bytes, nweights, wide, 0
 *               i64 base[5]
 *   rows        per whole-number column (id, submitted_at, customer, wave,
 *               department): i64[n] if its bit of `wide` is set, else
 *               u32[n] offsets from its base;
 *               weights: u16[n] numbers into f64 weights[nweights], or
 *               f64[n] when nweights is 0;
 *               u16 stratum[n], channel[n]; u8 flagged[n]
 *   questions   i64 qid[nq]; u8 small[nq]
 *   values      per question: u8[n] (small: answers 0..254 as they are,
 *               255 = none) or f64[n] (NAN = none)
 *   texts       ntexts NUL-terminated strings, the first ""
 *
 * The blob is the machine's byte order: a file moved to a machine of the
 * other order fails the magic, and its blocks are read as rows. */
#include "store/response_block.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define MAGIC 0x3342494du /* "MIB3" read on a little-endian machine */
#define HEADER 72u /* 8 x u32, 5 x i64 */
#define NINTS 5    /* the whole-number columns */

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

/* The bytes of the rows' section: the whole-number columns (wide: the
 * bits of those stored whole), the weights, the texts' numbers and flags. */
static size_t rows_bytes(size_t n, unsigned wide, size_t nweights) {
  size_t b = 0;
  for (int k = 0; k < NINTS; k++) b += wide >> k & 1 ? 8 * n : pad8(4 * n);
  b += nweights ? pad8(2 * n) + 8 * nweights : 8 * n;
  return b + pad8(5 * n);
}
static size_t questions_bytes(size_t nq) { return 8 * nq + pad8(nq); }

int mi_scale_answers_next(const char **p, uint64_t *qid, double *value) {
  const char *s = *p;
  if (*s == '{') {
    if (*++s == '}') return *p = s, 0;
  } else if (*s == ',') {
    s++;
  } else {
    return *s == '}' ? 0 : -1;
  }
  if (*s++ != '"') return -1;
  uint64_t q = 0;
  const char *d = s;
  while (*s >= '0' && *s <= '9' && s - d < 18) q = q * 10 + (uint64_t)(*s++ - '0');
  if (s == d || *s++ != '"' || *s++ != ':') return -1;
  /* whole numbers of up to 15 digits are read here, the others by strtod */
  const char *num = s;
  int neg = *s == '-';
  s += neg;
  if (*s < '0' || *s > '9') return -1;
  long long v = 0;
  d = s;
  while (*s >= '0' && *s <= '9' && s - d < 15) v = v * 10 + (*s++ - '0');
  if (*s != '.' && *s != 'e' && *s != 'E' && (*s < '0' || *s > '9')) {
    *value = neg ? -(double)v : (double)v;
  } else {
    char *end;
    *value = strtod(num, &end);
    s = end;
  }
  if (*s != ',' && *s != '}') return -1;
  *qid = q, *p = s;
  return 1;
}

/* ---- reading ---- */

int mi_block_read(const void *blob, size_t len, mi_block *b) {
  const unsigned char *base = blob;
  uint32_t h[8];
  int64_t bases[NINTS];
  if (len < HEADER) return -1;
  memcpy(h, base, sizeof h);
  memcpy(bases, base + sizeof h, sizeof bases);
  if (h[0] != MAGIC || !h[1] || h[1] > MI_BLOCK_ROWS || h[2] > MI_BLOCK_QUESTIONS || !h[3] ||
      h[3] > MI_BLOCK_TEXTS || h[5] > h[1] || h[6] >> NINTS)
    return -1;
  size_t n = h[1], nq = h[2], nweights = h[5], off = HEADER;
  unsigned wide = h[6];
  if (len < off + rows_bytes(n, wide, nweights) + questions_bytes(nq)) return -1;
  b->n = h[1], b->nq = h[2], b->ntexts = h[3];
  mi_block_ints *ints[NINTS] = {&b->id, &b->submitted_at, &b->customer, &b->wave, &b->department};
  const unsigned char *at = base + off;
  for (int k = 0; k < NINTS; k++) {
    ints[k]->base = bases[k];
    ints[k]->wide = wide >> k & 1 ? (const int64_t *)at : NULL;
    ints[k]->narrow = wide >> k & 1 ? NULL : (const uint32_t *)at;
    at += wide >> k & 1 ? 8 * n : pad8(4 * n);
  }
  b->weight = NULL, b->weight_no = NULL, b->weights = NULL;
  if (nweights) {
    b->weight_no = (const uint16_t *)at, at += pad8(2 * n);
    b->weights = (const double *)at, at += 8 * nweights;
    for (size_t i = 0; i < n; i++)
      if (b->weight_no[i] >= nweights) return -1;
  } else {
    b->weight = (const double *)at, at += 8 * n;
  }
  b->stratum = (const uint16_t *)at;
  b->channel = b->stratum + n;
  b->flagged = (const uint8_t *)(b->channel + n);
  off += rows_bytes(n, wide, nweights);
  b->qid = (const int64_t *)(base + off);
  const uint8_t *small = (const uint8_t *)(b->qid + nq);
  off += questions_bytes(nq);
  for (size_t q = 0; q < nq; q++) {
    size_t size = small[q] ? pad8(n) : 8 * n;
    if (len < off + size) return -1;
    b->codes[q] = small[q] ? base + off : NULL;
    b->reals[q] = small[q] ? NULL : (const double *)(base + off);
    off += size;
  }
  /* the texts: exactly ntexts strings filling texts_bytes */
  if (len != off + h[4]) return -1;
  const char *t = (const char *)base + off, *end = t + h[4];
  for (size_t i = 0; i < b->ntexts; i++) {
    const char *z = t < end ? memchr(t, 0, (size_t)(end - t)) : NULL;
    if (!z) return -1;
    b->texts[i] = t, t = z + 1;
  }
  if (t != end || *b->texts[0]) return -1;
  for (size_t i = 0; i < n; i++)
    if (b->stratum[i] >= b->ntexts || b->channel[i] >= b->ntexts) return -1;
  return 0;
}

/* ---- packing ---- */

struct mi_block_packer {
  size_t n, nq;
  int64_t id[MI_BLOCK_ROWS], at[MI_BLOCK_ROWS], customer[MI_BLOCK_ROWS], wave[MI_BLOCK_ROWS];
  int64_t department[MI_BLOCK_ROWS];
  double weight[MI_BLOCK_ROWS];
  uint16_t stratum[MI_BLOCK_ROWS], channel[MI_BLOCK_ROWS];
  uint8_t flagged[MI_BLOCK_ROWS];
  int64_t qid[MI_BLOCK_QUESTIONS];
  double *values[MI_BLOCK_QUESTIONS]; /* MI_BLOCK_ROWS each, NAN = none */
  /* the texts: back to back in text, their starts in start (first "") */
  char *text;
  size_t text_len, text_cap;
  size_t start[MI_BLOCK_TEXTS];
  size_t ntexts;
  unsigned char *blob;
  size_t blob_cap;
};

mi_block_packer *mi_block_packer_new(void) {
  mi_block_packer *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  if (!(p->text = malloc(p->text_cap = 4096))) return free(p), NULL;
  p->text[0] = 0, p->text_len = 1, p->ntexts = 1;
  return p;
}

void mi_block_packer_free(mi_block_packer *p) {
  if (!p) return;
  for (size_t q = 0; q < MI_BLOCK_QUESTIONS; q++) free(p->values[q]);
  free(p->text), free(p->blob), free(p);
}

size_t mi_block_rows(const mi_block_packer *p) { return p->n; }

/* The index of text t in the block's texts, added if new; -1 when the block
 * has no room, -2 out of memory. Texts per block are few (strata,
 * channels): a linear search over them is enough. */
static long text_index(mi_block_packer *p, const char *t) {
  if (!t || !*t) return 0;
  for (size_t i = 1; i < p->ntexts; i++)
    if (!strcmp(p->text + p->start[i], t)) return (long)i;
  if (p->ntexts == MI_BLOCK_TEXTS) return -1;
  size_t len = strlen(t) + 1;
  if (p->text_len + len > p->text_cap) {
    size_t cap = 2 * p->text_cap;
    while (cap < p->text_len + len) cap *= 2;
    char *x = realloc(p->text, cap);
    if (!x) return -2;
    p->text = x, p->text_cap = cap;
  }
  memcpy(p->text + p->text_len, t, len);
  p->start[p->ntexts] = p->text_len, p->text_len += len;
  return (long)p->ntexts++;
}

/* The column of question qid, added if new (NAN for the rows before); NULL
 * when the block has no room or memory is short (*full says which). */
static double *column(mi_block_packer *p, int64_t qid, int *full) {
  for (size_t q = 0; q < p->nq; q++)
    if (p->qid[q] == qid) return p->values[q];
  if (p->nq == MI_BLOCK_QUESTIONS) return *full = 1, NULL;
  double *v = p->values[p->nq];
  if (!v && !(v = p->values[p->nq] = malloc(MI_BLOCK_ROWS * sizeof *v))) return *full = 0, NULL;
  for (size_t i = 0; i < MI_BLOCK_ROWS; i++) v[i] = NAN;
  p->qid[p->nq++] = qid;
  return v;
}

int mi_block_add(mi_block_packer *p, const mi_block_row *r) {
  if (p->n == MI_BLOCK_ROWS) return 1;
  /* answers first: a bad object adds nothing */
  const char *s = r->answers;
  uint64_t qid;
  double v;
  int k;
  if (s) {
    if (*s != '{') return -1;
    while ((k = mi_scale_answers_next(&s, &qid, &v)) == 1) {}
    if (k < 0) return -1;
  }
  size_t ntexts = p->ntexts, nq = p->nq, text_len = p->text_len;
  long si = text_index(p, r->stratum), ci = si < 0 ? si : text_index(p, r->channel);
  if (si == -2 || ci == -2) return MI_ENOMEM;
  int full = si < 0 || ci < 0;
  for (s = r->answers; s && !full && (k = mi_scale_answers_next(&s, &qid, &v)) == 1;) {
    int room = 1;
    double *col = column(p, (int64_t)qid, &room);
    if (!col) {
      if (!room) return MI_ENOMEM;
      full = 1;
    } else {
      col[p->n] = v;
    }
  }
  if (full) { /* undo what this row added; the block ends before it */
    for (size_t q = 0; q < p->nq; q++) p->values[q][p->n] = NAN;
    p->ntexts = ntexts, p->nq = nq, p->text_len = text_len;
    return 1;
  }
  size_t i = p->n++;
  p->id[i] = r->id, p->at[i] = r->submitted_at, p->customer[i] = r->customer;
  p->wave[i] = r->wave, p->department[i] = r->department, p->weight[i] = r->weight;
  p->flagged[i] = r->flagged != 0;
  p->stratum[i] = (uint16_t)si, p->channel[i] = (uint16_t)ci;
  return 0;
}

/* Whether every answer of column v (n rows) is a whole number 0..254. */
static int small_values(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isnan(v[i]) && !(v[i] >= 0 && v[i] <= 254 && v[i] == (double)(int)v[i])) return 0;
  return 1;
}

/* The distinct weights of the packer's rows (by their bits) into table,
 * each row's number into no; how many, or 0 when more than half the rows
 * have weights of their own (then stored whole). */
static size_t weight_numbers(const mi_block_packer *p, double *table, uint16_t *no) {
  enum { SLOTS = 2 * MI_BLOCK_ROWS }; /* open addressing, at most half full */
  static _Thread_local int32_t slot[SLOTS];
  memset(slot, -1, sizeof slot);
  size_t d = 0;
  for (size_t i = 0; i < p->n; i++) {
    uint64_t bits;
    memcpy(&bits, &p->weight[i], sizeof bits);
    size_t h = (size_t)((bits * 0x9E3779B97F4A7C15ull) >> 51) % SLOTS;
    while (slot[h] >= 0 && memcmp(&table[slot[h]], &p->weight[i], sizeof bits)) h = (h + 1) % SLOTS;
    if (slot[h] < 0) {
      if (d >= p->n / 2) return 0;
      table[d] = p->weight[i], slot[h] = (int32_t)d++;
    }
    no[i] = (uint16_t)slot[h];
  }
  return d;
}

int mi_block_pack(mi_block_packer *p, const void **blob, size_t *len, int64_t *first_id,
                  int64_t *last_id, int64_t *min_at, int64_t *max_at) {
  size_t n = p->n, nq = p->nq;
  /* whole numbers as 32-bit offsets where they fit, weights by number */
  const int64_t *ints[NINTS] = {p->id, p->at, p->customer, p->wave, p->department};
  int64_t lo[NINTS];
  unsigned wide = 0;
  for (int k = 0; k < NINTS; k++) {
    int64_t a = ints[k][0], b = ints[k][0];
    for (size_t i = 1; i < n; i++) a = ints[k][i] < a ? ints[k][i] : a, b = ints[k][i] > b ? ints[k][i] : b;
    lo[k] = a;
    if ((uint64_t)b - (uint64_t)a > UINT32_MAX) wide |= 1u << k;
  }
  double table[MI_BLOCK_ROWS];
  uint16_t wno[MI_BLOCK_ROWS];
  size_t nweights = weight_numbers(p, table, wno);
  uint8_t small[MI_BLOCK_QUESTIONS];
  size_t size = HEADER + rows_bytes(n, wide, nweights) + questions_bytes(nq) + p->text_len;
  for (size_t q = 0; q < nq; q++) {
    small[q] = (uint8_t)small_values(p->values[q], n);
    size += small[q] ? pad8(n) : 8 * n;
  }
  if (size > p->blob_cap) {
    unsigned char *b = realloc(p->blob, size);
    if (!b) return MI_ENOMEM;
    p->blob = b, p->blob_cap = size;
  }
  unsigned char *o = p->blob;
  memset(o, 0, size);
  uint32_t h[8] = {MAGIC, (uint32_t)n, (uint32_t)nq, (uint32_t)p->ntexts, (uint32_t)p->text_len,
                   (uint32_t)nweights, wide};
  memcpy(o, h, sizeof h);
  memcpy(o + sizeof h, lo, sizeof lo);
  o += HEADER;
  for (int k = 0; k < NINTS; k++) {
    if (wide >> k & 1) {
      memcpy(o, ints[k], 8 * n), o += 8 * n;
      continue;
    }
    uint32_t *u = (uint32_t *)o;
    for (size_t i = 0; i < n; i++) u[i] = (uint32_t)((uint64_t)ints[k][i] - (uint64_t)lo[k]);
    o += pad8(4 * n);
  }
  if (nweights) {
    memcpy(o, wno, 2 * n), o += pad8(2 * n);
    memcpy(o, table, 8 * nweights), o += 8 * nweights;
  } else {
    memcpy(o, p->weight, 8 * n), o += 8 * n;
  }
  memcpy(o, p->stratum, 2 * n), o += 2 * n;
  memcpy(o, p->channel, 2 * n), o += 2 * n;
  memcpy(o, p->flagged, n);
  o += pad8(5 * n) - 4 * n;
  memcpy(o, p->qid, 8 * nq), o += 8 * nq;
  memcpy(o, small, nq), o += pad8(nq);
  for (size_t q = 0; q < nq; q++) {
    const double *v = p->values[q];
    if (small[q]) {
      for (size_t i = 0; i < n; i++) o[i] = isnan(v[i]) ? 255 : (uint8_t)v[i];
      o += pad8(n);
    } else {
      memcpy(o, v, 8 * n), o += 8 * n;
    }
  }
  memcpy(o, p->text, p->text_len);
  *first_id = p->id[0], *last_id = p->id[n ? n - 1 : 0];
  *min_at = *max_at = p->at[0];
  for (size_t i = 1; i < n; i++) {
    if (p->at[i] < *min_at) *min_at = p->at[i];
    if (p->at[i] > *max_at) *max_at = p->at[i];
  }
  *blob = p->blob, *len = size;
  mi_block_clear(p);
  return 0;
}

void mi_block_clear(mi_block_packer *p) {
  for (size_t q = 0; q < p->nq; q++)
    for (size_t i = 0; i < p->n; i++) p->values[q][i] = NAN;
  p->n = p->nq = 0, p->ntexts = 1, p->text_len = 1;
}
