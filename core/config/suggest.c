/* "Did you mean": the nearest known word by edit distance (Levenshtein). */
#include <string.h>

#include "config/config_internal.h"

#define MAX_WORD 64 /* longer words are never suggested for */

static size_t min3(size_t a, size_t b, size_t c) {
  size_t m = a < b ? a : b;
  return m < c ? m : c;
}

static size_t distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  size_t row[MAX_WORD + 1];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      row[j] = min3(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1]));
      diag = up;
    }
  }
  return row[lb];
}

const char *mi_cfg_suggest(const char *s, const char *const *words) {
  size_t len = strlen(s);
  if (len == 0 || len > MAX_WORD) return NULL;
  /* Close enough to be a typo: up to a third of the word, at least 1, at most 3. */
  size_t limit = len / 3;
  if (limit < 1) limit = 1;
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
