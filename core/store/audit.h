/* The append-only audit log. */
#ifndef MI_STORE_AUDIT_H
#define MI_STORE_AUDIT_H

#include <stdint.h>

#include "store/store.h"

/* Appends to the audit log. detail_json may be NULL. */
int mi_audit_append(mi_store *s, const char *os_user, const char *action, const char *object,
                    const char *detail_json, int64_t at, mi_err *e);

#endif
