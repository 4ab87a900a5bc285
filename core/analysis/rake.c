/* manyi stats rake: the mean of --col after raking (--margin) or
 * post-stratifying (--poststratify) the design weights to population totals
 * read from margins files (CSV or JSONL with columns level, count). The math
 * is core/stats/rake.c; here: options, margins files, level matching and the
 * names in messages. */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

typedef struct margin_in {
  char *var, *path;
  const mi_analysis_table *rows; /* in memory instead of path, or NULL */
  mi_analysis_data f; /* the margins file: level (text), count (number) */
  char **lev;         /* levels of the variable in the data */
  size_t nlev, *idx;
  double *total;      /* per data level: its count in the file */
} margin_in;

static void margins_free(margin_in *m, size_t n) {
  for (size_t k = 0; m && k < n; k++) {
    free(m[k].var);
    free(m[k].path);
    mi_analysis_data_free(&m[k].f);
    mi_analysis_levels_free(m[k].lev, m[k].nlev, m[k].idx);
    free(m[k].total);
  }
  free(m);
}

/* "VAR=FILE[,VAR2=FILE2...]" of option opt into *out (calloc'd, *n items). */
static int parse_margins(mi_analysis_args *a, const char *opt, const char *spec, margin_in **out,
                         size_t *n, mi_err *e) {
  char **items;
  size_t ni;
  a->usage = 1;
  if (mi_analysis_split(spec, &items, &ni, e)) {
    mi_err_prefix(e, "--%s", opt);
    return MI_EINVAL;
  }
  margin_in *m = calloc(ni, sizeof *m);
  int rc = m ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t k = 0; !rc && k < ni; k++) {
    char *eq = strchr(items[k], '=');
    if (!eq || eq == items[k] || !eq[1]) {
      rc = mi_err_set(e, MI_EINVAL, "--%s: '%s' is not VAR=FILE.csv (several are separated by "
                      "commas)", opt, items[k]);
      break;
    }
    m[k].var = strndup(items[k], (size_t)(eq - items[k]));
    m[k].path = strdup(eq + 1);
    if (!m[k].var || !m[k].path) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    for (size_t j = 0; !rc && j < k; j++)
      if (!strcmp(m[j].var, m[k].var))
        rc = mi_err_set(e, MI_EINVAL, "--%s: variable '%s' is given twice", opt, m[k].var);
  }
  if (!rc && !strcmp(opt, "poststratify") && ni != 1)
    rc = mi_err_set(e, MI_EINVAL, "--poststratify takes one VAR=FILE.csv (use --margin to rake "
                    "on several)");
  mi_analysis_list_free(items, ni);
  if (rc) {
    margins_free(m, ni);
    return rc;
  }
  a->usage = 0;
  *out = m;
  *n = ni;
  return 0;
}

/* The margins of a->margins (in memory) into *out, as parse_margins. */
static int margins_given(mi_analysis_args *a, const char *opt, margin_in **out, size_t *n,
                         mi_err *e) {
  if (!a->nmargins) {
    a->usage = 1;
    return mi_err_set(e, MI_EINVAL, "%s: no variables given", opt);
  }
  if (!strcmp(opt, "poststratify") && a->nmargins != 1) {
    a->usage = 1;
    return mi_err_set(e, MI_EINVAL, "poststratify takes one variable (use margin to rake on "
                      "several)");
  }
  margin_in *m = calloc(a->nmargins, sizeof *m);
  int rc = m ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t k = 0; !rc && k < a->nmargins; k++) {
    m[k].var = strdup(a->margins[k].var);
    m[k].path = strdup(a->margins[k].rows->name);
    m[k].rows = a->margins[k].rows;
    if (!m[k].var || !m[k].path) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  if (rc) {
    margins_free(m, a->nmargins);
    return rc;
  }
  *out = m;
  *n = a->nmargins;
  return 0;
}

/* Reads m->path (or m->rows): every row a level and a count > 0, each level once. */
static int read_margin_file(const mi_analysis_args *a, margin_in *m, mi_err *e) {
  mi_analysis_args fa = {.sub = a->sub, .file = m->path, .table = m->rows};
  const char *names[2] = {"level", "count"};
  mi_analysis_kind kinds[2] = {MI_ANALYSIS_TEXT, MI_ANALYSIS_NUMERIC};
  int rc = mi_analysis_load(&fa, names, kinds, 2, &m->f, e);
  if (rc) {
    mi_err_prefix(e, "--margin %s", m->var);
    return rc;
  }
  const mi_analysis_data *f = &m->f;
  const mi_analysis_column *lv = &f->cols[0], *ct = &f->cols[1];
  if (f->nrows == 0)
    return mi_err_set(e, MI_EINVAL, "%s: no levels (margin '%s')", f->file, m->var);
  for (size_t i = 0; i < f->nrows; i++) {
    int line = (int)f->line[i];
    if (lv->miss[i])
      return mi_err_setpos(e, MI_EINVAL, f->file, line, 0, "field 'level': missing level");
    if (ct->miss[i])
      return mi_err_setpos(e, MI_EINVAL, f->file, line, 0, "field 'count': missing count "
                           "for level '%s'", lv->text[i]);
    if (!(ct->x[i] > 0))
      return mi_err_setpos(e, MI_EINVAL, f->file, line, 0, "field 'count': %g for level '%s' "
                           "must be > 0 (a population total)", ct->x[i], lv->text[i]);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(lv->text[j], lv->text[i]))
        return mi_err_setpos(e, MI_EINVAL, f->file, line, 0, "level '%s' is given twice (also "
                             "on line %ld)", lv->text[i], f->line[j]);
  }
  return 0;
}

