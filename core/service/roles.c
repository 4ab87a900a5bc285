/* Granting and revoking roles with their audit entries (roles.h). */
#include "service/roles.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "service/access.h"
#include "store/audit.h"
#include "store/departments.h"
#include "store/roles.h"

/* The audit entry of one change: {grant|revoke, department, previous}. */
static int record(mi_store *s, const char *by, const char *user, const char *verb,
                  const char *role, const char *department, const mi_role_row *previous,
                  int64_t now, mi_err *e) {
  json_t *d = json_pack("{s:s}", verb, role);
  if (d && department && *department) json_object_set_new(d, "department", json_string(department));
  if (d && previous) json_object_set_new(d, "previous", json_string(previous->role));
  char *text = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(d);
  if (!text) return mi_err_set(e, MI_ENOMEM, "out of memory");
  int rc = mi_audit_append(s, by, "role", user, text, now, e);
  free(text);
  return rc;
}

/* Checks and stores one grant inside the open transaction. */
static int grant_one(mi_store *s, const char *by, const char *user, const char *role,
                     const char *department, int64_t now, mi_err *e) {
  mi_config_role r;
  if (!user || !mi_config_is_username(user))
    return mi_err_set(e, MI_EINVAL,
                      "'%s' is not a user name: use letters, digits, '.', '_' or '-' (at most 32)",
                      user ? user : "");
  if (mi_access_role_parse(role, &r, e)) return e ? e->code : MI_EINVAL;
  if (mi_config_role_scoped(r) && !department)
    return mi_err_set(e, MI_EINVAL, "a%s %s works for one department: add --department CODE",
                      r == MI_CONFIG_ROLE_AGENT ? "n" : "", role);
  if (!mi_config_role_scoped(r) && department)
    return mi_err_set(e, MI_EINVAL, "only agents, supervisors and department heads have a "
                      "department (role %s has none): drop --department", role);
  int64_t id;
  if (department && mi_department_id(s, department, &id, e))
    return mi_err_set(e, MI_ENOTFOUND, "unknown department '%s': use a code of the "
                      "configuration's departments (manyi init loads them)", department);
  mi_role_row row = {0}, prev;
  int had = mi_roles_get(s, user, &prev, e);
  if (had && had != MI_ENOTFOUND) return had;
  snprintf(row.user, sizeof row.user, "%s", user);
  snprintf(row.role, sizeof row.role, "%s", role);
  snprintf(row.department, sizeof row.department, "%s", department ? department : "");
  snprintf(row.granted_by, sizeof row.granted_by, "%s", by);
  row.granted_at = now;
  int rc = mi_roles_put(s, &row, e);
  if (rc == 0) rc = record(s, by, user, "grant", role, department, had ? NULL : &prev, now, e);
  return rc;
}

int mi_role_grant(mi_store *s, const char *by, const char *user, const char *role,
                  const char *department, int64_t now, mi_err *e) {
  if (!s || !by) return mi_err_set(e, MI_EINVAL, "mi_role_grant: s and by are required");
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  rc = grant_one(s, by, user, role, department, now, e);
  if (rc == 0) return mi_store_commit(s, e);
  mi_store_rollback(s);
  return rc;
}

int mi_role_revoke(mi_store *s, const char *by, const char *user, int64_t now, mi_err *e) {
  if (!s || !by || !user) return mi_err_set(e, MI_EINVAL, "mi_role_revoke: s, by and user are required");
  int rc = mi_store_begin(s, e), deleted = 0;
  if (rc) return rc;
  mi_role_row prev;
  rc = mi_roles_get(s, user, &prev, e);
  if (rc == MI_ENOTFOUND)
    rc = mi_err_set(e, MI_ENOTFOUND, "user '%s' has no role to revoke (see 'manyi role list')", user);
  if (rc == 0) rc = mi_roles_delete(s, user, &deleted, e);
  if (rc == 0) rc = record(s, by, user, "revoke", prev.role, prev.department, NULL, now, e);
  if (rc == 0) return mi_store_commit(s, e);
  mi_store_rollback(s);
  return rc;
}

int mi_role_seed(mi_store *s, const mi_config *cfg, const char *runner, int64_t now, int *granted,
                 mi_err *e) {
  if (!s || !cfg || !runner || !granted) return mi_err_set(e, MI_EINVAL, "mi_role_seed: arguments are required");
  *granted = 0;
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  int64_t n = 0;
  rc = mi_roles_count(s, &n, e);
  for (size_t i = 0; rc == 0 && n == 0 && i < cfg->nusers; i++) {
    const mi_config_user *u = &cfg->users[i];
    rc = grant_one(s, runner, u->name, mi_config_role_name(u->role),
                   u->department ? u->department->code : NULL, now, e);
    if (rc) mi_err_prefix(e, "%s:%d:%d: users", cfg->path, u->line, u->column);
    else ++*granted;
  }
  if (rc == 0 && n == 0 && !mi_config_find_user(cfg, runner) && mi_config_is_username(runner)) {
    rc = grant_one(s, runner, runner, "admin", NULL, now, e);
    if (rc == 0) ++*granted;
  }
  if (rc == 0) return mi_store_commit(s, e);
  mi_store_rollback(s);
  return rc;
}
