/* The reader's input source (reader_impl.h): blocks of UTF-8 from a stream,
 * decoded if needed, byte order mark dropped, never split inside a
 * multi-byte character. Memory is fixed: one decoded block and one raw one. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/reader_impl.h"

enum { SRC_BLOCK = 256 * 1024, RAW_BLOCK = 64 * 1024 };

int mi_rsrc_init(mi_rsrc *s, FILE *f, const char *encoding, size_t block, mi_err *e) {
  memset(s, 0, sizeof *s);
  s->f = f;
  if (block && block < 8) block = 8; /* room for a whole character and a BOM */
  if (!mi_text_is_utf8_name(encoding)) {
    int rc = mi_text_conv_open(encoding, &s->conv, e);
    if (rc) return rc;
    s->rcap = block ? block : RAW_BLOCK;
    s->raw = malloc(s->rcap);
    if (!s->raw) return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  s->cap = block ? block : SRC_BLOCK;
  s->buf = malloc(s->cap);
  if (!s->buf) return mi_err_set(e, MI_ENOMEM, "out of memory");
  return 0;
}

void mi_rsrc_free(mi_rsrc *s) {
  mi_text_conv_close(s->conv);
  free(s->buf);
  free(s->raw);
  memset(s, 0, sizeof *s);
}

/* Reads up to n bytes; sets s->eof at the end. */
static int read_block(mi_rsrc *s, char *dst, size_t n, size_t *got, mi_err *e) {
  *got = fread(dst, 1, n, s->f);
  if (*got < n) {
    if (ferror(s->f)) return mi_err_set(e, MI_EIO, "read error: %s", strerror(errno));
    s->eof = 1;
  }
  return 0;
}

/* A byte order mark on input read as UTF-8: drop a UTF-8 one, refuse
 * UTF-16/32 ones with the encoding to use instead. */
static int check_utf8_bom(mi_rsrc *s, mi_err *e) {
  const char *enc;
  size_t n = mi_text_bom(s->buf, s->end, &enc);
  if (n && strcmp(enc, "UTF-8") != 0)
    return mi_err_set(e, MI_EPARSE,
                      "the file starts with a %s byte order mark: it is not UTF-8; read it "
                      "with the encoding %s",
                      enc, enc);
  s->pos = n;
  return 0;
}

static int fill_utf8(mi_rsrc *s, mi_err *e) {
  for (;;) {
    size_t held = s->end - s->len;
    memmove(s->buf, s->buf + s->len, held);
    s->pos = s->len = 0;
    s->end = held;
    if (s->eof && held == 0) return 0;
    if (!s->eof) {
      size_t got;
      int rc = read_block(s, s->buf + held, s->cap - held, &got, e);
      if (rc) return rc;
      s->end += got;
    }
    if (!s->started) {
      s->started = 1;
      int rc = check_utf8_bom(s, e);
      if (rc) return rc;
    }
    /* At the end, hand out a cut-off sequence too: the validator reports it. */
    s->len = s->eof ? s->end : mi_text_utf8_complete_len(s->buf, s->end);
    if (s->len > s->pos) return 1;
    if (s->eof) return 0;
  }
}

/* Is this encoding one of the Unicode ones (whose BOM iconv decodes)? */
static int is_unicode_name(const char *enc) {
  return strncasecmp(enc, "UTF", 3) == 0 || strncasecmp(enc, "UCS", 3) == 0;
}

static int fill_conv(mi_rsrc *s, mi_err *e) {
  if (s->pending) {
    mi_err_set(e, s->pend_err.code, "%s", s->pend_err.msg);
    return s->pend_err.code;
  }
  for (;;) {
    s->pos = s->len = s->end = 0;
    if (!s->eof && s->rlen < s->rcap) {
      size_t got;
      int rc = read_block(s, s->raw + s->rlen, s->rcap - s->rlen, &got, e);
      if (rc) return rc;
      s->rlen += got;
    }
    if (!s->started) {
      const char *bom;
      if (mi_text_bom(s->raw, s->rlen, &bom) && strcmp(bom, "UTF-8") == 0 &&
          !is_unicode_name(mi_text_conv_encoding(s->conv)))
        return mi_err_set(e, MI_EPARSE,
                          "the file starts with a UTF-8 byte order mark but was to be read "
                          "as %s: it is probably UTF-8; read it without an encoding",
                          mi_text_conv_encoding(s->conv));
    }
    size_t in = s->rlen, out = 0;
    int rc = mi_text_conv_run(s->conv, s->raw, &in, s->buf, s->cap, &out, s->eof, e);
    memmove(s->raw, s->raw + in, s->rlen - in);
    s->rlen -= in;
    s->len = s->end = out;
    if (!s->started && out > 0) {
      s->started = 1;
      /* iconv keeps a UTF-16/32 BOM as U+FEFF; drop it as for UTF-8. */
      if (out >= 3 && memcmp(s->buf, "\xEF\xBB\xBF", 3) == 0) s->pos = 3;
    }
    if (rc) {
      if (s->len == s->pos) return rc;
      /* Hand out the good bytes first; the error comes with the next fill. */
      s->pending = 1;
      s->pend_err = *e;
      mi_err_clear(e);
      return 1;
    }
    if (s->len > s->pos) return 1;
    if (s->eof && s->rlen == 0) return 0;
    if (s->eof && in == 0 && out == 0)
      return mi_err_set(e, MI_EPARSE, "input ends in the middle of a %s character",
                        mi_text_conv_encoding(s->conv));
  }
}

int mi_rsrc_fill(mi_rsrc *s, mi_err *e) {
  return s->conv ? fill_conv(s, e) : fill_utf8(s, e);
}
