/* The text form of `manyi kpi`: one line per rate, then each group's. */
#include <stdio.h>

#include "cli/cli.h"
#include "util/i18n.h"

static void rate_line(const char *label, const json_t *r) {
  const json_t *p = json_object_get(r, "rate");
  printf("  %s", mi_cli_cell(label, -20));
  char ci[64];
  if (json_is_number(p))
    printf("%6.2f%%  %-14s", 100 * json_number_value(p), mi_cli_interval(r, 100, 2, ci));
  else
    printf("%7s  %14s", "-", "");
  printf(_("  %lld of %lld\n"), (long long)json_integer_value(json_object_get(r, "numerator")),
         (long long)json_integer_value(json_object_get(r, "denominator")));
}

static void block(const json_t *o) {
  /* The labels are the fields' names in English (as `kpi --help` and the
   * JSON name them) and their names in Chinese. */
  static const char *const rates[] = {N_("recommendation_rate"), N_("repurchase_rate"),
                                      N_("complaint_rate"), N_("retention_rate"),
                                      N_("churn_rate")};
  for (int i = 0; i < 5; i++) rate_line(mi_tr(rates[i]), json_object_get(o, rates[i]));
  const json_t *g = json_object_get(o, "customer_growth");
  printf(_("  %s%lld new (%lld before), active %lld (%lld before), net %+lld\n"),
         mi_cli_cell(_("customer_growth"), -20),
         (long long)json_integer_value(json_object_get(g, "new_customers")),
         (long long)json_integer_value(json_object_get(g, "new_previous")),
         (long long)json_integer_value(json_object_get(g, "active")),
         (long long)json_integer_value(json_object_get(g, "active_previous")),
         (long long)json_integer_value(json_object_get(g, "net_growth")));
}

void mi_cli_kpi_print(const json_t *o) {
  printf(_("KPIs %s (against %s), %.0f%% Wilson intervals\n"),
         json_string_value(json_object_get(o, "period")),
         json_string_value(json_object_get(o, "previous_period")),
         100 * json_number_value(json_object_get(o, "conf")));
  block(o);
  const char *level;
  json_t *g;
  json_object_foreach((json_t *)json_object_get(o, "groups"), level, g) {
    printf("%s %s\n", json_string_value(json_object_get(o, "by")), level);
    block(g);
  }
}
