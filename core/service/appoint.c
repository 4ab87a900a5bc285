/* On-site appointments (appoint.h): slot finding over calendars and booked
 * spans, and booking inside one write transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "service/appoint.h"
#include "service/tickets.h"
#include "store/tickets.h"
#include "util/timeutil.h"

/* ---- slot finding ------------------------------------------------------ */

/* The earliest t in [lo, hi - dur] with [t, t + dur) clear of every busy
 * span (sorted by start), or -1. */
static int64_t fit(const mi_busy *busy, size_t nbusy, int64_t lo, int64_t hi, int64_t dur) {
  int64_t t = lo;
  for (size_t i = 0; i < nbusy && t + dur <= hi; i++) {
    if (busy[i].end <= t) continue;
    if (busy[i].start >= t + dur) break; /* later spans start later still */
    t = busy[i].end;
  }
  return t + dur <= hi ? t : -1;
}

/* The earliest start for one candidate, or -1; *longest grows to the longest
 * open span met. Walks local days from the one before `after`, merging
 * openings that touch into spans. */
static int earliest(const mi_appoint_candidate *c, int64_t after, int64_t dur, int64_t until,
                    int64_t *start, int64_t *longest, mi_err *e) {
  *start = -1;
  const mi_sched_tz *tz = mi_sched_calendar_tz(c->cal);
  int64_t d0 = mi_sched_floor_div(mi_sched_tz_local(tz, after), 86400) - 1;
  int64_t d1 = mi_sched_floor_div(mi_sched_tz_local(tz, until), 86400) + 1;
  int64_t ss = 0, se = 0; /* the span being built; se == 0: none */
  mi_sched_day day;
  for (int64_t d = d0; d <= d1; d++) {
    int rc = mi_sched_calendar_day(c->cal, d, &day, e);
    if (rc) return rc;
    for (size_t i = 0; i < day.nranges; i++) {
      int64_t a = day.open[i][0], b = day.open[i][1];
      if (b <= a) continue; /* a range lost in a clock change */
      if (se && a == se) {
        se = b;
        continue;
      }
      if (se > after && se - ss > *longest) *longest = se - ss;
      if (se > after && ss < until) {
        int64_t t = fit(c->busy, c->nbusy, ss > after ? ss : after, se, dur);
        if (t >= 0 && t < until) {
          *start = t;
          return 0;
        }
      }
      if (a >= until) return 0;
      ss = a, se = b;
    }
    /* A span still open may already hold the visit: extending it cannot
     * give an earlier start. */
    if (se > after && ss < until) {
      int64_t t = fit(c->busy, c->nbusy, ss > after ? ss : after, se, dur);
      if (t >= 0 && t < until) {
        *start = t;
        if (se - ss > *longest) *longest = se - ss;
        return 0;
      }
    }
  }
  if (se > after && se - ss > *longest) *longest = se - ss;
  return 0;
}

int mi_appoint_find(const mi_appoint_candidate *c, size_t n, int64_t after, int64_t duration,
                    int64_t until, mi_appoint_slot *out, int64_t *longest, mi_err *e) {
  if ((!c && n) || !out) return mi_err_set(e, MI_EINVAL, "finding a slot needs candidates");
  if (duration <= 0) return mi_err_set(e, MI_EINVAL, "a visit needs a positive duration");
  if (after < MI_SCHED_TIME_MIN || until > MI_SCHED_TIME_MAX - 2 * 86400 || until <= after)
    return mi_err_set(e, MI_EINVAL, "the search window is out of range");
  int64_t t0 = mi_sched_floor_div(after + 59, 60) * 60, best = -1, seen = 0;
  for (size_t i = 0; i < n; i++) {
    if (!c[i].cal || !c[i].staff || (c[i].nbusy && !c[i].busy))
      return mi_err_set(e, MI_EINVAL, "candidate %zu lacks a calendar or staff id", i);
    int64_t t;
    int rc = earliest(&c[i], t0, duration, best >= 0 ? best + 1 : until, &t, &seen, e);
    if (rc) return rc;
    if (t < 0) continue;
    if (best < 0 || t < best || (t == best && strcmp(c[i].staff, c[out->candidate].staff) < 0)) {
      best = t;
      out->candidate = i;
    }
  }
  if (longest) *longest = seen;
  if (best < 0) return 0;
  out->start = best;
  out->end = best + duration;
  return 1;
}

/* ---- booking ----------------------------------------------------------- */

/* The configured calendar of department code, or NULL. */
static const mi_config_calendar *department_calendar(const mi_config *cfg, const char *code) {
  const mi_config_department *d = *code ? mi_config_find_department(cfg, code) : NULL;
  return d ? d->calendar : NULL;
}

