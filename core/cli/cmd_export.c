/* manyi export ENTITY [FILE]: write stored rows in the import format. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "service/export.h"
#include "util/i18n.h"
#include "util/outfile.h"

static int run(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"format", required_argument, NULL, 'f'},
                                          {"survey", required_argument, NULL, 's'},
                                          {NULL, 0, NULL, 0}};
  mi_export_options o = {.format = MI_FORMAT_AUTO, .actor = mi_cli_user(), .now = mi_cli_now(),
                         .mask = mi_access_masked(&cli->actor)};
  mi_err e = {0};
  int opt;
  while ((opt = getopt_long(argc, argv, "f:s:", options, NULL)) != -1) {
    switch (opt) {
    case 'f':
      if (mi_format_parse(optarg, &o.format, &e)) return mi_cli_usage_error("export", "%s", e.msg);
      break;
    case 's': o.survey = optarg; break;
    default: return mi_cli_usage_error("export", "unknown option");
    }
  }
  int nargs = argc - optind;
  if (nargs < 1 || nargs > 2) return mi_cli_usage_error("export", "give an ENTITY and optionally a FILE");
  o.entity = argv[optind];
  const char *path = nargs == 2 ? argv[optind + 1] : NULL;
  o.target = path ? path : "-";
  if (o.format == MI_FORMAT_AUTO) {
    if (!path) o.format = MI_FORMAT_CSV;
    else if (mi_format_from_path(path, &o.format, &e)) return mi_cli_usage_error("export", "%s", e.msg);
  }
  if (mi_cli_open_store(cli, 0)) return 1;
  /* A temporary file renamed into place (util/outfile.h): a failed export
   * leaves no half file, and the database's own files are refused. */
  mi_outfile *of = NULL;
  if (path && mi_outfile_open(path, mi_cli_db_path(cli), &of, &e)) return mi_cli_fail(&e);
  size_t rows;
  int rc = mi_export(cli->store, &o, of ? mi_outfile_stream(of) : stdout, &rows, &e);
  if (of && rc) mi_outfile_abort(of);
  else if (of) rc = mi_outfile_close(of, &e);
  else if (rc == 0) rc = mi_outfile_flush_stream(stdout, "standard output", &e);
  if (rc) return mi_cli_fail(&e);
  if (path && !cli->quiet)
    fprintf(stderr, _("%s: %zu rows of %s written\n"), path, rows, o.entity);
  return 0;
}

const mi_cli_command mi_cmd_export = {
    "export", "write customers, staff, orders, interactions, tickets, responses, ...",
    "Usage: manyi [--config FILE] [--db FILE] export ENTITY [FILE] [OPTIONS]\n"
    "\n"
    "Writes every stored row of ENTITY (customers, staff, orders, interactions,\n"
    "tickets, responses) in the format 'manyi import' reads, to FILE or standard output\n"
    "(customers: a referrer before the customers it referred, so that the file imports);\n"
    "also outbox (messages to send) and jobs (the scheduler's queue).\n"
    "Cells that a spreadsheet would run as a formula (starting with = + - @ or a\n"
    "tab) get a leading apostrophe, which import removes again. Every export is\n"
    "recorded in the audit log. FILE is written whole or not at all (through a\n"
    "temporary file beside it), readable by its owner only (mode 0600: it holds\n"
    "personal data); a symbolic link or the database's own files are refused.\n"
    "\n"
    "Options:\n"
    "  -f, --format csv|jsonl  output format (default: from FILE's extension, else CSV)\n"
    "  -s, --survey CODE       responses: which survey (needed when there are several)\n",
    run, 0, NULL};
