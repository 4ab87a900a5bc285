/* The systems that call manyi serve's API: each acts as a role (and, for
 * agents, supervisors and department heads, a department) like a user of
 * the commands, under the name "api:NAME" in the audit log. */
#ifndef MI_SERVICE_API_CLIENTS_H
#define MI_SERVICE_API_CLIENTS_H

#include "service/access.h"
#include "store/api_clients.h"
#include "util/token.h"

/* Adds client name (letters, digits, '.', '_', '-'; at most 32) acting as
 * role (department: for the scoped roles, else NULL), or gives it a new
 * token; token gets the token, shown once. Audited (action
 * "api-client", by the admin `by`) in the same transaction. */
int mi_api_client_add(mi_store *s, const char *by, const char *name, const char *role,
                      const char *department, int64_t now, char token[MI_TOKEN_LEN + 1],
                      mi_err *e);
/* Revokes it (audited). */
int mi_api_client_remove(mi_store *s, const char *by, const char *name, int64_t now, mi_err *e);

/* The actor a bearer token stands for: name "api:NAME", its role and
 * department; MI_ENOTFOUND for a token of no client in use. */
int mi_api_client_actor(mi_store *s, const char *token, mi_actor *out, mi_err *e);

#endif
