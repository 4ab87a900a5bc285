/* Frees an mi_config and everything it owns. Safe on a partly filled config
 * (the loaders keep counts in step with what they allocated). */
#include <stdlib.h>

#include "config/config_internal.h"

static void free_calendar(mi_config_calendar *c) {
  free(c->name);
  free(c->timezone);
  for (int d = 0; d < 7; d++) free(c->hours[d]);
  free(c->holidays);
  free(c->working_days);
  free(c->ics);
}

static void free_survey(mi_config_survey *s) {
  free(s->code);
  free(s->name);
  for (size_t i = 0; i < s->ndimensions; i++) free(s->dimensions[i].name);
  free(s->dimensions);
  for (size_t i = 0; i < s->nquestions; i++) {
    free(s->questions[i].code);
    free(s->questions[i].text);
    free(s->questions[i].dimension);
    for (size_t k = 0; k < s->questions[i].nchoices; k++)
      free(s->questions[i].choices[k]), free(s->questions[i].choice_texts[k]);
    free(s->questions[i].choices), free(s->questions[i].choice_texts);
  }
  free(s->questions);
}

void mi_config_free(mi_config *cfg) {
  if (!cfg) return;
  for (size_t i = 0; i < cfg->ncalendars; i++) free_calendar(&cfg->calendars[i]);
  free(cfg->calendars);
  for (size_t i = 0; i < cfg->ndepartments; i++) {
    free(cfg->departments[i].code);
    free(cfg->departments[i].name);
  }
  free(cfg->departments);
  for (size_t i = 0; i < cfg->ntiers; i++) {
    free(cfg->tiers[i].code);
    free(cfg->tiers[i].name);
  }
  free(cfg->tiers);
  mi_config_label *lists[] = {cfg->ticket_kinds, cfg->categories, cfg->channels,
                              cfg->root_causes};
  size_t counts[] = {cfg->nticket_kinds, cfg->ncategories, cfg->nchannels, cfg->nroot_causes};
  for (int k = 0; k < 4; k++) {
    for (size_t i = 0; i < counts[k]; i++) {
      free(lists[k][i].code);
      free(lists[k][i].name);
    }
    free(lists[k]);
  }
  for (size_t i = 0; i < cfg->nusers; i++) free(cfg->users[i].name);
  free(cfg->users);
  for (size_t i = 0; i < cfg->npolicies; i++) {
    free(cfg->policies[i].name);
    free(cfg->policies[i].file);
    mi_cfg_value_clear(&cfg->policies[i].params);
  }
  free(cfg->policies);
  for (size_t i = 0; i < cfg->nsla; i++) free(cfg->sla[i].channel);
  free(cfg->sla);
  for (size_t i = 0; i < cfg->nsurveys; i++) free_survey(&cfg->surveys[i]);
  free(cfg->surveys);
  for (size_t i = 0; i < cfg->evaluation.ntargets; i++) free(cfg->evaluation.targets[i].name);
  free(cfg->evaluation.targets);
  for (size_t i = 0; i < cfg->nschedule; i++) {
    free(cfg->schedule[i].name);
    free(cfg->schedule[i].cron);
    free(cfg->schedule[i].job);
    free(cfg->schedule[i].timezone);
    mi_config_sample *sm = cfg->schedule[i].sample;
    if (sm) free(sm->method), free(sm->by), free(sm->allocation), free(sm->question), free(sm);
    free(cfg->schedule[i].report_dir);
    for (size_t k = 0; k < cfg->schedule[i].nreport_to; k++) free(cfg->schedule[i].report_to[k]);
    free(cfg->schedule[i].report_to);
  }
  free(cfg->schedule);
  for (size_t i = 0; i < cfg->nworkflows; i++) {
    for (size_t j = 0; j < cfg->workflows[i].nstages; j++) {
      free(cfg->workflows[i].stages[j].name);
      free(cfg->workflows[i].stages[j].after);
      free(cfg->workflows[i].stages[j].status);
    }
    free(cfg->workflows[i].stages);
  }
  free(cfg->workflows);
  for (size_t i = 0; i < cfg->followup.nchannels; i++) free(cfg->followup.channels[i]);
  for (size_t i = 0; i < cfg->notify.nchannels; i++) free(cfg->notify.channels[i]);
  free(cfg->notify.kinds);
  for (int i = 0; i < MI_NOTICE_COUNT; i++) free(cfg->notify.templates[i]);
  free(cfg->serve.base_url);
  free(cfg->serve.listen);
  free(cfg->path);
  free(cfg->dir);
  free(cfg->database);
  free(cfg->timezone);
  free(cfg->language);
  mi_cfg_value_clear(&cfg->display_names);
  free(cfg);
}
