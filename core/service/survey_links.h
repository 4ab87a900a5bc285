/* Personal links to the hosted questionnaire (manyi serve): an invitation's
 * message carries BASE_URL/s/TOKEN; the token opens that invitation's survey
 * version until the link expires or the survey is answered, and the answers
 * given there are stored as an import of one response would store them. */
#ifndef MI_SERVICE_SURVEY_LINKS_H
#define MI_SERVICE_SURVEY_LINKS_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "store/store.h"
#include "store/survey_links.h"

enum { MI_LINK_URL_MAX = 256 };

struct mi_alert_intake;

/* A new link to invitation_id, open cfg->serve.link_days from now; url gets
 * BASE_URL/s/TOKEN. Without serve.base_url nothing is made and url is "".
 * Call inside the transaction that sends the invitation. */
int mi_survey_link_new(mi_store *s, const mi_config *cfg, int64_t invitation_id, int64_t now,
                       char url[MI_LINK_URL_MAX], mi_err *e);

typedef enum mi_link_state { MI_LINK_OPEN, MI_LINK_ANSWERED, MI_LINK_EXPIRED } mi_link_state;

/* The link a token names (*state: whether it still opens the survey at
 * now); MI_ENOTFOUND for a token of the wrong form or one never given. */
int mi_survey_link_open(mi_store *s, const char *token, int64_t now, mi_survey_link *out,
                        mi_link_state *state, mi_err *e);

/* Stores what was answered through link l: codes[i] = values[i] (question
 * codes; an empty value is a question left out), checked as `import
 * responses` checks a row, with its alert hook (alerts may be NULL), the
 * invitation marked responded and an audit entry, in one transaction. The
 * response's key is fixed by the invitation, so a second submission stores
 * nothing: *put is MI_PUT_INSERTED or MI_PUT_UNCHANGED. duration_s < 0:
 * unknown. Errors name the question (e->msg "field 'q_overall': ..."). */
int mi_survey_link_answer(mi_store *s, const mi_config *cfg, const mi_survey_link *l,
                          const char *const *codes, const char *const *values, size_t n,
                          int64_t duration_s, struct mi_alert_intake *alerts, int64_t now,
                          int *put, mi_err *e);

#endif
