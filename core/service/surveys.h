/* Survey waves: drawing a sample from the eligible customers, sending the
 * invitations and the reminders, and response rates (survey_sample.c,
 * survey_dispatch.c). */
#ifndef MI_SERVICE_SURVEYS_H
#define MI_SERVICE_SURVEYS_H

#include <stdint.h>

#include "config/config.h"
#include "policy/policy.h"
#include "store/store.h"

typedef struct mi_sample_request {
  const char *survey, *wave;
  const char *method;     /* srs | stratified | cluster */
  const char *by;         /* stratum or cluster column: tier, region, kind, industry */
  const char *allocation; /* proportional | neyman (stratified) */
  const char *question;   /* neyman: the question whose past answers give each stratum's sd */
  int64_t size;           /* > 0: the sample size; 0: from conf, margin and p */
  double conf, margin, p;
  int64_t clusters;       /* cluster: how many clusters to take whole */
  uint64_t seed;
  int64_t quiet_days;     /* not invited to any survey in the last quiet_days days (the
                           * built-in rule; with a policy: its params.quiet_days, or -1) */
  mi_policy *eligibility; /* the eligible hook decides; NULL: the built-in rule */
  int64_t now;
  int dry_run;
} mi_sample_request;

typedef struct mi_sample_stratum {
  char name[65];
  int64_t population, sample; /* eligible units; drawn (clusters: units of the chosen ones) */
  double sd;                  /* neyman: the spread used; else 0 */
  double weight;              /* design weight of its units: N_h / n_h (clusters: M / m) */
} mi_sample_stratum;

/* Customers left out of the frame, by reason (built-in: no_consent,
 * quiet_period, open_complaint; a policy: its reasons). */
typedef struct mi_sample_exclusion {
  char reason[65];
  int64_t count;
} mi_sample_exclusion;

typedef struct mi_sample_result {
  int64_t customers, frame, sample; /* customers looked at; eligible; drawn */
  mi_sample_exclusion *excluded;    /* free(), in order of first occurrence */
  size_t nexcluded;
  mi_sample_stratum *strata; /* free() */
  size_t nstrata;
  int existed;               /* the wave was there with the same design: nothing written */
} mi_sample_result;

/* The frame: every customer goes through r->eligibility (or the built-in
 * rule: a consented channel with an address, no invitation in the last
 * r->quiet_days days, no open complaint); a customer the policy fails on
 * fails the whole draw (MI_EPOLICY naming the policy and the customer), so
 * nothing is written. Then draws (unless dry_run) a wave: stores it with its design and one pending
 * invitation per chosen customer, channel the first consented one, stratum
 * and design weight. The same request again finds the wave and adds nothing;
 * a different design under the same wave code is MI_EINVAL. One transaction. */
int mi_survey_sample(mi_store *s, const mi_config *cfg, const mi_sample_request *r,
                     mi_sample_result *out, mi_err *e);

/* Loads policies.eligibility of cfg (MI_ENOTFOUND when there is none) with
 * params.quiet_days replaced by quiet_days when that is >= 0 (--quiet-days);
 * *effective gets the quiet_days the policy runs with (-1: its params have
 * none). *out is the caller's: mi_policy_free. */
int mi_survey_eligibility_load(const mi_config *cfg, int64_t quiet_days, mi_policy **out,
                               int64_t *effective, mi_err *e);

/* Sends the wave's pending invitations (one outbox message each, marked
 * sent), or with remind_after > 0 reminds those sent at least remind_after
 * seconds before now that have no response (once). *count gets how many;
 * *skipped (may be NULL) how many got a 'skipped' row instead: consent to
 * the channel withdrawn or the address gone since the sample. */
int mi_survey_dispatch(mi_store *s, const mi_config *cfg, const char *survey, const char *wave,
                       int64_t remind_after, int64_t now, int64_t *count, int64_t *skipped,
                       mi_err *e);

/* The survey-wave job (survey_wave.c). The wave code of an occurrence at
 * `at`: its period in the schedule's time zone, by sc->wave: "2026Q4",
 * "2026-10" or "2026". */
int mi_survey_wave_name(const mi_config_schedule *sc, int64_t at, char out[16], mi_err *e);

typedef struct mi_survey_wave_summary {
  char wave[16];
  int64_t frame, sample; /* 0 when the wave was there already */
  int existed;
  int64_t sent;          /* invitations sent now */
  int64_t skipped;       /* not sent: consent withdrawn or address gone since the sample */
} mi_survey_wave_summary;

/* Draws the wave of the occurrence at `at` for schedule sc (its survey and
 * sample design; the eligibility policy when configured, with
 * sample.quiet_days replacing its params.quiet_days) unless that wave
 * exists, then sends the wave's pending invitations. Two transactions, each
 * idempotent: a rerun adds no invitation and no message twice. */
int mi_survey_wave_run(mi_store *s, const mi_config *cfg, const mi_config_schedule *sc, int64_t at,
                       int64_t now, mi_survey_wave_summary *sum, mi_err *e);

#endif
