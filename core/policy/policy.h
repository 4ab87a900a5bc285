/* The Lua policy runtime: each policy file runs in its own sandboxed Lua
 * state with budgets, gets read-only views and its YAML params, and returns a
 * decision that is checked here before the core acts on it. This is the only
 * module that includes <lua.h>. */
#ifndef MI_POLICY_POLICY_H
#define MI_POLICY_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/err.h"

typedef struct mi_policy mi_policy;

typedef struct mi_policy_limits {
  int64_t instructions; /* per call */
  int64_t memory;       /* bytes for the whole state */
  int64_t time_ms;      /* time per call (wall, then half of it in CPU time: budget.c) */
} mi_policy_limits;

/* Loads the policy file at path (text only) as `name` (e.g. "tiers") with its
 * params (a MAP value from the configuration, may be NULL = empty table).
 * Chunk names are "@<path as given>" so errors read "policies/tiers.lua:12:".
 * *out is owned by the caller: mi_policy_free. */
int mi_policy_load(const char *name, const char *path, const mi_config_value *params,
                   const mi_policy_limits *limits, mi_policy **out, mi_err *e);
void mi_policy_free(mi_policy *p);

/* Loads from the configuration: the policy named `name` with its file and
 * params, and the limits of cfg. MI_ENOTFOUND if the configuration has none. */
int mi_policy_load_config(const mi_config *cfg, const char *name, mi_policy **out, mi_err *e);

/* Re-reads the file if it changed since it was loaded. On failure the old
 * version keeps running and e says why. *reloaded is 1 when it was replaced. */
int mi_policy_reload(mi_policy *p, int *reloaded, mi_err *e);

/* manyi.tr in every policy translates (on, the default) or returns its
 * text as it is (off: `policy test`, whose expected reasons are the
 * policies' own words). Process-wide. */
void mi_policy_translate(int on);

const char *mi_policy_path(const mi_policy *p);
/* Hex digest (FNV-1a 64) of the file text that is running, for history rows. */
const char *mi_policy_digest(const mi_policy *p);

/* A read-only view passed to a hook: a flat record of named values. */
/* LIST: a list of records (the route view's agents), each a view. RECORD:
 * one nested record (list points to one view; the alert view's answers). */
typedef enum mi_view_type {
  MI_VIEW_NIL, MI_VIEW_BOOL, MI_VIEW_INT, MI_VIEW_NUM, MI_VIEW_STR, MI_VIEW_LIST, MI_VIEW_RECORD
} mi_view_type;
struct mi_view;
typedef struct mi_view_field {
  const char *name;
  mi_view_type type;
  int64_t i; /* BOOL (0/1) and INT */
  double d;  /* NUM */
  const char *s; /* STR */
  const struct mi_view *list; /* LIST: nlist records */
  size_t nlist;
} mi_view_field;
typedef struct mi_view {
  const char *kind; /* "customer", "order", "ticket", "department" */
  const char *id;   /* the external id, named in errors */
  const mi_view_field *fields;
  size_t nfields;
} mi_view;

/* The hooks' calls and decision types, for the engine's callers (the
 * services that build the views and apply the decisions). The registry of
 * hooks is config/hooks.c; `manyi policy test` reaches each hook through its
 * mi_policy_hook_<name> (policy/hook_test.h), not through these. */

/* The tier hook: tier(customer, params) -> tier, reason. The tier must be a
 * code of cfg's tiers and the reason a non-empty string (at most 500 bytes).
 * line gets the line of the policy that returned (0 if unknown). Any failure
 * is MI_EPOLICY with "policies/tiers.lua:LINE: ... (customer C0001)". */
typedef struct mi_tier_decision {
  char tier[33];
  char reason[501];
  int line;
} mi_tier_decision;
int mi_policy_call_tier(mi_policy *p, const mi_view *customer, const mi_config *cfg,
                        mi_tier_decision *out, mi_err *e);

/* The other hooks (hook_<name>.c). Like the tier
 * hook: any failure (a raise, a budget, a return that fails the checks
 * below) is MI_EPOLICY naming the policy file, line and input, and *out is
 * zeroed; line is the line of the policy's last return. Reasons are UTF-8
 * text of 1..500 bytes; names (roles, kinds, templates, grades) are UTF-8
 * text without control characters. Views and their fields: policies/README.md. */

