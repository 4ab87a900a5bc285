/* What the subcommands share: global options, loading the configuration and
 * opening the store, and how errors are printed. */
#ifndef MI_CLI_CLI_H
#define MI_CLI_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "config/config.h"
#include "service/access.h"
#include "store/store.h"

typedef struct mi_cli {
  const char *config_path; /* --config, $MANYI_CONFIG, or ./manyi.yaml */
  const char *db_path;     /* --db, else the configuration's database */
  int json;                /* --json: machine-readable output */
  int quiet;               /* --quiet: no progress or summaries */
  const char *lang;        /* --lang: zh_CN or en; NULL: the configuration's, else the locale's */
  mi_config *cfg;          /* loaded by mi_cli_load_config */
  mi_store *store;         /* opened by mi_cli_open_store */
  mi_actor actor;          /* who runs the command (mi_cli_authorize) */
  int authorized;          /* actor is set: the command's area was checked */
  int audited;             /* the command recorded itself, in its data's transaction */
  mi_access need;          /* the command's area (mi_cli_authorize) */
  char what[128];          /* the command as named in a refusal: 'manyi ticket show' */
  int synced;              /* the configuration was brought into the store */
  int given_argc;          /* the command's arguments as given (getopt reorders argv) */
  char **given_argv;
  const mi_actor *client;  /* an API client the command runs for (manyi serve), or NULL */
  int store_lent;          /* store is the server's: mi_cli_command_run leaves it open */
} mi_cli;

struct mi_cli_sub;
/* Every text here is English and printed through mi_tr (util/i18n.h); `make
 * pot` takes them from `manyi --pot` (doc.c), which walks this table. */
typedef struct mi_cli_command {
  const char *name;
  const char *summary; /* one line for `manyi --help` */
  const char *usage;   /* the full text for `manyi NAME --help` */
  int (*run)(mi_cli *cli, int argc, char **argv);
  int own_help; /* the command answers --help itself (it has subcommands) */
  /* Its subcommands with their help (`manyi NAME SUB --help`), ended by
   * {NULL}, or NULL: what the man page, the completion and the translators
   * see of them. */
  const struct mi_cli_sub *subs;
} mi_cli_command;

/* The subcommands, one file each. */
extern const mi_cli_command mi_cmd_init, mi_cmd_check, mi_cmd_import, mi_cmd_export,
    mi_cmd_customer, mi_cmd_interaction, mi_cmd_status, mi_cmd_eval, mi_cmd_explain;
extern const mi_cli_command mi_cmd_stats;
extern const mi_cli_command mi_cmd_points;
extern const mi_cli_command mi_cmd_repl;
extern const mi_cli_command mi_cmd_audit;
extern const mi_cli_command mi_cmd_role; /* cmd_role.c */

/* manyi eval points (cmd_points.c), called by cmd_eval.c with its options. */
struct mi_cli_batch;
int mi_cli_eval_points(mi_cli *cli, int64_t as_of, const char *policy_path, int jobs,
                       struct mi_cli_batch *b);
/* manyi eval alerts (cmd_alerts.c): the alert policy over the responses not seen yet. */
int mi_cli_eval_alerts(mi_cli *cli, const char *policy_path, int rescan, int jobs,
                       struct mi_cli_batch *b);
/* The alert hook at intake (import responses, survey code): the configured
 * alert policy, unless off or there is none (then intake stays NULL). */
typedef struct mi_cli_alerts {
  struct mi_policy *policy;
  struct mi_alert_intake *intake;
} mi_cli_alerts;
/* 0, or 1 when the policy does not load (reported). */
int mi_cli_alerts_open(mi_cli *cli, int off, mi_cli_alerts *a);
/* What the hook did: lines on stdout (a warning on stderr for failures),
 * or with --json a member "alerts" of j. */
void mi_cli_alerts_report(const mi_cli *cli, const mi_cli_alerts *a, json_t *j);
void mi_cli_alerts_close(mi_cli_alerts *a);
extern const mi_cli_command mi_cmd_policy;
extern const mi_cli_command mi_cmd_calendar, mi_cmd_cron; /* cmd_calendar.c, cmd_cron.c */
extern const mi_cli_command mi_cmd_jobs, mi_cmd_run, mi_cmd_tick, mi_cmd_outbox, mi_cmd_ticket;
extern const mi_cli_command mi_cmd_appoint; /* cmd_appoint.c */
extern const mi_cli_command mi_cmd_care, mi_cmd_sla, mi_cmd_survey, mi_cmd_action;
extern const mi_cli_command mi_cmd_report; /* cmd_report.c */
extern const mi_cli_command mi_cmd_kpi; /* cmd_kpi.c; its text form: kpi_print.c */
extern const mi_cli_command mi_cmd_serve; /* cmd_serve.c */
void mi_cli_kpi_print(const json_t *kpis);

