/* What-if over history: the tickets of a kind opened in a period, their SLA
 * clocks recomputed from their logs under the configured rule and under a
 * candidate with other targets, counted by department. */
#ifndef MI_SERVICE_SLA_BACKTEST_H
#define MI_SERVICE_SLA_BACKTEST_H

#include <stdint.h>

#include "config/config.h"
#include "store/store.h"

/* Each target as an SLA rule writes it (clock time or business days of the
 * rule's calendar); all 0 keeps the configured one. A target in d or w is
 * refused (MI_EINVAL) for a ticket whose clocks run in a calendar that closes. */
typedef struct mi_sla_candidate {
  mi_config_sla_time first_response, resolution, next_response;
} mi_sla_candidate;

typedef struct mi_backtest_row {
  char department[65];
  int64_t tickets;
  int64_t no_rule;              /* no configured rule, and the candidate is not complete */
  int64_t breached_now[3];      /* first_response, resolution, next_response */
  int64_t breached_candidate[3];
} mi_backtest_row;

typedef struct mi_backtest {
  mi_backtest_row *rows; /* by department code */
  size_t nrows;
  mi_backtest_row total;
} mi_backtest;

/* Fills out (free with mi_backtest_free); clocks as of now. A ticket whose
 * kind has no configured rule is judged under the candidate only if it sets
 * both first_response and resolution (else counted in no_rule). */
int mi_sla_backtest(mi_store *s, const mi_config *cfg, const char *kind, int64_t from,
                    int64_t to, int64_t now, const mi_sla_candidate *cand, mi_backtest *out,
                    mi_err *e);
void mi_backtest_free(mi_backtest *b);

#endif
