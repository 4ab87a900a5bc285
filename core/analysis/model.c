/* manyi stats drivers | pca | kmeans: models on several numeric columns
 * (complete cases). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

static json_t *named(char *const *names, const double *v, size_t k) {
  json_t *o = json_object();
  for (size_t j = 0; j < k; j++) mi_analysis_jset(o, names[j], v[j]);
  return o;
}

static json_t *array(const double *v, size_t k) {
  json_t *a = json_array();
  for (size_t j = 0; j < k; j++) json_array_append_new(a, mi_analysis_jnum(v[j]));
  return a;
}

/* --performance: the mean of each listed column over its non-missing rows. */
static int performance(mi_analysis_args *a, const char *list, size_t k, double *perf, mi_err *e) {
  char **names;
  size_t np;
  if (mi_analysis_split(list, &names, &np, e)) {
    a->usage = 1;
    return MI_EINVAL;
  }
  if (np != k) {
    mi_analysis_list_free(names, np);
    a->usage = 1;
    return mi_err_set(e, MI_EINVAL, "--performance lists %zu column%s for %zu drivers: give one "
                      "per --x column, in the same order", np, np == 1 ? "" : "s", k);
  }
  mi_analysis_kind *kinds = calloc(np, sizeof *kinds);
  mi_analysis_data d;
  memset(&d, 0, sizeof d);
  int rc = kinds ? mi_analysis_load(a, (const char *const *)names, kinds, np, &d, e)
                 : mi_err_set(e, MI_ENOMEM, "out of memory");
  free(kinds);
  for (size_t j = 0; !rc && j < np; j++) {
    const mi_analysis_column *c = mi_analysis_data_col(&d, names[j]);
    mi_stats_moments m = {0};
    for (size_t i = 0; i < d.nrows; i++)
      if (!c->miss[i]) mi_stats_moments_add(&m, c->x[i], 1);
    if (!m.n) rc = mi_err_set(e, MI_EINVAL, "%s: --performance column '%s' has no values",
                              a->file, names[j]);
    perf[j] = m.mean;
  }
  mi_analysis_data_free(&d);
  mi_analysis_list_free(names, np);
  return rc;
}

/* {driver: {lower, upper}} */
static json_t *intervals(char **names, const double *lo, const double *hi, size_t k) {
  json_t *o = json_object();
  for (size_t j = 0; j < k; j++) {
    json_t *x = json_object();
    mi_analysis_jset(x, "lower", lo[j]);
    mi_analysis_jset(x, "upper", hi[j]);
    json_object_set_new(o, names[j], x);
  }
  return o;
}

/* --bootstrap B [--seed S] [--conf C] [--resamples]: percentile intervals of
 * the shares, as the "bootstrap" object; NULL with e set on failure. */
static json_t *drivers_bootstrap(mi_analysis_args *a, const mi_analysis_matrix *m, mi_err *e) {
  double B, seed, conf;
  if (mi_analysis_opt_num(a, "bootstrap", 0, &B, e) || mi_analysis_opt_num(a, "seed", 1, &seed, e) ||
      mi_analysis_opt_num(a, "conf", 0.95, &conf, e))
    return NULL;
  if (!(B >= 2 && B == floor(B) && B <= 1000000) ||
      !(seed >= 0 && seed == floor(seed) && seed <= 4294967295.0)) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--bootstrap must be a whole number from 2 to 1000000, --seed a "
               "whole number from 0 to 4294967295");
    return NULL;
  }
  if (!(conf > 0 && conf < 1)) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--conf %g must be between 0 and 1 (e.g. 0.95)", conf);
    return NULL;
  }
  size_t n = m->n, k = m->k - 1, nb = (size_t)B;
  int keep = mi_analysis_opt(a, "resamples") != NULL;
  if (keep && nb > 100000000 / (n ? n : 1)) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--resamples would print %zu x %zu row numbers; use fewer "
               "replicates", nb, n);
    return NULL;
  }
  size_t *rs = keep ? malloc(nb * n * sizeof *rs) : NULL;
  if (keep && !rs) {
    mi_err_set(e, MI_ENOMEM, "out of memory");
    return NULL;
  }
  mi_stats_drivers_boot_result r;
  if (mi_stats_drivers_bootstrap(m->x, m->x + n, n, k, nb, (unsigned long)seed, conf, rs, &r, e)) {
    mi_err_prefix(e, "%s: --bootstrap", a->file);
    free(rs);
    return NULL;
  }
  json_t *o = json_object();
  mi_analysis_jset_n(o, "replicates", nb);
  mi_analysis_jset_n(o, "seed", (size_t)seed);
  mi_analysis_jset(o, "conf", conf);
  mi_analysis_jset_n(o, "skipped", r.skipped);
  json_object_set_new(o, "relative_weights_share", intervals(m->names + 1, r.rw_lower, r.rw_upper, k));
  json_object_set_new(o, "shapley_share", intervals(m->names + 1, r.sh_lower, r.sh_upper, k));
  if (rs) {
    json_t *all = json_array();
    for (size_t b = 0; b < nb; b++) {
      json_t *one = json_array();
      for (size_t i = 0; i < n; i++) json_array_append_new(one, json_integer((json_int_t)rs[b * n + i] + 1));
      json_array_append_new(all, one);
    }
    json_object_set_new(o, "resamples", all);
  }
  free(rs);
  mi_stats_drivers_boot_free(&r);
  return o;
}

