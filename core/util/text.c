/* UTF-8 validation, byte order marks and formula neutralisation (text.h).
 * Encoding conversion lives in text_conv.c. */
#include "util/text.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Why a sequence is bad; used for the message. */
enum { U8_OK, U8_STRAY, U8_BADBYTE, U8_OVERLONG, U8_SURROGATE, U8_TOOBIG, U8_TRUNC };

/* Length of the sequence at s[i] if well-formed, else 0 with *why set.
 * Follows Table 3-7 of the Unicode standard (well-formed byte sequences). */
static size_t seq_len(const unsigned char *s, size_t i, size_t n, int *why) {
  unsigned c = s[i];
  size_t len;
  unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
  if (c < 0x80) return 1;
  if (c < 0xC0) return *why = U8_STRAY, 0;
  if (c < 0xC2) return *why = U8_OVERLONG, 0;
  if (c < 0xE0) {
    len = 2;
  } else if (c < 0xF0) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c < 0xF5) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return *why = c < 0xF8 ? U8_TOOBIG : U8_BADBYTE, 0;
  }
  if (i + 1 >= n) return *why = U8_TRUNC, 0;
  unsigned c1 = s[i + 1];
  if (c1 < 0x80 || c1 > 0xBF) return *why = U8_TRUNC, 0;
  if (c1 < lo) return *why = U8_OVERLONG, 0;
  if (c1 > hi) return *why = c == 0xED ? U8_SURROGATE : U8_TOOBIG, 0;
  for (size_t k = 2; k < len; k++)
    if (i + k >= n || (s[i + k] & 0xC0) != 0x80) return *why = U8_TRUNC, 0;
  return len;
}

static const char *const u8_what[] = {
    "", "unexpected continuation byte", "byte that never occurs in UTF-8",
    "overlong encoding", "UTF-16 surrogate", "code point above U+10FFFF",
    "incomplete sequence"};

void mi_text_utf8_describe(const char *str, size_t n, char *buf, size_t size) {
  const unsigned char *s = (const unsigned char *)str;
  if (!buf || !size) return;
  int why = U8_OK;
  if (!s || !n || seq_len(s, 0, n, &why)) {
    snprintf(buf, size, "valid UTF-8");
    return;
  }
  char hex[24] = "";
  for (size_t k = 0; k < 4 && k < n; k++) {
    if (k && (s[k] & 0xC0) != 0x80) break;
    snprintf(hex + strlen(hex), sizeof hex - strlen(hex), "%s0x%02X", k ? " " : "", s[k]);
  }
  snprintf(buf, size, "%s (%s)", u8_what[why], hex);
}

int mi_text_utf8_check(const char *str, size_t n, size_t *bad, mi_err *e) {
  if (!str && n) return mi_err_set(e, MI_EINVAL, "mi_text_utf8_check: no text given");
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    /* ASCII fast path: 8 bytes at a time while no high bit is set. */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & UINT64_C(0x8080808080808080)) break;
      i += 8;
    }
    while (i < n && s[i] < 0x80) i++;
    if (i >= n) break;
    int why = U8_OK;
    size_t len = seq_len(s, i, n, &why);
    if (len) {
      i += len;
      continue;
    }
    if (bad) *bad = i;
    char what[80];
    mi_text_utf8_describe(str + i, n - i, what, sizeof what);
    return mi_err_set(e, MI_EPARSE, "invalid UTF-8 at byte %zu: %s", i, what);
  }
  return 0;
}

size_t mi_text_utf8_complete_len(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  /* Find the start of the last sequence (at most 3 continuation bytes back). */
  size_t i = n, back = 0;
  while (i > 0 && back < 3 && (s[i - 1] & 0xC0) == 0x80) i--, back++;
  if (i == 0) return n;
  unsigned c = s[i - 1];
  size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  /* Cut only a lead byte that still waits for bytes; anything malformed is
   * left in place for the validator to report. */
  if (c >= 0xC0 && c < 0xF8 && want > back + 1) return i - 1;
  return n;
}

size_t mi_text_bom(const void *p, size_t n, const char **enc) {
  const unsigned char *s = p;
  const char *name = NULL;
  size_t len = 0;
  if (n >= 4 && s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0)
    name = "UTF-32LE", len = 4;
  else if (n >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF)
    name = "UTF-32BE", len = 4;
  else if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
    name = "UTF-8", len = 3;
  else if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE)
    name = "UTF-16LE", len = 2;
  else if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF)
    name = "UTF-16BE", len = 2;
  if (enc) *enc = name;
  return len;
}

int mi_text_is_utf8_name(const char *enc) {
  if (!enc) return 1;
  char norm[8];
  size_t k = 0;
  for (const char *p = enc; *p; p++) {
    if (*p == '-' || *p == '_') continue;
    if (k == sizeof norm - 1) return 0;
    norm[k++] = (char)tolower((unsigned char)*p);
  }
  norm[k] = '\0';
  return strcmp(norm, "utf8") == 0;
}

/* ---- formula neutralisation (convention documented in text.h) ---------- */

static int is_trigger(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

int mi_text_is_plain_number(const char *s) {
  if (!s) return 0;
  const char *p = s;
  if (*p == '+' || *p == '-') p++;
  size_t int_digits = 0, frac_digits = 0;
  while (isdigit((unsigned char)*p)) p++, int_digits++;
  if (*p == '.') {
    p++;
    while (isdigit((unsigned char)*p)) p++, frac_digits++;
  }
  if (int_digits + frac_digits == 0) return 0;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!isdigit((unsigned char)*p)) return 0;
    while (isdigit((unsigned char)*p)) p++;
  }
  return *p == '\0';
}

int mi_text_neutralize_needed(const char *s) {
  if (!s) return 0;
  const char *p = s;
  while (*p == '\'') p++;
  return is_trigger(*p) && !mi_text_is_plain_number(s);
}

const char *mi_text_unneutralize(const char *s) {
  if (!s || s[0] != '\'') return s;
  const char *p = s;
  while (*p == '\'') p++;
  return is_trigger(*p) ? s + 1 : s;
}

void mi_text_number(double d, char *buf, size_t size) {
  if (d > -1e15 && d < 1e15 && d == (double)(long long)d) {
    snprintf(buf, size, "%lld", (long long)d);
    if (d == 0 && signbit(d)) snprintf(buf, size, "-0");
    return;
  }
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, size, "%.*g", prec, d);
    if (strtod(buf, NULL) == d) return;
  }
}

/* ---- Showing text on a terminal --------------------------------------- */

size_t mi_text_shown(const char *s, char *buf, size_t size) {
  if (!buf || size == 0) return 0;
  size_t k = 0;
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  for (; *p; p++) {
    char esc[8] = "";
    size_t skip = 0;
    if (*p < 0x20 || *p == 0x7f)
      snprintf(esc, sizeof esc, *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : *p == '\r' ? "\\r" : "\\x%02X", *p);
    else if (*p == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0) /* C1 controls, e.g. CSI U+009B */
      snprintf(esc, sizeof esc, "\\u%04X", p[1]), skip = 1;
    size_t n = *esc ? strlen(esc) : 1;
    /* never cut a UTF-8 sequence: stop before a lead byte that does not fit */
    size_t need = n;
    if (!*esc && *p >= 0xc0) need = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
    if (k + need >= size) break;
    if (*esc) memcpy(buf + k, esc, n);
    else buf[k] = (char)*p;
    k += n;
    p += skip;
  }
  buf[k] = 0;
  return k;
}
