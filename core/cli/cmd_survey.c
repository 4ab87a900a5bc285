/* manyi survey sample|dispatch|remind|status CODE --wave W: survey waves. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sched/tz.h"
#include "service/survey_score.h"
#include "service/text_coding.h"
#include "store/survey_rows.h"
#include "store/text_codes.h"
#include "service/surveys.h"
#include "util/period.h"
#include "store/response_flags.h"
#include "store/survey_waves.h"
#include "util/i18n.h"
#include "util/timeutil.h"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] survey SUBCOMMAND CODE --wave W ...\n"
    "\n"
    "  sample CODE --wave W [--method srs|stratified|cluster] [--by COLUMN]\n"
    "         [--allocation proportional|neyman --question Q] [--size N | --margin M\n"
    "         [--conf 0.95] [--p 0.5]] [--clusters M] [--seed S] [--quiet-days 90]\n"
    "         [--dry-run]\n"
    "                 draw a wave from the eligible customers: those the eligibility\n"
    "                 policy (policies.eligibility, hook eligible) lets in, else the\n"
    "                 built-in rule: a channel they consented to (email, else sms,\n"
    "                 else phone), not invited in the last --quiet-days days (90), no\n"
    "                 open complaint. --quiet-days replaces the policy's\n"
    "                 params.quiet_days. Prints who was left out, by reason.\n"
    "                 Strata/clusters by tier, region, kind or industry. Without\n"
    "                 --size, the size for a proportion p within +-margin at --conf,\n"
    "                 finite-population corrected. Neyman allocation uses each\n"
    "                 stratum's spread of the past answers to question Q. --seed\n"
    "                 makes it reproducible; each invitation stores its stratum and\n"
    "                 design weight N_h/n_h (cluster: M/m). --method cluster takes\n"
    "                 --clusters M whole clusters at random (not --size or --margin:\n"
    "                 the sample is every eligible customer of those clusters). The\n"
    "                 same command again adds nothing.\n"
    "  dispatch CODE --wave W   one outbox message per pending invitation (then sent)\n"
    "  remind CODE --wave W --after DURATION\n"
    "                 one reminder to each invitation sent at least DURATION ago\n"
    "                 without a response (e.g. --after 168h). Both check consent\n"
    "                 again: a customer who withdrew it for the invitation's channel\n"
    "                 (or lost the address) gets an outbox row with status\n"
    "                 'skipped' and the reason instead, and is not sent to\n"
    "  status CODE --wave W     invited, sent, answered and the response rate by stratum\n"
    "  clean CODE [--duplicate-window 10m] [--identical-window 1h] [--min-duration 60s]\n"
    "         [--straight-min 5] [--max-missing 0.5]\n"
    "                 flag (never delete) the survey's responses (all its versions),\n"
    "                 one flag per response and reason:\n"
    "                   duplicate: a customer's response to the survey at most\n"
    "                     --duplicate-window after an earlier one of theirs, whatever\n"
    "                     its answers, or at most --identical-window (0: off) after one\n"
    "                     with the same answer to every question (blanks and comment\n"
    "                     alike): a double submission. The earliest stays unflagged.\n"
    "                     The same answers further apart are a repeat customer\n"
    "                     answering again, not a duplicate.\n"
    "                   speeder: a duration under --min-duration (none: not judged).\n"
    "                   straight_liner: --straight-min or more answers on one scale\n"
    "                     (questions with the same range, e.g. the 1-5 items), all the\n"
    "                     same value. Open questions and answers on other scales (a\n"
    "                     0-10 recommendation) neither count nor break the line.\n"
    "                   out_of_range: an answer outside its question's scale.\n"
    "                   missing: more than the share --max-missing (0 to below 1) of the\n"
    "                     version's scale questions unanswered (no answer given; open\n"
    "                     questions do not count): with 0.5 and 9 scale questions, 5\n"
    "                     unanswered are flagged, 4 are not.\n"
    "                 A rerun recomputes: flags still given stay as they were, those no\n"
    "                 longer given (other options) are withdrawn. Prints the flags by\n"
    "                 reason, new and withdrawn.\n"
  "  score CODE [--wave W] [--period P | --from T --to T]\n"
    "         [--by tier|region|stratum|channel|department] [--include-flagged] [--conf 0.95]\n"
    "         [--poststratify tier|region]\n"
    "                 CSAT (top-2-box share of the overall question), NPS and the\n"
    "                 weighted satisfaction index over the survey's dimensions (reverse\n"
    "                 items turned round), with confidence intervals, weighted by the\n"
    "                 design weights of the invitations; flagged responses left out.\n"
    "                 The same figures as `manyi stats prop|nps|index` on the rows.\n"
    "                 --by channel: the response's channel; department: of the ticket\n"
    "                 its invitation followed (responses without one are in no group).\n"
    "                 --poststratify: weights adjusted so that the tiers (regions) weigh\n"
    "                 as in the customer base (standard errors take them as given).\n"
    "                 Per dimension: the design-based mean of the row's item mean, its\n"
    "                 0-100 score with interval, Cronbach's alpha of 2+ items. A\n"
    "                 question with dimension effort gives the CES: its mean and the\n"
    "                 shares of the two lowest (low effort) and highest points.\n"
    "                 Per choice question: the weighted share of its answers that\n"
    "                 chose each choice, with its interval (and per --by group).\n"
    "  pack [CODE]     pack the responses (of every survey, or CODE) that are in no block\n"
    "                 yet into blocks of 4096, which the scores read instead of one row\n"
    "                 per response. `import responses` and a score that read many rows\n"
    "                 do it themselves; this is for responses loaded with SQL. The\n"
    "                 newest responses wait for a full block. Prints how many were packed.\n"
    "  code CODE [--complaints] [--recode] [--no-alerts]\n"
    "                 the coding policy (policies.coding) names the categories of each\n"
    "                 open answer not coded yet (and of each complaint's description);\n"
    "                 prints the categories with their counts, most first (Pareto).\n"
    "                 Each response whose answers were coded then goes through the\n"
    "                 alert policy (policies.alert) again, now with its categories: a\n"
    "                 complaint in a comment opens its follow-up (--no-alerts: not now)\n"
    "\n"
    "Messages wait in the outbox (`manyi outbox export FILE`); manyi sends nothing.\n";

typedef struct args {
  mi_sample_request r;
  int64_t after;
  int size_given, clusters_given; /* --size 0 and --clusters 0 are given too */
} args;

