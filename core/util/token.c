/* Secret tokens: see token.h. */
#include <string.h>
#include <sys/random.h>

#include "util/token.h"

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int mi_token_new(char out[MI_TOKEN_LEN + 1], mi_err *e) {
  unsigned char b[33] = {0};
  for (size_t got = 0; got < 32;) {
    ssize_t k = getrandom(b + got, 32 - got, 0);
    if (k < 0) return mi_err_set(e, MI_EIO, "no random bytes for a token");
    got += (size_t)k;
  }
  size_t o = 0;
  for (size_t i = 0; i < 33; i += 3) { /* the 33rd byte is a zero pad */
    unsigned v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8 | b[i + 2];
    for (int k = 18; k >= 0 && o < MI_TOKEN_LEN; k -= 6) out[o++] = b64url[(v >> k) & 63];
  }
  out[o] = '\0';
  return 0;
}

int mi_token_form(const char *t) {
  if (!t || strlen(t) != MI_TOKEN_LEN) return 0;
  for (; *t; t++)
    if (!strchr(b64url, *t)) return 0;
  return 1;
}
