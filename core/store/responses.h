/* Survey responses and their answers. */
#ifndef MI_STORE_RESPONSES_H
#define MI_STORE_RESPONSES_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_answer {
  int64_t question_id;
  const char *text; /* open answers: the text; scale answers: NULL */
  double value;     /* scale answers */
  int choice;       /* text is a choice question's codes: no open answer (coding, alerts) */
} mi_answer;

typedef struct mi_response {
  const char *external_id;
  int64_t survey_id, customer_id;
  int64_t invitation_id; /* 0 = none */
  int64_t submitted_at;
  int has_duration;
  int64_t duration_s;
  const char *channel; /* email|sms|phone|web or NULL */
} mi_response;

/* Stores a response with its answers. A response is never rewritten: if one
 * with the same external_id is stored, nothing changes (MI_PUT_UNCHANGED).
 * Returns MI_PUT_INSERTED or MI_PUT_UNCHANGED with *id (may be NULL) the
 * response's row, or MI_EPARSE when its invitation was answered already. */
int mi_response_put(mi_store *s, const mi_response *r, const mi_answer *answers, int nanswers,
                    int64_t *id, mi_err *e);

/* mi_response_put in two steps, for a writer that prepares rows apart from
 * storing them (the import's two threads): the scale answers as the JSON
 * object of responses.scale_answers ({"question id":value,...}; *json NULL
 * when there are none, else the caller frees it), then the row with it and
 * the open answers among answers. */
int mi_response_pack(const mi_answer *answers, int nanswers, char **json, mi_err *e);
int mi_response_put_packed(mi_store *s, const mi_response *r, const char *json,
                           const mi_answer *answers, int nanswers, int64_t *id, mi_err *e);

/* Many responses at once (an import): those without an invitation go in by
 * MI_RESPONSE_ROWS in one statement (SQLite then opens the indexes and runs
 * the insert trigger's program once per statement, not once per row); the
 * others one by one. put[i] is what became of row i (MI_PUT_INSERTED or
 * MI_PUT_UNCHANGED) and ids[i] its row. A negative return: an error about
 * row *failed (the rows are then to be rolled back with their transaction). */
enum { MI_RESPONSE_ROWS = 64 };
typedef struct mi_response_row {
  const mi_response *r;
  const char *json;          /* mi_response_pack */
  const mi_answer *texts;    /* answers; those with a text are stored */
  int ntexts;
} mi_response_row;
int mi_response_put_rows(mi_store *s, const mi_response_row *rows, size_t n, int64_t *ids,
                         int *put, size_t *failed, mi_err *e);

/* The answers to choice questions of responses asked for in ascending id
 * order (a scan of the responses): one cursor read in step with the scan
 * instead of a look-up per response. */
typedef struct mi_choice_cursor mi_choice_cursor;
mi_choice_cursor *mi_choice_cursor_open(mi_store *s, mi_err *e); /* NULL: e says why */
/* fn(ud, question code, the codes chosen joined by ';') for each choice
 * question response_id answered; ids must not go down from call to call. A
 * non-zero return of fn stops and is returned. */
int mi_choice_cursor_answers(mi_choice_cursor *c, int64_t response_id,
                             int (*fn)(void *ud, const char *question, const char *codes), void *ud,
                             mi_err *e);
void mi_choice_cursor_close(mi_choice_cursor *c);

#endif
