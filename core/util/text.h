/* Text at the edges of the engine: UTF-8 validation, byte order marks,
 * conversion from other encodings (iconv), and the spreadsheet-formula
 * neutralisation convention shared by the CSV writer and reader.
 * Everything inside manyi is UTF-8; these functions are how text gets there. */
#ifndef MI_UTIL_TEXT_H
#define MI_UTIL_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* ---- UTF-8 ------------------------------------------------------------ */

/* Checks that s[0..n) is well-formed UTF-8 (RFC 3629): rejects overlong
 * forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF, stray
 * continuation bytes and sequences cut short. NUL bytes are valid UTF-8 and
 * are accepted here. Returns 0, or MI_EPARSE with *bad (if not NULL) set to
 * the offset of the first byte of the bad sequence and e saying what is
 * wrong ("invalid UTF-8 at byte 7: overlong encoding (0xC0 0xAF)"). */
int mi_text_utf8_check(const char *s, size_t n, size_t *bad, mi_err *e);

/* Describes the bad sequence at s[0..n) (s points at the byte reported by
 * mi_text_utf8_check): "overlong encoding (0xC0 0xAF)". Writes at most
 * size bytes into buf, NUL included. */
void mi_text_utf8_describe(const char *s, size_t n, char *buf, size_t size);

/* Length of the longest prefix of s[0..n) that does not end in the middle
 * of a multi-byte sequence: a stream reader hands out that much and keeps
 * the (at most 3) remaining bytes for the next chunk. */
size_t mi_text_utf8_complete_len(const char *s, size_t n);

/* ---- Byte order marks ------------------------------------------------- */

/* Recognises a byte order mark at the start of s[0..n): returns its length
 * (0 if none) and, if enc is not NULL, sets *enc to "UTF-8", "UTF-16LE",
 * "UTF-16BE", "UTF-32LE" or "UTF-32BE" (NULL if none). */
size_t mi_text_bom(const void *s, size_t n, const char **enc);

/* ---- Encodings -------------------------------------------------------- */

/* Is `encoding` a name for UTF-8 ("UTF-8", "utf8", "UTF_8"; NULL counts)? */
int mi_text_is_utf8_name(const char *encoding);

/* A streaming converter from `encoding` (any name iconv knows: "GB18030",
 * "latin1", "CP936", "UTF-16LE" ...) to UTF-8. Conversion is exact: a byte
 * sequence that is not valid in the source encoding is an error with its
 * byte offset, never replaced or dropped. */
typedef struct mi_text_conv mi_text_conv;

/* Opens a converter; *out is owned by the caller (mi_text_conv_close).
 * An unknown encoding, or one with iconv suffixes like "//IGNORE" or
 * "//TRANSLIT" (they would alter text), is MI_EINVAL naming it. */
int mi_text_conv_open(const char *encoding, mi_text_conv **out, mi_err *e);

/* Converts as much of in[0..*inlen) into out[0..outcap) as fits.
 * On return *inlen is the number of input bytes consumed and *outlen the
 * number of UTF-8 bytes written. A multi-byte character cut off at the end
 * of `in` is left unconsumed unless `final` is set (then it is an error).
 * If a bad sequence is met, the bytes before it are still consumed and
 * written, and the call returns MI_EPARSE with e naming the encoding, the
 * bytes and their offset counted from the first byte ever fed (so
 * e->column is not used; the message carries "byte N"). */
int mi_text_conv_run(mi_text_conv *c, const char *in, size_t *inlen, char *out,
                     size_t outcap, size_t *outlen, int final, mi_err *e);

/* Bytes consumed so far (the offset used in error messages). */
uint64_t mi_text_conv_offset(const mi_text_conv *c);
const char *mi_text_conv_encoding(const mi_text_conv *c);
void mi_text_conv_close(mi_text_conv *c);

/* Converts a whole buffer to UTF-8. *out is malloc'd, NUL-terminated and
 * owned by the caller; *outlen (may be NULL) excludes the NUL. */
int mi_text_convert(const char *encoding, const char *in, size_t n, char **out,
                    size_t *outlen, mi_err *e);

/* ---- Showing text on a terminal --------------------------------------- */

/* Copies s into buf (size bytes, NUL included, cut at a character boundary)
 * with every control character shown as an escape (\n, \t, \x1B, and C1
 * controls as \u009B), so that text from files, the database or a policy
 * cannot move the cursor, recolour or retitle a terminal. Returns the
 * length written. s NULL is shown as "". */
size_t mi_text_shown(const char *s, char *buf, size_t size);

/* ---- Spreadsheet formula neutralisation ------------------------------- *
 * A spreadsheet runs a cell that starts with = + - @ TAB or CR as a formula
 * ("CSV injection"). The CSV writer therefore puts an apostrophe in front of
 * such a cell, and the CSV reader takes it off again, so that export and
 * import round-trip exactly. The convention:
 *
 *   dangerous(s):  s matches ^'*[=+\-@\t\r]   (any number of apostrophes,
 *                  then one of the trigger characters)
 *   plain number:  s matches ^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$
 *                  ("-12.5", "+3", "-1e5": a spreadsheet reads these as
 *                  numbers, not formulas, so they are left alone)
 *   writer:        if dangerous(s) and not a plain number, write "'" + s
 *   reader:        if s matches ^'+[=+\-@\t\r], drop the first apostrophe
 *
 * Counting the apostrophes makes it exact: "=SUM(A1)" is written
 * "'=SUM(A1)", "'=x" (a real apostrophe) is written "''=x", and both read
 * back as they were; "+86 138 0000 0000" is written "'+86 138 0000 0000"
 * and reads back unchanged; "-12.5" and "007" are written as they are. */

/* 1 if the writer must prefix s with an apostrophe, else 0. */
int mi_text_neutralize_needed(const char *s);
/* s without the writer's apostrophe: s + 1 if s matches ^'+[=+\-@\t\r],
 * otherwise s itself (no copy is made). */
const char *mi_text_unneutralize(const char *s);
/* 1 if s is a plain decimal number as defined above. */
int mi_text_is_plain_number(const char *s);

/* A double as text: whole numbers below 1e15 in plain digits (1E2 ->
 * "100"), others in the shortest %g form that reads back to the same value
 * (12.50 -> "12.5", 1e-7 -> "1e-07"). size >= 32. */
void mi_text_number(double d, char *buf, size_t size);

#endif
