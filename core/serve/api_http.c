/* /api/v1/...: the JSON API for other systems. A call names a route of the
 * table below, which turns it into a command of manyi's own command table
 * (`manyi customer find ...`); the command runs as the client
 * (o->run_command: the role check, the scope of an agent, the audit entry
 * are the command's, as on the command line), and its --json output is
 * the answer. Clients authenticate with a bearer
 * token (manyi serve client add) and are held to serve.client_rate calls a
 * second each. */
#define _GNU_SOURCE /* memfd_create */
#include <jansson.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve_internal.h"
#include "service/api_clients.h"

enum { MAX_ARGS = 48 };

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
    {"POST", "/api/v1/customers/{id}/points/redeem", "points redeem {id} {points}", "key,reason", "", 1},
    {"POST", "/api/v1/tickets", "ticket open", "customer,kind,category,severity,channel,subject,id", "", 1},
    {"GET", "/api/v1/tickets/{id}", "ticket show {id}", "", "", 0},
    {"POST", "/api/v1/tickets/{id}/stage", "ticket stage {id} {stage}", "reason", "", 0},
    {"POST", "/api/v1/tickets/{id}/reply", "ticket reply {id} {text}", "", "", 0},
    {"POST", "/api/v1/tickets/{id}/assign", "ticket assign {id} {staff}", "", "reassign", 0},
    {"POST", "/api/v1/interactions", "interaction log", "customer,channel,direction,summary,staff,at,id", "", 1},
    {"GET", "/api/v1/surveys/{code}/score", "survey score {code}", "wave,period,from,to,by,conf,poststratify", "include-flagged", 0},
};

/* ---- replies --------------------------------------------------------------- */

static void json_reply(mi_reply *r, int status, json_t *doc) {
  r->status = status;
  r->type = "application/json";
  r->body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
  if (r->body) { /* a line: easy to read with curl */
    char *grown = realloc(r->body, strlen(r->body) + 2);
    if (grown) strcat(r->body = grown, "\n");
  }
  json_decref(doc);
}

