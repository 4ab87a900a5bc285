/* manyi ticket open|show|list|sla|ACTION: the terminal side of
 * service/tickets.c. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "service/tickets.h"
#include "util/i18n.h"
#include "util/timeutil.h"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] ticket SUBCOMMAND ...\n"
    "\n"
    "  open --customer C --kind K --category C --severity S --channel CH --subject TEXT [--id T]\n"
    "                          take a request in; the routing policy picks department and priority\n"
    "  show ID                 the ticket, its SLA clocks (state, deadline, the calendar\n"
    "                          each runs in) and its event log\n"
    "  list [--status S] [--department D] [--limit N]\n"
    "  sla ID                  each SLA target: allowed, used, paused, deadline, met or breached,\n"
    "                          in the rule's calendar (calendar: in manyi.yaml; 24x7 = natural\n"
    "                          hours), else the department's\n"
    "  queue --department D | --staff S [--limit N]\n"
    "                          open tickets, overdue and about to breach first (the SLA\n"
    "                          clock with the least time left), with their age\n"
    "  assign ID STAFF [--reassign]\n"
    "                          give the ticket to a staff member; one assigned to someone\n"
    "                          else is refused unless --reassign (of two users assigning at\n"
    "                          once, the first wins and the second is told)\n"
    "  reply ID [TEXT]         pend ID REASON       resume ID [TEXT]\n"
    "  resolve ID RESOLUTION   reopen ID REASON     close ID            note ID TEXT\n"
    "  customer-reply ID [TEXT]  the customer wrote (a pending ticket opens again)\n"
    "  followup ID OUTCOME     the callback after resolution was made: closes the ticket\n"
    "  resolve|close|followup ... --root-cause CODE --responsible DEPT|STAFF\n"
    "                          a complaint's accountability: the root cause (root_causes:\n"
    "                          in manyi.yaml) and the department or staff member responsible;\n"
    "                          with root_causes configured a complaint is not closed without\n"
    "                          them (given at closing or at its resolution)\n"
    "  stage ID STAGE [--reason TEXT]\n"
    "                          move a complaint or business request to the next stage of\n"
    "                          its process (workflows: in manyi.yaml)\n"
    "\n"
    "Kinds, categories and channels are the configuration's (ticket_kinds:,\n"
    "categories:, channels: in manyi.yaml; `manyi check` lists them; without those\n"
    "sections: inquiry, complaint, after_sales, business_request; general, technical,\n"
    "product_quality; phone, email, social, chat, visit, web). Severities: low,\n"
    "medium, high, critical. The routing policy may also pick an agent of the\n"
    "department (its view lists them: policies/README.md); a stage marked\n"
    "`approve: true` (a business request's approval) needs a supervisor, a\n"
    "department head or an admin.\n"
    "Statuses: new -> open (assigned or replied) -> pending (waiting for the customer;\n"
    "the SLA clocks pause) -> open -> resolved -> closed; resolved -> open by reopen.\n"
    "Every change is an event with the acting user and the time ($MANYI_NOW in tests).\n"
    "After resolution the `followups` job queues the callback task and the survey\n"
    "invitation (followup: in manyi.yaml).\n"
    "With notify: in manyi.yaml the customer is told, through the outbox (`manyi outbox\n"
    "export`): the ticket received (with the promised times of its SLA clocks), replies,\n"
    "stages marked `notify: true` and the resolution, on the first channel of\n"
    "notify.channels they consented to; without one a 'skipped' row says why.\n";

static void print_row(const mi_cli *cli, const mi_ticket_row *t) {
  char at[21];
  mi_instant_format(t->opened_at, at);
  if (cli->json) return;
  printf("%-10s %-9s %-16s %-15s p%d %-12s %s %-9s %s\n", t->external_id, t->status, t->kind,
         t->category, t->priority, t->department, at, mi_cli_shown(t->customer),
         mi_cli_shown(t->subject));
}

static json_t *row_json(const mi_ticket_row *t) {
  char at[21], fr[21], rs[21];
  mi_instant_format(t->opened_at, at);
  mi_instant_format(t->first_response_at, fr);
  mi_instant_format(t->resolved_at, rs);
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:s}", "id",
                        t->external_id, "customer", t->customer, "kind", t->kind, "category",
                        t->category, "severity", t->severity, "channel", t->channel, "status",
                        t->status, "priority", t->priority, "department", t->department,
                        "opened_at", at, "escalation_level", t->escalation_level, "subject",
                        t->subject);
  json_object_set_new(o, "assignee", *t->assignee ? json_string(t->assignee) : json_null());
  json_object_set_new(o, "stage", *t->stage ? json_string(t->stage) : json_null());
  json_object_set_new(o, "first_response_at", t->first_response_at ? json_string(fr) : json_null());
  json_object_set_new(o, "resolved_at", t->resolved_at ? json_string(rs) : json_null());
  return o;
}

static int cmd_open(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {
      {"customer", required_argument, NULL, 'c'}, {"kind", required_argument, NULL, 'k'},
      {"category", required_argument, NULL, 'g'}, {"severity", required_argument, NULL, 's'},
      {"channel", required_argument, NULL, 'h'},  {"subject", required_argument, NULL, 'j'},
      {"id", required_argument, NULL, 'i'},       {NULL, 0, NULL, 0}};
  mi_ticket_request r = {.kind = "inquiry", .category = "general", .severity = "medium",
                         .channel = "phone", .actor = mi_cli_user(), .now = mi_cli_now()};
  int opt;
  while ((opt = getopt_long(argc, argv, "c:k:g:s:h:j:i:", options, NULL)) != -1) {
    switch (opt) {
    case 'c': r.customer = optarg; break;
    case 'k': r.kind = optarg; break;
    case 'g': r.category = optarg; break;
    case 's': r.severity = optarg; break;
    case 'h': r.channel = optarg; break;
    case 'j': r.subject = optarg; break;
    case 'i': r.external_id = optarg; break;
    default: return mi_cli_usage_error("ticket", "open: unknown option");
    }
  }
  if (optind < argc) return mi_cli_usage_error("ticket", "open: unexpected '%s'", argv[optind]);
  if (!r.customer || !r.subject)
    return mi_cli_usage_error("ticket", "open needs --customer and --subject");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_policy *routing = NULL;
  if (mi_policy_load_config(cli->cfg, "routing", &routing, &e)) return mi_cli_fail(&e);
  mi_ticket_opened o;
  int rc = mi_ticket_open(cli->store, cli->cfg, routing, &r, &o, &e);
  mi_policy_free(routing);
  if (rc) return mi_cli_fail(&e);
  if (cli->json)
    mi_cli_print_json(json_pack("{s:s, s:s, s:i, s:s, s:s?}", "id", o.external_id, "department",
                                o.department, "priority", o.priority, "reason", o.reason,
                                "agent", *o.agent ? o.agent : NULL));
  else if (*o.agent)
    printf(_("%s opened: %s, priority %d, assigned to %s (%s)\n"), o.external_id,
           mi_cli_named(cli->cfg, "departments", o.department), o.priority, o.agent,
           mi_cli_shown(o.reason));
  else
    printf(_("%s opened: %s, priority %d (%s)\n"), o.external_id,
           mi_cli_named(cli->cfg, "departments", o.department), o.priority,
           mi_cli_shown(o.reason));
  return 0;
}

/* Who reads a ticket's free text: an agent who sees its customer masked
 * (service/access.c) sees the subject and the notes with phone numbers,
 * e-mail addresses and the customer's name masked too. */
