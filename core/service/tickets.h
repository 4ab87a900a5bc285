/* The ticket workflow: intake through the routing policy, the moves of a
 * ticket (each an event in its log with actor and time), and its SLA clocks
 * as a function of that log and the calendar the SLA rule's clocks run in. */
#ifndef MI_SERVICE_TICKETS_H
#define MI_SERVICE_TICKETS_H

#include <stdint.h>

#include "config/config.h"
#include "policy/policy.h"
#include "service/batch.h"
#include "store/store.h"
#include "store/tickets.h"

typedef struct mi_ticket_request {
  const char *external_id; /* NULL: the next free T0000123 */
  const char *customer;    /* the customer's external id */
  const char *kind, *category, *severity, *channel, *subject;
  const char *actor; /* who took it in */
  int64_t now;
} mi_ticket_request;

typedef struct mi_ticket_opened {
  char external_id[65], department[65], reason[501];
  char agent[65]; /* the agent the routing policy assigned it to, "" = none */
  int priority;
} mi_ticket_opened;

/* Opens a ticket: the routing policy picks department and priority; the
 * ticket is stored as 'new' with an 'opened' and a 'routed' event (the
 * policy's reason and digest), in one transaction. A policy failure is
 * MI_EPOLICY and stores nothing; bad fields are MI_EINVAL naming them. */
int mi_ticket_open(mi_store *s, const mi_config *cfg, mi_policy *routing,
                   const mi_ticket_request *r, mi_ticket_opened *out, mi_err *e);

/* What closing a complaint records (issue 18: accountability): a code of
 * the configuration's root_causes and who was responsible, a department
 * code or a staff member's external id. */
typedef struct mi_ticket_cause {
  const char *root_cause, *responsible; /* NULL: not given */
} mi_ticket_cause;

/* Moves a ticket: action is assign (arg: staff id), reply, pend (arg: the
 * reason), resume, resolve (arg: the resolution), reopen (arg: why), close,
 * note (arg: the text), customer-reply (the customer wrote: a pending ticket
 * opens again; starts a next-response clock) or followup (arg: the outcome
 * of the callback after resolution; closes the ticket). An action the ticket's status does not allow is
 * MI_EINVAL naming the status and what is allowed. *after (may be NULL)
 * gets the ticket as it is afterwards. One transaction.
 * cfg (may be NULL: neither of the following): a reply and a resolution
 * tell the customer (mi_ticket_notify); a complaint closed (close,
 * followup) when the configuration lists root_causes needs cause, given
 * now or at its resolution, else MI_EINVAL listing the root causes; cause
 * (NULL: none) is accepted with resolve, close and followup only. */
int mi_ticket_act(mi_store *s, const mi_config *cfg, const char *ticket, const char *action,
                  const char *arg, const mi_ticket_cause *cause, const char *actor, int64_t now,
                  mi_ticket_row *after, mi_err *e);

/* ---- agents, assignment and queues (ticket_assign.c) ------------------------- */

/* What the route hook sees of the agents: one view per active staff member
 * with a department {code, name, department, skills ("a;b"), open_load,
 * on_duty (the department's calendar is open now)}, and `last` the staff
 * member who last served the customer ("" if none). */
typedef struct mi_ticket_agents {
  struct mi_agent_row *rows;
  size_t n;
  mi_view *views;
  mi_view_field (*fields)[6];
  char last[65];
} mi_ticket_agents;
int mi_ticket_agents_make(mi_store *s, const mi_config *cfg, int64_t customer_id, int64_t now,
                          mi_ticket_agents *out, mi_err *e);
void mi_ticket_agents_free(mi_ticket_agents *a);

/* Assigns ticket to staff (an 'assigned' event; a new ticket becomes
 * open). A ticket assigned to someone else is refused with MI_EEXIST naming
 * them unless reassign is set (the event then names the previous assignee): of two users assigning the same ticket at once, the first
 * wins and the second is told. Assigning it to its assignee again changes
 * nothing (*changed = 0). One write transaction. */
int mi_ticket_assign(mi_store *s, const char *ticket, const char *staff, int reassign,
                     const char *actor, int64_t now, mi_ticket_row *after, int *changed,
                     mi_err *e);

/* A queue entry: the ticket, its age, and the SLA clock it is ordered by
 * (the unmet one with the least time left; has_clock 0 when no rule). */
typedef struct mi_queue_item {
  mi_ticket_row ticket;
  int64_t age;      /* seconds since opened */
  int has_clock, paused;
  const char *target; /* "first_response", "resolution", "next_response" */
  int64_t left;     /* business seconds left; < 0: breached by that much */
  int64_t deadline; /* 0 when paused */
} mi_queue_item;

