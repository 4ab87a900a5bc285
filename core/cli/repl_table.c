/* Grids for reading: a box-drawn table (.mode table) and a Markdown table
 * (.mode markdown). Columns are as wide as their widest cell in display
 * columns (a Chinese character takes two), cells longer than MAX_CELL are
 * cut with "…", numbers are right-aligned, and control characters are
 * shown as escapes so that a cell never breaks the frame. */
#include <stdlib.h>
#include <string.h>

#include "cli/repl_grid.h"
#include "util/i18n.h"

#define MAX_CELL 60

typedef struct laid {
  char **text;   /* (nrows + 1) * ncols: the header row first */
  size_t *width; /* display width of each text */
  size_t *colw;  /* ncols */
  unsigned char *right; /* ncols: the column holds numbers only */
} laid;

static char *cell_string(const mi_repl_val *v, size_t *width) {
  mi_strbuf b = {0};
  if (v) mi_shell_value_text(&b, v, 1);
  size_t w;
  char *clean = mi_shell_cell_text(b.data ? b.data : "", b.len, &w);
  mi_strbuf_free(&b);
  if (!clean) return NULL;
  if (w <= MAX_CELL) {
    *width = w;
    return clean;
  }
  char *cut = mi_shell_text_fit(clean, MAX_CELL, width);
  free(clean);
  return cut;
}

static int lay_out(const mi_grid *g, laid *l) {
  size_t n = (g->nrows + 1) * g->ncols;
  l->text = calloc(n + 1, sizeof *l->text);
  l->width = calloc(n + 1, sizeof *l->width);
  l->colw = calloc(g->ncols + 1, sizeof *l->colw);
  l->right = calloc(g->ncols + 1, 1);
  if (!l->text || !l->width || !l->colw || !l->right) return -1;
  for (size_t c = 0; c < g->ncols; c++) {
    mi_repl_val name = {.kind = MI_RV_STR, .s = g->cols[c], .len = strlen(g->cols[c])};
    if (!(l->text[c] = cell_string(&name, &l->width[c]))) return -1;
    l->colw[c] = l->width[c];
    int numbers = 0, others = 0;
    for (size_t r = 0; r < g->nrows; r++) {
      const mi_repl_val *v = mi_grid_cell(g, r, c);
      size_t k = (r + 1) * g->ncols + c;
      if (!(l->text[k] = cell_string(v, &l->width[k]))) return -1;
      if (l->width[k] > l->colw[c]) l->colw[c] = l->width[k];
      if (v && (v->kind == MI_RV_INT || v->kind == MI_RV_NUM)) numbers++;
      else if (v && v->kind != MI_RV_NIL) others++;
    }
    l->right[c] = numbers > 0 && others == 0;
  }
  return 0;
}

static void unlay(const mi_grid *g, laid *l) {
  size_t n = (g->nrows + 1) * g->ncols;
  for (size_t i = 0; l->text && i < n; i++) free(l->text[i]);
  free(l->text);
  free(l->width);
  free(l->colw);
  free(l->right);
}

static void repeat(FILE *out, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) fputs(s, out);
}

static void pad_cell(FILE *out, const laid *l, size_t k, size_t c, int right) {
  size_t gap = l->colw[c] - l->width[k];
  if (right) repeat(out, " ", gap);
  fputs(l->text[k], out);
  if (!right) repeat(out, " ", gap);
}

static void rule(FILE *out, const mi_grid *g, const laid *l, const char *left, const char *mid,
                 const char *right) {
  fputs(left, out);
  for (size_t c = 0; c < g->ncols; c++) {
    if (c) fputs(mid, out);
    repeat(out, "─", l->colw[c] + 2);
  }
  fputs(right, out);
  fputc('\n', out);
}

void mi_shell_write_box(FILE *out, const mi_grid *g) {
  laid l = {0};
  if (lay_out(g, &l)) {
    unlay(g, &l);
    fputs(_("manyi: out of memory showing a table\n"), stderr);
    return;
  }
  rule(out, g, &l, "┌", "┬", "┐");
  for (size_t r = 0; r <= g->nrows; r++) {
    fputs("│", out);
    for (size_t c = 0; c < g->ncols; c++) {
      fputc(' ', out);
      pad_cell(out, &l, r * g->ncols + c, c, r > 0 && l.right[c]);
      fputs(" │", out);
    }
    fputc('\n', out);
    if (r == 0) rule(out, g, &l, "├", "┼", "┤");
  }
  rule(out, g, &l, "└", "┴", "┘");
  unlay(g, &l);
}

/* Markdown cells: a '|' would end the cell. */
static void md_cell(FILE *out, const laid *l, size_t k, size_t c, int right) {
  size_t pipes = 0;
  for (const char *p = l->text[k]; *p; p++) pipes += *p == '|';
  size_t w = l->width[k] + pipes, colw = l->colw[c];
  if (right && colw > w) repeat(out, " ", colw - w);
  for (const char *p = l->text[k]; *p; p++) {
    if (*p == '|') fputc('\\', out);
    fputc(*p, out);
  }
  if (!right && colw > w) repeat(out, " ", colw - w);
}

void mi_shell_write_markdown(FILE *out, const mi_grid *g) {
  laid l = {0};
  if (lay_out(g, &l)) {
    unlay(g, &l);
    fputs(_("manyi: out of memory showing a table\n"), stderr);
    return;
  }
  for (size_t c = 0; c < g->ncols; c++)
    if (l.colw[c] < 3) l.colw[c] = 3; /* "---" at least under each header */
  for (size_t r = 0; r <= g->nrows; r++) {
    fputs("|", out);
    for (size_t c = 0; c < g->ncols; c++) {
      fputc(' ', out);
      md_cell(out, &l, r * g->ncols + c, c, r > 0 && l.right[c]);
      fputs(" |", out);
    }
    fputc('\n', out);
    if (r == 0) {
      fputs("|", out);
      for (size_t c = 0; c < g->ncols; c++) {
        repeat(out, "-", l.colw[c] + 1);
        fputs(l.right[c] ? ":|" : "-|", out);
      }
      fputc('\n', out);
    }
  }
  unlay(g, &l);
}
