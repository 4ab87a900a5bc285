/* Cron expressions: a strict parser into bit sets, and the search for the
 * next firing time over local dates (month by month, day by day, never
 * minute by minute). Rules in cron.h. */
#include "sched/cron.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/timeutil.h"

#define DAY 86400

typedef struct field_def {
  const char *name;
  int min, max;
  const char *const *names; /* three-letter names for min.., or NULL */
} field_def;

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                          "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

static const field_def fields[5] = {
    {"minute", 0, 59, NULL},          {"hour", 0, 23, NULL},
    {"day-of-month", 1, 31, NULL},    {"month", 1, 12, month_names},
    {"day-of-week", 0, 7, day_names},
};

/* Copies s[0..n) for a message: at most 24 characters, unprintable ones as '?'. */
static const char *shown(const char *s, size_t n, char buf[32]) {
  size_t k = 0;
  for (; k < n && k < 24; k++) buf[k] = isprint((unsigned char)s[k]) ? s[k] : '?';
  if (n > 24) buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
  buf[k] = '\0';
  return buf;
}

static int fail(mi_err *e, int f, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(mi_err *e, int f, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return mi_err_set(e, MI_EPARSE, "cron: field %d (%s): %s", f + 1, fields[f].name, msg);
}

/* One value: digits or (where the field has them) a name. *end is set past it. */
static int value(const char *s, size_t n, int f, int *out, mi_err *e) {
  char buf[32];
  const field_def *fd = &fields[f];
  if (n > 0 && isdigit((unsigned char)s[0])) {
    long v = 0;
    for (size_t i = 0; i < n; i++) {
      if (!isdigit((unsigned char)s[i]))
        return fail(e, f, "'%s' is not a number", shown(s, n, buf));
      if (v < 1000000) v = v * 10 + (s[i] - '0');
    }
    if (v < fd->min || v > fd->max)
      return fail(e, f, "%s is out of range %d-%d", shown(s, n, buf), fd->min, fd->max);
    *out = (int)v;
    return 0;
  }
  if (fd->names && n == 3) {
    for (int i = 0; fd->names[i]; i++) {
      if (!strncasecmp(s, fd->names[i], 3)) {
        *out = fd->min + i;
        return 0;
      }
    }
  }
  if (fd->names)
    return fail(e, f, "'%s' is not a number or a %s", shown(s, n, buf),
                f == 3 ? "month name (jan..dec)" : "weekday name (sun..sat)");
  return fail(e, f, "'%s' is not a number", shown(s, n, buf));
}

/* One list item: "*", "*\/n", "a", "a-b", "a-b/n". Sets bits in *bits. */
static int item(const char *s, size_t n, int f, uint64_t *bits, bool *star, mi_err *e) {
  const field_def *fd = &fields[f];
  char buf[32];
  if (n == 0) return fail(e, f, "an empty item in a list");
  const char *slash = memchr(s, '/', n);
  size_t base_n = slash ? (size_t)(slash - s) : n;
  int lo, hi, step = 1;
  if (slash) {
    const char *st = slash + 1;
    size_t sn = n - base_n - 1;
    if (sn == 0) return fail(e, f, "'%s' has no step after '/'", shown(s, n, buf));
    long v = 0;
    for (size_t i = 0; i < sn; i++) {
      if (!isdigit((unsigned char)st[i]))
        return fail(e, f, "step '%s' is not a number", shown(st, sn, buf));
      if (v < 1000000) v = v * 10 + (st[i] - '0');
    }
    int span = fd->max - fd->min + 1;
    if (v < 1 || v > span)
      return fail(e, f, "step %s is out of range 1-%d", shown(st, sn, buf), span);
    step = (int)v;
  }
  if (base_n == 1 && s[0] == '*') {
    *star = true;
    lo = fd->min;
    hi = f == 4 ? 6 : fd->max;
  } else {
    const char *dash = memchr(s, '-', base_n);
    if (dash == s) return fail(e, f, "'%s' is not a number (no negative values)", shown(s, n, buf));
    size_t an = dash ? (size_t)(dash - s) : base_n;
    int rc = value(s, an, f, &lo, e);
    if (rc) return rc;
    if (dash) {
      rc = value(dash + 1, base_n - an - 1, f, &hi, e);
      if (rc) return rc;
      if (f == 4 && hi == 0 && lo > 0) hi = 7; /* "mon-sun" runs to Sunday */
      if (hi < lo)
        return fail(e, f,
                    "range '%s' goes backwards: write it from low to high (a range does "
                    "not wrap around)",
                    shown(s, base_n, buf));
    } else {
      if (slash)
        return fail(e, f, "'%s' needs a range before the step: write %d-%d/%d or */%d",
                    shown(s, n, buf), lo, fd->max, step, step);
      hi = lo;
    }
  }
  for (int v = lo; v <= hi; v += step) *bits |= UINT64_C(1) << (f == 4 && v == 7 ? 0 : v);
  return 0;
}

static int field(const char *s, size_t n, int f, uint64_t *bits, bool *star, mi_err *e) {
  *bits = 0;
  bool any_star = false;
  for (size_t i = 0;;) {
    size_t k = i;
    while (k < n && s[k] != ',') k++;
    bool st = false;
    int rc = item(s + i, k - i, f, bits, &st, e);
    if (rc) return rc;
    if (i == 0) any_star = st; /* the field starts with '*' */
    if (k == n) break;
    i = k + 1;
    if (i == n) return fail(e, f, "an empty item in a list");
  }
  *star = any_star;
  return 0;
}

static const struct {
  const char *name, *expr;
} macros[] = {{"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
              {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
              {"@hourly", "0 * * * *"}};

static int days_in_month(int y, int m) {
  static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return 29;
  return n[m - 1];
}

int mi_sched_cron_parse(const char *text, mi_sched_cron *out, mi_err *e) {
  if (!text || !out) return mi_err_set(e, MI_EINVAL, "mi_sched_cron_parse: NULL argument");
  memset(out, 0, sizeof *out);
  size_t len = strnlen(text, MI_SCHED_CRON_MAX_LEN + 1);
  if (len > MI_SCHED_CRON_MAX_LEN)
    return mi_err_set(e, MI_EPARSE, "cron: the expression is longer than %d characters",
                      MI_SCHED_CRON_MAX_LEN);
  const char *s = text;
  while (*s == ' ' || *s == '\t') s++;
  if (*s == '@') {
    size_t n = strcspn(s, " \t");
    const char *rest = s + n;
    while (*rest == ' ' || *rest == '\t') rest++;
    for (size_t i = 0; i < sizeof macros / sizeof *macros; i++)
      if (strlen(macros[i].name) == n && !strncasecmp(s, macros[i].name, n) && !*rest)
        return mi_sched_cron_parse(macros[i].expr, out, e);
    char buf[32];
    return mi_err_set(e, MI_EPARSE,
                      "cron: '%s' is not known: use 5 fields or one of @yearly, @monthly, "
                      "@weekly, @daily, @hourly",
                      shown(s, strlen(s), buf));
  }
  const char *start[6];
  size_t size[6];
  int nf = 0;
  while (*s) {
    size_t n = strcspn(s, " \t");
    if (nf < 6) start[nf] = s, size[nf] = n;
    nf++;
    s += n;
    while (*s == ' ' || *s == '\t') s++;
  }
  if (nf != 5)
    return mi_err_set(e, MI_EPARSE,
                      "cron: %d field%s where 5 are needed: minute hour day-of-month month "
                      "day-of-week (e.g. '30 9 * * mon-fri')",
                      nf, nf == 1 ? "" : "s");
  uint64_t bits[5];
  bool star[5];
  for (int f = 0; f < 5; f++) {
    int rc = field(start[f], size[f], f, &bits[f], &star[f], e);
    if (rc) return rc;
  }
  out->minutes = bits[0];
  out->hours = (uint32_t)bits[1];
  out->mdays = (uint32_t)bits[2];
  out->months = (uint16_t)bits[3];
  out->wdays = (uint8_t)bits[4];
  out->mday_star = star[2];
  out->wday_star = star[4];
  /* In "both must match" mode the day of month must exist in a listed month
   * (every date falls on every weekday in some year). */
  if (out->mday_star || out->wday_star) {
    bool possible = false;
    for (int m = 1; m <= 12 && !possible; m++)
      if (out->months & (1u << m))
        for (int d = 1; d <= days_in_month(2000, m) && !possible; d++)
          possible = out->mdays & (UINT32_C(1) << d);
    if (!possible) {
      char buf[32];
      return mi_err_set(e, MI_EPARSE,
                        "cron: '%s' never matches: no month in it has those days of the month",
                        shown(text, len, buf));
    }
  }
  return 0;
}

bool mi_sched_cron_day_matches(const mi_sched_cron *c, int month, int mday, int iso_weekday) {
  if (!(c->months & (1u << month))) return false;
  bool md = c->mdays & (UINT32_C(1) << mday);
  bool wd = c->wdays & (1u << ((iso_weekday + 1) % 7));
  return (c->mday_star || c->wday_star) ? (md && wd) : (md || wd);
}

/* The first matching local minute at or after `local` (a multiple of 60), or
 * -1 when there is none before the end of the range. */
static int64_t next_local(const mi_sched_cron *c, int64_t local) {
  int64_t day = mi_sched_floor_div(local, DAY);
  int from = (int)((local - day * DAY) / 60); /* minute of the day */
  int64_t last = MI_SCHED_TIME_MAX / DAY + 1;
  while (day <= last) {
    int y, m, d;
    mi_civil_from_days(day, &y, &m, &d);
    if (!(c->months & (1u << m))) {
      day = m == 12 ? mi_days_from_civil(y + 1, 1, 1) : mi_days_from_civil(y, m + 1, 1);
      from = 0;
      continue;
    }
    if (mi_sched_cron_day_matches(c, m, d, mi_sched_weekday(day))) {
      for (int h = from / 60; h < 24; h++) {
        if (!(c->hours & (UINT32_C(1) << h))) continue;
        for (int mi = h == from / 60 ? from % 60 : 0; mi < 60; mi++)
          if (c->minutes & (UINT64_C(1) << mi)) return day * DAY + h * 3600 + mi * 60;
      }
    }
    day++;
    from = 0;
  }
  return -1;
}

int mi_sched_cron_next(const mi_sched_cron *cron, const mi_sched_tz *tz, int64_t after,
                       int64_t *next, mi_err *e) {
  if (!cron || !tz || !next) return mi_err_set(e, MI_EINVAL, "mi_sched_cron_next: NULL argument");
  if (after < MI_SCHED_TIME_MIN || after >= MI_SCHED_TIME_MAX)
    return mi_err_set(e, MI_EINVAL,
                      "cron: %lld is outside the supported range 1970-01-01..2199-12-31",
                      (long long)after);
  if (!cron->minutes || !cron->hours || !cron->months || !(cron->mdays | cron->wdays))
    return mi_err_set(e, MI_EINVAL, "cron: the expression is empty (was it parsed?)");
  /* Wall times up to the latest one the clock has shown by `after` have
   * fired already (tz.h: utc(L) <= after exactly when wall_max(after) >= L). */
  int64_t from = (mi_sched_floor_div(mi_sched_tz_wall_max(tz, after), 60) + 1) * 60;
  int64_t local = next_local(cron, from);
  int64_t t = local < 0 ? MI_SCHED_TIME_MAX : mi_sched_tz_utc(tz, local);
  if (t >= MI_SCHED_TIME_MAX)
    return mi_err_set(e, MI_EINVAL, "cron: no firing time before the year 2200");
  *next = t;
  return 0;
}
