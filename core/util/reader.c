/* The format-independent part of the record reader: opening, columns,
 * records and error reporting (record_reader.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/reader_impl.h"

/* ---- records ------------------------------------------------------------ */

void mi_rec_reset(mi_record *rec, long line) {
  rec->n = 0;
  rec->line = line;
  mi_strbuf_reset(&rec->arena);
}

static int rec_grow(mi_record *rec, size_t need) {
  if (need <= rec->cap) return 0;
  size_t cap = rec->cap ? rec->cap * 2 : 16;
  while (cap < need)
    cap *= 2;
  size_t *off = realloc(rec->off, cap * sizeof *off);
  if (!off) return MI_ENOMEM;
  rec->off = off;
  size_t *len = realloc(rec->len, cap * sizeof *len);
  if (!len) return MI_ENOMEM;
  rec->len = len;
  long *fline = realloc(rec->fline, cap * sizeof *fline);
  if (!fline) return MI_ENOMEM;
  rec->fline = fline;
  const char **val = realloc(rec->val, cap * sizeof *val);
  if (!val) return MI_ENOMEM;
  rec->val = val;
  rec->cap = cap;
  return 0;
}

int mi_rec_add(mi_record *rec, const char *s, size_t n, long line) {
  if (rec->n == rec->cap && rec_grow(rec, rec->n + 1)) return MI_ENOMEM;
  size_t i = rec->n++;
  rec->fline[i] = line;
  if (!s) {
    rec->off[i] = SIZE_MAX;
    rec->len[i] = 0;
    return 0;
  }
  rec->off[i] = rec->arena.len;
  rec->len[i] = n;
  /* The NUL goes into the arena so that the next field starts after it. */
  if (mi_strbuf_reserve(&rec->arena, n + 1)) return MI_ENOMEM;
  memcpy(rec->arena.data + rec->arena.len, s, n);
  rec->arena.len += n;
  rec->arena.data[rec->arena.len++] = '\0';
  rec->arena.data[rec->arena.len] = '\0';
  return 0;
}

int mi_rec_extend(mi_record *rec, size_t n, long line) {
  while (rec->n < n)
    if (mi_rec_add(rec, NULL, 0, line)) return MI_ENOMEM;
  return 0;
}

int mi_rec_set(mi_record *rec, size_t i, const char *s, size_t n) {
  size_t at = rec->arena.len;
  if (mi_strbuf_append(&rec->arena, s, n) || mi_strbuf_appendc(&rec->arena, '\0')) return MI_ENOMEM;
  rec->off[i] = at;
  rec->len[i] = n;
  return 0;
}

void mi_rec_finish(mi_record *rec) {
  for (size_t i = 0; i < rec->n; i++)
    rec->val[i] = rec->off[i] == SIZE_MAX ? NULL : rec->arena.data + rec->off[i];
}

void mi_rec_free(mi_record *rec) {
  free(rec->off);
  free(rec->len);
  free(rec->fline);
  free(rec->val);
  mi_strbuf_free(&rec->arena);
  memset(rec, 0, sizeof *rec);
}

size_t mi_record_count(const mi_record *rec) { return rec ? rec->n : 0; }

const char *mi_record_field(const mi_record *rec, size_t i) {
  return rec && i < rec->n ? rec->val[i] : NULL;
}

size_t mi_record_len(const mi_record *rec, size_t i) {
  return rec && i < rec->n && rec->val[i] ? rec->len[i] : 0;
}

const char *mi_record_get(const mi_record *rec, const char *name) {
  if (!rec || !name) return NULL;
  long i = mi_reader_find(rec->r, name, strlen(name));
  return i < 0 ? NULL : mi_record_field(rec, (size_t)i);
}

long mi_record_line(const mi_record *rec) { return rec ? rec->line : 0; }

long mi_record_field_line(const mi_record *rec, size_t i) {
  if (!rec) return 0;
  return i < rec->n && rec->fline[i] ? rec->fline[i] : rec->line;
}

int mi_record_error(const mi_record *rec, mi_err *e, int code, const char *field, const char *fmt,
                    ...) {
  if (!e) return code;
  char msg[sizeof e->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, mi_tr(fmt), ap);
  va_end(ap);
  long line = rec ? rec->line : 0;
  if (rec && field) {
    long i = mi_reader_find(rec->r, field, strlen(field));
    if (i >= 0) line = mi_record_field_line(rec, (size_t)i);
  }
  if (field)
    mi_err_setpos(e, code, rec ? rec->r->name : NULL, (int)line, 0, "field '%s': %s", field, msg);
  else
    mi_err_setpos(e, code, rec ? rec->r->name : NULL, (int)line, 0, "%s", msg);
  return code;
}

