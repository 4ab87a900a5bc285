/* The modules a policy can require() are the .lua files of its own folder
 * (core/policy/require.c allows nothing else): each is recorded in the audit
 * log by hash when it changed, as the configured policy files are, so that a
 * changed helper module is as visible as a changed tiers.lua. All of them,
 * not only those loaded so far: a command may load one later, and a module
 * changed and changed back is still seen. */
#include <dirent.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

/* 1 when path is one of the configured policy files (recorded already). */
static int configured(const mi_config *cfg, const char *path) {
  for (size_t i = 0; i < cfg->npolicies; i++)
    if (!strcmp(cfg->policies[i].file, path)) return 1;
  return 0;
}

/* 1 when an earlier policy has the same folder (each folder is read once). */
static int seen_folder(const mi_config *cfg, size_t upto, const char *dir) {
  for (size_t i = 0; i < upto; i++) {
    char *c = strdup(cfg->policies[i].file);
    int same = c && !strcmp(dirname(c), dir);
    free(c);
    if (same) return 1;
  }
  return 0;
}

static int note_folder(mi_cli *cli, const char *dir, mi_err *e) {
  DIR *d = opendir(dir);
  if (!d) return 0; /* the policy's own load says what is wrong with it */
  struct dirent *de;
  int rc = 0;
  while (rc == 0 && (de = readdir(d))) {
    size_t n = strlen(de->d_name);
    if (n < 5 || strcmp(de->d_name + n - 4, ".lua") || de->d_name[0] == '.') continue;
    size_t len = strlen(dir) + n + 2;
    char *path = malloc(len);
    if (!path) {
      rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      break;
    }
    snprintf(path, len, "%s/%s", dir, de->d_name);
    struct stat st;
    if (!configured(cli->cfg, path) && stat(path, &st) == 0 && S_ISREG(st.st_mode))
      rc = mi_cli_note_file(cli, "policy", "module", path, e);
    free(path);
  }
  closedir(d);
  return rc;
}

int mi_cli_note_modules(mi_cli *cli, mi_err *e) {
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < cli->cfg->npolicies; i++) {
    char *c = strdup(cli->cfg->policies[i].file);
    if (!c) return mi_err_set(e, MI_ENOMEM, "out of memory");
    const char *dir = dirname(c);
    if (!seen_folder(cli->cfg, i, dir)) rc = note_folder(cli, dir, e);
    free(c);
  }
  return rc;
}
