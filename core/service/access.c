#include "service/access.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/customers.h"
#include "store/roles.h"
#include "store/tickets.h"
#include "store/scope.h"
#include "util/redact_text.h"

/* The role table: rows are areas, columns admin, agent, analyst, auditor,
 * supervisor, department_head. */
static const unsigned char table[MI_ACCESS_COUNT][MI_CONFIG_ROLE_COUNT] = {
    [MI_ACCESS_UNSET] = {0, 0, 0, 0, 0, 0},     [MI_ACCESS_OPEN] = {1, 1, 1, 1, 1, 1},
    [MI_ACCESS_TOOLS] = {1, 1, 1, 0, 1, 1},     [MI_ACCESS_CUSTOMERS] = {1, 1, 1, 0, 1, 1},
    [MI_ACCESS_TICKETS] = {1, 1, 0, 0, 1, 1},   [MI_ACCESS_ANALYSIS] = {1, 0, 1, 0, 0, 1},
    [MI_ACCESS_AUDIT] = {1, 0, 0, 1, 0, 0},     [MI_ACCESS_ADMIN] = {1, 0, 0, 0, 0, 0},
    [MI_ACCESS_DESK] = {1, 1, 0, 0, 1, 1},      [MI_ACCESS_APPROVE] = {1, 0, 0, 0, 1, 1},
};

int mi_access_allows(mi_config_role role, mi_access need) {
  if ((unsigned)need >= MI_ACCESS_COUNT || (unsigned)role >= MI_CONFIG_ROLE_COUNT) return 0;
  return table[need][role];
}

const char *mi_access_name(mi_access a) {
  static const char *const names[] = {"unset",    "open",  "tools", "customers", "tickets",
                                      "analysis", "audit", "admin", "desk",      "approve"};
  return (unsigned)a < MI_ACCESS_COUNT ? names[a] : "?";
}

int mi_access_role_parse(const char *name, mi_config_role *out, mi_err *e) {
  for (int r = MI_CONFIG_ROLE_ADMIN; r < MI_CONFIG_ROLE_COUNT; r++)
    if (name && !strcmp(name, mi_config_role_name((mi_config_role)r))) {
      if (out) *out = (mi_config_role)r;
      return 0;
    }
  return mi_err_set(e, MI_EINVAL, "unknown role '%s': use admin, agent, analyst, auditor, supervisor "
                    "or department_head",
                    name ? name : "");
}

int mi_access_resolve(mi_store *s, const char *os_user, uid_t uid, mi_actor *out, mi_err *e) {
  if (!os_user || !out) return mi_err_set(e, MI_EINVAL, "no acting user");
  memset(out, 0, sizeof *out);
  snprintf(out->name, sizeof out->name, "%s", os_user);
  out->role = MI_CONFIG_ROLE_ADMIN;
  if (!s) return out->no_database = 1, 0;
  mi_role_row row;
  int rc = mi_roles_get(s, os_user, &row, e);
  if (rc == 0) {
    if (mi_access_role_parse(row.role, &out->role, e)) return e ? e->code : MI_EINVAL;
    snprintf(out->department, sizeof out->department, "%s", row.department);
    if (mi_config_role_scoped(out->role) && !out->department[0])
      return mi_err_set(e, MI_EINVAL, "%s '%s' has no department: ask an administrator to "
                        "run 'manyi role grant %s %s --department CODE'", row.role, os_user,
                        os_user, row.role);
    return 0;
  }
  if (rc != MI_ENOTFOUND) return rc;
  struct stat st;
  if (uid == 0 || (stat(mi_store_path(s), &st) == 0 && st.st_uid == uid)) return out->owner = 1, 0;
  return mi_err_set(e, MI_EINVAL,
                    "user '%s' has no role in %s: ask an administrator to run 'manyi role "
                    "grant %s admin|agent|analyst|auditor'",
                    os_user, mi_store_path(s), os_user);
}

int mi_access_check(const mi_actor *a, mi_access need, const char *what, mi_err *e) {
  if (!a) return mi_err_set(e, MI_EINVAL, "no acting user");
  if (mi_access_allows(a->role, need)) return 0;
  return mi_err_set(e, MI_EDENIED, "user '%s' (role %s) may not run %s",
                    a->name, mi_config_role_name(a->role), what ? what : "this command");
}