/* "2026-11-23T10:00:00+08:00" in cal's zone, or UTC without a calendar. */
static void local_time(const mi_sched_calendar *cal, int64_t t, char buf[32]) {
  if (cal) {
    mi_sched_tz_format(mi_sched_calendar_tz(cal), t, buf);
  } else {
    char u[21];
    mi_instant_format(t, u);
    snprintf(buf, 32, "%s", u);
  }
}

/* The 'appointment' event of the ticket's log. */
static int log_event(mi_store *s, int64_t ticket_id, int64_t now, const char *actor,
                     const char *action, int64_t id, const char *staff, const char *skill,
                     const char *from, const char *to, mi_err *e) {
  json_t *d = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "action", action, "appointment",
                        (json_int_t)id, "staff", staff, "skill", skill, "starts_at", from,
                        "ends_at", to);
  char *text = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(d);
  if (!text) return mi_err_set(e, MI_ENOMEM, "out of memory writing the ticket event");
  int rc = mi_ticket_event_add(s, ticket_id, now, "appointment", actor, NULL, NULL, text, e);
  free(text);
  return rc;
}

/* The customer is told of a visit booked or cancelled (notify: templates
 * visit_booked and visit_cancelled), on a channel they consented to. */
static int tell_customer(mi_store *s, const mi_config *cfg, const char *ticket, int cancelled,
                         int64_t id, const char *from, const char *to, int64_t now, mi_err *e) {
  mi_notice_detail d = {.appointment = id, .visit_from = from, .visit_to = to};
  return mi_ticket_notify(s, cfg, ticket,
                          cancelled ? MI_NOTICE_VISIT_CANCELLED : MI_NOTICE_VISIT_BOOKED, &d, now, e);
}

static int check_request(const mi_appoint_request *r, mi_err *e) {
  if (!r->ticket || !r->skill || !r->actor)
    return mi_err_set(e, MI_EINVAL, "an appointment needs a ticket, a skill and an actor");
  int rc = mi_skill_check(r->skill, e);
  if (rc) return rc;
  if (r->duration <= 0 || r->duration % 60 || r->duration > 86400)
    return mi_err_set(e, MI_EINVAL, "the duration must be whole minutes from 1m to 24h, not "
                      "%lld seconds", (long long)r->duration);
  return 0;
}

/* What book() works with; freed by free_work. */
typedef struct work {
  mi_skilled_staff *staff;
  size_t nstaff;
  mi_sched_calendar **cals; /* by index into cfg->calendars */
  mi_appoint_candidate *cand;
  size_t *staff_of; /* cand[i] is staff[staff_of[i]] */
  mi_busy **busy;
  size_t ncand;
} work;

static void free_work(const mi_config *cfg, work *w) {
  for (size_t i = 0; w->cals && i < cfg->ncalendars; i++) mi_sched_calendar_free(w->cals[i]);
  for (size_t i = 0; w->busy && i < w->ncand; i++) free(w->busy[i]);
  free(w->cals), free(w->cand), free(w->staff_of), free(w->busy), free(w->staff);
}

/* Candidates: the skilled staff whose department has a calendar, with
 * their booked spans in [from, to). */
static int gather(mi_store *s, const mi_config *cfg, const char *skill, int64_t from, int64_t to,
                  work *w, mi_err *e) {
  int rc = mi_skilled_staff_list(s, skill, &w->staff, &w->nstaff, e);
  if (rc) return rc;
  if (!w->nstaff)
    return mi_err_set(e, MI_ENOTFOUND, "no active staff member has the skill '%s' (skills come "
                      "from the skills column of the staff import; see `manyi appoint skills`)",
                      skill);
  w->cals = calloc(cfg->ncalendars + 1, sizeof *w->cals);
  w->cand = calloc(w->nstaff, sizeof *w->cand);
  w->staff_of = calloc(w->nstaff, sizeof *w->staff_of);
  w->busy = calloc(w->nstaff, sizeof *w->busy);
  if (!w->cals || !w->cand || !w->staff_of || !w->busy)
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; i < w->nstaff; i++) {
    const mi_config_calendar *cc = department_calendar(cfg, w->staff[i].department);
    if (!cc) continue; /* no working hours known: cannot be sent */
    size_t ci = (size_t)(cc - cfg->calendars);
    if (!w->cals[ci] && (rc = mi_sched_calendar_new(cc, &w->cals[ci], e))) return rc;
    size_t k = w->ncand++;
    w->staff_of[k] = i;
    w->cand[k].staff = w->staff[i].external_id;
    w->cand[k].cal = w->cals[ci];
    if ((rc = mi_appointments_busy(s, w->staff[i].id, from, to, &w->busy[k], &w->cand[k].nbusy,
                                   e)))
      return rc;
    w->cand[k].busy = w->busy[k];
  }
  if (!w->ncand)
    return mi_err_set(e, MI_ECONFIG, "the %zu staff member(s) with skill '%s' have no department "
                      "with a calendar in the configuration, so their hours are unknown",
                      w->nstaff, skill);
  return 0;
}

