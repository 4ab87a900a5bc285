/* mi_err: how every manyi function reports failure.
 * Functions return 0 on success or a negative MI_E* code, and fill an mi_err
 * (if one is given) with a message that says what was wrong, where, and what
 * to do. Position fields are 1-based; 0 means "not known". */
#ifndef MI_UTIL_ERR_H
#define MI_UTIL_ERR_H

#include <stdarg.h>
#include <stdio.h>

enum {
  MI_OK = 0,
  MI_EINVAL = -1,    /* bad argument or bad input value */
  MI_ENOMEM = -2,
  MI_EIO = -3,       /* file system or stream error */
  MI_ECONFIG = -4,   /* configuration error */
  MI_ESTORE = -5,    /* database error */
  MI_ECORRUPT = -6,  /* file is not a manyi database or is damaged */
  MI_ENOTFOUND = -7,
  MI_EEXIST = -8,    /* duplicate key */
  MI_EPARSE = -9,    /* malformed CSV/JSON/date/number */
  MI_EBUSY = -10,    /* database locked by another process */
  MI_EVERSION = -11, /* database is newer than this manyi */
  MI_EDENIED = -12,  /* the acting user's role or department does not allow it */
  MI_EPOLICY = -20,  /* a policy raised, broke a budget, or returned nonsense */
};

typedef struct mi_err {
  int code;
  char file[256];
  int line;
  int column;
  char msg[1024];
} mi_err;

/* Clears e (e may be NULL). */
void mi_err_clear(mi_err *e);

/* Sets code and message (printf-style); keeps no position. Returns code so
 * callers can write `return mi_err_set(e, MI_EINVAL, "...")`. e may be NULL. */
int mi_err_set(mi_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int mi_err_setv(mi_err *e, int code, const char *fmt, va_list ap);

/* Sets code, position and message. file may be NULL. */
int mi_err_setpos(mi_err *e, int code, const char *file, int line, int column,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Puts "context: " in front of the message (e.g. the name of the file). */
void mi_err_prefix(mi_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* For an error that ends work which had committed transactions before it:
 * the store's "; nothing was changed" speaks of the failed transaction only,
 * so it is cut and "; " and what the earlier ones kept is put at the end. */
void mi_err_kept(mi_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "file:line:column: message" (as much position as is known) into buf,
 * truncated to size; returns the length it wanted, like snprintf. */
size_t mi_err_format(const mi_err *e, char *buf, size_t size);

/* Writes "file:line:column: message\n" (as much position as is known). */
void mi_err_print(const mi_err *e, FILE *out);

/* Short name of a code: "invalid input", "out of memory", ... */
const char *mi_err_name(int code);

#endif
