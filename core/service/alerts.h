/* The closed loop on feedback (manyi eval alerts): every scored response,
 * in id order, through the alert policy, which may open a follow-up ticket
 * for a department (a ticket kind of its own with its SLA), linked to the
 * response. It runs after the responses are imported and their open
 * answers coded, as a batch of the batch engine: chunks with a checkpoint,
 * the breaker, --jobs. Exactly once: a response's follow-up, its link and
 * the mark of how far the step got commit in one transaction, the link is
 * keyed by the response, and the next run starts after the mark. */
#ifndef MI_SERVICE_ALERTS_H
#define MI_SERVICE_ALERTS_H

#include <stdint.h>

#include "config/config.h"
#include "policy/policy.h"
#include "service/batch.h"
#include "store/alerts.h"
#include "store/responses.h"
#include "store/store.h"

enum { MI_ALERT_MAX_WORKERS = MI_BATCH_MAX_WORKERS, MI_ALERT_SHOWN = 20 };

typedef struct mi_alert_run_options {
  int rescan; /* from the first response, not after the mark (follow-ups are still never doubled) */
  mi_policy **workers; /* --jobs: extra states of the same policy, one per thread */
  int nworkers;
  mi_batch_options batch; /* dry run, chunk, now, breaker, failures, progress */
} mi_alert_run_options;

typedef struct mi_alert_opened {
  char response[65], ticket[65], department[65], kind[65], reason[501];
} mi_alert_opened;

typedef struct mi_alert_run_summary {
  int64_t responses;   /* seen by the policy (or skipped) in this run */
  int64_t opened;      /* follow-ups opened (a dry run: that would be) */
  int64_t none;        /* the policy returned nil */
  int64_t skipped;     /* had a follow-up already (--rescan) */
  int64_t failed;      /* the policy failed: named with file:line and the response */
  int64_t after;       /* the run started after this response id */
  mi_alert_opened shown[MI_ALERT_SHOWN]; /* the first follow-ups opened */
  int nshown;
  mi_batch_stop stop;
} mi_alert_run_summary;

/* Runs the alert policy over the responses after the mark (all with
 * rescan). A failure is reported (on_failure, --failures) and the run goes
 * on until the breaker trips (then MI_EPOLICY and summary->stop). */
int mi_alerts_run(mi_store *s, const mi_config *cfg, mi_policy *policy,
                  const mi_alert_run_options *opt, mi_alert_run_summary *summary, mi_err *e);

/* ---- the hook at intake ----------------------------------------------------
 * The hook also runs where responses arrive, so that a detractor is called
 * back without waiting for a batch: `import responses` asks it of each new
 * response on the thread that checks the rows (its own read connection, the
 * thread that stores them being SQLite's single writer and the pace), and
 * opens what it decided where the response is stored, in the same
 * transaction; `survey code` asks it again of each response whose open
 * answers it just coded, now with their categories. A follow-up is never
 * opened twice for a response. When the import left nothing behind (no
 * failure, no response before it that the hook has not seen), the mark of
 * eval alerts moves past its responses, so eval alerts does not call the
 * policy for them again. */
typedef struct mi_alert_intake mi_alert_intake;

typedef struct mi_alert_intake_summary {
  int64_t opened;    /* follow-ups opened */
  int64_t failed;    /* the policy failed (the first is in first_failure) */
  int tripped;       /* max_failures in a row: the policy was not asked again */
  mi_err first_failure; /* names the response */
  mi_alert_opened shown[MI_ALERT_SHOWN];
  int nshown;
} mi_alert_intake_summary;

/* policy stays the caller's; max_failures in a row stop the calls (0: 100). */
mi_alert_intake *mi_alert_intake_new(const mi_config *cfg, mi_policy *policy, int64_t now,
                                     int max_failures);
void mi_alert_intake_free(mi_alert_intake *in);
void mi_alert_intake_get(const mi_alert_intake *in, mi_alert_intake_summary *out);

/* On one thread at a time (the import's): the decision for r (customer
 * the external id of its customer, json its scale answers, texts its open
 * answers), read through s. A failure is counted and d says no follow-up. */
void mi_alert_intake_decide(mi_alert_intake *in, mi_store *s, const mi_response *r,
                            const char *customer, const char *json, const mi_answer *texts,
                            int ntexts, mi_alert_decision *d);
/* On the thread that stores them: opens the follow-up decided for the
 * response stored as row id, in the open transaction. */
int mi_alert_intake_open(mi_alert_intake *in, mi_store *s, const mi_response *r, int64_t id,
                         const mi_alert_decision *d, mi_err *e);
/* In the import's last transaction: moves the mark past own_last, the
 * highest response id it stored (own_first the lowest), when the hook saw
 * every response after the mark. */
int mi_alert_intake_finish(mi_alert_intake *in, mi_store *s, int64_t own_first, int64_t own_last,
                           mi_err *e);
/* survey code, on one thread (its own, with a read connection s): the
 * decisions for the responses coded[0..n) (ids increasing), whose open
 * answers were just coded to categories (joined by ';'; with recode they
 * replace the stored ones, else they are added), kept for
 * mi_alert_intake_open_judged. */
typedef struct mi_alert_coded {
  int64_t id;
  char categories[MI_ALERT_CATEGORIES];
} mi_alert_coded;
int mi_alert_intake_judge_coded(mi_alert_intake *in, mi_store *s, const mi_alert_coded *coded,
                                size_t n, int recode, mi_err *e);
/* Then, on the thread that writes: opens the follow-ups decided, in the open
 * transaction. */
int mi_alert_intake_open_judged(mi_alert_intake *in, mi_store *s, mi_err *e);

#endif