typedef struct text_mask {
  int on;
  char name[256]; /* the customer's name */
} text_mask;

static int text_mask_of(mi_cli *cli, const char *customer, text_mask *m, mi_err *e) {
  memset(m, 0, sizeof *m);
  if (mi_access_customer(cli->store, &cli->actor, customer, &m->on, e)) return e->code;
  if (m->on) mi_access_customer_name(cli->store, customer, m->name, sizeof m->name);
  return 0;
}

/* text, or its masked copy in *owned (free it); "***" when out of memory. */
static const char *masked_text(const text_mask *m, const char *text, char **owned) {
  *owned = NULL;
  if (!m->on || !text) return text;
  *owned = mi_access_mask_text(text, m->name);
  return *owned ? *owned : "***";
}

typedef struct event_ctx {
  json_t *arr;
  const text_mask *mask;
} event_ctx;

static int print_event(const mi_ticket_event_row *ev, void *ud) {
  event_ctx *ctx = ud;
  json_t *arr = ctx->arr;
  char at[21], *owned;
  const char *detail = masked_text(ctx->mask, ev->detail, &owned);
  mi_instant_format(ev->at, at);
  if (arr) {
    json_t *d = detail ? json_loads(detail, 0, NULL) : NULL;
    free(owned);
    json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:o}", "at", at, "kind",
                                         ev->kind, "actor", ev->actor, "from", ev->from_status,
                                         "to", ev->to_status, "detail", d ? d : json_null()));
    return 0;
  }
  printf("  %s  %-16s %-16s %s%s%s  %s\n", at, ev->kind, ev->actor,
         ev->from_status ? ev->from_status : "", ev->to_status ? " -> " : "",
         ev->to_status ? ev->to_status : "", detail ? mi_cli_shown(detail) : "");
  free(owned);
  return 0;
}

