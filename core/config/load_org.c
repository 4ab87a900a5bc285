/* The organisation: departments (each on a calendar), customer tiers, and
 * the OS users allowed to use manyi with their roles. */
#include <string.h>

#include "config/config_internal.h"

static int department(const mi_cfg_ctx *c, const mi_ynode *m, void *entry) {
  mi_config_department *d = entry;
  mi_config *cfg = c->cfg;
  size_t cal;
  int rc;
  d->line = m->line;
  d->column = m->column;
  if ((rc = mi_cfg_code(c, mi_cfg_get(m, "code"), &d->code))) return rc;
  if ((rc = mi_cfg_name(c, mi_cfg_get(m, "name"), &d->name))) return rc;
  if ((rc = mi_cfg_ref(c, mi_cfg_get(m, "calendar"), "calendar", cfg->calendars, cfg->ncalendars,
                       sizeof *cfg->calendars, &cal)))
    return rc;
  d->calendar = &cfg->calendars[cal];
  return 0;
}

int mi_cfg_load_departments(const mi_cfg_ctx *c, const mi_ynode *n) {
  static const char *const keys[] = {"code", "name", "calendar", NULL};
  mi_config *cfg = c->cfg;
  if (n->kind == MI_YLIST && n->n == 0)
    return mi_cfg_fail(c, n, "no departments: define at least one");
  void *list = NULL; /* assigned even on failure, so mi_config_free frees it */
  int rc = mi_cfg_coded_list(c, n, "department", keys, keys, &list, &cfg->ndepartments,
                             sizeof *cfg->departments, department);
  cfg->departments = list;
  return rc;
}

static int tier(const mi_cfg_ctx *c, const mi_ynode *m, void *entry) {
  mi_config_tier *t = entry;
  int rc;
  t->line = m->line;
  t->column = m->column;
  if ((rc = mi_cfg_code(c, mi_cfg_get(m, "code"), &t->code))) return rc;
  return mi_cfg_name(c, mi_cfg_get(m, "name"), &t->name);
}

int mi_cfg_load_tiers(const mi_cfg_ctx *c, const mi_ynode *n) {
  static const char *const keys[] = {"code", "name", NULL};
  mi_config *cfg = c->cfg;
  void *list = NULL;
  int rc =
      mi_cfg_coded_list(c, n, "tier", keys, keys, &list, &cfg->ntiers, sizeof *cfg->tiers, tier);
  cfg->tiers = list;
  return rc;
}

int mi_cfg_load_users(const mi_cfg_ctx *c, const mi_ynode *n) {
  static const char *const keys[] = {"role", "department", NULL};
  static const char *const required[] = {"role", NULL};
  static const char *const roles[] = {"admin",      "agent",           "analyst", "auditor",
                                      "supervisor", "department_head", NULL};
  mi_config *cfg = c->cfg;
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "users"))) return rc;
  if (!(cfg->users = mi_cfg_alloc(c, n->n, sizeof *cfg->users))) return MI_ENOMEM;
  for (size_t i = 0; i < n->n; i++) {
    const mi_ynode *key = n->items[2 * i], *m = n->items[2 * i + 1], *v;
    mi_config_user *u = &cfg->users[i];
    int role;
    size_t dep;
    cfg->nusers = i + 1;
    u->line = key->line;
    u->column = key->column;
    if (!mi_cfg_is_username(key->text))
      return mi_cfg_fail(c, key,
                         "'%s' is not a user name: use letters, digits, '.', '_' or '-' (at "
                         "most 32)",
                         key->text);
    if (!(u->name = mi_cfg_strdup(c, key->text))) return MI_ENOMEM;
    if ((rc = mi_cfg_want_map(c, m, "a user"))) return rc;
    if ((rc = mi_cfg_check_keys(c, m, keys, required, "user"))) return rc;
    if ((rc = mi_cfg_word(c, mi_cfg_get(m, "role"), roles, "role", &role))) return rc;
    u->role = (mi_config_role)role;
    if ((v = mi_cfg_get(m, "department"))) {
      if ((rc = mi_cfg_ref(c, v, "department", cfg->departments, cfg->ndepartments,
                           sizeof *cfg->departments, &dep)))
        return rc;
      u->department = &cfg->departments[dep];
    } else if (mi_config_role_scoped(u->role)) {
      /* An agent (supervisor, head) sees the tickets and customers of one department. */
      return mi_cfg_fail(c, m, "%s '%s' needs a department: add 'department: CODE'",
                         mi_config_role_name(u->role), u->name);
    }
  }
  return 0;
}
