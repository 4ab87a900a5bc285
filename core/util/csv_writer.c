/* CSV output (record_writer.h): RFC 4180 quoting, LF line ends, and the
 * formula neutralisation of text.h. */
#include <string.h>

#include "util/text.h"
#include "util/writer_impl.h"

static int needs_quotes(const char *v, size_t n) {
  if (n == 0) return 1; /* "" (present, empty) must differ from absent */
  if (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t')
    return 1; /* other readers trim unquoted blanks */
  for (size_t i = 0; i < n; i++)
    if (v[i] == ',' || v[i] == '"' || v[i] == '\r' || v[i] == '\n') return 1;
  return 0;
}

static int put_cell(mi_strbuf *b, const char *v) {
  size_t n = strlen(v);
  int apos = mi_text_neutralize_needed(v);
  if (!needs_quotes(v, n)) {
    if (apos && mi_strbuf_appendc(b, '\'')) return -1;
    return mi_strbuf_append(b, v, n);
  }
  if (mi_strbuf_reserve(b, n + 4)) return -1;
  mi_strbuf_appendc(b, '"');
  if (apos) mi_strbuf_appendc(b, '\'');
  const char *p = v, *q;
  while ((q = strchr(p, '"'))) {
    if (mi_strbuf_append(b, p, (size_t)(q - p) + 1) || mi_strbuf_appendc(b, '"')) return -1;
    p = q + 1;
  }
  if (mi_strbuf_appends(b, p)) return -1;
  return mi_strbuf_appendc(b, '"');
}

int mi_csv_encode_row(mi_strbuf *b, const char *const *values, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (i && mi_strbuf_appendc(b, ',')) return -1;
    if (values[i] && put_cell(b, values[i])) return -1;
  }
  return mi_strbuf_appendc(b, '\n');
}
