/* The scheduled report (job kind `report`, schedule: entries with dir: and
 * to:): when a period closes (a quarter by default), the period that ended
 * before the occurrence is reported. The HTML page goes to dir as
 * SURVEY-PERIOD.html (written whole or not at all, so a rerun after a kill
 * writes the same file again), and the outbox gets one message to each of
 * management's recipients (the headline figures) and one to each department
 * (its own figures: its group of the period's answers, its stored
 * evaluation, the complaints it was held responsible for). The messages are
 * keyed by schedule, period and recipient and commit with the job, so
 * under kill -9 and on a rerun each is written exactly once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"
#include "sched/tz.h"
#include "store/outbox.h"
#include "util/i18n.h"
#include "util/outfile.h"
#include "util/period.h"
#include "util/timeutil.h"

/* The label of the period of kind `per` that ended last before local time
 * of at: 2027-01-01 07:00 -> 2026Q4 (quarter), 2026-12 (month), 2026 (year). */
static int closed_period(const mi_config *cfg, const mi_config_schedule *sc, int64_t at,
                         char *out, size_t size, mi_err *e) {
  mi_sched_tz *tz;
  int rc = mi_sched_tz_open(sc->timezone ? sc->timezone : cfg->timezone, &tz, e);
  if (rc) return rc;
  char iso[21], cur[16];
  mi_instant_format(mi_sched_tz_local(tz, at), iso);
  mi_sched_tz_free(tz);
  int year = atoi(iso), month = atoi(iso + 5);
  if (sc->wave == MI_CONFIG_PERIOD_MONTH) snprintf(cur, sizeof cur, "%04d-%02d", year, month);
  else if (sc->wave == MI_CONFIG_PERIOD_YEAR) snprintf(cur, sizeof cur, "%04d", year);
  else snprintf(cur, sizeof cur, "%04dQ%d", year, (month - 1) / 3 + 1);
  return mi_period_shift(cur, -1, out, size, e);
}

