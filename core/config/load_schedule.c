/* schedule: recurring jobs, each a name, a 5-field cron expression read in
 * the configuration's time zone (or its own), and the job kind to queue.
 * The expression and the kind are checked by the scheduler (core/sched),
 * which knows cron and the job kinds; here only their form. */
#include <string.h>

#include "config/config_internal.h"

static int load_entry(const mi_cfg_ctx *c, const mi_ynode *m, mi_config_schedule *s) {
  static const char *const keys[] = {"name", "cron", "job", "timezone", NULL};
  static const char *const required[] = {"name", "cron", "job", NULL};
  const mi_ynode *v;
  int rc;
  s->line = m->line;
  s->column = m->column;
  if ((rc = mi_cfg_want_map(c, m, "a scheduled job"))) return rc;
  if ((rc = mi_cfg_check_keys(c, m, keys, required, "scheduled job"))) return rc;
  if ((rc = mi_cfg_code(c, mi_cfg_get(m, "name"), &s->name))) return rc;
  if ((rc = mi_cfg_text(c, v = mi_cfg_get(m, "cron"), &s->cron))) return rc;
  s->cron_line = v->line;
  s->cron_column = v->column;
  if ((rc = mi_cfg_code(c, mi_cfg_get(m, "job"), &s->job))) return rc;
  if ((v = mi_cfg_get(m, "timezone"))) {
    if ((rc = mi_cfg_text(c, v, &s->timezone))) return rc;
    if (!mi_cfg_is_tz(s->timezone))
      return mi_cfg_fail(c, v, "'%s' is not a time zone name: use e.g. UTC or Asia/Shanghai",
                         s->timezone);
  } else if (!(s->timezone = mi_cfg_strdup(c, c->cfg->timezone))) {
    return MI_ENOMEM;
  }
  return 0;
}

int mi_cfg_load_schedule(const mi_cfg_ctx *c, const mi_ynode *n) {
  mi_config *cfg = c->cfg;
  int rc;
  if ((rc = mi_cfg_want_list(c, n, "schedule"))) return rc;
  if (!(cfg->schedule = mi_cfg_alloc(c, n->n, sizeof *cfg->schedule))) return MI_ENOMEM;
  for (size_t i = 0; i < n->n; i++) {
    mi_config_schedule *s = &cfg->schedule[i];
    cfg->nschedule = i + 1;
    if ((rc = load_entry(c, n->items[i], s))) return rc;
    for (size_t j = 0; j < i; j++)
      if (!strcmp(cfg->schedule[j].name, s->name))
        return mi_cfg_fail(c, n->items[i], "duplicate scheduled job '%s' (first at line %d)",
                           s->name, cfg->schedule[j].line);
  }
  return 0;
}
