/* Complex survey designs: one-stage stratified / cluster samples with an
 * optional finite population correction, the linearised variance of a total
 * and the design-based mean.
 *
 * Method: Taylor linearisation exactly as R's survey package (Lumley; read in
 * survey 4.1: svydesign.default, as.fpc, svymean.survey.design2, svyrecvar,
 * multistage, onestage, onestrat, degf): PSU totals of the linearised values,
 * per stratum f_h n_h / (n_h - 1) times their sum of squared deviations from
 * the stratum mean over all n_h PSUs of the design.
 * Missing values: every row is a unit of the design; a row without a value
 * leaves the estimate (survey's na.rm = TRUE subsets the design: its PSUs
 * count as 0 in their stratum, a stratum without any value is left out, the
 * df counts only PSUs and strata with values).
 * Reference: tests/data/stats/reference.R, cases mean_* and describe_weighted*. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

static const char *const lonely_names[] = {"fail", "remove", "adjust", "certainty", "average"};

int mi_stats_lonely_psu_parse(const char *name, mi_stats_lonely_psu *out, mi_err *e) {
  for (size_t i = 0; i < sizeof lonely_names / sizeof *lonely_names; i++)
    if (name && !strcmp(name, lonely_names[i])) {
      *out = (mi_stats_lonely_psu)i;
      return 0;
    }
  return mi_err_set(e, MI_EINVAL,
                    "unknown lonely-PSU rule '%s': use fail, remove, adjust, certainty or average",
                    name ? name : "");
}

const char *mi_stats_lonely_psu_name(mi_stats_lonely_psu m) {
  return (unsigned)m < sizeof lonely_names / sizeof *lonely_names ? lonely_names[m] : "?";
}

void mi_stats_design_free(mi_stats_design *d) {
  if (!d) return;
  free(d->w);
  memset(d, 0, sizeof *d);
}

/* A row's PSU key: (stratum with nest, spec PSU id or the row). */
typedef struct psu_key {
  size_t s, p, row;
} psu_key;

static int cmp_key(const void *a, const void *b) {
  const psu_key *x = a, *y = b;
  if (x->s != y->s) return x->s < y->s ? -1 : 1;
  if (x->p != y->p) return x->p < y->p ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

static int check_spec(const mi_stats_design_spec *s, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "no design given");
  if (s->n == 0) return mi_err_set(e, MI_EINVAL, "no rows: a design needs at least one");
  if ((unsigned)s->lonely >= sizeof lonely_names / sizeof *lonely_names)
    return mi_err_set(e, MI_EINVAL, "unknown lonely-PSU rule %d", (int)s->lonely);
  for (size_t i = 0; i < s->n; i++) {
    if (s->w && !(isfinite(s->w[i]) && s->w[i] >= 0))
      return mi_err_set(e, MI_EINVAL, "row %zu: weight %g; weights must be finite and >= 0",
                        i + 1, s->w[i]);
    if (s->stratum && s->stratum[i] >= s->nstrata)
      return mi_err_set(e, MI_EINVAL, "row %zu: stratum number %zu is not below %zu", i + 1,
                        s->stratum[i], s->nstrata);
    if (s->psu && s->psu[i] >= s->npsu)
      return mi_err_set(e, MI_EINVAL, "row %zu: PSU number %zu is not below %zu", i + 1,
                        s->psu[i], s->npsu);
    if (s->fpc && !(isfinite(s->fpc[i]) && s->fpc[i] > 0))
      return mi_err_set(e, MI_EINVAL, "row %zu: fpc %g must be a finite number > 0", i + 1,
                        s->fpc[i]);
  }
  return 0;
}

