/* manyi serve: the hosted questionnaire over HTTP (core/serve/). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "serve/serve.h"
#include "util/i18n.h"

static void ready(void *ud, const char *host, int port) {
  const mi_cli *cli = ud;
  if (cli->quiet) return;
  fprintf(stderr, _("manyi serve: listening on http://%s:%d/ (database %s); Ctrl-C or SIGTERM stops\n"),
          *host ? host : "0.0.0.0", port, mi_store_path(cli->store));
  if (!cli->cfg->serve.base_url)
    fputs(_("manyi serve: note: serve.base_url is not set, so invitations carry no link yet\n"),
          stderr);
}

static int run(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"listen", required_argument, NULL, 'l'},
                                          {"access-log", required_argument, NULL, 'a'},
                                          {"no-alerts", no_argument, NULL, 'n'},
                                          {NULL, 0, NULL, 0}};
  const char *listen = NULL, *log_path = NULL;
  int no_alerts = 0, opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
    if (opt == 'l') listen = optarg;
    else if (opt == 'a') log_path = optarg;
    else if (opt == 'n') no_alerts = 1;
    else return mi_cli_usage_error("serve", NULL);
  }
  if (optind < argc) return mi_cli_usage_error("serve", "takes no operands");
  if (mi_cli_open_store(cli, 0)) return 1;
  FILE *log = NULL;
  if (log_path && !(log = !strcmp(log_path, "-") ? stdout : fopen(log_path, "a"))) {
    fprintf(stderr, _("manyi: cannot open the access log %s: %s\n"), log_path, strerror(errno));
    return 1;
  }
  mi_cli_alerts alerts;
  if (mi_cli_alerts_open(cli, no_alerts, &alerts)) {
    if (log && log != stdout) fclose(log);
    return 1;
  }
  mi_serve_options o = {.store = cli->store, .cfg = cli->cfg, .listen = listen,
                        .alert_policy = alerts.policy, .now = mi_cli_now, .access_log = log,
                        .ready = ready, .ud = cli};
  mi_err e = {0};
  int rc = mi_serve_run(&o, &e);
  mi_cli_alerts_close(&alerts);
  if (log && log != stdout) fclose(log);
  if (rc) return mi_cli_fail(&e);
  if (!cli->quiet) fputs(_("manyi serve: stopped\n"), stderr);
  return 0;
}

const mi_cli_command mi_cmd_serve = {
    "serve", "serve the hosted questionnaire over HTTP",
    "Usage: manyi serve [--listen HOST:PORT] [--access-log FILE|-] [--no-alerts]\n"
    "\n"
    "Answers HTTP on HOST:PORT (default: serve.listen of the configuration, else\n"
    "127.0.0.1:8080; :0 picks a free port). Put the company's reverse proxy in front\n"
    "of it for TLS. Until SIGINT or SIGTERM, which let the request under way finish:\n"
    "\n"
    "  GET  /s/TOKEN   the questionnaire of the invitation behind a personal link, in\n"
    "                  Chinese or English (?lang=zh_CN|en, else the browser's language)\n"
    "  POST /s/TOKEN   the answers: checked as `manyi import responses` checks a row,\n"
    "                  stored once (a second submission is refused), the alert policy\n"
    "                  asked (policies.alert; --no-alerts: left to manyi eval alerts)\n"
    "  GET  /healthz   {\"status\":\"ok\",\"schema_version\":N}, 503 when the database fails\n"
    "\n"
    "Invitations (manyi survey send, the post-service survey) carry the link\n"
    "BASE_URL/s/TOKEN when serve.base_url is set; {link} places it in a notify:\n"
    "template. Only a digest of each token is stored; a link opens its survey for\n"
    "serve.link_days (default 30). Request bodies over serve.max_body (default 64KiB)\n"
    "get 413.\n"
    "\n"
    "  --listen HOST:PORT   where to listen (overrides serve.listen)\n"
    "  --access-log FILE    one JSON line per request (- for stdout); tokens are cut short\n"
    "  --no-alerts          do not ask the alert policy\n",
    run, 0, NULL};
