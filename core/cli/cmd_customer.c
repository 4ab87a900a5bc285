/* manyi customer show ID: one customer, with behaviour and value figures and
 * the inputs the customer policies see (the batches' own figures);
 * manyi customer refer REFERRER REFERRED: record who brought whom. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "cli/cli.h"
#include "service/customer_view.h"
#include "service/referrals.h"
#include "store/customer_facts.h"
#include "store/customers.h"
#include "store/referrals.h"
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
  printf("  policy inputs now (as eval tiers sees them):");
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

static void print_text(const mi_customer *c, const mi_customer_summary *m,
                       const referral_info *ri, const figures *g) {
  char created[11], spend[32], life[32], last[11] = "-";
  mi_date_format(c->created_at, created);
  money(m->spend_12m_minor, spend);
  money(m->lifetime_minor, life);
  if (m->last_order_at) mi_date_format(m->last_order_at, last);
  /* names and contacts come from imported files: shown without raw escapes */
  printf("%s  %s\n", mi_cli_shown(c->external_id), mi_cli_shown(c->name));
  printf("  kind %s, region %s, industry %s, tier %s, customer since %s\n", c->kind,
         mi_cli_shown(or_dash(c->region)), mi_cli_shown(or_dash(c->industry)), or_dash(c->tier),
         created);
  printf("  phone %s, email %s, birthday %s\n", mi_cli_shown(or_dash(c->phone)),
         mi_cli_shown(or_dash(c->email)), or_dash(c->birthday));
  printf("  consent: email %s, sms %s, phone %s\n", c->consent_email ? "yes" : "no",
         c->consent_sms ? "yes" : "no", c->consent_phone ? "yes" : "no");
  printf("  orders %lld (%lld in 12 months, %lld refunded), last %s\n", (long long)m->orders,
         (long long)m->orders_12m, (long long)m->refunded_orders, last);
  printf("  spend in 12 months %s, lifetime %s\n", spend, life);
  printf("  interactions %lld, tickets %lld (%lld open, %lld open complaints)\n",
         (long long)m->interactions, (long long)m->tickets, (long long)m->open_tickets,
         (long long)m->open_complaints);
  if (isnan(m->avg_overall))
    printf("  survey responses %lld\n", (long long)m->responses);
  else
    printf("  survey responses %lld, average overall satisfaction %.2f\n",
           (long long)m->responses, m->avg_overall);
  printf("  points balance %lld\n", (long long)m->points);
  if (*ri->referred_by || ri->referred)
    printf("  referred by %s; referred %lld customer%s\n", or_dash(ri->referred_by),
           (long long)ri->referred, ri->referred == 1 ? "" : "s");
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
    else print_text(&c, &m, &ri, &g);
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
    printf("%s referred by %s%s\n", argv[2], argv[1],
           already ? " (recorded before; nothing changed)"
                   : ": `manyi eval points` credits the referrer when the referred "
                     "customer's first order has completed");
  return 0;
}

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] customer show ID\n"
    "       manyi [--config FILE] [--db FILE] [--json] customer refer REFERRER REFERRED\n"
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
    {"show", usage_all, cmd_show}, {"refer", usage_all, cmd_refer}, {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "customer", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_customer = {
    "customer", "show one customer; record who referred whom", usage_all, run, 1};
