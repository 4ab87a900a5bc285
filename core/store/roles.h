/* Roles (migration 12): which operating-system user has which role, kept in
 * the database so that only an administrator (through `manyi role`) changes
 * them. Names and roles are checked by core/service/roles.c; the table's
 * constraints back them up. */
#ifndef MI_STORE_ROLES_H
#define MI_STORE_ROLES_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_role_row {
  char user[33];
  char role[24];       /* admin, agent, analyst, auditor, supervisor, department_head */
  char department[65]; /* agents: a department code; else "" */
  char granted_by[65];
  int64_t granted_at;
} mi_role_row;

/* The row of user into *out; MI_ENOTFOUND (no message) when there is none. */
int mi_roles_get(mi_store *s, const char *user, mi_role_row *out, mi_err *e);

/* Inserts or replaces the row of r->user. Inside the caller's transaction. */
int mi_roles_put(mi_store *s, const mi_role_row *r, mi_err *e);

/* Deletes the row of user; *deleted = 1 when there was one. */
int mi_roles_delete(mi_store *s, const char *user, int *deleted, mi_err *e);

/* Calls fn for every row in user order; a non-zero return stops and is returned. */
typedef int (*mi_roles_fn)(const mi_role_row *r, void *ud);
int mi_roles_each(mi_store *s, mi_roles_fn fn, void *ud, mi_err *e);

/* How many rows. */
int mi_roles_count(mi_store *s, int64_t *n, mi_err *e);

#endif
