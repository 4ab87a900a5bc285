/* Who may do what: the acting user (the OS user, mapped to a role by the
 * configuration's `users:`), the areas a command touches, and the one table
 * that says which roles reach which area.
 *
 * Without a `users:` section manyi runs in single-user mode: the owner of the
 * configuration file (who could give themselves any role by editing it) and
 * root are admin, everybody else is refused. */
#ifndef MI_SERVICE_ACCESS_H
#define MI_SERVICE_ACCESS_H

#include <sys/types.h>

#include "config/config.h"
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
  MI_ACCESS_COUNT
} mi_access;

typedef struct mi_actor {
  char name[64];                          /* OS user name */
  mi_config_role role;
  const mi_config_department *department; /* agents: their department (points into cfg) */
  int single_user;                        /* no `users:` section */
} mi_actor;

/* Maps the OS user (name, uid) to a role. MI_EINVAL with a message that says
 * what to add to the configuration when the user is not allowed at all. */
int mi_access_resolve(const mi_config *cfg, const char *os_user, uid_t uid, mi_actor *out,
                      mi_err *e);

/* 1 when role reaches the area, else 0: the role table. */
int mi_access_allows(mi_config_role role, mi_access need);

/* 0, or MI_EINVAL naming the user, role and what was refused (what: "manyi ticket"). */
int mi_access_check(const mi_actor *a, mi_access need, const char *what, mi_err *e);

/* 1 when the actor sees personal data masked (analysts). */
int mi_access_masked(const mi_actor *a);

/* The department restriction of agents, in one place: 0 when the actor may
 * see the customer (an agent: the customer has a ticket in the agent's
 * department) or the ticket (an agent: it is in the agent's department),
 * MI_EINVAL otherwise, MI_ENOTFOUND for an unknown id. Other roles pass
 * (their area check is mi_access_check). */
int mi_access_customer(mi_store *s, const mi_actor *a, const char *customer, mi_err *e);
int mi_access_ticket(mi_store *s, const mi_actor *a, const char *ticket, mi_err *e);

/* The one masking rule for personal data shown to analysts: field is a
 * column name; name, phone, email and birthday are masked (name: first
 * character and "***"; phone: "***" and the last two digits; email: first
 * character, "***@" and the domain; birthday: the year and "-**-**"), other
 * fields and NULL values come back as they are. The result is value or buf. */
const char *mi_access_mask(const char *field, const char *value, char *buf, size_t size);
/* 1 when field is one of the masked ones. */
int mi_access_personal(const char *field);

const char *mi_access_name(mi_access a);

#endif
