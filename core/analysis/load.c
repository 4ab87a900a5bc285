/* Reading named columns of a CSV/JSONL file or of rows in memory into
 * arrays, group levels, option lists, JSON helpers. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "util/record_reader.h"
#include "util/text.h"

void mi_analysis_data_free(mi_analysis_data *d) {
  if (!d) return;
  for (size_t j = 0; j < d->ncols; j++) {
    mi_analysis_column *c = &d->cols[j];
    free(c->name);
    free(c->x);
    free(c->miss);
    mi_textset_free(&c->pool);
    free(c->text);
  }
  free(d->cols);
  free(d->line);
  free(d->file);
  memset(d, 0, sizeof *d);
}

const mi_analysis_column *mi_analysis_data_col(const mi_analysis_data *d, const char *name) {
  for (size_t j = 0; j < d->ncols; j++)
    if (!strcmp(d->cols[j].name, name)) return &d->cols[j];
  return NULL;
}

static int is_missing(const char *s) { return !s || !*s || !strcmp(s, "NA"); }

/* Parses a whole field as a finite number. 1 ok, 0 not a number, -1 infinite/NaN. */
static int parse_num(const char *s, double *v) {
  char *end;
  if (*s == ' ' || *s == '\t') return 0;
  errno = 0;
  *v = strtod(s, &end);
  if (end == s || *end) return 0;
  if (isnan(*v)) return -1;
  if (isinf(*v)) return -1; /* "inf", or overflow like 1e999 */
  return 1;
}

static int no_column(mi_reader *r, const char *path, const char *name, mi_err *e) {
  const char *const *h;
  size_t nh;
  char list[600] = "";
  if (mi_reader_header(r, &h, &nh) == 0)
    for (size_t i = 0; i < nh && strlen(list) < 500; i++) {
      if (i) strcat(list, ", ");
      strncat(list, h[i], 500 - strlen(list));
    }
  return mi_err_set(e, MI_ENOTFOUND, "%s: no column '%s'; the columns are: %s", path, name,
                    list);
}

/* Where the rows come from: a file through the record reader, or a table. */
typedef struct row_source {
  const mi_analysis_args *a;
  mi_reader *r;
  const mi_record *rec;
  size_t *idx; /* column j of the data is field idx[j] of a record / table row */
  size_t row;  /* table: rows read so far */
  char num[32];
} row_source;

/* Index of column `name` in the source, or a "no column" error. */
static int find_column(row_source *s, const char *name, size_t *idx, mi_err *e) {
  const mi_analysis_table *t = s->a->table;
  if (!t) {
    if (!mi_reader_column(s->r, name, idx)) return 0;
    return no_column(s->r, s->a->file, name, e);
  }
  char list[600] = "";
  for (size_t j = 0; j < t->ncols; j++) {
    if (!strcmp(t->cols[j], name)) {
      *idx = j;
      return 0;
    }
    if (strlen(list) < 500) {
      if (j) strcat(list, ", ");
      strncat(list, t->cols[j], 500 - strlen(list));
    }
  }
  return mi_err_set(e, MI_ENOTFOUND, "%s: no column '%s'; the columns are: %s", t->name, name,
                    t->ncols ? list : "(none: no rows)");
}

/* Advances to the next row: 1 ready (its line in *line), 0 at the end, <0. */
static int next_row(row_source *s, long *line, mi_err *e) {
  const mi_analysis_table *t = s->a->table;
  if (!t) {
    int rc = mi_reader_next(s->r, &s->rec, e);
    if (rc == 1) *line = mi_record_line(s->rec);
    return rc;
  }
  if (s->row == t->nrows) return 0;
  *line = (long)++s->row;
  return 1;
}

/* Field j of the current row as text (NULL = absent); a table's number is
 * also given as is in *num (*is_num = 1) so it is not parsed back. Its text
 * is made only when it is read as text or is not finite (for the message):
 * a finite number read as a number is never missing, and formatting every
 * cell cost more than the statistics (survey score on 10M responses). */
static const char *field(row_source *s, size_t j, int as_text, double *num, int *is_num) {
  const mi_analysis_table *t = s->a->table;
  *is_num = 0;
  if (!t) return mi_record_field(s->rec, s->idx[j]);
  const mi_analysis_cell *c = &t->cells[(s->row - 1) * t->ncols + s->idx[j]];
  if (c->kind == MI_ANALYSIS_STR) return c->str;
  if (c->kind == MI_ANALYSIS_NIL) return NULL;
  *num = c->num;
  *is_num = 1;
  if (!as_text && isfinite(c->num)) return "0";
  mi_text_number(c->num, s->num, sizeof s->num);
  return s->num;
}

/* ok: what parse_num said (0 not a number, -1 infinite). */
static int bad_number(row_source *s, const char *col, int ok, const char *v, mi_err *e) {
  char msg[400];
  snprintf(msg, sizeof msg,
           ok < 0 ? "'%.200s' is not a finite number (remove or mark the row NA)"
                  : "'%.200s' is not a number (leave the field empty or write NA for a "
                    "missing value)",
           v);
  if (s->a->table)
    return mi_err_setpos(e, MI_EPARSE, s->a->table->name, (int)s->row, 0, "field '%s': %s", col,
                         msg);
  return mi_record_error(s->rec, e, MI_EPARSE, col, "%s", msg);
}