/* manyi eval departments (cmd_eval_departments.c); argv[0] is "departments". */
int mi_cli_eval_departments(mi_cli *cli, int argc, char **argv);
/* manyi eval staff (cmd_eval_staff.c), called by cmd_eval.c, and its help. */
int mi_cli_eval_staff(mi_cli *cli, int argc, char **argv);
extern const char mi_cli_eval_staff_help[];

/* What an agent's department scope is checked on before a command runs
 * (service/access.c decides): nothing, the first operand after the
 * subcommand as a ticket or a customer, the subcommand's place itself as a
 * ticket (appoint TICKET), or the --department of a listing. */
typedef enum mi_cli_scope {
  MI_SCOPE_NONE = 0,
  MI_SCOPE_TICKET,
  MI_SCOPE_TICKET_SUB,
  MI_SCOPE_CUSTOMER,
  MI_SCOPE_DEPARTMENT,
  MI_SCOPE_QUEUE, /* --department D or --staff S of the department */
} mi_cli_scope;

/* A rule for some subcommands of a command. */
typedef struct mi_cli_sub_rule {
  const char *sub;
  mi_access access;
  const char *audit; /* the audit action recorded after it ran, or NULL */
  mi_cli_scope scope;
  const char *const *with_value; /* options taking a value, skipped to find the operand */
} mi_cli_sub_rule;

/* The command table (commands.c): every command with the area it reads or
 * writes (checked against the user's role before it runs) and the audit
 * action recorded after it ran. Ended by {NULL}. */
typedef struct mi_cli_entry {
  const mi_cli_command *cmd;
  mi_access access;
  const char *audit;            /* or NULL: not recorded here */
  const mi_cli_sub_rule *subs;  /* exceptions by subcommand (argv[1]), ended by {NULL}; or NULL */
  mi_cli_scope scope;           /* an agent's scope, unless a subcommand's rule says otherwise */
} mi_cli_entry;
extern const mi_cli_entry mi_cli_table[];

const mi_cli_entry *mi_cli_find(const char *name);
/* The command nearest to a mistyped name, or NULL. */
const char *mi_cli_suggest(const char *name);
/* The agent scope for argv (argv[0] is the command's name) and the options
 * that take a value (to skip when looking for the operand). */
mi_cli_scope mi_cli_scope_of(const mi_cli_entry *en, int argc, char **argv,
                             const char *const **with_value);
/* The area and audit action for argv (argv[0] is the command's name). */
void mi_cli_rule(const mi_cli_entry *en, int argc, char **argv, mi_access *access,
                 const char **audit);
/* Loads the configuration (unless the area is MI_ACCESS_OPEN), finds the
 * acting user's role and checks it against the area. Prints why and returns
 * 1 when refused. */
int mi_cli_authorize(mi_cli *cli, const mi_cli_entry *en, int argc, char **argv);
/* Records a command that ran (its audit action, argv and exit status) when
 * it opened the store. Non-zero (and the reason printed) when it could not. */
int mi_cli_audit_run(mi_cli *cli, const mi_cli_entry *en, int argc, char **argv, int status);

/* The JSON object (text, the caller frees) that a command's audit entry
 * starts with: {"argv": [...], "role": ...}. For a command that writes its
 * own entry in the transaction of its data (and then sets cli->audited, so
 * that mi_cli_audit_run adds none). Call before getopt reorders argv. NULL
 * when out of memory. */
char *mi_cli_audit_args(const mi_cli *cli, int argc, char **argv);

/* After the store was opened by a user authorized before any database
 * existed: finds their role in it and checks the command's area again.
 * Prints why and returns 1 when refused. */
int mi_cli_recheck(mi_cli *cli);

/* 1 when manyi runs set-user-id (the real and effective uid differ). */
int mi_cli_setuid(void);

/* Records the configuration file and each policy file in the audit log when
 * its SHA-256 differs from the one recorded last (mi_cli_open_store calls it). */
int mi_cli_note_config(mi_cli *cli, mi_err *e);
/* Records path (action, name) when its SHA-256 differs from the last recorded. */
int mi_cli_note_file(mi_cli *cli, const char *action, const char *name, const char *path,
                     mi_err *e);
/* policy_modules.c: records every other .lua file of the policies' folders
 * (what require() can load) the same way, as name "module". */
int mi_cli_note_modules(mi_cli *cli, mi_err *e);

/* Runs the command argv[0] (argc >= 1) of the table for cli (command_run.c):
 * help, the role check, the command, its audit entry; the exit status. The
 * store it opened is closed again (one lent to it, store_lent, stays open);
 * cli->cfg stays the caller's. */
int mi_cli_command_run(mi_cli *cli, int argc, char **argv);

/* Loads cli->config_path into cli->cfg; prints the error and returns 1 on failure. */
int mi_cli_load_config(mi_cli *cli);
/* Loads the configuration and opens the store (creating it if create), then
 * brings departments and surveys in line with the configuration. Prints the
 * error and returns 1 on failure. */
int mi_cli_open_store(mi_cli *cli, int create);
/* The database path in effect: --db or the configuration's. */
const char *mi_cli_db_path(const mi_cli *cli);