int mi_access_masked(const mi_actor *a) {
  /* a department head reads the figures of every department as an analyst
   * does: masked, except their own department's customers (mi_access_customer) */
  return !a || a->role == MI_CONFIG_ROLE_ANALYST || a->role == MI_CONFIG_ROLE_AUDITOR ||
         a->role == MI_CONFIG_ROLE_DEPARTMENT_HEAD;
}

int mi_access_customer(mi_store *s, const mi_actor *a, const char *customer, int *masked,
                       mi_err *e) {
  if (!a || !customer) return mi_err_set(e, MI_EINVAL, "no acting user or customer");
  if (masked) *masked = mi_access_masked(a);
  if (!mi_config_role_scoped(a->role)) return 0;
  int yes = 0, clear = 0;
  int rc = mi_scope_customer_in_department(s, customer, a->department, a->name, &yes, &clear, e);
  if (rc) return rc;
  if (masked) *masked = !clear;
  if (yes) return 0;
  return mi_err_set(e, MI_EDENIED,
                    "user '%s' (%s of %s) may not see customer '%s': no ticket of theirs is in "
                    "department %s",
                    a->name, mi_config_role_name(a->role), a->department, customer, a->department);
}

int mi_access_ticket(mi_store *s, const mi_actor *a, const char *ticket, mi_err *e) {
  if (!a || !ticket) return mi_err_set(e, MI_EINVAL, "no acting user or ticket");
  if (!mi_config_role_scoped(a->role)) return 0;
  char dept[80];
  int rc = mi_scope_ticket_department(s, ticket, dept, sizeof dept, e);
  if (rc) return rc;
  if (!strcmp(dept, a->department)) return 0;
  return mi_err_set(e, MI_EDENIED, "user '%s' (%s of %s) may not touch ticket '%s' of department %s",
                    a->name, mi_config_role_name(a->role), a->department, ticket, dept);
}

int mi_access_staff(mi_store *s, const mi_actor *a, const char *staff, mi_err *e) {
  if (!a || !staff) return mi_err_set(e, MI_EINVAL, "no acting user or staff member");
  if (!mi_config_role_scoped(a->role)) return 0;
  char dept[80];
  int rc = mi_scope_staff_department(s, staff, dept, sizeof dept, e);
  if (rc) return rc;
  if (!strcmp(dept, a->department)) return 0;
  return mi_err_set(e, MI_EDENIED, "user '%s' (%s of %s) may not see the queue of %s, who works for "
                    "%s", a->name, mi_config_role_name(a->role), a->department, staff,
                    *dept ? dept : "no department");
}

int mi_access_personal(const char *field) { return mi_scope_personal(field); }

/* Bytes of the first UTF-8 character of s (1 for a stray byte). */
static size_t first_char(const char *s) {
  size_t n = 1;
  while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80 && n < 4) n++;
  return n;
}

const char *mi_access_mask_as(mi_personal kind, const char *value, char *buf, size_t size) {
  if (!value || !*value || kind == MI_PERSONAL_NONE || !buf || size < 16) return value;
  size_t len = strlen(value);
  const char *at = strrchr(value, '@');
  if (kind == MI_PERSONAL_CONTACT) kind = at ? MI_PERSONAL_EMAIL : MI_PERSONAL_PHONE;
  switch (kind) {
  case MI_PERSONAL_PHONE: snprintf(buf, size, "***%s", len > 2 ? value + len - 2 : ""); break;
  case MI_PERSONAL_BIRTHDAY: snprintf(buf, size, "%.4s-**-**", value); break;
  case MI_PERSONAL_EMAIL:
    if (at && at != value && strlen(at) < size - 8)
      snprintf(buf, size, "%.*s***%s", (int)first_char(value), value, at);
    else
      snprintf(buf, size, "***");
    break;
  case MI_PERSONAL_JSON: /* see mi_access_mask_json */
  case MI_PERSONAL_TEXT: snprintf(buf, size, "***"); break; /* see mi_access_mask_text */
  case MI_PERSONAL_HEALTH: snprintf(buf, size, "***"); break;
  default: snprintf(buf, size, "%.*s***", (int)first_char(value), value); break;
  }
  return buf;
}

