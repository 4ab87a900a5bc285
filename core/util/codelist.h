/* A list of codes joined by ';' ("speed;staff"): a choice question's
 * choices, and the choices of one answer to it. */
#ifndef MI_UTIL_CODELIST_H
#define MI_UTIL_CODELIST_H

#include <stddef.h>

/* 1 when the first n bytes of list (a NULL list: none) hold the code of len
 * bytes at code as one of their codes (";a" holds "" and "a"; "a;" only "a"). */
int mi_codelist_has(const char *list, size_t n, const char *code, size_t len);

#endif
