#include "util/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

void mi_strbuf_init(mi_strbuf *b) {
  b->data = NULL;
  b->len = b->cap = 0;
}

int mi_strbuf_reserve(mi_strbuf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len - 1) return MI_ENOMEM;
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return 0;
  /* Doubling keeps appends amortised O(1). */
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *p = realloc(b->data, cap);
  if (!p) return MI_ENOMEM;
  b->data = p;
  b->cap = cap;
  return 0;
}

int mi_strbuf_append(mi_strbuf *b, const void *p, size_t n) {
  if (mi_strbuf_reserve(b, n)) return MI_ENOMEM;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int mi_strbuf_appendc(mi_strbuf *b, char c) {
  if (b->len + 1 >= b->cap && mi_strbuf_reserve(b, 1)) return MI_ENOMEM;
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
  return 0;
}

int mi_strbuf_appends(mi_strbuf *b, const char *s) {
  return mi_strbuf_append(b, s, strlen(s));
}

int mi_strbuf_appendf(mi_strbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return MI_EINVAL;
  if (mi_strbuf_reserve(b, (size_t)n)) return MI_ENOMEM;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

void mi_strbuf_reset(mi_strbuf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

void mi_strbuf_free(mi_strbuf *b) {
  free(b->data);
  mi_strbuf_init(b);
}