/* Levels of the variable in the data, matched with the file's levels. */
static int match_levels(const mi_analysis_design *ad, margin_in *m, mi_err *e) {
  const mi_analysis_column *c = mi_analysis_data_col(&ad->d, m->var);
  const mi_analysis_data *d = &ad->d, *f = &m->f;
  for (size_t i = 0; i < d->nrows; i++)
    if (c->miss[i])
      return mi_err_setpos(e, MI_EINVAL, d->file, (int)d->line[i], 0, "field '%s': missing "
                           "value; every row is calibrated and needs a level (R's rake stops "
                           "too)", m->var);
  int rc = mi_analysis_levels(c, d->nrows, &m->lev, &m->nlev, &m->idx, e);
  if (rc) return rc;
  m->total = malloc(m->nlev * sizeof *m->total);
  if (!m->total) return mi_err_set(e, MI_ENOMEM, "out of memory");
  const mi_analysis_column *lv = &f->cols[0];
  for (size_t l = 0; l < m->nlev; l++) {
    size_t j = 0;
    while (j < f->nrows && strcmp(lv->text[j], m->lev[l])) j++;
    if (j == f->nrows) {
      size_t i = 0;
      while (m->idx[i] != l) i++;
      return mi_err_setpos(e, MI_EINVAL, d->file, (int)d->line[i], 0, "field '%s': level '%s' "
                           "is not in the margins %s %s", m->var, m->lev[l],
                           m->rows ? "table" : "file", f->file);
    }
    m->total[l] = f->cols[1].x[j];
  }
  for (size_t j = 0; j < f->nrows; j++) {
    size_t l = 0;
    while (l < m->nlev && strcmp(lv->text[j], m->lev[l])) l++;
    if (l == m->nlev)
      return mi_err_setpos(e, MI_EINVAL, f->file, (int)f->line[j], 0, "level '%s' has no rows "
                           "in the sample (%s, column '%s'): its total cannot be reached",
                           lv->text[j], d->file, m->var);
  }
  return 0;
}

/* "margin K" -> "margin 'var'", a following "level L" -> that margin's level. */
static void name_margins(const margin_in *m, size_t nm, mi_err *e) {
  char out[sizeof e->msg] = "";
  const char *p = e->msg;
  size_t cur = nm;
  while (*p && strlen(out) + 1 < sizeof out) {
    char *end;
    size_t len = strlen(out);
    if (!strncmp(p, "margin ", 7) && p[7] >= '0' && p[7] <= '9') {
      unsigned long k = strtoul(p + 7, &end, 10);
      if (k >= 1 && k <= nm) {
        cur = k - 1;
        snprintf(out + len, sizeof out - len, "margin '%s'", m[cur].var);
        p = end;
        continue;
      }
    }
    if (!strncmp(p, "level ", 6) && p[6] >= '0' && p[6] <= '9' && cur < nm) {
      unsigned long l = strtoul(p + 6, &end, 10);
      if (l >= 1 && l <= m[cur].nlev) {
        snprintf(out + len, sizeof out - len, "level '%s'", m[cur].lev[l - 1]);
        p = end;
        continue;
      }
    }
    out[len] = *p++;
    out[len + 1] = 0;
  }
  snprintf(e->msg, sizeof e->msg, "%s", out);
}

static json_t *rake_json(const mi_analysis_args *a, const mi_analysis_design *ad,
                         const margin_in *m, size_t nm, const mi_stats_rake_result *r,
                         int post, size_t maxit, double conf) {
  json_t *o = json_object();
  mi_analysis_jset_n(o, "n", r->m.n);
  mi_analysis_jset_n(o, "n_missing", r->m.n_missing);
  mi_analysis_jset(o, "mean", r->m.mean);
  mi_analysis_jset(o, "se", r->m.se);
  mi_analysis_jset(o, "df", r->m.df);
  mi_analysis_jset(o, "ci_lower", r->m.ci_lower);
  mi_analysis_jset(o, "ci_upper", r->m.ci_upper);
  mi_analysis_jset(o, "conf", conf);
  mi_analysis_jset(o, "sum_weights", r->sum_weights);
  mi_analysis_jset(o, "sum_weights_values", r->m.sum_weights);
  mi_analysis_jset_n(o, "n_psu", r->m.n_psu);
  mi_analysis_jset_n(o, "n_strata", r->m.n_strata);
  json_object_set_new(o, "method", json_string(post ? "poststratify" : "rake"));
  mi_analysis_jset_n(o, "iterations", r->iterations);
  json_object_set_new(o, "converged", json_boolean(r->converged));
  if (!post) {
    mi_analysis_jset(o, "epsilon", r->epsilon);
    mi_analysis_jset_n(o, "maxit", maxit);
  }
  json_t *cells = json_array();
  for (size_t c = 0; c < r->ncells; c++) {
    json_t *x = json_object();
    for (size_t k = 0; k < nm; k++)
      json_object_set_new(x, m[k].var, json_string(m[k].lev[r->cell_level[c * nm + k]]));
    mi_analysis_jset_n(x, "n", r->cell_n[c]);
    mi_analysis_jset(x, "sum_weights", r->cell_sum[c]);
    mi_analysis_jset(x, "weight", r->cell_sum[c] / (double)r->cell_n[c]);
    mi_analysis_jset(x, "factor", r->cell_factor[c]);
    json_array_append_new(cells, x);
  }
  json_object_set_new(o, "cells", cells);
  json_object_set_new(o, "design", mi_analysis_design_json(a, ad));
  return o;
}

