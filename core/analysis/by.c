/* --by G for statistics that have no grouping of their own (describe,
 * mean): the statistic runs once on all rows and once per level of G with
 * the rows of the other levels out of its domain. One mechanism, so every
 * statistic that honours a->domain gets --by (and by = "G" in Lua) with the
 * same output shape: the overall fields and groups {level: fields}. */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

size_t mi_analysis_domain(const mi_analysis_args *a, mi_analysis_data *d,
                          const mi_analysis_column *c) {
  if (!a->domain || !c) return 0;
  mi_analysis_column *col = &d->cols[c - d->cols];
  size_t out = 0;
  for (size_t i = 0; i < d->nrows; i++)
    if (!a->domain[i]) col->miss[i] = 1, out++;
  return out;
}

void mi_analysis_group_err(mi_err *e, const char *by, const char *level) {
  /* "no values: all N rows are missing" counts the whole file's rows */
  char *nv = strstr(e->msg, "no values: all ");
  if (nv) snprintf(nv, sizeof e->msg - (size_t)(nv - e->msg), "no values in this group");
  mi_err_prefix(e, "--by %s, level '%s'", by, level);
}

json_t *mi_analysis_by(mi_analysis_args *a, json_t *(*run)(mi_analysis_args *, mi_err *),
                       mi_err *e) {
  const char *by = mi_analysis_opt(a, "by");
  if (!by) return run(a, e);
  /* the same arguments without --by */
  mi_analysis_args b = *a;
  b.n = 0;
  for (size_t i = 0; i < a->n; i++)
    if (strcmp(a->names[i], "by")) b.names[b.n] = a->names[i], b.vals[b.n++] = a->vals[i];
  json_t *o = run(&b, e);
  a->usage = b.usage;
  if (!o) return NULL;

  mi_analysis_data d;
  mi_analysis_kind kind = MI_ANALYSIS_TEXT;
  char **levels = NULL;
  size_t nlevels = 0, *idx = NULL;
  if (mi_analysis_load(a, &by, &kind, 1, &d, e)) {
    json_decref(o);
    return NULL;
  }
  unsigned char *in = malloc(d.nrows ? d.nrows : 1);
  int rc = in ? mi_analysis_levels(&d.cols[0], d.nrows, &levels, &nlevels, &idx, e)
              : mi_err_set(e, MI_ENOMEM, "out of memory");
  json_t *groups = json_object();
  for (size_t k = 0; !rc && k < nlevels; k++) {
    for (size_t i = 0; i < d.nrows; i++) in[i] = idx[i] == k;
    b.domain = in;
    b.usage = 0;
    json_t *g = run(&b, e);
    if (!g) {
      a->usage = b.usage;
      mi_analysis_group_err(e, by, levels[k]);
      rc = e->code ? e->code : MI_EINVAL;
      break;
    }
    json_object_set_new(groups, levels[k], g);
  }
  free(in);
  mi_analysis_levels_free(levels, nlevels, idx);
  mi_analysis_data_free(&d);
  if (rc) {
    json_decref(groups);
    json_decref(o);
    return NULL;
  }
  json_object_set_new(o, "by", json_string(by));
  json_object_set_new(o, "groups", groups);
  return o;
}