/* Prints v indented to stdout and releases it (v may be NULL: out of memory). */
void mi_cli_print_json(json_t *v);

/* Text output of a figure of a JSON object o: key's number times scale with
 * prec decimals, or "-" when it is missing or null (never a 0 for a figure
 * that is not there); mi_cli_interval: "[lo, hi]" of ci_lower and ci_upper
 * the same way, "-" unless both are numbers. Written to buf, returned. */
const char *mi_cli_fig(const json_t *o, const char *key, double scale, int prec, char buf[48]);
const char *mi_cli_interval(const json_t *o, double scale, int prec, char buf[64]);

/* s made safe to print on a terminal (util/text.h mi_text_shown: control
 * characters as escapes), in one of 8 buffers used in turn, so that up to 8
 * can be arguments of one printf. NULL is shown as "-". */
const char *mi_cli_shown(const char *s);

/* s padded with spaces to width terminal columns, as printf's "%*s" pads
 * ASCII (width < 0: on the right, as "%-*s"), but counting wide characters
 * (Chinese) as 2 columns, so that translated labels and Chinese names line
 * up; ASCII comes out byte for byte as printf would pad it. Never cut;
 * NULL is shown as "-". In one of 8 buffers used in turn (repl_text.c),
 * like mi_cli_shown. */
const char *mi_cli_cell(const char *s, int width);
/* The same, s cut first to |width| columns between two characters (as
 * printf's "%*.*s" cuts ASCII, but never inside a Chinese character). */
const char *mi_cli_cell_cut(const char *s, int width);
/* cli_cells.c. How many terminal columns s takes (NULL: "-"). */
int mi_cli_width(const char *s);
/* code with its display name in the language chosen ("acknowledged
 * (已受理并确认)"), from display_names: of the configuration under kind
 * ("stages", "tiers", "departments"); code itself when it has none. In one
 * of 4 buffers used in turn. */
const char *mi_cli_named(const mi_config *cfg, const char *kind, const char *code);

/* Prints "manyi: " and the error to stderr; returns 1 (the exit status).
 * With --json (mi_cli_set_json_errors) the error is one line of JSON:
 * {"error": {"code", "message", "file", "line", "column"}}. */
int mi_cli_fail(const mi_err *e);
void mi_cli_set_json_errors(int on);
int mi_cli_json_errors(void);
/* One JSON error line on stderr: code ("usage", "unknown command", or an
 * mi_err name), the command it concerns (or NULL), the message and e's
 * position (e may be NULL). */
void mi_cli_json_error(const char *code, const char *command, const char *message,
                       const mi_err *e);

/* doc.c, all from the command table: `manyi --help`, the man page manyi(1)
 * (troff) and the bash completion script. */
void mi_cli_print_usage(FILE *out);
void mi_cli_print_man(FILE *out);
/* The command table's summaries and help texts as .po entries,
 * for po/manyi.pot (`make pot`). */
void mi_cli_print_pot(FILE *out);
void mi_cli_print_completion(FILE *out);
/* A batch's summary line starts with what ran (mi_cli_ran: "POLICY" or
 * "dry run of POLICY", in buf) and ends with mi_cli_breaker_note (" (stopped
 * by the breaker)" or ""), each translated as a whole. */
const char *mi_cli_ran(int dry_run, const char *what, char *buf, size_t size);
const char *mi_cli_breaker_note(int tripped);
/* Prints "manyi CMD: message" and "Try 'manyi CMD --help'." to stderr; returns 2. */
int mi_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A subcommand of a command with several (points show, jobs list, ...). */
typedef struct mi_cli_sub {
  const char *name;
  const char *help; /* full text for `manyi CMD NAME --help` (English, shown through mi_tr) */
  int (*run)(mi_cli *cli, int argc, char **argv); /* argv[0] is the subcommand; NULL: the
                                                      command dispatches it itself (eval) */
} mi_cli_sub;

/* Runs the subcommand argv[1] of cmd from subs (ended by {NULL}), or
 * def_sub when there is none (NULL: a usage error). Answers --help. */
int mi_cli_dispatch(mi_cli *cli, const char *cmd, const char *usage, const mi_cli_sub *subs,
                    const char *def_sub, int argc, char **argv);

/* 1 when -h/--help is among the arguments (before "--"); prints nothing. */
int mi_cli_help_requested(int argc, char **argv);

/* Handles -h/--help as the only argument; returns 1 if help was printed. */
int mi_cli_wants_help(const mi_cli_command *cmd, int argc, char **argv);

/* Current time (seconds since the epoch), overridable with $MANYI_NOW
 * (an instant like 2026-11-23T10:00:00Z) so that tests are repeatable. */
long long mi_cli_now(void);

/* The operating-system user running manyi (for logs, audit and roles): the
 * name of the real uid, so that a set-user-id manyi still knows its caller. */
const char *mi_cli_user(void);
/* From now on, commands act as client (manyi serve's API calls; NULL: as the
 * user again): mi_cli_user() is its name. */
void mi_cli_act_as(mi_cli *cli, const mi_actor *client);

#endif