static void api_error(mi_reply *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void api_error(mi_reply *r, int status, const char *code, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  json_reply(r, status, json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", msg));
}

/* ---- fields: the path's, the query's, the body's ----------------------------- */

typedef struct fields {
  const char *name[MAX_ARGS], *value[MAX_ARGS];
  int n;
  char *owned[MAX_ARGS]; /* the path's segments, copied */
  int nowned;
} fields;

static const char *field(const fields *f, const char *name) {
  for (int i = 0; i < f->n; i++)
    if (!strcmp(f->name[i], name)) return f->value[i];
  return NULL;
}

static int add_field(fields *f, const char *name, const char *value) {
  if (f->n == MAX_ARGS || field(f, name)) return -1;
  f->name[f->n] = name, f->value[f->n++] = value;
  return 0;
}

/* Whether path matches the route's; its {x} segments become fields. */
static int match(const char *pattern, const char *path, fields *f) {
  while (*pattern && *path) {
    if (*pattern++ != '/' || *path++ != '/') return 0;
    const char *pe = strchr(pattern, '/'), *se = strchr(path, '/');
    size_t pn = pe ? (size_t)(pe - pattern) : strlen(pattern);
    size_t sn = se ? (size_t)(se - path) : strlen(path);
    if (pattern[0] == '{') {
      if (!sn || f->nowned == MAX_ARGS) return 0;
      char *name = strndup(pattern + 1, pn - 2), *value = strndup(path, sn);
      f->owned[f->nowned++] = name;
      if (f->nowned < MAX_ARGS) f->owned[f->nowned++] = value;
      if (!name || !value || add_field(f, name, value)) return 0;
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

typedef struct query_ctx {
  fields *f;
  int bad;
} query_ctx;

static enum MHD_Result query_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value) {
  (void)kind;
  query_ctx *q = cls;
  if (add_field(q->f, key, value ? value : "")) q->bad = 1;
  return MHD_YES;
}

/* ---- the command line of a call ------------------------------------------------ */

typedef struct call {
  char *argv[MAX_ARGS + 1];
  int argc;
  char *owned[MAX_ARGS];
  int nowned;
} call;

static int push(call *c, char *word, int owned) {
  if (!word || c->argc == MAX_ARGS) return -1;
  c->argv[c->argc++] = word;
  if (owned) c->owned[c->nowned++] = word;
  return 0;
}

/* The command of route rt with fields f; 0, or a message in why. */
static int command_of(const api_route *rt, const fields *f, call *c, char *why, size_t size) {
  char *words = strdup(rt->argv), *save = NULL;
  int rc = words ? 0 : -1;
  for (char *w = words ? strtok_r(words, " ", &save) : NULL; w && !rc; w = strtok_r(NULL, " ", &save)) {
    if (w[0] != '{') {
      rc = push(c, strdup(w), 1);
      continue;
    }
    w[strlen(w) - 1] = '\0';
    const char *v = field(f, w + 1);
    if (!v || !*v) {
      snprintf(why, size, "'%s' is required", w + 1);
      rc = 1;
    } else if (v[0] == '-') { /* would be read as an option */
      snprintf(why, size, "'%s' may not start with '-'", w + 1);
      rc = 1;
    } else {
      rc = push(c, strdup(v), 1);
    }
  }
  free(words);
  for (int i = 0; i < f->n && !rc; i++) {
    const char *name = f->name[i], *v = f->value[i];
    char placeholder[80];
    snprintf(placeholder, sizeof placeholder, "{%s}", name);
    if (strstr(rt->argv, placeholder)) continue; /* taken above */
    char opt[600];
    if (listed(rt->options, name)) {
      snprintf(opt, sizeof opt, "--%s=%s", name, v);
      rc = strlen(name) + strlen(v) + 4 > sizeof opt ? (snprintf(why, size, "'%s' is too long", name), 1)
                                                     : push(c, strdup(opt), 1);
    } else if (listed(rt->flags, name)) {
      snprintf(opt, sizeof opt, "--%s", name);
      if (!strcmp(v, "true") || !strcmp(v, "1")) rc = push(c, strdup(opt), 1);
      else if (strcmp(v, "false") && strcmp(v, "0"))
        snprintf(why, size, "'%s' is true or false", name), rc = 1;
    } else {
      snprintf(why, size, "unknown field '%s' (this call takes: %s%s%s)", name, rt->options,
               *rt->options && *rt->flags ? "," : "", rt->flags);
      rc = 1;
    }
  }
  if (rc < 0) snprintf(why, size, "too many fields");
  c->argv[c->argc] = NULL;
  return rc;
}

static void call_free(call *c) {
  for (int i = 0; i < c->nowned; i++) free(c->owned[i]);
}

/* ---- running it ------------------------------------------------------------------ */

static char *slurp(int fd) {
  off_t n = lseek(fd, 0, SEEK_END);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (!buf) return NULL;
  ssize_t got = pread(fd, buf, (size_t)n, 0);
  buf[got > 0 ? got : 0] = '\0';
  return buf;
}

/* The command, with what it prints to stdout and stderr captured into
 * *out and *err (owned). The serving thread is the only one that writes to
 * them meanwhile (the main thread waits for a signal). The exit status, or
 * -1 when the output cannot be captured. */
static int run_captured(const mi_serve_options *o, const mi_actor *as, call *c, char **out,
                        char **err) {
  int fo = memfd_create("manyi-api-out", MFD_CLOEXEC), fe = memfd_create("manyi-api-err", MFD_CLOEXEC);
  int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
  *out = *err = NULL;
  int status = -1;
  if (fo >= 0 && fe >= 0 && saved_out >= 0 && saved_err >= 0) {
    fflush(stdout);
    fflush(stderr);
    if (dup2(fo, STDOUT_FILENO) >= 0 && dup2(fe, STDERR_FILENO) >= 0)
      status = o->run_command(o->ud, as, c->argc, c->argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    *out = slurp(fo);
    *err = slurp(fe);
  }
  for (int fd, i = 0; i < 4; i++)
    if ((fd = (int[]){fo, fe, saved_out, saved_err}[i]) >= 0) close(fd);
  return status;
}

/* The command's error: the last line of its stderr that is a JSON object
 * (--json), or NULL. */
static json_t *last_error(const char *err) {
  const char *last = NULL;
  for (const char *line = err; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
    if (*line == '{') last = line;
  return last ? json_loads(last, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
}

/* What the command's exit and error say, as an HTTP status. */
static int http_status(int status, const char *code) {
  if (status == 0) return 200;
  if (status == 2 || !code) return status == 2 ? 400 : 500;
  static const struct { const char *code; int http; } map[] = {
      {"usage", 400},          {"invalid input", 400},  {"malformed input", 400},
      {"not allowed", 403},    {"not found", 404},      {"already exists", 409},
      {"database is busy", 503}, {"policy failed", 422}};
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (!strcmp(code, map[i].code)) return map[i].http;
  return 500;
}

/* ---- rate: a bucket of serve.client_rate calls a second per client ------------------ */

enum { BUCKETS = 64 };
typedef struct bucket {
  char name[64];
  double tokens;
  struct timespec at;
} bucket;
static bucket buckets[BUCKETS]; /* the serving thread's only */

static int allowed(const char *name, double rate) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  bucket *b = NULL, *oldest = &buckets[0];
  for (int i = 0; i < BUCKETS && !b; i++) {
    if (!strcmp(buckets[i].name, name)) b = &buckets[i];
    else if (buckets[i].at.tv_sec < oldest->at.tv_sec) oldest = &buckets[i];
  }
  if (!b) { /* a client not seen lately starts full */
    b = oldest;
    snprintf(b->name, sizeof b->name, "%s", name);
    b->tokens = 2 * rate;
    b->at = now;
  }
  double dt = (double)(now.tv_sec - b->at.tv_sec) + (double)(now.tv_nsec - b->at.tv_nsec) / 1e9;
  b->at = now;
  b->tokens = b->tokens + dt * rate > 2 * rate ? 2 * rate : b->tokens + dt * rate;
  if (b->tokens < 1) return 0;
  b->tokens -= 1;
  return 1;
}

/* ---- the entry ------------------------------------------------------------------------ */

static int is_json(const char *ct) {
  static const char want[] = "application/json";
  return ct && !strncasecmp(ct, want, sizeof want - 1) &&
         (ct[sizeof want - 1] == '\0' || ct[sizeof want - 1] == ';');
}

void mi_serve_api(const mi_serve_options *o, struct MHD_Connection *conn, const mi_request *rq,
                  mi_reply *r) {
  if (!o->run_command) return api_error(r, 404, "not found", "this server has no API");
  const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
  mi_actor as;
  mi_err e = {0};
  int rc = auth && !strncasecmp(auth, "Bearer ", 7)
               ? mi_api_client_actor(o->store, auth + 7, &as, &e)
               : MI_ENOTFOUND;
  if (rc) {
    if (rc != MI_ENOTFOUND) mi_serve_log("reading API clients: %s", e.msg);
    api_error(r, rc == MI_ENOTFOUND ? 401 : 503, rc == MI_ENOTFOUND ? "unauthorized" : "busy",
              rc == MI_ENOTFOUND ? "give 'Authorization: Bearer TOKEN' with the token of "
                                   "'manyi serve client add'"
                                 : "try again shortly");
    r->www_authenticate = rc == MI_ENOTFOUND;
    return;
  }
  if (!allowed(as.name, (double)o->cfg->serve.client_rate)) {
    api_error(r, 429, "too many requests", "%s: more than %lld calls a second; wait a moment",
              as.name, (long long)o->cfg->serve.client_rate);
    r->retry_after = 1;
    return;
  }
  fields f = {0};
  const api_route *rt = NULL;
  int path_known = 0;
  for (size_t i = 0; i < sizeof routes / sizeof *routes && !rt; i++) {
    fields trial = {0};
    if (match(routes[i].path, rq->path, &trial)) {
      path_known = 1;
      if (!strcmp(routes[i].method, rq->method)) rt = &routes[i], f = trial;
      else
        for (int k = 0; k < trial.nowned; k++) free(trial.owned[k]);
    } else {
      for (int k = 0; k < trial.nowned; k++) free(trial.owned[k]);
    }
  }
  if (!rt) {
    if (path_known) r->allow = "GET, POST";
    return api_error(r, path_known ? 405 : 404, path_known ? "method not allowed" : "not found",
                     path_known ? "%s is not a method of %s" : "no API call %s%s",
                     path_known ? rq->method : "", rq->path);
  }
  query_ctx q = {&f, 0};
  MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_field, &q);
  json_t *body = NULL;
  char why[300] = "";
  if (!strcmp(rq->method, "POST")) {
    json_error_t je;
    if (!is_json(rq->content_type)) snprintf(why, sizeof why, "send the fields as application/json");
    else if (!(body = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je)) ||
             !json_is_object(body))
      snprintf(why, sizeof why, "the body is not a JSON object%s%s", body ? "" : ": ",
               body ? "" : je.text);
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
      if (*why) break;
      const char *text = json_is_string(v) ? json_string_value(v)
                         : json_is_true(v) ? "true" : json_is_false(v) ? "false" : NULL;
      char number[32];
      snprintf(number, sizeof number, "%lld", (long long)json_integer_value(v));
      if (json_is_integer(v) && f.nowned < MAX_ARGS && (f.owned[f.nowned] = strdup(number)))
        text = f.owned[f.nowned++];
      if (!text) snprintf(why, sizeof why, "field '%s': give a string, a whole number or true/false", key);
      else if (add_field(&f, key, text)) snprintf(why, sizeof why, "field '%s' is given twice", key);
    }
    const char *idem = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Idempotency-Key");
    if (!*why && idem && listed(rt->options, "key") && add_field(&f, "key", idem))
      snprintf(why, sizeof why, "give the key once: as Idempotency-Key or as field 'key'");
  } else if (q.bad) {
    snprintf(why, sizeof why, "a field is given twice");
  }
  call c = {0};
  if (!*why && command_of(rt, &f, &c, why, sizeof why) && !*why) snprintf(why, sizeof why, "out of memory");
  if (*why) {
    api_error(r, rq->method[0] == 'P' && !is_json(rq->content_type) ? 415 : 400,
              rq->method[0] == 'P' && !is_json(rq->content_type) ? "unsupported media type" : "usage",
              "%s", why);
  } else {
    char *out, *err;
    int status = run_captured(o, &as, &c, &out, &err);
    json_t *doc = out && *out ? json_loads(out, 0, NULL) : NULL;
    json_t *fail = last_error(err);
    const char *code = json_string_value(json_object_get(json_object_get(fail, "error"), "code"));
    int http = status < 0 ? 500 : http_status(status, code);
    if (http == 200 && rt->created) http = 201;
    if (http < 300) json_reply(r, http, doc ? doc : json_pack("{s:b}", "ok", 1)), doc = NULL;
    else if (fail) json_reply(r, http, fail), fail = NULL;
    else api_error(r, http, status < 0 ? "internal" : "failed", "%s",
                   err && *err ? err : "the call failed");
    if (status < 0) mi_serve_log("API call %s %s by %s: its output could not be captured", rq->method, rq->path, as.name);
    json_decref(doc);
    json_decref(fail);
    free(out);
    free(err);
  }
  json_decref(body);
  call_free(&c);
  for (int k = 0; k < f.nowned; k++) free(f.owned[k]);
}
