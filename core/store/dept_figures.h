/* What a department did in a period, for its evaluation: tickets opened,
 * complaints, resolved; survey answers about its tickets (the overall
 * question, satisfied = the top two points of its scale); improvement actions
 * due in the period and done. SLA attainment is computed from the ticket
 * logs by the service (it needs calendars). */
#ifndef MI_STORE_DEPT_FIGURES_H
#define MI_STORE_DEPT_FIGURES_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_dept_figures {
  int64_t tickets, complaints, resolved;
  int64_t responses, satisfied;
  int64_t actions_planned, actions_done;
} mi_dept_figures;

/* Figures of department dept for [from, to); due dates compare with the
 * dates from_date..to_date ("YYYY-MM-DD", to_date excluded). */
int mi_dept_figures_get(mi_store *s, int64_t dept, int64_t from, int64_t to,
                        const char *from_date, const char *to_date, mi_dept_figures *out,
                        mi_err *e);

#endif