/* Per stratum: f_h from the fpc (survey's as.fpc), and the implied weights. */
static int apply_fpc(const mi_stats_design_spec *s, mi_stats_design *d, double *popsize,
                     mi_err *e) {
  int any_big = 0, all_ge1 = 1;
  for (size_t i = 0; i < s->n; i++) {
    any_big |= s->fpc[i] > 1;
    all_ge1 &= s->fpc[i] >= 1;
  }
  if (any_big && !all_ge1)
    return mi_err_set(e, MI_EINVAL, "the fpc mixes population sizes (> 1) and sampling "
                      "fractions (< 1): give all sizes or all fractions");
  if (!any_big && all_ge1)
    return mi_err_set(e, MI_EINVAL, "every fpc is 1: as a population size it is below the "
                      "sample, as a fraction it says a census; give sizes or fractions "
                      "(survey refuses it too)");
  size_t *first = malloc(d->nstrata * sizeof *first);
  if (!first) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t h = 0; h < d->nstrata; h++) first[h] = SIZE_MAX;
  int rc = 0;
  for (size_t i = 0; i < s->n && !rc; i++) {
    size_t h = d->stratum[i];
    if (first[h] == SIZE_MAX) {
      first[h] = i;
      double nh = (double)d->stratum_npsu[h];
      popsize[h] = any_big ? s->fpc[i] : nh / s->fpc[i];
      if (popsize[h] < nh)
        rc = mi_err_set(e, MI_EINVAL, "stratum %zu: fpc %g means %g PSUs in the population, "
                        "fewer than the %zu sampled", s->stratum ? h + 1 : 1, s->fpc[i],
                        popsize[h], d->stratum_npsu[h]);
      else
        d->f[h] = isinf(popsize[h]) ? 1 : (popsize[h] - nh) / popsize[h];
    } else if (s->fpc[i] != s->fpc[first[h]]) {
      rc = mi_err_set(e, MI_EINVAL, "stratum %zu: the fpc varies within the stratum (%g in "
                      "row %zu, %g in row %zu)", s->stratum ? h + 1 : 1, s->fpc[first[h]],
                      first[h] + 1, s->fpc[i], i + 1);
    }
  }
  free(first);
  return rc;
}

