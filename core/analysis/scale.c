/* manyi stats alpha | corr | regress: several numeric columns, complete cases. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

void mi_analysis_matrix_free(mi_analysis_matrix *m) {
  mi_analysis_list_free(m->names, m->k);
  free(m->x);
  mi_analysis_data_free(&m->d);
}

int mi_analysis_load_matrix(mi_analysis_args *a, const char *opt, const char *first,
                         mi_analysis_matrix *m, mi_err *e) {
  memset(m, 0, sizeof *m);
  const char *list = mi_analysis_need(a, opt, e);
  if (!list) return MI_EINVAL;
  char **items;
  size_t ni;
  if (mi_analysis_split(list, &items, &ni, e)) {
    a->usage = 1;
    return MI_EINVAL;
  }
  size_t k = ni + (first ? 1 : 0);
  m->names = calloc(k, sizeof *m->names);
  mi_analysis_kind *kinds = calloc(k, sizeof *kinds);
  if (!m->names || !kinds) {
    mi_analysis_list_free(items, ni);
    free(m->names), free(kinds);
    m->names = NULL;
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  if (first) m->names[0] = strdup(first);
  memcpy(m->names + (first ? 1 : 0), items, ni * sizeof *items);
  free(items);
  m->k = k;
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < i; j++)
      if (m->names[i] && m->names[j] && !strcmp(m->names[i], m->names[j])) {
        free(kinds);
        a->usage = 1;
        return mi_err_set(e, MI_EINVAL, "column '%s' is given twice", m->names[i]);
      }
  if (!m->names[0]) {
    free(kinds);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  int rc = mi_analysis_load(a, (const char *const *)m->names, kinds, k, &m->d, e);
  free(kinds);
  if (rc) return rc;
  size_t rows = m->d.nrows;
  m->x = malloc((rows && k ? rows * k : 1) * sizeof *m->x);
  if (!m->x) return mi_err_set(e, MI_ENOMEM, "out of memory");
  const mi_analysis_column **cols = malloc(k * sizeof *cols);
  if (!cols) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t j = 0; j < k; j++) cols[j] = mi_analysis_data_col(&m->d, m->names[j]);
  size_t n = 0;
  for (size_t i = 0; i < rows; i++) {
    int complete = 1;
    for (size_t j = 0; j < k; j++) complete &= !cols[j]->miss[i];
    if (complete) n++;
  }
  for (size_t i = 0, r = 0; i < rows; i++) {
    int complete = 1;
    for (size_t j = 0; j < k; j++) complete &= !cols[j]->miss[i];
    if (!complete) continue;
    for (size_t j = 0; j < k; j++) m->x[j * n + r] = cols[j]->x[i];
    r++;
  }
  free(cols);
  m->n = n;
  return 0;
}

json_t *mi_analysis_run_alpha(mi_analysis_args *a, mi_err *e) {
  double smin, smax;
  if (mi_analysis_opt_num(a, "scale-min", NAN, &smin, e) ||
      mi_analysis_opt_num(a, "scale-max", NAN, &smax, e))
    return NULL;
  int ranged = !isnan(smin) || !isnan(smax);
  if (ranged && (isnan(smin) || isnan(smax) || !(smin < smax))) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "give both --scale-min and --scale-max, with min < max");
    return NULL;
  }
  const char *rev = mi_analysis_opt(a, "reverse");
  if (rev && !ranged) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--reverse needs --scale-min and --scale-max (an item x "
                             "becomes min + max - x)");
    return NULL;
  }
  mi_analysis_matrix m;
  if (mi_analysis_load_matrix(a, "cols", NULL, &m, e)) {
    mi_analysis_matrix_free(&m);
    return NULL;
  }
  char **rl = NULL;
  size_t nr = 0;
  json_t *o = NULL;
  int rc = rev ? mi_analysis_split(rev, &rl, &nr, e) : 0;
  if (rc) a->usage = 1;
  /* range check on all loaded rows (so the message can name the line) */
  for (size_t j = 0; !rc && ranged && j < m.k; j++) {
    const mi_analysis_column *c = mi_analysis_data_col(&m.d, m.names[j]);
    for (size_t i = 0; i < m.d.nrows; i++)
      if (!c->miss[i] && (c->x[i] < smin || c->x[i] > smax)) {
        rc = mi_err_setpos(e, MI_EINVAL, m.d.file, (int)m.d.line[i], 0,
                           "field '%s': %g is outside the scale %g..%g", c->name, c->x[i], smin,
                           smax);
        break;
      }
  }
  for (size_t r = 0; !rc && r < nr; r++) {
    size_t j = 0;
    while (j < m.k && strcmp(m.names[j], rl[r])) j++;
    if (j == m.k) {
      a->usage = 1;
      rc = mi_err_set(e, MI_EINVAL, "--reverse: '%s' is not one of --cols", rl[r]);
      break;
    }
    for (size_t i = 0; i < m.n; i++) m.x[j * m.n + i] = smin + smax - m.x[j * m.n + i];
  }
  mi_stats_alpha_result r;
  if (!rc && (rc = mi_stats_alpha(m.x, m.n, m.k, &r, e))) {
    mi_analysis_err_name(e, "item", (const char *const *)m.names, m.k);
    mi_err_prefix(e, "%s", a->file);
  }
  if (!rc) {
    o = json_object();
    mi_analysis_jset_n(o, "n", r.n);
    mi_analysis_jset(o, "raw_alpha", r.raw_alpha);
    mi_analysis_jset(o, "std_alpha", r.std_alpha);
    mi_analysis_jset(o, "average_r", r.average_r);
    mi_analysis_jset(o, "scale_mean", r.scale_mean);
    mi_analysis_jset(o, "scale_sd", r.scale_sd);
    json_t *ad = json_object(), *it = json_object();
    for (size_t j = 0; j < m.k; j++) {
      mi_analysis_jset(ad, m.names[j], r.alpha_if_dropped[j]);
      mi_analysis_jset(it, m.names[j], r.item_total_r[j]);
    }
    json_object_set_new(o, "alpha_if_dropped", ad);
    json_object_set_new(o, "item_total_r", it);
    mi_stats_alpha_free(&r);
  }
  mi_analysis_list_free(rl, nr);
  mi_analysis_matrix_free(&m);
  return o;
}

