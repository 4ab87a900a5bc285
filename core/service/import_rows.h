/* Shared by import.c and import_rows.c: one function per entity turns a
 * record into a stored row. */
#ifndef MI_SERVICE_IMPORT_ROWS_H
#define MI_SERVICE_IMPORT_ROWS_H

#include "service/import.h"
#include "util/record_reader.h"

typedef struct mi_import_ctx mi_import_ctx;

typedef struct mi_import_entity {
  const char *name;
  const char *const *required; /* columns that must be in the file */
  const char *const *optional; /* columns that may be */
  int extra_columns;           /* responses: question codes are columns too */
  /* Stores one record; returns MI_PUT_* or a negative code with e filled. */
  int (*row)(mi_import_ctx *ctx, const mi_record *rec, mi_err *e);
} mi_import_entity;

extern const mi_import_entity mi_import_entity_table[];

struct mi_import_ctx {
  mi_store *store;
  const mi_config *cfg;
  const mi_import_options *opt;
  mi_reader *reader;
  struct mi_import_survey *surveys; /* responses: survey versions seen */
  int nsurveys;
};

/* Releases what a ctx collected (survey caches). */
void mi_import_ctx_release(mi_import_ctx *ctx);

#endif
