/* manyi cron EXPR: the next firing times of a cron expression in a time zone,
 * to check a schedule before it goes into the configuration. The rules are
 * core/sched/cron.h. Needs no configuration. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sched/cron.h"
#include "util/i18n.h"
#include "util/timeutil.h"

#define MAX_COUNT 1000

#define USAGE                                                                                      \
  "Usage: manyi [--json] cron 'EXPR' [--tz ZONE] [--count N] [--after TIME]\n"                     \
  "\n"                                                                                             \
  "Lists the next N (default 5, at most 1000) firing times of the 5-field cron\n"                  \
  "expression EXPR (minute hour day-of-month month day-of-week), read in the time\n"               \
  "zone ZONE (default UTC), after TIME (default now; local time in ZONE unless it\n"               \
  "has Z or an offset). Quote EXPR: it holds spaces and '*'.\n"                                    \
  "\n"                                                                                             \
  "Fields take *, lists (1,15), ranges (1-5), steps (*/15, 0-30/10) and names\n"                   \
  "(jan..dec, sun..sat; 0 and 7 are Sunday); @yearly, @monthly, @weekly, @daily,\n"                \
  "@hourly also work. When both day fields are restricted a day matches if either\n"               \
  "does (0 0 13 * fri: every 13th and every Friday). A time skipped by a\n"                        \
  "daylight-saving change fires at the end of the gap; a repeated one fires once.\n"               \
  "\n"                                                                                             \
  "Exit status: 0 done, 1 nothing fires before 2200, 2 a bad expression or option.\n"              \
  "Example: manyi cron '30 9 * * mon-fri' --tz Asia/Shanghai --count 3\n"

static int run(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"tz", required_argument, NULL, 't'},
                                          {"count", required_argument, NULL, 'n'},
                                          {"after", required_argument, NULL, 'a'},
                                          {NULL, 0, NULL, 0}};
  const char *zone = "UTC", *after_text = NULL;
  long count = 5;
  int opt;
  while ((opt = getopt_long(argc, argv, "t:n:a:", options, NULL)) != -1) {
    switch (opt) {
    case 't': zone = optarg; break;
    case 'a': after_text = optarg; break;
    case 'n': {
      char *end;
      count = strtol(optarg, &end, 10);
      if (*optarg < '0' || *optarg > '9' || *end || count < 1 || count > MAX_COUNT)
        return mi_cli_usage_error("cron", "--count: '%s' is not a whole number from 1 to %d",
                                  optarg, MAX_COUNT);
      break;
    }
    default: return mi_cli_usage_error("cron", "unknown option");
    }
  }
  if (argc - optind != 1)
    return mi_cli_usage_error("cron", "give one quoted EXPR, e.g. '0 9 * * mon-fri'");
  mi_err e = {0};
  mi_sched_cron cron;
  if (mi_sched_cron_parse(argv[optind], &cron, &e)) return mi_cli_usage_error("cron", "%s", e.msg);
  mi_sched_tz *tz;
  if (mi_sched_tz_open(zone, &tz, &e)) return mi_cli_usage_error("cron", "--tz: %s", e.msg);
  int64_t t = mi_cli_now();
  if (after_text && mi_sched_tz_parse(tz, after_text, &t, &e)) {
    mi_sched_tz_free(tz);
    return mi_cli_usage_error("cron", "--after: %s", e.msg);
  }
  json_t *list = cli->json ? json_array() : NULL;
  int status = 0;
  for (long i = 0; i < count; i++) {
    if (mi_sched_cron_next(&cron, tz, t, &t, &e)) {
      if (i == 0) {
        status = mi_cli_fail(&e);
      } else {
        fprintf(stderr, _("manyi: only %ld firing times before the year 2200\n"), i);
      }
      break;
    }
    char local[32], utc[21];
    mi_sched_tz_format(tz, t, local);
    mi_instant_format(t, utc);
    int64_t day = mi_sched_floor_div(mi_sched_tz_local(tz, t), 86400);
    const char *wd = mi_sched_weekday_name(mi_sched_weekday(day));
    if (list)
      json_array_append_new(list,
                            json_pack("{s:s, s:s, s:s}", "at", utc, "local", local, "weekday", wd));
    else
      printf("%s %s  %s\n", local, _(wd), utc); /* JSON: the English name */
  }
  if (list) {
    if (status)
      json_decref(list);
    else
      mi_cli_print_json(json_pack("{s:s, s:s, s:o}", "expression", argv[optind], "timezone",
                                  mi_sched_tz_name(tz), "next", list));
  }
  mi_sched_tz_free(tz);
  return status;
}

const mi_cli_command mi_cmd_cron = {"cron", "list the next firing times of a cron expression",
                                    USAGE, run, 0, NULL};
