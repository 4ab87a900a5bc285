/* manyi points show|redeem|expire, and `manyi eval points` (called from
 * cmd_eval.c): the terminal side of service/points.c. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch_cli.h"
#include "cli/cli.h"
#include "util/i18n.h"
#include "policy/policy.h"
#include "service/points.h"
#include "store/ledger.h"
#include "util/timeutil.h"

/* ---- manyi eval points ---------------------------------------------------- */

static void print_run(const mi_cli *cli, mi_cli_batch *b, const mi_points_run_options *o,
                      const mi_points_run_summary *s, const char *policy) {
  if (cli->json) {
    json_t *j = json_pack(
        "{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s}", "policy", policy, "dry_run",
        o->batch.dry_run, "events", (json_int_t)s->events, "credited", (json_int_t)s->credited,
        "points", (json_int_t)s->points, "skipped", (json_int_t)s->skipped, "failed",
        (json_int_t)s->failed, "reversed", (json_int_t)s->reversed, "reversed_points",
        (json_int_t)s->reversed_points, "reverse_expired", (json_int_t)s->reverse_expired,
        "resumed_from", s->resumed);
    mi_cli_batch_json(b, j, &s->stop);
    mi_cli_print_json(j);
    return;
  }
  if (cli->quiet) return;
  char ran[4200];
  printf(_("%s: %lld events, %lld credited (%lld points), %lld skipped, %lld failed%s\n"),
         mi_cli_ran(o->batch.dry_run, policy, ran, sizeof ran), (long long)s->events,
         (long long)s->credited, (long long)s->points, (long long)s->skipped,
         (long long)s->failed, mi_cli_breaker_note(s->stop.tripped));
  if (s->reverse_expired)
    printf(_("  refunds: %lld reversed (%lld points), %lld with nothing to take back (their "
             "points had expired)\n"),
           (long long)s->reversed, (long long)s->reversed_points, (long long)s->reverse_expired);
  else
    printf(_("  refunds: %lld reversed (%lld points)\n"), (long long)s->reversed,
           (long long)s->reversed_points);
  if (s->resumed[0]) printf(_("  resumed an interrupted run after %s\n"), s->resumed);
}

int mi_cli_eval_points(mi_cli *cli, int64_t as_of, const char *policy_path, int jobs,
                       mi_cli_batch *b) {
  mi_err e = {0};
  if (mi_cli_open_store(cli, 0)) return 1;
  /* One Lua state per job: states are not shared between threads. */
  mi_policy *states[MI_BATCH_MAX_WORKERS + 1] = {0};
  const mi_config_policy *configured = mi_config_find_policy(cli->cfg, "loyalty");
  mi_policy_limits limits = {cli->cfg->limits.policy_instructions, cli->cfg->limits.policy_memory,
                             cli->cfg->limits.policy_time_ms};
  int rc = 0;
  for (int i = 0; i < jobs && rc == 0; i++)
    rc = policy_path ? mi_policy_load("loyalty", policy_path, configured ? &configured->params : NULL,
                                      &limits, &states[i], &e)
                     : mi_policy_load_config(cli->cfg, "loyalty", &states[i], &e);
  mi_policy *policy = states[0];
  int begun = rc == 0 && mi_cli_batch_begin(cli, b, N_("crediting points"), N_("events")) == 0;
  if (!begun) {
    for (int i = 0; i < jobs; i++) mi_policy_free(states[i]);
    return rc ? mi_cli_fail(&e) : 1;
  }
  mi_points_run_options o = {.as_of = as_of, .batch = b->opt, .workers = states + 1,
                             .nworkers = jobs - 1};
  mi_points_run_summary sum;
  rc = mi_points_run(cli->store, cli->cfg, policy, &o, &sum, &e);
  rc = mi_cli_batch_end(b, rc, &e);
  if (rc == 0 || sum.stop.tripped) print_run(cli, b, &o, &sum, mi_policy_path(policy));
  for (int i = 0; i < jobs; i++) mi_policy_free(states[i]);
  return mi_cli_batch_status(b, rc, &e, &sum.stop, sum.failed);
}

/* ---- manyi points ... ----------------------------------------------------- */

