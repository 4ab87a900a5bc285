#include "service/sla_backtest.h"

#include <stdlib.h>
#include <string.h>

#include "sched/calendar.h"
#include "service/tickets.h"

static mi_backtest_row *row_for(mi_backtest *b, const char *department) {
  for (size_t i = 0; i < b->nrows; i++)
    if (!strcmp(b->rows[i].department, department)) return &b->rows[i];
  mi_backtest_row *rows = realloc(b->rows, (b->nrows + 1) * sizeof *rows);
  if (!rows) return NULL;
  b->rows = rows;
  mi_backtest_row *r = &rows[b->nrows++];
  memset(r, 0, sizeof *r);
  snprintf(r->department, sizeof r->department, "%s", department);
  return r;
}

/* Which targets the report breached: state 3, or a late next response. */
static void count(const mi_sla_report *r, int64_t breached[3]) {
  for (int i = 0; i < 2; i++) breached[i] += r->clocks[i].state == 3;
  breached[2] += r->next_breached > 0;
}

static void add_row(mi_backtest_row *to, const mi_backtest_row *from) {
  to->tickets += from->tickets;
  to->no_rule += from->no_rule;
  for (int i = 0; i < 3; i++) {
    to->breached_now[i] += from->breached_now[i];
    to->breached_candidate[i] += from->breached_candidate[i];
  }
}

static int set(const mi_config_sla_time *t) { return t->seconds || t->days; }

static int one(mi_store *s, const mi_config *cfg, mi_sched_calendar **cals, const char *id,
               int64_t now, const mi_sla_candidate *cand, mi_backtest *out, mi_err *e) {
  mi_sla_report now_r, cand_r;
  int rc = mi_ticket_sla_under(s, cfg, cals, id, now, NULL, &now_r, e);
  if (rc) return rc;
  mi_backtest_row *row = row_for(out, now_r.ticket.department);
  if (!row) return mi_err_set(e, MI_ENOMEM, "out of memory");
  row->tickets++;
  mi_config_sla rule = {0};
  if (now_r.rule) {
    rule = *now_r.rule;
    count(&now_r, row->breached_now);
  } else if (!set(&cand->first_response) || !set(&cand->resolution)) {
    row->no_rule++;
    return 0;
  }
  static const char *const names[] = {"first_response", "resolution", "next_response"};
  const mi_config_sla_time *from[] = {&cand->first_response, &cand->resolution,
                                      &cand->next_response};
  mi_config_sla_time *to[] = {&rule.first_response, &rule.resolution, &rule.next_response};
  const mi_config_calendar *cc =
      mi_config_sla_calendar(&rule, mi_config_find_department(cfg, now_r.ticket.department));
  for (int i = 0; i < 3; i++) {
    if (!set(from[i])) continue;
    if (from[i]->clock_days && cc && !mi_config_calendar_round_the_clock(cc))
      return mi_err_set(e, MI_EINVAL,
                        "--target %s: days of 24 h, but ticket %s's clocks run in calendar "
                        "'%s', which closes: give business days (e.g. 3bd) or hours",
                        names[i], id, cc->name);
    *to[i] = *from[i];
  }
  if ((rc = mi_ticket_sla_under(s, cfg, cals, id, now, &rule, &cand_r, e))) return rc;
  count(&cand_r, row->breached_candidate);
  return 0;
}

static int by_department(const void *a, const void *b) {
  return strcmp(((const mi_backtest_row *)a)->department, ((const mi_backtest_row *)b)->department);
}

int mi_sla_backtest(mi_store *s, const mi_config *cfg, const char *kind, int64_t from,
                    int64_t to, int64_t now, const mi_sla_candidate *cand, mi_backtest *out,
                    mi_err *e) {
  if (!s || !cfg || !kind || !cand || !out) return mi_err_set(e, MI_EINVAL, "backtest what?");
  memset(out, 0, sizeof *out);
  /* An unknown kind would match no ticket and look like a clean record. */
  int rc = mi_config_check_label(cfg, MI_CONFIG_LIST_KIND, kind, e);
  if (rc) return rc;
  char(*ids)[65] = NULL;
  size_t n = 0;
  rc = mi_ticket_ids_opened(s, kind, 0, from, to, &ids, &n, e);
  if (rc) return rc;
  mi_sched_calendar **cals = calloc(cfg->ncalendars ? cfg->ncalendars : 1, sizeof *cals);
  if (!cals) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; i < n && !rc; i++) rc = one(s, cfg, cals, ids[i], now, cand, out, e);
  if (cals) mi_ticket_sla_calendars_free(cfg, cals);
  free(ids);
  if (rc) {
    mi_backtest_free(out);
    return rc;
  }
  if (out->nrows) qsort(out->rows, out->nrows, sizeof *out->rows, by_department);
  snprintf(out->total.department, sizeof out->total.department, "all");
  for (size_t i = 0; i < out->nrows; i++) add_row(&out->total, &out->rows[i]);
  return 0;
}

void mi_backtest_free(mi_backtest *b) {
  if (!b) return;
  free(b->rows);
  memset(b, 0, sizeof *b);
}
