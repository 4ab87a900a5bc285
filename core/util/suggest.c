/* "Did you mean": the nearest known word by edit distance, counting a swap
 * of two neighbouring letters as one edit ("cast" -> "csat"). */
#include <string.h>

#include "util/suggest.h"

#define MAX_WORD 64 /* longer words are never suggested for */

static size_t min3(size_t a, size_t b, size_t c) {
  size_t m = a < b ? a : b;
  return m < c ? m : c;
}

/* Optimal string alignment distance over three rolling rows. */
static size_t distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  size_t rows[3][MAX_WORD + 1];
  size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= lb; j++) prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]));
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          prev2[j - 2] + 1 < cur[j])
        cur[j] = prev2[j - 2] + 1;
    }
    size_t *t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb];
}

const char *mi_suggest(const char *s, const char *const *words) {
  size_t len = strlen(s);
  /* One or two letters are too short to guess from ('Z' is not a typo of 'A'). */
  if (len < 3 || len > MAX_WORD) return NULL;
  /* Close enough to be a typo: up to a third of the word, at least 1, at most 3. */
  size_t limit = len / 3;
  if (limit > 3) limit = 3;
  const char *best = NULL;
  size_t best_d = limit + 1;
  for (; *words; words++) {
    if (strlen(*words) > MAX_WORD) continue;
    size_t d = distance(s, *words);
    if (d < best_d) {
      best_d = d;
      best = *words;
    }
  }
  return best;
}
