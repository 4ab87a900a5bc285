/* Lists of coded items and references between sections: the shapes that
 * departments, tiers, surveys and questions share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/suggest.h"
#include "config/config_internal.h"

/* The names of count structs of size stride at base (whose first member is
 * the char * name), NULL-terminated, for "did you mean". */
static const char **names_of(const mi_cfg_ctx *c, const void *base, size_t count, size_t stride) {
  const char **names = mi_cfg_alloc(c, count + 1, sizeof *names);
  for (size_t i = 0; names && i < count; i++)
    names[i] = *(char *const *)((const char *)base + i * stride);
  return names;
}

int mi_cfg_ref(const mi_cfg_ctx *c, const mi_ynode *n, const char *what, const void *base,
               size_t count, size_t stride, size_t *index) {
  int rc;
  char *name = NULL;
  if ((rc = mi_cfg_code(c, n, &name))) return rc;
  for (size_t i = 0; i < count; i++)
    if (!strcmp(*(char *const *)((const char *)base + i * stride), name)) {
      free(name);
      *index = i;
      return 0;
    }
  free(name);
  const char **names = names_of(c, base, count, stride);
  if (!names) return MI_ENOMEM;
  const char *near = mi_suggest(n->text, names);
  if (near)
    rc = mi_cfg_fail(c, n, "unknown %s '%s' (did you mean '%s'?)", what, n->text, near);
  else
    rc = mi_cfg_fail(c, n, "unknown %s '%s': define it under %ss first", what, n->text, what);
  free(names);
  return rc;
}

int mi_cfg_coded_list(const mi_cfg_ctx *c, const mi_ynode *n, const char *what,
                      const char *const *keys, const char *const *required, void **out,
                      size_t *count, size_t size, mi_cfg_item_fn item) {
  int rc = 0;
  char where[64];
  size_t wl = strlen(what); /* the plural: categories, tiers */
  if (wl && what[wl - 1] == 'y') snprintf(where, sizeof where, "%.*sies", (int)(wl - 1), what);
  else snprintf(where, sizeof where, "%ss", what);
  if ((rc = mi_cfg_want_list(c, n, where))) return rc;
  if (!(*out = mi_cfg_alloc(c, n->n, size))) return MI_ENOMEM;
  const mi_ynode **codes = mi_cfg_alloc(c, n->n, sizeof *codes);
  if (!codes) return MI_ENOMEM;
  for (size_t i = 0; i < n->n; i++) {
    const mi_ynode *m = n->items[i];
    *count = i + 1; /* so mi_config_free frees the partly filled entry too */
    snprintf(where, sizeof where, "a %s", what);
    if ((rc = mi_cfg_want_map(c, m, where))) break;
    if ((rc = mi_cfg_check_keys(c, m, keys, required, what))) break;
    codes[i] = mi_cfg_get(m, "code");
    if ((rc = item(c, m, (char *)*out + i * size))) break;
  }
  if (!rc) rc = mi_cfg_unique(c, codes, n->n, what);
  free(codes);
  return rc;
}
