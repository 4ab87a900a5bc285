/* Holidays and working days from an iCalendar (.ics) file, parsed by libical.
 * What is read and what is refused is described at mi_sched_ics_load in
 * sched_internal.h. */
#include <errno.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sched/sched_internal.h"
#include "util/timeutil.h"

#define LAST_YEAR 2199
#define MAX_EVENT_DAYS 366

int mi_sched_days_push(mi_sched_days *d, int64_t day) {
  if (d->n == d->cap) {
    size_t ncap = d->cap ? d->cap * 2 : 32;
    int64_t *p = realloc(d->v, ncap * sizeof *p);
    if (!p) return MI_ENOMEM;
    d->v = p;
    d->cap = ncap;
  }
  d->v[d->n++] = day;
  return 0;
}

static int cmp_day(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

void mi_sched_days_sort(mi_sched_days *d) {
  if (d->n < 2) return;
  qsort(d->v, d->n, sizeof *d->v, cmp_day);
  size_t k = 1;
  for (size_t i = 1; i < d->n; i++)
    if (d->v[i] != d->v[k - 1]) d->v[k++] = d->v[i];
  d->n = k;
}

size_t mi_sched_days_lower(const int64_t *v, size_t n, int64_t day) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid] < day)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int mi_sched_days_has(const int64_t *v, size_t n, int64_t day) {
  size_t i = mi_sched_days_lower(v, n, day);
  return i < n && v[i] == day;
}

/* ---- reading ------------------------------------------------------------ */

static int read_file(const char *path, char **out, mi_err *e) {
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return mi_err_set(e, MI_EIO, "cannot read %s: %s", path, strerror(errno));
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap + 1);
  int rc = buf ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory reading %s", path);
  while (!rc) {
    if (n == cap) {
      if (cap >= MI_SCHED_ICS_MAX_BYTES) {
        rc = mi_err_set(e, MI_EINVAL, "%s is larger than %d MiB: not a holiday calendar", path,
                        MI_SCHED_ICS_MAX_BYTES >> 20);
        break;
      }
      cap *= 2;
      char *p = realloc(buf, cap + 1);
      if (!p) {
        rc = mi_err_set(e, MI_ENOMEM, "out of memory reading %s", path);
        break;
      }
      buf = p;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) rc = mi_err_set(e, MI_EIO, "cannot read %s: %s", path, strerror(errno));
      break;
    }
  }
  fclose(f);
  if (!rc) {
    buf[n] = '\0';
    if (strlen(buf) != n)
      rc = mi_err_set(e, MI_EPARSE, "%s: not an iCalendar file (it contains NUL bytes)", path);
  }
  if (rc) {
    free(buf);
    return rc;
  }
  *out = buf;
  return 0;
}

/* ---- events ------------------------------------------------------------- */

typedef struct ics_ctx {
  const char *path;
  mi_sched_days *holidays, *working;
  size_t ndates;
  mi_err *e;
} ics_ctx;

/* A name for messages: the SUMMARY, else the UID, else its position. */
static void event_name(icalcomponent *ev, size_t index, char *buf, size_t size) {
  const char *s = icalcomponent_get_summary(ev);
  if (!s || !*s) s = icalcomponent_get_uid(ev);
  if (s && *s)
    snprintf(buf, size, "'%.100s'", s);
  else
    snprintf(buf, size, "number %zu", index + 1);
}

static int64_t day_of(struct icaltimetype t) { return mi_days_from_civil(t.year, t.month, t.day); }

static void date_text(struct icaltimetype t, char buf[32]) {
  if (t.is_date)
    snprintf(buf, 32, "%04d%02d%02d", t.year, t.month, t.day);
  else
    snprintf(buf, 32, "%04d%02d%02dT%02d%02d%02d%s", t.year, t.month, t.day, t.hour, t.minute,
             t.second, icaltime_is_utc(t) ? "Z" : "");
}

static int is_working_day(icalcomponent *ev) {
  for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY); p;
       p = icalcomponent_get_next_property(ev, ICAL_CATEGORIES_PROPERTY)) {
    const char *v = icalproperty_get_categories(p);
    if (!v) continue;
    /* A value may still hold a comma-separated list. */
    for (const char *s = v; *s;) {
      size_t n = strcspn(s, ",");
      while (n > 0 && (*s == ' ')) s++, n--;
      size_t m = n;
      while (m > 0 && s[m - 1] == ' ') m--;
      if (m == 11 && !strncasecmp(s, "WORKING-DAY", 11)) return 1;
      s += n;
      if (*s == ',') s++;
    }
  }
  return 0;
}

/* Adds the days [start, start + span) of one occurrence, unless excluded. */
static int add_occurrence(ics_ctx *c, const char *name, int64_t start, int64_t span, int working,
                          const mi_sched_days *excluded) {
  if (mi_sched_days_has(excluded->v, excluded->n, start)) return 0;
  for (int64_t d = start; d < start + span; d++) {
    if (++c->ndates > MI_SCHED_ICS_MAX_DATES)
      return mi_err_set(c->e, MI_EINVAL,
                        "%s: more than %d dates (at event %s): is a recurrence rule missing "
                        "its COUNT or UNTIL?",
                        c->path, MI_SCHED_ICS_MAX_DATES, name);
    if (mi_sched_days_push(working ? c->working : c->holidays, d)) return MI_ENOMEM;
  }
  return 0;
}

