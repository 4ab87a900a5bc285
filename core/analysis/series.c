/* manyi stats km | trend | index */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

static json_t *array(const double *v, size_t k) {
  json_t *a = json_array();
  for (size_t j = 0; j < k; j++) json_array_append_new(a, mi_analysis_jnum(v[j]));
  return a;
}

/* A list "a,b,c" of finite numbers (*out owned by the caller). */
static int num_list(mi_analysis_args *a, const char *opt, double **out, size_t *n, mi_err *e) {
  *out = NULL;
  *n = 0;
  const char *s = mi_analysis_opt(a, opt);
  if (!s) return 0;
  char **items;
  if (mi_analysis_split(s, &items, n, e)) {
    a->usage = 1;
    return mi_err_prefix(e, "--%s", opt), MI_EINVAL;
  }
  *out = malloc(*n * sizeof **out);
  int rc = *out ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; !rc && i < *n; i++) {
    char *end;
    (*out)[i] = strtod(items[i], &end);
    if (end == items[i] || *end || !isfinite((*out)[i])) {
      a->usage = 1;
      rc = mi_err_set(e, MI_EINVAL, "--%s: '%s' is not a finite number", opt, items[i]);
    }
  }
  mi_analysis_list_free(items, *n);
  if (rc) free(*out), *out = NULL;
  return rc;
}

/* ---- km --------------------------------------------------------------------------- */

static json_t *km_json(const mi_stats_km_result *r, const double *at, size_t nat) {
  json_t *o = json_object();
  mi_analysis_jset_n(o, "n", r->n);
  mi_analysis_jset_n(o, "events", r->events);
  json_t *ats = json_array();
  for (size_t i = 0; i < nat; i++) {
    double nr, s, se;
    mi_stats_km_at(r, at[i], &nr, &s, &se);
    json_t *x = json_object();
    mi_analysis_jset(x, "time", at[i]);
    mi_analysis_jset_n(x, "n_risk", (size_t)nr);
    mi_analysis_jset(x, "surv", s);
    mi_analysis_jset(x, "se", se);
    json_array_append_new(ats, x);
  }
  json_object_set_new(o, "at_times", ats);
  mi_analysis_jset(o, "median", r->median);
  mi_analysis_jset(o, "median_ci_lower", r->median_ci_lower);
  mi_analysis_jset(o, "median_ci_upper", r->median_ci_upper);
  return o;
}

static int parse_num_text(const char *s, double *v) {
  char *end;
  *v = strtod(s, &end);
  return end != s && !*end && isfinite(*v);
}