static int parse(int argc, char **argv, args *a) {
  static const struct option options[] = {
      {"wave", required_argument, NULL, 'w'},       {"method", required_argument, NULL, 'm'},
      {"by", required_argument, NULL, 'b'},         {"allocation", required_argument, NULL, 'a'},
      {"question", required_argument, NULL, 'q'},   {"size", required_argument, NULL, 'n'},
      {"margin", required_argument, NULL, 'M'},     {"conf", required_argument, NULL, 'c'},
      {"p", required_argument, NULL, 'p'},          {"clusters", required_argument, NULL, 'k'},
      {"seed", required_argument, NULL, 's'},       {"quiet-days", required_argument, NULL, 'Q'},
      {"dry-run", no_argument, NULL, 'd'},          {"after", required_argument, NULL, 'A'},
      {NULL, 0, NULL, 0}};
  a->after = 0;
  a->size_given = a->clusters_given = 0;
  a->r = (mi_sample_request){.method = "srs", .allocation = "proportional", .conf = 0.95,
                             .p = 0.5, .seed = 1, .quiet_days = -1, .now = mi_cli_now()};
  int opt;
  char *end;
  mi_err e = {0};
  while ((opt = getopt_long(argc, argv, "w:m:b:a:q:n:M:c:p:k:s:Q:dA:", options, NULL)) != -1) {
    double d = 0;
    long long v = 0;
    if (strchr("nksQ", opt) && (v = strtoll(optarg, &end, 10), *end || !*optarg || v < 0))
      return mi_cli_usage_error("survey", "'%s': --size, --clusters, --seed and --quiet-days "
                                "take a whole number >= 0", optarg);
    if (strchr("Mcp", opt) && (d = strtod(optarg, &end), *end || !*optarg || !(d > 0 && d < 1)))
      return mi_cli_usage_error("survey", "'%s': --margin, --conf and --p take a number between 0 and 1", optarg);
    switch (opt) {
    case 'w': a->r.wave = optarg; break;
    case 'm': a->r.method = optarg; break;
    case 'b': a->r.by = optarg; break;
    case 'a': a->r.allocation = optarg; break;
    case 'q': a->r.question = optarg; break;
    case 'n': a->r.size = v, a->size_given = 1; break;
    case 'M': a->r.margin = d; break;
    case 'c': a->r.conf = d; break;
    case 'p': a->r.p = d; break;
    case 'k': a->r.clusters = v, a->clusters_given = 1; break;
    case 's': a->r.seed = (uint64_t)v; break;
    case 'Q': a->r.quiet_days = v; break;
    case 'd': a->r.dry_run = 1; break;
    case 'A':
      if (mi_duration_parse(optarg, &a->after, &e) || a->after <= 0)
        return mi_cli_usage_error("survey", "--after '%s' is not a duration like 168h", optarg);
      break;
    default: return mi_cli_usage_error("survey", "%s: unknown option", argv[0]);
    }
  }
  if (argc - optind != 1) return mi_cli_usage_error("survey", "%s takes one survey CODE", argv[0]);
  a->r.survey = argv[optind];
  if (!a->r.wave) return mi_cli_usage_error("survey", "%s needs --wave W", argv[0]);
  return 0;
}

