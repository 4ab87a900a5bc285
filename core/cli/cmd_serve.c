/* manyi serve: the hosted questionnaire over HTTP (core/serve/). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "serve/serve.h"
#include "service/api_clients.h"
#include "util/i18n.h"

/* An API call: the command as client `as`, --json, on the server's own
 * connection (one connection in the process: SQLite's locks are per
 * process) and configuration, settled afterwards (mi_store_settle). */
static int run_as(void *ud, const mi_actor *as, int argc, char **argv) {
  const mi_cli *parent = ud;
  mi_cli c = {.config_path = parent->config_path,
              .db_path = parent->db_path,
              .json = 1,
              .quiet = 1,
              .lang = parent->lang,
              .cfg = parent->cfg,
              .store = parent->store,
              .store_lent = 1,
              .synced = 1};
  mi_cli_set_json_errors(1);
  mi_cli_act_as(&c, as);
  int status = mi_cli_command_run(&c, argc, argv);
  mi_store_settle(parent->store);
  mi_cli_act_as(&c, NULL);
  mi_cli_set_json_errors(parent->json);
  return status;
}

static int print_client(void *ud, const mi_api_client *c) {
  json_t *list = ud;
  if (list) {
    json_array_append_new(
        list, json_pack("{s:s, s:s, s:s?, s:I, s:b}", "name", c->name, "role", c->role,
                        "department", *c->department ? c->department : NULL, "created_at",
                        (json_int_t)c->created_at, "revoked", c->revoked_at != 0));
    return 0;
  }
  printf("%-32s %-12s %-12s %s\n", c->name, c->role, *c->department ? c->department : "-",
         c->revoked_at ? _("revoked") : _("in use"));
  return 0;
}

/* manyi serve client add|list|revoke */
static int client(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"role", required_argument, NULL, 'r'},
                                          {"department", required_argument, NULL, 'd'},
                                          {NULL, 0, NULL, 0}};
  const char *sub = argc > 1 ? argv[1] : "", *role = NULL, *department = NULL;
  int opt;
  argc--, argv++; /* from the subcommand: its options and operands */
  optind = 0;
  while (argc > 0 && (opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
    if (opt == 'r')
      role = optarg;
    else if (opt == 'd')
      department = optarg;
    else
      return mi_cli_usage_error("serve", NULL);
  }
  int operands = argc - optind;
  if (!strcmp(sub, "list") ? operands != 0
                           : (operands != 1 || (!strcmp(sub, "add") != (role != NULL))))
    return mi_cli_usage_error("serve",
                              "use: serve client add NAME --role ROLE [--department D] | "
                              "client list | client revoke NAME");
  if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "revoke"))
    return mi_cli_usage_error("serve", "unknown client subcommand '%s'; use add, list, revoke",
                              sub);
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  if (!strcmp(sub, "list")) {
    json_t *list = cli->json ? json_array() : NULL;
    if (mi_api_client_each(cli->store, print_client, list, &e))
      return json_decref(list), mi_cli_fail(&e);
    if (list) mi_cli_print_json(json_pack("{s:o}", "clients", list));
    return 0;
  }
  const char *name = argv[optind];
  if (!strcmp(sub, "revoke")) {
    if (mi_api_client_remove(cli->store, mi_cli_user(), name, mi_cli_now(), &e))
      return mi_cli_fail(&e);
    if (!cli->quiet) printf(_("API client %s revoked: its token opens nothing any more\n"), name);
    return 0;
  }
  char token[MI_TOKEN_LEN + 1];
  if (mi_api_client_add(cli->store, mi_cli_user(), name, role, department, mi_cli_now(), token, &e))
    return mi_cli_fail(&e);
  if (cli->json) {
    mi_cli_print_json(json_pack("{s:s, s:s, s:s}", "client", name, "role", role, "token", token));
    return 0;
  }
  printf(_("API client %s acts as %s%s%s. Its token, shown this once (only a digest is kept):\n"),
         name, role, department ? " of " : "", department ? department : "");
  printf("%s\n", token);
  return 0;
}

