/* manyi customer show ID: one customer, with behaviour and value figures and
 * the inputs the customer policies see (the batches' own figures);
 * manyi customer refer REFERRER REFERRED: record who brought whom;
 * find, add, edit, history: the front desk (service/desk.c). */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "cli/cli.h"
#include "service/customer_view.h"
#include "service/desk.h"
#include "service/referrals.h"
#include "store/customer_facts.h"
#include "store/customers.h"
#include "store/referrals.h"
#include "util/i18n.h"
#include "util/timeutil.h"

static void money(int64_t minor, char buf[32]) {
  snprintf(buf, 32, "%lld.%02lld", (long long)(minor / 100), (long long)(minor % 100));
}

static const char *or_dash(const char *s) { return s && *s ? s : "-"; }

static json_t *text_or_null(const char *s) { return s ? json_string(s) : json_null(); }

/* What an analyst sees: the personal fields masked (service/access.c). */
typedef struct masked {
  char name[320], phone[320], email[320], birthday[320];
} masked;

static void mask_customer(mi_customer *c, masked *buf) {
  c->name = mi_access_mask("name", c->name, buf->name, sizeof buf->name);
  c->phone = mi_access_mask("phone", c->phone, buf->phone, sizeof buf->phone);
  c->email = mi_access_mask("email", c->email, buf->email, sizeof buf->email);
  c->birthday = mi_access_mask("birthday", c->birthday, buf->birthday, sizeof buf->birthday);
}

/* The figures a policy sees (service/customer_view.c), from the behaviour
 * ones on: the same pass and definitions as eval tiers and eval points. */
enum { FIRST_FIGURE = 7 }; /* spend_12m */

typedef struct figures {
  mi_view_field fields[MI_CUSTOMER_VIEW_FIELDS];
  mi_view view;
} figures;

static json_t *figures_json(const figures *g) {
  json_t *o = json_object();
  for (size_t i = FIRST_FIGURE; i < g->view.nfields; i++) {
    const mi_view_field *f = &g->fields[i];
    json_t *v = f->type == MI_VIEW_INT ? json_integer(f->i)
                : f->type == MI_VIEW_NUM ? json_real(f->d)
                                         : json_null();
    json_object_set_new(o, f->name, v);
  }
  return o;
}

static void figures_print(const figures *g) {
  printf(_("  policy inputs now (as eval tiers sees them):"));
  for (size_t i = FIRST_FIGURE; i < g->view.nfields; i++) {
    const mi_view_field *f = &g->fields[i];
    if ((i - FIRST_FIGURE) % 4 == 0) printf("\n   ");
    if (f->type == MI_VIEW_INT) printf(" %s %lld", f->name, (long long)f->i);
    else if (f->type == MI_VIEW_NUM) printf(" %s %.2f", f->name, f->d);
    else printf(" %s -", f->name);
    if (i + 1 < g->view.nfields && (i + 1 - FIRST_FIGURE) % 4) printf(",");
  }
  printf("\n");
}

/* Who referred the customer ("" if nobody) and how many they referred. */
typedef struct referral_info {
  char referred_by[65];
  int64_t referred;
} referral_info;