json_t *mi_analysis_run_km(mi_analysis_args *a, mi_err *e) {
  double conf, *at = NULL;
  size_t nat = 0;
  if (mi_analysis_opt_num(a, "conf", 0.95, &conf, e) || num_list(a, "at", &at, &nat, e))
    return NULL;
  const char *tn = mi_analysis_need(a, "time", e), *en = tn ? mi_analysis_need(a, "event", e) : NULL;
  if (!en) {
    free(at);
    return NULL;
  }
  const char *ev = mi_analysis_opt(a, "event-value"), *bn = mi_analysis_opt(a, "by");
  if (!strcmp(tn, en) || (bn && (!strcmp(bn, tn) || !strcmp(bn, en)))) {
    free(at);
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--time, --event and --by must be different columns");
    return NULL;
  }
  const char *names[3] = {tn, en, bn};
  mi_analysis_kind kinds[3] = {MI_ANALYSIS_NUMERIC, MI_ANALYSIS_TEXT, MI_ANALYSIS_TEXT};
  mi_analysis_data d;
  if (mi_analysis_load(a, names, kinds, bn ? 3 : 2, &d, e)) {
    free(at);
    return NULL;
  }
  const mi_analysis_column *tc = mi_analysis_data_col(&d, tn), *ec = mi_analysis_data_col(&d, en);
  const mi_analysis_column *bc = bn ? mi_analysis_data_col(&d, bn) : NULL;
  size_t nr = d.nrows, n = 0;
  double *t = malloc((nr ? nr : 1) * sizeof *t), evv = 0;
  unsigned char *evt = malloc(nr ? nr : 1);
  size_t *grp = malloc((nr ? nr : 1) * sizeof *grp);
  char **levels = NULL;
  size_t nlevels = 0, *idx = NULL;
  int ev_num = ev && parse_num_text(ev, &evv);
  int rc = t && evt && grp ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  if (!rc && bc) rc = mi_analysis_levels(bc, nr, &levels, &nlevels, &idx, e);
  for (size_t i = 0; !rc && i < nr; i++) {
    if (tc->miss[i] || ec->miss[i]) continue;
    if (tc->x[i] < 0) {
      rc = mi_err_setpos(e, MI_EINVAL, d.file, (int)d.line[i], 0,
                         "field '%s': time %g is negative", tn, tc->x[i]);
      break;
    }
    const char *s = ec->text[i];
    double v;
    int is_num = parse_num_text(s, &v);
    if (ev) {
      evt[n] = (unsigned char)(ev_num && is_num ? v == evv : !strcmp(s, ev));
    } else if (is_num && (v == 0 || v == 1)) {
      evt[n] = (unsigned char)(v == 1);
    } else {
      rc = mi_err_setpos(e, MI_EINVAL, d.file, (int)d.line[i], 0,
                         "field '%s': '%s' is not 0 or 1; give --event-value VALUE to say which "
                         "value marks the event (others are censored)", en, s);
      break;
    }
    t[n] = tc->x[i];
    grp[n] = idx ? idx[i] : MI_STATS_NO_GROUP;
    n++;
  }
  json_t *o = NULL;
  mi_stats_km_result all;
  memset(&all, 0, sizeof all);
  if (!rc && (rc = mi_stats_km(t, evt, n, conf, &all, e))) {
    if (n == 0) mi_err_set(e, MI_EINVAL, "no rows with both a time and an event value");
    mi_err_prefix(e, "%s", a->file);
  }
  if (!rc) {
    o = km_json(&all, at, nat);
    mi_analysis_jset_n(o, "n_missing", nr - n);
    mi_analysis_jset(o, "conf", conf);
  }
  if (!rc && bc) {
    json_t *groups = json_object();
    double *gt = malloc((n ? n : 1) * sizeof *gt);
    unsigned char *ge = malloc(n ? n : 1);
    if (!gt || !ge) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    for (size_t g = 0; !rc && g < nlevels; g++) {
      size_t m = 0;
      for (size_t i = 0; i < n; i++)
        if (grp[i] == g) gt[m] = t[i], ge[m++] = evt[i];
      mi_stats_km_result r;
      if ((rc = mi_stats_km(gt, ge, m, conf, &r, e))) {
        mi_err_set(e, MI_EINVAL, "%s: --by %s: group '%s' has no rows with a time and an event "
                   "value", a->file, bn, levels[g]);
        break;
      }
      json_object_set_new(groups, levels[g], km_json(&r, at, nat));
      mi_stats_km_free(&r);
    }
    free(gt), free(ge);
    mi_stats_logrank_result lr;
    if (!rc && (rc = mi_stats_logrank(t, evt, grp, n, nlevels, &lr, e))) {
      mi_analysis_err_name(e, "group", (const char *const *)levels, nlevels);
      mi_err_prefix(e, "%s: --by %s", a->file, bn);
    }
    if (!rc) {
      json_t *l = json_object(), *ob = json_object(), *ex = json_object();
      mi_analysis_jset(l, "chisq", lr.chisq);
      mi_analysis_jset(l, "df", lr.df);
      mi_analysis_jset(l, "p", lr.p);
      for (size_t g = 0; g < nlevels; g++) {
        mi_analysis_jset(ob, levels[g], lr.observed[g]);
        mi_analysis_jset(ex, levels[g], lr.expected[g]);
      }
      json_object_set_new(l, "observed", ob);
      json_object_set_new(l, "expected", ex);
      json_object_set_new(o, "groups", groups);
      json_object_set_new(o, "logrank", l);
      mi_stats_logrank_free(&lr);
    } else {
      json_decref(groups);
    }
  }
  if (rc) json_decref(o), o = NULL;
  mi_stats_km_free(&all);
  mi_analysis_levels_free(levels, nlevels, idx);
  free(t), free(evt), free(grp), free(at);
  mi_analysis_data_free(&d);
  return o;
}

