/* policies: which Lua script runs for each decision, with its parameters.
 * The names are the hooks the engine calls, so a misspelt one is an error
 * rather than a policy that silently never runs. */
#include <string.h>

#include "config/config_internal.h"
#include "config/hooks.h"


static int load_policy(const mi_cfg_ctx *c, const mi_ynode *key, const mi_ynode *m,
                       mi_config_policy *p) {
  static const char *const keys[] = {"file", "params", NULL};
  static const char *const required[] = {"file", NULL};
  int rc;
  p->line = key->line;
  p->column = key->column;
  p->params.kind = MI_CONFIG_MAP;
  if (!(p->name = mi_cfg_strdup(c, key->text))) return MI_ENOMEM;
  if ((rc = mi_cfg_want_map(c, m, "a policy"))) return rc;
  if ((rc = mi_cfg_check_keys(c, m, keys, required, "policy"))) return rc;
  if ((rc = mi_cfg_path(c, mi_cfg_get(m, "file"), true, &p->file))) return rc;
  const mi_ynode *params = mi_cfg_get(m, "params");
  if (!params) return 0;
  if ((rc = mi_cfg_want_map(c, params, "params"))) return rc;
  return mi_cfg_value(c, params, &p->params);
}

int mi_cfg_load_policies(const mi_cfg_ctx *c, const mi_ynode *n) {
  mi_config *cfg = c->cfg;
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "policies"))) return rc;
  const char *names[64]; /* the policies the hooks name (config/hooks.c) */
  mi_hook_policies(names, 64);
  if ((rc = mi_cfg_check_keys(c, n, names, NULL, "policies"))) return rc;
  if (!(cfg->policies = mi_cfg_alloc(c, n->n, sizeof *cfg->policies))) return MI_ENOMEM;
  for (size_t i = 0; i < n->n; i++) {
    cfg->npolicies = i + 1;
    if ((rc = load_policy(c, n->items[2 * i], n->items[2 * i + 1], &cfg->policies[i]))) return rc;
  }
  return 0;
}
