/* Insert-or-update by external id, shared by the entity files. */
#ifndef MI_STORE_PUT_H
#define MI_STORE_PUT_H

#include "store/store_internal.h"

typedef int (*mi_put_binder)(sqlite3_stmt *st, const void *row);

/* Runs insert_sql ("... ON CONFLICT(external_id) DO NOTHING"); if nothing was
 * inserted, runs update_sql ("UPDATE ... WHERE external_id = ?1 AND (changed)
 * RETURNING id").
 * Both statements take the same parameters, bound by bind. update_sql may be
 * NULL for rows that never change once stored. The new or existing row id is
 * stored in *id when id is not NULL. */
int mi_store_put(mi_store *s, enum mi_stmt_slot insert_slot, const char *insert_sql,
                 enum mi_stmt_slot update_slot, const char *update_sql, mi_put_binder bind,
                 const void *row, int64_t *id, const char *what, mi_err *e);

/* Looks up the id of a row by a text key with a one-column, one-parameter
 * SELECT. MI_ENOTFOUND when absent: the caller then says what was unknown in
 * a sentence of its own ("unknown customer '%s'"), translated whole (a noun
 * pasted into a translated sentence would stay English). */
int mi_store_lookup_id(mi_store *s, enum mi_stmt_slot slot, const char *sql, const char *key,
                       int64_t *id, mi_err *e);

#endif
