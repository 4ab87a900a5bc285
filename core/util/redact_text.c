/* Masking of personal data typed into free text: see redact_text.h. One pass
 * over the text; at each position an e-mail address, a name, a date and a
 * phone number are tried in that order, else the byte is copied. */
#include "util/redact_text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strbuf.h"

#define MAX_PARTS 8

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_alnum(char c) { return is_digit(c) || is_alpha(c); }
static int is_local(char c) { return is_alnum(c) || (c && strchr("._%+-", c)); }
static int is_domain(char c) { return is_alnum(c) || c == '-' || c == '.'; }
static int is_sep(char c) { return c && strchr(" -./()", c); }

/* Bytes of the UTF-8 character at s (1 for a stray byte). */
static size_t char_len(const char *s) {
  size_t n = 1;
  while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80 && n < 4) n++;
  return n;
}

typedef struct word {
  const char *s;
  size_t len;
  int ascii; /* only ASCII letters: matched at word boundaries */
} word;

/* The name and its parts of 3 bytes or more, longest first (the whole name). */
static size_t name_words(const char *name, word *w) {
  size_t n = 0;
  if (!name) return 0;
  while (*name == ' ') name++;
  size_t len = strlen(name);
  while (len && name[len - 1] == ' ') len--;
  if (!len) return 0;
  w[n++] = (word){name, len, 0};
  for (const char *p = name; p < name + len && n < MAX_PARTS;) {
    while (*p == ' ') p++;
    const char *q = p;
    while (q < name + len && *q != ' ') q++;
    if ((size_t)(q - p) >= 3 && (size_t)(q - p) < len) w[n++] = (word){p, (size_t)(q - p), 0};
    p = q;
  }
  for (size_t i = 0; i < n; i++) {
    w[i].ascii = 1;
    for (size_t j = 0; j < w[i].len; j++)
      if (!is_alpha(w[i].s[j])) w[i].ascii = 0;
  }
  return n;
}

/* Length of the name (or part) at t + i, else 0. */
static size_t name_at(const char *t, size_t i, const word *w, size_t nw) {
  for (size_t k = 0; k < nw; k++) {
    if (strncasecmp(t + i, w[k].s, w[k].len)) continue;
    if (w[k].ascii && ((i > 0 && is_alnum(t[i - 1])) || is_alnum(t[i + w[k].len]))) continue;
    return w[k].len;
  }
  return 0;
}

/* An e-mail address starting at t + i: its length, *at the offset of '@'. */
static size_t email_at(const char *t, size_t i, size_t *at) {
  if (!is_local(t[i]) || (i > 0 && is_local(t[i - 1]))) return 0;
  size_t j = i;
  while (is_local(t[j])) j++;
  if (t[j] != '@' || j == i) return 0;
  size_t k = j + 1, dot = 0;
  while (is_domain(t[k])) k++;
  while (k > j + 1 && t[k - 1] == '.') k--; /* a full stop ends the sentence */
  for (size_t d = j + 1; d < k; d++)
    if (t[d] == '.') dot = d;
  if (!dot || dot + 1 >= k || dot == j + 1) return 0;
  *at = j;
  return k - i;
}

/* A date YYYY-MM-DD at t + i (not part of a longer number). */
static int date_at(const char *t, size_t i) {
  static const char shape[] = "dddd-dd-dd";
  if (i > 0 && is_digit(t[i - 1])) return 0;
  for (size_t k = 0; k < 10; k++)
    if (shape[k] == 'd' ? !is_digit(t[i + k]) : t[i + k] != '-') return 0;
  return !is_digit(t[i + 10]);
}

/* A phone number at t + i: its length, *last the offset of its last digit. */
static size_t phone_at(const char *t, size_t i, size_t *last) {
  char c = t[i];
  if (!(is_digit(c) || c == '+' || c == '(')) return 0;
  if (i > 0 && (is_alnum(t[i - 1]) || strchr("_-/.@+", t[i - 1]))) return 0;
  size_t j = i + (c == '+'), digits = 0, end = 0, seps = 0;
  for (; t[j]; j++) {
    if (is_digit(t[j])) {
      digits++, end = j + 1, seps = 0;
    } else if (is_sep(t[j]) && ++seps <= 2) {
      continue;
    } else {
      break;
    }
  }
  if (digits < 7 || is_alnum(t[end])) return 0;
  *last = end - 1;
  return end - i;
}

char *mi_redact_text(const char *text, const char *name) {
  if (!text) return NULL;
  word w[MAX_PARTS];
  size_t nw = name_words(name, w), i = 0, n, at;
  mi_strbuf b;
  mi_strbuf_init(&b);
  int bad = mi_strbuf_reserve(&b, strlen(text));
  while (!bad && text[i]) {
    if ((n = email_at(text, i, &at))) {
      bad |= mi_strbuf_append(&b, text + i, 1);
      bad |= mi_strbuf_appends(&b, "***");
      bad |= mi_strbuf_append(&b, text + at, i + n - at);
    } else if ((n = name_at(text, i, w, nw))) {
      bad |= mi_strbuf_append(&b, text + i, char_len(text + i));
      bad |= mi_strbuf_appends(&b, "***");
    } else if (date_at(text, i)) {
      n = 10;
      bad |= mi_strbuf_append(&b, text + i, n);
    } else if ((n = phone_at(text, i, &at))) {
      size_t k = at - 1;
      while (!is_digit(text[k])) k--; /* a separator may sit between the last two digits */
      char two[2] = {text[k], text[at]};
      bad |= mi_strbuf_appends(&b, "***");
      bad |= mi_strbuf_append(&b, two, 2);
    } else {
      n = char_len(text + i);
      bad |= mi_strbuf_append(&b, text + i, n);
    }
    i += n;
  }
  if (bad) {
    mi_strbuf_free(&b);
    return NULL;
  }
  if (b.len == 0) {
    mi_strbuf_free(&b); /* reserved, never written: not terminated */
    return strdup("");
  }
  return b.data;
}
