/* What the fuzz targets share: the libFuzzer entry point, and the input as a
 * NUL-terminated copy (the parsers under test take C strings). */
#ifndef MI_FUZZ_H
#define MI_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A malloc'd copy of data[0..size) with a NUL after it (embedded NULs stay,
 * so C-string parsers see the text up to the first one). */
static inline char *fuzz_strdup(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) abort();
  if (size) memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

#endif
