/* What translated result lines share beside mi_cli_cell (repl_text.c): the
 * display width of a text (a Chinese word is as wide as two letters) and
 * configuration codes shown with their display name. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/repl_shell.h"
#include "util/i18n.h"

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