const char *mi_access_mask(const char *field, const char *value, char *buf, size_t size) {
  if (!mi_access_personal(field)) return value;
  return mi_access_mask_as(mi_scope_personal_column("customers", field), value, buf, size);
}

/* Masks the personal members of o (and of the objects and arrays in it). */
static void mask_members(json_t *o) {
  static const struct {
    const char *key;
    mi_personal kind;
  } keys[] = {{"name", MI_PERSONAL_NAME},       {"phone", MI_PERSONAL_PHONE},
              {"email", MI_PERSONAL_EMAIL},     {"birthday", MI_PERSONAL_BIRTHDAY},
              {"recipient", MI_PERSONAL_CONTACT}, {NULL, MI_PERSONAL_NONE}};
  const char *k;
  json_t *v;
  size_t i;
  if (json_is_array(o)) json_array_foreach(o, i, v) mask_members(v);
  if (!json_is_object(o)) return;
  json_object_foreach(o, k, v) {
    if (!json_is_string(v)) {
      mask_members(v);
      continue;
    }
    for (int j = 0; keys[j].key; j++) {
      char buf[320];
      if (strcmp(k, keys[j].key)) continue;
      json_string_set(v, mi_access_mask_as(keys[j].kind, json_string_value(v), buf, sizeof buf));
    }
  }
}

char *mi_access_mask_json(const char *json) {
  if (!json) return NULL;
  json_t *o = json_loads(json, JSON_DECODE_ANY, NULL);
  char *out = NULL;
  if (json_is_object(o) || json_is_array(o)) {
    mask_members(o);
    out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  } else if (o) {
    out = strdup("\"***\""); /* a bare string could be anything */
  } else {
    out = strdup("***");
  }
  json_decref(o);
  return out;
}

/* Redacts every string of a JSON value in place; 0 or -1 (out of memory). */
static int redact_json(json_t *v, const char *name) {
  const char *k;
  json_t *m;
  size_t i;
  if (json_is_array(v)) json_array_foreach(v, i, m) if (redact_json(m, name)) return -1;
  if (json_is_object(v)) json_object_foreach(v, k, m) if (redact_json(m, name)) return -1;
  if (!json_is_string(v)) return 0;
  char *r = mi_redact_text(json_string_value(v), name);
  int rc = r ? json_string_set(v, r) : -1;
  free(r);
  return rc;
}

char *mi_access_mask_text(const char *text, const char *name) {
  if (!text) return NULL;
  if (name && !*name) name = NULL;
  /* JSON (an event's detail, a policy's notes): each string, so that an
   * escape such as \n before a number cannot hide it. */
  if (text[0] == '{' || text[0] == '[') {
    json_t *o = json_loads(text, 0, NULL);
    if (o) {
      char *out = redact_json(o, name) ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
      json_decref(o);
      return out;
    }
  }
  return mi_redact_text(text, name);
}

void mi_access_customer_name(mi_store *s, const char *customer, char *buf, size_t size) {
  mi_customer c;
  if (size) buf[0] = '\0';
  if (!s || !customer || !*customer || mi_customer_get(s, customer, &c, NULL)) return;
  snprintf(buf, size, "%s", c.name ? c.name : "");
  mi_customer_release(&c);
}

#define AUDIT_NAMES 8

char *mi_access_mask_audit(mi_store *s, const char *detail) {
  if (!detail) return NULL;
  /* the customers named by the arguments: an id of a customer or a ticket */
  char names[AUDIT_NAMES][256];
  int n = 0;
  json_t *o = json_loads(detail, 0, NULL), *v;
  size_t i;
  json_array_foreach(json_object_get(o, "argv"), i, v) {
    const char *arg = json_string_value(v);
    if (n == AUDIT_NAMES || !arg || !*arg || strlen(arg) > 64) continue;
    mi_access_customer_name(s, arg, names[n], sizeof names[n]);
    mi_ticket_row t;
    if (!names[n][0] && mi_ticket_get(s, arg, &t, NULL) == 0)
      mi_access_customer_name(s, t.customer, names[n], sizeof names[n]);
    if (names[n][0]) n++;
  }
  json_decref(o);
  char *out = mi_access_mask_text(detail, n ? names[0] : NULL);
  for (int k = 1; out && k < n; k++) {
    char *next = mi_access_mask_text(out, names[k]);
    free(out);
    out = next;
  }
  return out;
}
