/* Typed readers over the node tree. Each checks one value, and on failure
 * says where it is, what was wrong and what to write instead. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/suggest.h"
#include "config/config_internal.h"
#include "util/timeutil.h"

int mi_cfg_fail(const mi_cfg_ctx *c, const mi_ynode *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mi_err_setv(c->e, MI_ECONFIG, fmt, ap);
  va_end(ap);
  if (c->e) {
    snprintf(c->e->file, sizeof c->e->file, "%s", c->file);
    c->e->line = n ? n->line : 1;
    c->e->column = n ? n->column : 1;
  }
  return MI_ECONFIG;
}

void *mi_cfg_alloc(const mi_cfg_ctx *c, size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size);
  if (!p) mi_err_set(c->e, MI_ENOMEM, "out of memory loading %s", c->file);
  return p;
}

char *mi_cfg_strdup(const mi_cfg_ctx *c, const char *s) {
  char *p = strdup(s);
  if (!p) mi_err_set(c->e, MI_ENOMEM, "out of memory loading %s", c->file);
  return p;
}

const char *mi_cfg_describe(const mi_ynode *n) {
  if (n->kind == MI_YMAP) return "a map";
  if (n->kind == MI_YLIST) return "a list";
  if (!n->plain) return "quoted text";
  switch (mi_plain_classify(n->text)) {
  case MI_PLAIN_NULL: return "nothing (null)";
  case MI_PLAIN_BOOL:
  case MI_PLAIN_AMBIGUOUS_BOOL: return "a boolean";
  case MI_PLAIN_INT:
  case MI_PLAIN_FLOAT:
  case MI_PLAIN_ODD_NUMBER: return "a number";
  default: return "text";
  }
}

int mi_cfg_want_map(const mi_cfg_ctx *c, const mi_ynode *n, const char *what) {
  if (n->kind == MI_YMAP) return 0;
  return mi_cfg_fail(c, n, "%s must be a map of 'key: value' lines, got %s", what,
                     mi_cfg_describe(n));
}

int mi_cfg_want_list(const mi_cfg_ctx *c, const mi_ynode *n, const char *what) {
  if (n->kind == MI_YLIST) return 0;
  return mi_cfg_fail(c, n, "%s must be a list ('- item' lines or [a, b]), got %s", what,
                     mi_cfg_describe(n));
}

const mi_ynode *mi_cfg_get(const mi_ynode *map, const char *key) {
  for (size_t i = 0; i < map->n; i++)
    if (!strcmp(map->items[2 * i]->text, key)) return map->items[2 * i + 1];
  return NULL;
}

int mi_cfg_check_keys(const mi_cfg_ctx *c, const mi_ynode *map, const char *const *known,
                      const char *const *required, const char *where) {
  for (size_t i = 0; i < map->n; i++) {
    const mi_ynode *key = map->items[2 * i], *value = map->items[2 * i + 1];
    const char *const *k = known;
    while (*k && strcmp(*k, key->text)) k++;
    if (*k) continue;
    const char *near = mi_suggest(key->text, known);
    if (near) return mi_cfg_fail(c, key, "unknown key '%s' (did you mean '%s'?)", key->text, near);
    /* A flow map {a: b, c} reads "c" as a key: the usual cause is a comma in
     * unquoted text, so say that rather than list the keys. */
    if (value->kind == MI_YSCALAR && value->plain && !value->text[0] && strchr(key->text, ' '))
      return mi_cfg_fail(c, key,
                         "unknown key '%s': in {...} a comma ends a value; put text that "
                         "contains ', ' in quotes",
                         key->text);
    char list[512] = "";
    for (k = known; *k; k++) {
      size_t used = strlen(list);
      snprintf(list + used, sizeof list - used, "%s%s", k == known ? "" : ", ", *k);
    }
    return mi_cfg_fail(c, key, "unknown key '%s' in %s: use one of %s", key->text, where, list);
  }
  for (; required && *required; required++)
    if (!mi_cfg_get(map, *required))
      return mi_cfg_fail(c, map, "missing required key '%s' in %s: add it", *required, where);
  return 0;
}

