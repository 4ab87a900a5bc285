/* manyi stats describe | mean | prop | nps | sample-size. describe and mean
 * with --weight and the design options go through design.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

/* Loads --col (numeric) and, if given, --weight (numeric) and --by (text)
 * from a->file. Checks that each row with a value has a weight >= 0. */
static int load_col(mi_analysis_args *a, const char *by_opt, mi_analysis_data *d,
                    const mi_analysis_column **col, const mi_analysis_column **w,
                    const mi_analysis_column **by, mi_err *e) {
  const char *names[3];
  mi_analysis_kind kinds[3] = {MI_ANALYSIS_NUMERIC, MI_ANALYSIS_NUMERIC, MI_ANALYSIS_TEXT};
  size_t n = 0;
  const char *c = mi_analysis_need(a, "col", e);
  if (!c) return MI_EINVAL;
  names[n++] = c;
  const char *wn = mi_analysis_opt(a, "weight"), *bn = by_opt ? mi_analysis_opt(a, by_opt) : NULL;
  if (wn) names[n++] = wn;
  if (bn) kinds[n] = MI_ANALYSIS_TEXT, names[n++] = bn;
  int rc = mi_analysis_load(a, names, kinds, n, d, e);
  if (rc) return rc;
  *col = mi_analysis_data_col(d, c);
  *w = wn ? mi_analysis_data_col(d, wn) : NULL;
  if (by) *by = bn ? mi_analysis_data_col(d, bn) : NULL;
  if (wn && (*w == *col || (bn && !strcmp(wn, bn)))) {
    mi_analysis_data_free(d);
    a->usage = 1;
    return mi_err_set(e, MI_EINVAL, "--weight must be a column of its own");
  }
  for (size_t i = 0; *w && i < d->nrows; i++) {
    if ((*col)->miss[i]) continue;
    if ((*w)->miss[i] || (*w)->x[i] < 0) {
      rc = mi_err_setpos(e, MI_EINVAL, d->file, (int)d->line[i], 0,
                         "field '%s': %s weight for a row with a value (weights must be >= 0)",
                         wn, (*w)->miss[i] ? "missing" : "negative");
      mi_analysis_data_free(d);
      return rc;
    }
  }
  return 0;
}

static void prefix_col(mi_err *e, const mi_analysis_args *a, const char *opt) {
  mi_err_prefix(e, "%s: column '%s'", a->file, mi_analysis_opt(a, opt));
}

/* The fields of `mean` with a design that prop and nps share. */
static void design_fields(json_t *o, const mi_analysis_args *a, const mi_analysis_design *ad,
                          const mi_stats_design_mean_result *r) {
  mi_analysis_jset(o, "df", r->df);
  mi_analysis_jset(o, "deff", r->deff);
  mi_analysis_jset(o, "sum_weights", r->sum_weights);
  mi_analysis_jset_n(o, "n_psu", r->n_psu);
  mi_analysis_jset_n(o, "n_strata", r->n_strata);
  json_object_set_new(o, "design", mi_analysis_design_json(a, ad));
}

/* Puts the names of the design into a core/stats message, or the column. */
static void design_msg(mi_analysis_args *a, const mi_analysis_design *ad, mi_err *e) {
  if (strstr(e->msg, "has only one PSU") || !strncmp(e->msg, "row ", 4))
    mi_analysis_design_err(ad, e);
  else prefix_col(e, a, "col");
}

/* --nest or --lonely-psu without the options they qualify */
static int no_design_qualifiers(mi_analysis_args *a, mi_err *e) {
  if (!mi_analysis_opt(a, "nest") && !mi_analysis_opt(a, "lonely-psu")) return 0;
  a->usage = 1;
  return mi_err_set(e, MI_EINVAL, "--%s needs --strata",
                    mi_analysis_opt(a, "nest") ? "nest" : "lonely-psu");
}