/* "4h30m" style, for messages. */
static void span_text(int64_t secs, char *buf, size_t size) {
  int64_t m = secs / 60;
  if (m >= 60 && m % 60) snprintf(buf, size, "%lldh%02lldm", (long long)(m / 60), (long long)(m % 60));
  else if (m >= 60) snprintf(buf, size, "%lldh", (long long)(m / 60));
  else snprintf(buf, size, "%lldm", (long long)m);
}

/* The instant --after names: local to the ticket department's calendar. */
static int parse_after(const mi_config *cfg, const mi_ticket_row *t, const char *after,
                       int64_t *out, mi_err *e) {
  const mi_config_calendar *cc = department_calendar(cfg, t->department);
  if (!cc) return mi_instant_parse(after, out, e);
  mi_sched_calendar *cal = NULL;
  int rc = mi_sched_calendar_new(cc, &cal, e);
  if (!rc) rc = mi_sched_tz_parse(mi_sched_calendar_tz(cal), after, out, e);
  mi_sched_calendar_free(cal);
  return rc;
}

static int book(mi_store *s, const mi_config *cfg, const mi_appoint_request *r,
                mi_appoint_booked *out, work *w, mi_err *e) {
  mi_ticket_row t;
  int rc = mi_ticket_get(s, r->ticket, &t, e);
  if (rc) return rc;
  if (!strcmp(t.status, "resolved") || !strcmp(t.status, "closed"))
    return mi_err_set(e, MI_EINVAL, "ticket %s is %s: reopen it before booking a visit",
                      t.external_id, t.status);
  int64_t after = r->now;
  if (r->after && (rc = parse_after(cfg, &t, r->after, &after, e))) return rc;
  if (after < r->now) after = r->now; /* never in the past */
  if (after < MI_SCHED_TIME_MIN || after >= MI_SCHED_TIME_MAX - 400 * 86400LL)
    return mi_err_set(e, MI_EINVAL, "'%s' is out of the range manyi books in",
                      r->after ? r->after : "now");
  int64_t until = after + MI_APPOINT_HORIZON_DAYS * 86400LL;
  if ((rc = gather(s, cfg, r->skill, after, until + 86400, w, e))) return rc;
  mi_appoint_slot slot;
  int64_t longest = 0;
  rc = mi_appoint_find(w->cand, w->ncand, after, r->duration, until, &slot, &longest, e);
  if (rc < 0) return rc;
  char a[32], b[32];
  if (rc == 0) {
    span_text(r->duration, a, sizeof a);
    span_text(longest, b, sizeof b);
    if (longest < r->duration)
      return mi_err_set(e, MI_EINVAL, "a %s visit is longer than any open span of the calendars "
                        "of the staff with skill '%s' (the longest is %s); split the visit", a,
                        r->skill, b);
    return mi_err_set(e, MI_EINVAL, "no staff member with skill '%s' has a free %s within %d "
                      "days", r->skill, a, MI_APPOINT_HORIZON_DAYS);
  }
  const mi_skilled_staff *m = &w->staff[w->staff_of[slot.candidate]];
  const mi_sched_calendar *cal = w->cand[slot.candidate].cal;
  memset(out, 0, sizeof *out);
  snprintf(out->ticket, sizeof out->ticket, "%s", t.external_id);
  snprintf(out->staff, sizeof out->staff, "%s", m->external_id);
  snprintf(out->staff_name, sizeof out->staff_name, "%s", m->name);
  snprintf(out->department, sizeof out->department, "%s", m->department);
  snprintf(out->calendar, sizeof out->calendar, "%s", mi_sched_calendar_name(cal));
  out->starts_at = slot.start;
  out->ends_at = slot.end;
  local_time(cal, slot.start, out->starts_local);
  local_time(cal, slot.end, out->ends_local);
  if (r->dry_run) return 0;
  if ((rc = mi_appointment_insert(s, t.id, m->id, r->skill, slot.start, slot.end, r->now,
                                  r->actor, &out->id, e)) ||
      (rc = log_event(s, t.id, r->now, r->actor, "booked", out->id, m->external_id, r->skill,
                      out->starts_local, out->ends_local, e)))
    return rc;
  return tell_customer(s, cfg, t.external_id, 0, out->id, out->starts_local, out->ends_local,
                       r->now, e);
}

