/* Two proportions compared (core/stats/proptest.c) against R's
 * prop.test(correct = FALSE): tests/data/stats/proptest.R printed the values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stats/proptest.h"

static void close_to(double got, double want) {
  assert_true(fabs(got - want) <= 1e-9 * fabs(want));
}

static void test_against_r(void **state) {
  (void)state;
  static const struct {
    int64_t x1, n1, x2, n2;
    double chisq, p;
  } cases[] = {{30, 100, 45, 90, 7.9304347826086952, 0.0048610115053746173},
               {3, 10, 9, 12, 4.4550000000000001, 0.034799216209864307},
               {500, 1000, 520, 1000, 0.80032012805122044, 0.37099767373660841}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    mi_stats_prop_test t;
    assert_int_equal(mi_stats_prop_test2(cases[i].x1, cases[i].n1, cases[i].x2, cases[i].n2, &t, NULL), 0);
    close_to(t.z * t.z, cases[i].chisq);
    close_to(t.p_value, cases[i].p);
    close_to(t.diff, (double)cases[i].x2 / cases[i].n2 - (double)cases[i].x1 / cases[i].n1);
  }
}

static void test_edges(void **state) {
  (void)state;
  mi_stats_prop_test t;
  mi_err e = {0};
  assert_int_equal(mi_stats_prop_test2(0, 10, 0, 20, &t, NULL), 0); /* no variance */
  assert_true(isnan(t.p_value));
  assert_int_equal(mi_stats_prop_test2(5, 4, 1, 2, &t, &e), MI_EINVAL);
  assert_int_equal(mi_stats_prop_test2(0, 0, 1, 2, &t, &e), MI_EINVAL);
}

/* z = (30 - 20) / sqrt(3^2 + 4^2) = 2; p = 2 (1 - pnorm(2)) = 0.04550026389635842 */
static void test_z_diff(void **state) {
  (void)state;
  mi_stats_z_test t;
  mi_err e = {0};
  assert_int_equal(mi_stats_z_diff(20, 3, 30, 4, &t, &e), 0);
  close_to(t.diff, 10);
  close_to(t.se, 5);
  close_to(t.z, 2);
  close_to(t.p_value, 0.04550026389635842);
  assert_int_equal(mi_stats_z_diff(1, 0, 1, 0, &t, &e), 0);
  assert_true(isnan(t.p_value));
  assert_int_equal(mi_stats_z_diff(NAN, 1, 2, 1, &t, &e), MI_EINVAL);
  assert_int_equal(mi_stats_z_diff(1, -1, 2, 1, &t, &e), MI_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_against_r), cmocka_unit_test(test_edges),
                                     cmocka_unit_test(test_z_diff)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
