/* Drawing a wave: eligible frame -> strata -> allocation -> random choice. */
#include <gsl/gsl_statistics_double.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/customer_view.h"
#include "service/surveys.h"
#include "stats/sampling.h"
#include "stats/stats.h"
#include "store/invitations.h"
#include "store/survey_waves.h"
#include "store/surveys.h"

/* Strata as runs of the frame (it is ordered by stratum). */
typedef struct run {
  size_t first, count;
} run;

static int strata_of(const mi_frame_unit *u, size_t n, mi_sample_result *out, run **runs,
                     mi_err *e) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += i == 0 || strcmp(u[i].stratum, u[i - 1].stratum);
  out->strata = calloc(k ? k : 1, sizeof *out->strata);
  *runs = calloc(k ? k : 1, sizeof **runs);
  if (!out->strata || !*runs) return mi_err_set(e, MI_ENOMEM, "out of memory");
  out->nstrata = k;
  for (size_t i = 0, h = 0; i < n; i++) {
    if (i && strcmp(u[i].stratum, u[i - 1].stratum)) h++;
    if (!(*runs)[h].count) (*runs)[h].first = i;
    (*runs)[h].count++;
    snprintf(out->strata[h].name, sizeof out->strata[h].name, "%s", u[i].stratum);
    out->strata[h].population++;
  }
  return 0;
}

typedef struct answers {
  const mi_sample_result *res;
  double **values;
  size_t *n, *cap;
} answers;

static int collect_answer(void *ud, const char *stratum, double value) {
  answers *a = ud;
  for (size_t h = 0; h < a->res->nstrata; h++) {
    if (strcmp(a->res->strata[h].name, stratum)) continue;
    if (a->n[h] == a->cap[h]) {
      double *v = realloc(a->values[h], (a->cap[h] = a->cap[h] ? a->cap[h] * 2 : 64) * sizeof *v);
      if (!v) return MI_ENOMEM;
      a->values[h] = v;
    }
    a->values[h][a->n[h]++] = value;
  }
  return 0;
}

/* Each stratum's sd of the past answers to r->question (Neyman). */
static int neyman_sd(mi_store *s, const mi_sample_request *r, mi_sample_result *res, mi_err *e) {
  size_t k = res->nstrata;
  answers a = {res, calloc(k, sizeof(double *)), calloc(k, sizeof(size_t)), calloc(k, sizeof(size_t))};
  int rc = !a.values || !a.n || !a.cap ? mi_err_set(e, MI_ENOMEM, "out of memory") : 0;
  if (!rc) rc = mi_survey_answers_by(s, r->survey, r->question, r->by, collect_answer, &a, e);
  if (rc == MI_ENOMEM) mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t h = 0; h < k && !rc; h++) {
    if (a.n[h] < 2)
      rc = mi_err_set(e, MI_EINVAL, "Neyman allocation: stratum %s has %zu past answer%s to %s; "
                      "it needs 2 or more (or use --allocation proportional)", res->strata[h].name,
                      a.n[h], a.n[h] == 1 ? "" : "s", r->question);
    else res->strata[h].sd = gsl_stats_sd(a.values[h], 1, a.n[h]);
  }
  for (size_t h = 0; a.values && h < k; h++) free(a.values[h]);
  free(a.values), free(a.n), free(a.cap);
  return rc;
}

static char *design_json(const mi_sample_request *r, int64_t n) {
  json_t *d = json_pack("{s:s, s:s?, s:I, s:I}", "method", r->method, "by", r->by, "size",
                        (json_int_t)n, "seed", (json_int_t)r->seed);
  if (r->quiet_days >= 0) json_object_set_new(d, "quiet_days", json_integer(r->quiet_days));
  if (r->eligibility) json_object_set_new(d, "eligibility", json_string("policy"));
  if (!strcmp(r->method, "stratified"))
    json_object_set_new(d, "allocation", json_string(r->allocation));
  if (r->question && !strcmp(r->allocation, "neyman"))
    json_object_set_new(d, "question", json_string(r->question));
  if (!strcmp(r->method, "cluster")) json_object_set_new(d, "clusters", json_integer(r->clusters));
  char *t = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(d);
  return t;
}

