/* manyi action add|update|close|list|show: improvement actions (PDCA). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/access.h"
#include "service/improvement.h"
#include "util/i18n.h"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] action SUBCOMMAND ...\n"
    "\n"
    "  add --department D --title T [--problem P] [--measure M] [--owner STAFF]\n"
    "      [--due YYYY-MM-DD] [--metric NAME --baseline PERIOD]\n"
    "                 plan an improvement action; with a metric (satisfied_share,\n"
    "                 first_response_met, resolution_rate, complaint_rate) its value for\n"
    "                 the department over the baseline period is stored with it\n"
    "  update ID --stage do|check|act [--note TEXT]\n"
    "  close ID [--after PERIOD] [--note TEXT]\n"
    "                 done; with a metric, measured over the period after the action and\n"
    "                 the change tested (two proportions: R prop.test, no correction);\n"
    "                 PERIOD must end after the action was added and after its baseline\n"
    "  list [--department D]    show ID\n"
    "\n"
    "Periods: 2026, 2026Q3, 2026-09 or a day, in the configuration's time zone.\n";

static int parse_id(const char *s, int64_t *id) {
  char *end;
  long long v = strtoll(s, &end, 10);
  if (*end || v < 1) return mi_cli_usage_error("action", "'%s' is not an action id", s);
  *id = v;
  return 0;
}

static int cmd_add(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {
      {"department", required_argument, NULL, 'd'}, {"title", required_argument, NULL, 't'},
      {"problem", required_argument, NULL, 'p'},    {"measure", required_argument, NULL, 'm'},
      {"owner", required_argument, NULL, 'o'},      {"due", required_argument, NULL, 'u'},
      {"metric", required_argument, NULL, 'M'},     {"baseline", required_argument, NULL, 'b'},
      {NULL, 0, NULL, 0}};
  mi_action_plan p = {0};
  int opt;
  while ((opt = getopt_long(argc, argv, "d:t:p:m:o:u:M:b:", options, NULL)) != -1) {
    switch (opt) {
    case 'd': p.department = optarg; break;
    case 't': p.title = optarg; break;
    case 'p': p.problem = optarg; break;
    case 'm': p.measure = optarg; break;
    case 'o': p.owner = optarg; break;
    case 'u': p.due_date = optarg; break;
    case 'M': p.metric = optarg; break;
    case 'b': p.baseline_period = optarg; break;
    default: return mi_cli_usage_error("action", "add: unknown option");
    }
  }
  if (optind < argc || !p.department || !p.title)
    return mi_cli_usage_error("action", "add needs --department and --title");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  int64_t id = 0;
  if (mi_action_open(cli->store, cli->cfg, &p, mi_cli_now(), &id, &e)) return mi_cli_fail(&e);
  if (cli->json) mi_cli_print_json(json_pack("{s:I}", "id", (json_int_t)id));
  else printf(_("action %lld planned\n"), (long long)id);
  return 0;
}

static int cmd_update(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"stage", required_argument, NULL, 's'},
                                          {"note", required_argument, NULL, 'n'},
                                          {NULL, 0, NULL, 0}};
  const char *stage = NULL, *note = NULL;
  int opt;
  while ((opt = getopt_long(argc, argv, "s:n:", options, NULL)) != -1) {
    if (opt == 's') stage = optarg;
    else if (opt == 'n') note = optarg;
    else return mi_cli_usage_error("action", "update: unknown option");
  }
  int64_t id = 0;
  if (argc - optind != 1) return mi_cli_usage_error("action", "update takes one ID");
  if (parse_id(argv[optind], &id)) return 2;
  if (!stage || (strcmp(stage, "plan") && strcmp(stage, "do") && strcmp(stage, "check") &&
                 strcmp(stage, "act")))
    return mi_cli_usage_error("action", "update needs --stage plan, do, check or act (close "
                              "ends it)");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_action_row a;
  if (mi_action_get(cli->store, id, &a, &e)) return mi_cli_fail(&e);
  if (!strcmp(a.stage, "done")) {
    mi_err_set(&e, MI_EINVAL, "action %lld is closed", (long long)id);
    return mi_cli_fail(&e);
  }
  if (mi_action_stage(cli->store, id, stage, note, mi_cli_now(), &e)) return mi_cli_fail(&e);
  if (!cli->quiet) printf(_("action %lld: %s\n"), (long long)id, stage);
  return 0;
}

static void print_action(const mi_action_row *a) {
  const char *dept = mi_cli_cell(a->department, -12);
  if (*a->owner)
    printf(_("%lld  %-6s %s %s (owner %s)\n"), (long long)a->id, a->stage, dept, a->title,
           a->owner);
  else
    printf("%lld  %-6s %s %s\n", (long long)a->id, a->stage, dept, a->title);
  if (*a->metric && a->baseline_n)
    printf(_("      %s: %.1f%% (%lld/%lld) in %s"), a->metric,
           100.0 * (double)a->baseline_x / (double)a->baseline_n, (long long)a->baseline_x,
           (long long)a->baseline_n, a->baseline_period);
  if (*a->metric && a->after_n)
    printf(_(" -> %.1f%% (%lld/%lld) in %s, p = %.4g"),
           100.0 * (double)a->after_x / (double)a->after_n,
           (long long)a->after_x, (long long)a->after_n, a->after_period, a->p_value);
  if (*a->metric) putchar('\n');
}

static int cmd_close(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"after", required_argument, NULL, 'a'},
                                          {"note", required_argument, NULL, 'n'},
                                          {NULL, 0, NULL, 0}};
  const char *after = NULL, *note = NULL;
  int opt;
  while ((opt = getopt_long(argc, argv, "a:n:", options, NULL)) != -1) {
    if (opt == 'a') after = optarg;
    else if (opt == 'n') note = optarg;
    else return mi_cli_usage_error("action", "close: unknown option");
  }
  int64_t id = 0;
  if (argc - optind != 1) return mi_cli_usage_error("action", "close takes one ID");
  if (parse_id(argv[optind], &id)) return 2;
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_stats_prop_test t;
  mi_action_row a;
  if (mi_action_close(cli->store, cli->cfg, id, after, note, mi_cli_now(), &t, &e) ||
      mi_action_get(cli->store, id, &a, &e))
    return mi_cli_fail(&e);
  if (cli->json) {
    mi_cli_print_json(mi_action_json(&a));
    return 0;
  }
  print_action(&a);
  if (!isnan(t.p_value))
    printf(t.p_value < 0.05 ? _("      change %+.1f points: significant at the 5%% level\n")
                            : _("      change %+.1f points: not significant at the 5%% level\n"),
           100 * t.diff);
  return 0;
}

/* The free text of an action (title, problem, measure, notes) as the reader
 * may see it: a role that sees personal data masked (an analyst) gets the
 * e-mail addresses and phone numbers in it masked, by the one rule of all
 * free text (util/redact_text.c). An action names no customer, so no name
 * is looked for. */
