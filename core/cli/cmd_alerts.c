/* manyi eval alerts (called from cmd_eval.c): the terminal side of
 * service/alerts.c, the closed loop on feedback. */
#include <stdio.h>
#include <string.h>

#include "cli/batch_cli.h"
#include "cli/cli.h"
#include "util/i18n.h"
#include "policy/policy.h"
#include "service/alerts.h"

/* The first follow-ups opened, as JSON and as lines under a summary. */
static json_t *shown_json(const mi_alert_opened *shown, int n) {
  json_t *a = json_array();
  for (int i = 0; i < n; i++)
    json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}", "response", shown[i].response,
                                       "ticket", shown[i].ticket, "department", shown[i].department,
                                       "kind", shown[i].kind, "reason", shown[i].reason));
  return a;
}

static void print_shown(const mi_alert_opened *shown, int n, int64_t opened) {
  for (int i = 0; i < n; i++)
    printf(_("  %s -> %s %s for %s: %s\n"), shown[i].response, shown[i].ticket, shown[i].kind,
           shown[i].department, shown[i].reason);
  if (opened > n) printf(_("  ... and %lld more\n"), (long long)(opened - n));
}

static void print_run(const mi_cli *cli, mi_cli_batch *b, const mi_alert_run_options *o,
                      const mi_alert_run_summary *s, const char *policy) {
  if (cli->json) {
    json_t *shown = shown_json(s->shown, s->nshown);
    json_t *j = json_pack("{s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "policy", policy,
                          "dry_run", o->batch.dry_run, "rescan", o->rescan, "after_id",
                          (json_int_t)s->after, "responses", (json_int_t)s->responses, "opened",
                          (json_int_t)s->opened, "none", (json_int_t)s->none, "skipped",
                          (json_int_t)s->skipped, "failed", (json_int_t)s->failed, "followups",
                          shown);
    mi_cli_batch_json(b, j, &s->stop);
    mi_cli_print_json(j);
    return;
  }
  if (cli->quiet) return;
  char ran[4200];
  printf(o->batch.dry_run
             ? _("%s: %lld responses, %lld follow-ups would be opened, %lld without, %lld with one "
                 "already, %lld failed%s\n")
             : _("%s: %lld responses, %lld follow-ups opened, %lld without, %lld with one already, "
                 "%lld failed%s\n"),
         mi_cli_ran(o->batch.dry_run, policy, ran, sizeof ran), (long long)s->responses,
         (long long)s->opened, (long long)s->none, (long long)s->skipped, (long long)s->failed,
         mi_cli_breaker_note(s->stop.tripped));
  if (s->after) printf(_("  after response id %lld (seen by an earlier run)\n"), (long long)s->after);
  print_shown(s->shown, s->nshown, s->opened);
}

/* The configured alert policy, or the candidate file with the configured params. */
static int load_policy(const mi_cli *cli, const char *candidate, mi_policy **out, mi_err *e) {
  if (!candidate) {
    int rc = mi_policy_load_config(cli->cfg, "alert", out, e);
    if (rc == MI_ENOTFOUND)
      return mi_err_setpos(e, rc, cli->cfg->path, 0, 0,
                           "the configuration has no alert policy: add policies: alert: {file: "
                           "policies/alert.lua} (or give --policy FILE)");
    return rc;
  }
  const mi_config_policy *configured = mi_config_find_policy(cli->cfg, "alert");
  mi_policy_limits limits = {cli->cfg->limits.policy_instructions, cli->cfg->limits.policy_memory,
                             cli->cfg->limits.policy_time_ms};
  return mi_policy_load("alert", candidate, configured ? &configured->params : NULL, &limits, out, e);
}

int mi_cli_eval_alerts(mi_cli *cli, const char *policy_path, int rescan, int jobs, mi_cli_batch *b) {
  mi_err e = {0};
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_policy *states[MI_ALERT_MAX_WORKERS + 1] = {0};
  int rc = 0;
  for (int i = 0; i < jobs && rc == 0; i++) rc = load_policy(cli, policy_path, &states[i], &e);
  if (rc) {
    for (int i = 0; i < jobs; i++) mi_policy_free(states[i]);
    return mi_cli_fail(&e);
  }
  if (mi_cli_batch_begin(cli, b, N_("alerting on responses"), N_("responses"))) {
    for (int i = 0; i < jobs; i++) mi_policy_free(states[i]);
    return 1;
  }
  mi_alert_run_options o = {.rescan = rescan, .workers = states + 1, .nworkers = jobs - 1,
                            .batch = b->opt};
  mi_alert_run_summary sum;
  rc = mi_alerts_run(cli->store, cli->cfg, states[0], &o, &sum, &e);
  rc = mi_cli_batch_end(b, rc, &e);
  if (rc == 0 || sum.stop.tripped) print_run(cli, b, &o, &sum, mi_policy_path(states[0]));
  for (int i = 0; i < jobs; i++) mi_policy_free(states[i]);
  return mi_cli_batch_status(b, rc, &e, &sum.stop, sum.failed);
}

/* ---- the hook at intake ----------------------------------------------------- */

int mi_cli_alerts_open(mi_cli *cli, int off, mi_cli_alerts *a) {
  memset(a, 0, sizeof *a);
  if (off || !mi_config_find_policy(cli->cfg, "alert")) return 0;
  mi_err e = {0};
  if (load_policy(cli, NULL, &a->policy, &e)) {
    mi_cli_fail(&e);
    fputs(_("manyi: nothing was done: the alert policy (policies.alert) must load first; fix it, "
            "or give --no-alerts (manyi eval alerts asks it later)\n"),
          stderr);
    return 1;
  }
  if (!(a->intake = mi_alert_intake_new(cli->cfg, a->policy, mi_cli_now(), 0))) {
    mi_policy_free(a->policy);
    a->policy = NULL;
    fputs(_("manyi: out of memory\n"), stderr);
    return 1;
  }
  return 0;
}

void mi_cli_alerts_report(const mi_cli *cli, const mi_cli_alerts *a, json_t *j) {
  if (!a->intake) return;
  mi_alert_intake_summary s;
  mi_alert_intake_get(a->intake, &s);
  const char *policy = mi_policy_path(a->policy);
  char first[sizeof s.first_failure.file + sizeof s.first_failure.msg + 32];
  mi_err_format(&s.first_failure, first, sizeof first);
  if (s.failed)
    fprintf(stderr,
            _("manyi: warning: the alert policy %s failed on %lld responses%s (the first: %s); "
              "manyi eval alerts asks it again\n"),
            policy, (long long)s.failed,
            s.tripped ? _(", and was not asked again after so many failures in a row") : "", first);
  if (j) {
    json_t *shown = shown_json(s.shown, s.nshown);
    json_object_set_new(j, "alerts",
                        json_pack("{s:s, s:I, s:I, s:b, s:s?, s:o}", "policy", policy, "opened",
                                  (json_int_t)s.opened, "failed", (json_int_t)s.failed, "tripped",
                                  s.tripped, "first_failure", s.failed ? first : NULL,
                                  "followups", shown));
    return;
  }
  if (cli->quiet || (!s.opened && !s.failed)) return;
  printf(s.opened == 1 ? _("%s: %lld follow-up opened\n") : _("%s: %lld follow-ups opened\n"), policy,
         (long long)s.opened);
  print_shown(s.shown, s.nshown, s.opened);
}

void mi_cli_alerts_close(mi_cli_alerts *a) {
  mi_alert_intake_free(a->intake);
  mi_policy_free(a->policy);
  memset(a, 0, sizeof *a);
}
