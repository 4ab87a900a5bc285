/* sla: response and resolution targets per ticket kind, optionally narrowed
 * to a priority, a customer tier, a channel and/or a department, with the
 * calendar their clocks run in (default: the ticket's department's). A
 * target in days must say which days: "3bd" (business days) anywhere, "3d"
 * only where the clock never stops (24x7), since on a business calendar it
 * would silently mean 72 business hours. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "util/suggest.h"

/* calendar: the name of a configured calendar, or 24x7 (the built-in). */
static int rule_calendar(const mi_cfg_ctx *c, const mi_ynode *v, const mi_config_calendar **out) {
  const mi_config *cfg = c->cfg;
  char *name = NULL;
  int rc = mi_cfg_text(c, v, &name);
  if (rc) return rc;
  for (size_t i = 0; i < cfg->ncalendars; i++)
    if (!strcmp(cfg->calendars[i].name, name)) {
      *out = &cfg->calendars[i];
      free(name);
      return 0;
    }
  free(name);
  const char **names = mi_cfg_alloc(c, cfg->ncalendars + 1, sizeof *names);
  if (!names) return MI_ENOMEM;
  for (size_t i = 0; i < cfg->ncalendars; i++) names[i] = cfg->calendars[i].name;
  const char *near = mi_suggest(v->text, names);
  if (near)
    rc = mi_cfg_fail(c, v, "unknown calendar '%s' (did you mean '%s'?)", v->text, near);
  else
    rc = mi_cfg_fail(c, v,
                     "unknown calendar '%s': name one defined under calendars, or 24x7 for "
                     "natural hours (round the clock)",
                     v->text);
  free(names);
  return rc;
}

/* The calendars the rule's clocks can run in: its own; else its
 * department's; else those of every department. Returns how many (unique). */
static size_t run_calendars(const mi_config *cfg, const mi_config_sla *r,
                            const mi_config_calendar **out) {
  if (r->calendar || r->department) {
    out[0] = mi_config_sla_calendar(r, r->department);
    return 1;
  }
  size_t n = 0;
  for (size_t i = 0; i < cfg->ndepartments; i++) {
    size_t j = 0;
    while (j < n && out[j] != cfg->departments[i].calendar) j++;
    if (j == n) out[n++] = cfg->departments[i].calendar;
  }
  return n;
}

/* Refuses "3d" where the clock stops: it would mean 72 business hours. */
static int check_clock_days(const mi_cfg_ctx *c, const mi_ynode *v, const char *target,
                            const mi_config_sla_time *t, const mi_config_sla *r,
                            const mi_config_calendar *cal) {
  if (!t->clock_days || mi_config_calendar_round_the_clock(cal)) return 0;
  char whose[96] = ""; /* which department's calendar, when the rule names none */
  for (size_t i = 0; !r->calendar && !whose[0] && i < c->cfg->ndepartments; i++) {
    const mi_config_department *d = r->department ? r->department : &c->cfg->departments[i];
    if (d->calendar == cal) snprintf(whose, sizeof whose, " (department %.64s's)", d->code);
  }
  long long days = (long long)(t->seconds / 86400);
  if (t->seconds % 86400 == 0)
    return mi_cfg_fail(c, v,
                       "%s: '%s' would mean %lld hours of the opening hours of calendar '%s'%s, "
                       "not %lld natural day%s: write %lldbd for business days, or set "
                       "calendar: 24x7 for natural days",
                       target, v->text, (long long)(t->seconds / 3600), cal->name, whose, days,
                       days == 1 ? "" : "s", days);
  return mi_cfg_fail(c, v,
                     "%s: '%s' would mean %lld hours of the opening hours of calendar '%s'%s: "
                     "write the hours (%lldh) if that is meant, business days alone (e.g. "
                     "2bd), or set calendar: 24x7 for natural time",
                     target, v->text, (long long)(t->seconds / 3600), cal->name, whose,
                     (long long)(t->seconds / 3600));
}

static int check_targets(const mi_cfg_ctx *c, const mi_ynode *m, const mi_config_sla *r) {
  static const char *const names[] = {"first_response", "next_response", "resolution"};
  const mi_config_sla_time *t[] = {&r->first_response, &r->next_response, &r->resolution};
  const mi_config_calendar **cals = mi_cfg_alloc(c, c->cfg->ndepartments + 1, sizeof *cals);
  if (!cals) return MI_ENOMEM;
  size_t n = run_calendars(c->cfg, r, cals);
  int rc = 0;
  for (size_t k = 0; k < n && !rc; k++) {
    for (int i = 0; i < 3 && !rc; i++) {
      const mi_ynode *v = mi_cfg_get(m, names[i]);
      if (v) rc = check_clock_days(c, v, names[i], t[i], r, cals[k]);
    }
    if (!rc && mi_config_sla_seconds(&r->first_response, cals[k]) >
                   mi_config_sla_seconds(&r->resolution, cals[k]))
      rc = mi_cfg_fail(c, mi_cfg_get(m, "resolution"),
                       "resolution is shorter than first_response (in calendar '%s'): the first "
                       "response cannot come after the ticket is resolved",
                       cals[k]->name);
  }
  free(cals);
  return rc;
}

