#include "service/fields.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/timeutil.h"

int mi_field_absent(const char *v) { return !v || !*v; }

static int missing(mi_err *e) { return mi_err_set(e, MI_EPARSE, "is empty but required"); }

int mi_field_text(const char *v, size_t max_bytes, mi_err *e) {
  if (mi_field_absent(v)) return missing(e);
  if (strlen(v) > max_bytes)
    return mi_err_set(e, MI_EPARSE, "is longer than %zu bytes", max_bytes);
  return 0;
}

int mi_field_choice(const char *v, const char *const *choices, int optional,
                    mi_err *e) {
  if (mi_field_absent(v)) return optional ? 0 : missing(e);
  char list[256] = "";
  for (int i = 0; choices[i]; i++) {
    if (strcmp(v, choices[i]) == 0) return 0;
    size_t n = strlen(list);
    snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", choices[i]);
  }
  return mi_err_set(e, MI_EPARSE, "'%s' is not one of %s", v, list);
}

int mi_field_int(const char *v, int64_t lo, int64_t hi, int64_t *out,
                 mi_err *e) {
  if (mi_field_absent(v)) return missing(e);
  const char *p = v + (*v == '-');
  if (!isdigit((unsigned char)*p)) goto bad;
  for (; *p; p++)
    if (!isdigit((unsigned char)*p)) goto bad;
  errno = 0;
  long long n = strtoll(v, NULL, 10);
  if (errno || n < lo || n > hi)
    return mi_err_set(e, MI_EPARSE, "%s is outside %lld..%lld", v,
                      (long long)lo, (long long)hi);
  *out = n;
  return 0;
bad:
  return mi_err_set(e, MI_EPARSE, "'%s' is not a whole number", v);
}

int mi_field_bool(const char *v, int *out, mi_err *e) {
  if (mi_field_absent(v)) return missing(e);
  if (!strcmp(v, "1") || !strcmp(v, "true")) *out = 1;
  else if (!strcmp(v, "0") || !strcmp(v, "false")) *out = 0;
  else return mi_err_set(e, MI_EPARSE, "'%s' is not 0/1 or true/false", v);
  return 0;
}

int mi_field_money(const char *v, int64_t *out, mi_err *e) {
  if (mi_field_absent(v)) return missing(e);
  const char *p = v;
  int64_t units = 0, cents = 0;
  int digits = 0, decimals = 0;
  int too_big = 0;
  for (; isdigit((unsigned char)*p); p++, digits++) {
    if (units > MI_AMOUNT_MAX_MINOR / 100) too_big = 1; /* and stop growing */
    else units = units * 10 + (*p - '0');
  }
  if (*p == '.') {
    for (p++; isdigit((unsigned char)*p) && decimals < 3; p++, decimals++)
      cents = cents * 10 + (*p - '0');
    if (decimals == 0 || decimals > 2) goto bad;
    if (decimals == 1) cents *= 10;
  }
  if (*p || digits == 0) goto bad;
  if (too_big || units * 100 + cents > MI_AMOUNT_MAX_MINOR)
    return mi_err_set(e, MI_EINVAL, "'%s' is more than the largest amount, " MI_AMOUNT_MAX_TEXT
                      " (so that the sums of a customer's orders fit in 64 bits)", v);
  *out = units * 100 + cents;
  return 0;
bad:
  return mi_err_set(e, MI_EPARSE,
                    "'%s' is not an amount (digits with at most 2 decimals, "
                    "a dot as decimal point, no sign or thousands separator)",
                    v);
}

int mi_field_instant(const char *v, int64_t *out, mi_err *e) {
  if (mi_field_absent(v)) return missing(e);
  return mi_instant_parse(v, out, e) ? MI_EPARSE : 0;
}

int mi_field_date(const char *v, mi_err *e) {
  int y, m, d;
  if (mi_field_absent(v)) return missing(e);
  return mi_date_parse(v, &y, &m, &d, e) ? MI_EPARSE : 0;
}

int mi_field_phone(const char *v, mi_err *e) {
  if (mi_field_absent(v)) return missing(e);
  int digits = 0;
  for (const char *p = v; *p; p++) {
    if (isdigit((unsigned char)*p)) digits++;
    else if (!strchr(" +()-", *p))
      return mi_err_set(e, MI_EPARSE, "'%.40s' is not a phone number: use digits, spaces, '+', "
                        "'-', '(' and ')'", v);
  }
  if (digits < 3 || strlen(v) > 32)
    return mi_err_set(e, MI_EPARSE, "'%.40s' is not a phone number: 3 digits or more, at most 32 "
                      "characters", v);
  return 0;
}

int mi_field_number(const char *v, double *out, mi_err *e) {
  if (mi_field_absent(v)) return missing(e);
  const char *p = v + (*v == '-' || *v == '+');
  int digits = 0;
  for (; isdigit((unsigned char)*p); p++) digits++;
  if (*p == '.')
    for (p++; isdigit((unsigned char)*p); p++) digits++;
  if (*p || !digits) return mi_err_set(e, MI_EPARSE, "'%s' is not a number", v);
  *out = strtod(v, NULL);
  if (!isfinite(*out)) return mi_err_set(e, MI_EPARSE, "'%s' is out of range", v);
  return 0;
}
