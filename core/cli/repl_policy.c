/* The policies in the REPL: .policy [reload] and .explain. The tier and
 * loyalty policies of the configuration are loaded on first use and kept,
 * so that an administrator can edit policies/tiers.lua, say .policy reload
 * (a broken edit leaves the loaded version running) and .explain tier ID
 * again. .explain shows what `manyi explain` shows, as a key/value table
 * in the current .mode. */
#include <stdlib.h>
#include <string.h>

#include "cli/repl_shell.h"
#include "service/points.h"
#include "service/tiers.h"
#include "util/timeutil.h"

/* The policy named name, loaded on first use. */
static int policy(mi_shell *sh, const char *name, mi_policy **p, mi_err *e) {
  if (*p) return 0;
  return mi_policy_load_config(sh->cli->cfg, name, p, e);
}

int mi_shell_policies(mi_shell *sh, int reload, mi_err *e) {
  struct {
    const char *name;
    mi_policy **p;
  } pols[] = {{"tiers", &sh->tiers}, {"loyalty", &sh->loyalty}};
  int first = 0;
  for (size_t i = 0; i < sizeof pols / sizeof *pols; i++) {
    if (!mi_config_find_policy(sh->cli->cfg, pols[i].name)) continue;
    mi_err pe = {0};
    int loaded = !*pols[i].p, reloaded = 0, rc;
    if (loaded) rc = policy(sh, pols[i].name, pols[i].p, &pe);
    else rc = reload ? mi_policy_reload(*pols[i].p, &reloaded, &pe) : 0;
    if (rc) {
      if (!first) {
        *e = pe;
        first = rc;
      } else {
        fputs("manyi: ", stderr);
        mi_err_print(&pe, stderr);
      }
      continue;
    }
    fprintf(sh->out, "%-8s %-9s %s (%s)\n", pols[i].name,
            loaded ? "loaded" : reloaded ? "reloaded" : "unchanged", mi_policy_path(*pols[i].p),
            mi_policy_digest(*pols[i].p));
  }
  return first;
}

static mi_repl_val view_value(const mi_view_field *f) {
  switch (f->type) {
  case MI_VIEW_BOOL: return (mi_repl_val){.kind = MI_RV_BOOL, .b = f->i != 0};
  case MI_VIEW_INT: return mi_shell_int(f->i);
  case MI_VIEW_NUM: return mi_shell_num(f->d);
  case MI_VIEW_STR: return mi_shell_str(f->s);
  default: return (mi_repl_val){.kind = MI_RV_NIL};
  }
}

/* The view's fields under prefix; personal ones masked for analysts, as
 * `manyi explain` and manyi.customer do (service/access.c). */
static void add_view(mi_shell *sh, mi_repl_val *m, const char *prefix, const mi_view *v) {
  int masked = mi_access_masked(&sh->cli->actor);
  for (size_t i = 0; i < v->nfields; i++) {
    char key[96], buf[320];
    mi_view_field f = v->fields[i];
    snprintf(key, sizeof key, "%s%s", prefix, f.name);
    if (masked && f.type == MI_VIEW_STR) f.s = mi_access_mask(f.name, f.s, buf, sizeof buf);
    mi_shell_map_add(m, key, view_value(&f));
  }
}

/* A policy's reason; for analysts with the customer's phone numbers, e-mail
 * addresses and name masked, as `manyi explain` shows it. */
static mi_repl_val reason_value(mi_shell *sh, const mi_view *v, const char *reason) {
  if (!mi_access_masked(&sh->cli->actor) || !reason) return mi_shell_str(reason);
  const char *name = NULL;
  for (size_t i = 0; i < v->nfields; i++)
    if (!strcmp(v->fields[i].name, "name") && v->fields[i].type == MI_VIEW_STR) name = v->fields[i].s;
  char *r = mi_access_mask_text(reason, name);
  mi_repl_val out = mi_shell_str(r ? r : "***");
  free(r);
  return out;
}

static void add_returned_by(mi_repl_val *m, const mi_policy *p, int line) {
  char at[600];
  snprintf(at, sizeof at, "%s:%d", mi_policy_path(p), line);
  mi_shell_map_add(m, "returned by", mi_shell_str(at));
}

static int explain_tier(mi_shell *sh, const char *id, int64_t as_of, const char *when,
                        mi_repl_val *m, mi_err *e) {
  int rc = policy(sh, "tiers", &sh->tiers, e);
  mi_view view;
  mi_tier_decision d;
  if (rc || (rc = mi_tier_explain(sh->cli->store, sh->cli->cfg, sh->tiers, id, as_of,
                                  sh->view_fields, &view, &d, e)))
    return rc;
  mi_shell_map_init(m, view.nfields + 8);
  mi_shell_map_add(m, "customer", mi_shell_str(id));
  mi_shell_map_add(m, "as of", mi_shell_str(when));
  add_view(sh, m, "input ", &view);
  mi_shell_map_add(m, "decision", mi_shell_str(d.tier));
  mi_shell_map_add(m, "reason", reason_value(sh, &view, d.reason));
  add_returned_by(m, sh->tiers, d.line);
  return 0;
}

static int explain_points(mi_shell *sh, const char *order, int64_t as_of, const char *when,
                          mi_repl_val *m, mi_err *e) {
  int rc = policy(sh, "loyalty", &sh->loyalty, e);
  if (rc) return rc;
  mi_points_explanation *x = calloc(1, sizeof *x);
  if (!x) return mi_err_set(e, MI_ENOMEM, "out of memory");
  if ((rc = mi_points_explain(sh->cli->store, sh->cli->cfg, sh->loyalty, order, as_of, x, e))) {
    free(x);
    return rc;
  }
  const mi_points_decision *d = &x->decision;
  mi_shell_map_init(m, x->event.nfields + x->customer.nfields + 8);
  mi_shell_map_add(m, "order", mi_shell_str(order));
  mi_shell_map_add(m, "as of", mi_shell_str(when));
  add_view(sh, m, "event ", &x->event);
  add_view(sh, m, "customer ", &x->customer);
  mi_shell_map_add(m, "points", d->has_points ? mi_shell_int(d->points) : (mi_repl_val){0});
  mi_shell_map_add(m, "expires", mi_shell_str(d->has_points ? d->expires : NULL));
  mi_shell_map_add(m, "reason", reason_value(sh, &x->customer, d->has_points ? d->reason : "no points"));
  add_returned_by(m, sh->loyalty, d->line);
  free(x);
  return 0;
}

int mi_shell_explain(mi_shell *sh, const char *what, const char *id, const char *as_of_text,
                     mi_err *e) {
  int64_t as_of = sh->now;
  int rc;
  if (as_of_text && (rc = mi_instant_parse(as_of_text, &as_of, e))) return rc;
  char when[21];
  mi_instant_format(as_of, when);
  mi_repl_val m;
  if (!strcmp(what, "tier")) rc = explain_tier(sh, id, as_of, when, &m, e);
  else if (!strcmp(what, "points")) rc = explain_points(sh, id, as_of, when, &m, e);
  else return mi_err_set(e, MI_EINVAL, "give tier ID or points ORDER");
  if (rc) return rc;
  mi_shell_show_value(sh, &m);
  fflush(sh->out);
  mi_repl_val_free(&m);
  return 0;
}
