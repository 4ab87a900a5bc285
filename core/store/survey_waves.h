/* Survey waves: the sampling frame, the stored waves, their invitations as
 * dispatch and reminders walk them, and response rates by stratum. */
#ifndef MI_STORE_SURVEY_WAVES_H
#define MI_STORE_SURVEY_WAVES_H

#include <stdint.h>

#include "store/store.h"

/* One customer as the eligibility rule sees it (mi_survey_frame_each):
 * the stratum (the `by` column's value, "(none)" when empty), the first
 * channel it consented to with an address (email, else sms, else phone;
 * NULL if none), when it was last invited to any survey (0 = never; the
 * invitations of the wave being drawn do not count, so drawing a wave again
 * sees the same frame) and how many complaints are not resolved. Strings
 * are valid during the callback only; region, industry and tier may be NULL. */
typedef struct mi_frame_row {
  int64_t customer_id;
  const char *external_id, *stratum, *kind, *region, *industry, *tier, *channel;
  int consent_email, consent_sms, consent_phone, has_email, has_phone;
  int64_t last_invited_at, open_complaints, created_at;
} mi_frame_row;

/* A customer in the frame: eligible, with the channel to invite it on. */
typedef struct mi_frame_unit {
  int64_t customer_id;
  char stratum[65];
  char channel[8];
} mi_frame_unit;

/* Calls fn for every customer, ordered by stratum then customer id, in one
 * query. by: tier, region, kind, industry or NULL (one stratum "all");
 * not_wave: the id of a wave whose invitations are not counted (0: none).
 * A non-zero return of fn stops the walk and is returned. */
int mi_survey_frame_each(mi_store *s, const char *by, int64_t not_wave,
                         int (*fn)(void *ud, const mi_frame_row *row), void *ud, mi_err *e);

/* Calls fn with (stratum, value) for every answer to question `question` of
 * survey `survey` (any version), the stratum read from the customer's `by`
 * column now. */
int mi_survey_answers_by(mi_store *s, const char *survey, const char *question, const char *by,
                         int (*fn)(void *ud, const char *stratum, double value), void *ud,
                         mi_err *e);

/* The wave's id and design (a copy in design[size]); MI_ENOTFOUND if none. */
int mi_wave_get(mi_store *s, const char *survey, const char *code, int64_t *id, char *design,
                size_t size, mi_err *e);
int mi_wave_add(mi_store *s, const char *survey, const char *code, int64_t survey_id,
                const char *method, const char *design, int64_t now, int64_t *id, mi_err *e);

/* An invitation as dispatch and reminders see it. */
typedef struct mi_wave_invitation {
  int64_t id, customer_id;
  const char *external_id, *customer, *channel, *address; /* valid in the callback */
  const char *customer_name;
  int consent; /* the customer's consent to channel now (it may be withdrawn since the sample) */
} mi_wave_invitation;

/* which: "pending" (not sent yet) or "unanswered" (sent at or before
 * sent_before, no response, no reminder yet). */
int mi_wave_invitations(mi_store *s, int64_t wave_id, const char *which, int64_t sent_before,
                        int (*fn)(void *ud, const mi_wave_invitation *inv), void *ud, mi_err *e);

/* Marks an invitation "sent" (sent_at = at), "reminded" (reminded_at = at)
 * or "responded". */
int mi_invitation_mark(mi_store *s, int64_t id, const char *what, int64_t at, mi_err *e);

/* The invitation with this external id: its row id, customer, survey code
 * and the survey version it was sent for (survey_id); MI_ENOTFOUND if none. */
int mi_invitation_find(mi_store *s, const char *external_id, int64_t *id, int64_t *customer_id,
                       char survey[65], int64_t *survey_id, mi_err *e);

/* Per stratum: invited, sent (or later) and answered, and their weights. */
typedef struct mi_wave_rate {
  char stratum[65];
  int64_t invited, sent, responded;
  double weight; /* the stratum's design weight */
} mi_wave_rate;
int mi_wave_rates(mi_store *s, int64_t wave_id, mi_wave_rate **rates, size_t *n, mi_err *e);

#endif