int mi_stats_design_init(const mi_stats_design_spec *s, mi_stats_design *d, mi_err *e) {
  if (!d) return mi_err_set(e, MI_EINVAL, "no design result given");
  memset(d, 0, sizeof *d);
  int rc = check_spec(s, e);
  if (rc) return rc;
  size_t n = s->n, ns = s->stratum ? s->nstrata : 1;
  psu_key *k = malloc(n * sizeof *k);
  /* one block: w[n] f[ns] | stratum[n] psu[n] psu_stratum[n] psu_id[n] stratum_npsu[ns] */
  size_t nd = n + ns, nz = 4 * n + ns;
  char *block = malloc(nd * sizeof(double) + nz * sizeof(size_t));
  double *popsize = malloc(ns * sizeof *popsize);
  if (!k || !block || !popsize) {
    free(k), free(block), free(popsize);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  d->w = (double *)block;
  d->f = d->w + n;
  d->stratum = (size_t *)(void *)(d->f + ns);
  d->psu = d->stratum + n;
  d->psu_stratum = d->psu + n;
  d->psu_id = d->psu_stratum + n;
  d->stratum_npsu = d->psu_id + n;
  d->n = n;
  d->nstrata = ns;
  d->lonely = s->lonely;
  d->has_fpc = s->fpc != NULL;
  for (size_t i = 0; i < n; i++) {
    d->stratum[i] = s->stratum ? s->stratum[i] : 0;
    k[i].s = s->nest && s->stratum ? s->stratum[i] : 0;
    k[i].p = s->psu ? s->psu[i] : i;
    k[i].row = i;
  }
  qsort(k, n, sizeof *k, cmp_key);
  /* distinct ids in the spec, before nesting (survey checks ids[, 1]) */
  size_t nids = 0;
  if (s->psu) {
    unsigned char *seen = calloc(s->npsu ? s->npsu : 1, 1);
    if (!seen) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
      if (!seen[s->psu[i]]) seen[s->psu[i]] = 1, nids++;
    free(seen);
  } else {
    nids = n;
  }
  if (!rc && nids == 1 && !(s->nest && s->stratum))
    rc = mi_err_set(e, MI_EINVAL, "the design has only one PSU: a variance needs at least two "
                    "(survey: \"Design has only one primary sampling unit\")");
  size_t np = 0, first = 0; /* first: the first row of the current PSU */
  for (size_t j = 0; !rc && j < n; j++) {
    size_t i = k[j].row;
    if (j == 0 || k[j].s != k[j - 1].s || k[j].p != k[j - 1].p) {
      d->psu_stratum[np] = d->stratum[i];
      d->psu_id[np] = k[j].p;
      np++;
      first = i;
    } else if (d->psu_stratum[np - 1] != d->stratum[i]) {
      rc = mi_err_set(e, MI_EINVAL, "PSU %zu is in stratum %zu (row %zu) and in stratum %zu "
                      "(row %zu): PSUs must be nested in strata, or their ids restart in each "
                      "stratum (nest)", k[j].p + 1, d->stratum[first] + 1, first + 1,
                      d->stratum[i] + 1, i + 1);
    }
    d->psu[i] = np - 1;
  }
  free(k);
  d->npsu = np;
  for (size_t h = 0; h < ns; h++) d->stratum_npsu[h] = 0, d->f[h] = 1;
  for (size_t p = 0; !rc && p < np; p++) d->stratum_npsu[d->psu_stratum[p]]++;
  if (!rc && s->fpc) rc = apply_fpc(s, d, popsize, e);
  for (size_t i = 0; !rc && i < n; i++) {
    if (s->w) d->w[i] = s->w[i];
    else if (s->fpc) /* survey: probs = 1 / (popsize / sampsize), weights = 1 / probs */
      d->w[i] = 1 / (1 / (popsize[d->stratum[i]] / (double)d->stratum_npsu[d->stratum[i]]));
    else d->w[i] = 1;
  }
  free(popsize);
  if (rc) mi_stats_design_free(d);
  return rc;
}

int mi_stats_design_var(const mi_stats_design *d, const double *t, const unsigned char *present,
                        double *var, mi_err *e) {
  if (!d || !d->w || !t || !var) return mi_err_set(e, MI_EINVAL, "no design or totals given");
  size_t ns = d->nstrata;
  /* per stratum: sum of t, presence; then the sum of squares about the mean */
  double *sum = calloc(2 * ns, sizeof *sum);
  unsigned char *in = calloc(ns, 1);
  if (!sum || !in) {
    free(sum), free(in);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  double *ss = sum + ns;
  for (size_t p = 0; p < d->npsu; p++) {
    size_t h = d->psu_stratum[p];
    sum[h] += t[p];
    if (!present || present[p]) in[h] = 1;
  }
  for (size_t p = 0; p < d->npsu; p++) {
    size_t h = d->psu_stratum[p];
    double dev = t[p] - sum[h] / (double)d->stratum_npsu[h];
    ss[h] += dev * dev;
  }
  double total = 0;
  size_t nstrat = 0, nok = 0;
  int rc = 0;
  for (size_t h = 0; h < ns && !rc; h++) {
    if (!in[h]) continue;
    nstrat++;
    double nh = (double)d->stratum_npsu[h], f = d->f[h];
    if (f < 1e-7) { /* a census stratum (survey: all(f < 1e-7)) */
      nok++;
      continue;
    }
    if (d->stratum_npsu[h] > 1) {
      total += f * nh / (nh - 1) * ss[h];
      nok++;
      continue;
    }
    switch (d->lonely) {
    case MI_STATS_LONELY_FAIL: {
      size_t p = 0;
      while (d->psu_stratum[p] != h) p++;
      rc = mi_err_set(e, MI_EINVAL, "stratum %zu has only one PSU (PSU %zu), so its variance "
                      "cannot be estimated", h + 1, d->psu_id[p] + 1);
      break;
    }
    case MI_STATS_LONELY_REMOVE:
    case MI_STATS_LONELY_CERTAINTY: nok++; break; /* centred at its own value: 0 */
    case MI_STATS_LONELY_ADJUST: total += f * sum[h] * sum[h]; nok++; break;
    case MI_STATS_LONELY_AVERAGE: break;
    }
  }
  free(sum), free(in);
  if (rc) return rc;
  *var = nok ? total * (double)nstrat / (double)nok : NAN;
  return 0;
}

/* ---- the design-based mean ------------------------------------------------------- */

int mi_stats_design_mean_cal(const mi_stats_design *d, const double *w, const double *x,
                             const unsigned char *miss, double conf, mi_stats_resid_fn resid,
                             void *ctx, mi_stats_design_mean_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  out->deff = NAN;
  if (!d || !d->w) return mi_err_set(e, MI_EINVAL, "no design given");
  if (d->n && !x) return mi_err_set(e, MI_EINVAL, "no values array");
  int rc = mi_stats_check_conf(conf, e);
  if (rc) return rc;
  if (!w) w = d->w;
  size_t n = d->n, m = 0, nobs = 0;
  long double psum = 0, wx = 0;
  for (size_t i = 0; i < n; i++) {
    if (miss && miss[i]) continue;
    if (!isfinite(x[i]))
      return mi_err_set(e, MI_EINVAL, "row %zu: value %g is not finite", i + 1, x[i]);
    m++;
    nobs += w[i] != 0;
    psum += w[i];
  }
  out->n = m;
  out->n_missing = n - m;
  out->sum_weights = (double)psum;
  if (m == 0) return mi_err_set(e, MI_EINVAL, "no values: all %zu rows are missing", n);
  if (!(psum > 0)) return mi_err_set(e, MI_EINVAL, "all %zu weights are 0", m);
  double S = (double)psum;
  for (size_t i = 0; i < n; i++)
    if (!(miss && miss[i])) wx += x[i] * w[i] / S;
  double mean = (double)wx;
  double *u = malloc(n * sizeof *u), *t = calloc(d->npsu, sizeof *t);
  unsigned char *pres = calloc(d->npsu, 1), *sin = calloc(d->nstrata, 1);
  if (!u || !t || !pres || !sin) {
    free(u), free(t), free(pres), free(sin);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  long double svy = 0; /* sum w (x - mean)^2 for svyvar */
  for (size_t i = 0; i < n; i++) {
    u[i] = 0;
    if (miss && miss[i]) continue;
    double dev = x[i] - mean;
    u[i] = dev * w[i] / S;
    svy += w[i] * dev * dev;
    pres[d->psu[i]] = 1;
  }
  if (resid) resid(ctx, u);
  for (size_t i = 0; i < n; i++) t[d->psu[i]] += u[i];
  double var = NAN;
  rc = mi_stats_design_var(d, t, resid ? NULL : pres, &var, e);
  /* df: PSUs and strata with a value and a weight > 0 (survey's degf) */
  memset(pres, 0, d->npsu);
  for (size_t i = 0; i < n; i++)
    if (!(miss && miss[i]) && w[i] != 0) pres[d->psu[i]] = 1, sin[d->stratum[i]] = 1;
  for (size_t p = 0; p < d->npsu; p++) out->n_psu += pres[p];
  for (size_t h = 0; h < d->nstrata; h++) out->n_strata += sin[h];
  free(u), free(t), free(pres), free(sin);
  if (rc) return rc;
  out->mean = mean;
  out->se = sqrt(var);
  out->df = (double)out->n_psu - (double)out->n_strata;
  if (out->df >= 1) {
    double q = mi_stats_crit(conf, out->df);
    out->ci_lower = mean - q * out->se;
    out->ci_upper = mean + q * out->se;
  } else {
    out->ci_lower = out->ci_upper = NAN;
  }
  if (!resid && nobs >= 2 && S >= (double)nobs) {
    double dn = (double)nobs;
    double svyvar = (double)svy / S * dn / (dn - 1);
    double vsrs = svyvar * (S - dn) / (S * dn);
    out->deff = vsrs > 0 ? var / vsrs : INFINITY;
  }
  return 0;
}

int mi_stats_design_mean(const mi_stats_design *d, const double *x, const unsigned char *miss,
                         double conf, mi_stats_design_mean_result *out, mi_err *e) {
  return mi_stats_design_mean_cal(d, NULL, x, miss, conf, NULL, NULL, out, e);
}

/* ---- the difference of two domain means ---------------------------------------- */

/* Adds sign * the linearised values of the domain mean of x over the rows
 * without miss to u, and marks their PSUs in pres. */
static int add_lin(const mi_stats_design *d, const double *x, const unsigned char *miss,
                   double sign, double *u, unsigned char *pres, double *mean, mi_err *e) {
  long double S = 0, wx = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (miss[i]) continue;
    if (!isfinite(x[i]))
      return mi_err_set(e, MI_EINVAL, "row %zu: value %g is not finite", i + 1, x[i]);
    S += d->w[i];
    wx += (long double)d->w[i] * x[i];
  }
  if (!(S > 0)) return mi_err_set(e, MI_EINVAL, "a domain has no value with a weight > 0");
  *mean = (double)(wx / S);
  for (size_t i = 0; i < d->n; i++)
    if (!miss[i]) {
      u[i] += sign * d->w[i] * (x[i] - *mean) / (double)S;
      pres[d->psu[i]] = 1;
    }
  return 0;
}

int mi_stats_design_mean_diff(const mi_stats_design *d, const double *x,
                              const unsigned char *miss_a, const unsigned char *miss_b,
                              double conf, mi_stats_diff_result *out, mi_err *e) {
  if (!d || !d->w || !x || !miss_a || !miss_b || !out)
    return mi_err_set(e, MI_EINVAL, "no design, values or domains given");
  int rc = mi_stats_check_conf(conf, e);
  if (rc) return rc;
  double *u = calloc(d->n ? d->n : 1, sizeof *u), *t = calloc(d->npsu ? d->npsu : 1, sizeof *t);
  unsigned char *pres = calloc(d->npsu ? d->npsu : 1, 1);
  double ma = NAN, mb = NAN, var = NAN;
  if (!u || !t || !pres) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  if (!rc) rc = add_lin(d, x, miss_a, 1, u, pres, &ma, e);
  if (!rc) rc = add_lin(d, x, miss_b, -1, u, pres, &mb, e);
  if (!rc) {
    for (size_t i = 0; i < d->n; i++) t[d->psu[i]] += u[i];
    rc = mi_stats_design_var(d, t, pres, &var, e);
  }
  free(u), free(t), free(pres);
  if (rc) return rc;
  mi_stats_diff_independent(ma, sqrt(var), mb, 0, conf, out);
  return 0;
}

/* ---- a proportion on a design ------------------------------------------------------ */

int mi_stats_design_prop(const mi_stats_design *d, const double *ind, const unsigned char *miss,
                         double conf, mi_stats_prop_method method,
                         mi_stats_design_mean_result *out, mi_err *e) {
  if (method != MI_STATS_PROP_WALD && method != MI_STATS_PROP_LOGIT)
    return mi_err_set(e, MI_EINVAL, "with a design only the methods wald and logit are "
                      "available (R's svyciprop \"mean\" and \"logit\"), not %s",
                      mi_stats_prop_method_name(method));
  for (size_t i = 0; d && ind && i < d->n; i++)
    if (!(miss && miss[i]) && ind[i] != 0 && ind[i] != 1)
      return mi_err_set(e, MI_EINVAL, "row %zu: %g is not 0 or 1", i + 1, ind[i]);
  int rc = mi_stats_design_mean(d, ind, miss, conf, out, e);
  if (rc || method == MI_STATS_PROP_WALD) return rc;
  /* svyciprop "logit": the intercept of svyglm(quasibinomial) is logit(p),
   * its linearised se is se(p) / (p (1 - p)); the interval is back-transformed */
  double p = out->mean;
  out->ci_lower = out->ci_upper = NAN;
  if (p > 0 && p < 1 && out->df >= 1) {
    double q = mi_stats_crit(conf, out->df), l = log(p / (1 - p));
    double s = out->se / (p * (1 - p));
    out->ci_lower = 1 / (1 + exp(-(l - q * s)));
    out->ci_upper = 1 / (1 + exp(-(l + q * s)));
  }
  return 0;
}
