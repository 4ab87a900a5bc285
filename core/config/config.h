/* mi_config: manyi.yaml loaded into typed structs.
 *
 * The loader is strict: every key is known, every value has one type, and every
 * error names file:line:column and says what to do (principle 3: nothing is
 * silently dropped or guessed). The JSON Schema schemas/manyi.schema.json
 * describes the same format for editors; the two must accept the same files.
 *
 * Required keys (everything else is optional):
 *   top level   version (must be 1), database, calendars (at least one),
 *               departments (at least one)
 *   calendar    hours (at least one weekday; closed days are left out)
 *   department  code, name, calendar (the name of a calendar above)
 *   tier        code, name
 *   policy      file (must exist; relative paths are relative to the config file)
 *   sla rule    kind, first_response, resolution (calendar: a calendar's
 *               name or 24x7; default the ticket's department's)
 *   survey      code, name, kind, questions (at least one)
 *   question    code, text, and scale unless `open: true`
 *   evaluation  period (if the section is present)
 *   user        role
 *   schedule    name, cron, job (timezone defaults to the top-level one)
 *   workflow    kind: a list of stages, each with `stage` (a code)
 *   followup    delay
 *   notify      channels, templates (root_causes: a list like categories:;
 *               a schedule entry with job: report needs dir and to)
 *   care        max_per_customer, per
 *   serve       (all optional) base_url, listen, link_days, max_body, client_rate,
 *               per_address
 *
 * Defaults: timezone "UTC" (a calendar without its own timezone takes the top
 * level one); limits: policy_instructions 1000000, policy_memory 16 MiB,
 * policy_time 250 ms, import_batch_rows 5000,
 * points_max 1000000; question weight 1, reverse false.
 *
 * Values are read the strict way (YAML 1.2 core, minus anything that other YAML
 * tools read differently): quoted scalars are always text; where text is wanted,
 * an unquoted yes/no/on/off/true/false/~/null or a number is refused; integers
 * are plain decimal digits (no 010, 1_000, 0x10, 1e3); booleans are plain
 * true/false. Anchors, aliases, tags and several documents are refused.
 * Timezone names are checked for form only (sched resolves them). */
#ifndef MI_CONFIG_CONFIG_H
#define MI_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define MI_CONFIG_MAX_BYTES (4 * 1024 * 1024) /* larger files are refused */
#define MI_CONFIG_MAX_DEPTH 32                /* nesting of maps and lists */

/* A generic YAML value (policy params), so the Lua runtime can build a table. */
typedef enum mi_config_value_kind {
  MI_CONFIG_NULL,
  MI_CONFIG_BOOL,
  MI_CONFIG_INT,
  MI_CONFIG_FLOAT,
  MI_CONFIG_STRING,
  MI_CONFIG_LIST,
  MI_CONFIG_MAP,
} mi_config_value_kind;

typedef struct mi_config_value {
  mi_config_value_kind kind;
  int line, column;              /* where the value starts in the file */
  bool b;                        /* BOOL */
  int64_t i;                     /* INT */
  double f;                      /* FLOAT */
  char *s;                       /* STRING */
  size_t count;                  /* LIST, MAP: number of items */
  char **keys;                   /* MAP: keys[k] names items[k], in file order */
  struct mi_config_value *items; /* LIST, MAP */
} mi_config_value;

typedef struct mi_config_limits {
  int64_t policy_instructions; /* Lua instructions per policy call */
  int64_t policy_memory;       /* bytes per policy state */
  int64_t policy_time_ms;      /* time per policy call (policies/README.md) */
  int64_t import_batch_rows;   /* rows per commit of an import with --rejects */
  int64_t points_max;          /* largest |points| one loyalty decision may give */
} mi_config_limits;

/* Opening hours within one day: minutes since midnight, [start, end). */
typedef struct mi_config_range {
  int start, end;
} mi_config_range;

typedef struct mi_config_calendar {
  char *name;
  char *timezone;            /* the calendar's own, else the top-level one */
  mi_config_range *hours[7]; /* index 0 = Monday ... 6 = Sunday (ISO order) */
  size_t nhours[7];          /* ranges per day: sorted, not overlapping; 0 = closed */
  int64_t *holidays;         /* days since 1970-01-01, ascending */
  size_t nholidays;
  int64_t *working_days; /* extra working days (e.g. a Saturday), ascending */
  size_t nworking_days;
  char *ics; /* resolved path of an iCalendar file, or NULL */
  bool builtin; /* the built-in "24x7" (the last entry of mi_config.calendars) */
  int line, column;
} mi_config_calendar;