/* The open tickets (new, open, pending) of a department (code) or of a
 * staff member (external id): running clocks first, overdue and about to
 * breach first (least time left), then paused clocks, then tickets without
 * an SLA rule, each oldest first. *out is the caller's (free). */
int mi_ticket_queue_get(mi_store *s, const mi_config *cfg, const char *department,
                        const char *staff, int64_t now, mi_queue_item **out, size_t *n,
                        mi_err *e);

/* ---- processes (ticket_stage.c) --------------------------------------------- */

/* Moves a ticket of a kind with a workflow to `stage`: allowed only from a
 * stage the configuration lists in its `after`, and while the ticket is not
 * resolved or closed; a stage with `reason: true` needs reason. Logs a
 * 'stage' event; the stage's `status` (pending pauses the SLA clocks,
 * resolved stops them) and `responds` (the first response) apply as the
 * plain actions would. One transaction. */
int mi_ticket_stage(mi_store *s, const mi_config *cfg, const char *ticket, const char *stage,
                    const char *reason, const char *actor, int64_t now, mi_ticket_row *after,
                    mi_err *e);

/* *approves = 1 when moving ticket to stage is an approval (the stage has
 * `approve: true`): the command table lets only supervisors, department
 * heads and admins do it. MI_ENOTFOUND for an unknown ticket or stage. */
int mi_ticket_stage_approves(mi_store *s, const mi_config *cfg, const char *ticket,
                             const char *stage, int *approves, mi_err *e);

/* Puts a new ticket at its workflow's first stage (nothing if its kind has
 * none). Call inside the transaction that opens it. */
int mi_ticket_stage_start(mi_store *s, const mi_config *cfg, int64_t ticket_id, const char *kind,
                          const char *actor, int64_t now, mi_err *e);

/* The actions, for help and completion: "assign reply pend ...". */
const char *mi_ticket_actions(void);

/* ---- SLA clocks (ticket_sla.c) ------------------------------------------------ */

typedef struct mi_sla_clock {
  const char *target;    /* "first_response" | "resolution" */
  int64_t allowed;       /* business seconds the rule allows */
  int64_t used;          /* business seconds the clock ran (up to its stop, or now) */
  int64_t paused;        /* business seconds spent pending (not counted) */
  int64_t stopped_at;    /* when the target was met (first reply / resolution), 0 = not yet */
  int64_t deadline;      /* when `allowed` was or will be used up; 0 = unknown (paused) */
  int state;             /* 0 running, 1 paused, 2 met, 3 breached (stopped late or past it) */
} mi_sla_clock;

typedef struct mi_sla_report {
  mi_ticket_row ticket;
  const mi_config_sla *rule; /* NULL: no rule covers the ticket */
  const char *calendar;      /* the clocks' calendar: the rule's, else the department's */
  bool round_the_clock;      /* that calendar never closes: business time is clock time */
  mi_sla_clock clocks[3]; /* first_response, resolution, next_response */
  int nclocks;            /* 3 when the rule sets next_response and the customer wrote */
  int next_cycles;        /* customer messages that started a next-response clock */
  int next_breached;      /* of those, answered late (or still open and late) */
} mi_sla_report;

/* The SLA clocks of ticket at now: the most specific rule of cfg for its
 * kind, priority and customer tier; business time in the rule's calendar
 * (`calendar:`, e.g. 24x7), else its department's; a target in business
 * days (3bd) is that many times the calendar's regular working day; the
 * clocks run while the ticket is new or open, pause while it is pending, and stop at the first reply (first_response) and at the last
 * resolution (resolution; a reopened ticket's clock goes on). A rule with
 * next_response adds a clock per customer message (customer-reply), stopped
 * by the next answer; clocks[2] is the latest such cycle. Process stages
 * count as the plain actions: `responds` as a reply, status resolved as a
 * resolution. */
int mi_ticket_sla(mi_store *s, const mi_config *cfg, const char *ticket, int64_t now,
                  mi_sla_report *out, mi_err *e);

/* The same with calendars built once for many tickets: cals[i] is the
 * calendar of cfg->calendars[i], built on first use (an array of
 * cfg->ncalendars NULLs to start; free with mi_ticket_sla_calendars_free). */
struct mi_sched_calendar;
int mi_ticket_sla_cached(mi_store *s, const mi_config *cfg, struct mi_sched_calendar **cals,
                         const char *ticket, int64_t now, mi_sla_report *out, mi_err *e);
