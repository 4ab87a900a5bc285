/* What the REPL shows for the values of an evaluation, in the mode of
 * .mode: plain values on one line (tab-separated, as lua.c prints them),
 * tables as a grid (repl_grid.h) drawn by repl_table.c or written by
 * repl_export.c. Table and markdown output is cut at .limit rows with a
 * note; csv and json write every row, since they are for export. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/repl_grid.h"
#include "util/i18n.h"
#include "util/text.h"

/* ---- values as text ------------------------------------------------------------- */

/* Lua's own form (%.14g, "3.0"), or in a table cell 6 significant digits
 * as `manyi stats` prints them (.mode csv or json for every digit). */
static void num_text(mi_strbuf *b, double d, int cell) {
  char buf[64];
  if (isnan(d)) snprintf(buf, sizeof buf, "%s", signbit(d) ? "-nan" : "nan");
  else if (isinf(d)) snprintf(buf, sizeof buf, "%s", d < 0 ? "-inf" : "inf");
  else if (cell) {
    /* short numbers (money: 285601.56) as they are, long ones to 6 digits
     * after the integer part's: 38.938053097345 -> 38.9381 */
    mi_text_number(d, buf, sizeof buf);
    if (strlen(buf) > 10) {
      int digits = fabs(d) >= 1 ? (int)floor(log10(fabs(d))) + 1 : 1;
      snprintf(buf, sizeof buf, "%.*g", digits + 2 > 6 ? digits + 2 : 6, d);
    }
  } else {
    snprintf(buf, sizeof buf, "%.14g", d);
    if (buf[strspn(buf, "-0123456789")] == '\0') strcat(buf, ".0"); /* as Lua: a float stays one */
  }
  mi_strbuf_appends(b, buf);
}

static int is_ident(const char *s) {
  if (!*s || (*s >= '0' && *s <= '9')) return 0;
  for (; *s; s++)
    if (!((*s | 32) >= 'a' && (*s | 32) <= 'z') && !(*s >= '0' && *s <= '9') && *s != '_') return 0;
  return 1;
}

static void inline_text(mi_strbuf *b, const mi_repl_val *v, int nested, int cell) {
  switch (v->kind) {
  case MI_RV_NIL: mi_strbuf_appends(b, "nil"); break;
  case MI_RV_BOOL: mi_strbuf_appends(b, v->b ? "true" : "false"); break;
  case MI_RV_INT: mi_strbuf_appendf(b, "%lld", (long long)v->i); break;
  case MI_RV_NUM: num_text(b, v->d, cell); break;
  case MI_RV_STR:
    if (nested) mi_strbuf_appendc(b, '"');
    mi_strbuf_append(b, v->s, v->len);
    if (nested) mi_strbuf_appendc(b, '"');
    break;
  case MI_RV_LIST:
    mi_strbuf_appendc(b, '{');
    for (size_t i = 0; i < v->n && b->len < 4096; i++) {
      if (i) mi_strbuf_appends(b, ", ");
      inline_text(b, &v->items[i], 1, cell);
    }
    if (v->total > v->n || b->len >= 4096) mi_strbuf_appends(b, v->n ? ", …" : "…");
    mi_strbuf_appendc(b, '}');
    break;
  case MI_RV_MAP:
    mi_strbuf_appendc(b, '{');
    for (size_t i = 0; i < v->n && b->len < 4096; i++) {
      if (i) mi_strbuf_appends(b, ", ");
      if (is_ident(v->keys[i])) mi_strbuf_appendf(b, "%s = ", v->keys[i]);
      else mi_strbuf_appendf(b, "[\"%s\"] = ", v->keys[i]);
      inline_text(b, &v->items[i], 1, cell);
    }
    if (b->len >= 4096) mi_strbuf_appends(b, ", …");
    mi_strbuf_appendc(b, '}');
    break;
  default: mi_strbuf_append(b, v->s, v->len); break;
  }
}

void mi_shell_value_text(mi_strbuf *b, const mi_repl_val *v, int cell) {
  if (cell && v->kind == MI_RV_NIL) return;
  inline_text(b, v, 0, cell);
}

/* ---- grids ------------------------------------------------------------------------ */

static int is_table(const mi_repl_val *v) { return v->kind == MI_RV_LIST || v->kind == MI_RV_MAP; }

/* Adds name to the columns unless it is there; returns its index. */
static size_t add_col(mi_grid *g, size_t *cap, const char *name) {
  for (size_t c = 0; c < g->ncols; c++)
    if (!strcmp(g->cols[c], name)) return c;
  if (g->ncols == *cap) {
    size_t ncap = *cap ? *cap * 2 : 8;
    char **p = realloc(g->cols, ncap * sizeof *p);
    if (!p) return (size_t)-1;
    g->cols = p;
    *cap = ncap;
  }
  g->cols[g->ncols] = strdup(name);
  return g->cols[g->ncols] ? g->ncols++ : (size_t)-1;
}

/* The value of key in map m (the same position first: rows share an order). */
static const mi_repl_val *field(const mi_repl_val *m, const char *key, size_t hint) {
  if (hint < m->n && !strcmp(m->keys[hint], key)) return &m->items[hint];
  for (size_t i = 0; i < m->n; i++)
    if (!strcmp(m->keys[i], key)) return &m->items[i];
  return NULL;
}

