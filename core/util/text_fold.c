/* NFKC folding and phone keys for look-ups (text_fold.h). */
#include "util/text_fold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

int mi_text_fold(const char *text, char *out, size_t size, mi_err *e) {
  if (!text || !out || !size) return mi_err_set(e, MI_EINVAL, "nothing to fold");
  utf8proc_uint8_t *nf = NULL;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)text, 0, &nf,
                                    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                        UTF8PROC_COMPAT);
  if (n < 0) return mi_err_set(e, MI_EINVAL, "the text is not valid UTF-8");
  int rc = 0;
  for (utf8proc_ssize_t i = 0; i < n && !rc; i++)
    if (nf[i] < 0x20 || nf[i] == 0x7f)
      rc = mi_err_set(e, MI_EINVAL, "the text holds a control character (byte 0x%02x): type "
                      "letters, digits and punctuation only", nf[i]);
  if (!rc && (size_t)n >= size)
    rc = mi_err_set(e, MI_EINVAL, "the text is too long (%ld bytes after folding, at most %zu)",
                    (long)n, size - 1);
  if (!rc) {
    for (utf8proc_ssize_t i = 0; i < n; i++)
      out[i] = (char)(nf[i] >= 'A' && nf[i] <= 'Z' ? nf[i] + ('a' - 'A') : nf[i]);
    out[n] = '\0';
  }
  free(nf);
  return rc;
}

int mi_phone_key(const char *text, char *out, size_t size, mi_err *e) {
  char folded[256], digits[64];
  int rc = mi_text_fold(text ? text : "", folded, sizeof folded, e);
  if (rc) return rc;
  size_t nd = 0;
  int plus = 0;
  for (const char *p = folded; *p; p++) {
    if (*p >= '0' && *p <= '9') {
      if (nd + 1 >= sizeof digits) return mi_err_set(e, MI_EINVAL, "'%.40s' has too many digits for a phone number", text);
      digits[nd++] = *p;
    } else if (*p == '+') {
      plus = 1;
    } else if (!strchr(" -./()", *p)) {
      return mi_err_set(e, MI_EINVAL, "'%.40s' is not a phone number: use digits, spaces, '-', "
                        "'(', ')' and a leading '+'", text);
    }
  }
  digits[nd] = '\0';
  if (nd < 3) return mi_err_set(e, MI_EINVAL, "'%.40s' has fewer than 3 digits: not a phone number", text);
  /* the rules of customers.phone_key, in the same order */
  const char *d = digits;
  if (!strncmp(d, "0086", 4)) d += 4;
  else if (plus && !strncmp(d, "86", 2)) d += 2;
  else if (nd == 13 && !strncmp(d, "861", 3)) d += 2;
  while (*d == '0') d++;
  if (strlen(d) >= size) return mi_err_set(e, MI_EINVAL, "no room for the phone key");
  memcpy(out, d, strlen(d) + 1);
  return 0;
}
