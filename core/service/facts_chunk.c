#include "service/facts_chunk.h"

#include <stdlib.h>
#include <string.h>

int mi_facts_chunk_init(mi_facts_chunk *c, int cap, mi_err *e) {
  c->n = 0;
  c->cap = cap;
  c->items = calloc((size_t)cap, sizeof *c->items);
  return c->items ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
}

void mi_facts_chunk_clear(mi_facts_chunk *c) {
  for (int i = 0; i < c->n; i++) {
    for (int k = 0; k < 6; k++) free(c->items[i].strings[k]);
    free(c->items[i].unreadable);
  }
  if (c->items) memset(c->items, 0, (size_t)c->n * sizeof *c->items);
  c->n = 0;
}

void mi_facts_chunk_free(mi_facts_chunk *c) {
  mi_facts_chunk_clear(c);
  free(c->items);
  c->items = NULL;
  c->cap = 0;
}

static int keep(mi_facts_item *it, const mi_customer_facts *f) {
  it->f = *f;
  const char *src[6] = {f->external_id, f->kind, f->region, f->industry, f->birthday, f->tier};
  const char **dst[6] = {&it->f.external_id, &it->f.kind, &it->f.region, &it->f.industry,
                         &it->f.birthday, &it->f.tier};
  for (int i = 0; i < 6; i++) {
    it->strings[i] = src[i] ? strdup(src[i]) : NULL;
    if (src[i] && !it->strings[i]) return MI_ENOMEM;
    *dst[i] = it->strings[i];
  }
  return 0;
}

int mi_facts_chunk_add(void *chunk, const mi_customer_facts *f) {
  mi_facts_chunk *c = chunk;
  if (c->n == c->cap) return MI_ENOMEM; /* the pass was asked for at most cap */
  return keep(&c->items[c->n++], f);
}

int mi_facts_chunk_add_unreadable(void *chunk, int64_t id, const char *external_id,
                                  const mi_err *why) {
  mi_facts_chunk *c = chunk;
  if (c->n == c->cap) return MI_ENOMEM;
  mi_facts_item *it = &c->items[c->n++];
  it->unreadable = malloc(sizeof *it->unreadable);
  if (!it->unreadable) return MI_ENOMEM;
  *it->unreadable = *why;
  mi_customer_facts f = {.id = id, .external_id = external_id, .nps_answer = -1};
  return keep(it, &f);
}

const mi_facts_item *mi_facts_chunk_find(const mi_facts_chunk *c, int64_t id) {
  int lo = 0, hi = c->n - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    int64_t v = c->items[mid].f.id;
    if (v == id) return &c->items[mid];
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return NULL;
}