static int fill(mi_grid *g, const mi_repl_val *const *rows, size_t nrows, size_t first) {
  g->nrows = nrows;
  g->cells = calloc(nrows * g->ncols + 1, sizeof *g->cells);
  if (!g->cells) return -1;
  for (size_t r = 0; r < nrows; r++) {
    const mi_repl_val *row = rows[r];
    if (g->keys) g->cells[r * g->ncols] = &g->keys[r];
    for (size_t c = first; c < g->ncols; c++) {
      const mi_repl_val *cell = NULL;
      if (row->kind == MI_RV_MAP) cell = field(row, g->cols[c], c - first);
      else if (row->kind == MI_RV_LIST) {
        long k = strtol(g->cols[c], NULL, 10);
        if (k >= 1 && (size_t)k <= row->n) cell = &row->items[k - 1];
      } else if (!strcmp(g->cols[c], "value")) cell = row;
      g->cells[r * g->ncols + c] = cell;
    }
  }
  return 0;
}

int mi_grid_build(const mi_repl_val *v, mi_grid *g) {
  memset(g, 0, sizeof *g);
  size_t cap = 0;
  if (!is_table(v)) return -1;
  const mi_repl_val **rows = calloc(v->n + 1, sizeof *rows);
  if (!rows) return -1;
  int maps = 0, lists = 0, plain = 0;
  for (size_t i = 0; i < v->n; i++) {
    maps += v->items[i].kind == MI_RV_MAP;
    lists += v->items[i].kind == MI_RV_LIST;
    plain += !is_table(&v->items[i]);
  }
  size_t first = 0;
  int rc = 0;
  if (v->kind == MI_RV_MAP && (maps == 0 || maps < (int)v->n)) {
    /* key | value */
    if (add_col(g, &cap, "key") || add_col(g, &cap, "value") != 1) rc = -1;
    g->kv = 1;
    first = 1;
    g->keys = calloc(v->n + 1, sizeof *g->keys);
    for (size_t i = 0; g->keys && i < v->n; i++) {
      g->keys[i] = (mi_repl_val){.kind = MI_RV_STR, .s = v->keys[i], .len = strlen(v->keys[i])};
      rows[i] = &v->items[i];
    }
    if (!g->keys) rc = -1;
    g->total = v->n;
    if (!rc) {
      /* the "value" column of a key/value map is the item itself */
      g->nrows = v->n;
      g->cells = calloc(v->n * 2 + 1, sizeof *g->cells);
      if (!g->cells) rc = -1;
      for (size_t i = 0; !rc && i < v->n; i++) {
        g->cells[i * 2] = &g->keys[i];
        g->cells[i * 2 + 1] = rows[i];
      }
    }
    free(rows);
    if (rc) mi_grid_free(g);
    return rc;
  }
  if (v->kind == MI_RV_MAP) { /* a map of records: key, then their columns */
    if (add_col(g, &cap, "key")) rc = -1;
    first = 1;
    g->keys = calloc(v->n + 1, sizeof *g->keys);
    if (!g->keys) rc = -1;
    for (size_t i = 0; !rc && i < v->n; i++)
      g->keys[i] = (mi_repl_val){.kind = MI_RV_STR, .s = v->keys[i], .len = strlen(v->keys[i])};
  }
  for (size_t c = 0; !rc && c < v->ncols; c++)
    if (add_col(g, &cap, v->cols[c]) == (size_t)-1) rc = -1;
  for (size_t i = 0; !rc && i < v->n; i++) {
    const mi_repl_val *row = &v->items[i];
    rows[i] = row;
    if (row->kind == MI_RV_MAP) {
      for (size_t k = 0; !rc && k < row->n; k++)
        if (add_col(g, &cap, row->keys[k]) == (size_t)-1) rc = -1;
    } else if (row->kind == MI_RV_LIST) {
      for (size_t k = 0; !rc && k < row->n; k++) {
        char name[24];
        snprintf(name, sizeof name, "%zu", k + 1);
        if (add_col(g, &cap, name) == (size_t)-1) rc = -1;
      }
    } else if (add_col(g, &cap, "value") == (size_t)-1) {
      rc = -1;
    }
  }
  (void)lists;
  (void)plain;
  g->total = v->kind == MI_RV_LIST ? v->total : v->n;
  if (!rc) rc = fill(g, rows, v->n, first);
  free(rows);
  if (rc) mi_grid_free(g);
  return rc;
}

void mi_grid_free(mi_grid *g) {
  for (size_t c = 0; c < g->ncols; c++) free(g->cols[c]);
  free(g->cols);
  free(g->cells);
  free(g->keys); /* their strings are borrowed from the map */
  memset(g, 0, sizeof *g);
}

/* ---- showing ----------------------------------------------------------------------- */

static int only_plain_items(const mi_repl_val *v) {
  if (v->kind != MI_RV_LIST || v->cols) return 0;
  for (size_t i = 0; i < v->n; i++)
    if (is_table(&v->items[i])) return 0;
  return 1;
}