static json_t *describe_json(const mi_stats_describe_result *r, const double *sum_weights) {
  json_t *o = json_object(), *modes = json_array();
  mi_analysis_jset_n(o, "n", r->n);
  mi_analysis_jset_n(o, "n_missing", r->n_missing);
  if (sum_weights) mi_analysis_jset(o, "sum_weights", *sum_weights);
  mi_analysis_jset(o, "sum", r->sum);
  mi_analysis_jset(o, "mean", r->mean);
  mi_analysis_jset(o, "sd", r->sd);
  mi_analysis_jset(o, "var", r->var);
  mi_analysis_jset(o, "se_mean", r->se_mean);
  mi_analysis_jset(o, "median", r->median);
  mi_analysis_jset(o, "q1", r->q1);
  mi_analysis_jset(o, "q3", r->q3);
  mi_analysis_jset(o, "iqr", r->iqr);
  mi_analysis_jset(o, "min", r->min);
  mi_analysis_jset(o, "max", r->max);
  mi_analysis_jset(o, "mode", r->mode);
  for (size_t i = 0; i < r->nmodes; i++) json_array_append_new(modes, mi_analysis_jnum(r->modes[i]));
  json_object_set_new(o, "modes", modes);
  return o;
}

/* describe --weight W: every row needs a weight (a unit of the design). */
static json_t *describe_weighted(mi_analysis_args *a, mi_err *e) {
  mi_analysis_design ad;
  if (mi_analysis_design_load(a, NULL, 0, 0, &ad, e)) return NULL;
  size_t out = mi_analysis_domain(a, &ad.d, ad.col);
  mi_stats_vec v = {ad.col->x, ad.col->miss, ad.w->x, ad.d.nrows};
  mi_stats_wdescribe_result r;
  int rc = mi_stats_describe_weighted(&v, &r, e);
  r.d.n_missing -= out;
  mi_analysis_design_free(&ad);
  if (rc) {
    prefix_col(e, a, "col");
    return NULL;
  }
  json_t *o = describe_json(&r.d, &r.sum_weights);
  json_object_set_new(o, "quantile_rule", json_string("survey qrule_math"));
  mi_stats_describe_free(&r.d);
  return o;
}

static json_t *describe_one(mi_analysis_args *a, mi_err *e) {
  if (mi_analysis_opt(a, "weight")) return describe_weighted(a, e);
  mi_analysis_data d;
  const mi_analysis_column *c, *w;
  if (load_col(a, NULL, &d, &c, &w, NULL, e)) return NULL;
  size_t out = mi_analysis_domain(a, &d, c);
  mi_stats_vec v = {c->x, c->miss, NULL, d.nrows};
  mi_stats_describe_result r;
  int rc = mi_stats_describe(&v, &r, e);
  r.n_missing -= out;
  mi_analysis_data_free(&d);
  if (rc) {
    prefix_col(e, a, "col");
    return NULL;
  }
  json_t *o = describe_json(&r, NULL);
  mi_stats_describe_free(&r);
  return o;
}

json_t *mi_analysis_run_describe(mi_analysis_args *a, mi_err *e) {
  return mi_analysis_by(a, describe_one, e);
}

/* mean with --weight, --strata, --cluster or --fpc: svymean on svydesign. */
json_t *mi_analysis_mean_json(const mi_stats_design_mean_result *r, double conf) {
  json_t *o = json_object();
  mi_analysis_jset_n(o, "n", r->n);
  mi_analysis_jset_n(o, "n_missing", r->n_missing);
  mi_analysis_jset(o, "mean", r->mean);
  mi_analysis_jset(o, "se", r->se);
  mi_analysis_jset(o, "df", r->df);
  mi_analysis_jset(o, "ci_lower", r->ci_lower);
  mi_analysis_jset(o, "ci_upper", r->ci_upper);
  mi_analysis_jset(o, "conf", conf);
  mi_analysis_jset(o, "deff", r->deff);
  mi_analysis_jset(o, "sum_weights", r->sum_weights);
  mi_analysis_jset_n(o, "n_psu", r->n_psu);
  mi_analysis_jset_n(o, "n_strata", r->n_strata);
  return o;
}

