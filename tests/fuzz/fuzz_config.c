/* Fuzz target: the configuration loader (YAML text -> mi_config), and the
 * business-hours calendars built from what it accepts. Relative paths
 * resolve against tests/data/config/valid, as for the loader's own tests, so
 * seeds from there load in full (policy files and the .ics file exist). */
#include <assert.h>

#include "config/config.h"
#include "fuzz.h"
#include "sched/calendar.h"

#ifndef MANYI_SOURCE_DIR
#error "MANYI_SOURCE_DIR must be defined"
#endif

static void exercise_calendars(const mi_config *cfg) {
  mi_err e;
  for (size_t i = 0; i < cfg->ncalendars; i++) {
    mi_sched_calendar *cal;
    if (mi_sched_calendar_new(&cfg->calendars[i], &cal, &e)) continue;
    /* from 2026-11-20T08:00:00Z: 10 business hours, and back */
    int64_t start = INT64_C(1795161600), end, secs;
    if (mi_sched_add_business(cal, start, 36000, &end, &e) == 0) {
      assert(end > start);
      if (mi_sched_business_between(cal, start, end, &secs, &e) == 0) assert(secs == 36000);
    }
    mi_sched_calendar_free(cal);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mi_config *cfg = NULL;
  mi_err e;
  int rc = mi_config_load_string((const char *)data, size, "fuzz.yaml",
                                 MANYI_SOURCE_DIR "/tests/data/config/valid", &cfg, &e);
  if (rc == 0) {
    assert(cfg && cfg->ncalendars > 0);
    exercise_calendars(cfg);
  } else {
    assert(!cfg && e.code == rc && e.msg[0]);
  }
  mi_config_free(cfg);
  return 0;
}