/* Which units: chosen[i] = 1 for the frame units in the sample. */
static int choose(const mi_sample_request *r, const run *runs, mi_sample_result *res,
                  int64_t n, char *chosen, mi_err *e) {
  size_t k = res->nstrata;
  int rc = 0;
  if (!strcmp(r->method, "cluster")) {
    if (r->clusters < 1 || (size_t)r->clusters > k)
      return mi_err_set(e, MI_EINVAL, "--clusters must be 1 to %zu (the clusters in the frame)", k);
    size_t *pick = malloc((size_t)r->clusters * sizeof *pick);
    if (!pick) return mi_err_set(e, MI_ENOMEM, "out of memory");
    if (!(rc = mi_stats_choose(r->seed, k, (size_t)r->clusters, pick, e)))
      for (int64_t c = 0; c < r->clusters; c++) {
        mi_sample_stratum *st = &res->strata[pick[c]];
        st->sample = st->population;
        st->weight = (double)k / (double)r->clusters;
        memset(chosen + runs[pick[c]].first, 1, runs[pick[c]].count);
      }
    free(pick);
    return rc;
  }
  int64_t *N = calloc(k, sizeof *N), *nh = calloc(k, sizeof *nh);
  double *sd = calloc(k, sizeof *sd);
  if (!N || !nh || !sd) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t h = 0; h < k && !rc; h++) N[h] = res->strata[h].population, sd[h] = res->strata[h].sd;
  int neyman = !strcmp(r->method, "stratified") && !strcmp(r->allocation, "neyman");
  if (!rc) rc = mi_stats_allocate(k, N, neyman ? sd : NULL, n, nh, e);
  for (size_t h = 0; h < k && !rc; h++) {
    size_t *pick = malloc((size_t)(nh[h] ? nh[h] : 1) * sizeof *pick);
    if (!pick) {
      rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      break;
    }
    /* One stream per stratum, so adding a stratum does not reshuffle the others. */
    rc = mi_stats_choose(r->seed + h, runs[h].count, (size_t)nh[h], pick, e);
    for (int64_t i = 0; i < nh[h] && !rc; i++) chosen[runs[h].first + pick[i]] = 1;
    free(pick);
    res->strata[h].sample = nh[h];
    res->strata[h].weight = nh[h] ? (double)N[h] / (double)nh[h] : 0;
  }
  free(N), free(nh), free(sd);
  return rc;
}

static int check_request(const mi_config *cfg, const mi_sample_request *r, mi_err *e) {
  if (!r->survey || !r->wave) return mi_err_set(e, MI_EINVAL, "which survey and wave?");
  if (!mi_config_find_survey(cfg, r->survey))
    return mi_err_set(e, MI_EINVAL, "no survey '%s' in the configuration", r->survey);
  if (strcmp(r->method, "srs") && strcmp(r->method, "stratified") && strcmp(r->method, "cluster"))
    return mi_err_set(e, MI_EINVAL, "method '%s': use srs, stratified or cluster", r->method);
  if (strcmp(r->method, "srs") && !r->by)
    return mi_err_set(e, MI_EINVAL, "%s sampling needs --by (tier, region, kind or industry)", r->method);
  if (!strcmp(r->method, "stratified") && strcmp(r->allocation, "proportional") &&
      strcmp(r->allocation, "neyman"))
    return mi_err_set(e, MI_EINVAL, "allocation '%s': use proportional or neyman", r->allocation);
  if (!strcmp(r->method, "cluster") && (r->size || r->margin > 0))
    return mi_err_set(e, MI_EINVAL, "cluster sampling takes whole clusters: give how many "
                      "(--clusters M), not a size or a margin");
  if (!strcmp(r->method, "stratified") && !strcmp(r->allocation, "neyman") && !r->question)
    return mi_err_set(e, MI_EINVAL, "Neyman allocation needs --question (past answers give each "
                      "stratum's spread)");
  return 0;
}

/* ---- the frame ------------------------------------------------------------ */

typedef struct frame {
  const mi_sample_request *r;
  mi_sample_result *out;
  mi_frame_unit *u;
  size_t n, cap;
  mi_err *e;
} frame;

