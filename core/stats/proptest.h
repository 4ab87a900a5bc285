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

#endif
