/* manyi serve: the HTTP side of the engine (libmicrohttpd). It serves the
 * hosted questionnaire behind each invitation's personal link and a health
 * check, calling service/ exactly as the commands do, and a JSON API whose
 * calls run commands of the command table as the calling client. One thread
 * answers the requests in turn through one store connection (SQLite has one
 * writer), API calls included. */
#ifndef MI_SERVE_SERVE_H
#define MI_SERVE_SERVE_H

#include <stdio.h>

#include "config/config.h"
#include "store/store.h"

struct mi_policy;
struct mi_actor;

typedef struct mi_serve_options {
  mi_store *store;                /* used by the serving thread only while it runs */
  const mi_config *cfg;           /* serve: listen, max_body; languages; surveys */
  const char *listen;             /* host:port; NULL: cfg->serve.listen, else 127.0.0.1:8080 */
  struct mi_policy *alert_policy; /* asked of each response stored; NULL: not asked */
  long long (*now)(void);         /* the clock (tests set it) */
  FILE *access_log;               /* one JSON line per request; NULL: none */
  /* The JSON API: runs a command of manyi's command table as client `as`,
   * its --json output on stdout and errors on stderr (captured by the
   * caller), through the same store; the exit status. NULL: no API. */
  int (*run_command)(void *ud, const struct mi_actor *as, int argc, char **argv);
  /* Called once the socket listens (port: the one bound, e.g. for :0). */
  void (*ready)(void *ud, const char *host, int port);
  void *ud;
} mi_serve_options;

/* Serves until SIGINT or SIGTERM arrives, then lets the requests under way
 * finish and returns 0; or an error (the address cannot be bound, ...).
 * SIGINT and SIGTERM are blocked in the calling thread meanwhile. */
int mi_serve_run(const mi_serve_options *o, mi_err *e);

#endif
