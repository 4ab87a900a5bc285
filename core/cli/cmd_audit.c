/* manyi audit list|verify: read the audit log and check its hash chain
 * (store/audit.c). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "store/audit.h"
#include "util/i18n.h"
#include "util/timeutil.h"

#define H_LIST                                                                              \
  "Usage: manyi [--config FILE] [--db FILE] [--json] audit list [--since TIME] [--action A]\n" \
  "\n"                                                                                      \
  "The audit log in order: id, time (UTC), OS user, action, object and detail.\n"          \
  "--since TIME keeps entries at or after an instant (2026-11-01T00:00:00Z) or a\n"        \
  "date (2026-11-01); --action keeps one action (export, config, policy, import,\n"        \
  "eval-tiers, eval-points, points-redeem, ticket, repl, ...).\n"
#define H_VERIFY                                                                            \
  "Usage: manyi [--config FILE] [--db FILE] [--json] audit verify [--anchor HASH]\n"       \
  "\n"                                                                                      \
  "Recomputes the hash chain of the audit log. Prints 'ok, N entries, head HASH'\n"       \
  "and exits 0 when every entry is intact; otherwise names the first entry that\n"        \
  "was edited, inserted or deleted and exits 1. The chain alone cannot show\n"        \
  "entries cut from the end, or a chain recomputed by someone who edited it: after\n"    \
  "every command that adds to the log, manyi writes the newest id and hash to the\n"     \
  "file DB-audit-head beside the database (moved on only while the entry it names\n"     \
  "is intact), and verify checks that entry is still in the log. For more, keep\n"       \
  "the head hash somewhere else and give it later with --anchor HASH, which must\n"      \
  "then be in the chain.\n"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] audit SUBCOMMAND\n"
    "\n"
    "The audit log records every export of personal data, every change of the\n"
    "configuration or a policy file (by hash), every batch run and manual change\n"
    "to tiers, points or tickets, with the OS user and the time. It is append-only\n"
    "and each entry carries a SHA-256 hash chained to the entry before.\n"
    "\n"
    "Subcommands:\n"
    "  list [--since TIME] [--action A]  the entries\n"
    "  verify [--anchor HASH]            check the hash chain\n"
    "\n"
    "'manyi audit SUBCOMMAND --help' for one of them.\n";

typedef struct list_ctx {
  json_t *arr;
  int64_t n;
  mi_store *store;
  int masked; /* auditors: personal data in recorded arguments masked */
} list_ctx;

static int list_one(const mi_audit_entry *en, void *ud) {
  list_ctx *c = ud;
  char at[21];
  mi_instant_format(en->at, at);
  c->n++;
  char *owned = c->masked && en->detail ? mi_access_mask_audit(c->store, en->detail) : NULL;
  const char *detail = owned ? owned : c->masked && en->detail ? "\"***\"" : en->detail;
  if (c->arr) {
    json_t *d = detail ? json_loads(detail, JSON_DECODE_ANY, NULL) : NULL;
    free(owned);
    json_array_append_new(c->arr,
                          json_pack("{s:I, s:s, s:s, s:s, s:s?, s:o, s:s?}", "id", (json_int_t)en->id,
                                    "at", at, "user", en->os_user, "action", en->action, "object",
                                    en->object, "detail", d ? d : json_null(), "hash", en->hash));
    return 0;
  }
  printf("%6lld  %s  %-12s %-14s %s%s%s\n", (long long)en->id, at, mi_cli_shown(en->os_user),
         en->action, mi_cli_shown(en->object), detail ? "  " : "",
         detail ? mi_cli_shown(detail) : "");
  free(owned);
  return 0;
}