static json_t *mean_design(mi_analysis_args *a, double conf, mi_err *e) {
  mi_analysis_design ad;
  if (mi_analysis_design_load(a, NULL, 0, 1, &ad, e)) return NULL;
  size_t out = mi_analysis_domain(a, &ad.d, ad.col);
  mi_stats_design_mean_result r;
  int rc = mi_stats_design_mean(&ad.des, ad.col->x, ad.col->miss, conf, &r, e);
  r.n_missing -= out;
  json_t *o = NULL;
  if (rc) {
    design_msg(a, &ad, e);
  } else {
    o = mi_analysis_mean_json(&r, conf);
    json_object_set_new(o, "design", mi_analysis_design_json(a, &ad));
  }
  mi_analysis_design_free(&ad);
  return o;
}

static json_t *mean_one(mi_analysis_args *a, mi_err *e) {
  double conf;
  if (mi_analysis_opt_num(a, "conf", 0.95, &conf, e)) return NULL;
  if (mi_analysis_has_design(a)) return mean_design(a, conf, e);
  if (no_design_qualifiers(a, e)) return NULL;
  mi_analysis_data d;
  const mi_analysis_column *c, *w;
  if (load_col(a, NULL, &d, &c, &w, NULL, e)) return NULL;
  size_t out = mi_analysis_domain(a, &d, c);
  mi_stats_vec v = {c->x, c->miss, NULL, d.nrows};
  mi_stats_mean_result r;
  int rc = mi_stats_mean(&v, conf, &r, e);
  r.n_missing -= out;
  mi_analysis_data_free(&d);
  if (rc) {
    prefix_col(e, a, "col");
    return NULL;
  }
  json_t *o = json_object();
  mi_analysis_jset_n(o, "n", r.n);
  mi_analysis_jset_n(o, "n_missing", r.n_missing);
  mi_analysis_jset(o, "mean", r.mean);
  mi_analysis_jset(o, "se", r.se);
  mi_analysis_jset(o, "df", r.df);
  mi_analysis_jset(o, "ci_lower", r.ci_lower);
  mi_analysis_jset(o, "ci_upper", r.ci_upper);
  mi_analysis_jset(o, "conf", conf);
  return o;
}

json_t *mi_analysis_run_mean(mi_analysis_args *a, mi_err *e) {
  return mi_analysis_by(a, mean_one, e);
}

/* The 0/1 success indicator of c in ind (0 where missing); *n values, *x
 * successes. Without a success list the column must be 0/1. */
static int indicator(const mi_analysis_data *d, const mi_analysis_column *c, const double *succ,
                     size_t nsucc, double *ind, size_t *n, double *x, mi_err *e) {
  *n = 0;
  *x = 0;
  for (size_t i = 0; i < d->nrows; i++) {
    ind[i] = 0;
    if (c->miss[i]) continue;
    if (succ) {
      for (size_t k = 0; k < nsucc; k++)
        if (c->x[i] == succ[k]) ind[i] = 1;
    } else if (c->x[i] == 0 || c->x[i] == 1) {
      ind[i] = c->x[i];
    } else {
      return mi_err_setpos(e, MI_EINVAL, d->file, (int)d->line[i], 0,
                           "field '%s': %g is not 0 or 1; give --success VALUES to say which "
                           "values count as successes",
                           c->name, c->x[i]);
    }
    (*n)++;
    *x += ind[i];
  }
  return 0;
}

/* prop with design options: svyciprop on svydesign. */
static json_t *prop_design(mi_analysis_args *a, const double *succ, size_t nsucc, double conf,
                           mi_stats_prop_method method, mi_err *e) {
  mi_analysis_design ad;
  if (mi_analysis_design_load(a, NULL, 0, 1, &ad, e)) return NULL;
  double *ind = malloc((ad.d.nrows ? ad.d.nrows : 1) * sizeof *ind);
  size_t n;
  double x;
  mi_stats_design_mean_result r;
  int rc = ind ? indicator(&ad.d, ad.col, succ, nsucc, ind, &n, &x, e)
               : mi_err_set(e, MI_ENOMEM, "out of memory");
  if (!rc && (rc = mi_stats_design_prop(&ad.des, ind, ad.col->miss, conf, method, &r, e)))
    design_msg(a, &ad, e);
  json_t *o = NULL;
  if (!rc) {
    double wx = 0;
    for (size_t i = 0; i < ad.d.nrows; i++)
      if (!ad.col->miss[i]) wx += ad.des.w[i] * ind[i];
    o = json_object();
    mi_analysis_jset_n(o, "n", r.n);
    mi_analysis_jset_n(o, "n_missing", r.n_missing);
    mi_analysis_jset(o, "x", wx);
    mi_analysis_jset(o, "p", r.mean);
    mi_analysis_jset(o, "se", r.se);
    mi_analysis_jset(o, "ci_lower", r.ci_lower);
    mi_analysis_jset(o, "ci_upper", r.ci_upper);
    json_object_set_new(o, "method", json_string(mi_stats_prop_method_name(method)));
    mi_analysis_jset(o, "conf", conf);
    design_fields(o, a, &ad, &r);
  }
  free(ind);
  mi_analysis_design_free(&ad);
  return o;
}

