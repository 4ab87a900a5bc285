#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mi_test_tmpdir(char *dir) {
  if (mkdtemp(dir)) return 0;
  perror(dir);
  return -1;
}

int mi_test_rmdir(const char *dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

int mi_test_config(const char *yaml, const char *dir, mi_config **cfg) {
  mi_err e = {0};
  if (!mi_config_load_string(yaml, strlen(yaml), "t.yaml", dir, cfg, &e)) return 0;
  mi_err_print(&e, stderr);
  return -1;
}
