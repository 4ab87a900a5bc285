/* Staff skills and on-site appointments (schemas/migrations/0005). The
 * database refuses a booked appointment that overlaps another booked one of
 * the same staff member (a trigger), so no writer can double-book. */
#ifndef MI_STORE_APPOINTMENTS_H
#define MI_STORE_APPOINTMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* A skill code: 1..64 of [a-z0-9_-]. 0 when valid, else MI_EINVAL naming it. */
int mi_skill_check(const char *skill, mi_err *e);

/* Replaces the skills of a staff member with list, a text of codes separated
 * by ';' or ',' (spaces around them ignored; "" clears). *changed (may be
 * NULL) is set to 1 when the stored set changed. MI_EINVAL naming a bad code.
 * Call inside a transaction. */
int mi_staff_skills_set(mi_store *s, int64_t staff_id, const char *list, int *changed, mi_err *e);

/* Calls fn for each (staff external id, skill) pair, by staff then skill;
 * staff NULL: everyone. fn returns nonzero to stop. */
int mi_staff_skills_each(mi_store *s, const char *staff,
                         int (*fn)(const char *staff, const char *skill, int active, void *ud),
                         void *ud, mi_err *e);

/* A staff member who may be sent: active and with the skill. */
typedef struct mi_skilled_staff {
  int64_t id;
  char external_id[65], name[201], department[65]; /* department "" = none */
} mi_skilled_staff;

/* The active staff with skill, by external id. *out is malloc'd (free it);
 * *n may be 0. */
int mi_skilled_staff_list(mi_store *s, const char *skill, mi_skilled_staff **out, size_t *n,
                          mi_err *e);

/* A busy span [start, end) of a staff member. */
typedef struct mi_busy {
  int64_t start, end;
} mi_busy;

/* The booked appointments of staff_id that end after from and start before
 * to, by start. *out is malloc'd (free it). */
int mi_appointments_busy(mi_store *s, int64_t staff_id, int64_t from, int64_t to, mi_busy **out,
                         size_t *n, mi_err *e);

typedef struct mi_appointment_row {
  int64_t id, ticket_id, staff_id, customer_id;
  int64_t starts_at, ends_at, booked_at, closed_at; /* closed_at 0 = still booked */
  char ticket[65], customer[65], staff[65], staff_name[201], skill[65], status[16];
  char department[65]; /* the staff member's, "" = none */
  char booked_by[65];
} mi_appointment_row;

/* Inserts a booked appointment; *id gets its id. MI_EEXIST when it overlaps
 * a booked appointment of the same staff member (the trigger refused it). */
int mi_appointment_insert(mi_store *s, int64_t ticket_id, int64_t staff_id, const char *skill,
                          int64_t starts_at, int64_t ends_at, int64_t now, const char *actor,
                          int64_t *id, mi_err *e);

/* Reads appointment id; MI_ENOTFOUND if there is none. */
int mi_appointment_get(mi_store *s, int64_t id, mi_appointment_row *out, mi_err *e);

/* Moves a booked appointment to status ("done" or "cancelled") at now.
 * MI_EINVAL when it is not booked any more. */
int mi_appointment_close(mi_store *s, int64_t id, const char *status, int64_t now, mi_err *e);

/* Calls fn for the appointments of staff (NULL: all) that end after from and
 * start before to (0: unbounded), any status, by start then id. */
int mi_appointments_each(mi_store *s, const char *staff, int64_t from, int64_t to,
                         int (*fn)(const mi_appointment_row *a, void *ud), void *ud, mi_err *e);

#endif
