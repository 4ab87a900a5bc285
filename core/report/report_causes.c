/* Complaint accountability in the report (issue 18 item 6): the root causes
 * of the complaints closed in the period as a Pareto table (count, share,
 * cumulative share; most frequent first) and who was held responsible, a
 * department or a staff member. Gathered into doc["root_causes"]; rendered
 * as its own section, or one sentence when there is nothing to show. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "store/ticket_causes.h"
#include "util/i18n.h"

static int add_cause(const mi_cause_count *c, void *ud) {
  json_array_append_new(ud, c->root_cause
                                ? json_pack("{s:s, s:I}", "root_cause", c->root_cause, "count",
                                            (json_int_t)c->n)
                                : json_pack("{s:s, s:s, s:I}", "kind", c->who, "code", c->code,
                                            "count", (json_int_t)c->n));
  return 0;
}

int mi_report_gather_causes(mi_store *s, const mi_config *cfg, json_t *doc, int64_t from,
                            int64_t to, mi_err *e) {
  json_t *causes = json_array(), *who = json_array();
  int rc = mi_ticket_causes_by_root(s, from, to, add_cause, causes, e);
  if (!rc) rc = mi_ticket_causes_by_responsible(s, from, to, add_cause, who, e);
  if (rc) {
    json_decref(causes), json_decref(who);
    return rc;
  }
  json_int_t total = 0, cum = 0;
  size_t i;
  json_t *c;
  json_array_foreach(causes, i, c) total += json_integer_value(json_object_get(c, "count"));
  json_array_foreach(causes, i, c) {
    json_int_t n = json_integer_value(json_object_get(c, "count"));
    cum += n;
    const mi_config_label *l = mi_config_find_label(cfg, MI_CONFIG_LIST_ROOT_CAUSE,
                                                    json_string_value(json_object_get(c, "root_cause")));
    json_object_set_new(c, "name", l ? json_string(l->name) : json_null());
    json_object_set_new(c, "share", json_real((double)n / (double)total));
    json_object_set_new(c, "cumulative", json_real((double)cum / (double)total));
  }
  json_object_set_new(doc, "root_causes",
                      json_pack("{s:I, s:b, s:o, s:o}", "complaints", total, "configured",
                                cfg->nroot_causes > 0, "causes", causes, "responsible", who));
  return 0;
}

/* A new row of cells (new references), NULL-terminated. */
static json_t *cells(json_t *first, ...) {
  json_t *r = json_array();
  va_list ap;
  va_start(ap, first);
  for (json_t *c = first; c; c = va_arg(ap, json_t *)) json_array_append_new(r, c);
  va_end(ap);
  return r;
}

static json_t *pct(double x) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f", 100 * x);
  return json_string(buf);
}

static json_t *num(json_int_t n) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", (long long)n);
  return json_string(buf);
}

static json_t *table(const char *id, const char *caption, const char *c1, const char *c2,
                     const char *c3, const char *c4) {
  json_t *cols = json_array();
  const char *cs[] = {c1, c2, c3, c4};
  for (int i = 0; i < 4 && cs[i]; i++) json_array_append_new(cols, json_string(cs[i]));
  return json_pack("{s:s, s:s, s:o, s:[], s:[]}", "id", id, "caption", caption, "columns", cols,
                   "rows", "row_ids");
}

void mi_report_tables_causes(json_t *all, const json_t *doc) {
  const json_t *rc = json_object_get(doc, "root_causes");
  if (!rc) return;
  json_t *notes = json_array(), *tables = json_array();
  json_array_append_new(all, json_pack("{s:s, s:s, s:o, s:o}", "id", "root_causes", "title",
                                       _("10. Complaint root causes and accountability"),
                                       "notes", notes, "tables", tables));
  json_int_t total = json_integer_value(json_object_get(rc, "complaints"));
  if (!total) {
    json_array_append_new(notes, json_string(
        json_is_true(json_object_get(rc, "configured"))
            ? _("No complaint was closed in this period with its root cause (closing a complaint "
                "records it: `manyi ticket close ID --root-cause CODE --responsible WHO`).")
            : _("Complaint root causes are not recorded: list them under root_causes: in the "
                "configuration, and closing a complaint records one and who was responsible.")));
    return;
  }
  json_t *t = table("pareto_root_causes", _("Root causes of closed complaints (Pareto)"),
                    _("root cause"), _("complaints"), _("share %"), _("cumulative %"));
  json_array_append_new(tables, t);
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(rc, "causes"), i, c) {
    const char *code = json_string_value(json_object_get(c, "root_cause"));
    const char *name = json_string_value(json_object_get(c, "name"));
    json_array_append_new(json_object_get(t, "rows"),
                          cells(json_string(name ? name : code),
                                num(json_integer_value(json_object_get(c, "count"))),
                                pct(json_number_value(json_object_get(c, "share"))),
                                pct(json_number_value(json_object_get(c, "cumulative"))), NULL));
    json_array_append_new(json_object_get(t, "row_ids"), json_string(code));
  }
  json_t *w = table("responsible", _("Who was responsible"), _("department or staff"),
                    _("complaints"), NULL, NULL);
  json_array_append_new(tables, w);
  json_array_foreach(json_object_get(rc, "responsible"), i, c) {
    const char *kind = json_string_value(json_object_get(c, "kind"));
    const char *code = json_string_value(json_object_get(c, "code"));
    char label[160];
    if (!strcmp(kind, "department"))
      snprintf(label, sizeof label, "%s", mi_report_name(doc, "departments", code));
    else
      snprintf(label, sizeof label, _("staff %s"), code);
    json_array_append_new(json_object_get(w, "rows"),
                          cells(json_string(label),
                                num(json_integer_value(json_object_get(c, "count"))), NULL));
    json_array_append_new(json_object_get(w, "row_ids"), json_string(code));
  }
}
