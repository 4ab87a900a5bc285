/* The text form of `manyi kpi`: one line per rate, then each group's. */
#include <stdio.h>

#include "cli/cli.h"

static void rate_line(const char *label, const json_t *r) {
  const json_t *p = json_object_get(r, "rate");
  printf("  %-20s", label);
  char ci[64];
  if (json_is_number(p))
    printf("%6.2f%%  %-14s", 100 * json_number_value(p), mi_cli_interval(r, 100, 2, ci));
  else
    printf("%7s  %14s", "-", "");
  printf("  %lld of %lld\n", (long long)json_integer_value(json_object_get(r, "numerator")),
         (long long)json_integer_value(json_object_get(r, "denominator")));
}

static void block(const json_t *o) {
  static const char *const rates[] = {"recommendation_rate", "repurchase_rate", "complaint_rate",
                                      "retention_rate", "churn_rate"};
  for (int i = 0; i < 5; i++) rate_line(rates[i], json_object_get(o, rates[i]));
  const json_t *g = json_object_get(o, "customer_growth");
  printf("  %-20s%lld new (%lld before), active %lld (%lld before), net %+lld\n",
         "customer_growth", (long long)json_integer_value(json_object_get(g, "new_customers")),
         (long long)json_integer_value(json_object_get(g, "new_previous")),
         (long long)json_integer_value(json_object_get(g, "active")),
         (long long)json_integer_value(json_object_get(g, "active_previous")),
         (long long)json_integer_value(json_object_get(g, "net_growth")));
}

void mi_cli_kpi_print(const json_t *o) {
  printf("KPIs %s (against %s), %.0f%% Wilson intervals\n",
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
