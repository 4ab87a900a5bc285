/* Shared by the parts of `manyi survey score` (survey_score.c: CSAT, NPS,
 * index; survey_dims.c: per-dimension figures and CES). */
#ifndef MI_SERVICE_SURVEY_SCORE_INTERNAL_H
#define MI_SERVICE_SURVEY_SCORE_INTERNAL_H

#include <jansson.h>

#include "analysis/analysis.h"
#include "config/config.h"
#include "service/survey_score.h"
#include "store/survey_rows.h"

/* The sampling design of the rows (survey_design.c): strata when any row
 * comes from a wave, clusters when any from a cluster wave. */
typedef struct mi_score_design {
  int strata, cluster;
  char *ids; /* with clusters: a PSU name per row outside a cluster */
} mi_score_design;
#define MI_SCORE_ID_SIZE 24
#define MI_SCORE_STRATUM "design stratum" /* the columns' names (not question codes) */
#define MI_SCORE_CLUSTER "design cluster"
/* The design options of mi_score_run for d: strata, cluster and a lonely
 * PSU (a stratum with one respondent) centred at the mean, as R's
 * options(survey.lonely.psu = "adjust"). */
#define MI_SCORE_DESIGN_OPTS(d)                                                            \
  "strata", (d)->strata ? MI_SCORE_STRATUM : NULL, "cluster",                              \
      (d)->cluster ? MI_SCORE_CLUSTER : NULL, "lonely-psu", (d)->strata ? "adjust" : NULL
/* Free with mi_score_design_free. */
int mi_score_design_init(mi_score_design *d, const mi_survey_rows *rows, mi_err *e);
void mi_score_design_free(mi_score_design *d);
/* The design's columns (0 to 2, so a table without a design is no wider):
 * their names put at cols, their count returned; row i's cells in the same
 * order with mi_score_design_cells. */
size_t mi_score_design_columns(const mi_score_design *d, const char **cols);
void mi_score_design_cells(const mi_score_design *d, const mi_survey_rows *rows, size_t i,
                           mi_analysis_cell *cells);

/* What --by groups by (tier, region, stratum, channel or department), found
 * once: MI_BY_NONE without one. */
enum { MI_BY_NONE, MI_BY_TIER, MI_BY_REGION, MI_BY_STRATUM, MI_BY_CHANNEL, MI_BY_DEPARTMENT };
int mi_score_by_kind(const char *by);
/* A row's group text for kind ("" for none) and the columns a scan must
 * read for by (MI_SURVEY_NEED_*). */
const char *mi_score_group_text(const mi_survey_row *r, int kind);
unsigned mi_score_by_need(const char *by);

/* Runs statistic `name` of core/analysis on t with options given as name,
 * value pairs ended by NULL; a NULL value leaves its option out. */
json_t *mi_score_run(const char *name, const mi_analysis_table *t, mi_err *e, ...);

/* An answer as scored: a reverse-scored item turned round (min + max - v). */
double mi_score_item(const mi_config_question *q, double v);

/* Puts figure v under name, or, when the data cannot give it (v NULL with a
 * reason in e that is not MI_ENOMEM), name_error with the reason and clears
 * e. Only running out of memory fails. question, if set, is added to v. */
int mi_score_add_figure(json_t *out, const char *name, const char *question, json_t *v,
                        mi_err *e);

/* The figures below are of the rows flagged in `in` (NULL: all rows) as a
 * domain of the whole design: the other rows stay its units. */

/* "dimensions": {name: {n, mean_raw, se_raw, ci_lower_raw, ci_upper_raw,
 * score, ci_lower, ci_upper, items, alpha, alpha_n}} for each weighted
 * dimension of the survey with scale questions, set on out. */
int mi_score_dimensions(json_t *out, const mi_config_survey *sv, const mi_survey_rows *rows,
                        const mi_config_question *const *qs, const mi_score_design *des,
                        const unsigned char *in, const char *conf, mi_err *e);

/* "ces": the first question with dimension effort, if any, set on out. */
int mi_score_ces(json_t *out, const mi_config_survey *sv, const mi_survey_rows *rows,
                 const mi_config_question *const *qs, const mi_score_design *des,
                 const unsigned char *in, const char *conf, mi_err *e);

/* "choices": for each choice question of r's survey, the design-based share
 * of its answers that chose each choice (survey_choices.c), set on out;
 * nothing without choice questions. Of every response of r (not by group). */
int mi_score_choices(json_t *out, mi_store *s, const mi_config *cfg, const mi_score_request *r,
                     mi_err *e);

/* "csat": the top-2-box share of question qs[overall], set on out. */
int mi_score_csat(json_t *out, const mi_survey_rows *rows, const mi_config_question *const *qs,
                  size_t overall, const mi_score_design *des, const unsigned char *in,
                  const char *conf, mi_err *e);

/* The scores of the n requests rs in one pass over the responses
 * (survey_pass.c), for requests without post-stratification, of one survey
 * and wave (wave_id) and any periods and groups: each row is read once and
 * folded into the accumulators of every request whose period holds it.
 * outs[i]: the same JSON as the row path gives for rs[i] (and, with
 * with_rest, each group's NPS, index and rest), or NULL with errs[i] set (a
 * period without responses, a bad --conf). qs/codes/scales: the k scale
 * questions of sv; overall, recommend: the CSAT and NPS questions or NULL.
 * Returns 0, or an error for every request (the store, memory) in e. */
int mi_score_pass(mi_store *s, const mi_score_request *rs, size_t n, const mi_config_survey *sv,
                  const mi_config_question *const *qs, const char *const *codes,
                  const mi_survey_scale *scales, size_t k, const mi_config_question *overall,
                  const mi_config_question *recommend, int64_t wave_id, json_t **outs,
                  mi_err *errs, mi_err *e);


/* The key drivers' accumulation over rows (mi_survey_drivers, and a
 * report's pass): each response's overall answer and dimension items
 * (scored, reverse items turned round); complete cases to the accumulator,
 * every answer to the items' means (their performance). Its own cache
 * lines: two threads fill two side by side. */
typedef struct mi_drivers_pass {
  _Alignas(64) const mi_config_question *const *qs;
  size_t *item, k, y; /* item: the k drivers' indices into qs; y: the overall's */
  mi_stats_drivers_acc *acc;
  double *z, *perf_sum;
  size_t *perf_n, rows;
  int bootstrap;
} mi_drivers_pass;
/* seed: the replicates' random stream (one per part). */
int mi_drivers_setup(mi_drivers_pass *d, const char *survey, const mi_config_question *const *qs,
                     size_t k, const mi_config_question *overall, int bootstrap, unsigned long seed,
                     mi_err *e);
int mi_drivers_row(void *ctx, const mi_survey_row *row); /* an mi_survey_row_fn */
int mi_drivers_merge(mi_drivers_pass *a, const mi_drivers_pass *b, mi_err *e);
json_t *mi_drivers_result(const mi_drivers_pass *d, mi_err *e); /* as mi_survey_drivers' */
void mi_drivers_free(mi_drivers_pass *d);

#endif
