/* calendars: name -> weekly opening hours, holidays, extra working days and
 * an optional iCalendar file; then the built-in 24x7. The hours are checked
 * to be ordered and not to overlap, so sched can walk them without
 * re-checking. */
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

static const char *const weekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

static int load_day(const mi_cfg_ctx *c, const mi_ynode *list, const char *day,
                    mi_config_range **out, size_t *count) {
  int rc;
  if ((rc = mi_cfg_want_list(c, list, "opening hours"))) return rc;
  if (list->n == 0)
    return mi_cfg_fail(c, list, "no opening hours for '%s': leave the day out if it is closed",
                       day);
  mi_config_range *r = mi_cfg_alloc(c, list->n, sizeof *r);
  if (!r) return MI_ENOMEM;
  *out = r;
  *count = list->n;
  for (size_t i = 0; i < list->n; i++) {
    const mi_ynode *item = list->items[i];
    if (item->kind != MI_YSCALAR || mi_cfg_parse_hours(item->text, &r[i].start, &r[i].end))
      return mi_cfg_fail(c, item, "'%s' is not a time range: write HH:MM-HH:MM (e.g. 09:00-18:00)",
                         item->kind == MI_YSCALAR ? item->text : mi_cfg_describe(item));
    if (r[i].start >= r[i].end)
      return mi_cfg_fail(c, item,
                         "'%s' ends before it starts: a range lies within one day (up to 24:00)",
                         item->text);
    if (i > 0 && r[i].start < r[i - 1].end)
      return mi_cfg_fail(c, item,
                         "'%s' overlaps or precedes the range before it: list ranges in order "
                         "without overlap",
                         item->text);
  }
  return 0;
}

static int load_hours(const mi_cfg_ctx *c, const mi_ynode *n, mi_config_calendar *cal) {
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "hours"))) return rc;
  if ((rc = mi_cfg_check_keys(c, n, weekdays, NULL, "hours"))) return rc;
  if (n->n == 0)
    return mi_cfg_fail(c, n, "calendar '%s' has no opening hours: add at least one day", cal->name);
  for (int d = 0; d < 7; d++) {
    const mi_ynode *v = mi_cfg_get(n, weekdays[d]);
    if (v && (rc = load_day(c, v, weekdays[d], &cal->hours[d], &cal->nhours[d]))) return rc;
  }
  return 0;
}

typedef struct dated {
  int64_t day;
  const mi_ynode *node;
  bool holiday;
} dated;

static int cmp_dated(const void *a, const void *b) {
  const dated *x = a, *y = b;
  if (x->day != y->day) return x->day < y->day ? -1 : 1;
  if (x->node->line != y->node->line) return x->node->line < y->node->line ? -1 : 1;
  return (x->node->column > y->node->column) - (x->node->column < y->node->column);
}

/* Reads holidays and working_days together, so that a date listed twice
 * (in one list or in both) is found by one sort. */
static int load_dates(const mi_cfg_ctx *c, const mi_ynode *hol, const mi_ynode *work,
                      mi_config_calendar *cal) {
  int rc;
  size_t nh = 0, nw = 0;
  if (hol && (rc = mi_cfg_want_list(c, hol, "holidays"))) return rc;
  if (work && (rc = mi_cfg_want_list(c, work, "working_days"))) return rc;
  nh = hol ? hol->n : 0;
  nw = work ? work->n : 0;
  if (nh + nw == 0) return 0;
  dated *all = mi_cfg_alloc(c, nh + nw, sizeof *all);
  if (!all) return MI_ENOMEM;
  for (size_t i = 0; i < nh + nw && !rc; i++) {
    all[i].holiday = i < nh;
    all[i].node = all[i].holiday ? hol->items[i] : work->items[i - nh];
    rc = mi_cfg_date(c, all[i].node, &all[i].day);
  }
  if (rc) goto done;
  qsort(all, nh + nw, sizeof *all, cmp_dated);
  const mi_ynode *dup = NULL, *first = NULL;
  for (size_t i = 1; i < nh + nw; i++) {
    const mi_ynode *b = all[i].node;
    if (all[i].day == all[i - 1].day &&
        (!dup || b->line < dup->line || (b->line == dup->line && b->column < dup->column))) {
      dup = b;
      first = all[i - 1].node;
    }
  }
  if (dup) {
    rc = mi_cfg_fail(c, dup,
                     "date %s is listed twice (first at line %d): list each date once, "
                     "as a holiday or as a working day",
                     dup->text, first->line);
    goto done;
  }
  cal->holidays = mi_cfg_alloc(c, nh, sizeof *cal->holidays);
  cal->working_days = mi_cfg_alloc(c, nw, sizeof *cal->working_days);
  if (!cal->holidays || !cal->working_days) {
    rc = MI_ENOMEM;
    goto done;
  }
  /* all[] is sorted, so each list comes out ascending. */
  for (size_t i = 0; i < nh + nw; i++) {
    if (all[i].holiday)
      cal->holidays[cal->nholidays++] = all[i].day;
    else
      cal->working_days[cal->nworking_days++] = all[i].day;
  }
done:
  free(all);
  return rc;
}

