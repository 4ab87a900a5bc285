/* Parsing one field of an imported record into a typed value. Each function
 * returns 0 or MI_EPARSE with a message that quotes the value and says what
 * is expected; the import adds file, line and field name. */
#ifndef MI_SERVICE_FIELDS_H
#define MI_SERVICE_FIELDS_H

#include <stdint.h>

#include "util/err.h"

/* A value is "absent" when NULL or "". */
int mi_field_absent(const char *v);

/* Required text of at most max_bytes bytes. */
int mi_field_text(const char *v, size_t max_bytes, mi_err *e);

/* v must be one of the NULL-terminated choices (absent allowed if optional). */
int mi_field_choice(const char *v, const char *const *choices, int optional,
                    mi_err *e);

/* Decimal integer in [lo, hi]. */
int mi_field_int(const char *v, int64_t lo, int64_t hi, int64_t *out, mi_err *e);

/* 0/1 or true/false. */
int mi_field_bool(const char *v, int *out, mi_err *e);

/* An amount with at most two decimals ("1299", "1299.5", "1299.00") -> minor units. */
int mi_field_money(const char *v, int64_t *out, mi_err *e);

/* A date/time (util/timeutil.h forms) -> instant. */
int mi_field_instant(const char *v, int64_t *out, mi_err *e);

/* "YYYY-MM-DD"; the text is kept as it is. */
int mi_field_date(const char *v, mi_err *e);

/* A number (decimal, no hex, no inf/nan). */
int mi_field_number(const char *v, double *out, mi_err *e);
/* A phone number as stored: digits, spaces, '+', '-', '(' and ')', at
 * least 3 digits, at most 32 bytes (the customers table's check, said in
 * words before the store refuses it). */
int mi_field_phone(const char *v, mi_err *e);

#endif