/* The name of the built-in round-the-clock calendar (00:00-24:00 every day,
 * no holidays, the top-level time zone), always the last of
 * mi_config.calendars. It is not a code, so no configured calendar has it. */
#define MI_CONFIG_24X7 "24x7"

typedef struct mi_config_department {
  char *code;
  char *name;
  const mi_config_calendar *calendar; /* points into mi_config.calendars */
  int line, column;
} mi_config_department;

typedef struct mi_config_tier {
  char *code;
  char *name;
  int line, column;
} mi_config_tier;

typedef enum mi_config_role {
  MI_CONFIG_ROLE_ADMIN,
  MI_CONFIG_ROLE_AGENT,
  MI_CONFIG_ROLE_ANALYST,
  MI_CONFIG_ROLE_AUDITOR,
  MI_CONFIG_ROLE_SUPERVISOR,      /* an agent who approves and grants goodwill (department) */
  MI_CONFIG_ROLE_DEPARTMENT_HEAD, /* a supervisor who also reads the figures (department) */
} mi_config_role;
#define MI_CONFIG_ROLE_COUNT 6
/* 1 for the roles that work for one department (agent, supervisor,
 * department_head): their reach is that department's tickets and customers. */
int mi_config_role_scoped(mi_config_role role);

typedef struct mi_config_user {
  char *name; /* OS user name */
  mi_config_role role;
  const mi_config_department *department; /* or NULL */
  int line, column;
} mi_config_user;

/* Policy names are fixed: tiers, loyalty, routing, escalation, evaluation, care. */
typedef struct mi_config_policy {
  char *name;
  char *file;             /* resolved path; the file existed at load time */
  mi_config_value params; /* always a MAP (empty when not given) */
  int line, column;
} mi_config_policy;

/* An entry of a configured list: ticket_kinds, categories, channels. The
 * code is what tickets and interactions store, the name what people read
 * (Chinese in the examples). Without the section the built-in list of the
 * earlier schema applies (config lists.c). */
typedef struct mi_config_label {
  char *code;
  char *name;
  int line, column;
} mi_config_label;

/* Which configured list: for mi_config_check_label. */
typedef enum mi_config_list {
  MI_CONFIG_LIST_KIND,     /* ticket_kinds: inquiry, complaint, ... */
  MI_CONFIG_LIST_CATEGORY, /* categories: general, technical, ... */
  MI_CONFIG_LIST_CHANNEL,  /* channels: phone, email, wechat, ... */
  MI_CONFIG_LIST_ROOT_CAUSE, /* root_causes: why a complaint happened (no built-in list) */
} mi_config_list;

/* An SLA target as written (sla_time.c): clock time of the rule's calendar
 * ("4h", "90m"; "3d" only on a round-the-clock calendar), or business days
 * ("3bd"), each as long as the calendar's regular working day. */
typedef struct mi_config_sla_time {
  int64_t seconds; /* of the clock's calendar; 0 when days is set */
  int64_t days;    /* business days (bd), or 0 */
  bool clock_days; /* written with d or w: 24 h a day, only where the clock never stops */
} mi_config_sla_time;

/* One SLA rule. Several rules may share a kind; they differ in priority/tier
 * (no two rules have the same kind, priority and tier). */
typedef struct mi_config_sla {
  const char *kind;           /* a code of mi_config.ticket_kinds (points into it) */
  int priority;               /* 1..4, or 0 = any priority */
  const mi_config_tier *tier; /* or NULL = any tier; points into mi_config.tiers */
  char *channel;              /* or NULL = any channel; else a code of mi_config.channels */
  const struct mi_config_department *department; /* or NULL = any department */
  /* The calendar the clocks run in (points into mi_config.calendars; may be
   * the built-in 24x7), or NULL = the ticket's department's calendar. */
  const mi_config_calendar *calendar;
  mi_config_sla_time first_response; /* > 0, not after resolution on any calendar it runs in */
  mi_config_sla_time next_response;  /* all 0 = not set */
  mi_config_sla_time resolution;
  int line, column;
} mi_config_sla;

/* One stage of a ticket process (complaints, business requests). */
typedef struct mi_config_stage {
  char *name;
  size_t *after;  /* indexes of the stages it may follow (default: the one before) */
  size_t nafter;  /* 0 for the first stage, which the ticket enters when opened */
  char *status;   /* NULL, or what the ticket becomes: open | pending | resolved */
  bool responds;  /* reaching it answers the customer (stops the first-response clock) */
  bool reason;    /* it needs a reason (a rejection, the materials that are missing) */
  bool approve;   /* reaching it is an approval: a supervisor's or department head's */
  bool notify;    /* customer-facing: reaching it tells the customer (notify.templates.stage) */
  int line, column;
} mi_config_stage;

