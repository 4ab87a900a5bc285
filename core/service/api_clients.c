/* The API's clients: see api_clients.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/api_clients.h"
#include "store/audit.h"
#include "store/departments.h"

static int record(mi_store *s, const char *by, const char *name, const char *what, const char *role,
                  const char *department, int64_t now, mi_err *e) {
  json_t *d = json_pack("{s:s}", "change", what);
  if (d && role) json_object_set_new(d, "role", json_string(role));
  if (d && department) json_object_set_new(d, "department", json_string(department));
  char *text = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(d);
  if (!text) return mi_err_set(e, MI_ENOMEM, "out of memory");
  char object[48];
  snprintf(object, sizeof object, "api:%s", name);
  int rc = mi_audit_append(s, by, "api-client", object, text, now, e);
  free(text);
  return rc;
}

int mi_api_client_add(mi_store *s, const char *by, const char *name, const char *role,
                      const char *department, int64_t now, char token[MI_TOKEN_LEN + 1],
                      mi_err *e) {
  mi_config_role r;
  if (!name || !mi_config_is_username(name))
    return mi_err_set(
        e, MI_EINVAL,
        "'%s' is not a client name: use letters, digits, '.', '_' or '-' (at most 32)",
        name ? name : "");
  if (mi_access_role_parse(role, &r, e)) return e ? e->code : MI_EINVAL;
  if (mi_config_role_scoped(r) != (department != NULL))
    return mi_err_set(e, MI_EINVAL,
                      department ? "only agents, supervisors and department heads have a "
                                   "department (role %s has none): drop --department"
                                 : "a client acting as %s works for one department: add "
                                   "--department CODE",
                      role);
  int64_t id;
  if (department && mi_department_id(s, department, &id, e))
    return mi_err_set(e, MI_ENOTFOUND,
                      "unknown department '%s': use a code of the "
                      "configuration's departments",
                      department);
  int rc = mi_token_new(token, e);
  if (rc || (rc = mi_store_begin(s, e))) return rc;
  if (!(rc = mi_api_client_put(s, name, token, role, department, now, e)) &&
      !(rc = record(s, by, name, "add", role, department, now, e)))
    rc = mi_store_commit(s, e);
  if (rc) mi_store_rollback(s);
  return rc;
}

int mi_api_client_remove(mi_store *s, const char *by, const char *name, int64_t now, mi_err *e) {
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  if (!(rc = mi_api_client_revoke(s, name, now, e)) &&
      !(rc = record(s, by, name, "revoke", NULL, NULL, now, e)))
    rc = mi_store_commit(s, e);
  if (rc) mi_store_rollback(s);
  return rc;
}

int mi_api_client_actor(mi_store *s, const char *token, mi_actor *out, mi_err *e) {
  if (!mi_token_form(token)) return mi_err_set(e, MI_ENOTFOUND, "no API client has this token");
  mi_api_client c;
  int rc = mi_api_client_by_token(s, token, &c, e);
  if (rc) return rc;
  memset(out, 0, sizeof *out);
  snprintf(out->name, sizeof out->name, "api:%s", c.name);
  snprintf(out->department, sizeof out->department, "%s", c.department);
  return mi_access_role_parse(c.role, &out->role, e);
}