static const char *calendar_kind(const mi_sla_report *r) {
  return r->round_the_clock ? _("round the clock") : _("opening hours");
}

/* An SLA clock's state as a word of the language chosen, padded to 8
 * columns (the JSON keeps mi_sla_state_name's code). */
static const char *state_cell(int state) {
  static const char *const words[] = {N_("running"), N_("paused"), N_("met"), N_("breached")};
  return mi_cli_cell(state >= 0 && state < 4 ? _(words[state]) : "?", -8);
}

/* The SLA clocks in short, each with the calendar it runs in (the rule's
 * calendar: 24x7 for natural hours, else the department's). JSON: an object,
 * or null without a rule; text: lines. A clock that cannot be computed (a
 * department no longer configured) is said, not fatal: the log still shows. */
static json_t *show_sla(mi_cli *cli, const char *id) {
  mi_sla_report r;
  mi_err e = {0};
  if (mi_ticket_sla(cli->store, cli->cfg, id, mi_cli_now(), &r, &e)) {
    if (cli->json) return json_pack("{s:s}", "error", e.msg);
    printf(_("  sla: cannot be computed: %s\n"), e.msg);
    return NULL;
  }
  if (!r.rule) {
    if (!cli->json) printf(_("  sla: no rule of the configuration covers it\n"));
    return json_null();
  }
  json_t *clocks = cli->json ? json_array() : NULL;
  if (!clocks) printf(_("  sla (rule at %s:%d):\n"), cli->cfg->path, r.rule->line);
  for (int i = 0; i < r.nclocks; i++) {
    const mi_sla_clock *c = &r.clocks[i];
    char dl[21] = "-";
    if (c->deadline) mi_instant_format(c->deadline, dl);
    if (clocks)
      json_array_append_new(clocks, json_pack("{s:s, s:s, s:s, s:b, s:s?}", "target", c->target,
                                              "state", mi_sla_state_name(c->state), "calendar",
                                              r.calendar, "round_the_clock", r.round_the_clock,
                                              "deadline", c->deadline ? dl : NULL));
    else
      printf(_("    %-15s %s deadline %s  calendar %s (%s)\n"), c->target, state_cell(c->state),
             dl, r.calendar, calendar_kind(&r));
  }
  if (!clocks) return NULL;
  return json_pack("{s:i, s:s, s:b, s:o}", "rule_line", r.rule->line, "calendar", r.calendar,
                   "round_the_clock", r.round_the_clock, "clocks", clocks);
}

/* The first lines of ticket show: what, where, who; the customer and subject. */
static void show_head(const mi_cli *cli, const mi_ticket_row *t) {
  const char *dept = mi_cli_named(cli->cfg, "departments", t->department);
  const char *tier = mi_cli_named(cli->cfg, "tiers", *t->customer_tier ? t->customer_tier : "-");
  if (*t->assignee)
    printf(_("%s  %s  %s/%s/%s via %s, priority %d, %s, assigned to %s\n"), t->external_id,
           t->status, t->kind, t->category, t->severity, t->channel, t->priority, dept,
           t->assignee);
  else
    printf(_("%s  %s  %s/%s/%s via %s, priority %d, %s\n"), t->external_id, t->status, t->kind,
           t->category, t->severity, t->channel, t->priority, dept);
  if (*t->stage)
    printf(_("  customer %s, tier %s, stage %s\n  subject: %s\n"), mi_cli_shown(t->customer),
           tier, mi_cli_named(cli->cfg, "stages", t->stage), mi_cli_shown(t->subject));
  else
    printf(_("  customer %s, tier %s\n  subject: %s\n"), mi_cli_shown(t->customer), tier,
           mi_cli_shown(t->subject));
}

