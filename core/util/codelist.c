#include "util/codelist.h"

#include <string.h>

int mi_codelist_has(const char *list, size_t n, const char *code, size_t len) {
  for (size_t at = 0; list && at < n;) {
    const char *c = list + at;
    size_t k = 0;
    while (at + k < n && c[k] != ';') k++;
    if (k == len && !strncmp(c, code, len)) return 1;
    at += k + 1;
  }
  return 0;
}
