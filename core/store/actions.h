/* Improvement actions (plan, do, check, act) that follow evaluations. */
#ifndef MI_STORE_ACTIONS_H
#define MI_STORE_ACTIONS_H

#include <stdint.h>

#include "store/store.h"

/* Adds an improvement action in stage 'plan'. due_date "YYYY-MM-DD" or NULL. */
int mi_action_add(mi_store *s, int64_t department_id, int64_t evaluation_id, const char *title,
                  int64_t owner_id, const char *due_date, int64_t now, int64_t *id, mi_err *e);

#endif