static void ready(void *ud, const char *host, int port) {
  const mi_cli *cli = ud;
  if (cli->quiet) return;
  fprintf(stderr,
          _("manyi serve: listening on http://%s:%d/ (database %s); Ctrl-C or SIGTERM stops\n"),
          *host ? host : "0.0.0.0", port, mi_store_path(cli->store));
  if (!cli->cfg->serve.base_url)
    fputs(_("manyi serve: note: serve.base_url is not set, so invitations carry no link yet\n"),
          stderr);
}

static int run(mi_cli *cli, int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "client")) return client(cli, argc - 1, argv + 1);
  static const struct option options[] = {{"listen", required_argument, NULL, 'l'},
                                          {"access-log", required_argument, NULL, 'a'},
                                          {"no-alerts", no_argument, NULL, 'n'},
                                          {NULL, 0, NULL, 0}};
  const char *listen = NULL, *log_path = NULL;
  int no_alerts = 0, opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
    if (opt == 'l')
      listen = optarg;
    else if (opt == 'a')
      log_path = optarg;
    else if (opt == 'n')
      no_alerts = 1;
    else
      return mi_cli_usage_error("serve", NULL);
  }
  if (optind < argc)
    return mi_cli_usage_error("serve", "takes no operands (but: serve client ...)");
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
  mi_serve_options o = {.store = cli->store,
                        .cfg = cli->cfg,
                        .listen = listen,
                        .alert_policy = alerts.policy,
                        .now = mi_cli_now,
                        .access_log = log,
                        .run_command = run_as,
                        .ready = ready,
                        .ud = cli};
  mi_err e = {0};
  int rc = mi_serve_run(&o, &e);
  mi_cli_alerts_close(&alerts);
  if (log && log != stdout) fclose(log);
  if (rc) return mi_cli_fail(&e);
  if (!cli->quiet) fputs(_("manyi serve: stopped\n"), stderr);
  return 0;
}

const mi_cli_command mi_cmd_serve = {
    "serve",
    "serve the hosted questionnaire and the JSON API over HTTP",
    "Usage: manyi serve [--listen HOST:PORT] [--access-log FILE|-] [--no-alerts]\n"
    "       manyi serve client add NAME --role ROLE [--department CODE]\n"
    "       manyi serve client list | revoke NAME\n"
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
    "  /api/v1/...     the JSON API for other systems (README: \"The JSON API\"): customers,\n"
    "                  history, points (show, redeem), tickets (open, show, stage, reply,\n"
    "                  assign), interactions, survey scores. A call runs the command of the\n"
    "                  same name as its client, with the role and department the client was\n"
    "                  given, and is audited as api:NAME; 'Authorization: Bearer TOKEN';\n"
    "                  serve.client_rate calls a second per client (default 20), then 429\n"
    "  GET  /agent     the agent's page: sign in with a client's token, find a caller by\n"
    "                  phone, see their record and history (read-only, as that client)\n"
    "\n"
    "Invitations (manyi survey dispatch, the post-service survey) carry the link\n"
    "BASE_URL/s/TOKEN when serve.base_url is set; {link} places it in a notify:\n"
    "template. Only a digest of each token is stored; a link opens its survey for\n"
    "serve.link_days (default 30). Request bodies over serve.max_body (default 64KiB)\n"
    "get 413.\n"
    "\n"
    "  --listen HOST:PORT   where to listen (overrides serve.listen)\n"
    "  --access-log FILE    one JSON line per request (- for stdout); tokens are cut short\n"
    "  --no-alerts          do not ask the alert policy\n"
    "\n"
    "client add NAME --role ROLE [--department CODE]   a system that may call the API,\n"
    "  acting as ROLE (admin, agent, analyst, auditor, supervisor, department_head; the last two\n"
    "  and agent with --department). Prints its token once; add again for a new token.\n"
    "client list      the clients, their roles, in use or revoked\n"
    "client revoke NAME   its token opens nothing any more\n",
    run,
    0,
    NULL};
