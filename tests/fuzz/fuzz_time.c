/* Fuzz target: the text parsers of dates, instants, durations, times of day,
 * configuration units (sizes, milliseconds, opening hours), local instants
 * in a time zone and points expiry rules. The first byte picks the parser,
 * the rest is the text. Besides not crashing, what a parser accepts must
 * satisfy its contract (ranges, and instants survive format + parse). */
#include <assert.h>

#include "config/config_internal.h"
#include "fuzz.h"
#include "policy/policy.h"
#include "sched/tz.h"
#include "util/timeutil.h"

static mi_sched_tz *zone(void) {
  static mi_sched_tz *tz; /* opened once: a fixed zone with DST changes */
  mi_err e;
  if (!tz && mi_sched_tz_open("America/New_York", &tz, &e)) abort();
  return tz;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  char *s = fuzz_strdup(data + 1, size - 1);
  mi_err e;
  int64_t t, t2;
  int y, mo, d, minutes, start, end;
  char buf[32];
  switch (data[0] % 9) {
  case 0:
    if (mi_date_parse(s, &y, &mo, &d, &e) == 0)
      assert(y >= 1000 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
    break;
  case 1:
    if (mi_instant_parse(s, &t, &e) == 0) {
      mi_instant_format(t, buf);
      if (mi_instant_parse(buf, &t2, &e) == 0) assert(t2 == t);
    }
    break;
  case 2:
    if (mi_duration_parse(s, &t, &e) == 0) assert(t > 0);
    break;
  case 3:
    if (mi_time_of_day_parse(s, &minutes, &e) == 0) assert(minutes >= 0 && minutes <= 1440);
    break;
  case 4:
    if (mi_cfg_parse_size(s, &t) == 0) assert(t > 0);
    break;
  case 5:
    if (mi_cfg_parse_ms(s, &t) == 0) assert(t > 0);
    break;
  case 6:
    if (mi_cfg_parse_hours(s, &start, &end) == 0)
      assert(start >= 0 && start <= 1440 && end >= 0 && end <= 1440);
    break;
  case 7:
    if (mi_sched_tz_parse(zone(), s, &t, &e) == 0 && t >= MI_SCHED_TIME_MIN &&
        t < MI_SCHED_TIME_MAX) {
      mi_sched_tz_format(zone(), t, buf);
      if (mi_sched_tz_parse(zone(), buf, &t2, &e) == 0) assert(t2 == t);
    }
    break;
  case 8:
    /* from: 2026-11-20T08:00:00Z, a Friday */
    if (mi_policy_points_expiry(s, INT64_C(1795161600), &t, &e) == 0)
      assert(t == 0 || t > INT64_C(1795161600));
    break;
  }
  free(s);
  return 0;
}