static int cmd_sample(mi_cli *cli, int argc, char **argv) {
  args a;
  if (parse(argc, argv, &a)) return 2;
  /* A cluster sample takes whole clusters: its size is what they hold, so a
   * --size or --margin would be ignored; say so rather than drop it. */
  int cluster = !strcmp(a.r.method, "cluster");
  if (cluster && (a.size_given || a.r.margin))
    return mi_cli_usage_error("survey", "--method cluster takes whole clusters: say how many "
                              "with --clusters M, not --size or --margin (the sample is every "
                              "eligible customer of the clusters drawn)");
  if (cluster && !a.r.clusters)
    return mi_cli_usage_error("survey", "--method cluster needs --clusters M (how many "
                              "clusters to take whole)");
  if (!cluster && a.clusters_given)
    return mi_cli_usage_error("survey", "--clusters is for --method cluster");
  if (!a.r.size && !a.r.margin && !cluster)
    return mi_cli_usage_error("survey", "sample needs --size N or --margin M");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_sample_result res;
  if (mi_config_find_policy(cli->cfg, "eligibility")) {
    if (mi_survey_eligibility_load(cli->cfg, a.r.quiet_days, &a.r.eligibility, &a.r.quiet_days, &e))
      return mi_cli_fail(&e);
  } else if (a.r.quiet_days < 0) {
    a.r.quiet_days = 90;
  }
  int rc = mi_survey_sample(cli->store, cli->cfg, &a.r, &res, &e);
  int by_policy = a.r.eligibility != NULL;
  mi_policy_free(a.r.eligibility);
  if (rc) {
    if (rc == MI_EPOLICY) mi_err_prefix(&e, "the eligibility policy failed; nothing was stored");
    return mi_cli_fail(&e);
  }
  if (cli->json) {
    json_t *strata = json_array(), *excluded = json_object();
    for (size_t h = 0; h < res.nstrata; h++) {
      const mi_sample_stratum *st = &res.strata[h];
      json_array_append_new(strata, json_pack("{s:s, s:I, s:I, s:f, s:f}", "stratum", st->name,
                                              "population", (json_int_t)st->population, "sample",
                                              (json_int_t)st->sample, "weight", st->weight, "sd",
                                              st->sd));
    }
    for (size_t i = 0; i < res.nexcluded; i++)
      json_object_set_new(excluded, res.excluded[i].reason, json_integer(res.excluded[i].count));
    mi_cli_print_json(json_pack("{s:s, s:I, s:I, s:I, s:s, s:o, s:b, s:b, s:o}", "wave", a.r.wave,
                                "customers", (json_int_t)res.customers, "frame",
                                (json_int_t)res.frame, "sample", (json_int_t)res.sample,
                                "eligibility", by_policy ? "policy" : "built-in",
                                "excluded", excluded, "existed", res.existed, "dry_run",
                                a.r.dry_run, "strata", strata));
  } else {
    const char *note = res.existed     ? _(" (drawn before with this design: nothing added)")
                       : a.r.dry_run ? _(" (dry run: nothing stored)")
                                     : "";
    printf(_("%s wave %s: %lld of %lld eligible customers%s\n"), a.r.survey, a.r.wave,
           (long long)res.sample, (long long)res.frame, note);
    for (size_t h = 0; h < res.nstrata; h++)
      printf(_("  %s %7lld of %7lld  weight %.4f\n"), mi_cli_cell(res.strata[h].name, -16),
             (long long)res.strata[h].sample, (long long)res.strata[h].population,
             res.strata[h].weight);
    printf(by_policy ? _("left out of %lld customers (eligibility policy):\n")
                     : _("left out of %lld customers (built-in rule):\n"),
           (long long)res.customers);
    for (size_t i = 0; i < res.nexcluded; i++) /* the reasons are codes (no_consent) */
      printf("  %s %7lld\n", mi_cli_cell(res.excluded[i].reason, -24),
             (long long)res.excluded[i].count);
  }
  free(res.excluded);
  free(res.strata);
  return 0;
}