int mi_analysis_load(const mi_analysis_args *a, const char *const *names,
                     const mi_analysis_kind *kinds, size_t n, mi_analysis_data *out, mi_err *e) {
  memset(out, 0, sizeof *out);
  row_source s = {.a = a};
  const char *src = a->table ? a->table->name : a->file;
  int rc = a->table ? 0 : mi_reader_open(a->file, MI_FORMAT_AUTO, NULL, &s.r, e);
  if (rc) return rc;
  s.idx = malloc((n ? n : 1) * sizeof *s.idx);
  out->cols = calloc(n ? n : 1, sizeof *out->cols);
  out->file = strdup(src);
  if (!s.idx || !out->cols || !out->file) goto oom;
  for (size_t k = 0; k < n; k++) {
    int seen = 0;
    for (size_t j = 0; j < out->ncols; j++) seen |= !strcmp(out->cols[j].name, names[k]);
    if (seen) continue;
    size_t j = out->ncols;
    if ((rc = find_column(&s, names[k], &s.idx[j], e))) goto done;
    out->cols[j].name = strdup(names[k]);
    out->cols[j].kind = kinds[k];
    out->ncols++;
    if (!out->cols[j].name) goto oom;
  }
  size_t cap = 0;
  long line = 0;
  for (;;) {
    rc = next_row(&s, &line, e);
    if (rc < 0) goto done;
    if (rc == 0) break;
    size_t i = out->nrows;
    if (i == cap) {
      cap = cap ? cap * 2 : 1024;
      long *nl = realloc(out->line, cap * sizeof *nl);
      if (!nl) goto oom;
      out->line = nl;
      for (size_t j = 0; j < out->ncols; j++) {
        mi_analysis_column *c = &out->cols[j];
        unsigned char *m = realloc(c->miss, cap);
        if (!m) goto oom;
        c->miss = m;
        if (c->kind == MI_ANALYSIS_NUMERIC) {
          double *x = realloc(c->x, cap * sizeof *x);
          if (!x) goto oom;
          c->x = x;
        } else {
          char **t = realloc(c->text, cap * sizeof *t);
          if (!t) goto oom;
          c->text = t;
        }
      }
    }
    out->line[i] = line;
    for (size_t j = 0; j < out->ncols; j++) {
      mi_analysis_column *c = &out->cols[j];
      double num;
      int is_num;
      const char *v = field(&s, j, c->kind == MI_ANALYSIS_TEXT, &num, &is_num);
      int missing = is_missing(v);
      c->miss[i] = (unsigned char)missing;
      c->n_missing += (size_t)missing;
      if (c->kind == MI_ANALYSIS_TEXT) {
        c->text[i] = NULL;
        if (!missing && !(c->text[i] = (char *)mi_textset_add(&c->pool, v))) goto oom;
        continue;
      }
      c->x[i] = 0;
      if (missing) continue;
      int ok = is_num ? (isfinite(num) ? 1 : -1) : parse_num(v, &c->x[i]);
      if (is_num && ok == 1) c->x[i] = num;
      if (ok <= 0) {
        out->nrows++; /* so that free sees row i's text fields */
        rc = bad_number(&s, c->name, ok, v, e);
        for (size_t jj = j + 1; jj < out->ncols; jj++)
          if (out->cols[jj].text) out->cols[jj].text[i] = NULL;
        goto done;
      }
    }
    out->nrows++;
  }
  rc = 0;
  goto done;
oom:
  rc = mi_err_set(e, MI_ENOMEM, "out of memory reading %s", src);
done:
  free(s.idx);
  mi_reader_close(s.r);
  if (rc) mi_analysis_data_free(out);
  return rc;
}

/* ---- levels ------------------------------------------------------------------- */

static int cmp_text(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}
static int cmp_number(const void *a, const void *b) {
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  double u = strtod(x, NULL), v = strtod(y, NULL);
  if (u != v) return u < v ? -1 : 1;
  return strcmp(x, y);
}

/* A distinct level and the id it got in order of appearance; sorted by
 * text (the comparators see a pointer to the struct as one to its text). */
typedef struct level_id {
  const char *text;
  size_t id;
} level_id;

