/* manyi import ENTITY FILE: load a CSV or JSON Lines file into the store. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "service/import.h"
#include "util/i18n.h"

static void show_progress(void *ctx, size_t rows) {
  fputc('\r', stderr);
  fprintf(stderr, _("importing %s: %zu rows"), (const char *)ctx, rows);
}

static void print_summary(const mi_cli *cli, const mi_import_options *o,
                          const mi_import_summary *s, const mi_cli_alerts *alerts) {
  if (cli->json) {
    json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "entity", o->entity, "file",
                          o->path, "read", (json_int_t)s->read, "inserted",
                          (json_int_t)s->inserted, "updated", (json_int_t)s->updated,
                          "unchanged", (json_int_t)s->unchanged, "rejected",
                          (json_int_t)s->rejected);
    if (j) mi_cli_alerts_report(cli, alerts, j);
    mi_cli_print_json(j);
  } else if (!cli->quiet) {
    printf(s->read == 1 ? _("%s: %zu row read, %zu added, %zu updated, %zu unchanged, %zu rejected\n")
                        : _("%s: %zu rows read, %zu added, %zu updated, %zu unchanged, %zu rejected\n"),
           o->path, s->read, s->inserted, s->updated, s->unchanged, s->rejected);
    if (s->rejected) printf(_("rejected rows and their reasons are in %s\n"), o->rejects_path);
    mi_cli_alerts_report(cli, alerts, NULL);
  }
}

static const struct option options[] = {{"format", required_argument, NULL, 'f'},
                                        {"encoding", required_argument, NULL, 'e'},
                                        {"rejects", required_argument, NULL, 'r'},
                                        {"no-alerts", no_argument, NULL, 'A'},
                                        {NULL, 0, NULL, 0}};

/* Why nothing was stored, and what to do, after the error itself. */
static void hint(const mi_import_options *o, const mi_err *e) {
  if (e->code == MI_EBUSY)
    fprintf(stderr, _("manyi: nothing was imported from %s (another manyi holds the database: "
                      "run the import again when it has finished)\n"), o->path);
  else if (e->code == MI_EIO || e->code == MI_ENOMEM || e->code == MI_ECORRUPT ||
           e->code == MI_ESTORE)
    fprintf(stderr, _("manyi: nothing was imported from %s\n"), o->path);
  else if (!o->rejects_path)
    fprintf(stderr, _("manyi: nothing was imported from %s (fix the row, or use --rejects FILE "
                      "to store the good rows)\n"), o->path);
}

static int run_import(mi_cli *cli, int argc, char **argv, const char *audit) {
  mi_import_options o = {.actor = mi_cli_user(), .now = mi_cli_now(), .audit_json = audit};
  mi_err e = {0};
  int opt, no_alerts = 0;
  while ((opt = getopt_long(argc, argv, "f:e:r:", options, NULL)) != -1) {
    switch (opt) {
    case 'f':
      if (mi_format_parse(optarg, &o.format, &e)) return mi_cli_usage_error("import", "%s", e.msg);
      break;
    case 'e': o.encoding = optarg; break;
    case 'r': o.rejects_path = optarg; break;
    case 'A': no_alerts = 1; break;
    default: return mi_cli_usage_error("import", "unknown option");
    }
  }
  if (argc - optind != 2) return mi_cli_usage_error("import", "give an ENTITY and a FILE");
  o.entity = argv[optind];
  o.path = argv[optind + 1];
  if (mi_cli_open_store(cli, 0)) return 1;
  o.protect = mi_cli_db_path(cli);
  if (!cli->quiet && isatty(STDERR_FILENO)) {
    o.progress = show_progress;
    o.progress_ctx = (void *)o.path;
  }
  /* New responses go through the alert hook as they are stored. */
  mi_cli_alerts alerts = {0};
  if (!strcmp(o.entity, "responses") && mi_cli_alerts_open(cli, no_alerts, &alerts)) return 1;
  o.alerts = alerts.intake;
  mi_import_summary sum;
  int rc = mi_import(cli->store, cli->cfg, &o, &sum, &e);
  /* Each transaction of rows carried its own audit entry. */
  cli->audited = sum.commits > 0;
  if (o.progress && sum.read >= 10000) fputc('\n', stderr);
  if (rc) {
    mi_cli_alerts_close(&alerts);
    mi_cli_fail(&e);
    if (sum.commits == 0) hint(&o, &e);
    return 1;
  }
  print_summary(cli, &o, &sum, &alerts);
  mi_cli_alerts_close(&alerts);
  if (sum.pack_error.code)
    fprintf(stderr, _("manyi: warning: the responses are stored, but packing them for the scores "
                      "failed (%s); the next score packs them\n"), sum.pack_error.msg);
  return sum.rejected ? 3 : 0;
}