/* Text where text is wanted; refuses what other tools would read otherwise. */
static int text_node(const mi_cfg_ctx *c, const mi_ynode *n) {
  if (n->kind != MI_YSCALAR) return mi_cfg_fail(c, n, "expected text, got %s", mi_cfg_describe(n));
  if (n->plain) {
    switch (mi_plain_classify(n->text)) {
    case MI_PLAIN_NULL:
      if (!n->text[0]) return mi_cfg_fail(c, n, "missing value: write the text here");
      return mi_cfg_fail(c, n, "'%s' means null, but text is wanted here: put it in quotes",
                         n->text);
    case MI_PLAIN_BOOL:
    case MI_PLAIN_AMBIGUOUS_BOOL:
      return mi_cfg_fail(c, n,
                         "'%s' is read as a boolean by YAML tools, but text is wanted here: "
                         "put it in quotes",
                         n->text);
    case MI_PLAIN_INT:
    case MI_PLAIN_FLOAT:
    case MI_PLAIN_ODD_NUMBER:
      return mi_cfg_fail(c, n, "'%s' is a number, but text is wanted here: put it in quotes",
                         n->text);
    case MI_PLAIN_TEXT: break;
    }
  }
  if (!n->text[0]) return mi_cfg_fail(c, n, "empty text: write a value");
  return 0;
}

int mi_cfg_text(const mi_cfg_ctx *c, const mi_ynode *n, char **out) {
  int rc = text_node(c, n);
  if (rc) return rc;
  *out = mi_cfg_strdup(c, n->text);
  return *out ? 0 : MI_ENOMEM;
}

int mi_cfg_name(const mi_cfg_ctx *c, const mi_ynode *n, char **out) {
  int rc = text_node(c, n);
  if (rc) return rc;
  size_t chars = 0; /* characters, as SQLite's length() counts them */
  for (const unsigned char *p = (const unsigned char *)n->text; *p; p++) chars += (*p & 0xc0) != 0x80;
  if (chars > MI_CFG_NAME_MAX)
    return mi_cfg_fail(c, n, "this name has %zu characters: at most %d", chars, MI_CFG_NAME_MAX);
  *out = mi_cfg_strdup(c, n->text);
  return *out ? 0 : MI_ENOMEM;
}

int mi_cfg_code(const mi_cfg_ctx *c, const mi_ynode *n, char **out) {
  int rc = text_node(c, n);
  if (rc) return rc;
  if (!mi_cfg_is_code(n->text))
    return mi_cfg_fail(c, n,
                       "'%s' is not a valid code: use a letter, then letters, digits, '_' or "
                       "'-' (at most 64)",
                       n->text);
  *out = mi_cfg_strdup(c, n->text);
  return *out ? 0 : MI_ENOMEM;
}

int mi_cfg_key_code(const mi_cfg_ctx *c, const mi_ynode *key, const char *what, char **out) {
  if (!mi_cfg_is_code(key->text))
    return mi_cfg_fail(c, key,
                       "'%s' is not a valid %s name: use a letter, then letters, digits, '_' "
                       "or '-' (at most 64)",
                       key->text, what);
  *out = mi_cfg_strdup(c, key->text);
  return *out ? 0 : MI_ENOMEM;
}

/* Why a number-looking plain scalar is not a plain integer, with the fix. */
static int int_form_error(const mi_cfg_ctx *c, const mi_ynode *n) {
  const char *s = n->text, *p = s + (*s == '-' || *s == '+');
  if (*s == '+') return mi_cfg_fail(c, n, "'%s' has a '+' sign: write the digits alone", s);
  if (strchr(s, '_'))
    return mi_cfg_fail(c, n, "'%s' has '_' separators: write the digits alone (e.g. 1000)", s);
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b'))
    return mi_cfg_fail(c, n, "'%s' is not decimal: write the value in decimal digits", s);
  if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
    return mi_cfg_fail(c, n,
                       "'%s' has a leading zero, which some YAML tools read as octal: write "
                       "it without the zero",
                       s);
  return mi_cfg_fail(c, n, "'%s' is not an integer: write whole decimal digits (e.g. 1000)", s);
}

