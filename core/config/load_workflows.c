/* workflows: the stages of a ticket kind's process, e.g. for complaints
 * received -> acknowledged -> assessed -> investigated -> solution ->
 * carried_out -> feedback. Each stage may follow the one before it, or the
 * stages its `after` names (so a process can branch: approved or rejected),
 * may change the ticket's status, answer the customer, or need a reason;
 * `notify: true` marks the stages the customer is told about. */
#include <string.h>

#include "config/config_internal.h"

static const char *const statuses[] = {"open", "pending", "resolved", NULL};

static int find_stage(const mi_config_workflow *w, size_t upto, const char *name) {
  for (size_t i = 0; i < upto; i++)
    if (!strcmp(w->stages[i].name, name)) return (int)i;
  return -1;
}

/* Everything of a stage but `after`. */
static int load_stage(const mi_cfg_ctx *c, const mi_ynode *m, mi_config_workflow *w, size_t i) {
  static const char *const keys[] = {"stage",  "after",   "status", "responds",
                                     "reason", "approve", "notify", NULL};
  static const char *const required[] = {"stage", NULL};
  mi_config_stage *st = &w->stages[i];
  const mi_ynode *v;
  int rc;
  st->line = m->line;
  st->column = m->column;
  if ((rc = mi_cfg_want_map(c, m, "a workflow stage"))) return rc;
  if ((rc = mi_cfg_check_keys(c, m, keys, required, "workflow stage"))) return rc;
  if ((rc = mi_cfg_code(c, v = mi_cfg_get(m, "stage"), &st->name))) return rc;
  if (find_stage(w, i, st->name) >= 0)
    return mi_cfg_fail(c, v, "duplicate stage '%s'", st->name);
  if ((v = mi_cfg_get(m, "status"))) {
    int k;
    if ((rc = mi_cfg_word(c, v, statuses, "status", &k))) return rc;
    if (!(st->status = mi_cfg_strdup(c, statuses[k]))) return MI_ENOMEM;
  }
  bool b;
  if ((v = mi_cfg_get(m, "responds"))) {
    if ((rc = mi_cfg_bool(c, v, &b))) return rc;
    st->responds = b;
  }
  if ((v = mi_cfg_get(m, "reason"))) {
    if ((rc = mi_cfg_bool(c, v, &b))) return rc;
    st->reason = b;
  }
  if ((v = mi_cfg_get(m, "approve"))) {
    if ((rc = mi_cfg_bool(c, v, &b))) return rc;
    st->approve = b;
  }
  if ((v = mi_cfg_get(m, "notify"))) { /* customer-facing: notify.templates.stage */
    if ((rc = mi_cfg_bool(c, v, &b))) return rc;
    st->notify = b;
  }
  return 0;
}

/* `after`, once every stage has its name (a stage may follow a later one:
 * a request sent back for missing materials comes round again). */
static int load_after(const mi_cfg_ctx *c, const mi_ynode *m, mi_config_workflow *w, size_t i) {
  mi_config_stage *st = &w->stages[i];
  const mi_ynode *v = mi_cfg_get(m, "after");
  int rc;
  if (i == 0) {
    if (v) return mi_cfg_fail(c, v, "the first stage is where a ticket starts: it follows nothing");
    return 0;
  }
  if (!v) { /* the stage before it */
    if (!(st->after = mi_cfg_alloc(c, 1, sizeof *st->after))) return MI_ENOMEM;
    st->after[0] = i - 1;
    st->nafter = 1;
    return 0;
  }
  if ((rc = mi_cfg_want_list(c, v, "after (the stages this one may follow)"))) return rc;
  if (!v->n) return mi_cfg_fail(c, v, "after: name at least one stage");
  if (!(st->after = mi_cfg_alloc(c, v->n, sizeof *st->after))) return MI_ENOMEM;
  for (size_t k = 0; k < v->n; k++) {
    const mi_ynode *a = v->items[k];
    if (a->kind != MI_YSCALAR) return mi_cfg_fail(c, a, "after: give stage names");
    int j = find_stage(w, w->nstages, a->text);
    if (j < 0) return mi_cfg_fail(c, a, "after: no stage '%s' in this workflow", a->text);
    if ((size_t)j == i) return mi_cfg_fail(c, a, "after: a stage cannot follow itself");
    st->after[st->nafter++] = (size_t)j;
  }
  return 0;
}

static int load_workflow(const mi_cfg_ctx *c, const mi_ynode *key, const mi_ynode *list,
                         mi_config_workflow *w) {
  int rc;
  w->line = key->line;
  w->column = key->column;
  if ((rc = mi_cfg_label_ref(c, key, MI_CONFIG_LIST_KIND, &w->kind))) return rc;
  if ((rc = mi_cfg_want_list(c, list, "a workflow (a list of stages)"))) return rc;
  if (list->n < 2) return mi_cfg_fail(c, list, "a workflow needs at least two stages");
  if (!(w->stages = mi_cfg_alloc(c, list->n, sizeof *w->stages))) return MI_ENOMEM;
  for (size_t i = 0; i < list->n; i++) {
    w->nstages = i + 1;
    if ((rc = load_stage(c, list->items[i], w, i))) return rc;
  }
  for (size_t i = 0; i < list->n; i++)
    if ((rc = load_after(c, list->items[i], w, i))) return rc;
  return 0;
}

int mi_cfg_load_workflows(const mi_cfg_ctx *c, const mi_ynode *n) {
  mi_config *cfg = c->cfg;
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "workflows (ticket kind: list of stages)"))) return rc;
  if (!(cfg->workflows = mi_cfg_alloc(c, n->n, sizeof *cfg->workflows))) return MI_ENOMEM;
  for (size_t i = 0; i < n->n; i++) {
    cfg->nworkflows = i + 1;
    if ((rc = load_workflow(c, n->items[2 * i], n->items[2 * i + 1], &cfg->workflows[i])))
      return rc;
  }
  return 0;
}