static int send(mi_cli *cli, int argc, char **argv, int remind) {
  args a;
  if (parse(argc, argv, &a)) return 2;
  if (remind && !a.after) return mi_cli_usage_error("survey", "remind needs --after DURATION");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  int64_t n, skipped;
  if (mi_survey_dispatch(cli->store, cli->cfg, a.r.survey, a.r.wave, remind ? a.after : 0,
                         a.r.now, &n, &skipped, &e))
    return mi_cli_fail(&e);
  if (cli->json) {
    mi_cli_print_json(json_pack("{s:I, s:I}", remind ? "reminded" : "sent", (json_int_t)n,
                                "skipped", (json_int_t)skipped));
    return 0;
  }
  printf(remind ? _("%s wave %s: %lld reminders to the outbox\n")
                : _("%s wave %s: %lld invitations to the outbox\n"),
         a.r.survey, a.r.wave, (long long)n);
  if (skipped)
    printf(_("%lld not sent: the customer withdrew consent to the channel or has no address for it "
             "any more since the sample (outbox rows with status 'skipped' say which)\n"),
           (long long)skipped);
  return 0;
}

static int cmd_dispatch(mi_cli *cli, int argc, char **argv) { return send(cli, argc, argv, 0); }
static int cmd_remind(mi_cli *cli, int argc, char **argv) { return send(cli, argc, argv, 1); }

static int cmd_status(mi_cli *cli, int argc, char **argv) {
  args a;
  if (parse(argc, argv, &a)) return 2;
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  int64_t wave_id;
  mi_wave_rate *rates;
  size_t n;
  if (mi_wave_get(cli->store, a.r.survey, a.r.wave, &wave_id, NULL, 0, &e) ||
      mi_wave_rates(cli->store, wave_id, &rates, &n, &e))
    return mi_cli_fail(&e);
  json_t *arr = cli->json ? json_array() : NULL;
  mi_wave_rate total = {.stratum = "all"};
  if (!arr)
    printf("%s %s %s %s %s\n", mi_cli_cell(_("stratum"), -16), mi_cli_cell(_("invited"), 8),
           mi_cli_cell(_("sent"), 8), mi_cli_cell(_("answered"), 8), mi_cli_cell(_("rate"), 8));
  for (size_t i = 0; i <= n; i++) {
    mi_wave_rate *r = i < n ? &rates[i] : &total;
    if (i < n) total.invited += r->invited, total.sent += r->sent, total.responded += r->responded;
    double rate = r->sent ? (double)r->responded / (double)r->sent : 0;
    if (arr)
      json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:I, s:o}", "stratum", r->stratum,
                                           "invited", (json_int_t)r->invited, "sent",
                                           (json_int_t)r->sent, "answered",
                                           (json_int_t)r->responded, "response_rate",
                                           r->sent ? json_real(rate) : json_null()));
    else
      printf("%s %8lld %8lld %8lld %7.1f%%\n",
             mi_cli_cell(i < n ? r->stratum : _("all"), -16), (long long)r->invited,
             (long long)r->sent, (long long)r->responded, 100 * rate);
  }
  free(rates);
  if (arr) mi_cli_print_json(arr);
  return 0;
}

