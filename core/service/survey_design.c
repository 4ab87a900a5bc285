/* The sampling design of the scored responses, as analysis columns: each
 * wave is a stratum of its own (waves are drawn independently), a stratified
 * wave one stratum per sampling stratum, a cluster wave's clusters its PSUs;
 * responses outside any wave (post-service surveys) form one more stratum.
 * A response that is not in a cluster is its own PSU. */
#include <stdio.h>
#include <stdlib.h>

#include "service/survey_score_internal.h"

int mi_score_design_init(mi_score_design *d, const mi_survey_rows *rows, mi_err *e) {
  *d = (mi_score_design){0};
  for (size_t i = 0; i < rows->nrows; i++) {
    d->strata |= *rows->design_stratum[i] != 0;
    d->cluster |= *rows->design_cluster[i] != 0;
  }
  if (!d->cluster) return 0;
  /* The other rows need PSU names of their own: "#" and the row number.
   * Only with a cluster wave, so the common case carries no names per row. */
  d->ids = malloc((rows->nrows ? rows->nrows : 1) * MI_SCORE_ID_SIZE);
  if (!d->ids) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; i < rows->nrows; i++)
    snprintf(d->ids + i * MI_SCORE_ID_SIZE, MI_SCORE_ID_SIZE, "#%zu", i + 1);
  return 0;
}

void mi_score_design_free(mi_score_design *d) {
  free(d->ids);
  d->ids = NULL;
}

size_t mi_score_design_columns(const mi_score_design *d, const char **cols) {
  size_t n = 0;
  if (d->strata) cols[n++] = MI_SCORE_STRATUM;
  if (d->cluster) cols[n++] = MI_SCORE_CLUSTER;
  return n;
}

void mi_score_design_cells(const mi_score_design *d, const mi_survey_rows *rows, size_t i,
                           mi_analysis_cell *cells) {
  if (d->strata) {
    const char *s = rows->design_stratum[i];
    *cells++ = (mi_analysis_cell){.kind = MI_ANALYSIS_STR, .str = *s ? s : "(no wave)"};
  }
  if (d->cluster) {
    const char *k = rows->design_cluster[i];
    *cells = (mi_analysis_cell){.kind = MI_ANALYSIS_STR,
                                .str = *k ? k : d->ids + i * MI_SCORE_ID_SIZE};
  }
}