static void print_json(const mi_customer *c, const mi_customer_summary *m,
                       const referral_info *ri, const figures *g) {
  char created[11], spend[32], life[32], last[21] = "";
  mi_date_format(c->created_at, created);
  money(m->spend_12m_minor, spend);
  money(m->lifetime_minor, life);
  if (m->last_order_at) mi_instant_format(m->last_order_at, last);
  json_t *o = json_object();
  json_object_set_new(o, "external_id", json_string(c->external_id));
  json_object_set_new(o, "name", json_string(c->name));
  json_object_set_new(o, "kind", json_string(c->kind));
  json_object_set_new(o, "region", text_or_null(c->region));
  json_object_set_new(o, "industry", text_or_null(c->industry));
  json_object_set_new(o, "phone", text_or_null(c->phone));
  json_object_set_new(o, "email", text_or_null(c->email));
  json_object_set_new(o, "birthday", text_or_null(c->birthday));
  json_object_set_new(o, "tier", text_or_null(c->tier));
  json_object_set_new(o, "consent", json_pack("{s:b, s:b, s:b}", "email", c->consent_email,
                                              "sms", c->consent_sms, "phone", c->consent_phone));
  json_object_set_new(o, "created_at", json_string(created));
  json_object_set_new(o, "orders", json_integer(m->orders));
  json_object_set_new(o, "orders_12m", json_integer(m->orders_12m));
  json_object_set_new(o, "spend_12m", json_string(spend));
  json_object_set_new(o, "lifetime_value", json_string(life));
  json_object_set_new(o, "last_order_at", m->last_order_at ? json_string(last) : json_null());
  json_object_set_new(o, "refunded_orders", json_integer(m->refunded_orders));
  json_object_set_new(o, "interactions", json_integer(m->interactions));
  json_object_set_new(o, "tickets", json_integer(m->tickets));
  json_object_set_new(o, "open_tickets", json_integer(m->open_tickets));
  json_object_set_new(o, "open_complaints", json_integer(m->open_complaints));
  json_object_set_new(o, "survey_responses", json_integer(m->responses));
  json_object_set_new(o, "avg_overall_satisfaction",
                      isnan(m->avg_overall) ? json_null() : json_real(m->avg_overall));
  json_object_set_new(o, "points", json_integer(m->points));
  json_object_set_new(o, "referred_by", *ri->referred_by ? json_string(ri->referred_by) : json_null());
  json_object_set_new(o, "referrals", json_integer(ri->referred));
  json_object_set_new(o, "policy_inputs", figures_json(g));
  mi_cli_print_json(o);
}

static const char *yes_no(int yes) { return yes ? _("yes") : _("no"); }

static void print_text(const mi_config *cfg, const mi_customer *c, const mi_customer_summary *m,
                       const referral_info *ri, const figures *g) {
  char created[11], spend[32], life[32], last[11] = "-";
  mi_date_format(c->created_at, created);
  money(m->spend_12m_minor, spend);
  money(m->lifetime_minor, life);
  if (m->last_order_at) mi_date_format(m->last_order_at, last);
  /* names and contacts come from imported files: shown without raw escapes */
  printf("%s  %s\n", mi_cli_shown(c->external_id), mi_cli_shown(c->name));
  printf(_("  kind %s, region %s, industry %s, tier %s, customer since %s\n"), c->kind,
         mi_cli_shown(or_dash(c->region)), mi_cli_shown(or_dash(c->industry)),
         mi_cli_named(cfg, "tiers", or_dash(c->tier)), created);
  printf(_("  phone %s, email %s, birthday %s\n"), mi_cli_shown(or_dash(c->phone)),
         mi_cli_shown(or_dash(c->email)), or_dash(c->birthday));
  printf(_("  consent: email %s, sms %s, phone %s\n"), yes_no(c->consent_email),
         yes_no(c->consent_sms), yes_no(c->consent_phone));
  printf(_("  orders %lld (%lld in 12 months, %lld refunded), last %s\n"), (long long)m->orders,
         (long long)m->orders_12m, (long long)m->refunded_orders, last);
  printf(_("  spend in 12 months %s, lifetime %s\n"), spend, life);
  printf(_("  interactions %lld, tickets %lld (%lld open, %lld open complaints)\n"),
         (long long)m->interactions, (long long)m->tickets, (long long)m->open_tickets,
         (long long)m->open_complaints);
  if (isnan(m->avg_overall))
    printf(_("  survey responses %lld\n"), (long long)m->responses);
  else
    printf(_("  survey responses %lld, average overall satisfaction %.2f\n"),
           (long long)m->responses, m->avg_overall);
  printf(_("  points balance %lld\n"), (long long)m->points);
  if (*ri->referred_by || ri->referred)
    printf(ri->referred == 1 ? _("  referred by %s; referred %lld customer\n")
                             : _("  referred by %s; referred %lld customers\n"),
           or_dash(ri->referred_by), (long long)ri->referred);
  figures_print(g);
}

static int referral_info_get(mi_store *s, int64_t id, referral_info *ri, mi_err *e) {
  mi_referral f;
  memset(ri, 0, sizeof *ri);
  int rc = mi_referral_of(s, id, &f, e);
  if (rc == 0) memcpy(ri->referred_by, f.referrer, sizeof ri->referred_by);
  else if (rc != MI_ENOTFOUND) return rc;
  return mi_referral_count(s, id, &ri->referred, e);
}

