/* Who may do what: the acting user (the OS user of the real uid), their role
 * (a row of the database's roles table, changed only by an administrator
 * with `manyi role`), the areas a command touches, and the one table that
 * says which roles reach which area.
 *
 * The trust model: a user without a row is refused, except the owner of the
 * database file and root, who act as admin (they can change the file with
 * any tool, so refusing them would protect nothing); that is how the user who
 * ran `manyi init` gets in. A configuration grants no role. Before a
 * database exists there is no data to protect: commands that need none
 * (calendar, policy test) run for anyone. */
#ifndef MI_SERVICE_ACCESS_H
#define MI_SERVICE_ACCESS_H

#include <sys/types.h>

#include "config/config.h"
#include "store/scope.h"
#include "store/store.h"

/* What a command reads or writes. 0 is deliberately "no rule": refused. */
typedef enum mi_access {
  MI_ACCESS_UNSET = 0,
  MI_ACCESS_OPEN,      /* no engine data (stats on a file, cron): anyone, no configuration */
  MI_ACCESS_TOOLS,     /* configuration only (calendars): admin, agent, analyst */
  MI_ACCESS_CUSTOMERS, /* one customer: admin; agent (own department); analyst (masked) */
  MI_ACCESS_TICKETS,   /* tickets: admin; agent (own department) */
  MI_ACCESS_ANALYSIS,  /* statistics, reports, REPL, exports, explain: admin; analyst (masked) */
  MI_ACCESS_AUDIT,     /* the audit log: admin, auditor */
  MI_ACCESS_ADMIN,     /* configuration, imports, batches, the scheduler: admin */
  MI_ACCESS_DESK,      /* the front desk's writes (customer add/edit, contacts): admin, agent,
                          supervisor, department_head (department-scoped as for tickets) */
  MI_ACCESS_APPROVE,   /* approving a business request, goodwill points: admin, supervisor,
                          department_head (their department) */
  MI_ACCESS_COUNT
} mi_access;

typedef struct mi_actor {
  char name[64];        /* OS user name (of the real uid) */
  mi_config_role role;
  char department[65];  /* agents, supervisors, department heads: their department; else "" */
  int owner;            /* admin without a row: owns the database file, or root */
  int no_database;      /* there was no database yet: nothing to protect */
} mi_actor;

/* Maps the OS user (name, real uid) to a role: the user's row in the roles
 * table of s; without one, the owner of the database file and root are
 * admin. s NULL means there is no database yet: admin, with no_database set
 * (the caller checks again once a database is open). MI_EINVAL with a
 * message that says whom to ask when the user is not allowed at all. */
int mi_access_resolve(mi_store *s, const char *os_user, uid_t uid, mi_actor *out, mi_err *e);

/* "admin", "agent", ... to the role; MI_EINVAL naming the roles otherwise. */
int mi_access_role_parse(const char *name, mi_config_role *out, mi_err *e);

/* 1 when role reaches the area, else 0: the role table. */
int mi_access_allows(mi_config_role role, mi_access need);

/* 0, or MI_EINVAL naming the user, role and what was refused (what: "manyi ticket"). */
int mi_access_check(const mi_actor *a, mi_access need, const char *what, mi_err *e);

/* 1 when the actor sees personal data masked: analysts, department heads
 * (outside their department's customers), and auditors (in the arguments
 * recorded in the audit log). */
int mi_access_masked(const mi_actor *a);

/* The department restriction of agents, in one place: 0 when the actor may
 * see the customer (an agent: the customer has a ticket in the agent's
 * department) or the ticket (an agent: it is in the agent's department),
 * MI_EINVAL otherwise, MI_ENOTFOUND for an unknown id. Other roles pass
 * (their area check is mi_access_check).
 *
 * *masked (may be NULL) says whether the actor sees the customer's personal
 * data masked: analysts always; agents unless a ticket of the customer in
 * their department was opened by somebody else (a ticket an agent opens
 * themself gives them the customer's tickets, not the customer's name,
 * phone, e-mail and birthday: else opening a ticket would unlock anyone). */
int mi_access_customer(mi_store *s, const mi_actor *a, const char *customer, int *masked,
                       mi_err *e);
int mi_access_ticket(mi_store *s, const mi_actor *a, const char *ticket, mi_err *e);
/* The same for a staff member (external id): 0 when the actor is not
 * department-scoped or the member works in the actor's department. */
int mi_access_staff(mi_store *s, const mi_actor *a, const char *staff, mi_err *e);

/* The one masking rule for personal data shown to analysts: field is a
 * column name; name, phone, email and birthday are masked (name: first
 * character and "***"; phone: "***" and the last two digits; email: first
 * character, "***@" and the domain; birthday: the year and "-**-**"), other
 * fields and NULL values come back as they are. The result is value or buf. */
const char *mi_access_mask(const char *field, const char *value, char *buf, size_t size);
/* The same rule by kind of data (store/scope.h: mi_scope_personal_column);
 * a contact is masked as an e-mail when it has an '@', else as a phone;
 * JSON comes back as "***" (use mi_access_mask_json). */
const char *mi_access_mask_as(mi_personal kind, const char *value, char *buf, size_t size);
/* json with the members named name, phone, email, birthday and recipient
 * masked, at any depth; text that is not JSON becomes ***. Owned by the
 * caller (free); NULL for NULL or out of memory. */
char *mi_access_mask_json(const char *json);
/* Free text as a reader who sees personal data masked sees it: e-mail
 * addresses, phone numbers and name (the customer's, may be NULL) masked by
 * the rules above (util/redact_text.h). Owned by the caller; NULL for NULL
 * or out of memory. */
char *mi_access_mask_text(const char *text, const char *name);
/* The name of the customer (external id) into buf ("" when unknown), for
 * mi_access_mask_text. */
void mi_access_customer_name(mi_store *s, const char *customer, char *buf, size_t size);
/* An audit entry's detail (JSON) as a reader who masks sees it: every
 * string with e-mail addresses and phone numbers masked, and the names of
 * the customers its arguments name (a customer's or a ticket's id) masked
 * wherever they appear. Owned by the caller; NULL for NULL or out of memory. */
char *mi_access_mask_audit(mi_store *s, const char *detail);
/* 1 when field is one of the masked ones. */
int mi_access_personal(const char *field);

const char *mi_access_name(mi_access a);

#endif