static double value_of(const json_t *f) {
  json_t *v = json_object_get(f, "value");
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* "CSAT 87.0 %, NPS 12.0, index 71.3" (a figure without a value: "-"). */
static void figures_text(const json_t *fig, char *buf, size_t size) {
  double csat = value_of(json_object_get(fig, "csat")), nps = value_of(json_object_get(fig, "nps"));
  double idx = value_of(json_object_get(fig, "index"));
  char a[16] = "-", b[16] = "-", c[16] = "-";
  if (isfinite(csat)) snprintf(a, sizeof a, "%.1f %%", csat);
  if (isfinite(nps)) snprintf(b, sizeof b, "%.1f", nps);
  if (isfinite(idx)) snprintf(c, sizeof c, "%.1f", idx);
  snprintf(buf, size, "CSAT %s, NPS %s, %s %s", a, b, _("index"), c);
}

static const json_t *find_row(const json_t *arr, const char *key, const char *code) {
  size_t i;
  json_t *r;
  json_array_foreach(arr, i, r)
    if (json_is_string(json_object_get(r, key)) &&
        !strcmp(json_string_value(json_object_get(r, key)), code))
      return r;
  return NULL;
}

static int put(mi_store *s, const char *key, const char *recipient, const char *subject,
               json_t *payload, int64_t job_id, int64_t now, mi_err *e) {
  char *p = json_dumps(payload, JSON_COMPACT);
  mi_outbox_msg m = {.key = key, .kind = "report", .channel = "internal", .recipient = recipient,
                     .subject = subject, .payload_json = p, .job_id = job_id};
  int rc = p ? mi_outbox_add(s, &m, now, e) : mi_err_set(e, MI_ENOMEM, "out of memory");
  free(p);
  json_decref(payload);
  return rc < 0 ? rc : 0;
}

int mi_report_job_run(mi_store *s, const mi_config *cfg, const mi_config_schedule *sc,
                      int64_t run_at, int64_t now, int64_t job_id, mi_err *e) {
  if (!s || !cfg || !sc || !sc->report_dir)
    return mi_err_set(e, MI_EINVAL, "a report job needs its schedule entry (dir:, to:)");
  const char *survey = sc->survey ? sc->survey->code : cfg->nsurveys ? cfg->surveys[0].code : NULL;
  if (!survey) return mi_err_set(e, MI_EINVAL, "report job '%s': the configuration has no survey", sc->name);
  char period[16];
  int rc = closed_period(cfg, sc, run_at, period, sizeof period, e);
  if (rc) return rc;
  const char *chartjs = mi_report_chartjs_path();
  if (!chartjs)
    return mi_err_set(e, MI_ENOTFOUND, "report job '%s': the HTML report needs Chart.js: install "
                      "Debian's package libjs-chart.js, or set MANYI_CHARTJS", sc->name);
  mi_i18n_set(cfg->language ? cfg->language : mi_i18n_from_locale());
  mi_report_request rq = {.survey = survey, .period = period, .now = run_at};
  json_t *doc = mi_report_gather(s, cfg, &rq, e);
  if (!doc && e->code == MI_ENOTFOUND) { /* no answers in the period: management is told so */
    char key[200], subject[1000];
    for (size_t i = 0; !rc && i < sc->nreport_to; i++) {
      snprintf(key, sizeof key, "report:%s:%s:to:%s", sc->name, period, sc->report_to[i]);
      snprintf(subject, sizeof subject, _("No satisfaction report for %s: %s"), period, e->msg);
      rc = put(s, key, sc->report_to[i], subject,
               json_pack("{s:s, s:s, s:n}", "period", period, "survey", survey, "file"), job_id,
               now, e);
    }
    if (!rc) mi_err_clear(e);
    return rc;
  }
  if (!doc) return e->code ? e->code : MI_EINVAL;
  /* the page: written whole or not at all (a kill leaves the old one, or none) */
  char path[4096];
  mkdir(sc->report_dir, 0755);
  snprintf(path, sizeof path, "%s/%s-%s.html", sc->report_dir, survey, period);
  mi_outfile *of;
  if (!(rc = mi_outfile_open(path, cfg->database, &of, e))) {
    rc = mi_report_write_html(doc, chartjs, mi_outfile_stream(of), e);
    if (rc) mi_outfile_abort(of);
    else rc = mi_outfile_close(of, e);
  }
  char key[200], subject[1000], figs[200];
  const json_t *head = json_object_get(doc, "headline");
  figures_text(head, figs, sizeof figs);
  for (size_t i = 0; !rc && i < sc->nreport_to; i++) {
    snprintf(key, sizeof key, "report:%s:%s:to:%s", sc->name, period, sc->report_to[i]);
    snprintf(subject, sizeof subject, _("Satisfaction report %s: %s. The report: %s"), period,
             figs, path);
    rc = put(s, key, sc->report_to[i], subject,
             json_pack("{s:s, s:s, s:s, s:O}", "period", period, "survey", survey, "file", path,
                       "headline", head), job_id, now, e);
  }
  const json_t *groups = json_object_get(json_object_get(doc, "breakdowns"), "department");
  const json_t *evals = json_object_get(json_object_get(doc, "departments"), "rows");
  const json_t *who = json_object_get(json_object_get(doc, "root_causes"), "responsible");
  for (size_t i = 0; !rc && i < cfg->ndepartments; i++) {
    const char *code = cfg->departments[i].code;
    const json_t *g = find_row(groups, "group", code), *ev = find_row(evals, "department", code);
    json_int_t held = 0;
    size_t k;
    json_t *w;
    json_array_foreach(who, k, w)
      if (!strcmp(json_string_value(json_object_get(w, "kind")), "department") &&
          !strcmp(json_string_value(json_object_get(w, "code")), code))
        held = json_integer_value(json_object_get(w, "count"));
    char own[200], grade[64] = "-";
    if (g) figures_text(g, own, sizeof own);
    else snprintf(own, sizeof own, "%s", _("no answer of the period followed its tickets"));
    if (ev && json_is_string(json_object_get(ev, "grade")))
      snprintf(grade, sizeof grade, "%s", json_string_value(json_object_get(ev, "grade")));
    snprintf(key, sizeof key, "report:%s:%s:department:%s", sc->name, period, code);
    char recipient[80];
    snprintf(recipient, sizeof recipient, "department:%s", code);
    snprintf(subject, sizeof subject,
             _("Satisfaction report %s for %s: %s; evaluation grade %s; complaints it was held "
               "responsible for: %lld. The report: %s"),
             period, mi_report_name(doc, "departments", code), own, grade, (long long)held, path);
    rc = put(s, key, recipient, subject,
             json_pack("{s:s, s:s, s:s, s:s, s:O, s:O, s:I}", "period", period, "survey", survey,
                       "file", path, "department", code, "figures", g ? g : json_null(),
                       "evaluation", ev ? ev : json_null(), "complaints_responsible", held),
             job_id, now, e);
  }
  json_decref(doc);
  return rc;
}
