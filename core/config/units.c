/* Sizes, millisecond durations, SLA targets and opening hours as written in
 * manyi.yaml.
 * Pure string parsing: the callers add positions to the messages. */
#include <string.h>

#include "config/config_internal.h"
#include "util/timeutil.h"

/* (0|[1-9][0-9]*) capped at max; *p is moved past the digits. */
static int decimal(const char **p, int64_t max, int64_t *out) {
  const char *s = *p;
  if (*s < '0' || *s > '9') return -1;
  if (*s == '0' && s[1] >= '0' && s[1] <= '9') return -1; /* no leading zeros */
  int64_t v = 0;
  while (*s >= '0' && *s <= '9') {
    if (v > (max - (*s - '0')) / 10) return -1;
    v = v * 10 + (*s++ - '0');
  }
  *p = s;
  *out = v;
  return 0;
}

int mi_cfg_parse_size(const char *s, int64_t *bytes) {
  static const struct {
    const char *suffix;
    int64_t factor;
  } units[] = {{"", 1}, {"KiB", 1024}, {"MiB", 1024 * 1024}, {"GiB", 1024 * 1024 * 1024}};
  int64_t n;
  if (!s || decimal(&s, INT64_MAX, &n)) return -1;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    if (strcmp(s, units[i].suffix)) continue;
    if (n <= 0 || n > INT64_MAX / units[i].factor) return -1;
    *bytes = n * units[i].factor;
    return 0;
  }
  return -1;
}

int mi_cfg_parse_ms(const char *s, int64_t *ms) {
  if (!s) return -1;
  size_t len = strlen(s);
  if (len > 2 && !strcmp(s + len - 2, "ms")) {
    const char *p = s;
    int64_t n;
    if (decimal(&p, INT64_MAX, &n) || strcmp(p, "ms") || n <= 0) return -1;
    *ms = n;
    return 0;
  }
  int64_t sec;
  if (mi_duration_parse(s, &sec, NULL)) return -1;
  *ms = sec * 1000; /* mi_duration_parse caps at 100 years: no overflow */
  return 0;
}

int mi_config_parse_sla_time(const char *s, mi_config_sla_time *t) {
  if (!s) return -1;
  *t = (mi_config_sla_time){0};
  size_t len = strlen(s);
  if (len > 2 && !strcmp(s + len - 2, "bd")) {
    const char *p = s;
    if (decimal(&p, 36500, &t->days) || strcmp(p, "bd") || t->days <= 0) return -1;
    return 0;
  }
  if (mi_duration_parse(s, &t->seconds, NULL)) return -1;
  t->clock_days = strpbrk(s, "dw") != NULL; /* the only letters left are s m h d w */
  return 0;
}

int mi_cfg_parse_hours(const char *s, int *start, int *end) {
  /* Exactly "HH:MM-HH:MM": both halves are five characters. */
  if (!s || strlen(s) != 11 || s[5] != '-') return -1;
  char a[6], b[6];
  memcpy(a, s, 5);
  a[5] = '\0';
  memcpy(b, s + 6, 5);
  b[5] = '\0';
  if (mi_time_of_day_parse(a, start, NULL) || mi_time_of_day_parse(b, end, NULL)) return -1;
  return 0;
}