/* ---- trend ----------------------------------------------------------------------------- */

json_t *mi_analysis_run_trend(mi_analysis_args *a, mi_err *e) {
  double period;
  if (mi_analysis_opt_num(a, "period", 12, &period, e)) return NULL;
  if (!(period >= 2 && period == floor(period) && period <= 1e6)) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--period %g must be a whole number >= 2", period);
    return NULL;
  }
  const char *cn = mi_analysis_need(a, "col", e);
  if (!cn) return NULL;
  mi_analysis_kind kind = MI_ANALYSIS_NUMERIC;
  mi_analysis_data d;
  if (mi_analysis_load(a, &cn, &kind, 1, &d, e)) return NULL;
  const mi_analysis_column *c = mi_analysis_data_col(&d, cn);
  mi_stats_vec v = {c->x, c->miss, NULL, d.nrows};
  mi_stats_trend_result r;
  json_t *o = NULL;
  if (mi_stats_trend(&v, (size_t)period, &r, e)) {
    mi_err_prefix(e, "%s: column '%s'", a->file, cn);
  } else {
    o = json_object();
    mi_analysis_jset_n(o, "n", r.n);
    mi_analysis_jset_n(o, "n_missing", r.n_missing);
    mi_analysis_jset_n(o, "period", r.period);
    json_t *ols = json_object();
    mi_analysis_jset(ols, "slope", r.slope);
    mi_analysis_jset(ols, "slope_se", r.slope_se);
    mi_analysis_jset(ols, "slope_p", r.slope_p);
    mi_analysis_jset(ols, "intercept", r.intercept);
    mi_analysis_jset(ols, "intercept_se", r.intercept_se);
    mi_analysis_jset(ols, "r_squared", r.r_squared);
    json_object_set_new(o, "ols", ols);
    json_object_set_new(o, "ma_centered", array(r.ma_centered, r.len));
    json_object_set_new(o, "ma_trailing", array(r.ma_trailing, r.len));
    json_object_set_new(o, "seasonal", array(r.seasonal, r.period));
    mi_stats_trend_free(&r);
  }
  mi_analysis_data_free(&d);
  return o;
}

/* ---- index ------------------------------------------------------------------------------- */

typedef struct dim_spec {
  char *name;
  char **cols;
  size_t ncols;
  size_t *items;
  mi_stats_index_dim dim;
} dim_spec;

static void dims_free(dim_spec *ds, size_t n) {
  for (size_t i = 0; ds && i < n; i++) {
    free(ds[i].name);
    mi_analysis_list_free(ds[i].cols, ds[i].ncols);
    free(ds[i].items);
  }
  free(ds);
}

