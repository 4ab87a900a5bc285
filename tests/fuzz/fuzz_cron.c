/* Fuzz target: cron expressions (core/sched/cron.c). The first byte picks a
 * zone and a start instant, the rest is the expression. What parses must
 * give a next firing that lies after the start and on a day the expression
 * matches (checked in the zone's local date), or a clean error. */
#include <assert.h>

#include "fuzz.h"
#include "sched/cron.h"
#include "sched/tz.h"
#include "util/timeutil.h"

static const char *const zones[] = {"UTC", "Asia/Shanghai", "America/New_York", "Europe/London"};
#define NZONES (sizeof zones / sizeof zones[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mi_sched_tz *tz[NZONES];
  mi_err e;
  if (size < 1) return 0;
  size_t z = data[0] % NZONES;
  if (!tz[z] && mi_sched_tz_open(zones[z], &tz[z], &e)) abort();
  /* starts: 2026-03-08 (a US spring change), 2026-10-25 (EU autumn), 2199-12-01 */
  static const int64_t starts[] = {INT64_C(1772928000), INT64_C(1792886400), INT64_C(7255526400)};
  int64_t after = starts[(data[0] / NZONES) % 3];
  char *s = fuzz_strdup(data + 1, size - 1);
  mi_sched_cron c;
  if (mi_sched_cron_parse(s, &c, &e) == 0) {
    int64_t next;
    for (int i = 0; i < 3 && mi_sched_cron_next(&c, tz[z], after, &next, &e) == 0; i++) {
      assert(next > after && next < MI_SCHED_TIME_MAX);
      int64_t local = mi_sched_tz_local(tz[z], next);
      int64_t day = mi_sched_floor_div(local, 86400);
      int y, m, d;
      mi_civil_from_days(day, &y, &m, &d);
      assert(mi_sched_cron_day_matches(&c, m, d, mi_sched_weekday(day)));
      after = next;
    }
  }
  free(s);
  return 0;
}