static int cmd_show(mi_cli *cli, int argc, char **argv) {
  if (argc != 2) return mi_cli_usage_error("customer", "use: manyi customer show ID");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_customer c;
  mi_customer_summary m;
  referral_info ri;
  mi_err e = {0};
  /* The one scope and masking rule (service/access.c): analysts, and agents
   * who only reach the customer through a ticket they opened, see it masked. */
  int hide = 1;
  if (mi_access_customer(cli->store, &cli->actor, argv[1], &hide, &e) ||
      mi_customer_get(cli->store, argv[1], &c, &e))
    return mi_cli_fail(&e);
  masked buf;
  if (hide) mask_customer(&c, &buf);
  int64_t now = mi_cli_now();
  int rc = mi_customer_summary_get(cli->store, c.id, now, &m, &e);
  figures g;
  mi_customer_facts f;
  if (rc == 0) rc = mi_customer_facts_get(cli->store, c.external_id, now, &f, &e);
  /* only numbers are shown: the strings of f need not outlive the next store call */
  if (rc == 0) mi_customer_view_make(&f, now, g.fields, &g.view);
  if (rc == 0) rc = referral_info_get(cli->store, c.id, &ri, &e);
  if (rc == 0) {
    if (cli->json) print_json(&c, &m, &ri, &g);
    else print_text(cli->cfg, &c, &m, &ri, &g);
  }
  mi_customer_release(&c);
  return rc ? mi_cli_fail(&e) : 0;
}

static int cmd_refer(mi_cli *cli, int argc, char **argv) {
  if (argc != 3)
    return mi_cli_usage_error("customer", "use: manyi customer refer REFERRER REFERRED");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  if (mi_store_begin(cli->store, &e)) return mi_cli_fail(&e);
  int rc = mi_referral_record(cli->store, argv[1], argv[2], mi_cli_now(), cli->actor.name, &e);
  if (rc < 0 || mi_store_commit(cli->store, &e)) {
    mi_store_rollback(cli->store);
    return mi_cli_fail(&e);
  }
  int already = rc == MI_PUT_UNCHANGED;
  if (cli->json)
    mi_cli_print_json(json_pack("{s:s, s:s, s:b}", "referrer", argv[1], "referred", argv[2],
                                "already", already));
  else if (!cli->quiet)
    printf(already ? _("%s referred by %s (recorded before; nothing changed)\n")
                   : _("%s referred by %s: `manyi eval points` credits the referrer when the "
                       "referred customer's first order has completed\n"),
           argv[2], argv[1]);
  return 0;
}


/* ---- the front desk ------------------------------------------------------- */

/* Whether the actor sees this customer's personal data masked: analysts
 * always; agents (supervisors, heads) unless a ticket of the customer in
 * their department gives them the customer (service/access.c), so a caller
 * is recognised at the desk without opening anyone's record. */
static int hit_masked(mi_cli *cli, const char *customer) {
  int hide = 1;
  mi_err e = {0};
  if (mi_access_customer(cli->store, &cli->actor, customer, &hide, &e)) return 1;
  return hide;
}

/* "by phone": how the query was read (used: "phone", "email", "name", "id"). */
static const char *found_by(const char *used) {
  if (!strcmp(used, "phone")) return _("by phone");
  if (!strcmp(used, "email")) return _("by email");
  if (!strcmp(used, "id")) return _("by id");
  return _("by name");
}

static void found_line(size_t n, int more, const char *used) {
  const char *by = found_by(used);
  if (!n) printf(_("no customer found %s; register a new caller with 'manyi customer add'\n"), by);
  else if (more)
    printf(n == 1 ? _("%zu customer found %s (more match: narrow the query or raise --limit)\n")
                  : _("%zu customers found %s (more match: narrow the query or raise --limit)\n"),
           n, by);
  else printf(n == 1 ? _("%zu customer found %s\n") : _("%zu customers found %s\n"), n, by);
}

