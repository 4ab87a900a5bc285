/* manyi stats ttest | anova | kruskal | mannwhitney | chisq */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

/* --col (numeric) by --group (text) as contiguous samples per level. Rows
 * with a missing value or group are left out and counted in *n_missing. */
typedef struct grouped {
  mi_analysis_data d;
  char **levels;
  size_t nlevels, *idx, n_missing;
  double *x;
  size_t *start;
  mi_stats_groups g;
} grouped;

static void grouped_free(grouped *gr) {
  mi_analysis_levels_free(gr->levels, gr->nlevels, gr->idx);
  free(gr->x);
  free(gr->start);
  mi_analysis_data_free(&gr->d);
}

static int load_grouped(mi_analysis_args *a, const char *extra, grouped *gr, mi_err *e) {
  memset(gr, 0, sizeof *gr);
  const char *c = mi_analysis_need(a, "col", e), *g = c ? mi_analysis_need(a, "group", e) : NULL;
  if (!g) return MI_EINVAL;
  const char *names[3] = {c, g, extra};
  mi_analysis_kind kinds[3] = {MI_ANALYSIS_NUMERIC, MI_ANALYSIS_TEXT, MI_ANALYSIS_TEXT};
  if (!strcmp(c, g) || (extra && (!strcmp(extra, c) || !strcmp(extra, g)))) {
    a->usage = 1;
    return mi_err_set(e, MI_EINVAL, "--col, --group%s must be different columns",
                      extra ? " and --id" : "");
  }
  int rc = mi_analysis_load(a, names, kinds, extra ? 3 : 2, &gr->d, e);
  if (rc) return rc;
  const mi_analysis_column *col = mi_analysis_data_col(&gr->d, c), *grp = mi_analysis_data_col(&gr->d, g);
  if ((rc = mi_analysis_levels(grp, gr->d.nrows, &gr->levels, &gr->nlevels, &gr->idx, e))) {
    mi_analysis_data_free(&gr->d);
    return rc;
  }
  size_t n = gr->d.nrows;
  gr->x = malloc((n ? n : 1) * sizeof *gr->x);
  gr->start = calloc(gr->nlevels + 1, sizeof *gr->start);
  if (!gr->x || !gr->start) {
    grouped_free(gr);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  size_t *count = gr->start + 1; /* counting sort by level */
  for (size_t i = 0; i < n; i++) {
    if (col->miss[i] || gr->idx[i] == MI_STATS_NO_GROUP) gr->n_missing++;
    else count[gr->idx[i]]++;
  }
  for (size_t k = 1; k <= gr->nlevels; k++) gr->start[k] += gr->start[k - 1];
  size_t *fill = calloc(gr->nlevels + 1, sizeof *fill);
  if (!fill) {
    grouped_free(gr);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    if (col->miss[i] || gr->idx[i] == MI_STATS_NO_GROUP) continue;
    size_t k = gr->idx[i];
    gr->x[gr->start[k] + fill[k]++] = col->x[i];
  }
  free(fill);
  gr->g = (mi_stats_groups){gr->x, gr->start, gr->nlevels};
  /* levels whose rows all miss a value are empty groups: name them */
  for (size_t k = 0; k < gr->nlevels; k++)
    if (gr->start[k + 1] == gr->start[k]) {
      rc = mi_err_set(e, MI_EINVAL, "%s: group '%s' of '%s' has no values of '%s'", a->file,
                      gr->levels[k], g, c);
      grouped_free(gr);
      return rc;
    }
  return 0;
}

static int need_two(mi_analysis_args *a, grouped *gr, mi_err *e) {
  if (gr->nlevels == 2) return 0;
  int rc = mi_err_set(e, MI_EINVAL, "%s: column '%s' has %zu level%s; this test compares "
                      "exactly 2", a->file, mi_analysis_opt(a, "group"), gr->nlevels,
                      gr->nlevels == 1 ? "" : "s");
  grouped_free(gr);
  return rc;
}

static void set_groups(json_t *o, const grouped *gr) {
  json_object_set_new(o, "group1", json_string(gr->levels[0]));
  json_object_set_new(o, "group2", json_string(gr->levels[1]));
}

typedef struct id_row {
  const char *id;
  size_t row;
} id_row;

static int cmp_id(const void *a, const void *b) {
  const id_row *x = a, *y = b;
  int d = strcmp(x->id, y->id);
  return d ? d : (x->row > y->row) - (x->row < y->row);
}

/* Paired: pairs of level 0 and level 1 matched by --id. */
static json_t *paired(mi_analysis_args *a, double conf, mi_err *e) {
  const char *idn = mi_analysis_need(a, "id", e);
  if (!idn) return NULL;
  grouped gr;
  if (load_grouped(a, idn, &gr, e) || need_two(a, &gr, e)) return NULL;
  const mi_analysis_column *col = mi_analysis_data_col(&gr.d, mi_analysis_opt(a, "col"));
  const mi_analysis_column *id = mi_analysis_data_col(&gr.d, idn);
  size_t n = gr.d.nrows, m = 0, npairs = 0, unpaired = 0;
  /* rows sorted by id (then row), walked one id at a time */
  double *x1 = malloc((n ? n : 1) * sizeof *x1), *x2 = malloc((n ? n : 1) * sizeof *x2);
  id_row *keys = malloc((n ? n : 1) * sizeof *keys);
  json_t *o = NULL;
  int rc = x1 && x2 && keys ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; !rc && i < n; i++) {
    if (gr.idx[i] == MI_STATS_NO_GROUP) continue;
    if (!id->text[i]) {
      rc = mi_err_setpos(e, MI_EINVAL, gr.d.file, (int)gr.d.line[i], 0,
                         "field '%s': missing id in a paired test", idn);
      break;
    }
    keys[m++] = (id_row){id->text[i], i};
  }
  if (!rc) {
    qsort(keys, m, sizeof *keys, cmp_id);
    for (size_t k = 0; k < m && !rc;) {
      size_t j = k, r[2] = {(size_t)-1, (size_t)-1};
      for (; j < m && !strcmp(keys[j].id, keys[k].id); j++) {
        size_t i = keys[j].row;
        if (r[gr.idx[i]] != (size_t)-1)
          rc = mi_err_setpos(e, MI_EINVAL, gr.d.file, (int)gr.d.line[i], 0,
                             "field '%s': id '%s' appears twice in group '%s'", idn,
                             keys[k].id, gr.levels[gr.idx[i]]);
        r[gr.idx[i]] = i;
      }
      if (rc) break;
      if (r[0] == (size_t)-1 || r[1] == (size_t)-1 || col->miss[r[0]] || col->miss[r[1]]) {
        unpaired++;
      } else {
        x1[npairs] = col->x[r[0]];
        x2[npairs++] = col->x[r[1]];
      }
      k = j;
    }
  }
  mi_stats_ttest_result t;
  if (!rc) {
    rc = mi_stats_ttest_paired(x1, x2, npairs, conf, &t, e);
    if (rc) mi_err_prefix(e, "%s", a->file);
  }
  if (!rc) {
    o = json_object();
    mi_analysis_jset(o, "t", t.t);
    mi_analysis_jset(o, "df", t.df);
    mi_analysis_jset(o, "p", t.p);
    mi_analysis_jset(o, "diff", t.diff);
    mi_analysis_jset(o, "ci_lower", t.ci_lower);
    mi_analysis_jset(o, "ci_upper", t.ci_upper);
    mi_analysis_jset_n(o, "n_pairs", npairs);
    mi_analysis_jset_n(o, "n_unpaired", unpaired);
    mi_analysis_jset(o, "mean1", t.mean1);
    mi_analysis_jset(o, "mean2", t.mean2);
    set_groups(o, &gr);
    mi_analysis_jset(o, "conf", conf);
  }
  free(x1), free(x2), free(keys);
  grouped_free(&gr);
  return o;
}

