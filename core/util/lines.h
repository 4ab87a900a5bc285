/* Allocations of whole cache lines, for accumulators that threads fill side
 * by side: two threads writing objects that share a 64-byte line make the
 * processors pass the line back and forth on every write (false sharing),
 * which made a two-thread survey scan slower than one. */
#ifndef MI_UTIL_LINES_H
#define MI_UTIL_LINES_H

#include <stdlib.h>
#include <string.h>

#define MI_LINE 64

/* bytes of zeros, rounded up to whole lines and aligned on one; free() it. */
static inline void *mi_line_calloc(size_t bytes) {
  size_t n = (bytes + MI_LINE - 1) / MI_LINE * MI_LINE;
  void *p = aligned_alloc(MI_LINE, n ? n : MI_LINE);
  if (p) memset(p, 0, n ? n : MI_LINE);
  return p;
}

/* As realloc for an mi_line_calloc block of old_bytes: the first old_bytes
 * copied, the rest zero; the old block freed (kept when out of memory). */
static inline void *mi_line_grow(void *old, size_t old_bytes, size_t new_bytes) {
  void *p = mi_line_calloc(new_bytes);
  if (!p) return NULL;
  if (old) memcpy(p, old, old_bytes < new_bytes ? old_bytes : new_bytes);
  free(old);
  return p;
}

#endif
