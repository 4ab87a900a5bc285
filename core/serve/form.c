/* application/x-www-form-urlencoded bodies: see form.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/form.h"
#include "util/text.h"

static int hex(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* s[0..n) decoded into a new string; NULL and e set when it is not a clean
 * text (what names the part: "a field name", "field 'x'"). */
static char *decode(const char *s, size_t n, const char *what, mi_err *e) {
  char *out = malloc(n + 1);
  if (!out) return mi_err_set(e, MI_ENOMEM, "out of memory"), NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '+')
      out[k++] = ' ';
    else if (s[i] != '%')
      out[k++] = s[i];
    else if (i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out[k++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      free(out);
      mi_err_set(e, MI_EPARSE, "%s: '%%' must be followed by two hex digits", what);
      return NULL;
    }
  }
  out[k] = '\0';
  size_t bad;
  mi_err ue;
  if (memchr(out, '\0', k) || mi_text_utf8_check(out, k, &bad, &ue)) {
    free(out);
    mi_err_set(e, MI_EPARSE, "%s is not UTF-8 text", what);
    return NULL;
  }
  return out;
}

void mi_form_free(mi_form *f) {
  for (size_t i = 0; i < f->n; i++) free(f->names[i]), free(f->values[i]);
  f->n = 0;
}

const char *mi_form_get(const mi_form *f, const char *name) {
  for (size_t i = 0; i < f->n; i++)
    if (!strcmp(f->names[i], name)) return f->values[i];
  return NULL;
}

/* Appends ";" and value to the value of field i (check boxes of one name). */
static int join(mi_form *f, size_t i, const char *value) {
  size_t a = strlen(f->values[i]), b = strlen(value);
  char *v = realloc(f->values[i], a + b + 2);
  if (!v) return MI_ENOMEM;
  v[a] = ';';
  memcpy(v + a + 1, value, b + 1);
  f->values[i] = v;
  return 0;
}

int mi_form_parse(const char *body, size_t len, mi_form *f, mi_err *e) {
  memset(f, 0, sizeof *f);
  size_t given = 0; /* fields, a name given again counted again */
  for (size_t at = 0; at < len;) {
    const char *p = body + at, *amp = memchr(p, '&', len - at);
    size_t flen = amp ? (size_t)(amp - p) : len - at;
    at += flen + 1;
    if (!flen) continue; /* "a=1&&b=2" */
    const char *eq = memchr(p, '=', flen);
    size_t nlen = eq ? (size_t)(eq - p) : flen;
    if (given++ == MI_FORM_MAX_FIELDS) {
      mi_form_free(f);
      return mi_err_set(e, MI_EPARSE, "more than %d fields", MI_FORM_MAX_FIELDS);
    }
    mi_err de = {0};
    char *name = decode(p, nlen, "a field name", &de);
    if (!name) {
      mi_form_free(f);
      return e ? (*e = de).code : de.code;
    }
    if (!*name || strlen(name) > MI_FORM_MAX_NAME) {
      mi_form_free(f);
      free(name);
      return mi_err_set(e, MI_EPARSE, "a field name must have 1 to %d bytes", MI_FORM_MAX_NAME);
    }
    char what[MI_FORM_MAX_NAME + 16];
    snprintf(what, sizeof what, "field '%s'", name);
    char *value = eq ? decode(eq + 1, flen - nlen - 1, what, &de) : strdup("");
    if (!value) {
      free(name);
      mi_form_free(f);
      if (!de.code) mi_err_set(&de, MI_ENOMEM, "out of memory");
      return e ? (*e = de).code : de.code;
    }
    size_t i = 0;
    while (i < f->n && strcmp(f->names[i], name)) i++;
    if (i < f->n) { /* given again: one more choice */
      int rc = join(f, i, value);
      free(name), free(value);
      if (rc) {
        mi_form_free(f);
        return mi_err_set(e, MI_ENOMEM, "out of memory");
      }
      continue;
    }
    f->names[f->n] = name, f->values[f->n++] = value;
  }
  return 0;
}
