/* Time zones: the offset table is sampled from libical once per zone, then
 * every conversion is a binary search in it (see tz.h). */
#include "sched/tz.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/sched_internal.h"
#include "util/i18n.h"
#include "util/timeutil.h"

#define DAY 86400
/* No offset is larger than this in either direction (real ones: -12 h..+14 h). */
#define MAX_SHIFT (26 * 3600)
/* Sampling step when looking for changes. Since 1970 no zone of tzdata has had
 * two changes less than 6.9 days apart (America/Cambridge_Bay, Asia/Gaza), so
 * a change and its undoing never fall within one step. */
#define STEP (2 * DAY)
#define MAX_NAME 64

struct mi_sched_tz {
  char name[MAX_NAME + 1];
  int32_t base; /* the offset before the first change */
  mi_sched_tz_change *changes;
  size_t nchanges;
};

pthread_mutex_t mi_sched_ical_lock = PTHREAD_MUTEX_INITIALIZER;

int64_t mi_sched_floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int mi_sched_weekday(int64_t day) {
  /* 1970-01-01 was a Thursday (3). */
  return (int)(((day % 7) + 7 + 3) % 7);
}

const char *mi_sched_weekday_name(int weekday) {
  /* English (the JSON's and the configuration's); marked for text output (mi_tr) */
  static const char *const names[] = {N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"),
                                      N_("Fri"), N_("Sat"), N_("Sun")};
  return weekday >= 0 && weekday < 7 ? names[weekday] : "?";
}

/* IANA names: letters, digits, '_', '-', '+', components joined by '/'; no
 * component starts with '.' or '-', so a name cannot leave the zoneinfo folder. */
static int name_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > MAX_NAME) return 0;
  int at_start = 1;
  for (const char *p = s; *p; p++) {
    char c = *p;
    if (c == '/') {
      if (at_start) return 0;
      at_start = 1;
      continue;
    }
    if (at_start && (c == '.' || c == '-')) return 0;
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-' || c == '+' || c == '.'))
      return 0;
    at_start = 0;
  }
  return !at_start;
}

/* libical's offset at UTC instant t (caller holds mi_sched_ical_lock). */
static int32_t ical_offset(icaltimezone *z, int64_t t) {
  int64_t day = mi_sched_floor_div(t, DAY), sec = t - day * DAY;
  int y, m, d;
  mi_civil_from_days(day, &y, &m, &d);
  struct icaltimetype tt = icaltime_null_time();
  tt.year = y;
  tt.month = m;
  tt.day = d;
  tt.hour = (int)(sec / 3600);
  tt.minute = (int)(sec / 60 % 60);
  tt.second = (int)(sec % 60);
  tt.zone = icaltimezone_get_utc_timezone();
  int daylight = 0;
  return (int32_t)icaltimezone_get_utc_offset_of_utc_time(z, &tt, &daylight);
}

static int push_change(mi_sched_tz *tz, size_t *cap, int64_t at, int32_t before, int32_t after) {
  if (tz->nchanges == *cap) {
    size_t ncap = *cap ? *cap * 2 : 64;
    mi_sched_tz_change *p = realloc(tz->changes, ncap * sizeof *p);
    if (!p) return MI_ENOMEM;
    tz->changes = p;
    *cap = ncap;
  }
  tz->changes[tz->nchanges++] = (mi_sched_tz_change){at, before, after};
  return 0;
}

/* Samples the offset every STEP seconds and pins each change to the second by
 * bisection. Several changes within one step are found one after the other. */
static int build_table(mi_sched_tz *tz, icaltimezone *z) {
  int64_t from = MI_SCHED_TIME_MIN - 3 * DAY, to = MI_SCHED_TIME_MAX + 3 * DAY;
  size_t cap = 0;
  /* libical expands a zone's changes up to the latest year asked so far; ask
   * for the last one first, so that it expands once rather than every few
   * years of the walk. */
  (void)ical_offset(z, to + STEP);
  int32_t off = ical_offset(z, from);
  tz->base = off;
  for (int64_t lo = from; lo < to;) {
    int64_t hi = lo + STEP;
    int32_t hi_off = ical_offset(z, hi);
    if (hi_off == off) {
      lo = hi;
      continue;
    }
    /* The first second in (lo, hi] whose offset differs from off. */
    int64_t a = lo, b = hi;
    int32_t b_off = hi_off;
    while (b - a > 1) {
      int64_t mid = a + (b - a) / 2;
      int32_t mo = ical_offset(z, mid);
      if (mo == off)
        a = mid;
      else
        b = mid, b_off = mo;
    }
    if (push_change(tz, &cap, b, off, b_off)) return MI_ENOMEM;
    off = b_off;
    lo = b;
  }
  return 0;
}

