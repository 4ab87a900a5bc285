/* manyi explain tier ID: what the tier policy saw and decided for one customer. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "policy/policy.h"
#include "service/customer_view.h"
#include "service/points.h"
#include "service/tiers.h"
#include "util/i18n.h"
#include "util/timeutil.h"

/* Analysts see personal fields masked (service/access.c). */
static int masked;

static const char *shown(const mi_view_field *f, char *buf, size_t size) {
  return masked ? mi_access_mask(f->name, f->s, buf, size) : f->s;
}

static json_t *field_json(const mi_view_field *f) {
  char buf[320];
  switch (f->type) {
  case MI_VIEW_BOOL: return json_boolean(f->i);
  case MI_VIEW_INT: return json_integer(f->i);
  case MI_VIEW_NUM: return json_real(f->d);
  case MI_VIEW_STR: return json_string(shown(f, buf, sizeof buf));
  default: return json_null();
  }
}

static void print_field(const mi_view_field *f) {
  char buf[320];
  printf("    %-18s ", f->name);
  switch (f->type) {
  case MI_VIEW_BOOL: puts(f->i ? "true" : "false"); break;
  case MI_VIEW_INT: printf("%lld\n", (long long)f->i); break;
  case MI_VIEW_NUM: printf("%.2f\n", f->d); break;
  case MI_VIEW_STR: printf("%s\n", mi_cli_shown(shown(f, buf, sizeof buf))); break;
  default: puts("nil");
  }
}

/* A policy's reason, as the reader may see it: for analysts with the
 * customer's phone numbers, e-mail addresses and name masked (the policy
 * saw them in clear and may have written them in). Free it. */
static char *reason_shown(const mi_view *v, const char *reason) {
  const char *name = NULL;
  for (size_t i = 0; i < v->nfields; i++)
    if (!strcmp(v->fields[i].name, "name") && v->fields[i].type == MI_VIEW_STR) name = v->fields[i].s;
  char *r = masked ? mi_access_mask_text(reason ? reason : "", name) : strdup(reason ? reason : "");
  return r ? r : strdup("***");
}

static json_t *view_json(const mi_view *v) {
  json_t *o = json_object();
  for (size_t i = 0; i < v->nfields; i++)
    json_object_set_new(o, v->fields[i].name, field_json(&v->fields[i]));
  return o;
}

static void print_view(const char *title, const mi_view *v) {
  printf(_("  %s:\n"), title);
  for (size_t i = 0; i < v->nfields; i++) print_field(&v->fields[i]);
}

static int explain_tier(mi_cli *cli, const char *id, int64_t as_of, mi_err *e) {
  mi_policy *policy;
  if (mi_policy_load_config(cli->cfg, "tiers", &policy, e)) return mi_cli_fail(e);
  mi_view_field fields[MI_CUSTOMER_VIEW_FIELDS];
  mi_view view;
  mi_tier_decision d;
  int rc = mi_tier_explain(cli->store, cli->cfg, policy, id, as_of, fields, &view, &d, e);
  char *reason = rc == 0 ? reason_shown(&view, d.reason) : NULL;
  if (rc == 0 && cli->json) {
    mi_cli_print_json(json_pack("{s:s, s:s, s:i, s:o, s:s, s:s}", "customer", id, "policy",
                                mi_policy_path(policy), "line", d.line, "inputs",
                                view_json(&view), "tier", d.tier, "reason", reason));
  } else if (rc == 0) {
    char when[21];
    mi_instant_format(as_of, when);
    printf(_("customer %s as of %s\n"), mi_cli_shown(id), when);
    print_view(_("inputs the policy saw"), &view);
    printf(_("  decision: tier %s\n  reason:   %s\n  returned by %s:%d\n"),
           mi_cli_named(cli->cfg, "tiers", d.tier), mi_cli_shown(reason), mi_policy_path(policy),
           d.line);
  }
  free(reason);
  mi_policy_free(policy);
  return rc ? mi_cli_fail(e) : 0;
}

static int explain_points(mi_cli *cli, const char *order, int64_t as_of, mi_err *e) {
  mi_policy *policy;
  if (mi_policy_load_config(cli->cfg, "loyalty", &policy, e)) return mi_cli_fail(e);
  mi_points_explanation x;
  int rc = mi_points_explain(cli->store, cli->cfg, policy, order, as_of, &x, e);
  const mi_points_decision *d = &x.decision;
  char *reason = rc == 0 ? reason_shown(&x.customer, d->reason) : NULL;
  if (rc == 0 && cli->json) {
    mi_cli_print_json(json_pack(
        "{s:s, s:s, s:i, s:o, s:o, s:o, s:s, s:s}", "order", order, "policy",
        mi_policy_path(policy), "line", d->line, "event", view_json(&x.event), "customer",
        view_json(&x.customer), "points", d->has_points ? json_integer(d->points) : json_null(),
        "expires", d->expires, "reason", reason));
  } else if (rc == 0) {
    char when[21];
    mi_instant_format(as_of, when);
    printf(_("order %s, customer as of %s\n"), order, when);
    print_view(_("the event"), &x.event);
    print_view(_("the customer"), &x.customer);
    if (d->has_points)
      printf(_("  decision: %lld points, expiring %s\n  reason:   %s\n"), (long long)d->points,
             d->expires, mi_cli_shown(reason));
    else
      printf(_("  decision: no points\n"));
    printf(_("  returned by %s:%d\n"), mi_policy_path(policy), d->line);
  }
  free(reason);
  mi_policy_free(policy);
  return rc ? mi_cli_fail(e) : 0;
}

static int run(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"as-of", required_argument, NULL, 'a'},
                                          {NULL, 0, NULL, 0}};
  mi_err e = {0};
  int64_t as_of = mi_cli_now();
  int opt;
  masked = mi_access_masked(&cli->actor);
  while ((opt = getopt_long(argc, argv, "a:", options, NULL)) != -1) {
    if (opt != 'a') return mi_cli_usage_error("explain", "unknown option");
    if (mi_instant_parse(optarg, &as_of, &e)) return mi_cli_usage_error("explain", "--as-of: %s", e.msg);
  }
  int tier = argc - optind == 2 && !strcmp(argv[optind], "tier");
  int points = argc - optind == 2 && !strcmp(argv[optind], "points");
  if (!tier && !points) return mi_cli_usage_error("explain", "use: manyi explain tier ID, or manyi explain points ORDER");
  if (mi_cli_open_store(cli, 0)) return 1;
  return tier ? explain_tier(cli, argv[optind + 1], as_of, &e)
              : explain_points(cli, argv[optind + 1], as_of, &e);
}

const mi_cli_command mi_cmd_explain = {
    "explain", "show what a policy saw and decided for one customer or order",
    "Usage: manyi [--config FILE] [--db FILE] [--json] explain tier ID [--as-of TIME]\n"
    "       manyi [--config FILE] [--db FILE] [--json] explain points ORDER [--as-of TIME]\n"
    "\n"
    "Runs the configured tier policy for the customer with external id ID, or the\n"
    "loyalty policy for the order ORDER (whether or not it was credited), without\n"
    "changing anything, and prints every input the policy saw, its decision, its\n"
    "reason, and the policy file and line that returned it.\n",
    run, 0, NULL};
