/* A node as a generic mi_config_value (policy params), typed the YAML 1.2
 * core way. Plain scalars that YAML tools disagree on (yes/no, 010, 0x10,
 * 1_000, .5) are refused rather than guessed: the policy would otherwise see
 * a different value than the author meant. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

void mi_cfg_value_clear(mi_config_value *v) {
  if (!v) return;
  for (size_t i = 0; i < v->count; i++) {
    if (v->keys) free(v->keys[i]);
    if (v->items) mi_cfg_value_clear(&v->items[i]);
  }
  free(v->keys);
  free(v->items);
  free(v->s);
  memset(v, 0, sizeof *v);
}

static int scalar(const mi_cfg_ctx *c, const mi_ynode *n, mi_config_value *out) {
  if (!n->plain) {
    out->kind = MI_CONFIG_STRING;
    out->s = mi_cfg_strdup(c, n->text);
    return out->s ? 0 : MI_ENOMEM;
  }
  switch (mi_plain_classify(n->text)) {
  case MI_PLAIN_NULL: out->kind = MI_CONFIG_NULL; return 0;
  case MI_PLAIN_BOOL:
    out->kind = MI_CONFIG_BOOL;
    out->b = n->text[0] == 't';
    return 0;
  case MI_PLAIN_AMBIGUOUS_BOOL:
    return mi_cfg_fail(c, n,
                       "'%s' is a boolean to some YAML tools and text to others: write true or "
                       "false, or put it in quotes",
                       n->text);
  case MI_PLAIN_ODD_NUMBER:
    return mi_cfg_fail(c, n,
                       "'%s' is read differently by different YAML tools: write a plain decimal "
                       "number (like 10 or 0.5), or put it in quotes",
                       n->text);
  case MI_PLAIN_INT:
    errno = 0;
    out->i = strtoll(n->text, NULL, 10);
    if (errno == ERANGE) return mi_cfg_fail(c, n, "%s is too large for an integer", n->text);
    out->kind = MI_CONFIG_INT;
    return 0;
  case MI_PLAIN_FLOAT:
    errno = 0;
    out->f = strtod(n->text, NULL);
    if (errno == ERANGE && (out->f > 1 || out->f < -1))
      return mi_cfg_fail(c, n, "%s is too large for a number", n->text);
    out->kind = MI_CONFIG_FLOAT;
    return 0;
  case MI_PLAIN_TEXT: break;
  }
  out->kind = MI_CONFIG_STRING;
  out->s = mi_cfg_strdup(c, n->text);
  return out->s ? 0 : MI_ENOMEM;
}

int mi_cfg_value(const mi_cfg_ctx *c, const mi_ynode *n, mi_config_value *out) {
  memset(out, 0, sizeof *out);
  out->line = n->line;
  out->column = n->column;
  if (n->kind == MI_YSCALAR) return scalar(c, n, out);
  bool map = n->kind == MI_YMAP;
  out->kind = map ? MI_CONFIG_MAP : MI_CONFIG_LIST;
  if (n->n == 0) return 0;
  out->items = mi_cfg_alloc(c, n->n, sizeof *out->items);
  if (map && out->items) out->keys = mi_cfg_alloc(c, n->n, sizeof *out->keys);
  if (!out->items || (map && !out->keys)) {
    mi_cfg_value_clear(out);
    return MI_ENOMEM;
  }
  /* count grows item by item so that clearing after a failure frees exactly
   * what was built. */
  for (size_t i = 0; i < n->n; i++) {
    const mi_ynode *item = map ? n->items[2 * i + 1] : n->items[i];
    out->count = i + 1;
    if (map && !(out->keys[i] = mi_cfg_strdup(c, n->items[2 * i]->text))) {
      mi_cfg_value_clear(out);
      return MI_ENOMEM;
    }
    int rc = mi_cfg_value(c, item, &out->items[i]);
    if (rc) {
      mi_cfg_value_clear(out);
      return rc;
    }
  }
  return 0;
}