/* ---- columns ------------------------------------------------------------ */

static uint32_t hash_name(const char *s, size_t n) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

long mi_reader_find(const mi_reader *r, const char *s, size_t n) {
  if (!r || !r->hcap) return -1;
  size_t mask = r->hcap - 1;
  for (size_t k = hash_name(s, n) & mask;; k = (k + 1) & mask) {
    uint32_t v = r->hash[k];
    if (!v) return -1;
    const char *c = r->cols[v - 1];
    if (strncmp(c, s, n) == 0 && c[n] == '\0') return (long)v - 1;
  }
}

static int rehash(mi_reader *r, size_t cap) {
  uint32_t *h = calloc(cap, sizeof *h);
  if (!h) return MI_ENOMEM;
  for (size_t i = 0; i < r->ncols; i++) {
    size_t k = hash_name(r->cols[i], strlen(r->cols[i])) & (cap - 1);
    while (h[k])
      k = (k + 1) & (cap - 1);
    h[k] = (uint32_t)i + 1;
  }
  free(r->hash);
  r->hash = h;
  r->hcap = cap;
  return 0;
}

int mi_reader_add_column(mi_reader *r, const char *name, size_t n, size_t *idx) {
  if (mi_reader_find(r, name, n) >= 0) return MI_EEXIST;
  if (r->ncols == r->colcap) {
    size_t cap = r->colcap ? r->colcap * 2 : 16;
    char **c = realloc(r->cols, cap * sizeof *c);
    if (!c) return MI_ENOMEM;
    r->cols = c;
    r->colcap = cap;
  }
  char *copy = malloc(n + 1);
  if (!copy) return MI_ENOMEM;
  memcpy(copy, name, n);
  copy[n] = '\0';
  r->cols[r->ncols++] = copy;
  /* Keep the table at most half full. */
  if (r->ncols * 2 > r->hcap) {
    if (rehash(r, r->hcap ? r->hcap * 2 : 32)) return MI_ENOMEM;
  } else {
    size_t k = hash_name(copy, n) & (r->hcap - 1);
    while (r->hash[k])
      k = (k + 1) & (r->hcap - 1);
    r->hash[k] = (uint32_t)r->ncols;
  }
  if (idx) *idx = r->ncols - 1;
  return 0;
}

const char *mi_reader_colname(const mi_reader *r, size_t i, char buf[32]) {
  if (i < r->ncols) return r->cols[i];
  snprintf(buf, 32, "column %zu", i + 1);
  return buf;
}

/* ---- errors ------------------------------------------------------------- */

static int vbad(mi_reader *r, mi_err *e, int code, long line, int col, const char *fmt,
                va_list ap) {
  if (!e) return code;
  mi_err_setv(e, code, fmt, ap);
  snprintf(e->file, sizeof e->file, "%s", r->name);
  e->line = (int)line;
  e->column = col;
  return code;
}

int mi_reader_bad(mi_reader *r, mi_err *e, int code, long line, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vbad(r, e, code, line, col, fmt, ap);
  va_end(ap);
  return code;
}

int mi_reader_fatal(mi_reader *r, mi_err *e, int code, long line, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vbad(r, &r->fail, code, line, col, fmt, ap);
  va_end(ap);
  r->failed = 1;
  if (e) *e = r->fail;
  return code;
}

/* ---- opening and reading ------------------------------------------------ */

