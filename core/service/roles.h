/* Granting and revoking roles (the roles table, store/roles.h): each change
 * is checked (a user name, a known role, an agent's department that exists)
 * and recorded in the audit log in the same transaction, so a role never
 * changes without its audit entry. Who may call these is the command
 * table's business (admins only). */
#ifndef MI_SERVICE_ROLES_H
#define MI_SERVICE_ROLES_H

#include <stdint.h>

#include "config/config.h"
#include "store/store.h"

/* Gives user the role (agent: department is a department code, required;
 * other roles: department must be NULL). by is the acting user, recorded
 * with the previous role in the audit entry (action "role"). */
int mi_role_grant(mi_store *s, const char *by, const char *user, const char *role,
                  const char *department, int64_t now, mi_err *e);

/* Takes user's role away; MI_ENOTFOUND naming the user when they had none. */
int mi_role_revoke(mi_store *s, const char *by, const char *user, int64_t now, mi_err *e);

/* For `manyi init`: when the roles table is empty, grants the users of the
 * configuration's `users:` section their roles, then runner admin unless it
 * was listed; each grant audited. *granted gets the number of grants (0:
 * the table had rows already, nothing changed). */
int mi_role_seed(mi_store *s, const mi_config *cfg, const char *runner, int64_t now, int *granted,
                 mi_err *e);

#endif
