/* What the result lines of the front desk's and agents' commands share
 * once they are translated: table cells padded by display width (a Chinese
 * word is as wide as two letters, so printf's byte count would misalign
 * it) and configuration codes shown with their display name. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/repl_shell.h"
#include "util/i18n.h"

const char *mi_cli_pad(const char *s, int width) {
  enum { SIZE = 1200 }; /* mi_cli_shown's text (< 1024 bytes) and the padding */
  static char bufs[8][SIZE];
  static unsigned next;
  char *b = bufs[next++ % 8];
  const char *text = s ? s : "-";
  size_t n = strnlen(text, SIZE - 1);
  size_t cols = (size_t)(width < 0 ? -(long)width : width), w = mi_shell_text_width(text);
  size_t fill = w < cols ? cols - w : 0;
  if (fill > SIZE - 1 - n) fill = SIZE - 1 - n;
  char *at = b;
  if (width < 0) memset(at, ' ', fill), at += fill;
  memcpy(at, text, n), at += n;
  if (width >= 0) memset(at, ' ', fill), at += fill;
  *at = '\0';
  return b;
}

int mi_cli_width(const char *s) { return s ? (int)mi_shell_text_width(s) : 1; }

const char *mi_cli_named(const mi_config *cfg, const char *kind, const char *code) {
  static char bufs[4][512];
  static int next;
  const char *name = code && *code ? mi_config_display_name(cfg, mi_i18n_lang(), kind, code) : NULL;
  if (!name) return code;
  char *b = bufs[next++ % 4];
  snprintf(b, sizeof bufs[0], _("%s (%s)"), code, name);
  return b;
}