static int cmd_find(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {
      {"phone", no_argument, NULL, 'p'}, {"email", no_argument, NULL, 'e'},
      {"name", no_argument, NULL, 'n'},  {"id", no_argument, NULL, 'i'},
      {"limit", required_argument, NULL, 'l'}, {NULL, 0, NULL, 0}};
  mi_desk_by by = MI_DESK_AUTO;
  long limit = 20;
  int opt;
  while ((opt = getopt_long(argc, argv, "penil:", options, NULL)) != -1) {
    switch (opt) {
    case 'p': by = MI_DESK_PHONE; break;
    case 'e': by = MI_DESK_EMAIL; break;
    case 'n': by = MI_DESK_NAME; break;
    case 'i': by = MI_DESK_ID; break;
    case 'l': {
      char *end;
      limit = strtol(optarg, &end, 10);
      if (*end || limit < 1 || limit > 1000)
        return mi_cli_usage_error("customer find", "--limit: give 1 to 1000, not '%s'", optarg);
      break;
    }
    default: return mi_cli_usage_error("customer find", "unknown option");
    }
  }
  if (argc - optind != 1)
    return mi_cli_usage_error("customer find", "give one QUERY: a phone number, an e-mail "
                              "address, part of a name or a customer id (quote it if it has spaces)");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_customer_hit *hits = calloc((size_t)limit, sizeof *hits);
  if (!hits) return mi_cli_usage_error("customer find", "out of memory");
  size_t n = 0;
  int more = 0;
  const char *used = "name";
  mi_err e = {0};
  if (mi_desk_find(cli->store, argv[optind], by, (size_t)limit, hits, &n, &more, &used, &e)) {
    free(hits);
    return mi_cli_fail(&e);
  }
  json_t *list = cli->json ? json_array() : NULL;
  for (size_t i = 0; i < n; i++) {
    mi_customer_hit *h = &hits[i];
    char name[320], phone[320], email[320];
    const char *nm = h->name, *ph = h->phone, *em = h->email;
    if (hit_masked(cli, h->external_id)) {
      nm = mi_access_mask("name", nm, name, sizeof name);
      ph = mi_access_mask("phone", ph, phone, sizeof phone);
      em = mi_access_mask("email", em, email, sizeof email);
    }
    if (list)
      json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?}", "external_id",
                                            h->external_id, "name", nm, "kind", h->kind, "phone",
                                            *ph ? ph : NULL, "email", *em ? em : NULL, "tier",
                                            *h->tier ? h->tier : NULL));
    else
      printf("%s %s %-12s %s %s %s\n", mi_cli_cell(mi_cli_shown(h->external_id), -10),
             mi_cli_cell(mi_cli_shown(nm), -24), h->kind, mi_cli_cell(mi_cli_shown(or_dash(ph)), -20),
             mi_cli_cell(mi_cli_shown(or_dash(em)), -28), or_dash(h->tier));
  }
  free(hits);
  if (list) {
    mi_cli_print_json(json_pack("{s:s, s:o, s:b}", "by", used, "customers", list, "more", more));
    return 0;
  }
  if (!cli->quiet) found_line(n, more, used);
  return n ? 0 : 3;
}

/* The options of add and edit: --FIELD VALUE for each customer column. */
static const struct option field_options[] = {
    {"id", required_argument, NULL, 'i'},          {"name", required_argument, NULL, 'n'},
    {"kind", required_argument, NULL, 'k'},        {"region", required_argument, NULL, 'r'},
    {"industry", required_argument, NULL, 'd'},    {"phone", required_argument, NULL, 'p'},
    {"email", required_argument, NULL, 'e'},       {"birthday", required_argument, NULL, 'b'},
    {"consent-email", required_argument, NULL, 'E'}, {"consent-sms", required_argument, NULL, 'S'},
    {"consent-phone", required_argument, NULL, 'P'}, {"special-needs", required_argument, NULL, 'N'},
    {NULL, 0, NULL, 0}};

static const char *column_of(int opt) {
  switch (opt) {
  case 'n': return "name";
  case 'k': return "kind";
  case 'r': return "region";
  case 'd': return "industry";
  case 'p': return "phone";
  case 'e': return "email";
  case 'b': return "birthday";
  case 'E': return "consent_email";
  case 'S': return "consent_sms";
  case 'P': return "consent_phone";
  case 'N': return "special_needs";
  default: return NULL;
  }
}

/* Reads the field options into f (at most 16); *id gets --id. */
static int read_fields(const char *what, int argc, char **argv, mi_desk_field *f, size_t *n,
                       const char **id) {
  int opt;
  *n = 0;
  while ((opt = getopt_long(argc, argv, "i:n:k:r:d:p:e:b:E:S:P:N:", field_options, NULL)) != -1) {
    if (opt == 'i') {
      *id = optarg;
      continue;
    }
    const char *col = column_of(opt);
    if (!col) return mi_cli_usage_error(what, "unknown option (see manyi customer --help)");
    if (*n == 16) return mi_cli_usage_error(what, "too many options");
    f[(*n)++] = (mi_desk_field){col, optarg};
  }
  return 0;
}