static int exclude(frame *f, const char *reason) {
  mi_sample_result *o = f->out;
  for (size_t i = 0; i < o->nexcluded; i++)
    if (!strcmp(o->excluded[i].reason, reason)) return (int)(++o->excluded[i].count, 0);
  mi_sample_exclusion *x = realloc(o->excluded, (o->nexcluded + 1) * sizeof *x);
  if (!x) return mi_err_set(f->e, MI_ENOMEM, "out of memory");
  o->excluded = x;
  x = &x[o->nexcluded++];
  snprintf(x->reason, sizeof x->reason, "%s", reason);
  x->count = 1;
  return 0;
}

/* The built-in rule: NULL (eligible) or the reason. */
static const char *builtin(const mi_sample_request *r, const mi_frame_row *row) {
  if (!row->channel) return "no_consent";
  if (row->last_invited_at && row->last_invited_at > r->now - r->quiet_days * 86400)
    return "quiet_period";
  if (row->open_complaints > 0) return "open_complaint";
  return NULL;
}

/* The customer view of the eligible hook (policies/README.md). */
static int ask_policy(const mi_sample_request *r, const mi_frame_row *row,
                      mi_eligible_decision *d, mi_err *e) {
  mi_view_field f[MI_FRAME_VIEW_FIELDS];
  mi_view v;
  mi_frame_view_make(row, r->now, f, &v);
  return mi_policy_call_eligible(r->eligibility, &v, d, e);
}

static int one_customer(void *ud, const mi_frame_row *row) {
  frame *f = ud;
  const char *reason = NULL, *channel = row->channel;
  mi_eligible_decision d;
  f->out->customers++;
  if (f->r->eligibility) {
    int rc = ask_policy(f->r, row, &d, f->e);
    if (rc) return rc;
    reason = d.eligible ? NULL : d.reason;
    channel = d.channel;
  } else {
    reason = builtin(f->r, row);
  }
  if (reason) return exclude(f, reason);
  if (f->n == f->cap) {
    mi_frame_unit *u = realloc(f->u, (f->cap = f->cap ? f->cap * 2 : 1024) * sizeof *u);
    if (!u) return mi_err_set(f->e, MI_ENOMEM, "out of memory reading the frame");
    f->u = u;
  }
  mi_frame_unit *u = &f->u[f->n++];
  u->customer_id = row->customer_id;
  snprintf(u->stratum, sizeof u->stratum, "%s", row->stratum);
  snprintf(u->channel, sizeof u->channel, "%s", channel);
  return 0;
}

/* The eligible customers, ordered by stratum then id; *units is free()d by
 * the caller. */
static int build_frame(mi_store *s, const mi_sample_request *r, const char *by, int64_t wave_id,
                       mi_sample_result *out, mi_frame_unit **units, size_t *n, mi_err *e) {
  frame f = {.r = r, .out = out, .e = e};
  /* one eligibility call a customer: no line of each return (policy.h) */
  if (r->eligibility) mi_policy_track_lines(r->eligibility, 0);
  int rc = mi_survey_frame_each(s, by, wave_id, one_customer, &f, e);
  if (r->eligibility) mi_policy_track_lines(r->eligibility, 1);
  if (rc) {
    free(f.u);
    return rc;
  }
  *units = f.u, *n = f.n;
  return 0;
}