#define H_SHOW                                                                            \
  "Usage: manyi [--json] points show CUSTOMER [--lots] [--last N]\n"                       \
  "\n"                                                                                    \
  "The customer's balance (the ledger's sum), the points available now (in lots\n"        \
  "that have not expired, less any debt left by a reversal), the points that\n"           \
  "still remain by expiry day in the order a redemption spends them (soonest\n"           \
  "expiry first; --lots: each lot, i.e. each earning entry), and the last N\n"            \
  "ledger entries (default 10). --json lists every lot.\n"

#define H_REDEEM                                                                          \
  "Usage: manyi points redeem CUSTOMER POINTS --key KEY [--reason TEXT]\n"                \
  "\n"                                                                                    \
  "Spends POINTS from the customer's lots that have not expired, soonest expiry\n"        \
  "first. More than is available is refused and nothing is written. KEY names the\n"      \
  "redemption (e.g. the voucher or order it pays for): the same KEY again for the\n"      \
  "same customer and points is the same redemption and adds nothing; for anything\n"      \
  "else it is refused.\n"

#define H_EXPIRE                                                                          \
  "Usage: manyi points expire [--as-of TIME] [--dry-run]\n"                               \
  "\n"                                                                                    \
  "Writes an 'expire' ledger entry for every lot that expired at or before TIME\n"        \
  "(default: now; not later than now) and still holds points. Running it again\n"         \
  "adds nothing. Month and year ends are in UTC.\n"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] points SUBCOMMAND ...\n"
    "\n"
    "Loyalty points accounts. Points are credited by 'manyi eval points'.\n"
    "\n"
    "Subcommands ('manyi points SUBCOMMAND --help' for each):\n"
    "  show CUSTOMER                         balance, lots with expiry, last entries\n"
    "  redeem CUSTOMER POINTS --key KEY      spend points, soonest-expiring first\n"
    "  expire [--as-of TIME] [--dry-run]     write off lots past their expiry\n"
    "  grant CUSTOMER POINTS --key KEY --reason TEXT [--expires DATE]\n"
    "                                        goodwill points (supervisors, department\n"
    "                                        heads of the customer's department, admins)\n";

static const char H_GRANT[] =
    "Usage: manyi points grant CUSTOMER POINTS --key KEY --reason TEXT [--expires YYYY-MM-DD]\n"
    "\n"
    "Grants POINTS goodwill points to CUSTOMER (an `adjust` entry of the ledger with\n"
    "key goodwill:KEY and the granting user), good through --expires (default: never).\n"
    "The same KEY again for the same customer and points adds nothing. Only a\n"
    "supervisor or department head (of a department the customer has a ticket in)\n"
    "or an admin may grant; recorded in the audit log.\n";

static int parse_count(const char *s, int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v <= 0 || s[0] == '+' || s[0] == ' ') return -1;
  *out = v;
  return 0;
}

static void day_of(int64_t t, char buf[11]) { mi_date_format(t, buf); }

/* The last day a lot can be spent: the day before its expiry instant
 * ("never": the JSON's word, whatever the language). */
static void through(int64_t expires_at, char buf[11]) {
  if (!expires_at) snprintf(buf, 11, "never");
  else mi_date_format(expires_at - 1, buf);
}

/* The same for a person: "never" in the language chosen. */
static const char *through_text(int64_t expires_at, char buf[11]) {
  if (!expires_at) return _("never");
  through(expires_at, buf);
  return buf;
}

static int by_spending_order(const void *a, const void *b) {
  const mi_ledger_lot *x = a, *y = b;
  int64_t ex = x->expires_at ? x->expires_at : INT64_MAX, ey = y->expires_at ? y->expires_at : INT64_MAX;
  if (ex != ey) return ex < ey ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

typedef struct entries_ctx {
  json_t *list;
  int masked;     /* the reader sees the customer masked: reasons too */
  char name[256]; /* the customer's name */
} entries_ctx;

static int add_entry(void *p, const mi_ledger_row *r) {
  entries_ctx *c = p;
  char at[21];
  mi_instant_format(r->created_at, at);
  char *reason = c->masked ? mi_access_mask_text(r->reason, c->name) : NULL;
  if (c->masked && !reason) return MI_ENOMEM;
  json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s?}", "id", (json_int_t)r->id, "at", at,
                        "kind", r->kind, "points", (json_int_t)r->points, "reason",
                        reason ? reason : r->reason, "source", r->source);
  free(reason);
  if (!o) return MI_ENOMEM;
  if (r->expires_at) {
    char ex[11];
    through(r->expires_at, ex);
    json_object_set_new(o, "good_through", json_string(ex));
  }
  json_array_append_new(c->list, o);
  return 0;
}

