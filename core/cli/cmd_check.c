/* manyi check: load and validate the configuration, print what it defines. */
#include <jansson.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/i18n.h"
#include "sched/calendar.h"
#include "sched/recurring.h"
#include "service/job_kinds.h"
#include "util/outfile.h"

/* What the loader leaves to core/sched: time zones, .ics files, cron
 * expressions and job kinds. */
static int check_sched(const mi_config *c, mi_err *e) {
  for (size_t i = 0; i < c->ncalendars; i++) {
    mi_sched_calendar *cal = NULL;
    int rc = mi_sched_calendar_new(&c->calendars[i], &cal, e);
    mi_sched_calendar_free(cal);
    if (rc) {
      if (!e->file[0]) {
        snprintf(e->file, sizeof e->file, "%s", c->path);
        e->line = c->calendars[i].line, e->column = c->calendars[i].column;
      }
      return rc;
    }
  }
  return mi_sched_check_schedule(c, mi_job_kinds, e);
}

/* Those of manyi.yaml, without the built-in 24x7. */
static size_t configured_calendars(const mi_config *c) {
  size_t n = 0;
  for (size_t i = 0; i < c->ncalendars; i++) n += !c->calendars[i].builtin;
  return n;
}

/* Temporary output files that killed runs left beside the database (with
 * O_TMPFILE there are none; util/outfile.h): removed, and said so. */
static void sweep_beside(const char *db, int quiet) {
  char *copy = db ? strdup(db) : NULL;
  if (!copy) return;
  const char *dir = dirname(copy);
  size_t n = mi_outfile_sweep(dir);
  if (n && !quiet)
    fprintf(stderr,
            n == 1 ? _("%s: removed %zu temporary file that interrupted runs left\n")
                   : _("%s: removed %zu temporary files that interrupted runs left\n"),
            dir, n);
  free(copy);
}

static json_t *summary_json(const mi_config *c) {
  json_t *depts = json_array(), *surveys = json_array(), *policies = json_array();
  for (size_t i = 0; i < c->ndepartments; i++)
    json_array_append_new(depts, json_pack("{s:s, s:s, s:s}", "code", c->departments[i].code,
                                           "name", c->departments[i].name, "calendar",
                                           c->departments[i].calendar->name));
  for (size_t i = 0; i < c->nsurveys; i++)
    json_array_append_new(surveys, json_pack("{s:s, s:s, s:i}", "code", c->surveys[i].code,
                                             "kind", mi_config_survey_kind_name(c->surveys[i].kind),
                                             "questions", (json_int_t)c->surveys[i].nquestions));
  for (size_t i = 0; i < c->npolicies; i++)
    json_array_append_new(policies, json_pack("{s:s, s:s}", "name", c->policies[i].name, "file",
                                              c->policies[i].file));
  json_t *o = json_pack("{s:s, s:b, s:s, s:s, s:i, s:o, s:i, s:o, s:i, s:o, s:i, s:i}", "config",
                   c->path, "ok", 1, "database", c->database, "timezone", c->timezone,
                   "calendars", (json_int_t)configured_calendars(c), "departments", depts, "tiers",
                   (json_int_t)c->ntiers, "surveys", surveys, "sla_rules", (json_int_t)c->nsla,
                   "policies", policies, "users", (json_int_t)c->nusers, "scheduled_jobs",
                   (json_int_t)c->nschedule);
  /* the configured lists: {code: display name} in file order */
  const mi_config_label *lists[] = {c->ticket_kinds, c->categories, c->channels, c->root_causes};
  size_t counts[] = {c->nticket_kinds, c->ncategories, c->nchannels, c->nroot_causes};
  static const char *const keys[] = {"ticket_kinds", "categories", "channels", "root_causes"};
  for (int k = 0; o && k < 4; k++) {
    json_t *m = json_object();
    for (size_t i = 0; i < counts[k]; i++) json_object_set_new(m, lists[k][i].code, json_string(lists[k][i].name));
    json_object_set_new(o, keys[k], m);
  }
  return o;
}

