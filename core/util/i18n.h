/* The language of what manyi writes for people (the report; more of the CLI
 * over time): English, or Chinese through gettext's catalogue po/zh_CN.po,
 * compiled by the build into locale/zh_CN/LC_MESSAGES/manyi.mo. */
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

#define _(s) mi_tr(s)
#define N_(s) (s) /* marked for xgettext, translated where it is used */

#endif
