/* Shared by the files of core/serve/: a request as the routes see it, and
 * the reply they make (serve.c sends it). */
#ifndef MI_SERVE_INTERNAL_H
#define MI_SERVE_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "serve/serve.h"

typedef struct mi_request {
  const char *method, *path;
  const char *lang;            /* ?lang=, or NULL */
  const char *accept_language; /* the header, or NULL */
  const char *content_type;    /* the header, or NULL */
  const char *body;            /* the whole body (NUL-terminated), "" for none */
  size_t body_len;
} mi_request;

typedef struct mi_reply {
  int status;
  char *body;           /* owned; NULL: out of memory (a 500 with no body) */
  const char *type;     /* Content-Type */
  const char *allow;    /* 405: the methods allowed */
  int www_authenticate; /* 401: ask for a bearer token */
  int retry_after;      /* 429, 503: seconds, or 0 */
  char set_cookie[160]; /* a Set-Cookie header, or "" */
} mi_reply;

struct MHD_Connection;
struct mi_actor;

/* Runs a command of the table as `as` (o->run_command), what it printed on
 * stdout and stderr captured into *out and *err (owned); the exit status, or
 * -1 when the output could not be captured (api_http.c). */
int mi_serve_run_as(const mi_serve_options *o, const struct mi_actor *as, int argc, char **argv,
                    char **out, char **err);
/* The command's error: the last line of err that is a JSON object, or NULL. */
json_t *mi_serve_command_error(const char *err);
/* /agent: the agent's read-only look-up page (agent_http.c). */
void mi_serve_agent(const mi_serve_options *o, struct MHD_Connection *conn, const mi_request *rq,
                    mi_reply *r);

/* /api/v1/...: the JSON API (api_http.c). */
void mi_serve_api(const mi_serve_options *o, struct MHD_Connection *conn, const mi_request *rq,
                  mi_reply *r);

/* A line on stderr for the operator (the journal under systemd). */
void mi_serve_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* GET and POST /s/TOKEN: the hosted questionnaire (survey_http.c). */
void mi_serve_survey(const mi_serve_options *o, const mi_request *rq, const char *token,
                     mi_reply *r);

#endif
