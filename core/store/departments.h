/* Departments: who owns tickets and is evaluated. */
#ifndef MI_STORE_DEPARTMENTS_H
#define MI_STORE_DEPARTMENTS_H

#include <stdint.h>

#include "store/store.h"

/* Adds the department or updates its name and calendar (the configuration is
 * the source of truth; see service/sync). Returns MI_PUT_*. */
int mi_department_put(mi_store *s, const char *code, const char *name, const char *calendar,
                      mi_err *e);
/* 1 when the department is stored with this name and calendar, 0 when it is
 * missing or differs, or a negative code: a read, so a caller can skip the
 * write transaction of mi_department_put when nothing changed. */
int mi_department_same(mi_store *s, const char *code, const char *name, const char *calendar,
                       mi_err *e);
int mi_department_id(mi_store *s, const char *code, int64_t *id, mi_err *e);

#endif
