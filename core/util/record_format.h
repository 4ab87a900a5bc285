/* The tabular file formats manyi reads and writes: CSV (RFC 4180) and
 * JSON Lines (one JSON object per line). */
#ifndef MI_UTIL_RECORD_FORMAT_H
#define MI_UTIL_RECORD_FORMAT_H

#include "util/err.h"

typedef enum mi_format {
  MI_FORMAT_AUTO = 0, /* reader only: from the file name's extension */
  MI_FORMAT_CSV = 1,
  MI_FORMAT_JSONL = 2,
} mi_format;

/* "csv" -> MI_FORMAT_CSV, "jsonl"/"ndjson" -> MI_FORMAT_JSONL (any case).
 * Anything else is MI_EINVAL naming it. */
int mi_format_parse(const char *name, mi_format *out, mi_err *e);

/* From the extension of path: .csv -> CSV; .jsonl, .ndjson -> JSONL (any
 * case). Otherwise MI_EINVAL asking for an explicit format. */
int mi_format_from_path(const char *path, mi_format *out, mi_err *e);

/* "csv" or "jsonl". */
const char *mi_format_name(mi_format f);

#endif
