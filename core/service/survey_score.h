/* Scoring a survey from the store: CSAT (top-2-box share of the overall
 * question), NPS (the 0-10 recommendation question) and the weighted
 * satisfaction index over the survey's dimensions, with confidence
 * intervals, weighted by the invitations' design weights, through the same
 * statistics as `manyi stats` (core/analysis). */
#ifndef MI_SERVICE_SURVEY_SCORE_H
#define MI_SERVICE_SURVEY_SCORE_H

#include <jansson.h>
#include <stdint.h>

#include "config/config.h"
#include "store/store.h"

typedef struct mi_score_request {
  const char *survey;
  const char *wave;    /* NULL: every response in [from, to) */
  int64_t from, to;
  const char *by;      /* tier, region, stratum, channel, department or NULL */
  int include_flagged; /* count responses that cleaning flagged */
  const char *conf;    /* e.g. "0.95", or NULL */
  /* tier or region: weights post-stratified to the customer base's counts
   * by it (each row's weight times N_level / the level's sum of weights) */
  const char *poststratify;
  /* with by: each group also gets its NPS and index, and "rest", the CSAT,
   * NPS and index of every other row; all domains of the whole design */
  int with_rest;
  /* > 0: the key drivers of the request's responses too ("drivers" in its
   * JSON, as mi_survey_drivers with this many bootstrap replicates; or
   * "drivers_error"), from the same pass */
  int drivers;
  /* the request's JSON gets "waves": [{wave, responses, flagged}], every
   * response of its period (flagged or not) by wave code ("" none, first) */
  int count_waves;
} mi_score_request;

/* The scores as a JSON object (NULL with e set): survey, responses,
 * flagged_left_out, csat (the `prop` fields), nps (the `nps` fields, with
 * groups and differences when by is set) and index (the `index` fields). A
 * figure the survey has no question for is absent. */
json_t *mi_survey_score(mi_store *s, const mi_config *cfg, const mi_score_request *r, mi_err *e);

/* The scores of n requests (outs[i] as mi_survey_score gives for rs[i], or
 * NULL with errs[i] set) from one pass over the responses when they are of
 * one survey and wave without post-stratification (periods and groups may
 * differ: the report's periods and breakdowns), else one by one. Returns 0,
 * or an error for all (the store, memory) in e. */
int mi_survey_score_many(mi_store *s, const mi_config *cfg, const mi_score_request *rs, size_t n,
                         json_t **outs, mi_err *errs, mi_err *e);

/* Key drivers of the overall question among the scale questions of the
 * survey's dimensions (reverse items turned round), as `manyi stats drivers
 * --y OVERALL --x ITEMS --performance ITEMS` on the same rows (unweighted,
 * complete cases); bootstrap > 1 adds percentile intervals from that many
 * resamples with seed 1. NULL with e set. */
json_t *mi_survey_drivers(mi_store *s, const mi_config *cfg, const mi_score_request *r,
                          int bootstrap, mi_err *e);

#endif
