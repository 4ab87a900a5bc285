/* Proportions, NPS, differences of independent estimates, sample size. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

static const char *const prop_names[] = {"wald", "wilson", "wilson-cc", "clopper-pearson",
                                         "logit"};

int mi_stats_prop_method_parse(const char *name, mi_stats_prop_method *m, mi_err *e) {
  for (size_t i = 0; i < sizeof prop_names / sizeof *prop_names; i++)
    if (name && !strcmp(name, prop_names[i])) {
      *m = (mi_stats_prop_method)i;
      return 0;
    }
  return mi_err_set(e, MI_EINVAL,
                    "unknown method '%s': use wald, wilson, wilson-cc, clopper-pearson or logit",
                    name ? name : "");
}

const char *mi_stats_prop_method_name(mi_stats_prop_method m) {
  return (unsigned)m < sizeof prop_names / sizeof *prop_names ? prop_names[m] : "?";
}

int mi_stats_prop_ci(double x, size_t n, double conf, mi_stats_prop_method method,
                     mi_stats_prop_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = mi_stats_check_conf(conf, e);
  if (rc) return rc;
  if (n == 0) return mi_err_set(e, MI_EINVAL, "no values: a proportion needs n >= 1");
  double dn = (double)n;
  if (!(x >= 0 && x <= dn))
    return mi_err_set(e, MI_EINVAL, "successes %g not between 0 and n = %zu", x, n);
  double p = x / dn, z = mi_stats_crit(conf, 0), alpha = 1 - conf;
  out->n = n;
  out->x = x;
  out->p = p;
  out->se = sqrt(p * (1 - p) / dn);
  double lo = NAN, hi = NAN;
  switch (method) {
  case MI_STATS_PROP_WALD:
    lo = p - z * out->se;
    hi = p + z * out->se;
    break;
  case MI_STATS_PROP_WILSON: {
    double z2 = z * z, d = 1 + z2 / dn;
    double c = (p + z2 / (2 * dn)) / d;
    double h = z * sqrt(p * (1 - p) / dn + z2 / (4 * dn * dn)) / d;
    lo = c - h;
    hi = c + h;
    break;
  }
  case MI_STATS_PROP_WILSON_CC: { /* R prop.test(correct = TRUE), p0 = 0.5 */
    double yates = fmin(0.5, fabs(x - dn * 0.5));
    double z22n = z * z / (2 * dn);
    double pc = p + yates / dn;
    hi = pc >= 1 ? 1
                 : (pc + z22n + z * sqrt(pc * (1 - pc) / dn + z22n / (2 * dn))) / (1 + 2 * z22n);
    pc = p - yates / dn;
    lo = pc <= 0 ? 0
                 : (pc + z22n - z * sqrt(pc * (1 - pc) / dn + z22n / (2 * dn))) / (1 + 2 * z22n);
    break;
  }
  case MI_STATS_PROP_CLOPPER_PEARSON:
    lo = x == 0 ? 0 : gsl_cdf_beta_Pinv(alpha / 2, x, dn - x + 1);
    hi = x == dn ? 1 : gsl_cdf_beta_Pinv(1 - alpha / 2, x + 1, dn - x);
    break;
  case MI_STATS_PROP_LOGIT:
    if (x > 0 && x < dn) {
      double l = log(x / (dn - x)), s = sqrt(dn / (x * (dn - x)));
      lo = 1 / (1 + exp(-(l - z * s)));
      hi = 1 / (1 + exp(-(l + z * s)));
    }
    break;
  default: return mi_err_set(e, MI_EINVAL, "unknown proportion method %d", (int)method);
  }
  out->ci_lower = lo;
  out->ci_upper = hi;
  return 0;
}

/* ---- NPS ------------------------------------------------------------------ */

int mi_stats_nps_add(mi_stats_nps_acc *a, double score, double w, mi_err *e) {
  if (!(score >= 0 && score <= 10 && score == floor(score)))
    return mi_err_set(e, MI_EINVAL, "NPS score %g is not a whole number from 0 to 10", score);
  double s;
  a->n++;
  if (score >= 9) a->n_promoters++, a->w_promoters += w, a->w2[2] += w * w, s = 1;
  else if (score >= 7) a->n_passives++, a->w_passives += w, a->w2[1] += w * w, s = 0;
  else a->n_detractors++, a->w_detractors += w, a->w2[0] += w * w, s = -1;
  mi_stats_moments_add(&a->score, s, w);
  return 0;
}

