/* "Did you mean": the nearest word by edit distance, for unknown hook names
 * and view fields. (config has its own; modules do not share internals.) */
#include <string.h>

#include "policy/policy_internal.h"

#define MAX_WORD 64

static size_t distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b), row[MAX_WORD + 1];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      diag = up;
      row[j] = best;
    }
  }
  return row[lb];
}

const char *mi_pol_suggest(const char *s, const char *const *words) {
  size_t len = strlen(s);
  if (len < 3 || len > MAX_WORD) return NULL;
  size_t limit = len / 3 > 3 ? 3 : (len / 3 ? len / 3 : 1), best_d = limit + 1;
  const char *best = NULL;
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
