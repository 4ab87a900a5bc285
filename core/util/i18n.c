/* gettext behind mi_tr: glibc's, with the language set by LANGUAGE (the
 * messages' locale is C.UTF-8, which every Debian has, so that LANGUAGE is
 * honoured without a zh_CN locale installed) and the catalogue's text kept
 * in UTF-8. */
#define _GNU_SOURCE
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/i18n.h"

#ifndef MANYI_LOCALEDIR
#define MANYI_LOCALEDIR "/usr/local/share/locale"
#endif

extern int _nl_msg_cat_cntr; /* glibc: bumped to drop translations cached for another language */

static int zh;

static const char *localedir(char *buf, size_t size) {
  const char *env = getenv("MANYI_LOCALEDIR");
  if (env && *env) return env;
  ssize_t n = readlink("/proc/self/exe", buf, size - 40);
  if (n > 0) {
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash) {
      strcpy(slash + 1, "locale/zh_CN/LC_MESSAGES/manyi.mo");
      if (access(buf, R_OK) == 0) {
        strcpy(slash + 1, "locale");
        return buf;
      }
    }
  }
  return MANYI_LOCALEDIR;
}

int mi_i18n_set(const char *lang) {
  if (!lang || (strcmp(lang, "zh_CN") && strcmp(lang, "en"))) return -1;
  zh = !strcmp(lang, "zh_CN");
  if (!zh) return 0;
  char buf[PATH_MAX];
  setenv("LANGUAGE", "zh_CN", 1);
  setlocale(LC_MESSAGES, "C.UTF-8");
  bindtextdomain("manyi", localedir(buf, sizeof buf));
  bind_textdomain_codeset("manyi", "UTF-8");
  /* glibc's own messages (getopt's) in UTF-8 too, not '?' for each character */
  bind_textdomain_codeset("libc", "UTF-8");
  ++_nl_msg_cat_cntr;
  return 0;
}

const char *mi_i18n_lang(void) { return zh ? "zh_CN" : "en"; }

const char *mi_i18n_from_locale(void) {
  static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
  for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
    const char *v = getenv(vars[i]);
    if (v && *v) return !strncmp(v, "zh", 2) ? "zh_CN" : "en";
  }
  return "en";
}

const char *mi_tr(const char *msgid) { return zh ? dgettext("manyi", msgid) : msgid; }

/* The system's error texts that manyi's catalogue translates (listed for
 * xgettext; mi_strerror looks them up). */
static const char *const errno_texts[] __attribute__((unused)) = {
    N_("No such file or directory"), N_("Permission denied"), N_("Is a directory"),
    N_("No space left on device"), N_("Read-only file system"), N_("File exists"),
    N_("Not a directory")};

/* From the English description (strerrordesc_np, which no catalogue
 * changes): the same text whether or not the system has glibc's Chinese. */
const char *mi_strerror(int errnum) {
  const char *en = strerrordesc_np(errnum);
  return en ? mi_tr(en) : strerror(errnum);
}
