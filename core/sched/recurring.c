#include "sched/recurring.h"

#include <stdio.h>
#include <string.h>

#include "sched/cron.h"
#include "store/jobs.h"
#include "store/queue.h"
#include "util/timeutil.h"

/* More missed occurrences than this (a year of a per-minute job) are not
 * walked one by one: the walk jumps to two days before now. */
#define MAX_WALK 600000

int mi_sched_check_schedule(const mi_config *cfg, const mi_sched_kind *kinds, mi_err *e) {
  if (!cfg) return mi_err_set(e, MI_EINVAL, "no configuration");
  for (size_t i = 0; i < cfg->nschedule; i++) {
    const mi_config_schedule *sc = &cfg->schedule[i];
    if (!mi_sched_find_kind(kinds, sc->job)) {
      char list[300] = "";
      for (const mi_sched_kind *k = kinds; k && k->name; k++)
        if (strlen(list) + strlen(k->name) + 3 < sizeof list)
          strcat(strcat(list, *list ? ", " : ""), k->name);
      return mi_err_setpos(e, MI_ECONFIG, cfg->path, sc->line, sc->column,
                           "schedule '%s': unknown job kind '%s' (kinds: %s)", sc->name, sc->job,
                           list);
    }
    mi_sched_cron c;
    mi_sched_tz *tz = NULL;
    mi_err ce = {0};
    int rc = mi_sched_cron_parse(sc->cron, &c, &ce);
    if (!rc) rc = mi_sched_tz_open(sc->timezone, &tz, &ce);
    mi_sched_tz_free(tz);
    if (rc)
      return mi_err_setpos(e, MI_ECONFIG, cfg->path, sc->cron_line, sc->cron_column,
                           "schedule '%s': %s", sc->name, ce.msg);
  }
  return 0;
}

/* The latest occurrence of c in (after, now], or 0 if none. */
static int latest(const mi_sched_cron *c, const mi_sched_tz *tz, int64_t after, int64_t now,
                  int64_t *out, mi_err *e) {
  *out = 0;
  int64_t t = after, next;
  for (long n = 0;; n++) {
    if (n == MAX_WALK && t < now - 2 * 86400) t = now - 2 * 86400; /* far behind: skip ahead */
    int rc = mi_sched_cron_next(c, tz, t, &next, e);
    if (rc) return rc;
    if (next > now) return 0;
    *out = t = next;
  }
}

static int queue_one(mi_store *s, const mi_config_schedule *sc, int64_t now, size_t *queued,
                     mi_err *e) {
  int64_t last;
  int rc = mi_schedule_last(s, sc->name, &last, e);
  if (rc < 0) return rc;
  if (rc == 0) return mi_schedule_set(s, sc->name, now, now, e); /* first sight: start now */
  if (last >= now) return 0;
  mi_sched_cron c;
  mi_sched_tz *tz = NULL;
  int64_t at = 0;
  if ((rc = mi_sched_cron_parse(sc->cron, &c, e)) == 0 &&
      (rc = mi_sched_tz_open(sc->timezone, &tz, e)) == 0)
    rc = latest(&c, tz, last, now, &at, e);
  mi_sched_tz_free(tz);
  if (rc) {
    mi_err_prefix(e, "schedule '%s'", sc->name);
    return rc;
  }
  if (!at) return 0;
  char key[200], when[21];
  mi_instant_format(at, when);
  snprintf(key, sizeof key, "schedule:%s:%s", sc->name, when);
  rc = mi_job_enqueue(s, sc->job, key, at, NULL, now, NULL, e);
  if (rc < 0) return rc;
  if (rc == MI_PUT_INSERTED) ++*queued;
  return mi_schedule_set(s, sc->name, at, now, e);
}

int mi_sched_queue_recurring(mi_store *s, const mi_config *cfg, const mi_sched_kind *kinds,
                             int64_t now, size_t *queued, mi_err *e) {
  if (!s || !cfg || !queued) return mi_err_set(e, MI_EINVAL, "queueing recurring jobs needs a store");
  *queued = 0;
  int rc = mi_sched_check_schedule(cfg, kinds, e);
  if (rc) return rc;
  for (size_t i = 0; i < cfg->nschedule; i++) {
    if ((rc = mi_store_begin(s, e))) return rc;
    if ((rc = queue_one(s, &cfg->schedule[i], now, queued, e))) {
      mi_store_rollback(s);
      return rc;
    }
    if ((rc = mi_store_commit(s, e))) return rc;
  }
  return 0;
}
