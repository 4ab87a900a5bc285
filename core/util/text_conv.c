/* Conversion from other encodings to UTF-8 with iconv (text.h).
 * iconv is used in its strict mode only: no //IGNORE, no //TRANSLIT, and
 * any conversion iconv reports as inexact is an error, so text is either
 * converted exactly or refused with the position of the offending bytes. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/text.h"

struct mi_text_conv {
  iconv_t cd;
  uint64_t offset; /* input bytes consumed so far */
  char name[64];
};

int mi_text_conv_open(const char *encoding, mi_text_conv **out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "mi_text_conv_open: no output pointer");
  *out = NULL;
  if (!encoding || !*encoding) return mi_err_set(e, MI_EINVAL, "no encoding given");
  if (strlen(encoding) >= sizeof((mi_text_conv *)0)->name)
    return mi_err_set(e, MI_EINVAL, "encoding name '%.40s...' is too long", encoding);
  if (strchr(encoding, '/'))
    return mi_err_set(e, MI_EINVAL,
                      "encoding '%s': suffixes such as //IGNORE or //TRANSLIT are not "
                      "accepted because they drop or replace characters; give the plain "
                      "encoding name",
                      encoding);
  mi_text_conv *c = calloc(1, sizeof *c);
  if (!c) return mi_err_set(e, MI_ENOMEM, "out of memory opening a converter");
  errno = 0;
  c->cd = iconv_open("UTF-8", encoding);
  if (c->cd == (iconv_t)-1) {
    int err = errno;
    free(c);
    if (err == EINVAL)
      return mi_err_set(e, MI_EINVAL,
                        "unknown encoding '%s': iconv cannot convert it to UTF-8 (run "
                        "'iconv -l' for the names it knows, e.g. GB18030, LATIN1, UTF-16LE)",
                        encoding);
    return mi_err_set(e, MI_ENOMEM, "cannot open a converter for '%s': %s", encoding,
                      strerror(err));
  }
  snprintf(c->name, sizeof c->name, "%s", encoding);
  *out = c;
  return 0;
}

/* "0xA1 0xFF ..." of the bytes at p (at most 4, at most n). */
static void hexdump(const char *p, size_t n, char out[24]) {
  out[0] = '\0';
  for (size_t k = 0; k < n && k < 4; k++)
    snprintf(out + strlen(out), 24 - strlen(out), "%s0x%02X", k ? " " : "",
             (unsigned char)p[k]);
}

int mi_text_conv_run(mi_text_conv *c, const char *in, size_t *inlen, char *out,
                     size_t outcap, size_t *outlen, int final, mi_err *e) {
  if (!c || !inlen || !outlen || (!in && *inlen) || (!out && outcap))
    return mi_err_set(e, MI_EINVAL, "mi_text_conv_run: bad arguments");
  char *ip = (char *)in, *op = out;
  size_t il = *inlen, ol = outcap;
  int rc = 0;
  errno = 0;
  size_t r = il ? iconv(c->cd, &ip, &il, &op, &ol) : 0;
  int err = errno;
  size_t used = *inlen - il;
  c->offset += used;
  if (r == (size_t)-1 && err == EILSEQ) {
    char hex[24];
    hexdump(ip, il, hex);
    rc = mi_err_set(e, MI_EPARSE,
                    "bytes %s at byte %llu are not valid %s (check the file's encoding)", hex,
                    (unsigned long long)c->offset, c->name);
  } else if (r == (size_t)-1 && err == EINVAL && final) {
    char hex[24];
    hexdump(ip, il, hex);
    rc = mi_err_set(e, MI_EPARSE, "input ends in the middle of a %s character (%s at byte %llu)",
                    c->name, hex, (unsigned long long)c->offset);
  } else if (r == (size_t)-1 && err != E2BIG && err != EINVAL) {
    rc = mi_err_set(e, MI_EIO, "converting from %s failed at byte %llu: %s", c->name,
                    (unsigned long long)c->offset, strerror(err));
  } else if (r != (size_t)-1 && r > 0) {
    /* iconv counts conversions it could not do exactly. */
    rc = mi_err_set(e, MI_EPARSE,
                    "%zu characters before byte %llu have no exact UTF-8 form in %s", r,
                    (unsigned long long)c->offset, c->name);
  } else if (final && il == 0) {
    /* Stateful encodings (ISO-2022-*) may owe a final shift sequence. */
    if (iconv(c->cd, NULL, NULL, &op, &ol) == (size_t)-1 && errno == E2BIG) {
      /* Not enough room: the caller calls again with more space. */
    }
  }
  *inlen = used;
  *outlen = outcap - ol;
  return rc;
}

uint64_t mi_text_conv_offset(const mi_text_conv *c) { return c ? c->offset : 0; }

const char *mi_text_conv_encoding(const mi_text_conv *c) { return c ? c->name : ""; }

void mi_text_conv_close(mi_text_conv *c) {
  if (!c) return;
  iconv_close(c->cd);
  free(c);
}

int mi_text_convert(const char *encoding, const char *in, size_t n, char **out,
                    size_t *outlen, mi_err *e) {
  if (!out || (!in && n)) return mi_err_set(e, MI_EINVAL, "mi_text_convert: bad arguments");
  *out = NULL;
  mi_text_conv *c;
  int rc = mi_text_conv_open(encoding, &c, e);
  if (rc) return rc;
  mi_strbuf b;
  mi_strbuf_init(&b);
  size_t pos = 0;
  do {
    /* UTF-8 needs at most 4 bytes per input byte (+ a shift flush). */
    size_t room = (n - pos) * 4 + 16;
    if (mi_strbuf_reserve(&b, room)) {
      rc = mi_err_set(e, MI_ENOMEM, "out of memory converting %zu bytes", n);
      break;
    }
    size_t inlen = n - pos, got = 0;
    rc = mi_text_conv_run(c, in + pos, &inlen, b.data + b.len, room, &got, 1, e);
    pos += inlen;
    b.len += got;
    b.data[b.len] = '\0';
    if (!rc && inlen == 0 && got == 0) break;
  } while (!rc && pos < n);
  mi_text_conv_close(c);
  if (rc) {
    mi_strbuf_free(&b);
    return rc;
  }
  if (mi_strbuf_reserve(&b, 0)) return mi_err_set(e, MI_ENOMEM, "out of memory");
  *out = b.data;
  if (outlen) *outlen = b.len;
  return 0;
}
