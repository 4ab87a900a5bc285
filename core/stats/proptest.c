#include "stats/proptest.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

int mi_stats_prop_test2(int64_t x1, int64_t n1, int64_t x2, int64_t n2, mi_stats_prop_test *out,
                        mi_err *e) {
  if (n1 < 1 || n2 < 1 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2)
    return mi_err_set(e, MI_EINVAL, "a proportion needs 0 <= x <= n and n >= 1 (got %lld/%lld "
                      "and %lld/%lld)", (long long)x1, (long long)n1, (long long)x2, (long long)n2);
  out->p1 = (double)x1 / (double)n1;
  out->p2 = (double)x2 / (double)n2;
  out->diff = out->p2 - out->p1;
  double pooled = (double)(x1 + x2) / (double)(n1 + n2);
  double se = sqrt(pooled * (1 - pooled) * (1.0 / (double)n1 + 1.0 / (double)n2));
  out->z = se > 0 ? out->diff / se : NAN;
  out->p_value = se > 0 ? 2 * gsl_cdf_ugaussian_Q(fabs(out->z)) : NAN;
  return 0;
}

int mi_stats_z_diff(double est1, double se1, double est2, double se2, mi_stats_z_test *out,
                    mi_err *e) {
  if (!isfinite(est1) || !isfinite(est2) || !(se1 >= 0) || !(se2 >= 0) || !isfinite(se1) ||
      !isfinite(se2))
    return mi_err_set(e, MI_EINVAL, "a z test needs two finite estimates with standard errors "
                      ">= 0 (got %g (se %g) and %g (se %g))", est1, se1, est2, se2);
  out->diff = est2 - est1;
  out->se = sqrt(se1 * se1 + se2 * se2);
  out->z = out->se > 0 ? out->diff / out->se : NAN;
  out->p_value = out->se > 0 ? 2 * gsl_cdf_ugaussian_Q(fabs(out->z)) : NAN;
  return 0;
}
