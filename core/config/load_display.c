/* display_names: what the reports call the configuration's codes, per
 * language, so that a Chinese report names the departments, tiers, surveys,
 * questions, choices, dimensions and text categories in Chinese:
 *   display_names:
 *     zh_CN:
 *       departments: {support: 客户支持中心}
 *       dimensions: {product_quality: 产品质量}
 * A code without one keeps its configured name (or the code itself). */
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

static const char *const kinds[] = {"surveys", "questions",  "choices", "dimensions",
                                    "departments", "tiers", "categories", "stages",  NULL};

int mi_cfg_load_display_names(const mi_cfg_ctx *c, const mi_ynode *n) {
  static const char *const langs[] = {"zh_CN", "en", NULL};
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "display_names"))) return rc;
  if ((rc = mi_cfg_check_keys(c, n, langs, NULL, "display_names"))) return rc;
  for (size_t i = 0; i < n->n; i++) {
    const mi_ynode *lang = n->items[2 * i + 1];
    if ((rc = mi_cfg_want_map(c, lang, "display_names of a language"))) return rc;
    if ((rc = mi_cfg_check_keys(c, lang, kinds, NULL, "display_names of a language"))) return rc;
    for (size_t k = 0; k < lang->n; k++) {
      const mi_ynode *names = lang->items[2 * k + 1];
      if ((rc = mi_cfg_want_map(c, names, "display names (code: name)"))) return rc;
      for (size_t j = 0; j < names->n; j++) {
        char *name = NULL;
        if ((rc = mi_cfg_name(c, names->items[2 * j + 1], &name))) return rc;
        free(name);
      }
    }
  }
  return mi_cfg_value(c, n, &c->cfg->display_names);
}

const char *mi_config_display_name(const mi_config *cfg, const char *lang, const char *kind,
                                   const char *code) {
  if (!cfg || !lang || !kind || !code || cfg->display_names.kind != MI_CONFIG_MAP) return NULL;
  const mi_config_value *v = &cfg->display_names;
  const char *path[] = {lang, kind, code};
  for (int step = 0; step < 3; step++) {
    const mi_config_value *next = NULL;
    for (size_t i = 0; v->kind == MI_CONFIG_MAP && i < v->count; i++)
      if (!strcmp(v->keys[i], path[step])) next = &v->items[i];
    if (!next) return NULL;
    v = next;
  }
  return v->kind == MI_CONFIG_STRING ? v->s : NULL;
}
