/* Two independent proportions compared: the z test with the pooled variance,
 * which is R's prop.test(c(x1, x2), c(n1, n2), correct = FALSE) (its chi-square
 * statistic is z^2). */
#ifndef MI_STATS_PROPTEST_H
#define MI_STATS_PROPTEST_H

#include <stdint.h>

#include "util/err.h"

typedef struct mi_stats_prop_test {
  double p1, p2, diff; /* diff = p2 - p1 */
  double z, p_value;   /* two-sided; NaN when both shares are 0 or both 1 */
} mi_stats_prop_test;

/* MI_EINVAL unless 0 <= x <= n and n >= 1 for both. */
int mi_stats_prop_test2(int64_t x1, int64_t n1, int64_t x2, int64_t n2, mi_stats_prop_test *out,
                        mi_err *e);

/* Two independent estimates compared by their standard errors: diff = est2 -
 * est1, se = sqrt(se1^2 + se2^2), z = diff / se, p two-sided (normal). For
 * NPS or an index of two periods or groups. MI_EINVAL unless both estimates
 * are finite and both se finite and >= 0; z and p NaN when se is 0. */
typedef struct mi_stats_z_test {
  double diff, se, z, p_value;
} mi_stats_z_test;
int mi_stats_z_diff(double est1, double se1, double est2, double se2, mi_stats_z_test *out,
                    mi_err *e);

#endif