int mi_stats_nps_finish(const mi_stats_nps_acc *a, double conf, mi_stats_nps_result *out,
                        mi_err *e) {
  if (!a || !out) return mi_err_set(e, MI_EINVAL, "no accumulator or result given");
  memset(out, 0, sizeof *out);
  int rc = mi_stats_check_conf(conf, e);
  if (rc) return rc;
  out->n = a->n;
  out->n_missing = a->n_missing;
  out->n_promoters = a->n_promoters;
  out->n_passives = a->n_passives;
  out->n_detractors = a->n_detractors;
  if (a->n == 0) return mi_err_set(e, MI_EINVAL, "no scores: all %zu rows are missing",
                                   a->n_missing);
  double sw = a->w_promoters + a->w_passives + a->w_detractors;
  if (!(sw > 0)) return mi_err_set(e, MI_EINVAL, "all %zu weights are 0", a->n);
  out->promoters = 100 * a->w_promoters / sw;
  out->passives = 100 * a->w_passives / sw;
  out->detractors = 100 * a->w_detractors / sw;
  out->nps = 100 * a->score.mean;
  double n = (double)a->n;
  if (a->n < 2) {
    out->se = out->ci_lower = out->ci_upper = NAN;
    return 0;
  }
  /* Unit weights: sd(s)/sqrt(n). Weights: the linearised variance
   * n/(n-1) sum (w_i (s_i - m) / sw)^2; s takes three values, so the sum is
   * over categories c of sum(w^2 in c) (s_c - m)^2. */
  double var, m = a->score.mean;
  if (a->score.sw == n && a->score.sw2 == n) {
    var = mi_stats_moments_var(&a->score) / n;
  } else {
    double ss = a->w2[0] * (-1 - m) * (-1 - m) + a->w2[1] * m * m + a->w2[2] * (1 - m) * (1 - m);
    var = ss / (sw * sw) * n / (n - 1);
  }
  out->se = 100 * sqrt(var);
  double z = mi_stats_crit(conf, 0);
  out->ci_lower = out->nps - z * out->se;
  out->ci_upper = out->nps + z * out->se;
  return 0;
}

int mi_stats_nps(const mi_stats_vec *v, const size_t *group, size_t ngroups, double conf,
                 mi_stats_nps_result *overall, mi_stats_nps_result *groups, mi_err *e) {
  int rc = mi_stats_vec_check(v, NULL, e);
  if (rc || (rc = mi_stats_check_conf(conf, e))) return rc;
  if (!overall || (group && ngroups && !groups))
    return mi_err_set(e, MI_EINVAL, "no result given");
  /* one pass: the overall accumulator and the row's group's */
  mi_stats_nps_acc all = {0}, *acc = NULL;
  if (group && !(acc = calloc(ngroups ? ngroups : 1, sizeof *acc)))
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; !rc && i < v->n; i++) {
    size_t g = group ? group[i] : MI_STATS_NO_GROUP;
    if (g != MI_STATS_NO_GROUP && g >= ngroups) {
      rc = mi_err_set(e, MI_EINVAL, "row %zu: group index %zu >= %zu groups", i + 1, g, ngroups);
      break;
    }
    if (MI_STATS_MISSING(v, i)) {
      all.n_missing++;
      if (g != MI_STATS_NO_GROUP) acc[g].n_missing++;
      continue;
    }
    double w = v->w ? v->w[i] : 1.0;
    if ((rc = mi_stats_nps_add(&all, v->x[i], w, e))) mi_err_prefix(e, "row %zu", i + 1);
    else if (g != MI_STATS_NO_GROUP) mi_stats_nps_add(&acc[g], v->x[i], w, NULL);
  }
  if (!rc) rc = mi_stats_nps_finish(&all, conf, overall, e);
  for (size_t g = 0; !rc && group && g < ngroups; g++)
    if ((rc = mi_stats_nps_finish(&acc[g], conf, &groups[g], e)))
      mi_err_prefix(e, "group %zu", g + 1);
  free(acc);
  return rc;
}

void mi_stats_diff_independent(double a, double se_a, double b, double se_b, double conf,
                               mi_stats_diff_result *out) {
  double z = mi_stats_crit(conf, 0);
  out->diff = a - b;
  out->se = sqrt(se_a * se_a + se_b * se_b);
  out->z = out->se > 0 ? out->diff / out->se : NAN;
  out->p_value = isnan(out->z) ? NAN : 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
  out->ci_lower = out->diff - z * out->se;
  out->ci_upper = out->diff + z * out->se;
}

/* ---- sample size ---------------------------------------------------------- */

int mi_stats_sample_size(double conf, double margin, double p, double population,
                         mi_stats_sample_size_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = mi_stats_check_conf(conf, e);
  if (rc) return rc;
  if (!(margin > 0 && margin < 1))
    return mi_err_set(e, MI_EINVAL, "margin %g is not between 0 and 1 (e.g. 0.05)", margin);
  if (!(p > 0 && p < 1)) return mi_err_set(e, MI_EINVAL, "p %g is not between 0 and 1", p);
  if (!(population >= 0) || !isfinite(population))
    return mi_err_set(e, MI_EINVAL, "population %g must be a positive number", population);
  out->z = mi_stats_crit(conf, 0);
  out->n0 = out->z * out->z * p * (1 - p) / (margin * margin);
  double n = out->n0;
  if (population > 0) n = out->n0 / (1 + (out->n0 - 1) / population);
  out->n = ceil(n - 1e-9);
  if (out->n < 1) out->n = 1;
  /* Beyond 2^53 a count is no longer exact (and past 2^63 not an integer at all). */
  if (!(out->n <= 9007199254740992.0)) {
    double n0 = out->n0;
    memset(out, 0, sizeof *out);
    return mi_err_set(e, MI_EINVAL, "margin %g asks for a sample of %.3g, more than can be "
                      "counted (2^53): give a larger margin (e.g. 0.05) or the population",
                      margin, n0);
  }
  return 0;
}
