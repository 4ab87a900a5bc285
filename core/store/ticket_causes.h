/* Complaint accountability (migration 0018): the root cause of a closed
 * complaint (a code of root_causes: in the configuration) and who was
 * responsible, a department or a staff member. One row per ticket. */
#ifndef MI_STORE_TICKET_CAUSES_H
#define MI_STORE_TICKET_CAUSES_H

#include <stdint.h>

#include "store/store.h"

/* Records (or replaces) the cause of ticket_id: exactly one of department_id
 * and staff_id is > 0. */
int mi_ticket_cause_put(mi_store *s, int64_t ticket_id, const char *root_cause,
                        int64_t department_id, int64_t staff_id, int64_t at, const char *by,
                        mi_err *e);

/* *has = 1 when ticket_id has a recorded cause. */
int mi_ticket_cause_has(mi_store *s, int64_t ticket_id, int *has, mi_err *e);

/* One count of recorded causes in [from, to) (recorded_at): by root cause
 * (who NULL), or by who was responsible (who "department" or "staff", code
 * its code or external id). Largest count first, then code. */
typedef struct mi_cause_count {
  const char *root_cause; /* NULL when counted by responsible */
  const char *who, *code; /* NULL when counted by root cause */
  int64_t n;
} mi_cause_count;
typedef int (*mi_cause_fn)(const mi_cause_count *c, void *ud);
int mi_ticket_causes_by_root(mi_store *s, int64_t from, int64_t to, mi_cause_fn fn, void *ud,
                             mi_err *e);
int mi_ticket_causes_by_responsible(mi_store *s, int64_t from, int64_t to, mi_cause_fn fn,
                                    void *ud, mi_err *e);

#endif