json_t *mi_analysis_run_ttest(mi_analysis_args *a, mi_err *e) {
  double conf;
  if (mi_analysis_opt_num(a, "conf", 0.95, &conf, e)) return NULL;
  int var_equal = mi_analysis_opt(a, "var-equal") != NULL;
  if (mi_analysis_opt(a, "paired")) {
    if (var_equal) {
      a->usage = 1;
      mi_err_set(e, MI_EINVAL, "--paired and --var-equal do not go together");
      return NULL;
    }
    return paired(a, conf, e);
  }
  if (mi_analysis_opt(a, "id")) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--id is for --paired");
    return NULL;
  }
  grouped gr;
  if (load_grouped(a, NULL, &gr, e) || need_two(a, &gr, e)) return NULL;
  mi_stats_ttest_result t;
  int rc = mi_stats_ttest(gr.x, gr.start[1], gr.x + gr.start[1], gr.start[2] - gr.start[1],
                          var_equal, conf, &t, e);
  json_t *o = NULL;
  if (rc) {
    mi_err_prefix(e, "%s", a->file);
  } else {
    o = json_object();
    mi_analysis_jset(o, "t", t.t);
    mi_analysis_jset(o, "df", t.df);
    mi_analysis_jset(o, "p", t.p);
    mi_analysis_jset(o, "diff", t.diff);
    mi_analysis_jset(o, "ci_lower", t.ci_lower);
    mi_analysis_jset(o, "ci_upper", t.ci_upper);
    mi_analysis_jset_n(o, "n1", t.n1);
    mi_analysis_jset_n(o, "n2", t.n2);
    mi_analysis_jset(o, "mean1", t.mean1);
    mi_analysis_jset(o, "mean2", t.mean2);
    set_groups(o, &gr);
    mi_analysis_jset_n(o, "n_missing", gr.n_missing);
    json_object_set_new(o, "method", json_string(var_equal ? "pooled" : "welch"));
    mi_analysis_jset(o, "conf", conf);
  }
  grouped_free(&gr);
  return o;
}