static int load_event(ics_ctx *c, icalcomponent *ev, size_t index) {
  char name[128], when[32];
  event_name(ev, index, name, sizeof name);
  if (icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED) return 0;
  struct icaltimetype start = icalcomponent_get_dtstart(ev);
  if (icaltime_is_null_time(start))
    return mi_err_set(c->e, MI_EPARSE, "%s: event %s has no DTSTART", c->path, name);
  if (!start.is_date) {
    date_text(start, when);
    return mi_err_set(c->e, MI_EPARSE,
                      "%s: event %s starts at a time of day (DTSTART %s): holidays are whole "
                      "days, write DTSTART;VALUE=DATE:YYYYMMDD",
                      c->path, name, when);
  }
  if (start.year < 1970 || start.year > LAST_YEAR)
    return mi_err_set(c->e, MI_EPARSE, "%s: event %s is in year %d: dates run from 1970 to %d",
                      c->path, name, start.year, LAST_YEAR);
  struct icaltimetype end = icalcomponent_get_dtend(ev);
  int64_t span = 1;
  if (!icaltime_is_null_time(end)) {
    if (!end.is_date) {
      date_text(end, when);
      return mi_err_set(c->e, MI_EPARSE,
                        "%s: event %s ends at a time of day (DTEND %s): write "
                        "DTEND;VALUE=DATE:YYYYMMDD (the day after the last one)",
                        c->path, name, when);
    }
    span = day_of(end) - day_of(start);
  }
  if (span < 1 || span > MAX_EVENT_DAYS)
    return mi_err_set(c->e, MI_EPARSE,
                      "%s: event %s lasts %lld days: an event gives 1 to %d days (DTEND is the "
                      "day after the last one)",
                      c->path, name, (long long)span, MAX_EVENT_DAYS);
  int working = is_working_day(ev);

  mi_sched_days excluded = {0};
  int rc = 0;
  for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p && !rc;
       p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY))
    rc = mi_sched_days_push(&excluded, day_of(icalproperty_get_exdate(p)));
  mi_sched_days_sort(&excluded);

  int has_rule = 0;
  for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY); p && !rc;
       p = icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY)) {
    has_rule = 1;
    struct icalrecurrencetype rule = icalproperty_get_rrule(p);
    icalrecur_iterator *it = icalrecur_iterator_new(rule, start);
    if (!it) {
      rc = mi_err_set(c->e, MI_EPARSE, "%s: event %s: its RRULE is not valid or never occurs",
                      c->path, name);
      break;
    }
    size_t count = 0;
    for (struct icaltimetype o = icalrecur_iterator_next(it);
         !rc && !icaltime_is_null_time(o) && o.year <= LAST_YEAR; o = icalrecur_iterator_next(it)) {
      rc = add_occurrence(c, name, day_of(o), span, working, &excluded);
      count++;
    }
    icalrecur_iterator_free(it);
    if (!rc && count == 0)
      rc = mi_err_set(c->e, MI_EPARSE, "%s: event %s: its RRULE never occurs", c->path, name);
  }
  if (!rc && !has_rule) rc = add_occurrence(c, name, day_of(start), span, working, &excluded);
  for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY); p && !rc;
       p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
    struct icaldatetimeperiodtype r = icalproperty_get_rdate(p);
    if (icaltime_is_null_time(r.time) || !r.time.is_date) {
      rc = mi_err_set(c->e, MI_EPARSE,
                      "%s: event %s: an RDATE is not a date: write RDATE;VALUE=DATE:YYYYMMDD",
                      c->path, name);
      break;
    }
    if (r.time.year >= 1970 && r.time.year <= LAST_YEAR)
      rc = add_occurrence(c, name, day_of(r.time), span, working, &excluded);
  }
  free(excluded.v);
  return rc;
}

/* The first error libical left in the tree (an X-LIC-ERROR property). */
static const char *first_error(icalcomponent *comp) {
  icalproperty *p = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY);
  if (p) return icalproperty_get_xlicerror(p);
  for (icalcomponent *k = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); k;
       k = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT)) {
    const char *m = first_error(k);
    if (m) return m;
  }
  return NULL;
}

static int load_calendar(ics_ctx *c, icalcomponent *cal) {
  size_t index = 0;
  for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT), index++) {
    int rc = load_event(c, ev, index);
    if (rc) return rc;
  }
  return 0;
}

int mi_sched_ics_load(const char *path, mi_sched_days *holidays, mi_sched_days *working,
                      mi_err *e) {
  if (!path || !holidays || !working)
    return mi_err_set(e, MI_EINVAL, "mi_sched_ics_load: NULL argument");
  char *text;
  int rc = read_file(path, &text, e);
  if (rc) return rc;
  ics_ctx c = {path, holidays, working, 0, e};
  pthread_mutex_lock(&mi_sched_ical_lock);
  icalcomponent *root = icalparser_parse_string(text);
  icalcomponent_kind kind = root ? icalcomponent_isa(root) : ICAL_NO_COMPONENT;
  const char *err = root ? first_error(root) : NULL;
  if (!root || (kind != ICAL_VCALENDAR_COMPONENT && kind != ICAL_XROOT_COMPONENT)) {
    rc = mi_err_set(e, MI_EPARSE,
                    "%s: not an iCalendar file (it needs BEGIN:VCALENDAR ... END:VCALENDAR)", path);
  } else if (err) {
    rc = mi_err_set(e, MI_EPARSE, "%s: malformed iCalendar: %.300s", path, err);
  } else if (kind == ICAL_VCALENDAR_COMPONENT) {
    rc = load_calendar(&c, root);
  } else {
    size_t ncal = 0;
    for (icalcomponent *k = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
         k && !rc; k = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT), ncal++)
      rc = load_calendar(&c, k);
    if (!rc && ncal == 0)
      rc = mi_err_set(e, MI_EPARSE, "%s: not an iCalendar file (no VCALENDAR in it)", path);
  }
  if (root) icalcomponent_free(root);
  pthread_mutex_unlock(&mi_sched_ical_lock);
  free(text);
  return rc;
}