/* 'name:w:min:max:col1,col2;...' */
static int parse_dims(const char *spec, dim_spec **out, size_t *nout, mi_err *e) {
  size_t cap = 1;
  for (const char *p = spec; *p; p++) cap += *p == ';';
  dim_spec *ds = calloc(cap, sizeof *ds);
  if (!ds) return mi_err_set(e, MI_ENOMEM, "out of memory");
  size_t n = 0;
  int rc = 0;
  const char *p = spec;
  while (!rc && *p) {
    const char *q = strchr(p, ';');
    size_t len = q ? (size_t)(q - p) : strlen(p);
    char *item = strndup(p, len);
    p = q ? q + 1 : p + len;
    if (!item) {
      rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      break;
    }
    if (!len) {
      free(item);
      continue;
    }
    char *f[5] = {0}, *save = NULL;
    size_t nf = 0;
    for (char *s = item; nf < 5; s = NULL) {
      char *tok = nf < 4 ? strtok_r(s, ":", &save) : strtok_r(s, "", &save);
      if (!tok) break;
      f[nf++] = tok;
    }
    char *end1, *end2, *end3;
    double w = nf == 5 ? strtod(f[1], &end1) : 0, mn = nf == 5 ? strtod(f[2], &end2) : 0,
           mx = nf == 5 ? strtod(f[3], &end3) : 0;
    if (nf != 5 || *end1 || *end2 || *end3 || end1 == f[1] || end2 == f[2] || end3 == f[3]) {
      rc = mi_err_set(e, MI_EINVAL, "--dims: '%.*s' is not NAME:WEIGHT:MIN:MAX:COL1,COL2 "
                      "(dimensions are separated by ';')", (int)len, item);
    } else if (!(w >= 0 && isfinite(w)) || !(mn < mx && isfinite(mn) && isfinite(mx))) {
      rc = mi_err_set(e, MI_EINVAL, "--dims: dimension '%s': weight must be >= 0 and min < max",
                      f[0]);
    } else {
      for (size_t j = 0; j < n && !rc; j++)
        if (!strcmp(ds[j].name, f[0]))
          rc = mi_err_set(e, MI_EINVAL, "--dims: dimension '%s' is given twice", f[0]);
      if (!rc && !(ds[n].name = strdup(f[0]))) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      if (!rc && mi_analysis_split(f[4], &ds[n].cols, &ds[n].ncols, e)) {
        mi_err_prefix(e, "--dims: dimension '%s'", f[0]);
        rc = MI_EINVAL;
      }
      if (!rc) {
        ds[n].dim.weight = w, ds[n].dim.min = mn, ds[n].dim.max = mx;
        n++;
      }
    }
    free(item);
  }
  if (!rc && n == 0) rc = mi_err_set(e, MI_EINVAL, "--dims: no dimensions given");
  if (rc) {
    dims_free(ds, n + 1 <= cap ? n + 1 : cap);
    return rc;
  }
  *out = ds;
  *nout = n;
  return 0;
}

static json_t *index_json(const mi_stats_index_result *r, const dim_spec *ds) {
  json_t *o = json_object(), *raw = json_object(), *sc = json_object(), *dn = json_object();
  mi_analysis_jset_n(o, "n", r->n);
  for (size_t d = 0; d < r->ndims; d++) {
    mi_analysis_jset(raw, ds[d].name, r->dimension_mean_raw[d]);
    mi_analysis_jset(sc, ds[d].name, r->dimension_score_0_100[d]);
    mi_analysis_jset_n(dn, ds[d].name, r->dim_n[d]);
  }
  json_object_set_new(o, "dimension_n", dn);
  json_object_set_new(o, "dimension_mean_raw", raw);
  json_object_set_new(o, "dimension_score_0_100", sc);
  mi_analysis_jset(o, "index", r->index);
  /* normal 95 % interval from the linearised standard error */
  mi_analysis_jset(o, "se", r->se);
  mi_analysis_jset(o, "ci_lower", r->index - 1.959963984540054 * r->se);
  mi_analysis_jset(o, "ci_upper", r->index + 1.959963984540054 * r->se);
  return o;
}

