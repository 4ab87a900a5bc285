/* schedule: recurring jobs, each a name, a 5-field cron expression read in
 * the configuration's time zone (or its own), and the job kind to queue;
 * a survey-wave job also names its survey, how waves are named (wave:
 * quarter, month or year) and the sample design (sample:); a report job
 * its folder (dir:), management's recipients (to:), survey and period (wave:).
 * The expression and the kind are checked by the scheduler (core/sched),
 * which knows cron and the job kinds; here only their form. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

#define SURVEY_WAVE "survey-wave"
#define REPORT "report"

/* job report: dir (required: where the period's HTML goes), to (who is told
 * besides each department: management's recipients), survey (default the
 * first), wave: the period reported (quarter by default). */
static int load_report(const mi_cfg_ctx *c, const mi_ynode *m, mi_config_schedule *s) {
  const mi_ynode *dir = mi_cfg_get(m, "dir"), *to = mi_cfg_get(m, "to");
  int rc;
  if (strcmp(s->job, REPORT)) {
    if (dir || to)
      return mi_cfg_fail(c, dir ? dir : to, "scheduled job '%s': dir and to are for job: " REPORT,
                         s->name);
    return 0;
  }
  if (!dir || !to)
    return mi_cfg_fail(c, m, "scheduled job '%s': a " REPORT " job needs dir: (where the "
                             "report goes) and to: (management's recipients, e.g. "
                             "[role:management])", s->name);
  if ((rc = mi_cfg_path(c, dir, false, &s->report_dir))) return rc;
  if ((rc = mi_cfg_want_list(c, to, "to (recipients)"))) return rc;
  if (!to->n) return mi_cfg_fail(c, to, "to: name at least one recipient");
  if (!(s->report_to = mi_cfg_alloc(c, to->n, sizeof *s->report_to))) return MI_ENOMEM;
  for (size_t i = 0; i < to->n; i++, s->nreport_to++) {
    if ((rc = mi_cfg_text(c, to->items[i], &s->report_to[i]))) return rc;
    if (strlen(s->report_to[i]) > 150)
      return mi_cfg_fail(c, to->items[i], "to: a recipient has at most 150 bytes");
  }
  return 0;
}