int mi_cfg_int(const mi_cfg_ctx *c, const mi_ynode *n, int64_t min, int64_t max, int64_t *out) {
  if (n->kind != MI_YSCALAR || !n->plain)
    return mi_cfg_fail(c, n, "expected an integer, got %s%s", mi_cfg_describe(n),
                       n->kind == MI_YSCALAR ? ": remove the quotes" : "");
  mi_plain_class k = mi_plain_classify(n->text);
  if (k == MI_PLAIN_FLOAT || k == MI_PLAIN_ODD_NUMBER) return int_form_error(c, n);
  if (k != MI_PLAIN_INT)
    return mi_cfg_fail(c, n, "expected an integer, got %s '%s'", mi_cfg_describe(n), n->text);
  errno = 0;
  long long v = strtoll(n->text, NULL, 10);
  if ((errno == ERANGE || v < min || v > max) && max == INT64_MAX)
    return mi_cfg_fail(c, n, "%s is out of range: use %lld or more", n->text, (long long)min);
  if (errno == ERANGE || v < min || v > max)
    return mi_cfg_fail(c, n, "%s is out of range: use %lld to %lld", n->text, (long long)min,
                       (long long)max);
  *out = v;
  return 0;
}

int mi_cfg_number(const mi_cfg_ctx *c, const mi_ynode *n, double min, double *out) {
  if (n->kind != MI_YSCALAR || !n->plain)
    return mi_cfg_fail(c, n, "expected a number, got %s%s", mi_cfg_describe(n),
                       n->kind == MI_YSCALAR ? ": remove the quotes" : "");
  mi_plain_class k = mi_plain_classify(n->text);
  if (k == MI_PLAIN_ODD_NUMBER)
    return mi_cfg_fail(c, n, "'%s' is not a plain decimal number: write it like 0.25 or 3",
                       n->text);
  if (k != MI_PLAIN_INT && k != MI_PLAIN_FLOAT)
    return mi_cfg_fail(c, n, "expected a number, got %s '%s'", mi_cfg_describe(n), n->text);
  errno = 0;
  double v = strtod(n->text, NULL);
  if (errno == ERANGE || v != v || v > 1e300 || v < -1e300)
    return mi_cfg_fail(c, n, "%s is out of range", n->text);
  if (v < min) return mi_cfg_fail(c, n, "%s is too small: use %g or more", n->text, min);
  *out = v;
  return 0;
}

int mi_cfg_bool(const mi_cfg_ctx *c, const mi_ynode *n, bool *out) {
  if (n->kind == MI_YSCALAR && n->plain && mi_plain_classify(n->text) == MI_PLAIN_BOOL) {
    *out = n->text[0] == 't';
    return 0;
  }
  if (n->kind == MI_YSCALAR && n->plain && mi_plain_classify(n->text) == MI_PLAIN_AMBIGUOUS_BOOL)
    return mi_cfg_fail(c, n, "'%s' is not a boolean here: write true or false", n->text);
  if (n->kind == MI_YSCALAR)
    return mi_cfg_fail(c, n, "expected true or false, got %s '%s'%s", mi_cfg_describe(n), n->text,
                       n->plain ? "" : ": remove the quotes");
  return mi_cfg_fail(c, n, "expected true or false, got %s", mi_cfg_describe(n));
}

int mi_cfg_word(const mi_cfg_ctx *c, const mi_ynode *n, const char *const *words, const char *what,
                int *out) {
  int rc = text_node(c, n);
  if (rc) return rc;
  for (int i = 0; words[i]; i++)
    if (!strcmp(n->text, words[i])) {
      *out = i;
      return 0;
    }
  char list[256] = "";
  for (int i = 0; words[i]; i++) {
    size_t used = strlen(list);
    snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", words[i]);
  }
  const char *near = mi_suggest(n->text, words);
  if (near)
    return mi_cfg_fail(c, n, "unknown %s '%s' (did you mean '%s'?): use one of %s", what, n->text,
                       near, list);
  return mi_cfg_fail(c, n, "unknown %s '%s': use one of %s", what, n->text, list);
}

