/* The closed loop on feedback, as stored: the scored responses read in id
 * order for the alert policy (one row per response, its scale answers from
 * the response row, its open answers, coded categories, customer and the
 * ticket its invitation followed), the follow-up tickets linked to the
 * responses that opened them, the mark of how far eval alerts has got, and
 * the figures the report counts. */
#ifndef MI_STORE_ALERTS_H
#define MI_STORE_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/responses.h"
#include "store/store.h"

enum { MI_ALERT_MAX_ANSWERS = 64, MI_ALERT_CATEGORIES = 400 };

typedef struct mi_alert_answer {
  int64_t question_id;
  double value;     /* a scale answer when text is NULL */
  char *text;       /* an open answer, or a choice question's codes (owned by the chunk) */
  int choice;       /* text is codes: nothing to code */
} mi_alert_answer;

/* One response as the alert step reads it; "" = none for the optional codes. */
typedef struct mi_alert_row {
  int64_t id, survey_id, submitted_at, customer_id;
  char external_id[65], channel[16];
  char customer[65], customer_kind[16], customer_region[65], customer_tier[33];
  char ticket[65], ticket_kind[65], ticket_category[65], ticket_department[65], ticket_status[16];
  char categories[MI_ALERT_CATEGORIES]; /* coded categories of its open answers joined by ';' ("" = none) */
  int coded;            /* nothing to code: no open answer, or the coding step saw them */
  int has_followup;     /* a follow-up was opened for it already */
  mi_alert_answer answers[MI_ALERT_MAX_ANSWERS];
  int nanswers;
} mi_alert_row;

/* Adds category c to list (categories joined by ';', size bytes) unless it
 * is there already or would not fit; "" adds nothing. */
void mi_alert_category_add(char *list, size_t size, const char *c);

/* Reads up to limit responses with an id above after (of survey_id, 0 =
 * any survey) into rows (limit of them, the caller's), *n of them. Frees
 * the texts of the rows it overwrites (call mi_alert_rows_free at the end). */
int mi_alert_read(mi_store *s, int64_t survey_id, int64_t after, int limit, mi_alert_row *rows,
                  int *n, mi_err *e);
void mi_alert_rows_free(mi_alert_row *rows, int n);

/* The responses of ids (increasing) into rows (nids of them, the caller's),
 * *n of them (an id with no response is left out). */
int mi_alert_read_ids(mi_store *s, const int64_t *ids, int nids, mi_alert_row *rows, int *n,
                      mi_err *e);

/* What the customer view shows of a customer besides its external id. */
typedef struct mi_alert_customer {
  const char *external_id, *kind, *region, *tier; /* "" = none */
} mi_alert_customer;
/* Customer id's kind, region and tier into the buffers (sizes 16, 65, 33). */
int mi_alert_customer_get(mi_store *s, int64_t id, char *kind, char *region, char *tier, mi_err *e);

/* The row the policy sees of response r as it is being stored (the
 * import): json its scale answers (mi_response_pack), texts[0..ntexts) its
 * open answers, c its customer; its id 0, nothing coded, no follow-up; the
 * ticket its invitation followed read through s. Free it with
 * mi_alert_rows_free(row, 1). */
int mi_alert_row_of(mi_store *s, const mi_response *r, const char *json, const mi_answer *texts,
                    int ntexts, const mi_alert_customer *c, mi_alert_row *row, mi_err *e);

/* Every question of every survey version: what the answers' ids mean.
 * *out is the caller's (free), ordered by survey id and position. */
typedef struct mi_alert_question {
  int64_t id, survey_id;
  char survey[65], code[65];
} mi_alert_question;
int mi_alert_questions(mi_store *s, mi_alert_question **out, size_t *n, mi_err *e);

/* The responses (of survey_id, 0 = any) with an id above after, for progress. */
int mi_alert_count(mi_store *s, int64_t survey_id, int64_t after, int64_t *n, mi_err *e);

/* The mark: every response up to *last was seen by an earlier run (0: none). */
int mi_alert_mark_get(mi_store *s, int64_t *last, mi_err *e);
/* Moves the mark to last (never back), in the caller's transaction. */
int mi_alert_mark_set(mi_store *s, int64_t last, int64_t now, mi_err *e);

/* Moves the mark to own_last (a response imported after own_first, every
 * one between them by the same import) when no response after the mark is
 * older than own_first: the hook at intake saw them all. */
int mi_alert_mark_follow(mi_store *s, int64_t own_first, int64_t own_last, int64_t now, mi_err *e);

/* Links the follow-up ticket to the response that opened it, in the
 * caller's transaction: MI_EEXIST if the response has one already. */
int mi_alert_link(mi_store *s, int64_t response_id, int64_t ticket_id, const char *reason,
                  const char *policy_digest, int64_t now, mi_err *e);

/* The follow-up ticket of a response (external id), "" if none. */
int mi_alert_followup_of(mi_store *s, const char *response, char *ticket, size_t size, mi_err *e);

/* What the report counts of the follow-ups opened in [from, to): how many,
 * how many contacted (a first response: the call-back) and closed (resolved
 * or closed), how many still open, and the median clock hours from opening
 * to the first contact and to the resolution (-1: none yet). */
typedef struct mi_alert_figures {
  int64_t opened, contacted, closed, open_now;
  double median_contact_hours, median_close_hours; /* < 0: none */
} mi_alert_figures;
int mi_alert_figures_get(mi_store *s, int64_t from, int64_t to, mi_alert_figures *out, mi_err *e);

#endif
