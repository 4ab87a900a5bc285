/* The front desk (desk.h). Writes go through mi_import_one, so a customer
 * added at the desk passes exactly the checks of `manyi import customers`. */
#include "service/desk.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "service/import.h"
#include "store/audit.h"
#include "store/customers.h"
#include "util/text_fold.h"
#include "util/timeutil.h"

enum { MAX_FIELDS = 24 };

/* ---- finding ------------------------------------------------------------ */

static int phone_like(const char *q) {
  int digits = 0;
  for (const char *p = q; *p; p++) {
    if (*p >= '0' && *p <= '9') digits++;
    else if (!strchr(" -.()/+", *p)) return 0;
  }
  return digits >= 5;
}

int mi_desk_find(mi_store *s, const char *query, mi_desk_by by, size_t max,
                 mi_customer_hit *hits, size_t *n, int *more, const char **used, mi_err *e) {
  if (!s || !query || !hits || !n || !more || !used)
    return mi_err_set(e, MI_EINVAL, "mi_desk_find: a store, a query and room for the results");
  char folded[1024], key[1024];
  int rc = mi_text_fold(query, folded, sizeof folded, e);
  if (rc) return rc;
  size_t chars = 0;
  for (const char *p = folded; *p; p++) chars += ((unsigned char)*p & 0xc0) != 0x80;
  /* trim spaces around what was pasted */
  char *start = folded;
  while (*start == ' ') start++;
  size_t len = strlen(start);
  while (len && start[len - 1] == ' ') start[--len] = '\0';
  if (!*start) return mi_err_set(e, MI_EINVAL, "nothing to look for: give a phone number, an "
                                 "e-mail address, part of a name or a customer id");
  if (chars > 200)
    return mi_err_set(e, MI_EINVAL, "the query has %zu characters: a name has at most 200", chars);
  if (by == MI_DESK_AUTO) {
    size_t k;
    int found_more;
    mi_customer_hit probe;
    if (strchr(start, '@')) by = MI_DESK_EMAIL;
    else if (phone_like(start)) by = MI_DESK_PHONE;
    else if ((rc = mi_customer_find(s, MI_FIND_ID, query, 1, &probe, &k, &found_more, e)))
      return rc;
    else by = k ? MI_DESK_ID : MI_DESK_NAME;
  }
  mi_find_by what = MI_FIND_NAME;
  const char *k = start;
  switch (by) {
  case MI_DESK_PHONE:
    if ((rc = mi_phone_key(query, key, sizeof key, e))) return rc;
    k = key, what = MI_FIND_PHONE, *used = "phone";
    break;
  case MI_DESK_EMAIL: what = MI_FIND_EMAIL, *used = "email"; break;
  case MI_DESK_ID: k = query, what = MI_FIND_ID, *used = "id"; break;
  default: what = MI_FIND_NAME, *used = "name"; break;
  }
  return mi_customer_find(s, what, k, max, hits, n, more, e);
}

/* ---- writing ------------------------------------------------------------ */

static int audit(mi_store *s, const char *actor, const char *action, const char *object,
                 json_t *detail, int64_t now, mi_err *e) {
  char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(detail);
  if (!text) return mi_err_set(e, MI_ENOMEM, "out of memory");
  int rc = mi_audit_append(s, actor, action, object, text, now, e);
  free(text);
  return rc;
}

static int check_fields(const mi_desk_field *f, size_t n, const char *const *allowed,
                        const char *what, mi_err *e) {
  if (n > MAX_FIELDS) return mi_err_set(e, MI_EINVAL, "too many fields");
  for (size_t i = 0; i < n; i++) {
    const char *const *a = allowed;
    while (*a && strcmp(*a, f[i].key)) a++;
    if (!*a) return mi_err_set(e, MI_EINVAL, "%s has no field '%s'", what, f[i].key);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(f[j].key, f[i].key))
        return mi_err_set(e, MI_EINVAL, "field '%s' is given twice", f[i].key);
  }
  return 0;
}