static int cmd_show(mi_cli *cli, int argc, char **argv) {
  if (argc != 2) return mi_cli_usage_error("ticket", "show takes one ID");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_ticket_row t;
  text_mask mask;
  if (mi_ticket_get(cli->store, argv[1], &t, &e) || text_mask_of(cli, t.customer, &mask, &e))
    return mi_cli_fail(&e);
  char *owned;
  const char *subject = masked_text(&mask, t.subject, &owned);
  /* only a masked copy is copied back: snprintf onto its own source is undefined */
  if (subject != t.subject) snprintf(t.subject, sizeof t.subject, "%s", subject);
  free(owned);
  json_t *o = cli->json ? row_json(&t) : NULL, *events = cli->json ? json_array() : NULL;
  event_ctx ectx = {events, &mask};
  if (!cli->json) {
    show_head(cli, &t);
    show_sla(cli, argv[1]);
    printf(_("events:\n"));
  } else {
    json_object_set_new(o, "sla", show_sla(cli, argv[1]));
  }
  if (mi_ticket_events_each(cli->store, t.id, print_event, &ectx, &e)) {
    json_decref(o), json_decref(events);
    return mi_cli_fail(&e);
  }
  if (o) {
    json_object_set_new(o, "events", events);
    mi_cli_print_json(o);
  }
  return 0;
}

typedef struct list_ctx {
  mi_cli *cli;
  json_t *arr;
  mi_err *e;
} list_ctx;

static int list_one(const mi_ticket_row *t, void *ud) {
  list_ctx *c = ud;
  mi_ticket_row shown = *t;
  text_mask mask;
  char *owned;
  if (text_mask_of(c->cli, t->customer, &mask, c->e)) return c->e->code;
  snprintf(shown.subject, sizeof shown.subject, "%s", masked_text(&mask, t->subject, &owned));
  free(owned);
  if (c->arr) json_array_append_new(c->arr, row_json(&shown));
  else print_row(c->cli, &shown);
  return 0;
}

static int cmd_list(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"status", required_argument, NULL, 's'},
                                          {"department", required_argument, NULL, 'd'},
                                          {"limit", required_argument, NULL, 'l'},
                                          {NULL, 0, NULL, 0}};
  const char *status = NULL, *dept = NULL;
  long limit = 50;
  int opt;
  while ((opt = getopt_long(argc, argv, "s:d:l:", options, NULL)) != -1) {
    char *end;
    if (opt == 's') status = optarg;
    else if (opt == 'd') dept = optarg;
    else if (opt == 'l' && (limit = strtol(optarg, &end, 10), *end || limit < 0 || !*optarg))
      return mi_cli_usage_error("ticket", "--limit takes a whole number >= 0");
    else if (opt != 'l') return mi_cli_usage_error("ticket", "list: unknown option");
  }
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  list_ctx c = {cli, cli->json ? json_array() : NULL, &e};
  if (mi_ticket_each(cli->store, status, dept, (size_t)limit, list_one, &c, &e)) {
    json_decref(c.arr);
    return mi_cli_fail(&e);
  }
  if (c.arr) mi_cli_print_json(c.arr);
  return 0;
}

static void hm(int64_t secs, char *buf, size_t size) {
  int64_t m = (secs < 0 ? -secs : secs) / 60;
  snprintf(buf, size, "%s%lldh%02lldm", secs < 0 ? "-" : "", (long long)(m / 60), (long long)(m % 60));
}