static int load_sample(const mi_cfg_ctx *c, const mi_ynode *m, const mi_config_survey *sv,
                       mi_config_sample *o) {
  static const char *const keys[] = {"method", "by", "allocation", "question", "size",
                                     "margin", "conf", "p", "clusters", "seed", "quiet_days",
                                     NULL};
  static const char *const methods[] = {"srs", "stratified", "cluster", NULL};
  static const char *const bys[] = {"tier", "region", "kind", "industry", NULL};
  static const char *const allocations[] = {"proportional", "neyman", NULL};
  const mi_ynode *v;
  int rc, w;
  *o = (mi_config_sample){.conf = 0.95, .p = 0.5, .seed = 1, .quiet_days = -1};
  if ((rc = mi_cfg_want_map(c, m, "a sample design"))) return rc;
  if ((rc = mi_cfg_check_keys(c, m, keys, NULL, "sample"))) return rc;
  if (!(v = mi_cfg_get(m, "method")))
    return mi_cfg_fail(c, m, "sample: give method: srs, stratified or cluster");
  if ((rc = mi_cfg_word(c, v, methods, "method", &w))) return rc;
  if (!(o->method = mi_cfg_strdup(c, methods[w]))) return MI_ENOMEM;
  if ((v = mi_cfg_get(m, "by"))) {
    if ((rc = mi_cfg_word(c, v, bys, "stratum column", &w))) return rc;
    if (!(o->by = mi_cfg_strdup(c, bys[w]))) return MI_ENOMEM;
  } else if (strcmp(o->method, "srs")) {
    return mi_cfg_fail(c, m, "sample: %s sampling needs by: (tier, region, kind or industry)",
                       o->method);
  }
  w = 0;
  if ((v = mi_cfg_get(m, "allocation")) && (rc = mi_cfg_word(c, v, allocations, "allocation", &w)))
    return rc;
  if (!(o->allocation = mi_cfg_strdup(c, allocations[w]))) return MI_ENOMEM;
  if ((v = mi_cfg_get(m, "question"))) {
    if ((rc = mi_cfg_code(c, v, &o->question))) return rc;
    if (!mi_config_find_question(sv, o->question))
      return mi_cfg_fail(c, v, "survey '%s' has no question '%s'", sv->code, o->question);
  } else if (w == 1) {
    return mi_cfg_fail(c, m, "sample: Neyman allocation needs question: (its past answers give "
                             "each stratum's spread)");
  }
  const mi_ynode *size = mi_cfg_get(m, "size"), *margin = mi_cfg_get(m, "margin");
  if (size && margin) return mi_cfg_fail(c, margin, "sample: give size or margin, not both");
  if (size && (rc = mi_cfg_int(c, size, 1, 100000000, &o->size))) return rc;
  if (margin && (rc = mi_cfg_number(c, margin, 0, &o->margin))) return rc;
  if ((v = mi_cfg_get(m, "conf")) && (rc = mi_cfg_number(c, v, 0, &o->conf))) return rc;
  if ((v = mi_cfg_get(m, "p")) && (rc = mi_cfg_number(c, v, 0, &o->p))) return rc;
  const char *const fracs[] = {"margin", "conf", "p"};
  const double vals[] = {o->margin, o->conf, o->p};
  for (int i = 0; i < 3; i++)
    if ((v = mi_cfg_get(m, fracs[i])) && !(vals[i] > 0 && vals[i] < 1))
      return mi_cfg_fail(c, v, "sample: %s must be between 0 and 1", fracs[i]);
  int cluster = !strcmp(o->method, "cluster");
  if ((v = mi_cfg_get(m, "clusters")) && (rc = mi_cfg_int(c, v, 1, 1000000, &o->clusters)))
    return rc;
  if (cluster != (o->clusters > 0))
    return mi_cfg_fail(c, v ? v : m, cluster ? "sample: cluster sampling needs clusters: M"
                                             : "sample: clusters: is for method: cluster");
  if (cluster && (size || margin))
    return mi_cfg_fail(c, size ? size : margin,
                       "sample: method: cluster takes whole clusters (clusters: M), so %s: "
                       "would be ignored; leave it out", size ? "size" : "margin");
  if (!cluster && !size && !margin)
    return mi_cfg_fail(c, m, "sample: give size: N or margin: M (e.g. 0.05)");
  if ((v = mi_cfg_get(m, "seed")) && (rc = mi_cfg_int(c, v, 0, INT64_MAX, &o->seed))) return rc;
  if ((v = mi_cfg_get(m, "quiet_days")) && (rc = mi_cfg_int(c, v, 0, 36500, &o->quiet_days)))
    return rc;
  return 0;
}

