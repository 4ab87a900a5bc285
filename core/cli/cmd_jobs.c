/* manyi jobs [list]|show|add|retry|kinds: the scheduler's queue. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "service/job_kinds.h"
#include "store/jobs.h"
#include "store/put.h"
#include "store/queue.h"
#include "util/i18n.h"
#include "util/timeutil.h"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] jobs [SUBCOMMAND]\n"
    "\n"
    "The scheduler's queue: jobs queued by hand, by the schedule in manyi.yaml and\n"
    "by the engine itself; `manyi run` or `manyi tick` fires them.\n"
    "\n"
    "  list [--status S] [--limit N]   the newest jobs (default: 50), oldest first\n"
    "  show KEY                        one job: payload, attempts, last error\n"
    "  add KIND [--key K] [--at TIME] [--payload JSON]   queue a job\n"
    "  retry KEY                       queue a dead (failed) job again\n"
    "  kinds                           the job kinds and what they do\n"
    "\n"
    "Statuses: queued (waiting for run_at), running (claimed by a runner until its\n"
    "lease ends), done, failed (dead: gave up after its attempts), cancelled.\n";

static const char H_LIST[] =
    "Usage: manyi jobs list [--status queued|running|done|failed|cancelled] [--limit N]\n"
    "\nThe newest N jobs (default 50; 0 = all), oldest first, with counts by status.\n";
static const char H_SHOW[] = "Usage: manyi jobs show KEY\n\nOne job with its payload and last error.\n";
static const char H_ADD[] =
    "Usage: manyi jobs add KIND [--key KEY] [--at TIME] [--payload JSON]\n"
    "\n"
    "Queues a job of KIND (see `manyi jobs kinds`) to run at TIME (default: now;\n"
    "an instant like 2026-11-23T09:00:00Z or with an offset). KEY makes it once\n"
    "only: adding the same key again adds nothing (default: KIND:TIME:a hash of the\n"
    "payload, so the same job added twice is queued once).\n";
static const char H_RETRY[] =
    "Usage: manyi jobs retry KEY\n\nQueues a dead (failed) job again, now, with its attempts reset.\n";
static const char H_KINDS[] = "Usage: manyi jobs kinds\n\nThe job kinds and what each does.\n";

static json_t *job_json(const mi_queue_job *j) {
  char run_at[21], fin[21];
  mi_instant_format(j->run_at, run_at);
  mi_instant_format(j->finished_at, fin);
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I}", "key", j->key, "kind", j->kind, "status",
                        j->status, "run_at", run_at, "attempts", (json_int_t)j->attempts);
  json_object_set_new(o, "finished_at", j->finished_at ? json_string(fin) : json_null());
  json_object_set_new(o, "error", j->error ? json_string(j->error) : json_null());
  json_t *p = j->payload ? json_loads(j->payload, 0, NULL) : NULL;
  json_object_set_new(o, "payload", p ? p : json_null());
  if (j->lease_owner[0]) json_object_set_new(o, "runner", json_string(j->lease_owner));
  return o;
}

static int print_job(const mi_queue_job *j, void *ud) {
  json_t *arr = ud;
  if (arr) {
    json_array_append_new(arr, job_json(j));
    return 0;
  }
  char run_at[21];
  mi_instant_format(j->run_at, run_at);
  printf("%-20s %-9s %-14s %3lld  %s%s%s\n", run_at, j->status, j->kind, (long long)j->attempts,
         j->key, j->error ? "  -- " : "", j->error ? j->error : "");
  return 0;
}

static int cmd_list(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"status", required_argument, NULL, 's'},
                                          {"limit", required_argument, NULL, 'l'},
                                          {NULL, 0, NULL, 0}};
  const char *status = NULL;
  long limit = 50;
  int opt;
  while ((opt = getopt_long(argc, argv, "s:l:", options, NULL)) != -1) {
    char *end;
    if (opt == 's') status = optarg;
    else if (opt == 'l' && (limit = strtol(optarg, &end, 10), *end || limit < 0 || !*optarg))
      return mi_cli_usage_error("jobs", "--limit takes a whole number >= 0, not '%s'", optarg);
    else if (opt != 'l') return mi_cli_usage_error("jobs", "list: unknown option");
  }
  if (optind < argc) return mi_cli_usage_error("jobs", "list takes no arguments");
  static const char *const statuses[] = {"queued", "running", "done", "failed", "cancelled", NULL};
  int known = !status;
  for (int i = 0; statuses[i] && !known; i++) known = !strcmp(status, statuses[i]);
  if (!known)
    return mi_cli_usage_error("jobs", "unknown status '%s'; use queued, running, done, failed "
                                      "or cancelled", status);
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_queue_counts c;
  if (mi_queue_count(cli->store, mi_cli_now(), &c, &e)) return mi_cli_fail(&e);
  json_t *arr = cli->json ? json_array() : NULL;
  if (!cli->json)
    printf(_("queued %lld (due %lld), running %lld, done %lld, failed %lld, cancelled %lld\n\n"),
           (long long)c.queued, (long long)c.due, (long long)c.running, (long long)c.done,
           (long long)c.failed, (long long)c.cancelled);
  if (mi_queue_each(cli->store, status, (size_t)limit, print_job, arr, &e)) {
    json_decref(arr);
    return mi_cli_fail(&e);
  }
  if (arr)
    mi_cli_print_json(json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o}", "counts", "queued",
                                (json_int_t)c.queued, "due", (json_int_t)c.due, "running",
                                (json_int_t)c.running, "done", (json_int_t)c.done, "failed",
                                (json_int_t)c.failed, "cancelled", (json_int_t)c.cancelled,
                                "jobs", arr));
  return 0;
}

/* One line of `jobs show`: a message per field, whose label and padding
 * are the translator's (as check's summary); the value as stored. */
