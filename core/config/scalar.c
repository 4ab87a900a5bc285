/* What an unquoted scalar means. libyaml hands over raw text; the config
 * reads it like the YAML 1.2 core schema, and flags the forms that other YAML
 * tools (1.1: yes/no/on/off, octal 010, 1_000, 0x10) read differently, so the
 * loaders can refuse them instead of guessing. */
#include <string.h>

#include "config/config_internal.h"

static bool in(const char *s, const char *const *words) {
  for (; *words; words++)
    if (!strcmp(s, *words)) return true;
  return false;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* -?(0|[1-9][0-9]*) ; *end is set past it. */
static bool strict_int(const char *s, const char **end) {
  if (*s == '-') s++;
  if (*s == '0') {
    s++;
  } else if (*s >= '1' && *s <= '9') {
    while (is_digit(*s)) s++;
  } else {
    return false;
  }
  *end = s;
  return true;
}

static bool strict_float(const char *s) {
  const char *p;
  if (!strict_int(s, &p)) return false;
  bool frac = false, exp = false;
  if (*p == '.') {
    p++;
    if (!is_digit(*p)) return false;
    while (is_digit(*p)) p++;
    frac = true;
  }
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!is_digit(*p)) return false;
    while (is_digit(*p)) p++;
    exp = true;
  }
  return !*p && (frac || exp);
}

/* Anything YAML 1.1 or 1.2 tools read as a number: signs, 0x/0o/0b, '_',
 * leading dots, .inf/.nan. Only called when the strict forms did not match. */
static bool number_like(const char *s) {
  static const char *const special[] = {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN", NULL};
  if (*s == '+' || *s == '-') s++;
  if (in(s, special)) return true;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b') && s[2]) {
    for (const char *p = s + 2; *p; p++)
      if (!is_digit(*p) && !strchr("abcdefABCDEF_", *p)) return false;
    return true;
  }
  const char *p = s;
  bool digits = false;
  while (is_digit(*p) || *p == '_') digits |= is_digit(*p++);
  if (*p == '.') {
    p++;
    while (is_digit(*p) || *p == '_') digits |= is_digit(*p++);
  }
  if (!digits) return false;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!is_digit(*p)) return false;
    while (is_digit(*p)) p++;
  }
  return !*p;
}

mi_plain_class mi_plain_classify(const char *s) {
  static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
  static const char *const bools[] = {"true", "false", NULL};
  static const char *const bools11[] = {"True", "TRUE", "False", "FALSE", "yes", "Yes",
                                        "YES",  "no",   "No",    "NO",    "on",  "On",
                                        "ON",   "off",  "Off",   "OFF",   NULL};
  const char *end;
  if (in(s, nulls)) return MI_PLAIN_NULL;
  if (in(s, bools)) return MI_PLAIN_BOOL;
  if (in(s, bools11)) return MI_PLAIN_AMBIGUOUS_BOOL;
  if (strict_int(s, &end) && !*end) return MI_PLAIN_INT;
  if (strict_float(s)) return MI_PLAIN_FLOAT;
  if (number_like(s)) return MI_PLAIN_ODD_NUMBER;
  return MI_PLAIN_TEXT;
}
