/* Any YAML file as a generic mi_config_value, read the strict way the
 * configuration is read (yaml_tree.c, config_value.c): for files that are
 * not manyi.yaml but are written by the same people, such as the test cases
 * of policies. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config_internal.h"

void mi_config_value_free(mi_config_value *v) { mi_cfg_value_clear(v); }

int mi_config_value_load(const char *path, mi_config_value *out, mi_err *e) {
  mi_err_clear(e);
  if (out) memset(out, 0, sizeof *out);
  if (!path || !out) return mi_err_set(e, MI_EINVAL, "mi_config_value_load: path and out are required");
  FILE *f = fopen(path, "rb");
  if (!f) return mi_err_setpos(e, MI_EIO, path, 0, 0, "cannot read file: %s", strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(f);
    return mi_err_setpos(e, MI_EIO, path, 0, 0, "cannot read file: not a regular file");
  }
  char *buf = malloc(MI_CONFIG_MAX_BYTES + 1);
  if (!buf) {
    fclose(f);
    return mi_err_set(e, MI_ENOMEM, "out of memory reading %s", path);
  }
  size_t len = fread(buf, 1, MI_CONFIG_MAX_BYTES + 1, f);
  int bad = ferror(f);
  fclose(f);
  int rc = 0;
  if (bad) rc = mi_err_setpos(e, MI_EIO, path, 0, 0, "cannot read file: read error");
  else if (len > MI_CONFIG_MAX_BYTES)
    rc = mi_err_setpos(e, MI_ECONFIG, path, 0, 0, "the file is larger than %d MiB",
                       MI_CONFIG_MAX_BYTES / (1024 * 1024));
  mi_ynode *root = NULL;
  if (!rc && (rc = mi_ytree_parse(buf, len, path, &root, e)) && e && e->line == 1 &&
      !strncmp(e->msg, "the file is empty", 17))
    snprintf(e->msg, sizeof e->msg, "the file is empty (only comments or blank lines)");
  if (!rc) {
    mi_cfg_ctx c = {.file = path, .dir = ".", .cfg = NULL, .e = e};
    rc = mi_cfg_value(&c, root, out);
  }
  mi_ytree_free(root);
  free(buf);
  return rc;
}