static int cmd_clean(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"duplicate-window", required_argument, NULL, 'w'},
                                          {"min-duration", required_argument, NULL, 'd'},
                                          {"straight-min", required_argument, NULL, 's'},
                                          {"max-missing", required_argument, NULL, 'm'},
                                          {"identical-window", required_argument, NULL, 'i'},
                                          {NULL, 0, NULL, 0}};
  /* A double submission comes within minutes (a resent one: the same answers
   * within the hour); a repeat customer of a post-service survey answers
   * again hours or days later, a delighted one often with the same answers. */
  mi_clean_rules rules = {.duplicate_window = 10 * 60, .identical_window = 3600,
                          .min_duration = 60, .straight_min = 5, .max_missing = 0.5};
  int opt;
  char *end;
  mi_err e = {0};
  while ((opt = getopt_long(argc, argv, "w:d:s:m:i:", options, NULL)) != -1) {
    int64_t *dur = opt == 'w' ? &rules.duplicate_window : opt == 'd' ? &rules.min_duration
                 : opt == 'i' ? &rules.identical_window : NULL;
    if (opt == 'i' && !strcmp(optarg, "0")) rules.identical_window = 0; /* off */
    else if (dur && (mi_duration_parse(optarg, dur, &e) || *dur < 0))
      return mi_cli_usage_error("survey", "'%s' is not a duration like 60s, 10m or 720h", optarg);
    long n = opt == 's' ? strtol(optarg, &end, 10) : 0;
    if (opt == 's' && (!*optarg || *end || n < 2 || n > 1000))
      return mi_cli_usage_error("survey", "--straight-min '%s': give a whole number of answers "
                                "from 2 to 1000", optarg);
    if (opt == 's') rules.straight_min = (int)n;
    if (opt == 'm' && (rules.max_missing = strtod(optarg, &end), !*optarg || *end ||
                       !(rules.max_missing >= 0 && rules.max_missing < 1)))
      return mi_cli_usage_error("survey", "--max-missing '%s': give a share from 0 to below 1 "
                                "(0.5: more than half unanswered)", optarg);
    if (!strchr("wdsmi", opt)) return mi_cli_usage_error("survey", "clean: unknown option");
  }
  if (argc - optind != 1) return mi_cli_usage_error("survey", "clean takes one survey CODE");
  const char *survey = argv[optind];
  if (mi_cli_open_store(cli, 0)) return 1;
  if (!mi_config_find_survey(cli->cfg, survey))
    return mi_cli_usage_error("survey", "no survey '%s' in the configuration", survey);
  int64_t added[MI_FLAG_REASONS], removed[MI_FLAG_REASONS], total[MI_FLAG_REASONS];
  int rc = mi_store_begin(cli->store, &e);
  if (!rc)
    rc = mi_responses_flag(cli->store, survey, &rules, mi_cli_now(), added, removed, total, &e);
  if (!rc) rc = mi_store_commit(cli->store, &e);
  else mi_store_rollback(cli->store);
  if (rc) return mi_cli_fail(&e);
  json_t *o = cli->json ? json_object() : NULL;
  if (!o) printf(_("%s: flags by reason (new, withdrawn this run)\n"), survey);
  for (int i = 0; i < MI_FLAG_REASONS; i++) {
    if (o) json_object_set_new(o, mi_flag_reasons[i],
                               json_pack("{s:I, s:I, s:I}", "flagged", (json_int_t)total[i], "new",
                                         (json_int_t)added[i], "withdrawn", (json_int_t)removed[i]));
    else printf(_("  %-15s %7lld (%lld new, %lld withdrawn)\n"), mi_flag_reasons[i],
                (long long)total[i], (long long)added[i], (long long)removed[i]);
  }
  if (o) mi_cli_print_json(o);
  return 0;
}

/* A missing figure or interval prints as "-" (mi_cli_fig, mi_cli_interval).
 * label is shown as it is: CSAT, NPS and CES stay so in Chinese too. */
static void print_ci(const char *label, json_t *o, const char *field, double scale) {
  if (!o) return;
  char v[48], ci[64];
  printf(_("  %s %7s  %s  n %lld\n"), mi_cli_cell(label, -8), mi_cli_fig(o, field, scale, 2, v),
         mi_cli_interval(o, scale, 2, ci), (long long)json_integer_value(json_object_get(o, "n")));
}

/* Each dimension's 0-100 score with its interval, raw mean and alpha; the
 * CES; indented by pad more spaces. */
