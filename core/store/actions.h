/* Improvement actions (plan, do, check, act) that follow evaluations. */
#ifndef MI_STORE_ACTIONS_H
#define MI_STORE_ACTIONS_H

#include <stdint.h>

#include "store/store.h"

/* Adds an improvement action in stage 'plan'. due_date "YYYY-MM-DD" or NULL. */
int mi_action_add(mi_store *s, int64_t department_id, int64_t evaluation_id, const char *title,
                  int64_t owner_id, const char *due_date, int64_t now, int64_t *id, mi_err *e);

/* The PDCA record of an action (migration 7). */
typedef struct mi_action_row {
  int64_t id;
  char department[65], title[501], stage[8], owner[65], due_date[11];
  char problem[2001], measure[2001], notes[4001], metric[24];
  char baseline_period[16], after_period[16];
  int64_t baseline_x, baseline_n, after_x, after_n; /* n = 0: not measured */
  double p_value;                                     /* NaN: not tested */
  int64_t created_at, updated_at; /* updated_at: the last change (for a done action, its close) */
} mi_action_row;

/* Sets what an added action is about: problem, measure (may be NULL), the
 * metric and its baseline (metric NULL: none). */
int mi_action_describe(mi_store *s, int64_t id, const char *problem, const char *measure,
                       const char *metric, const char *baseline_period, int64_t x, int64_t n,
                       mi_err *e);

/* Moves the action to stage (plan, do, check, act, done), appending note
 * (may be NULL) to its notes with the time. */
int mi_action_stage(mi_store *s, int64_t id, const char *stage, const char *note, int64_t now,
                    mi_err *e);

/* Records the metric after the action and the p-value of the change. */
int mi_action_measured(mi_store *s, int64_t id, const char *period, int64_t x, int64_t n,
                       double p_value, int64_t now, mi_err *e);

/* One action; MI_ENOTFOUND if none. */
int mi_action_get(mi_store *s, int64_t id, mi_action_row *out, mi_err *e);

/* Calls fn for the actions of a department (NULL: all) in id order. */
int mi_action_each(mi_store *s, const char *department, int (*fn)(const mi_action_row *a, void *ud),
                   void *ud, mi_err *e);

#endif
