/* Reading whole tables back out in the import format, for `manyi export`. */
#ifndef MI_STORE_EXPORT_H
#define MI_STORE_EXPORT_H

#include <stddef.h>

#include "store/store.h"

/* Called once with the column names (values == NULL), then once per row with
 * the values as text (NULL = missing). Instants come out as
 * YYYY-MM-DDTHH:MM:SSZ, money as 123.45. A non-zero return stops the export
 * and is returned by mi_store_export. */
typedef int (*mi_export_cb)(void *ctx, const char *const *columns, const char *const *values,
                            size_t ncolumns);

/* Streams entity (customers|staff|orders|interactions|tickets|responses|
 * outbox|jobs) in id
 * order. For responses, survey names the survey whose questions become
 * columns (its latest version's questions; answers from older versions of
 * the same code are matched by question code); NULL means the only survey. */
int mi_store_export(mi_store *s, const char *entity, const char *survey, mi_export_cb cb,
                    void *ctx, mi_err *e);

#endif
