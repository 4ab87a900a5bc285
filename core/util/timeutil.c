#include "util/timeutil.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Civil-calendar <-> day-number conversion over 400-year eras (the algorithm
 * is public domain arithmetic: shift the year to start in March so the leap
 * day falls last). */
int64_t mi_days_from_civil(int year, int month, int day) {
  int64_t y = (int64_t)year - (month <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void mi_civil_from_days(int64_t days, int *year, int *month, int *day) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *year = (int)(yoe + era * 400 + (m <= 2));
  *month = m;
  *day = d;
}

static int days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 ? 28 + leap : dm[m - 1];
}

/* Reads exactly n digits at *p; advances *p. */
static int digits(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)(*p)[i])) return -1;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  *out = v;
  return 0;
}

static int parse_date_prefix(const char **p, int *y, int *m, int *d) {
  if (digits(p, 4, y) || **p != '-') return -1;
  (*p)++;
  if (digits(p, 2, m) || **p != '-') return -1;
  (*p)++;
  if (digits(p, 2, d)) return -1;
  if (*y < 1000 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m)) return -2;
  return 0;
}

int mi_date_parse(const char *s, int *year, int *month, int *day, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "no date given");
  const char *p = s;
  int y, m, d, rc = parse_date_prefix(&p, &y, &m, &d);
  if (rc == -2) return mi_err_set(e, MI_EPARSE, "'%s' is not a calendar date", s);
  if (rc || *p) return mi_err_set(e, MI_EPARSE, "'%s' is not a date: use YYYY-MM-DD", s);
  *year = y;
  *month = m;
  *day = d;
  return 0;
}

int mi_instant_parse(const char *s, int64_t *out, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "no date/time given");
  const char *p = s;
  int y, mo, d, h = 0, mi = 0, sec = 0, rc = parse_date_prefix(&p, &y, &mo, &d);
  if (rc == -2) return mi_err_set(e, MI_EPARSE, "'%s' is not a calendar date", s);
  if (rc) goto bad;
  if (*p == 'T' || *p == ' ') {
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi)) goto bad;
    if (*p == ':') {
      p++;
      if (digits(&p, 2, &sec)) goto bad;
    }
    if (h > 23 || mi > 59 || sec > 59)
      return mi_err_set(e, MI_EPARSE, "'%s' has a time of day out of range", s);
  }
  int64_t offset = 0;
  if (*p == 'Z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int sign = *p++ == '-' ? -1 : 1, oh, om;
    if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 14 || om > 59) goto bad;
    offset = sign * (oh * 3600 + om * 60);
  }
  if (*p) goto bad;
  *out = mi_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return 0;
bad:
  return mi_err_set(e, MI_EPARSE,
                    "'%s' is not a date/time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS "
                    "with an optional Z or +HH:MM",
                    s);
}

static int64_t floordiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static void two_digits(char *p, int v) {
  p[0] = (char)('0' + v / 10);
  p[1] = (char)('0' + v % 10);
}

/* Digit by digit: batches format a time per row, and snprintf was a few
 * per cent of a run. */
void mi_instant_format(int64_t t, char buf[21]) {
  int64_t days = floordiv(t, 86400), rem = t - days * 86400;
  int y, m, d;
  mi_civil_from_days(days, &y, &m, &d);
  y %= 10000;
  if (y < 0) { /* before year 0: as printf writes it */
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60));
    memcpy(buf, tmp, 20);
    buf[20] = '\0';
    return;
  }
  two_digits(buf, y / 100);
  two_digits(buf + 2, y % 100);
  buf[4] = '-';
  two_digits(buf + 5, m);
  buf[7] = '-';
  two_digits(buf + 8, d);
  buf[10] = 'T';
  two_digits(buf + 11, (int)(rem / 3600));
  buf[13] = ':';
  two_digits(buf + 14, (int)(rem / 60 % 60));
  buf[16] = ':';
  two_digits(buf + 17, (int)(rem % 60));
  buf[19] = 'Z';
  buf[20] = '\0';
}

void mi_date_format(int64_t t, char buf[11]) {
  int y, m, d;
  mi_civil_from_days(floordiv(t, 86400), &y, &m, &d);
  char tmp[48];
  snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m, d);
  memcpy(buf, tmp, 10);
  buf[10] = '\0';
}

int mi_duration_parse(const char *s, int64_t *seconds, mi_err *e) {
  if (!s || !*s) return mi_err_set(e, MI_EPARSE, "empty duration: use e.g. 90m, 12h, 3d");
  int64_t total = 0;
  const char *p = s;
  while (*p) {
    if (!isdigit((unsigned char)*p)) goto bad;
    int64_t n = 0;
    while (isdigit((unsigned char)*p)) {
      n = n * 10 + (*p++ - '0');
      if (n > 100000000) goto bad;
    }
    int64_t unit;
    switch (*p++) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: goto bad;
    }
    total += n * unit;
    if (total > (int64_t)100 * 366 * 86400) goto bad;
  }
  if (total <= 0) goto bad;
  *seconds = total;
  return 0;
bad:
  return mi_err_set(e, MI_EPARSE,
                    "'%s' is not a duration: use a number and a unit s, m, h, d or w "
                    "(e.g. 90m, 12h, 3d, 1d12h)",
                    s);
}

int mi_time_of_day_parse(const char *s, int *minutes, mi_err *e) {
  const char *p = s;
  int h, m;
  if (!s || digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &m) || *p || m > 59 || h > 24 ||
      (h == 24 && m != 0))
    return mi_err_set(e, MI_EPARSE, "'%s' is not a time of day: use HH:MM (00:00 to 24:00)",
                      s ? s : "");
  *minutes = h * 60 + m;
  return 0;
}
