/* Private to the record writer: each format appends encoded text to a
 * buffer, and record_writer.c writes whole rows. */
#ifndef MI_UTIL_WRITER_IMPL_H
#define MI_UTIL_WRITER_IMPL_H

#include "util/strbuf.h"

/* CSV: one row (header or data) + LF; values[i] NULL = absent. */
int mi_csv_encode_row(mi_strbuf *b, const char *const *values, size_t n);
/* JSONL: {"col":"value",...} + LF; values[i] NULL = null. */
int mi_jsonl_encode_row(mi_strbuf *b, const char *const *cols, const char *const *values,
                        size_t n);

#endif