json_t *mi_analysis_run_anova(mi_analysis_args *a, mi_err *e) {
  grouped gr;
  if (load_grouped(a, NULL, &gr, e)) return NULL;
  mi_stats_anova_result r;
  json_t *o = NULL;
  if (mi_stats_anova(&gr.g, &r, e)) {
    mi_err_prefix(e, "%s", a->file);
  } else {
    o = json_object();
    mi_analysis_jset(o, "f", r.f);
    mi_analysis_jset(o, "df_between", r.df_between);
    mi_analysis_jset(o, "df_within", r.df_within);
    mi_analysis_jset(o, "p", r.p);
    mi_analysis_jset(o, "ss_between", r.ss_between);
    mi_analysis_jset(o, "ss_within", r.ss_within);
    mi_analysis_jset(o, "eta_squared", r.eta_squared);
    mi_analysis_jset_n(o, "n", gr.start[gr.nlevels]);
    mi_analysis_jset_n(o, "n_missing", gr.n_missing);
    json_t *gm = json_object();
    for (size_t k = 0; k < gr.nlevels; k++)
      json_object_set_new(gm, gr.levels[k], mi_analysis_jnum(r.group_means[k]));
    json_object_set_new(o, "group_means", gm);
    mi_stats_anova_free(&r);
  }
  grouped_free(&gr);
  return o;
}

static json_t *rank_test(mi_analysis_args *a, int mw, mi_err *e) {
  grouped gr;
  if (load_grouped(a, NULL, &gr, e) || (mw && need_two(a, &gr, e))) return NULL;
  mi_stats_rank_result r;
  int rc = mw ? mi_stats_mannwhitney(&gr.g, &r, e) : mi_stats_kruskal(&gr.g, &r, e);
  json_t *o = NULL;
  if (rc) {
    mi_err_prefix(e, "%s", a->file);
  } else {
    o = json_object();
    mi_analysis_jset(o, "statistic", r.statistic);
    mi_analysis_jset(o, "df", r.df);
    mi_analysis_jset(o, "p", r.p);
    if (mw) {
      mi_analysis_jset(o, "z", r.z);
      set_groups(o, &gr);
    }
    mi_analysis_jset_n(o, "n", gr.start[gr.nlevels]);
    mi_analysis_jset_n(o, "n_missing", gr.n_missing);
  }
  grouped_free(&gr);
  return o;
}