/* route(ticket, params) -> {department, priority, reason, agent?}:
 * department a department code of cfg, priority an integer 1..4 (1 = most
 * urgent), agent (optional) the code of one of the ticket view's agents
 * (ticket.agents: {code, name, department, skills, open_load, on_duty}) who
 * works in that department. */
typedef struct mi_route_decision {
  char department[65];
  char agent[65]; /* "" = none */
  int priority;
  char reason[501];
  int line;
} mi_route_decision;
int mi_policy_call_route(mi_policy *p, const mi_view *ticket, const mi_config *cfg,
                         mi_route_decision *out, mi_err *e);

/* escalate(ticket, clock, params) -> nil | {level, notify, reason}: nil is
 * "no escalation" (escalate = 0); level an integer 1..3; notify a list of
 * at most 10 roles (strings of 1..32 bytes). */
enum { MI_ESCALATE_MAX_NOTIFY = 10, MI_ESCALATE_MAX_LEVEL = 3 };
typedef struct mi_escalate_decision {
  int escalate; /* 0: the policy returned nil, nothing else is set but line */
  int level;
  size_t nnotify;
  char notify[MI_ESCALATE_MAX_NOTIFY][33];
  char reason[501];
  int line;
} mi_escalate_decision;
int mi_policy_call_escalate(mi_policy *p, const mi_view *ticket, const mi_view *clock,
                            mi_escalate_decision *out, mi_err *e);

/* evaluate(department, figures, params) -> {score, grade, passed, reasons,
 * assessed?}: score a finite number 0..100, grade a string of 1..8 bytes,
 * passed a boolean, reasons a list of at most 20 reasons (may be empty),
 * assessed an optional boolean (default true; false: the target was not
 * judged, e.g. too few answers, and passed must be false). */
enum { MI_EVALUATE_MAX_REASONS = 20 };
typedef struct mi_evaluate_decision {
  double score;
  char grade[9];
  int passed;
  int assessed; /* 0: the target was not judged (passed is then 0 too) */
  size_t nreasons;
  char reasons[MI_EVALUATE_MAX_REASONS][501];
  int line;
} mi_evaluate_decision;
int mi_policy_call_evaluate(mi_policy *p, const mi_view *department, const mi_view *figures,
                            mi_evaluate_decision *out, mi_err *e);

/* evaluate_staff(staff, figures, params) -> {rating, notes}: rating a name
 * of 1..16 bytes (the service checks it against the declared ratings), notes
 * a list of at most 20 reasons (may be empty). */
typedef struct mi_staff_decision {
  char rating[17];
  size_t nnotes;
  char notes[MI_EVALUATE_MAX_REASONS][501];
  int line;
} mi_staff_decision;
int mi_policy_call_evaluate_staff(mi_policy *p, const mi_view *staff, const mi_view *figures,
                                  mi_staff_decision *out, mi_err *e);

/* care(customer, date, params) -> list of {kind, channel, template}: at most
 * 20 items (an empty list is "nothing today"); kind 1..32 bytes, channel one
 * of email, sms, phone, visit, template 1..128 bytes. */
enum { MI_CARE_MAX_ITEMS = 20 };
typedef struct mi_care_item {
  char kind[33];
  char channel[8];
  char template_[129];
  int service; /* service = true: a service contact, sent without the customer's consent */
} mi_care_item;
typedef struct mi_care_decision {
  size_t nitems;
  mi_care_item items[MI_CARE_MAX_ITEMS];
  int line;
} mi_care_decision;
int mi_policy_call_care(mi_policy *p, const mi_view *customer, const mi_view *date,
                        mi_care_decision *out, mi_err *e);

/* code(text, params) -> list of category codes: what an open answer or a
 * complaint is about (e.g. {"delivery", "price"}); at most 10, each a code
 * ([A-Za-z][A-Za-z0-9_-]{0,63}), no repeats; an empty list is "none of them".
 * text is a view with fields text, source ("survey" | "complaint") and
 * question (the question code, or nil). */
enum { MI_CODE_MAX = 10 };
typedef struct mi_code_decision {
  size_t ncodes;
  char codes[MI_CODE_MAX][65];
  int line;
} mi_code_decision;
int mi_policy_call_code(mi_policy *p, const mi_view *text, mi_code_decision *out, mi_err *e);

