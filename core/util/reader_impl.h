/* Private to the record reader (reader.c, reader_src.c, csv_reader.c,
 * jsonl_reader.c): the input source, the record and the reader itself. */
#ifndef MI_UTIL_READER_IMPL_H
#define MI_UTIL_READER_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include "util/record_reader.h"
#include "util/strbuf.h"
#include "util/text.h"

/* ---- input source: chunks of valid-length UTF-8 ------------------------ *
 * Reads the stream in blocks, decodes it with iconv if an encoding was
 * given, drops a leading byte order mark and never ends a chunk inside a
 * multi-byte sequence, so that consumers can split chunks at ASCII bytes. */
typedef struct mi_rsrc {
  FILE *f;
  mi_text_conv *conv; /* NULL: the input is UTF-8 already */
  char *buf;          /* decoded bytes: [pos, len) ready, [len, end) held back */
  size_t pos, len, end, cap;
  char *raw; /* undecoded input (iconv mode) */
  size_t rlen, rcap;
  int eof, started;
  int pending;     /* a decoding error waits behind the bytes before it */
  mi_err pend_err; /* (message only) */
} mi_rsrc;

/* block: read size (0 = default). */
int mi_rsrc_init(mi_rsrc *s, FILE *f, const char *encoding, size_t block, mi_err *e);
/* Call when pos == len: 1 if bytes are ready, 0 at the end, <0 on error
 * (e has the message; the caller adds the position). */
int mi_rsrc_fill(mi_rsrc *s, mi_err *e);
void mi_rsrc_free(mi_rsrc *s);

/* ---- record ------------------------------------------------------------ */
struct mi_record {
  const mi_reader *r;
  long line;
  size_t n, cap;
  size_t *off;  /* into arena; SIZE_MAX = absent */
  size_t *len;
  long *fline;  /* line where each field starts */
  const char **val;
  mi_strbuf arena; /* all field bytes, each followed by a NUL */
};

void mi_rec_reset(mi_record *rec, long line);
/* Appends a field (s NULL = absent). 0 or MI_ENOMEM. */
int mi_rec_add(mi_record *rec, const char *s, size_t n, long line);
/* Makes the record at least n fields long, new fields absent. */
int mi_rec_extend(mi_record *rec, size_t n, long line);
/* Sets field i (< rec->n) to s[0..n). */
int mi_rec_set(mi_record *rec, size_t i, const char *s, size_t n);
/* Points val[] into the arena; call once the record is complete. */
void mi_rec_finish(mi_record *rec);
void mi_rec_free(mi_record *rec);

/* ---- reader ------------------------------------------------------------ */
typedef struct mi_reader_ops {
  int (*start)(mi_reader *r, mi_err *e); /* at open (CSV: read the header) */
  int (*next)(mi_reader *r, mi_err *e);  /* 1 record in r->rec, 0 end, <0 */
  void (*free)(mi_reader *r);
} mi_reader_ops;

struct mi_reader {
  mi_format fmt;
  char *name;
  FILE *f;
  int own_file;
  mi_rsrc src;
  size_t max_field, max_record, max_columns;
  int allow_extra, keep_apostrophe;
  char **expect; /* columns the caller expects (opts.columns), copied */
  size_t nexpect;
  char **cols; /* column names */
  size_t ncols, colcap;
  uint32_t *hash; /* open addressing: column index + 1, 0 = empty */
  size_t hcap;
  mi_record rec;
  size_t count;
  long line; /* physical line of the next unread byte */
  int failed, at_end;
  mi_err fail; /* repeated by every call after a fatal error */
  const mi_reader_ops *ops;
  void *impl;
};

extern const mi_reader_ops mi_csv_reader_ops;
extern const mi_reader_ops mi_jsonl_reader_ops;

/* Adds a column; its index goes to *idx. MI_EEXIST if the name is taken,
 * MI_ENOMEM. */
int mi_reader_add_column(mi_reader *r, const char *name, size_t n, size_t *idx);
/* Index of the column named s[0..n), or -1. */
long mi_reader_find(const mi_reader *r, const char *s, size_t n);
/* A column's name for messages ("column 7" when there is no header yet). */
const char *mi_reader_colname(const mi_reader *r, size_t i, char buf[32]);

/* Record-level error: fills e with the reader's name and the position. */
int mi_reader_bad(mi_reader *r, mi_err *e, int code, long line, int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Fatal error: the same, and the reader returns it from now on. */
int mi_reader_fatal(mi_reader *r, mi_err *e, int code, long line, int col, const char *fmt,
                    ...) __attribute__((format(printf, 6, 7)));

#endif