void mi_ticket_sla_calendars_free(const mi_config *cfg, struct mi_sched_calendar **cals);

/* The same under a given rule (NULL: the configuration's), for what-if
 * questions (`manyi sla backtest`). */
int mi_ticket_sla_under(mi_store *s, const mi_config *cfg, struct mi_sched_calendar **cals,
                        const char *ticket, int64_t now, const mi_config_sla *rule,
                        mi_sla_report *out, mi_err *e);

/* The configuration's rule for the ticket, or NULL. */
const mi_config_sla *mi_ticket_sla_rule(const mi_config *cfg, const mi_ticket_row *t);

/* The calendar of the ticket's department, from cals (built on first use);
 * the SLA clocks may run in another (the rule's calendar:). */
int mi_ticket_calendar(const mi_config *cfg, struct mi_sched_calendar **cals,
                       const mi_ticket_row *t, const struct mi_sched_calendar **cal, mi_err *e);

/* One pass of escalation (the sla-check job): for every new or open ticket
 * with an SLA rule, the escalation policy sees the running clock; a level
 * above the ticket's is recorded as an 'escalated' event and one outbox
 * message per role to notify (keys "escalation:<ticket>:<level>:<role>", so a
 * rerun adds nothing). *escalated counts the tickets escalated. */
int mi_tickets_escalate(mi_store *s, const mi_config *cfg, mi_policy *escalation, int64_t now,
                        int64_t job_id, int64_t *escalated, mi_err *e);

/* One pass of follow-ups (the followups job, ticket_followup.c): for every
 * resolved ticket whose `followup.delay` of business time since resolution
 * has passed, a 'followup_due' event and a callback task in the outbox (to
 * the assignee, else the department), and with `followup.survey` an
 * invitation to it on the first consented channel ('survey_invited' event,
 * invitation row, outbox message). Once per resolution; *done counts them.
 * Nothing when the configuration has no followup section. Through the
 * batch engine (service/batch.h): tickets in id order, chunk by chunk, each
 * committed with its checkpoint in the job "followups:OCCURRENCE" (a run
 * killed resumes; 100 tickets a chunk unless opt->chunk), under the batch
 * lock; no dry run. The messages carry
 * that job row. Call outside a transaction. */
int mi_tickets_followup(mi_store *s, const mi_config *cfg, int64_t now, int64_t occurrence,
                        const mi_batch_options *opt, int64_t *done, mi_err *e);

/* ---- telling the customer (ticket_notify.c) ------------------------------------ */

/* What a notice says beyond the ticket; any field may be NULL (0). */
typedef struct mi_notice_detail {
  const char *stage;      /* the stage reached ({stage}) */
  const char *text;       /* the reply or resolution ({text}) */
  int64_t appointment;    /* a visit's appointment id: keys its messages */
  const char *visit_from; /* a visit's times on the calendar's clock, ISO 8601 */
  const char *visit_to;   /* ({visit_from}, {visit_to}: "2026-11-20 10:15") */
} mi_notice_detail;

/* Tells the customer about ev of ticket when the configuration has a
 * template for it (notify:) and the ticket's kind is told: one outbox
 * message on the first of notify.channels the customer consented to, or a
 * row with status 'skipped' and the reason when none. d may be NULL. Call
 * inside the transaction of the move. */
int mi_ticket_notify(mi_store *s, const mi_config *cfg, const char *ticket, mi_config_notice ev,
                     const mi_notice_detail *d, int64_t now, mi_err *e);

/* The text of a survey invitation or reminder (ev MI_NOTICE_SURVEY_INVITATION
 * or _REMINDER): its notify: template with {survey} (the survey's name in
 * the configuration's language), {customer} (the customer's name), {ticket}
 * (the ticket it follows, or NULL: "-") and {link} (the personal link to the
 * hosted questionnaire, or NULL: "-"), or without one the survey's name and
 * the link. NULL when out of memory; the caller frees it. */
char *mi_survey_notice_text(const mi_config *cfg, mi_config_notice ev,
                            const mi_config_survey *sv, const char *customer, const char *ticket,
                            const char *link);

/* The first of channels (email, sms, phone) customer c consented to and has
 * an address for (*address: it), or NULL. */
struct mi_customer;
const char *mi_customer_channel(char *const *channels, size_t n, const struct mi_customer *c,
                                const char **address);

/* "running", "paused", "met", "breached". */
const char *mi_sla_state_name(int state);

#endif