static int load_calendar(const mi_cfg_ctx *c, const mi_ynode *key, const mi_ynode *n,
                         mi_config_calendar *cal) {
  static const char *const keys[] = {"timezone", "hours", "holidays", "working_days", "ics", NULL};
  static const char *const required[] = {"hours", NULL};
  int rc;
  const mi_ynode *v;
  cal->line = key->line;
  cal->column = key->column;
  if ((rc = mi_cfg_key_code(c, key, "calendar", &cal->name))) return rc;
  if ((rc = mi_cfg_want_map(c, n, "a calendar"))) return rc;
  if ((rc = mi_cfg_check_keys(c, n, keys, required, "calendar"))) return rc;
  if ((v = mi_cfg_get(n, "timezone"))) {
    if ((rc = mi_cfg_text(c, v, &cal->timezone))) return rc;
    if (!mi_cfg_is_tz(cal->timezone))
      return mi_cfg_fail(c, v, "'%s' is not a time zone name: use e.g. UTC or Asia/Shanghai",
                         cal->timezone);
  } else if (!(cal->timezone = mi_cfg_strdup(c, c->cfg->timezone))) {
    return MI_ENOMEM;
  }
  if ((rc = load_hours(c, mi_cfg_get(n, "hours"), cal))) return rc;
  if ((rc = load_dates(c, mi_cfg_get(n, "holidays"), mi_cfg_get(n, "working_days"), cal)))
    return rc;
  if ((v = mi_cfg_get(n, "ics")) && (rc = mi_cfg_path(c, v, true, &cal->ics))) return rc;
  return 0;
}

/* The built-in 24x7: open 00:00-24:00 every day in the top-level zone (the
 * zone changes nothing: the clock never stops), for SLA rules in natural hours. */
static int add_24x7(const mi_cfg_ctx *c, mi_config_calendar *cal) {
  cal->builtin = true;
  if (!(cal->name = mi_cfg_strdup(c, MI_CONFIG_24X7)) ||
      !(cal->timezone = mi_cfg_strdup(c, c->cfg->timezone)))
    return MI_ENOMEM;
  for (int d = 0; d < 7; d++) {
    if (!(cal->hours[d] = mi_cfg_alloc(c, 1, sizeof *cal->hours[d]))) return MI_ENOMEM;
    cal->hours[d][0] = (mi_config_range){0, 1440};
    cal->nhours[d] = 1;
  }
  return 0;
}

int mi_cfg_load_calendars(const mi_cfg_ctx *c, const mi_ynode *n) {
  mi_config *cfg = c->cfg;
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "calendars"))) return rc;
  if (n->n == 0)
    return mi_cfg_fail(c, n, "no calendars: define at least one (departments name one)");
  if (!(cfg->calendars = mi_cfg_alloc(c, n->n + 1, sizeof *cfg->calendars))) return MI_ENOMEM;
  for (size_t i = 0; i < n->n; i++) {
    cfg->ncalendars = i + 1;
    if ((rc = load_calendar(c, n->items[2 * i], n->items[2 * i + 1], &cfg->calendars[i])))
      return rc;
  }
  cfg->ncalendars = n->n + 1;
  return add_24x7(c, &cfg->calendars[n->n]);
}
