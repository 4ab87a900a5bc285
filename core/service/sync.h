/* Bringing the store in line with the configuration: departments and survey
 * definitions live in manyi.yaml; the database keeps a copy (and every past
 * version of a questionnaire) so that stored rows can refer to them. */
#ifndef MI_SERVICE_SYNC_H
#define MI_SERVICE_SYNC_H

#include <stdint.h>

#include "config/config.h"
#include "store/store.h"

typedef struct mi_sync_summary {
  int departments_added, departments_changed;
  int surveys_added; /* new surveys or new versions of changed ones */
} mi_sync_summary;

/* Runs in one transaction of its own, and only when something differs: when
 * the store is in line already it only reads (no write lock). summary may be
 * NULL. */
int mi_sync_config(mi_store *s, const mi_config *cfg, int64_t now, mi_sync_summary *summary,
                   mi_err *e);

#endif
