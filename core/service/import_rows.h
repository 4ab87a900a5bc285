/* Shared by import.c and import_rows.c: one function per entity turns a
 * record into a stored row. */
#ifndef MI_SERVICE_IMPORT_ROWS_H
#define MI_SERVICE_IMPORT_ROWS_H

#include "policy/policy.h"
#include "service/import.h"
#include "store/responses.h"
#include "util/textset.h"
#include "util/record_reader.h"

typedef struct mi_import_ctx mi_import_ctx;

typedef struct mi_import_entity {
  const char *name;
  const char *const *required; /* columns that must be in the file */
  const char *const *optional; /* columns that may be */
  int extra_columns;           /* responses: question codes are columns too */
  /* responses: a record is checked completely before it is stored
   * (mi_import_response_check, then _store): SQLite's own checks are off
   * meanwhile, the store finds a key given twice in the file, and an
   * all-or-nothing import checks and stores in two threads. */
  int checked_first;
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
  int64_t (*own)[2]; /* responses: the ids this import stored, as ranges */
  size_t nown, capown;
  /* customers found, kept when the store reads one snapshot throughout */
  int cache_customers;
  mi_textset customer_keys; /* their external ids, numbered */
  int64_t *customer_ids;    /* by number; 0 = not found yet */
  size_t customer_cap;
};

/* A response checked and ready to store: the import's reading thread
 * checks records into these and its storing thread stores them. */
typedef struct mi_checked_response {
  mi_response r;    /* external_id points at key, channel at a constant */
  char key[65];
  char customer[65]; /* its customer's external id */
  char *json;       /* the scale answers (mi_response_pack) */
  mi_answer *texts; /* the open answers, their texts owned */
  int ntexts;
  long line;        /* where the record was read, for messages */
  mi_alert_decision alert; /* the alert hook's, when the import asks it */
} mi_checked_response;

/* Checks a record of a responses file and resolves its references through
 * ctx->store (reading only); 0 or an error naming file:line and field. On
 * success *c is the caller's (mi_checked_response_free). */
int mi_import_response_check(mi_import_ctx *ctx, const mi_record *rec, mi_checked_response *c,
                             mi_err *e);
/* The alert hook's decision for c (opt->alerts; none: nothing), its look-ups
 * through s; opened when c is stored (mi_import_responses_store). */
void mi_import_response_alert(mi_store *s, const mi_import_options *opt, mi_checked_response *c);
/* Stores checked responses through ctx->store, put[i] what became of row i
 * (MI_PUT_*); or an error at the line of the row concerned (a key twice in
 * the file, an invitation answered already). */
int mi_import_responses_store(mi_import_ctx *ctx, const mi_checked_response *rows, size_t n,
                              int *put, mi_err *e);
void mi_checked_response_free(mi_checked_response *c);

/* Releases what a ctx collected (survey caches). */
void mi_import_ctx_release(mi_import_ctx *ctx);

#endif