int mi_survey_eligibility_load(const mi_config *cfg, int64_t quiet_days, mi_policy **out,
                               int64_t *effective, mi_err *e) {
  *out = NULL, *effective = -1;
  const mi_config_policy *pol = mi_config_find_policy(cfg, "eligibility");
  if (!pol) return mi_err_set(e, MI_ENOTFOUND, "no eligibility policy under policies:");
  size_t n = pol->params.count;
  char **keys = calloc(n + 1, sizeof *keys);
  mi_config_value *items = calloc(n + 1, sizeof *items);
  if (!keys || !items) {
    free(keys), free(items);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  mi_config_value params = {.kind = MI_CONFIG_MAP, .keys = keys, .items = items, .count = n};
  size_t at = n;
  for (size_t i = 0; i < n; i++) {
    keys[i] = pol->params.keys[i], items[i] = pol->params.items[i];
    if (!strcmp(keys[i], "quiet_days")) {
      at = i;
      if (items[i].kind == MI_CONFIG_INT) *effective = items[i].i;
    }
  }
  if (quiet_days >= 0) {
    if (at == n) params.count++;
    keys[at] = "quiet_days";
    items[at] = (mi_config_value){.kind = MI_CONFIG_INT, .i = quiet_days};
    *effective = quiet_days;
  }
  mi_policy_limits lim = {cfg->limits.policy_instructions, cfg->limits.policy_memory,
                          cfg->limits.policy_time_ms};
  int rc = mi_policy_load("eligibility", pol->file, &params, &lim, out, e);
  free(keys), free(items);
  return rc;
}

/* ---- the draw --------------------------------------------------------------- */

int mi_survey_sample(mi_store *s, const mi_config *cfg, const mi_sample_request *r,
                     mi_sample_result *out, mi_err *e) {
  memset(out, 0, sizeof *out);
  int rc = check_request(cfg, r, e);
  if (rc) return rc;
  mi_frame_unit *u = NULL;
  run *runs = NULL;
  char *chosen = NULL, *design = NULL, stored[2048];
  size_t n = 0;
  const char *by = strcmp(r->method, "srs") ? r->by : NULL;
  int64_t wave_id = 0, survey_id;
  if ((rc = mi_store_begin(s, e))) return rc;
  int found = mi_wave_get(s, r->survey, r->wave, &wave_id, stored, sizeof stored, NULL) == 0;
  if ((rc = build_frame(s, r, by, found ? wave_id : 0, out, &u, &n, e)) ||
      (rc = strata_of(u, n, out, &runs, e)))
    goto done;
  out->frame = (int64_t)n;
  int64_t size = r->size;
  if (!size && strcmp(r->method, "cluster")) {
    mi_stats_sample_size_result ss;
    if ((rc = mi_stats_sample_size(r->conf, r->margin, r->p, (double)n, &ss, e))) goto done;
    size = (int64_t)ss.n;
  }
  if (size > (int64_t)n) {
    rc = mi_err_set(e, MI_EINVAL, "a sample of %lld from %zu eligible customers: lower the size "
                    "or the quiet period", (long long)size, n);
    goto done;
  }
  if (!strcmp(r->method, "stratified") && !strcmp(r->allocation, "neyman") &&
      (rc = neyman_sd(s, r, out, e)))
    goto done;
  if (!(chosen = calloc(n ? n : 1, 1))) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  if ((rc = choose(r, runs, out, size, chosen, e))) goto done;
  for (size_t h = 0; h < out->nstrata; h++) out->sample += out->strata[h].sample;
  if (!(design = design_json(r, size))) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  if (found) {
    if (strcmp(stored, design))
      rc = mi_err_set(e, MI_EINVAL, "wave %s of %s was drawn with another design (%s); give the "
                      "new one another wave code", r->wave, r->survey, stored);
    else out->existed = 1;
    goto done;
  }
  if (r->dry_run) {
    rc = 0;
    goto done;
  }
  if ((rc = mi_survey_latest(s, r->survey, &survey_id, e)) ||
      (rc = mi_wave_add(s, r->survey, r->wave, survey_id, r->method, design, r->now, &wave_id, e)))
    goto done;
  for (size_t i = 0, h = 0; i < n && !rc; i++) {
    while (strcmp(out->strata[h].name, u[i].stratum)) h++;
    if (!chosen[i]) continue;
    char id[65];
    snprintf(id, sizeof id, "W%lld-C%lld", (long long)wave_id, (long long)u[i].customer_id);
    mi_invitation inv = {.external_id = id, .survey_id = survey_id,
                         .customer_id = u[i].customer_id, .channel = u[i].channel,
                         .stratum = u[i].stratum, .weight = out->strata[h].weight,
                         .created_at = r->now, .wave_id = wave_id};
    int64_t inv_id;
    rc = mi_invitation_put(s, &inv, &inv_id, e);
    rc = rc < 0 ? rc : 0;
  }
done:
  free(u), free(runs), free(chosen), free(design);
  if (!rc && !r->dry_run && !out->existed) return mi_store_commit(s, e);
  mi_store_rollback(s);
  if (rc) free(out->strata), free(out->excluded), out->strata = NULL, out->excluded = NULL;
  return rc;
}
