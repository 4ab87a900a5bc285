/* Exporting stored entities in the import format (round-trips with import). */
#ifndef MI_SERVICE_EXPORT_H
#define MI_SERVICE_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "store/store.h"
#include "util/record_format.h"

typedef struct mi_export_options {
  const char *entity; /* customers|orders|interactions|tickets|responses */
  const char *survey; /* responses: which survey (NULL: the only one) */
  mi_format format;   /* CSV or JSONL */
  const char *target; /* the file name, for the audit log ("-" for stdout) */
  const char *actor;  /* who exports, for the audit log */
  int64_t now;
  int mask; /* mask personal data (service/access.h: mi_access_mask) */
} mi_export_options;

/* Writes every row of the entity to out and records the export (entity,
 * target, row count, its personal columns and whether they were masked) in
 * the audit log, since exports carry personal data. With mask, every
 * personal column (store/scope.h: mi_scope_personal_column) is masked.
 * *rows gets the number of rows written. */
int mi_export(mi_store *s, const mi_export_options *opt, FILE *out, size_t *rows, mi_err *e);

#endif