static int run(mi_cli *cli, int argc, char **argv) {
  (void)argv;
  if (argc > 1) return mi_cli_usage_error("check", "takes no arguments");
  if (mi_cli_load_config(cli)) return 1;
  const mi_config *c = cli->cfg;
  mi_err e = {0};
  if (check_sched(c, &e)) return mi_cli_fail(&e);
  sweep_beside(mi_cli_db_path(cli), cli->quiet);
  if (cli->json) {
    json_t *o = summary_json(c);
    mi_cli_print_json(o);
    return 0;
  }
  if (cli->quiet) return 0;
  /* Each line is one message: its label and padding are the translator's
   * (a Chinese label is two columns a character). */
  printf(_("%s: ok\n"), c->path);
  printf(_("  database     %s\n"), c->database);
  printf(_("  timezone     %s\n"), c->timezone);
  printf(_("  calendars    %zu (and the built-in 24x7)\n"), configured_calendars(c));
  printf(_("  departments  %zu:"), c->ndepartments);
  for (size_t i = 0; i < c->ndepartments; i++) printf(" %s", c->departments[i].code);
  printf(_("\n  tiers        %zu:"), c->ntiers);
  for (size_t i = 0; i < c->ntiers; i++) printf(" %s", c->tiers[i].code);
  const mi_config_label *lists[] = {c->ticket_kinds, c->categories, c->channels, c->root_causes};
  size_t counts[] = {c->nticket_kinds, c->ncategories, c->nchannels, c->nroot_causes};
  for (int k = 0; k < 4; k++) {
    if (k == 3 && !counts[k]) break; /* no accountability asked */
    switch (k) {
    case 0: printf(_("\n  ticket kinds %zu:"), counts[k]); break;
    case 1: printf(_("\n  categories   %zu:"), counts[k]); break;
    case 2: printf(_("\n  channels     %zu:"), counts[k]); break;
    default: printf(_("\n  root causes  %zu:"), counts[k]); break;
    }
    for (size_t i = 0; i < counts[k]; i++) printf(" %s (%s)", lists[k][i].code, lists[k][i].name);
  }
  printf(_("\n  sla rules    %zu\n"), c->nsla);
  printf(_("  surveys      %zu:"), c->nsurveys);
  for (size_t i = 0; i < c->nsurveys; i++)
    printf(_(" %s (%zu questions)"), c->surveys[i].code, c->surveys[i].nquestions);
  printf(_("\n  policies     %zu:"), c->npolicies);
  for (size_t i = 0; i < c->npolicies; i++) printf(" %s", c->policies[i].name);
  printf(_("\n  schedule     %zu:"), c->nschedule);
  for (size_t i = 0; i < c->nschedule; i++)
    printf(" %s (%s: %s)", c->schedule[i].name, c->schedule[i].job, c->schedule[i].cron);
  printf(_("\n  workflows    %zu:"), c->nworkflows);
  for (size_t i = 0; i < c->nworkflows; i++)
    printf(_(" %s (%zu stages)"), c->workflows[i].kind, c->workflows[i].nstages);
  if (c->followup.enabled && c->followup.survey)
    printf(_("\n  followup     after %lldm of business time, survey %s"),
           (long long)(c->followup.delay / 60), c->followup.survey->code);
  else if (c->followup.enabled)
    printf(_("\n  followup     after %lldm of business time"), (long long)(c->followup.delay / 60));
  if (c->notify.enabled) { /* what the customer is told, and on which channels */
    printf(_("\n  notify       on"));
    for (size_t i = 0; i < c->notify.nchannels; i++) printf("%s%s", i ? ", " : " ", c->notify.channels[i]);
    printf(":");
    for (int i = 0; i < MI_NOTICE_COUNT; i++)
      if (c->notify.templates[i]) printf(" %s", mi_config_notice_name((mi_config_notice)i));
  }
  printf("\n");
  return 0;
}

const mi_cli_command mi_cmd_check = {
    "check", "validate the configuration and summarise it",
    "Usage: manyi [--config FILE] [--json] check\n"
    "\n"
    "Loads the configuration and checks every key, type, duration, reference and\n"
    "file it names, builds every calendar (time zone, .ics file) and checks every\n"
    "scheduled job (cron expression, job kind). Errors are printed as FILE:LINE:COLUMN: message. Exit status 0\n"
    "when the configuration is valid, 1 when it is not. Temporary output files that\n"
    "killed runs left beside the database (FILE.tmp-PID-XXXXXX) are removed.\n",
    run, 0, NULL};