static void print_field(const char *key, const char *value) {
  if (!strcmp(key, "key")) printf(_("key          %s\n"), value);
  else if (!strcmp(key, "kind")) printf(_("kind         %s\n"), value);
  else if (!strcmp(key, "status")) printf(_("status       %s\n"), value);
  else if (!strcmp(key, "run_at")) printf(_("run_at       %s\n"), value);
  else if (!strcmp(key, "attempts")) printf(_("attempts     %s\n"), value);
  else if (!strcmp(key, "finished_at")) printf(_("finished_at  %s\n"), value);
  else if (!strcmp(key, "error")) printf(_("error        %s\n"), value);
  else if (!strcmp(key, "payload")) printf(_("payload      %s\n"), value);
  else if (!strcmp(key, "runner")) printf(_("runner       %s\n"), value);
  else printf("%-12s %s\n", key, value);
}

static int cmd_show(mi_cli *cli, int argc, char **argv) {
  if (argc != 2) return mi_cli_usage_error("jobs", "show takes one KEY");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_queue_job j = {0};
  int rc = mi_queue_get(cli->store, argv[1], &j, &e);
  if (rc < 0) return mi_cli_fail(&e);
  if (rc == 0) {
    mi_err_set(&e, MI_ENOTFOUND, "no job with key '%s' (see `manyi jobs list`)", argv[1]);
    return mi_cli_fail(&e);
  }
  json_t *o = job_json(&j);
  mi_queue_job_clear(&j);
  if (cli->json) {
    mi_cli_print_json(o);
    return 0;
  }
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    print_field(k, text ? text : json_string_value(v));
    free(text);
  }
  json_decref(o);
  return 0;
}

static int cmd_add(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"key", required_argument, NULL, 'k'},
                                          {"at", required_argument, NULL, 'a'},
                                          {"payload", required_argument, NULL, 'p'},
                                          {NULL, 0, NULL, 0}};
  const char *key = NULL, *payload = NULL;
  int64_t at = mi_cli_now();
  mi_err e = {0};
  int opt;
  while ((opt = getopt_long(argc, argv, "k:a:p:", options, NULL)) != -1) {
    if (opt == 'k') key = optarg;
    else if (opt == 'p') payload = optarg;
    else if (opt == 'a') {
      if (mi_instant_parse(optarg, &at, &e)) return mi_cli_usage_error("jobs", "--at: %s", e.msg);
    } else return mi_cli_usage_error("jobs", "add: unknown option");
  }
  if (optind + 1 != argc) return mi_cli_usage_error("jobs", "add takes one KIND");
  const char *kind = argv[optind];
  if (!mi_sched_find_kind(mi_job_kinds, kind))
    return mi_cli_usage_error("jobs", "unknown job kind '%s' (see `manyi jobs kinds`)", kind);
  json_error_t je;
  json_t *p = payload ? json_loads(payload, 0, &je) : NULL;
  if (payload && !p)
    return mi_cli_usage_error("jobs", "--payload is not JSON: %s (column %d)", je.text, je.column);
  json_decref(p);
  char when[21], defkey[200];
  mi_instant_format(at, when);
  if (!key) { /* FNV-1a of the payload keeps the key short and the same for the same job */
    unsigned long long h = 1469598103934665603ULL;
    for (const char *c = payload ? payload : ""; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    snprintf(defkey, sizeof defkey, "%s:%s:%016llx", kind, when, h);
    key = defkey;
  }
  if (mi_cli_open_store(cli, 0)) return 1;
  int64_t id = 0;
  int rc = mi_job_enqueue(cli->store, kind, key, at, payload, mi_cli_now(), &id, &e);
  if (rc < 0) return mi_cli_fail(&e);
  if (cli->json)
    mi_cli_print_json(json_pack("{s:s, s:s, s:s, s:b}", "key", key, "kind", kind, "run_at", when,
                                "added", rc == MI_PUT_INSERTED));
  else if (!cli->quiet)
    printf(rc == MI_PUT_INSERTED ? _("queued %s for %s\n")
                                 : _("%s is already queued (%s): nothing added\n"),
           key, when);
  return 0;
}

static int cmd_retry(mi_cli *cli, int argc, char **argv) {
  if (argc != 2) return mi_cli_usage_error("jobs", "retry takes one KEY");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  if (mi_queue_retry(cli->store, argv[1], mi_cli_now(), &e)) return mi_cli_fail(&e);
  if (!cli->quiet) printf(_("queued %s again\n"), argv[1]);
  return 0;
}

static int cmd_kinds(mi_cli *cli, int argc, char **argv) {
  (void)argv;
  if (argc != 1) return mi_cli_usage_error("jobs", "kinds takes no arguments");
  json_t *o = cli->json ? json_object() : NULL;
  for (const mi_sched_kind *k = mi_job_kinds; k->name; k++) {
    if (o) json_object_set_new(o, k->name, json_string(k->summary));
    else printf("  %-14s %s\n", k->name, _(k->summary)); /* JSON: the English summary */
  }
  if (o) mi_cli_print_json(o);
  return 0;
}

static const mi_cli_sub subs[] = {{"list", H_LIST, cmd_list},   {"show", H_SHOW, cmd_show},
                                  {"add", H_ADD, cmd_add},      {"retry", H_RETRY, cmd_retry},
                                  {"kinds", H_KINDS, cmd_kinds}, {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "jobs", usage_all, subs, "list", argc, argv);
}

const mi_cli_command mi_cmd_jobs = {"jobs", "the scheduler's queue: list, show, add, retry",
                                    usage_all, run, 1, subs};
