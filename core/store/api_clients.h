/* The systems allowed to call manyi serve's API: a name, a role (and
 * department) their calls act as, and the digest of their bearer token. */
#ifndef MI_STORE_API_CLIENTS_H
#define MI_STORE_API_CLIENTS_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_api_client {
  char name[33], role[16], department[65]; /* department "" when none */
  int64_t created_at, revoked_at;          /* revoked_at 0: in use */
} mi_api_client;

/* Adds client name with this token, or gives it the new token, role and
 * department (and takes back a revocation). Call inside a transaction. */
int mi_api_client_put(mi_store *s, const char *name, const char *token, const char *role,
                      const char *department, int64_t now, mi_err *e);
/* The client whose token this is, not revoked; MI_ENOTFOUND otherwise. */
int mi_api_client_by_token(mi_store *s, const char *token, mi_api_client *out, mi_err *e);
/* Revokes name; MI_ENOTFOUND when there is no such client in use. */
int mi_api_client_revoke(mi_store *s, const char *name, int64_t now, mi_err *e);
/* Every client by name (revoked ones too). */
int mi_api_client_each(mi_store *s, int (*fn)(void *ud, const mi_api_client *c), void *ud,
                       mi_err *e);

#endif
