/* The body of an HTML form (application/x-www-form-urlencoded) as decoded
 * name = value pairs: the request parser of manyi serve's own code, so it is
 * strict and bounded (a fuzz target drives it). */
#ifndef MI_SERVE_FORM_H
#define MI_SERVE_FORM_H

#include <stddef.h>

#include "util/err.h"

enum { MI_FORM_MAX_FIELDS = 256, MI_FORM_MAX_NAME = 64 };

typedef struct mi_form {
  char *names[MI_FORM_MAX_FIELDS], *values[MI_FORM_MAX_FIELDS];
  size_t n;
} mi_form;

/* Decodes body[0..len): '&'-separated name=value, '+' a space, %XX a byte.
 * A name given again (the check boxes of a multiple-choice question) has
 * its values joined by ';' in the order given. Refused (MI_EPARSE, e says
 * what and where): a bad %-escape, a decoded NUL byte or invalid UTF-8, an
 * empty or over-long name, more than MI_FORM_MAX_FIELDS fields. On success *f owns its strings
 * (mi_form_free); on failure it holds nothing. */
int mi_form_parse(const char *body, size_t len, mi_form *f, mi_err *e);
/* The value of name, or NULL. */
const char *mi_form_get(const mi_form *f, const char *name);
void mi_form_free(mi_form *f);

#endif
