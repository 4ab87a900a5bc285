/* sla: response and resolution targets per ticket kind, optionally narrowed
 * to a priority, a customer tier, a channel and/or a department. */
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

static const char *const kinds[] = {"inquiry", "complaint", "after_sales", "business_request",
                                    NULL};

static int load_rule(const mi_cfg_ctx *c, const mi_ynode *m, mi_config_sla *r) {
  static const char *const keys[] = {"kind",           "priority",      "tier",
                                     "channel",        "department",    "first_response",
                                     "next_response",  "resolution",    NULL};
  static const char *const channels[] = {"phone", "email", "social", "chat", "visit", "web", NULL};
  static const char *const required[] = {"kind", "first_response", "resolution", NULL};
  mi_config *cfg = c->cfg;
  const mi_ynode *v;
  int rc, kind;
  r->line = m->line;
  r->column = m->column;
  if ((rc = mi_cfg_want_map(c, m, "an SLA rule"))) return rc;
  if ((rc = mi_cfg_check_keys(c, m, keys, required, "SLA rule"))) return rc;
  if ((rc = mi_cfg_word(c, mi_cfg_get(m, "kind"), kinds, "ticket kind", &kind))) return rc;
  r->kind = (mi_config_ticket_kind)kind;
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
    int ch;
    if ((rc = mi_cfg_word(c, v, channels, "channel", &ch))) return rc;
    if (!(r->channel = mi_cfg_strdup(c, channels[ch]))) return MI_ENOMEM;
  }
  if ((v = mi_cfg_get(m, "department"))) {
    size_t d;
    if ((rc = mi_cfg_ref(c, v, "department", cfg->departments, cfg->ndepartments,
                         sizeof *cfg->departments, &d)))
      return rc;
    r->department = &cfg->departments[d];
  }
  if ((rc = mi_cfg_duration(c, mi_cfg_get(m, "first_response"), &r->first_response))) return rc;
  if ((v = mi_cfg_get(m, "next_response")) && (rc = mi_cfg_duration(c, v, &r->next_response)))
    return rc;
  if ((rc = mi_cfg_duration(c, v = mi_cfg_get(m, "resolution"), &r->resolution))) return rc;
  if (r->first_response > r->resolution)
    return mi_cfg_fail(c, v,
                       "resolution is shorter than first_response: the first response cannot "
                       "come after the ticket is resolved");
  return 0;
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
      if (o->kind != r->kind || o->priority != r->priority || o->tier != r->tier ||
          o->department != r->department || !!o->channel != !!r->channel ||
          (o->channel && strcmp(o->channel, r->channel)))
        continue;
      char what[256]; /* at most ~120 bytes with the %.24s limits below */
      int len = snprintf(what, sizeof what, "kind %s", kinds[r->kind]);
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
