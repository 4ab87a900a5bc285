/* The registry of policy hooks (hooks.h): the table and its look-ups. The
 * field lists are the views the engine builds (core/service/customer_view.c,
 * tickets.c, alerts.c ...); policies/README.md describes each field. */
#include "config/hooks.h"

#include <stdio.h>
#include <string.h>

static const mi_hook_field customer_fields[] = {
    {"external_id", 's'}, {"kind", 's'}, {"region", 's'}, {"industry", 's'}, {"birthday", 's'},
    {"tenure_days", 'i'}, {"tier", 's'}, {"spend_12m", 'n'}, {"orders_12m", 'i'},
    {"orders_total", 'i'}, {"refunded_orders", 'i'}, {"cancelled_orders", 'i'},
    {"last_order_days", 'i'}, {"open_complaints", 'i'}, {"tickets_12m", 'i'},
    {"avg_satisfaction", 'n'}, {"nps_answer", 'i'}, {"points", 'i'}, {NULL, 0}};
/* The care hook's customer: the customer and these. */
static const mi_hook_field care_customer_fields[] = {
    {"external_id", 's'}, {"kind", 's'}, {"region", 's'}, {"industry", 's'}, {"birthday", 's'},
    {"tenure_days", 'i'}, {"tier", 's'}, {"spend_12m", 'n'}, {"orders_12m", 'i'},
    {"orders_total", 'i'}, {"refunded_orders", 'i'}, {"cancelled_orders", 'i'},
    {"last_order_days", 'i'}, {"open_complaints", 'i'}, {"tickets_12m", 'i'},
    {"avg_satisfaction", 'n'}, {"nps_answer", 'i'}, {"points", 'i'},
    {"special_needs", 's'}, {"consent_email", 'b'}, {"consent_sms", 'b'}, {"consent_phone", 'b'},
    {NULL, 0}};
static const mi_hook_field agent_fields[] = {
    {"code", 's'}, {"name", 's'}, {"department", 's'}, {"skills", 's'}, {"open_load", 'i'},
    {"on_duty", 'b'}, {NULL, 0}};
static const mi_hook_field ticket_fields[] = {
    {"external_id", 's'}, {"kind", 's'}, {"category", 's'}, {"severity", 's'}, {"channel", 's'},
    {"status", 's'}, {"priority", 'i'}, {"department", 's'}, {"customer_id", 's'},
    {"customer_tier", 's'}, {"escalation_level", 'i'}, {"agents", 'l'}, {"last_agent", 's'},
    {NULL, 0}};
static const mi_hook_field clock_fields[] = {
    {"target", 's'}, {"target_seconds", 'i'}, {"elapsed_seconds", 'i'},
    {"remaining_seconds", 'i'}, {"used", 'n'}, {"breached", 'b'}, {NULL, 0}};
static const mi_hook_field department_fields[] = {{"code", 's'}, {"name", 's'}, {NULL, 0}};
static const mi_hook_field figures_fields[] = {
    {"period", 's'}, {"responses", 'i'}, {"satisfied_share", 'n'}, {"satisfied_ci_lower", 'n'},
    {"satisfied_ci_upper", 'n'}, {"first_response_met", 'n'}, {"resolution_rate", 'n'},
    {"tickets", 'i'}, {"complaints", 'i'}, {"complaint_rate", 'n'}, {"actions_planned", 'i'},
    {"actions_done", 'i'}, {NULL, 0}};
static const mi_hook_field staff_fields[] = {
    {"code", 's'}, {"name", 's'}, {"department", 's'}, {NULL, 0}};
static const mi_hook_field staff_figures_fields[] = {
    {"period", 's'}, {"tickets", 'i'}, {"resolved", 'i'}, {"complaints_handled", 'i'},
    {"sla_tickets", 'i'}, {"first_response_met", 'n'}, {"resolution_met", 'n'},
    {"median_resolution_hours", 'n'}, {"responses", 'i'}, {"satisfied_share", 'n'},
    {"satisfied_ci_lower", 'n'}, {"satisfied_ci_upper", 'n'}, {"complaints", 'i'},
    {"complaints_accountable", 'i'}, {NULL, 0}};
static const mi_hook_field frame_fields[] = {
    {"external_id", 's'}, {"kind", 's'}, {"region", 's'}, {"industry", 's'}, {"tier", 's'},
    {"tenure_days", 'i'}, {"consent_email", 'b'}, {"consent_sms", 'b'}, {"consent_phone", 'b'},
    {"has_email", 'b'}, {"has_phone", 'b'}, {"channel", 's'}, {"last_invited_days", 'i'},
    {"open_complaints", 'i'}, {NULL, 0}};
static const mi_hook_field event_fields[] = {
    {"type", 's'}, {"id", 's'}, {"amount", 'n'}, {"currency", 's'}, {"occurred_at", 's'},
    {"status", 's'}, {"survey", 's'}, {NULL, 0}};
static const mi_hook_field text_fields[] = {
    {"text", 's'}, {"source", 's'}, {"question", 's'}, {NULL, 0}};
static const mi_hook_field response_fields[] = {
    {"external_id", 's'}, {"survey", 's'}, {"submitted_at", 's'}, {"channel", 's'},
    {"answers", 'r'}, {"categories", 's'}, {"coded", 'b'}, {NULL, 0}};
