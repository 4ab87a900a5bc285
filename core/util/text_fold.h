/* Folding what a person types at the front desk into the form the indexes
 * hold: NFKC (full-width digits and letters become ASCII, compatibility
 * forms their plain ones) and ASCII lower case, so that "１３８", "ＡＢ" and
 * "ab" match; and the key of a phone number. */
#ifndef MI_UTIL_TEXT_FOLD_H
#define MI_UTIL_TEXT_FOLD_H

#include <stddef.h>

#include "util/err.h"

/* NFKC of text with ASCII letters in lower case (other letters as they are,
 * matching SQLite's lower()), without control characters, into out (size
 * bytes). MI_EINVAL when text is not valid UTF-8 or holds a control
 * character; MI_EINVAL too when the result does not fit. */
int mi_text_fold(const char *text, char *out, size_t size, mi_err *e);

/* The phone key (migration 0016's customers.phone_key): the digits of the
 * number, without the country code 86 (0086; 86 when the number has a '+'; or 86
 * before an 11-digit mobile number) and without leading zeros (the trunk 0
 * of a landline). Spaces, '-', '.', '/', '(', ')' and '+' are ignored.
 * MI_EINVAL naming what is not part of a phone number, or when there are
 * fewer than 3 digits. text is folded first (full-width digits count). */
int mi_phone_key(const char *text, char *out, size_t size, mi_err *e);

#endif