static void mask_action(const mi_cli *cli, mi_action_row *a) {
  if (!mi_access_masked(&cli->actor)) return;
  struct {
    char *text;
    size_t size;
  } f[] = {{a->title, sizeof a->title},
           {a->problem, sizeof a->problem},
           {a->measure, sizeof a->measure},
           {a->notes, sizeof a->notes}};
  for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
    char *m = mi_access_mask_text(f[i].text, NULL);
    snprintf(f[i].text, f[i].size, "%s", m ? m : "***");
    free(m);
  }
}

typedef struct list_ctx {
  json_t *arr;
  const mi_cli *cli;
} list_ctx;

static int list_one(const mi_action_row *row, void *ud) {
  list_ctx *c = ud;
  mi_action_row a = *row;
  mask_action(c->cli, &a);
  if (c->arr) json_array_append_new(c->arr, mi_action_json(&a));
  else print_action(&a);
  return 0;
}

static int cmd_list(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"department", required_argument, NULL, 'd'},
                                          {NULL, 0, NULL, 0}};
  const char *dept = NULL;
  int opt;
  while ((opt = getopt_long(argc, argv, "d:", options, NULL)) != -1) {
    if (opt != 'd') return mi_cli_usage_error("action", "list: unknown option");
    dept = optarg;
  }
  if (optind < argc) return mi_cli_usage_error("action", "list: unexpected '%s'", argv[optind]);
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  list_ctx c = {cli->json ? json_array() : NULL, cli};
  if (mi_action_each(cli->store, dept, list_one, &c, &e)) {
    json_decref(c.arr);
    return mi_cli_fail(&e);
  }
  if (c.arr) mi_cli_print_json(c.arr);
  return 0;
}

static int cmd_show(mi_cli *cli, int argc, char **argv) {
  int64_t id = 0;
  if (argc != 2) return mi_cli_usage_error("action", "show takes one ID");
  if (parse_id(argv[1], &id)) return 2;
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_action_row a;
  if (mi_action_get(cli->store, id, &a, &e)) return mi_cli_fail(&e);
  mask_action(cli, &a);
  if (cli->json) {
    mi_cli_print_json(mi_action_json(&a));
    return 0;
  }
  print_action(&a);
  if (*a.problem) printf(_("      problem: %s\n"), a.problem);
  if (*a.measure) printf(_("      measure: %s\n"), a.measure);
  if (*a.due_date) printf(_("      due %s\n"), a.due_date);
  if (*a.notes) printf("%s\n", a.notes);
  return 0;
}

static const mi_cli_sub subs[] = {{"add", usage_all, cmd_add},     {"update", usage_all, cmd_update},
                                  {"close", usage_all, cmd_close}, {"list", usage_all, cmd_list},
                                  {"show", usage_all, cmd_show},   {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "action", usage_all, subs, "list", argc, argv);
}

const mi_cli_command mi_cmd_action = {"action", "improvement actions: plan, do, check, act",
                                      usage_all, run, 1, subs};