static int cmd_show(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"last", required_argument, NULL, 'l'},
                                          {"lots", no_argument, NULL, 'L'},
                                          {NULL, 0, NULL, 0}};
  int64_t last = 10;
  int opt, each_lot = 0;
  while ((opt = getopt_long(argc, argv, "l:L", options, NULL)) != -1) {
    if (opt == 'L') {
      each_lot = 1;
      continue;
    }
    if (opt == 'l' && parse_count(optarg, &last) == 0 && last <= 100000) continue;
    if (opt == 'l')
      return mi_cli_usage_error("points show", "--last: '%s' is not a whole number from 1 to 100000", optarg);
    return mi_cli_usage_error("points show", "unknown option");
  }
  if (argc - optind != 1) return mi_cli_usage_error("points show", "give one CUSTOMER id");
  const char *customer = argv[optind];
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  int64_t now = mi_cli_now();
  mi_points_account a;
  if (mi_points_account_get(cli->store, customer, now, &a, &e)) {
    mi_points_account_free(&a);
    return mi_cli_fail(&e);
  }
  entries_ctx ec = {json_array(), 1, ""};
  if (mi_access_customer(cli->store, &cli->actor, customer, &ec.masked, &e)) {
    json_decref(ec.list);
    mi_points_account_free(&a);
    return mi_cli_fail(&e);
  }
  if (ec.masked) mi_access_customer_name(cli->store, customer, ec.name, sizeof ec.name);
  int rc = mi_ledger_each(cli->store, a.customer_id, 1, (int)last, add_entry, &ec, &e);
  if (rc) {
    json_decref(ec.list);
    mi_points_account_free(&a);
    return rc == MI_ENOMEM ? (fputs(_("manyi: out of memory\n"), stderr), 1) : mi_cli_fail(&e);
  }
  /* Lots that still hold points, in the order a redemption spends them. */
  size_t n = 0;
  for (size_t i = 0; i < a.lots.n; i++)
    if (a.lots.lots[i].remaining > 0) a.lots.lots[n++] = a.lots.lots[i];
  if (n) qsort(a.lots.lots, n, sizeof *a.lots.lots, by_spending_order); /* lots is NULL when empty */
  char now_s[21], d1[11], d2[11];
  mi_instant_format(now, now_s);
  if (cli->json) {
    json_t *lots = json_array();
    for (size_t i = 0; i < n; i++) {
      const mi_ledger_lot *l = &a.lots.lots[i];
      day_of(l->earned_at, d1);
      through(l->expires_at, d2);
      json_array_append_new(lots, json_pack("{s:I, s:I, s:I, s:s, s:s, s:b}", "entry", (json_int_t)l->id,
                                            "points", (json_int_t)l->points, "remaining",
                                            (json_int_t)l->remaining, "credited", d1, "good_through", d2,
                                            "expired", l->expires_at && l->expires_at <= now));
    }
    mi_cli_print_json(json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o}", "customer", customer,
                                "as_of", now_s, "balance", (json_int_t)a.lots.balance, "available",
                                (json_int_t)a.available, "debt", (json_int_t)a.lots.debt,
                                "expired_not_written_off", (json_int_t)a.expired_pending, "lots", lots,
                                "entries", ec.list));
    mi_points_account_free(&a);
    return 0;
  }
  printf(_("%s: balance %lld, available %lld (as of %s)\n"), customer, (long long)a.lots.balance,
         (long long)a.available, now_s);
  if (a.lots.debt)
    printf(_("  debt %lld (a reversal took more than was left; new points pay it first)\n"),
           (long long)a.lots.debt);
  if (a.expired_pending)
    printf(_("  %lld points have expired and are not yet written off (manyi points expire)\n"),
           (long long)a.expired_pending);
  /* the headers are whole lines: a translation aligns them by hand */
  if (n && each_lot) {
    fputs(_("lots, in the order a redemption spends them:\n"
            "     entry     points  remaining  credited    good through\n"),
          stdout);
    for (size_t i = 0; i < n; i++) {
      const mi_ledger_lot *l = &a.lots.lots[i];
      day_of(l->earned_at, d1);
      printf("  %8lld %10lld %10lld  %-10s  %s%s\n", (long long)l->id, (long long)l->points,
             (long long)l->remaining, d1, through_text(l->expires_at, d2),
             l->expires_at && l->expires_at <= now ? _(" (expired)") : "");
    }
  } else if (n) { /* one line per expiry day; --lots lists each lot */
    fputs(_("points by expiry, in the order a redemption spends them (--lots for each lot):\n"
            "  good through     points   lots\n"),
          stdout);
    for (size_t i = 0; i < n;) {
      size_t j = i;
      int64_t sum = 0;
      const char *until = through_text(a.lots.lots[i].expires_at, d2);
      for (; j < n && a.lots.lots[j].expires_at == a.lots.lots[i].expires_at; j++)
        sum += a.lots.lots[j].remaining;
      printf("  %s %10lld %6zu%s\n", mi_cli_cell(until, -12), (long long)sum, j - i,
             a.lots.lots[i].expires_at && a.lots.lots[i].expires_at <= now ? _("  (expired)") : "");
      i = j;
    }
  }
  size_t ne = json_array_size(ec.list);
  if (ne) printf(_("last %zu entries:\n"), ne);
  for (size_t i = 0; i < ne; i++) {
    json_t *o = json_array_get(ec.list, i);
    printf("  %8lld  %.10s  %-7s %10lld  %s\n", (long long)json_integer_value(json_object_get(o, "id")),
           json_string_value(json_object_get(o, "at")), json_string_value(json_object_get(o, "kind")),
           (long long)json_integer_value(json_object_get(o, "points")),
           json_string_value(json_object_get(o, "reason")));
  }
  json_decref(ec.list);
  mi_points_account_free(&a);
  return 0;
}

