/* Grids and values for other programs: CSV through the engine's own writer
 * (RFC 4180, the formula convention of util/text.h, so `manyi stats` and
 * `manyi import` read it back), and JSON through jansson with the keys in
 * column order. Numbers are written so that they read back to the same
 * double; NaN and infinities are JSON null and empty CSV fields. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/repl_grid.h"
#include "util/record_writer.h"
#include "util/text.h"

/* The CSV text of a cell, or NULL for an absent one; buf holds numbers. */
static const char *csv_text(const mi_repl_val *v, char *buf, size_t size, mi_strbuf *tmp) {
  if (!v) return NULL;
  switch (v->kind) {
  case MI_RV_NIL: return NULL;
  case MI_RV_BOOL: return v->b ? "true" : "false";
  case MI_RV_INT: snprintf(buf, size, "%lld", (long long)v->i); return buf;
  case MI_RV_NUM:
    if (!isfinite(v->d)) return NULL;
    mi_text_number(v->d, buf, size);
    return buf;
  case MI_RV_STR: return v->s;
  default:
    mi_strbuf_reset(tmp);
    mi_shell_value_text(tmp, v, 1);
    return tmp->data ? tmp->data : "";
  }
}

int mi_shell_write_csv(const mi_shell *sh, const mi_grid *g) {
  mi_writer *w;
  mi_err e = {0};
  if (mi_writer_open(sh->out, MI_FORMAT_CSV, (const char *const *)g->cols, g->ncols, &w, &e)) {
    mi_shell_error(sh, &e);
    return -1;
  }
  const char **vals = calloc(g->ncols + 1, sizeof *vals);
  char(*nums)[32] = calloc(g->ncols + 1, sizeof *nums);
  mi_strbuf *tmp = calloc(g->ncols + 1, sizeof *tmp);
  int rc = vals && nums && tmp ? 0 : mi_err_set(&e, MI_ENOMEM, "out of memory writing CSV");
  for (size_t r = 0; !rc && r < g->nrows; r++) {
    for (size_t c = 0; c < g->ncols; c++)
      vals[c] = csv_text(mi_grid_cell(g, r, c), nums[c], sizeof nums[c], &tmp[c]);
    if ((rc = mi_writer_row(w, vals, &e))) mi_err_prefix(&e, "row %zu", r + 1);
  }
  int crc = mi_writer_close(w, rc ? NULL : &e);
  for (size_t c = 0; tmp && c < g->ncols; c++) mi_strbuf_free(&tmp[c]);
  free(tmp);
  free(nums);
  free(vals);
  if (rc || crc) {
    mi_shell_error(sh, &e);
    return -1;
  }
  return 0;
}

static json_t *to_json(const mi_repl_val *v) {
  switch (v->kind) {
  case MI_RV_NIL: return json_null();
  case MI_RV_BOOL: return json_boolean(v->b);
  case MI_RV_INT: return json_integer((json_int_t)v->i);
  case MI_RV_NUM: return isfinite(v->d) ? json_real(v->d) : json_null();
  case MI_RV_STR: {
    json_t *s = json_stringn(v->s, v->len);
    if (s) return s;
    char *clean = mi_shell_cell_text(v->s, v->len, NULL); /* not UTF-8: escaped */
    s = json_string(clean ? clean : "");
    free(clean);
    return s;
  }
  case MI_RV_LIST: {
    json_t *a = json_array();
    for (size_t i = 0; i < v->n; i++) json_array_append_new(a, to_json(&v->items[i]));
    return a;
  }
  case MI_RV_MAP: {
    json_t *o = json_object();
    for (size_t i = 0; i < v->n; i++) json_object_set_new(o, v->keys[i], to_json(&v->items[i]));
    return o;
  }
  default: return json_stringn(v->s ? v->s : "", v->len);
  }
}

static void dump(FILE *out, json_t *j) {
  json_dumpf(j, out, JSON_COMPACT | JSON_ENCODE_ANY);
}

void mi_shell_write_json(FILE *out, const mi_repl_val *v) {
  if (v->kind == MI_RV_LIST) { /* one element per line: easy to read and to diff */
    fputc('[', out);
    for (size_t i = 0; i < v->n; i++) {
      json_t *j = to_json(&v->items[i]);
      fputs(i ? ",\n " : "\n ", out);
      dump(out, j);
      json_decref(j);
    }
    fputs(v->n ? "\n]\n" : "]\n", out);
    return;
  }
  json_t *j = to_json(v);
  dump(out, j);
  fputc('\n', out);
  json_decref(j);
}