static const mi_hook_field alert_customer_fields[] = {
    {"external_id", 's'}, {"kind", 's'}, {"region", 's'}, {"tier", 's'}, {NULL, 0}};
static const mi_hook_field alert_ticket_fields[] = {
    {"external_id", 's'}, {"kind", 's'}, {"category", 's'}, {"department", 's'}, {"status", 's'},
    {NULL, 0}};

static const mi_hook_view agent = {"agent", "manyi.Agent", agent_fields, NULL, 0};
static const mi_hook_view customer = {"customer", "manyi.Customer", customer_fields, NULL, 0};
static const mi_hook_view care_customer = {"customer", "manyi.CareCustomer", care_customer_fields, NULL, 0};
static const mi_hook_view ticket = {"ticket", "manyi.Ticket", ticket_fields, &agent, 0};
static const mi_hook_view clock = {"clock", "manyi.Clock", clock_fields, NULL, 0};
static const mi_hook_view department = {"department", "manyi.Department", department_fields, NULL, 0};
static const mi_hook_view figures = {"figures", "manyi.Figures", figures_fields, NULL, 0};
static const mi_hook_view staff = {"staff", "manyi.Staff", staff_fields, NULL, 0};
static const mi_hook_view staff_figures = {"figures", "manyi.StaffFigures", staff_figures_fields, NULL, 0};
static const mi_hook_view date = {"date", "manyi.Date", NULL, NULL, 0};
static const mi_hook_view frame = {"customer", "manyi.FrameCustomer", frame_fields, NULL, 0};
static const mi_hook_view event = {"event", "manyi.Event", event_fields, NULL, 0};
static const mi_hook_view text = {"text", "manyi.Text", text_fields, NULL, 0};
static const mi_hook_view response = {"response", "manyi.Response", response_fields, NULL, 0};
static const mi_hook_view alert_customer = {"customer", "manyi.AlertCustomer", alert_customer_fields, NULL, 0};
static const mi_hook_view alert_ticket = {"ticket", "manyi.AlertTicket", alert_ticket_fields, NULL, 1};

const mi_hook mi_hooks[] = {
    {"tier", "tiers", 1, {&customer}, 1, "manyi.TiersParams", "manyi.TierCode, string",
     "manyi eval tiers", "the customer's tier and the reason"},
    {"points", "loyalty", 1, {&event, &customer}, 2, "manyi.LoyaltyParams", "manyi.PointsDecision?",
     "manyi eval points", "the points an order, answered survey, feedback or referral earns (nil: none)"},
    {"route", "routing", 1, {&ticket}, 1, "manyi.RoutingParams", "manyi.RouteDecision",
     "manyi ticket open", "the department, priority and agent of a new ticket"},
    {"escalate", "escalation", 1, {&ticket, &clock}, 2, "manyi.EscalationParams",
     "manyi.EscalateDecision?", "the sla-check job", "the escalation level of a ticket whose SLA clock runs (nil: none)"},
    {"evaluate", "evaluation", 1, {&department, &figures}, 2, "manyi.EvaluationParams",
     "manyi.EvaluateDecision", "manyi eval departments", "a department's score, grade and verdict for a period"},
    {"evaluate_staff", "evaluation", 0, {&staff, &staff_figures}, 2, "manyi.EvaluationParams",
     "manyi.StaffDecision", "manyi eval staff", "an agent's rating for a period"},
    {"care", "care", 1, {&care_customer, &date}, 2, "manyi.CareParams", "manyi.CareItem[]",
     "the care job", "the care events (greetings, calls, visits) of a customer on a day"},
    {"code", "coding", 1, {&text}, 1, "manyi.CodingParams", "string[]", "manyi survey code",
     "the categories an open answer or a complaint is about"},
    {"eligible", "eligibility", 1, {&frame}, 1, "manyi.EligibilityParams",
     "boolean|manyi.EligibleDecision", "manyi survey sample", "whether a customer may be drawn into a survey wave"},
    {"alert", "alert", 1, {&response, &alert_customer, &alert_ticket}, 3, "manyi.AlertParams",
     "manyi.AlertDecision?", "manyi import responses, survey code, eval alerts",
     "whether a scored response opens a follow-up ticket, for which department (nil: none)"},
};
const size_t mi_nhooks = sizeof mi_hooks / sizeof mi_hooks[0];

const mi_hook *mi_hook_find(const char *name) {
  for (size_t i = 0; name && i < mi_nhooks; i++)
    if (!strcmp(mi_hooks[i].name, name)) return &mi_hooks[i];
  return NULL;
}

void mi_hook_names(const char **out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < mi_nhooks && n + 1 < max; i++) out[n++] = mi_hooks[i].name;
  if (max) out[n] = NULL;
}

void mi_hook_policies(const char **out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < mi_nhooks && n + 1 < max; i++) {
    size_t j = 0;
    while (j < n && strcmp(out[j], mi_hooks[i].policy)) j++;
    if (j == n) out[n++] = mi_hooks[i].policy;
  }
  if (max) out[n] = NULL;
}

void mi_hook_name_list(char *buf, size_t size) {
  size_t n = 0;
  if (!size) return;
  buf[0] = '\0';
  for (size_t i = 0; i < mi_nhooks && n < size; i++)
    n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", mi_hooks[i].name);
}
