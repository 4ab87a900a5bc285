/* ticket_kinds, categories, channels: the lists the configuration (not the
 * schema) decides, each entry a code and a display name. Without a section
 * the list the schema used to fix applies, so older files keep working.
 * root_causes (why a complaint happened, recorded when it is closed) has no
 * built-in list: without the section closing asks for none. */
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

typedef struct builtin {
  const char *code, *name;
} builtin;

static const builtin kinds[] = {{"inquiry", "咨询"},
                                {"complaint", "投诉"},
                                {"after_sales", "售后"},
                                {"business_request", "业务办理"},
                                {NULL, NULL}};
static const builtin categories[] = {
    {"general", "一般"}, {"technical", "技术"}, {"product_quality", "产品质量"}, {NULL, NULL}};
static const builtin channels[] = {{"phone", "电话"},  {"email", "电子邮件"}, {"social", "社交媒体"},
                                   {"chat", "在线客服"}, {"visit", "到访"},   {"web", "网站"},
                                   {NULL, NULL}};

static int label(const mi_cfg_ctx *c, const mi_ynode *m, void *entry) {
  mi_config_label *l = entry;
  int rc;
  l->line = m->line;
  l->column = m->column;
  if ((rc = mi_cfg_code(c, mi_cfg_get(m, "code"), &l->code))) return rc;
  return mi_cfg_name(c, mi_cfg_get(m, "name"), &l->name);
}

static int load(const mi_cfg_ctx *c, const mi_ynode *n, const char *what, mi_config_label **out,
                size_t *count) {
  static const char *const keys[] = {"code", "name", NULL};
  if (n->kind == MI_YLIST && n->n == 0)
    return mi_cfg_fail(c, n, "no %ss: list at least one, or leave the section out %s", what,
                       strcmp(what, "root cause") ? "for the built-in list"
                                                  : "(then closing a complaint asks for none)");
  void *list = NULL; /* assigned even on failure, so mi_config_free frees it */
  int rc = mi_cfg_coded_list(c, n, what, keys, keys, &list, count, sizeof **out, label);
  *out = list;
  return rc;
}

static int defaults(const mi_cfg_ctx *c, const builtin *b, mi_config_label **out, size_t *count) {
  size_t n = 0;
  while (b[n].code) n++;
  if (!(*out = mi_cfg_alloc(c, n, sizeof **out))) return MI_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    *count = i + 1;
    if (!((*out)[i].code = mi_cfg_strdup(c, b[i].code)) ||
        !((*out)[i].name = mi_cfg_strdup(c, b[i].name)))
      return MI_ENOMEM;
  }
  return 0;
}

int mi_cfg_load_lists(const mi_cfg_ctx *c, const mi_ynode *root) {
  mi_config *cfg = c->cfg;
  const mi_ynode *n;
  int rc;
  if ((n = mi_cfg_get(root, "ticket_kinds")))
    rc = load(c, n, "ticket kind", &cfg->ticket_kinds, &cfg->nticket_kinds);
  else
    rc = defaults(c, kinds, &cfg->ticket_kinds, &cfg->nticket_kinds);
  if (rc) return rc;
  if ((n = mi_cfg_get(root, "categories")))
    rc = load(c, n, "category", &cfg->categories, &cfg->ncategories);
  else
    rc = defaults(c, categories, &cfg->categories, &cfg->ncategories);
  if (rc) return rc;
  if ((n = mi_cfg_get(root, "channels")))
    rc = load(c, n, "channel", &cfg->channels, &cfg->nchannels);
  else
    rc = defaults(c, channels, &cfg->channels, &cfg->nchannels);
  /* root causes of complaints: no built-in list; without one nothing is asked at closing */
  if (!rc && (n = mi_cfg_get(root, "root_causes")))
    rc = load(c, n, "root cause", &cfg->root_causes, &cfg->nroot_causes);
  return rc;
}

int mi_cfg_label_ref(const mi_cfg_ctx *c, const mi_ynode *n, mi_config_list list,
                     const char **out) {
  char *code = NULL;
  int rc = mi_cfg_code(c, n, &code);
  if (rc) return rc;
  const mi_config_label *l = mi_config_find_label(c->cfg, list, code);
  if (l) {
    *out = l->code;
    free(code);
    return 0;
  }
  mi_err sub = {0};
  mi_config_check_label(c->cfg, list, code, &sub);
  free(code);
  return mi_cfg_fail(c, n, "%s", sub.msg);
}
