#include "service/access.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "store/scope.h"

/* The role table: rows are areas, columns admin, agent, analyst, auditor. */
static const unsigned char table[MI_ACCESS_COUNT][4] = {
    [MI_ACCESS_UNSET] = {0, 0, 0, 0},     [MI_ACCESS_OPEN] = {1, 1, 1, 1},
    [MI_ACCESS_TOOLS] = {1, 1, 1, 0},     [MI_ACCESS_CUSTOMERS] = {1, 1, 1, 0},
    [MI_ACCESS_TICKETS] = {1, 1, 0, 0},   [MI_ACCESS_ANALYSIS] = {1, 0, 1, 0},
    [MI_ACCESS_AUDIT] = {1, 0, 0, 1},     [MI_ACCESS_ADMIN] = {1, 0, 0, 0},
};

int mi_access_allows(mi_config_role role, mi_access need) {
  if ((unsigned)need >= MI_ACCESS_COUNT || (unsigned)role > MI_CONFIG_ROLE_AUDITOR) return 0;
  return table[need][role];
}

const char *mi_access_name(mi_access a) {
  static const char *const names[] = {"unset",     "open",    "tools", "customers",
                                      "tickets",   "analysis", "audit", "admin"};
  return (unsigned)a < MI_ACCESS_COUNT ? names[a] : "?";
}

int mi_access_resolve(const mi_config *cfg, const char *os_user, uid_t uid, mi_actor *out,
                      mi_err *e) {
  if (!cfg || !os_user || !out) return mi_err_set(e, MI_EINVAL, "no configuration or user");
  memset(out, 0, sizeof *out);
  snprintf(out->name, sizeof out->name, "%s", os_user);
  if (cfg->nusers == 0) {
    struct stat st;
    out->single_user = 1;
    out->role = MI_CONFIG_ROLE_ADMIN;
    if (uid == 0 || (stat(cfg->path, &st) == 0 && st.st_uid == uid)) return 0;
    return mi_err_set(e, MI_EINVAL,
                      "user '%s' may not use manyi with %s: it has no 'users:' section, so only "
                      "its owner and root may; add '%s: {role: ...}' under 'users:'",
                      os_user, cfg->path, os_user);
  }
  const mi_config_user *u = mi_config_find_user(cfg, os_user);
  if (!u)
    return mi_err_set(e, MI_EINVAL,
                      "user '%s' is not in the 'users:' of %s: ask an administrator to add "
                      "'%s: {role: admin|agent|analyst|auditor}'",
                      os_user, cfg->path, os_user);
  if (u->role == MI_CONFIG_ROLE_AGENT && !u->department)
    return mi_err_set(e, MI_EINVAL, "%s:%d:%d: agent '%s' has no department: add 'department: CODE'",
                      cfg->path, u->line, u->column, os_user);
  out->role = u->role;
  out->department = u->department;
  return 0;
}

int mi_access_check(const mi_actor *a, mi_access need, const char *what, mi_err *e) {
  if (!a) return mi_err_set(e, MI_EINVAL, "no acting user");
  if (mi_access_allows(a->role, need)) return 0;
  return mi_err_set(e, MI_EINVAL, "user '%s' (role %s) may not run %s",
                    a->name, mi_config_role_name(a->role), what ? what : "this command");
}

int mi_access_masked(const mi_actor *a) { return !a || a->role == MI_CONFIG_ROLE_ANALYST; }

int mi_access_customer(mi_store *s, const mi_actor *a, const char *customer, mi_err *e) {
  if (!a || !customer) return mi_err_set(e, MI_EINVAL, "no acting user or customer");
  if (a->role != MI_CONFIG_ROLE_AGENT) return 0;
  int yes = 0, rc = mi_scope_customer_in_department(s, customer, a->department->code, &yes, e);
  if (rc) return rc;
  if (yes) return 0;
  return mi_err_set(e, MI_EINVAL,
                    "user '%s' (agent of %s) may not see customer '%s': no ticket of theirs is in "
                    "department %s",
                    a->name, a->department->code, customer, a->department->code);
}

int mi_access_ticket(mi_store *s, const mi_actor *a, const char *ticket, mi_err *e) {
  if (!a || !ticket) return mi_err_set(e, MI_EINVAL, "no acting user or ticket");
  if (a->role != MI_CONFIG_ROLE_AGENT) return 0;
  char dept[80];
  int rc = mi_scope_ticket_department(s, ticket, dept, sizeof dept, e);
  if (rc) return rc;
  if (!strcmp(dept, a->department->code)) return 0;
  return mi_err_set(e, MI_EINVAL, "user '%s' (agent of %s) may not touch ticket '%s' of department %s",
                    a->name, a->department->code, ticket, dept);
}

int mi_access_personal(const char *field) { return mi_scope_personal(field); }

/* Bytes of the first UTF-8 character of s (1 for a stray byte). */
static size_t first_char(const char *s) {
  size_t n = 1;
  while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80 && n < 4) n++;
  return n;
}

const char *mi_access_mask(const char *field, const char *value, char *buf, size_t size) {
  if (!value || !*value || !mi_access_personal(field) || !buf || size < 16) return value;
  size_t len = strlen(value);
  if (!strcmp(field, "phone"))
    snprintf(buf, size, "***%s", len > 2 ? value + len - 2 : "");
  else if (!strcmp(field, "birthday"))
    snprintf(buf, size, "%.4s-**-**", value);
  else if (!strcmp(field, "email") && strrchr(value, '@') && strrchr(value, '@') != value)
    snprintf(buf, size, "%.*s***%s", (int)first_char(value), value, strrchr(value, '@'));
  else if (!strcmp(field, "email"))
    snprintf(buf, size, "***");
  else
    snprintf(buf, size, "%.*s***", (int)first_char(value), value);
  return buf;
}