static int cmd_sla(mi_cli *cli, int argc, char **argv) {
  if (argc != 2) return mi_cli_usage_error("ticket", "sla takes one ID");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_sla_report r;
  int64_t now = mi_cli_now();
  if (mi_ticket_sla(cli->store, cli->cfg, argv[1], now, &r, &e)) return mi_cli_fail(&e);
  if (!r.rule) {
    if (cli->json) mi_cli_print_json(json_pack("{s:s, s:n}", "id", r.ticket.external_id, "rule"));
    else printf(_("%s: no SLA rule of the configuration covers a %s of priority %d\n"),
                r.ticket.external_id, r.ticket.kind, r.ticket.priority);
    return 0;
  }
  json_t *arr = cli->json ? json_array() : NULL;
  if (!cli->json && *r.ticket.customer_tier)
    printf(_("%s (%s, priority %d, tier %s): rule at %s:%d, calendar %s (%s)\n"),
           r.ticket.external_id, r.ticket.kind, r.ticket.priority, r.ticket.customer_tier,
           cli->cfg->path, r.rule->line, r.calendar, calendar_kind(&r));
  else if (!cli->json)
    printf(_("%s (%s, priority %d): rule at %s:%d, calendar %s (%s)\n"), r.ticket.external_id,
           r.ticket.kind, r.ticket.priority, cli->cfg->path, r.rule->line, r.calendar,
           calendar_kind(&r));
  for (int i = 0; i < r.nclocks; i++) {
    const mi_sla_clock *c = &r.clocks[i];
    char dl[21] = "-", st[21] = "-", a[24], u[24], p[24], left[24];
    if (c->deadline) mi_instant_format(c->deadline, dl);
    if (c->stopped_at) mi_instant_format(c->stopped_at, st);
    hm(c->allowed, a, sizeof a), hm(c->used, u, sizeof u), hm(c->paused, p, sizeof p);
    hm(c->allowed - c->used, left, sizeof left);
    if (arr) {
      json_array_append_new(
          arr, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:s?, s:s?}", "target", c->target,
                         "state", mi_sla_state_name(c->state), "allowed_seconds",
                         (json_int_t)c->allowed, "used_seconds", (json_int_t)c->used,
                         "paused_seconds", (json_int_t)c->paused, "remaining_seconds",
                         (json_int_t)(c->allowed - c->used), "deadline", c->deadline ? dl : NULL,
                         "stopped_at", c->stopped_at ? st : NULL));
      continue;
    }
    printf(_("  %-15s %s allowed %s, used %s, paused %s, left %s; deadline %s; stopped %s\n"),
           c->target, state_cell(c->state), a, u, p, left, dl, st);
  }
  if (r.next_cycles && !arr)
    printf(r.next_cycles == 1 ? _("  next responses: %d customer message, %d answered late (the "
                                  "line above is the latest)\n")
                              : _("  next responses: %d customer messages, %d answered late (the "
                                  "line above is the latest)\n"),
           r.next_cycles, r.next_breached);
  if (arr) mi_cli_print_json(json_pack("{s:s, s:s, s:b, s:i, s:o, s:i, s:i}", "id",
                                       r.ticket.external_id, "calendar", r.calendar,
                                       "round_the_clock", r.round_the_clock, "rule_line",
                                       r.rule->line,
                                       "clocks", arr, "next_response_cycles", r.next_cycles,
                                       "next_response_breached", r.next_breached));
  return 0;
}

/* assign/reply/pend/...: ID [TEXT] [--root-cause CODE --responsible WHO] */
static int cmd_action(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"root-cause", required_argument, NULL, 'r'},
                                          {"responsible", required_argument, NULL, 'p'},
                                          {NULL, 0, NULL, 0}};
  mi_ticket_cause cause = {0};
  int opt;
  while ((opt = getopt_long(argc, argv, "r:p:", options, NULL)) != -1) {
    if (opt == 'r') cause.root_cause = optarg;
    else if (opt == 'p') cause.responsible = optarg;
    else return mi_cli_usage_error("ticket", "%s: unknown option", argv[0]);
  }
  int n = argc - optind;
  char **args = argv + optind;
  if (n < 1 || n > 2)
    return mi_cli_usage_error("ticket", "%s takes an ID and at most one text (quote it)", argv[0]);
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_ticket_row t;
  if (mi_ticket_act(cli->store, cli->cfg, args[0], argv[0], n == 2 ? args[1] : NULL, &cause,
                    mi_cli_user(), mi_cli_now(), &t, &e))
    return mi_cli_fail(&e);
  if (cli->json) mi_cli_print_json(row_json(&t));
  else if (!cli->quiet) printf(_("%s %s: now %s\n"), t.external_id, argv[0], t.status);
  return 0;
}

