/* The JSON API's calls: see api_routes.h. A route names a command line in
 * which {x} is field x; the other fields it takes are options (--NAME=VALUE)
 * or flags (--NAME when true). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/api_routes.h"

typedef struct api_route {
  const char *method;
  const char *path;    /* "/"-separated; {x}: one segment, as field x */
  const char *argv;    /* the command, space-separated; {x}: field x, one word */
  const char *options; /* fields given as --NAME=VALUE, comma-separated */
  const char *flags;   /* fields given as --NAME when true */
  int created;         /* success is 201 */
} api_route;

static const api_route routes[] = {
    {"GET", "/api/v1/customers", "customer find {q}", "limit", "phone,email,name,id", 0},
    {"GET", "/api/v1/customers/{id}", "customer show {id}", "", "", 0},
    {"GET", "/api/v1/customers/{id}/history", "customer history {id}", "", "", 0},
    {"GET", "/api/v1/customers/{id}/points", "points show {id}", "last", "lots", 0},
    {"POST", "/api/v1/customers/{id}/points/redeem", "points redeem {id} {points}", "key,reason",
     "", 1},
    {"POST", "/api/v1/tickets", "ticket open", "customer,kind,category,severity,channel,subject,id",
     "", 1},
    {"GET", "/api/v1/tickets/{id}", "ticket show {id}", "", "", 0},
    {"POST", "/api/v1/tickets/{id}/stage", "ticket stage {id} {stage}", "reason", "", 0},
    {"POST", "/api/v1/tickets/{id}/reply", "ticket reply {id} {text}", "", "", 0},
    {"POST", "/api/v1/tickets/{id}/assign", "ticket assign {id} {staff}", "", "reassign", 0},
    {"POST", "/api/v1/interactions", "interaction log",
     "customer,channel,direction,summary,staff,at,id", "", 1},
    {"GET", "/api/v1/surveys/{code}/score", "survey score {code}",
     "wave,period,from,to,by,conf,poststratify", "include-flagged", 0},
};

static const char *field(const mi_api_fields *f, const char *name) {
  for (int i = 0; i < f->n; i++)
    if (!strcmp(f->name[i], name)) return f->value[i];
  return NULL;
}

int mi_api_field_add(mi_api_fields *f, const char *name, const char *value) {
  if (f->n == MI_API_MAX || field(f, name)) return -1;
  f->name[f->n] = name, f->value[f->n++] = value;
  return 0;
}

static char *keep(mi_api_fields *f, const char *text, size_t n) {
  if (f->nowned == 2 * MI_API_MAX) return NULL;
  char *copy = strndup(text, n);
  if (copy) f->owned[f->nowned++] = copy;
  return copy;
}

int mi_api_field_copy(mi_api_fields *f, const char *name, const char *value, size_t n) {
  const char *v = keep(f, value, n);
  return v ? mi_api_field_add(f, name, v) : -1;
}

void mi_api_fields_free(mi_api_fields *f) {
  for (int i = 0; i < f->nowned; i++) free(f->owned[i]);
  f->nowned = f->n = 0;
}

/* Whether path has the route's form; its {x} segments are put in *segs. */
static int match(const char *pattern, const char *path, const char *segs[][2], size_t lens[][2],
                 int *nsegs) {
  *nsegs = 0;
  while (*pattern && *path) {
    if (*pattern++ != '/' || *path++ != '/') return 0;
    const char *pe = strchr(pattern, '/'), *se = strchr(path, '/');
    size_t pn = pe ? (size_t)(pe - pattern) : strlen(pattern);
    size_t sn = se ? (size_t)(se - path) : strlen(path);
    if (pattern[0] == '{') {
      if (!sn || *nsegs == 4) return 0;
      segs[*nsegs][0] = pattern + 1, lens[*nsegs][0] = pn - 2;
      segs[*nsegs][1] = path, lens[*nsegs][1] = sn;
      (*nsegs)++;
    } else if (pn != sn || strncmp(pattern, path, pn)) {
      return 0;
    }
    pattern += pn, path += sn;
  }
  return !*pattern && !*path;
}