static int load_rule(const mi_cfg_ctx *c, const mi_ynode *m, mi_config_sla *r) {
  static const char *const keys[] = {"kind",           "priority",      "tier",
                                     "channel",        "department",    "calendar",
                                     "first_response", "next_response", "resolution", NULL};
  static const char *const required[] = {"kind", "first_response", "resolution", NULL};
  mi_config *cfg = c->cfg;
  const mi_ynode *v;
  int rc;
  r->line = m->line;
  r->column = m->column;
  if ((rc = mi_cfg_want_map(c, m, "an SLA rule"))) return rc;
  if ((rc = mi_cfg_check_keys(c, m, keys, required, "SLA rule"))) return rc;
  if ((rc = mi_cfg_label_ref(c, mi_cfg_get(m, "kind"), MI_CONFIG_LIST_KIND, &r->kind))) return rc;
  if ((v = mi_cfg_get(m, "priority"))) {
    int64_t p;
    if ((rc = mi_cfg_int(c, v, 1, 4, &p))) return rc;
    r->priority = (int)p;
  }
  if ((v = mi_cfg_get(m, "tier"))) {
    size_t t;
    if ((rc = mi_cfg_ref(c, v, "tier", cfg->tiers, cfg->ntiers, sizeof *cfg->tiers, &t))) return rc;
    r->tier = &cfg->tiers[t];
  }
  if ((v = mi_cfg_get(m, "channel"))) {
    const char *ch;
    if ((rc = mi_cfg_label_ref(c, v, MI_CONFIG_LIST_CHANNEL, &ch))) return rc;
    if (!(r->channel = mi_cfg_strdup(c, ch))) return MI_ENOMEM;
  }
  if ((v = mi_cfg_get(m, "department"))) {
    size_t d;
    if ((rc = mi_cfg_ref(c, v, "department", cfg->departments, cfg->ndepartments,
                         sizeof *cfg->departments, &d)))
      return rc;
    r->department = &cfg->departments[d];
  }
  if ((v = mi_cfg_get(m, "calendar")) && (rc = rule_calendar(c, v, &r->calendar))) return rc;
  if ((rc = mi_cfg_sla_time(c, mi_cfg_get(m, "first_response"), &r->first_response))) return rc;
  if ((v = mi_cfg_get(m, "next_response")) && (rc = mi_cfg_sla_time(c, v, &r->next_response)))
    return rc;
  if ((rc = mi_cfg_sla_time(c, mi_cfg_get(m, "resolution"), &r->resolution))) return rc;
  return check_targets(c, m, r);
}

int mi_cfg_load_sla(const mi_cfg_ctx *c, const mi_ynode *n) {
  mi_config *cfg = c->cfg;
  int rc;
  if ((rc = mi_cfg_want_list(c, n, "sla"))) return rc;
  if (!(cfg->sla = mi_cfg_alloc(c, n->n, sizeof *cfg->sla))) return MI_ENOMEM;
  for (size_t i = 0; i < n->n; i++) {
    mi_config_sla *r = &cfg->sla[i];
    cfg->nsla = i + 1;
    if ((rc = load_rule(c, n->items[i], r))) return rc;
    /* Two rules for the same case would leave the deadline to file order. */
    for (size_t j = 0; j < i; j++) {
      const mi_config_sla *o = &cfg->sla[j];
      if (strcmp(o->kind, r->kind) || o->priority != r->priority || o->tier != r->tier ||
          o->department != r->department || !!o->channel != !!r->channel ||
          (o->channel && strcmp(o->channel, r->channel)))
        continue;
      char what[256]; /* at most ~120 bytes with the %.24s limits below */
      int len = snprintf(what, sizeof what, "kind %.64s", r->kind);
      if (r->priority)
        len += snprintf(what + len, sizeof what - (size_t)len, ", priority %d", r->priority);
      if (r->tier) len += snprintf(what + len, sizeof what - (size_t)len, ", tier %.24s", r->tier->code);
      if (r->channel) len += snprintf(what + len, sizeof what - (size_t)len, ", channel %s", r->channel);
      if (r->department)
        snprintf(what + len, sizeof what - (size_t)len, ", department %.24s", r->department->code);
      return mi_cfg_fail(c, n->items[i], "duplicate SLA rule (%s; first at line %d): merge the two",
                         what, o->line);
    }
  }
  return 0;
}
