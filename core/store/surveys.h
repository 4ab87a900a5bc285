/* Surveys (versioned questionnaires) and their questions. */
#ifndef MI_STORE_SURVEYS_H
#define MI_STORE_SURVEYS_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_question_def {
  const char *code, *text, *dimension; /* dimension may be NULL */
  int open;                            /* open text: no scale */
  int scale_min, scale_max;            /* when !open; scale_min < scale_max */
  double weight;
  int reverse;
  const char *choices; /* a choice question (open): its codes joined by ';'; else NULL */
  int multiple;        /* with choices: several may be chosen */
} mi_question_def;

typedef struct mi_survey_def {
  const char *code, *name, *kind; /* kind: csat|nps|ces|index */
  const char *definition_json;    /* the whole definition; a change makes a new version */
  const mi_question_def *questions;
  int nquestions;
} mi_survey_def;

/* Makes the stored survey match def: if the latest stored version has the same
 * definition, nothing changes (MI_PUT_UNCHANGED); otherwise a new version with
 * its questions is added (MI_PUT_INSERTED), so answers given to an older
 * version stay tied to it. *survey_id and *version (either may be NULL) get
 * the current version. Call inside a transaction. */
int mi_survey_sync(mi_store *s, const mi_survey_def *def, int64_t now, int64_t *survey_id,
                   int *version, mi_err *e);

/* 1 when the latest stored version of the survey has this definition, 0 when
 * there is none or it differs (mi_survey_sync would add a version), or a
 * negative code. Only reads. */
int mi_survey_same(mi_store *s, const char *code, const char *definition_json, mi_err *e);

/* The id of the latest version of the survey with this code. */
int mi_survey_latest(mi_store *s, const char *code, int64_t *survey_id, mi_err *e);

typedef struct mi_question {
  int64_t id;
  char code[65];
  char dimension[65]; /* "" when none */
  int open, scale_min, scale_max, reverse; /* open: no scale (free text or choices) */
  double weight;
  char choices[1024]; /* a choice question: its codes joined by ';' ("" for none) */
  int multiple;       /* several choices may be given */
} mi_question;

/* The questions of one survey version in their order. *out is a new array
 * owned by the caller (free()); *n its length. */
int mi_survey_questions(mi_store *s, int64_t survey_id, mi_question **out, int *n, mi_err *e);

#endif