static int listed(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; *p;) {
    const char *end = strchr(p, ',');
    size_t k = end ? (size_t)(end - p) : strlen(p);
    if (k == n && !strncmp(p, name, n)) return 1;
    p += k + (end != NULL);
  }
  return 0;
}

static int push(mi_api_call *c, char *word) {
  if (!word) return -1;
  if (c->argc == MI_API_MAX) return free(word), -1;
  c->argv[c->argc++] = word;
  c->argv[c->argc] = NULL;
  return 0;
}

void mi_api_call_free(mi_api_call *c) {
  for (int i = 0; i < c->argc; i++) free(c->argv[i]);
  c->argc = 0;
}

/* The words of rt's command line, {x} replaced by field x. */
static int words(const api_route *rt, const mi_api_fields *f, mi_api_call *c, char *why,
                 size_t size) {
  for (const char *p = rt->argv; *p;) {
    size_t n = strcspn(p, " ");
    char name[64];
    if (p[0] != '{') {
      if (push(c, strndup(p, n))) return 500;
    } else {
      snprintf(name, sizeof name, "%.*s", (int)(n - 2), p + 1);
      const char *v = field(f, name);
      if (!v || !*v) return snprintf(why, size, "'%s' is required", name), 400;
      if (v[0] == '-') /* it would be read as an option */
        return snprintf(why, size, "'%s' may not start with '-'", name), 400;
      if (push(c, strdup(v))) return 500;
    }
    p += n + (p[n] == ' ');
  }
  return 0;
}

/* The other fields as options and flags. */
static int options(const api_route *rt, const mi_api_fields *f, mi_api_call *c, char *why,
                   size_t size) {
  for (int i = 0; i < f->n; i++) {
    const char *name = f->name[i], *v = f->value[i];
    char placeholder[80];
    snprintf(placeholder, sizeof placeholder, "{%.64s}", name);
    if (strstr(rt->argv, placeholder)) continue; /* a word already */
    int flag = listed(rt->flags, name);
    if (listed(rt->options, name) || flag) {
      if (flag && strcmp(v, "true") && strcmp(v, "1") && strcmp(v, "false") && strcmp(v, "0"))
        return snprintf(why, size, "'%s' is true or false", name), 400;
      if (flag && (!strcmp(v, "false") || !strcmp(v, "0"))) continue;
      char *opt = malloc(strlen(name) + strlen(v) + 4);
      if (opt && flag)
        sprintf(opt, "--%s", name);
      else if (opt)
        sprintf(opt, "--%s=%s", name, v);
      if (push(c, opt)) return 500;
    } else {
      return snprintf(why, size, "unknown field '%.64s' (this call takes: %s%s%s)", name,
                      rt->options, *rt->options && *rt->flags ? "," : "", rt->flags),
             400;
    }
  }
  return 0;
}

int mi_api_command(const char *method, const char *path, mi_api_fields *f, mi_api_call *c,
                   const char **allow, char *why, size_t size) {
  memset(c, 0, sizeof *c);
  *allow = NULL;
  const api_route *rt = NULL;
  const char *segs[4][2];
  size_t lens[4][2];
  int nsegs = 0, known = 0;
  for (size_t i = 0; i < sizeof routes / sizeof *routes && !rt; i++) {
    if (!match(routes[i].path, path, segs, lens, &nsegs)) continue;
    known = 1;
    if (!strcmp(routes[i].method, method)) rt = &routes[i];
  }
  if (!rt) {
    if (known) *allow = "GET, POST";
    if (!known) return snprintf(why, size, "no API call %.200s", path), 404;
    return snprintf(why, size, "%.8s is not a method of %.200s", method, path), 405;
  }
  for (int i = 0; i < nsegs; i++) {
    char *name = keep(f, segs[i][0], lens[i][0]);
    if (!name || mi_api_field_copy(f, name, segs[i][1], lens[i][1]))
      return snprintf(why, size, "field '%s' is given twice", name ? name : "?"), 400;
  }
  c->created = rt->created;
  int rc = words(rt, f, c, why, size);
  if (!rc) rc = options(rt, f, c, why, size);
  if (rc == 500) snprintf(why, size, "out of memory, or too many fields");
  if (rc) mi_api_call_free(c);
  return rc;
}
