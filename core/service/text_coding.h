/* Coding texts: the coding policy (policies.coding) reads each open answer
 * of a survey and, if asked, each complaint's description, and names the
 * categories it is about; they are stored for counting and trends. */
#ifndef MI_SERVICE_TEXT_CODING_H
#define MI_SERVICE_TEXT_CODING_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "store/store.h"

typedef struct mi_coding_summary {
  int64_t texts, coded, uncategorised, failed;
} mi_coding_summary;

/* Codes the texts not coded yet (all with recode) in one transaction. A
 * policy failure on one text is reported through on_failure, counted, and
 * the text left uncoded (a rerun tries it again). With alerts, each
 * response whose open answers were coded then goes through the alert hook
 * again, with its categories, in the same transaction (service/alerts.h). */
struct mi_alert_intake;
int mi_texts_code(mi_store *s, mi_policy *coding, const char *survey, int complaints, int recode,
                  int64_t now, void (*on_failure)(void *ctx, const char *what, const mi_err *err),
                  void *ctx, struct mi_alert_intake *alerts, mi_coding_summary *sum, mi_err *e);

/* Category counts (most first) as a Pareto: [{category, count, share,
 * cumulative}], shares of all mentions (a text can have several). */
struct mi_code_count;
json_t *mi_code_pareto(const struct mi_code_count *c, size_t n);

#endif
