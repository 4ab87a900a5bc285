/* A survey's responses as rows for the statistics: one row per response, one
 * value per scale question (by question code, across questionnaire
 * versions), the design weight of its invitation (1 without one) and the
 * groups it can be broken down by. */
#ifndef MI_STORE_SURVEY_ROWS_H
#define MI_STORE_SURVEY_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/textset.h"

typedef struct mi_survey_rows {
  size_t nrows, nquestions;
  const char *const *questions; /* the codes asked for (borrowed) */
  double *values;               /* nrows x nquestions, row-major; NAN = not answered */
  double *weight;               /* nrows */
  const char **tier, **region, **stratum; /* "" = none; each distinct text stored once */
  const char **channel;         /* the response's channel ("" = not given) */
  const char **department;      /* of the ticket its invitation followed ("" = none) */
  /* The sampling design the response came from: its wave's stratum
   * ("WAVE/STRATUM" for a stratified wave, "WAVE" for the others, "" without
   * a wave) and cluster ("WAVE/CLUSTER" for a cluster wave, else ""). */
  const char **design_stratum, **design_cluster;
  mi_textset texts;                         /* private: owns those texts */
  int64_t *submitted_at;
  size_t flagged_left_out;      /* responses with a cleaning flag, not in the rows */
} mi_survey_rows;

/* How a question is scored in the questionnaire version the rows are read
 * for: its scale and whether it is reverse-scored. */
typedef struct mi_survey_scale {
  int reverse;
  double min, max;
} mi_survey_scale;

/* The responses to survey (any version) submitted in [from, to) and, if
 * wave_id > 0, answering that wave's invitations; flagged ones are left out
 * unless include_flagged. With scales (one per question, may be NULL), an
 * answer given to another version of the questionnaire is scored by the
 * version it answered and put in the terms of scales: turned round when its
 * version reversed the question and scales does not (or the other way), and
 * mapped linearly from its version's scale onto scales' (1-5 -> 1-7: 4 -> 5.5).
 * Free with mi_survey_rows_free. */
int mi_survey_rows_read(mi_store *s, const char *survey, int64_t wave_id, int64_t from,
                        int64_t to, int include_flagged, const char *const *questions,
                        const mi_survey_scale *scales, size_t nquestions, mi_survey_rows *out,
                        mi_err *e);
void mi_survey_rows_free(mi_survey_rows *r);

/* One response as mi_survey_rows_scan passes it; everything is valid only
 * during the call. */
typedef struct mi_survey_row {
  int64_t id, submitted_at;
  double weight;
  int flagged; /* cleaning flagged it (read only with include_flagged) */
  const char *tier, *region, *stratum, *channel, *department; /* "" = none */
  const char *design_stratum, *design_cluster;                /* as in mi_survey_rows */
  const char *wave;                                           /* its wave's code, "" = none */
  /* tier and region as numbers that stand for the same text all through
   * one scan (and part), for grouping without comparing texts; -1: not known */
  int tier_no, region_no;
  const double *values; /* nquestions, in the terms of scales; NAN = not answered */
} mi_survey_row;
/* Returns 0 to go on; anything else stops the scan and is returned. */
typedef int (*mi_survey_row_fn)(void *ctx, const mi_survey_row *row);

/* The rows of mi_survey_rows_read, in response id order, passed one at a
 * time to cb without being kept: memory does not grow with the rows. The
 * flagged responses left out are counted in *flagged_left_out. need: which
 * joined columns to read (MI_SURVEY_NEED_*); the others are "" (a tier or
 * region not asked for may be there all the same). */
#define MI_SURVEY_NEED_TIER 4u       /* the customer's tier (a look-up per response) */
#define MI_SURVEY_NEED_REGION 8u     /* the customer's region */
#define MI_SURVEY_NEED_CUSTOMER (MI_SURVEY_NEED_TIER | MI_SURVEY_NEED_REGION)
#define MI_SURVEY_NEED_DEPARTMENT 2u /* the department (two look-ups per response) */
int mi_survey_rows_scan(mi_store *s, const char *survey, int64_t wave_id, int64_t from,
                        int64_t to, int include_flagged, unsigned need,
                        const char *const *questions, const mi_survey_scale *scales,
                        size_t nquestions, mi_survey_row_fn cb, void *ctx,
                        size_t *flagged_left_out, mi_err *e);

/* Packs the responses of survey (every survey: NULL) that are in no block
 * yet into blocks of 4096 (migration 0013), which the scans read instead of
 * one row per response; in a write transaction of its own. The newest
 * responses of a survey wait for a full block. wait: 0 = do nothing when
 * another writer holds the database or it is read-only (a score packs what
 * it found unpacked only if it can at once). *packed: the responses packed. */
int mi_survey_rows_pack(mi_store *s, const char *survey, int wait, size_t *packed, mi_err *e);

/* As mi_survey_rows_scan, with the rows shared out among nparts (1 to
 * MI_SURVEY_SCAN_PARTS) callbacks that run in threads of their own, each
 * with its own ctx: cbs[p] is called from one thread at a time, with its
 * rows in id order. Which rows a part gets depends on the data only (whole
 * batches of rows and blocks, in turn), so that sums folded per part and
 * added up at the end come out the same every time. */
#define MI_SURVEY_SCAN_PARTS 2
int mi_survey_rows_scan_parts(mi_store *s, const char *survey, int64_t wave_id, int64_t from,
                              int64_t to, int include_flagged, unsigned need,
                              const char *const *questions, const mi_survey_scale *scales,
                              size_t nquestions, size_t nparts, const mi_survey_row_fn *cbs,
                              void *const *ctxs, size_t *flagged_left_out, mi_err *e);

/* The customer base by "tier" or "region" (a customer without one: level ""):
 * cb(ctx, level, customers) per level. A non-zero return from cb stops and is
 * returned; MI_EINVAL for another by. */
int mi_survey_population(mi_store *s, const char *by,
                         int (*cb)(void *ctx, const char *level, int64_t customers), void *ctx,
                         mi_err *e);

#endif
