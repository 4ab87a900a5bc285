/* The design options shared by mean, describe and rake: --weight, --strata,
 * --cluster, --fpc, --nest, --lonely-psu. Loads them with --col, checks that
 * every row has its design values (R's svydesign stops on a missing weight,
 * stratum, cluster or fpc), builds the mi_stats_design and puts the names of
 * strata, clusters and the file's lines into the messages of core/stats. */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

int mi_analysis_has_design(const mi_analysis_args *a) {
  return mi_analysis_opt(a, "weight") || mi_analysis_opt(a, "strata") ||
         mi_analysis_opt(a, "cluster") || mi_analysis_opt(a, "fpc");
}

void mi_analysis_design_free(mi_analysis_design *ad) {
  if (!ad) return;
  mi_stats_design_free(&ad->des);
  mi_analysis_levels_free(ad->slev, ad->nslev, ad->sidx);
  mi_analysis_levels_free(ad->plev, ad->nplev, ad->pidx);
  mi_analysis_data_free(&ad->d);
  memset(ad, 0, sizeof *ad);
}

/* Appends the name for "WORD N" (N 1-based) to buf. */
static void put_name(const mi_analysis_design *ad, const char *word, unsigned long k, char *buf,
                     size_t size) {
  size_t len = strlen(buf);
  char *p = buf + len;
  size_t room = size - len;
  const mi_analysis_data *d = &ad->d;
  if (!strcmp(word, "stratum")) {
    if (ad->slev && k >= 1 && k <= ad->nslev) snprintf(p, room, "stratum '%s'", ad->slev[k - 1]);
    else snprintf(p, room, "the sample");
  } else if (!strcmp(word, "PSU") && ad->plev) {
    if (k >= 1 && k <= ad->nplev) snprintf(p, room, "cluster '%s'", ad->plev[k - 1]);
    else snprintf(p, room, "cluster %lu", k);
  } else if (k >= 1 && k <= d->nrows) { /* a row, or a PSU that is a row */
    snprintf(p, room, "line %ld", d->line[k - 1]);
  } else {
    snprintf(p, room, "%s %lu", word, k);
  }
}

