/* Lookups by code or name, and the words for enum values. Linear scans: a
 * configuration has tens of entries, and callers look up once per job. */
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "config/config_internal.h"

#define FIND(array, count, field, key)                                \
  do {                                                                \
    if (!cfg || !(key)) return NULL;                                  \
    for (size_t i = 0; i < cfg->count; i++)                           \
      if (!strcmp(cfg->array[i].field, (key))) return &cfg->array[i]; \
    return NULL;                                                      \
  } while (0)

const mi_config_department *mi_config_find_department(const mi_config *cfg, const char *code) {
  FIND(departments, ndepartments, code, code);
}

const mi_config_tier *mi_config_find_tier(const mi_config *cfg, const char *code) {
  FIND(tiers, ntiers, code, code);
}

const mi_config_calendar *mi_config_find_calendar(const mi_config *cfg, const char *name) {
  FIND(calendars, ncalendars, name, name);
}

const mi_config_survey *mi_config_find_survey(const mi_config *cfg, const char *code) {
  FIND(surveys, nsurveys, code, code);
}

const mi_config_policy *mi_config_find_policy(const mi_config *cfg, const char *name) {
  FIND(policies, npolicies, name, name);
}

const mi_config_user *mi_config_find_user(const mi_config *cfg, const char *name) {
  FIND(users, nusers, name, name);
}

int mi_config_is_username(const char *name) { return name && mi_cfg_is_username(name); }

const mi_config_question *mi_config_find_question(const mi_config_survey *survey,
                                                  const char *code) {
  if (!survey || !code) return NULL;
  for (size_t i = 0; i < survey->nquestions; i++)
    if (!strcmp(survey->questions[i].code, code)) return &survey->questions[i];
  return NULL;
}

const mi_config_value *mi_config_value_get(const mi_config_value *v, const char *key) {
  if (!v || !key || v->kind != MI_CONFIG_MAP) return NULL;
  for (size_t i = 0; i < v->count; i++)
    if (!strcmp(v->keys[i], key)) return &v->items[i];
  return NULL;
}

static const mi_config_label *list_of(const mi_config *cfg, mi_config_list list, size_t *n) {
  switch (list) {
  case MI_CONFIG_LIST_KIND: *n = cfg->nticket_kinds; return cfg->ticket_kinds;
  case MI_CONFIG_LIST_CATEGORY: *n = cfg->ncategories; return cfg->categories;
  case MI_CONFIG_LIST_CHANNEL: *n = cfg->nchannels; return cfg->channels;
  case MI_CONFIG_LIST_ROOT_CAUSE: *n = cfg->nroot_causes; return cfg->root_causes;
  }
  *n = 0;
  return NULL;
}

const char *mi_config_list_name(mi_config_list list) {
  static const char *const names[] = {"ticket kind", "category", "channel", "root cause"};
  return (unsigned)list < 4 ? names[list] : "?";
}

const mi_config_label *mi_config_find_label(const mi_config *cfg, mi_config_list list,
                                            const char *code) {
  size_t n;
  const mi_config_label *l = cfg ? list_of(cfg, list, &n) : NULL;
  for (size_t i = 0; l && code && i < n; i++)
    if (!strcmp(l[i].code, code)) return &l[i];
  return NULL;
}

int mi_config_check_label(const mi_config *cfg, mi_config_list list, const char *code,
                          mi_err *e) {
  if (mi_config_find_label(cfg, list, code)) return 0;
  size_t n;
  const mi_config_label *l = cfg ? list_of(cfg, list, &n) : NULL;
  char known[1024] = "";
  size_t used = 0;
  for (size_t i = 0; l && i < n && used < sizeof known; i++)
    used += (size_t)snprintf(known + used, sizeof known - used, "%s%s (%s)", i ? ", " : "",
                             l[i].code, l[i].name);
  static const char *const sections[] = {"ticket_kinds", "categories", "channels", "root_causes"};
  return mi_err_set(e, MI_EINVAL, "unknown %s '%.64s': use one of %s (or add it under %s: in "
                    "the configuration)", mi_config_list_name(list), code ? code : "", known,
                    (unsigned)list < 4 ? sections[list] : "?");
}

const char *mi_config_role_name(mi_config_role role) {
  static const char *const names[] = {"admin",   "agent",      "analyst",
                                      "auditor", "supervisor", "department_head"};
  return (unsigned)role < MI_CONFIG_ROLE_COUNT ? names[role] : "?";
}

int mi_config_role_scoped(mi_config_role role) {
  return role == MI_CONFIG_ROLE_AGENT || role == MI_CONFIG_ROLE_SUPERVISOR ||
         role == MI_CONFIG_ROLE_DEPARTMENT_HEAD;
}

const char *mi_config_survey_kind_name(mi_config_survey_kind kind) {
  static const char *const names[] = {"csat", "nps", "ces", "index"};
  return (unsigned)kind < 4 ? names[kind] : "?";
}

const char *mi_config_period_name(mi_config_period period) {
  static const char *const names[] = {"none", "month", "quarter", "year"};
  return (unsigned)period < 4 ? names[period] : "?";
}

const mi_config_workflow *mi_config_find_workflow(const mi_config *cfg, const char *kind) {
  for (size_t i = 0; kind && i < cfg->nworkflows; i++)
    if (!strcmp(cfg->workflows[i].kind, kind)) return &cfg->workflows[i];
  return NULL;
}

const mi_config_stage *mi_config_find_stage(const mi_config_workflow *w, const char *name) {
  for (size_t i = 0; w && name && i < w->nstages; i++)
    if (!strcmp(w->stages[i].name, name)) return &w->stages[i];
  return NULL;
}