int mi_cfg_duration(const mi_cfg_ctx *c, const mi_ynode *n, int64_t *seconds) {
  int rc = text_node(c, n);
  if (rc) return rc;
  mi_err sub;
  if (mi_duration_parse(n->text, seconds, &sub)) return mi_cfg_fail(c, n, "%s", sub.msg);
  return 0;
}

int mi_cfg_sla_time(const mi_cfg_ctx *c, const mi_ynode *n, mi_config_sla_time *t) {
  int rc = text_node(c, n);
  if (rc) return rc;
  if (mi_config_parse_sla_time(n->text, t))
    return mi_cfg_fail(c, n,
                       "'%s' is not a duration: use hours and minutes (4h, 30m, 1h30m), "
                       "business days alone (3bd), or days (3d) on a 24x7 calendar",
                       n->text);
  return 0;
}

int mi_cfg_date(const mi_cfg_ctx *c, const mi_ynode *n, int64_t *days) {
  int rc = text_node(c, n);
  if (rc) return rc;
  mi_err sub;
  int y, m, d;
  if (mi_date_parse(n->text, &y, &m, &d, &sub)) return mi_cfg_fail(c, n, "%s", sub.msg);
  *days = mi_days_from_civil(y, m, d);
  return 0;
}

int mi_cfg_path(const mi_cfg_ctx *c, const mi_ynode *n, bool must_exist, char **out) {
  int rc = text_node(c, n);
  if (rc) return rc;
  char *path;
  if (n->text[0] == '/') {
    path = mi_cfg_strdup(c, n->text);
  } else {
    size_t len = strlen(c->dir) + 1 + strlen(n->text) + 1;
    path = mi_cfg_alloc(c, len, 1);
    if (path) snprintf(path, len, "%s/%s", c->dir, n->text);
  }
  if (!path) return MI_ENOMEM;
  /* Checked now so a typo is reported with its line, not when the file is used. */
  struct stat st;
  const char *why = NULL;
  if (must_exist && stat(path, &st))
    why = errno == ENOENT ? "not found" : strerror(errno);
  else if (must_exist && !S_ISREG(st.st_mode))
    why = "is not a regular file";
  if (why) {
    rc = mi_cfg_fail(c, n, "file '%s': %s (looked for %s): create it or fix the path", n->text, why,
                     path);
    free(path);
    return rc;
  }
  /* Shown in messages and history rows: "/srv/manyi/policies/tiers.lua", not
   * "/srv/manyi/examples/../policies/tiers.lua". */
  char canonical[PATH_MAX];
  if (must_exist && realpath(path, canonical)) {
    char *shorter = mi_cfg_strdup(c, canonical);
    if (!shorter) {
      free(path);
      return MI_ENOMEM;
    }
    free(path);
    path = shorter;
  }
  *out = path;
  return 0;
}

typedef struct seen_code {
  const mi_ynode *node;
  size_t index;
} seen_code;

static int cmp_seen(const void *a, const void *b) {
  const seen_code *x = a, *y = b;
  int c = strcmp(x->node->text, y->node->text);
  if (c) return c;
  return (x->index > y->index) - (x->index < y->index);
}

/* Sorting keeps this O(n log n) on hostile files; the repeat that comes first
 * in the file is reported, with the line of its first use. */
int mi_cfg_unique(const mi_cfg_ctx *c, const mi_ynode *const *nodes, size_t count,
                  const char *what) {
  if (count < 2) return 0;
  seen_code *v = mi_cfg_alloc(c, count, sizeof *v);
  if (!v) return MI_ENOMEM;
  for (size_t i = 0; i < count; i++) v[i] = (seen_code){nodes[i], i};
  qsort(v, count, sizeof *v, cmp_seen);
  size_t dup = count, first = 0;
  for (size_t i = 1; i < count; i++)
    if (!strcmp(v[i - 1].node->text, v[i].node->text) &&
        (dup == count || v[i].index < v[dup].index)) {
      dup = i;
      first = i - 1;
    }
  int rc = 0;
  if (dup < count)
    rc = mi_cfg_fail(c, v[dup].node, "duplicate %s '%s' (first at line %d): codes must be unique",
                     what, v[dup].node->text, v[first].node->line);
  free(v);
  return rc;
}