/* survey, wave and sample: required for a survey-wave job, refused for others. */
static int load_wave(const mi_cfg_ctx *c, const mi_ynode *m, mi_config_schedule *s) {
  static const char *const periods[] = {"month", "quarter", "year", NULL};
  const mi_ynode *survey = mi_cfg_get(m, "survey"), *wave = mi_cfg_get(m, "wave"),
                 *sample = mi_cfg_get(m, "sample");
  int rc, w = 1;
  if (!strcmp(s->job, REPORT)) { /* survey and wave (the period reported), no sample */
    if (sample)
      return mi_cfg_fail(c, sample, "scheduled job '%s': sample is for job: " SURVEY_WAVE, s->name);
    if (survey) {
      char *code = NULL;
      if ((rc = mi_cfg_code(c, survey, &code))) return rc;
      s->survey = mi_config_find_survey(c->cfg, code);
      free(code);
      if (!s->survey)
        return mi_cfg_fail(c, survey, "scheduled job '%s': no survey '%s' under surveys:",
                           s->name, survey->text);
    }
    if (wave && (rc = mi_cfg_word(c, wave, periods, "report period", &w))) return rc;
    s->wave = (mi_config_period[]){MI_CONFIG_PERIOD_MONTH, MI_CONFIG_PERIOD_QUARTER,
                                   MI_CONFIG_PERIOD_YEAR}[w];
    return 0;
  }
  if (strcmp(s->job, SURVEY_WAVE)) {
    const mi_ynode *extra = survey ? survey : wave ? wave : sample;
    if (extra)
      return mi_cfg_fail(c, extra, "scheduled job '%s': survey, wave and sample are for job: "
                                   SURVEY_WAVE, s->name);
    return 0;
  }
  if (!survey || !sample)
    return mi_cfg_fail(c, m, "scheduled job '%s': a " SURVEY_WAVE " job needs survey: (a survey "
                             "code) and sample: (method, size or margin, by, seed)", s->name);
  char *code = NULL;
  if ((rc = mi_cfg_code(c, survey, &code))) return rc;
  s->survey = mi_config_find_survey(c->cfg, code);
  free(code);
  if (!s->survey)
    return mi_cfg_fail(c, survey, "scheduled job '%s': no survey '%s' under surveys:", s->name,
                       survey->text);
  if (wave && (rc = mi_cfg_word(c, wave, periods, "wave period", &w))) return rc;
  s->wave = (mi_config_period[]){MI_CONFIG_PERIOD_MONTH, MI_CONFIG_PERIOD_QUARTER,
                                 MI_CONFIG_PERIOD_YEAR}[w];
  if (!(s->sample = mi_cfg_alloc(c, 1, sizeof *s->sample))) return MI_ENOMEM;
  return load_sample(c, sample, s->survey, s->sample);
}

static int load_entry(const mi_cfg_ctx *c, const mi_ynode *m, mi_config_schedule *s) {
  static const char *const keys[] = {"name", "cron", "job", "timezone", "survey", "wave",
                                     "sample", "dir", "to", NULL};
  static const char *const required[] = {"name", "cron", "job", NULL};
  const mi_ynode *v;
  int rc;
  s->line = m->line;
  s->column = m->column;
  if ((rc = mi_cfg_want_map(c, m, "a scheduled job"))) return rc;
  if ((rc = mi_cfg_check_keys(c, m, keys, required, "scheduled job"))) return rc;
  if ((rc = mi_cfg_code(c, mi_cfg_get(m, "name"), &s->name))) return rc;
  if ((rc = mi_cfg_text(c, v = mi_cfg_get(m, "cron"), &s->cron))) return rc;
  s->cron_line = v->line;
  s->cron_column = v->column;
  if ((rc = mi_cfg_code(c, mi_cfg_get(m, "job"), &s->job))) return rc;
  if ((v = mi_cfg_get(m, "timezone"))) {
    if ((rc = mi_cfg_text(c, v, &s->timezone))) return rc;
    if (!mi_cfg_is_tz(s->timezone))
      return mi_cfg_fail(c, v, "'%s' is not a time zone name: use e.g. UTC or Asia/Shanghai",
                         s->timezone);
  } else if (!(s->timezone = mi_cfg_strdup(c, c->cfg->timezone))) {
    return MI_ENOMEM;
  }
  if ((rc = load_wave(c, m, s))) return rc;
  return load_report(c, m, s);
}

int mi_cfg_load_schedule(const mi_cfg_ctx *c, const mi_ynode *n) {
  mi_config *cfg = c->cfg;
  int rc;
  if ((rc = mi_cfg_want_list(c, n, "schedule"))) return rc;
  if (!(cfg->schedule = mi_cfg_alloc(c, n->n, sizeof *cfg->schedule))) return MI_ENOMEM;
  for (size_t i = 0; i < n->n; i++) {
    mi_config_schedule *s = &cfg->schedule[i];
    cfg->nschedule = i + 1;
    if ((rc = load_entry(c, n->items[i], s))) return rc;
    for (size_t j = 0; j < i; j++)
      if (!strcmp(cfg->schedule[j].name, s->name))
        return mi_cfg_fail(c, n->items[i], "duplicate scheduled job '%s' (first at line %d)",
                           s->name, cfg->schedule[j].line);
  }
  return 0;
}
