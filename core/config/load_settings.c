/* The small sections with fixed keys: limits, evaluation and serve. */
#include <string.h>

#include "config/config_internal.h"

/* A size may be written as a plain integer (bytes) or as text with a unit. */
static int size_value(const mi_cfg_ctx *c, const mi_ynode *n, int64_t *out) {
  if (n->kind == MI_YSCALAR && n->plain && mi_plain_classify(n->text) == MI_PLAIN_INT)
    return mi_cfg_int(c, n, 1, INT64_MAX, out);
  if (n->kind != MI_YSCALAR || (n->plain && mi_plain_classify(n->text) != MI_PLAIN_TEXT) ||
      mi_cfg_parse_size(n->text, out))
    return mi_cfg_fail(c, n,
                       "'%s' is not a size: use bytes or a number with KiB, MiB or GiB (e.g. "
                       "16MiB)",
                       n->kind == MI_YSCALAR ? n->text : mi_cfg_describe(n));
  return 0;
}

static int ms_value(const mi_cfg_ctx *c, const mi_ynode *n, int64_t *out) {
  if (n->kind != MI_YSCALAR || (n->plain && mi_plain_classify(n->text) != MI_PLAIN_TEXT) ||
      mi_cfg_parse_ms(n->text, out))
    return mi_cfg_fail(c, n,
                       "'%s' is not a duration: write a number with a unit, ms, s, m or h "
                       "(e.g. 250ms or 2s)",
                       n->kind == MI_YSCALAR ? n->text : mi_cfg_describe(n));
  return 0;
}

int mi_cfg_load_limits(const mi_cfg_ctx *c, const mi_ynode *n) {
  static const char *const keys[] = {"policy_instructions", "policy_memory", "policy_time",
                                     "import_batch_rows", "points_max", NULL};
  mi_config_limits *l = &c->cfg->limits;
  const mi_ynode *v;
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "limits"))) return rc;
  if ((rc = mi_cfg_check_keys(c, n, keys, NULL, "limits"))) return rc;
  if ((v = mi_cfg_get(n, "policy_instructions")) &&
      (rc = mi_cfg_int(c, v, 1, INT64_MAX, &l->policy_instructions)))
    return rc;
  if ((v = mi_cfg_get(n, "policy_memory")) && (rc = size_value(c, v, &l->policy_memory))) return rc;
  if ((v = mi_cfg_get(n, "policy_time")) && (rc = ms_value(c, v, &l->policy_time_ms))) return rc;
  if ((v = mi_cfg_get(n, "import_batch_rows")) &&
      (rc = mi_cfg_int(c, v, 1, INT64_MAX, &l->import_batch_rows)))
    return rc;
  /* Points stay exact as Lua floats and as sums: at most 10^15. */
  if ((v = mi_cfg_get(n, "points_max")) &&
      (rc = mi_cfg_int(c, v, 1, 1000000000000000LL, &l->points_max)))
    return rc;
  return 0;
}

int mi_cfg_load_evaluation(const mi_cfg_ctx *c, const mi_ynode *n) {
  static const char *const keys[] = {"period", "targets", NULL};
  static const char *const required[] = {"period", NULL};
  static const char *const periods[] = {"month", "quarter", "year", NULL};
  mi_config_evaluation *ev = &c->cfg->evaluation;
  int rc, period;
  if ((rc = mi_cfg_want_map(c, n, "evaluation"))) return rc;
  if ((rc = mi_cfg_check_keys(c, n, keys, required, "evaluation"))) return rc;
  if ((rc = mi_cfg_word(c, mi_cfg_get(n, "period"), periods, "period", &period))) return rc;
  ev->period = (mi_config_period)(MI_CONFIG_PERIOD_MONTH + period);
  const mi_ynode *t = mi_cfg_get(n, "targets");
  if (!t) return 0;
  if ((rc = mi_cfg_want_map(c, t, "evaluation targets"))) return rc;
  if (!(ev->targets = mi_cfg_alloc(c, t->n, sizeof *ev->targets))) return MI_ENOMEM;
  for (size_t i = 0; i < t->n; i++) {
    mi_config_target *tg = &ev->targets[i];
    ev->ntargets = i + 1;
    if ((rc = mi_cfg_key_code(c, t->items[2 * i], "target", &tg->name))) return rc;
    if ((rc = mi_cfg_number(c, t->items[2 * i + 1], -1e300, &tg->value))) return rc;
    /* the report's NPS and index targets, on their figures' scales */
    int nps = !strcmp(tg->name, "nps"), index = !strcmp(tg->name, "index");
    if ((nps && (tg->value < -100 || tg->value > 100)) || (index && (tg->value < 0 || tg->value > 100)))
      return mi_cfg_fail(c, t->items[2 * i + 1], "target %s %g: %s", tg->name, tg->value,
                         nps ? "an NPS target is in points, -100 to 100 (e.g. 30)"
                             : "an index target is in points, 0 to 100 (e.g. 80)");
  }
  return 0;
}

