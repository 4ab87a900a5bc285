/* The forms of names in manyi.yaml: codes (departments, tiers, surveys,
 * questions, calendars, dimensions, targets), time zones and OS user names.
 * The same patterns are in schemas/manyi.schema.json. */
#include <string.h>

#include "config/config_internal.h"

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* [A-Za-z][A-Za-z0-9_-]{0,63}: safe in file names, SQL values and Lua keys. */
bool mi_cfg_is_code(const char *s) {
  if (!is_alpha(s[0])) return false;
  size_t n = 1;
  for (; s[n]; n++)
    if (!is_alpha(s[n]) && !is_digit(s[n]) && s[n] != '_' && s[n] != '-') return false;
  return n <= 64;
}

/* [A-Za-z][A-Za-z0-9_+-]* ("/" [A-Za-z0-9_+-]+)* : the form of tz database
 * names; whether the zone exists is up to the system's zoneinfo. */
bool mi_cfg_is_tz(const char *s) {
  if (!is_alpha(s[0]) || strlen(s) > 64) return false;
  bool after_slash = false;
  for (const char *p = s; *p; p++) {
    if (*p == '/') {
      if (after_slash || !p[1]) return false; /* no empty parts */
      after_slash = true;
      continue;
    }
    if (!is_alpha(*p) && !is_digit(*p) && !strchr("_+-", *p)) return false;
    after_slash = false;
  }
  return true;
}

/* [A-Za-z_][A-Za-z0-9._-]{0,31}: the portable POSIX user name set. */
bool mi_cfg_is_username(const char *s) {
  if (!is_alpha(s[0]) && s[0] != '_') return false;
  size_t n = 1;
  for (; s[n]; n++)
    if (!is_alpha(s[n]) && !is_digit(s[n]) && !strchr("._-", s[n])) return false;
  return n <= 32;
}
