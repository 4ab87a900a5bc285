/* The language of what manyi writes for people (the report, and the CLI's
 * messages: errors, usage and help): English, or Chinese through gettext's
 * catalogue po/zh_CN.po, compiled by the build into
 * locale/zh_CN/LC_MESSAGES/manyi.mo. Messages are translated where they are
 * formatted: mi_err_set and its kin, mi_record_error, mi_cli_usage_error and
 * the help printers pass their format through mi_tr, so a message needs no
 * marking of its own; a message the catalogue lacks stays English. `make
 * pot` (CMakeLists.txt) extracts them all into po/manyi.pot. */
#ifndef MI_UTIL_I18N_H
#define MI_UTIL_I18N_H

/* Chooses the language: "zh_CN" or "en" (anything else is refused with -1).
 * The catalogue is looked for in $MANYI_LOCALEDIR, then beside the binary
 * (locale/, the build tree), then in the installed share/locale. */
int mi_i18n_set(const char *lang);
/* "zh_CN" or "en": the language chosen, else "en". */
const char *mi_i18n_lang(void);
/* The language of the locale ($LANGUAGE, $LC_ALL, $LC_MESSAGES, $LANG):
 * "zh_CN" for any Chinese one, else "en". */
const char *mi_i18n_from_locale(void);
/* msgid in the language chosen (msgid itself in English or when the
 * catalogue lacks it). */
const char *mi_tr(const char *msgid) __attribute__((format_arg(1)));

/* strerror(errnum) in the language chosen (the system's own catalogue is
 * not needed: the common ones are in manyi's). */
const char *mi_strerror(int errnum);

#define _(s) mi_tr(s)
#define N_(s) (s) /* marked for xgettext, translated where it is used */

#endif
