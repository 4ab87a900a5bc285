/* "Did you mean": the known word nearest to a misspelt one. */
#ifndef MI_UTIL_SUGGEST_H
#define MI_UTIL_SUGGEST_H

/* The word in words (NULL-terminated) nearest to s by edit distance (a swap
 * of neighbours counts as one edit), or NULL if none is close enough to be a
 * typo: words shorter than 3 letters get no suggestion. */
const char *mi_suggest(const char *s, const char *const *words);

#endif