json_t *mi_analysis_run_prop(mi_analysis_args *a, mi_err *e) {
  double conf;
  if (mi_analysis_opt_num(a, "conf", 0.95, &conf, e)) return NULL;
  const char *mname = mi_analysis_opt(a, "method");
  int design = mi_analysis_has_design(a);
  if (!design && no_design_qualifiers(a, e)) return NULL;
  mi_stats_prop_method method = design ? MI_STATS_PROP_WALD : MI_STATS_PROP_WILSON;
  if (mname && mi_stats_prop_method_parse(mname, &method, e)) {
    a->usage = 1;
    return NULL;
  }
  if (design && method != MI_STATS_PROP_WALD && method != MI_STATS_PROP_LOGIT) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "with design options (--weight, --strata, --cluster, --fpc) the "
               "methods are wald and logit (R's svyciprop \"mean\" and \"logit\"); %s assumes "
               "a simple random sample", mname);
    return NULL;
  }
  double *succ = NULL;
  size_t nsucc = 0;
  const char *sl = mi_analysis_opt(a, "success");
  if (sl) {
    char **items;
    if (mi_analysis_split(sl, &items, &nsucc, e)) {
      a->usage = 1;
      return NULL;
    }
    succ = malloc(nsucc * sizeof *succ);
    for (size_t i = 0; succ && i < nsucc; i++) {
      char *end;
      succ[i] = strtod(items[i], &end);
      if (end == items[i] || *end) {
        mi_err_set(e, MI_EINVAL, "--success: '%s' is not a number", items[i]);
        a->usage = 1;
        mi_analysis_list_free(items, nsucc);
        free(succ);
        return NULL;
      }
    }
    mi_analysis_list_free(items, nsucc);
    if (!succ) {
      mi_err_set(e, MI_ENOMEM, "out of memory");
      return NULL;
    }
  }
  if (design) {
    json_t *o = prop_design(a, succ, nsucc, conf, method, e);
    free(succ);
    return o;
  }
  mi_analysis_data d;
  const mi_analysis_column *c, *w;
  if (load_col(a, NULL, &d, &c, &w, NULL, e)) {
    free(succ);
    return NULL;
  }
  double *ind = malloc((d.nrows ? d.nrows : 1) * sizeof *ind);
  size_t n = 0;
  double x = 0;
  int rc = ind ? indicator(&d, c, succ, nsucc, ind, &n, &x, e)
               : mi_err_set(e, MI_ENOMEM, "out of memory");
  mi_stats_prop_result r;
  if (!rc && (rc = mi_stats_prop_ci(x, n, conf, method, &r, e))) prefix_col(e, a, "col");
  size_t n_missing = c->n_missing;
  free(ind);
  free(succ);
  mi_analysis_data_free(&d);
  if (rc) return NULL;
  json_t *o = json_object();
  mi_analysis_jset_n(o, "n", r.n);
  mi_analysis_jset_n(o, "n_missing", n_missing);
  mi_analysis_jset(o, "x", r.x);
  mi_analysis_jset(o, "p", r.p);
  mi_analysis_jset(o, "se", r.se);
  mi_analysis_jset(o, "ci_lower", r.ci_lower);
  mi_analysis_jset(o, "ci_upper", r.ci_upper);
  json_object_set_new(o, "method", json_string(mi_stats_prop_method_name(method)));
  mi_analysis_jset(o, "conf", conf);
  return o;
}

