/* Sample allocation and selection (core/stats/sampling.c), against values
 * worked out by hand (the arithmetic is in the comments). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stats/sampling.h"

static void test_proportional(void **state) {
  (void)state;
  /* 200 of 47+106+1186+259 = 1598: exact 5.882, 13.267, 148.436, 32.416;
   * floors 198, the two largest remainders (A .882, C .436) get one more. */
  int64_t N[] = {47, 106, 1186, 259}, out[4];
  assert_int_equal(mi_stats_allocate(4, N, NULL, 200, out, NULL), 0);
  assert_int_equal(out[0], 6);
  assert_int_equal(out[1], 13);
  assert_int_equal(out[2], 149);
  assert_int_equal(out[3], 32);
}

static void test_neyman(void **state) {
  (void)state;
  /* N*sd = 100, 400, 150 of 650: 60 * those = 9.23, 36.92, 13.85; floors 58,
   * remainders .92 and .85 get one more: 9, 37, 14. */
  int64_t N[] = {100, 200, 300}, out[3];
  double sd[] = {1, 2, 0.5};
  assert_int_equal(mi_stats_allocate(3, N, sd, 60, out, NULL), 0);
  assert_int_equal(out[0], 9);
  assert_int_equal(out[1], 37);
  assert_int_equal(out[2], 14);
}

static void test_capped(void **state) {
  (void)state;
  /* N*sd = 1000 and 100: stratum 0 would get 45.45 of 50 but has 10: taken
   * whole, the other 40 go to stratum 1. */
  int64_t N[] = {10, 100}, out[2];
  double sd[] = {100, 1};
  assert_int_equal(mi_stats_allocate(2, N, sd, 50, out, NULL), 0);
  assert_int_equal(out[0], 10);
  assert_int_equal(out[1], 40);
  /* The whole population. */
  assert_int_equal(mi_stats_allocate(2, N, NULL, 110, out, NULL), 0);
  assert_int_equal(out[0] + out[1], 110);
  assert_int_equal(out[0], 10);
}

static void test_refusals(void **state) {
  (void)state;
  int64_t N[] = {10, 20}, bad[] = {10, -1}, out[2];
  double zero[] = {0, 0}, nan_sd[] = {1, 0.0 / 0.0};
  mi_err e = {0};
  assert_int_equal(mi_stats_allocate(2, N, NULL, 31, out, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "a sample of 31 from a population of 30"));
  assert_int_equal(mi_stats_allocate(2, bad, NULL, 1, out, &e), MI_EINVAL);
  assert_int_equal(mi_stats_allocate(2, N, zero, 5, out, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "spread above 0"));
  assert_int_equal(mi_stats_allocate(2, N, nan_sd, 5, out, &e), MI_EINVAL);
  assert_int_equal(mi_stats_allocate(2, N, zero, 0, out, NULL), 0); /* nothing to share */
  assert_int_equal(out[0] + out[1], 0);
}

static void test_choose(void **state) {
  (void)state;
  size_t a[50], b[50], c[50], all[10];
  assert_int_equal(mi_stats_choose(42, 1000, 50, a, NULL), 0);
  assert_int_equal(mi_stats_choose(42, 1000, 50, b, NULL), 0);
  assert_int_equal(mi_stats_choose(43, 1000, 50, c, NULL), 0);
  assert_memory_equal(a, b, sizeof a); /* the seed decides */
  assert_true(memcmp(a, c, sizeof a) != 0);
  for (int i = 1; i < 50; i++) assert_true(a[i - 1] < a[i]); /* increasing, so distinct */
  assert_true(a[49] < 1000);
  assert_int_equal(mi_stats_choose(1, 10, 10, all, NULL), 0);
  for (size_t i = 0; i < 10; i++) assert_int_equal(all[i], i);
  assert_int_equal(mi_stats_choose(1, 10, 11, all, NULL), MI_EINVAL);
  /* Every unit equally likely: 20000 draws of 3 of 6, each unit about 10000
   * times (binomial sd 70.7; 5 sd = 354). */
  int hits[6] = {0};
  size_t pick[3];
  for (uint64_t seed = 1; seed <= 20000; seed++) {
    mi_stats_choose(seed, 6, 3, pick, NULL);
    for (int k = 0; k < 3; k++) hits[pick[k]]++;
  }
  for (int i = 0; i < 6; i++) assert_true(hits[i] > 10000 - 354 && hits[i] < 10000 + 354);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_proportional), cmocka_unit_test(test_neyman),
      cmocka_unit_test(test_capped),       cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_choose),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
