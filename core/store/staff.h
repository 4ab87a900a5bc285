/* Staff members, who handle interactions and tickets. */
#ifndef MI_STORE_STAFF_H
#define MI_STORE_STAFF_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_staff {
  const char *external_id, *name, *os_user;
  int64_t department_id; /* 0 = none */
  int active;
} mi_staff;

int mi_staff_put(mi_store *s, const mi_staff *st, mi_err *e);
int mi_staff_id(mi_store *s, const char *external_id, int64_t *id, mi_err *e);

#endif