static int cmd_add(mi_cli *cli, int argc, char **argv) {
  mi_desk_field f[16];
  size_t n;
  const char *id = NULL;
  if (read_fields("customer add", argc, argv, f, &n, &id)) return 1;
  if (optind != argc) return mi_cli_usage_error("customer add", "unexpected '%s'", argv[optind]);
  int has_kind = 0;
  for (size_t i = 0; i < n; i++) has_kind |= !strcmp(f[i].key, "kind");
  if (!has_kind && n < 16) f[n++] = (mi_desk_field){"kind", "person"};
  if (mi_cli_open_store(cli, 0)) return 1;
  char out[65];
  mi_err e = {0};
  if (mi_desk_customer_add(cli->store, cli->cfg, id, f, n, cli->actor.name, mi_cli_now(), out, &e))
    return mi_cli_fail(&e);
  cli->audited = 1;
  if (cli->json) mi_cli_print_json(json_pack("{s:s}", "external_id", out));
  else if (!cli->quiet) printf(_("customer %s added\n"), out);
  return 0;
}

static int cmd_edit(mi_cli *cli, int argc, char **argv) {
  mi_desk_field f[16];
  size_t n;
  const char *id = NULL;
  if (read_fields("customer edit", argc, argv, f, &n, &id)) return 1;
  if (id) return mi_cli_usage_error("customer edit", "an external id does not change");
  if (argc - optind != 1) return mi_cli_usage_error("customer edit", "give the customer ID and the fields to change");
  if (mi_cli_open_store(cli, 0)) return 1;
  int changed;
  mi_err e = {0};
  if (mi_desk_customer_edit(cli->store, cli->cfg, argv[optind], f, n, cli->actor.name,
                            mi_cli_now(), &changed, &e))
    return mi_cli_fail(&e);
  cli->audited = 1;
  if (cli->json) mi_cli_print_json(json_pack("{s:s, s:b}", "external_id", argv[optind], "changed", changed));
  else if (!cli->quiet)
    printf(changed ? _("customer %s changed\n") : _("customer %s unchanged (the same values)\n"),
           argv[optind]);
  return 0;
}

typedef struct history_ctx {
  mi_cli *cli;
  int masked;
  char name[256];
  json_t *list;
  size_t n;
} history_ctx;

/* The kind of a history entry as a word of the language chosen. */
static const char *history_what(const char *what) {
  static const char *const words[][2] = {{"order", N_("order")},     {"contact", N_("contact")},
                                         {"ticket", N_("ticket")},   {"survey", N_("survey")},
                                         {"points", N_("points")},   {"message", N_("message")}};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (!strcmp(what, words[i][0])) return _(words[i][1]);
  return what;
}

static int history_line(const mi_history_entry *h, void *ud) {
  history_ctx *c = ud;
  char at[21];
  mi_instant_format(h->at, at);
  char *detail = c->masked ? mi_access_mask_text(h->detail, c->name) : NULL;
  const char *shown = detail ? detail : h->detail;
  if (c->list)
    json_array_append_new(c->list, json_pack("{s:s, s:s, s:s, s:s}", "at", at, "what", h->what,
                                             "ref", h->ref, "detail", shown));
  else
    printf("%s  %s %s %s\n", at, mi_cli_cell(history_what(h->what), -8),
           mi_cli_cell(mi_cli_shown(h->ref), -24), mi_cli_shown(shown));
  free(detail);
  c->n++;
  return 0;
}