void mi_analysis_design_err(const mi_analysis_design *ad, mi_err *e) {
  if (!e || !ad) return;
  static const char *const words[] = {"stratum", "PSU", "row"};
  char out[sizeof e->msg] = "";
  const char *p = e->msg;
  long line = 0;
  /* "row N: ..." at the start becomes the error's position */
  if (!strncmp(p, "row ", 4)) {
    char *end;
    unsigned long k = strtoul(p + 4, &end, 10);
    if (end != p + 4 && *end == ':' && k >= 1 && k <= ad->d.nrows) {
      line = ad->d.line[k - 1];
      p = end + 1;
      while (*p == ' ') p++;
    }
  }
  while (*p && strlen(out) + 1 < sizeof out) {
    int done = 0;
    for (size_t w = 0; w < 3 && !done; w++) {
      size_t wl = strlen(words[w]);
      if (strncmp(p, words[w], wl) || p[wl] != ' ' || p[wl + 1] < '0' || p[wl + 1] > '9') continue;
      if (p > e->msg && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z'))) continue;
      char *end;
      unsigned long k = strtoul(p + wl + 1, &end, 10);
      put_name(ad, words[w], k, out, sizeof out);
      p = end;
      done = 1;
    }
    if (!done) {
      size_t l = strlen(out);
      out[l] = *p++;
      out[l + 1] = 0;
    }
  }
  if (strstr(out, "has only one PSU"))
    snprintf(out + strlen(out), sizeof out - strlen(out),
             " (R's default: survey.lonely.psu = \"fail\"); give --lonely-psu remove, adjust, "
             "certainty or average");
  if (line) mi_err_setpos(e, e->code, ad->d.file, (int)line, 0, "%s", out);
  else mi_err_set(e, e->code, "%s: %s", ad->d.file, out);
}

/* An error at a row: file:line and the field. */
static int row_err(mi_analysis_design *ad, size_t i, const char *col, const char *what,
                   mi_err *e) {
  return mi_err_setpos(e, MI_EINVAL, ad->d.file, (int)ad->d.line[i], 0, "field '%s': %s", col,
                       what);
}

/* --nest and --lonely-psu: usage errors when they do not fit the others. */
static int rule_opts(mi_analysis_args *a, mi_stats_lonely_psu *rule, mi_err *e) {
  const char *lonely = mi_analysis_opt(a, "lonely-psu");
  *rule = MI_STATS_LONELY_FAIL;
  a->usage = 1;
  if (mi_analysis_opt(a, "nest") && !(mi_analysis_opt(a, "strata") && mi_analysis_opt(a, "cluster")))
    return mi_err_set(e, MI_EINVAL, "--nest needs --strata and --cluster (it says cluster ids "
                      "restart in each stratum)");
  if (lonely && !mi_analysis_opt(a, "strata"))
    return mi_err_set(e, MI_EINVAL, "--lonely-psu needs --strata");
  if (lonely && mi_stats_lonely_psu_parse(lonely, rule, e)) {
    mi_err_prefix(e, "--lonely-psu");
    return MI_EINVAL;
  }
  a->usage = 0;
  return 0;
}

int mi_analysis_design_of(mi_analysis_args *a, int build, mi_analysis_design *ad, mi_err *e) {
  mi_stats_lonely_psu rule;
  int rc = rule_opts(a, &rule, e);
  if (rc) return rc;
  mi_analysis_data *d = &ad->d;
  const char *col = mi_analysis_opt(a, "col"), *wn = mi_analysis_opt(a, "weight");
  const char *sn = mi_analysis_opt(a, "strata"), *cn = mi_analysis_opt(a, "cluster");
  const char *fn = mi_analysis_opt(a, "fpc");
  ad->col = col ? mi_analysis_data_col(d, col) : NULL;
  ad->w = wn ? mi_analysis_data_col(d, wn) : NULL;
  ad->strata = sn ? mi_analysis_data_col(d, sn) : NULL;
  ad->cluster = cn ? mi_analysis_data_col(d, cn) : NULL;
  ad->fpc = fn ? mi_analysis_data_col(d, fn) : NULL;
  const mi_analysis_column *dc[4] = {ad->w, ad->strata, ad->cluster, ad->fpc};
  static const char *const what[4] = {"weight", "stratum", "cluster", "fpc"};
  for (size_t i = 0; !rc && i < d->nrows; i++) {
    for (size_t k = 0; !rc && k < 4; k++)
      if (dc[k] && dc[k]->miss[i]) {
        char msg[200];
        snprintf(msg, sizeof msg, "missing %s; every row is a unit of the design and needs one "
                 "(R's svydesign stops too)", what[k]);
        rc = row_err(ad, i, dc[k]->name, msg, e);
      }
    if (!rc && ad->w && ad->w->x[i] < 0)
      rc = row_err(ad, i, ad->w->name, "negative weight (weights must be >= 0)", e);
  }
  if (!rc && ad->strata)
    rc = mi_analysis_levels(ad->strata, d->nrows, &ad->slev, &ad->nslev, &ad->sidx, e);
  if (!rc && ad->cluster)
    rc = mi_analysis_levels(ad->cluster, d->nrows, &ad->plev, &ad->nplev, &ad->pidx, e);
  if (!rc && build) {
    if (d->nrows == 0) {
      rc = mi_err_set(e, MI_EINVAL, "%s: no rows", d->file);
    } else {
      mi_stats_design_spec s = {d->nrows, ad->w ? ad->w->x : NULL, ad->sidx, ad->nslev,
                                ad->pidx, ad->nplev, mi_analysis_opt(a, "nest") != NULL,
                                ad->fpc ? ad->fpc->x : NULL, rule};
      if ((rc = mi_stats_design_init(&s, &ad->des, e))) mi_analysis_design_err(ad, e);
    }
  }
  if (rc) mi_analysis_design_free(ad);
  return rc;
}

int mi_analysis_design_load(mi_analysis_args *a, const char *const *extra, size_t nextra,
                            int build, mi_analysis_design *ad, mi_err *e) {
  memset(ad, 0, sizeof *ad);
  const char *col = mi_analysis_need(a, "col", e);
  if (!col) return MI_EINVAL;
  const char *wn = mi_analysis_opt(a, "weight"), *sn = mi_analysis_opt(a, "strata");
  const char *cn = mi_analysis_opt(a, "cluster"), *fn = mi_analysis_opt(a, "fpc");
  mi_stats_lonely_psu rule;
  if (rule_opts(a, &rule, e)) return MI_EINVAL;
  a->usage = 1;
  /* numeric and text roles must not share a column (it is loaded once) */
  const char *num[3] = {col, wn, fn}, *txt[2] = {sn, cn};
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; num[i] && j < 2 + nextra; j++) {
      const char *t = j < 2 ? txt[j] : extra[j - 2];
      if (t && !strcmp(num[i], t))
        return mi_err_set(e, MI_EINVAL, "column '%s' is given both as a number (--col, "
                          "--weight, --fpc) and as levels (--strata, --cluster, a margin)", t);
    }
  if (wn && !strcmp(wn, col)) return mi_err_set(e, MI_EINVAL, "--weight must be a column of its own");
  a->usage = 0;
  size_t nn = 0;
  const char **names = malloc((5 + nextra) * sizeof *names);
  mi_analysis_kind *kinds = malloc((5 + nextra) * sizeof *kinds);
  if (!names || !kinds) {
    free(names), free(kinds);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < 3; i++)
    if (num[i]) names[nn] = num[i], kinds[nn++] = MI_ANALYSIS_NUMERIC;
  for (size_t j = 0; j < 2 + nextra; j++) {
    const char *t = j < 2 ? txt[j] : extra[j - 2];
    if (t) names[nn] = t, kinds[nn++] = MI_ANALYSIS_TEXT;
  }
  int rc = mi_analysis_load(a, names, kinds, nn, &ad->d, e);
  free(names), free(kinds);
  if (rc) return rc;
  return mi_analysis_design_of(a, build, ad, e);
}

json_t *mi_analysis_design_json(const mi_analysis_args *a, const mi_analysis_design *ad) {
  json_t *o = json_object();
  static const char *const opts[] = {"weight", "strata", "cluster", "fpc"};
  for (size_t i = 0; i < 4; i++) {
    const char *v = mi_analysis_opt(a, opts[i]);
    if (v) json_object_set_new(o, opts[i], json_string(v));
  }
  if (ad->strata) json_object_set_new(o, "nest", json_boolean(mi_analysis_opt(a, "nest") != NULL));
  if (ad->strata)
    json_object_set_new(o, "lonely_psu", json_string(mi_stats_lonely_psu_name(ad->des.lonely)));
  mi_analysis_jset_n(o, "psus", ad->des.npsu);
  mi_analysis_jset_n(o, "strata_count", ad->des.nstrata);
  return o;
}