static void print_dims_ces(json_t *o, int pad) {
  json_t *ces = json_object_get(o, "ces"), *v;
  const char *dim;
  char f[48], ci[64], m[48];
  if (ces) {
    printf("%*s", pad, "");
    print_ci("CES", ces, "mean", 1);
    for (int low = 1; low >= 0; low--) {
      json_t *b = json_object_get(ces, low ? "low_effort" : "high_effort");
      if (b) printf(_("%*s    %s %6s%%  %s  answers %s\n"), pad, "",
                    mi_cli_cell(low ? _("low effort") : _("high effort"), -12),
                    mi_cli_fig(b, "p", 100, 2, f),
                    mi_cli_interval(b, 100, 2, ci), json_string_value(json_object_get(b, "values")));
    }
  }
  json_object_foreach(json_object_get(o, "dimensions"), dim, v) {
    if (json_object_get(v, "error")) {
      printf(_("%*s    %s not computed: %s\n"), pad, "", mi_cli_cell(dim, -20),
             json_string_value(json_object_get(v, "error")));
      continue;
    }
    printf(_("%*s    %s %6s  %s  mean %s"), pad, "", mi_cli_cell(dim, -20),
           mi_cli_fig(v, "score", 1, 2, f),
           mi_cli_interval(v, 1, 2, ci), mi_cli_fig(v, "mean_raw", 1, 2, m));
    if (json_is_number(json_object_get(v, "alpha")))
      printf(_("  alpha %.2f (n %lld)"), json_number_value(json_object_get(v, "alpha")),
             (long long)json_integer_value(json_object_get(v, "alpha_n")));
    putchar('\n');
  }
}

/* The share of a choice question's answers (q: of every response or of a
 * group) that chose each choice, indented by pad more spaces. */
static void print_choice_shares(json_t *q, int pad) {
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(q, "choices"), i, c) {
    char f[48], ci[64];
    printf(_("%*s    %s %6s%%  %s  chosen %lld\n"), pad, "",
           mi_cli_cell(json_string_value(json_object_get(c, "choice")), -20),
           mi_cli_fig(c, "p", 100, 2, f), mi_cli_interval(c, 100, 2, ci),
           (long long)json_integer_value(json_object_get(c, "chosen")));
  }
}

/* Each choice question, and with --by each group's shares under it. */
static void print_choices(json_t *o, const char *by) {
  const char *code, *level;
  json_t *q, *g;
  json_object_foreach(json_object_get(o, "choices"), code, q) {
    if (json_object_get(q, "error")) {
      printf(_("  %s not computed: %s\n"), code, json_string_value(json_object_get(q, "error")));
      continue;
    }
    printf(json_is_true(json_object_get(q, "multiple"))
               ? _("  %s: %lld answers (several choices each), %% choosing\n")
               : _("  %s: %lld answers, %% choosing\n"),
           code, (long long)json_integer_value(json_object_get(q, "n")));
    print_choice_shares(q, 0);
    json_object_foreach(json_object_get(q, "groups"), level, g) {
      if (json_object_get(g, "error"))
        printf(_("    %s %s: not computed: %s\n"), by, level,
               json_string_value(json_object_get(g, "error")));
      else {
        printf(_("    %s %s: %lld answers\n"), by, level,
               (long long)json_integer_value(json_object_get(g, "n")));
        print_choice_shares(g, 2);
      }
    }
  }
}