json_t *mi_analysis_run_corr(mi_analysis_args *a, mi_err *e) {
  const char *meth = mi_analysis_opt(a, "method");
  mi_stats_corr_method method = MI_STATS_PEARSON;
  if (meth && !strcmp(meth, "spearman")) method = MI_STATS_SPEARMAN;
  else if (meth && strcmp(meth, "pearson")) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "unknown method '%s': use pearson or spearman", meth);
    return NULL;
  }
  mi_analysis_matrix m;
  if (mi_analysis_load_matrix(a, "cols", NULL, &m, e)) {
    mi_analysis_matrix_free(&m);
    return NULL;
  }
  json_t *o = NULL;
  double *r = malloc(m.k * m.k * sizeof *r), *p = malloc(m.k * m.k * sizeof *p);
  int rc = r && p ? mi_stats_corr(m.x, m.n, m.k, method, r, p, e)
                  : mi_err_set(e, MI_ENOMEM, "out of memory");
  if (rc) mi_analysis_err_name(e, "column", (const char *const *)m.names, m.k);
  if (rc) mi_err_prefix(e, "%s", a->file);
  if (!rc) {
    o = json_object();
    mi_analysis_jset_n(o, "n", m.n);
    json_object_set_new(o, "method",
                        json_string(method == MI_STATS_SPEARMAN ? "spearman" : "pearson"));
    json_t *jr = json_object(), *jp = json_object();
    for (size_t i = 0; i < m.k; i++) {
      json_t *ri = json_object(), *pi = json_object();
      for (size_t j = 0; j < m.k; j++) {
        mi_analysis_jset(ri, m.names[j], r[i * m.k + j]);
        mi_analysis_jset(pi, m.names[j], p[i * m.k + j]);
      }
      json_object_set_new(jr, m.names[i], ri);
      json_object_set_new(jp, m.names[i], pi);
    }
    json_object_set_new(o, "r", jr);
    json_object_set_new(o, "p", jp);
  }
  free(r), free(p);
  mi_analysis_matrix_free(&m);
  return o;
}

json_t *mi_analysis_run_regress(mi_analysis_args *a, mi_err *e) {
  const char *y = mi_analysis_need(a, "y", e);
  if (!y) return NULL;
  mi_analysis_matrix m;
  if (mi_analysis_load_matrix(a, "x", y, &m, e)) {
    mi_analysis_matrix_free(&m);
    return NULL;
  }
  size_t k = m.k - 1;
  /* the complete cases are in m.x: the loaded columns are not needed while
   * the model is fitted (one copy fewer held) */
  for (size_t j = 0; j < m.d.ncols; j++) {
    free(m.d.cols[j].x), free(m.d.cols[j].miss);
    m.d.cols[j].x = NULL, m.d.cols[j].miss = NULL;
  }
  mi_stats_regress_result r;
  json_t *o = NULL;
  int rc = mi_stats_regress(m.x, m.x + m.n, m.n, k, &r, e);
  int constant = 0;
  for (size_t i = 1; rc && r.collinear && i < m.n; i++)
    constant |= m.x[r.collinear * m.n + i] != m.x[r.collinear * m.n];
  constant = !constant;
  if (rc && r.collinear && constant) {
    mi_err_set(e, MI_EINVAL, "%s: predictor '%s' is constant (collinear with the intercept): "
               "drop it", a->file, m.names[r.collinear]);
  } else if (rc && r.collinear) {
    char before[512] = "the intercept";
    for (size_t j = 1; j < r.collinear && strlen(before) < 400; j++) {
      strcat(before, ", ");
      strncat(before, m.names[j], 400);
    }
    mi_err_set(e, MI_EINVAL,
               "%s: predictor '%s' is %s of %s: the coefficients are not identifiable; drop "
               "it or one of those",
               a->file, m.names[r.collinear], "collinear: a linear combination", before);
  } else if (rc) {
    mi_err_prefix(e, "%s", a->file);
  }
  if (!rc) {
    o = json_object();
    mi_analysis_jset_n(o, "n", r.n);
    mi_analysis_jset_n(o, "n_missing", m.d.nrows - m.n);
    json_t *co = json_object();
    for (size_t j = 0; j < r.ncoef; j++) {
      json_t *c = json_object();
      mi_analysis_jset(c, "estimate", r.coef[j].estimate);
      mi_analysis_jset(c, "se", r.coef[j].se);
      mi_analysis_jset(c, "t", r.coef[j].t);
      mi_analysis_jset(c, "p", r.coef[j].p);
      json_object_set_new(co, j ? m.names[j] : "intercept", c);
    }
    json_object_set_new(o, "coefficients", co);
    mi_analysis_jset(o, "r_squared", r.r_squared);
    mi_analysis_jset(o, "adj_r_squared", r.adj_r_squared);
    mi_analysis_jset(o, "sigma", r.sigma);
    mi_analysis_jset(o, "f", r.f);
    mi_analysis_jset(o, "f_df1", r.f_df1);
    mi_analysis_jset(o, "f_df2", r.f_df2);
    mi_analysis_jset(o, "f_p", r.f_p);
    mi_stats_regress_free(&r);
  }
  mi_analysis_matrix_free(&m);
  return o;
}
