#include "util/err.h"

#include "util/i18n.h"
#include "util/text.h"

#include <string.h>

void mi_err_clear(mi_err *e) {
  if (e) memset(e, 0, sizeof *e);
}

int mi_err_setv(mi_err *e, int code, const char *fmt, va_list ap) {
  if (!e) return code;
  e->code = code;
  e->file[0] = '\0';
  e->line = e->column = 0;
  /* the one place a message is made: translated here (util/i18n.h) */
  vsnprintf(e->msg, sizeof e->msg, mi_tr(fmt), ap);
  return code;
}

int mi_err_set(mi_err *e, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mi_err_setv(e, code, fmt, ap);
  va_end(ap);
  return code;
}

int mi_err_setpos(mi_err *e, int code, const char *file, int line, int column,
                  const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mi_err_setv(e, code, fmt, ap);
  va_end(ap);
  if (e) {
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    e->line = line;
    e->column = column;
  }
  return code;
}

void mi_err_prefix(mi_err *e, const char *fmt, ...) {
  if (!e) return;
  char head[512], old[sizeof e->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(head, sizeof head, mi_tr(fmt), ap);
  va_end(ap);
  memcpy(old, e->msg, sizeof old);
  /* Truncation is acceptable here: the head matters more than the tail. */
  size_t n = strlen(head);
  if (n > sizeof e->msg - 3) n = sizeof e->msg - 3;
  memcpy(e->msg, head, n);
  memcpy(e->msg + n, ": ", 2);
  size_t room = sizeof e->msg - n - 3, m = strlen(old);
  if (m > room) m = room;
  memcpy(e->msg + n + 2, old, m);
  e->msg[n + 2 + m] = '\0';
}

void mi_err_kept(mi_err *e, const char *fmt, ...) {
  if (!e) return;
  char *p = strstr(e->msg, "; nothing was changed");
  if (p) *p = '\0';
  size_t n = strlen(e->msg);
  if (n + 2 >= sizeof e->msg) return;
  memcpy(e->msg + n, "; ", 3);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg + n + 2, sizeof e->msg - n - 2, mi_tr(fmt), ap);
  va_end(ap);
}

size_t mi_err_format(const mi_err *e, char *buf, size_t size) {
  int n = 0;
  if (!e || !size) return 0;
  const char *msg = e->msg[0] ? e->msg : mi_err_name(e->code);
  if (e->file[0] && e->line && e->column)
    n = snprintf(buf, size, "%s:%d:%d: %s", e->file, e->line, e->column, msg);
  else if (e->file[0] && e->line)
    n = snprintf(buf, size, "%s:%d: %s", e->file, e->line, msg);
  else if (e->file[0])
    n = snprintf(buf, size, "%s: %s", e->file, msg);
  else
    n = snprintf(buf, size, "%s", msg);
  return n < 0 ? 0 : (size_t)n;
}

void mi_err_print(const mi_err *e, FILE *out) {
  if (!e) return;
  char buf[sizeof e->file + sizeof e->msg + 32], shown[4 * sizeof buf];
  mi_err_format(e, buf, sizeof buf);
  /* messages quote names and values from files and policies: no raw escapes */
  mi_text_shown(buf, shown, sizeof shown);
  fprintf(out, "%s\n", shown);
}

const char *mi_err_name(int code) {
  switch (code) {
  case MI_OK: return "ok";
  case MI_EINVAL: return "invalid input";
  case MI_ENOMEM: return "out of memory";
  case MI_EIO: return "input/output error";
  case MI_ECONFIG: return "configuration error";
  case MI_ESTORE: return "database error";
  case MI_ECORRUPT: return "not a manyi database, or damaged";
  case MI_ENOTFOUND: return "not found";
  case MI_EEXIST: return "already exists";
  case MI_EPARSE: return "malformed input";
  case MI_EBUSY: return "database is busy";
  case MI_EVERSION: return "database is newer than this manyi";
  case MI_EDENIED: return "not allowed";
  case MI_EPOLICY: return "policy failed";
  default: return "error";
  }
}
