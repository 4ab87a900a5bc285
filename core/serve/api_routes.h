/* The JSON API's calls (api_routes.c): which command of manyi's command
 * table a method and path stand for, and its command line with the call's
 * fields. Pure functions over text, fuzzed by tests/fuzz/fuzz_form.c. */
#ifndef MI_SERVE_API_ROUTES_H
#define MI_SERVE_API_ROUTES_H

#include <stddef.h>

enum { MI_API_MAX = 48 };

/* A call's fields: the path's {x} segments, the query's, the body's. */
typedef struct mi_api_fields {
  const char *name[MI_API_MAX], *value[MI_API_MAX];
  int n;
  char *owned[2 * MI_API_MAX]; /* texts copied for the fields */
  int nowned;
} mi_api_fields;

/* Adds name = value (not copied); -1 when it is there already or full. */
int mi_api_field_add(mi_api_fields *f, const char *name, const char *value);
/* Adds name = a copy of value[0..n); -1 as above or out of memory. */
int mi_api_field_copy(mi_api_fields *f, const char *name, const char *value, size_t n);
void mi_api_fields_free(mi_api_fields *f);

/* A command line: argv[0..argc), NULL-terminated, owned. */
typedef struct mi_api_call {
  char *argv[MI_API_MAX + 1];
  int argc;
  int created; /* success is 201 */
} mi_api_call;

/* The command of method and path with the fields f (the path's are added to
 * f): 0, or the HTTP status of the refusal with why said: 404 (no such call),
 * 405 (not with this method; allow set), 400 (a field missing, unknown, given
 * twice, not true or false, or starting with '-' where a word is wanted),
 * 500 (out of memory). Each value is one word of the command line, never
 * split or read by a shell. */
int mi_api_command(const char *method, const char *path, mi_api_fields *f, mi_api_call *c,
                   const char **allow, char *why, size_t size);
void mi_api_call_free(mi_api_call *c);

#endif