static int cmd_redeem(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"key", required_argument, NULL, 'k'},
                                          {"reason", required_argument, NULL, 'r'},
                                          {NULL, 0, NULL, 0}};
  const char *key = NULL, *reason = NULL;
  int opt;
  while ((opt = getopt_long(argc, argv, "k:r:", options, NULL)) != -1) {
    switch (opt) {
    case 'k': key = optarg; break;
    case 'r': reason = optarg; break;
    default: return mi_cli_usage_error("points redeem", "unknown option");
    }
  }
  if (argc - optind != 2) return mi_cli_usage_error("points redeem", "give a CUSTOMER and the POINTS to redeem");
  int64_t points;
  if (parse_count(argv[optind + 1], &points))
    return mi_cli_usage_error("points redeem", "POINTS: '%s' is not a positive whole number", argv[optind + 1]);
  if (!key)
    return mi_cli_usage_error("points redeem", "give --key KEY (it makes a retry safe: the same key "
                                               "is one redemption)");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_points_redeem_result r;
  if (mi_points_redeem(cli->store, argv[optind], points, key, reason, mi_cli_now(), &r, &e))
    return mi_cli_fail(&e);
  if (cli->json) {
    mi_cli_print_json(json_pack("{s:s, s:I, s:s, s:I, s:b, s:I, s:I}", "customer", argv[optind],
                                "points", (json_int_t)points, "key", key, "entry",
                                (json_int_t)r.entry_id, "already", r.already, "balance",
                                (json_int_t)r.balance, "available", (json_int_t)r.available));
    return 0;
  }
  if (cli->quiet) return 0;
  if (r.already)
    printf(_("already redeemed with key %s (entry %lld): nothing added; %s has %lld available\n"),
           key, (long long)r.entry_id, argv[optind], (long long)r.available);
  else
    printf(_("redeemed %lld points from %s (entry %lld); %lld available now\n"), (long long)points,
           argv[optind], (long long)r.entry_id, (long long)r.available);
  return 0;
}

