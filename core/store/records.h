/* Jobs, department evaluations, improvement actions and the audit log. */
#ifndef MI_STORE_RECORDS_H
#define MI_STORE_RECORDS_H

#include <stdint.h>

#include "store/store.h"

/* Queues a job once: a second call with the same key adds nothing
 * (MI_PUT_UNCHANGED). payload_json may be NULL. */
int mi_job_enqueue(mi_store *s, const char *kind, const char *key, int64_t run_at,
                   const char *payload_json, int64_t now, int64_t *id, mi_err *e);

typedef struct mi_evaluation {
  int64_t department_id;
  const char *period; /* "2026-Q1", "2026-03", "2026" */
  const char *metric;
  double value;
  int has_target;
  double target;
  const char *detail_json; /* may be NULL */
  int64_t computed_at;
} mi_evaluation;

/* Stores or replaces the evaluation of (department, period, metric); met is
 * value >= target when there is a target. Returns MI_PUT_*. */
int mi_evaluation_put(mi_store *s, const mi_evaluation *ev, mi_err *e);

/* Adds an improvement action in stage 'plan'. due_date "YYYY-MM-DD" or NULL. */
int mi_action_add(mi_store *s, int64_t department_id, int64_t evaluation_id, const char *title,
                  int64_t owner_id, const char *due_date, int64_t now, int64_t *id, mi_err *e);

/* Appends to the audit log. detail_json may be NULL. */
int mi_audit_append(mi_store *s, const char *os_user, const char *action, const char *object,
                    const char *detail_json, int64_t at, mi_err *e);

#endif