json_t *mi_analysis_run_rake(mi_analysis_args *a, mi_err *e) {
  double conf, eps, maxit_d;
  if (mi_analysis_opt_num(a, "conf", 0.95, &conf, e) ||
      mi_analysis_opt_num(a, "epsilon", 1, &eps, e) ||
      mi_analysis_opt_num(a, "maxit", 10, &maxit_d, e))
    return NULL;
  const char *ms = mi_analysis_opt(a, "margin"), *ps = mi_analysis_opt(a, "poststratify");
  if (!ms == !ps) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, ms ? "give --margin or --poststratify, not both"
                                : "give --margin VAR=FILE.csv[,VAR2=FILE2.csv...] or "
                                  "--poststratify VAR=FILE.csv");
    return NULL;
  }
  if (ps && (mi_analysis_opt(a, "epsilon") || mi_analysis_opt(a, "maxit"))) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--epsilon and --maxit belong to --margin (raking); "
                             "post-stratification is one step");
    return NULL;
  }
  if (!(eps > 0) || !(maxit_d >= 1 && maxit_d <= 1e6 && maxit_d == (double)(size_t)maxit_d)) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, !(eps > 0) ? "--epsilon %g must be > 0"
                                        : "--maxit %g must be a whole number from 1 to 1000000",
               !(eps > 0) ? eps : maxit_d);
    return NULL;
  }
  const char *opt = ms ? "margin" : "poststratify";
  if (a->table && !a->margins) { /* rows from Lua: a sandboxed policy must not open files */
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "%s: give the totals as a table {VAR = {level = count, ...}}: "
               "margins files are not opened for rows given in memory", opt);
    return NULL;
  }
  margin_in *m = NULL;
  size_t nm = 0;
  if (a->margins) {
    if (margins_given(a, opt, &m, &nm, e)) return NULL;
  } else if (parse_margins(a, opt, ms ? ms : ps, &m, &nm, e)) {
    return NULL;
  }
  const char *col = mi_analysis_opt(a, "col");
  for (size_t k = 0; col && k < nm; k++)
    if (!strcmp(m[k].var, col)) {
      a->usage = 1;
      mi_err_set(e, MI_EINVAL, "--%s %s: the analysed column cannot be a raking variable", opt,
                 col);
      margins_free(m, nm);
      return NULL;
    }
  int rc = 0;
  for (size_t k = 0; !rc && k < nm; k++) rc = read_margin_file(a, &m[k], e);
  const char **vars = rc ? NULL : malloc(nm * sizeof *vars);
  if (!rc && !vars) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t k = 0; !rc && k < nm; k++) vars[k] = m[k].var;
  mi_analysis_design ad;
  memset(&ad, 0, sizeof ad);
  if (!rc) rc = mi_analysis_design_load(a, vars, nm, 1, &ad, e);
  free(vars);
  if (rc) {
    margins_free(m, nm);
    return NULL;
  }
  mi_stats_margin *sm = calloc(nm, sizeof *sm);
  if (!sm) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t k = 0; !rc && k < nm; k++) {
    rc = match_levels(&ad, &m[k], e);
    if (!rc) sm[k] = (mi_stats_margin){m[k].idx, m[k].nlev, m[k].total};
  }
  json_t *o = NULL;
  if (!rc) {
    mi_stats_rake_control ctl = {ps != NULL, eps, (size_t)maxit_d};
    mi_stats_rake_result r;
    rc = mi_stats_rake(&ad.des, sm, nm, &ctl, ad.col->x, ad.col->miss, conf, &r, e);
    if (rc) {
      name_margins(m, nm, e);
      if (!strncmp(e->msg, "no values", 9) || !strncmp(e->msg, "all ", 4))
        mi_err_prefix(e, "%s: column '%s'", a->file, col);
      else if (!strncmp(e->msg, "margin '", 8))
        mi_err_prefix(e, "--%s", opt);
      else
        mi_analysis_design_err(&ad, e);
    } else {
      o = rake_json(a, &ad, m, nm, &r, ps != NULL, ctl.maxit, conf);
      mi_stats_rake_free(&r);
    }
  }
  free(sm);
  mi_analysis_design_free(&ad);
  margins_free(m, nm);
  return o;
}