int mi_analysis_levels(const mi_analysis_column *c, size_t nrows, char ***levels,
                         size_t *nlevels, size_t **idx, mi_err *e) {
  /* The distinct values through a hash (a jansson object: text -> id in
   * order of appearance), so that only they are sorted, not every row. */
  size_t *ix = malloc((nrows ? nrows : 1) * sizeof *ix), m = 0, cap = 16;
  level_id *d = malloc(cap * sizeof *d);
  size_t *rank = NULL;
  json_t *seen = json_object();
  char **lv = NULL;
  int rc = ix && d && seen ? 0 : MI_ENOMEM;
  for (size_t i = 0; !rc && i < nrows; i++) {
    ix[i] = MI_STATS_NO_GROUP;
    if (!c->text[i]) continue;
    json_t *v = json_object_get(seen, c->text[i]);
    if (v) {
      ix[i] = (size_t)json_integer_value(v);
      continue;
    }
    if (m == cap) {
      level_id *nd = realloc(d, 2 * cap * sizeof *d);
      if (!nd) {
        rc = MI_ENOMEM;
        break;
      }
      d = nd, cap *= 2;
    }
    d[m] = (level_id){c->text[i], m};
    if (json_object_set_new_nocheck(seen, c->text[i], json_integer((json_int_t)m))) rc = MI_ENOMEM;
    ix[i] = m++;
  }
  json_decref(seen);
  int numeric = 1;
  for (size_t k = 0; !rc && k < m && numeric; k++) {
    double v;
    numeric = parse_num(d[k].text, &v) == 1;
  }
  if (!rc) qsort(d, m, sizeof *d, numeric ? cmp_number : cmp_text);
  if (!rc && !(rank = malloc((m ? m : 1) * sizeof *rank))) rc = MI_ENOMEM;
  if (!rc && !(lv = calloc(m ? m : 1, sizeof *lv))) rc = MI_ENOMEM;
  for (size_t k = 0; !rc && k < m; k++) {
    rank[d[k].id] = k;
    if (!(lv[k] = strdup(d[k].text))) rc = MI_ENOMEM;
  }
  for (size_t i = 0; !rc && i < nrows; i++)
    if (ix[i] != MI_STATS_NO_GROUP) ix[i] = rank[ix[i]];
  free(d);
  free(rank);
  if (rc) {
    mi_analysis_levels_free(lv, m, ix);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  *levels = lv;
  *nlevels = m;
  *idx = ix;
  return 0;
}

void mi_analysis_levels_free(char **levels, size_t n, size_t *idx) {
  for (size_t i = 0; levels && i < n; i++) free(levels[i]);
  free(levels);
  free(idx);
}

/* ---- lists, options, JSON --------------------------------------------------- */

int mi_analysis_split(const char *s, char ***out, size_t *n, mi_err *e) {
  *out = NULL;
  *n = 0;
  size_t cap = 1;
  for (const char *p = s; *p; p++) cap += *p == ',';
  char **l = calloc(cap, sizeof *l);
  if (!l) return mi_err_set(e, MI_ENOMEM, "out of memory");
  const char *p = s;
  for (size_t k = 0; k < cap; k++) {
    const char *q = strchr(p, ',');
    size_t len = q ? (size_t)(q - p) : strlen(p);
    if (len == 0) {
      mi_analysis_list_free(l, k);
      return mi_err_set(e, MI_EINVAL, "empty item in the list '%s'", s);
    }
    l[k] = strndup(p, len);
    if (!l[k]) {
      mi_analysis_list_free(l, k);
      return mi_err_set(e, MI_ENOMEM, "out of memory");
    }
    p = q ? q + 1 : p + len;
  }
  *out = l;
  *n = cap;
  return 0;
}

void mi_analysis_list_free(char **l, size_t n) {
  for (size_t i = 0; l && i < n; i++) free(l[i]);
  free(l);
}

const char *mi_analysis_opt(const mi_analysis_args *a, const char *name) {
  for (size_t i = 0; i < a->n; i++)
    if (!strcmp(a->names[i], name)) return a->vals[i];
  return NULL;
}

const char *mi_analysis_need(mi_analysis_args *a, const char *name, mi_err *e) {
  const char *v = mi_analysis_opt(a, name);
  if (!v) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "give --%s", name);
  }
  return v;
}

int mi_analysis_opt_num(mi_analysis_args *a, const char *name, double def, double *v, mi_err *e) {
  const char *s = mi_analysis_opt(a, name);
  *v = def;
  if (!s) return 0;
  if (parse_num(s, v) != 1) {
    a->usage = 1;
    return mi_err_set(e, MI_EINVAL, "--%s: '%s' is not a finite number", name, s);
  }
  return 0;
}

void mi_analysis_err_name(mi_err *e, const char *word, const char *const *names, size_t n) {
  size_t wl = strlen(word);
  if (!e || strncmp(e->msg, word, wl) || e->msg[wl] != ' ') return;
  char *end;
  unsigned long k = strtoul(e->msg + wl + 1, &end, 10);
  if (end == e->msg + wl + 1 || k < 1 || k > n) return;
  char rest[sizeof e->msg];
  snprintf(rest, sizeof rest, "%s", end);
  snprintf(e->msg, sizeof e->msg, "%s '%.200s'%.800s", word, names[k - 1], rest);
}

json_t *mi_analysis_jnum(double x) { return isfinite(x) ? json_real(x) : json_null(); }

void mi_analysis_jset(json_t *o, const char *key, double x) {
  json_object_set_new(o, key, mi_analysis_jnum(x));
}

void mi_analysis_jset_n(json_t *o, const char *key, size_t n) {
  json_object_set_new(o, key, json_integer((json_int_t)n));
}
