/* What the cmocka tests share to set up and tear down: a temporary
 * directory (removed with everything in it) and a configuration loaded from
 * a YAML string. */
#ifndef MI_TESTS_FIXTURE_H
#define MI_TESTS_FIXTURE_H

#include "config/config.h"

/* mkdtemp on the template dir ("/tmp/name-XXXXXX", changed in place):
 * 0, or -1 with the reason on stderr. */
int mi_test_tmpdir(char *dir);

/* rm -rf dir: 0 or -1. */
int mi_test_rmdir(const char *dir);

/* The configuration in yaml (paths in it relative to dir) into *cfg: 0, or
 * -1 with the error on stderr. Free with mi_config_free. */
int mi_test_config(const char *yaml, const char *dir, mi_config **cfg);

#endif