static void show_note(mi_shell *sh, const mi_grid *g) {
  if (g->total > g->nrows)
    fprintf(sh->out, _("(%zu rows, the first %zu shown: .limit N shows more, .limit 0 all; "
                       ".mode csv or json writes every row)\n"),
            g->total, g->nrows);
  else if (g->keys == NULL)
    fprintf(sh->out, g->total == 1 ? _("(%zu row)\n") : _("(%zu rows)\n"), g->total);
}

/* The headers the grid made up, "key" (of a map) and "value" (of a plain
 * map), in the language chosen; a value's own column names are data, and
 * csv keeps them all as they are. */
static void name_made_up_columns(mi_grid *g) {
  const char *names[2] = {g->keys ? _("key") : NULL, g->kv ? _("value") : NULL};
  for (size_t c = 0; c < 2 && c < g->ncols; c++) {
    char *name = names[c] ? strdup(names[c]) : NULL;
    if (!name) continue;
    free(g->cols[c]);
    g->cols[c] = name;
  }
}

static void show_table(mi_shell *sh, const mi_repl_val *v) {
  if (only_plain_items(v) && sh->mode == MI_SHELL_TABLE) {
    mi_strbuf b = {0};
    mi_shell_value_text(&b, v, 0);
    if (v->total > v->n)
      mi_strbuf_appendf(&b, _("  (%zu items, the first %zu shown: .limit N)"), v->total, v->n);
    fprintf(sh->out, "%s\n", b.data ? b.data : "");
    mi_strbuf_free(&b);
    return;
  }
  if (v->kind == MI_RV_LIST && v->n == 0 && !v->cols) {
    fputs("{}\n", sh->out);
    return;
  }
  mi_grid g;
  if (mi_grid_build(v, &g)) {
    fputs(_("manyi: out of memory showing a table\n"), stderr);
    return;
  }
  if (sh->mode != MI_SHELL_CSV) name_made_up_columns(&g);
  switch (sh->mode) {
  case MI_SHELL_MARKDOWN: mi_shell_write_markdown(sh->out, &g); break;
  case MI_SHELL_CSV: mi_shell_write_csv(sh, &g); break;
  default: mi_shell_write_box(sh->out, &g); break;
  }
  if (sh->mode == MI_SHELL_TABLE || sh->mode == MI_SHELL_MARKDOWN) show_note(sh, &g);
  mi_grid_free(&g);
}

void mi_shell_show_value(mi_shell *sh, const mi_repl_val *v) {
  if (sh->mode == MI_SHELL_JSON) {
    mi_shell_write_json(sh->out, v);
    return;
  }
  if (is_table(v)) {
    show_table(sh, v);
    return;
  }
  mi_strbuf b = {0};
  mi_shell_value_text(&b, v, 0);
  fprintf(sh->out, "%s\n", b.data ? b.data : "");
  mi_strbuf_free(&b);
}

void mi_shell_show(mi_shell *sh, const mi_repl_result *res) {
  /* Plain values share a line, tab-separated; each table stands alone. */
  mi_strbuf line = {0};
  int pending = 0;
  for (size_t i = 0; i < res->n; i++) {
    const mi_repl_val *v = &res->vals[i];
    if (!is_table(v) && sh->mode != MI_SHELL_JSON) {
      if (pending) mi_strbuf_appendc(&line, '\t');
      mi_shell_value_text(&line, v, 0);
      pending = 1;
      continue;
    }
    if (pending) fprintf(sh->out, "%s\n", line.data ? line.data : "");
    mi_strbuf_reset(&line);
    pending = 0;
    mi_shell_show_value(sh, v);
  }
  if (pending) fprintf(sh->out, "%s\n", line.data ? line.data : "");
  mi_strbuf_free(&line);
  fflush(sh->out);
}

/* ---- values made in C (.explain) ---------------------------------------------------- */

void mi_shell_map_init(mi_repl_val *m, size_t cap) {
  memset(m, 0, sizeof *m);
  m->kind = MI_RV_MAP;
  m->keys = calloc(cap + 1, sizeof *m->keys);
  m->items = calloc(cap + 1, sizeof *m->items);
  m->total = cap;
}

void mi_shell_map_add(mi_repl_val *m, const char *key, mi_repl_val v) {
  if (!m->keys || !m->items || m->n >= m->total) {
    mi_repl_val_free(&v);
    return;
  }
  if (!(m->keys[m->n] = strdup(key))) {
    mi_repl_val_free(&v);
    return;
  }
  m->items[m->n++] = v;
}

mi_repl_val mi_shell_str(const char *s) {
  mi_repl_val v = {.kind = MI_RV_NIL};
  if (!s) return v;
  v.s = strdup(s);
  if (!v.s) return v;
  v.kind = MI_RV_STR;
  v.len = strlen(s);
  return v;
}

mi_repl_val mi_shell_int(int64_t i) { return (mi_repl_val){.kind = MI_RV_INT, .i = i}; }

mi_repl_val mi_shell_num(double d) { return (mi_repl_val){.kind = MI_RV_NUM, .d = d}; }
