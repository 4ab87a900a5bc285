/* Entry points: read the file (bounded), parse it into a tree, and fill an
 * mi_config section by section. Sections are loaded in dependency order
 * (calendars before departments, tiers before SLA rules, departments before
 * users) so that every reference can be checked where it is written. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config_internal.h"
#include "util/i18n.h"

static const char *const top_keys[] = {
    "version", "database", "timezone", "language", "display_names", "limits",  "calendars",  "departments", "tiers",
    "users",   "policies", "sla",      "surveys", "evaluation", "schedule",    "workflows",
    "followup", "care", "ticket_kinds", "categories", "channels", "root_causes", "notify", "serve", NULL};
static const char *const top_required[] = {"version", "database", "calendars", "departments", NULL};

static void set_defaults(mi_config *cfg) {
  cfg->limits.policy_instructions = 1000000;
  cfg->limits.policy_memory = 16 * 1024 * 1024;
  cfg->limits.policy_time_ms = 250;
  cfg->limits.import_batch_rows = 5000;
  cfg->limits.points_max = 1000000;
  cfg->care.per = MI_CONFIG_PERIOD_MONTH;
  cfg->serve.link_days = 30;
  cfg->serve.max_body = 64 * 1024;
  cfg->serve.client_rate = 20;
  cfg->serve.per_address = 32;
}

static int load_top(const mi_cfg_ctx *c, const mi_ynode *root) {
  mi_config *cfg = c->cfg;
  int rc;
  if ((rc = mi_cfg_want_map(c, root, "the top level"))) return rc;
  /* version first: a file for another version gets that message, not a list
   * of keys this version does not know. */
  const mi_ynode *n = mi_cfg_get(root, "version");
  int64_t version;
  if (n) {
    if ((rc = mi_cfg_int(c, n, INT32_MIN, INT32_MAX, &version))) return rc;
    if (version != 1)
      return mi_cfg_fail(c, n, "unsupported version %lld: this manyi reads version 1",
                         (long long)version);
    cfg->version = 1;
  }
  if ((rc = mi_cfg_check_keys(c, root, top_keys, top_required, "the top level"))) return rc;

  if ((rc = mi_cfg_path(c, mi_cfg_get(root, "database"), false, &cfg->database))) return rc;
  if ((n = mi_cfg_get(root, "timezone"))) {
    if ((rc = mi_cfg_text(c, n, &cfg->timezone))) return rc;
    if (!mi_cfg_is_tz(cfg->timezone))
      return mi_cfg_fail(c, n, "'%s' is not a time zone name: use e.g. UTC or Asia/Shanghai",
                         cfg->timezone);
  } else if (!(cfg->timezone = mi_cfg_strdup(c, "UTC"))) {
    return MI_ENOMEM;
  }
  if ((n = mi_cfg_get(root, "language"))) {
    if ((rc = mi_cfg_text(c, n, &cfg->language))) return rc;
    if (strcmp(cfg->language, "zh_CN") && strcmp(cfg->language, "en"))
      return mi_cfg_fail(c, n, "language '%s': use zh_CN or en", cfg->language);
  }

  static const struct {
    const char *key;
    int (*load)(const mi_cfg_ctx *, const mi_ynode *);
  } sections[] = {
      {"limits", mi_cfg_load_limits},
      {"calendars", mi_cfg_load_calendars},
      {"departments", mi_cfg_load_departments},
      {"tiers", mi_cfg_load_tiers},
      {"users", mi_cfg_load_users},
      {"policies", mi_cfg_load_policies},
      {"sla", mi_cfg_load_sla},
      {"surveys", mi_cfg_load_surveys},
      {"evaluation", mi_cfg_load_evaluation},
      {"schedule", mi_cfg_load_schedule},
      {"workflows", mi_cfg_load_workflows},
      {"followup", mi_cfg_load_followup},
      {"care", mi_cfg_load_care},
      {"notify", mi_cfg_load_notify},
      {"serve", mi_cfg_load_serve},
      {"display_names", mi_cfg_load_display_names},
  };
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
    if ((n = mi_cfg_get(root, sections[i].key)) && (rc = sections[i].load(c, n))) return rc;
    /* the lists before the SLA rules and workflows that name their codes */
    if (!strcmp(sections[i].key, "tiers") && (rc = mi_cfg_load_lists(c, root))) return rc;
  }
  return 0;
}