static const char *const customer_fields[] = {
    "name",          "kind",        "region",        "industry",      "phone",
    "email",         "birthday",    "consent_email", "consent_sms",   "consent_phone",
    "special_needs", "created_at",  NULL};

int mi_desk_customer_add(mi_store *s, const mi_config *cfg, const char *external_id,
                         const mi_desk_field *f, size_t n, const char *actor, int64_t now,
                         char out_id[65], mi_err *e) {
  if (!s || !cfg || !actor || !out_id || (n && !f))
    return mi_err_set(e, MI_EINVAL, "mi_desk_customer_add: a store, a configuration and fields");
  int rc = check_fields(f, n, customer_fields, "a customer", e);
  if (rc) return rc;
  const char *keys[MAX_FIELDS + 2], *values[MAX_FIELDS + 2];
  char created[21];
  size_t k = 0;
  int has_created = 0;
  if ((rc = mi_store_begin(s, e))) return rc;
  if (external_id) snprintf(out_id, 65, "%s", external_id);
  else if ((rc = mi_desk_next_id(s, "customers", 'C', out_id, 65, e))) goto fail;
  keys[k] = "external_id", values[k++] = out_id;
  for (size_t i = 0; i < n; i++) {
    has_created |= !strcmp(f[i].key, "created_at");
    keys[k] = f[i].key, values[k++] = *f[i].value ? f[i].value : NULL;
  }
  if (!has_created) {
    mi_instant_format(now, created);
    keys[k] = "created_at", values[k++] = created;
  }
  int64_t id;
  if (mi_customer_id(s, out_id, &id, NULL) == 0) {
    rc = mi_err_set(e, MI_EEXIST, "customer %s exists: change it with 'manyi customer edit %s'",
                    out_id, out_id);
    goto fail;
  }
  rc = mi_import_one(s, cfg, &(mi_import_options){.entity = "customers", .path = "customer add", .actor = actor, .now = now}, keys, values, k, e);
  if (rc < 0) goto fail;
  json_t *d = json_object();
  for (size_t i = 1; i < k; i++)
    if (values[i]) json_object_set_new(d, keys[i], json_string(values[i]));
  if ((rc = audit(s, actor, "customer-add", out_id, d, now, e))) goto fail;
  return mi_store_commit(s, e);
fail:
  mi_store_rollback(s);
  return rc;
}

/* The stored customer as the import's fields (tier left out: it changes
 * with history through the tier policy, not here). */
static size_t stored_fields(const mi_customer *c, const char **keys, const char **values,
                            char flags[3][2], char created[21]) {
  size_t k = 0;
#define F(name, v) keys[k] = name, values[k++] = (v) && *(v) ? (v) : NULL
  F("external_id", c->external_id);
  F("name", c->name);
  F("kind", c->kind);
  F("region", c->region);
  F("industry", c->industry);
  F("phone", c->phone);
  F("email", c->email);
  F("birthday", c->birthday);
  flags[0][0] = (char)('0' + c->consent_email), flags[0][1] = '\0';
  flags[1][0] = (char)('0' + c->consent_sms), flags[1][1] = '\0';
  flags[2][0] = (char)('0' + c->consent_phone), flags[2][1] = '\0';
  F("consent_email", flags[0]);
  F("consent_sms", flags[1]);
  F("consent_phone", flags[2]);
  F("special_needs", c->special_needs);
  mi_instant_format(c->created_at, created);
  F("created_at", created);
#undef F
  return k;
}