int mi_sched_tz_open(const char *name, mi_sched_tz **out, mi_err *e) {
  if (out) *out = NULL;
  if (!name || !out) return mi_err_set(e, MI_EINVAL, "mi_sched_tz_open: NULL argument");
  if (!name_ok(name))
    return mi_err_set(e, MI_ENOTFOUND,
                      "unknown time zone '%.80s': use an IANA name such as Asia/Shanghai, "
                      "Europe/Berlin or UTC",
                      name);
  mi_sched_tz *tz = calloc(1, sizeof *tz);
  if (!tz) return mi_err_set(e, MI_ENOMEM, "out of memory opening time zone '%s'", name);
  snprintf(tz->name, sizeof tz->name, "%s", name);
  int rc = 0;
  pthread_mutex_lock(&mi_sched_ical_lock);
  icaltimezone *z = strcmp(name, "UTC") ? icaltimezone_get_builtin_timezone(name)
                                        : icaltimezone_get_utc_timezone();
  if (!z)
    rc = mi_err_set(e, MI_ENOTFOUND,
                    "unknown time zone '%s': use an IANA name such as Asia/Shanghai, "
                    "Europe/Berlin or UTC (the names are the files under /usr/share/zoneinfo; "
                    "is the package tzdata installed?)",
                    name);
  else if (build_table(tz, z))
    rc = mi_err_set(e, MI_ENOMEM, "out of memory reading time zone '%s'", name);
  pthread_mutex_unlock(&mi_sched_ical_lock);
  if (rc) {
    mi_sched_tz_free(tz);
    return rc;
  }
  *out = tz;
  return 0;
}

void mi_sched_tz_free(mi_sched_tz *tz) {
  if (!tz) return;
  free(tz->changes);
  free(tz);
}

const char *mi_sched_tz_name(const mi_sched_tz *tz) { return tz->name; }

size_t mi_sched_tz_changes(const mi_sched_tz *tz, const mi_sched_tz_change **changes) {
  *changes = tz->changes;
  return tz->nchanges;
}

/* The number of changes at or before t (so the segment index of t). */
static size_t changes_upto(const mi_sched_tz *tz, int64_t t) {
  size_t lo = 0, hi = tz->nchanges;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (tz->changes[mid].at <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Segment i runs from changes[i-1].at (or forever) to changes[i].at (or forever). */
static int32_t seg_offset(const mi_sched_tz *tz, size_t i) {
  return i == 0 ? tz->base : tz->changes[i - 1].after;
}

int32_t mi_sched_tz_offset(const mi_sched_tz *tz, int64_t t) {
  return seg_offset(tz, changes_upto(tz, t));
}

int64_t mi_sched_tz_local(const mi_sched_tz *tz, int64_t t) {
  return t + mi_sched_tz_offset(tz, t);
}

int64_t mi_sched_tz_utc(const mi_sched_tz *tz, int64_t local) {
  /* Walk the segments from the first one that could show `local`; in each the
   * clock runs forward, so its first instant showing >= local is either its
   * start (the clock already shows more) or local - offset. */
  for (size_t i = changes_upto(tz, local - MAX_SHIFT); i <= tz->nchanges; i++) {
    int32_t off = seg_offset(tz, i);
    int64_t t = local - off;
    int has_start = i > 0, has_end = i < tz->nchanges;
    if (has_start && t < tz->changes[i - 1].at) return tz->changes[i - 1].at;
    if (!has_end || t < tz->changes[i].at) return t;
  }
  return local; /* not reached: the last segment has no end */
}

int64_t mi_sched_tz_wall_max(const mi_sched_tz *tz, int64_t t) {
  size_t i = changes_upto(tz, t);
  int64_t best = t + seg_offset(tz, i);
  /* The clock can only have shown more than now just before a change that
   * set it back, and no setback exceeds MAX_SHIFT. */
  while (i > 0 && tz->changes[i - 1].at > t - MAX_SHIFT) {
    const mi_sched_tz_change *c = &tz->changes[i - 1];
    int64_t shown = c->at - 1 + c->before;
    if (shown > best) best = shown;
    i--;
  }
  return best;
}

/* True when s (after the date and time) carries "Z" or an offset. */
static int has_zone(const char *s) {
  size_t n = strlen(s);
  if (n > 0 && (s[n - 1] == 'Z' || s[n - 1] == 'z')) return 1;
  /* "...+08:00" or "...-05:00" after a time ("T" or " " at position 10). */
  return n >= 16 + 6 && (s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':';
}

int mi_sched_tz_parse(const mi_sched_tz *tz, const char *s, int64_t *out, mi_err *e) {
  if (!tz || !s || !out) return mi_err_set(e, MI_EINVAL, "mi_sched_tz_parse: NULL argument");
  int64_t t;
  int rc = mi_instant_parse(s, &t, e);
  if (rc) return rc;
  *out = has_zone(s) ? t : mi_sched_tz_utc(tz, t);
  return 0;
}

void mi_sched_tz_format(const mi_sched_tz *tz, int64_t t, char buf[32]) {
  int32_t off = mi_sched_tz_offset(tz, t);
  int64_t local = t + off, day = mi_sched_floor_div(local, DAY), sec = local - day * DAY;
  int y, m, d;
  mi_civil_from_days(day, &y, &m, &d);
  int32_t a = off < 0 ? -off : off;
  char zone[16] = "Z", tmp[96];
  if (off != 0 && a % 60)
    snprintf(zone, sizeof zone, "%c%02d:%02d:%02d", off < 0 ? '-' : '+', (int)(a / 3600),
             (int)(a / 60 % 60), (int)(a % 60));
  else if (off != 0)
    snprintf(zone, sizeof zone, "%c%02d:%02d", off < 0 ? '-' : '+', (int)(a / 3600),
             (int)(a / 60 % 60));
  snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, m, d, (int)(sec / 3600),
           (int)(sec / 60 % 60), (int)(sec % 60), zone);
  size_t n = strlen(tmp);
  if (n > 31) n = 31;
  memcpy(buf, tmp, n);
  buf[n] = '\0';
}
