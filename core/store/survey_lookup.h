/* The look-up tables a survey scan reads once before its rows: the
 * questions (slot and scale), the customers' tiers and regions, the waves and
 * the departments, by id; and how a row's answers and design are read with
 * them. Internal to core/store (survey_scan.c). */
#ifndef MI_STORE_SURVEY_LOOKUP_H
#define MI_STORE_SURVEY_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "store/survey_rows.h"

/* Every question of every questionnaire version, by id: the slot of the
 * question asked for with its code (nquestions: not asked for) and the
 * scale of its version. Questions are few; answers many. */
typedef struct qinfo {
  size_t slot;
  int reverse, scaled;
  double lo, hi;
} qinfo;

/* The questions' slots among the nquestions asked for (by code) and their
 * scales, by question id (*out: n entries; free it). 0, MI_ENOMEM or an
 * SQLite error. */
int mi_lookup_questions(mi_store *s, const char *const *questions, size_t nquestions,
                        qinfo **out, size_t *n);
double mi_lookup_in_terms_of(const mi_survey_scale *to, const qinfo *q, double v);
/* A response's scale_answers into values by the slots of qi; -1 when it is
 * not a JSON object of question ids and numbers. */
int mi_lookup_unpack(const char *s, const qinfo *qi, size_t nqi, const mi_survey_scale *scales,
                     size_t nquestions, double *values);

/* The customers' tier and region by id, read in one scan instead of a
 * look-up per response (memory: the customers, not the responses): per id
 * one 32-bit code (the tier's number in the low half, the region's in the
 * high; 0 = no such customer), so that the look-ups of a scan in random
 * customer order stay in the processor's caches. Left empty (n = 0) when
 * the ids are too sparse for a table, or the texts too many. */
#define CUST_TEXTS 1024 /* distinct tiers, and regions, at most */
typedef struct custs {
  uint32_t *code;
  size_t n;
  const char *tier[CUST_TEXTS], *region[CUST_TEXTS]; /* by number; [0] = "" */
  size_t ntier, nregion;
} custs;

/* which: MI_SURVEY_NEED_TIER and/or _REGION. 0 (c->n = 0: join instead),
 * MI_ENOMEM or an SQLite error. */
int mi_lookup_customers(mi_store *s, custs *c, unsigned which);
void mi_lookup_custs_free(custs *c);
/* Customer id's tier and region into row, with their numbers. */
void mi_lookup_customer_of(const custs *c, int64_t id, mi_survey_row *row);

/* The waves by id: method and code, for the design a response came from. */
typedef struct waves {
  char **code;
  int *cluster, *stratified;
  size_t n;
} waves;

int mi_lookup_waves(mi_store *s, waves *w);
void mi_lookup_waves_free(waves *w);
const char *mi_lookup_wave_code(const waves *wv, int64_t w);
/* The design's stratum and cluster of a response of wave w in stratum
 * `stratum`, as mi_survey_rows says; tmp holds made texts (160 bytes). */
void mi_lookup_design_of(const waves *wv, int64_t w, const char *stratum, const char **ds,
                         const char **dc, char *tmp);

/* The departments' codes by id, for the blocks' department ids (NULL: no
 * such department). Departments are few; NULL code array when there are
 * none or their ids are too large for a table (blocks are then not used
 * for a department scan). */
typedef struct depts {
  char **code;
  size_t n;
} depts;

int mi_lookup_depts(mi_store *s, depts *d);
void mi_lookup_depts_free(depts *d);

#endif
