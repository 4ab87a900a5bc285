/* manyi customer show ID: one customer, with behaviour and value figures. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "cli/cli.h"
#include "store/customers.h"
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

static void print_json(const mi_customer *c, const mi_customer_summary *m) {
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
  mi_cli_print_json(o);
}

static void print_text(const mi_customer *c, const mi_customer_summary *m) {
  char created[11], spend[32], life[32], last[11] = "-";
  mi_date_format(c->created_at, created);
  money(m->spend_12m_minor, spend);
  money(m->lifetime_minor, life);
  if (m->last_order_at) mi_date_format(m->last_order_at, last);
  printf("%s  %s\n", c->external_id, c->name);
  printf("  kind %s, region %s, industry %s, tier %s, customer since %s\n", c->kind,
         or_dash(c->region), or_dash(c->industry), or_dash(c->tier), created);
  printf("  phone %s, email %s, birthday %s\n", or_dash(c->phone), or_dash(c->email),
         or_dash(c->birthday));
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
}

static int run(mi_cli *cli, int argc, char **argv) {
  if (argc != 3 || strcmp(argv[1], "show") != 0)
    return mi_cli_usage_error("customer", "use: manyi customer show ID");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_customer c;
  mi_customer_summary m;
  mi_err e = {0};
  if (mi_customer_get(cli->store, argv[2], &c, &e)) return mi_cli_fail(&e);
  masked buf;
  if (mi_access_masked(&cli->actor)) mask_customer(&c, &buf);
  int rc = mi_customer_summary_get(cli->store, c.id, mi_cli_now(), &m, &e);
  if (rc == 0) {
    if (cli->json) print_json(&c, &m);
    else print_text(&c, &m);
  }
  mi_customer_release(&c);
  return rc ? mi_cli_fail(&e) : 0;
}

const mi_cli_command mi_cmd_customer = {
    "customer", "show one customer with orders, tickets, satisfaction and points",
    "Usage: manyi [--config FILE] [--db FILE] [--json] customer show ID\n"
    "\n"
    "ID is the customer's external id. Prints identity, contacts, consent and tier,\n"
    "then orders and spend (12 months and lifetime; refunded and cancelled orders\n"
    "do not count), interactions, tickets, survey responses and the points balance.\n"
    "Set MANYI_NOW=YYYY-MM-DDTHH:MM:SSZ to compute '12 months' from another moment.\n",
    run, 0};