/* The form of a base URL: the scheme, a host, no query or fragment, and
 * nothing that would need quoting inside an HTML attribute or a message. */
static int url_ok(const char *u) {
  size_t k = !strncmp(u, "https://", 8) ? 8 : !strncmp(u, "http://", 7) ? 7 : 0;
  if (!k || !u[k] || u[k] == '/' || strlen(u) > 200) return 0;
  for (const unsigned char *p = (const unsigned char *)u; *p; p++)
    if (*p <= ' ' || *p >= 0x7f || strchr("\"'<>\\`?#{}|^", *p)) return 0;
  return 1;
}

/* host:port with a port of 1..65535 (the host is resolved by manyi serve). */
static int listen_ok(const char *l) {
  const char *colon = strrchr(l, ':');
  if (!colon || colon == l || !colon[1] || strlen(colon + 1) > 5) return 0;
  long port = 0;
  for (const char *p = colon + 1; *p; p++) {
    if (*p < '0' || *p > '9') return 0;
    port = port * 10 + (*p - '0');
  }
  return port >= 1 && port <= 65535;
}

int mi_cfg_load_serve(const mi_cfg_ctx *c, const mi_ynode *n) {
  static const char *const keys[] = {"base_url",    "listen",      "link_days", "max_body",
                                     "client_rate", "per_address", NULL};
  mi_config_serve *sv = &c->cfg->serve;
  const mi_ynode *v;
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "serve"))) return rc;
  if ((rc = mi_cfg_check_keys(c, n, keys, NULL, "serve"))) return rc;
  if ((v = mi_cfg_get(n, "base_url"))) {
    if ((rc = mi_cfg_text(c, v, &sv->base_url))) return rc;
    size_t len = strlen(sv->base_url);
    while (len > 0 && sv->base_url[len - 1] == '/') sv->base_url[--len] = '\0';
    if (!url_ok(sv->base_url))
      return mi_cfg_fail(c, v,
                         "base_url '%s': write the address customers open, http:// or https:// "
                         "and a host, without ? or # (e.g. https://survey.example.com)",
                         v->text);
  }
  if ((v = mi_cfg_get(n, "listen"))) {
    if ((rc = mi_cfg_text(c, v, &sv->listen))) return rc;
    if (!listen_ok(sv->listen))
      return mi_cfg_fail(c, v, "listen '%s': write host:port, e.g. 127.0.0.1:8080", v->text);
  }
  if ((v = mi_cfg_get(n, "link_days")) && (rc = mi_cfg_int(c, v, 1, 3650, &sv->link_days)))
    return rc;
  if ((v = mi_cfg_get(n, "per_address")) && (rc = mi_cfg_int(c, v, 0, 256, &sv->per_address)))
    return rc;
  if ((v = mi_cfg_get(n, "client_rate")) && (rc = mi_cfg_int(c, v, 1, 100000, &sv->client_rate)))
    return rc;
  if ((v = mi_cfg_get(n, "max_body"))) {
    if ((rc = size_value(c, v, &sv->max_body))) return rc;
    if (sv->max_body < 1024 || sv->max_body > 16 * 1024 * 1024)
      return mi_cfg_fail(c, v, "max_body: between 1KiB and 16MiB");
  }
  return 0;
}
