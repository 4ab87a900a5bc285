/* The cells of the CLI's translated tables (cli_cells.c): padding by the
 * columns a terminal gives a text, not its bytes, and a configuration code
 * with its display name in the language chosen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "config/config.h"
#include "util/i18n.h"

static void test_null_arguments(void **state) {
  (void)state;
  assert_string_equal(mi_cli_cell(NULL, -3), "-  ");
  assert_int_equal(mi_cli_width(NULL), 1);
  assert_null(mi_cli_named(NULL, "stages", NULL));
  assert_string_equal(mi_cli_named(NULL, "stages", "received"), "received");
}

static void test_pad_by_display_width(void **state) {
  (void)state;
  /* ASCII: what printf's %-8s and %8s give */
  assert_string_equal(mi_cli_cell("open", -8), "open    ");
  assert_string_equal(mi_cli_cell("open", 8), "    open");
  assert_string_equal(mi_cli_cell("", -2), "  ");
  /* 张刚海 is 9 bytes and 6 columns: 4 spaces make 10 columns */
  assert_int_equal(mi_cli_width("张刚海"), 6);
  assert_string_equal(mi_cli_cell("张刚海", -10), "张刚海    ");
  assert_string_equal(mi_cli_cell("积分", 6), "  积分");
  /* as wide or wider: left as it is, never cut */
  assert_string_equal(mi_cli_cell("优先级", -3), "优先级");
  assert_string_equal(mi_cli_cell("abcdef", -4), "abcdef");
  /* full-width punctuation counts two, as the terminal shows it */
  assert_int_equal(mi_cli_width("（无 SLA 规则）"), 15);
}

static void test_buffers_in_turn(void **state) {
  (void)state;
  /* eight cells can be arguments of one printf */
  const char *cells[8];
  char want[8][4];
  for (int i = 0; i < 8; i++) {
    snprintf(want[i], sizeof want[i], "%d", i);
    cells[i] = mi_cli_cell(want[i], -2);
  }
  for (int i = 0; i < 8; i++) {
    assert_int_equal(cells[i][0], want[i][0]);
    assert_int_equal(cells[i][1], ' ');
  }
}

static void test_named(void **state) {
  (void)state;
  static const char yaml[] = "version: 1\ndatabase: t.db\ntimezone: UTC\n"
                             "calendars:\n  std:\n    hours:\n      mon: [09:00-18:00]\n"
                             "departments:\n  - code: d\n    name: D\n    calendar: std\n"
                             "display_names:\n"
                             "  zh_CN:\n"
                             "    stages: {acknowledged: 已受理并确认}\n";
  mi_config *cfg = NULL;
  mi_err e = {0};
  if (mi_config_load_string(yaml, strlen(yaml), "t.yaml", ".", &cfg, &e)) fail_msg("%s", e.msg);
  assert_int_equal(mi_i18n_set("en"), 0);
  assert_string_equal(mi_cli_named(cfg, "stages", "acknowledged"), "acknowledged");
  /* the format is the catalogue's ("%s（%s）"): whichever, both are there */
  assert_int_equal(mi_i18n_set("zh_CN"), 0);
  const char *s = mi_cli_named(cfg, "stages", "acknowledged");
  assert_non_null(strstr(s, "acknowledged"));
  assert_non_null(strstr(s, "已受理并确认"));
  /* a code without a name, or of another kind, stays the code */
  assert_string_equal(mi_cli_named(cfg, "stages", "received"), "received");
  assert_string_equal(mi_cli_named(cfg, "tiers", "acknowledged"), "acknowledged");
  assert_int_equal(mi_i18n_set("en"), 0);
  mi_config_free(cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null_arguments),
      cmocka_unit_test(test_pad_by_display_width),
      cmocka_unit_test(test_buffers_in_turn),
      cmocka_unit_test(test_named),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