json_t *mi_analysis_run_drivers(mi_analysis_args *a, mi_err *e) {
  const char *y = mi_analysis_need(a, "y", e);
  if (!y) return NULL;
  if (!mi_analysis_opt(a, "bootstrap")) {
    static const char *const only[] = {"seed", "conf", "resamples"};
    for (size_t i = 0; i < 3; i++)
      if (mi_analysis_opt(a, only[i])) {
        a->usage = 1;
        mi_err_set(e, MI_EINVAL, "--%s needs --bootstrap B", only[i]);
        return NULL;
      }
  }
  mi_analysis_matrix m;
  if (mi_analysis_load_matrix(a, "x", y, &m, e)) {
    mi_analysis_matrix_free(&m);
    return NULL;
  }
  size_t k = m.k - 1;
  char **xn = m.names + 1;
  mi_stats_drivers_result r;
  json_t *o = NULL;
  double *perf = NULL;
  mi_stats_ipa_quadrant *quad = NULL;
  int rc = mi_stats_drivers(m.x, m.x + m.n, m.n, k, &r, e);
  if (rc && r.collinear) {
    size_t c = r.collinear;
    int constant = 1;
    for (size_t i = 1; i < m.n; i++) constant &= m.x[c * m.n + i] == m.x[c * m.n];
    mi_err_set(e, MI_EINVAL, "%s: predictor '%s' is %s: drop it", a->file, m.names[c],
               constant ? "constant (collinear with the intercept)"
                        : "collinear (a linear combination of the intercept and the "
                          "predictors before it)");
  } else if (rc) {
    if (!strncmp(e->msg, "the outcome", 11)) mi_err_prefix(e, "--y %s", y);
    mi_err_prefix(e, "%s", a->file);
  }
  const char *pl = mi_analysis_opt(a, "performance");
  if (!rc && pl) {
    perf = malloc(k * sizeof *perf);
    quad = malloc(k * sizeof *quad);
    rc = perf && quad ? performance(a, pl, k, perf, e) : mi_err_set(e, MI_ENOMEM, "out of memory");
    if (!rc) rc = mi_stats_ipa(r.shapley_share, perf, k, quad, e);
  }
  if (!rc) {
    o = json_object();
    mi_analysis_jset_n(o, "n", m.n);
    mi_analysis_jset_n(o, "n_missing", m.d.nrows - m.n);
    mi_analysis_jset(o, "r_squared", r.r_squared);
    json_object_set_new(o, "standardized_beta", named(xn, r.standardized_beta, k));
    json_object_set_new(o, "relative_weights_raw", named(xn, r.relative_weights_raw, k));
    json_object_set_new(o, "relative_weights_share", named(xn, r.relative_weights_share, k));
    json_object_set_new(o, "shapley_raw", named(xn, r.shapley_raw, k));
    json_object_set_new(o, "shapley_share", named(xn, r.shapley_share, k));
    if (pl) {
      json_t *q = json_object();
      double mi = 0, mp = 0;
      for (size_t j = 0; j < k; j++) {
        json_t *x = json_object();
        mi_analysis_jset(x, "importance", r.shapley_share[j]);
        mi_analysis_jset(x, "performance", perf[j]);
        json_object_set_new(x, "quadrant", json_string(mi_stats_ipa_name(quad[j])));
        json_object_set_new(q, xn[j], x);
        mi += r.shapley_share[j] / (double)k;
        mp += perf[j] / (double)k;
      }
      json_object_set_new(o, "quadrant", q);
      json_t *split = json_object();
      mi_analysis_jset(split, "importance", mi);
      mi_analysis_jset(split, "performance", mp);
      json_object_set_new(o, "quadrant_split", split);
    }
    if (mi_analysis_opt(a, "bootstrap")) {
      json_t *b = drivers_bootstrap(a, &m, e);
      if (b) {
        json_object_set_new(o, "bootstrap", b);
      } else {
        json_decref(o);
        o = NULL;
      }
    }
  }
  mi_stats_drivers_free(&r);
  free(perf), free(quad);
  mi_analysis_matrix_free(&m);
  return o;
}

