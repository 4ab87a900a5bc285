/* surveys: questionnaires with weighted dimensions and scale, choice and
 * open questions. */
#include <string.h>

#include "config/config_internal.h"

/* choices: {code: text, ...} in the order shown; multiple: true lets the
 * customer pick several. */
static int choices(const mi_cfg_ctx *c, const mi_ynode *m, const mi_ynode *n,
                   mi_config_question *q) {
  const mi_ynode *v;
  int rc;
  if ((v = mi_cfg_get(m, "open")))
    return mi_cfg_fail(c, v, "a choice question is not open: remove 'open' or 'choices'");
  static const char *const numeric[] = {"scale", "weight", "reverse", NULL};
  for (const char *const *k = numeric; *k; k++)
    if ((v = mi_cfg_get(m, *k)))
      return mi_cfg_fail(c, v, "a choice question has no %s: remove it, or remove 'choices'", *k);
  if ((rc = mi_cfg_want_map(c, n, "choices (code: text)"))) return rc;
  if (n->n < 2 || n->n > MI_CHOICES_MAX)
    return mi_cfg_fail(c, n, "choices: give 2 to %d (code: text), not %zu", MI_CHOICES_MAX, n->n);
  q->choices = mi_cfg_alloc(c, n->n, sizeof *q->choices);
  q->choice_texts = mi_cfg_alloc(c, n->n, sizeof *q->choice_texts);
  if (!q->choices || !q->choice_texts) return MI_ENOMEM;
  size_t joined = 0;
  for (size_t i = 0; i < n->n; i++) {
    q->nchoices = i + 1;
    if ((rc = mi_cfg_key_code(c, n->items[2 * i], "choice", &q->choices[i])) ||
        (rc = mi_cfg_text(c, n->items[2 * i + 1], &q->choice_texts[i])))
      return rc;
    joined += strlen(q->choices[i]) + 1;
  }
  if (joined > MI_CHOICES_TEXT)
    return mi_cfg_fail(c, n, "choices: their codes take %zu bytes, %d at most: use shorter codes",
                       joined, MI_CHOICES_TEXT);
  q->open = true; /* no scale */
  if ((v = mi_cfg_get(m, "multiple")) && (rc = mi_cfg_bool(c, v, &q->multiple))) return rc;
  return 0;
}

static int question(const mi_cfg_ctx *c, const mi_ynode *m, void *entry) {
  mi_config_question *q = entry;
  const mi_ynode *v;
  int rc;
  q->line = m->line;
  q->column = m->column;
  q->weight = 1;
  if ((rc = mi_cfg_code(c, mi_cfg_get(m, "code"), &q->code))) return rc;
  if ((rc = mi_cfg_text(c, mi_cfg_get(m, "text"), &q->text))) return rc;
  if ((v = mi_cfg_get(m, "dimension")) && (rc = mi_cfg_code(c, v, &q->dimension))) return rc;
  if ((v = mi_cfg_get(m, "choices"))) return choices(c, m, v, q);
  if ((v = mi_cfg_get(m, "multiple")))
    return mi_cfg_fail(c, v, "only a choice question takes 'multiple': add choices, or remove it");
  if ((v = mi_cfg_get(m, "open")) && (rc = mi_cfg_bool(c, v, &q->open))) return rc;
  if (q->open) {
    /* A free-text answer has no number to scale, weigh or reverse. */
    static const char *const numeric[] = {"scale", "weight", "reverse", NULL};
    for (const char *const *k = numeric; *k; k++)
      if ((v = mi_cfg_get(m, *k)))
        return mi_cfg_fail(c, v, "an open question has no %s: remove it, or remove 'open: true'",
                           *k);
    return 0;
  }
  if (!(v = mi_cfg_get(m, "scale")))
    return mi_cfg_fail(c, m,
                       "missing required key 'scale' in question: add e.g. scale: [1, 5], "
                       "choices: {code: text, ...} for a choice question, "
                       "or open: true for a free-text question");
  if (v->kind != MI_YLIST || v->n != 2)
    return mi_cfg_fail(c, v, "scale must be a list of two integers [min, max], e.g. [1, 5]");
  int64_t lo, hi;
  if ((rc = mi_cfg_int(c, v->items[0], -1000, 1000, &lo))) return rc;
  if ((rc = mi_cfg_int(c, v->items[1], -1000, 1000, &hi))) return rc;
  if (lo >= hi)
    return mi_cfg_fail(c, v, "scale [%lld, %lld]: min must be less than max", (long long)lo,
                       (long long)hi);
  q->scale_min = (int)lo;
  q->scale_max = (int)hi;
  if ((v = mi_cfg_get(m, "weight")) && (rc = mi_cfg_number(c, v, 0, &q->weight))) return rc;
  if ((v = mi_cfg_get(m, "reverse")) && (rc = mi_cfg_bool(c, v, &q->reverse))) return rc;
  return 0;
}