static int cmd_list(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"since", required_argument, NULL, 's'},
                                          {"action", required_argument, NULL, 'a'},
                                          {NULL, 0, NULL, 0}};
  int64_t since = INT64_MIN;
  const char *action = NULL;
  mi_err e = {0};
  int opt;
  while ((opt = getopt_long(argc, argv, "s:a:", options, NULL)) != -1) {
    if (opt == 's') {
      if (mi_instant_parse(optarg, &since, &e))
        return mi_cli_usage_error("audit", "--since: %s", e.msg);
    } else if (opt == 'a') {
      action = optarg;
    } else {
      return mi_cli_usage_error("audit", "list: unknown option");
    }
  }
  if (optind < argc) return mi_cli_usage_error("audit", "list: unexpected '%s'", argv[optind]);
  if (mi_cli_open_store(cli, 0)) return 1;
  list_ctx c = {cli->json ? json_array() : NULL, 0, cli->store, mi_access_masked(&cli->actor)};
  if (mi_audit_each(cli->store, since, action, list_one, &c, &e)) {
    json_decref(c.arr);
    return mi_cli_fail(&e);
  }
  if (c.arr) mi_cli_print_json(c.arr);
  else if (!c.n && !cli->quiet) fputs(_("no audit entries\n"), stderr);
  return 0;
}

static int cmd_verify(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"anchor", required_argument, NULL, 'a'},
                                          {NULL, 0, NULL, 0}};
  const char *anchor = NULL;
  int opt;
  while ((opt = getopt_long(argc, argv, "a:", options, NULL)) != -1) {
    if (opt != 'a') return mi_cli_usage_error("audit", "verify: unknown option");
    anchor = optarg;
    if (strlen(anchor) != MI_AUDIT_HASH_LEN || strspn(anchor, "0123456789abcdef") != MI_AUDIT_HASH_LEN)
      return mi_cli_usage_error("audit", "--anchor takes a hash of %d hex digits (from 'audit verify')",
                                MI_AUDIT_HASH_LEN);
  }
  if (optind < argc) return mi_cli_usage_error("audit", "verify: unexpected '%s'", argv[optind]);
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_audit_report r;
  /* Without --anchor, the head kept beside the database after every commit. */
  int64_t kept_id = 0;
  char kept[MI_AUDIT_HASH_LEN + 1];
  if (!anchor) {
    if (mi_audit_anchor_read(cli->store, &kept_id, kept, &e)) return mi_cli_fail(&e);
    if (kept_id) anchor = kept;
  }
  if (mi_audit_verify(cli->store, anchor, &r, &e)) return mi_cli_fail(&e);
  int ok = !r.bad_id && (!anchor || r.anchor_found);
  if (cli->json) {
    json_t *o = json_pack("{s:b, s:I, s:s}", "ok", ok, "entries", (json_int_t)r.entries, "head", r.head);
    if (r.bad_id) {
      json_object_set_new(o, "bad_entry", json_integer(r.bad_id));
      json_object_set_new(o, "problem", json_string(r.problem));
    }
    if (anchor) json_object_set_new(o, "anchor_found", json_boolean(r.anchor_found));
    mi_cli_print_json(o);
  } else if (ok) {
    /* the head hash stays last on the line, in every language */
    printf(_("ok, %lld entries, head %s\n"), (long long)r.entries, *r.head ? r.head : "-");
  }
  if (r.bad_id)
    fprintf(stderr, _("manyi: audit log of %s broken at entry %lld: %s\n"),
            mi_cli_db_path(cli), (long long)r.bad_id, r.problem);
  else if (!ok && kept_id)
    fprintf(stderr, _("manyi: entry %lld of the audit log of %s, whose hash %s was kept in %s%s, "
                      "is not in the log: entries were removed or the chain was rewritten\n"),
            (long long)kept_id, mi_cli_db_path(cli), anchor, mi_cli_db_path(cli),
            MI_AUDIT_ANCHOR_SUFFIX);
  else if (!ok)
    fprintf(stderr, _("manyi: the anchor %s is not in the audit log of %s: entries were removed "
                      "or the chain was rewritten\n"), anchor, mi_cli_db_path(cli));
  else if (!cli->json && !kept_id && !strcmp(argv[0], "verify"))
    fprintf(stderr, _("manyi: note: no anchor file %s%s (it is written after each audited "
                      "command): only the chain was checked; keep the head elsewhere and use "
                      "--anchor HASH\n"), mi_cli_db_path(cli), MI_AUDIT_ANCHOR_SUFFIX);
  return ok ? 0 : 1;
}

static const mi_cli_sub subs[] = {
    {"list", H_LIST, cmd_list}, {"verify", H_VERIFY, cmd_verify}, {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "audit", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_audit = {"audit", "the audit log: list, verify its hash chain",
                                     usage_all, run, 1, subs};
