/* Text in table cells: how wide it is on a terminal and how it is made safe
 * to show. Widths come from utf8proc (Unicode's East Asian Width and
 * combining marks), not from the locale, so a table of Chinese names lines
 * up the same in a pipe, a log file and any terminal: 张刚海 is 6 columns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "cli/repl_shell.h"
#include "util/strbuf.h"

#define ELLIPSIS "\xe2\x80\xa6"  /* … */
#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

static size_t cp_width(utf8proc_int32_t cp) {
  int w = utf8proc_charwidth(cp);
  return w > 0 ? (size_t)w : 0;
}

char *mi_shell_cell_text(const char *s, size_t n, size_t *width) {
  mi_strbuf b = {0};
  size_t w = 0;
  const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x20 || c == 0x7f) {
      char esc[8];
      switch (c) {
      case '\n': snprintf(esc, sizeof esc, "\\n"); break;
      case '\t': snprintf(esc, sizeof esc, "\\t"); break;
      case '\r': snprintf(esc, sizeof esc, "\\r"); break;
      default: snprintf(esc, sizeof esc, "\\x%02X", c); break;
      }
      mi_strbuf_appends(&b, esc);
      w += strlen(esc);
      i++;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
    if (len <= 0) {
      mi_strbuf_appends(&b, REPLACEMENT);
      w += 1;
      i++;
      continue;
    }
    if (cp >= 0x80 && cp < 0xa0) { /* C1 controls: as escapes too */
      char esc[12];
      snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
      mi_strbuf_appends(&b, esc);
      w += strlen(esc);
    } else {
      mi_strbuf_append(&b, p + i, (size_t)len);
      w += cp_width(cp);
    }
    i += (size_t)len;
  }
  if (!b.data) mi_strbuf_appends(&b, "");
  if (width) *width = w;
  return b.data; /* NULL only when out of memory */
}

size_t mi_shell_text_width(const char *s) {
  size_t w = 0, n = strlen(s);
  const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
  for (size_t i = 0; i < n;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
    if (len <= 0) {
      w++;
      i++;
      continue;
    }
    w += cp_width(cp);
    i += (size_t)len;
  }
  return w;
}

char *mi_shell_text_fit(const char *s, size_t max, size_t *width) {
  size_t full = mi_shell_text_width(s);
  if (full <= max || max < 2) {
    if (width) *width = full;
    return strdup(s);
  }
  size_t n = strlen(s), w = 0, i = 0;
  const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
  while (i < n) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
    size_t cw = 1;
    if (len <= 0) len = 1;
    else cw = cp_width(cp);
    if (w + cw > max - 1) break; /* room for the ellipsis */
    w += cw;
    i += (size_t)len;
  }
  char *out = malloc(i + sizeof ELLIPSIS);
  if (!out) return NULL;
  memcpy(out, s, i);
  memcpy(out + i, ELLIPSIS, sizeof ELLIPSIS);
  if (width) *width = w + 1;
  return out;
}

/* s[0..n), w columns wide, padded to |width| columns in the next of 8 buffers. */
static const char *cell(const char *s, size_t n, size_t w, int width) {
  static char bufs[8][1200]; /* mi_cli_shown's text (< 1024 bytes) and the padding */
  static int next;
  char *b = bufs[next++ % 8];
  size_t cols = (size_t)(width < 0 ? -width : width);
  int pad = w < cols ? (int)(cols - w) : 0;
  if (width < 0) snprintf(b, sizeof bufs[0], "%.*s%*s", (int)n, s, pad, "");
  else snprintf(b, sizeof bufs[0], "%*s%.*s", pad, "", (int)n, s);
  return b;
}

const char *mi_cli_cell(const char *s, int width) {
  if (!s) s = "-";
  return cell(s, strlen(s), mi_shell_text_width(s), width);
}

const char *mi_cli_cell_cut(const char *s, int width) {
  if (!s) s = "-";
  size_t cols = (size_t)(width < 0 ? -width : width), n = strlen(s), i = 0, w = 0;
  const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
  while (i < n) { /* whole characters while they fit */
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
    size_t cw = len > 0 ? cp_width(cp) : 1;
    if (w + cw > cols) break;
    w += cw;
    i += len > 0 ? (size_t)len : 1;
  }
  return cell(s, i, w, width);
}
