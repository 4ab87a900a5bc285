/* Responses checked by one thread and stored by another (import.c). */
#ifndef MI_SERVICE_IMPORT_PIPE_H
#define MI_SERVICE_IMPORT_PIPE_H

#include "service/import_rows.h"

typedef struct mi_import_pipe mi_import_pipe;

/* A step between checking and storing, run by a thread of its own on each
 * batch of checked rows in the file's order (the alert hook's decisions). */
typedef struct mi_import_stage {
  void (*fn)(void *ctx, mi_checked_response *rows, size_t n);
  void *ctx;
} mi_import_stage;

/* Starts the thread that reads reading->reader and checks each record with
 * reading->store (a connection of its own, read-only), and one for stage
 * unless it is NULL. */
int mi_import_pipe_start(mi_import_ctx *reading, const mi_import_stage *stage,
                         mi_import_pipe **out, mi_err *e);
/* The next checked responses, in the file's order: 1 with rows[0..n) (valid
 * until the next call), 0 at the end of the file, or the reading thread's
 * error (after the rows checked before it). */
int mi_import_pipe_next(mi_import_pipe *p, const mi_checked_response **rows, size_t *n,
                        mi_err *e);
/* Stops the reading thread (if still reading) and frees the queue. */
void mi_import_pipe_stop(mi_import_pipe *p);

#endif
