/* mi_reader: streams records (rows of named text fields) out of a CSV or
 * JSON Lines file, one at a time, in bounded memory.
 *
 * Input. Bytes are decoded from the given encoding (default UTF-8; any
 * iconv name otherwise) and must be valid UTF-8 without NUL bytes. A byte
 * order mark at the start is dropped; a UTF-16/32 mark on a file read as
 * UTF-8 is an error that names the encoding to use.
 *
 * CSV (RFC 4180). The first row is the header: column names must be
 * non-empty and distinct. Fields may be quoted; quoted fields may hold
 * commas, doubled quotes ("") and line breaks. Rows end with LF, CRLF or
 * CR. Nothing is trimmed. Every row must have as many fields as the header.
 * An unquoted empty field is absent (NULL); a quoted empty field ("") is
 * the empty string — this is how the CSV writer keeps NULL and "" apart.
 * Blank lines at the end of the file are ignored; a blank line followed by
 * more rows is an error (in a one-column file a blank line is a row whose
 * field is absent). Cells carry the writer's formula neutralisation, which
 * is undone unless keep_apostrophe is set (see text.h for the convention).
 *
 * JSON Lines. Each non-blank line is one JSON object. Values may be
 * strings (kept as they are, so "007" stays "007"), numbers (converted to
 * their canonical text: integers and whole numbers below 1e15 in plain
 * digits (1E2 -> "100"), others in the shortest %g form that reads back to
 * the same double (12.50 -> "12.5")),
 * booleans ("true"/"false") or null (absent). Objects and arrays as values
 * are errors naming the field; so are duplicate keys. Without a column
 * list, the columns are the keys in order of first appearance (the header
 * grows as new keys appear); a key missing from an object is absent.
 *
 * Errors. mi_reader_next fills e with the file name and the physical line
 * (and byte column where known) of the problem. Two kinds:
 *  - the record is bad but the file's structure is intact (wrong number of
 *    fields, invalid UTF-8 or NUL in a record, blank line in the middle,
 *    a JSONL line that is not valid JSON or not an object, a nested value,
 *    an unknown key when columns were given): MI_EPARSE; the next call
 *    goes on with the following record, so a caller can reject per row;
 *  - the structure is lost or a limit is hit (malformed or unterminated
 *    quotes, a field/record/column count beyond its limit, bytes that do
 *    not convert, I/O errors): every later call returns the same error.
 *    mi_reader_failed() tells which case applies.
 */
#ifndef MI_UTIL_RECORD_READER_H
#define MI_UTIL_RECORD_READER_H

#include <stddef.h>
#include <stdio.h>

#include "util/err.h"
#include "util/record_format.h"

typedef struct mi_reader mi_reader;
typedef struct mi_record mi_record;

#define MI_READER_MAX_FIELD (1u << 20)   /* default: 1 MiB per field */
#define MI_READER_MAX_RECORD (8u << 20)  /* default: 8 MiB per record/line */
#define MI_READER_MAX_COLUMNS 1024u      /* default */

typedef struct mi_reader_opts {
  const char *encoding; /* NULL = UTF-8; else any iconv name ("GB18030") */
  size_t max_field;     /* bytes per field after decoding; 0 = default */
  size_t max_record;    /* bytes per CSV record / JSONL line; 0 = default */
  size_t max_columns;   /* 0 = default */
  /* Columns the caller expects (optional). CSV: each must be in the header
   * (else open fails naming it), and header columns not in the list are an
   * error unless allow_extra. JSONL: these are the columns, in this order;
   * a key not in the list is a record error unless allow_extra (then the
   * key is skipped). The strings are copied. */
  const char *const *columns;
  size_t ncolumns;
  int allow_extra;
  int keep_apostrophe; /* CSV: 1 = do not undo formula neutralisation */
  size_t block_size;   /* input read size; 0 = 256 KiB (tests use tiny
                          blocks to put block ends everywhere); min 8 */
} mi_reader_opts;

/* Opens path for reading (format MI_FORMAT_AUTO: from the extension).
 * encoding NULL means UTF-8. For CSV the header is read here, so a missing
 * or bad header fails the open. *out is owned by the caller: mi_reader_close. */
int mi_reader_open(const char *path, mi_format fmt, const char *encoding, mi_reader **out,
                   mi_err *e);
/* The same with options (opts may be NULL). */
int mi_reader_open_opts(const char *path, mi_format fmt, const mi_reader_opts *opts,
                        mi_reader **out, mi_err *e);
/* Reads from an open stream; `name` is used in messages ("-" for stdin)
 * and for MI_FORMAT_AUTO. The stream is not closed by mi_reader_close. */
int mi_reader_fopen(FILE *f, const char *name, mi_format fmt, const mi_reader_opts *opts,
                    mi_reader **out, mi_err *e);

/* Column names. CSV: the header row. JSONL: the given columns, or the keys
 * seen so far. The array and strings belong to the reader and stay valid
 * until the next mi_reader_next or mi_reader_close. */
int mi_reader_header(const mi_reader *r, const char *const **names, size_t *n);
/* Index of the column called name: 0, or MI_ENOTFOUND (not in e: callers
 * often probe). For JSONL without a column list a key may appear later. */
int mi_reader_column(const mi_reader *r, const char *name, size_t *idx);

/* Next record: returns 1 and sets *rec, 0 at the end, or a negative MI_E*
 * code with e filled (see "Errors" above). *rec belongs to the reader and
 * stays valid until the next call or mi_reader_close. */
int mi_reader_next(mi_reader *r, const mi_record **rec, mi_err *e);

/* 1 if the reader hit an error it cannot continue after, else 0. */
int mi_reader_failed(const mi_reader *r);
/* Records returned so far (not counting the CSV header). */
size_t mi_reader_count(const mi_reader *r);
/* The name given at open (path or stream name). */
const char *mi_reader_name(const mi_reader *r);
mi_format mi_reader_format(const mi_reader *r);

/* Closes the file (if the reader opened it) and frees everything. */
void mi_reader_close(mi_reader *r);

/* ---- records ----------------------------------------------------------- */

/* Number of fields: the number of columns at the time of the record. */
size_t mi_record_count(const mi_record *rec);
/* Field i: a NUL-terminated UTF-8 string, or NULL if absent (JSON null or
 * missing key, unquoted empty CSV field) or i is out of range. */
const char *mi_record_field(const mi_record *rec, size_t i);
/* Length in bytes of field i (0 if absent). */
size_t mi_record_len(const mi_record *rec, size_t i);
/* Field of the column called name; NULL if absent or no such column. */
const char *mi_record_get(const mi_record *rec, const char *name);
/* Physical line (1-based) where the record starts; a CSV record with
 * quoted line breaks spans several lines. */
long mi_record_line(const mi_record *rec);
/* Physical line where field i starts (the record's line if unknown). */
long mi_record_field_line(const mi_record *rec, size_t i);

/* Fills e for a problem with the record's field called `field` (NULL: the
 * record as a whole): file = the reader's name, line = where that field
 * starts, message "field 'amount': <fmt>". Returns code. */
int mi_record_error(const mi_record *rec, mi_err *e, int code, const char *field,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