static json_t *nps_json(const mi_stats_nps_result *r) {
  json_t *o = json_object();
  mi_analysis_jset_n(o, "n", r->n);
  mi_analysis_jset_n(o, "n_missing", r->n_missing);
  mi_analysis_jset_n(o, "n_promoters", r->n_promoters);
  mi_analysis_jset_n(o, "n_passives", r->n_passives);
  mi_analysis_jset_n(o, "n_detractors", r->n_detractors);
  mi_analysis_jset(o, "promoters", r->promoters);
  mi_analysis_jset(o, "passives", r->passives);
  mi_analysis_jset(o, "detractors", r->detractors);
  mi_analysis_jset(o, "nps", r->nps);
  mi_analysis_jset(o, "se", r->se);
  mi_analysis_jset(o, "ci_lower", r->ci_lower);
  mi_analysis_jset(o, "ci_upper", r->ci_upper);
  return o;
}

/* NPS fields of the design mean of the scores s (+1/0/-1) over the rows
 * without miss; n_out rows of those are outside the group (not missing). */
static json_t *nps_design_one(mi_analysis_args *a, const mi_analysis_design *ad, const double *s,
                              const unsigned char *miss, size_t n_out, double conf, double *nps,
                              double *se, mi_err *e) {
  mi_stats_design_mean_result r;
  if (mi_stats_design_mean(&ad->des, s, miss, conf, &r, e)) {
    design_msg(a, ad, e);
    return NULL;
  }
  size_t cnt[3] = {0, 0, 0};
  double wsum[3] = {0, 0, 0};
  for (size_t i = 0; i < ad->d.nrows; i++) {
    if (miss[i]) continue;
    int k = (int)s[i] + 1; /* 0 detractor, 1 passive, 2 promoter */
    cnt[k]++;
    wsum[k] += ad->des.w[i];
  }
  *nps = 100 * r.mean;
  *se = 100 * r.se;
  return mi_analysis_nps_json(&r, r.n_missing - n_out, cnt, wsum);
}

json_t *mi_analysis_nps_json(const mi_stats_design_mean_result *r, size_t n_missing,
                             const size_t cnt[3], const double wsum[3]) {
  double S = wsum[0] + wsum[1] + wsum[2];
  json_t *o = json_object();
  mi_analysis_jset_n(o, "n", r->n);
  mi_analysis_jset_n(o, "n_missing", n_missing);
  mi_analysis_jset_n(o, "n_promoters", cnt[2]);
  mi_analysis_jset_n(o, "n_passives", cnt[1]);
  mi_analysis_jset_n(o, "n_detractors", cnt[0]);
  mi_analysis_jset(o, "promoters", 100 * wsum[2] / S);
  mi_analysis_jset(o, "passives", 100 * wsum[1] / S);
  mi_analysis_jset(o, "detractors", 100 * wsum[0] / S);
  mi_analysis_jset(o, "nps", 100 * r->mean);
  mi_analysis_jset(o, "se", 100 * r->se);
  mi_analysis_jset(o, "ci_lower", 100 * r->ci_lower);
  mi_analysis_jset(o, "ci_upper", 100 * r->ci_upper);
  mi_analysis_jset(o, "df", r->df);
  mi_analysis_jset(o, "deff", r->deff);
  mi_analysis_jset(o, "sum_weights", r->sum_weights);
  mi_analysis_jset_n(o, "n_psu", r->n_psu);
  mi_analysis_jset_n(o, "n_strata", r->n_strata);
  return o;
}

/* "A_minus_B" */
static char *diff_key(const char *x, const char *y) {
  size_t len = strlen(x) + strlen(y) + 8;
  char *key = malloc(len);
  if (key) snprintf(key, len, "%s_minus_%s", x, y);
  return key;
}

static json_t *diff_json(const mi_stats_diff_result *df) {
  json_t *x = json_object();
  mi_analysis_jset(x, "diff", df->diff);
  mi_analysis_jset(x, "se", df->se);
  mi_analysis_jset(x, "z", df->z);
  mi_analysis_jset(x, "p_value", df->p_value);
  mi_analysis_jset(x, "ci_lower", df->ci_lower);
  mi_analysis_jset(x, "ci_upper", df->ci_upper);
  return x;
}