static int cmd_expire(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"as-of", required_argument, NULL, 'a'},
                                          {"dry-run", no_argument, NULL, 'n'},
                                          {NULL, 0, NULL, 0}};
  int64_t now = mi_cli_now(), as_of = now;
  int dry_run = 0, opt;
  mi_err e = {0};
  while ((opt = getopt_long(argc, argv, "a:n", options, NULL)) != -1) {
    switch (opt) {
    case 'a':
      if (mi_instant_parse(optarg, &as_of, &e)) return mi_cli_usage_error("points expire", "--as-of: %s", e.msg);
      break;
    case 'n': dry_run = 1; break;
    default: return mi_cli_usage_error("points expire", "unknown option");
    }
  }
  if (argc != optind) return mi_cli_usage_error("points expire", "takes no arguments");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_points_expire_summary s;
  if (mi_points_expire(cli->store, as_of, now, dry_run, &s, &e)) return mi_cli_fail(&e);
  char at[21];
  mi_instant_format(as_of, at);
  if (cli->json) {
    mi_cli_print_json(json_pack("{s:s, s:b, s:I, s:I, s:I}", "as_of", at, "dry_run", dry_run,
                                "customers", (json_int_t)s.customers, "lots", (json_int_t)s.lots,
                                "points", (json_int_t)s.points));
    return 0;
  }
  if (!cli->quiet)
    printf(dry_run ? _("dry run: would have expired %lld lots of %lld customers (%lld points) as of "
                       "%s\n")
                   : _("expired %lld lots of %lld customers (%lld points) as of %s\n"),
           (long long)s.lots, (long long)s.customers, (long long)s.points, at);
  return 0;
}

static int cmd_grant(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"key", required_argument, NULL, 'k'},
                                          {"reason", required_argument, NULL, 'r'},
                                          {"expires", required_argument, NULL, 'x'},
                                          {NULL, 0, NULL, 0}};
  const char *key = NULL, *reason = NULL, *expires = NULL;
  int opt;
  while ((opt = getopt_long(argc, argv, "k:r:x:", options, NULL)) != -1) {
    switch (opt) {
    case 'k': key = optarg; break;
    case 'r': reason = optarg; break;
    case 'x': expires = optarg; break;
    default: return mi_cli_usage_error("points grant", "unknown option");
    }
  }
  if (argc - optind != 2) return mi_cli_usage_error("points grant", "give a CUSTOMER and the POINTS to grant");
  int64_t points, at = 0;
  if (parse_count(argv[optind + 1], &points))
    return mi_cli_usage_error("points grant", "POINTS: '%s' is not a positive whole number", argv[optind + 1]);
  if (!key || !reason)
    return mi_cli_usage_error("points grant", "give --key KEY (a retry with it grants once) and --reason TEXT");
  mi_err e = {0};
  if (expires && mi_policy_points_expiry(expires, mi_cli_now(), &at, &e)) return mi_cli_fail(&e);
  if (mi_cli_open_store(cli, 0)) return 1;
  int64_t entry;
  int already;
  if (mi_points_grant(cli->store, cli->cfg, argv[optind], points, key, reason, cli->actor.name, at,
                      mi_cli_now(), &entry, &already, &e))
    return mi_cli_fail(&e);
  if (cli->json)
    mi_cli_print_json(json_pack("{s:s, s:I, s:s, s:I, s:b}", "customer", argv[optind], "points",
                                (json_int_t)points, "key", key, "entry", (json_int_t)entry,
                                "already", already));
  else if (!cli->quiet)
    printf(already ? _("already granted %lld goodwill points to %s (entry %lld)\n")
                   : _("granted %lld goodwill points to %s (entry %lld)\n"),
           (long long)points, argv[optind], (long long)entry);
  return 0;
}

static const mi_cli_sub subs[] = {{"show", H_SHOW, cmd_show},
                                  {"grant", H_GRANT, cmd_grant},
                                  {"redeem", H_REDEEM, cmd_redeem},
                                  {"expire", H_EXPIRE, cmd_expire},
                                  {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "points", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_points = {"points", "loyalty points: show, redeem, expire, grant", usage_all,
                                      run, 1, subs};
