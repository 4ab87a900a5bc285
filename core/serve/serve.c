/* manyi serve's daemon (serve.h): libmicrohttpd with one internal polling
 * thread, the body of each request gathered up to serve.max_body, a route
 * per path, the security headers every page needs, a JSON access log, and a
 * stop on SIGINT/SIGTERM that lets the request under way finish. */
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/serve_internal.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

typedef struct served {
  const mi_serve_options *o;
  size_t max_body;
} served;

/* One request while it is read and answered. */
typedef struct pending {
  mi_strbuf body;
  int too_big;
  int answered; /* a reply is queued: the rest of the body is dropped */
  int status;
  size_t bytes;
  struct timespec start;
  char method[8], path[64]; /* for the access log; a token is cut short */
} pending;

void mi_serve_log(const char *fmt, ...) {
  char at[21];
  mi_instant_format(time(NULL), at);
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s manyi serve: ", at);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* The path as logged: a survey token is a secret, only its start is kept. */
static void log_path(const char *url, char *out, size_t size) {
  if (!strncmp(url, "/s/", 3) && strlen(url) > 9)
    snprintf(out, size, "/s/%.6s...", url + 3);
  else
    snprintf(out, size, "%.*s", (int)size - 1, url);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode why) {
  (void)c;
  const served *sv = cls;
  pending *p = *con_cls;
  if (!p) return;
  if (sv->o->access_log) {
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ms = (double)(end.tv_sec - p->start.tv_sec) * 1e3 +
                (double)(end.tv_nsec - p->start.tv_nsec) / 1e6;
    char at[21];
    mi_instant_format(time(NULL), at);
    mi_strbuf line;
    mi_strbuf_init(&line);
    mi_strbuf_appendf(&line, "{\"at\":\"%s\",\"method\":", at);
    mi_json_put_string(&line, p->method);
    mi_strbuf_appends(&line, ",\"path\":");
    mi_json_put_string(&line, p->path);
    mi_strbuf_appendf(&line, ",\"status\":%d,\"bytes\":%zu,\"ms\":%.2f%s}\n", p->status, p->bytes,
                      ms, why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : ",\"aborted\":true");
    if (line.data) {
      fputs(line.data, sv->o->access_log);
      fflush(sv->o->access_log);
    }
    mi_strbuf_free(&line);
  }
  mi_strbuf_free(&p->body);
  free(p);
  *con_cls = NULL;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, pending *p, mi_reply *r) {
  if (!r->body) r->status = 500;
  size_t len = r->body ? strlen(r->body) : 0;
  struct MHD_Response *res =
      MHD_create_response_from_buffer(len, r->body ? r->body : (void *)"",
                                      r->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
  if (!res) {
    free(r->body);
    return MHD_NO;
  }
  MHD_add_response_header(res, "Content-Type", r->type ? r->type : "text/plain; charset=utf-8");
  MHD_add_response_header(res, "Cache-Control", "no-store");
  MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(res, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(res, "Content-Security-Policy",
                          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                          "frame-ancestors 'none'; base-uri 'none'");
  if (r->allow) MHD_add_response_header(res, "Allow", r->allow);
  if (r->set_cookie[0]) MHD_add_response_header(res, "Set-Cookie", r->set_cookie);
  if (r->www_authenticate)
    MHD_add_response_header(res, "WWW-Authenticate", "Bearer realm=\"manyi\"");
  if (r->retry_after) {
    char s[16];
    snprintf(s, sizeof s, "%d", r->retry_after);
    MHD_add_response_header(res, "Retry-After", s);
  }
  p->status = r->status;
  p->bytes = len;
  p->answered = 1;
  enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, res);
  MHD_destroy_response(res);
  return ok;
}

static void text_reply(mi_reply *r, int status, const char *text) {
  r->status = status;
  r->type = "text/plain; charset=utf-8";
  r->body = strdup(text);
}

static void health(const served *sv, const mi_request *rq, mi_reply *r) {
  if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD")) {
    r->allow = "GET, HEAD";
    return text_reply(r, 405, "method not allowed\n");
  }
  int version = mi_store_version(sv->o->store);
  r->type = "application/json";
  r->status = version > 0 ? 200 : 503;
  char buf[96];
  snprintf(buf, sizeof buf, "{\"status\":\"%s\",\"schema_version\":%d}\n",
           version > 0 ? "ok" : "database unavailable", version);
  r->body = strdup(buf);
}

static void route(const served *sv, struct MHD_Connection *c, const mi_request *rq, mi_reply *r) {
  if (!strcmp(rq->path, "/healthz")) return health(sv, rq, r);
  if (!strncmp(rq->path, "/api/", 5)) return mi_serve_api(sv->o, c, rq, r);
  if (!strcmp(rq->path, "/agent")) return mi_serve_agent(sv->o, c, rq, r);
  if (!strncmp(rq->path, "/s/", 3)) return mi_serve_survey(sv->o, rq, rq->path + 3, r);
  text_reply(r, 404, "not found\n");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls) {
  (void)version;
  const served *sv = cls;
  pending *p = *con_cls;
  if (!p) { /* the headers are in: say no early to a body that is too big */
    if (!(p = calloc(1, sizeof *p))) return MHD_NO;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    snprintf(p->method, sizeof p->method, "%s", method);
    log_path(url, p->path, sizeof p->path);
    *con_cls = p;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > sv->max_body) {
      mi_reply r = {0};
      text_reply(&r, 413, "the request is too large\n");
      return send_reply(c, p, &r);
    }
    return MHD_YES;
  }
  if (p->answered) { /* refused early: drop what still comes */
    *upload_size = 0;
    return MHD_YES;
  }
  if (*upload_size) { /* a piece of the body */
    if (!p->too_big && p->body.len + *upload_size <= sv->max_body)
      p->too_big = mi_strbuf_append(&p->body, upload, *upload_size) != 0;
    else
      p->too_big = 1;
    *upload_size = 0;
    return MHD_YES;
  }
  mi_reply r = {0};
  if (p->too_big) {
    text_reply(&r, 413, "the request is too large\n");
    return send_reply(c, p, &r);
  }
  mi_request rq = {
      .method = method,
      .path = url,
      .lang = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang"),
      .accept_language = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language"),
      .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
      .body = p->body.data ? p->body.data : "",
      .body_len = p->body.len};
  route(sv, c, &rq, &r);
  mi_store_settle(sv->o->store); /* the next request reads what others wrote since */
  return send_reply(c, p, &r);
}