/* nps with design options: svymean of the score on svydesign; --by groups
 * are domains of the whole design (svyby) and their differences come from
 * the joint linearisation (svycontrast). */
static json_t *nps_design(mi_analysis_args *a, double conf, mi_err *e) {
  const char *bn = mi_analysis_opt(a, "by");
  mi_analysis_design ad;
  if (mi_analysis_design_load(a, bn ? &bn : NULL, bn ? 1 : 0, 1, &ad, e)) return NULL;
  size_t n = ad.d.nrows;
  const mi_analysis_column *c = ad.col, *by = bn ? mi_analysis_data_col(&ad.d, bn) : NULL;
  double *s = malloc((n ? n : 1) * sizeof *s);
  unsigned char *miss = malloc((n ? n : 1) * 2);
  char **levels = NULL;
  size_t nlevels = 0, *idx = NULL;
  json_t *o = NULL, *groups = NULL, *diffs = NULL;
  double *gnps = NULL, *gse = NULL;
  int rc = s && miss ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; !rc && i < n; i++) {
    double v = c->x[i];
    s[i] = 0;
    if (c->miss[i]) continue;
    if (!(v >= 0 && v <= 10 && v == floor(v)))
      rc = mi_err_setpos(e, MI_EINVAL, ad.d.file, (int)ad.d.line[i], 0,
                         "field '%s': NPS score %g is not a whole number from 0 to 10",
                         c->name, v);
    s[i] = v >= 9 ? 1 : v >= 7 ? 0 : -1;
  }
  double nps, se;
  if (!rc && !(o = nps_design_one(a, &ad, s, c->miss, 0, conf, &nps, &se, e))) rc = MI_EINVAL;
  if (!rc && by) rc = mi_analysis_levels(by, n, &levels, &nlevels, &idx, e);
  if (!rc && by) {
    groups = json_object();
    diffs = json_object();
    gnps = malloc((nlevels ? nlevels : 1) * sizeof *gnps);
    gse = malloc((nlevels ? nlevels : 1) * sizeof *gse);
    if (!gnps || !gse) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t k = 0; !rc && k < nlevels; k++) {
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
      miss[i] = c->miss[i] || idx[i] != k;
      out += idx[i] != k;
    }
    json_t *g = nps_design_one(a, &ad, s, miss, out, conf, &gnps[k], &gse[k], e);
    if (!g) {
      mi_analysis_group_err(e, bn, levels[k]);
      rc = MI_EINVAL;
      break;
    }
    json_object_set_new(groups, levels[k], g);
  }
  unsigned char *mb = miss + n;
  for (size_t i = 0; !rc && i < nlevels; i++)
    for (size_t j = i + 1; !rc && j < nlevels; j++) {
      for (size_t r = 0; r < n; r++) {
        miss[r] = c->miss[r] || idx[r] != i;
        mb[r] = c->miss[r] || idx[r] != j;
      }
      mi_stats_diff_result df;
      if ((rc = mi_stats_design_mean_diff(&ad.des, s, miss, mb, conf, &df, e))) {
        design_msg(a, &ad, e);
        break;
      }
      df.diff *= 100, df.se *= 100, df.ci_lower *= 100, df.ci_upper *= 100;
      char *key = diff_key(levels[i], levels[j]);
      if (!key) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      else json_object_set_new(diffs, key, diff_json(&df));
      free(key);
    }
  if (!rc) {
    mi_analysis_jset(o, "conf", conf);
    json_object_set_new(o, "design", mi_analysis_design_json(a, &ad));
    if (by) {
      json_object_set_new(o, "groups", groups);
      json_object_set_new(o, "differences", diffs);
      groups = diffs = NULL;
    }
  } else {
    json_decref(o);
    o = NULL;
  }
  json_decref(groups);
  json_decref(diffs);
  free(gnps), free(gse), free(s), free(miss);
  mi_analysis_levels_free(levels, nlevels, idx);
  mi_analysis_design_free(&ad);
  return o;
}

