/* The closed loop in the satisfaction report: the detractors called back.
 * The follow-up tickets the alert policy opened from responses in the
 * period (manyi eval alerts), how many were contacted (the ticket's first
 * response: the call-back) and closed, how many are still open, and the
 * median hours from opening to the call-back and to the close. Kept in its
 * own file: the document's "followups" and the section drawn from it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "store/alerts.h"
#include "util/i18n.h"

static json_t *hours(double h) { return h >= 0 ? json_real(h) : json_null(); }

int mi_report_add_followups(mi_store *s, json_t *doc, int64_t from, int64_t to, mi_err *e) {
  mi_alert_figures f;
  int rc = mi_alert_figures_get(s, from, to, &f, e);
  if (rc) return rc;
  json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:s}", "opened", (json_int_t)f.opened,
                        "contacted", (json_int_t)f.contacted, "closed", (json_int_t)f.closed,
                        "open", (json_int_t)f.open_now, "median_contact_hours",
                        hours(f.median_contact_hours), "median_close_hours",
                        hours(f.median_close_hours), "note",
                        "follow-up tickets opened in the period by the alert policy (manyi eval "
                        "alerts) from survey responses; contacted = the ticket's first response; "
                        "hours are clock hours from opening");
  if (!o) return mi_err_set(e, MI_ENOMEM, "out of memory");
  json_object_set_new(doc, "followups", o);
  return 0;
}

static json_t *cell_hours(const json_t *o, const char *k) {
  const json_t *v = json_object_get(o, k);
  char buf[32];
  if (!json_is_number(v)) return json_string("-");
  snprintf(buf, sizeof buf, "%.1f", json_number_value(v));
  return json_string(buf);
}

static json_t *cell_count(const json_t *o, const char *k) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(json_object_get(o, k)));
  return json_string(buf);
}

/* "a|b" as ["a", "b"] (the tables' columns are translated as one string). */
static json_t *columns(const char *spec) {
  json_t *cols = json_array();
  char buf[256];
  snprintf(buf, sizeof buf, "%s", spec);
  for (char *save = NULL, *c = strtok_r(buf, "|", &save); c; c = strtok_r(NULL, "|", &save))
    json_array_append_new(cols, json_string(c));
  return cols;
}

void mi_report_followups_section(json_t *all, const json_t *doc) {
  const json_t *f = json_object_get(doc, "followups");
  if (!f) return;
  json_t *sec = json_pack("{s:s, s:s, s:[], s:[]}", "id", "followups", "title",
                          _("11. Detractors called back"), "notes", "tables");
  json_t *notes = json_object_get(sec, "notes");
  if (!json_integer_value(json_object_get(f, "opened"))) {
    json_array_append_new(notes, json_string(_("No follow-up was opened from a survey response in the period (`manyi eval alerts` opens them).")));
    json_array_append_new(all, sec);
    return;
  }
  json_t *rows = json_array(), *ids = json_array();
  static const struct {
    const char *id, *label, *key;
    int is_hours;
  } lines[] = {
      {"opened", N_("follow-ups opened from responses"), "opened", 0},
      {"contacted", N_("of those called back"), "contacted", 0},
      {"closed", N_("of those closed"), "closed", 0},
      {"open", N_("still open"), "open", 0},
      {"contact_hours", N_("median hours to the call-back"), "median_contact_hours", 1},
      {"close_hours", N_("median hours to closing"), "median_close_hours", 1},
  };
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
    json_array_append_new(rows, json_pack("[s, o]", _(lines[i].label),
                                          lines[i].is_hours ? cell_hours(f, lines[i].key)
                                                            : cell_count(f, lines[i].key)));
    json_array_append_new(ids, json_string(lines[i].id));
  }
  json_array_append_new(json_object_get(sec, "tables"),
                        json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", "followups", "caption",
                                  _("Follow-up tickets the alert policy opened for detractors"),
                                  "columns", columns(_("figure|value")), "rows", rows, "row_ids", ids));
  json_array_append_new(notes, json_string(_("Called back: the follow-up ticket's first response; hours are clock hours from its opening.")));
  json_array_append_new(all, sec);
}
