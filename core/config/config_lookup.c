/* Lookups by code or name, and the words for enum values. Linear scans: a
 * configuration has tens of entries, and callers look up once per job. */
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

const char *mi_config_ticket_kind_name(mi_config_ticket_kind kind) {
  static const char *const names[] = {"inquiry", "complaint", "after_sales", "business_request"};
  return (unsigned)kind < 4 ? names[kind] : "?";
}

const char *mi_config_role_name(mi_config_role role) {
  static const char *const names[] = {"admin", "agent", "analyst", "auditor"};
  return (unsigned)role < 4 ? names[role] : "?";
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
    if (!strcmp(mi_config_ticket_kind_name(cfg->workflows[i].kind), kind)) return &cfg->workflows[i];
  return NULL;
}

const mi_config_stage *mi_config_find_stage(const mi_config_workflow *w, const char *name) {
  for (size_t i = 0; w && name && i < w->nstages; i++)
    if (!strcmp(w->stages[i].name, name)) return &w->stages[i];
  return NULL;
}
