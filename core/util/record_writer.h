/* mi_writer: writes records (rows of named text fields) as CSV or JSON
 * Lines, for export. Values are UTF-8 strings; NULL means "absent".
 *
 * CSV: RFC 4180 with LF line ends (not CRLF: every reader of RFC 4180,
 * manyi's included, accepts LF, and LF keeps files diff-friendly). The
 * header row comes first. A field is quoted when it contains a comma, a
 * quote (doubled inside), CR or LF, starts or ends with a space or tab, or
 * is the empty string; an absent value is written as nothing (",,"), so
 * that the reader can tell absent from "". Cells that a spreadsheet would
 * run as formulas get a leading apostrophe, header included; mi_reader
 * takes it off again (the exact rule is in text.h), so export then import
 * gives back the same strings.
 *
 * JSONL: one object per line, keys = column names in column order, every
 * present value a JSON string (so "007" stays "007"), absent values
 * written as null (the reader reads null as absent), non-ASCII written as
 * UTF-8, not \u escapes. No formula neutralisation (not for spreadsheets).
 */
#ifndef MI_UTIL_RECORD_WRITER_H
#define MI_UTIL_RECORD_WRITER_H

#include <stddef.h>
#include <stdio.h>

#include "util/err.h"
#include "util/record_format.h"

typedef struct mi_writer mi_writer;

/* Starts writing to f (which stays the caller's: mi_writer_close does not
 * close it). fmt is MI_FORMAT_CSV or MI_FORMAT_JSONL. The n column names
 * must be non-empty, distinct UTF-8 strings; they are copied. For CSV the
 * header row is written here. *out is owned by the caller: mi_writer_close. */
int mi_writer_open(FILE *f, mi_format fmt, const char *const *columns, size_t n,
                   mi_writer **out, mi_err *e);

/* Writes one row: values[i] is column i's value, NULL if absent. A value
 * that is not valid UTF-8 is refused (MI_EINVAL naming the row and column)
 * and nothing of the row is written. */
int mi_writer_row(mi_writer *w, const char *const *values, mi_err *e);

/* Rows written so far (not counting the header). */
size_t mi_writer_count(const mi_writer *w);

/* Flushes and frees the writer; reports a write error seen at any point
 * (e.g. a full disk). Does not close the stream. w may be NULL. */
int mi_writer_close(mi_writer *w, mi_err *e);

#endif
