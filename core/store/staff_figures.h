/* What a staff member did in a period, for their scorecard (`manyi eval
 * staff`): the tickets assigned to them opened in the period, the survey
 * answers about those tickets (through the follow-up invitations; the
 * overall question, satisfied = the top two points of its scale, as for
 * departments) and the complaints against them: complaint tickets opened in
 * the period whose customer's previous ticket (the latest opened before the
 * complaint) was theirs; and the complaints they were held responsible for
 * (their accountability recorded in the period, ticket_causes). SLA figures
 * come from the ticket logs (service). */
#ifndef MI_STORE_STAFF_FIGURES_H
#define MI_STORE_STAFF_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct mi_staff_member {
  int64_t id;
  char code[65], name[201], department[65]; /* department "" when none */
} mi_staff_member;

typedef struct mi_staff_figures {
  int64_t tickets, resolved, complaints_handled;
  int64_t responses, satisfied;
  int64_t complaints_against;
  int64_t complaints_accountable; /* closed complaints whose recorded cause names them */
} mi_staff_figures;

/* The staff to evaluate for [from, to): the active ones and any with a
 * ticket assigned opened in the period, by external id. *out is the
 * caller's to free. */
int mi_staff_list(mi_store *s, int64_t from, int64_t to, mi_staff_member **out, size_t *n,
                  mi_err *e);
/* The figures of staff member staff_id for [from, to). */
int mi_staff_figures_get(mi_store *s, int64_t staff_id, int64_t from, int64_t to,
                         mi_staff_figures *out, mi_err *e);
/* External ids of the tickets assigned to staff_id opened in [from, to), in
 * id order; *ids is the caller's to free. */
int mi_staff_ticket_ids(mi_store *s, int64_t staff_id, int64_t from, int64_t to,
                        char (**ids)[65], size_t *n, mi_err *e);

/* One scorecard row (staff_evaluations); NaN / -1 for a figure not known. */
typedef struct mi_staff_evaluation {
  int64_t staff_id;
  const char *period;
  int64_t tickets, complaints, median_resolution_s;
  double first_response_met, resolution_met, satisfied_share;
  const char *rating, *figures_json, *notes_json, *policy;
  int64_t computed_at;
} mi_staff_evaluation;
/* Stores or replaces the row of (staff, period). */
int mi_staff_evaluation_put(mi_store *s, const mi_staff_evaluation *ev, mi_err *e);

#endif
