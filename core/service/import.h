/* Importing customers, orders, interactions, tickets and survey responses
 * from CSV or JSON Lines files into the store. */
#ifndef MI_SERVICE_IMPORT_H
#define MI_SERVICE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "store/store.h"
#include "util/record_format.h"

typedef struct mi_import_options {
  const char *entity;       /* customers|orders|interactions|tickets|responses */
  const char *path;         /* the file to read */
  mi_format format;         /* MI_FORMAT_AUTO: from the file's extension */
  const char *encoding;     /* NULL = UTF-8; else an iconv name such as GB18030 */
  const char *rejects_path; /* NULL: all-or-nothing; else good rows are stored and
                               bad ones written here with their reason */
  const char *protect;      /* the database's path: the rejects file may not be it */
  const char *actor;        /* who imports (recorded in ticket logs and the audit log) */
  /* A JSON object (text) recorded in the audit entry (action "import") that
   * commits with each transaction of rows, with the file and the counts
   * added; NULL: no audit entry (tests). An entry that cannot be written
   * rolls its rows back, so no row is stored unrecorded. */
  const char *audit_json;
  int64_t now;
  /* responses: the alert hook at intake (service/alerts.h), asked of each
   * new response; NULL: not asked (eval alerts will). */
  struct mi_alert_intake *alerts;
  /* Called every few thousand rows with the count so far; may be NULL. */
  void (*progress)(void *ctx, size_t rows);
  void *progress_ctx;
} mi_import_options;

typedef struct mi_import_summary {
  size_t read, inserted, updated, unchanged, rejected;
  size_t commits; /* transactions of rows committed (each with its audit entry) */
  size_t packed;  /* responses packed for the survey scans after the import */
  mi_err pack_error; /* why packing failed (code 0: it did not); the rows are stored */
} mi_import_summary;

/* Imports one file. Without rejects_path the whole file is one transaction:
 * the first bad row (wrong field count, bad value, unknown customer, a key
 * twice in the file, ...) stores nothing and e names file:line and field.
 * Rows are keyed by external id, so importing the same file again adds
 * nothing (existing rows are updated when their fields differ; survey
 * responses are never rewritten). */
int mi_import(mi_store *s, const mi_config *cfg, const mi_import_options *opt,
              mi_import_summary *summary, mi_err *e);

/* One row given as fields (keys[i] = values[i]; a NULL value is absent)
 * instead of a file: `customer add|edit`, `interaction log` and the hosted
 * questionnaire store through the same checks and row function as `manyi
 * import ENTITY` (one set of validators). Of opt, entity, path (the source
 * named in messages), actor, now and alerts are used. Runs in the caller's
 * transaction; returns MI_PUT_* or a negative code with e naming source and
 * field. */
int mi_import_one(mi_store *s, const mi_config *cfg, const mi_import_options *opt,
                  const char *const *keys, const char *const *values, size_t n, mi_err *e);

#endif