static int dimensions(const mi_cfg_ctx *c, const mi_ynode *n, mi_config_survey *s) {
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "dimensions"))) return rc;
  if (!(s->dimensions = mi_cfg_alloc(c, n->n, sizeof *s->dimensions))) return MI_ENOMEM;
  for (size_t i = 0; i < n->n; i++) {
    mi_config_dimension *d = &s->dimensions[i];
    s->ndimensions = i + 1;
    if ((rc = mi_cfg_key_code(c, n->items[2 * i], "dimension", &d->name))) return rc;
    if ((rc = mi_cfg_number(c, n->items[2 * i + 1], 0, &d->weight))) return rc;
  }
  return 0;
}

static int survey(const mi_cfg_ctx *c, const mi_ynode *m, void *entry) {
  static const char *const kinds[] = {"csat", "nps", "ces", "index", NULL};
  static const char *const qkeys[] = {"code",    "text", "dimension", "scale",    "weight",
                                      "reverse", "open", "choices",   "multiple", NULL};
  static const char *const qrequired[] = {"code", "text", NULL};
  mi_config_survey *s = entry;
  const mi_ynode *v;
  int rc, kind;
  s->line = m->line;
  s->column = m->column;
  if ((rc = mi_cfg_code(c, mi_cfg_get(m, "code"), &s->code))) return rc;
  if ((rc = mi_cfg_text(c, mi_cfg_get(m, "name"), &s->name))) return rc;
  if ((rc = mi_cfg_word(c, mi_cfg_get(m, "kind"), kinds, "survey kind", &kind))) return rc;
  s->kind = (mi_config_survey_kind)kind;
  if ((v = mi_cfg_get(m, "dimensions")) && (rc = dimensions(c, v, s))) return rc;
  v = mi_cfg_get(m, "questions");
  if (v->kind == MI_YLIST && v->n == 0)
    return mi_cfg_fail(c, v, "survey '%s' has no questions: add at least one", s->code);
  void *list = NULL;
  rc = mi_cfg_coded_list(c, v, "question", qkeys, qrequired, &list, &s->nquestions,
                         sizeof *s->questions, question);
  s->questions = list;
  for (size_t q = 0; !rc && s->kind == MI_CONFIG_SURVEY_CES && q <= s->nquestions; q++) {
    if (q == s->nquestions)
      return mi_cfg_fail(c, m, "survey '%s' of kind ces needs a question with dimension: effort "
                         "and a scale (its CES)", s->code);
    const mi_config_question *qq = &s->questions[q];
    if (!qq->open && qq->dimension && !strcmp(qq->dimension, "effort")) break;
  }
  return rc;
}

int mi_cfg_load_surveys(const mi_cfg_ctx *c, const mi_ynode *n) {
  static const char *const keys[] = {"code", "name", "kind", "dimensions", "questions", NULL};
  static const char *const required[] = {"code", "name", "kind", "questions", NULL};
  mi_config *cfg = c->cfg;
  void *list = NULL;
  int rc = mi_cfg_coded_list(c, n, "survey", keys, required, &list, &cfg->nsurveys,
                             sizeof *cfg->surveys, survey);
  cfg->surveys = list;
  return rc;
}