json_t *mi_analysis_run_pca(mi_analysis_args *a, mi_err *e) {
  double k;
  if (mi_analysis_opt_num(a, "factors", 1, &k, e)) return NULL;
  const char *rot = mi_analysis_opt(a, "rotate");
  mi_stats_rotate rotate = MI_STATS_ROTATE_VARIMAX;
  if (rot && !strcmp(rot, "none")) rotate = MI_STATS_ROTATE_NONE;
  else if (rot && strcmp(rot, "varimax")) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "unknown rotation '%s': use varimax or none", rot);
    return NULL;
  }
  if (!(k >= 1 && k == floor(k) && k <= 1000)) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--factors %g must be a whole number >= 1", k);
    return NULL;
  }
  mi_analysis_matrix m;
  if (mi_analysis_load_matrix(a, "cols", NULL, &m, e)) {
    mi_analysis_matrix_free(&m);
    return NULL;
  }
  mi_stats_pca_result r;
  json_t *o = NULL;
  int rc = mi_stats_pca(m.x, m.n, m.k, (size_t)k, rotate, &r, e);
  if (rc) {
    mi_analysis_err_name(e, "column", (const char *const *)m.names, m.k);
    mi_err_prefix(e, "%s", a->file);
  } else {
    o = json_object();
    mi_analysis_jset_n(o, "n", r.n);
    mi_analysis_jset_n(o, "n_missing", m.d.nrows - m.n);
    mi_analysis_jset_n(o, "factors", r.k);
    json_object_set_new(o, "rotation",
                        json_string(rotate == MI_STATS_ROTATE_VARIMAX && r.k > 1 ? "varimax"
                                                                                  : "none"));
    json_object_set_new(o, "eigenvalues", array(r.eigenvalues, r.p));
    json_object_set_new(o, "proportion_variance", array(r.proportion_variance, r.k));
    json_object_set_new(o, "rotated_ss_loadings", array(r.ss_loadings, r.k));
    json_object_set_new(o, "communalities", named(m.names, r.communalities, r.p));
    json_t *l = json_object();
    for (size_t i = 0; i < r.p; i++) {
      json_t *row = json_array();
      for (size_t c = 0; c < r.k; c++) json_array_append_new(row, mi_analysis_jnum(r.loadings[c * r.p + i]));
      json_object_set_new(l, m.names[i], row);
    }
    json_object_set_new(o, "loadings", l);
    mi_analysis_jset_n(o, "iterations", (size_t)r.iterations);
    mi_stats_pca_free(&r);
  }
  mi_analysis_matrix_free(&m);
  return o;
}

json_t *mi_analysis_run_kmeans(mi_analysis_args *a, mi_err *e) {
  double k, starts, seed;
  if (!mi_analysis_need(a, "k", e) || mi_analysis_opt_num(a, "k", 0, &k, e) ||
      mi_analysis_opt_num(a, "starts", 10, &starts, e) || mi_analysis_opt_num(a, "seed", 1, &seed, e))
    return NULL;
  if (!(k >= 1 && k == floor(k) && k <= 100000) ||
      !(starts >= 1 && starts == floor(starts) && starts <= 100000) ||
      !(seed >= 0 && seed == floor(seed) && seed <= 4294967295.0)) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--k and --starts must be whole numbers >= 1, --seed a whole "
                             "number from 0 to 4294967295");
    return NULL;
  }
  mi_analysis_matrix m;
  if (mi_analysis_load_matrix(a, "cols", NULL, &m, e)) {
    mi_analysis_matrix_free(&m);
    return NULL;
  }
  mi_stats_kmeans_result r;
  json_t *o = NULL;
  int rc = mi_stats_kmeans(m.x, m.n, m.k, (size_t)k, (size_t)starts, (unsigned long)seed, &r, e);
  if (rc) {
    mi_err_prefix(e, "%s", a->file);
  } else {
    o = json_object();
    mi_analysis_jset_n(o, "n", r.n);
    mi_analysis_jset_n(o, "n_missing", m.d.nrows - m.n);
    mi_analysis_jset_n(o, "k", r.k);
    mi_analysis_jset(o, "tot_withinss", r.tot_withinss);
    mi_analysis_jset(o, "betweenss", r.betweenss);
    mi_analysis_jset(o, "totss", r.totss);
    json_t *sz = json_array();
    for (size_t c = 0; c < r.k; c++) json_array_append_new(sz, json_integer((json_int_t)r.sizes[c]));
    json_object_set_new(o, "sizes", sz);
    json_object_set_new(o, "withinss", array(r.withinss, r.k));
    json_t *cen = json_object();
    for (size_t c = 0; c < r.k; c++) {
      char key[32];
      snprintf(key, sizeof key, "%zu", c + 1);
      json_object_set_new(cen, key, named(m.names, r.centers + c * r.p, r.p));
    }
    json_object_set_new(o, "centers", cen);
    mi_analysis_jset_n(o, "starts", (size_t)starts);
    mi_analysis_jset_n(o, "seed", (size_t)seed);
    mi_analysis_jset_n(o, "iterations", r.iterations);
    mi_stats_kmeans_free(&r);
  }
  mi_analysis_matrix_free(&m);
  return o;
}