static int cmd_history(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"last", required_argument, NULL, 'l'}, {NULL, 0, NULL, 0}};
  long last = 50;
  int opt;
  while ((opt = getopt_long(argc, argv, "l:", options, NULL)) != -1) {
    char *end;
    if (opt != 'l') return mi_cli_usage_error("customer history", "unknown option");
    last = strtol(optarg, &end, 10);
    if (*end || last < 0) return mi_cli_usage_error("customer history", "--last: give a count (0: all)");
  }
  if (argc - optind != 1) return mi_cli_usage_error("customer history", "give the customer ID");
  if (mi_cli_open_store(cli, 0)) return 1;
  const char *id = argv[optind];
  history_ctx c = {.cli = cli, .masked = 1};
  mi_err e = {0};
  mi_customer cu;
  if (mi_access_customer(cli->store, &cli->actor, id, &c.masked, &e) ||
      mi_customer_get(cli->store, id, &cu, &e))
    return mi_cli_fail(&e);
  int64_t cid = cu.id;
  mi_customer_release(&cu);
  if (c.masked) mi_access_customer_name(cli->store, id, c.name, sizeof c.name);
  if (cli->json) c.list = json_array();
  else printf(last ? _("%s: history, newest first\n") : _("%s: history, newest first (all)\n"), id);
  /* newest first: what the desk needs on the phone is the latest */
  /* the JSON's detail keeps the English words programs may read */
  mi_history_words words = {_(" by "), _(" (flagged)")};
  int rc = mi_customer_history(cli->store, cid, last, cli->json ? NULL : &words, history_line, &c, &e);
  if (rc) {
    json_decref(c.list);
    return mi_cli_fail(&e);
  }
  if (c.list) mi_cli_print_json(json_pack("{s:s, s:o}", "customer", id, "history", c.list));
  else if (!c.n) printf(_("  nothing yet\n"));
  return 0;
}

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] customer show ID\n"
    "       manyi [--config FILE] [--db FILE] [--json] customer refer REFERRER REFERRED\n"
    "       manyi [...] customer find QUERY [--phone|--email|--name|--id] [--limit N]\n"
    "       manyi [...] customer add --name NAME [--id ID] [--kind K] [--phone P] [--email E]\n"
    "                                [--region R] [--industry I] [--birthday YYYY-MM-DD]\n"
    "                                [--consent-email 0|1] [--consent-sms 0|1]\n"
    "                                [--consent-phone 0|1] [--special-needs TEXT]\n"
    "       manyi [...] customer edit ID [the options of add, except --id]\n"
    "       manyi [...] customer history ID [--last N]\n"
    "\n"
    "find: the front desk's look-up, through indexes (no scan of the customers):\n"
    "by phone (+86, 0086, spaces, dashes and brackets do not matter: 138 0013 8000,\n"
    "+86-138-0013-8000 and 13800138000 are one number; full-width digits count),\n"
    "by e-mail (any case), by part of the name (Chinese included; '%' and '_' are\n"
    "plain characters) or by external id. Without --phone/--email/--name/--id the\n"
    "query decides: an '@' is an e-mail, phone characters with 5 digits or more a\n"
    "phone, an existing id that customer, anything else part of a name. Exit\n"
    "status 3 when nobody matches. Analysts, and agents who do not reach the\n"
    "customer through a ticket of their department, see names and contacts masked.\n"
    "\n"
    "add: registers a new customer (kind person unless --kind; id the next free\n"
    "C0000123 unless --id) with exactly the checks of 'manyi import customers'.\n"
    "edit: changes the given fields (an empty value clears an optional one), same\n"
    "checks. Both: agents, supervisors, department heads and admins; recorded in the\n"
    "audit log with the values (edit: and the previous ones).\n"
    "\n"
    "history: orders, contacts, ticket events (with their stages), survey answers,\n"
    "points and messages (care, appointments, invitations), newest first, the last\n"
    "N (default 50; 0: all). Masked as for show.\n"
    "\n"
    "show: ID is the customer's external id. Prints identity, contacts, consent and\n"
    "tier, then orders and spend (12 months and lifetime; refunded and cancelled\n"
    "orders do not count), interactions, tickets, survey responses, the points\n"
    "balance, who referred the customer and how many they referred.\n"
    "Set MANYI_NOW=YYYY-MM-DDTHH:MM:SSZ to compute '12 months' from another moment.\n"
    "\n"
    "refer: records that customer REFERRER brought customer REFERRED (external ids;\n"
    "bulk: the referred_by column of `manyi import customers`). A customer has one\n"
    "referrer, never themselves, and referrals may not go round in a circle; the\n"
    "same referral again changes nothing, another referrer is refused. The referrer\n"
    "earns the loyalty policy's referral points (event type \"referral\", id the\n"
    "referred customer) once, from `manyi eval points`, when the referred\n"
    "customer's first order completes; if every completed order of theirs is later\n"
    "refunded, the points are taken back and not credited again. Admins only;\n"
    "recorded in the audit log.\n";

static const mi_cli_sub subs[] = {
    {"show", usage_all, cmd_show},       {"refer", usage_all, cmd_refer},
    {"find", usage_all, cmd_find},       {"add", usage_all, cmd_add},
    {"edit", usage_all, cmd_edit},       {"history", usage_all, cmd_history},
    {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "customer", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_customer = {
    "customer", "find, add, edit, show a customer and their history; record referrals",
    usage_all, run, 1, subs};