/* The shared path of both entry points; takes ownership of nothing. */
static int load(const char *yaml, size_t len, const char *name, const char *dir, mi_config **out,
                mi_err *e) {
  if (len > MI_CONFIG_MAX_BYTES)
    return mi_err_setpos(e, MI_ECONFIG, name, 0, 0,
                         "the file is larger than %d MiB: a configuration is much smaller; "
                         "check that this is the right file",
                         MI_CONFIG_MAX_BYTES / (1024 * 1024));
  mi_config *cfg = calloc(1, sizeof *cfg);
  if (!cfg) return mi_err_set(e, MI_ENOMEM, "out of memory loading %s", name);
  set_defaults(cfg);
  cfg->path = strdup(name);
  cfg->dir = strdup(dir);
  if (!cfg->path || !cfg->dir) {
    mi_config_free(cfg);
    return mi_err_set(e, MI_ENOMEM, "out of memory loading %s", name);
  }
  mi_ynode *root = NULL;
  int rc = mi_ytree_parse(yaml, len, cfg->path, &root, e);
  if (!rc) {
    mi_cfg_ctx c = {.file = cfg->path, .dir = cfg->dir, .cfg = cfg, .e = e};
    rc = load_top(&c, root);
  }
  mi_ytree_free(root);
  if (rc) {
    mi_config_free(cfg);
    return rc;
  }
  *out = cfg;
  return 0;
}

int mi_config_load_string(const char *yaml, size_t len, const char *name_for_errors,
                          const char *base_dir, mi_config **out, mi_err *e) {
  mi_err_clear(e);
  if (out) *out = NULL;
  if (!out || (!yaml && len))
    return mi_err_set(e, MI_EINVAL, "mi_config_load_string: no %s given", out ? "text" : "output");
  return load(yaml ? yaml : "", len, name_for_errors ? name_for_errors : "<string>",
              base_dir ? base_dir : ".", out, e);
}

/* Reads at most MI_CONFIG_MAX_BYTES + 1 bytes, so a huge file (or a device
 * that never ends) is refused without reading it all. */
static int read_file(const char *path, char **buf, size_t *len, mi_err *e) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return mi_err_setpos(e, MI_EIO, path, 0, 0, "cannot read config file: %s", mi_strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    return mi_err_setpos(e, MI_EIO, path, 0, 0,
                         "cannot read config file: it is a directory; give the path of "
                         "manyi.yaml");
  }
  /* Whoever can write the configuration can give themselves any role. */
  if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH))) {
    fclose(f);
    return mi_err_setpos(e, MI_ECONFIG, path, 0, 0,
                         "other users can write the configuration (mode %04o): run 'chmod go-w %s'",
                         (unsigned)(st.st_mode & 07777), path);
  }
  char *b = malloc(MI_CONFIG_MAX_BYTES + 1);
  if (!b) {
    fclose(f);
    return mi_err_set(e, MI_ENOMEM, "out of memory reading %s", path);
  }
  size_t n = fread(b, 1, MI_CONFIG_MAX_BYTES + 1, f);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(b);
    return mi_err_setpos(e, MI_EIO, path, 0, 0, "cannot read config file: read error");
  }
  *buf = b;
  *len = n;
  return 0;
}

/* The folder of path, absolute when realpath can resolve it. */
static char *folder_of(const char *path) {
  char *copy = strdup(path);
  if (!copy) return NULL;
  char *dir = dirname(copy), resolved[PATH_MAX];
  char *out = strdup(realpath(dir, resolved) ? resolved : dir);
  free(copy);
  return out;
}

int mi_config_load(const char *path, mi_config **out, mi_err *e) {
  mi_err_clear(e);
  if (out) *out = NULL;
  if (!path || !out)
    return mi_err_set(e, MI_EINVAL, "mi_config_load: no %s given", path ? "output" : "path");
  char *buf = NULL, *dir = NULL;
  size_t len = 0;
  int rc = read_file(path, &buf, &len, e);
  if (rc) return rc;
  if (!(dir = folder_of(path))) {
    free(buf);
    return mi_err_set(e, MI_ENOMEM, "out of memory reading %s", path);
  }
  rc = load(buf, len, path, dir, out, e);
  free(dir);
  free(buf);
  return rc;
}