json_t *mi_analysis_run_kruskal(mi_analysis_args *a, mi_err *e) { return rank_test(a, 0, e); }
json_t *mi_analysis_run_mannwhitney(mi_analysis_args *a, mi_err *e) { return rank_test(a, 1, e); }

json_t *mi_analysis_run_chisq(mi_analysis_args *a, mi_err *e) {
  const char *rn = mi_analysis_need(a, "row", e), *cn = rn ? mi_analysis_need(a, "col", e) : NULL;
  if (!cn) return NULL;
  const char *wn = mi_analysis_opt(a, "count");
  if (!strcmp(rn, cn) || (wn && (!strcmp(wn, rn) || !strcmp(wn, cn)))) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--row, --col and --count must be different columns");
    return NULL;
  }
  const char *names[3] = {rn, cn, wn};
  mi_analysis_kind kinds[3] = {MI_ANALYSIS_TEXT, MI_ANALYSIS_TEXT, MI_ANALYSIS_NUMERIC};
  mi_analysis_data d;
  if (mi_analysis_load(a, names, kinds, wn ? 3 : 2, &d, e)) return NULL;
  const mi_analysis_column *rc_ = mi_analysis_data_col(&d, rn), *cc = mi_analysis_data_col(&d, cn),
                        *w = wn ? mi_analysis_data_col(&d, wn) : NULL;
  char **rl = NULL, **cl = NULL;
  size_t nr = 0, nc = 0, *ri = NULL, *ci = NULL, n_missing = 0;
  double *tab = NULL;
  json_t *o = NULL;
  int rc = mi_analysis_levels(rc_, d.nrows, &rl, &nr, &ri, e);
  if (!rc) rc = mi_analysis_levels(cc, d.nrows, &cl, &nc, &ci, e);
  if (!rc && !(tab = calloc(nr && nc ? nr * nc : 1, sizeof *tab)))
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; !rc && i < d.nrows; i++) {
    if (ri[i] == MI_STATS_NO_GROUP || ci[i] == MI_STATS_NO_GROUP || (w && w->miss[i])) {
      n_missing++;
      continue;
    }
    double cnt = w ? w->x[i] : 1;
    if (cnt < 0)
      rc = mi_err_setpos(e, MI_EINVAL, d.file, (int)d.line[i], 0,
                         "field '%s': count %g is negative", wn, cnt);
    tab[ri[i] * nc + ci[i]] += cnt;
  }
  mi_stats_chisq_result r;
  if (!rc) {
    rc = mi_stats_chisq(tab, nr, nc, mi_analysis_opt(a, "yates") != NULL, &r, e);
    if (rc) mi_err_prefix(e, "%s: table of '%s' by '%s'", a->file, rn, cn);
  }
  if (!rc) {
    o = json_object();
    mi_analysis_jset(o, "chisq", r.chisq);
    mi_analysis_jset(o, "df", r.df);
    mi_analysis_jset(o, "p", r.p);
    mi_analysis_jset(o, "n", r.n);
    mi_analysis_jset(o, "cramers_v", r.cramers_v);
    mi_analysis_jset_n(o, "n_missing", n_missing);
    json_t *ex = json_object();
    for (size_t i = 0; i < nr; i++) {
      json_t *row = json_object();
      for (size_t j = 0; j < nc; j++) mi_analysis_jset(row, cl[j], r.expected[i * nc + j]);
      json_object_set_new(ex, rl[i], row);
    }
    json_object_set_new(o, "expected", ex);
    mi_stats_chisq_free(&r);
  }
  free(tab);
  mi_analysis_levels_free(rl, nr, ri);
  mi_analysis_levels_free(cl, nc, ci);
  mi_analysis_data_free(&d);
  return o;
}
