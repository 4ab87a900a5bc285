/* /api/v1/...: the JSON API for other systems. A call names a route of the
 * table below, which turns it into a command of manyi's own command table
 * (`manyi customer find ...`); the command runs as the client
 * (o->run_command: the role check, the scope of an agent, the audit entry
 * are the command's, as on the command line), and its --json output is
 * the answer. Clients authenticate with a bearer token (manyi serve client
 * add) and are held to serve.client_rate calls a second each. */
#include <jansson.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "serve/api_routes.h"
#include "serve/serve_internal.h"
#include "service/api_clients.h"

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

typedef struct query_ctx {
  mi_api_fields *f;
  int bad;
} query_ctx;

static enum MHD_Result query_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value) {
  (void)kind;
  query_ctx *q = cls;
  if (mi_api_field_add(q->f, key, value ? value : "")) q->bad = 1;
  return MHD_YES;
}

/* What the command's exit and error say, as an HTTP status. */
static int http_status(int status, const char *code) {
  if (status == 0) return 200;
  if (status == 2 || !code) return status == 2 ? 400 : 500;
  static const struct {
    const char *code;
    int http;
  } map[] = {{"usage", 400},
             {"invalid input", 400},
             {"malformed input", 400},
             {"not allowed", 403},
             {"not found", 404},
             {"already exists", 409},
             {"database is busy", 503},
             {"policy failed", 422}};
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
    if (!strcmp(buckets[i].name, name))
      b = &buckets[i];
    else if (buckets[i].at.tv_sec < oldest->at.tv_sec)
      oldest = &buckets[i];
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
  mi_api_fields f = {0};
  query_ctx q = {&f, 0};
  MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_field, &q);
  json_t *body = NULL;
  char why[300] = "";
  int refused = 0;
  if (q.bad) refused = 400, snprintf(why, sizeof why, "a field is given twice");
  if (!refused && !strcmp(rq->method, "POST")) {
    json_error_t je;
    if (!is_json(rq->content_type))
      refused = 415, snprintf(why, sizeof why, "send the fields as application/json");
    else if (!(body = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je)) ||
             !json_is_object(body))
      refused = 400, snprintf(why, sizeof why, "the body is not a JSON object%s%s",
                              body ? "" : ": ", body ? "" : je.text);
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
      if (refused) break;
      char number[32] = "";
      if (json_is_integer(v))
        snprintf(number, sizeof number, "%lld", (long long)json_integer_value(v));
      const char *text = json_is_string(v)  ? json_string_value(v)
                         : json_is_true(v)  ? "true"
                         : json_is_false(v) ? "false"
                         : *number          ? number
                                            : NULL;
      if (!text)
        refused = 400, snprintf(why, sizeof why,
                                "field '%.64s': give a string, a whole number or true/false", key);
      else if (mi_api_field_copy(&f, key, text, strlen(text)))
        refused = 400, snprintf(why, sizeof why, "field '%.64s' is given twice", key);
    }
    const char *idem = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Idempotency-Key");
    if (!refused && idem && mi_api_field_add(&f, "key", idem))
      refused = 400,
      snprintf(why, sizeof why, "give the key once: as Idempotency-Key or as field 'key'");
  }
  mi_api_call c = {0};
  if (!refused) refused = mi_api_command(rq->method, rq->path, &f, &c, &r->allow, why, sizeof why);
  if (refused) {
    static const struct {
      int status;
      const char *code;
    } codes[] = {{400, "usage"},
                 {404, "not found"},
                 {405, "method not allowed"},
                 {415, "unsupported media type"},
                 {500, "internal"}};
    const char *code = "usage";
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
      if (codes[i].status == refused) code = codes[i].code;
    api_error(r, refused, code, "%s", why);
  } else {
    char *out, *err;
    int status = mi_serve_run_as(o, &as, c.argc, c.argv, &out, &err);
    json_t *doc = out && *out ? json_loads(out, 0, NULL) : NULL;
    json_t *fail = mi_serve_command_error(err);
    const char *code = json_string_value(json_object_get(json_object_get(fail, "error"), "code"));
    int http = status < 0 ? 500 : http_status(status, code);
    if (http == 200 && c.created) http = 201;
    if (http < 300)
      json_reply(r, http, doc ? doc : json_pack("{s:b}", "ok", 1)), doc = NULL;
    else if (fail)
      json_reply(r, http, fail), fail = NULL;
    else
      api_error(r, http, status < 0 ? "internal" : "failed", "%s",
                err && *err ? err : "the call failed");
    if (status < 0)
      mi_serve_log("API call %s %s by %s: its output could not be captured", rq->method, rq->path,
                   as.name);
    json_decref(doc);
    json_decref(fail);
    free(out);
    free(err);
  }
  json_decref(body);
  mi_api_call_free(&c);
  mi_api_fields_free(&f);
}