/* host:port (host may be [v6]) into an address to bind. */
static int resolve(const char *listen, struct addrinfo **out, mi_err *e) {
  char host[256];
  const char *colon = strrchr(listen, ':');
  if (!colon || (size_t)(colon - listen) >= sizeof host)
    return mi_err_set(e, MI_EINVAL, "listen '%s': write host:port, e.g. 127.0.0.1:8080", listen);
  const char *h = listen;
  size_t n = (size_t)(colon - listen);
  if (n >= 2 && h[0] == '[' && h[n - 1] == ']') h++, n -= 2;
  snprintf(host, sizeof host, "%.*s", (int)n, h);
  struct addrinfo hints = {
      .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
  int rc = getaddrinfo(*host ? host : NULL, colon + 1, &hints, out);
  if (rc) return mi_err_set(e, MI_EINVAL, "listen '%s': %s", listen, gai_strerror(rc));
  return 0;
}

int mi_serve_run(const mi_serve_options *o, mi_err *e) {
  if (!o || !o->store || !o->cfg || !o->now)
    return mi_err_set(e, MI_EINVAL, "mi_serve_run: a store, a configuration and a clock");
  const char *listen = o->listen              ? o->listen
                       : o->cfg->serve.listen ? o->cfg->serve.listen
                                              : "127.0.0.1:8080";
  struct addrinfo *ai;
  int rc = resolve(listen, &ai, e);
  if (rc) return rc;
  served sv = {.o = o, .max_body = (size_t)o->cfg->serve.max_body};
  /* the daemon's thread inherits this mask: the signals wait for sigwait */
  sigset_t stop, old;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, &old);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
  if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
  struct MHD_Daemon *d =
      MHD_start_daemon(flags, 0, NULL, NULL, handle, &sv, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                       MHD_OPTION_NOTIFY_COMPLETED, completed, &sv, MHD_OPTION_CONNECTION_TIMEOUT,
                       (unsigned)15, MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
                       MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->cfg->serve.per_address,
                       MHD_OPTION_END);
  freeaddrinfo(ai);
  if (!d) {
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return mi_err_set(e, MI_EIO,
                      "cannot listen on %s (in use by another program, or not an address of "
                      "this machine)",
                      listen);
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  if (o->ready) {
    char host[256];
    const char *colon = strrchr(listen, ':');
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    o->ready(o->ud, host, info ? info->port : 0);
  }
  int sig;
  sigwait(&stop, &sig);
  MHD_stop_daemon(d); /* waits for the request under way */
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return 0;
}