static int cmd_assign(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"reassign", no_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
  int reassign = 0, opt;
  while ((opt = getopt_long(argc, argv, "r", options, NULL)) != -1) {
    if (opt != 'r') return mi_cli_usage_error("ticket", "assign: unknown option");
    reassign = 1;
  }
  if (argc - optind != 2) return mi_cli_usage_error("ticket", "assign takes an ID and a STAFF member");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_ticket_row t;
  int changed;
  if (mi_ticket_assign(cli->store, argv[optind], argv[optind + 1], reassign, mi_cli_user(),
                       mi_cli_now(), &t, &changed, &e))
    return mi_cli_fail(&e);
  if (cli->json) mi_cli_print_json(row_json(&t));
  else if (!cli->quiet)
    printf(changed ? _("%s assigned to %s: now %s\n") : _("%s already assigned to %s: now %s\n"),
           t.external_id, t.assignee, t.status);
  return 0;
}

/* "2h05m", "-1h10m" (overdue), "3d4h" for long ages. */
static void span(int64_t s, char *buf, size_t size) {
  const char *sign = s < 0 ? "-" : "";
  if (s < 0) s = -s;
  if (s >= 86400) snprintf(buf, size, "%s%lldd%02lldh", sign, (long long)(s / 86400), (long long)(s % 86400 / 3600));
  else snprintf(buf, size, "%s%lldh%02lldm", sign, (long long)(s / 3600), (long long)(s % 3600 / 60));
}

/* The queue's columns: a header and its width in English; a wider header
 * in another language widens its column (widths count terminal columns). */
enum { QUEUE_COLS = 8 };
static const struct {
  const char *title;
  int width;
} queue_cols[QUEUE_COLS] = {{N_("ticket"), 10},  {N_("status"), 8}, {N_("kind"), 16},
                            {N_("pri"), 3},      {N_("assignee"), 12}, {N_("age"), 9},
                            {N_("clock"), 16},   {N_("left"), 0}};

static void queue_widths(int w[QUEUE_COLS]) {
  for (int i = 0; i < QUEUE_COLS; i++) {
    int title = mi_cli_width(_(queue_cols[i].title));
    w[i] = title > queue_cols[i].width ? title : queue_cols[i].width;
  }
}

/* The queue's title and its column headers. */
static void queue_head(const char *dept, const char *staff, size_t n, const int w[QUEUE_COLS]) {
  if (dept)
    printf(n == 1 ? _("department %s: %zu open ticket, overdue and about to breach first\n")
                  : _("department %s: %zu open tickets, overdue and about to breach first\n"),
           dept, n);
  else
    printf(n == 1 ? _("staff %s: %zu open ticket, overdue and about to breach first\n")
                  : _("staff %s: %zu open tickets, overdue and about to breach first\n"),
           staff, n);
  for (int i = 0; i < QUEUE_COLS - 1; i++) printf("%s ", mi_cli_cell(_(queue_cols[i].title), -w[i]));
  printf("%s\n", _(queue_cols[QUEUE_COLS - 1].title));
}

static void queue_row(const mi_queue_item *it, const int w[QUEUE_COLS]) {
  char age[24], left[24], pri[16];
  span(it->age, age, sizeof age);
  span(it->left, left, sizeof left);
  snprintf(pri, sizeof pri, "p%d", it->ticket.priority);
  const mi_ticket_row *t = &it->ticket;
  printf("%s %s %s %s %s %s %s ", mi_cli_cell(t->external_id, -w[0]), mi_cli_cell(t->status, -w[1]),
         mi_cli_cell(t->kind, -w[2]), mi_cli_cell(pri, -w[3]),
         mi_cli_cell(*t->assignee ? t->assignee : "-", -w[4]), mi_cli_cell(age, -w[5]),
         mi_cli_cell(it->has_clock ? it->target : _("(no SLA rule)"), -w[6]));
  printf("%s%s\n", it->has_clock ? left : "",
         !it->has_clock ? "" : it->paused ? _(" (paused)") : it->left < 0 ? _(" BREACHED") : "");
}