static int cmd_score(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {
      {"wave", required_argument, NULL, 'w'},   {"period", required_argument, NULL, 'p'},
      {"from", required_argument, NULL, 'f'},   {"to", required_argument, NULL, 't'},
      {"by", required_argument, NULL, 'b'},     {"include-flagged", no_argument, NULL, 'i'},
      {"conf", required_argument, NULL, 'c'},   {"poststratify", required_argument, NULL, 'P'},
      {NULL, 0, NULL, 0}};
  mi_score_request r = {.from = INT64_MIN, .to = INT64_MAX};
  const char *period = NULL, *from_s = NULL, *to_s = NULL;
  int opt;
  while ((opt = getopt_long(argc, argv, "w:p:f:t:b:ic:P:", options, NULL)) != -1) {
    switch (opt) {
    case 'w': r.wave = optarg; break;
    case 'p': period = optarg; break;
    case 'f': from_s = optarg; break;
    case 't': to_s = optarg; break;
    case 'b': r.by = optarg; break;
    case 'i': r.include_flagged = 1; break;
    case 'c': r.conf = optarg; break;
    case 'P':
      if (strcmp(optarg, "tier") && strcmp(optarg, "region"))
        return mi_cli_usage_error("survey", "--poststratify: tier or region, not '%s'", optarg);
      r.poststratify = optarg;
      break;
    default: return mi_cli_usage_error("survey", "score: unknown option");
    }
  }
  if (argc - optind != 1) return mi_cli_usage_error("survey", "score takes one survey CODE");
  if (period && (from_s || to_s)) return mi_cli_usage_error("survey", "give --period or --from/--to");
  r.survey = argv[optind];
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_sched_tz *tz;
  if (mi_sched_tz_open(cli->cfg->timezone, &tz, &e)) return mi_cli_fail(&e);
  int64_t first, end;
  int rc = 0;
  if (period && !(rc = mi_period_parse(period, &first, &end, &e)))
    r.from = mi_sched_tz_utc(tz, first * 86400), r.to = mi_sched_tz_utc(tz, end * 86400);
  if (!rc && from_s) rc = mi_sched_tz_parse(tz, from_s, &r.from, &e);
  if (!rc && to_s) rc = mi_sched_tz_parse(tz, to_s, &r.to, &e);
  mi_sched_tz_free(tz);
  if (rc) return mi_cli_fail(&e);
  json_t *o = mi_survey_score(cli->store, cli->cfg, &r, &e);
  if (!o) return mi_cli_fail(&e);
  if (cli->json) {
    mi_cli_print_json(o);
    return 0;
  }
  printf(_("%s: %lld responses (%lld flagged, left out)\n"), r.survey,
         (long long)json_integer_value(json_object_get(o, "responses")),
         (long long)json_integer_value(json_object_get(o, "flagged_left_out")));
  print_ci("CSAT %", json_object_get(o, "csat"), "p", 100);
  print_ci("NPS", json_object_get(o, "nps"), "nps", 1);
  const char *figure;
  json_t *why, *idx = json_object_get(o, "index");
  json_object_foreach(o, figure, why)
    if (strstr(figure, "_error")) printf(_("  %.*s not computed: %s\n"),
                                         (int)(strlen(figure) - 6), figure, json_string_value(why));
  if (idx) {
    char f[48], ci[64];
    printf(_("  %s %7s  %s  (0-100; dimensions: score [CI], raw mean, alpha)\n"),
           mi_cli_cell(_("index"), -8),
           mi_cli_fig(idx, "index", 1, 2, f), mi_cli_interval(idx, 1, 2, ci));
  }
  print_dims_ces(o, 0);
  print_choices(o, r.by);
  /* per group: CSAT, NPS and the index (those carry their groups), dimensions */
  const char *level;
  json_t *g;
  json_object_foreach(json_object_get(o, "groups"), level, g) {
    json_t *nps = json_object_get(json_object_get(json_object_get(o, "nps"), "groups"), level);
    json_t *ix = json_object_get(json_object_get(idx, "groups"), level);
    printf(_("  %s %s: %lld responses\n"), r.by, level,
           (long long)json_integer_value(json_object_get(g, "responses")));
    json_t *gc = json_object_get(g, "csat");
    if (gc) printf("  "), print_ci("CSAT %", gc, "p", 100);
    if (nps) printf("  "), print_ci("NPS", nps, "nps", 1);
    if (ix) printf("  "), print_ci(_("index"), ix, "index", 1);
    print_dims_ces(g, 2);
  }
  json_decref(o);
  return 0;
}

static void on_code_failure(void *ctx, const char *what, const mi_err *err) {
  (void)ctx;
  fprintf(stderr, "manyi survey code: %s: ", what);
  mi_err_print(err, stderr);
}

static json_t *pareto(mi_cli *cli, const char *source, const char *survey, mi_err *e) {
  mi_code_count *c;
  size_t n;
  int64_t texts;
  if (mi_text_code_counts(cli->store, source, survey, &c, &n, &texts, e)) return NULL;
  json_t *arr = mi_code_pareto(c, n), *v;
  free(c);
  size_t i;
  int64_t total = 0;
  json_array_foreach(arr, i, v) total += json_integer_value(json_object_get(v, "count"));
  if (!cli->json && total)
    printf(!strcmp(source, "survey") ? _("survey categories (%lld mentions)\n")
                                     : _("complaint categories (%lld mentions)\n"),
           (long long)total);
  json_array_foreach(arr, i, v)
    if (!cli->json)
      printf(_("  %s %6lld  %5.1f%%  (cumulative %5.1f%%)\n"),
             mi_cli_cell(json_string_value(json_object_get(v, "category")), -20),
             (long long)json_integer_value(json_object_get(v, "count")),
             100 * json_number_value(json_object_get(v, "share")),
             100 * json_number_value(json_object_get(v, "cumulative")));
  return arr;
}