typedef struct mi_config_workflow {
  const char *kind; /* a code of mi_config.ticket_kinds (points into it) */
  mi_config_stage *stages; /* in file order; stages[0] is where a ticket starts */
  size_t nstages;
  int line, column;
} mi_config_workflow;

/* After a ticket is resolved: a callback task once `delay` business seconds
 * have passed in its department's calendar, and the post-service survey. */
typedef struct mi_config_followup {
  bool enabled;                   /* the section is present */
  int64_t delay;                  /* business seconds after resolution */
  const struct mi_config_survey *survey; /* or NULL: no invitation */
  char *channels[3];              /* invitation channels to try, in order (email|sms|phone) */
  size_t nchannels;
} mi_config_followup;

/* What the customer is told (notify:, service/ticket_notify.c): one
 * template per event; a template's {placeholders} are checked at load
 * (load_notify.c: a ticket's blanks, or a survey message's). */
typedef enum mi_config_notice {
  MI_NOTICE_RECEIVED, /* the ticket was opened */
  MI_NOTICE_STAGE,    /* it reached a stage marked notify: true */
  MI_NOTICE_REPLY,    /* an agent replied (ticket reply) */
  MI_NOTICE_RESOLVED, /* it was resolved (the action, or a stage with status resolved) */
  MI_NOTICE_VISIT_BOOKED,    /* a technician's visit was booked (manyi appoint) */
  MI_NOTICE_VISIT_CANCELLED, /* ... and cancelled */
  MI_NOTICE_SURVEY_INVITATION, /* a survey invitation (a wave's, or after a resolution) */
  MI_NOTICE_SURVEY_REMINDER,   /* a wave's reminder */
} mi_config_notice;
#define MI_NOTICE_COUNT 8
typedef struct mi_config_notify {
  bool enabled;                      /* the section is present */
  char *channels[3];                 /* tried in order: the first the customer consented to */
  size_t nchannels;
  const char **kinds;                /* ticket kinds told (point into ticket_kinds); NULL = all */
  size_t nkinds;
  char *templates[MI_NOTICE_COUNT];  /* NULL: nothing for that event */
} mi_config_notify;
/* manyi serve (core/serve/): where it listens and what its links look like. */
typedef struct mi_config_serve {
  char *base_url;    /* http(s)://host[:port][/path] without a trailing '/'; NULL: invitations
                        carry no link */
  char *listen;      /* host:port, default 127.0.0.1:8080 */
  int64_t link_days; /* a link opens the questionnaire this many days (default 30) */
  int64_t max_body;  /* bytes of a request body (default 64 KiB) */
  int64_t client_rate; /* API calls a second per client, twice as many in a burst (default 20) */
  /* connections one address may hold open (of 256; default 32, 0: any), so
   * that clients that send slowly from one address cannot hold them all */
  int64_t per_address;
} mi_config_serve;

/* "received", "stage", "reply", "resolved", "visit_booked", "visit_cancelled",
 * "survey_invitation", "survey_reminder". */
const char *mi_config_notice_name(mi_config_notice n);

typedef enum mi_config_period {
  MI_CONFIG_PERIOD_NONE, /* no evaluation section */
  MI_CONFIG_PERIOD_MONTH,
  MI_CONFIG_PERIOD_QUARTER,
  MI_CONFIG_PERIOD_YEAR,
} mi_config_period;

/* The care job's cap: at most max_per_customer care messages per customer per period. */
typedef struct mi_config_care {
  int64_t max_per_customer; /* 0 = no cap */
  mi_config_period per;     /* MONTH by default */
} mi_config_care;

typedef enum mi_config_survey_kind {
  MI_CONFIG_SURVEY_CSAT,
  MI_CONFIG_SURVEY_NPS,
  MI_CONFIG_SURVEY_CES,
  MI_CONFIG_SURVEY_INDEX,
} mi_config_survey_kind;

typedef struct mi_config_dimension {
  char *name;
  double weight; /* >= 0; weights are not required to sum to 1 */
} mi_config_dimension;

typedef struct mi_config_question {
  char *code;
  char *text;
  char *dimension;          /* or NULL; need not be listed in the survey's dimensions */
  bool open;                /* no scale, weight or reverse: free text, or a choice (nchoices) */
  int scale_min, scale_max; /* min < max; both 0 for open questions */
  double weight;            /* >= 0, default 1 */
  bool reverse;             /* high answer = bad */
  /* A choice question (open, no scale): nchoices (2..MI_CHOICES_MAX) codes
   * and their texts in file order; multiple: several may be chosen. Its
   * answer is stored as the chosen codes in this order, joined by ';'. */
  char **choices, **choice_texts;
  size_t nchoices;
  bool multiple;
  int line, column;
} mi_config_question;
#define MI_CHOICES_MAX 32
#define MI_CHOICES_TEXT 1024 /* the codes joined by ';', with its end, at most */

