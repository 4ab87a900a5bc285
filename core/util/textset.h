/* A set of texts, each stored once: for columns that repeat few values
 * (tiers, regions, strata, groups), one copy of each instead of one per row. */
#ifndef MI_UTIL_TEXTSET_H
#define MI_UTIL_TEXTSET_H

#include <stddef.h>

typedef struct mi_textset {
  char **slot; /* open addressing, cap slots (a power of two), NULL = empty */
  size_t cap, n;
} mi_textset;

/* The set's copy of text (added if new), or NULL when out of memory. The copy
 * is owned by the set and lives until mi_textset_free. */
const char *mi_textset_add(mi_textset *s, const char *text);
/* The number of text in the set: 0 for the first text added, 1 for the
 * next, ...; (size_t)-1 when out of memory. */
size_t mi_textset_number(mi_textset *s, const char *text);
/* The set's texts by number (n of them, in a new array; free it), or NULL
 * when out of memory. */
const char **mi_textset_texts(const mi_textset *s);
/* Frees every copy; the set is empty again. */
void mi_textset_free(mi_textset *s);

#endif
