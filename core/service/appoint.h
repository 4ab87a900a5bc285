/* On-site appointments: the earliest free slot of a staff member with the
 * needed skill, inside one open span of that staff member's calendar (the
 * calendar of their department), booked so that no two booked visits of one
 * staff member overlap. Every booking, cancellation and completion is an
 * 'appointment' event in the ticket's log; bookings and cancellations also
 * tell the customer (mi_ticket_notify). */
#ifndef MI_SERVICE_APPOINT_H
#define MI_SERVICE_APPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "sched/calendar.h"
#include "store/appointments.h"
#include "store/store.h"

/* How far ahead a slot is searched. */
#define MI_APPOINT_HORIZON_DAYS 366

/* One staff member to consider: their calendar and booked spans. */
typedef struct mi_appoint_candidate {
  const char *staff; /* external id: ties go to the smallest (strcmp) */
  const mi_sched_calendar *cal;
  const mi_busy *busy; /* sorted by start; may overlap each other */
  size_t nbusy;
} mi_appoint_candidate;

typedef struct mi_appoint_slot {
  size_t candidate; /* index into the candidates */
  int64_t start, end;
} mi_appoint_slot;

/* The earliest slot [start, start + duration) with start >= after (rounded
 * up to a whole minute) and start < until, inside one open span of a
 * candidate's calendar (openings that touch, like 24:00 and the next 00:00,
 * are one span) and overlapping none of its busy spans; among candidates the
 * earliest start, then the smallest staff id. Returns 1 with *out filled, 0
 * when there is none; *longest (may be NULL) gets the longest open span met
 * (to tell "too long for any opening" from "fully booked"). MI_EINVAL for
 * NULL arguments, duration <= 0 or instants out of the calendars' range. */
int mi_appoint_find(const mi_appoint_candidate *c, size_t n, int64_t after, int64_t duration,
                    int64_t until, mi_appoint_slot *out, int64_t *longest, mi_err *e);

typedef struct mi_appoint_request {
  const char *ticket; /* external id */
  const char *skill;
  int64_t duration;    /* seconds: whole minutes, 1 minute .. 24 hours */
  const char *after;   /* NULL: now; else a time, local to the ticket department's calendar
                          unless it carries an offset */
  int64_t now;
  const char *actor;
  int dry_run; /* find the slot, book nothing */
} mi_appoint_request;

typedef struct mi_appoint_booked {
  int64_t id; /* 0 on a dry run */
  char ticket[65], staff[65], staff_name[201], department[65], calendar[65];
  int64_t starts_at, ends_at;
  char starts_local[32], ends_local[32]; /* in the staff calendar's time zone */
} mi_appoint_booked;

/* Books (or, dry_run, finds) the earliest slot for r in one BEGIN IMMEDIATE
 * transaction: a second booking process waits, then sees this one's visit.
 * Errors: MI_ENOTFOUND for an unknown ticket or when no active staff member
 * has the skill; MI_EINVAL for a closed or resolved ticket, a bad skill,
 * duration or time, a duration longer than any open span of the staff's
 * calendars, or no free slot within MI_APPOINT_HORIZON_DAYS; MI_ECONFIG when
 * no skilled staff member has a department with a calendar. */
int mi_appoint_book(mi_store *s, const mi_config *cfg, const mi_appoint_request *r,
                    mi_appoint_booked *out, mi_err *e);

/* Moves appointment id to "done" or "cancelled" with its ticket event (and,
 * for a cancellation, the customer's message), in one transaction. *out (may
 * be NULL) gets the appointment afterwards. Times in the message are local
 * to the staff member's calendar (UTC when it has none). */
int mi_appoint_close(mi_store *s, const mi_config *cfg, int64_t id, const char *status, const char *actor, int64_t now,
                     mi_appointment_row *out, mi_err *e);

/* Calls fn for the appointments of staff (NULL: all) that end after from
 * and start before to (0: unbounded), by start, with their times local to
 * the staff member's calendar (UTC when none). fn returns nonzero to stop. */
int mi_appoint_list(mi_store *s, const mi_config *cfg, const char *staff, int64_t from, int64_t to,
                    int (*fn)(const mi_appointment_row *a, const char *starts_local,
                              const char *ends_local, void *ud),
                    void *ud, mi_err *e);

#endif