json_t *mi_analysis_run_index(mi_analysis_args *a, mi_err *e) {
  const char *spec = mi_analysis_need(a, "dims", e);
  if (!spec) return NULL;
  dim_spec *ds = NULL;
  size_t nd = 0;
  if (parse_dims(spec, &ds, &nd, e)) {
    a->usage = 1;
    return NULL;
  }
  const char *bn = mi_analysis_opt(a, "by"), *wn = mi_analysis_opt(a, "weight");
  const char *sn = mi_analysis_opt(a, "strata"), *cn = mi_analysis_opt(a, "cluster");
  /* all item columns, each once, then --weight, --by, --strata, --cluster */
  size_t cap = 4;
  for (size_t d = 0; d < nd; d++) cap += ds[d].ncols;
  const char **names = calloc(cap, sizeof *names);
  mi_analysis_kind *kinds = calloc(cap, sizeof *kinds);
  size_t nc = 0;
  int rc = names && kinds ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t d = 0; !rc && d < nd; d++) {
    ds[d].items = malloc(ds[d].ncols * sizeof *ds[d].items);
    if (!ds[d].items) {
      rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      break;
    }
    for (size_t j = 0; j < ds[d].ncols; j++) {
      const char *clash = bn && !strcmp(bn, ds[d].cols[j])   ? "--by"
                          : wn && !strcmp(wn, ds[d].cols[j]) ? "--weight"
                          : sn && !strcmp(sn, ds[d].cols[j]) ? "--strata"
                          : cn && !strcmp(cn, ds[d].cols[j]) ? "--cluster" : NULL;
      if (clash) {
        a->usage = 1;
        rc = mi_err_set(e, MI_EINVAL, "%s %s is also an item of dimension '%s'", clash,
                        ds[d].cols[j], ds[d].name);
        break;
      }
      size_t c = 0;
      while (c < nc && strcmp(names[c], ds[d].cols[j])) c++;
      if (c == nc) names[nc++] = ds[d].cols[j];
      ds[d].items[j] = c;
    }
    ds[d].dim.items = ds[d].items;
    ds[d].dim.nitems = ds[d].ncols;
  }
  if (!rc && bn && wn && !strcmp(bn, wn)) {
    a->usage = 1;
    rc = mi_err_set(e, MI_EINVAL, "--weight must be a column of its own");
  }
  size_t nl = nc;
  if (!rc && wn) names[nl] = wn, kinds[nl++] = MI_ANALYSIS_NUMERIC;
  if (!rc && bn) names[nl] = bn, kinds[nl++] = MI_ANALYSIS_TEXT;
  if (!rc && sn) names[nl] = sn, kinds[nl++] = MI_ANALYSIS_TEXT;
  if (!rc && cn && !(sn && !strcmp(sn, cn))) names[nl] = cn, kinds[nl++] = MI_ANALYSIS_TEXT;
  /* with --strata or --cluster the standard errors follow the design */
  mi_analysis_design ad;
  memset(&ad, 0, sizeof ad);
  mi_analysis_data *dd = &ad.d;
  if (!rc) rc = mi_analysis_load(a, names, kinds, nl, dd, e);
  int design = sn || cn || mi_analysis_opt(a, "lonely-psu") || mi_analysis_opt(a, "nest");
  if (!rc && design) rc = mi_analysis_design_of(a, 1, &ad, e); /* frees ad on failure */
  const mi_analysis_column *wc = !rc && wn ? mi_analysis_data_col(dd, wn) : NULL;
  for (size_t i = 0; wc && !rc && i < dd->nrows; i++)
    if (wc->miss[i] || wc->x[i] < 0)
      rc = mi_err_setpos(e, MI_EINVAL, dd->file, (int)dd->line[i], 0,
                         "field '%s': %s weight (every row needs a weight >= 0)", wn,
                         wc->miss[i] ? "missing" : "negative");
  size_t nr = dd->nrows;
  double *x = rc ? NULL : malloc((nr && nc ? nr * nc : 1) * sizeof *x);
  unsigned char *miss = rc ? NULL : malloc(nr && nc ? nr * nc : 1);
  if (!rc && (!x || !miss)) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t c = 0; !rc && c < nc; c++) {
    const mi_analysis_column *col = mi_analysis_data_col(dd, names[c]);
    memcpy(x + c * nr, col->x, nr * sizeof *x);
    memcpy(miss + c * nr, col->miss, nr);
  }
  /* range check here, so that the message names the line */
  for (size_t k = 0; !rc && k < nd; k++)
    for (size_t j = 0; !rc && j < ds[k].ncols; j++) {
      size_t c = ds[k].items[j];
      for (size_t i = 0; i < nr; i++)
        if (!miss[c * nr + i] && (x[c * nr + i] < ds[k].dim.min || x[c * nr + i] > ds[k].dim.max)) {
          rc = mi_err_setpos(e, MI_EINVAL, dd->file, (int)dd->line[i], 0,
                             "field '%s': %g is outside the scale %g..%g of dimension '%s'",
                             names[c], x[c * nr + i], ds[k].dim.min, ds[k].dim.max, ds[k].name);
          break;
        }
    }
  char **levels = NULL;
  size_t nlevels = 0, *idx = NULL;
  if (!rc && bn) rc = mi_analysis_levels(mi_analysis_data_col(dd, bn), nr, &levels, &nlevels, &idx, e);
  mi_stats_index_dim *dims = rc ? NULL : malloc(nd * sizeof *dims);
  mi_stats_index_result all, *g = rc ? NULL : calloc(nlevels ? nlevels : 1, sizeof *g);
  memset(&all, 0, sizeof all);
  if (!rc && (!dims || !g)) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t k = 0; !rc && k < nd; k++) dims[k] = ds[k].dim;
  if (!rc && (rc = mi_stats_index(x, miss, wc ? wc->x : NULL, design ? &ad.des : NULL, nr, nc, dims, nd, idx, nlevels, &all, g, e))) {
    /* "group G: dimension D ..." or "dimension D ..." */
    if (!strncmp(e->msg, "group ", 6)) {
      char *end;
      unsigned long gi = strtoul(e->msg + 6, &end, 10);
      const char *rest = strstr(e->msg, "dimension ");
      unsigned long di = rest ? strtoul(rest + 10, NULL, 10) : 0;
      if (gi >= 1 && gi <= nlevels && di >= 1 && di <= nd)
        mi_err_set(e, MI_EINVAL, "--by %s: group '%s': dimension '%s' has no values", bn,
                   levels[gi - 1], ds[di - 1].name);
    } else if (!strncmp(e->msg, "dimension ", 10)) {
      unsigned long di = strtoul(e->msg + 10, NULL, 10);
      if (di >= 1 && di <= nd) mi_err_set(e, MI_EINVAL, "dimension '%s' has no values", ds[di - 1].name);
    }
    if (design && strstr(e->msg, "stratum ")) mi_analysis_design_err(&ad, e); /* names it */
    else mi_err_prefix(e, "%s", a->file);
  }
  json_t *o = NULL;
  if (!rc) {
    o = index_json(&all, ds);
    mi_analysis_jset_n(o, "n_rows", nr);
    json_t *wj = json_object();
    double ws = 0;
    for (size_t k = 0; k < nd; k++) ws += ds[k].dim.weight;
    for (size_t k = 0; k < nd; k++) mi_analysis_jset(wj, ds[k].name, ds[k].dim.weight / ws);
    json_object_set_new(o, "weights", wj);
    if (design) json_object_set_new(o, "design", mi_analysis_design_json(a, &ad));
    if (bn) {
      json_t *groups = json_object();
      for (size_t k = 0; k < nlevels; k++) json_object_set_new(groups, levels[k], index_json(&g[k], ds));
      json_object_set_new(o, "groups", groups);
    }
    mi_stats_index_free(&all);
    for (size_t k = 0; bn && k < nlevels; k++) mi_stats_index_free(&g[k]);
  }
  free(g), free(dims), free(x), free(miss), free(names), free(kinds);
  mi_analysis_levels_free(levels, nlevels, idx);
  mi_analysis_design_free(&ad);
  dims_free(ds, nd);
  return o;
}