int mi_desk_customer_edit(mi_store *s, const mi_config *cfg, const char *external_id,
                          const mi_desk_field *f, size_t n, const char *actor, int64_t now,
                          int *changed, mi_err *e) {
  if (!s || !cfg || !external_id || !actor || !changed || (n && !f))
    return mi_err_set(e, MI_EINVAL, "mi_desk_customer_edit: a store, a customer and fields");
  *changed = 0;
  int rc = check_fields(f, n, customer_fields, "a customer", e);
  if (rc) return rc;
  if (!n) return mi_err_set(e, MI_EINVAL, "nothing to change: give the fields to change "
                            "(--phone, --email, --name, ...)");
  if ((rc = mi_store_begin(s, e))) return rc;
  mi_customer c;
  if ((rc = mi_customer_get(s, external_id, &c, e))) {
    mi_store_rollback(s);
    return rc;
  }
  const char *keys[MAX_FIELDS + 2], *values[MAX_FIELDS + 2];
  char flags[3][2], created[21];
  size_t k = stored_fields(&c, keys, values, flags, created);
  json_t *d = json_object(), *prev = json_object();
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++) {
      if (strcmp(keys[j], f[i].key)) continue;
      const char *v = *f[i].value ? f[i].value : NULL;
      if (v == values[j] || (v && values[j] && !strcmp(v, values[j]))) break;
      json_object_set_new(d, keys[j], v ? json_string(v) : json_null());
      json_object_set_new(prev, keys[j], values[j] ? json_string(values[j]) : json_null());
      values[j] = v;
    }
  if (json_object_size(d)) {
    rc = mi_import_one(s, cfg, &(mi_import_options){.entity = "customers", .path = "customer edit", .actor = actor, .now = now}, keys, values, k, e);
    if (rc >= 0) {
      *changed = rc == MI_PUT_UPDATED;
      json_object_set_new(d, "previous", prev);
      prev = NULL;
      rc = audit(s, actor, "customer-edit", external_id, d, now, e);
      d = NULL;
    }
  }
  json_decref(d);
  json_decref(prev);
  mi_customer_release(&c);
  if (rc < 0 || (rc = mi_store_commit(s, e))) {
    mi_store_rollback(s);
    return rc;
  }
  return 0;
}

static const char *const contact_fields[] = {"customer_id", "channel",  "direction", "occurred_at",
                                             "staff_id",    "summary", NULL};

int mi_desk_interaction_log(mi_store *s, const mi_config *cfg, const char *external_id,
                            const mi_desk_field *f, size_t n, const char *actor, int64_t now,
                            char out_id[65], mi_err *e) {
  if (!s || !cfg || !actor || !out_id || (n && !f))
    return mi_err_set(e, MI_EINVAL, "mi_desk_interaction_log: a store, a configuration and fields");
  int rc = check_fields(f, n, contact_fields, "a contact", e);
  if (rc) return rc;
  const char *keys[MAX_FIELDS + 2], *values[MAX_FIELDS + 2];
  char at[21];
  size_t k = 0;
  int has_at = 0;
  if ((rc = mi_store_begin(s, e))) return rc;
  if (external_id) snprintf(out_id, 65, "%s", external_id);
  else if ((rc = mi_desk_next_id(s, "interactions", 'I', out_id, 65, e))) goto fail;
  keys[k] = "external_id", values[k++] = out_id;
  for (size_t i = 0; i < n; i++) {
    has_at |= !strcmp(f[i].key, "occurred_at");
    keys[k] = f[i].key, values[k++] = *f[i].value ? f[i].value : NULL;
  }
  if (!has_at) {
    mi_instant_format(now, at);
    keys[k] = "occurred_at", values[k++] = at;
  }
  rc = mi_import_one(s, cfg, &(mi_import_options){.entity = "interactions", .path = "interaction log", .actor = actor, .now = now}, keys, values, k, e);
  if (rc < 0) goto fail;
  if (rc != MI_PUT_INSERTED) {
    rc = mi_err_set(e, MI_EEXIST, "contact %s exists: give another --id", out_id);
    goto fail;
  }
  json_t *d = json_object();
  for (size_t i = 1; i < k; i++)
    if (values[i]) json_object_set_new(d, keys[i], json_string(values[i]));
  if ((rc = audit(s, actor, "interaction-log", out_id, d, now, e))) goto fail;
  return mi_store_commit(s, e);
fail:
  mi_store_rollback(s);
  return rc;
}
