/* Secret tokens (survey links, API clients): 32 bytes from the kernel's
 * random generator as 43 base64url characters. The store keeps only their
 * SHA-256 digests. */
#ifndef MI_UTIL_TOKEN_H
#define MI_UTIL_TOKEN_H

#include "util/err.h"

enum { MI_TOKEN_LEN = 43 };

/* A new token into out (NUL-terminated); MI_EIO without random bytes. */
int mi_token_new(char out[MI_TOKEN_LEN + 1], mi_err *e);
/* 1 when t has a token's form (43 base64url characters), else 0. */
int mi_token_form(const char *t);

#endif