typedef struct mi_config_survey {
  char *code;
  char *name;
  mi_config_survey_kind kind;
  mi_config_dimension *dimensions; /* in file order */
  size_t ndimensions;
  mi_config_question *questions; /* in file order */
  size_t nquestions;
  int line, column;
} mi_config_survey;

typedef struct mi_config_target {
  char *name;
  double value;
} mi_config_target;

typedef struct mi_config_evaluation {
  mi_config_period period;
  mi_config_target *targets; /* in file order */
  size_t ntargets;
} mi_config_evaluation;

/* The sample design of a survey-wave job (as `manyi survey sample` takes it). */
typedef struct mi_config_sample {
  char *method;     /* srs | stratified | cluster */
  char *by;         /* tier | region | kind | industry, or NULL (srs) */
  char *allocation; /* proportional | neyman */
  char *question;   /* neyman: a question code of the survey, or NULL */
  int64_t size;     /* > 0, or 0: from margin (conf, p) */
  double margin, conf, p;
  int64_t clusters, seed;
  int64_t quiet_days; /* -1: the eligibility rule's own */
} mi_config_sample;

/* A recurring job: queue `job` at every time `cron` names, read in timezone. */
typedef struct mi_config_schedule {
  char *name;     /* a code, unique: the job keys are "schedule:<name>:<instant>" */
  char *cron;     /* 5 fields; checked by core/sched */
  char *job;      /* the job kind; checked against the scheduler's kinds */
  char *timezone; /* its own, else the top-level one */
  /* job survey-wave only (required there, refused elsewhere): */
  const struct mi_config_survey *survey; /* the survey a wave is drawn for */
  mi_config_period wave;  /* the wave is named after the occurrence's period: 2026Q4, 2026-10, 2026 */
  mi_config_sample *sample;
  /* job report only: where the period's HTML goes, and who is told besides
   * each department (management: recipients, e.g. role:management) */
  char *report_dir;
  char **report_to;
  size_t nreport_to;
  int line, column, cron_line, cron_column;
} mi_config_schedule;

typedef struct mi_config {
  char *path;     /* the file as given (or the name given to load_string) */
  char *dir;      /* its folder, absolute when it could be resolved */
  int version;    /* always 1 */
  char *database; /* resolved against dir unless absolute */
  char *timezone;
  char *language; /* of reports: "zh_CN", "en", or NULL (the locale's) */
  mi_config_value display_names; /* {lang: {kind: {code: name}}}; NULL kind when absent */
  mi_config_limits limits;
  mi_config_calendar *calendars;
  size_t ncalendars;
  mi_config_department *departments;
  size_t ndepartments;
  mi_config_tier *tiers;
  size_t ntiers;
  mi_config_label *ticket_kinds; /* never empty: the built-in list without the section */
  size_t nticket_kinds;
  mi_config_label *categories;
  size_t ncategories;
  mi_config_label *channels;
  size_t nchannels;
  mi_config_label *root_causes; /* empty without root_causes: (no accountability asked) */
  size_t nroot_causes;
  mi_config_user *users;
  size_t nusers;
  mi_config_policy *policies;
  size_t npolicies;
  mi_config_sla *sla;
  size_t nsla;
  mi_config_survey *surveys;
  size_t nsurveys;
  mi_config_evaluation evaluation;
  mi_config_schedule *schedule;
  size_t nschedule;
  mi_config_workflow *workflows;
  size_t nworkflows;
  mi_config_followup followup;
  mi_config_care care;
  mi_config_notify notify;
  mi_config_serve serve;
} mi_config;

/* Loads the file at path. On success *out is a new config the caller frees
 * with mi_config_free. On failure *out is NULL and e says why: MI_EIO (cannot
 * read, with the path), MI_ECONFIG (with file, line and column), MI_ENOMEM,
 * MI_EINVAL (NULL arguments). */
int mi_config_load(const char *path, mi_config **out, mi_err *e);

/* Loads from memory (tests, fuzzing). name_for_errors is used in messages
 * (NULL: "<string>"); relative paths resolve against base_dir (NULL: the
 * current directory). Same ownership and errors as mi_config_load. */
