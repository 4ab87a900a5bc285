/* The survey-wave job: at each occurrence of its schedule, draw the wave of
 * that period (named 2026Q4, 2026-10 or 2026 in the schedule's time zone)
 * with the configured design, then send its pending invitations. A rerun (a
 * retry, a second runner, a tick after a crash between the two steps) finds
 * the wave and only sends what is still pending, so nothing is doubled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/tz.h"
#include "service/surveys.h"
#include "store/survey_waves.h"
#include "util/timeutil.h"

int mi_survey_wave_name(const mi_config_schedule *sc, int64_t at, char out[16], mi_err *e) {
  mi_sched_tz *tz = NULL;
  int rc = mi_sched_tz_open(sc->timezone, &tz, e);
  if (rc) return rc;
  int64_t local = mi_sched_tz_local(tz, at);
  mi_sched_tz_free(tz);
  int y, m, d;
  mi_civil_from_days(local >= 0 ? local / 86400 : -((-local + 86399) / 86400), &y, &m, &d);
  switch (sc->wave) {
  case MI_CONFIG_PERIOD_MONTH: snprintf(out, 16, "%04d-%02d", y, m); break;
  case MI_CONFIG_PERIOD_YEAR: snprintf(out, 16, "%04d", y); break;
  default: snprintf(out, 16, "%04dQ%d", y, (m - 1) / 3 + 1); break;
  }
  return 0;
}

int mi_survey_wave_run(mi_store *s, const mi_config *cfg, const mi_config_schedule *sc, int64_t at,
                       int64_t now, mi_survey_wave_summary *sum, mi_err *e) {
  memset(sum, 0, sizeof *sum);
  if (!sc->survey || !sc->sample)
    return mi_err_set(e, MI_EINVAL, "schedule '%s' has no survey and sample: it is not a "
                      "survey-wave job", sc->name);
  int rc = mi_survey_wave_name(sc, at, sum->wave, e);
  if (rc) return rc;
  const mi_config_sample *d = sc->sample;
  mi_sample_request r = {.survey = sc->survey->code, .wave = sum->wave, .method = d->method,
                         .by = d->by, .allocation = d->allocation, .question = d->question,
                         .size = d->size, .conf = d->conf, .margin = d->margin, .p = d->p,
                         .clusters = d->clusters, .seed = (uint64_t)d->seed,
                         .quiet_days = d->quiet_days, .now = now};
  int64_t wave_id;
  mi_err ignore = {0};
  if (mi_wave_get(s, r.survey, r.wave, &wave_id, NULL, 0, &ignore) == 0) {
    sum->existed = 1;
  } else {
    if (mi_config_find_policy(cfg, "eligibility")) {
      if ((rc = mi_survey_eligibility_load(cfg, d->quiet_days, &r.eligibility, &r.quiet_days, e)))
        return rc;
    } else if (r.quiet_days < 0) {
      r.quiet_days = 90;
    }
    mi_sample_result res;
    rc = mi_survey_sample(s, cfg, &r, &res, e);
    mi_policy_free(r.eligibility);
    if (rc) return rc;
    sum->frame = res.frame, sum->sample = res.sample, sum->existed = res.existed;
    free(res.strata), free(res.excluded);
  }
  return mi_survey_dispatch(s, cfg, r.survey, r.wave, 0, now, &sum->sent, &sum->skipped, e);
}