int mi_appoint_book(mi_store *s, const mi_config *cfg, const mi_appoint_request *r,
                    mi_appoint_booked *out, mi_err *e) {
  if (!s || !cfg || !r || !out) return mi_err_set(e, MI_EINVAL, "booking needs a store and a request");
  int rc = check_request(r, e);
  if (rc) return rc;
  /* Find and insert under one write lock, so a concurrent booking cannot
   * take the slot in between (the trigger would refuse it anyway). */
  if ((rc = mi_store_begin(s, e))) return rc;
  work w = {0};
  rc = book(s, cfg, r, out, &w, e);
  free_work(cfg, &w);
  if (rc || r->dry_run) {
    mi_store_rollback(s);
    return rc;
  }
  return mi_store_commit(s, e);
}

int mi_appoint_close(mi_store *s, const mi_config *cfg, int64_t id, const char *status,
                     const char *actor, int64_t now, mi_appointment_row *out, mi_err *e) {
  if (!s || !cfg || !status || !actor)
    return mi_err_set(e, MI_EINVAL, "closing an appointment needs a status and an actor");
  int cancel = !strcmp(status, "cancelled");
  if (!cancel && strcmp(status, "done"))
    return mi_err_set(e, MI_EINVAL, "an appointment is closed as done or cancelled, not '%s'",
                      status);
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  mi_appointment_row a;
  mi_sched_calendar *cal = NULL;
  if ((rc = mi_appointment_get(s, id, &a, e))) goto done;
  if (strcmp(a.status, "booked")) {
    rc = mi_err_set(e, MI_EINVAL, "appointment %lld is %s already; only a booked one can be %s",
                    (long long)id, a.status, status);
    goto done;
  }
  const mi_config_calendar *cc = department_calendar(cfg, a.department);
  if (cc && (rc = mi_sched_calendar_new(cc, &cal, e))) goto done;
  char from[32], to[32];
  local_time(cal, a.starts_at, from);
  local_time(cal, a.ends_at, to);
  if ((rc = mi_appointment_close(s, id, status, now, e)) ||
      (rc = log_event(s, a.ticket_id, now, actor, cancel ? "cancelled" : "done", id, a.staff,
                      a.skill, from, to, e)))
    goto done;
  if (cancel && (rc = tell_customer(s, cfg, a.ticket, 1, id, from, to, now, e))) goto done;
  if (out && (rc = mi_appointment_get(s, id, out, e))) goto done;
  mi_sched_calendar_free(cal);
  return mi_store_commit(s, e);
done:
  mi_sched_calendar_free(cal);
  mi_store_rollback(s);
  return rc;
}

typedef struct list_ctx {
  const mi_config *cfg;
  mi_sched_calendar **cals; /* by index into cfg->calendars, built on first use */
  int (*fn)(const mi_appointment_row *a, const char *from, const char *to, void *ud);
  void *ud;
  mi_err *e;
  int rc;
} list_ctx;

static int list_one(const mi_appointment_row *a, void *ud) {
  list_ctx *c = ud;
  const mi_config_calendar *cc = department_calendar(c->cfg, a->department);
  mi_sched_calendar *cal = NULL;
  if (cc) {
    size_t ci = (size_t)(cc - c->cfg->calendars);
    if (!c->cals[ci] && (c->rc = mi_sched_calendar_new(cc, &c->cals[ci], c->e))) return 1;
    cal = c->cals[ci];
  }
  char from[32], to[32];
  local_time(cal, a->starts_at, from);
  local_time(cal, a->ends_at, to);
  return c->fn(a, from, to, c->ud);
}

int mi_appoint_list(mi_store *s, const mi_config *cfg, const char *staff, int64_t from, int64_t to,
                    int (*fn)(const mi_appointment_row *a, const char *starts_local,
                              const char *ends_local, void *ud),
                    void *ud, mi_err *e) {
  if (!s || !cfg || !fn) return mi_err_set(e, MI_EINVAL, "listing appointments needs a callback");
  list_ctx c = {cfg, calloc(cfg->ncalendars + 1, sizeof *c.cals), fn, ud, e, 0};
  if (!c.cals) return mi_err_set(e, MI_ENOMEM, "out of memory");
  int rc = mi_appointments_each(s, staff, from, to, list_one, &c, e);
  for (size_t i = 0; i < cfg->ncalendars; i++) mi_sched_calendar_free(c.cals[i]);
  free(c.cals);
  return rc ? rc : c.rc;
}
