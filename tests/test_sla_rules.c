/* Which SLA rule covers a ticket (mi_ticket_sla_rule): the most specific of
 * those whose kind, priority, tier, channel and department all match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "service/tickets.h"

static const char yaml[] =
    "version: 1\n"
    "database: t.db\n"
    "calendars:\n"
    "  std: {hours: {mon: [09:00-17:00]}}\n"
    "departments:\n"
    "  - {code: hotline, name: Hotline, calendar: std}\n"
    "  - {code: shops, name: Shops, calendar: std}\n"
    "tiers:\n"
    "  - {code: gold, name: Gold}\n"
    "sla:\n"
    "  - {kind: inquiry, first_response: 15m, resolution: 1h}\n"           /* line 11 */
    "  - {kind: inquiry, channel: visit, first_response: 30m, resolution: 2h}\n"
    "  - {kind: inquiry, department: shops, first_response: 45m, resolution: 3h}\n"
    "  - {kind: inquiry, tier: gold, priority: 1, first_response: 5m, resolution: 1h}\n"
    "  - {kind: inquiry, channel: visit, department: shops, first_response: 1h, resolution: 4h}\n";

static mi_ticket_row ticket(const char *channel, const char *department, const char *tier,
                            int priority) {
  mi_ticket_row t;
  memset(&t, 0, sizeof t);
  snprintf(t.kind, sizeof t.kind, "inquiry");
  snprintf(t.channel, sizeof t.channel, "%s", channel);
  snprintf(t.department, sizeof t.department, "%s", department);
  snprintf(t.customer_tier, sizeof t.customer_tier, "%s", tier);
  t.priority = priority;
  return t;
}

static void test_most_specific(void **state) {
  (void)state;
  mi_config *cfg;
  mi_err e = {0};
  assert_int_equal(mi_config_load_string(yaml, sizeof yaml - 1, "sla.yaml", NULL, &cfg, &e), 0);
  struct {
    const char *channel, *department, *tier;
    int priority, line;
  } cases[] = {
      {"phone", "hotline", "", 3, 11},     /* only the plain rule */
      {"visit", "hotline", "", 3, 12},     /* channel */
      {"phone", "shops", "", 3, 13},       /* department */
      {"visit", "shops", "", 3, 15},       /* both beat either */
      {"phone", "hotline", "gold", 1, 14}, /* tier + priority (3) beat nothing else here */
      {"visit", "hotline", "gold", 1, 12}, /* channel (4) beats tier + priority (3) */
      {"phone", "shops", "gold", 2, 13},   /* priority 2: the gold rule does not match */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    mi_ticket_row t = ticket(cases[i].channel, cases[i].department, cases[i].tier, cases[i].priority);
    const mi_config_sla *r = mi_ticket_sla_rule(cfg, &t);
    assert_non_null(r);
    assert_int_equal(r->line, cases[i].line);
  }
  mi_config_free(cfg);
}

static void test_refusals(void **state) {
  (void)state;
  static const char *const bad[][2] = {
      {"  - {kind: inquiry, department: nowhere, first_response: 1h, resolution: 2h}\n",
       "unknown department 'nowhere'"},
      {"  - {kind: inquiry, channel: fax, first_response: 1h, resolution: 2h}\n",
       "unknown channel 'fax'"},
      {"  - {kind: inquiry, channel: visit, first_response: 1h, resolution: 2h}\n",
       "duplicate SLA rule (kind inquiry, channel visit; first at line 12)"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char text[2048];
    snprintf(text, sizeof text, "%s%s", yaml, bad[i][0]);
    mi_config *cfg = NULL;
    mi_err e = {0};
    assert_int_not_equal(mi_config_load_string(text, strlen(text), "sla.yaml", NULL, &cfg, &e), 0);
    if (!strstr(e.msg, bad[i][1])) fail_msg("want '%s', got '%s'", bad[i][1], e.msg);
    assert_null(cfg);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_most_specific),
                                     cmocka_unit_test(test_refusals)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
