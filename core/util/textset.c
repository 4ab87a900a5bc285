#include "util/textset.h"

#include <stdlib.h>
#include <string.h>

static size_t hash(const char *s) {
  size_t h = 5381;
  for (; *s; s++) h = h * 33 + (unsigned char)*s;
  return h;
}

const char *mi_textset_add(mi_textset *s, const char *text) {
  if (2 * (s->n + 1) > s->cap) { /* at most half full */
    size_t cap = s->cap ? 2 * s->cap : 64;
    char **slot = calloc(cap, sizeof *slot);
    if (!slot) return NULL;
    for (size_t k = 0; k < s->cap; k++) {
      if (!s->slot[k]) continue;
      size_t h = hash(s->slot[k]);
      while (slot[h & (cap - 1)]) h++;
      slot[h & (cap - 1)] = s->slot[k];
    }
    free(s->slot);
    s->slot = slot, s->cap = cap;
  }
  for (size_t h = hash(text);; h++) {
    char **p = &s->slot[h & (s->cap - 1)];
    if (!*p) { /* the text after its number (order of addition) */
      size_t len = strlen(text) + 1;
      size_t *block = malloc(sizeof *block + len);
      if (!block) return NULL;
      block[0] = s->n++;
      *p = memcpy(block + 1, text, len);
      return *p;
    }
    if (!strcmp(*p, text)) return *p;
  }
}

size_t mi_textset_number(mi_textset *s, const char *text) {
  const char *p = mi_textset_add(s, text);
  return p ? ((const size_t *)(const void *)p)[-1] : (size_t)-1;
}

const char **mi_textset_texts(const mi_textset *s) {
  const char **t = malloc((s->n ? s->n : 1) * sizeof *t);
  if (!t) return NULL;
  for (size_t k = 0; k < s->cap; k++)
    if (s->slot[k]) t[((const size_t *)(const void *)s->slot[k])[-1]] = s->slot[k];
  return t;
}

void mi_textset_free(mi_textset *s) {
  for (size_t k = 0; k < s->cap; k++)
    if (s->slot[k]) free((size_t *)(void *)s->slot[k] - 1);
  free(s->slot);
  memset(s, 0, sizeof *s);
}
