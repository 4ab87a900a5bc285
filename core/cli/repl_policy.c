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
#include "util/i18n.h"
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
    /* one whole line a state: the translator pads the state's column */
    fprintf(sh->out,
            loaded     ? _("%-8s loaded    %s (%s)\n")
            : reloaded ? _("%-8s reloaded  %s (%s)\n")
                       : _("%-8s unchanged %s (%s)\n"),
            pols[i].name, mi_policy_path(*pols[i].p), mi_policy_digest(*pols[i].p));
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

/* A label of .explain's table: in the language chosen where people read it
 * (table and markdown mode); csv and json keep the English keys that
 * scripts read. */
static int for_people(const mi_shell *sh) {
  return sh->mode == MI_SHELL_TABLE || sh->mode == MI_SHELL_MARKDOWN;
}

static const char *label(const mi_shell *sh, const char *msgid) __attribute__((format_arg(2)));
static const char *label(const mi_shell *sh, const char *msgid) {
  return for_people(sh) ? mi_tr(msgid) : msgid;
}

/* Whose fields a view holds, for their labels. */
typedef enum view_of { VIEW_INPUT, VIEW_EVENT, VIEW_CUSTOMER } view_of;

/* The label of a view's field: "input spend_12m" (labels as label()). */
static void field_label(const mi_shell *sh, view_of of, const char *name, char *key, size_t size) {
  int people = for_people(sh);
  switch (of) {
  case VIEW_INPUT: snprintf(key, size, people ? _("input %s") : "input %s", name); break;
  case VIEW_EVENT: snprintf(key, size, people ? _("event %s") : "event %s", name); break;
  default: snprintf(key, size, people ? _("customer %s") : "customer %s", name); break;
  }
}

/* The view's fields; personal ones masked for analysts, as `manyi explain`
 * and manyi.customer do (service/access.c). */
static void add_view(mi_shell *sh, mi_repl_val *m, view_of of, const mi_view *v) {
  int masked = mi_access_masked(&sh->cli->actor);
  for (size_t i = 0; i < v->nfields; i++) {
    char key[96], buf[320];
    mi_view_field f = v->fields[i];
    field_label(sh, of, f.name, key, sizeof key);
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

static void add_returned_by(mi_shell *sh, mi_repl_val *m, const mi_policy *p, int line) {
  char at[600];
  snprintf(at, sizeof at, "%s:%d", mi_policy_path(p), line);
  mi_shell_map_add(m, label(sh, N_("returned by")), mi_shell_str(at));
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
  mi_shell_map_add(m, label(sh, N_("customer")), mi_shell_str(id));
  mi_shell_map_add(m, label(sh, N_("as of")), mi_shell_str(when));
  add_view(sh, m, VIEW_INPUT, &view);
  mi_shell_map_add(m, label(sh, N_("decision")), mi_shell_str(d.tier));
  mi_shell_map_add(m, label(sh, N_("reason")), reason_value(sh, &view, d.reason));
  add_returned_by(sh, m, sh->tiers, d.line);
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
  mi_shell_map_add(m, label(sh, N_("order")), mi_shell_str(order));
  mi_shell_map_add(m, label(sh, N_("as of")), mi_shell_str(when));
  add_view(sh, m, VIEW_EVENT, &x->event);
  add_view(sh, m, VIEW_CUSTOMER, &x->customer);
  mi_shell_map_add(m, label(sh, N_("points")), d->has_points ? mi_shell_int(d->points) : (mi_repl_val){0});
  mi_shell_map_add(m, label(sh, N_("expires")), mi_shell_str(d->has_points ? d->expires : NULL));
  mi_shell_map_add(m, label(sh, N_("reason")),
                   reason_value(sh, &x->customer, d->has_points ? d->reason : label(sh, N_("no points"))));
  add_returned_by(sh, m, sh->loyalty, d->line);
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