static int cmd_queue(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"department", required_argument, NULL, 'd'},
                                          {"staff", required_argument, NULL, 's'},
                                          {"limit", required_argument, NULL, 'l'},
                                          {NULL, 0, NULL, 0}};
  const char *dept = NULL, *staff = NULL;
  long limit = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, "d:s:l:", options, NULL)) != -1) {
    char *end;
    switch (opt) {
    case 'd': dept = optarg; break;
    case 's': staff = optarg; break;
    case 'l':
      limit = strtol(optarg, &end, 10);
      if (*end || limit < 0) return mi_cli_usage_error("ticket", "queue: --limit takes a count");
      break;
    default: return mi_cli_usage_error("ticket", "queue: unknown option");
    }
  }
  if (optind < argc || !dept == !staff)
    return mi_cli_usage_error("ticket", "queue takes --department CODE or --staff STAFF (one of them)");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_queue_item *q = NULL;
  size_t n = 0;
  int64_t now = mi_cli_now();
  if (mi_ticket_queue_get(cli->store, cli->cfg, dept, staff, now, &q, &n, &e)) return mi_cli_fail(&e);
  size_t shown = limit && (size_t)limit < n ? (size_t)limit : n;
  json_t *list = cli->json ? json_array() : NULL;
  int w[QUEUE_COLS];
  queue_widths(w);
  if (!list && !cli->quiet) queue_head(dept, staff, n, w);
  for (size_t i = 0; i < shown; i++) {
    const mi_queue_item *it = &q[i];
    char dl[21] = "";
    if (it->deadline) mi_instant_format(it->deadline, dl);
    if (list) {
      json_t *o = row_json(&it->ticket);
      json_object_set_new(o, "age_seconds", json_integer(it->age));
      json_object_set_new(o, "clock", it->has_clock ? json_string(it->target) : json_null());
      json_object_set_new(o, "left_seconds", it->has_clock ? json_integer(it->left) : json_null());
      json_object_set_new(o, "paused", json_boolean(it->paused));
      json_object_set_new(o, "breached", json_boolean(it->has_clock && it->left < 0));
      json_object_set_new(o, "deadline", *dl ? json_string(dl) : json_null());
      json_array_append_new(list, o);
    } else if (!cli->quiet) {
      queue_row(it, w);
    }
  }
  free(q);
  if (list) mi_cli_print_json(json_pack("{s:s, s:s, s:I, s:o}", "of", dept ? "department" : "staff",
                                        "code", dept ? dept : staff, "open", (json_int_t)n, "tickets", list));
  return 0;
}

static int cmd_stage(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"reason", required_argument, NULL, 'r'},
                                          {NULL, 0, NULL, 0}};
  const char *reason = NULL;
  int opt;
  while ((opt = getopt_long(argc, argv, "r:", options, NULL)) != -1) {
    if (opt != 'r') return mi_cli_usage_error("ticket", "stage: unknown option");
    reason = optarg;
  }
  if (argc - optind != 2) return mi_cli_usage_error("ticket", "stage takes an ID and a STAGE");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_ticket_row t;
  if (mi_ticket_stage(cli->store, cli->cfg, argv[optind], argv[optind + 1], reason,
                      mi_cli_user(), mi_cli_now(), &t, &e))
    return mi_cli_fail(&e);
  if (cli->json) mi_cli_print_json(row_json(&t));
  else if (!cli->quiet)
    printf(_("%s at stage %s: now %s\n"), t.external_id, mi_cli_named(cli->cfg, "stages", t.stage),
           t.status);
  return 0;
}

static const mi_cli_sub subs[] = {
    {"open", usage_all, cmd_open},       {"show", usage_all, cmd_show},
    {"list", usage_all, cmd_list},       {"sla", usage_all, cmd_sla},
    {"assign", usage_all, cmd_assign},   {"reply", usage_all, cmd_action},
    {"queue", usage_all, cmd_queue},
    {"pend", usage_all, cmd_action},     {"resume", usage_all, cmd_action},
    {"resolve", usage_all, cmd_action},  {"reopen", usage_all, cmd_action},
    {"close", usage_all, cmd_action},    {"note", usage_all, cmd_action},
    {"customer-reply", usage_all, cmd_action}, {"followup", usage_all, cmd_action},
    {"stage", usage_all, cmd_stage},     {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "ticket", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_ticket = {"ticket", "service tickets: open, move, SLA clocks",
                                      usage_all, run, 1, subs};
