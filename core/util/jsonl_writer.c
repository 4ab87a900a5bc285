/* JSON Lines output (record_writer.h): one object per line, values as
 * strings, UTF-8 kept as it is. Encoded by hand rather than through
 * jansson so that a row costs no allocation and keys keep column order. */
#include <stdio.h>
#include <string.h>

#include "util/writer_impl.h"

int mi_json_put_string(mi_strbuf *b, const char *s) {
  if (mi_strbuf_appendc(b, '"')) return -1;
  const char *run = s;
  for (const char *p = s;; p++) {
    unsigned char c = (unsigned char)*p;
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    if (mi_strbuf_append(b, run, (size_t)(p - run))) return -1;
    if (!c) break;
    char esc[8];
    switch (c) {
    case '"': strcpy(esc, "\\\""); break;
    case '\\': strcpy(esc, "\\\\"); break;
    case '\n': strcpy(esc, "\\n"); break;
    case '\r': strcpy(esc, "\\r"); break;
    case '\t': strcpy(esc, "\\t"); break;
    case '\b': strcpy(esc, "\\b"); break;
    case '\f': strcpy(esc, "\\f"); break;
    default: snprintf(esc, sizeof esc, "\\u%04x", c); break;
    }
    if (mi_strbuf_appends(b, esc)) return -1;
    run = p + 1;
  }
  return mi_strbuf_appendc(b, '"');
}

int mi_jsonl_encode_row(mi_strbuf *b, const char *const *cols, const char *const *values,
                        size_t n) {
  if (mi_strbuf_appendc(b, '{')) return -1;
  for (size_t i = 0; i < n; i++) {
    if ((i && mi_strbuf_appendc(b, ',')) || mi_json_put_string(b, cols[i]) ||
        mi_strbuf_appendc(b, ':'))
      return -1;
    if (values[i] ? mi_json_put_string(b, values[i]) : mi_strbuf_appends(b, "null")) return -1;
  }
  return mi_strbuf_appends(b, "}\n");
}