/* eligible(customer, params) -> true | false | {eligible, reason, channel}:
 * may the customer be drawn into a survey wave? customer is the frame view
 * (policies/README.md: consent, addresses, channel, last_invited_days,
 * open_complaints, ...). false is reason "not eligible"; a reason is a name
 * of 1..64 bytes (exclusions are counted by it); channel (only with
 * eligible = true) one of email, sms, phone that the customer has an address
 * for (has_email, has_phone), else the view's channel, which must be set. */
typedef struct mi_eligible_decision {
  int eligible;
  char reason[65];  /* eligible == 0 */
  char channel[8];  /* eligible == 1 */
  int line;
} mi_eligible_decision;
int mi_policy_call_eligible(mi_policy *p, const mi_view *customer, mi_eligible_decision *out,
                            mi_err *e);

/* The points hook: points(event, customer, params) -> nil | {points = N,
 * expires = "..." | nil, reason = "..."}. event is a view of kind "event"
 * (fields type "order"|"survey"|"referral"|"feedback", id, amount, currency,
 * occurred_at "YYYY-MM-DD", status, survey), customer the customer view.
 * Checked here: points a finite integer (an integral float is taken) in
 * [-cfg->limits.points_max, points_max]; reason UTF-8 of 1..500 bytes; expires
 * nil (= "never") or one of the rules of mi_policy_points_expiry, computed
 * from `from` (the event's instant); no other keys. nil means no points
 * (has_points 0). Failures are MI_EPOLICY naming file:line and the event. */
typedef struct mi_points_decision {
  int has_points;      /* 0: the policy returned nil */
  int64_t points;
  char expires[32];    /* the rule as returned ("never" when nil) */
  int64_t expires_at;  /* the instant the points expire; 0 = never */
  char reason[501];
  int line;
} mi_points_decision;
int mi_policy_call_points(mi_policy *p, const mi_view *event, const mi_view *customer,
                          const mi_config *cfg, int64_t from, mi_points_decision *out,
                          mi_err *e);

/* An expiry rule as an instant, for points earned at `from`:
 *   "never"          -> 0
 *   "after Nd"       -> from + N days (N = 1..36500)
 *   "end_of_month"   -> 00:00 UTC on the first day of the next month
 *   "end_of_year"    -> 00:00 UTC on 1 January of the next year
 *   "YYYY-MM-DD"     -> 00:00 UTC on the day after (the points are good through
 *                      that day); a date before from's day is refused.
 * Month and year ends are UTC for now, not the configuration's time zone.
 * Points expire at *at: a lot is spendable while now < *at. */
int mi_policy_points_expiry(const char *rule, int64_t from, int64_t *at, mi_err *e);

/* alert(response, customer, ticket, params) -> nil | {department, kind,
 * priority, reason, category?, severity?}: may a scored response open a
 * follow-up ticket? nil is "no follow-up" (open = 0). response has
 * external_id, survey, submitted_at, channel, answers (a record from
 * question code to the answer: a number, a text for open questions, nil
 * when not answered), categories (the coded categories of its open answers
 * joined by ';', "" when none) and coded; customer {external_id, kind,
 * region, tier}; ticket (nil when the response followed none) {external_id,
 * kind, category, department, status}. Checked: department a department
 * code of cfg, kind a ticket kind of cfg, priority an integer 1..4, reason
 * UTF-8 of 1..500 bytes, category (default "general") a category of cfg,
 * severity (default "medium") low, medium, high or critical. */
typedef struct mi_alert_decision {
  int open; /* 0: the policy returned nil, nothing else is set but line */
  char department[65], kind[65], category[65], severity[16];
  int priority;
  char reason[501];
  int line;
} mi_alert_decision;
int mi_policy_call_alert(mi_policy *p, const mi_view *response, const mi_view *customer,
                         const mi_view *ticket, const mi_config *cfg, mi_alert_decision *out,
                         mi_err *e);

/* Counters since load, for summaries: calls, failures and budget hits. */
typedef struct mi_policy_counters {
  int64_t calls, failures, instruction_limit_hits, memory_limit_hits, time_limit_hits;
} mi_policy_counters;
void mi_policy_get_counters(const mi_policy *p, mi_policy_counters *out);

/* Whether calls note the line of the policy's last return (the decisions'
 * line, and the line a message about a refused result names): on after
 * load. A batch turns it off, since the hook that notes it runs at every
 * return of every function, C ones included (a tenth of a simple tier
 * call); a call whose result is refused is then run once more with it on,
 * to name the line (calls keep no state, so the rerun returns the same). */
void mi_policy_track_lines(mi_policy *p, int on);

#endif
