/* The --by of a score: which field of a response groups it. */
#include <string.h>

#include "service/survey_score_internal.h"

int mi_score_by_kind(const char *by) {
  return !by                      ? MI_BY_NONE
         : !strcmp(by, "tier")    ? MI_BY_TIER
         : !strcmp(by, "region")  ? MI_BY_REGION
         : !strcmp(by, "stratum") ? MI_BY_STRATUM
         : !strcmp(by, "channel") ? MI_BY_CHANNEL
                                  : MI_BY_DEPARTMENT;
}

const char *mi_score_group_text(const mi_survey_row *r, int kind) {
  switch (kind) {
  case MI_BY_NONE: return "";
  case MI_BY_TIER: return r->tier;
  case MI_BY_REGION: return r->region;
  case MI_BY_STRATUM: return r->stratum;
  case MI_BY_CHANNEL: return r->channel;
  default: return r->department;
  }
}

unsigned mi_score_by_need(const char *by) {
  int kind = mi_score_by_kind(by);
  return kind == MI_BY_TIER         ? MI_SURVEY_NEED_TIER
         : kind == MI_BY_REGION     ? MI_SURVEY_NEED_REGION
         : kind == MI_BY_DEPARTMENT ? MI_SURVEY_NEED_DEPARTMENT
                                    : 0u;
}