int mi_config_load_string(const char *yaml, size_t len, const char *name_for_errors,
                          const char *base_dir, mi_config **out, mi_err *e);

/* Frees cfg and everything it owns; cfg may be NULL. */
void mi_config_free(mi_config *cfg);

/* Lookups by code or name; NULL if an argument is NULL or nothing matches.
 * The results point into cfg and live as long as it. (Named find_* because the
 * plain names are the struct types.) */
const mi_config_department *mi_config_find_department(const mi_config *cfg, const char *code);
const mi_config_tier *mi_config_find_tier(const mi_config *cfg, const char *code);
const mi_config_calendar *mi_config_find_calendar(const mi_config *cfg, const char *name);
const mi_config_survey *mi_config_find_survey(const mi_config *cfg, const char *code);
/* The workflow of a ticket kind ("complaint"), or NULL: that kind has none. */
const mi_config_workflow *mi_config_find_workflow(const mi_config *cfg, const char *kind);
const mi_config_stage *mi_config_find_stage(const mi_config_workflow *w, const char *name);
const mi_config_question *mi_config_find_question(const mi_config_survey *survey, const char *code);
/* The display name of code (a survey, question, dimension, department,
 * tier or category: kind "surveys", "questions", ...) in lang ("zh_CN",
 * "en") from display_names:, or NULL when it has none. */
const char *mi_config_display_name(const mi_config *cfg, const char *lang, const char *kind,
                                   const char *code);
const mi_config_policy *mi_config_find_policy(const mi_config *cfg, const char *name);
const mi_config_user *mi_config_find_user(const mi_config *cfg, const char *name);
/* 1 when name is a portable OS user name ([A-Za-z_][A-Za-z0-9._-]{0,31}). */
int mi_config_is_username(const char *name);
/* The value under key in a MAP value, or NULL (also when v is not a map). */
const mi_config_value *mi_config_value_get(const mi_config_value *v, const char *key);

/* Reads any YAML file (e.g. policy test cases) into a generic value, with
 * the same strict rules as the configuration (no anchors, tags, duplicate
 * keys, ambiguous scalars; at most MI_CONFIG_MAX_BYTES). Errors name
 * file:line:column. *out is owned by the caller: mi_config_value_free. */
int mi_config_value_load(const char *path, mi_config_value *out, mi_err *e);
void mi_config_value_free(mi_config_value *v);

/* An SLA target as written: "3bd" (business days, 1..36500, alone), or a
 * duration mi_duration_parse reads ("4h", "1h30m", "3d"; clock_days when it
 * has d or w). 0, or -1 when it is neither (units.c). */
int mi_config_parse_sla_time(const char *s, mi_config_sla_time *t);

/* Calendars and SLA targets (sla_time.c).
 * The regular working day: the weekday (0 = Monday) whose hours an extra
 * working day has and one business day (bd) lasts: the first of Mon..Fri
 * with hours, else the first day of the week with hours; -1 when none. */
int mi_config_calendar_workday(const mi_config_calendar *cal);
/* Its opening hours in seconds (one "bd"); 0 when the calendar has none. */
int64_t mi_config_calendar_day_seconds(const mi_config_calendar *cal);
/* True when the calendar never closes: 00:00-24:00 every day (ranges that
 * meet count as one), no holidays, no .ics file. There a clock's business
 * time is the time on the clock, and "3d" means 72 hours. */
bool mi_config_calendar_round_the_clock(const mi_config_calendar *cal);
/* The seconds of business time target t allows on calendar cal. */
int64_t mi_config_sla_seconds(const mi_config_sla_time *t, const mi_config_calendar *cal);
/* The calendar the clocks of rule r run in for a ticket of department d:
 * the rule's own, else the department's. NULL when both are NULL. */
const mi_config_calendar *mi_config_sla_calendar(const mi_config_sla *r,
                                                 const mi_config_department *d);

/* The entry of list with this code, or NULL. */
const mi_config_label *mi_config_find_label(const mi_config *cfg, mi_config_list list,
                                            const char *code);
/* 0 when code is in the list; else MI_EINVAL: "unknown channel 'x': use
 * one of phone (电话), email (邮件), ..." (what names the field). */
int mi_config_check_label(const mi_config *cfg, mi_config_list list, const char *code,
                          mi_err *e);
/* "ticket kind", "category", "channel". */
const char *mi_config_list_name(mi_config_list list);

/* The words used in the file: "agent", "nps", "quarter", ... */
const char *mi_config_role_name(mi_config_role role);
const char *mi_config_survey_kind_name(mi_config_survey_kind kind);
const char *mi_config_period_name(mi_config_period period);

#endif
