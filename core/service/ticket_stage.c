/* Ticket processes: the stages of a complaint or a business request, as
 * configured under `workflows:`. Each move is a 'stage' event (with the
 * status it leaves and enters, so the SLA clocks see pauses and resolutions
 * in the same log); tickets.stage keeps the latest for listing. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "service/tickets.h"

/* "a, b or c": the stages st may go to from stage index `from`. */
static void next_stages(const mi_config_workflow *w, size_t from, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = 0;
  for (size_t i = 0; i < w->nstages; i++)
    for (size_t k = 0; k < w->stages[i].nafter; k++)
      if (w->stages[i].after[k] == from && len + 2 < size)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", w->stages[i].name);
  if (!len) snprintf(buf, size, "nothing (it is the last stage)");
}

static size_t stage_index(const mi_config_workflow *w, const char *name) {
  for (size_t i = 0; i < w->nstages; i++)
    if (!strcmp(w->stages[i].name, name)) return i;
  return 0; /* a stage no longer configured: treat as the start */
}

static char *stage_detail(const char *stage, const char *from, const char *reason, bool responds) {
  json_t *o = json_pack("{s:s}", "stage", stage);
  if (from) json_object_set_new(o, "from_stage", json_string(from));
  if (reason) json_object_set_new(o, "reason", json_string(reason));
  if (responds) json_object_set_new(o, "responds", json_true());
  char *t = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return t;
}

int mi_ticket_stage_start(mi_store *s, const mi_config *cfg, int64_t ticket_id, const char *kind,
                          const char *actor, int64_t now, mi_err *e) {
  const mi_config_workflow *w = mi_config_find_workflow(cfg, kind);
  if (!w) return 0;
  const char *first = w->stages[0].name;
  char *d = stage_detail(first, NULL, NULL, false);
  int rc = mi_ticket_event_add(s, ticket_id, now, "stage", actor, "new", "new", d, e);
  free(d);
  return rc ? rc : mi_ticket_set_stage(s, ticket_id, first, e);
}

int mi_ticket_stage(mi_store *s, const mi_config *cfg, const char *ticket, const char *stage,
                    const char *reason, const char *actor, int64_t now, mi_ticket_row *after,
                    mi_err *e) {
  if (!s || !cfg || !ticket || !stage || !actor)
    return mi_err_set(e, MI_EINVAL, "which ticket, which stage?");
  if (reason && strlen(reason) > 2000)
    return mi_err_set(e, MI_EINVAL, "the reason is longer than 2000 bytes");
  int rc;
  if ((rc = mi_store_begin(s, e))) return rc;
  mi_ticket_row t;
  if ((rc = mi_ticket_get(s, ticket, &t, e))) goto fail;
  const mi_config_workflow *w = mi_config_find_workflow(cfg, t.kind);
  if (!w) {
    rc = mi_err_set(e, MI_EINVAL, "%s tickets have no stages: add `workflows: %s:` to the "
                    "configuration, or use the plain actions", t.kind, t.kind);
    goto fail;
  }
  const mi_config_stage *st = mi_config_find_stage(w, stage);
  size_t from = stage_index(w, *t.stage ? t.stage : w->stages[0].name);
  char next[512];
  next_stages(w, from, next, sizeof next);
  if (!st) {
    rc = mi_err_set(e, MI_EINVAL, "%s tickets have no stage '%s' (from %s it can go to %s)",
                    t.kind, stage, w->stages[from].name, next);
    goto fail;
  }
  if (!strcmp(t.status, "resolved") || !strcmp(t.status, "closed")) {
    rc = mi_err_set(e, MI_EINVAL, "ticket %s is %s: reopen it before it moves on", ticket, t.status);
    goto fail;
  }
  int allowed = 0;
  for (size_t k = 0; k < st->nafter; k++) allowed |= st->after[k] == from;
  if (!allowed) {
    rc = mi_err_set(e, MI_EINVAL, "ticket %s is at stage %s: it can go to %s, not %s", ticket,
                    w->stages[from].name, next, stage);
    goto fail;
  }
  if (st->reason && (!reason || !*reason)) {
    rc = mi_err_set(e, MI_EINVAL, "stage %s needs a reason (--reason TEXT)", stage);
    goto fail;
  }
  const char *to = st->status ? st->status : t.status;
  int64_t first = t.first_response_at, resolved = t.resolved_at;
  if (st->responds && !first) first = now;
  if (!strcmp(to, "resolved")) resolved = now;
  char *d = stage_detail(stage, w->stages[from].name, reason, st->responds);
  rc = mi_ticket_event_add(s, t.id, now, "stage", actor, t.status, to, d, e);
  free(d);
  if (rc || (rc = mi_ticket_set_state(s, t.id, to, first, resolved, -1, e)) ||
      (rc = mi_ticket_set_stage(s, t.id, stage, e)))
    goto fail;
  /* the customer is told: of the resolution, else of a stage marked notify */
  if (!strcmp(to, "resolved")) rc = mi_ticket_notify(
                                     s, cfg, ticket, MI_NOTICE_RESOLVED,
                                     &(mi_notice_detail){.stage = stage, .text = reason}, now, e);
  else if (st->notify) rc = mi_ticket_notify(s, cfg, ticket, MI_NOTICE_STAGE,
                                                  &(mi_notice_detail){.stage = stage, .text = reason},
                                                  now, e);
  if (rc) goto fail;
  if (after && (rc = mi_ticket_get(s, ticket, after, e))) goto fail;
  return mi_store_commit(s, e);
fail:
  mi_store_rollback(s);
  return rc;
}

int mi_ticket_stage_approves(mi_store *s, const mi_config *cfg, const char *ticket,
                             const char *stage, int *approves, mi_err *e) {
  if (!s || !cfg || !ticket || !stage || !approves)
    return mi_err_set(e, MI_EINVAL, "which ticket, which stage?");
  *approves = 0;
  mi_ticket_row t;
  int rc = mi_ticket_get(s, ticket, &t, e);
  if (rc) return rc;
  const mi_config_stage *st = mi_config_find_stage(mi_config_find_workflow(cfg, t.kind), stage);
  if (!st) return mi_err_set(e, MI_ENOTFOUND, "%s tickets have no stage '%s'", t.kind, stage);
  *approves = st->approve;
  return 0;
}
