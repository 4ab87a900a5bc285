/* mi_strbuf: a growable byte buffer that is always NUL-terminated.
 * Used where text is built piece by piece (rows being written, lines being
 * read). A zeroed mi_strbuf is empty and valid; the buffer owns `data`. */
#ifndef MI_UTIL_STRBUF_H
#define MI_UTIL_STRBUF_H

#include <stddef.h>

typedef struct mi_strbuf {
  char *data; /* NULL until the first append; then NUL-terminated */
  size_t len;
  size_t cap; /* bytes allocated (room for len + 1) */
} mi_strbuf;

void mi_strbuf_init(mi_strbuf *b);
/* Makes room for `extra` more bytes (plus the NUL). 0 or MI_ENOMEM. */
int mi_strbuf_reserve(mi_strbuf *b, size_t extra);
int mi_strbuf_append(mi_strbuf *b, const void *p, size_t n);
int mi_strbuf_appendc(mi_strbuf *b, char c);
int mi_strbuf_appends(mi_strbuf *b, const char *s);
int mi_strbuf_appendf(mi_strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string: quoted, '"', '\\' and control characters
 * escaped, other bytes (UTF-8) as they are (util/jsonl_writer.c). */
int mi_json_put_string(mi_strbuf *b, const char *s);
/* Empties the buffer but keeps its memory for reuse. */
void mi_strbuf_reset(mi_strbuf *b);
/* Frees the memory; b is empty and reusable afterwards. */
void mi_strbuf_free(mi_strbuf *b);

#endif