json_t *mi_analysis_run_nps(mi_analysis_args *a, mi_err *e) {
  double conf;
  if (mi_analysis_opt_num(a, "conf", 0.95, &conf, e)) return NULL;
  if (mi_analysis_has_design(a)) return nps_design(a, conf, e);
  if (no_design_qualifiers(a, e)) return NULL;
  mi_analysis_data d;
  const mi_analysis_column *c, *w, *by;
  if (load_col(a, "by", &d, &c, &w, &by, e)) return NULL;
  /* Check the scores here so that the error names the line. */
  for (size_t i = 0; i < d.nrows; i++) {
    double s = c->x[i];
    if (!c->miss[i] && !(s >= 0 && s <= 10 && s == floor(s))) {
      mi_err_setpos(e, MI_EINVAL, d.file, (int)d.line[i], 0,
                    "field '%s': NPS score %g is not a whole number from 0 to 10", c->name, s);
      mi_analysis_data_free(&d);
      return NULL;
    }
  }
  char **levels = NULL;
  size_t nlevels = 0, *idx = NULL;
  if (by && mi_analysis_levels(by, d.nrows, &levels, &nlevels, &idx, e)) {
    mi_analysis_data_free(&d);
    return NULL;
  }
  mi_stats_vec v = {c->x, c->miss, w ? w->x : NULL, d.nrows};
  mi_stats_nps_result all, *g = calloc(nlevels ? nlevels : 1, sizeof *g);
  int rc = g ? mi_stats_nps(&v, idx, nlevels, conf, &all, g, e)
             : mi_err_set(e, MI_ENOMEM, "out of memory");
  if (rc && idx) {
    mi_analysis_err_name(e, "group", (const char *const *)levels, nlevels);
    if (!strncmp(e->msg, "group '", 7)) mi_err_prefix(e, "--by %s", by->name);
  }
  if (rc) mi_err_prefix(e, "%s: column '%s'", a->file, c->name);
  json_t *o = NULL;
  if (!rc) {
    o = nps_json(&all);
    mi_analysis_jset(o, "conf", conf);
    if (by) {
      json_t *groups = json_object(), *diffs = json_object();
      for (size_t k = 0; k < nlevels; k++) json_object_set_new(groups, levels[k], nps_json(&g[k]));
      for (size_t i = 0; i < nlevels; i++)
        for (size_t j = i + 1; j < nlevels; j++) {
          mi_stats_diff_result df;
          mi_stats_diff_independent(g[i].nps, g[i].se, g[j].nps, g[j].se, conf, &df);
          char *key = diff_key(levels[i], levels[j]);
          if (key) json_object_set_new(diffs, key, diff_json(&df));
          free(key);
        }
      json_object_set_new(o, "groups", groups);
      json_object_set_new(o, "differences", diffs);
    }
  }
  free(g);
  mi_analysis_levels_free(levels, nlevels, idx);
  mi_analysis_data_free(&d);
  return o;
}

json_t *mi_analysis_run_sample_size(mi_analysis_args *a, mi_err *e) {
  double conf, margin, p, pop;
  if (mi_analysis_opt_num(a, "conf", 0.95, &conf, e) || mi_analysis_opt_num(a, "p", 0.5, &p, e) ||
      mi_analysis_opt_num(a, "population", 0, &pop, e))
    return NULL;
  if (!mi_analysis_need(a, "margin", e) || mi_analysis_opt_num(a, "margin", 0, &margin, e))
    return NULL;
  if (mi_analysis_opt(a, "population") && !(pop >= 1)) {
    a->usage = 1;
    mi_err_set(e, MI_EINVAL, "--population %g must be at least 1", pop);
    return NULL;
  }
  mi_stats_sample_size_result r;
  if (mi_stats_sample_size(conf, margin, p, pop, &r, e)) {
    a->usage = 1;
    return NULL;
  }
  json_t *o = json_object();
  mi_analysis_jset(o, "z", r.z);
  mi_analysis_jset(o, "n0", r.n0);
  json_object_set_new(o, "n", json_integer((json_int_t)r.n));
  mi_analysis_jset(o, "conf", conf);
  mi_analysis_jset(o, "margin", margin);
  mi_analysis_jset(o, "p", p);
  if (pop > 0) mi_analysis_jset(o, "population", pop);
  return o;
}