static int cmd_code(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"complaints", no_argument, NULL, 'c'},
                                          {"recode", no_argument, NULL, 'r'},
                                          {"no-alerts", no_argument, NULL, 'A'},
                                          {NULL, 0, NULL, 0}};
  int opt, complaints = 0, recode = 0, no_alerts = 0;
  while ((opt = getopt_long(argc, argv, "cr", options, NULL)) != -1) {
    if (opt == 'c') complaints = 1;
    else if (opt == 'r') recode = 1;
    else if (opt == 'A') no_alerts = 1;
    else return mi_cli_usage_error("survey", "code: unknown option");
  }
  if (argc - optind != 1) return mi_cli_usage_error("survey", "code takes one survey CODE");
  const char *survey = argv[optind];
  if (mi_cli_open_store(cli, 0)) return 1;
  if (!mi_config_find_survey(cli->cfg, survey))
    return mi_cli_usage_error("survey", "no survey '%s' in the configuration", survey);
  mi_err e = {0};
  mi_policy *coding = NULL;
  mi_coding_summary sum;
  if (mi_policy_load_config(cli->cfg, "coding", &coding, &e)) return mi_cli_fail(&e);
  /* The responses whose answers get coded go through the alert hook again. */
  mi_cli_alerts alerts;
  if (mi_cli_alerts_open(cli, no_alerts, &alerts)) {
    mi_policy_free(coding);
    return 1;
  }
  int rc = mi_texts_code(cli->store, coding, survey, complaints, recode, mi_cli_now(),
                         on_code_failure, NULL, alerts.intake, &sum, &e);
  mi_policy_free(coding);
  if (rc) {
    mi_cli_alerts_close(&alerts);
    return mi_cli_fail(&e);
  }
  if (!cli->json) {
    printf(_("%s: %lld texts read, %lld coded, %lld in no category, %lld failed\n"), survey,
           (long long)sum.texts, (long long)sum.coded, (long long)sum.uncategorised,
           (long long)sum.failed);
    mi_cli_alerts_report(cli, &alerts, NULL);
  }
  json_t *answers = pareto(cli, "survey", survey, &e);
  json_t *compl = answers && complaints ? pareto(cli, "complaint", NULL, &e) : NULL;
  if (!answers || (complaints && !compl)) {
    json_decref(answers);
    mi_cli_alerts_close(&alerts);
    return mi_cli_fail(&e);
  }
  if (cli->json) {
    json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}", "texts", (json_int_t)sum.texts,
                          "coded", (json_int_t)sum.coded, "uncategorised",
                          (json_int_t)sum.uncategorised, "failed", (json_int_t)sum.failed,
                          "answers", answers, "complaints", compl ? compl : json_null());
    if (j) mi_cli_alerts_report(cli, &alerts, j);
    mi_cli_print_json(j);
  } else {
    json_decref(answers), json_decref(compl);
  }
  mi_cli_alerts_close(&alerts);
  return sum.failed ? 3 : 0;
}

static int cmd_pack(mi_cli *cli, int argc, char **argv) {
  if (argc > 2) return mi_cli_usage_error("survey", "pack takes at most a survey CODE");
  const char *code = argc == 2 ? argv[1] : NULL;
  if (code && code[0] == '-') return mi_cli_usage_error("survey", "pack: unknown option %s", code);
  if (code && !mi_config_find_survey(cli->cfg, code)) {
    fprintf(stderr, _("manyi: no survey '%s' in the configuration\n"), code);
    return 1;
  }
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  size_t packed;
  if (mi_survey_rows_pack(cli->store, code, 1, &packed, &e)) return mi_cli_fail(&e);
  if (cli->json) mi_cli_print_json(json_pack("{s:I}", "packed", (json_int_t)packed));
  else if (!cli->quiet) printf(_("%zu responses packed\n"), packed);
  return 0;
}

static const mi_cli_sub subs[] = {
    {"code", usage_all, cmd_code},
    {"pack", usage_all, cmd_pack},
    {"clean", usage_all, cmd_clean},
    {"score", usage_all, cmd_score},{"sample", usage_all, cmd_sample},
                                  {"dispatch", usage_all, cmd_dispatch},
                                  {"remind", usage_all, cmd_remind},
                                  {"status", usage_all, cmd_status},
                                  {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "survey", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_survey = {"survey", "surveys: sample, dispatch, remind, status, clean, score, pack",
                                      usage_all, run, 1, subs};