static int run(mi_cli *cli, int argc, char **argv) {
  /* The argv as given, before getopt reorders it, for the audit entry that
   * commits with the rows (service/import.c). */
  char *audit = mi_cli_audit_args(cli, argc, argv);
  if (!audit) {
    fputs(_("manyi: out of memory\n"), stderr);
    return 1;
  }
  int rc = run_import(cli, argc, argv, audit);
  free(audit);
  return rc;
}

const mi_cli_command mi_cmd_import = {
    "import", "load customers, staff, orders, interactions, tickets or responses",
    "Usage: manyi [--config FILE] [--db FILE] import ENTITY FILE [OPTIONS]\n"
    "\n"
    "ENTITY is customers, staff, orders, interactions, tickets or responses. FILE is\n"
    "CSV"
    " (RFC 4180, header row) or JSON Lines, told apart by its extension (.csv,\n"
    ".jsonl) unless --format is given. Rows are keyed by external_id: importing the\n"
    "same file again adds nothing; changed rows are updated.\n"
    "\n"
    "By default the import is all-or-nothing: the first bad row stores nothing and\n"
    "is reported as FILE:LINE: field 'NAME': what is wrong.\n"
    "\n"
    "Options:\n"
    "  -f, --format csv|jsonl  the file's format\n"
    "  -e, --encoding NAME     the file's encoding, e.g. GB18030 (default UTF-8)\n"
    "  -r, --rejects FILE      store the good rows and write each bad one to FILE\n"
    "                          (CSV, with reject_line and reject_reason columns)\n"
    "      --no-alerts         responses: do not ask the alert policy now (manyi eval\n"
    "                          alerts will); by default each new response goes through\n"
    "                          policies.alert as it is stored, and the follow-ups it\n"
    "                          decides open with the import\n"
    "\n"
    "Columns:\n"
    "  customers     external_id, name, kind (person|company|government), created_at;\n"
    "                optional region, industry, phone, email, birthday, consent_email,\n"
    "                consent_sms, consent_phone (0/1), tier, special_needs, referred_by\n"
    "                (the external_id of the customer who referred this one, stored\n"
    "                before this row: earlier in the file or imported before; a\n"
    "                customer has one referrer, never themselves, and no circle; an\n"
    "                empty cell keeps what is recorded; see manyi customer --help)\n"
    "  staff         external_id, name; optional department, os_user, active (0/1)\n"
    "  orders        external_id, customer_id, amount (e.g. 1299.00; at most\n"
    "                9999999999.99, so that a customer's sums fit in 64 bits), currency,\n"
    "                ordered_at, status (placed|paid|shipped|completed|cancelled|refunded)\n"
    "  interactions  external_id, customer_id, channel, direction, occurred_at;\n"
    "                optional staff_id, summary\n"
    "  tickets       external_id, customer_id, kind, category, severity, channel,\n"
    "                priority (1-4), department, status, opened_at, subject;\n"
    "                optional first_response_at, resolved_at, assignee (a staff\n"
    "                external_id: import staff first)\n"
    "  responses     external_id, survey, customer_id, submitted_at; optional\n"
    "                duration_s, channel; one column per question code of the survey\n"
    "Times: YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with Z or +HH:MM (none means UTC).\n"
    "\n"
    "Exit status: 0 imported, 1 nothing imported (error), 3 good rows stored and\n"
    "some rejected.\n",
    run, 0, NULL};