static int copy_expected(mi_reader *r, const mi_reader_opts *o, mi_err *e) {
  if (!o->ncolumns) return 0;
  if (!o->columns) return mi_err_set(e, MI_EINVAL, "ncolumns is set but columns is NULL");
  r->expect = calloc(o->ncolumns, sizeof *r->expect);
  if (!r->expect) return mi_err_set(e, MI_ENOMEM, "out of memory");
  r->nexpect = o->ncolumns;
  for (size_t i = 0; i < o->ncolumns; i++) {
    if (!o->columns[i] || !o->columns[i][0])
      return mi_err_set(e, MI_EINVAL, "expected column %zu has no name", i + 1);
    r->expect[i] = strdup(o->columns[i]);
    if (!r->expect[i]) return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  return 0;
}

int mi_reader_fopen(FILE *f, const char *name, mi_format fmt, const mi_reader_opts *opts,
                    mi_reader **out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "mi_reader_fopen: no output pointer");
  *out = NULL;
  if (!f) return mi_err_set(e, MI_EINVAL, "mi_reader_fopen: no stream");
  if (!name) name = "-";
  if (fmt == MI_FORMAT_AUTO) {
    int rc = mi_format_from_path(name, &fmt, e);
    if (rc) return rc;
  }
  if (fmt != MI_FORMAT_CSV && fmt != MI_FORMAT_JSONL)
    return mi_err_set(e, MI_EINVAL, "unknown record format %d", (int)fmt);
  mi_reader_opts defaults = {0};
  const mi_reader_opts *o = opts ? opts : &defaults;
  mi_reader *r = calloc(1, sizeof *r);
  if (!r) return mi_err_set(e, MI_ENOMEM, "out of memory");
  r->fmt = fmt;
  r->f = f;
  r->line = 1;
  r->rec.r = r;
  r->max_field = o->max_field ? o->max_field : MI_READER_MAX_FIELD;
  r->max_record = o->max_record ? o->max_record : MI_READER_MAX_RECORD;
  r->max_columns = o->max_columns ? o->max_columns : MI_READER_MAX_COLUMNS;
  r->allow_extra = o->allow_extra;
  r->keep_apostrophe = o->keep_apostrophe;
  r->ops = fmt == MI_FORMAT_CSV ? &mi_csv_reader_ops : &mi_jsonl_reader_ops;
  int rc;
  if (!(r->name = strdup(name))) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  } else if ((rc = copy_expected(r, o, e)) ||
             (rc = mi_rsrc_init(&r->src, f, o->encoding, o->block_size, e))) {
    if (e && !e->file[0]) snprintf(e->file, sizeof e->file, "%s", name);
  } else {
    rc = r->ops->start(r, e);
  }
  if (rc) {
    mi_reader_close(r);
    return rc;
  }
  *out = r;
  return 0;
}

int mi_reader_open_opts(const char *path, mi_format fmt, const mi_reader_opts *opts,
                        mi_reader **out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "mi_reader_open: no output pointer");
  *out = NULL;
  if (!path || !*path) return mi_err_set(e, MI_EINVAL, "mi_reader_open: no path given");
  if (fmt == MI_FORMAT_AUTO) {
    int rc = mi_format_from_path(path, &fmt, e);
    if (rc) return rc;
  }
  FILE *f = fopen(path, "rb");
  if (!f) return mi_err_setpos(e, MI_EIO, path, 0, 0, "cannot open: %s", mi_strerror(errno));
  int rc = mi_reader_fopen(f, path, fmt, opts, out, e);
  if (rc) {
    fclose(f);
    return rc;
  }
  (*out)->own_file = 1;
  return 0;
}

int mi_reader_open(const char *path, mi_format fmt, const char *encoding, mi_reader **out,
                   mi_err *e) {
  mi_reader_opts o = {.encoding = encoding};
  return mi_reader_open_opts(path, fmt, &o, out, e);
}

int mi_reader_header(const mi_reader *r, const char *const **names, size_t *n) {
  if (!r || !names || !n) return MI_EINVAL;
  *names = (const char *const *)r->cols;
  *n = r->ncols;
  return 0;
}

int mi_reader_column(const mi_reader *r, const char *name, size_t *idx) {
  if (!r || !name) return MI_EINVAL;
  long i = mi_reader_find(r, name, strlen(name));
  if (i < 0) return MI_ENOTFOUND;
  if (idx) *idx = (size_t)i;
  return 0;
}

int mi_reader_next(mi_reader *r, const mi_record **rec, mi_err *e) {
  if (!r || !rec) return mi_err_set(e, MI_EINVAL, "mi_reader_next: bad arguments");
  *rec = NULL;
  if (r->failed) {
    if (e) *e = r->fail;
    return r->fail.code;
  }
  if (r->at_end) return 0;
  int rc = r->ops->next(r, e);
  if (rc == 0) r->at_end = 1;
  if (rc == 1) {
    mi_rec_finish(&r->rec);
    r->count++;
    *rec = &r->rec;
  }
  return rc;
}

int mi_reader_failed(const mi_reader *r) { return r ? r->failed : 1; }
size_t mi_reader_count(const mi_reader *r) { return r ? r->count : 0; }
const char *mi_reader_name(const mi_reader *r) { return r ? r->name : ""; }
mi_format mi_reader_format(const mi_reader *r) { return r ? r->fmt : MI_FORMAT_AUTO; }

void mi_reader_close(mi_reader *r) {
  if (!r) return;
  if (r->ops && r->ops->free) r->ops->free(r);
  mi_rsrc_free(&r->src);
  if (r->own_file && r->f) fclose(r->f);
  mi_rec_free(&r->rec);
  for (size_t i = 0; i < r->ncols; i++)
    free(r->cols[i]);
  free(r->cols);
  free(r->hash);
  for (size_t i = 0; i < r->nexpect; i++)
    free(r->expect[i]);
  free(r->expect);
  free(r->name);
  free(r);
}
